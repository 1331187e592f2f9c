"""Storage never loses an edit: atomic saves, history, conflicts, safe exports."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from cufmap.errors import ConflictError, InvalidData, UnknownVersion
from cufmap.relay import reading
from cufmap.storage.local import Store
from cufmap.storage.spreadsheets import to_csv_bytes, to_excel_csv_bytes, to_xlsx_bytes


def test_save_then_load_round_trip(relay_copy):
    store = Store(relay_copy)
    snap = store.load()
    frame = snap.frame.copy()
    frame.loc[0, "titre"] = "Titre modifié"
    version = store.save(frame, snap.version, author="test")
    again = store.load()
    assert again.version == version
    assert again.frame.loc[0, "titre"] == "Titre modifié"


def test_invalid_data_is_refused_and_file_untouched(relay_copy):
    before = relay_copy.read_bytes()
    store = Store(relay_copy)
    snap = store.load()
    frame = snap.frame.copy()
    frame.loc[2, "date_debut"] = "31/02/2025"
    with pytest.raises(InvalidData) as info:
        store.save(frame, snap.version)
    assert "Ligne 4, colonne Date de début : « 31/02/2025 »" in str(info.value)
    assert relay_copy.read_bytes() == before
    assert store.versions() == []


def test_conflicting_save_is_refused(relay_copy):
    alice, bob = Store(relay_copy), Store(relay_copy)
    a, b = alice.load(), bob.load()
    fa, fb = a.frame.copy(), b.frame.copy()
    fa.loc[0, "titre"] = "Version d'Alice"
    fb.loc[1, "titre"] = "Version de Bob"
    alice.save(fa, a.version, author="alice")
    with pytest.raises(ConflictError, match="Quelqu'un d'autre a enregistré"):
        bob.save(fb, b.version, author="bob")
    assert Store(relay_copy).load().frame.loc[0, "titre"] == "Version d'Alice"
    # Bob reloads, reapplies his edit, and saves without losing Alice's.
    b2 = bob.load()
    fb2 = b2.frame.copy()
    fb2.loc[1, "titre"] = "Version de Bob"
    bob.save(fb2, b2.version, author="bob")
    final = Store(relay_copy).load().frame
    assert list(final.loc[:1, "titre"]) == ["Version d'Alice", "Version de Bob"]


# Loads, says so, then waits (blocked on its stdin, not spinning) for the word to save.
_WRITER = textwrap.dedent("""
    import sys
    from cufmap.storage.local import Store
    store = Store(sys.argv[1])
    snap = store.load()
    print("loaded", flush=True)
    assert sys.stdin.readline() == "go\\n"
    frame = snap.frame.copy()
    frame.loc[0, "titre"] = "écrit par " + sys.argv[2]
    try:
        store.save(frame, snap.version, author=sys.argv[2])
        print("saved")
    except Exception as exc:
        print(type(exc).__name__)
""")

# A writer whose disk writes are slowed down (64 KiB every 10 ms) and announced, so that the
# test can kill it for sure in the middle of writing the data file itself.
_SLOW_WRITER = textwrap.dedent("""
    import builtins, io, os, sys, time
    from cufmap.storage.local import Store

    class Slow:
        def __init__(self, fh, name):
            self.fh, self.name = fh, name
        def write(self, data):
            if ".historique" not in self.name:
                print("writing", self.name, flush=True)
            for i in range(0, len(data), 65536):
                self.fh.write(data[i:i + 65536])
                self.fh.flush()
                time.sleep(0.01)
            return len(data)
        def __getattr__(self, attr):
            return getattr(self.fh, attr)
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return self.fh.__exit__(*exc)

    def slowed(opener):
        def open_(file, mode="r", *args, **kwargs):
            fh = opener(file, mode, *args, **kwargs)
            if "w" in mode and "b" in mode:
                name = os.readlink(f"/proc/self/fd/{fh.fileno()}")
                return Slow(fh, name)
            return fh
        return open_

    builtins.open = io.open = slowed(io.open)
    os.fdopen = slowed(os.fdopen)
    store = Store(sys.argv[1])
    snap = store.load()
    frame = snap.frame.copy()
    for i in range(7):  # about 4 MB to write, each cell within the 32,767-character limit
        frame[f"annexe_{i}"] = ["N" * 30_000] * len(frame)
    store.save(frame, snap.version)
