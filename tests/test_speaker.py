"""The speaker's notes for staff only (issue 18, item 3): the speaker view for signed-in staff
or a presenter link's holder; no file served to anonymous visitors holds a note; the
audience window stays open to all. (The two windows in a real browser:
tests/test_browser_presenter.py.)"""

import csv
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from cufmap.app import auth, speaker

from .conftest import DATA, ROOT, run_page
from .test_gitstore import git, instance, log, remote  # noqa: F401  (remote: a fixture)

NOTE = "Note privée : remercier Yangpyeong <b>en coréen</b>"
PASSWORD = "bon-mot-de-passe"


@pytest.fixture
def noted(monkeypatch, tmp_path):
    """The shipped relay with a presenter's note on Suippes, editing enabled."""
    with DATA.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["notes_presentation"] = NOTE
    data = tmp_path / "relais.csv"
    with data.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    shutil.copy(ROOT / "data" / "lieux.csv", tmp_path / "lieux.csv")
    monkeypatch.setenv("CUFMAP_DATA", str(data))
    monkeypatch.setenv("CUFMAP_PLACES", str(tmp_path / "lieux.csv"))
    monkeypatch.setenv("CUFMAP_MOT_DE_PASSE_HASH", auth.hash_password(PASSWORD, iterations=1000))
    monkeypatch.chdir(ROOT)
    return tmp_path


def _frames(at) -> str:
    return "".join(f.proto.srcdoc for f in at.get("iframe"))


def _served_files_with(text: str, since: float) -> list[str]:
    """Every file the app serves to anyone (map documents, the live export) written since
    ``since`` (the folder is shared with other tests and runs) holding ``text`` (or its
    JSON-escaped form)."""
    import json

    escaped = json.dumps(text, ensure_ascii=True)[1:-1].replace("<", "\\u003c")
    found = []
    import os

    for folder in (Path(os.environ["CUFMAP_DOSSIER_PUBLIE"]), ROOT / "static"):
        # os.walk, not rglob: tests running side by side remove their own folders meanwhile
        for parent, _, names in os.walk(folder):
            for path in (Path(parent) / name for name in names):
                try:
                    if path.stat().st_mtime < since:
                        continue
                    body = path.read_text(encoding="utf-8", errors="replace")
                except FileNotFoundError:  # removed by its test since the folder was listed
                    continue
                if "remercier Yangpyeong" in body or escaped[:30] in body:
                    found.append(str(path))
    return found


def test_anonymous_speaker_view_shows_no_note_and_asks_to_sign_in(noted):
    at = run_page("pages/presentation.py", {"vue": "orateur", "date": "2025-04-09"})
    assert at.get("iframe") == []  # no speaker view at all
    assert any("réservées à l'équipe" in i.value for i in at.info)
    assert at.text_input(key="ed_password")  # the sign-in form, right there
    at = run_page("pages/presentation.py", {"vue": "orateur", "cle": "devine"})
    assert at.get("iframe") == [] and any("n'est pas (ou plus) valide" in i.value
                                          for i in at.info)
    audience = run_page("pages/presentation.py", {"date": "2025-04-09"})  # open to all
    frame = _frames(audience)
    assert "/cartes/" in frame and "remercier" not in frame
    assert "\"notes\":null" in frame and "Note priv" not in frame


def test_signed_in_staff_see_the_notes_sent_to_their_session_only(noted):
    start = time.time() - 1
    at = run_page("pages/presentation.py", {"vue": "orateur", "date": "2025-04-09"})
    at.text_input(key="ed_name").input("Alice")
    at.text_input(key="ed_password").input(PASSWORD)
    at.button[0].click().run()
    frame = _frames(at)
    assert "Note priv\\u00e9e : remercier Yangpyeong \\u003cb\\u003een cor\\u00e9en" in frame
    assert _served_files_with(NOTE, start) == []  # the documents it loads hold none


def test_a_presenter_link_opens_the_speaker_view_until_it_is_revoked(noted):
    start = time.time() - 1
    links = speaker.links()
    secret = links.create("Webinaire du 9 avril", "Alice")
    kept = noted / ".liens-orateur.json"  # the local storage keeps it beside the data
    assert secret not in kept.read_text(encoding="utf-8")  # only its hash is kept
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    at = run_page("pages/presentation.py", {"vue": "orateur", "cle": secret})
    assert "remercier Yangpyeong" in _frames(at)
    assert _served_files_with(NOTE, start) == []
    links.revoke(links.all()[0].ident)
    at = run_page("pages/presentation.py", {"vue": "orateur", "cle": secret})
    assert at.get("iframe") == [] and "remercier" not in _frames(at)


