"""The relay's poster: a PDF (A4 or A3, landscape) or a PNG (300 dpi by default) of the map,
drawn on the server with matplotlib (Agg and its PDF backend: no browser, no network).

Drawn from the one payload (:func:`cufmap.publish.export.build`), as every published file:
metropolitan France and its neighbours (Natural Earth outlines shipped in ``static/``), the
stages numbered as on the map (their place in the timeline), the great-circle arcs to the
partners (a partner off the map is named where its arc leaves the frame), the overseas
insets of the payload, a legend, the title and the dates, the list of stages (number, date
in French, host) and the credits. The same payload gives the same bytes: fixed fonts
(DejaVu Sans, shipped with matplotlib), no date in the file's metadata, and every text from
the data drawn as plain text (never read as matplotlib's mathtext: « $ » stays a dollar).

``cufmap affiche`` (cufmap/cli.py) and the editing page's « Affiche » buttons call
:func:`render`. matplotlib is imported here only, when a poster is drawn.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import threading
import warnings
from functools import lru_cache

from babel.dates import format_date

from cufmap.places.gazetteer import ATTRIBUTION
from cufmap.publish import mapdoc, topology
from cufmap.publish.payload import METROPOLE

TITLE = "Relais de la Coop Déc' — Cités Unies France, 50 ans"
#: Where the stages come from (as the public page says it).
DATA_SOURCE = "Données : La Lettre de Cités Unies France (mars-avril 2025)"
#: Paper sizes, landscape, in millimetres.
PAPERS = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
FORMATS = ("pdf", "png")
MIME = {"pdf": "application/pdf", "png": "image/png"}

# The map's colours (relay.css, --cuf-*), for paper.
UPCOMING, PARTNER, LINK = "#0b4f8a", "#5a2d82", "#7b3fa8"
LAND, COAST, SEA, INK, GREY = "#f3efe6", "#8a99a8", "#dcebf6", "#1d2733", "#3b4a5a"
#: Beyond this many placed stages, dots without numbers (a list that long cannot be read).
MAX_NUMBERED = 200
#: Partners named on the map, at most (beyond, the arcs and dots alone).
MAX_NAMES = 12
#: Partners farther than this box are named at the edge of the map, where their arc leaves.
NEAR = (34.0, -12.0, 60.0, 25.0)  # south, west, north, east
MM = 72 / 25.4  # points per millimetre

_LOCK = threading.Lock()  # matplotlib's settings are global: one poster at a time


def filename(fmt: str, paper: str = "A4") -> str:
    return f"affiche-relais-{paper}.{fmt}"


def render(data: dict, fmt: str = "pdf", paper: str = "A4", dpi: int = 300) -> bytes:
    """The poster of the payload ``data`` as PDF or PNG bytes, on ``paper`` (A4 or A3,
    landscape); ``dpi`` for a PNG (a PDF is vector). Same payload, same bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format inconnu : {fmt} (pdf ou png)")
    if paper not in PAPERS:
        raise ValueError(f"papier inconnu : {paper} (A4 ou A3)")
    import matplotlib

    settings = {"font.family": "DejaVu Sans", "pdf.fonttype": 3, "svg.hashsalt": "cufmap",
                "axes.unicode_minus": False, "text.usetex": False, "path.simplify": True,
                "savefig.facecolor": "white"}
    with _LOCK, matplotlib.rc_context(settings), warnings.catch_warnings():
        # A glyph DejaVu Sans lacks (Korean, say) is drawn as a box, not an error.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
        warnings.filterwarnings("ignore", message=r".*missing from font")
        figure = _draw(data, paper)
        out = io.BytesIO()
        if fmt == "pdf":
            figure.savefig(out, format="pdf", metadata={
                "CreationDate": None, "ModDate": None, "Producer": "cufmap (matplotlib)",
                "Creator": "cufmap", "Title": TITLE})
        else:
            px = _pixels(paper, dpi)
            figure.set_size_inches(px[0] / dpi, px[1] / dpi)
            figure.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def _pixels(paper: str, dpi: int) -> tuple[int, int]:
    w, h = PAPERS[paper]
    return round(w / 25.4 * dpi), round(h / 25.4 * dpi)


