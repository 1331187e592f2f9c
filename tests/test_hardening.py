"""Hardening (issue 14): what an attacker or an accident tries first — forged exports,
unreadable files, permissions — each answered in French, data untouched."""

import csv
import io
import os
import shutil
import stat

import icalendar
import openpyxl
import pytest

from cufmap import files
from cufmap.publish import export as exporting
from cufmap.relay import reading, validation
from cufmap.storage import local, spreadsheets

from .conftest import DATA, ROOT, run_cli

INJECTED = ("https://cites-unies-france.org/\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n"
            "UID:faux@pirate\r\nDTSTART;VALUE=DATE:20250601\r\nSUMMARY:Faux événement\r\n"
            "URL:https://pirate.example")


def _relay_with(tmp_path, **cells) -> "Path":  # noqa: F821
    """A copy of the shipped relay whose first stage has ``cells`` replaced."""
    rows = list(csv.DictReader(io.StringIO(DATA.read_text(encoding="utf-8"), newline="")))
    rows[0].update(cells)
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "relais.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _problems(path):
    table = reading.read_path(path)
    return table.problems + validation.validate_rows(table.rows, table.columns, table.lines,
                                                    table.missing)


# --- 1. Exports that cannot be forged -------------------------------------------------------

def test_a_link_with_line_breaks_is_an_error_and_cannot_add_an_event(tmp_path):
    data = _relay_with(tmp_path, lien=INJECTED)
    errors = validation.errors(_problems(data))
    assert [(p.row, p.column) for p in errors] == [(2, "lien")]
    assert "caractère de contrôle" in errors[0].message
    # forced export: exactly the dated stages, no forged event, no forged property line
    out = tmp_path / "out"
    exporting.export(out, data, ROOT / "data" / "lieux.csv", tiles="aucune",
                     allow_online=False, force=True)
    raw = (out / "relais.ics").read_bytes()
    events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert len(events) == 15
    assert not any("pirate" in str(e.get("uid")) + str(e.get("url", "")) for e in events)
    assert b"Faux" not in raw
    for line in raw.split(b"\r\n"):
        assert b"\r" not in line and b"\n" not in line


def test_a_javascript_link_is_an_error_and_never_reaches_any_export(tmp_path):
    data = _relay_with(tmp_path, lien="javascript:alert(document.domain)")
    errors = validation.errors(_problems(data))
    assert [(p.row, p.column) for p in errors] == [(2, "lien")]
    assert "n'est pas une adresse web" in errors[0].message
    out = tmp_path / "out"
    exporting.export(out, data, ROOT / "data" / "lieux.csv", tiles="aucune",
                     allow_online=False, force=True)
    for name in ("relais.ics", "relais.geojson", "index.html"):
        assert "javascript:alert" not in (out / name).read_text(encoding="utf-8"), name


def test_a_forced_export_never_writes_an_invalid_hour_into_a_date_line(tmp_path):
    data = _relay_with(tmp_path, date_debut="2025-04-03",
                       heure_debut="09:15\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Faux")
    assert any(p.column == "heure_debut" for p in validation.errors(_problems(data)))
    out = tmp_path / "out"
    exporting.export(out, data, ROOT / "data" / "lieux.csv", tiles="aucune",
                     allow_online=False, force=True)
    raw = (out / "relais.ics").read_bytes()
    assert b"Faux" not in raw
    assert len(icalendar.Calendar.from_ical(raw).walk("VEVENT")) == 15


@pytest.mark.parametrize("column,value", [
    ("titre", "Randonnée\x01"), ("titre", "Rando\u2028nnée"), ("collectivite", "Ville\x1bde"),
    ("description", "Texte\x7fici"), ("id", "suippes\t2025"), ("note", "a\x85b"),
])
def test_control_characters_are_refused_in_every_column(tmp_path, column, value):
    errors = validation.errors(_problems(_relay_with(tmp_path, **{column: value})))
    assert any(p.row == 2 and p.column == column and "caractère de contrôle" in p.message
               for p in errors), errors


