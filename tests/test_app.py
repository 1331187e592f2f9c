"""AppTest smoke tests of the pages (headless, no browser)."""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import DATA, ROOT


@pytest.fixture
def app(monkeypatch, tmp_path):
    data = tmp_path / "relais.csv"
    shutil.copy(DATA, data)
    monkeypatch.setenv("CUFMAP_DATA", str(data))
    monkeypatch.chdir(ROOT)

    def run(script="app.py"):
        import importlib

        import cufmap

        importlib.reload(cufmap)
        at = AppTest.from_file(str(ROOT / script), default_timeout=60)
        at.run()
        assert not at.exception, at.exception
        return at

    run.data = data
    return run


def test_home_lists_stages_in_date_order_in_french(app):
    at = app()
    text = "\n".join(m.value for m in at.markdown)
    assert "Mardi 1er avril 2025 — Ville de Suippes" in text
    order = [text.index(s) for s in ("Suippes", "Métropole de Lyon", "Billère", "Chartres",
                                      "Loire\\-Atlantique", "Date à venir", "Strasbourg")]
    assert order == sorted(order)
    assert "Sabiñánigo \\(Espagne\\)" in text


def test_home_shows_a_french_error_for_a_broken_file(app):
    app.data.write_bytes(b"\x00\x01binaire")
    at = app()
    assert at.error and "ne peut pas être lu" in at.error[0].value
