"""The relay as typed stages, in date order, with their French wording."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date

from cufmap import i18n
from cufmap.relay import validation

LOCALE = "fr_FR"


@dataclass(frozen=True)
class Stage:
    id: str
    start: dt.date | None
    end: dt.date | None
    host: str
    host_type: str
    title: str
    format: str
    description: str
    partners: tuple[validation.Partner, ...]
    place: str = ""
    code: str = ""
    lat: float | None = None
    lon: float | None = None
    start_time: str = ""
    end_time: str = ""
    co_organisers: tuple[str, ...] = ()
    link: str = ""
    notes: str = ""  # notes_presentation: the speaker view only, never a public page

    @property
    def dated(self) -> bool:
        return self.start is not None

    def when(self, locale: str = LOCALE) -> str:
        """« mercredi 16 avril 2025 », « du … au … », or « date à venir »."""
        lang = locale.split("_")[0]  # the words from that language's catalogue
        if not self.start:
            return i18n.text("undated_lower", lang)
        text = long_date(self.start, locale)
        if self.end and self.end != self.start:
            text = i18n.text("date_range", lang, start=text, end=long_date(self.end, locale))
        if self.start_time:
            hours = _hour(self.start_time)
            if self.end_time:
                hours += " – " + _hour(self.end_time)
            text += f", {hours}"
        return text


@lru_cache(maxsize=2048)
def long_date(day: dt.date, locale: str = LOCALE) -> str:
    """« mardi 1er avril 2025 », « mercredi 16 avril 2025 » (Babel, CLDR patterns)."""
    if locale.startswith("fr"):
        pattern = "EEEE d'er' MMMM y" if day.day == 1 else "EEEE d MMMM y"
        return format_date(day, pattern, locale=locale)
    return format_date(day, format="full", locale=locale)


def _hour(value: str) -> str:
    """« 09:15 » -> « 9 h 15 », « 12:00 » -> « 12 h »."""
    hours, _, minutes = value.partition(":")
    return f"{int(hours)} h" + (f" {minutes}" if minutes and minutes != "00" else "")


def stages_from(records: list[dict]) -> list[Stage]:
    """Stages of typed rows (:func:`cufmap.relay.validation.typed_record`), dated ones by date
    (then time, host), undated ones after, by host."""
    out = [Stage(
        id=rec["id"], start=rec["date_debut"], end=rec["date_fin"], host=rec["collectivite"],
        host_type=rec["type_collectivite"], title=rec["titre"], format=rec["format"],
        description=rec["description"], partners=rec["partenaires"], place=rec["lieu"],
        code=rec["code_insee"], lat=rec["lat"], lon=rec["lon"], start_time=rec["heure_debut"],
        end_time=rec["heure_fin"], co_organisers=rec["co_organisateurs"], link=rec["lien"],
        notes=rec.get("notes_presentation", "")) for rec in records]
    return sorted(out, key=lambda s: (s.start is None, s.start or dt.date.max, s.start_time,
                                      s.host))


def stages_from_rows(rows: list[dict]) -> list[Stage]:
    """Stages of rows of text (a table as read, or edited), without checking them."""
    return stages_from([validation.typed_record(r) for r in rows])


def load_stages(path: str | Path) -> list[Stage]:
    """The stages of a relay file (read only: no pandas, no lock)."""
    from cufmap.relay.reading import read_path

    return stages_from_rows(read_path(path).rows)
