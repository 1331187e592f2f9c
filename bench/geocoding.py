"""Geocoding accuracy on the evaluation sets of bench/eval/ (see PROVENANCE.md there).

    python bench/geocoding.py            # figures, one table per set
    python bench/geocoding.py --errors   # and every miss, written to bench/out/erreurs*.csv

Sets: ``bench/eval/evaluation.csv`` (French authorities, and places abroad taken from
GeoNames), ``bench/eval/municipalites.csv`` (municipalities abroad, from the registry packages
of BKG's and Kartverket's lists), and, when it has been made on this machine,
``bench/out/etranger-independant.csv`` (towns abroad from lists of twin towns, placed by
Wikipedia and OpenStreetMap, not GeoNames: ``python bench/eval/make_eval_abroad.py`` makes it
from a public repository snapshot, which is never committed).

For each category (French communes, départements, régions, intercommunalities, places
abroad): the share placed within tolerance, ambiguous, not found, and placed wrong; then the
precision of each confidence level (calibration), the share of confident (≥ 0.9) wrong answers
and the speed. Offline gazetteer only (no places file, no network).
"""

from __future__ import annotations

import csv
import math
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cufmap.places.geocoding import Chain, Query  # noqa: E402

EVAL = ROOT / "bench" / "eval" / "evaluation.csv"
INDEPENDENT = ROOT / "bench" / "out" / "etranger-independant.csv"
MUNICIPALITIES = ROOT / "bench" / "eval" / "municipalites.csv"
SETS = {"evaluation": EVAL, "municipalites": MUNICIPALITIES,
        "etranger-independant": INDEPENDENT}
CATEGORIES = ("commune", "département", "région", "intercommunalité", "étranger",
              "municipalité")


def km(a, b):
    (lat1, lon1), (lat2, lon2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2 +
         math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(min(1.0, h)))


def evaluate(path: Path = EVAL) -> dict:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    chain = Chain(places=None)
    queries = [Query(r["nom"], r["pays"], r["type"], r["departement"], suggest=False)
               for r in rows]
    t0 = time.perf_counter()
    results = [chain.geocode(q) for q in queries]
    elapsed = time.perf_counter() - t0
    by_cat: dict[str, Counter] = defaultdict(Counter)
    by_conf: dict[float, Counter] = defaultdict(Counter)
    errors = []
    for row, r in zip(rows, results):
        cat = row["categorie"]
        by_cat[cat]["total"] += 1
        if r.status != "trouvé":
            by_cat[cat][r.status] += 1
            errors.append({**row, "statut": r.status, "ecart_km": "", "trouve": "",
                           "confiance": "", "note": r.note})
            continue
        d = km(r.point, (float(row["lat"]), float(row["lon"])))
        ok = d <= float(row["tolerance_km"])
        by_cat[cat]["juste" if ok else "faux"] += 1
        by_conf[round(r.confidence, 2)]["juste" if ok else "faux"] += 1
        if not ok:
            errors.append({**row, "statut": "faux", "ecart_km": f"{d:.0f}",
                           "trouve": f"{r.name} ({r.kind}, {r.country})",
                           "confiance": f"{r.confidence:.2f}", "note": r.note})
    return {"rows": len(rows), "seconds": elapsed, "by_cat": by_cat, "by_conf": by_conf,
            "errors": errors, "path": path}


def report(res: dict) -> None:
    print(f"Jeu d'évaluation : {res['rows']} lignes ({res['path'].relative_to(ROOT)})")
    print(f"{'catégorie':<18}{'lignes':>7}{'justes':>9}{'ambigus':>9}{'introuv.':>9}"
          f"{'faux':>7}")
    french_ok = french_total = 0
    for cat in CATEGORIES:
        if cat not in res["by_cat"]:
            continue
        c = res["by_cat"][cat]
        n = c["total"] or 1
        print(f"{cat:<18}{c['total']:>7}{100 * c['juste'] / n:>8.1f}%"
              f"{100 * c['ambigu'] / n:>8.1f}%{100 * c['introuvable'] / n:>8.1f}%"
              f"{100 * c['faux'] / n:>6.2f}%")
        if cat not in ("étranger", "municipalité"):
            french_ok += c["juste"]
            french_total += c["total"]
    if french_total:
        print(f"collectivités françaises : {100 * french_ok / max(french_total, 1):.2f} % placées "
          "dans la tolérance")
    print("calibration (confiance : réponses, justes) :")
    confident_wrong = confident = 0
    for conf in sorted(res["by_conf"], reverse=True):
        c = res["by_conf"][conf]
        n = c["juste"] + c["faux"]
        print(f"  {conf:.2f} : {n:>5} réponses, {100 * c['juste'] / n:.2f} % justes")
        if conf >= 0.9:
            confident += n
            confident_wrong += c["faux"]
    print(f"réponses sûres (confiance ≥ 0,9) : {confident}, dont fausses : {confident_wrong} "
          f"({100 * confident_wrong / max(confident, 1):.2f} % des réponses sûres, "
          f"{100 * confident_wrong / res['rows']:.2f} % du jeu)")
    print(f"vitesse : {res['rows']} requêtes en {res['seconds']:.2f} s = "
          f"{res['rows'] / res['seconds']:.0f}/s (chaîne hors ligne, sans suggestions)")


if __name__ == "__main__":
    for name, path in SETS.items():
        if not path.exists():
            print(f"{path.relative_to(ROOT)} absent : python bench/eval/make_eval_abroad.py "
                  "le fait à partir de l'instantané du dépôt Hekman/twincities (outil fetch)")
            continue
        res = evaluate(path)
        report(res)
        print()
        if "--errors" not in sys.argv:
            continue
        out = ROOT / "bench" / "out" / ("erreurs.csv" if path == EVAL else f"erreurs-{name}.csv")
        out.parent.mkdir(exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as fh:
            cols = list(res["errors"][0]) if res["errors"] else ["nom"]
            w = csv.DictWriter(fh, fieldnames=cols, delimiter=";", lineterminator="\n")
            w.writeheader()
            w.writerows(res["errors"])
        print(f"erreurs : {out.relative_to(ROOT)} ({len(res['errors'])})")
