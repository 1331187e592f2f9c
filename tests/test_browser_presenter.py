"""A live webinar, in a real browser against `streamlit run` (offline): the speaker view in
step with the audience's window, the presenter's notes kept off public pages, the QR code of
the public map, markers that never hide each other, a world view without bands and fine land
when tiles are off."""

import contextlib
import csv
import os
import shutil

import pytest
from playwright.sync_api import expect

from cufmap.app import auth, speaker
from cufmap.storage import local

from .browser import ARTIFACTS, map_document, open_map, require_chromium, streamlit_server
from .browser import map_frame as map_locator
from .conftest import DATA, ROOT

pytestmark = pytest.mark.browser

ADDRESS = "https://relais.example.org/carte?source=webinaire"
NOTE = "Passer la parole à <b>Yangpyeong</b> & montrer la photo\nPuis : le pot."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The shipped relay with presenter notes on two stages."""
    require_chromium()
    folder = tmp_path_factory.mktemp("data")
    with DATA.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["notes_presentation"] = {"suippes-2025-04-01": NOTE,
                                     "billere-2025-05-08": "Petersberg est en Hesse."
                                     }.get(row["id"], "")
    data = folder / "relais.csv"
    with data.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    places = folder / "lieux.csv"
    shutil.copy(ROOT / "data" / "lieux.csv", places)
    global KEY
    KEY = "&cle=" + speaker.Links(local.Store(data, places)).create("Tests", "Alice")
    with streamlit_server(data, places, CUFMAP_PASSWORD_HASH=HASH) as url:
        yield url


KEY = ""  # the presenter link's secret, as its holder adds it to the speaker view's address
HASH = auth.hash_password("relais-coop-dec-2025", iterations=1000)


def map_frame(page):
    """The map document's frame (for evaluate): the published document, sandboxed, inside the
    small frame Streamlit embeds."""
    return map_document(page)


WAIT_MOVE = """() => new Promise((resolve, reject) => {  // the map's flight, ended
  const start = Date.now();
  (function check() {  // relay.js marks the page while the map moves; a flight that never
    // ends fails the test instead of hanging it
    if (!document.documentElement.hasAttribute("data-cuf-moving")) {
      return requestAnimationFrame(() => resolve());
    }
    if (Date.now() - start > 20000) return reject(new Error("the map never stopped moving"));
    setTimeout(check, 20);
  })();
})"""


def test_speaker_view_follows_the_audience_window_and_back(page, server):
    page.set_viewport_size({"width": 1920, "height": 1080})
    audience = open_map(page, server + "/presentation?date=2025-04-09")
    speaker_page = page.context.new_page()
    speaker_page.set_viewport_size({"width": 1920, "height": 1080})
    speaker = open_map(speaker_page, server + "/presentation?date=2025-04-09&vue=orateur" + KEY)
    a_counter, s_counter = (f.locator(".cuf-strip .counter") for f in (audience, speaker))
    expect(s_counter).to_have_text("Vue d'ensemble")
    # A key in the audience's window moves both.
    page.locator("body").press("ArrowRight")
    expect(a_counter).to_have_text("1 / 20")
    expect(s_counter).to_have_text("1 / 20")
    panel = speaker.locator(".cuf-speaker-panel")
    expect(panel.locator(".position")).to_have_text("1 / 20")
    expect(panel.locator(".now")).to_contain_text("Randonnée de la coopération décentralisée")
    expect(panel.locator(".next .body")).to_have_text(
        "2. Cités Unies France — Jeudi 3 avril 2025")
    # The notes, as typed (text, never HTML), in the speaker view only.
    expect(panel.locator(".notes .body")).to_have_text(NOTE)
    assert panel.locator(".notes b").count() == 0
    expect(panel.locator(".clock")).to_contain_text("Heure")
    expect(panel.locator(".elapsed")).to_contain_text("Depuis le début")
    # A key in the speaker view moves both.
    speaker_page.locator("body").press("ArrowRight")
    expect(s_counter).to_have_text("2 / 20")
    expect(a_counter).to_have_text("2 / 20")
    expect(panel.locator(".notes .body")).to_have_text("Pas de note pour cette étape.")
    speaker_page.locator("body").press("ArrowLeft")
    expect(a_counter).to_have_text("1 / 20")
    # Home from either window: both back to the overview.
    speaker_page.locator("body").press("Home")
    expect(a_counter).to_have_text("Vue d'ensemble")
    expect(s_counter).to_have_text("Vue d'ensemble")
    # Autoplay started in the speaker view shows in both; paused from the audience's window.
    speaker.locator(".cuf-strip .play").click()
    expect(audience.locator(".cuf-strip .play")).to_have_attribute("aria-pressed", "true")
    assert map_frame(speaker_page).evaluate("() => window.cufRelay.autoplay.timer !== null")
    assert map_frame(page).evaluate("() => window.cufRelay.autoplay.timer === null")  # one timer only
    audience.locator(".cuf-strip .play").click()
    expect(speaker.locator(".cuf-strip .play")).to_have_attribute("aria-pressed", "false")
    assert map_frame(speaker_page).evaluate("() => window.cufRelay.autoplay.timer === null")
    # Closing the window whose timer runs the autoplay stops it in the other.
    speaker.locator(".cuf-strip .play").click()
    expect(audience.locator(".cuf-strip .play")).to_have_attribute("aria-pressed", "true")
    speaker_page.close()
    expect(audience.locator(".cuf-strip .play")).to_have_attribute("aria-pressed", "false")
    speaker_page = page.context.new_page()
    speaker_page.set_viewport_size({"width": 1920, "height": 1080})
    speaker = open_map(speaker_page, server + "/presentation?date=2025-04-09&vue=orateur" + KEY)
    s_counter = speaker.locator(".cuf-strip .counter")
    panel = speaker.locator(".cuf-speaker-panel")
    for _ in range(8):
        page.locator("body").press("ArrowRight")
    expect(s_counter).to_have_text("8 / 20")
    expect(panel.locator(".notes .body")).to_have_text("Petersberg est en Hesse.")
    map_frame(speaker_page).evaluate(WAIT_MOVE)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    speaker_page.screenshot(path=str(ARTIFACTS / "vue-orateur-1920x1080.png"))
    # The audience's window never carries the notes.
    assert "Hesse" not in map_frame(page).content() and "pot." not in map_frame(page).content()
    # The closing view (after the last stage) reached from the speaker view: the audience sees
    # the relay in figures; its next step leaves them.
    speaker.locator(".cuf-strip li").last.click()  # the last stage, then one step further
    expect(s_counter).to_have_text("20 / 20")
    expect(a_counter).to_have_text("20 / 20")
    speaker_page.locator("body").press("ArrowRight")
    figures = audience.locator(".cuf-figures-panel")
    expect(figures).to_be_visible()
    expect(figures).to_contain_text("20\u00a0étapes")
    page.locator("body").press("ArrowRight")
    expect(a_counter).to_have_text("1 / 20")
    expect(figures).to_be_hidden()
    speaker_page.close()


def test_the_button_opens_the_speaker_view_for_signed_in_staff_only(page, server):
    """Anonymous, the speaker view shows no note (and no file the app serves to anyone holds
    one); signed in, in that window, the notes."""
    import urllib.request

    frame = open_map(page, server + "/presentation?date=2025-04-09")
    with page.context.expect_page() as opened:
        frame.locator(".cuf-strip .speaker").click()
    new = opened.value
    expect(new.get_by_text("La vue orateur et ses notes sont réservées à l'équipe")) \
        .to_be_visible()
    assert new.url.startswith(server + "/presentation?")
    assert "vue=orateur" in new.url and "date=2025-04-09" in new.url and "cle=" not in new.url
    assert new.locator("iframe").count() == 0 and "Hesse" not in new.content()
    served = os.path.realpath(ROOT / "static")
    published = [p for p in server.published.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in published)
    for document in published:  # every file the app publishes, as anyone gets it
        address = os.path.relpath(document, served)
        with urllib.request.urlopen(f"{server}/app/static/{address}") as r:
            body = r.read().decode("utf-8", "replace")
        assert "Hesse" not in body and "pot." not in body, address
    new.get_by_label("Votre nom").fill("Alice")
    new.get_by_label("Mot de passe").fill("relais-coop-dec-2025")
    new.get_by_role("button", name="Se connecter").click()
    speaker = map_locator(new)
    speaker.locator("html[data-cuf-ready='1']").wait_for(timeout=30_000)
    map_frame(new).evaluate("() => window.cufRelay.select('billere-2025-05-08')")
    expect(speaker.locator(".cuf-speaker-panel .notes .body")).to_have_text(
        "Petersberg est en Hesse.")
    new.close()


@contextlib.contextmanager
def another_origin(body: str):
    """A page served by another local server (another port: another origin), as an outside
    site would serve it (a page answered by Playwright itself counts as public, and
    chromium then refuses it any local frame)."""
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode("utf-8"))

        def log_message(self, *args):
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}/"
    finally:
        site.shutdown()
        site.server_close()


def test_a_page_of_another_origin_can_neither_drive_a_map_nor_pick_where_it_leads(page, server):
    """The outside tester's page: it frames a map document of the app twice (as it is, and
    sandboxed as the app frames it), posts keys, a stage, notes and a javascript: address for
    « Vue orateur »; the maps obey none of them."""
    open_map(page, server + "/presentation?date=2025-04-09")
    document = map_frame(page).url
    frames = (f'<iframe id="plain" src="{document}" style="width:1400px;height:700px"></iframe>'
              f'<iframe id="boxed" src="{document}" sandbox="allow-scripts allow-popups" '
              'style="width:1400px;height:700px"></iframe>')
    with another_origin(frames) as evil:
        page.goto(evil)
        maps = [page.frame_locator(f"#{name}") for name in ("plain", "boxed")]
        for framed in maps:
            framed.locator("html[data-cuf-ready='1']").wait_for(timeout=30_000)
        targets = [f for f in page.frames if "/cartes/" in f.url]
        for target in targets:
            target.evaluate("""() => { window.cufSeen = 0;  // after the map's own listener
                addEventListener('message', () => { window.cufSeen++; }); }""")
        page.evaluate("""() => document.querySelectorAll('iframe').forEach(frame => {
            for (const m of [{cufKey: 'ArrowRight'}, {cufKey: 'PageDown'},
                             {cufPage: 'javascript:alert(document.domain)//'},
                             {cufChannel: {kind: 'stage', id: 'billere-2025-05-08'}},
                             {cufNotes: {'suippes-2025-04-01': 'injectée'}}])
              frame.contentWindow.postMessage(m, '*'); })""")
        for target, framed in zip(targets, maps):
            target.wait_for_function("() => window.cufSeen === 5")
            expect(framed.locator(".cuf-strip .counter")).to_have_text("Vue d'ensemble")
            assert target.evaluate("() => window.cufRelay.current") == -1
        with page.context.expect_page() as opened:
            maps[0].locator(".cuf-strip .speaker").click()
        assert opened.value.url.startswith(server + "/presentation?")  # the app's own page
        assert page.dialogs == []
        opened.value.close()


def test_notes_never_reach_the_public_page(page, server):
    open_map(page, server + "/")
    html = map_frame(page).content()
    assert "Hesse" not in html and "Yangpyeong</b>" not in html and "pot." not in html


def test_overview_shows_the_public_address_and_a_qr_code_that_decodes_to_it(page, server):
    from urllib.parse import quote

    import cv2
    import numpy as np

    page.set_viewport_size({"width": 1920, "height": 1080})
    frame = open_map(page, server + "/presentation?date=2025-04-09&adresse=" + quote(ADDRESS))
    follow = frame.locator(".cuf-follow")
    expect(follow).to_be_visible()
    expect(follow.locator(".url")).to_have_text(ADDRESS)
    image = cv2.imdecode(np.frombuffer(follow.locator("img").screenshot(), np.uint8),
                         cv2.IMREAD_COLOR)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    assert text == ADDRESS
    box = follow.locator("img").bounding_box()
    assert box["width"] >= 280  # scannable from a shared screen
    map_frame(page).evaluate(WAIT_MOVE)
    page.screenshot(path=str(ARTIFACTS / "vue-ensemble-qr-1920x1080.png"))
    # Hidden while a stage is shown; back after the last stage.
    page.locator("body").press("ArrowRight")
    expect(follow).to_be_hidden()
    map_frame(page).evaluate("() => window.cufRelay.select('strasbourg-date-a-venir')")
    expect(frame.locator(".cuf-strip .counter")).to_have_text("20 / 20")
    page.locator("body").press("ArrowRight")
    expect(frame.locator(".cuf-strip .counter")).to_have_text("Vue d'ensemble")
    expect(follow).to_be_visible()


def test_a_wrong_public_address_says_so_in_french(page, server):
    frame = open_map(page, server + "/presentation?adresse=javascript:alert(1)")
    expect(frame.locator(".cuf-follow .error")).to_have_text(
        "Adresse publique ignorée : elle doit être une adresse web complète (https://…).")
    assert frame.locator(".cuf-follow img").count() == 0
    assert page.dialogs == []


OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('.cuf-stage')].map(n => n.getBoundingClientRect())
    .filter(r => r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight);
  let worst = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 0 && h > 0) worst = Math.max(worst, w * h / (a.width * a.height));
  }
  return [boxes.length, worst];
}"""


