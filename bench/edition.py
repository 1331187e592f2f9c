"""What the editing page costs, on the shipped relay and on a 1,000-stage file.

    python bench/edition.py

Prints: one password check (PBKDF2, 600,000 iterations), the page logic run on every rerun
(table: typed frame, back to text, validation, diff, cells emptied; the one-stage form: the
stage put in the saved version, validated, compared), a save through the store (atomic write,
history), a three-way merge, and checking every place offline (the « Lieux » tab).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cufmap.storage import changes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, runs: int = 5) -> float:
    """Median seconds of ``runs`` calls."""
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def main() -> None:
    from cufmap.app import auth
    from cufmap.editing import session as editing
    from cufmap.places import geocoding
    from cufmap.storage import local

    encoded = auth.hash_password("un mot de passe de banc d'essai")
    print(f"password check: {timed(lambda: auth.check_password('x', encoded), 3) * 1000:.0f} ms")

    tmp = Path(tempfile.mkdtemp())
    shipped = tmp / "relais.csv"
    shutil.copy(ROOT / "data" / "relais.csv", shipped)
    big = tmp / "grand.csv"
    frame = local.Store(shipped).load().frame
    rows = []
    for i in range(50):
        part = frame.copy()
        part["id"] = [f"{v}-{i}" for v in part["id"]]
        rows.append(part)
    import pandas as pd

    pd.concat(rows, ignore_index=True).to_csv(big, index=False)
    for path in (shipped, big):
        data = local.Store(path)
        snap = data.load()

        session = editing.EditingSession.open(data, "banc")
        stage = dict(session.base.iloc[3], titre="Titre du formulaire")

        def rerun(session=session):  # the « Étapes » tab: what the page does with the grid
            typed = editing.to_editor(session.start)
            session.edit(editing.from_editor(typed))  # validation, changes, emptied cells

        def form(session=session, stage=stage):  # the « Une étape » tab, on every rerun
            session.stage_check(stage, stage["id"])

        def save(data=data):
            current = data.load()
            edited = current.frame.copy()
            edited.loc[0, "titre"] = f"Titre {time.perf_counter()}"
            data.save(edited, current.version, author="banc")

        theirs = snap.frame.copy()
        theirs.loc[1, "titre"] = "Leur titre"
        mine = snap.frame.copy()
        mine.loc[2, "lieu"] = "Mon lieu"
        print(f"{path.name} ({len(snap.frame)} stages): page logic per rerun "
              f"{timed(rerun) * 1000:.0f} ms (table) + {timed(form) * 1000:.1f} ms (form), "
              f"save (load, write, history) "
              f"{timed(save) * 1000:.0f} ms, three-way merge "
              f"{timed(lambda: changes.merge(snap.frame, mine, theirs)) * 1000:.0f} ms")

    places = tmp / "lieux.csv"
    shutil.copy(ROOT / "data" / "lieux.csv", places)
    t0 = time.perf_counter()
    chain = geocoding.Chain(places=geocoding.PlacesFile(places))  # loads the gazetteer
    statuses = editing.place_statuses(frame, chain)
    first = time.perf_counter() - t0
    again = timed(lambda: editing.place_statuses(frame, chain), 3)
    print(f"places of the shipped relay ({len(statuses)} distinct, offline): first check "
          f"{first:.2f} s (gazetteer load included), then {again * 1000:.0f} ms")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
