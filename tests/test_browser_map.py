"""The map page and the presenter mode, in a real browser against `streamlit run` (offline)."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from .browser import (
    ARTIFACTS,
    map_document,
    map_frame,
    map_moves,
    next_frame,
    open_map,
    require_chromium,
    still,
    streamlit_server,
    tiles_tried,
)
from .conftest import DATA, ROOT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("data")
    data = folder / "relais.csv"
    text = DATA.read_text(encoding="utf-8").replace(
        "Randonnée de la coopération décentralisée à Suippes",
        "Randonnée <img src=x onerror=alert(1)> à Suippes")
    data.write_text(text, encoding="utf-8")
    places = folder / "lieux.csv"
    shutil.copy(ROOT / "data" / "lieux.csv", places)
    with streamlit_server(data, places) as url:
        yield url


def test_every_stage_marker_is_visible_focusable_and_named(page, server):
    frame = open_map(page, server + "/?date=2025-04-09")
    markers = frame.locator(".cuf-stage")
    expect(markers).to_have_count(20)
    for i in range(20):
        expect(markers.nth(i)).to_be_visible()
    suippes = frame.locator(".cuf-stage[data-stage='suippes-2025-04-01']")
    expect(suippes).to_have_attribute(
        "aria-label", "1. Ville de Suippes, mardi 1er avril 2025, passée")  # and its status
    expect(suippes).to_have_attribute("tabindex", "0")
    # Overseas stages are in insets while the map shows metropolitan France.
    expect(frame.locator(".cuf-inset .label")).to_have_text(["Martinique", "La Réunion"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


def test_timeline_selection_flies_to_stage_and_opens_its_card(page, server):
    frame = open_map(page, server)
    before = page.frames[-1].evaluate("() => window.cufRelay.map.getCenter().lat")
    with map_moves(map_document(page)):  # the flight, to its end
        frame.locator(".cuf-timeline button[data-stage='billere-2025-05-08']").click()
    card = frame.locator(".cuf-card")
    expect(card).to_be_visible()
    expect(card.locator(".when")).to_have_text("Jeudi 8 mai 2025")
    expect(card).to_contain_text("Ville de Billère")
    expect(card).to_contain_text("Sabiñánigo (Espagne)")
    expect(card).to_contain_text("Petersberg (Allemagne)")
    expect(frame.locator(".cuf-stage[data-stage='billere-2025-05-08'] .cuf-marker")) \
        .to_have_class(re.compile("selected"))
    after = page.frames[-1].evaluate("() => window.cufRelay.map.getCenter().lat")
    assert after != before
    # The link to Yangpyeong is drawn as a great circle: it passes far north of both ends.
    north = page.frames[-1].evaluate(
        "() => Math.max(...window.cufRelay.arcPoints['suippes-2025-04-01'][0].map(p => p[0]))")
    assert north > 55


def test_marker_click_and_keyboard_highlight_the_timeline(page, server):
    frame = open_map(page, server)
    frame.locator(".cuf-stage[data-stage='chartres-2025-05-31']").click()
    item = frame.locator(".cuf-timeline button[data-stage='chartres-2025-05-31']")
    expect(item).to_have_attribute("aria-current", "true")
    expect(frame.locator(".cuf-card")).to_contain_text("Samedi 31 mai 2025, 9 h 15 – 12 h")
    frame.locator(".cuf-stage[data-stage='rennes-2025-06-26']").focus()
    page.keyboard.press("Enter")
    expect(frame.locator(".cuf-timeline button[data-stage='rennes-2025-06-26']")) \
        .to_have_attribute("aria-current", "true")


def test_reference_date_sets_past_current_and_upcoming(page, server):
    frame = open_map(page, server + "/?date=2025-04-09")
    status = {sid: frame.locator(f".cuf-stage[data-stage='{sid}'] .cuf-marker")
              for sid in ("suippes-2025-04-01", "cuf-webinaire-2025-04-09", "lyon-2025-04-16",
                          "strasbourg-date-a-venir")}
    expect(status["suippes-2025-04-01"]).to_have_class(re.compile("status-passee"))
    expect(status["cuf-webinaire-2025-04-09"]).to_have_class(re.compile("status-en-cours"))
    expect(status["lyon-2025-04-16"]).to_have_class(re.compile("status-a-venir"))
    expect(status["strasbourg-date-a-venir"]).to_have_class(re.compile("status-sans-date"))
    frame = open_map(page, server + "/?date=2025-07-03")
    expect(frame.locator(".cuf-stage[data-stage='lyon-2025-04-16'] .cuf-marker")) \
        .to_have_class(re.compile("status-passee"))


def test_filters_travel_in_the_url(page, server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    frame = open_map(page, server + "/?pays=KR")
    expect(frame.locator(".cuf-stage")).to_have_count(1)
    expect(frame.locator(".cuf-timeline")).to_contain_text("Ville de Suippes")
    # « Partager » copies the app page's address (not the map document's, in its frame),
    # with the selection and the stage shown (tests/test_share.py: the exported page).
    frame.locator(".cuf-timeline button[data-stage='suippes-2025-04-01']").click()
    frame.get_by_role("button", name="Partager").click()
    expect(frame.locator(".cuf-share-status")).to_have_text("Adresse copiée")
    assert page.evaluate("navigator.clipboard.readText()") == \
        server + "/?pays=KR&etape=suippes-2025-04-01"
    # « Plein écran » through both frames around the map.
    frame.get_by_role("button", name="Plein écran").click()
    document = map_document(page)
    document.wait_for_function("() => document.fullscreenElement === document.documentElement")
    frame.get_by_role("button", name="Quitter le plein écran").click()
    document.wait_for_function("() => document.fullscreenElement === null")
    frame = open_map(page, server + "/?q=Billère")
    expect(frame.locator(".cuf-stage")).to_have_count(1)
    frame = open_map(page, server + "/?mois=2025-04,a-venir")
    expect(frame.locator(".cuf-stage")).to_have_count(11)


def test_cell_text_is_shown_never_run(page, server):
    frame = open_map(page, server)
    frame.locator(".cuf-timeline button[data-stage='suippes-2025-04-01']").click()
    expect(frame.locator(".cuf-card h2")).to_have_text("Randonnée <img src=x onerror=alert(1)> à Suippes")
    assert frame.locator(".cuf-card img").count() == 0
    next_frame(map_document(page))
    assert page.dialogs == []


def test_offline_map_renders_land_and_fails_nothing_but_tiles(page, server):
    frame = open_map(page, server + "/?date=2025-04-09")
    tiles_tried(page)  # the map has asked for its tiles (refused)
    assert page.offline.non_tile_failures() == []
    assert all(any(h in u for h in ("tile.openstreetmap",)) for u in page.offline.external), \
        page.offline.external
    land = frame.locator(".leaflet-land-pane canvas")
    expect(land).to_have_count(1)
    filled = page.frames[-1].evaluate("""() => {
        const c = document.querySelector('.leaflet-land-pane canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n / (c.width * c.height); }""")
    assert filled > 0.3  # France and its neighbours are drawn without any tile
    # Martinique too, when the map flies to CAP Nord (the world outlines are too coarse).
    with map_moves(map_document(page)):
        frame.locator(".cuf-timeline button[data-stage='cap-nord-2025-04-25']").click()
    island = page.frames[-1].evaluate("""() => {
        const c = document.querySelector('.leaflet-land-pane canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n / (c.width * c.height); }""")
    assert island > 0.005
    frame.locator(".cuf-card .close").click()
    page.frames[-1].evaluate("() => window.cufRelay.overview(false)")
    with map_moves(map_document(page)):  # Leaflet follows the new size
        page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(ARTIFACTS / "carte-1920x1080.png"))


def test_presenter_steps_in_the_browser_without_talking_to_the_server(page, server):
    page.set_viewport_size({"width": 1920, "height": 1080})
    frame = open_map(page, server + "/presentation?date=2025-04-09")
    card = frame.locator(".cuf-card")
    expect(card).to_be_hidden()
    expect(frame.locator(".cuf-strip .counter")).to_have_text("Vue d'ensemble")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "127.0.0.1" in r.url else None)
    frames_sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda f: frames_sent.append(f)))
    map_frame(page).locator("body").click(position={"x": 960, "y": 300})
    page.keyboard.press("ArrowRight")
    expect(card.locator(".when")).to_have_text("Mardi 1er avril 2025")
    expect(frame.locator(".cuf-strip .counter")).to_have_text("1 / 20")
    page.keyboard.press("PageDown")
    expect(card).to_contain_text("Coup d'envoi")
    page.keyboard.press("Space")
    expect(card).to_contain_text("Webinaire des 50 ans")
    page.keyboard.press("PageUp")
    expect(card).to_contain_text("Coup d'envoi")
    page.keyboard.press("ArrowLeft")
    expect(frame.locator(".cuf-strip .counter")).to_have_text("1 / 20")
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    expect(card).to_contain_text("Ville de Billère")
    still(map_document(page))  # its flight, begun with the card, has ended
    page.screenshot(path=str(ARTIFACTS / "presentation-1920x1080.png"))
    page.keyboard.press("Home")
    expect(card).to_be_hidden()
    expect(frame.locator(".cuf-strip .counter")).to_have_text("Vue d'ensemble")
    frame.locator(".cuf-strip li[data-stage='nancy-2025-05-07']").click()  # a stage in the strip
    expect(frame.locator(".cuf-strip .counter")).to_have_text("7 / 20")
    page.keyboard.press("Home")
    expect(frame.locator(".cuf-strip .counter")).to_have_text("Vue d'ensemble")
    assert sent == [] and frames_sent == []
    # Keys pressed on the Streamlit page itself (the clicker's focus) reach the map too.
    page.evaluate("() => { document.activeElement.blur(); window.focus(); }")
    assert page.evaluate("() => document.hasFocus() && document.activeElement === document.body")
    page.keyboard.press("ArrowRight")
    expect(card.locator(".when")).to_have_text("Mardi 1er avril 2025")


