"""Poster figures (cufmap affiche): time to draw each output, in wall and CPU seconds (medians),
and the file's size; the import of matplotlib, paid only when a poster is drawn.

    python bench/poster.py [--runs 3]

From the shipped relay (data/relais.csv), offline. CPU seconds are what a machine shared with
other jobs does not distort.
"""

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cufmap.publish import export, poster  # noqa: E402

IMPORT = "import time; t = time.process_time(); import matplotlib.figure, matplotlib.backends" \
         ".backend_pdf; print(time.process_time() - t)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    built = export.build(ROOT / "data" / "relais.csv", ROOT / "data" / "lieux.csv",
                         today=dt.date(2025, 4, 9))
    imports = [float(subprocess.run([sys.executable, "-c", IMPORT], capture_output=True,
                                    text=True, check=True).stdout) for _ in range(runs)]
    print(f"import de matplotlib (figure, PDF) : {statistics.median(imports):.2f} s de processeur")
    poster.render(built.payload, "pdf", "A4")  # outlines read, fonts loaded: a warm process
    for fmt, paper, dpi in (("pdf", "A4", 300), ("pdf", "A3", 300), ("png", "A4", 300),
                            ("png", "A3", 300), ("png", "A4", 150)):
        wall, cpu = [], []
        for _ in range(runs):
            t, c = time.perf_counter(), time.process_time()
            data = poster.render(built.payload, fmt, paper, dpi)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        what = f"{fmt.upper()} {paper}" + (f" {dpi} dpi" if fmt == "png" else "")
        print(f"{what:<16} {statistics.median(wall):5.2f} s ({statistics.median(cpu):5.2f} s de "
              f"processeur), {len(data) / 1024:,.0f} Ko".replace(",", " "))


if __name__ == "__main__":
    main()