def test_no_stage_marker_hides_another(page, server):
    frame = open_map(page, server + "/")
    count, worst = map_frame(page).evaluate(OVERLAPS)
    assert count >= 17 and worst <= 0.25, (count, worst)
    for zoom in (4, 5, 7.5):  # and at other zooms
        map_frame(page).evaluate(
            "z => new Promise(r => { const m = window.cufRelay.map; m.once('zoomend', () =>"
            " requestAnimationFrame(() => r())); m.setZoom(z, {animate: false}); })", zoom)
        count, worst = map_frame(page).evaluate(OVERLAPS)
        assert worst <= 0.25, (zoom, count, worst)
    # The stage stepped to is visible and on top of its neighbours (Crolles beside Grenoble).
    frame.locator(".cuf-timeline button[data-stage='crolles-date-a-venir']").click()
    map_frame(page).evaluate(WAIT_MOVE)
    on_top, above_all = map_frame(page).evaluate("""() => {
      const n = document.querySelector(".cuf-stage[data-stage='crolles-date-a-venir']");
      const r = n.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      const others = [...document.querySelectorAll('.cuf-stage')].filter(m => {
        const b = m.getBoundingClientRect();  // its neighbours on screen
        return m !== n && b.right > 0 && b.bottom > 0 && b.left < innerWidth && b.top < innerHeight;
      });
      return [hit.closest('.cuf-stage') === n,
              others.every(m => +m.style.zIndex < +n.style.zIndex)];
    }""")
    assert on_top and above_all


