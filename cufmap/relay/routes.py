"""A stage's route: a walk's GPX, GeoJSON or KML file, read within bounds, checked against its
stage, simplified to what a screen needs, stored as a small GeoJSON file
(:func:`cufmap.relay.attachments.route_path`) and read back for the payload.

* Read: GPX tracks and routes (``<trkpt>``, ``<rtept>``) and waypoints (``<wpt>`` with a name);
  GeoJSON LineString / MultiLineString (or the points of a FeatureCollection, in order) and its
  named Point features; KML LineStrings and named Point placemarks. XML is read by the standard
  library's expat in a stream (``iterparse``), and a file declaring a DTD or an entity is
  refused before it is parsed. Measured (``python bench/marches.py``, 2026-12-03): gpxpy
  reads a GPX of 100,000 points in 1.1 s and 104 MB (3.4 s under the shared machine's load),
  the stream in 0.4 s and 24 MB (0.5 s); hence no gpxpy.
* Bounds: :data:`MAX_BYTES` for the file, :data:`MAX_POINTS` points (a GPX's counted in its
  bytes before parsing, every format's counted again as they are read: memory stays bounded).
  A GPX of 100,000 points is accepted and simplified.
* Checked: the route starts within :data:`NEAR_KM` of its stage's place.
* Length: the haversine sum over every point of the file (before simplification).
* Simplified: Douglas–Peucker (shapely, GEOS) at :data:`TOLERANCE` degrees (about 3 m), coarser
  until at most :data:`KEPT_POINTS` points remain (past :data:`THINNED` points, thinned evenly
  first); coordinates rounded to 5 decimals (1 m).
"""

from __future__ import annotations

import io
import json
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from cufmap.relay.attachments import RefusedFile
from cufmap.text import fold

MAX_BYTES = 20 * 2**20
MAX_POINTS = 200_000
NEAR_KM = 50.0
TOLERANCE = 0.00003
KEPT_POINTS = 600
THINNED = 5_000
MAX_WAYPOINTS = 200
EARTH_KM = 6371.0088


@dataclass
class Route:
    lines: list[list[tuple[float, float]]]  # (lon, lat), each line in walking order
    waypoints: list[tuple[str, float, float]] = field(default_factory=list)  # name, lon, lat
    km: float = 0.0

    @property
    def points(self) -> int:
        return sum(map(len, self.lines))


def _refuse(filename: str, why: str) -> RefusedFile:
    return RefusedFile(f"Le fichier « {filename} » n'est pas retenu : {why} Rien n'a été "
                       "enregistré.")


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


class _Points:
    """Points as they are read, counted against :data:`MAX_POINTS`."""

    def __init__(self, filename: str):
        self.filename = filename
        self.lines: list[list[tuple[float, float]]] = []
        self.waypoints: list[tuple[str, float, float]] = []
        self.count = 0

    def point(self, lon, lat, where: str) -> tuple[float, float]:
        try:
            lon, lat = float(lon), float(lat)
        except (TypeError, ValueError):
            lon = lat = math.nan
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise _refuse(self.filename, f"{where} n'a pas de latitude et longitude valides. "
                                         "Exportez de nouveau le tracé depuis votre application.")
        self.count += 1
        if self.count > MAX_POINTS:
            raise _refuse(self.filename, f"il compte plus de {_number(MAX_POINTS)} points, bien "
                                         "plus qu'une marche. Exportez-le simplifié (ou coupez-le) "
                                         "depuis votre application.")
        return lon, lat

    def line(self, points: list) -> None:
        if points:
            self.lines.append(points)

    def waypoint(self, name: str, lon, lat) -> None:
        name = " ".join((name or "").split())[:120]
        if name and len(self.waypoints) < MAX_WAYPOINTS:
            lon, lat = self.point(lon, lat, f"le point « {name} »")
            self.waypoints.append((name, lon, lat))


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml(data: bytes, filename: str):
    """The file's elements as they end (expat, streamed), after refusing a DTD or entity."""
    low = data.lower()
    if b"<!doctype" in low or b"<!entity" in low:
        raise _refuse(filename, "il déclare un DTD ou des entités XML, qu'un fichier de tracé "
                                "n'a pas. Exportez-le de nouveau en GPX ou KML.")
    try:
        for _, element in ET.iterparse(io.BytesIO(data), events=("end",)):
            yield element
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else "?"
        raise _refuse(filename, f"son XML est illisible (ligne {line}). " + _KINDS) from None


_KINDS = "Envoyez un tracé GPX, GeoJSON ou KML (ce qu'exportent les applications de marche)."