""")


def test_two_processes_saving_at_the_same_instant(relay_copy):
    """Two real processes load the same version, wait at a barrier (their stdin) until both
    have loaded, then save at once: one is saved, the other refused, whatever the load."""
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, relay_copy, who],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for who in ("alice", "bob")]
    for p in procs:  # the barrier: both have loaded the same version, neither has saved
        assert p.stdout.readline().strip() == "loaded"
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    results = sorted(p.communicate(timeout=60)[0].strip() for p in procs)
    assert results == ["ConflictError", "saved"]
    assert Store(relay_copy).load().frame.loc[0, "titre"] in ("écrit par alice", "écrit par bob")


@pytest.mark.parametrize("delay", [0.0, 0.1, 0.3, 0.6])
def test_killed_writer_leaves_a_whole_file(relay_copy, delay):
    """SIGKILL a real process while it writes the data file: the old file stays whole."""
    original = relay_copy.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, relay_copy],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("writing") and "relais.csv" in line, line
    time.sleep(delay)  # the whole write takes about 0.7 s
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert relay_copy.read_bytes() == original
    Store(relay_copy).save(Store(relay_copy).load().frame, Store(relay_copy).current_version())
    assert not list(relay_copy.parent.glob(".relais.csv.*.tmp")), "stale temporary file"


def test_history_keeps_every_version_and_restore_is_a_new_version(relay_copy):
    store = Store(relay_copy)
    original = store.load()
    frame = original.frame.copy()
    frame.loc[0, "titre"] = "Première modification"
    v1 = store.save(frame, original.version, author="alice")
    frame.loc[0, "titre"] = "Seconde modification"
    v2 = store.save(frame, v1, author="bob")
    versions = store.versions()
    assert len(versions) == 3  # original (kept before the first save), v1, v2
    assert versions[0].digest == v2[:16] and versions[0].author == "bob"
    oldest = versions[-1]
    assert store.read_version(oldest.ident).loc[0, "titre"] == original.frame.loc[0, "titre"]
    v3 = store.restore(oldest.ident, v2, author="carole")
    assert store.load().frame.loc[0, "titre"] == original.frame.loc[0, "titre"]
    assert v3 == original.version
    versions = store.versions()
    assert len(versions) == 4  # the restore is a version of its own, on top
    assert versions[0].author == "carole" and versions[0].digest == original.version[:16]
    with pytest.raises(ConflictError):
        store.restore(versions[2].ident, v2)
    with pytest.raises(UnknownVersion):
        store.read_version("../../etc/passwd")


def test_excel_exports_neutralise_formulas_but_data_keeps_the_text(relay_copy):
    store = Store(relay_copy)
    snap = store.load()
    frame = snap.frame.copy()
    frame.loc[0, "description"] = "=HYPERLINK(\"http://evil\";\"clic\")"
    frame.loc[1, "titre"] = "@SUM(1+1)"
    frame.loc[2, "note"] = "+33 1 53 41 81 81"
    frame.loc[3, "lat"], frame.loc[3, "lon"] = "-21.1", "55.5"
    store.save(frame, snap.version)
    assert "=HYPERLINK" in store.load().frame.loc[0, "description"]  # stored as typed

    csv_text = to_excel_csv_bytes(store.load().frame).decode("utf-8")
    assert csv_text.startswith("\ufeffIdentifiant;Date de début;")
    assert ";'=HYPERLINK(" in csv_text.replace('"\'=', ";'=")
    assert "'@SUM(1+1)" in csv_text and "'+33 1 53 41 81 81" in csv_text
    assert ";-21,1;55,5;" in csv_text  # numbers stay numbers, French decimal comma
    assert "01/04/2025" in csv_text

    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(store.load().frame))).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    # the text as typed, no visible apostrophe; Excel keeps it text even when edited
    formula = next(c for c in cells if c.value == "=HYPERLINK(\"http://evil\";\"clic\")")
    assert formula.quotePrefix and formula.data_type == "s"
    assert next(c for c in cells if c.value == "@SUM(1+1)").quotePrefix
    assert not next(c for c in cells if c.value == "Identifiant").quotePrefix  # plain stay plain

    # Re-importing an export gives back the staff's text exactly.
    for data in (csv_text.encode("utf-8"), to_xlsx_bytes(store.load().frame)):
        back = reading.read_bytes(data).frame
        assert back.loc[0, "description"] == frame.loc[0, "description"]
        assert back.loc[1, "titre"] == "@SUM(1+1)"


def test_save_of_empty_store_creates_file(tmp_path, relay_copy):
    frame = Store(relay_copy).load().frame
    store = Store(tmp_path / "nouveau" / "relais.csv")
    assert store.load().version == ""
    store.save(frame, "")
    assert (tmp_path / "nouveau" / "relais.csv").read_bytes() == to_csv_bytes(frame)


def test_history_times_are_paris_time_whatever_the_server(relay_copy):
    import datetime as dt

    store = Store(relay_copy)
    snap = store.load()
    store.save(snap.frame, snap.version, author="test")
    saved = store.versions()[0].saved_at
    assert str(saved.tzinfo) == "Europe/Paris"
    now = dt.datetime.now(dt.timezone.utc)
    assert abs((saved - now).total_seconds()) < 120  # the same instant, shown in Paris time