def plain(text) -> str:
    """A text from the data as one line of plain text."""
    return " ".join(str(text or "").split())


def _text(where, x, y, text, **kw):
    """Every text drawn as plain text: a « $ » in a host's name never starts mathtext."""
    return where.text(x, y, text, parse_math=False, **kw)


# --- The drawing ---------------------------------------------------------------------------

def _draw(data: dict, paper: str):
    from matplotlib.figure import Figure

    width, height = PAPERS[paper]
    scale = width / PAPERS["A4"][0]
    # 72 dpi while laying out: one pixel is one point, whatever the file's resolution.
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(width / 25.4, height / 25.4), dpi=72)
    FigureCanvasAgg(fig)  # to measure texts while laying out
    stages = _stages(data)
    _text(fig, 0.025, 0.955, TITLE, fontsize=19 * scale, fontweight="bold", color="#0b2f52",
          va="top")
    _text(fig, 0.025, 0.895, _subtitle(stages), fontsize=11 * scale, color=GREY, va="top")
    ax = fig.add_axes((0.02, 0.13, 0.60, 0.74))
    _main_map(fig, ax, data, stages, scale)
    _legend(fig, scale)
    listing = fig.add_axes((0.64, 0.13, 0.345, 0.78))
    _listing(fig, listing, stages, scale)
    _credits(fig, scale)
    return fig


def _stages(data: dict) -> list[dict]:
    """The payload's stages as the map numbers them (timeline order, from 1)."""
    out = []
    for number, feature in enumerate(data["features"], start=1):
        p = feature["properties"]
        if p.get("kind", "etape") != "etape":
            continue
        when = p["when"]
        if isinstance(when, dict):  # several languages: the poster is French
            when = when.get("fr") or next(iter(when.values()))
        geometry = feature.get("geometry")
        lon, lat = geometry["coordinates"] if geometry else (None, None)
        partners = [{"name": plain(x["name"]), "country": _country(data, x),
                     "lon": x["position"][0], "lat": x["position"][1]}
                    for x in p.get("partners", []) if x.get("position")]
        out.append({"id": feature.get("id"), "number": number, "when": plain(when),
                    "host": plain(p["host"]), "date": p.get("date"), "end": p.get("end"),
                    "lon": lon, "lat": lat, "overseas": bool(p.get("overseas")),
                    "partners": partners})
    return out


def _country(data: dict, partner: dict) -> str:
    iso = partner.get("iso")
    if iso:
        names = data.get("countries", {}).get(iso, {})
        return plain(names.get("fr") or iso)
    return plain(partner.get("country", ""))


def _day(iso: str, year: bool = True) -> str:
    day = dt.date.fromisoformat(iso)
    pattern = ("d'er' MMMM" if day.day == 1 else "d MMMM") + (" y" if year else "")
    return format_date(day, pattern, locale="fr_FR")


def _subtitle(stages: list[dict]) -> str:
    """« Du 1er avril au 2 juillet 2025 · 20 étapes, dont 5 à date à venir »."""
    dated = [s for s in stages if s["date"]]
    count = len(stages)
    parts = []
    if dated:
        first = min(s["date"] for s in dated)
        last = max(s["end"] or s["date"] for s in dated)
        if first == last:
            parts.append("Le " + _day(first))
        else:
            parts.append(f"Du {_day(first, year=first[:4] != last[:4])} au {_day(last)}")
    words = f"{count} étape" + ("s" if count > 1 else "")
    undated = count - len(dated)
    if undated:
        words += f", dont {undated} à date à venir"
    parts.append(words)
    return " · ".join(parts)


