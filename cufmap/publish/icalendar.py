"""``relais.ics``: the payload's dated stages as an iCalendar file, each text encoded for it
(RFC 5545: escaped, folded, no raw line break, links only when they are web addresses)."""

from __future__ import annotations

import datetime as dt
import re

CALENDAR_ID = "cites-unies-france.org"


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


def icalendar(data: dict) -> str:
    """One VEVENT per dated stage of the payload ``data``: all-day, or timed in Europe/Paris
    when hours are known.

    Written directly (a few thousand events in milliseconds); the tests read it back with the
    ``icalendar`` library."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cités Unies France//cufmap//FR",
             "CALSCALE:GREGORIAN", "X-WR-CALNAME:" + _text("Relais de la Coop Déc' — Cités "
                                                          "Unies France")]
    names = data.get("countries", {})
    timed = False
    for feature in data["features"]:
        s = feature["properties"]
        if not s.get("date"):
            continue
        start, end = (dt.date.fromisoformat(s[k]) for k in ("date", "end"))
        lines += ["BEGIN:VEVENT", f"UID:{_text(feature['id'])}@{CALENDAR_ID}",
                  "DTSTAMP:20250301T000000Z", "SUMMARY:" + _text(f"{s['title']} — {s['host']}")]
        if _HOUR.fullmatch(s.get("time", "")):
            timed = True
            lines.append(f"DTSTART;TZID=Europe/Paris:{start:%Y%m%d}T"
                         f"{s['time'].replace(':', '')}00")
            if _HOUR.fullmatch(s.get("end_time", "")):
                lines.append(f"DTEND;TZID=Europe/Paris:{end:%Y%m%d}T"
                             f"{s['end_time'].replace(':', '')}00")
        else:
            lines.append(f"DTSTART;VALUE=DATE:{start:%Y%m%d}")
            lines.append(f"DTEND;VALUE=DATE:{end + dt.timedelta(days=1):%Y%m%d}")
        description = s.get("description", "")
        if s["partners"]:
            description += "\nPartenaires : " + "; ".join(
                f"{p['name']} ({names[p['iso']]['fr'] if 'iso' in p else p['country']})"
                for p in s["partners"])
        if description.strip():
            lines.append("DESCRIPTION:" + _text(description.strip()))
        lines.append("LOCATION:" + _text(", ".join(filter(None, [s.get("place"), s["host"]]))))
        if feature["geometry"]:
            lon, lat = feature["geometry"]["coordinates"]
            lines.append(f"GEO:{lat:.5f};{lon:.5f}")
        if s.get("link"):  # an http(s) address, whole and on one line (checked when read)
            lines.append("URL:" + s["link"])
        lines.append("END:VEVENT")
    if timed:
        lines[5:5] = _PARIS.splitlines()
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
