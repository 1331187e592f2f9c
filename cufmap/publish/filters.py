"""Selections of stages users can make, and their form in the page URL.

Which stages a selection keeps is decided by the page itself (``CufData.keeps`` in
``static/relay/data.js``), for the app as for an exported page; here, the selection as the
app's widgets and address hold it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from babel.dates import format_date

from cufmap import i18n
from cufmap.relay.stages import Stage

UNDATED = "a-venir"


@dataclass(frozen=True)
class Filters:
    """A selection, as the app's widgets and URL hold it (the map applies it)."""

    months: tuple[str, ...] = ()  # "2025-04", … or UNDATED
    host_types: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO codes of partner countries
    text: str = ""
    host: str = ""  # only this host (exact name, case/accents ignored)

    # -- URL --
    _PARAMS = {"months": "mois", "host_types": "type", "formats": "format",
               "countries": "pays", "text": "q", "host": "collectivite"}

    def to_params(self) -> dict[str, str]:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value:
                out[self._PARAMS[f.name]] = ",".join(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_params(cls, params) -> Filters:
        values = {}
        for f in fields(cls):
            raw = params.get(cls._PARAMS[f.name], "")
            raw = raw if isinstance(raw, str) else ",".join(raw)
            if f.name in ("text", "host"):
                values[f.name] = raw.strip()[:200]
            else:
                values[f.name] = tuple(v.strip() for v in raw.split(",") if v.strip())
        # ISO codes, in any case in the address (?pays=de), as the map reads them.
        values["countries"] = tuple(c.upper() for c in values["countries"])
        return cls(**values)


def month_key(s: Stage) -> str:
    return s.start.strftime("%Y-%m") if s.start else UNDATED


def month_label(key: str, lang: str = "fr") -> str:
    if key == UNDATED:
        return i18n.text("undated", lang)
    year, month = map(int, key.split("-"))
    text = format_date(dt.date(year, month, 1), "MMMM y", locale=i18n.locale(lang))
    return text[:1].upper() + text[1:]


def parse_reference_date(value: str | None) -> dt.date | None:
    """``?date=2025-04-09`` (or 09/04/2025) -> date; None when absent or invalid."""
    from cufmap.relay.validation import date_or_none

    return date_or_none(value.strip()) if value else None


#: The public page's widgets, by session-state key (« f_on »: the filters are shown).
WIDGETS = {"months": "f_mois", "host_types": "f_type", "formats": "f_format",
           "countries": "f_pays", "text": "f_q"}
TILES_WIDGET, DATE_WIDGET, SHOWN_WIDGET = "f_tuiles", "f_date", "f_on"
DEFAULT_TILES = "osm-fr"


@dataclass(frozen=True)
class View:
    """What the public page shows: the selection, the tiles, the reference date, the stage
    opened on load, the language asked for (as written in the URL)."""

    filters: Filters
    tiles: str
    reference: dt.date
    stage: str = ""
    lang: str = ""
    filtering: bool = False  # the filter widgets are shown

    def to_params(self, today: dt.date) -> dict[str, str]:
        """The page URL of this view (defaults left out), so a view can be shared."""
        wanted = self.filters.to_params()
        if self.tiles != DEFAULT_TILES:
            wanted["tuiles"] = self.tiles
        if self.reference != today:
            wanted["date"] = self.reference.isoformat()
        if self.stage:
            wanted["etape"] = self.stage
        if self.lang:
            wanted["langue"] = self.lang
        return wanted


def current_view(params, widgets, today: dt.date, tiles: tuple[str, ...]) -> View:
    """URL/widget reconciliation: each widget's value once it exists, else the URL (a shared
    view); the filters apply only while shown (a URL with a selection, tiles or a date shows
    them). ``widgets``: the session state; ``tiles``: the known tile names."""
    from_url = Filters.from_params(params)
    filtering = bool(widgets.get(SHOWN_WIDGET, from_url != Filters(host=from_url.host)
                                 or "tuiles" in params or "date" in params))
    chosen = Filters(host=from_url.host)
    if filtering:
        chosen = Filters(**{name: tuple(widgets.get(key, getattr(from_url, name)))
                            for name, key in WIDGETS.items() if name != "text"},
                         text=widgets.get(WIDGETS["text"], from_url.text), host=from_url.host)
    url_tiles = params.get("tuiles")
    return View(chosen,
                widgets.get(TILES_WIDGET, url_tiles if url_tiles in tiles else DEFAULT_TILES),
                widgets.get(DATE_WIDGET, parse_reference_date(params.get("date")) or today),
                params.get("etape", ""), params.get("langue", ""), filtering)