@lru_cache(maxsize=None)
def _outline(name: str) -> dict:
    return json.loads((mapdoc.STATIC / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _topology_rings(name: str, obj: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Every ring of a TopoJSON object (delta-encoded, quantized arcs), as lon/lat points."""
    document = _outline(name)
    arcs = topology.arcs(document)
    rings = []
    for geometry in document["objects"][obj]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            for indexes in polygon:
                points = topology.ring(indexes, arcs)
                lons = [p[0] for p in points]
                if points and max(lons) - min(lons) < 180:  # rings across the antimeridian: out
                    rings.append(tuple(points))
    return tuple(rings)


def _feature_rings(name: str) -> dict[str, list]:
    """The rings of each named feature of a GeoJSON file (the overseas outlines)."""
    out: dict[str, list] = {}
    for feature in _outline(name)["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        out[feature["properties"]["name"]] = [
            [tuple(p) for p in ring] for polygon in polygons for ring in polygon]
    return out


def _land(ax, rings, linewidth: float) -> None:
    """The land of ``rings`` that the axes show, as one shape (added as an artist: the
    axes' limits are already set, and measuring the shape's curves would cost a second)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    vertices, codes = [], []
    for ring in rings:
        if len(ring) < 3:
            continue
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        if max(xs) < west or min(xs) > east or max(ys) < south or min(ys) > north:
            continue
        vertices.extend(ring)
        vertices.append(ring[0])
        codes.extend([Path.MOVETO] + [Path.LINETO] * (len(ring) - 1) + [Path.CLOSEPOLY])
    if vertices:
        ax.add_artist(PathPatch(Path(vertices, codes), facecolor=LAND, edgecolor=COAST,
                                linewidth=linewidth, zorder=1))


def _frame(ax, south: float, west: float, north: float, east: float) -> None:
    """Limits around the box, widened on one side so that the axes show it at the map's
    aspect for its latitude (a degree of longitude is cos(latitude) of one of latitude)."""
    ax.set_facecolor(SEA)
    box = ax.get_window_extent()
    ratio = math.cos(math.radians((south + north) / 2))
    wide, high = (east - west) * ratio, north - south
    if wide / high < box.width / box.height:  # too narrow: wider
        extra = (high * box.width / box.height / ratio - (east - west)) / 2
        west, east = west - extra, east + extra
    else:
        extra = (wide * box.height / box.width - high) / 2
        south, north = south - extra, north + extra
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_edgecolor(COAST)
        side.set_linewidth(0.6)


def _great_circle(a: tuple[float, float], b: tuple[float, float], steps: int = 64):
    """Points of the great circle from ``a`` to ``b`` (lon, lat), longitudes unwrapped."""
    (lon1, lat1), (lon2, lat2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    d = 2 * math.asin(math.sqrt(math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) *
                                math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2))
    if d < 1e-9:
        return [a, b]
    points, previous = [], None
    for i in range(steps + 1):
        f = i / steps
        ka, kb = math.sin((1 - f) * d) / math.sin(d), math.sin(f * d) / math.sin(d)
        x = ka * math.cos(lat1) * math.cos(lon1) + kb * math.cos(lat2) * math.cos(lon2)
        y = ka * math.cos(lat1) * math.sin(lon1) + kb * math.cos(lat2) * math.sin(lon2)
        z = ka * math.sin(lat1) + kb * math.sin(lat2)
        lon = math.degrees(math.atan2(y, x))
        if previous is not None:
            while lon - previous > 180:
                lon -= 360
            while lon - previous < -180:
                lon += 360
        previous = lon
        points.append((lon, math.degrees(math.atan2(z, math.hypot(x, y)))))
    return points


def _main_map(fig, ax, data: dict, stages: list[dict], scale: float) -> None:
    home = [s for s in stages if s["lon"] is not None and not s["overseas"]]
    south, west, north, east = METROPOLE
    lats = [south, north] + [s["lat"] for s in home]
    lons = [west, east] + [s["lon"] for s in home]
    n_s, n_w, n_n, n_e = NEAR
    for s in home:
        for p in s["partners"]:
            if n_s <= p["lat"] <= n_n and n_w <= p["lon"] <= n_e:
                lats.append(p["lat"])
                lons.append(p["lon"])
    pad = 0.6
    box = (min(lats) - pad, min(lons) - pad, max(lats) + pad, max(lons) + pad)
    fine = box[0] >= 35.5 and box[1] >= -10.5 and box[2] <= 56 and box[3] <= 19.5
    _frame(ax, *box)
    _land(ax, _topology_rings(mapdoc.FINE_OUTLINES, "land") if fine else
          _topology_rings(mapdoc.LAND, "land"), 0.4 * scale)
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    # Arcs (one collection), then partners, then the stages on top. Names while they can be
    # read: every partner's up to MAX_NAMES, each name once.
    from matplotlib.collections import LineCollection

    size = 2.2 * MM * scale
    links = [(s, p) for s in home for p in s["partners"]]
    lines = [_great_circle((s["lon"], s["lat"]), (p["lon"], p["lat"])) for s, p in links]
    many = len(lines) > 50  # an Atlas of links: thinner, lighter, so that the map shows
    ax.add_collection(LineCollection(lines, colors=LINK, linewidths=(0.4 if many else 1.1) *
                                     scale, alpha=0.3 if many else 0.85, zorder=3,
                                     capstyle="round"), autolim=False)
    inside = [south <= p["lat"] <= north and west <= p["lon"] <= east for _, p in links]
    near = [p for (_, p), i in zip(links, inside) if i]
    ax.scatter([p["lon"] for p in near], [p["lat"] for p in near], s=(size * 0.75) ** 2,
               color=PARTNER, edgecolors="white", linewidths=0.8, zorder=4)
    named = set()
    for (_, p), line, shown in zip(links, lines, inside):
        label = f"{p['name']} ({p['country']})" if p["country"] else p["name"]
        if label in named or len(named) >= MAX_NAMES:
            continue
        named.add(label)
        if shown:
            right = p["lon"] > (west + east) / 2  # the name on the map's inner side
            _text(ax, p["lon"], p["lat"], label + "  " if right else "  " + label,
                  fontsize=6.5 * scale, color=PARTNER, va="center",
                  ha="right" if right else "left", zorder=6, clip_on=True)
        else:
            _edge_label(ax, line, label, (west, south, east, north), scale)
    _markers(fig, ax, home, scale)
    _insets(fig, ax, data, stages, scale)


def _edge_label(ax, line, label: str, limits, scale: float) -> None:
    """A partner off the map: its name where its arc leaves the frame, with an arrow."""
    west, south, east, north = limits
    last = None
    for lon, lat in line:
        if not (west <= lon <= east and south <= lat <= north):
            break
        last = (lon, lat)
    if last is None:
        return
    # Inside the frame, a little back from the edge, on the side where the arc leaves.
    dx, dy = (east - west) * 0.02, (north - south) * 0.03
    x = min(max(last[0], west + dx), east - dx)
    y = min(max(last[1], south + dy), north - dy)
    ha = "right" if x > (west + east) / 2 else "left"
    arrow = "↗" if y > (south + north) / 2 else "↘"
    if ha == "left":
        arrow = "↖" if y > (south + north) / 2 else "↙"
    text = f"{label} {arrow}" if ha == "right" else f"{arrow} {label}"
    _text(ax, x, y, text, fontsize=7 * scale, color=PARTNER, fontweight="bold", ha=ha,
          va="center", zorder=7, bbox={"boxstyle": "round,pad=0.25", "facecolor": "white",
                                        "edgecolor": LINK, "linewidth": 0.6, "alpha": 0.9})


def _markers(fig, ax, stages: list[dict], scale: float) -> None:
    """Numbered circles, moved apart where they would overlap, each tied to its place."""
    from matplotlib.transforms import offset_copy

    if not stages:
        return
    if len(stages) > MAX_NUMBERED:
        ax.scatter([s["lon"] for s in stages], [s["lat"] for s in stages], s=(2 * scale) ** 2,
                   color=UPCOMING, zorder=5, linewidths=0)
        return
    radius = 2.5 * MM * scale  # points (the figure is laid out at 72 dpi)
    placed: list[tuple[float, float]] = []
    bbox = ax.get_window_extent()
    for s in stages:
        x, y = ax.transData.transform((s["lon"], s["lat"]))
        dx, dy = _free_spot(x, y, placed, radius, bbox)
        placed.append((x + dx, y + dy))
        where = offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points")
        if dx or dy:
            ax.annotate("", xy=(s["lon"], s["lat"]), xytext=(dx, dy),
                        textcoords="offset points", zorder=4,
                        arrowprops={"arrowstyle": "-", "color": GREY, "linewidth": 0.6,
                                    "shrinkA": 0, "shrinkB": 0})
            ax.plot([s["lon"]], [s["lat"]], marker="o", markersize=1.6 * scale, color=GREY,
                    zorder=4)
        dated = bool(s["date"])
        ax.scatter([s["lon"]], [s["lat"]], s=(2 * radius) ** 2, transform=where, zorder=5,
                   color=UPCOMING if dated else "white", edgecolors="white" if dated else
                   UPCOMING, linewidths=(0.9 if dated else 1.1) * scale,
                   linestyle="solid" if dated else (0, (2, 1)))
        number = str(s["number"])
        _text(ax, s["lon"], s["lat"], number, transform=where, zorder=6, ha="center",
              va="center_baseline", fontweight="bold", color="white" if dated else UPCOMING,
              fontsize=(7.5 if len(number) < 3 else 6) * scale)


def _free_spot(x, y, placed, radius, bbox) -> tuple[float, float]:
    """An offset (points) from (x, y) where a marker overlaps none placed: itself if free,
    else the nearest of rings of 12 directions around it."""
    gap = 2 * radius + 1

    def free(px, py):
        return all((px - qx) ** 2 + (py - qy) ** 2 >= gap * gap for qx, qy in placed)

    def inside(px, py):
        return bbox.x0 + radius <= px <= bbox.x1 - radius and \
            bbox.y0 + radius <= py <= bbox.y1 - radius

    # A place near the frame's edge: the marker moves in, whole.
    x0 = min(max(x, bbox.x0 + radius), bbox.x1 - radius)
    y0 = min(max(y, bbox.y0 + radius), bbox.y1 - radius)
    if free(x0, y0):
        return x0 - x, y0 - y
    for ring in range(1, 6):
        distance = gap * ring
        for k in range(12):
            angle = math.pi / 2 - k * math.pi / 6
            dx, dy = distance * math.cos(angle), distance * math.sin(angle)
            if inside(x0 + dx, y0 + dy) and free(x0 + dx, y0 + dy):
                return x0 + dx - x, y0 + dy - y
    return x0 - x, y0 - y


def _insets(fig, ax, data: dict, stages: list[dict], scale: float) -> None:
    """The payload's overseas insets, up the map's left side from its bottom (the ocean)."""
    by_id = {s["id"]: s for s in stages}
    groups = [g for g in data.get("insets", []) if any(i in by_id for i in g["stages"])]
    overseas = _feature_rings(mapdoc.OVERSEAS_OUTLINES)
    frame = ax.get_position()
    size, gap, per_column = 0.17, 0.06, 4
    for i, group in enumerate(groups):
        column, row = divmod(i, per_column)
        x, y = 0.012 + column * (size + 0.012), 0.012 + row * (size + gap)
        inset = fig.add_axes((frame.x0 + x * frame.width, frame.y0 + y * frame.height,
                              size * frame.width, size * frame.width * fig.get_figwidth() /
                              fig.get_figheight()))
        (south, west), (north, east) = group["bounds"]
        label = plain(group["label"])
        rings = overseas.get(group["label"]) or _topology_rings(mapdoc.LAND, "land")
        _frame(inset, south, west, north, east)
        _land(inset, rings, 0.4 * scale)
        _text(inset, 0.5, 1.02, label, transform=inset.transAxes, fontsize=6.5 * scale,
              ha="center", va="bottom", color=INK,
              bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none",
                    "alpha": 0.85})
        _markers(fig, inset, [by_id[x] for x in group["stages"] if x in by_id], scale)


def _legend(fig, scale: float) -> None:
    from matplotlib.lines import Line2D

    size = 2.5 * MM * scale * 2
    items = [
        (Line2D([], [], linestyle="", marker="o", markersize=size / 1.4, color=UPCOMING,
                markeredgecolor="white"), "Étape datée (numéro de la chronologie)"),
        (Line2D([], [], linestyle="", marker="o", markersize=size / 1.4, color="white",
                markeredgecolor=UPCOMING), "Étape à date à venir"),
        (Line2D([], [], color=LINK, linewidth=1.4 * scale), "Lien de coopération"),
        (Line2D([], [], linestyle="", marker="o", markersize=size / 2.2, color=PARTNER,
                markeredgecolor="white"), "Partenaire à l'étranger"),
    ]
    fig.legend([h for h, _ in items], [t for _, t in items], loc="lower left",
               bbox_to_anchor=(0.02, 0.065), ncols=4, frameon=False, fontsize=7.5 * scale,
               handletextpad=0.4, columnspacing=1.4, borderaxespad=0)


def _listing(fig, ax, stages: list[dict], scale: float) -> None:
    """The stages: number, date in French, host; two lines each while they fit, then one,
    then two columns, then the first ones and how many more."""
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    height = ax.get_window_extent().height  # points
    width = ax.get_window_extent().width
    head = 12 * scale
    _text(ax, 0, 1, "Les étapes", fontsize=head, fontweight="bold", color="#0b2f52", va="top")
    room = height - head * 1.8
    n = len(stages)
    big = 8 * scale
    if n and n * big * 2.45 <= room:
        layout = (1, big, True)
    else:
        layout = None
        for columns in (1, 2):
            per = math.ceil(n / columns) or 1
            size = min(big, room / (per * 1.3))
            if size >= 5 * scale:
                layout = (columns, size, False)
                break
        if layout is None:
            layout = (2, 5 * scale, False)
    columns, size, two_lines = layout
    per_column = int(room // (size * (2.45 if two_lines else 1.3)))
    shown = stages[: per_column * columns]
    more = n - len(shown)
    if more:
        shown = stages[: per_column * columns - 1]
        more = n - len(shown)
    column_width = width / columns
    room_x = column_width - size * 2.6 - 6  # points, right of the number
    renderer = fig.canvas.get_renderer()
    top = 1 - head * 1.8 / height
    step = size * (2.45 if two_lines else 1.3) / height
    for k, s in enumerate(shown):
        column, row = divmod(k, per_column)
        x = column / columns
        y = top - row * step
        number = f"{s['number']}."
        _text(ax, x, y, number, fontsize=size, fontweight="bold", color=UPCOMING, va="top")
        indent = x + size * 2.6 / width
        if two_lines:
            _fit(renderer, room_x, _text(ax, indent, y, s["when"], fontsize=size * 0.9,
                                         color=GREY, va="top"))
            _fit(renderer, room_x, _text(ax, indent, y - size * 1.15 / height, s["host"],
                                         fontsize=size, fontweight="bold", color=INK, va="top"))
        else:
            _fit(renderer, room_x, _text(ax, indent, y, f"{s['when']} — {s['host']}",
                                         fontsize=size, color=INK, va="top"))
    if more:
        column, row = divmod(len(shown), per_column)
        _text(ax, column / columns, top - row * step,
              f"… et {more} autre{'s' if more > 1 else ''} étape{'s' if more > 1 else ''} "
              "(la carte en ligne les montre toutes)", fontsize=size, color=GREY,
              va="top", fontstyle="italic")


def _fit(renderer, room: float, text) -> None:
    """Shortens ``text`` (with « … ») until it is at most ``room`` points wide, measured."""
    full = text.get_text()
    if text.get_window_extent(renderer).width <= room:
        return
    low, high = 1, len(full) - 1  # the longest start that fits, by halves
    while low < high:
        middle = (low + high + 1) // 2
        text.set_text(full[:middle].rstrip() + "…")
        if text.get_window_extent(renderer).width <= room:
            low = middle
        else:
            high = middle - 1
    text.set_text(full[:low].rstrip() + "…")


def _credits(fig, scale: float) -> None:
    import textwrap

    text = (f"{mapdoc.OUTLINES_ATTRIBUTION} · {DATA_SOURCE} · Lieux — {ATTRIBUTION} · "
            "Carte réalisée avec cufmap.")
    size = 5.2 * scale
    width = fig.get_figwidth() * 72 * 0.95
    lines = textwrap.wrap(plain(text), int(width / (size * 0.55)))
    _text(fig, 0.025, 0.012, "\n".join(lines), fontsize=size, color=GREY, va="bottom",
          linespacing=1.25)
