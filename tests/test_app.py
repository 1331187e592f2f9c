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


def _document(at) -> tuple[str, str]:
    """The map document the page embeds and the options in its address: the small frame (all
    the websocket carries) loads a published document from the app's static files, in an
    iframe sandboxed without allow-same-origin."""
    import html
    import os
    from pathlib import Path

    frames = at.get("iframe")
    assert len(frames) == 1
    frame = frames[0].proto.srcdoc
    assert len(frame.encode("utf-8")) < 4096  # the presenter's frame also relays keys and sync
    inner = re.search(r'<iframe src="/app/static/([^"?]+/cartes/[0-9a-f]+/[a-z-]+\.html)'
                      r'(\?[^"]*)?"[^>]* sandbox="([^"]*)"', frame)
    assert inner and "allow-scripts" in inner.group(3)
    assert "allow-same-origin" not in inner.group(3)
    served = Path(os.path.realpath(ROOT / "static")) / inner.group(1)
    return served.read_text(encoding="utf-8"), html.unescape(inner.group(2) or "")


def test_map_page_builds_the_document_from_the_data(app):
    at = app("app.py", date="2025-04-09")
    html, query = _document(at)
    assert '"id":"suippes-2025-04-01"' in html
    # ?date is obeyed: the document decides past / current / upcoming from the reference date
    # in its address (tests/js/: the statuses follow it; tests/url_cases.json: the address).
    assert "date=2025-04-09" in query and '"readUrl":true' in html
    assert at.date_input[0].value == dt.date(2025, 4, 9)
    assert '"type":"FeatureCollection"' in html
    assert "Mardi 1er avril 2025" in html
    assert "cdn" not in html.lower()
    # Assets come from the app's own static files (browser-cached), never from elsewhere.
    assert re.findall(r'<script src="([^"?]+)', html) == [
        "../../assets/leaflet.js", "../../assets/topojson-client.min.js",
        *(f"../../assets/{name}" for name in mapdoc.ASSETS_JS["relay"])]
    assert "Lieux — Découpage administratif" in at.caption[-1].value


def _filters(document) -> dict:
    """The selection the map document applies (and counts) itself: the filters of its
    address."""
    from urllib.parse import parse_qsl

    return {k: v for k, v in parse_qsl(document[1].lstrip("?"))
            if k in ("mois", "type", "format", "pays", "q", "collectivite")}


def test_map_page_filters_from_the_url(app):
    at = app("app.py", pays="kr")  # an ISO code in any case (tests/url_cases.json)
    assert _filters(_document(at)) == {"pays": "KR"}
    assert at.multiselect[3].value == ["KR"]
    assert at.query_params["pays"] in ("KR", ["KR"])


def test_presenter_page_runs(app):
    at = app("pages/presentation.py")
    assert '"presenter":true' in _document(at)[0]


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
    assert re.match(r'<iframe src="/app/static/(.+/)?carte/index.html"', at.code[0].value)
    at.radio[0].set_value("site").run()
    code = at.code[0].value
    assert code.startswith('<iframe src="https://www.exemple.fr/carte-relais/index.html"')
    assert 'title="Carte du Relais de la Coop Déc\'"' in code
    at.selectbox[0].select("Ville de Billère").run()
    at.selectbox[3].select("en").run()
    at.toggle[0].set_value(False).run()
    code = at.code[0].value
    assert "?collectivite=Ville+de+Bill%C3%A8re&amp;langue=en&amp;chronologie=0" in code
    assert 'title="Map of the Relais de la Coop Déc\'"' in code  # named in the map's language
    preview = _document(at)
    assert _filters(preview) == {"collectivite": "Ville de Billère"}
    assert "langue=en" in preview[1] and "chronologie=0" in preview[1]


def test_url_parameters_never_reach_a_template(app):
    """?etape= goes into the map document's address only (its data reads it as text): it never
    meets a template (« {{ 7*7 }} » was once evaluated by Jinja)."""
    at = app("app.py", etape="{{ 7*7 }}{% if true %}oui{% endif %}")
    html, query = _document(at)
    assert "etape=%7B%7B+7%2A7+%7D%7D" in query
    assert "if true" not in html and "7*7" not in html


def test_with_a_published_folder_the_app_does_not_serve_the_map_goes_inline_sandboxed(
        app, monkeypatch, tmp_path):
    monkeypatch.setenv("CUFMAP_DOSSIER_PUBLIE", str(tmp_path / "ailleurs"))  # not under static/
    at = app("app.py", date="2025-04-09")
    frame = at.get("iframe")[0].proto.srcdoc
    assert 'srcdoc="' in frame and "allow-same-origin" not in frame
    assert "&quot;id&quot;:&quot;suippes-2025-04-01&quot;" in frame