BANDS = """() => {  // the longest outline edge inside the visible map, as a share of its width
  const map = window.cufRelay.map, size = map.getSize();
  const origin = map.getPixelOrigin(), pane = map._getMapPanePos();
  let longest = 0, drawn = 0;
  Object.values(map._layers).forEach(l => {
    if (l.options.pane !== 'land' || !l._parts) return;
    l._parts.forEach(part => {
      for (let i = 1; i < part.length; i++) {
        const a = part[i - 1].add(pane), b = part[i].add(pane);
        const inside = p => p.y > 1 && p.y < size.y - 1 && p.x > -size.x && p.x < 2 * size.x;
        if (!inside(a) || !inside(b)) continue;
        drawn++;
        longest = Math.max(longest, Math.abs(b.x - a.x));
      }
    });
  });
  return [longest / size.x, drawn];
}"""


def test_world_framing_has_no_band_across_the_map(page, server):
    frame = open_map(page, server + "/?tuiles=aucune")
    frame.locator(".cuf-timeline button[data-stage='suippes-2025-04-01']").click()
    map_frame(page).evaluate(WAIT_MOVE)
    # Suippes and Yangpyeong framed with the great circle between them.
    bounds = map_frame(page).evaluate(
        "() => { const b = window.cufRelay.map.getBounds(); return [b.getWest(), b.getEast(),"
        " b.getNorth()]; }")
    assert bounds[0] < 4.5 and bounds[1] > 127.5 and bounds[2] > 60
    longest, drawn = map_frame(page).evaluate(BANDS)
    assert drawn > 100 and longest < 0.5, (longest, drawn)
    page.screenshot(path=str(ARTIFACTS / "suippes-yangpyeong-1600x1000.png"))


