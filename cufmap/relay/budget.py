"""Read budgets: what a table may become in memory, whatever its size on disk says.

Every reader goes through here: the relay's file (CSV or XLSX) whether it comes from an upload,
``cufmap validate``, the local file or a commit on the Git remote, and the places file. A
budget counts what the reader *materialises* -- rows, columns, cells, characters in a cell and
characters in all -- and stops the read as soon as one is passed, with a French message naming
the row and the column.

A workbook is checked before the Rust reader (calamine) sees it, by streaming its XML with
expat: the shared strings first (only their lengths are kept), then each sheet, adding up the
characters every cell would hold. calamine builds the whole sheet at once, copying a shared
string into every cell that names it: one 15 MB string named by 8,000 cells asks it for
120 GB, and a sheet with one cell at A1 and one at XFD1048576 for a dense grid of 17 billion
cells. Neither can be stopped from outside once calamine has started, so neither reaches it.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from array import array
from dataclasses import dataclass

from cufmap.errors import UnreadableTable


@dataclass(frozen=True)
class Limits:
    """What one table may expand to (a relay has tens of stages; the Atlas of decentralised
    cooperation, about 12,100 partnerships, fits well inside)."""

    rows: int = 50_000
    cells: int = 1_000_000
    columns: int = 200
    cell_characters: int = 32_767  # Excel's own limit for one cell
    characters: int = 10_000_000  # every cell's text added up
    file_bytes: int = 20 * 2**20  # the file itself, read whole before parsing
    uncompressed: int = 16 * 2**20  # XLSX: its parts once unzipped (the Atlas: about 10 MB)
    kind: str = "un relais"  # what the messages compare the file to (« bien plus qu'… »)


#: The relay's file, wherever it comes from.
LIMITS = Limits()

#: The places file (``data/lieux.csv``): one row per place, a dozen columns; the Atlas's
#: 15,000 places take about 2 MB.
PLACES = Limits(rows=50_000, cells=1_000_000, columns=50, cell_characters=2_000,
                characters=5_000_000, file_bytes=5 * 2**20, kind="un fichier des lieux")


def _n(number: int) -> str:
    """12 345 (narrow no-break space), as staff read figures."""
    return f"{number:,}".replace(",", "\u202f")


def megabytes_fr(size: int) -> str:
    """A size as staff read it: « 20 Ko », « 1,4 Mo », « 16 Mo » (kibi-, mébioctets, French
    decimal comma)."""
    mo = size / 2**20
    if mo < 0.1:
        return f"{max(1, round(size / 1024))} Ko"
    text = f"{mo:.1f}".replace(".", ",") if mo < 10 else f"{mo:.0f}"
    return text.removesuffix(",0") + " Mo"


def column_letters(number: int) -> str:
    """1 -> A, 27 -> AA: the column as a spreadsheet names it."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


_NOTHING = "Vérifiez que c'est le bon fichier ; rien n'a été modifié."


