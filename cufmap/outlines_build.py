"""Extract the outlines of France's overseas territories for the map's insets.

The world outlines shipped for the main map (world-atlas ``countries-110m``) are too coarse to
show Martinique or La Réunion, so the insets draw these polygons, cut from world-atlas
``countries-50m`` (Natural Earth, public domain): ``python -m cufmap.outlines_build``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from .mapdoc import STATIC, TERRITORIES

WORLD_ATLAS = "world-atlas@2.0.2"
OUTPUT = STATIC / "outremer.json"


def _arcs(topology: dict) -> list[list[list[float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([round(x * sx + tx, 4), round(y * sy + ty, 4)])
        out.append(points)
    return out


def _ring(indexes: list[int], arcs) -> list[list[float]]:
    ring: list[list[float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def extract(topology: dict) -> dict:
    arcs = _arcs(topology)
    france = next(g for g in topology["objects"]["countries"]["geometries"]
                  if g["properties"]["name"] == "France")
    polygons = france["arcs"] if france["type"] == "MultiPolygon" else [france["arcs"]]
    features = []
    for label, south, west, north, east in TERRITORIES:
        kept = []
        for polygon in polygons:
            rings = [_ring(r, arcs) for r in polygon]
            lons = [p[0] for p in rings[0]]
            lats = [p[1] for p in rings[0]]
            if south <= sum(lats) / len(lats) <= north and west <= sum(lons) / len(lons) <= east:
                kept.append(rings)
        if kept:
            features.append({"type": "Feature", "properties": {"name": label},
                             "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return {"type": "FeatureCollection", "features": features}


def main(sources: Path | None = None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(sources or tmp)
        tgz = next(work.glob("world-atlas-*.tgz"), None)
        if tgz is None:
            subprocess.run(["npm", "pack", WORLD_ATLAS, "--silent"], cwd=work, check=True,
                           stdout=subprocess.DEVNULL)
            tgz = next(work.glob("world-atlas-*.tgz"))
        with tarfile.open(tgz) as tar:
            topology = json.load(tar.extractfile("package/countries-50m.json"))
    data = extract(topology)
    OUTPUT.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return len(data["features"])


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None), "territoires")
