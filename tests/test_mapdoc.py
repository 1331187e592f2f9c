"""The map builder's output: GeoJSON payload, arcs, escaping, no CDN."""

import datetime as dt
import json
import re

import pytest

from cufmap.places import geocoding
from cufmap.publish import mapdoc
from cufmap.publish.geojson import link_features
from cufmap.publish.payload import payload
from cufmap.relay.stages import load_stages

from .conftest import DATA, ROOT


def render(located, options=mapdoc.MapOptions()):
    """The map document of ``located`` with ``options`` (its payload built for them)."""
    return mapdoc.render(payload(located, options.today, (options.lang,)), options)



@pytest.fixture(scope="module")
def located():
    chain = geocoding.Chain(places=geocoding.PlacesFile(ROOT / "data" / "lieux.csv"))
    return geocoding.locate(load_stages(DATA), chain)


def test_payload_is_one_geojson_feature_collection(located):
    data = payload(located, dt.date(2025, 4, 9))
    assert data["type"] == "FeatureCollection"
    stages = [f for f in data["features"] if f["properties"]["kind"] == "etape"]
    assert len(stages) == len(data["features"]) == 20  # links are listed once, as indices
    assert data["links"] == [[0, 0], [7, 0], [7, 1]]  # Suippes; Billère and its two partners
    links = link_features(data)
    assert len(links) == 3
    assert [f["id"] for f in stages][:3] == ["suippes-2025-04-01", "cuf-lancement-2025-04-03",
                                             "cuf-webinaire-2025-04-09"]
    suippes = stages[0]
    lon, lat = suippes["geometry"]["coordinates"]
    assert (round(lat, 2), round(lon, 2)) == (49.13, 4.53)
    # The page decides past / current / upcoming from the reference date and the stage's days.
    assert data["today"] == "2025-04-09"
    assert (suippes["properties"]["date"], suippes["properties"]["end"]) == ("2025-04-01",
                                                                             "2025-04-01")
    assert "status_class" not in suippes["properties"]
    assert suippes["properties"]["host_type"] == "commune"
    assert suippes["properties"]["when"] == "Mardi 1er avril 2025"
    assert suippes["properties"]["partners"][0]["iso"] == "KR"
    assert data["countries"]["KR"] == {"fr": "Corée du Sud"}
    arc = next(f for f in links if f["properties"]["stage"] == "suippes-2025-04-01")
    coords = arc["geometry"]["coordinates"]  # the two ends; the browser draws the great circle
    assert coords[0] == pytest.approx([lon, lat], abs=1e-3)
    assert coords[-1] == pytest.approx([127.49, 37.49], abs=0.01)
    assert [g["label"] for g in data["insets"]] == ["Martinique", "La Réunion"]


def test_insets_get_fine_overseas_outlines(located):
    html = render(located, mapdoc.MapOptions())
    assert '"outremer":{"type":"FeatureCollection"' in html
    from cufmap.publish import outlines_build

    names = [f["properties"]["name"] for f in
             json.loads((mapdoc.STATIC / mapdoc.OVERSEAS_OUTLINES).read_text())["features"]]
    assert {"Martinique", "La Réunion", "Guadeloupe", "Guyane", "Mayotte"} <= set(names)
    assert outlines_build.OUTPUT == mapdoc.STATIC / mapdoc.OVERSEAS_OUTLINES


def test_links_are_the_placed_partnerships_of_placed_hosts(located):
    """One list, drawn by the page and written to the GeoJSON file: an unplaced host or
    partner has no link."""
    import dataclasses

    unplaced = dataclasses.replace(located[0].place, lat=None, lon=None)
    moved = [dataclasses.replace(located[0], place=unplaced), *located[1:]]
    data = payload(moved, dt.date.today())
    assert [0, 0] not in data["links"] and len(data["links"]) == 2
    assert [f["properties"]["stage"] for f in link_features(data)] == [
        data["features"][i]["id"] for i, _ in data["links"]]


def test_the_map_scripts_go_inline_concatenated_or_one_link_each(located):
    inline = render(located, mapdoc.MapOptions())
    assert "CufData" in inline and "window.CufRelay=CufRelay" in inline
    # the map's own scripts minified (the exported page's budget), Leaflet's licence kept
    assert "Leaflet 1.9.4" in inline and "the relay's rules, as pure data" not in inline
    served = render(located, mapdoc.MapOptions(assets_url="/app/static/"))
    sources = re.findall(r'<script src="([^"?]+)\?v=[0-9a-f]{10}"', served)
    assert sources[:2] == ["/app/static/leaflet.js", "/app/static/topojson-client.min.js"]
    assert sources[2:] == ["/app/static/" + f for f in mapdoc.ASSETS_JS["relay"]]
    assert all((mapdoc.STATIC / f).is_file() for f in mapdoc.ASSETS_JS["relay"])


