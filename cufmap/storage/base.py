"""What every storage of the relay's data offers (:class:`Storage`), and what it hands out.

Two implementations: :class:`cufmap.storage.local.Store` (a file on the server's disk, with
its history beside it) and :class:`cufmap.storage.gitstore.GitStore` (a Git remote, for hosts
whose disk is thrown away); :func:`cufmap.storage.open_storage` picks the one the settings name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import pandas as pd

from cufmap.places.geocoding import code_check
from cufmap.relay import budget, reading, validation


@dataclass(frozen=True)
class Snapshot:
    """The data as loaded, with the version token a later save must name."""

    frame: pd.DataFrame  # canonical text values
    version: str  # sha256 of the file's bytes ("" when the file does not exist)
    table: reading.Table

    @property
    def problems(self) -> list[validation.Problem]:
        t = self.table
        return t.problems + validation.validate_rows(t.rows, t.columns, t.lines, t.missing,
                                                     checks=(code_check,))



@dataclass(frozen=True)
class Version:
    ident: str  # file name in the history folder
    saved_at: dt.datetime
    digest: str
    rows: int
    author: str
    summary: str = ""  # what changed (the commit message, with the Git storage)



def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()



#: Staff read times in the relay's own time zone, whatever the server's (a container: UTC).
PARIS = ZoneInfo("Europe/Paris")



def paris_time(when: dt.datetime) -> dt.datetime:
    """``when`` in Paris time (a naive time is UTC, as the history's file names are)."""
    return (when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)).astimezone(PARIS)



#: Small files that must last as long as the data, kept where the data lives (beside the file
#: with the local storage, as ``.<name>``; in the Git remote's ``data/`` folder, so that a
#: host whose disk is thrown away finds them again): name -> what it holds.
KEPT = {"liens-orateur.json": "the presenter links' SHA-256 digests (cufmap.app.speaker)"}
#: A kept file is a few KB; one committed to the remote by hand is refused past this size.
KEPT_LIMITS = budget.Limits(file_bytes=256 * 1024, kind="un fichier de liens orateur")


def kept_name(name: str) -> str:
    if name not in KEPT:
        raise ValueError(f"not a kept file: {name!r}")
    return name


class Storage(Protocol):
    """Where the relay's data lives. Every method raises only :class:`cufmap.errors.CufmapError`
    subclasses, with French messages staff can act on."""

    #: What staff should know, "" when all is well: the remote holds a version that cannot be
    #: published (``problem``), its places file was refused (``places_problem``), it could not
    #: be reached (``unreachable``).
    problem: str
    places_problem: str
    unreachable: str
    data: Path  # the stages file the public pages read (kept current by sync)
    places: Path  # the places file

    @property
    def description(self) -> str:
        """« fichier data/relais.csv », « dépôt Git …, branche main »."""

    def load(self) -> Snapshot:
        """The latest version, with the token a save must name."""

    def current_version(self) -> str:
        """The saved version's token ("" when there is none)."""

    def save(self, frame: pd.DataFrame, expected_version: str, author: str = "") -> str:
        """Write ``frame`` if the saved version is still ``expected_version`` (else
        :class:`cufmap.errors.ConflictError`); refuses invalid data; returns the new token."""

    def save_places(self, author: str = "") -> bool:
        """Keep the places file's changes (a commit with the Git storage)."""

    def sync(self, force: bool = False) -> bool:
        """Bring the latest version from where it lives; True when the data changed."""

    def versions(self) -> list[Version]:
        """Saved versions, newest first."""

    def read_version(self, ident: str) -> pd.DataFrame:
        """One saved version's table (:class:`cufmap.errors.UnknownVersion` if none)."""

    def restore(self, ident: str, expected_version: str, author: str = "") -> str:
        """Make version ``ident`` current again, as a new version."""

    def publish(self, folder: Path) -> str:
        """Publish the static export in ``folder`` where this storage can (a Git branch for
        GitHub or GitLab Pages); "" when there is nowhere to publish it."""

    def read_kept(self, name: str) -> bytes | None:
        """A small file kept with the data (:data:`KEPT`), None when there is none or it is
        past :data:`KEPT_LIMITS` (refused on its size, unread)."""

    def update_kept(self, name: str, change: Callable[[bytes | None], bytes], message: str,
                    author: str = "") -> None:
        """Replace the kept file ``name`` by ``change(current)``, one writer at a time (a
        commit with the Git storage, re-applied on top if the remote moved meanwhile)."""

    def read_attachment(self, path: str) -> bytes | None:
        """A stage's attachment (:mod:`cufmap.relay.attachments`: ``traces/<id>.geojson``,
        ``photos/<id>/…``), None when there is none or it is past
        :data:`cufmap.relay.attachments.LIMITS` (refused on its size, unread)."""

    def save_attachments(self, files: dict[str, bytes | None], message: str,
                         author: str = "") -> None:
        """Write (bytes) or remove (None) attachments, all at once: one commit with the Git
        storage (``message`` in French, ``author`` the signed-in name), copied beside the local
        data file where the public pages read them."""
