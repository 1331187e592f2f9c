"""The logic of the editing page (``pages/edition.py`` only lays it out).

* :func:`to_editor` / :func:`from_editor`: the stored text frame <-> the frame that
  ``st.data_editor`` edits (text cells, dates day first), read back by the CSV reader's rules,
  never losing a value that does not read (it stays, its reason listed).
* :func:`column_config`: ``st.data_editor`` settings generated from :mod:`cufmap.relay.schema`.
* :func:`table_problems`: validation messages numbered as the editor's rows.
* :func:`diff` and :func:`merge`: what changed between two versions, and a cell-by-cell
  three-way merge when someone else saved meanwhile.
* :func:`read_upload`: an uploaded CSV/XLSX checked and compared before it replaces anything.
* :func:`place_statuses` and :func:`choose_place`: where the geocoding chain puts every host
  and partner, and the staff's choice remembered in the places file.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from cufmap.errors import CufmapError, UnreadableTable
from cufmap.places import geocoding
from cufmap.relay import reading, schema, validation
from cufmap.storage.base import Storage
from cufmap.storage.changes import (
    Diff,
    Erasure,
    UnconfirmedErasure,
    compare,
    diff,
    emptied,
    erasures,
    keyed,
    merge,
)

#: Uploads past this size are refused before being parsed (the relay is a few dozen KB).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


# --- The editor's frame ---------------------------------------------------------------------

def to_editor(frame: pd.DataFrame) -> pd.DataFrame:
    """The stored text frame as ``st.data_editor`` edits it: every schema column present,
    dates as JJ/MM/AAAA, rows numbered from 1 as in the messages.

    Every cell is text (the lists excepted): the grid's typed editors are the browser's own and
    drop without a word what they cannot hold. Its date editor follows the browser's language
    (month first in English: « 27062025 » became the year 62025, then an empty cell); its
    number editor reads « 49,1286 » by the browser's separators. As text, a value is read by
    the rule of the CSV reader (:func:`cufmap.relay.validation.parse_date`, ``parse_number``), and
    one that does not read stays in its cell, its reason listed."""
    out = frame.copy()
    for name in schema.NAMES:
        if name not in out.columns:
            out[name] = ""
    out = out[[*schema.NAMES, *[c for c in out.columns if c not in schema.BY_NAME]]]
    for col in schema.COLUMNS:
        if col.kind == "date":
            out[col.name] = [validation.format_date_fr(v) for v in out[col.name]]
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out


def from_editor(edited: pd.DataFrame) -> pd.DataFrame:
    """Back to canonical text (ISO dates read day first, HH:MM, dot decimals); empty cells
    are empty strings; a value that does not read is kept as typed, for the validation to
    explain."""
    def text(value) -> str:
        if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
            return ""
        if isinstance(value, (dt.datetime, pd.Timestamp)):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float):
            return validation.format_number(value)
        return str(value).strip()

    rows = [{k: text(v) for k, v in rec.items()} for rec in edited.to_dict("records")]
    # rows added and left entirely empty are not rows
    rows = [r for r in rows if any(r.values())]
    out = pd.DataFrame(rows, columns=list(edited.columns), dtype=object).fillna("")
    return validation.normalise(out)


#: Column widths in the editor, in pixels, by kind (description and partners get room).
WIDTHS = {"id": 200, "date": 110, "time": 90, "text": 200, "choice": 190, "code": 100,
          "number": 100, "partners": 320, "url": 220}
INDEX_WIDTH = 50


ROW_HEIGHT = 35  # st.data_editor's rows and header


def editor_height(rows: int) -> int:
    """Every row visible up to 40 (the relay has about twenty), plus the header, a row being
    added and the « add » line; past that the table scrolls."""
    return ROW_HEIGHT * (min(rows, 40) + 3) + 3


def column_width(col: schema.Column) -> int:
    return 360 if col.name == "description" else WIDTHS[col.kind]


def column_config(frame: pd.DataFrame) -> dict:
    """``st.data_editor`` column settings from the schema: labels, French help, required
    cells, choices, date and number editors."""
    import streamlit as st

    config = {"_index": st.column_config.NumberColumn("Ligne", width=INDEX_WIDTH, disabled=True,
                                                      help="Numéro de la ligne, celui des "
                                                           "messages d'erreur.")}
    for col in schema.COLUMNS:
        common = {"label": col.label, "help": f"{col.help} Exemple : {col.example}",
                  "required": col.required, "width": column_width(col)}
        if col.kind == "choice":
            options = list(col.choices) + sorted({v for v in frame.get(col.name, []) if v}
                                                 - set(col.choices))
            config[col.name] = st.column_config.SelectboxColumn(options=options, **common)
        # Dates, times, coordinates, links and ids are text (see :func:`to_editor`); a link
        # is never a clickable link (a cell is never followed). The validation lists a wrong
        # value with its row and the fix; a grid-level pattern would drop it without a word.
        else:
            config[col.name] = st.column_config.TextColumn(**common)
    return config


def table_problems(frame: pd.DataFrame) -> list[validation.Problem]:
    """Problems of the edited table; « Ligne N » is the editor's row N."""
    return validation.validate(frame, lines=list(range(1, len(frame) + 1)),
                               checks=(geocoding.code_check,))


