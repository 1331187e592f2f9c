"""Reading TopoJSON (the bundled Natural Earth outlines): quantized, delta-encoded arcs as
lon/lat points, and rings joined from arc indexes (a negative index: that arc reversed). Used
by the poster and by the outlines' build."""

from __future__ import annotations


def arcs(topology: dict, digits: int | None = None) -> list[list[tuple[float, float]]]:
    """Every arc of ``topology`` as (lon, lat) points, rounded to ``digits`` when given."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            lon, lat = x * sx + tx, y * sy + ty
            points.append((round(lon, digits), round(lat, digits)) if digits is not None
                          else (lon, lat))
        out.append(points)
    return out


def ring(indexes: list[int], decoded) -> list[tuple[float, float]]:
    """The ring made of the arcs ``indexes`` of ``decoded`` (:func:`arcs`), joined end to end."""
    out: list[tuple[float, float]] = []
    for i in indexes:
        points = decoded[i] if i >= 0 else decoded[~i][::-1]
        out.extend(points if not out else points[1:])
    return out
