"""Routes walked at the stages (cufmap.relay.routes, cufmap.editing.marches): read GPX, GeoJSON and
KML within bounds, refuse in French what is not a route of this stage, keep a simplified copy
with the data, and publish it (payload, page, GeoJSON file) without weighing on the page."""

import json
import math
import shutil
import tempfile
from pathlib import Path

import pytest

from cufmap.editing import marches
from cufmap.publish import export as exporting
from cufmap.relay import attachments, routes
from cufmap.relay.attachments import RefusedFile
from cufmap.storage import local

from .conftest import DATA, ROOT

FIXTURES = Path(__file__).parent / "fixtures"
#: TEST FIXTURE, not data: an invented 6.8 km loop around Chartres (with GPS jitter).
LOOP = FIXTURES / "chartres-boucle-essai.gpx"
CHARTRES = "chartres-2025-05-31"


def gpx(points, waypoints=()) -> bytes:
    wpt = "".join(f'<wpt lat="{lat}" lon="{lon}"><name>{name}</name></wpt>'
                  for name, lon, lat in waypoints)
    trk = "".join(f'<trkpt lat="{lat:.6f}" lon="{lon:.6f}"/>' for lon, lat in points)
    return (f'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
            f'{wpt}<trk><trkseg>{trk}</trkseg></trk></gpx>').encode()


def walk(n, lon=1.488, lat=48.447):
    """``n`` points along a wobbly 5 km line near (lon, lat)."""
    return [(lon + 0.06 * i / n, lat + 0.002 * math.sin(i / 7)) for i in range(n)]


@pytest.fixture
def relay(tmp_path):
    """A copy of the relay's data (the shipped file holds no route: tests attach their own)."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA, folder / "relais.csv")
    shutil.copy(ROOT / "data" / "lieux.csv", folder / "lieux.csv")
    return local.Store(folder / "relais.csv")


# --- reading ----------------------------------------------------------------------------------

def test_a_gpx_loop_is_6_8_km_from_the_file_s_every_point_and_simplified_for_the_screen():
    route = routes.parse(LOOP.read_bytes(), LOOP.name)
    assert route.points == 681 and routes.km_text(route.km) == "6,8\u00a0km"
    assert routes.km_text(route.km, "en_GB") == "6.8\u00a0km"
    assert [w[0] for w in route.waypoints] == ["Place de Ravenne", "Place de Spire",
                                               "Place de Chichester"]
    kept = routes.load(routes.stored(route, LOOP.name))
    simplified = kept["lines"]
    assert sum(map(len, simplified)) < 150 and kept["km"] == 6.8
    # the simplified line is shorter (the GPS's jitter smoothed): the length is the file's
    assert routes.length_km(simplified) < 6.5
    assert all(len(str(c).split(".")[-1]) <= 5 for line in simplified for p in line for c in p)


def test_geojson_and_kml_routes_are_read_with_their_named_points():
    line = [[1.48, 48.44], [1.49, 48.45], [1.50, 48.44]]
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": line},
         "properties": {}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.49, 48.45]},
         "properties": {"name": "Place de Ravenne"}}]}
    route = routes.parse(json.dumps(collection).encode(), "t.geojson")
    assert route.lines == [[tuple(c) for c in line]] and route.waypoints[0][0] == "Place de Ravenne"
    multi = {"type": "MultiLineString", "coordinates": [line, line[::-1]]}
    assert len(routes.parse(json.dumps(multi).encode(), "m.json").lines) == 2
    points = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": c}, "properties": {}}
        for c in line]}  # the points of a FeatureCollection, in order, are the walk
    assert len(routes.parse(json.dumps(points).encode(), "p.geojson").lines[0]) == 3
    kml = ('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
           '<Placemark><name>Parcours</name><LineString><coordinates>1.48,48.44,0 1.49,48.45,0 '
           '1.50,48.44,0</coordinates></LineString></Placemark><Placemark><name>Place de Spire'
           '</name><Point><coordinates>1.49,48.45</coordinates></Point></Placemark>'
           '</Document></kml>').encode()
    route = routes.parse(kml, "t.kml")
    assert len(route.lines[0]) == 3 and route.waypoints == [("Place de Spire", 1.49, 48.45)]


def test_a_named_point_links_to_the_partner_it_names():
    partners = ["Ravenne", "Spire", "Sakurai"]
    assert routes.partner_of("Place de Ravenne", partners) == 0
    assert routes.partner_of("PLACE DE SPIRE", partners) == 1
    assert routes.partner_of("Hôtel de Ville", partners) is None
    assert routes.partner_of("Ravennes", partners) is None  # whole words only


def test_a_route_drawn_on_the_map_is_kept_as_a_file_would_be(relay):
    """Points clicked on the editing page's map, in order, one named after a twin town: the
    route's length from those points, the named point linked to its partner."""
    clicks = [(48.4440, 1.4890), (48.4470, 1.4930, "Place de Ravenne"), (48.4500, 1.4900),
              (48.4480, 1.4850)]
    said = marches.attach_drawn_route(relay, CHARTRES, clicks, "Alice")
    kept = marches.route_of(relay, CHARTRES)
    expected = routes.length_km([[(lon, lat) for lat, lon, *_ in clicks]])
    assert kept["km"] == round(expected, 1) and 1.0 < expected < 1.5
    assert routes.km_text(kept["km"]) in said
    assert [p["name"] for p in kept["points"]] == ["Place de Ravenne"]
    assert kept["lines"] == [[[lon, lat] for lat, lon, *_ in clicks]]
    with pytest.raises(RefusedFile, match="au moins deux points"):
        marches.attach_drawn_route(relay, CHARTRES, clicks[:1], "Alice")
    with pytest.raises(RefusedFile, match="au plus 1000 points"):
        marches.attach_drawn_route(relay, CHARTRES, clicks * 300, "Alice")
    with pytest.raises(RefusedFile, match="commence à .* km de Ville de Chartres"):
        marches.attach_drawn_route(relay, CHARTRES, [(45.50, -73.56), (45.51, -73.55)], "A")
    assert marches.route_of(relay, CHARTRES) == kept  # a refusal keeps what was there


