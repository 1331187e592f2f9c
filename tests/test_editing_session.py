"""The editing session (cufmap.editing.session.EditingSession) without Streamlit: load, edit,
validate, merge, save, conflict — over the local file and over a Git remote, both opened by
open_storage as the page opens them."""

import pytest

from cufmap.editing.session import EditingSession, read_upload
from cufmap.errors import CufmapError
from cufmap.settings import Settings
from cufmap.storage import local, open_storage, spreadsheets
from cufmap.storage.changes import UnconfirmedErasure

from .test_gitstore import direct_commit, remote  # noqa: F401  (remote: a fixture)


def _local(data, folder):
    return Settings(data=data, places=folder / "l.csv")


@pytest.fixture(params=["fichier", "git"])
def opened(request, tmp_path, relay_copy):
    """open(name) -> a store as a server instance opens it; ``outside(old, new)`` saves a change
    of a title made by someone else meanwhile (another instance, or a commit on the remote)."""
    if request.param == "fichier":
        def open_(name):
            return open_storage(Settings(data=relay_copy, places=tmp_path / "lieux.csv"))

        def outside(old, new):
            other = open_storage(Settings(data=relay_copy, places=tmp_path / "lieux.csv"))
            snap = other.load()
            frame = snap.frame.copy()
            frame["titre"] = frame["titre"].str.replace(old, new, regex=False)
            other.save(frame, snap.version, author="Autre")
        return open_, outside
    bare = request.getfixturevalue("remote")

    def open_(name):
        folder = tmp_path / name
        return open_storage(Settings(data=folder / "relais.csv", places=folder / "lieux.csv",
                                     depot=f"file://{bare}", depot_cache=folder / "cache"))

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
    session = EditingSession.open(open_("a"), "Élise", publish=lambda: published.append(1) or "")
    published.clear()  # the Git storage publishes what its first fetch brought
    first_table = session.table
    broken = session.start.copy()
    broken.loc[0, "collectivite"] = ""  # a required cell emptied
    now = session.edit(broken)
    assert now.errors and not now.savable and "Collectivité hôte" in now.errors[0].message
    now = session.edit(_retitle(session.start, "suippes-2025-04-01", "Titre de la session"))
    assert not now.errors and now.savable and now.changes.changed == {
        "suippes-2025-04-01": ["titre"]}
    assert session.save()
    assert session.take("saved") == "0 ligne(s) ajoutée(s), 1 modifiée(s), 0 supprimée(s)"
    assert session.take("saved") == ""  # said once
    assert published  # the public page was regenerated after the save
    assert session.table > first_table  # a fresh editor over the saved version
    again = EditingSession.open(open_("b"), "Autre")
    assert "Titre de la session" in set(again.base["titre"])


def test_a_save_after_someone_else_s_is_refused_then_merged_keeping_both(opened):
    open_, outside = opened
    session = EditingSession.open(open_("a"), "Élise")
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
    fresh = EditingSession.open(open_("c"), "Autre")
    assert _both(fresh.base)


def test_reloading_twice_keeps_the_other_person_s_work(opened):
    """« Charger sa version en gardant mes modifications » reaching the session twice (a
    double click, a run interrupted and replayed) merges nothing back over their version."""
    open_, outside = opened
    session = EditingSession.open(open_("a"), "Élise")
    session.edit(_retitle(session.start, "lyon-2025-04-16", "Mon titre"))
    outside("Randonnée de la coopération", "Randonnée vue ailleurs")
    session.store.sync(force=True)
    assert not session.save()
    session.load(keep_edits=True)
    session.load(keep_edits=True)  # before the page has run again
    assert _both(session.start) and not session.conflicts
    assert session.save()
    assert _both(EditingSession.open(open_("c"), "Autre").base)


def test_the_same_cell_changed_on_both_sides_is_listed(opened):
    open_, outside = opened
    session = EditingSession.open(open_("a"), "Élise")
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
    session = EditingSession.open(open_storage(_local(relay_copy, tmp_path)), "É")
    assert session.broken and session.base.empty and session.version


def test_a_store_error_reaches_the_caller_and_keeps_the_edits(relay_copy, tmp_path):
    class Unwritable(local.Store):
        def save(self, *args, **kwargs):
            raise CufmapError("Le fichier ne peut pas être écrit.")

    session = EditingSession.open(Unwritable(relay_copy), "Élise")
    session.edit(_retitle(session.start, "suippes-2025-04-01", "Gardé"))
    with pytest.raises(CufmapError):
        session.save()
    assert "Gardé" in set(session.mine["titre"]) and not session.conflict


