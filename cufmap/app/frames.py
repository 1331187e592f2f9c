"""The map on a page: a small frame (under 4 KB, sent through the websocket) around the map
document in a sandboxed iframe.

The map documents are static files the publisher wrote (:mod:`cufmap.publish.site`), one per
view and tile layer; the frame loads the current one with the page's options in its address
(filters, stage, date, language), which the document reads itself. The browser caches it; the
server does not build anything for a visitor. The iframe has ``allow-scripts`` but never
``allow-same-origin``: the map's scripts run in an opaque origin and cannot reach the app page.

Until the publisher has caught up with the data (its first publication after a restart, a
file changed by hand), or for a view no published document serves (an ``?adresse=`` of its
own), the page draws the document itself and sends it inline: nothing is written.
"""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from cufmap import i18n
from cufmap.app import loaders
from cufmap.app.ui import inline_script, md
from cufmap.errors import CufmapError
from cufmap.publish import mapdoc, site

#: The map's iframe: scripts, and links opening normal tabs; never ``allow-same-origin``.
SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"

#: Keys the presenter's clicker may send to the app page: relayed to the sandboxed map.
PRESENTER_KEYS = ("ArrowRight", "ArrowLeft", "PageDown", "PageUp", " ", "Spacebar", "Home",
                  "Escape", "p", "P")

#: How long a page waits for the publisher's first publication after a restart (seconds).
FIRST_PUBLICATION = 20

_FRAME = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title><style>
html, body {{ margin: 0; height: 100%; overflow: hidden; }}
iframe {{ display: block; border: 0; width: 100%; height: 100%; }}
</style></head><body>
<iframe {src} title="{title}" sandbox="{sandbox}" allow="fullscreen; clipboard-write"
 referrerpolicy="no-referrer"></iframe>
{relay}</body></html>"""


def map_frame(src: str = "", presenter: bool = False, title: str = "", inline: str = "",
              notes: dict[str, str] | None = None, lang: str = "fr") -> str:
    """The small page Streamlit embeds: the map document at ``src`` in a sandboxed iframe (or,
    with ``inline``, that document itself). ``notes`` (the speaker view's, by stage id) reach
    the map by message from this frame, which only the signed-in speaker's session receives
    (through the websocket)."""
    relay = inline_script("frame.js", {"keys": PRESENTER_KEYS, "notes": notes or None},
                          "cuf-frame") if presenter else ""
    source = f'srcdoc="{html.escape(inline)}"' if inline else f'src="{html.escape(src)}"'
    title = title or i18n.text("map_frame_title", lang)
    return _FRAME.format(src=source, title=html.escape(title), relay=relay, sandbox=SANDBOX,
                         lang=html.escape(lang))


def map_document(params: dict[str, str], tiles: str = "osm-fr", presenter: bool = False,
                 speaker: bool = False, notes: dict[str, str] | None = None,
                 inline_options: mapdoc.MapOptions | None = None, lang: str = "") -> str:
    """The frame showing the published map document of this view with the page's options
    ``params`` (the filters, ``etape``, ``date``, ``langue``, ``chronologie``), which the
    document applies itself. ``inline_options``: a view no published document serves (drawn
    for this page, inline). A file that cannot be read gives a French message and stops the
    page."""
    config = loaders.settings()
    publisher = loaders.publisher()
    # The page's language: its address's, else ``lang`` (the browser's, for the app's page),
    # which a published document finds by itself and an inline one is given.
    lang = i18n.choose(params.get("langue", "") or lang)
    base = loaders.served_url(config.published_dir)
    index = site.current(config.published_dir)
    if base and inline_options is None and not _fresh(index, config):
        publisher.wait_ready(FIRST_PUBLICATION)  # just started: its first publication
        index = site.current(config.published_dir)
    if base and inline_options is None and _fresh(index, config):
        name = site.document_name(tiles, presenter, speaker)
        query = urlencode({k: v for k, v in params.items() if v})
        src = f"{base}{site.DOCUMENTS}/{index['version']}/{name}" + (f"?{query}" if query else "")
        return map_frame(src, presenter=presenter, notes=notes, lang=lang)
    options = inline_options or mapdoc.MapOptions(tiles=tiles, presenter=presenter,
                                                  speaker=speaker)
    options = replace(options, assets_url=f"{base}{site.ASSETS}/" if base else "",
                      media_url=f"{base}{site.LIVE}/" if base else "")  # the stages' photos
    try:
        document = _inline(str(config.data), loaders.mtime_of(config.data), str(config.places),
                           loaders.mtime_of(config.places), not config.offline, options,
                           tuple(sorted({**params, "langue": lang}.items())),
                           site.attachments_stamp(Path(config.data).parent))
    except CufmapError as exc:
        st.error(md(str(exc)))
        st.stop()
    return map_frame(presenter=presenter, inline=document, notes=notes, lang=lang)


def _fresh(index: dict, config) -> bool:
    return bool(index) and index.get("source") == site.source_of(config.data, config.places)


@st.cache_data(show_spinner=False, max_entries=16)
def _inline(data: str, mtime: int, places: str, places_mtime: int, online: bool,
            options: mapdoc.MapOptions, params: tuple, media: str = "") -> str:
    """The map document of this view, drawn for the page (nothing written); the page's
    options go in as the document's own (an inline document has no address to read).
    ``media``: the stamp of the stages' routes and photos (drawn again when they change)."""
    import datetime as dt

    from cufmap.publish import export, filters

    query = dict(params)
    options = replace(options, start=query.get("etape", ""),
                      lang=i18n.choose(query.get("langue", "")),
                      timeline=query.get("chronologie") != "0",
                      today=filters.parse_reference_date(query.get("date")) or dt.date.today(),
                      filters=tuple(filters.Filters.from_params(query).to_params().items()))
    built = export.build(data, places, allow_online=online, today=options.today)
    return mapdoc.render(built.payload, options)