def test_a_line_break_inside_a_description_stays_allowed_and_is_escaped_in_ics(tmp_path):
    data = _relay_with(tmp_path, description="Première ligne\r\nDTSTART:20990101\rfin")
    assert validation.errors(_problems(data)) == []
    out = tmp_path / "out"
    exporting.export(out, data, ROOT / "data" / "lieux.csv", tiles="aucune",
                     allow_online=False)
    raw = (out / "relais.ics").read_bytes()
    assert b"\r\nDTSTART:2099" not in raw
    events = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert len(events) == 15
    assert any(str(e.get("description", "")).startswith("Première ligne\nDTSTART:20990101\nfin")
               for e in events)


def test_cli_export_refuses_an_invalid_file_unless_forced(tmp_path):
    data = _relay_with(tmp_path, lien=INJECTED)
    env_out = tmp_path / "carte"
    refused = run_cli("export", env_out, "--offline", "--tuiles", "aucune",
                      env={"CUFMAP_DATA": str(data)})
    assert refused.returncode == 1, refused.stderr
    assert "export refusé" in refused.stderr and "--forcer" in refused.stderr
    assert "Ligne 2, colonne Lien" in refused.stderr and "Traceback" not in refused.stderr
    assert not env_out.exists()
    forced = run_cli("export", env_out, "--offline", "--tuiles", "aucune", "--forcer",
                     env={"CUFMAP_DATA": str(data)})
    assert forced.returncode == 0, forced.stderr
    assert len(icalendar.Calendar.from_ical((env_out / "relais.ics").read_bytes())
               .walk("VEVENT")) == 15


def test_spreadsheet_exports_survive_control_characters_and_defuse_formulas():
    frame = reading.read_path(DATA).frame.copy()
    frame.loc[0, "titre"] = "=HYPERLINK(\"http://x\")\x07"
    book = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx_bytes(frame)))
    title = book.active.cell(row=2, column=list(frame.columns).index("titre") + 1)
    assert title.value == "=HYPERLINK(\"http://x\")"  # the bell dropped, the text kept
    assert title.data_type == "s" and title.quotePrefix  # text, never a formula


# --- 4. No traceback: unreadable and unwritable files ----------------------------------------

