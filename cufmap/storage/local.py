"""The one module that reads and writes the relay's data.

* A save is atomic: the new file is written beside the old one, flushed to disk, then renamed
  over it, so a crash at any instant leaves the old or the new file whole.
* Every saved version is kept in ``data/.historique/`` and can be restored (a restore is
  itself a new version: nothing is ever lost).
* A save names the version it started from; if the file changed on disk since, the save is
  refused with :class:`ConflictError` instead of overwriting someone else's work.
* A save refuses data that does not validate (:class:`InvalidData`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from pathlib import Path

import pandas as pd

from cufmap.errors import (
    ConflictError,
    CufmapError,
    InvalidData,
    StorageError,
    UnknownVersion,
    UnreadableTable,
    os_message,
)
from cufmap.files import atomic_write, file_mode
from cufmap.relay import attachments, reading, schema, validation
from cufmap.relay.budget import check_size
from cufmap.storage.base import KEPT_LIMITS, Snapshot, Version, digest, kept_name, paris_time
from cufmap.storage.spreadsheets import to_csv_bytes

HISTORY_DIR = ".historique"


class Store:
    """Reads and writes one CSV file, with history, locking and conflict detection.

    The local storage; :class:`cufmap.storage.gitstore.GitStore` offers the same methods on a Git
    remote (:func:`cufmap.storage.open_storage` picks one)."""

    problem = ""  # only the Git storage can hold a version it cannot publish
    unreachable = ""
    places_problem = ""  # the Git storage's remote places file refused (local: places.py)

    @property
    def description(self) -> str:
        return f"fichier {self.path}"

    def sync(self, force: bool = False) -> bool:
        """Nothing to fetch: the file is read on each load."""
        return False

    def save_places(self, author: str = "") -> bool:
        """The places file is written in place by the geocoding chain: nothing more to do."""
        return False

    def publish(self, folder: str | os.PathLike) -> str:
        """Nowhere to publish but the app's own folder, where the export already is."""
        return ""

    def __init__(self, path: str | os.PathLike, places: str | os.PathLike | None = None):
        self.path = self.data = Path(path)
        self.places = Path(places) if places else self.path.parent / "lieux.csv"
        self.history = self.path.parent / HISTORY_DIR / self.path.stem
        self._lock_path = self.path.parent / f".{self.path.name}.lock"

    # -- reading --
    def load(self) -> Snapshot:
        """The data as saved; :class:`UnreadableTable` (French) when the file cannot be read."""
        data = reading.read_file(self.path) if self._exists() else b""
        if not data:
            table = reading.Table(rows=[], columns=list(schema.NAMES), lines=[])
            return Snapshot(table.frame, digest(data) if self.path.exists() else "", table)
        table = reading.read_bytes(data, filename=self.path.name)
        return Snapshot(validation.normalise(table.frame), digest(data), table)

    def current_version(self) -> str:
        """The saved file's version ("" when it does not exist, or cannot be read)."""
        try:
            return digest(self.path.read_bytes())
        except OSError:
            return ""

    def _exists(self) -> bool:
        return os.path.lexists(self.path)

    def _kept_path(self, name: str) -> Path:
        return self.path.parent / f".{kept_name(name)}"

    def read_kept(self, name: str) -> bytes | None:
        path = self._kept_path(name)
        try:
            check_size(path.stat().st_size, KEPT_LIMITS)
            return path.read_bytes()
        except (OSError, UnreadableTable):
            return None

    def update_kept(self, name: str, change, message: str, author: str = "") -> None:
        """Beside the data file, readable by its owner only (``message`` and ``author`` are
        for the Git storage's commit)."""
        with self._locked():
            atomic_write(self._kept_path(name), change(self.read_kept(name)), mode=0o600)

    # -- a stage's route and photos, beside the data file --
    def read_attachment(self, path: str) -> bytes | None:
        return attachments.read(self.path.parent, path)

    def save_attachments(self, files: dict, message: str, author: str = "") -> None:
        """Each file written atomically (or removed) under the data file's lock; ``message``
        and ``author`` are for the Git storage's commit."""
        folder = self.path.parent
        try:
            with self._locked():
                for path, data in files.items():
                    target = folder / attachments.checked(path)
                    if data is None:
                        with contextlib.suppress(FileNotFoundError):
                            target.unlink()
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write(target, data, mode=0o644)  # served to the public
        except OSError as exc:
            raise StorageError(os_message(folder, exc, writing=True)) from None

    # -- writing --
    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._lock_path, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def save(self, frame: pd.DataFrame, expected_version: str, author: str = "") -> str:
        """Write ``frame``; return the new version. Refuses on conflict or invalid data;
        :class:`StorageError` (French) when the file or its folder cannot be written."""
        problems = validation.validate(frame)
        if validation.errors(problems):
            raise InvalidData(problems)
        data = to_csv_bytes(frame)
        written = []
        try:
            return self._save(data, expected_version, author, written)
        except CufmapError:
            raise
        except OSError as exc:
            done = (" Le fichier est enregistré, mais pas sa copie dans l'historique."
                    if written else " Rien n'a été modifié.")
            raise StorageError(os_message(self.path, exc, writing=True) + done) from None

    def _save(self, data: bytes, expected_version: str, author: str, written: list) -> str:
        with self._locked():
            self._remove_stale_temporary_files()
            current = self.current_version()
            if current != expected_version:
                raise ConflictError(
                    "Quelqu'un d'autre a enregistré le fichier depuis que vous l'avez ouvert. "
                    "Rechargez sa version (vos modifications restent affichées) puis "
                    "enregistrez de nouveau.")
            if current:
                self._archive(self.path.read_bytes(), author="avant")
            atomic_write(self.path, data)
            written.append(True)
            self._archive(data, author=author)
        return digest(data)

    def _remove_stale_temporary_files(self) -> None:
        """Temporary files left by a writer that was killed (we hold the lock: none is live),
        beside the data file and in its history."""
        stale = [*self.path.parent.glob(f".{self.path.name}.*.tmp"),
                 *(self.history.glob(".*.tmp") if self.history.is_dir() else ())]
        for tmp in stale:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def _archive(self, data: bytes, author: str) -> None:
        """Keep ``data`` in the history, unless it is already the newest version there (a
        restored version is archived again: the history shows who restored it, and when)."""
        self.history.mkdir(parents=True, exist_ok=True)
        key = digest(data)
        archived = sorted(p.name for p in self.history.glob("*.csv"))
        if archived and archived[-1].endswith(f"-{key[:16]}.csv"):
            return
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")  # UTC
        safe_author = "".join(c for c in author if c.isalnum() or c in "-_.")[:40] or "anonyme"
        atomic_write(self.history / f"{stamp}-{safe_author}-{key[:16]}.csv", data,
                      mode=file_mode(self.path))  # readable by whoever reads the data file

    # -- history --
    def versions(self) -> list[Version]:
        """Saved versions, newest first."""
        if not self.history.exists():
            return []
        out = []
        for path in self.history.glob("*.csv"):
            stamp, _, rest = path.stem.partition("-")
            author, _, short = rest.rpartition("-")
            try:
                saved = paris_time(dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%f"))
            except ValueError:
                continue
            try:
                rows = len(reading.read_path(path).frame)
            except CufmapError:  # an unreadable archived file is still listed
                rows = 0
            out.append(Version(path.name, saved, short, rows, author))
        return sorted(out, key=lambda v: v.saved_at, reverse=True)

    def read_version(self, ident: str) -> pd.DataFrame:
        path = self.history / Path(ident).name
        if not path.is_file():
            raise UnknownVersion(f"Aucune version enregistrée ne s'appelle « {ident} ».")
        return validation.normalise(reading.read_path(path).frame)

    def restore(self, ident: str, expected_version: str, author: str = "") -> str:
        """Make version ``ident`` current again, as a new version."""
        return self.save(self.read_version(ident), expected_version, author=author)
