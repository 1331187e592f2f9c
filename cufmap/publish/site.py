"""Everything the app shows the public, written at once into the published folder.

The published folder (``dossier_publie``, by default ``publie/`` beside the data file; the app
serves it under ``/app/static/``) holds:

* ``carte/``: the live public map (``index.html``, ``relais.geojson``, ``relais.ics``), the very
  files ``cufmap export`` writes: visitors of that page cost the server nothing;
* ``cartes/<version>/``: the app's own map documents, one per view (public map, presenter,
  speaker view) and tile layer, each reading the rest of its options (filters, stage, date,
  language) in its own address; ``cartes/courant.json`` names the current version and the
  data it was made from;
* ``assets/``: the scripts, styles and outlines those documents load (copied from the package:
  the browser caches them);
* ``carte/photos/<id>/<digest>.webp``: the stages' photos (their names change with their
  content), for the live page and the map documents alike; a card loads them when it opens.

:func:`publish` runs after a save, after new data came from the Git remote, and at start-up
(:class:`cufmap.publish.publisher.Publisher`); never while a visitor's page is being built.
Every file is written beside its final name and renamed: a visitor never gets half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cufmap.files import atomic_write
from cufmap.publish import export, mapdoc
from cufmap.relay import attachments

log = logging.getLogger(__name__)

LIVE, DOCUMENTS, ASSETS = "carte", "cartes", "assets"
INDEX = "courant.json"
#: The map documents' format: a change here (or in the bundled assets) publishes anew.
FORMAT = "4"
#: Views of the app's map documents: (name, presenter, speaker view).
VIEWS = (("carte", False, False), ("presentation", True, False), ("orateur", True, True))
#: The address a presenter's « Vue orateur » opens, relative to the app's root; the document
#: adds its own options (date, stage…) to it.
SPEAKER_PATH = "presentation?vue=orateur"


def document_name(tiles: str, presenter: bool = False, speaker: bool = False) -> str:
    view = next(v for v, p, s in VIEWS if (p, s) == (presenter, speaker))
    return f"{view}-{tiles}.html"


@dataclass(frozen=True)
class Published:
    version: str  # of the map documents ("" when they were not written)
    live: bool  # the live page was regenerated (False: the data has errors, the last is kept)
    errors: int  # validation errors of the data file


def source_of(*paths: str | os.PathLike) -> list:
    """What a publication was made from: each file's size and modification time, and those of
    the stages' routes and photos beside the first (the data file)."""
    out = []
    for path in paths:
        try:
            st = os.stat(path)
            out.append([st.st_size, st.st_mtime_ns])
        except OSError:
            out.append(None)
    if paths:
        out.append(attachments_stamp(Path(paths[0]).parent))
    return out