def _deny(monkeypatch, path, module=reading):
    """Reading ``path`` raises PermissionError, as for a file the server's account cannot read
    (the tests run as root, for whom chmod changes nothing)."""
    real_open = open

    def guarded(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(module, "open", guarded, raising=False)


@pytest.mark.parametrize("kind", ["permission", "directory"])
def test_cli_validate_speaks_french_for_unreadable_paths(tmp_path, monkeypatch, kind):
    from click.testing import CliRunner

    from cufmap import cli

    path = tmp_path / "relais.csv"
    if kind == "directory":
        path.mkdir()
    else:
        path.write_text("id\n", encoding="utf-8")
        _deny(monkeypatch, path)
    result = CliRunner().invoke(cli.main, ["validate", str(path)])
    assert result.exit_code == 2
    assert ("permission refusée" if kind == "permission" else "est un dossier") in result.output
    assert "Permission denied" not in result.output and "Traceback" not in result.output


@pytest.fixture
def edition_page(monkeypatch, tmp_path):
    from cufmap.app import auth

    from .conftest import run_page

    fast = auth.hash_password("bon-mot-de-passe", iterations=1000)
    places = tmp_path / "lieux.csv"
    shutil.copy(ROOT / "data" / "lieux.csv", places)
    monkeypatch.setenv("CUFMAP_PLACES", str(places))
    monkeypatch.setenv("CUFMAP_MOT_DE_PASSE_HASH", fast)
    monkeypatch.chdir(ROOT)

    def open_page(data):
        monkeypatch.setenv("CUFMAP_DATA", str(data))
        at = run_page("pages/edition.py")
        at.text_input(key="ed_name").input("Alice")
        at.text_input(key="ed_password").input("bon-mot-de-passe")
        at.button[0].click().run()
        assert not at.exception
        return at
    return open_page


def test_editing_page_explains_a_directory_in_place_of_the_data_file(edition_page, tmp_path):
    data = tmp_path / "relais.csv"
    data.mkdir()
    at = edition_page(data)
    message = at.error[0].value
    assert "est un dossier" in message and "Traceback" not in message
    assert [t.label for t in at.tabs] == ["Historique", "Importer / exporter"]


def test_editing_page_explains_an_unreadable_data_file(edition_page, tmp_path, monkeypatch):
    data = tmp_path / "relais.csv"
    shutil.copy(DATA, data)
    _deny(monkeypatch, data)
    at = edition_page(data)
    assert "permission refusée" in at.error[0].value
    assert "/" not in at.error[0].value.split("»")[-1]  # no server path beyond the file named


def test_a_save_that_cannot_write_says_so_in_french_and_keeps_the_file(relay_copy, monkeypatch):
    from cufmap.errors import StorageError

    s = local.Store(relay_copy)
    snap = s.load()
    before = relay_copy.read_bytes()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    with pytest.raises(StorageError) as info:
        s.save(snap.frame, snap.version, author="Alice")
    assert "permission refusée" in str(info.value) and "Rien n'a été modifié" in str(info.value)
    assert relay_copy.read_bytes() == before


# --- 5. Files as the operator set them ---------------------------------------------------------

@pytest.fixture
def strict_umask():
    """The server runs with umask 077: modes must come from the file, not from the umask."""
    old = os.umask(0o077)
    yield
    os.umask(old)


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o600])
def test_a_save_keeps_the_data_files_mode_and_history_follows_it(relay_copy, strict_umask,
                                                                mode):
    relay_copy.chmod(mode)
    s = local.Store(relay_copy)
    snap = s.load()
    frame = snap.frame.copy()
    frame.loc[0, "titre"] = "Modifié"
    s.save(frame, snap.version, author="Alice")
    assert stat.S_IMODE(relay_copy.stat().st_mode) == mode
    history = list(s.history.glob("*.csv"))
    assert len(history) == 2 and all(stat.S_IMODE(p.stat().st_mode) == mode for p in history)


def test_a_save_keeps_the_data_files_owner(relay_copy):
    if os.getuid() != 0:
        pytest.skip("only root can give a file to another owner")
    os.chown(relay_copy, 4321, 4321)
    s = local.Store(relay_copy)
    snap = s.load()
    s.save(snap.frame.assign(titre="Modifié"), snap.version)
    assert (relay_copy.stat().st_uid, relay_copy.stat().st_gid) == (4321, 4321)


def test_temporary_files_of_a_killed_save_are_cleaned_in_the_history_too(relay_copy):
    s = local.Store(relay_copy)
    snap = s.load()
    s.history.mkdir(parents=True)
    stale = [s.history / ".20250401T000000-x.csv.abc123.tmp",
             relay_copy.parent / ".relais.csv.def456.tmp"]
    for path in stale:
        path.write_bytes(b"id,titre\nmoitie")
    s.save(snap.frame.assign(titre="Modifié"), snap.version)
    assert not any(p.exists() for p in stale)
    assert [p.name for p in s.history.iterdir() if p.name.startswith(".")] == []


def test_cli_export_into_a_path_that_is_a_file_says_so_in_french(tmp_path):
    target = tmp_path / "carte"
    target.write_text("déjà là", encoding="utf-8")
    result = run_cli("export", target, "--offline", "--tuiles", "aucune")
    assert result.returncode == 2 and "Export impossible" in result.stderr
    assert "Traceback" not in result.stderr


def test_public_map_explains_an_unreadable_places_file(monkeypatch, tmp_path):
    from .conftest import run_page

    places = tmp_path / "lieux.csv"
    places.mkdir()
    monkeypatch.setenv("CUFMAP_DATA", str(DATA))
    monkeypatch.setenv("CUFMAP_PLACES", str(places))
    monkeypatch.chdir(ROOT)
    for script in ("app.py", "pages/presentation.py", "pages/integrer.py"):
        at = run_page(script)
        assert any("est un dossier" in e.value for e in at.error), script
