"""Uploads bounded by what they expand to (issue 14, item 3), and an import that would remove
most stages asks for an explicit confirmation naming the count."""

import csv
import io
import shutil
import zipfile

import pytest

from cufmap.app import auth
from cufmap.editing import session
from cufmap.errors import UnreadableTable
from cufmap.relay import reading
from cufmap.storage import local

from .conftest import DATA, ROOT, run_page
from .hostile import big_csv, lying_zip_bomb_xlsx, zip_bomb_xlsx

FAST_HASH = auth.hash_password("bon-mot-de-passe", iterations=1000)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb_xlsx()


def test_a_zip_bomb_workbook_is_refused_before_it_expands(bomb):
    assert len(bomb) < session.MAX_UPLOAD_BYTES  # passes the size-on-disk limit
    with pytest.raises(UnreadableTable) as info:
        session.read_upload(bomb, "relais.xlsx", local.Store(DATA).load().frame)
    message = str(info.value)
    assert "se décompresse en" in message and "rien n'a été modifié" in message


def test_a_zip_that_lies_about_its_unzipped_size_is_refused_too():
    data = lying_zip_bomb_xlsx()
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size \
        == 1_000_000  # declared: within the budget, so the sum check lets it through
    with pytest.raises(UnreadableTable) as info:
        reading.read_bytes(data, "relais.xlsx")
    assert "endommagé" in str(info.value)


def test_a_100k_row_csv_is_refused_past_the_row_budget():
    data = big_csv(100_000)
    assert len(data) < session.MAX_UPLOAD_BYTES
    with pytest.raises(UnreadableTable) as info:
        reading.read_bytes(data, "relais.csv")
    assert "plus de 50\u202f000 lignes" in str(info.value)


def test_cell_budget_and_row_budget_apply_to_workbooks_too():
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id", "date_debut", "collectivite", "titre"])
    for i in range(30):
        book.active.append([f"e{i}", "2025-04-01", "Ville", "T"])
    buf = io.BytesIO()
    book.save(buf)
    assert len(reading.read_bytes(buf.getvalue(), "x.xlsx").rows) == 30
    with pytest.raises(UnreadableTable, match="plus de 20 lignes"):
        reading.read_bytes(buf.getvalue(), "x.xlsx", reading.Limits(rows=20))
    with pytest.raises(UnreadableTable, match="plus de 100 cellules"):
        reading.read_bytes(buf.getvalue(), "x.xlsx", reading.Limits(cells=100))


def test_an_atlas_sized_file_is_still_read():
    rows = reading.read_bytes(big_csv(12_100), "atlas.csv").rows
    assert len(rows) == 12_100


# --- An import that removes most stages ------------------------------------------------------

def _shipped_rows(keep: int) -> bytes:
    text = DATA.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(lines)  # one line per row in the shipped file
    return "".join(lines[:keep + 1]).encode("utf-8")


def test_upload_that_removes_most_stages_says_how_many():
    current = local.Store(DATA).load().frame
    cut = session.read_upload(_shipped_rows(3), "relais.csv", current)
    assert cut.removes_most
    assert cut.removal_warning().startswith("Cet import supprimerait 17 des 20 étapes")
    assert not session.read_upload(_shipped_rows(15), "relais.csv", current).removes_most


@pytest.fixture
def edition(monkeypatch, tmp_path):
    data = tmp_path / "relais.csv"
    shutil.copy(DATA, data)
    places = tmp_path / "lieux.csv"
    shutil.copy(ROOT / "data" / "lieux.csv", places)
    monkeypatch.setenv("CUFMAP_DATA", str(data))
    monkeypatch.setenv("CUFMAP_PLACES", str(places))
    monkeypatch.setenv("CUFMAP_MOT_DE_PASSE_HASH", FAST_HASH)
    monkeypatch.chdir(ROOT)
    at = run_page("pages/edition.py")
    at.text_input(key="ed_name").input("Alice")
    at.text_input(key="ed_password").input("bon-mot-de-passe")
    at.button[0].click().run()
    assert "ed_signed_in" in at.session_state
    return at, data


def test_the_page_asks_to_confirm_before_removing_most_stages(edition):
    at, data = edition
    before = data.read_bytes()
    at.get("file_uploader")[0].set_value(("relais.csv", _shipped_rows(3), "text/csv"))
    at.run()
    assert any("supprimerait 17 des 20 étapes" in w.value for w in at.warning)
    replace = next(b for b in at.button if b.label == "Remplacer les étapes par ce fichier")
    assert replace.disabled
    confirm = next(c for c in at.checkbox if c.label == "Oui, supprimer 17 étapes")
    confirm.check().run()
    replace = next(b for b in at.button if b.label == "Remplacer les étapes par ce fichier")
    assert not replace.disabled
    assert data.read_bytes() == before  # nothing replaced before the click
    replace.click().run()
    assert len(local.Store(data).load().frame) == 3


def test_the_page_refuses_a_zip_bomb_in_french_and_keeps_the_data(edition, bomb):
    at, data = edition
    before = data.read_bytes()
    at.get("file_uploader")[0].set_value(("relais.xlsx", bomb, "application/octet-stream"))
    at.run()
    assert not at.exception
    assert any("se décompresse en" in e.value for e in at.error)
    assert data.read_bytes() == before
