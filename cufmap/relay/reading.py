"""Read the relay's table from the bytes staff actually produce.

Excel and LibreOffice write comma, semicolon or tab separated files, in UTF-8 (with one or
even two byte-order marks), Windows-1252 or UTF-16, with blank lines, trailing spaces,
columns in any order and headers in any case; or an ``.xlsx`` workbook. All of these give
the same :class:`Table`. Values stay text here; ``validation`` checks and normalises them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass, field

from cufmap.errors import UnreadableTable, os_message
from cufmap.relay import budget, schema
from cufmap.text import FORMULA_START

csv.field_size_limit(10 * 1024 * 1024)

_BOM = "\ufeff"
_SPACES = " \t\r\n\xa0\u202f"


@dataclass
class Table:
    """A table read from a file: canonical columns first, unknown columns kept after.

    ``rows`` are plain dicts of text (no pandas needed to read the relay for the map);
    ``frame`` is the same table as a pandas DataFrame, built on first use.
    """

    rows: list[dict[str, str]]  # every schema column present, "" when empty
    columns: list[str]
    lines: list[int]  # spreadsheet row number of each row (header is row 1)
    encoding: str = "utf-8"
    delimiter: str = ","
    missing: list[str] = field(default_factory=list)  # required columns absent from the header
    problems: list = field(default_factory=list)  # validation.Problem found while reading
    _frame: object = field(default=None, repr=False, compare=False)

    @property
    def frame(self):
        if self._frame is None:
            import pandas as pd

            self._frame = pd.DataFrame(self.rows, columns=self.columns, dtype=object).fillna("")
        return self._frame


Limits = budget.Limits  # what a table may expand to: see cufmap/relay/budget.py
LIMITS = budget.LIMITS
megabytes_fr = budget.megabytes_fr


def read_bytes(data: bytes, filename: str = "", limits: Limits = LIMITS) -> Table:
    """Parse ``data`` (CSV in any of the supported dialects, or XLSX) into a :class:`Table`.
    Raises :class:`UnreadableTable` as soon as what it reads passes ``limits``."""
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm")):
        records = _xlsx_records(data, limits)
        return _table_from_records(records, encoding="xlsx", delimiter="")
    budget.check_size(len(data), limits)
    text, encoding = _decode(data)
    delimiter = _guess_delimiter(text)
    records = _bounded(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), limits)
    return _table_from_records(records, encoding=encoding, delimiter=delimiter)


def _bounded(rows, limits: Limits) -> list[list[str]]:
    """The rows of ``rows``, refused as soon as they pass a budget (a line too long for the
    CSV reader's own limit is a cell past the budget too)."""
    try:
        return budget.bounded(rows, limits)
    except csv.Error as exc:
        raise UnreadableTable(
            f"Ce fichier ne peut pas être lu comme un tableau CSV ({exc}). Une cellule dépasse "
            f"sans doute {limits.cell_characters:,} caractères".replace(",", "\u202f") +
            " ; rien n'a été modifié.") from None


def read_file(path, limits: Limits = LIMITS) -> bytes:
    """The bytes of ``path``; :class:`UnreadableTable` with a French message when the file
    cannot be read (missing, a directory, permissions…) or is larger than ``limits`` allow
    (refused before reading it)."""
    try:
        with open(path, "rb") as fh:
            budget.check_size(os.fstat(fh.fileno()).st_size, limits)
            return fh.read(limits.file_bytes + 1)
    except OSError as exc:
        raise UnreadableTable(os_message(path, exc)) from None


def read_path(path, limits: Limits = LIMITS) -> Table:
    return read_bytes(read_file(path, limits), filename=str(path), limits=limits)


def read_plain_table(data: bytes, limits: Limits = LIMITS
                     ) -> tuple[list[str], list[dict[str, str]]]:
    """A table with its own columns (the places file, a list to geocode), read as tolerantly
    and within the same kind of budget as the relay's: returns snake_case headers and the
    non-blank rows as dicts."""
    from cufmap.text import snake

    budget.check_size(len(data), limits)
    text, _ = _decode(data)
    records = [r for r in _bounded(csv.reader(io.StringIO(text, newline=""),
                                              delimiter=_guess_delimiter(text)), limits)
               if any(c.strip() for c in r)]
    if not records:
        return [], []
    header = [snake(h) for h in records[0]]
    return header, [dict(zip(header, (clean_cell(v) for v in r))) for r in records[1:]]


def _decode(data: bytes) -> tuple[str, str]:
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise UnreadableTable("Le fichier est vide : il doit contenir au moins la ligne d'en-tête "
                              "(id, date_debut, collectivite, titre…).")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").lstrip(_BOM), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise UnreadableTable("Ce fichier n'est pas un tableau texte (contenu binaire). "
                              "Enregistrez-le depuis Excel ou LibreOffice au format CSV ou XLSX.")
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        bom = "utf-8-sig" if text.startswith(_BOM) else encoding
        return text.lstrip(_BOM), bom
    raise UnreadableTable("Encodage non reconnu : enregistrez le fichier en « CSV UTF-8 » "
                          "(Excel) ou « Unicode (UTF-8) » (LibreOffice).")