def attachments_stamp(folder: Path) -> str:
    """A short digest of the attachments' names, sizes and times ("" when there is none)."""
    found = attachments.local_files(folder)
    if not found:
        return ""
    digest = hashlib.sha256()
    for rel in sorted(found):
        with contextlib.suppress(OSError):
            st = found[rel].stat()
            digest.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def current(folder: str | os.PathLike) -> dict:
    """The current publication's index (``{}`` when nothing was published yet)."""
    try:
        return json.loads((Path(folder) / DOCUMENTS / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def fingerprint() -> str:
    """The documents' format and the bundled assets' contents, in one short hash."""
    digest = hashlib.sha256(FORMAT.encode())
    for name in asset_names():
        digest.update(name.encode() + b"\0" + mapdoc.asset_version(name).encode())
    return digest.hexdigest()[:16]


def is_stale(folder: str | os.PathLike, data, places) -> bool:
    """True when the published files are missing, or made from other data or by another
    version of cufmap."""
    index = current(folder)
    return index.get("source") != source_of(data, places) or \
        index.get("format") != fingerprint()


def asset_names() -> list[str]:
    """The bundled files map documents load (relative to the package's ``static``)."""
    names = [f for entry in mapdoc.ASSETS_JS.values() for f in mapdoc.asset_files(entry)]
    names += list(mapdoc.ASSETS_CSS.values())
    names += [mapdoc.LAND, mapdoc.FINE_OUTLINES, "LICENSES.md"]
    return [n for n in names if (mapdoc.STATIC / n).exists()]


def copy_assets(folder: Path) -> None:
    """The bundled assets into ``folder/assets`` (only those whose content changed)."""
    for name in asset_names():
        source = (mapdoc.STATIC / name).read_bytes()
        target = folder / ASSETS / name
        try:
            if target.read_bytes() == source:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, source, mode=0o644)


def publish(settings, storage=None) -> Published:
    """Write the live map, the app's map documents and their assets into
    ``settings.published_dir`` from the data the settings name. The map documents show the
    data as it is (as the app always did); the live page, like ``cufmap export``, is
    regenerated only from data without errors. With a Git storage naming a publication
    branch, the live page is committed there too (:meth:`Storage.publish`)."""
    folder = Path(settings.published_dir)
    folder.mkdir(parents=True, exist_ok=True)
    source = source_of(settings.data, settings.places)  # before reading: a later edit is news
    built = export.build(settings.data, settings.places, allow_online=not settings.offline)
    copy_assets(folder)
    export.copy_photos(built.photos, folder / LIVE)  # before the pages that name them
    _write_live(folder / LIVE, export.route_files(built.payload))
    version = _write_documents(folder, export.page_data(built.payload), settings.public_url)
    live = not built.errors
    if live:
        _write_live(folder / LIVE, export.files_of(built.payload))
    _write_index(folder, version, source)
    if live and storage is not None:
        storage.publish(folder / LIVE)
    return Published(version, live, len(built.errors))


def _write_documents(folder: Path, data: dict, public_url: str) -> str:
    documents = {}
    for tiles in mapdoc.TILES:
        for view, presenter, speaker in VIEWS:
            options = mapdoc.MapOptions(
                tiles=tiles, presenter=presenter, speaker=speaker, public_url=public_url,
                speaker_url=SPEAKER_PATH if presenter and not speaker else "",
                assets_url=f"../../{ASSETS}/", media_url=f"../../{LIVE}/")
            documents[document_name(tiles, presenter, speaker)] = \
                mapdoc.render(data, options, read_url=True).encode("utf-8")
    digest = hashlib.sha256()
    for name in sorted(documents):
        digest.update(name.encode() + b"\0" + documents[name])
    version = digest.hexdigest()[:16]
    target = folder / DOCUMENTS / version
    if not target.is_dir():
        (folder / DOCUMENTS).mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".version-", dir=folder / DOCUMENTS))
        try:
            for name, content in documents.items():
                (tmp / name).write_bytes(content)
                os.chmod(tmp / name, 0o644)
            os.chmod(tmp, 0o755)
            os.replace(tmp, target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not target.is_dir():
                raise
    return version


def _write_live(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / name, text.encode("utf-8"), mode=0o644)


def _write_index(folder: Path, version: str, source: list) -> None:
    index = {"version": version, "source": source, "format": fingerprint()}
    atomic_write(folder / DOCUMENTS / INDEX, json.dumps(index).encode("utf-8"), mode=0o644)
    # Older versions go, but the one before stays a while: a page being loaded still has it.
    kept = {version, *_previous(folder)}
    for old in (folder / DOCUMENTS).iterdir():
        if old.is_dir() and old.name not in kept:
            shutil.rmtree(old, ignore_errors=True)
    with contextlib.suppress(OSError):
        (folder / DOCUMENTS / ".precedente").write_text(version, encoding="utf-8")


def _previous(folder: Path) -> list[str]:
    try:
        return [(folder / DOCUMENTS / ".precedente").read_text(encoding="utf-8").strip()]
    except OSError:
        return []