def _child_text(element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return child.text or ""
    return ""


def _gpx(elements, points: _Points) -> None:
    current: list = []
    for element in elements:
        tag = _local(element.tag)
        if tag in ("trkpt", "rtept"):
            current.append(points.point(element.get("lon"), element.get("lat"),
                                        f"le point {points.count + 1}"))
            element.clear()
        elif tag in ("trkseg", "rte"):
            points.line(current)
            current = []
            element.clear()
        elif tag == "wpt":
            points.waypoint(_child_text(element, "name"), element.get("lon"), element.get("lat"))
            element.clear()
    points.line(current)


def _kml_coordinates(text: str, points: _Points) -> list:
    out = []
    for item in (text or "").split():
        parts = item.split(",")
        out.append(points.point(parts[0], parts[1] if len(parts) > 1 else None,
                                f"le point {points.count + 1}"))
    return out


def _kml(elements, points: _Points) -> None:
    for element in elements:
        tag = _local(element.tag)
        if tag == "LineString":
            points.line(_kml_coordinates(_child_text(element, "coordinates"), points))
        elif tag == "Placemark":
            for child in element.iter():
                if _local(child.tag) == "Point":
                    coords = _child_text(child, "coordinates").split(",")
                    if len(coords) >= 2:
                        points.waypoint(_child_text(element, "name"), coords[0], coords[1])
            element.clear()


def _geojson(data: bytes, points: _Points) -> None:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        raise _refuse(points.filename, "son JSON est illisible. " + _KINDS) from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif isinstance(doc, dict) and "coordinates" in doc:
        features = [{"type": "Feature", "geometry": doc, "properties": {}}]
    if not isinstance(features, list):
        raise _refuse(points.filename, "ce GeoJSON n'a ni ligne ni points. " + _KINDS)
    loose = []
    for number, f in enumerate(features, start=1):
        geometry = f.get("geometry") if isinstance(f, dict) else None
        if not isinstance(geometry, dict):
            continue
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        try:
            if kind == "LineString":
                points.line([points.point(c[0], c[1], f"le point {points.count + 1}")
                             for c in coords])
            elif kind == "MultiLineString":
                for part in coords:
                    points.line([points.point(c[0], c[1], f"le point {points.count + 1}")
                                 for c in part])
            elif kind == "Point":
                name = props.get("name") or props.get("nom") or ""
                if isinstance(name, str) and name.strip():
                    points.waypoint(name, coords[0], coords[1])
                loose.append(points.point(coords[0], coords[1], f"l'objet {number}"))
        except (TypeError, IndexError, KeyError):
            raise _refuse(points.filename, f"l'objet {number} a des coordonnées illisibles. "
                                           + _KINDS) from None
    if not points.lines and len(loose) >= 2:  # a FeatureCollection of points, in order
        points.line(loose)


def parse(data: bytes, filename: str = "tracé") -> Route:
    """The route in ``data`` (GPX, GeoJSON or KML, told by its content), or
    :class:`RefusedFile` with a French message naming the problem."""
    if len(data) > MAX_BYTES:
        raise _refuse(filename, f"il fait {len(data) / 2**20:.0f} Mo (limite "
                                f"{MAX_BYTES // 2**20} Mo). Exportez le tracé simplifié.")
    points = _Points(filename)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00<\x00" in data[:400]:
        raise _refuse(filename, "il n'est pas écrit en UTF-8. " + _KINDS)  # UTF-16 hides XML
    start = data.lstrip()[:1]
    if data.startswith(b"\xef\xbb\xbf"):
        start = data[3:].lstrip()[:1]
    if start in (b"{", b"["):
        _geojson(data, points)
    elif start == b"<":
        declared = data.count(b"<trkpt") + data.count(b"<rtept") + data.count(b":trkpt")
        if declared > MAX_POINTS:  # counted before parsing: refused at once
            raise _refuse(filename, f"il compte {_number(declared)} points (plus de "
                                    f"{_number(MAX_POINTS)}), bien plus qu'une marche. "
                                    "Exportez-le simplifié (ou coupez-le) depuis votre "
                                    "application.")
        elements = _xml(data, filename)
        root = None
        for element in elements:  # the first element to end tells the kind; read on with it
            root = element
            break
        if root is None:
            raise _refuse(filename, "il est vide. " + _KINDS)
        kind = "gpx" if b"<gpx" in data[:2000] else "kml" if b"<kml" in data[:2000] else ""
        if not kind:
            raise _refuse(filename, "ce n'est ni un GPX ni un KML. " + _KINDS)
        reader = _gpx if kind == "gpx" else _kml

        def again():
            yield root
            yield from elements

        reader(again(), points)
    else:
        raise _refuse(filename, "ce n'est pas un fichier de tracé. " + _KINDS)
    lines = [line for line in points.lines if len(line) >= 2]
    if not lines:
        raise _refuse(filename, "il ne contient aucune ligne (au moins deux points). " + _KINDS)
    return Route(lines, points.waypoints, length_km(lines))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def length_km(lines) -> float:
    """The haversine sum along every line (numpy: 100,000 points in a few ms)."""
    import numpy as np

    total = 0.0
    for line in lines:
        c = np.radians(np.asarray(line, dtype=float))
        lon, lat = c[:, 0], c[:, 1]
        h = (np.sin(np.diff(lat) / 2) ** 2
             + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2) ** 2)
        total += float(np.sum(2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))))
    return total