class Budget:
    """A running count of what a reader has materialised; raises :class:`UnreadableTable`
    (French, with the row and column) as soon as a limit is passed."""

    def __init__(self, limits: Limits = LIMITS):
        self.limits = limits
        self.cells = 0
        self.characters = 0

    def size(self, size: int) -> None:
        """The file itself holds ``size`` bytes."""
        if size > self.limits.file_bytes:
            raise UnreadableTable(
                f"Le fichier fait {megabytes_fr(size)} (limite "
                f"{megabytes_fr(self.limits.file_bytes)}) : bien plus qu'{self.limits.kind}. "
                + _NOTHING)

    def row(self, number: int) -> None:
        """Row ``number`` exists (spreadsheet numbering: the header is row 1)."""
        if number > self.limits.rows + 1:
            raise UnreadableTable(
                f"Le fichier compte plus de {_n(self.limits.rows)} lignes : bien plus qu'"
                f"{self.limits.kind}. " + _NOTHING)

    def width(self, number: int, width: int) -> None:
        """Row ``number`` reaches column ``width``."""
        if width > self.limits.columns:
            raise UnreadableTable(
                f"La ligne {number} compte {_n(width)} colonnes ({_n(self.limits.columns)} au "
                "plus). Vérifiez le séparateur ou "
                "supprimez les colonnes en trop ; rien n'a été modifié.")

    def add_cells(self, number: int, count: int) -> None:
        """``count`` more cells, reached at row ``number``."""
        self.cells += count
        if self.cells > self.limits.cells:
            raise UnreadableTable(
                f"Le fichier compte plus de {_n(self.limits.cells)} cellules (ligne {number}) : "
                f"bien plus qu'{self.limits.kind}. Vérifiez que c'est le bon fichier (colonnes "
                "en trop ?) ; rien n'a été modifié.")

    def cell(self, row: int, column: int, length: int) -> None:
        """The cell at ``row``, ``column`` (1-based) holds ``length`` characters."""
        if length > self.limits.cell_characters:
            raise UnreadableTable(
                f"Ligne {row}, colonne {column_letters(column)} : la cellule compte "
                f"{_n(length)} caractères ({_n(self.limits.cell_characters)} au plus, la limite "
                "d'Excel). Raccourcissez-la ; rien n'a été modifié.")
        self.add_characters(row, length)

    def add_characters(self, row: int, count: int) -> None:
        self.characters += count
        if self.characters > self.limits.characters:
            raise UnreadableTable(
                f"Le fichier compte plus de {_n(self.limits.characters)} caractères (ligne "
                f"{row}) : bien plus qu'{self.limits.kind}. " + _NOTHING)

    def record(self, number: int, cells: list[str]) -> None:
        """A parsed CSV row, number ``number``."""
        self.row(number)
        self.width(number, len(cells))
        self.add_cells(number, len(cells))
        total = sum(map(len, cells))
        if total > self.limits.cell_characters:  # one of them may be too long: which?
            for column, value in enumerate(cells, start=1):
                if len(value) > self.limits.cell_characters:
                    self.cell(number, column, len(value))
        self.add_characters(number, total)


def bounded(rows, limits: Limits = LIMITS) -> list[list[str]]:
    """The rows of ``rows`` (lists of text), refused as soon as they pass a budget."""
    budget = Budget(limits)
    out = []
    for number, row in enumerate(rows, start=1):
        budget.record(number, row)
        out.append(row)
    return out


def check_size(size: int, limits: Limits = LIMITS) -> None:
    """A file of ``size`` bytes, before it is read or decoded."""
    Budget(limits).size(size)


# --- Workbooks -------------------------------------------------------------------------------

_REL_WORKSHEET = re.compile(r"/(worksheet|chartsheet|dialogsheet|macrosheet)$")
_REF = re.compile(r"([A-Za-z]{1,4})(\d{1,9})$")