# --- hostile inputs: refused (or reduced) with a French message, nothing stored ---------------

def test_a_gpx_of_100_000_points_is_accepted_and_simplified(relay):
    data = gpx(walk(100_000))
    assert "simplifié" in marches.attach_route(relay, CHARTRES, data, "long.gpx", "A")
    kept = marches.route_of(relay, CHARTRES)
    assert sum(map(len, kept["lines"])) <= routes.KEPT_POINTS
    assert len(relay.read_attachment(attachments.route_path(CHARTRES))) < 30_000


def test_past_200_000_points_or_20_mb_a_route_is_refused_as_it_is_read():
    n = routes.MAX_POINTS + 1
    huge = b'<gpx><trk><trkseg>' + b'<trkpt lat="48.44" lon="1.48"/>' * n + b"</trkseg></trk></gpx>"
    with pytest.raises(RefusedFile, match="200\u202f001 points \\(plus de 200\u202f000\\)"):
        routes.parse(huge, "enorme.gpx")  # counted before parsing
    line = b'{"type": "LineString", "coordinates": [' + b"[1.48, 48.44], " * n + b"[1, 48]]}"
    with pytest.raises(RefusedFile, match="plus de 200\u202f000 points"):  # counted as read
        routes.parse(line, "enorme.geojson")
    with pytest.raises(RefusedFile, match="limite 20 Mo"):
        routes.parse(b"<gpx>" + b" " * routes.MAX_BYTES + b"</gpx>", "gros.gpx")