def test_a_save_that_empties_filled_cells_needs_a_confirmation(relay_copy, tmp_path):
    session = EditingSession.open(open_storage(_local(relay_copy, tmp_path)), "É")
    before = relay_copy.read_bytes()
    emptied = session.start.copy()
    emptied.loc[emptied["id"] == "rennes-2025-06-26", "date_debut"] = ""
    now = session.edit(emptied)
    assert now.savable and [e.message() for e in now.erasures] == [
        "La date de début de « Ville de Rennes » sera effacée."]
    with pytest.raises(UnconfirmedErasure) as refused:
        session.save()
    assert "Ville de Rennes" in str(refused.value) and relay_copy.read_bytes() == before
    assert session.save(confirmed=True)
    assert "rennes-2025-06-26,,," in relay_copy.read_text(encoding="utf-8")


def test_an_import_that_empties_cells_needs_a_confirmation(relay_copy, tmp_path):
    session = EditingSession.open(open_storage(_local(relay_copy, tmp_path)), "É")
    text = spreadsheets.to_excel_csv_bytes(session.base).decode("utf-8-sig")
    upload = read_upload(text.replace(";commune;", ";;", 1).encode("utf-8"), "r.csv",
                                 session.base)
    assert [e.message() for e in upload.erasures] == [
        "Le type de collectivité de « Ville de Suippes » sera effacé."]
    with pytest.raises(UnconfirmedErasure):
        session.import_upload(upload)
    assert session.import_upload(upload, confirmed=True)


def test_a_stage_saved_from_the_form_keeps_the_table_s_unsaved_edits(relay_copy, tmp_path):
    session = EditingSession.open(open_storage(_local(relay_copy, tmp_path)), "É")
    session.edit(_retitle(session.start, "lyon-2025-04-16", "Mon titre"))  # not saved yet
    stage = {"id": "orleans-2025-06-05", "collectivite": "Ville d'Orléans",
             "type_collectivite": "commune", "titre": "Fête des jumelages",
             "date_debut": "05/06/2025", "partenaires": "Wichita (États-Unis)"}
    assert session.save_stage(stage)
    saved = {r["id"]: r for r in local.Store(relay_copy).load().frame.to_dict("records")}
    assert saved["orleans-2025-06-05"]["date_debut"] == "2025-06-05"
    assert saved["lyon-2025-04-16"]["titre"] != "Mon titre"  # the table's edit: not saved…
    assert "Mon titre" in set(session.start["titre"])  # …but still in the table
    assert "Ville d'Orléans" in set(session.start["collectivite"])
    changed = dict(saved["orleans-2025-06-05"], date_debut="", heure_debut="9h30")
    assert session.stage_check(saved["orleans-2025-06-05"], "orleans-2025-06-05") == (False, [])
    now, erased = session.stage_check(changed, "orleans-2025-06-05")
    assert now and [e.message() for e in erased] == [
        "La date de début de « Ville d'Orléans » sera effacée."]
    assert [p.message for p in session.stage_problems(dict(changed, titre=""),
                                                      "orleans-2025-06-05")] == [
        "Ligne 21, colonne Titre : cellule vide (obligatoire : Titre court de l'étape, tel "
        "qu'il s'affiche sur la carte.)"]
    with pytest.raises(UnconfirmedErasure):  # the form asks first, too
        session.save_stage(changed, replacing="orleans-2025-06-05")
    assert session.save_stage(changed, replacing="orleans-2025-06-05", confirmed=True)
    saved = {r["id"]: r for r in local.Store(relay_copy).load().frame.to_dict("records")}
    assert (saved["orleans-2025-06-05"]["date_debut"], saved["orleans-2025-06-05"]["heure_debut"]) \
        == ("", "09:30")


def test_edits_from_a_replaced_editor_are_never_saved_over_the_new_version(opened):
    """A page run that still shows the editor a reload has replaced (two runs of one browser
    session at once) hands in that editor's table: a save saves the new editor's."""
    open_, outside = opened
    session = EditingSession.open(open_("a"), "Élise")
    replaced = session.table
    mine = _retitle(session.start, "lyon-2025-04-16", "Mon titre")
    session.edit(mine, replaced)
    outside("Randonnée de la coopération", "Randonnée vue ailleurs")
    session.store.sync(force=True)
    assert not session.save()
    session.load(keep_edits=True)
    assert session.edit(mine, replaced).changes.changed  # shown to that run, not remembered
    assert session.save()
    assert _both(EditingSession.open(open_("c"), "Autre").base)


def test_a_reload_is_seen_whole_or_not_at_all_by_another_run(relay_copy, tmp_path):
    """While a reload reads the file (in a button's callback on one thread), another run of
    the same browser session (on another thread) cannot read the editor half changed."""
    import threading

    class Slow(local.Store):
        def load(self):
            reading.set()
            release.wait()
            return super().load()

    reading, release = threading.Event(), threading.Event()
    session = EditingSession(Slow(relay_copy), "Élise")
    loader = threading.Thread(target=session.load)
    loader.start()
    reading.wait()
    try:
        assert not session._lock.acquire(blocking=False)  # a reader waits for the whole reload
    finally:
        release.set()
        loader.join()
    table, start = session.editor()
    assert table == 1 and start is session.start and len(start) == 20
