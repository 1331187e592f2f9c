"""Readers bounded by what they build in memory, not by what the file declares (issue 18,
item 1): a shared-strings bomb, a sparse workbook, a 10,000-column file, a 40,000-character
cell, too many characters in all, a file too large to read — each refused in French, with the
row and column, before it is built."""

import io
import resource
import subprocess
import sys

import pytest

from cufmap.editing import session
from cufmap.errors import UnreadableTable
from cufmap.relay import budget, reading

from .conftest import DATA, ROOT
from .hostile import shared_strings_bomb_xlsx, sparse_xlsx

SMALL = budget.Limits(rows=100, cells=1000, columns=10, cell_characters=50, characters=2000,
                      file_bytes=20_000, uncompressed=200_000)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return shared_strings_bomb_xlsx()


def test_a_shared_strings_bomb_is_refused_before_calamine_builds_it(bomb):
    assert len(bomb) < 100_000 and len(bomb) < session.MAX_UPLOAD_BYTES
    with pytest.raises(UnreadableTable) as info:
        budget.check_workbook(bomb)  # the streaming check alone: safe even if it let it by
    message = str(info.value)
    assert message.startswith("Ligne 1, colonne A : la cellule compte 15\u202f728\u202f640 "
                              "caractères (32\u202f767 au plus")
    assert "rien n'a été modifié" in message


def _limited(*args: str) -> subprocess.CompletedProcess:
    """``cufmap`` in a process that may not grow past 1.5 GB (a reader that builds the bomb
    aborts there instead of eating the machine)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))

    return subprocess.run([sys.executable, "-m", "cufmap.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, preexec_fn=limit)


def test_cufmap_validate_refuses_the_bomb_and_the_sparse_sheet_in_french(tmp_path, bomb):
    for name, data, said in (("bombe.xlsx", bomb, "15\u202f728\u202f640 caractères"),
                             ("creux.xlsx", sparse_xlsx(), "plus de 50\u202f000 lignes")):
        path = tmp_path / name
        path.write_bytes(data)
        result = _limited("validate", path)
        assert result.returncode == 2, (result.returncode, result.stderr[-500:])
        assert said in result.stderr and "Traceback" not in result.stderr


def test_the_import_tab_reader_refuses_them_too(bomb):
    current = reading.read_path(DATA).frame
    for data in (bomb, sparse_xlsx("GR60000"), sparse_xlsx("ZZ1000")):
        with pytest.raises(UnreadableTable):
            budget.check_workbook(data)
    with pytest.raises(UnreadableTable, match="colonne A : la cellule compte"):
        session.read_upload(bomb, "relais.xlsx", current)


def test_a_sparse_sheet_counts_every_cell_of_its_grid():
    with pytest.raises(UnreadableTable, match="plus de 1\u202f000\u202f000 cellules"):
        budget.check_workbook(sparse_xlsx("GR6000"))  # 200 columns × 6,000 rows
    with pytest.raises(UnreadableTable, match="compte 702 colonnes"):
        budget.check_workbook(sparse_xlsx("ZZ10"))
    assert reading.read_bytes(sparse_xlsx("D30"), "x.xlsx").rows[-1]["id"] == ""


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(";".join(r) for r in rows).encode("utf-8")


HEADER = ["id", "date_debut", "collectivite", "titre"]


def test_a_10000_column_file_is_refused_at_its_first_row():
    data = _csv([HEADER + [f"x{i}" for i in range(10_000)], ["e1", "01/04/2025", "V", "T"]])
    with pytest.raises(UnreadableTable, match="La ligne 1 compte 10\u202f004 colonnes "
                                              "\\(200 au plus\\)"):
        reading.read_bytes(data, "relais.csv")


def test_a_cell_past_excel_s_limit_is_refused_with_its_row_and_column():
    data = _csv([HEADER, ["e1", "01/04/2025", "V", "T"], ["e2", "01/04/2025", "V" * 40_000, "T"]])
    with pytest.raises(UnreadableTable, match="^Ligne 3, colonne C : la cellule compte "
                                              "40\u202f000 caractères"):
        reading.read_bytes(data, "relais.csv")


def test_too_many_characters_in_all_are_refused():
    rows = [HEADER] + [[f"e{i}", "01/04/2025", "V" * 40, "T"] for i in range(60)]
    with pytest.raises(UnreadableTable, match="plus de 2\u202f000 caractères \\(ligne 38\\)"):
        reading.read_bytes(_csv(rows), "relais.csv", SMALL)
    assert len(reading.read_bytes(_csv(rows[:20]), "relais.csv", SMALL).rows) == 19


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "relais.csv"
    path.write_bytes(_csv([HEADER] + [["e", "01/04/2025", "V", "T"]] * 2000))
    with pytest.raises(UnreadableTable, match="Le fichier fait .* Ko \\(limite 20 Ko\\)"):
        reading.read_file(path, SMALL)
    with pytest.raises(UnreadableTable, match="Le fichier fait"):
        reading.read_bytes(path.read_bytes(), "relais.csv", SMALL)


def test_a_workbook_with_a_dtd_or_without_a_workbook_part_is_refused():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("content.xml", "<office:document/>")
    with pytest.raises(UnreadableTable, match="n'est pas un classeur Excel"):
        reading.read_bytes(out.getvalue(), "x.xlsx")
    from .hostile import _workbook_with

    lol = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet>'
           b'<sheetData><row><c t="inlineStr"><is><t>&a;</t></is></c></row></sheetData>'
           b'</worksheet>')
    with pytest.raises(UnreadableTable, match="déclaration de type de document \\(DTD\\)"):
        budget.check_workbook(_workbook_with(lol))
    with pytest.raises(UnreadableTable, match="endommagé \\(XML invalide\\)"):
        budget.check_workbook(_workbook_with(b"<worksheet><sheetData>"))


def test_workbooks_within_the_budget_read_as_before():
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for i in range(30):
        book.active.append([f"e{i}", "2025-04-01", "Ville de Suippes " * 3, "T"])
    buf = io.BytesIO()
    book.save(buf)
    assert len(reading.read_bytes(buf.getvalue(), "x.xlsx").rows) == 30
    with pytest.raises(UnreadableTable, match="colonne C : la cellule compte 51 caractères"):
        reading.read_bytes(buf.getvalue(), "x.xlsx", SMALL)


def test_a_cell_typed_past_the_limit_in_the_editor_is_an_error_with_its_row():
    from cufmap.relay import validation

    frame = reading.read_path(DATA).frame.copy()
    frame.loc[2, "description"] = "a" * 40_000
    errors = validation.errors(validation.validate(frame))
    assert len(errors) == 1 and errors[0].message.startswith("Ligne 4, colonne Description")
    assert errors[0].message.endswith("compte 40\u202f000 caractères ; 32\u202f767 au plus (la "
                                      "limite d'Excel) : raccourcissez-la.")
