"""AppTest smoke tests of every page (headless, no browser)."""

import datetime as dt
import re
import shutil

import pytest

from cufmap.publish import mapdoc

from .conftest import DATA, ROOT, run_page


@pytest.fixture
def app(monkeypatch, tmp_path):
    data = tmp_path / "relais.csv"
    shutil.copy(DATA, data)
    monkeypatch.setenv("CUFMAP_DATA", str(data))
    monkeypatch.chdir(ROOT)

    def run(script="app.py", **params):
        return run_page(script, params)

    run.data = data
    return run


def _document(at) -> str:
    """The map document the page embeds: its small frame (all the websocket carries) loads it
    from the app's static files, in an iframe sandboxed without allow-same-origin."""
    from cufmap.app import web

    frames = at.get("iframe")
    assert len(frames) == 1
    frame = frames[0].proto.srcdoc
    assert len(frame.encode("utf-8")) < 4096  # the presenter's frame also relays keys and sync
    inner = re.search(r'<iframe src="/app/static/cartes/([0-9a-f]+\.html)"[^>]* '
                      r'sandbox="([^"]*)"', frame)
    assert inner and "allow-scripts" in inner.group(2)
    assert "allow-same-origin" not in inner.group(2)
    return (web.DOCUMENTS / inner.group(1)).read_text(encoding="utf-8")


def test_map_page_builds_the_document_from_the_data(app):
    at = app("app.py", date="2025-04-09")
    html = _document(at)
    assert '"id":"suippes-2025-04-01"' in html
    # ?date is obeyed: the page decides past / current / upcoming from this reference date
    # (tests/js/data.test.js: the statuses follow it).
    assert '"today":"2025-04-09"' in html
    assert at.date_input[0].value == dt.date(2025, 4, 9)
    assert '"type":"FeatureCollection"' in html
    assert "Mardi 1er avril 2025" in html
    assert "cdn" not in html.lower()
    # Assets come from the app's own static files (browser-cached), never from elsewhere.
    assert re.findall(r'<script src="([^"?]+)', html) == [
        "/app/static/leaflet.js", "/app/static/topojson-client.min.js",
        *(f"/app/static/{name}" for name in mapdoc.ASSETS_JS["relay"])]
    assert "Lieux — Découpage administratif" in at.caption[-1].value


def _filters(html) -> dict:
    """The selection the map document applies (and counts) itself."""
    import json

    return json.loads(re.search(r'"filters":(\{[^}]*\})', html).group(1))


def test_map_page_filters_from_the_url(app):
    at = app("app.py", pays="kr")  # an ISO code in any case (tests/url_cases.json)
    assert _filters(_document(at)) == {"pays": "KR"}
    assert at.multiselect[3].value == ["KR"]
    assert at.query_params["pays"] in ("KR", ["KR"])


def test_presenter_page_runs(app):
    at = app("pages/presentation.py")
    assert '"presenter":true' in _document(at)


def test_pages_show_a_french_error_for_a_broken_file(app):
    app.data.write_bytes(b"\x00\x01binaire")
    for page in ("app.py", "pages/presentation.py"):
        at = app(page)
        assert at.error and "ne peut pas être lu" in at.error[0].value


@pytest.mark.parametrize("damage", ["directory", "missing"])
def test_public_pages_never_show_a_server_path(app, damage):
    app.data.unlink()
    if damage == "directory":  # the reader's own message names the path
        app.data.mkdir()
    for page in ("app.py", "pages/integrer.py"):
        message = app(page).error[0].value.replace("\\", "")  # Markdown escapes
        assert "indisponible" in message and "page d'édition" in message
        assert str(app.data.parent) not in message and "relais.csv" not in message


def test_filters_switch_on_select_and_off(app):
    at = app("app.py")
    assert not at.multiselect  # no filter widgets until asked for
    at.toggle(key="f_on").set_value(True).run()
    at.multiselect(key="f_pays").select("DE").run()
    assert _filters(_document(at)) == {"pays": "DE"}
    assert at.query_params["pays"] in ("DE", ["DE"])
    at.toggle(key="f_on").set_value(False).run()
    assert _filters(_document(at)) == {}
    assert "pays" not in at.query_params


def test_embed_page_builds_the_iframe_snippet_and_a_preview(app):
    at = app("pages/integrer.py")
    # by default, the live page the app regenerates on every save
    assert at.code[0].value.startswith('<iframe src="/app/static/carte/index.html"')
    at.radio[0].set_value("site").run()
    code = at.code[0].value
    assert code.startswith('<iframe src="https://www.exemple.fr/carte-relais/index.html"')
    assert 'title="Carte du Relais de la Coop Déc\'"' in code
    at.selectbox[0].select("Ville de Billère").run()
    at.selectbox[3].select("en").run()
    at.toggle[0].set_value(False).run()
    code = at.code[0].value
    assert "?collectivite=Ville+de+Bill%C3%A8re&amp;langue=en&amp;chronologie=0" in code
    preview = _document(at)
    assert _filters(preview) == {"collectivite": "Ville de Billère"}
    assert "cuf-no-timeline" in preview and "Stages of the relay" in preview


def test_url_parameters_never_reach_a_template(app):
    """?etape= goes into the map document: « {{ 7*7 }} » stays text (was evaluated by Jinja)."""
    at = app("app.py", etape="{{ 7*7 }}{% if true %}oui{% endif %}")
    html = _document(at)
    assert '"start":"{\\u007b 7*7 }}{\\u0025 if true %}oui{\\u0025 endif %}"' in html


def test_without_a_writable_static_folder_the_map_goes_inline_still_sandboxed(app, monkeypatch,
                                                                             tmp_path):
    from cufmap.app import web

    blocker = tmp_path / "fichier"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(web, "DOCUMENTS", blocker / "cartes")  # a folder under a file
    at = app("app.py", date="2025-04-09")
    frame = at.get("iframe")[0].proto.srcdoc
    assert 'srcdoc="' in frame and "allow-same-origin" not in frame
    assert "&quot;id&quot;:&quot;suippes-2025-04-01&quot;" in frame
