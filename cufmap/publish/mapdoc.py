"""The one map builder: the relay's stages -> a folium map document.

Used by the map page, the presenter page and the static export. Stage and link data reach the
browser as one JSON payload (not one folium object per marker); the rules the page applies
(status from the reference date, filters, great-circle arcs) and the behaviour (timeline,
cards, insets, presenter keys) live in the scripts of ``static/relay/``, added by the small
folium plugin :class:`RelayLayer`; the assets are added by :class:`LocalAssets`, inlined or served
by the app itself, so nothing is loaded from a CDN and the map renders with no network at all
(tiles aside).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from cufmap import i18n

STATIC = Path(__file__).parent.parent / "static"

#: Named assets, in one place (folium's default_js/default_css idea, pointing at local copies).
#: A name may stand for several files, in order (the map's own scripts: static/relay/).
ASSETS_JS = {"leaflet": "leaflet.js", "topojson": "topojson-client.min.js",
             "relay": ("relay/data.js", "relay/dom.js", "relay/overlays.js", "relay/markers.js",
                       "relay/land.js", "relay/timeline.js", "relay/card.js", "relay/keys.js",
                       "relay/strip.js", "relay/messages.js", "relay/sync.js",
                       "relay/speaker.js", "relay/share.js", "relay/route.js",
                       "relay/figures.js", "relay/relay.js")}
ASSETS_CSS = {"leaflet": "leaflet.css", "relay": "relay.css"}
LAND = "countries-110m.json"
OVERSEAS_OUTLINES = "outremer.json"  # finer outlines for the insets (cufmap/publish/outlines_build.py)
# Natural Earth 1:10m around France and its neighbours, fetched when the map zooms in there
# with no tiles to show (cufmap/publish/outlines_build.py).
FINE_OUTLINES = "europe-10m.json"

TILES = {
    "osm-fr": ("https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png",
               "© les contributeurs d'<a href='https://www.openstreetmap.org/copyright'>"
               "OpenStreetMap</a>, fond OSM France", 20),
    "ign": ("https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM"
            "&FORMAT=image/png&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
            "© <a href='https://www.ign.fr/'>IGN</a> — Plan IGN", 19),
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "© les contributeurs d'<a href='https://www.openstreetmap.org/copyright'>"
            "OpenStreetMap</a>", 19),
    "aucune": None,
}
TILE_LABELS = {"osm-fr": "OpenStreetMap France", "ign": "Plan IGN", "osm": "OpenStreetMap",
               "aucune": "Aucun fond (contours seulement)"}
OUTLINES_ATTRIBUTION = "Contours : Natural Earth (domaine public)"
_LINKS = {"osm": "<a href='https://www.openstreetmap.org/copyright'>OpenStreetMap</a>",
          "ign": "<a href='https://www.ign.fr/'>IGN</a>"}


def tile_label(tiles: str, lang: str = "fr") -> str:
    """The name of a background (a key of :data:`TILES`) in ``lang``."""
    return i18n.text(f"tiles_{tiles}", lang)


def attribution(tiles: str, lang: str = "fr") -> str:
    """The map's credits in ``lang``, as HTML: the tiles' when there are tiles, then the
    outlines'. The catalogue's texts are escaped; the links ({osm}, {ign}) are written here."""
    texts = i18n.texts(lang)
    outlines = html.escape(texts["outlines_attribution"])
    if not TILES.get(tiles):
        return outlines
    key = {"osm-fr": "attr_osm_fr", "osm": "attr_osm", "ign": "attr_ign"}[tiles]
    return f"{html.escape(texts[key]).format(**_LINKS)} · {outlines}"


@dataclass(frozen=True)
class MapOptions:
    tiles: str = "osm-fr"
    presenter: bool = False
    timeline: bool = True
    start: str = ""  # id of the stage selected on load
    today: dt.date = field(default_factory=dt.date.today)
    lang: str = "fr"
    autoplay: int = 10  # seconds between steps when autoplay is on
    # The presenter's own window (/presentation?vue=orateur): notes, next stage, clock.
    speaker: bool = False
    # The public map's address, shown with its QR code on the presenter's overview.
    public_url: str = ""
    # The speaker view's address for « Vue orateur », relative to the app's root
    # (« presentation?vue=orateur&date=… »); "" hides the button. The speaker's notes are
    # never in a map document: see cufmap/app/speaker.py.
    speaker_url: str = ""
    # Where the browser fetches the bundled assets; "" inlines them (self-contained file).
    assets_url: str = ""
    # Where the stages' photos are (« photos/<id>/… » under it); "": beside the page.
    media_url: str = ""
    # The selection the page shows, as URL parameters (``Filters.to_params`` items): the
    # page applies it itself, as it applies an exported page's own address.
    filters: tuple[tuple[str, str], ...] = ()


def to_js(value) -> str:
    """JSON safe inside a <script> element: no « </script> », no HTML-significant characters,
    and no template syntax (« {{ », « {% », « {# » only occur inside JSON strings, where the
    second character is written as an escape) should the text ever meet a Jinja template."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023")


class _Rendered(Element):
    """Text already rendered: inserted as it is, never parsed again as a template."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class RenderOnce(MacroElement):
    """A MacroElement whose macros are rendered once. branca's own ``render`` wraps each
    macro's output in a new template and renders that again: data in the output would be
    read as Jinja (« {{ 7*7 }} » in a cell became 49), and megabytes of inline script would
    be tokenised for nothing."""

    def render(self, **kwargs):
        figure = self.get_root()
        module = self._template.module
        for part, target in (("header", figure.header), ("html", figure.html),
                             ("script", figure.script)):
            macro = getattr(module, part, None)
            if macro is not None:
                target.add_child(_Rendered(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


@lru_cache(maxsize=None)
def asset_text(name: str) -> str:
    text = (STATIC / name).read_text(encoding="utf-8")
    # Nothing inlined may close its own element early.
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


@lru_cache(maxsize=None)
def inline_text(name: str) -> str:
    """An asset as a self-contained page inlines it: the map's own scripts and stylesheet
    minified (rjsmin, rcssmin: comments and spaces out, about 40 % of their bytes, so that the
    exported page keeps under its 400 KB); Leaflet and topojson-client as shipped, already
    minified, with their licence comments."""
    text = asset_text(name)
    if name.startswith("relay/") and name.endswith(".js"):
        import rjsmin

        return rjsmin.jsmin(text)
    if name == ASSETS_CSS["relay"]:
        import rcssmin

        return rcssmin.cssmin(text)
    return text


@lru_cache(maxsize=None)
def static_json_js(name: str) -> str:
    """A bundled JSON file (world or overseas outlines), ready to inline in a script."""
    return to_js(json.loads((STATIC / name).read_text(encoding="utf-8")))


class LocalAssets(RenderOnce):
    """Adds the named local assets to the page header, once each: inline (self-contained
    document) or as links to ``base`` (the app's own static files, cached by the browser)."""

    _template = Template("""
{% macro header(this, kwargs) %}
{% for css in this.css %}{{ css }}
{% endfor %}{% for js in this.js %}{{ js }}
{% endfor %}
{% endmacro %}
""")

    def __init__(self, base: str = "", js=tuple(ASSETS_JS), css=tuple(ASSETS_CSS)):
        super().__init__()
        self._name = "LocalAssets"
        if base:  # one <script src> per file, each with its content hash
            self.js = [f'<script src="{asset_url(base, f)}"></script>'
                       for n in js for f in asset_files(ASSETS_JS[n])]
            self.css = [f'<link rel="stylesheet" href="{asset_url(base, ASSETS_CSS[n])}">'
                        for n in css]
        else:  # the files of one name concatenated in one element
            self.js = ["<script>" + "\n".join(inline_text(f) for f in asset_files(ASSETS_JS[n]))
                       + "</script>" for n in js]
            self.css = [f"<style>{inline_text(ASSETS_CSS[n])}</style>" for n in css]


def asset_files(entry) -> tuple[str, ...]:
    """The files of a named asset, in order (one file, or the map's modules)."""
    return (entry,) if isinstance(entry, str) else tuple(entry)


@lru_cache(maxsize=None)
def asset_version(name: str) -> str:
    """Short content hash, so a browser never keeps a stale copy of a served asset."""
    import hashlib

    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]


def asset_url(base: str, name: str) -> str:
    """Where the browser fetches bundled file ``name`` served under ``base``."""
    return f"{base}{name}?v={asset_version(name)}"


class RelayLayer(RenderOnce):
    """Stages, partner links, timeline, cards, insets and presenter keys (``relay/``)."""

    _template = Template("""
{% macro header(this, kwargs) %}
<script>(function () {
  var cls = {{ this.html_class }}, lang = {{ this.lang }};
  // exported page: options in its own URL (?chronologie=0&langue=en), else the browser's language
  if ({{ this.read_url }}) {
    var address = CufData.address(location.search);
    if (!address.timeline) cls += " cuf-no-timeline";
    lang = CufData.pageLanguage(address.lang, navigator.languages || [navigator.language],
                                {{ this.languages }}, lang);
  }
  document.documentElement.className = cls;
  document.documentElement.lang = lang;
})();</script>
{% endmacro %}
{% macro html(this, kwargs) %}
<aside class="cuf-timeline" aria-label="{{ this.timeline_label }}"></aside>
{% endmacro %}
{% macro script(this, kwargs) %}
L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
window.cufRelay = new CufRelay({{ this._parent.get_name() }}, {{ this.data }}, {{ this.options }});
{% endmacro %}
""")

    def __init__(self, data: dict, options: MapOptions, land: bool = True,
                 attribution: dict | str = "", land_url: str = "", read_url: bool = False,
                 fine_url: str = ""):
        super().__init__()
        self._name = "RelayLayer"
        classes = ["cuf-layout"]
        if options.presenter:
            classes.append("cuf-presenter")
        if options.speaker:
            classes.append("cuf-speaker")
        if not options.timeline:
            classes.append("cuf-no-timeline")
        self.html_class = to_js(" ".join(classes))
        self.lang = to_js(options.lang)
        self.languages = to_js(list(data["texts"]))
        self.read_url = "true" if read_url else "false"
        texts = data["texts"].get(options.lang) or next(iter(data["texts"].values()))
        self.timeline_label = texts["timeline"]  # interface text, not data
        js_data = to_js(data)[:-1]
        if land and not land_url:  # fetched by the browser when served by the app
            js_data += ',"land":' + static_json_js(LAND)
        if land and data["insets"]:
            js_data += ',"outremer":' + static_json_js(OVERSEAS_OUTLINES)
        self.data = js_data + "}"
        follow = {}
        if options.presenter and not options.speaker and options.public_url:
            url = public_address(options.public_url)
            follow = {"url": url, "qr": qr_data_uri(url)} if url else {"error": True}
        # Fullscreen and share, on the public map and the exported page: the page to share is
        # the public address when the settings give one, else the app's page (a document the
        # app serves), else the exported page itself (static/relay/share.js).
        share = None if options.presenter else {
            "url": public_address(options.public_url), "app": bool(options.assets_url)}
        self.options = to_js({"presenter": options.presenter, "speaker": options.speaker,
                              "share": share,
                              "follow": follow, "start": options.start,
                              "speakerUrl": options.speaker_url,
                              "autoplay": options.autoplay, "attribution": attribution,
                              "landUrl": land_url, "fineUrl": fine_url, "lang": options.lang,
                              "readUrl": read_url, "filters": dict(options.filters),
                              "mediaUrl": options.media_url})


def public_address(url: str) -> str:
    """``url`` if it is a web address the audience can open (http or https), else ""."""
    from urllib.parse import urlsplit

    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    ok = parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in url)
    return url if ok and len(url) <= 500 else ""


@lru_cache(maxsize=16)
def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI (segno: offline, no image library)."""
    import segno

    return segno.make(url, error="m", micro=False).svg_data_uri(border=2, dark="#0b2f52")


def build_map(data: dict, options: MapOptions = MapOptions(),
              read_url: bool = False) -> folium.Map:
    """The folium map of the relay's payload ``data`` (:func:`cufmap.publish.payload.payload`;
    no CDN asset, tiles as configured).

    ``read_url``: the page applies its own address itself (static export, no server): the
    filters ``?mois=``, ``?type=``, ``?format=``, ``?pays=``, ``?q=``, ``?collectivite=``, and
    ``?etape=``, ``?langue=``, ``?chronologie=0``, ``?date=``."""
    # the scale in metres only (RelayLayer adds it): folium's own would show miles too
    m = folium.Map(location=[46.6, 2.4], zoom_start=6, tiles=None, control_scale=False,
                   prefer_canvas=True, min_zoom=2, max_zoom=18, zoom_snap=0.25)
    m.default_js, m.default_css = [], []  # LocalAssets adds our own copies instead
    texts = i18n.texts(options.lang)
    m.get_root().header.add_child(Element(f"<title>{texts['title']}</title>"), name="title")
    tiles = TILES.get(options.tiles)
    if tiles:  # its credits, in the page's language, come with RelayLayer
        url, _, max_zoom = tiles
        layer = folium.TileLayer(url, attr=attribution(options.tiles), max_zoom=max_zoom,
                                 maxZoom=max_zoom, name=TILE_LABELS[options.tiles])
        layer.options.pop("attribution", None)  # not twice, nor in one language only
        layer.add_to(m)
    m.add_child(LocalAssets(options.assets_url))
    land_url = asset_url(options.assets_url, LAND) if options.assets_url else ""
    # Served pages only: a self-contained export keeps the world and overseas outlines.
    fine = options.assets_url and (STATIC / FINE_OUTLINES).exists()
    fine_url = asset_url(options.assets_url, FINE_OUTLINES) if fine else ""
    credits = {lang: attribution(options.tiles, lang) for lang in data["texts"]}
    m.add_child(RelayLayer(data, options, attribution=credits, land_url=land_url, read_url=read_url, fine_url=fine_url))
    return m


def render(data: dict, options: MapOptions = MapOptions(), read_url: bool = False) -> str:
    """The complete HTML document of the payload ``data`` (self-contained unless
    ``options.assets_url`` is set), with its Content-Security-Policy."""
    document = build_map(data, options, read_url).get_root().render()
    return with_policy(zoomable(document), options.tiles)


#: folium's viewport meta forbids zooming (« maximum-scale=1.0, user-scalable=no »): people
#: with low vision could not enlarge the map on a phone (WCAG 1.4.4, RGAA 10.4).
_VIEWPORT = re.compile(r'<meta name="viewport" content="[^"]*"\s*/?>')
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def zoomable(document: str) -> str:
    """``document`` with a viewport that lets the visitor zoom (pinch, browser zoom)."""
    return _VIEWPORT.sub(VIEWPORT, document, count=1)


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def content_security_policy(document: str, tiles: str = "") -> str:
    """What a map document may run, load and reach: its own inline scripts (each by its
    hash: a script slipped into the data could not run), scripts, styles, images and data
    files of its own origin (the app's static files; in a sandboxed frame, 'self' is still
    the address it was served from), images of its tile server (``tiles``, a key of
    :data:`TILES`) and data: images (the QR code, Leaflet's icons); no frame, plugin, form
    or <base>."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        + "'" for script in dict.fromkeys(_INLINE_SCRIPT.findall(document)))
    spec = TILES.get(tiles)
    tiles = " " + _tile_origin(spec[0]) if spec else ""
    return ("default-src 'none'; "
            f"script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:{tiles}; connect-src 'self'; font-src 'self' data:; "
            "base-uri 'none'; form-action 'none'; object-src 'none'; frame-src 'none'")


def _tile_origin(url: str) -> str:
    """https://{s}.tile.openstreetmap.fr/… -> https://*.tile.openstreetmap.fr"""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "x"))
    host = parts.netloc.replace("x.", "*.", 1) if "{s}" in url else parts.netloc
    return f"{parts.scheme}://{host}"


