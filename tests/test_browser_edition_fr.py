"""The editing page's Streamlit controls in French, in a real browser (offline)."""

import shutil

import pytest
from playwright.sync_api import expect

from cufmap.app import auth

from .browser import ARTIFACTS, require_chromium, streamlit_server
from .conftest import DATA, ROOT

pytestmark = pytest.mark.browser
PASSWORD = "relais-coop-dec-2025"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("data")
    shutil.copy(DATA, folder / "relais.csv")
    shutil.copy(ROOT / "data" / "lieux.csv", folder / "lieux.csv")
    with streamlit_server(folder / "relais.csv", folder / "lieux.csv",
                          CUFMAP_PASSWORD_HASH=auth.hash_password(PASSWORD, iterations=1000)) as url:
        yield url


def test_editing_controls_speak_french(page, site):
    page.goto(site + "/edition")
    page.get_by_label("Votre nom").fill("Alice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Enregistrer")).to_be_visible(timeout=20_000)
    page.locator("html[data-cuf-french='1']").wait_for(state="attached")
    table = page.locator("[data-testid='stDataFrame']").first
    table.hover()
    expect(page.get_by_role("button", name="Ajouter une ligne")).to_have_count(1)
    expect(page.get_by_role("button", name="Télécharger en CSV")).to_have_count(1)
    assert page.get_by_role("button", name="Add row").count() == 0
    # Empty cells stay empty (Streamlit writes « None » in them unless told otherwise).
    assert "None" not in table.inner_text()
    page.get_by_role("tab", name="Importer / exporter").click()
    zone = page.locator("[data-testid='stFileUploaderDropzone']")
    expect(zone.locator("button")).to_have_text("uploadChoisir un fichier")
    expect(zone.locator("[data-testid='stFileUploaderDropzoneInstructions']")).to_have_text(
        "5 Mo par fichier • CSV, TXT, XLSX")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "edition-import-fr.png"))
    # Past 5 Mo the browser refuses the file before sending it, in French.
    big = ARTIFACTS / "trop-grand.csv"
    big.write_bytes(DATA.read_bytes() + b"\n" * (6 * 2**20))
    try:
        page.locator("input[type='file']").set_input_files(str(big))
        expect(page.locator("[data-testid='stFileUploader']")).to_contain_text(
            "Fichier trop grand : 5 Mo au plus.")
        expect(page.get_by_role("button", name="Remplacer les étapes par ce fichier")) \
            .to_have_count(0)
    finally:
        big.unlink()