def test_presenter_autoplay(page, server):
    """The autoplay's own timer moves to the next stage: Playwright's clock, installed in every
    frame before the page loads (the sandboxed map's too), is paused once the map is up, then
    run for one delay, then another."""
    page.clock.install()
    frame = open_map(page, server + "/presentation")
    counter, play = frame.locator(".cuf-strip .counter"), frame.locator(".cuf-strip .play")
    frame.locator(".cuf-strip select").select_option("5")
    expect(counter).to_have_text("Vue d'ensemble")
    paused = map_document(page).evaluate("() => Date.now()") + 1_000
    page.clock.pause_at(paused / 1000)  # seconds
    assert map_document(page).evaluate("() => Date.now()") == paused  # the map's clock is ours
    play.click()
    expect(play).to_have_attribute("aria-pressed", "true")
    page.clock.run_for(4_000)  # less than the 5 s chosen: still the overview
    expect(counter).to_have_text("Vue d'ensemble")
    page.clock.run_for(1_000)  # the first tick
    expect(counter).to_have_text("1 / 20")
    page.clock.run_for(5_000)  # and the next one
    expect(counter).to_have_text("2 / 20")
    play.click()  # paused: no more ticks
    expect(play).to_have_attribute("aria-pressed", "false")
    page.clock.run_for(10_000)
    expect(counter).to_have_text("2 / 20")

