"""The editing session (cufmap.editing.EditingSession) without Streamlit: load, edit,
validate, merge, save, conflict — over the local file and over a Git remote, both opened by
store.open_store as the page opens them."""

import pytest

from cufmap import editing, gitstore, store
from cufmap.errors import CufmapError

from .test_gitstore import direct_commit, remote  # noqa: F401  (remote: a fixture)


@pytest.fixture(params=["fichier", "git"])
def opened(request, tmp_path, relay_copy):
    """open(name) -> a store as a server instance opens it; ``outside(old, new)`` saves a change
    of a title made by someone else meanwhile (another instance, or a commit on the remote)."""
    if request.param == "fichier":
        def open_(name):
            return store.open_store(relay_copy, tmp_path / "lieux.csv")

        def outside(old, new):
            other = store.open_store(relay_copy, tmp_path / "lieux.csv")
            snap = other.load()
            frame = snap.frame.copy()
            frame["titre"] = frame["titre"].str.replace(old, new, regex=False)
            other.save(frame, snap.version, author="Autre")
        return open_, outside
    bare = request.getfixturevalue("remote")

    def open_(name):
        folder = tmp_path / name
        settings = gitstore.Settings(f"file://{bare}", cache=str(folder / "cache"))
        return store.open_store(folder / "relais.csv", folder / "lieux.csv", settings)

    def outside(old, new):
        direct_commit(tmp_path, bare, lambda text: text.replace(old, new))
    return open_, outside


def _retitle(frame, ident, title):
    frame = frame.copy()
    frame.loc[frame["id"] == ident, "titre"] = title
    return frame


def _both(frame) -> bool:
    """Both edits are in the table: mine (Lyon) and the other one (Suippes)."""
    titles = list(frame["titre"])
    return "Mon titre" in titles and any("Randonnée vue ailleurs" in t for t in titles)


def test_an_edit_is_validated_then_saved_and_published(opened):
    open_, _ = opened
    published = []
    session = editing.EditingSession.open(open_("a"), "Élise", publish=published.append)
    published.clear()  # the Git storage publishes what its first fetch brought
    first_table = session.table
    broken = session.start.copy()
    broken.loc[0, "collectivite"] = ""  # a required cell emptied
    now = session.edit(broken)
    assert now.errors and not now.savable and "collectivite" in now.errors[0].message
    now = session.edit(_retitle(session.start, "suippes-2025-04-01", "Titre de la session"))
    assert not now.errors and now.savable and now.changes.changed == {
        "suippes-2025-04-01": ["titre"]}
    assert session.save()
    assert session.take("saved") == "0 ligne(s) ajoutée(s), 1 modifiée(s), 0 supprimée(s)"
    assert session.take("saved") == ""  # said once
    assert published  # the public page was regenerated after the save
    assert session.table > first_table  # a fresh editor over the saved version
    again = editing.EditingSession.open(open_("b"), "Autre")
    assert "Titre de la session" in set(again.base["titre"])


def test_a_save_after_someone_else_s_is_refused_then_merged_keeping_both(opened):
    open_, outside = opened
    session = editing.EditingSession.open(open_("a"), "Élise")
    session.edit(_retitle(session.start, "lyon-2025-04-16", "Mon titre"))
    outside("Randonnée de la coopération", "Randonnée vue ailleurs")  # Suippes' title
    session.store.sync(force=True)  # what the 30 s thread does for the Git storage
    assert session.stale
    assert not session.save()  # refused: nothing lost
    assert session.conflict and not session.stale
    assert "Mon titre" in set(session.mine["titre"])
    session.load(keep_edits=True)  # « Charger sa version en gardant mes modifications »
    assert not session.conflict and not session.conflicts
    assert _both(session.start)
    session.edit(session.start)
    assert session.save()
    fresh = editing.EditingSession.open(open_("c"), "Autre")
    assert _both(fresh.base)


def test_the_same_cell_changed_on_both_sides_is_listed(opened):
    open_, outside = opened
    session = editing.EditingSession.open(open_("a"), "Élise")
    ident = "suippes-2025-04-01"
    session.edit(_retitle(session.start, ident, "Ma randonnée"))
    outside("Randonnée de la coopération", "Randonnée vue ailleurs")
    session.store.sync(force=True)
    assert not session.save()
    session.load(keep_edits=True)
    assert len(session.conflicts) == 1 and ident in session.conflicts[0]


def test_an_unreadable_file_leaves_an_empty_table_and_keeps_the_session_usable(relay_copy,
                                                                                tmp_path):
    relay_copy.write_bytes(b"\x00\x01 pas un tableau")
    session = editing.EditingSession.open(store.open_store(relay_copy, tmp_path / "l.csv"), "É")
    assert session.broken and session.base.empty and session.version


def test_a_store_error_reaches_the_caller_and_keeps_the_edits(relay_copy, tmp_path):
    class Unwritable(store.Store):
        def save(self, *args, **kwargs):
            raise CufmapError("Le fichier ne peut pas être écrit.")

    session = editing.EditingSession.open(Unwritable(relay_copy), "Élise")
    session.edit(_retitle(session.start, "suippes-2025-04-01", "Gardé"))
    with pytest.raises(CufmapError):
        session.save()
    assert "Gardé" in set(session.mine["titre"]) and not session.conflict
