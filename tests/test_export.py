"""Static export: self-contained page, options in its URL, GeoJSON, iCalendar, accessibility,
privacy — the page served on 127.0.0.1 and opened in headless chromium with the network cut."""

import datetime as dt
import json
import re
import shutil
import subprocess
import sys

import icalendar
import pytest
from playwright.sync_api import expect

from cufmap.places import geocoding
from cufmap.publish import export as exporting

from .browser import next_frame, require_chromium, serve, tiles_tried
from .conftest import DATA, ROOT, run_cli

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TEMPLATE_PAYLOAD = "Parcours {{ 7*7 }} {% if true %}oui{% endif %} {# note #} à Rennes"


def _export(tmp_path, tiles="aucune", text=None):
    data = tmp_path / "relais.csv"
    data.write_text(text or DATA.read_text(encoding="utf-8"), encoding="utf-8")
    places = tmp_path / "lieux.csv"
    shutil.copy(ROOT / "data" / "lieux.csv", places)
    out = tmp_path / "export"
    return out, exporting.export(out, data, places, tiles=tiles, allow_online=False)


def test_export_writes_three_files_within_budget(tmp_path):
    out, done = _export(tmp_path)
    assert set(done.files) == {"index.html", "relais.geojson", "relais.ics"}
    assert done.files["index.html"] <= 400 * 1024
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script src=" not in page and "<link rel=\"stylesheet\" href=" not in page
    assert "cdn" not in page.lower()
    geo = json.loads((out / "relais.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection"
    points = [f for f in geo["features"] if f["geometry"] and f["geometry"]["type"] == "Point"]
    assert len(points) == 20 and points[0]["id"] == "suippes-2025-04-01"
    lines = {f["properties"]["partner"]: f for f in geo["features"]
             if f["geometry"] and f["geometry"]["type"] == "LineString"}
    assert set(lines) == {"Yangpyeong", "Sabiñánigo", "Petersberg"}
    assert lines["Yangpyeong"]["properties"]["stage"] == "suippes-2025-04-01"
    cal = icalendar.Calendar.from_ical((out / "relais.ics").read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == 15  # dated stages only
    chartres = next(e for e in events if "Chartres" in str(e["summary"]))
    assert chartres.decoded("dtstart").isoformat() == "2025-05-31T09:15:00+02:00"
    assert chartres.decoded("dtend").isoformat() == "2025-05-31T12:00:00+02:00"
    suippes = next(e for e in events if "Suippes" in str(e["summary"]))
    assert suippes.decoded("dtstart").isoformat() == "2025-04-01"
    assert "Yangpyeong (Corée du Sud)" in str(suippes["description"])


def test_cli_export(tmp_path):
    result = run_cli("export", tmp_path / "out", "--tuiles", "aucune", "--offline")
    assert result.returncode == 0, result.stderr
    assert "20 étape(s) exportée(s)." in result.stdout
    assert (tmp_path / "out" / "index.html").exists()



def test_cli_export_does_not_load_pandas_nor_requests(tmp_path):
    """The export needs neither pandas (0.4 s to import) nor requests (0.1 s), which folium
    imports (Atlas-scale export speed); both still work afterwards, folium's requests too."""
    script = ("import sys; from cufmap.cli import main; main(standalone_mode=False); "
              "print('pandas' in sys.modules, 'requests' in sys.modules); "
              "import folium.features, requests, pandas; "
              "print(folium.features.requests.get is requests.get, pandas.DataFrame.__name__)")
    result = subprocess.run([sys.executable, "-c", script, "export", str(tmp_path / "out"),
                             "--tuiles", "aucune", "--offline"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "20 étape(s) exportée(s)." in result.stdout
    assert result.stdout.strip().endswith("False False\nTrue DataFrame")


def test_cli_export_called_in_a_process_that_goes_on_leaves_its_collector_on(tmp_path):
    """The export pauses Python's cyclic collector; a caller that goes on (a script, a test
    through click's CliRunner) gets it back as it was."""
    import gc

    from click.testing import CliRunner

    from cufmap import cli

    result = CliRunner().invoke(cli.main, ["export", str(tmp_path / "out"), "--tuiles",
                                           "aucune", "--offline"])
    assert result.exit_code == 0, result.output
    assert "20 étape(s) exportée(s)." in result.output
    assert gc.isenabled()


def test_export_geocodes_each_distinct_place_once(tmp_path, monkeypatch):
    asked = []
    geocode = geocoding.Chain.geocode

    def counting(self, query, _depth=0):
        if not _depth:
            asked.append(query)
        return geocode(self, query, _depth)

    monkeypatch.setattr(geocoding.Chain, "geocode", counting)
    text = ("id,date_debut,collectivite,titre,partenaires\n"
            "a,2025-04-01,Rennes,Marche,Sabiñánigo (Espagne); Petersberg (Allemagne)\n"
            "b,2025-04-02,Billère,Forum,Sabiñánigo (Espagne)\n"
            "c,2025-04-03,Rennes,Table ronde,Petersberg (Allemagne)\n")
    out, done = _export(tmp_path, text=text)
    assert done.stages == 3
    assert len(asked) == len(set(asked)) == 4  # Rennes, Billère and the two partners
    links = [f for f in json.loads((out / "relais.geojson").read_text(encoding="utf-8"))
             ["features"] if f["properties"]["kind"] == "lien"]
    assert len(links) == 4  # every link is still drawn

def test_geojson_carries_every_text_exactly_and_stays_one_line_per_file(tmp_path):
    """Quotes, backslashes, accents, a line break in the description, « </script> »,
    U+2028 and a control character (a forced export) come back from the GeoJSON unchanged,
    and no raw control character is written into the file."""
    title = 'Marche « "citée" » \\ </script> Sabiñánigo 🚶\u2028fin\x01'
    description = "Première ligne\nseconde ligne"
    text = ("id,date_debut,collectivite,titre,description,partenaires\n"
            f'a,2025-04-01,Rennes,"{title.replace(chr(34), chr(34) * 2)}",'
            f'"{description}",Sabiñánigo (Espagne)\n')
    data = tmp_path / "relais.csv"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "export"
    exporting.export(out, data, ROOT / "data" / "lieux.csv", tiles="aucune",
                     allow_online=False, force=True)
    raw = (out / "relais.geojson").read_text(encoding="utf-8")
    assert raw.endswith("}\n") and raw.count("\n") == 1 and "\x01" not in raw
    stage = json.loads(raw)["features"][0]
    assert stage["properties"]["title"] == title
    assert stage["properties"]["description"] == description
    assert stage["properties"]["partners"][0]["name"] == "Sabiñánigo"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("exp")
    text = DATA.read_text(encoding="utf-8").replace(
        "Marche des villes jumelées à Chartres", "Marche <script>alert(1)</script> à Chartres"
    ).replace("Parcours international à Rennes", TEMPLATE_PAYLOAD)
    out, _ = _export(tmp, tiles="osm-fr", text=text)
    bare = tmp / "bare"
    bare_out, _ = _export(bare, tiles="aucune") if bare.mkdir() is None else (None, None)
    with serve(out) as url, serve(bare_out) as bare_url:
        yield url, bare_url


def ready(page, url):
    page.goto(url)
    page.locator("html[data-cuf-ready='1']").wait_for()
    return page


def test_exported_page_renders_offline_and_asks_only_the_tile_server(page, exported):
    url, bare_url = exported
    ready(page, url + "/index.html")
    expect(page.locator(".cuf-stage")).to_have_count(20)
    tiles_tried(page)  # the map has asked for its tiles (refused)
    assert page.offline.non_tile_failures() == []
    assert page.offline.external and all(".tile.openstreetmap.fr/" in u
                                         for u in page.offline.external)
    assert page.context.cookies() == []


def test_exported_page_without_tiles_makes_no_outside_request(page, exported):
    _, bare_url = exported
    ready(page, bare_url + "/index.html")
    expect(page.locator(".cuf-stage")).to_have_count(20)
    page.locator("html[data-cuf-timeline='1']").wait_for(state="attached")  # all drawn
    page.wait_for_load_state("networkidle")  # and nothing more asked for
    assert page.offline.external == [] and page.offline.failed == []
    assert page.evaluate("document.cookie") == ""


def test_options_in_the_exported_page_url(page, exported):
    url, _ = exported
    ready(page, url + "/index.html?collectivite=ville%20de%20billere")
    expect(page.locator(".cuf-stage")).to_have_count(1)
    ready(page, url + "/index.html?pays=KR")
    expect(page.locator(".cuf-timeline .host")).to_have_text(["Ville de Suippes"])
    # A French date, as the app takes it (tests/url_cases.json: both read the same address).
    ready(page, url + "/index.html?etape=billere-2025-05-08&langue=en&date=09/04/2025")
    expect(page.locator(".cuf-card .when")).to_have_text("Thursday, 8 May 2025")
    expect(page.locator(".cuf-card")).to_contain_text("Petersberg (Germany)")
    expect(page.locator(".cuf-timeline h2")).to_have_text("Stages of the relay")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for stage, status in (("suippes-2025-04-01", "passee"), ("cuf-webinaire-2025-04-09", "en-cours"),
                          ("billere-2025-05-08", "a-venir")):
        expect(page.locator(f".cuf-stage[data-stage='{stage}'] .cuf-marker")) \
            .to_have_class(re.compile(f"status-{status}"))
    ready(page, url + "/index.html?chronologie=0")
    expect(page.locator(".cuf-timeline")).to_be_hidden()


def test_exported_page_fits_a_phone(page, exported):
    url, _ = exported
    page.set_viewport_size({"width": 320, "height": 640})
    ready(page, url + "/index.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    expect(page.locator(".cuf-timeline")).to_be_visible()
    box = page.locator(".folium-map").bounding_box()
    assert box["width"] == 320 and box["height"] > 250


def test_cell_html_is_text_in_the_exported_page(page, exported):
    url, _ = exported
    ready(page, url + "/index.html?etape=chartres-2025-05-31")
    expect(page.locator(".cuf-card h2")).to_have_text("Marche <script>alert(1)</script> à Chartres")
    next_frame(page)
    assert page.dialogs == []


def test_template_syntax_in_a_cell_is_text_never_evaluated(page, exported):
    """The page is built with Jinja templates (folium): a cell's « {{ … }} » must reach the
    visitor as typed, never be evaluated on the server."""
    url, _ = exported
    ready(page, url + "/index.html?etape=rennes-2025-06-26")
    expect(page.locator(".cuf-card h2")).to_have_text(TEMPLATE_PAYLOAD)


def _axe(page):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run « npm install » (README's test command)")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script>: the map's CSP allows none
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))"
                           ".violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,"
                           " target: v.nodes[0].target}))")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_violation_on_the_exported_page(page, exported):
    url, _ = exported
    ready(page, url + "/index.html?etape=billere-2025-05-08")
    assert _axe(page) == []


def test_the_axe_check_itself_catches_a_violation(page):
    page.set_content("<html lang='fr'><body><main><img src='x.png'>"
                     "<button></button></main></body></html>")
    assert {v["id"] for v in _axe(page)} >= {"image-alt", "button-name"}


def test_icalendar_lines_are_folded_at_75_octets_without_cutting_a_character():
    from cufmap.publish.icalendar import _fold

    for line in ["DESCRIPTION:" + "Sabiñánigo " * 20, "é" * 100, "x" * 75]:
        parts = _fold(line).split("\r\n ")
        assert "".join(parts) == line
        assert all(len(p.encode("utf-8")) <= 75 for p in parts)


def test_an_atlas_sized_map_draws_on_canvas_and_fills_its_whole_timeline(page, tmp_path):
    """Past 400 stages the map draws dots and links on canvases and builds the timeline's
    tail after the first draw: every stage still gets its entry, and a stage far down the list
    can be selected from the URL, by its dot or by its entry."""
    require_chromium()
    lines = ["id;date_debut;collectivite;titre;partenaires;lat;lon"]
    for i in range(600):
        day = dt.date(2025, 4, 1) + dt.timedelta(days=i % 90)
        partner = "Yangpyeong (Corée du Sud)" if i % 2 else ""
        lines.append(f"etape-{i};{day:%d/%m/%Y};Commune {i};Rencontre {i};{partner};"
                     f"{43 + (i % 30) * 0.25:.2f};{-1 + (i // 30) * 0.35:.2f}")
    out, done = _export(tmp_path, text="\n".join(lines) + "\n")
    assert done.stages == 600
    with serve(out) as url:
        ready(page, url + "/index.html?etape=etape-599")
        expect(page.locator(".cuf-card .host")).to_have_text("Commune 599")
        page.locator("html[data-cuf-timeline='1']").wait_for(state="attached")
        expect(page.locator(".cuf-timeline li")).to_have_count(600)
        expect(page.locator(".cuf-timeline ol[aria-busy]")).to_have_count(0)
        expect(page.locator(".cuf-timeline button[aria-current='true'] .host")) \
            .to_have_text("Commune 599")
        assert page.locator(".cuf-stage").count() == 0  # no DOM marker per stage
        # a dot on the canvas: click where the map puts etape-10
        page.evaluate("window.cufRelay.overview(false)")
        x, y = page.evaluate("""() => { const r = window.cufRelay, s = r.byId['etape-10'];
            const p = r.map.latLngToContainerPoint([s.lat, s.lon]);
            const box = r.map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y]; }""")
        page.mouse.click(x, y)
        expect(page.locator(".cuf-card .host")).to_have_text("Commune 10")
        page.locator(".cuf-timeline button[data-stage='etape-420']").click()
        expect(page.locator(".cuf-card .host")).to_have_text("Commune 420")
        assert page.offline.non_tile_failures() == []
