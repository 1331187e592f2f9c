"""The server under load: CPU per page view, pages per second at 1, 10 and 40 concurrent
sessions, resident memory over time, websocket bytes per view; and how fast hostile uploads
are refused, with the reader's peak memory (zip bomb, shared-strings bomb, sparse workbook,
100,000-row CSV).

    python bench/load.py                    # the shipped relay
    python bench/load.py --etapes 2000      # a generated 2,000-stage file
    python bench/load.py --racine /autre/checkout   # the same figures for another checkout
    python bench/load.py --refus            # the hostile uploads only

A page view is a real Streamlit session: a websocket opened on ``/_stcore/stream``, one
``rerun_script`` message, every message read until ``script_finished``, then closed — what a
browser does, minus drawing (``tests/streamlit_client.py``). The map document itself, a
static file the browser caches, is not counted.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.streamlit_client import cpu_seconds, rss_bytes, views  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(root: Path, data: Path, places: Path):
    port = free_port()
    env = {**os.environ, "CUFMAP_DATA": str(data), "CUFMAP_PLACES": str(places),
           "CUFMAP_OFFLINE": "1", "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                            cwd=root, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("streamlit did not start") from None
                time.sleep(0.2)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def many_stages(path: Path, count: int) -> None:
    rows = list(csv.DictReader(io.StringIO((ROOT / "data" / "relais.csv")
                                           .read_text(encoding="utf-8"))))
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for i in range(count):
        row = dict(rows[i % len(rows)])
        row["id"] = f"{row['id']}-{i}"
        writer.writerow(row)
    path.write_text(buf.getvalue(), encoding="utf-8")


def mb(n: float) -> str:
    return f"{n / 2**20:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--etapes", type=int, default=0, help="generate a file of N stages")
    parser.add_argument("--racine", type=Path, default=ROOT, help="checkout to serve")
    parser.add_argument("--vues", type=int, default=200, help="views for the memory curve")
    parser.add_argument("--refus", action="store_true", help="the hostile uploads only")
    args = parser.parse_args()
    if args.refus:
        hostile_uploads()
        huge_places(args.racine)
        return

    tmp = Path(tempfile.mkdtemp())
    data, places = tmp / "relais.csv", tmp / "lieux.csv"
    if args.etapes:
        many_stages(data, args.etapes)
    else:
        shutil.copy(ROOT / "data" / "relais.csv", data)
    shutil.copy(ROOT / "data" / "lieux.csv", places)
    print(f"checkout {args.racine}; data {data.stat().st_size / 1024:.0f} KB "
          f"({args.etapes or 'shipped relay, 20'} stages); {os.cpu_count()} CPU(s), "
          f"load average {os.getloadavg()[0]:.1f}")

    with server(args.racine, data, places) as (url, pid):
        t0 = time.perf_counter()
        first = views(url, 1)[0]
        print(f"first view (cold caches): {time.perf_counter() - t0:.2f} s, "
              f"{first.received / 1024:.1f} KB through the websocket")
        views(url, 4)
        rss_warm = rss_bytes(pid)

        n = 30
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        sample = views(url, n)
        cpu, wall = cpu_seconds(pid) - cpu0, time.perf_counter() - t0
        print(f"server CPU per page view: {cpu / n * 1000:.0f} ms "
              f"(wall {wall / n * 1000:.0f} ms; {n} sequential views)")
        print(f"websocket per view: {statistics.median(v.received for v in sample) / 1024:.1f} "
              f"KB in {statistics.median(v.messages for v in sample):.0f} messages")

        for concurrency in (1, 10, 40):
            count = max(20, 2 * concurrency)
            t0 = time.perf_counter()
            done = views(url, count, concurrency=concurrency)
            wall = time.perf_counter() - t0
            failed = sum(1 for v in done if not v.finished or v.exceptions)
            print(f"{concurrency:>2} concurrent session(s): {count / wall:.1f} pages/s "
                  f"({count} views in {wall:.1f} s, {failed} failed)")

        print(f"RSS over time (after warm-up {mb(rss_warm)}):")
        seen, step = 0, max(10, args.vues // 10)
        t0 = time.perf_counter()
        while seen < args.vues:
            views(url, step, concurrency=10)
            seen += step
            print(f"  {seen:>4} more views, {time.perf_counter() - t0:5.1f} s: "
                  f"{mb(rss_bytes(pid))}")

    if args.racine == ROOT:
        hostile_uploads()
        huge_places(args.racine)


HOSTILE = (("zip bomb XLSX (300,000 rows)", "zip_bomb_xlsx()", "x.xlsx"),
           ("shared-strings bomb XLSX (one 15 MB string in 8,000 cells)",
            "shared_strings_bomb_xlsx()", "x.xlsx"),
           ("sparse XLSX (A1 and XFD1048576)", "sparse_xlsx()", "x.xlsx"),
           ("100,000-row CSV", "big_csv(100_000)", "x.csv"))

# Run in a child process each: the file is built, the peak resident memory reset
# (/proc/self/clear_refs), then read as the import tab reads it; a reader that would build the
# bomb stops at 3 GB instead of eating the machine.
_CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
from cufmap.relay import reading
from cufmap.errors import UnreadableTable
from tests.hostile import big_csv, shared_strings_bomb_xlsx, sparse_xlsx, zip_bomb_xlsx

def kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])

data = {make}
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # the peak (VmHWM) starts again from here
before = kb("VmRSS")
t0 = time.perf_counter()
try:
    reading.read_bytes(data, "{name}")
    verdict = "ACCEPTED"
except UnreadableTable:
    verdict = "refused"
print(json.dumps([verdict, time.perf_counter() - t0, (kb("VmHWM") - before) * 1024, len(data)]))
"""


def hostile_uploads() -> None:
    import json

    for label, make, name in HOSTILE:
        proc = subprocess.run([sys.executable, "-c", _CHILD.format(make=make, name=name)],
                              cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        if proc.returncode:
            print(f"{label}: the reader DIED (exit {proc.returncode}): "
                  f"{proc.stderr.strip().splitlines()[-1:]}")
            continue
        verdict, seconds, peak, size = json.loads(proc.stdout)
        print(f"{label}, {size / 2**20:.2f} MB: {verdict} in {seconds:.2f} s, "
              f"peak memory +{mb(peak)}")


def huge_places(root: Path) -> None:
    """A running server whose places file becomes 30 MB (a hand edit on its disk; a commit on
    the remote is refused before it reaches the disk): the next public views, each timed."""
    tmp = Path(tempfile.mkdtemp())
    data, places = tmp / "relais.csv", tmp / "lieux.csv"
    shutil.copy(ROOT / "data" / "relais.csv", data)
    shutil.copy(ROOT / "data" / "lieux.csv", places)
    line = "Ville de Suippes,France,commune,trouvé,49.1286,4.5339,,,manuel,,,\n".encode()
    with server(root, data, places) as (url, pid):
        views(url, 3)
        rss = rss_bytes(pid)
        t0 = time.perf_counter()
        views(url, 1)
        before = time.perf_counter() - t0
        places.write_bytes(places.read_bytes() + line * (30 * 2**20 // len(line)))
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            done = views(url, 1)[0]
            times.append(time.perf_counter() - t0)
            assert done.finished and not done.exceptions
        print(f"public view with the shipped places file: {before:.2f} s; after it became "
              f"{places.stat().st_size / 2**20:.0f} MB: "
              + ", ".join(f"{t:.2f}" for t in times) + f" s; memory {mb(rss)} -> "
              f"{mb(rss_bytes(pid))}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
