"""The speaker's notes for staff only (issue 18, item 3): the speaker view for signed-in staff
or a presenter link's holder; no file served to anonymous visitors holds a note; the
audience window stays open to all. (The two windows in a real browser:
tests/test_browser_presenter.py.)"""

import csv
import shutil
import time

import pytest

from cufmap.app import auth, speaker, web

from .conftest import DATA, ROOT, run_page

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
    monkeypatch.setenv("CUFMAP_CARTE", str(tmp_path / "carte"))
    monkeypatch.setenv(auth.ENV_HASH, auth.hash_password(PASSWORD, iterations=1000))
    monkeypatch.chdir(ROOT)
    import importlib

    import cufmap

    importlib.reload(cufmap)  # DEFAULT_DATA follows CUFMAP_DATA (the links live beside it)
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
    for folder in (web.DOCUMENTS, ROOT / "static" / "carte"):
        for path in folder.rglob("*") if folder.is_dir() else ():
            if path.is_file() and path.stat().st_mtime >= since:
                body = path.read_text(encoding="utf-8", errors="replace")
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
    assert "/app/static/cartes/" in frame and "remercier" not in frame
    assert '"cufNotes"' not in frame and "notes = null" in frame


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
    assert links.path == noted / ".liens-orateur.json"
    secret = links.create("Webinaire du 9 avril", "Alice")
    assert secret not in links.path.read_text(encoding="utf-8")  # only its hash is kept
    assert oct(links.path.stat().st_mode & 0o777) == "0o600"
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


def test_documents_of_another_format_are_removed_once(monkeypatch, tmp_path):
    """Map documents written before (they carried the speaker's notes) do not outlive an
    upgrade: the first page served empties the folder of another format."""
    monkeypatch.setattr(web, "DOCUMENTS", tmp_path / "cartes")
    monkeypatch.setattr(web, "_checked_format", False)
    (tmp_path / "cartes").mkdir()
    old = tmp_path / "cartes" / "0123456789abcdef01234567.html"
    old.write_text('{"notes":"Petersberg est en Hesse."}', encoding="utf-8")
    web._forget_other_formats()
    assert not old.exists()
    assert (tmp_path / "cartes" / ".format").read_text(encoding="utf-8") == web.DOCUMENTS_FORMAT
    kept = tmp_path / "cartes" / "fedcba9876543210fedcba98.html"
    kept.write_text("<html></html>", encoding="utf-8")
    monkeypatch.setattr(web, "_checked_format", False)  # another process, the same version
    web._forget_other_formats()
    assert kept.exists()
