"""The places file (``data/lieux.csv``) as data, like the stages file: read within its own
budget (:data:`cufmap.relay.budget.PLACES`: 5 MB, 50,000 rows, 50 columns, 2,000 characters a
cell), checked row by row, and refused whole when it cannot be trusted -- then the last valid
version stays in use (on disk with the Git storage, in memory for the local file) and the
editing page says why.

The geocoding chain reads it (:class:`cufmap.places.geocoding.PlacesFile`); the Git storage checks
each version the remote brings (:func:`problem`) before copying it over the local file.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache

from cufmap.errors import UnreadableTable, os_message
from cufmap.relay import budget

log = logging.getLogger(__name__)

LIMITS = budget.PLACES
COLUMNS = ("nom", "pays", "type", "statut", "lat", "lon", "nom_trouve", "type_trouve",
           "source", "voir", "note", "maj")


@dataclass(frozen=True)
class Places:
    rows: list[dict]  # every row with a name, every column of COLUMNS present
    errors: list[str]  # French sentences, row and column included

    @property
    def problem(self) -> str:
        """"" when the file can be used; else what is wrong, in French."""
        if not self.errors:
            return ""
        more = f" (et {len(self.errors) - 3} autre(s))" if len(self.errors) > 3 else ""
        return f"{len(self.errors)} erreur(s) : " + " ; ".join(self.errors[:3]) + more + "."


def parse(data: bytes) -> Places:
    """The rows of a places file and its errors; :class:`UnreadableTable` (French) when it
    cannot be read as a table at all (past its budget, binary, no « nom » column)."""
    from cufmap.relay.reading import read_plain_table
    from cufmap.relay.validation import control_characters, parse_number

    header, rows = read_plain_table(data, LIMITS)
    if rows and "nom" not in header:
        raise UnreadableTable("La première ligne du fichier des lieux doit nommer la colonne "
                              "« nom » (puis pays, type, lat, lon, voir…).")
    errors: list[str] = []
    out = []
    for number, row in enumerate(rows, start=2):
        for column, value in row.items():
            if control_characters(value, multiline=False):
                errors.append(f"ligne {number}, colonne {column} : caractère de contrôle "
                              "invisible")
        lat, lon = row.get("lat", ""), row.get("lon", "")
        if lat or lon:
            for column, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
                try:
                    ok = -bound <= parse_number(value) <= bound
                except ValueError:
                    ok = False
                if not ok:
                    errors.append(f"ligne {number}, colonne {column} : « {value[:20]} » n'est "
                                  f"pas un nombre entre -{bound} et {bound}")
        if row.get("nom"):
            out.append({**dict.fromkeys(COLUMNS, ""), **row})
    return Places(out, errors)


def problem(data: bytes) -> str:
    """Why ``data`` cannot serve as the places file ("" when it can)."""
    try:
        return parse(data).problem
    except UnreadableTable as exc:
        return str(exc)


def load(path) -> tuple[list[dict], str]:
    """The rows of the places file at ``path`` and, when it cannot be used, why ("" when it
    can; its rows are then []). A file that cannot be opened at all (a folder in its place,
    permissions) raises :class:`UnreadableTable`, as the stages file does."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > LIMITS.file_bytes:  # refused unread
                return [], (f"Le fichier des lieux fait {budget.megabytes_fr(size)} (limite "
                            f"{budget.megabytes_fr(LIMITS.file_bytes)}).")
            data = fh.read(LIMITS.file_bytes + 1)
    except OSError as exc:
        raise UnreadableTable(os_message(path, exc)) from None
    try:
        places = parse(data)
    except UnreadableTable as exc:
        return [], str(exc)
    return (places.rows, "") if not places.errors else ([], places.problem)


def local_problem(path) -> str:
    """What the editing page says about the local places file ("" when all is well)."""
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return _local_problem(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _local_problem(path: str, mtime: int, size: int) -> str:
    try:
        _, why = load(path)
    except UnreadableTable as exc:
        why = str(exc)
    if not why:
        return ""
    return (f"Le fichier des lieux ({os.path.basename(path)}) n'est pas utilisé : {why} La "
            "carte place les lieux sans lui (gazetteer), avec la dernière version valide lue. "
            "Corrigez-le, ou choisissez un lieu (onglet Lieux) : sa dernière version valide "
            "sera réécrite.")
