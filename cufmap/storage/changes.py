"""What changed between two versions of the relay, and how two people's edits combine.

* :func:`diff` / :func:`compare`: rows added, changed (with their columns), removed, and the
  filled cells a new version would empty (:class:`Erasure`, asked before any save);
* :func:`merge`: cell by cell, someone else's saved version with my unsaved edits; the cells
  both changed are :class:`Conflict` s, listed for staff;
* :func:`change_message`: « 2 étapes modifiées, 1 ajoutée », the commit message of a save;
* :func:`merge_places`: the places file of the remote with the places chosen here since.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import pandas as pd

from cufmap.errors import CufmapError
from cufmap.relay import reading, schema, validation


def keyed(frame: pd.DataFrame) -> dict[str, dict]:
    """Rows by id (rows without an id by their position, so they are never merged away)."""
    out = {}
    for i, rec in enumerate(frame.fillna("").astype(str).to_dict("records")):
        out[rec.get("id") or f"(ligne {i + 1} sans identifiant)"] = rec
    return out



@dataclass
class Diff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # id -> columns

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        return (f"{len(self.added)} ligne(s) ajoutée(s), {len(self.changed)} modifiée(s), "
                f"{len(self.removed)} supprimée(s)")

    def report(self) -> list[dict[str, str]]:
        """One line per stage for staff: what happened to it, columns by their French
        titles (« modifiée (Date de début, Type de collectivité) »)."""
        return ([{"Changement": "ajoutée", "Étape": k} for k in self.added] +
                [{"Changement": "modifiée (" + ", ".join(map(validation.title, v)) + ")",
                  "Étape": k} for k, v in self.changed.items()] +
                [{"Changement": "supprimée", "Étape": k} for k in self.removed])



def diff(old: pd.DataFrame, new: pd.DataFrame) -> Diff:
    return compare(old, new)[0]



def compare(old: pd.DataFrame, new: pd.DataFrame,
            before: dict | None = None) -> tuple[Diff, list[Erasure]]:
    """What changed from ``old`` to ``new`` and the filled cells it empties, in one pass
    (``before``: ``old`` already keyed by id, kept by the session across runs)."""
    before = keyed(old) if before is None else before
    after = keyed(new)
    out = Diff(added=[k for k in after if k not in before],
               removed=[k for k in before if k not in after])
    gone = []
    for key, rec in after.items():
        was = before.get(key)
        if was is not None and was != rec:
            cols = [c for c in dict.fromkeys([*was, *rec]) if was.get(c, "") != rec.get(c, "")]
            if cols:
                out.changed[key] = cols
                gone += emptied(key, was, rec)
    return out, gone



#: What emptying a column's cell does to a stage, as the confirmation says it.
_ERASED = {
    "date_debut": "La date de début", "date_fin": "La date de fin",
    "heure_debut": "L'heure de début", "heure_fin": "L'heure de fin",
    "collectivite": "La collectivité hôte", "type_collectivite": "Le type de collectivité",
    "code_insee": "Le code officiel", "co_organisateurs": "Les co-organisateurs",
    "lieu": "Le lieu", "lat": "La latitude", "lon": "La longitude", "titre": "Le titre",
    "format": "Le format", "description": "La description",
    "partenaires": "Les partenaires à l'étranger", "lien": "Le lien", "source": "La source",
    "notes_presentation": "Les notes de présentation", "note": "La note",
}



_FEMININE = {"date_debut", "date_fin", "heure_debut", "heure_fin", "collectivite", "lat",
             "lon", "description", "source", "notes_presentation", "note"}



@dataclass(frozen=True)
class Erasure:
    """A filled cell that a save would empty."""

    ident: str
    column: str
    stage: str  # the stage as staff name it: its host (else its title, else its id)
    value: str  # what would be lost

    def message(self) -> str:
        what = _ERASED.get(self.column, f"La colonne « {self.column} »")
        plural = what.startswith("Les ")
        ending = ("e" if self.column in _FEMININE else "") + ("s" if plural else "")
        return (f"{what} de « {self.stage} » {'seront' if plural else 'sera'} "
                f"effacé{ending}.")



def erasures(old: pd.DataFrame, new: pd.DataFrame) -> list[Erasure]:
    """Every cell filled in ``old`` that ``new`` empties, stage by stage (rows matched by id;
    a removed row is a removal, counted by :func:`diff`)."""
    return compare(old, new)[1]



def emptied(key: str, was: dict, now: dict) -> list[Erasure]:
    """The cells of one stage filled in ``was`` and empty in ``now``."""
    stage = was.get("collectivite") or was.get("titre") or key
    return [Erasure(key, column, stage, value) for column, value in was.items()
            if column != "id" and str(value).strip() and not str(now.get(column, "")).strip()]



class UnconfirmedErasure(CufmapError):
    """A save would empty filled cells and nobody confirmed it: nothing was written."""

    def __init__(self, found: list[Erasure]):
        super().__init__(" ".join(e.message() for e in found) + " Confirmez pour enregistrer : "
                         "rien n'a été modifié.")
        self.erasures = found



@dataclass(frozen=True)
class Conflict:
    ident: str
    column: str  # "" when one side removed the row and the other changed it
    mine: str
    theirs: str

    def message(self) -> str:
        if not self.column:
            return (f"Étape « {self.ident} » : {self.mine} de votre côté, {self.theirs} de "
                    "l'autre ; leur version est gardée.")
        return (f"Étape « {self.ident} », colonne {validation.title(self.column)} : vous aviez écrit "
                f"« {self.mine} », l'autre personne « {self.theirs} » ; leur valeur est gardée, "
                "la vôtre est rappelée ici.")



def merge(base: pd.DataFrame, mine: pd.DataFrame,
          theirs: pd.DataFrame) -> tuple[pd.DataFrame, list[Conflict]]:
    """Three-way merge by id and cell: what only I changed, what only they changed, both kept;
    where we both changed one cell differently, theirs is kept and the conflict reported."""
    b, m, t = keyed(base), keyed(mine), keyed(theirs)
    columns = list(dict.fromkeys([*theirs.columns, *mine.columns]))
    rows, conflicts = [], []
    for key in dict.fromkeys([*t, *m]):
        if key in t and key in m:
            base_rec = b.get(key, {})
            rec = dict(t[key])
            for c in columns:
                old, mv, tv = base_rec.get(c, ""), m[key].get(c, ""), t[key].get(c, "")
                if mv == tv or mv == old:
                    rec[c] = tv
                elif tv == old:
                    rec[c] = mv
                else:
                    rec[c] = tv
                    conflicts.append(Conflict(key, c, mv, tv))
            rows.append(rec)
        elif key in t:  # absent from mine: I removed it, or they added it
            if key in b and t[key] != b[key]:
                conflicts.append(Conflict(key, "", "ligne supprimée", "ligne modifiée"))
                rows.append(t[key])
            elif key not in b:
                rows.append(t[key])
        else:  # absent from theirs: they removed it, or I added it
            if key not in b:
                rows.append(m[key])
            elif m[key] != b[key]:
                conflicts.append(Conflict(key, "", "ligne modifiée", "ligne supprimée"))
    frame = pd.DataFrame(rows, columns=columns, dtype=object).fillna("")
    return frame, conflicts


def _frame(data: bytes | None) -> pd.DataFrame:
    if not data:
        return pd.DataFrame(columns=list(schema.NAMES), dtype=object)
    try:
        return validation.normalise(reading.read_bytes(data, filename="relais.csv").frame)
    except CufmapError:
        return pd.DataFrame(columns=list(schema.NAMES), dtype=object)



def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"



def change_message(old: bytes | None, new: pd.DataFrame) -> str:
    """« 2 étapes modifiées, 1 ajoutée » (what a save changed), in French."""
    d = diff(_frame(old), new)
    parts = [(len(d.changed), "modifiée"), (len(d.added), "ajoutée"),
             (len(d.removed), "supprimée")]
    parts = [(n, w) for n, w in parts if n]
    if not parts:
        return "Enregistrement sans changement"
    first, *rest = parts
    text = f"{_plural(first[0], 'étape')} {_plural(first[0], first[1]).split(' ', 1)[1]}"
    return ", ".join([text, *(_plural(n, w) for n, w in rest)])



def _place_rows(data: bytes | None) -> tuple[list[str], dict[tuple[str, str], dict]]:
    if not data:
        return [], {}
    text = data.decode("utf-8-sig", "replace")
    reader = csv.DictReader(io.StringIO(text))
    rows = {}
    for rec in reader:
        rows[(rec.get("nom", ""), rec.get("pays", ""))] = rec
    return list(reader.fieldnames or []), rows



def merge_places(base: bytes | None, local: bytes, remote: bytes | None
                 ) -> tuple[bytes, list[str]]:
    """The remote's places file with the places changed locally since ``base`` (the local
    one wins on those places only); also the names of those places."""
    if remote is None:
        _, rows = _place_rows(local)
        return local, [n for n, _ in rows]
    b_cols, b = _place_rows(base)
    l_cols, mine = _place_rows(local)
    r_cols, theirs = _place_rows(remote)
    changed = [k for k, rec in mine.items() if b.get(k) != rec]
    if not changed:
        return remote, []
    columns = list(dict.fromkeys([*r_cols, *l_cols]))
    rows = dict(theirs)
    for key in changed:
        rows[key] = mine[key]
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for rec in rows.values():
        writer.writerow({c: rec.get(c) or "" for c in columns})
    return buf.getvalue().encode("utf-8"), [k[0] for k in changed]