def test_a_route_on_another_continent_than_its_stage_is_refused(relay):
    montreal = gpx(walk(50, lon=-73.56, lat=45.50))
    with pytest.raises(RefusedFile, match=r"commence à 5\u202f\d{3} km de Ville de Chartres"):
        marches.attach_route(relay, CHARTRES, montreal, "montreal.gpx", "A")
    assert marches.route_of(relay, CHARTRES) is None  # nothing stored
    with pytest.raises(RefusedFile, match="n'est pas encore placée"):  # nothing to check it by
        routes.check_near(routes.parse(gpx(walk(5))), None, "Strasbourg")


@pytest.mark.parametrize("data, why", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "n'est pas un fichier de tracé"),
    (b"Bonjour, voici le parcours", "n'est pas un fichier de tracé"),
    (b"<html><body>parcours</body></html>", "ni un GPX ni un KML"),
    (b'{"type": "FeatureCollection", "features": []}', "aucune ligne"),
    (b'{"type": "Feature"', "JSON est illisible"),
    (b"<gpx><trk><trkseg><trkpt lat='48' lon='1'></trkseg>", "XML est illisible"),
    (b"<gpx><trk><trkseg><trkpt lat='91' lon='1'/><trkpt lat='48' lon='1'/></trkseg></trk></gpx>",
     "le point 1 n'a pas de latitude et longitude valides"),
    (b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
     b"<gpx><wpt lat='48' lon='1'><name>&b;</name></wpt></gpx>", "DTD ou des entités"),
    ("<gpx/>".encode("utf-16"), "pas écrit en UTF-8"),
])
def test_what_is_not_a_route_is_refused_in_french(relay, data, why):
    with pytest.raises(RefusedFile, match=why) as refused:
        marches.attach_route(relay, CHARTRES, data, "parcours.gpx", "A")
    assert "Rien n'a été enregistré" in str(refused.value)
    assert marches.route_of(relay, CHARTRES) is None


def with_partners(path: Path) -> None:
    """The test's own partners for Chartres (the source names none): Ravenne and Spire."""
    rows = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, r in enumerate(rows) if r.startswith(CHARTRES))
    rows[at] = rows[at].replace(",,https://cites-unies", ",Ravenne (Italie); Spire (Allemagne),"
                                "https://cites-unies", 1)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


# --- kept with the data, published ------------------------------------------------------------

def test_a_route_is_kept_with_the_data_and_published_with_its_partner_links(relay, tmp_path):
    with_partners(relay.path)
    said = marches.attach_route(relay, CHARTRES, LOOP.read_bytes(), LOOP.name, "Alice")
    assert said.startswith("Tracé de 6,8\u00a0km enregistré")
    out = tmp_path / "export"
    done = exporting.export(out, relay.path, relay.places, tiles="aucune")
    built = exporting.build(relay.path, relay.places)
    chartres = next(f for f in built.payload["features"] if f["id"] == CHARTRES)
    route = chartres["properties"]["route"]
    assert route["km"] == 6.8 and route["length"] == {"fr": "6,8\u00a0km", "en": "6.8\u00a0km"}
    assert [p.get("partner") for p in route["points"]] == [0, 1, None]
    counts = built.payload["figures"]["counts"]
    assert counts["km"] == pytest.approx(6.8, abs=0.01)
    assert ["6,8", "km parcourus", "km"] in built.payload["figures"]["fr"]
    assert ["6.8", "km walked", "km"] in built.payload["figures"]["en"]
    page = (out / "index.html").read_text(encoding="utf-8")
    name = next(n for n in done.files if n.startswith("traces/"))
    assert f'"src":"{name}"' in page and '"lines"' not in page  # fetched when chosen
    assert json.loads((out / name).read_text()) == route["lines"]
    collection = json.loads((out / "relais.geojson").read_text(encoding="utf-8"))
    lines = [f for f in collection["features"] if f["properties"]["kind"] == "parcours"]
    assert lines and lines[0]["geometry"]["type"] == "LineString"
    assert lines[0]["properties"] == {"kind": "parcours", "stage": CHARTRES, "km": 6.8}