def with_policy(document: str, tiles: str = "") -> str:
    """``document`` with its :func:`content_security_policy` as the first element of its head."""
    meta = ('<meta http-equiv="Content-Security-Policy" content="'
            + html.escape(content_security_policy(document, tiles)) + '">')
    return document.replace("<head>", "<head>\n    " + meta, 1)


@lru_cache(maxsize=None)
def asset_data_url(name: str) -> str:
    """A bundled asset as a ``data:`` address: what a picker map loads when the app serves no
    folder of assets (the published folder outside ``static/``)."""
    import base64

    kind = "text/css" if name.endswith(".css") else "text/javascript"
    return f"data:{kind};base64," + base64.b64encode((STATIC / name).read_bytes()).decode()


def picker_map(center: tuple[float, float] | None, zoom: int = 5, tiles: str = "osm-fr",
               assets_url: str = "/app/static/", candidates=(), line=()):
    """A small folium map to place a point by clicking (the editing page, via ``st_folium``):
    Leaflet and the land outlines from the app's own static files (no CDN; land drawn even
    when tiles fail; ``assets_url`` "": inlined as ``data:`` addresses), the current position
    and the ranked candidates as circles; ``line``, a route being drawn, (lat, lon) or
    (lat, lon, name) in order, as a line through dots."""
    spec = TILES.get(tiles)
    m = folium.Map(location=center or (46.6, 2.4), zoom_start=zoom if center else 5, tiles=None,
                   prefer_canvas=True)
    m.add_child(MetricScale())
    where = (lambda name: asset_url(assets_url, name)) if assets_url else asset_data_url
    m.default_js = [("leaflet", where(ASSETS_JS["leaflet"]))]
    m.default_css = [("leaflet", where(ASSETS_CSS["leaflet"]))]
    # read each time: TopoJson writes each geometry's style into the data it is given
    land = folium.TopoJson(json.loads((STATIC / LAND).read_text(encoding="utf-8")),
                           "objects.land",
                           style_function=lambda _: {"color": "#8a99a8", "weight": 0.8,
                                                     "fillColor": "#f3efe6", "fillOpacity": 1})
    land.default_js = [("topojson", where(ASSETS_JS["topojson"]))]
    land.add_to(m)
    if spec:
        folium.TileLayer(spec[0], attr=spec[1], max_zoom=spec[2]).add_to(m)
    for i, (lat, lon, label) in enumerate(candidates):
        folium.CircleMarker((lat, lon), radius=7, color="#5a2d82", fill=True, fill_opacity=0.9,
                            tooltip=_inert_html(f"{i + 1}. {label}")).add_to(m)
    if center:
        folium.CircleMarker(center, radius=9, color="#b3261e", weight=3, fill=False).add_to(m)
    if line:
        route_group(line).add_to(m)
    return m


def route_group(line) -> folium.FeatureGroup:
    """A route being drawn, (lat, lon) or (lat, lon, name) in order: a line through numbered
    dots, named ones larger (``st_folium`` adds it to a map already shown, which keeps its
    view)."""
    group = folium.FeatureGroup(name="Tracé")
    points = [tuple(p[:2]) for p in line]
    if len(points) > 1:
        folium.PolyLine(points, color="#b3261e", weight=4, opacity=0.9).add_to(group)
    for i, (lat, lon, *name) in enumerate(line):
        label = f"{i + 1}" + (f". {name[0]}" if name and name[0] else "")
        folium.CircleMarker((lat, lon), radius=7 if name and name[0] else 5, color="#b3261e",
                            fill=True, fill_opacity=1, tooltip=_inert_html(label)).add_to(group)
    return group


class MetricScale(RenderOnce):
    """Leaflet's scale in metres only (folium's ``control_scale`` shows miles as well)."""

    _template = Template("""
{% macro script(this, kwargs) %}
L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
{% endmacro %}
""")


def _inert_html(text: str) -> str:
    """Escaped for HTML, with braces as entities: folium re-reads element output as a Jinja
    template, where « {{ » would be evaluated."""
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")

