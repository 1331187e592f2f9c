"""Fullscreen, share and print on the exported page, in a real browser, offline (opened from
disk: no server). « Partager » puts the address of the view shown (its parameters and the
stage chosen) in the clipboard and says so; « Plein écran » enters and leaves fullscreen; the
page prints the map and the whole list of stages, without a button or a card."""

import csv
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from cufmap.publish import export as exporting

from .browser import ARTIFACTS
from .conftest import DATA, ROOT

pytestmark = pytest.mark.browser


def dated_hosts() -> set[str]:
    with DATA.open(encoding="utf-8") as fh:
        return {row["collectivite"] for row in csv.DictReader(fh) if row["date_debut"]}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("share")
    shutil.copy(DATA, tmp / "relais.csv")
    shutil.copy(ROOT / "data" / "lieux.csv", tmp / "lieux.csv")
    exporting.export(tmp / "out", tmp / "relais.csv", tmp / "lieux.csv", tiles="aucune",
                     allow_online=False)
    return (tmp / "out" / "index.html").as_uri()


def test_share_fullscreen_and_print_on_the_exported_page(page, exported, tmp_path):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(exported + "?mois=2025-04,2025-05&date=09/04/2025")
    page.locator("html[data-cuf-ready='1']").wait_for()
    share = page.get_by_role("button", name="Partager")
    status = page.locator(".cuf-share-status")
    expect(status).to_have_attribute("aria-live", "polite")
    # The overview: the page's own address and its parameters.
    share.click()
    expect(status).to_have_text("Adresse copiée")
    assert page.evaluate("navigator.clipboard.readText()") == \
        exported + "?mois=2025-04%2C2025-05&date=09%2F04%2F2025"
    # A stage chosen: its address names it.
    page.locator(".cuf-timeline button[data-stage='billere-2025-05-08']").click()
    expect(page.locator(".cuf-card .host")).to_have_text("Ville de Billère")
    share.click()
    expect(status).to_have_text("Adresse copiée")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == exported + "?mois=2025-04%2C2025-05&date=09%2F04%2F2025" \
        "&etape=billere-2025-05-08"
    # The address opens that view.
    page.goto(copied)
    page.locator("html[data-cuf-ready='1']").wait_for()
    expect(page.locator(".cuf-card .host")).to_have_text("Ville de Billère")
    expect(page.locator(".cuf-stage")).to_have_count(11)

    fullscreen = page.locator(".cuf-fullscreen")
    expect(fullscreen).to_have_text("Plein écran")
    fullscreen.click()
    page.wait_for_function("() => document.fullscreenElement === document.documentElement")
    expect(fullscreen).to_have_text("Quitter le plein écran")
    expect(fullscreen).to_have_attribute("aria-pressed", "true")
    fullscreen.click()
    page.wait_for_function("() => document.fullscreenElement === null")
    expect(fullscreen).to_have_attribute("aria-pressed", "false")

    # Printed, the whole relay with a stage chosen: the map (fitted again to the paper's
    # width) and every stage; no control, no card.
    page.goto(exported + "?etape=billere-2025-05-08")
    page.locator("html[data-cuf-ready='1']").wait_for()
    expect(page.locator(".cuf-card")).to_be_visible()
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi, as when printing
    page.emulate_media(media="print")
    page.wait_for_function("""() => window.cufRelay.map.getSize().y ===
        document.querySelector('.folium-map').clientHeight""")
    expect(page.locator(".cuf-controls")).to_be_hidden()
    expect(page.locator(".leaflet-control-zoom")).to_be_hidden()
    expect(page.locator(".cuf-card")).to_be_hidden()
    expect(page.locator(".folium-map")).to_be_visible()
    pdf = tmp_path / "page.pdf"
    page.pdf(path=pdf, format="A4", print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "page-imprimee.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for host in dated_hosts() | {"Ville de Strasbourg", "Ville de Poitiers"}:
        assert host in text, host
    for control in ("Partager", "Plein écran", "Zoom"):
        assert control not in text

    # A browser without the Fullscreen API (iPhone Safari): no fullscreen button; without a
    # clipboard, the address is shown, selected, to copy by hand.
    page.emulate_media(media="screen")
    page.add_init_script("for (const name of ['fullscreenEnabled', 'webkitFullscreenEnabled'])"
                         " Object.defineProperty(Document.prototype, name, {get: () => false});"
                         "Object.defineProperty(Navigator.prototype, 'clipboard', "
                         "{get: () => undefined})")
    page.goto(exported + "?pays=DE")
    page.locator("html[data-cuf-ready='1']").wait_for()
    expect(page.locator(".cuf-fullscreen")).to_be_hidden()
    share.click()
    expect(status).to_have_text("Copiez cette adresse :")
    field = page.get_by_role("textbox", name="Adresse de cette vue")
    expect(field).to_have_value(exported + "?pays=DE")
    expect(field).to_be_focused()