def test_the_exported_page_stays_under_400_kb_with_routes_for_five_stages(relay, tmp_path):
    """Five marches each with a long route (600 points kept): the page's first load carries
    their lengths and named points, the lines come when a stage is chosen."""
    placed = {"chartres-2025-05-31": (1.488, 48.447), "billere-2025-05-08": (-0.40, 43.30),
              "suippes-2025-04-01": (4.53, 49.13), "rennes-2025-06-26": (-1.68, 48.11),
              "nancy-2025-05-07": (6.18, 48.69)}
    for ident, (lon, lat) in placed.items():
        points = [(lon + 0.03 * math.cos(i / 50) + 0.0004 * math.sin(i),
                   lat + 0.02 * math.sin(i / 50)) for i in range(3000)]
        marches.attach_route(relay, ident, gpx(points, [("Mairie", lon, lat)]), "r.gpx", "A")
    done = exporting.export(tmp_path / "export", relay.path, relay.places)
    assert len([n for n in done.files if n.startswith("traces/")]) == 5
    assert done.files["index.html"] <= 400 * 1024, done.files["index.html"]


def test_the_published_folder_follows_a_new_route_and_serves_it_from_the_app(relay, tmp_path):
    """The publisher republishes when a route or photo is attached (not only when the CSV
    changes); the map documents fetch the route and photos from the live page's folder."""
    from cufmap.publish import site
    from cufmap.settings import Settings

    config = Settings(data=relay.path, places=relay.places, published=tmp_path / "publie")
    first = site.publish(config)
    assert not site.is_stale(config.published_dir, config.data, config.places)
    marches.attach_route(relay, CHARTRES, LOOP.read_bytes(), LOOP.name, "Alice")
    assert site.is_stale(config.published_dir, config.data, config.places)
    again = site.publish(config)
    assert again.version != first.version
    live = config.published_dir / site.LIVE
    [route] = (live / "traces").glob(f"{CHARTRES}-*.json")
    document = (config.published_dir / site.DOCUMENTS / again.version
                / site.document_name("osm-fr", presenter=True)).read_text(encoding="utf-8")
    assert f'"src":"traces/{route.name}"' in document and '"mediaUrl":"../../carte/"' in document


def editing_page(monkeypatch, relay, drawn=None):
    """The editing page signed in, Chartres chosen in « Une étape » (AppTest); ``drawn``: points
    already clicked on the drawing map (a map click needs a browser)."""
    from cufmap.app import auth

    from .conftest import ROOT, run_page

    monkeypatch.setenv("CUFMAP_DATA", str(relay.path))
    monkeypatch.setenv("CUFMAP_PLACES", str(relay.places))
    monkeypatch.setenv("CUFMAP_MOT_DE_PASSE_HASH", auth.hash_password("mot-de-passe-1",
                                                                      iterations=1000))
    monkeypatch.chdir(ROOT)
    at = run_page("pages/edition.py")
    at.text_input(key="ed_name").input("Alice")
    at.text_input(key="ed_password").input("mot-de-passe-1")
    at.button[0].click()
    at.run()
    if drawn is not None:
        at.session_state[f"march_{CHARTRES}_drawn"] = drawn
    next(s for s in at.selectbox if s.label == "Étape").select(CHARTRES).run()
    return at


def test_a_drawing_replaces_a_kept_route_or_is_cleared_only_when_asked(monkeypatch, relay):
    marches.attach_route(relay, CHARTRES, LOOP.read_bytes(), LOOP.name, "Alice")
    clicks = [(48.4440, 1.4890, ""), (48.4470, 1.4930, ""), (48.4500, 1.4900, "")]
    at = editing_page(monkeypatch, relay, list(clicks))

    def button(label):
        return next(b for b in at.button if b.label == label)

    assert button("Enregistrer ce tracé").disabled  # the kept 6.8 km route is not replaced…
    [replace] = [c for c in at.checkbox if c.label.startswith("Remplacer le tracé enregistré")]
    assert "(6,8\u00a0km)" in replace.label
    replace.check().run()  # …unless asked
    assert not button("Enregistrer ce tracé").disabled
    button("Tout effacer").click().run()
    assert "Effacer les 3 points dessinés ?" in at.warning[0].value
    button("Non, garder le dessin").click().run()
    assert at.session_state[f"march_{CHARTRES}_drawn"] == clicks and not at.warning
    button("Tout effacer").click().run()
    button("Oui, tout effacer").click().run()
    assert at.session_state[f"march_{CHARTRES}_drawn"] == []
    assert marches.route_of(relay, CHARTRES)["km"] == 6.8  # what was kept, untouched


