"""The editing page's table says nothing in English where Streamlit lets us choose (AppTest)."""

import shutil

from cufmap.app import auth

from .conftest import DATA, ROOT, run_page

PASSWORD = "bon-mot-de-passe"


def test_empty_cells_stay_empty_and_the_grid_is_named(monkeypatch, tmp_path):
    shutil.copy(DATA, tmp_path / "relais.csv")
    shutil.copy(ROOT / "data" / "lieux.csv", tmp_path / "lieux.csv")
    monkeypatch.setenv("CUFMAP_DATA", str(tmp_path / "relais.csv"))
    monkeypatch.setenv("CUFMAP_PLACES", str(tmp_path / "lieux.csv"))
    monkeypatch.setenv("CUFMAP_MOT_DE_PASSE_HASH", auth.hash_password(PASSWORD, iterations=1000))
    monkeypatch.chdir(ROOT)
    at = run_page("pages/edition.py")
    at.text_input(key="ed_name").input("Alice")
    at.text_input(key="ed_password").input(PASSWORD)
    at.button[0].click()
    at.run()
    grid = next(n for n in at.main if getattr(n, "type", "") == "dataframe").proto
    assert grid.placeholder == ""  # Streamlit's default writes « None » in every empty cell
    assert grid.HasField("placeholder") and grid.alt == "Étapes du relais"
