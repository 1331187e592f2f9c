"""``cufmap export OUTDIR``: the public map as static files any web host can serve.

* ``index.html``: the map, its timeline and cards, every script, style and outline inside
  the file (no CDN); options in its own URL: ``?collectivite=``, ``?pays=`` (ISO code),
  ``?etape=``, ``?langue=en``, ``?chronologie=0``, ``?date=``;
* ``relais.geojson``: the stages (points) and partnerships (a line from each stage to
  each placed partner);
* ``relais.ics``: the dated stages as an iCalendar file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from cufmap.places import geocoding
from cufmap.publish import mapdoc
from cufmap.relay import reading, validation
from cufmap.errors import InvalidData
from cufmap.relay.stages import stages_from_rows

CALENDAR_ID = "cites-unies-france.org"


@dataclass(frozen=True)
class Exported:
    files: dict[str, int]  # name -> bytes
    stages: int


def export(outdir: str | Path, data: str | Path, places: str | Path, tiles: str = "osm-fr",
           allow_online: bool | None = None, force: bool = False) -> Exported:
    """Write the three files. A data file with validation errors is refused
    (:class:`InvalidData`, nothing written) unless ``force``; each text is encoded for its
    format either way."""
    table = reading.read_path(data)
    problems = table.problems + validation.validate_rows(table.rows, table.columns, table.lines,
                                                        table.missing)
    if validation.errors(problems) and not force:
        raise InvalidData(problems)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    chain = geocoding.Memo(geocoding.Chain.default(places, allow_online=allow_online))
    located = mapdoc.locate(stages_from_rows(table.rows), chain)
    options = mapdoc.MapOptions(tiles=tiles)
    data = mapdoc.payload(located, options, ("fr", "en"))
    files = {
        "index.html": mapdoc.render(located, options, read_url=True, data=data),
        "relais.geojson": geojson(data),
        "relais.ics": icalendar(located),
    }
    sizes = {}
    for name, text in files.items():
        (outdir / name).write_text(text, encoding="utf-8", newline="")
        sizes[name] = (outdir / name).stat().st_size
    return Exported(sizes, len(located))


def geojson(data: dict) -> str:
    """The payload's features as a plain GeoJSON file (stages and partnership lines), UTF-8
    text as it is, compact. Written by orjson: ten times faster than the json module on an
    Atlas-sized file (4 MB), the same JSON (control characters escaped, nothing else)."""
    import orjson

    collection = {"type": "FeatureCollection",
                  "features": data["features"] + mapdoc.link_features(data),
                  "countries": data["countries"]}
    return orjson.dumps(collection).decode("utf-8") + "\n"


_HOUR = re.compile(r"\d{2}:\d{2}")  # normalised HH:MM; anything else is left out
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping: every kind of line break becomes ``\\n``, other control
    characters are dropped (a property can never spill onto a line of its own)."""
    if not value.isprintable():  # any line break or control character (or unusual space)
        value = _CONTROL.sub("", _LINE_BREAK.sub("\n", value))
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """RFC 5545 line folding: at most 75 octets a line, continuation lines start with a space,
    never inside a UTF-8 character."""
    if len(line) <= 75 and line.isascii():
        return line  # the common case, known short without encoding it
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # continuation byte
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74
    return "\r\n ".join(parts)


# Europe/Paris as RFC 5545 needs it next to TZID references (rules in force since 1996).
_PARIS = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""


def icalendar(located: list[mapdoc.Located]) -> str:
    """One VEVENT per dated stage: all-day, or timed in Europe/Paris when hours are known.

    Written directly (a few thousand events in milliseconds); the tests read it back with the
    ``icalendar`` library."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cités Unies France//cufmap//FR",
             "CALSCALE:GREGORIAN", "X-WR-CALNAME:" + _text("Relais de la Coop Déc' — Cités "
                                                          "Unies France")]
    timed = False
    for item in located:
        s = item.stage
        if not s.start:
            continue
        lines += ["BEGIN:VEVENT", f"UID:{_text(s.id)}@{CALENDAR_ID}", "DTSTAMP:20250301T000000Z",
                  "SUMMARY:" + _text(f"{s.title} — {s.host}")]
        if _HOUR.fullmatch(s.start_time or ""):
            timed = True
            lines.append(f"DTSTART;TZID=Europe/Paris:{s.start:%Y%m%d}T"
                         f"{s.start_time.replace(':', '')}00")
            if _HOUR.fullmatch(s.end_time or ""):
                lines.append(f"DTEND;TZID=Europe/Paris:{(s.end or s.start):%Y%m%d}T"
                             f"{s.end_time.replace(':', '')}00")
        else:
            lines.append(f"DTSTART;VALUE=DATE:{s.start:%Y%m%d}")
            lines.append(f"DTEND;VALUE=DATE:{(s.end or s.start) + dt.timedelta(days=1):%Y%m%d}")
        description = s.description
        if s.partners:
            description += "\nPartenaires : " + "; ".join(
                f"{p.name} ({p.country_fr})" for p in s.partners)
        if description.strip():
            lines.append("DESCRIPTION:" + _text(description.strip()))
        lines.append("LOCATION:" + _text(", ".join(filter(None, [s.place, s.host]))))
        if item.place.point:
            lines.append(f"GEO:{item.place.lat:.5f};{item.place.lon:.5f}")
        if validation.is_web_link(s.link):  # an http(s) address, whole and on one line
            lines.append("URL:" + s.link)
        lines.append("END:VEVENT")
    if timed:
        lines[5:5] = _PARIS.splitlines()
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
