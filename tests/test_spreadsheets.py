"""Spreadsheets as Excel and LibreOffice users expect them: the workbook's French titles, real
date and time cells shown day first, fitting widths; and the round trip through LibreOffice
(Debian's ``libreoffice-calc-nogui``) changes nothing."""

import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import pytest

from cufmap.editing import session
from cufmap.relay import reading, schema
from cufmap.storage import local, spreadsheets

from .conftest import DATA

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def relay():
    """The shipped stages, with what the shipped file lacks: positions, a formula-like text on
    two lines, a phone number, an unreadable date kept as typed."""
    frame = local.Store(DATA).load().frame.copy()
    frame.loc[3, "lat"], frame.loc[3, "lon"] = "-21.115141", "55.536384"
    frame.loc[0, "description"] = '=HYPERLINK("http://x")\nsur deux lignes'
    frame.loc[1, "note"] = "+33 1 53 41 81 81"
    return frame


def test_the_workbook_has_french_titles_real_dates_and_fitting_columns(relay):
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx_bytes(relay))).active
    assert [c.value for c in sheet[1]] == [c.label for c in schema.COLUMNS]
    by_title = {c.value: c.column_letter for c in sheet[1]}
    chartres = {title: sheet[f"{letter}12"] for title, letter in by_title.items()}
    assert chartres["Identifiant"].value == "chartres-2025-05-31"
    start = chartres["Date de début"]
    assert start.is_date and start.value == dt.datetime(2025, 5, 31)  # a date Excel sorts
    assert start.number_format == "DD/MM/YYYY"  # shown day first whatever the language
    assert chartres["Heure de début"].value == dt.time(9, 15)
    assert chartres["Heure de début"].number_format == "HH:MM"
    lyon = sheet[f"{by_title['Latitude']}5"]
    assert lyon.value == pytest.approx(-21.115141) and lyon.data_type == "n"
    assert sheet[f"{by_title['Titre']}12"].data_type == "s"
    widths = {title: sheet.column_dimensions[letter].width for title, letter in by_title.items()}
    longest_id = max(len(i) for i in relay["id"])
    assert widths["Identifiant"] == longest_id + 2  # fits its longest value
    assert widths["Date de début"] == len("Date de début") + 2  # its title is the widest
    assert widths["Description"] == 62  # long texts: bounded
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions


def test_a_text_that_is_not_a_date_stays_text_in_the_workbook(relay):
    relay.loc[13, "date_debut"] = "fin juin"
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx_bytes(relay))).active
    assert sheet["B15"].value == "fin juin" and sheet["B15"].data_type == "s"


@pytest.mark.parametrize("header", ["codes", "titres"])
def test_titles_or_codes_are_both_read_as_headers(relay, header):
    text = spreadsheets.to_excel_csv_bytes(relay).decode("utf-8-sig")
    if header == "codes":
        first, rest = text.split("\r\n", 1)
        text = ";".join(schema.NAMES) + "\r\n" + rest
    upload = session.read_upload(text.encode("utf-8"), "relais.csv", relay)
    assert upload.changes.empty and not upload.problems


def soffice(source, target_format, outdir):
    """``soffice --headless --convert-to`` as staff's LibreOffice saves, with its own
    profile (two conversions at once would share one otherwise)."""
    if SOFFICE is None:
        pytest.fail("LibreOffice is required (apt-get install libreoffice-calc-nogui)")
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{outdir}/profil", "--headless",
         "--convert-to", target_format, "--outdir", str(outdir), str(source)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return outdir / (source.stem + "." + target_format.split(":")[0])


def test_the_workbook_survives_libreoffice_unchanged(relay, tmp_path):
    """The download opened and saved by LibreOffice, as CSV (« ; », UTF-8: FIELD-NOTES) and as
    a workbook: the same dates, day first, and importing either changes nothing."""
    book = tmp_path / "relais.xlsx"
    book.write_bytes(spreadsheets.to_xlsx_bytes(relay))
    converted = soffice(book, 'csv:Text - txt - csv (StarCalc):59,34,76,1', tmp_path / "csv")
    text = converted.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].split(";")[:3] == ['"Identifiant"', '"Date de début"', '"Date de fin"']
    chartres = next(line for line in lines if line.startswith('"chartres-2025-05-31"'))
    assert chartres.split(";")[1:5] == ["31/05/2025", "", "09:15", "12:00"]  # day first
    upload = session.read_upload(converted.read_bytes(), converted.name, relay)
    assert upload.changes.empty and not upload.problems and not upload.erasures
    resaved = soffice(book, "xlsx:Calc MS Excel 2007 XML", tmp_path / "xlsx")
    upload = session.read_upload(resaved.read_bytes(), resaved.name, relay)
    assert upload.changes.empty and not upload.problems
    again = reading.read_bytes(resaved.read_bytes()).frame
    assert again.loc[0, "description"] == relay.loc[0, "description"]
