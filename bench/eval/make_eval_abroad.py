"""Make the evaluation set of towns abroad whose names and positions do not come from GeoNames,
from a public repository snapshot on this machine (see PROVENANCE.md).

    python bench/eval/make_eval_abroad.py [TWIN_CITIES_CSV]

TWIN_CITIES_CSV defaults to ``app/public/twin_cities.csv`` of the public repository
Hekman/twincities (commit 84ebdec), read from its snapshot under /work/.mirror/ (brought by the
search tool's ``fetch``): 25,917 twin-town pairs scraped from Wikipedia's « List of twin towns
and sister cities in … » pages, each town placed by Wikipedia's coordinates or, failing that,
Nominatim (OpenStreetMap). Names and positions are those of that file, never the gazetteer's.

Writes ``bench/out/etranger-independant.csv`` (bench/out/ is not committed: what a snapshot
brings is never committed, and so neither is a set drawn from it; tests cannot use it):
every town abroad twinned with a French one, plus a random sample of the others, with its
name as the list writes it (a fifth of them then in capitals or without accents, as staff
type them) and the French name of its country.

Deterministic: same snapshot, same file.
"""

from __future__ import annotations

import csv
import math
import random
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import subprocess  # noqa: E402

from cufmap.relay import countries  # noqa: E402

HERE = Path(__file__).parent
OUT = ROOT / "bench" / "out" / "etranger-independant.csv"
SNAPSHOT = Path("/work/.mirror/Hekman+twincities/repo")
SNAPSHOT_COMMIT = "84ebdec"
SNAPSHOT_FILE = "app/public/twin_cities.csv"
COLUMNS = ("categorie", "nom", "pays", "type", "departement", "lat", "lon", "tolerance_km",
           "reference")
N_OTHERS = 1500  # towns abroad not twinned with a French one
# English country names of the list that CLDR's French and English names do not give.
ENGLISH = {
    "Czech Republic": "CZ", "England": "GB", "England, United Kingdom": "GB", "Turkey": "TR",
    "Bosnia and Herzegovina": "BA", "Republic of Ireland": "IE", "Scotland": "GB",
    "Scotland, United Kingdom": "GB", "Wales": "GB", "Wales, United Kingdom": "GB",
    "Georgia (country)": "GE", "Northern Ireland, United Kingdom": "GB",
    "Northern Ireland": "GB", "Ivory Coast": "CI", "São Tomé and Príncipe": "ST",
    "Democratic Republic of the Congo": "CD", "Åland Islands, Finland": "AX",
    # Natural Earth's short names (the outlines of the reference check)
    "W. Sahara": "EH", "United States of America": "US", "Dem. Rep. Congo": "CD",
    "Dominican Rep.": "DO", "Falkland Is.": "FK", "Central African Rep.": "CF",
    "Eq. Guinea": "GQ", "Solomon Is.": "SB", "Bosnia and Herz.": "BA", "Macedonia": "MK",
    "Trinidad and Tobago": "TT", "S. Sudan": "SS",
}


def iso_of(country: str) -> str | None:
    return ENGLISH.get(country) or countries.code(country)


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if unicodedata.category(c) != "Mn")


def as_typed(name: str, rng: random.Random) -> str:
    """Most names as the list writes them; some in capitals or without accents."""
    r = rng.random()
    if r < 0.1:
        return name.upper()
    if r < 0.2:
        return strip_accents(name)
    return name


# A reference farther than this from the outline of the country the list names is the wrong
# town (Wikipedia's « Boston » for Boston, Lincolnshire): left out (km; the 1:110m outlines
# are coarse).
OUTSIDE_KM = 50


def country_outlines() -> dict:
    """ISO -> shapely geometry, from the world-atlas 1:110m outlines the app ships (Natural
    Earth, public domain): an independent check of the references' countries."""
    import json

    from shapely.geometry import shape

    from cufmap.publish.outlines_build import _arcs, _ring

    topo = json.loads((ROOT / "cufmap" / "static" / "countries-110m.json").read_text())
    arcs = _arcs(topo)
    out = {}
    for g in topo["objects"]["countries"]["geometries"]:
        iso = iso_of(g["properties"]["name"])
        if not iso or g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        geom = shape({"type": "MultiPolygon",
                      "coordinates": [[_ring(r, arcs) for r in poly] for poly in polygons]})
        out[iso] = geom.buffer(0) if iso not in out else out[iso].union(geom.buffer(0))
    return out


def outside(outlines: dict, iso: str, lat: float, lon: float) -> bool:
    from shapely.geometry import Point

    geom = outlines.get(iso)
    if geom is None:  # too small for the 1:110m outlines (Malta, Andorra…): not checked
        return False
    return geom.distance(Point(lon, lat)) * 111 * max(math.cos(math.radians(lat)), 0.2) > \
        OUTSIDE_KM


def independent(twin_csv: Path, rng: random.Random) -> list[dict]:
    with twin_csv.open(encoding="utf-8") as fh:
        pairs = list(csv.DictReader(fh))
    towns: dict[tuple[str, str], tuple[str, str]] = {}
    french_partners = set()
    for r in pairs:
        for a, b in (("1", "2"), ("2", "1")):
            iso = iso_of(r["country" + a])
            if not iso or iso == "FR" or not r["lat" + a]:
                continue
            towns.setdefault((r["city" + a], iso), (r["lat" + a], r["lng" + a]))
            if iso_of(r["country" + b]) == "FR":
                french_partners.add((r["city" + a], iso))
    outlines = country_outlines()
    dropped = {k for k, (lat, lon) in towns.items()
               if outside(outlines, k[1], float(lat), float(lon))}
    print(f"références hors du pays nommé, écartées : {len(dropped)}", file=sys.stderr)
    chosen = sorted(french_partners - dropped)
    others = sorted(set(towns) - french_partners - dropped)
    chosen += rng.sample(others, N_OTHERS)
    rows = []
    for name, iso in chosen:
        lat, lon = towns[(name, iso)]
        why = "jumelée avec une ville française" if (name, iso) in french_partners else \
            "tirée au hasard"
        rows.append({"categorie": "étranger", "nom": as_typed(name, rng),
                     "pays": countries.name(iso), "type": "", "departement": "",
                     "lat": f"{float(lat):.5f}", "lon": f"{float(lon):.5f}",
                     "tolerance_km": "10",
                     "reference": f"Hekman/twincities : « {name} » ({why})"})
    return rows


def write(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, delimiter=";", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{path.relative_to(ROOT)}: {len(rows)} lignes")


def snapshot_csv(folder: Path) -> Path:
    """The list, read from the snapshot's git directory (it has no work tree)."""
    if not folder.exists():
        sys.exit(f"{folder} absent : rapportez le dépôt Hekman/twincities (outil fetch) ou "
                 "donnez le chemin de twin_cities.csv")
    text = subprocess.run(["git", "--git-dir", str(folder), "show",
                           f"{SNAPSHOT_COMMIT}:{SNAPSHOT_FILE}"], check=True,
                          capture_output=True).stdout
    path = ROOT / "bench" / "out" / "twin_cities.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text)
    return path


def main(twin_csv: Path | None = None) -> int:
    OUT.parent.mkdir(exist_ok=True)
    write(independent(twin_csv or snapshot_csv(SNAPSHOT), random.Random(2026)), OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