# --- One stage at a time (the form) ---------------------------------------------------------

_ID_STOP = frozenset("ville commune departement region metropole communaute communautes "
                     "conseil departemental regional agglomeration urbaine communes "
                     "collectivite de du des la le l d en et".split())


def suggest_id(host: str, start: str, taken=()) -> str:
    """An id as the shipped ones are made: the host's own name and the date
    (« Ville d'Orléans », 05/06/2025 -> ``orleans-2025-06-05``; no date: ``…-date-a-venir``),
    made unique against ``taken``."""
    from cufmap.text import fold

    words = [w for w in fold(host).split() if w.isascii() and w.isalnum()]
    name = "-".join(w for w in words if w not in _ID_STOP) or "-".join(words) or "etape"
    date = validation.date_or_none(start)
    base = f"{name}-{date.isoformat() if date else 'date-a-venir'}"
    ident, n = base, 2
    while ident in set(taken):
        ident, n = f"{base}-{n}", n + 1
    return ident


def stage_label(record: dict) -> str:
    """How the form's list names a stage: « 26/06/2025 — Ville de Rennes — Parcours… »."""
    date = validation.format_date_fr(record.get("date_debut", "")) or "date à venir"
    title = record.get("titre", "")
    title = title if len(title) <= 50 else title[:49] + "…"
    return " — ".join(x for x in (date, record.get("collectivite", ""), title) if x)


def partners_text(pairs) -> str:
    """Partner rows of the form (name, country) as the column holds them: « Nom (Pays); … »."""
    return "; ".join(f"{name.strip()} ({country.strip()})" if country.strip() else name.strip()
                     for name, country in pairs if name.strip())


# --- Comparing and merging versions ---------------------------------------------------------


# --- Import ---------------------------------------------------------------------------------

@dataclass
class Upload:
    frame: pd.DataFrame  # normalised, ready to save
    problems: list[validation.Problem]
    changes: Diff
    description: str  # encoding and separator, as understood
    before: int = 0  # stages saved before the import
    erasures: list[Erasure] = field(default_factory=list)  # filled cells the file empties

    @property
    def errors(self) -> list[validation.Problem]:
        return validation.errors(self.problems)

    @property
    def removes_most(self) -> bool:
        """The import would remove more than half of the saved stages (a wrong file, a sheet
        cut short): the page asks for an explicit confirmation naming the count."""
        return bool(self.changes.removed) and len(self.changes.removed) * 2 > self.before

    def removal_warning(self) -> str:
        return (f"Cet import supprimerait {len(self.changes.removed)} des {self.before} étapes "
                f"enregistrées (il n'en garde que {self.before - len(self.changes.removed)}). "
                "Est-ce bien le fichier complet ?")


