"""Routes and photos: how long each file takes to be read, kept or refused, and the memory it
costs (tracemalloc peak, Python allocations; Pillow's and GEOS's own buffers are not counted).

    python bench/marches.py [--runs 3]

Prints one line per case (median of the runs). gpxpy, when installed, is timed on the same
100,000-point GPX for comparison (cufmap reads GPX with the standard library's expat).
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cufmap.relay import photos, routes  # noqa: E402
from cufmap.relay.attachments import RefusedFile  # noqa: E402


def gpx(n: int, lon=1.488, lat=48.447) -> bytes:
    trk = "".join(f'<trkpt lat="{lat + 0.02 * math.sin(i / 500):.6f}" '
                  f'lon="{lon + 0.03 * math.cos(i / 500):.6f}"><ele>150</ele></trkpt>'
                  for i in range(n))
    return (f'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
            f'<trk><trkseg>{trk}</trkseg></trk></gpx>').encode()


def phone_photo() -> bytes:
    from PIL import Image

    image = Image.effect_noise((4032, 3024), 40).convert("RGB")  # 12 Mpx, a phone's
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (43.0, 18.0, 30.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def bomb() -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0,
                                                              0, 0)) + chunk(b"IEND", b""))


def measure(action, runs: int) -> tuple[float, float, str]:
    """Median time of ``runs`` runs, then one more under tracemalloc (which slows Python down)
    for the memory."""
    def once():
        try:
            action()
            return "accepté"
        except RefusedFile:
            return "refusé"

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        verdict = once()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    once()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    long_gpx, huge_gpx = gpx(100_000), gpx(routes.MAX_POINTS + 1)
    far = gpx(500, lon=-73.56, lat=45.50)
    photo, forty = phone_photo(), b"\xff\xd8\xff" + b"\0" * (40 * 2**20)
    cases = [
        ("GPX de 100 000 points : lu, longueur, simplifié",
         lambda: routes.stored(routes.parse(long_gpx), "x.gpx"), f"{len(long_gpx) / 2**20:.1f} Mo"),
        ("GPX de 200 001 points", lambda: routes.parse(huge_gpx), f"{len(huge_gpx) / 2**20:.1f} Mo"),
        ("tracé sur un autre continent", lambda: routes.check_near(
            routes.parse(far), (1.488, 48.447), "Chartres"), f"{len(far) / 1024:.0f} Ko"),
        ("un PNG donné pour un tracé", lambda: routes.parse(bomb()), "1 Ko"),
        ("photo de téléphone (12 Mpx, EXIF avec GPS)", lambda: photos.process(photo),
         f"{len(photo) / 2**20:.1f} Mo"),
        ("photo de 40 Mo", lambda: photos.process(forty), "40 Mo"),
        ("un PDF donné pour une photo", lambda: photos.process(b"%PDF-1.4" + b"\0" * 5000), "5 Ko"),
        ("PNG déclarant 50 000 × 50 000 pixels", lambda: photos.process(bomb()), "1 Ko"),
    ]
    print(f"{'cas':48} {'taille':>9} {'verdict':>9} {'temps':>8} {'mémoire':>9}")
    for label, action, size in cases:
        seconds, peak, verdict = measure(action, runs)
        print(f"{label:48} {size:>9} {verdict:>9} {seconds:7.2f}s {peak:7.1f} Mo")
    try:
        import gpxpy
    except ImportError:
        print("gpxpy absent : pas de comparaison")
        return
    seconds, peak, _ = measure(lambda: gpxpy.parse(long_gpx.decode()), runs)
    print(f"{'gpxpy.parse du GPX de 100 000 points':48} {'':>9} {'':>9} {seconds:7.2f}s "
          f"{peak:7.1f} Mo")


if __name__ == "__main__":
    main()
