"""Gazetteer figures: cold load (time, resident memory) and warm lookups per second.

    python bench/gazetteer.py

Cold load runs in a fresh interpreter (imports included). Lookups are also counted per
CPU-second, which a machine shared with other jobs does not distort. Warm lookups resolve an
Atlas-sized list of 15,000 real names (10,000 French communes, 5,000 places abroad with their
country), sampled from the gazetteer itself.
"""

import json
import random
import subprocess
import sys
import time

COLD = """
import json, resource, time
t0 = time.perf_counter()
from cufmap.places.gazetteer import Gazetteer
g = Gazetteer()
t1 = time.perf_counter()
g.lookup("Suippes", "France")
print(json.dumps({"load_s": t1 - t0, "places": len(g),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def cold(runs: int = 5) -> dict:
    results = [json.loads(subprocess.run([sys.executable, "-c", COLD], capture_output=True,
                                         text=True, check=True).stdout) for _ in range(runs)]
    return {"load_s_median": sorted(r["load_s"] for r in results)[runs // 2],
            "rss_mb_max": max(r["rss_mb"] for r in results), "places": results[0]["places"]}


def warm(n_french: int = 10_000, n_abroad: int = 5_000) -> dict:
    from cufmap.places.gazetteer import default
    from cufmap.relay import countries

    g = default()
    rng = random.Random(2025)
    french, abroad = [], []
    kinds = g._a["kind"]
    for i in rng.sample(range(len(g)), len(g)):
        p = g.place(i)
        if p.kind == "commune" and len(french) < n_french:
            french.append((p.name, "France"))
        elif p.kind == "localité" and len(abroad) < n_abroad:
            abroad.append((p.name, countries.name(p.country)))
        if len(french) >= n_french and len(abroad) >= n_abroad:
            break
    queries = french + abroad
    del kinds
    t0, c0 = time.perf_counter(), time.process_time()
    statuses = [g.lookup(name, country).status for name, country in queries]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"queries": len(queries), "seconds": elapsed, "lookups_per_s": len(queries) / elapsed,
            "lookups_per_cpu_s": len(queries) / cpu,
            "found": statuses.count("trouvé"), "ambiguous": statuses.count("ambigu"),
            "not_found": statuses.count("introuvable")}


if __name__ == "__main__":
    c = cold()
    print(f"cold load (median of 5, imports included): {c['load_s_median']:.3f} s, "
          f"max RSS {c['rss_mb_max']:.0f} MB, {c['places']} places")
    w = warm()
    print(f"warm lookups: {w['queries']} in {w['seconds']:.2f} s = {w['lookups_per_s']:.0f}/s, "
          f"{w['lookups_per_cpu_s']:.0f} per CPU-second (the figure to trust on a busy machine) "
          f"(trouvé {w['found']}, ambigu {w['ambiguous']}, introuvable {w['not_found']})")