def read_upload(data: bytes, filename: str, current: pd.DataFrame) -> Upload:
    """An uploaded CSV or XLSX, read as Excel and LibreOffice write them, checked and compared
    with ``current``. Raises :class:`UnreadableTable` with a French message."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableTable(
            f"Le fichier fait {reading.megabytes_fr(len(data))}, bien plus que le fichier du "
            f"relais (quelques dizaines de Ko ; limite {reading.megabytes_fr(MAX_UPLOAD_BYTES)}) : "
            "vérifiez que "
            "c'est le bon fichier.")
    table = reading.read_bytes(data, filename=filename)
    frame = validation.normalise(table.frame)
    problems = table.problems + validation.validate_rows(
        table.rows, table.columns, table.lines, table.missing, checks=(geocoding.code_check,))
    kind = "classeur Excel" if filename.lower().endswith((".xlsx", ".xlsm")) else \
        f"CSV {table.encoding}, séparateur « {table.delimiter} »"
    return Upload(frame, problems, diff(current, frame), f"{len(frame)} ligne(s), {kind}",
                  before=len(current), erasures=erasures(current, frame))


# --- Places ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlaceStatus:
    stage: str  # stage id
    role: str  # « hôte » or « partenaire »
    query: geocoding.Query
    result: geocoding.Result

    @property
    def needs_choice(self) -> bool:
        return self.result.status != geocoding.FOUND

    @property
    def label(self) -> str:
        country = f" ({self.query.country})" if self.role == "partenaire" else ""
        return f"{self.query.name}{country}"

    @property
    def key(self) -> str:
        """Stable across reruns, for the widgets about this place."""
        import hashlib

        return hashlib.sha1(f"{self.role}|{self.label}".encode("utf-8")).hexdigest()[:12]


def place_statuses(frame: pd.DataFrame, chain: geocoding.Geocoder,
                   progress=None) -> list[PlaceStatus]:
    """Where the chain puts each host and partner of ``frame``, once per distinct place.
    ``progress(done, total, label)`` is called after each place (the page's progress bar)."""
    from cufmap.relay.stages import stages_from_rows

    todo: dict[tuple, tuple[str, str, geocoding.Query]] = {}
    for stage in stages_from_rows(frame.fillna("").astype(str).to_dict("records")):
        query = geocoding.stage_queries(stage)[-1]  # the host itself
        if stage.lat is None:
            todo.setdefault(("hôte", query.name, query.country), (stage.id, "hôte", query))
        for partner in stage.partners:
            q = geocoding.partner_query(partner)
            todo.setdefault(("partenaire", q.name, q.iso or q.country),
                            (stage.id, "partenaire", q))
    out = []
    for i, (stage_id, role, query) in enumerate(todo.values()):
        out.append(PlaceStatus(stage_id, role, query, chain.geocode(query)))
        if progress:
            progress(i + 1, len(todo), query.name)
    return out


def choose_place(places: geocoding.PlacesFile, query: geocoding.Query, lat: float, lon: float,
                 name: str = "", kind: str = "", how: str = "choix de l'équipe") -> None:
    """Remember the staff's answer for ``query`` in the places file (never asked again)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("Coordonnées hors limites : latitude entre -90 et 90, longitude entre "
                         "-180 et 180.")
    result = geocoding.Result(query, geocoding.FOUND, name=name or query.name, kind=kind,
                              lat=lat, lon=lon, country=query.iso, source=how, confidence=1.0)
    places.remember(result, source="manuel", note=f"{how}, le {dt.date.today():%d/%m/%Y}")


def refresh(statuses: list[PlaceStatus], chosen: PlaceStatus,
            places: geocoding.PlacesFile) -> list[PlaceStatus]:
    """``statuses`` with ``chosen`` answered again from the places file (after a choice)."""
    return [s if s is not chosen else PlaceStatus(s.stage, s.role, s.query,
                                                  places.geocode(s.query) or s.result)
            for s in statuses]


# --- The editing session ----------------------------------------------------------------------

@dataclass
class Edit:
    """What the table in the editor means: its problems and its changes from the version it
    started from; it can be saved when it changes something and has no error."""

    problems: list[validation.Problem]
    changes: Diff
    erasures: list[Erasure] = field(default_factory=list)  # to confirm before saving

    @property
    def errors(self) -> list[validation.Problem]:
        return validation.errors(self.problems)

    @property
    def savable(self) -> bool:
        return not self.errors and not self.changes.empty


def _atomic(method):
    """A session method run under the session's lock. Streamlit may run two scripts of one
    browser session at once (``runner.fastReruns``, on by default: a click starts a new run
    while the stopped one still finishes a button's callback), and each would otherwise see
    the other's change half done: a new editor over the old table, edits of a replaced editor
    saved over the new version (measured: another person's saved cell undone)."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)
    return run


@dataclass
class EditingSession:
    """One person's editing session over a store (the local file or the Git remote, both from
    :func:`cufmap.storage.open_storage`): load, edit, validate, merge, save, conflict. The page
    keeps one in its session state and only lays it out.

    ``publish()`` regenerates the public page after a save and returns a French warning
    ("" when all went well): :meth:`cufmap.publish.publisher.Publisher.publish_now`. Store
    errors (:class:`~cufmap.errors.CufmapError`) other than a conflict reach the caller, the
    edits staying in the session."""

    store: Storage
    author: str = ""
    publish: Callable[[], str] | None = None
    table: int = 0  # generation of the editor: a new one starts from ``start``
    start: pd.DataFrame | None = None  # what the editor shows on load
    base: pd.DataFrame | None = None  # the saved version the edits start from
    version: str = ""
    mine: pd.DataFrame | None = None  # the table as edited, after the last run
    conflicts: list[str] = field(default_factory=list)  # cells changed on both sides (merge)
    conflict: str = ""  # a save refused: someone saved meanwhile
    broken: str = ""  # the saved file cannot be read
    saved: str = ""  # summary of the last save, said once
    public: str = ""  # warning about the public page, said once
    places: list[PlaceStatus] | None = None
    uploads: int = 0  # generation of the upload widget (cleared after an import)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    _keyed_base: tuple | None = field(default=None, repr=False, compare=False)

    @classmethod
    def open(cls, store, author: str = "", publish=None) -> EditingSession:
        """A session on the store's latest version (fetched now from a remote)."""
        session = cls(store, author, publish)
        if store.sync(force=True):
            session._publish()
        session.load()
        return session

    @_atomic
    def follow(self) -> None:
        """On each rerun: news from the remote (at most every 30 s) regenerates the public
        page; the edits stay as they are (:attr:`stale` tells the page)."""
        if self.store.sync():
            self._publish()

    def _publish(self) -> None:
        self.public = self.publish() if self.publish else ""

    @_atomic
    def editor(self) -> tuple[int, pd.DataFrame]:
        """The editor to show: its generation and the table it starts from, read together."""
        return self.table, self.start

    @_atomic
    def load(self, keep_edits: bool = False) -> None:
        """Read the saved version; with ``keep_edits``, one's edits merged onto it (cell by
        cell, conflicts listed). A file that cannot be read leaves an empty table and its
        version: a restore or an import can still replace it."""

        self.table += 1  # a fresh editor over the new start
        self.conflict = ""
        try:
            snapshot = self.store.load()
        except CufmapError as exc:
            self.broken = str(exc)
            self.start = self.base = pd.DataFrame(columns=list(schema.NAMES), dtype=object)
            self.version, self.conflicts, self.mine = self.store.current_version(), [], None
            return
        self.broken = ""
        if keep_edits and self.mine is not None:
            merged, conflicts = merge(self.base, self.mine, snapshot.frame)
            self.start, self.conflicts = merged, [c.message() for c in conflicts]
        else:
            self.start, self.conflicts = snapshot.frame, []
        self.base, self.version = snapshot.frame, snapshot.version
        # One's table is now the new start. Left as it was, a second reload before the page
        # runs again (a double click, a run interrupted and replayed) would merge the table
        # from before the first one over the new base: every cell someone else changed
        # would look changed back by me, and their work would be undone on the next save.
        self.mine = self.start

    @property
    def stale(self) -> bool:
        """Someone saved since this session loaded (and no refused save is pending)."""
        return not self.conflict and self.store.current_version() != self.version

    @_atomic
    def edit(self, mine: pd.DataFrame, table: int | None = None) -> Edit:
        """The editor's table (stored text frame): remembered, validated, compared. From an
        editor of another generation (``table``: one replaced by a reload meanwhile) it is
        not remembered: a save saves the table the current editor shows."""
        if table is None or table == self.table:
            self.mine = mine
        if self._keyed_base is None or self._keyed_base[0] is not self.base:
            self._keyed_base = (self.base, keyed(self.base))  # once per saved version
        changes, emptied_cells = compare(self.base, mine, self._keyed_base[1])
        return Edit(table_problems(mine), changes, emptied_cells)

    @_atomic
    def save(self, frame: pd.DataFrame | None = None, summary: str = "",
             confirmed: bool = False, keep_edits: bool = False) -> bool:
        """Save one's edits (or ``frame``, an import) over the version they started from.
        False, with :attr:`conflict` set, if someone saved meanwhile: nothing is lost.
        A save that empties filled cells needs ``confirmed`` (else
        :class:`UnconfirmedErasure`, nothing written). With ``keep_edits`` (a stage saved
        from the form), the table's unsaved edits stay, merged onto the saved version."""
        from cufmap.errors import ConflictError

        frame = self.mine if frame is None else frame
        emptied = erasures(self.base, frame)
        if emptied and not confirmed:
            raise UnconfirmedErasure(emptied)
        summary = summary or diff(self.base, frame).summary()
        try:
            self.store.save(frame, self.version, author=self.author)
        except ConflictError as exc:
            self.conflict = str(exc) or "conflit"
            return False
        self._saved(summary, keep_edits)
        return True

    @_atomic
    def restore(self, ident: str) -> bool:
        """A former version saved again as a new one (False on a conflict, as :meth:`save`)."""
        from cufmap.errors import ConflictError

        try:
            self.store.restore(ident, self.version, author=self.author)
        except ConflictError as exc:
            self.conflict = str(exc) or "conflit"
            return False
        self._saved("version rétablie")
        return True

    @_atomic
    def import_upload(self, upload: Upload, confirmed: bool = False) -> bool:
        """Replace the stages by an uploaded file (checked by :func:`read_upload`); emptied
        cells need ``confirmed``, as in :meth:`save`."""
        if not self.save(upload.frame, "import : " + upload.changes.summary(), confirmed):
            return False
        self.uploads += 1
        return True

    def stage_change(self, record: dict, replacing: str = "") -> pd.DataFrame:
        """The saved version with one stage added (``replacing`` empty) or replaced (the stage
        whose id was ``replacing``), as the form saves it."""
        row = validation.normalise_row({name: record.get(name, "") for name in schema.NAMES})
        frame = self.base.copy()
        for name in row:
            if name not in frame.columns:
                frame[name] = ""
        at = frame.index[frame["id"] == replacing] if replacing else []
        if len(at):
            for name, value in row.items():
                frame.at[at[0], name] = value
        else:
            frame = pd.concat([frame, pd.DataFrame([row], dtype=object)], ignore_index=True)
        return frame.fillna("")

    def stage_check(self, record: dict, replacing: str = "") -> tuple[bool, list[Erasure]]:
        """What the form's stage changes, cheaply (this stage only, on every run): whether it
        changes anything, and the filled cells it empties."""
        row = validation.normalise_row({name: record.get(name, "") for name in schema.NAMES})
        found = self.base.loc[self.base["id"] == replacing] if replacing else self.base.iloc[:0]
        if found.empty:
            return any(row.values()), []
        was = {k: ("" if v is None else str(v)) for k, v in found.iloc[0].items()}
        return any(was.get(k, "") != v for k, v in row.items()), emptied(replacing, was, row)

    def stage_problems(self, record: dict, replacing: str = "") -> list[validation.Problem]:
        """The problems of the form's stage within the whole table (ids unique, the same host
        twice a day…), numbered as its row of the table."""
        frame = self.stage_change(record, replacing)
        ids = list(self.base["id"]) if "id" in self.base.columns else []
        row = ids.index(replacing) + 1 if replacing in ids else len(frame)
        return [p for p in table_problems(frame) if p.row == row]

    @_atomic
    def save_stage(self, record: dict, replacing: str = "", confirmed: bool = False) -> bool:
        """The form's stage saved over the saved version (one stage added or replaced); the
        table's unsaved edits stay, merged onto the new version."""
        frame = self.stage_change(record, replacing)
        what = "étape modifiée" if replacing else "étape ajoutée"
        saved = self.save(frame, f"{what} : {record.get('id', '')}", confirmed, keep_edits=True)
        new_id = str(record.get("id", "")).strip()
        if saved and replacing and new_id and new_id != replacing:
            from cufmap.editing import marches  # its route and photos follow the new identifier

            if marches.move_media(self.store, replacing, new_id, self.author):
                self._publish()
        return saved

    def _saved(self, summary: str, keep_edits: bool = False) -> None:
        self.load(keep_edits=keep_edits and self.mine is not None and
                  not diff(self.base, self.mine).empty)
        self.saved = summary
        self._publish()

    @_atomic
    def check_places(self, chain: geocoding.Geocoder, progress=None) -> None:
        """Where the chain puts each host and partner of the edited table."""
        self.places = place_statuses(self.mine if self.mine is not None else self.base, chain,
                                     progress)

    @_atomic
    def remember_place(self, places: geocoding.PlacesFile, status: PlaceStatus, lat: float,
                       lon: float, **how) -> None:
        """Staff's answer for a place: kept in the places file (one commit with the Git
        storage), the list refreshed, the public page regenerated."""
        choose_place(places, status.query, lat, lon, **how)
        self.places = refresh(self.places or [], status, places)
        self.store.save_places(self.author)
        self._publish()

    @_atomic
    def take(self, name: str) -> str:
        """A message to say once (``saved``, ``public``), then forgotten."""
        text, value = getattr(self, name), ""
        setattr(self, name, value)
        return text