@pytest.mark.parametrize("served", [True, False])
def test_the_drawing_map_loads_leaflet_from_the_app_or_inline(monkeypatch, relay, served):
    """The map to draw a route on (st_folium) takes Leaflet from the published folder the app
    serves; with that folder outside ``static/``, from ``data:`` addresses (it was blank)."""
    import json

    if not served:  # a folder of the system's temporary files: never under static/
        outside = tempfile.mkdtemp(prefix="cufmap-publie-")
        monkeypatch.setenv("CUFMAP_DOSSIER_PUBLIE", outside)
    at = editing_page(monkeypatch, relay)
    [drawing] = at.get("component_instance")
    args = json.loads(drawing.proto.json_args)
    links = args["js_links"] + args["css_links"]
    assert len(links) == 3 and "[48.44" in args["script"]  # around Chartres
    if served:
        assert all(link.startswith("/app/static/") for link in links)
    else:
        shutil.rmtree(outside, ignore_errors=True)  # the publisher may be writing there
        assert all(link.startswith(("data:text/javascript;base64,", "data:text/css;base64,"))
                   for link in links)


def test_a_stage_s_route_and_photos_follow_it_when_its_identifier_changes(relay):
    """Kept under the stage's identifier: renamed in the form, the stage keeps them."""
    from cufmap.editing.session import EditingSession

    from .test_photos import phone_photo

    marches.attach_route(relay, CHARTRES, LOOP.read_bytes(), LOOP.name, "Alice")
    marches.add_photo(relay, CHARTRES, phone_photo((800, 600)), "p.jpg", "La place de Ravenne",
                      "", "Alice")
    session = EditingSession.open(relay, "Alice")
    record = next(r for r in session.base.fillna("").astype(str).to_dict("records")
                  if r["id"] == CHARTRES)
    assert session.save_stage(dict(record, id="chartres-marche-2025"), replacing=CHARTRES)
    assert marches.route_of(relay, "chartres-marche-2025")["km"] == 6.8
    [photo] = marches.photos_of(relay, "chartres-marche-2025")
    assert photo["alt"] == "La place de Ravenne"
    assert relay.read_attachment(attachments.photo_path("chartres-marche-2025", photo["file"]))
    assert marches.route_of(relay, CHARTRES) is None and marches.photos_of(relay, CHARTRES) == []


def test_a_map_drawn_inline_follows_a_new_route(monkeypatch, relay):
    """Published folder not served: the public page draws its map itself, and draws it again
    once a route is attached (its cache knew only the data and places files)."""
    import html
    import re

    from .conftest import ROOT, run_page

    outside = tempfile.mkdtemp(prefix="cufmap-publie-")
    monkeypatch.setenv("CUFMAP_DOSSIER_PUBLIE", outside)
    monkeypatch.setenv("CUFMAP_DATA", str(relay.path))
    monkeypatch.setenv("CUFMAP_PLACES", str(relay.places))
    monkeypatch.chdir(ROOT)
    try:
        def document():
            at = run_page("app.py", params={"etape": CHARTRES})
            [frame] = at.get("iframe")
            return html.unescape(re.search(r'srcdoc="([^"]*)"', frame.proto.srcdoc).group(1))

        assert "6,8\\u00a0km" not in document()
        marches.attach_route(relay, CHARTRES, LOOP.read_bytes(), LOOP.name, "Alice")
        assert "6,8\\u00a0km" in document()
    finally:
        shutil.rmtree(outside, ignore_errors=True)  # the publisher may be writing there
