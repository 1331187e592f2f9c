"""The editing page end to end in headless chromium against `streamlit run` (network cut):
sign in; in an English browser, edit cells, dates the French way, a list, a stage added in the
grid and one with the form, seen on the public map; history, import and export. Second part in
``test_editing_browser_more.py`` (its own server)."""

import contextlib
import csv
import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from playwright.sync_api import expect

from cufmap.app import auth
from cufmap.editing import session
from cufmap.relay import schema

from .browser import (
    ARTIFACTS,
    IDLE,
    Offline,
    map_frame,
    rerun,
    settle,
    streamlit_server,
    track_reruns,
)
from .conftest import DATA, ROOT
from .test_accessibility import axe_everywhere

PASSWORD = "relais-coop-dec-2025"
SAVED = re.compile(r"^Enregistré \(")
HASH = auth.hash_password(PASSWORD, iterations=1000)  # fast to check in tests


def fresh_copy(folder):
    """The shipped data and places, and nothing else (no history, no lock)."""
    for child in folder.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copy(DATA, folder / "relais.csv")
    shutil.copy(ROOT / "data" / "lieux.csv", folder / "lieux.csv")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One app for the module (a server start costs seconds); each test gets fresh files."""
    folder = tmp_path_factory.mktemp("site")
    fresh_copy(folder)
    with streamlit_server(folder / "relais.csv", folder / "lieux.csv",
                          CUFMAP_PASSWORD_HASH=HASH) as url:
        yield url, folder


@pytest.fixture
def site(server):
    url, folder = server
    fresh_copy(folder)
    return url, folder / "relais.csv", folder / "lieux.csv"


def rows(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def sign_in(page, url, name="Alice"):
    page.set_viewport_size({"width": 4600, "height": 1100})  # every column without scrolling
    track_reruns(page)
    page.goto(url + "/edition")
    page.get_by_label("Votre nom").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Enregistrer")).to_be_visible(timeout=30_000)
    settle(page)
    expect(page.locator("[data-testid='stDataFrame'] canvas").first).to_be_visible()


# The grid is a canvas: a cell is found from the schema's column widths (each drawn 30 px wider
# than asked, after a 33 px row-marker column and the line numbers). Every edit checks the
# editor it opened holds the value expected there, so a wrong position fails loudly.
MARKER, PAD = 33, 30


def signed_in_page(browser, url, name, locale="fr-FR"):
    """A second person (or a browser in another language): their own browser context
    (offline), signed in on ``url``."""
    context = browser.new_context(locale=locale)
    Offline(context)
    page = context.new_page()
    sign_in(page, url, name)
    return page


def cell_point(page, row: int, column: str) -> tuple[float, float]:
    box = page.locator("[data-testid='stDataFrame']").first.bounding_box()
    x = box["x"] + MARKER + session.INDEX_WIDTH + PAD
    for col in schema.COLUMNS:
        width = session.column_width(col) + PAD
        if col.name == column:
            return x + width / 2, box["y"] + session.ROW_HEIGHT * (row + 1.5)
        x += width
    raise KeyError(column)


def edit(page, row: int, column: str, value: str, before: str | None = None,
         runs: bool = True):
    """Types ``value`` in a cell of the grid. The edit reaches the server, which runs the page
    again (``runs``), except in an added row that still misses a required cell (Streamlit keeps
    such a row in the browser until it is complete)."""
    page.mouse.dblclick(*cell_point(page, row, column))
    field = page.locator(".gdg-input")
    expect(field).to_have_count(1)
    if before is not None:
        expect(field).to_have_value(before)
    field.fill(value)
    # the grid's editor takes what was typed on its next render: Enter before it would commit
    # the old value (a person is never that fast)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    with rerun(page) if runs else contextlib.nullcontext():
        field.press("Enter")
        expect(field).to_have_count(0)


def choose(page, row: int, column: str, typed: str, option: str, shown: int):
    """Picks ``option`` in a list cell of the grid: the list opens with every choice, typing
    ``typed`` filters it down to ``shown`` choices, a click keeps one."""
    page.mouse.dblclick(*cell_point(page, row, column))
    field = page.locator("input[id^='react-select-']")
    expect(field).to_be_focused()
    options = page.get_by_role("option")
    expect(options.filter(has_text=re.compile(f"^{option}$"))).to_have_count(1)
    assert options.count() > shown
    field.press_sequentially(typed)
    expect(options).to_have_count(shown)
    with rerun(page):
        options.filter(has_text=re.compile(f"^{option}$")).click()
        expect(field).to_have_count(0)


def save(page):
    settle(page)
    button = page.get_by_role("button", name="Enregistrer")
    expect(button).to_be_enabled()
    button.click()


def test_public_pages_have_no_edit_control_and_editing_needs_the_password(page, site):
    url, data, _ = site
    page.goto(url)
    expect(map_frame(page).locator(".cuf-stage").first).to_be_attached(
        timeout=60_000)  # the server's first view, cold
    for name in ("Enregistrer", "Se connecter"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)
    expect(page.locator("[data-testid='stDataFrame']")).to_have_count(0)

    page.goto(url + "/edition")
    page.get_by_label("Votre nom").fill("Mallory")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Mot de passe incorrect")).to_be_visible()
    expect(page.locator("[data-testid='stDataFrame']")).to_have_count(0)
    sign_in(page, url)
    expect(page.get_by_text("Connecté : Alice")).to_be_visible()
    # axe-core in every frame of the signed-in page (the other pages: test_accessibility.py)
    page.wait_for_function(IDLE)
    assert axe_everywhere(page, "edition") == {}


def test_restore_an_earlier_version(page, site):
    url, data, _ = site
    original = data.read_bytes()
    sign_in(page, url)
    edit(page, 2, "titre", "Titre provisoire")
    save(page)
    expect(page.get_by_text(SAVED)).to_be_visible()
    assert b"Titre provisoire" in data.read_bytes()
    page.get_by_role("tab", name="Historique").click()
    select = page.get_by_label("Version à rétablir")
    select.click()
    options = page.get_by_role("option")
    expect(options).to_have_count(2)  # the original (archived before the save) and the save
    with rerun(page):
        options.nth(1).click()
    page.get_by_role("button", name="Rétablir cette version").click()
    expect(page.get_by_text("Enregistré (version rétablie)")).to_be_visible()
    assert b"Titre provisoire" not in data.read_bytes()
    assert rows(data) == list(csv.DictReader(io.StringIO(original.decode("utf-8"))))


def test_import_an_excel_fr_file_with_errors_then_export(page, site, tmp_path):
    url, data, _ = site
    before = data.read_bytes()
    lines = [";".join(schema.NAMES)]
    for r in rows(data):
        values = [r[c] for c in schema.NAMES]
        if r["id"] == "billere-2025-05-08":
            values[schema.NAMES.index("date_debut")] = "31/02/2025"
        lines.append(";".join(f'"{v}"' if ";" in v else v for v in values))
    broken = tmp_path / "relais-excel.csv"
    broken.write_bytes("\r\n".join(lines).encode("cp1252", errors="replace"))
    sign_in(page, url)
    page.get_by_role("tab", name="Importer / exporter").click()
    page.locator("input[type='file']").set_input_files(str(broken))
    expect(page.get_by_text("20 ligne(s), CSV")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("1 erreur(s)")).to_be_visible()
    expect(page.get_by_text("colonne Date de début").first).to_be_attached()
    expect(page.get_by_role("button", name="Remplacer les étapes par ce fichier")).to_be_disabled()
    assert data.read_bytes() == before
    fixed = tmp_path / "relais-corrige.csv"
    fixed.write_bytes(broken.read_bytes().replace(b"31/02/2025", b"08/05/2025")
                      .replace(b"Parcours p\xe9destre", b"Grand parcours p\xe9destre"))
    page.locator("input[type='file']").set_input_files(str(fixed))
    expect(page.get_by_text("0 ligne(s) ajoutée(s), 1 modifiée(s), 0 supprimée(s)")) \
        .to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Remplacer les étapes par ce fichier").click()
    expect(page.get_by_text("Enregistré (import : 0 ligne(s) ajoutée(s), 1 modifiée(s)")) \
        .to_be_visible()
    stored = {r["id"]: r for r in rows(data)}
    assert stored["billere-2025-05-08"]["titre"].startswith("Grand parcours pédestre")
    assert stored["billere-2025-05-08"]["date_debut"] == "2025-05-08"

    settle(page)
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Classeur Excel (.xlsx)").click()
    book = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    sheet = book.active
    assert [c.value for c in sheet[1]][:3] == ["Identifiant", "Date de début", "Date de fin"]
    assert sheet.max_row == 21
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="CSV pour Excel (UTF-8, « ; »)").click()
    raw = csv_download.value.path().read_bytes()
    assert raw.startswith("\ufeffIdentifiant;Date de début;".encode("utf-8"))
    assert "01/04/2025" in raw.decode("utf-8-sig")
    # The poster of the saved version, drawn when asked (cufmap/publish/poster.py).
    settle(page)
    with page.expect_download() as poster_download:
        page.get_by_role("button", name="Affiche (PDF)").click()
    assert poster_download.value.suggested_filename == "affiche-relais-A4.pdf"
    text = subprocess.run(["pdftotext", poster_download.value.path(), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Relais de la Coop Déc' — Cités Unies France, 50 ans" in text
    assert "Ville de Billère" in text and "Jeudi 8 mai 2025" in text


def dates_choices_and_the_form(page, url, data, locale, grid_first=None):
    """What staff type, the French way, whatever the browser's language (``locale``): dates in
    the grid, an unreadable one explained, a cleared one confirmed, a type from the list
    (after ``grid_first(page)``'s edits), saved; then a stage added with the one-stage form,
    shown on the public map, whose frame is returned."""
    assert page.evaluate("navigator.language") == locale
    if grid_first:
        grid_first(page)
    before = data.read_bytes()
    edit(page, 13, "date_debut", "27/06/2025", before="26/06/2025")  # Rennes
    edit(page, 9, "date_debut", "27062025", before="27/05/2025")  # Département de l'Aude
    edit(page, 12, "date_debut", "31/02/2025", before="19/06/2025")  # Montpellier
    expect(page.get_by_text("« 31/02/2025 » n'est pas une date : février 2025 n'a que "
                            "28 jours.").first).to_be_attached()
    expect(page.get_by_role("button", name="Enregistrer")).to_be_disabled()
    assert data.read_bytes() == before  # the saved date stays until the cell is fixed
    edit(page, 12, "date_debut", "19/06/2025", before="31/02/2025")  # kept as typed
    choose(page, 3, "type_collectivite", "comm", "commune", shown=4)  # Métropole de Lyon
    edit(page, 8, "date_debut", "", before="15/05/2025")  # Grenoble: cleared
    expect(page.get_by_text("La date de début de « Ville de Grenoble » sera effacée.")) \
        .to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer")).to_be_disabled()
    with rerun(page):
        page.get_by_text("Oui, effacer cette valeur").click()
    save(page)
    expect(page.get_by_text(SAVED)).to_be_visible()
    settle(page)  # the run that saved has ended: the form of the former version is gone
    stored = {r["id"]: r for r in rows(data)}
    assert [stored[i]["date_debut"] for i in ("rennes-2025-06-26", "aude-2025-05-27",
                                              "montpellier-2025-06-19", "grenoble-2025-05-15")] \
        == ["2025-06-27", "2025-06-27", "2025-06-19", ""]
    assert stored["lyon-2025-04-16"]["type_collectivite"] == "commune"

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the form fits
    page.get_by_role("tab", name="Une étape").click()
    host = page.get_by_label("Collectivité hôte (obligatoire)")
    host.fill("Ville d'Orléans")
    box = host.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    pick(page, "Type de collectivité", "comm", "commune")
    page.get_by_label("Titre (obligatoire)").fill("Fête des jumelages")
    start = page.get_by_role("textbox", name="Date de début")
    with rerun(page):
        start.fill("5 juin 2025")
        start.press("Enter")
    expect(page.get_by_text("→ jeudi 5 juin 2025")).to_be_visible()
    page.get_by_label("Partenaire 1", exact=True).fill("Wichita")
    pick(page, "Pays du partenaire 1", "états", "États-Unis")
    with rerun(page):
        page.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.get_by_text("Étape « Fête des jumelages » enregistrée (orleans-2025-06-05)")) \
        .to_be_in_viewport()  # on a phone too, under the button
    expect(page.get_by_text("Enregistré (étape ajoutée : orleans-2025-06-05)")).to_be_attached()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"edition-une-etape-{locale}.png"))
    added = {r["id"]: r for r in rows(data)}["orleans-2025-06-05"]
    assert (added["collectivite"], added["type_collectivite"], added["date_debut"],
            added["partenaires"]) == ("Ville d'Orléans", "commune", "2025-06-05",
                                      "Wichita (États-Unis)")
    page.set_viewport_size({"width": 1600, "height": 1000})
    # the public map, without restarting the app; in French whatever the browser's language
    page.goto(url + "/?langue=fr")
    frame = map_frame(page)
    expect(frame.locator(".cuf-timeline button[data-stage='orleans-2025-06-05']")) \
        .to_contain_text("avec Wichita (États-Unis)", timeout=30_000)
    return frame


def a_title_and_a_new_row(page):
    """A cell edited (its text never run as HTML on the map) and a stage added in the grid."""
    edit(page, 2, "titre", "Randonnée <img src=x onerror=alert(1)> à Suippes",
         before="Randonnée de la coopération décentralisée à Suippes")
    expect(page.get_by_text("1 modifiée(s)")).to_be_visible()
    page.locator("[data-testid='stDataFrame']").first.hover()
    page.get_by_role("button", name="Ajouter une ligne").click()
    for column, value in [("id", "tours-2025-06-12"), ("collectivite", "Ville de Tours"),
                          ("titre", "Fête des jumelages de Tours"),
                          ("partenaires", "Mülheim an der Ruhr (Allemagne)")]:
        # id, collectivite and titre are required: the row goes to the server once they are
        # all filled (with titre's edit, or, on a loaded machine, only with the next one), so
        # only the last edit is sure to start a run; settle waits for one already started
        edit(page, 20, column, value, runs=column == "partenaires")
        settle(page)
    expect(page.get_by_text("1 ligne(s) ajoutée(s)")).to_be_visible()
    expect(page.get_by_text("Une ligne ajoutée prend son numéro à l'enregistrement : 21"))\
        .to_be_visible()


def pick(page, label: str, typed: str, option: str):
    """Chooses ``option`` in the form's list ``label`` by typing the start of it."""
    page.get_by_label(label).click()
    page.keyboard.type(typed)
    with rerun(page):
        page.get_by_role("option", name=option, exact=True).click()


def test_edits_the_french_way_in_an_english_browser_then_the_public_map(browser, site):
    url, data, _ = site
    page = signed_in_page(browser, url, "Alice", locale="en-US")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        frame = dates_choices_and_the_form(page, url, data, "en-US",
                                           grid_first=a_title_and_a_new_row)
        stored = {r["id"]: r for r in rows(data)}
        assert stored["suippes-2025-04-01"]["titre"] == \
            "Randonnée <img src=x onerror=alert(1)> à Suippes"
        assert (stored["tours-2025-06-12"]["collectivite"],
                stored["tours-2025-06-12"]["partenaires"]) == \
            ("Ville de Tours", "Mülheim an der Ruhr (Allemagne)")
        expect(frame.locator(".cuf-timeline button[data-stage='tours-2025-06-12']")) \
            .to_contain_text("avec Mülheim an der Ruhr (Allemagne)")
        expect(frame.locator(".cuf-timeline button[data-stage='suippes-2025-04-01'] .title")) \
            .to_have_text("Randonnée <img src=x onerror=alert(1)> à Suippes")
        assert dialogs == []
        page.screenshot(path=str(ARTIFACTS / "edition-carte-publique.png"))
    finally:
        page.context.close()
