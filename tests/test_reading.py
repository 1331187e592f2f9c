"""Reading accepts what Excel and LibreOffice write, and gives the same rows."""

import csv
import io

import pandas as pd
import pytest

from cufmap.relay import reading, validation
from cufmap.storage.local import Store
from cufmap.storage.spreadsheets import to_csv_bytes

from .conftest import DATA


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return Store(DATA).load().frame


def _write(frame: pd.DataFrame, delimiter=",", encoding="utf-8", bom="", dates="iso",
           columns=None, header_case=str, blank_lines=False, padding="") -> bytes:
    frame = frame.copy()
    if dates != "iso":
        fmt = {"dmy": "%d/%m/%Y", "dmy2": "%d/%m/%y"}[dates]
        for col in ("date_debut", "date_fin"):
            frame[col] = [validation.parse_date(v).strftime(fmt) if v else "" for v in frame[col]]
    columns = columns or list(frame.columns)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([header_case(c) for c in columns])
    for i, values in enumerate(frame[columns].values.tolist()):
        if blank_lines and i % 3 == 0:
            buf.write("\r\n")
        writer.writerow([f"{v}{padding}" if v else v for v in values])
    if blank_lines:
        buf.write("\r\n\r\n")
    return bom.encode("utf-8") + buf.getvalue().encode(encoding)


def _same(frame_a: pd.DataFrame, frame_b: pd.DataFrame) -> None:
    a = validation.normalise(frame_a).reset_index(drop=True)
    b = validation.normalise(frame_b)[list(a.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding,bom", [("utf-8", ""), ("utf-8", "\ufeff"),
                                          ("utf-8", "\ufeff\ufeff"), ("cp1252", "")])
def test_separators_and_encodings_give_the_same_rows(shipped, delimiter, encoding, bom):
    data = _write(shipped, delimiter=delimiter, encoding=encoding, bom=bom)
    table = reading.read_bytes(data)
    assert table.delimiter == delimiter
    _same(shipped, table.frame)
    assert "Sabiñánigo (Espagne); Petersberg (Allemagne)" in set(table.frame["partenaires"])


def test_utf16_unicode_text_from_excel(shipped):
    data = _write(shipped, delimiter="\t", encoding="utf-16")
    _same(shipped, reading.read_bytes(data).frame)


@pytest.mark.parametrize("dates", ["iso", "dmy", "dmy2"])
def test_date_formats(shipped, dates):
    table = reading.read_bytes(_write(shipped, delimiter=";", dates=dates))
    assert not validation.errors(validation.validate(table.frame, table.lines))
    _same(shipped, table.frame)


def test_excel_fr_copy_of_shipped_data_validates_and_loads_identically(shipped, tmp_path):
    """Semicolon, Windows-1252, JJ/MM/AAAA: what « CSV (séparateur : point-virgule) » writes."""
    path = tmp_path / "relais-excel.csv"
    path.write_bytes(_write(shipped, delimiter=";", encoding="cp1252", dates="dmy"))
    assert b"\xf1" in path.read_bytes()  # ñ of Sabiñánigo in Windows-1252
    snapshot = Store(path).load()
    assert not validation.errors(snapshot.problems)
    _same(shipped, snapshot.frame)


def test_blank_lines_trailing_spaces_reordered_columns_and_header_variants(shipped):
    columns = list(reversed(shipped.columns))
    headers = {"collectivite": "Collectivité", "date_debut": "Date début", "titre": " TITRE ",
               "type_collectivite": "Type_Collectivité"}
    data = _write(shipped, delimiter=";", columns=columns, blank_lines=True, padding="  ",
                  header_case=lambda c: headers.get(c, c.upper()))
    table = reading.read_bytes(data)
    assert list(table.frame.columns[:3]) == ["id", "date_debut", "date_fin"]
    _same(shipped, table.frame)


def test_row_numbers_are_spreadsheet_rows_even_with_blank_lines():
    data = "id;titre;collectivite;date_debut\n\na;T;Ville de Suippes;01/04/2025\n\n\n" \
           "b;T;Ville de Nancy;31/02/2025\n".encode()
    table = reading.read_bytes(data)
    assert table.lines == [3, 6]
    problems = validation.validate(table.frame, table.lines)
    assert [p.row for p in problems] == [6]


def test_unknown_columns_are_kept_on_save(tmp_path, shipped):
    frame = shipped.copy()
    frame["Contact presse"] = ["presse@example.org"] + [""] * (len(frame) - 1)
    path = tmp_path / "relais.csv"
    path.write_bytes(_write(frame, delimiter=";"))
    store = Store(path)
    snap = store.load()
    assert "Contact presse" in snap.frame.columns
    store.save(snap.frame, snap.version)
    again = Store(path).load().frame
    assert again.loc[0, "Contact presse"] == "presse@example.org"
    assert path.read_bytes().startswith(b"id,date_debut")


def test_an_unknown_column_is_said_with_the_column_it_may_mean(shipped):
    """A header renamed in Excel (« Descriptif ») or added (« Contact presse »): kept, but the
    map reads nothing from it, so staff are told, with the column it is close to."""
    frame = shipped.rename(columns={"description": "Descriptif"})
    frame["Contact presse"] = ""
    table = reading.read_bytes(_write(frame, delimiter=";"), "relais.csv")
    said = [p.message for p in table.problems if p.level == validation.WARNING]
    assert said == [
        "Ligne 1, colonne 15 : « Descriptif » n'est pas une colonne du relais ; elle est gardée "
        "telle quelle, mais la carte ne la lit pas. Vouliez-vous dire « Description » "
        "(description) ? Renommez-la ainsi dans la ligne d'en-tête.",
        "Ligne 1, colonne 21 : « Contact presse » n'est pas une colonne du relais ; elle est "
        "gardée telle quelle, mais la carte ne la lit pas."]
    assert "Descriptif" in table.columns  # nothing dropped
    assert not [p for p in reading.read_bytes(_write(shipped, delimiter=";")).problems]


def test_xlsx_workbook_reads_like_the_csv(shipped):
    from cufmap.storage.spreadsheets import to_xlsx_bytes

    _same(shipped, reading.read_bytes(to_xlsx_bytes(shipped)).frame)


def test_canonical_file_is_stable(shipped):
    """Reading then writing the shipped file gives back its exact bytes (clean diffs)."""
    assert to_csv_bytes(shipped) == DATA.read_bytes()


def test_sizes_are_written_as_staff_read_them():
    assert reading.megabytes_fr(int(1.4 * 2**20)) == "1,4 Mo"
    assert reading.megabytes_fr(reading.Limits().uncompressed) == "16 Mo"
