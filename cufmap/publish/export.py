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
from dataclasses import dataclass
from pathlib import Path

from cufmap import i18n
from cufmap.errors import InvalidData
from cufmap.places import geocoding
from cufmap.publish import mapdoc
from cufmap.publish.geojson import geojson
from cufmap.publish.icalendar import icalendar
from cufmap.publish.payload import payload
from cufmap.relay import reading, validation
from cufmap.relay.stages import stages_from

#: The languages every published file carries (its page picks with ?langue=, else the
#: browser's): one per catalogue of cufmap/locales/, French first.
LANGUAGES = i18n.languages()


@dataclass(frozen=True)
class Exported:
    files: dict[str, int]  # name -> bytes
    stages: int


@dataclass(frozen=True)
class Built:
    payload: dict
    errors: list  # the data file's validation errors (the payload shows the file as it is)


def build(data: str | Path, places: str | Path, allow_online: bool = False,
          today: dt.date | None = None) -> Built:
    """The relay file ``data`` as the one payload every published file is written from, each
    step once, in order: read, validate, stages, places, payload."""
    checked = validation.check(reading.read_path(data))
    stages = stages_from(checked.records)
    chain = geocoding.Memo(geocoding.Chain.default(places, allow_online=allow_online))
    content = payload(geocoding.locate(stages, chain), today or dt.date.today(), LANGUAGES)
    return Built(content, checked.errors)


def files_of(data: dict, tiles: str = "osm-fr") -> dict[str, str]:
    """The three public files of the payload ``data``: the self-contained page (it reads its
    options in its own address), its GeoJSON and its calendar."""
    return {"index.html": mapdoc.render(data, mapdoc.MapOptions(tiles=tiles), read_url=True),
            "relais.geojson": geojson(data), "relais.ics": icalendar(data)}


def export(outdir: str | Path, data: str | Path, places: str | Path, tiles: str = "osm-fr",
           allow_online: bool = False, force: bool = False) -> Exported:
    """Write the three files into ``outdir``. A data file with validation errors is refused
    (:class:`InvalidData`, nothing written) unless ``force``; each text is encoded for its
    format either way."""
    built = build(data, places, allow_online)
    if built.errors and not force:
        raise InvalidData(built.errors)
    content = built.payload
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, text in files_of(content, tiles).items():
        (outdir / name).write_text(text, encoding="utf-8", newline="")
        sizes[name] = (outdir / name).stat().st_size
    return Exported(sizes, len(content["features"]))
