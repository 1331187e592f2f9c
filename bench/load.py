"""The server under load: CPU per page view, pages per second at 1, 10 and 40 concurrent
sessions, resident memory over time, websocket bytes per view; and how fast hostile uploads
are refused.

    python bench/load.py                    # the shipped relay
    python bench/load.py --etapes 2000      # a generated 2,000-stage file
    python bench/load.py --racine /autre/checkout   # the same figures for another checkout

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
    args = parser.parse_args()

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


def hostile_uploads() -> None:
    from cufmap import reading
    from cufmap.errors import UnreadableTable
    from tests.hostile import big_csv, zip_bomb_xlsx

    for label, data, name in (("zip bomb XLSX (300,000 rows)", zip_bomb_xlsx(), "x.xlsx"),
                              ("100,000-row CSV", big_csv(100_000), "x.csv")):
        t0 = time.perf_counter()
        try:
            reading.read_bytes(data, name)
            verdict = "ACCEPTED"
        except UnreadableTable:
            verdict = "refused"
        print(f"{label}, {len(data) / 2**20:.1f} MB: {verdict} in "
              f"{time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
