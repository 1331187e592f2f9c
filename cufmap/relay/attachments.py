"""Files attached to a stage -- its route, its photos -- and where they live.

They are kept where the data lives (:class:`cufmap.storage.base.Storage`): beside the data file
with the local storage (``data/traces/<id>.geojson``, ``data/photos/<id>/<digest>.webp`` and
``data/photos/<id>/photos.json``), in the Git remote's ``data/`` folder with the Git storage
(one commit per change, copied beside the local data file, which the public pages read). A
path is always one of the shapes below: nothing else is read or written.
"""

from __future__ import annotations

import re
from pathlib import Path

from cufmap.errors import CufmapError, UnreadableTable
from cufmap.relay import budget

TRACES, PHOTOS = "traces", "photos"
FOLDERS = (TRACES, PHOTOS)
PHOTO_INDEX = "photos.json"

#: A stage id usable in a path (the relay's ids: « chartres-2025-05-31 »).
_ID = r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}"
_PATH = re.compile(rf"{TRACES}/{_ID}\.geojson|{PHOTOS}/{_ID}/"
                   rf"(?:{re.escape(PHOTO_INDEX)}|[0-9a-f]{{16}}\.(?:webp|jpg))")

#: A stored route is a few KB (simplified), a photo a few hundred KB (1,600 px at most); a file
#: committed to the remote by hand is refused past this size, unread.
LIMITS = budget.Limits(file_bytes=4 * 2**20, kind="une pièce jointe d'étape")


class RefusedFile(CufmapError, ValueError):
    """A route or photo that cannot be attached; the message (French) says why and what to do.
    Nothing was stored."""


def is_path(path: str) -> bool:
    return bool(_PATH.fullmatch(path or ""))


def checked(path: str) -> str:
    """``path`` if it is an attachment's path (else ValueError: a programming error)."""
    if not is_path(path):
        raise ValueError(f"not an attachment path: {path!r}")
    return path


def usable_id(stage_id: str) -> bool:
    return bool(re.fullmatch(_ID, stage_id or ""))


def _stage(stage_id: str) -> str:
    if not usable_id(stage_id):
        raise RefusedFile(f"L'identifiant d'étape « {stage_id} » ne peut pas nommer un fichier "
                          "(lettres, chiffres, - et _ seulement) : corrigez-le dans le tableau.")
    return stage_id


def route_path(stage_id: str) -> str:
    return f"{TRACES}/{_stage(stage_id)}.geojson"


def photo_index_path(stage_id: str) -> str:
    return f"{PHOTOS}/{_stage(stage_id)}/{PHOTO_INDEX}"


def photo_path(stage_id: str, name: str) -> str:
    return checked(f"{PHOTOS}/{_stage(stage_id)}/{name}")


def read(folder: str | Path, path: str) -> bytes | None:
    """The attachment ``path`` in ``folder`` (the data file's folder); None when absent or past
    :data:`LIMITS` (refused on its size, unread)."""
    target = Path(folder) / checked(path)
    try:
        budget.check_size(target.stat().st_size, LIMITS)
        return target.read_bytes()
    except (OSError, UnreadableTable):
        return None


def local_files(folder: str | Path) -> dict[str, Path]:
    """The attachments present in ``folder``, by path."""
    out = {}
    root = Path(folder)
    for name in FOLDERS:
        base = root / name
        if base.is_dir():
            for file in base.rglob("*"):
                rel = file.relative_to(root).as_posix()
                if file.is_file() and is_path(rel):
                    out[rel] = file
    return out