def _guess_delimiter(text: str) -> str:
    """The separator under which the header names the most schema columns."""
    header = next((line for line in text.splitlines() if line.strip(_SPACES + ",;")), "")
    best, best_score = ",", (-1, -1)
    for delim in (",", ";", "\t", "|"):
        cells = next(csv.reader([header], delimiter=delim), [])
        known = sum(1 for c in cells if schema.canonical_header(c.strip(_SPACES)))
        score = (known, len(cells))
        if score > best_score:
            best, best_score = delim, score
    return best


def _xlsx_records(data: bytes, limits: Limits = LIMITS) -> list[list[str]]:
    import python_calamine  # Rust reader: ten times openpyxl's speed, same values

    def damaged(exc: Exception) -> UnreadableTable:
        return UnreadableTable("Ce classeur Excel est illisible ou endommagé "
                               f"({type(exc).__name__}). Réenregistrez-le depuis Excel.")

    # calamine builds the whole sheet at once and cannot be stopped from outside: the
    # workbook is streamed first, with the budget, and reaches it only within the budget.
    budget.check_workbook(data, limits)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
    except Exception as exc:  # calamine raises several kinds for a damaged workbook
        raise damaged(exc) from None
    try:
        return _bounded(([_xlsx_cell(v) for v in row] for row in sheet.iter_rows()), limits)
    finally:
        book.close()


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def clean_cell(value: str) -> str:
    """Trim spaces; undo the apostrophe that spreadsheet exports put before a formula sign."""
    value = value.strip(_SPACES)
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        value = value[1:]
    return value


def _column_guess(header: str) -> str:
    """« Vouliez-vous dire « Description » ? … » for a header close to a column's name, title
    or alias; "" otherwise."""
    import difflib

    from cufmap.text import fold

    known = {}
    for col in schema.COLUMNS:
        for word in (col.name, col.label, *col.aliases):
            known.setdefault(fold(word).replace("_", " "), col)
    close = difflib.get_close_matches(fold(header).replace("_", " "), list(known), n=1,
                                      cutoff=0.75)
    if not close:
        return ""
    col = known[close[0]]
    return (f" Vouliez-vous dire « {col.label} » ({col.name}) ? Renommez-la ainsi dans la "
            "ligne d'en-tête.")


def _table_from_records(records: list[list[str]], encoding: str, delimiter: str) -> Table:
    from cufmap.relay.validation import Problem

    header_at = next((i for i, r in enumerate(records) if any(c.strip(_SPACES) for c in r)), None)
    if header_at is None:
        raise UnreadableTable("Le fichier ne contient aucune ligne : la première ligne doit "
                              "nommer les colonnes (id, date_debut, collectivite, titre…).")
    headers = [clean_cell(h) for h in records[header_at]]
    names: list[str] = []
    problems: list = []
    seen: dict[str, int] = {}
    for position, header in enumerate(headers):
        canonical = schema.canonical_header(header)
        if canonical and canonical in seen:
            problems.append(Problem(
                "erreur", header_at + 1, canonical, header,
                f"Ligne {header_at + 1} : les colonnes {seen[canonical] + 1} et {position + 1} "
                f"désignent toutes deux « {schema.BY_NAME[canonical].label} » ; supprimez ou "
                "renommez l'une d'elles."))
            canonical = None
        if canonical:
            seen[canonical] = position
            names.append(canonical)
        else:
            name = header or f"colonne_{position + 1}"
            if name in names or name in schema.BY_NAME:
                name = f"{name} ({position + 1})"
            names.append(name)
            if header:  # kept as it is, but the map reads nothing from it: said, with a guess
                problems.append(Problem(
                    "avertissement", header_at + 1, name, header,
                    f"Ligne {header_at + 1}, colonne {position + 1} : « {header[:60]} » n'est "
                    f"pas une colonne du relais ; elle est gardée telle quelle, mais la carte ne "
                    f"la lit pas.{_column_guess(header)}"))
    if not seen:
        expected = ", ".join(c.name for c in schema.COLUMNS if c.required)
        raise UnreadableTable(
            "La première ligne ne nomme aucune colonne du relais "
            f"(lu : « {'; '.join(h[:30] for h in headers[:6])} »). Colonnes attendues au moins : "
            f"{expected}. Voir docs/guide-de-saisie.md.")
    # Keep unknown columns after the schema ones, in their order.
    extras = [n for n, h in zip(names, headers) if n not in schema.BY_NAME]
    ordered = [c for c in schema.NAMES if c in seen] + extras
    rows, lines = [], []
    for number, record in enumerate(records[header_at + 1:], start=header_at + 2):
        cells = [clean_cell(c) for c in record]
        if not any(cells):
            continue
        if len(cells) > len(names) and any(cells[len(names):]):
            problems.append(Problem(
                "avertissement", number, "", "",
                f"Ligne {number} : {len(cells) - len(names)} valeur(s) au-delà de la dernière "
                "colonne nommée, ignorée(s). Vérifiez le séparateur ou ajoutez un en-tête."))
        row = dict.fromkeys(ordered, "")
        row.update(zip(names, cells))
        rows.append(row)
        lines.append(number)
    columns = [*schema.NAMES, *extras]  # absent optional columns are simply empty
    rows = [{c: row.get(c, "") for c in columns} for row in rows]
    missing = [c.name for c in schema.COLUMNS if c.required and c.name not in seen]
    return Table(rows=rows, columns=columns, lines=lines, encoding=encoding,
                 delimiter=delimiter, missing=missing, problems=problems)