def test_staff_create_and_revoke_presenter_links_on_the_editing_page(noted):
    at = run_page("pages/edition.py")
    at.text_input(key="ed_name").input("Alice")
    at.text_input(key="ed_password").input(PASSWORD)
    at.button[0].click().run()
    at.text_input(key="sp_label").input("Webinaire du 9 avril")
    at.button(key="sp_create").click().run()
    url = at.code[-1].value
    assert url.startswith("/presentation?vue=orateur&cle=")
    secret = url.split("cle=", 1)[1]
    assert speaker.links().valid(secret)
    at.button(key=f"sp_revoke_{speaker.links().all()[0].ident}").click().run()
    assert not speaker.links().valid(secret) and speaker.links().all() == []


def test_the_speaker_button_s_address_carries_the_view_but_never_a_secret():
    assert speaker.speaker_url({"date": "2025-04-09", "tuiles": "ign", "cle": "secret",
                                "vue": "orateur"}) == \
        "presentation?date=2025-04-09&tuiles=ign&vue=orateur"


def test_a_publication_by_another_version_is_published_anew(noted):
    """What another version of cufmap published (before issue 18, map documents carried the
    speaker's notes) does not outlive an upgrade: the format is part of what is checked, and
    older versions of the documents are removed."""
    from cufmap.publish import site
    from cufmap.settings import Settings

    config = Settings(data=noted / "relais.csv", places=noted / "lieux.csv",
                      published=noted / "publie")
    first = site.publish(config)
    old = config.published_dir / site.DOCUMENTS / "0123456789abcdef"
    old.mkdir()
    (old / "carte-osm-fr.html").write_text('{"notes":"Petersberg est en Hesse."}')
    index = config.published_dir / site.DOCUMENTS / site.INDEX
    index.write_text(index.read_text().replace(site.fingerprint(), "ancien"))
    assert site.is_stale(config.published_dir, config.data, config.places)
    site.publish(config)
    assert not old.exists() and (config.published_dir / site.DOCUMENTS / first.version).exists()


# --- Links last as long as the data (kept by the storage) -------------------------------------

def test_presenter_links_outlive_a_wiped_disk_with_the_git_storage(tmp_path, remote):  # noqa: F811
    """Streamlit Community Cloud and container hosts throw the disk away at each restart:
    with the Git storage, a link created before the webinar still opens the speaker view on
    the restarted instance (its cache and files gone), and a revocation made there holds."""
    first = speaker.Links(instance(tmp_path, remote, "a"))
    secret = first.create("Webinaire du 9 avril", "Alice")
    kept = git(remote, "show", "main:data/liens-orateur.json")
    assert secret not in kept and first.all()[0].digest in kept  # the digest only
    assert log(remote)[0] == ("Alice", "Lien orateur créé : Webinaire du 9 avril")
    shutil.rmtree(tmp_path / "instance-a")  # the restart
    restarted = speaker.Links(instance(tmp_path, remote, "a"))
    assert restarted.valid(secret)
    restarted.revoke(restarted.all()[0].ident, "Bob")
    assert not speaker.Links(instance(tmp_path, remote, "c")).valid(secret)


def test_two_instances_creating_links_at_once_keep_both(tmp_path, remote):  # noqa: F811
    """Instance B reads the links, instance A pushes its new link, then B pushes: B's push is
    refused (the remote moved), B fetches and applies its change again on top."""
    a, b = speaker.Links(instance(tmp_path, remote, "a")), instance(tmp_path, remote, "b")
    created = []

    def add_bob(data):
        if not created:  # between B's read and B's push, A saves its own link
            created.append(a.create("Pour Alice", "Alice"))
        return speaker._encode([*speaker._parse(data), speaker.Link("b0b", "0" * 64, "Pour Bob",
                                                                     "Bob", "")])

    b.update_kept(speaker.LINKS_FILE, add_bob, "Lien orateur créé : Pour Bob", "Bob")
    fresh = speaker.Links(instance(tmp_path, remote, "c"))
    assert fresh.valid(created[0]) and [k.label for k in fresh.all()] == ["Pour Alice", "Pour Bob"]


def test_a_huge_links_file_committed_by_hand_is_refused_unread(tmp_path, remote):  # noqa: F811
    work = tmp_path / "direct"
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True,
                   capture_output=True)
    import hashlib
    import json

    link = {"ident": "1", "digest": hashlib.sha256(b"x" * 43).hexdigest(), "label": "",
            "author": "", "created": ""}  # a working link, once read: it must not be
    (work / "data" / "liens-orateur.json").write_bytes(
        json.dumps([link]).encode()[:-1] + b" " * (1 << 20) + b"]")
    git(work, "add", ".")
    git(work, "-c", "user.name=X", "-c", "user.email=", "commit", "-q", "-m", "gros")
    git(work, "push", "-q", "origin", "HEAD:main")
    links = speaker.Links(instance(tmp_path, remote, "a"))
    assert links.all() == [] and not links.valid("x" * 43)
    secret = links.create("Après", "Alice")  # staff can still create one: it replaces it
    assert links.valid(secret) and len(git(remote, "show", "main:data/liens-orateur.json")) < 1000