def test_stepping_frames_the_host_and_the_whole_arc_to_its_partners(page, server):
    page.set_viewport_size({"width": 1920, "height": 480})  # a wide, low shared window
    open_map(page, server + "/presentation?date=2025-04-09")
    page.locator("body").press("ArrowRight")  # Suippes, partner of Yangpyeong
    map_frame(page).evaluate(WAIT_MOVE)
    outside = map_frame(page).evaluate("""() => {
      const r = window.cufRelay, b = r.map.getBounds();
      return r.arcPoints['suippes-2025-04-01'][0].filter(p => !b.contains(p)).length;
    }""")
    assert outside == 0


BREST = """() => {  // outline vertices drawn around Brest (the tip of Brittany)
  const relay = window.cufRelay, map = relay.map;
  const nw = map.latLngToLayerPoint([49.0, -5.5]), se = map.latLngToLayerPoint([47.8, -3.5]);
  const inside = p => p.x > nw.x && p.x < se.x && p.y > nw.y && p.y < se.y;
  const count = layers => layers.reduce((n, l) => n + (l._parts || []).reduce((m, part) =>
    m + part.filter(inside).length, 0), 0);
  const sub = g => g ? Object.values(g._layers) : [];
  return [count(sub(relay.land.coarseLayer)), relay.land.fineLayer ? count(sub(relay.land.fineLayer[1])) : 0];
}"""


def test_tiles_off_the_coast_is_fine_at_a_stage_zoom(page, server):
    frame = open_map(page, server + "/?tuiles=aucune")
    frame.locator(".cuf-timeline button[data-stage='morlaix-date-a-venir']").click()
    map_frame(page).evaluate(WAIT_MOVE)
    frame.locator("html[data-cuf-fine='1']").wait_for()
    coarse, fine = map_frame(page).evaluate(BREST)
    assert coarse >= 1 and fine >= 10 * coarse, (coarse, fine)
    page.screenshot(path=str(ARTIFACTS / "morlaix-sans-tuiles-1600x1000.png"))
    # Back to the overview: the world outlines again, the same canvas.
    map_frame(page).evaluate("() => { window.cufRelay.map.setZoom(4, {animate: false}); }")
    assert map_frame(page).evaluate("() => !window.cufRelay.map.hasLayer(window.cufRelay.land.fineLayer[1])")
    expect(frame.locator(".leaflet-land-pane canvas")).to_have_count(1)


def test_map_controls_speak_french(page, server):
    frame = open_map(page, server + "/")
    expect(frame.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Zoom avant")
    expect(frame.locator(".leaflet-control-zoom-out")).to_have_attribute("aria-label",
                                                                         "Zoom arrière")