def check_near(route: Route, place: tuple[float, float] | None, host: str,
               filename: str = "tracé") -> None:
    """Refuse a route that does not start near its stage's place ((lon, lat))."""
    if place is None:
        raise _refuse(filename, f"l'étape de {host} n'est pas encore placée sur la carte. "
                                "Placez-la (onglet Lieux), puis ajoutez son tracé.")
    away = distance_km(route.lines[0][0], place)
    if away > NEAR_KM:
        raise _refuse(filename, f"il commence à {_number(round(away))} km de {host} (moins de "
                                f"{NEAR_KM:.0f} km attendus) : ce n'est pas le tracé de cette "
                                "étape. Vérifiez le fichier ou l'étape choisie.")


def simplify(lines) -> list[list[tuple[float, float]]]:
    """Douglas–Peucker, coarser until :data:`KEPT_POINTS` points at most; 5 decimals. A line of
    more than :data:`THINNED` points is first thinned evenly (GEOS's Douglas–Peucker on 100,000
    points keeping many takes seconds; a screen never shows the difference)."""
    from shapely import LineString

    total = sum(map(len, lines))
    if total > THINNED:
        step = math.ceil(total / THINNED)
        lines = [line[::step] + ([line[-1]] if (len(line) - 1) % step else []) for line in lines]
    tolerance = TOLERANCE
    while True:
        out = []
        for line in lines:
            if len(line) < 2:
                continue
            simple = LineString(line).simplify(tolerance, preserve_topology=False)
            coords = [(round(x, 5), round(y, 5)) for x, y in simple.coords]
            out.append([c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]])
        if sum(map(len, out)) <= KEPT_POINTS:
            return out
        tolerance *= 2


def stored(route: Route, filename: str) -> bytes:
    """The route as kept with the data: a small GeoJSON FeatureCollection (the simplified
    line, its length from the file, its named points)."""
    features = [{"type": "Feature", "properties": {"kind": "trace", "km": round(route.km, 3),
                                                   "source": filename[:120],
                                                   "points": route.points},
                 "geometry": {"type": "MultiLineString", "coordinates": simplify(route.lines)}}]
    for name, lon, lat in route.waypoints:
        features.append({"type": "Feature", "properties": {"kind": "point", "name": name},
                         "geometry": {"type": "Point",
                                      "coordinates": [round(lon, 5), round(lat, 5)]}})
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load(data: bytes | None) -> dict | None:
    """A stored route for the payload: ``{"lines": [[[lon, lat], …], …], "km": 6.8,
    "points": [{"name": …, "position": [lon, lat]}]}``; None when absent or unreadable."""
    if not data:
        return None
    try:
        doc = json.loads(data)
        lines, waypoints, km = [], [], 0.0
        for f in doc["features"]:
            geometry, props = f["geometry"], f.get("properties") or {}
            if geometry["type"] == "MultiLineString":
                lines += [[[round(float(x), 5), round(float(y), 5)] for x, y, *_ in part]
                          for part in geometry["coordinates"]]
                km += float(props.get("km") or 0)
            elif geometry["type"] == "Point" and isinstance(props.get("name"), str):
                x, y = geometry["coordinates"][:2]
                waypoints.append({"name": props["name"][:120],
                                  "position": [round(float(x), 5), round(float(y), 5)]})
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    lines = [line for line in lines if len(line) >= 2][:50]
    if not lines or sum(map(len, lines)) > 5 * KEPT_POINTS:
        return None
    return {"lines": lines, "km": round(km, 1), "points": waypoints[:MAX_WAYPOINTS]}


def km_text(km: float, locale: str = "fr_FR") -> str:
    """« 6,8 km » (French), « 6.8 km » (English): to the tenth."""
    from babel.numbers import format_decimal

    return f"{format_decimal(round(km, 1), format='#,##0.0', locale=locale)}\u00a0km"


def partner_of(name: str, partners: list[str]) -> int | None:
    """The index of the partner a named point names (« Place de Ravenne » names Ravenne:
    the partner's name, folded, as whole words of the point's), or None."""
    words = f" {fold(name)} "
    for index, partner in enumerate(partners):
        key = fold(partner)
        if key and (f" {key} " in words):
            return index
    return None