def test_to_js_cannot_close_the_script_element():
    text = mapdoc.to_js({"t": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["t"] == "</script><script>alert(1)</script> & <!--"


def test_document_is_self_contained(located):
    html = render(located, mapdoc.MapOptions(tiles="aucune"))
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html)
    assert "cdn" not in html.lower()
    assert "tile.openstreetmap" not in html
    with_tiles = render(located, mapdoc.MapOptions(tiles="ign"))
    assert "data.geopf.fr" in with_tiles and "Plan IGN" in with_tiles


def test_english_interface(located):
    html = render(located, mapdoc.MapOptions(lang="en"))
    assert "Stages of the relay" in html and "Tuesday, 1 April 2025" in html


def test_picker_map_uses_local_assets_and_inert_labels():
    """The editing page's click-to-place map: Leaflet and outlines from the app, no CDN, and
    candidate labels that are neither HTML nor template syntax."""
    m = mapdoc.picker_map((45.0, 5.0), candidates=[(45.0, 5.0, "{{ 7*7 }} <b>x</b>")])
    html = m.get_root().render()
    assert "cdn" not in html.lower() and "https://" not in html.split("<body>")[0]
    assert [src for _, src in m.default_js][0].startswith("/app/static/leaflet.js?v=")
    assert "&#123;&#123; 7*7 &#125;&#125; &lt;b&gt;x&lt;/b&gt;" in html
    assert "49" not in html.split("&#123;&#123; 7*7")[1][:40]


def _with_notes(located):
    """The relay with a presenter's note on its first stage."""
    import dataclasses

    first = located[0]
    stage = dataclasses.replace(first.stage, notes="Note <b>secret-orateur</b> : Yangpyeong")
    return [dataclasses.replace(first, stage=stage), *located[1:]]


def test_presenter_notes_are_in_no_map_document_not_even_the_speaker_view_s(located):
    """Map documents are static files anyone can fetch: the notes reach an authorised
    speaker view by its session's websocket only (cufmap/app/speaker.py, tests/test_speaker.py)."""
    noted = _with_notes(located)
    for options in (mapdoc.MapOptions(), mapdoc.MapOptions(presenter=True),
                    mapdoc.MapOptions(presenter=True, speaker=True)):
        assert "notes" not in str(payload(noted, options.today, (options.lang,))["features"][0])
        assert "secret-orateur" not in render(noted, options)


def test_every_map_document_carries_its_content_security_policy(located):
    import base64
    import hashlib
    import re

    for options in (mapdoc.MapOptions(assets_url="/app/static/", presenter=True),
                    mapdoc.MapOptions(tiles="ign")):
        html = render(located, options)
        head = html.split("<head>", 1)[1].lstrip()
        assert head.startswith('<meta http-equiv="Content-Security-Policy" content="')
        policy = re.search(r'Content-Security-Policy" content="([^"]*)"', html).group(1)
        policy = policy.replace("&#x27;", "'")
        assert "default-src 'none'" in policy and "'unsafe-inline'" not in \
            policy.split("script-src", 1)[1].split(";")[0]
        for script in re.findall(r"<script>(.*?)</script>", html, re.S):  # each one, by hash
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy
        tiles = "https://*.tile.openstreetmap.fr" if options.tiles == "osm-fr" else \
            "https://data.geopf.fr"
        assert f"img-src 'self' data: {tiles};" in policy and "connect-src 'self'" in policy
    bare = render(located, mapdoc.MapOptions(tiles="aucune"))
    assert "img-src 'self' data:;" in bare.replace("&#x27;", "'")


def test_export_carries_no_presenter_notes(tmp_path, relay_copy):
    import csv

    from cufmap.publish import export

    with relay_copy.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["notes_presentation"] = "Note privée : passer la parole au maire"
    with relay_copy.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert load_stages(relay_copy)[0].notes == "Note privée : passer la parole au maire"
    export.export(tmp_path, relay_copy, ROOT / "data" / "lieux.csv", allow_online=False)
    for name in ("index.html", "relais.geojson", "relais.ics"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "parole au maire" not in text and "Note priv" not in text, name


def test_public_address_and_its_qr_code():
    assert mapdoc.public_address(" https://cites-unies-france.org/carte ") == \
        "https://cites-unies-france.org/carte"
    for bad in ("javascript:alert(1)", "cites-unies-france.org", "https://a b", "",
                "data:text/html,x", "https://" + "x" * 600):
        assert mapdoc.public_address(bad) == ""
    uri = mapdoc.qr_data_uri("https://cites-unies-france.org/carte")
    assert uri.startswith("data:image/svg+xml")


def test_presenter_overview_carries_the_qr_code_or_a_french_message(located):
    good = render(located, mapdoc.MapOptions(presenter=True,
                                                    public_url="https://exemple.fr/carte"))
    assert '"follow":{"url":"https://exemple.fr/carte","qr":"data:image/svg+xml' in good
    bad = render(located, mapdoc.MapOptions(presenter=True, public_url="javascript:x"))
    assert "Adresse publique ignor" in bad and "javascript:x" not in bad
    public = render(located, mapdoc.MapOptions(public_url="https://exemple.fr/carte"))
    assert '"follow":{}' in public


def test_fine_outlines_are_small_and_fetched_only_by_served_pages(located):
    path = mapdoc.STATIC / mapdoc.FINE_OUTLINES
    assert path.stat().st_size <= 300_000  # the page's budget for finer land
    topo = json.loads(path.read_text(encoding="utf-8"))
    west, south, east, north = topo["bbox"]
    assert west < -5.2 and east > 9.6 and south < 41.3 and north > 51.1  # Ouessant to Corsica
    served = render(located, mapdoc.MapOptions(assets_url="/app/static/"))
    assert '"fineUrl":"/app/static/europe-10m.json?v=' in served
    assert '"fineUrl":""' in render(located, mapdoc.MapOptions())
    from cufmap.publish import outlines_build

    assert outlines_build.FINE_OUTPUT == path