def check_workbook(data: bytes, limits: Limits = LIMITS) -> None:
    """Refuse (:class:`UnreadableTable`) a workbook that would pass ``limits`` once read,
    without building any of it: declared sizes first, then the XML streamed."""
    budget = Budget(limits)
    budget.size(len(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            expanded = sum(info.file_size for info in infos.values())
            if expanded > limits.uncompressed:
                raise UnreadableTable(
                    f"Ce classeur fait {megabytes_fr(len(data))} mais se décompresse en "
                    f"{megabytes_fr(expanded)} (limite {megabytes_fr(limits.uncompressed)}) : "
                    f"bien plus qu'{limits.kind}. " + _NOTHING)
            if "xl/workbook.xml" not in infos:
                raise UnreadableTable(
                    "Ce fichier n'est pas un classeur Excel (.xlsx). Enregistrez-le depuis "
                    "Excel ou LibreOffice au format XLSX ou CSV.")
            lengths = array("q")
            for name in _shared_strings_parts(archive, infos):
                with archive.open(name) as part:
                    _merge_max(lengths, _shared_lengths(part))
            for name in _sheet_parts(archive, infos):
                with archive.open(name) as part:
                    _scan_sheet(part, lengths, Budget(limits))
    except UnreadableTable:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableTable("Ce classeur Excel est illisible ou endommagé "
                              f"({type(exc).__name__}). Réenregistrez-le depuis Excel.") from None


def _targets(archive: zipfile.ZipFile, infos: dict, kind: re.Pattern) -> list[str]:
    """Parts the workbook's relationships name with a type matching ``kind``."""
    rels = "xl/_rels/workbook.xml.rels"
    if rels not in infos:
        return []
    found: list[str] = []

    def start(name, attrs):
        if name.rpartition(":")[2] == "Relationship" and kind.search(attrs.get("Type", "")):
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
            found.append(path)

    with archive.open(rels) as part:
        _parse(part, start=start)
    return found


def _sheet_parts(archive, infos) -> list[str]:
    named = _targets(archive, infos, _REL_WORKSHEET)
    usual = [n for n in infos if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    return [n for n in dict.fromkeys([*named, *usual]) if n in infos]


def _shared_strings_parts(archive, infos) -> list[str]:
    named = _targets(archive, infos, re.compile(r"/sharedStrings$"))
    usual = [n for n in infos if n.lower() == "xl/sharedstrings.xml"]
    return [n for n in dict.fromkeys([*named, *usual]) if n in infos]


def _merge_max(into: array, other: array) -> None:
    for i, n in enumerate(other):
        if i < len(into):
            into[i] = max(into[i], n)
        else:
            into.append(n)


def _parse(stream, start=None, end=None, text=None) -> None:
    """Stream ``stream`` through expat: no tree built, text delivered in chunks, no DTD (an
    entity could multiply the text; no spreadsheet writes one)."""
    import xml.parsers.expat as expat

    parser = expat.ParserCreate()
    parser.buffer_text = False

    def doctype(*args):
        raise UnreadableTable("Ce classeur contient une déclaration de type de document (DTD), "
                              "qu'Excel et LibreOffice n'écrivent jamais. Réenregistrez-le "
                              "depuis Excel ; rien n'a été modifié.")

    parser.StartDoctypeDeclHandler = doctype
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    try:
        parser.ParseFile(stream)
    except expat.ExpatError:
        raise UnreadableTable("Ce classeur Excel est illisible ou endommagé (XML invalide). "
                              "Réenregistrez-le depuis Excel.") from None


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _shared_lengths(stream) -> array:
    """The length of each shared string, in order (its text is never kept)."""
    lengths = array("q")
    state = [0, 0]  # [inside <t>, current length]

    def start(name, attrs):
        local = _local(name)
        if local == "si":
            state[1] = 0
        elif local == "t":
            state[0] += 1

    def end(name):
        local = _local(name)
        if local == "si":
            lengths.append(state[1])
        elif local == "t":
            state[0] -= 1

    def text(chunk):
        if state[0]:
            state[1] += len(chunk)

    _parse(stream, start, end, text)
    return lengths


def _scan_sheet(stream, shared: array, budget: Budget) -> None:
    """Every cell of a sheet as calamine would build it: a dense grid up to the farthest row
    and column, each cell's text (a shared string at its full length each time it is named)."""
    row = col = max_row = max_col = 0
    kind = ""
    length = 0
    in_value = in_text = False
    index: list[str] = []

    def reach(r: int, c: int) -> None:
        nonlocal max_row, max_col
        if r > max_row:
            budget.row(r)
            max_row = r
        if c > max_col:
            budget.width(r, c)
            max_col = c
        budget.cells = 0
        budget.add_cells(r, max_row * max_col)

    def start(name, attrs):
        nonlocal row, col, kind, length, in_value, in_text
        local = _local(name)
        if local == "c":
            match = _REF.match(attrs.get("r", ""))
            if match:
                col, row = _column_number(match.group(1)), int(match.group(2))
            else:
                col += 1
            reach(row, col)
            kind, length = attrs.get("t", "n"), 0
            index.clear()
        elif local == "v":
            in_value = True
        elif local == "t":
            in_text = True
        elif local == "row":
            r = attrs.get("r", "")
            row, col = (int(r) if r.isdigit() else row + 1), 0
            reach(row, 1)

    def end(name):
        nonlocal in_value, in_text
        local = _local(name)
        if local == "c":
            if kind == "s":
                try:
                    i = int("".join(index))
                except ValueError:
                    i = -1
                n = shared[i] if 0 <= i < len(shared) else 0
            else:
                n = length
            budget.cell(row, col, n)
        elif local == "v":
            in_value = False
        elif local == "t":
            in_text = False

    def text(chunk):
        nonlocal length
        if in_value:
            if kind == "s":
                index.append(chunk)
            else:
                length += len(chunk)
        elif in_text:
            length += len(chunk)

    _parse(stream, start, end, text)


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n
