"""Where the Atlas-scale export spends its time: one `cufmap export` run in a fresh process,
its phases timed from outside (the library's functions wrapped, not edited).

    python bench/export_phases.py [--out bench/out/atlas] [--runs 3]

Needs the Atlas file of ``python bench/atlas.py`` (its ``--out`` folder; generated here if
missing). Prints, per phase, the CPU seconds (less distorted than wall time by other jobs on a
shared machine) and the wall seconds, medians of ``--runs`` fresh processes: imports (Python
start to the export's first step), reading, validation, stages (rows to stages), geocoding,
payload, render (the HTML), GeoJSON, iCalendar, writing, other (inside the export), start+end
(the interpreter's own start and end), and the whole process from the shell.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHASES = ("imports", "read", "validate", "stages", "geocode", "payload", "render", "geojson",
          "icalendar", "write", "other", "start+end")

# Runs inside the measured process: wraps each step of cufmap.publish.export.export by module
# attribute, runs the CLI, prints the phases as JSON on stderr's last line.
CHILD = r"""
import json, sys, time
t_start = (time.process_time(), time.perf_counter())
spent = {}
def wrap(module, attr, phase):
    inner = getattr(module, attr)
    def timed(*a, **k):
        c, w = time.process_time(), time.perf_counter()
        try:
            return inner(*a, **k)
        finally:
            old = spent.get(phase, (0.0, 0.0))
            spent[phase] = (old[0] + time.process_time() - c, old[1] + time.perf_counter() - w)
    setattr(module, attr, timed)
import pathlib
from cufmap import cli
orig_export = cli.export.callback
def hook():
    from cufmap.publish import export
    wrap(export.reading, "read_path", "read")
    wrap(export.validation, "check", "validate")
    wrap(export, "stages_from", "stages")
    wrap(export.geocoding, "locate", "geocode")
    wrap(export, "payload", "payload")
    wrap(export.mapdoc, "render", "render")
    wrap(export, "geojson", "geojson")
    wrap(export, "icalendar", "icalendar")
    wrap(pathlib.Path, "write_text", "write")
def first_step_hooked(*a, **k):
    getattr(cli, "_import_folium_without_pandas", lambda: None)()  # as the command does
    import cufmap.publish.export  # the export module's own imports count as imports
    spent["imports"] = (time.process_time() - t_start[0], time.perf_counter() - t_start[1])
    hook()
    try:
        return orig_export(*a, **k)
    finally:
        spent["total_in_process"] = (time.process_time() - t_start[0],
                                     time.perf_counter() - t_start[1])
        print(json.dumps(spent), file=sys.stderr, flush=True)
cli.export.callback = first_step_hooked
getattr(cli, "run", cli.main)()  # ends the process as `cufmap` does
"""


def run_once(out: Path, env: dict) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, "export", "--offline", "--tuiles",
                           "aucune", str(out / "cufmap")], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    spent = json.loads(proc.stderr.strip().splitlines()[-1])
    total_cpu, total_wall = spent.pop("total_in_process")
    measured = {k: v for k, v in spent.items()}
    measured["other"] = (total_cpu - sum(v[0] for v in measured.values()),
                         total_wall - sum(v[1] for v in measured.values()))
    # Python's own start (before the first import is timed) and its end (collection and
    # freeing of every object, unless skipped).
    measured["start+end"] = (cpu - total_cpu, wall - total_wall)
    return {"phases": measured, "cpu": cpu, "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "atlas")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data, places = args.out / "atlas.csv", args.out / "lieux.csv"
    if not data.exists():
        from bench.atlas import generate

        args.out.mkdir(parents=True, exist_ok=True)
        generate(data)
    if not places.exists():
        places.write_text("nom,pays\n", encoding="utf-8")
    env = dict(os.environ, CUFMAP_DATA=str(data), CUFMAP_PLACES=str(places),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")])))
    runs = [run_once(args.out, env) for _ in range(args.runs)]
    print(f"`cufmap export` of {data} ({args.runs} fresh processes, medians; load "
          f"{os.getloadavg()[0]:.1f})")
    print(f"{'phase':<10} {'CPU s':>7} {'wall s':>7}")
    for phase in PHASES:
        cpu = statistics.median(r["phases"].get(phase, (0, 0))[0] for r in runs)
        wall = statistics.median(r["phases"].get(phase, (0, 0))[1] for r in runs)
        print(f"{phase:<10} {cpu:7.2f} {wall:7.2f}")
    print(f"{'process':<10} {statistics.median(r['cpu'] for r in runs):7.2f} "
          f"{statistics.median(r['wall'] for r in runs):7.2f}  (the whole process, from the "
          "shell)")


if __name__ == "__main__":
    main()
