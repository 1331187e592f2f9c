"""Finer outlines than the world view's, cut from world-atlas (Natural Earth, public domain).

* ``outremer.json``: France's overseas territories for the map's insets, from
  ``countries-50m`` (the world outlines, ``countries-110m``, are too coarse to show Martinique
  or La Réunion);
* ``europe-10m.json``: France and its neighbours at 1:10m (``countries-10m``), clipped to
  :data:`FINE_BOX` and simplified below a pixel at a stage's zoom, as a quantized TopoJSON
  the page fetches when it zooms in with no tiles (``FINE_OUTLINES`` in ``mapdoc``).

``python -m cufmap.publish.outlines_build`` (needs npm, and shapely from the ``[build]`` extra).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from cufmap.publish.mapdoc import FINE_OUTLINES, STATIC
from cufmap.publish.payload import TERRITORIES
from cufmap.publish.topology import arcs as topology_arcs
from cufmap.publish.topology import ring

WORLD_ATLAS = "world-atlas@2.0.2"
OUTPUT = STATIC / "outremer.json"
FINE_OUTPUT = STATIC / FINE_OUTLINES
#: west, south, east, north: metropolitan France, Corsica and the neighbours' coasts.
FINE_BOX = (-10.5, 35.5, 19.5, 56.0)
#: Douglas-Peucker tolerance in degrees (~300 m: under a pixel up to zoom 9, a stage's zoom).
FINE_TOLERANCE = 0.0027
QUANTIZATION = 100_000


def extract(topology: dict) -> dict:
    arcs = topology_arcs(topology, 4)
    france = next(g for g in topology["objects"]["countries"]["geometries"]
                  if g["properties"]["name"] == "France")
    polygons = france["arcs"] if france["type"] == "MultiPolygon" else [france["arcs"]]
    features = []
    for label, south, west, north, east in TERRITORIES:
        kept = []
        for polygon in polygons:
            rings = [ring(r, arcs) for r in polygon]
            lons = [p[0] for p in rings[0]]
            lats = [p[1] for p in rings[0]]
            if south <= sum(lats) / len(lats) <= north and west <= sum(lons) / len(lons) <= east:
                kept.append(rings)
        if kept:
            features.append({"type": "Feature", "properties": {"name": label},
                             "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return {"type": "FeatureCollection", "features": features}


def fine(topology: dict, box=FINE_BOX, tolerance: float = FINE_TOLERANCE) -> dict:
    """The countries of ``topology`` clipped to ``box`` and simplified, as a TopoJSON whose
    object ``land`` holds one Polygon per piece (each ring its own quantized, delta-encoded
    arc; topojson-client reads it) and whose ``bbox`` is ``box``."""
    from shapely.geometry import Polygon
    from shapely.geometry import box as rectangle

    arcs = topology_arcs(topology, 4)
    west, south, east, north = box
    frame = rectangle(west, south, east, north)
    pieces = []
    for g in topology["objects"]["countries"]["geometries"]:
        if g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        for polygon in (g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]):
            rings = [r for r in (ring(r, arcs) for r in polygon) if len(r) > 3]
            lons = [p[0] for p in rings[0]] if rings else [180.0]
            if max(lons) < west or min(lons) > east or max(lons) - min(lons) > 180:
                continue  # elsewhere, or a ring across the antimeridian (never in the box)
            shape = Polygon(rings[0], rings[1:]).buffer(0)
            if shape.intersects(frame):
                pieces.append(shape.intersection(frame).simplify(tolerance))
    (sx, sy) = ((east - west) / (QUANTIZATION - 1), (north - south) / (QUANTIZATION - 1))
    out_arcs, geometries = [], []

    def arc(coords) -> int:
        previous, encoded = (0, 0), []
        for lon, lat in coords:
            q = (round((lon - west) / sx), round((lat - south) / sy))
            if encoded and q == previous:
                continue
            encoded.append([q[0] - previous[0], q[1] - previous[1]])
            previous = q
        out_arcs.append(encoded)
        return len(out_arcs) - 1

    for shape in pieces:
        for part in getattr(shape, "geoms", [shape]):
            if part.geom_type != "Polygon" or part.is_empty or part.area < tolerance ** 2:
                continue
            rings = [part.exterior, *part.interiors]
            geometries.append({"type": "Polygon",
                               "arcs": [[arc(r.coords)] for r in rings if len(r.coords) > 3]})
    return {"type": "Topology", "bbox": list(box),
            "transform": {"scale": [sx, sy], "translate": [west, south]},
            "objects": {"land": {"type": "GeometryCollection", "geometries": geometries}},
            "arcs": out_arcs}


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
            finer = json.load(tar.extractfile("package/countries-10m.json"))
    data = extract(topology)
    OUTPUT.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    FINE_OUTPUT.write_text(json.dumps(fine(finer), separators=(",", ":")), encoding="utf-8")
    return len(data["features"])


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None), "territoires")
