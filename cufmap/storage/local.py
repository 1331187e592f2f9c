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
import csv
import datetime as dt
import fcntl
import hashlib
import io
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from cufmap.relay import reading, schema, validation
from cufmap.errors import (
    ConflictError, CufmapError, InvalidData, StorageError, UnknownVersion, os_message
)

HISTORY_DIR = ".historique"
_FORMULA_START = tuple("=+-@\t\r")


@dataclass(frozen=True)
class Snapshot:
    """The data as loaded, with the version token a later save must name."""

    frame: pd.DataFrame  # canonical text values
    version: str  # sha256 of the file's bytes ("" when the file does not exist)
    table: reading.Table

    @property
    def problems(self) -> list[validation.Problem]:
        t = self.table
        return t.problems + validation.validate_rows(t.rows, t.columns, t.lines, t.missing)


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


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Canonical form: UTF-8, comma, ISO dates, schema columns first, unknown columns kept."""
    frame = validation.normalise(frame)
    columns = [*schema.NAMES, *[c for c in frame.columns if c not in schema.BY_NAME]]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for record in frame.reindex(columns=columns).fillna("").itertuples(index=False):
        writer.writerow(["" if v is None else str(v) for v in record])
    return buf.getvalue().encode("utf-8")


def neutralise(value: str) -> str:
    """Prefix a spreadsheet formula sign so Excel shows the text instead of running it."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _spreadsheet_frame(frame: pd.DataFrame, neutralise=neutralise) -> pd.DataFrame:
    """Values for spreadsheets: French dates and numbers; text cells passed through
    ``neutralise`` (a visible apostrophe before a formula sign, for CSV)."""
    out = validation.normalise(frame)
    for col in out.columns:
        column = schema.BY_NAME.get(col)
        kind = column.kind if column else "text"
        if kind == "date":
            out[col] = [validation.parse_date(v).strftime("%d/%m/%Y") if _is_date(v) else
                        neutralise(v) for v in out[col]]
        elif kind == "number":
            out[col] = [v.replace(".", ",") if _is_number(v) else neutralise(v) for v in out[col]]
        else:
            out[col] = [neutralise(str(v)) for v in out[col]]
    return out


def _is_date(value: str) -> bool:
    return bool(value) and validation.date_or_none(value) is not None


def _is_number(value: str) -> bool:
    return validation.number_or_none(value) is not None


def spreadsheet_titles(columns) -> list[str]:
    """Column titles for people: the guide's French titles (« Date de début »), an unknown
    column's own header. Reading accepts these titles as well as the codes."""
    return [schema.BY_NAME[c].label if c in schema.BY_NAME else c for c in columns]


def to_excel_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that Excel FR opens as it is: UTF-8 with BOM, « ; », French column titles,
    JJ/MM/AAAA, formulas defused."""
    out = _spreadsheet_frame(frame)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(spreadsheet_titles(out.columns))
    writer.writerows(out.astype(str).values.tolist())
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


#: Display formats of typed cells: day first whatever the spreadsheet's language.
XLSX_DATE, XLSX_TIME = "DD/MM/YYYY", "HH:MM"


def _xlsx_value(kind: str, value: str):
    """(cell value, number format): a real date, time or number where the text reads as
    one, else the text itself (format None)."""
    if value:
        if kind == "date" and (date := validation.date_or_none(value)):
            return date, XLSX_DATE
        if kind == "time":
            with contextlib.suppress(ValueError):
                return validation.parse_time(value), XLSX_TIME
        if kind == "number" and (number := validation.number_or_none(value)) is not None:
            return number, "General"
    return value, None


def to_xlsx_bytes(frame: pd.DataFrame) -> bytes:
    """The workbook staff open in Excel or LibreOffice: French column titles, real date and
    time cells shown day first (JJ/MM/AAAA, HH:MM) so they sort and filter as dates, numbers
    as numbers, columns as wide as their content, the title row frozen with filters. Every
    other cell is text, never a formula (a formula sign keeps Excel's quotePrefix)."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    out = validation.normalise(frame)
    columns = list(out.columns)
    kinds = [schema.BY_NAME[c].kind if c in schema.BY_NAME else "text" for c in columns]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "relais"
    titles = spreadsheet_titles(columns)
    sheet.append(titles)
    widths = [len(t) for t in titles]
    for values in out.astype(str).values.tolist():
        row = []
        for i, (kind, value) in enumerate(zip(kinds, values)):
            value, number_format = _xlsx_value(kind, value)
            if number_format is None:
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # XLSX cannot hold them
            shown = {XLSX_DATE: 10, XLSX_TIME: 5}.get(number_format) or max(
                (len(line) for line in str(value).splitlines()), default=0)
            widths[i] = max(widths[i], shown)
            row.append((value, number_format))
        sheet.append([v for v, _ in row])
        for cell, (value, number_format) in zip(sheet[sheet.max_row], row):
            if number_format:
                cell.number_format = number_format
            else:
                cell.data_type = "s"  # never a formula, whatever the text
                # and still text once edited in Excel, with no apostrophe shown (quotePrefix)
                if isinstance(value, str) and value.startswith(_FORMULA_START):
                    cell.quotePrefix = True
    for cell in sheet[1]:
        cell.data_type, cell.font = "s", Font(bold=True)
    for i, width in enumerate(widths, start=1):  # characters of the default font, bounded
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width, 6), 60) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


class Store:
    """Reads and writes one CSV file, with history, locking and conflict detection.

    The local storage; :class:`cufmap.storage.gitstore.GitStore` offers the same methods on a Git
    remote (:func:`open_store` picks one)."""

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

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
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
            _atomic_write(self.path, data)
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
        _atomic_write(self.history / f"{stamp}-{safe_author}-{key[:16]}.csv", data,
                      mode=_file_mode(self.path))  # readable by whoever reads the data file

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


def _file_mode(path: Path) -> int:
    """``path``'s permission bits, or those a new file gets under the current umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically. The new file keeps the old one's mode and owner
    (``mkstemp`` would leave it 0600, cutting off a backup or a static publisher), or takes
    ``mode`` when given."""
    try:
        old = os.stat(path)
    except OSError:
        old = None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if old is not None and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(PermissionError):  # only root may give a file away
                    os.fchown(fh.fileno(), old.st_uid, old.st_gid)
            os.fchmod(fh.fileno(), mode if mode is not None else _file_mode(path))
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


#: Staff read times in the relay's own time zone, whatever the server's (a container: UTC).
PARIS = ZoneInfo("Europe/Paris")


def paris_time(when: dt.datetime) -> dt.datetime:
    """``when`` in Paris time (a naive time is UTC, as the history's file names are)."""
    return (when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)).astimezone(PARIS)


def open_store(data: str | os.PathLike, places: str | os.PathLike, settings=None):
    """The storage the settings name: a Git remote (:class:`cufmap.storage.gitstore.Settings`) or,
    without one, the local file."""
    if settings is None:
        return Store(data)
    from cufmap.storage.gitstore import GitStore

    return GitStore(settings, data, places)
