"""``cufmap export OUTDIR``: the public map as static files any web host can serve.

* ``index.html``: the map, its timeline and cards, every script, style and outline inside
  the file (no CDN); options in its own URL: ``?collectivite=``, ``?pays=`` (ISO code),
  ``?etape=``, ``?langue=en``, ``?chronologie=0``, ``?date=``;
* ``relais.geojson``: the stages (points) and partnerships (great-circle lines);
* ``relais.ics``: the dated stages as an iCalendar file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from . import geocoding, mapdoc
from .relay import load_stages

CALENDAR_ID = "cites-unies-france.org"


@dataclass(frozen=True)
class Exported:
    files: dict[str, int]  # name -> bytes
    stages: int


def export(outdir: str | Path, data: str | Path, places: str | Path, tiles: str = "osm-fr",
           allow_online: bool | None = None) -> Exported:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    chain = geocoding.Chain.default(places, allow_online=allow_online)
    located = mapdoc.locate(load_stages(data), chain)
    options = mapdoc.MapOptions(tiles=tiles)
    files = {
        "index.html": mapdoc.render(located, options, languages=("fr", "en"), read_url=True),
        "relais.geojson": geojson(located),
        "relais.ics": icalendar(located),
    }
    sizes = {}
    for name, text in files.items():
        (outdir / name).write_text(text, encoding="utf-8", newline="")
        sizes[name] = (outdir / name).stat().st_size
    return Exported(sizes, len(located))


def geojson(located: list[mapdoc.Located]) -> str:
    data = mapdoc.payload(located, mapdoc.MapOptions())
    collection = {"type": "FeatureCollection", "features": data["features"]}
    return json.dumps(collection, ensure_ascii=False, indent=1) + "\n"


def icalendar(located: list[mapdoc.Located]) -> str:
    """One VEVENT per dated stage (all-day, or timed in Europe/Paris when hours are known)."""
    from zoneinfo import ZoneInfo

    import icalendar as ical

    paris = ZoneInfo("Europe/Paris")
    cal = ical.Calendar()
    cal.add("prodid", "-//Cités Unies France//cufmap//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Relais de la Coop Déc' — Cités Unies France")
    for item in located:
        s = item.stage
        if not s.start:
            continue
        event = ical.Event()
        event.add("uid", f"{s.id}@{CALENDAR_ID}")
        event.add("dtstamp", dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc))
        event.add("summary", f"{s.title} — {s.host}")
        if s.start_time:
            start = dt.datetime.combine(s.start, dt.time.fromisoformat(s.start_time), paris)
            event.add("dtstart", start)
            if s.end_time:
                end_day = s.end or s.start
                event.add("dtend", dt.datetime.combine(end_day, dt.time.fromisoformat(s.end_time),
                                                       paris))
        else:
            event.add("dtstart", s.start)
            event.add("dtend", (s.end or s.start) + dt.timedelta(days=1))
        description = s.description
        if s.partners:
            description += "\nPartenaires : " + "; ".join(
                f"{p.name} ({p.country_fr})" for p in s.partners)
        event.add("description", description.strip())
        where = ", ".join(filter(None, [s.place, s.host]))
        event.add("location", where)
        if item.place.point:
            event.add("geo", item.place.point)
        if s.link:
            event.add("url", s.link)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")
