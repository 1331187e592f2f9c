"""Selections of stages users can make, and their form in the page URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from babel.dates import format_date

from .relay import Stage
from .text import fold

UNDATED = "a-venir"


@dataclass(frozen=True)
class Filters:
    months: tuple[str, ...] = ()  # "2025-04", … or UNDATED
    host_types: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO codes of partner countries
    text: str = ""
    host: str = ""  # only this host (exact name, case/accents ignored)

    def apply(self, stages: list[Stage]) -> list[Stage]:
        return [s for s in stages if self.keeps(s)]

    def keeps(self, s: Stage) -> bool:
        if self.months and month_key(s) not in self.months:
            return False
        if self.host_types and s.host_type not in self.host_types:
            return False
        if self.formats and s.format not in self.formats:
            return False
        if self.countries and not {p.iso for p in s.partners} & set(self.countries):
            return False
        if self.host and fold(s.host) != fold(self.host):
            return False
        if self.text:
            haystack = fold(" ".join([s.host, s.title, s.description, s.place,
                                      *(p.name for p in s.partners),
                                      *(p.country_fr for p in s.partners), *s.co_organisers]))
            if not all(word in haystack for word in fold(self.text).split()):
                return False
        return True

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
        return cls(**values)


def month_key(s: Stage) -> str:
    return s.start.strftime("%Y-%m") if s.start else UNDATED


def month_label(key: str, lang: str = "fr") -> str:
    if key == UNDATED:
        return "Date à venir" if lang == "fr" else "Date to be announced"
    year, month = map(int, key.split("-"))
    text = format_date(dt.date(year, month, 1), "MMMM y", locale="fr_FR" if lang == "fr"
                       else "en_GB")
    return text[:1].upper() + text[1:]


def parse_reference_date(value: str | None) -> dt.date | None:
    """``?date=2025-04-09`` (or 09/04/2025) -> date; None when absent or invalid."""
    from .validation import date_or_none

    return date_or_none(value.strip()) if value else None
