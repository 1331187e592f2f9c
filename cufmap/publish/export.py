"""``cufmap export OUTDIR``: the public map as static files any web host can serve.

* ``index.html``: the map, its timeline and cards, every script, style and outline inside
  the file (no CDN); options in its own URL: ``?collectivite=``, ``?pays=`` (ISO code),
  ``?etape=``, ``?langue=en``, ``?chronologie=0``, ``?date=``;
* ``relais.geojson``: the stages (points) and partnerships (a line from each stage to
  each placed partner);
* ``relais.ics``: the dated stages as an iCalendar file;
* ``photos/<id>/<digest>.webp``: the stages' photos, which the page loads only when a card
  opens.
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
from cufmap.relay import attachments, photos, reading, routes, validation
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
    photos: dict = None  # the photos the payload names: path relative to the page -> file


def media_of(folder: str | Path, stages) -> tuple[dict, dict]:
    """The routes and photos attached to ``stages``, read from ``folder`` (the data file's,
    where every storage keeps them: :mod:`cufmap.relay.attachments`): the payload's ``media``
    and the photo files, by the path the page names them with."""
    media, files = {}, {}
    for stage in stages:
        if not attachments.usable_id(stage.id):
            continue
        entry = {}
        route = routes.load(attachments.read(folder, attachments.route_path(stage.id)))
        if route:
            entry["route"] = route
        shown = []
        index = attachments.read(folder, attachments.photo_index_path(stage.id))
        for item in photos.read_index(index):
            path = f"{attachments.PHOTOS}/{stage.id}/{item['file']}"
            if attachments.is_path(path) and (Path(folder) / path).is_file():
                files[path] = Path(folder) / path
                shown.append({"src": path, "alt": item["alt"], "credit": item["credit"],
                              "width": item["width"], "height": item["height"]})
        if shown:
            entry["photos"] = shown
        if entry:
            media[stage.id] = entry
    return media, files


def build(data: str | Path, places: str | Path, allow_online: bool = False,
          today: dt.date | None = None) -> Built:
    """The relay file ``data`` as the one payload every published file is written from, each
    step once, in order: read, validate, stages, places, payload."""
    checked = validation.check(reading.read_path(data))
    stages = stages_from(checked.records)
    chain = geocoding.Memo(geocoding.Chain.default(places, allow_online=allow_online))
    media, files = media_of(Path(data).parent, stages)
    content = payload(geocoding.locate(stages, chain), today or dt.date.today(), LANGUAGES,
                      media)
    return Built(content, checked.errors, files)


def files_of(data: dict, tiles: str = "osm-fr") -> dict[str, str]:
    """The public files of the payload ``data``: the self-contained page (it reads its
    options in its own address), its GeoJSON and its calendar, and the routes' lines the page
    fetches when a stage is chosen (:func:`page_data`)."""
    return {"index.html": mapdoc.render(page_data(data), mapdoc.MapOptions(tiles=tiles),
                                        read_url=True),
            "relais.geojson": geojson(data), "relais.ics": icalendar(data),
            **route_files(data)}


def _route_name(feature: dict) -> str:
    """``traces/<id>-<digest>.json``: a new route, a new address (browsers cache them)."""
    import hashlib

    text = _lines_json(feature)
    return f"traces/{feature['id']}-{hashlib.sha256(text.encode()).hexdigest()[:10]}.json"


def _lines_json(feature: dict) -> str:
    import json

    return json.dumps(feature["properties"]["route"]["lines"], separators=(",", ":"))


def _routed(data: dict) -> list[dict]:
    return [f for f in data["features"] if (f["properties"].get("route") or {}).get("lines")
            and attachments.usable_id(f["id"])]


def route_files(data: dict) -> dict[str, str]:
    """Each stage's route lines as a small JSON file beside the page, by the name the page
    fetches it with."""
    return {_route_name(f): _lines_json(f) + "\n" for f in _routed(data)}


def page_data(data: dict) -> dict:
    """The payload as a page embeds it: each route's lines left out, for its address
    (``src``): the page fetches them when the stage is chosen, so five routes weigh nothing in
    the page's first load (which stays under 400 KB)."""
    routed = {id(f) for f in _routed(data)}
    if not routed:
        return data
    features = []
    for f in data["features"]:
        if id(f) in routed:
            route = {k: v for k, v in f["properties"]["route"].items() if k != "lines"}
            route["src"] = _route_name(f)
            f = {**f, "properties": {**f["properties"], "route": route}}
        features.append(f)
    return {**data, "features": features}


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
        (outdir / name).parent.mkdir(parents=True, exist_ok=True)
        (outdir / name).write_text(text, encoding="utf-8", newline="")
        sizes[name] = (outdir / name).stat().st_size
    copy_photos(built.photos, outdir)
    return Exported(sizes, len(content["features"]))


def copy_photos(files: dict, outdir: Path) -> None:
    """The photos beside the page (their names are their digests: an unchanged one is kept)."""
    from cufmap.files import atomic_write

    for path, source in (files or {}).items():
        target = outdir / path
        data = source.read_bytes()
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data, mode=0o644)
