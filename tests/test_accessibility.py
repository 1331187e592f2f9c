"""Accessible to everyone (RGAA 4.1, WCAG 2.1 AA), in a real browser against `streamlit run`
(offline): axe-core in every frame of every page, zoom never forbidden; a keyboard-only walk
through the public page and the presenter with visible focus; motion on request only; reflow
at 320 px and at 200 %; the presenter and speaker views on a phone and on a shared screen.

One server for the module; the checks are folded into few flows (each page load costs seconds
on the shared machine). The figures of docs/accessibilite.md come from these tests."""

import shutil

import pytest
from playwright.sync_api import expect

from cufmap import i18n
from cufmap.app import auth, speaker
from cufmap.publish import export as exporting
from cufmap.storage import local

from .browser import (
    ARTIFACTS,
    IDLE,
    Offline,
    map_document,
    open_map,
    require_chromium,
    streamlit_server,
)
from .browser import map_frame as map_locator
from .conftest import DATA, ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "relais-coop-dec-2025"
HASH = auth.hash_password(PASSWORD, iterations=1000)
PUBLIC = "https://relais.example.org/carte"  # the public map's address, under its QR code
KEY = ""  # the presenter link's secret (the speaker view without signing in)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("a11y")
    shutil.copy(DATA, folder / "relais.csv")
    shutil.copy(ROOT / "data" / "lieux.csv", folder / "lieux.csv")
    global KEY
    store = local.Store(folder / "relais.csv", folder / "lieux.csv")
    KEY = "&cle=" + speaker.Links(store).create("Tests", "Alice")
    with streamlit_server(folder / "relais.csv", folder / "lieux.csv",
                          CUFMAP_PASSWORD_HASH=HASH) as url:
        yield url


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The page ``cufmap export`` writes, opened as a file (file://), as a webmaster would."""
    folder = tmp_path_factory.mktemp("export")
    exporting.export(folder / "out", DATA, ROOT / "data" / "lieux.csv", tiles="aucune",
                     allow_online=False)
    return (folder / "out" / "index.html").as_uri()


def context(browser, **options):
    """A context that reaches only 127.0.0.1 (and file://). The map documents' CSP stays in
    force: axe is evaluated through the DevTools protocol, which no page policy can refuse,
    never added as a <script> (which the CSP would rightly block)."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    ctx = browser.new_context(locale="fr-FR", **options)
    ctx.add_init_script(path=AXE)  # in every frame as it opens, once compiled
    Offline(ctx)
    return ctx


# --- axe-core -------------------------------------------------------------------------------

AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  const viewport = (document.querySelector('meta[name=viewport]') || {}).content || '';
  const found = r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => v.id + ' (' + v.impact + ') ' + v.nodes.slice(0, 2).map(n => n.target.join(' '))
               .join(', '));
  if (/maximum-scale\\s*=\\s*1(\\.0*)?\\b|user-scalable\\s*=\\s*(no|0)/i.test(viewport))
    found.push('zoom forbidden: ' + viewport);
  return found;
}"""


def axe_everywhere(page, where: str) -> dict[str, list[str]]:
    """Serious or critical axe findings, and a zoom-forbidding viewport, in every frame."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run « npm install » (README's test command)")
    found = {}
    for frame in page.frames:
        if not frame.evaluate("() => !!window.axe"):
            frame.evaluate(AXE.read_text(encoding="utf-8"))
        if problems := frame.evaluate(AXE_RUN):
            found[f"{where} {frame.url[:60]}"] = problems
    return found


def test_axe_finds_nothing_serious_in_any_frame_of_any_page(browser, server, exported):
    """The public page (a card open), the presenter, the speaker view, the embedding page and
    the exported page: every frame of each (the editing page, signed in, in
    tests/test_editing_browser.py, which signs in anyway). On a phone, the speaker view says
    it wants a wider screen."""
    page = context(browser).new_page()
    found = {}
    for where, path, shown in [
            ("public", "/?date=2025-04-09&etape=billere-2025-05-08", "Données :"),
            ("presentation", "/presentation?date=2025-04-09", None),
            ("speaker", "/presentation?date=2025-04-09&vue=orateur" + KEY, None),
            ("integrer", "/integrer", "Aperçu")]:
        frame = open_map(page, server + path)
        if shown:
            expect(page.get_by_text(shown)).to_be_visible()
        page.wait_for_function(IDLE)  # nothing faded while Streamlit reruns (axe sees it)
        # the map's frame is named for what it holds (Streamlit's own title: « st.iframe »)
        expect(page.locator("iframe").first).to_have_attribute(
            "title", i18n.text("map_frame_title", "fr"))
        found |= axe_everywhere(page, where)
        if where == "speaker":
            page.set_viewport_size({"width": 390, "height": 844})
            note = frame.locator(".cuf-narrow")
            expect(note).to_be_visible()
            expect(note).to_contain_text("La vue orateur demande un écran plus large")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "vue-orateur-390x844.png"))
            page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(exported + "?etape=billere-2025-05-08")
    page.locator("html[data-cuf-ready='1']").wait_for()
    found |= axe_everywhere(page, "export")
    page.context.close()
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_axe_check_catches_a_forbidden_zoom_and_a_serious_finding(page):
    page.set_content("<html lang='fr'><head><title>t</title><meta name='viewport' "
                     "content='width=device-width, maximum-scale=1.0'></head><body><main>"
                     "<h1>t</h1><iframe srcdoc='x'></iframe></main></body></html>")
    found = axe_everywhere(page, "test")
    assert any("zoom forbidden" in p for p in sum(found.values(), []))
    assert any(p.startswith("frame-title") for p in sum(found.values(), []))


# --- keyboard and screen reader ---------------------------------------------------------------

FOCUS = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return { stage: e.getAttribute('data-stage'), cls: e.className, text: e.textContent,
           inCard: !!e.closest('.cuf-card'),
           ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) ||
                 (s.boxShadow !== 'none' && s.boxShadow !== '') }; }"""


def test_keyboard_walk_through_the_public_page(page, server):
    """Tab from the top of the page reaches the map's skip link, which leads to the timeline;
    Tab to a stage, Enter opens its card (read out: a region named by its title, aria-live),
    Escape closes it and the focus stays on (or comes back to) the stage; every focus is
    drawn. The map, its markers and the timeline say each stage's number, date, host and
    status."""
    page.set_viewport_size({"width": 1280, "height": 900})
    open_map(page, server + "/?date=2025-04-09")
    doc = map_document(page)
    for _ in range(25):  # Streamlit's own links and controls first, then the map's frames
        page.keyboard.press("Tab")
        if doc.evaluate("() => document.activeElement.className") == "cuf-skip":
            break
    focus = doc.evaluate(FOCUS)
    assert focus["cls"] == "cuf-skip" and focus["text"] == "Aller à la liste des étapes"
    assert focus["ring"]
    assert doc.evaluate("() => document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Enter")
    assert doc.evaluate(FOCUS)["stage"] == "suippes-2025-04-01"  # the first stage
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focus = doc.evaluate(FOCUS)
    assert focus["stage"] == "cuf-webinaire-2025-04-09" and focus["ring"], focus
    assert focus["text"].startswith(
        "3. Mercredi 9 avril 2025 · en cours. Cités Unies France. Webinaire des 50 ans")
    page.keyboard.press("Enter")
    card = map_locator(page).locator(".cuf-card")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("aria-live", "polite")
    expect(card).to_have_attribute("role", "region")
    title = card.locator("#cuf-card-title")
    expect(title).to_have_text(card.locator("h2").inner_text())
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    assert doc.evaluate(FOCUS)["stage"] == "cuf-webinaire-2025-04-09"
    # Into the card (Shift+Tab from the first entry reaches its close button), Escape: the
    # focus comes back to the entry that opened it.
    page.keyboard.press("Enter")
    expect(card).to_be_visible()
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    assert doc.evaluate(FOCUS)["inCard"]
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    assert doc.evaluate(FOCUS)["stage"] == "cuf-webinaire-2025-04-09"
    # What a screen reader reads: every entry and every marker says number, date, host and
    # status; the map says how many stages it shows.
    missing = doc.evaluate("""() => {
      const r = window.cufRelay, out = [];
      r.stages.forEach((s, i) => {
        const entry = document.querySelector(`.cuf-timeline button[data-stage="${s.id}"]`);
        const marker = document.querySelector(`.cuf-stage[data-stage="${s.id}"]`);
        const wanted = [`${i + 1}.`, s.when, s.host, s.status];
        for (const [what, text] of [['entry', entry && entry.textContent],
                                    ['marker', marker && marker.getAttribute('aria-label')]]) {
          if (what === 'marker' && !marker && s.lat === null) continue;
          if (!text || wanted.some(w => !text.toLowerCase().includes(w.toLowerCase())))
            out.push([what, s.id, text]);
        }
      });
      const box = r.map.getContainer();
      if (box.getAttribute('role') !== 'region' || box.getAttribute('aria-label') !==
          `Carte du relais : ${r.stages.length} étapes`) out.push(['map', box.outerHTML.slice(0, 80)]);
      return out; }""")
    assert missing == []


def test_the_exported_page_on_phones_skip_link_and_legend(page, exported):
    """The exported page on a phone: its skip link leads to the timeline; no marker of the
    overview lies under the legend, and the scale stays clear of the credits (at 360 × 640 and
    390 × 700 the legend used to cover Billère, Aude, Grenoble and Montpellier)."""
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(exported)
    page.locator("html[data-cuf-ready='1']").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS)["text"] == "Aller à la liste des étapes"
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUS)["stage"] == "suippes-2025-04-01"
    found = {}
    for width, height in [(360, 640), (390, 700), (600, 680)]:
        if width != 360:
            resized(page, page, width, height)
        geometry = page.evaluate(GEOMETRY)
        found[width] = geometry["underLegend"] + geometry["problems"]
    assert found == {360: [], 390: [], 600: []}


JUMPS = """() => { window.cufMoves = 0;
  window.cufRelay.map.on('move', () => { window.cufMoves += 1; }); }"""
AT_STAGE = """() => { const r = window.cufRelay, s = r.order()[r.current];
  return { moving: document.documentElement.hasAttribute('data-cuf-moving'),
           moves: window.cufMoves, inView: r.map.getBounds().contains([s.lat, s.lon]) }; }"""


def test_presenter_by_keyboard_with_visible_focus_and_no_flight_on_reduced_motion(browser,
                                                                                   server):
    """With « reduce motion » set, the presenter's → jumps to the stage (no flight: the map is
    there as soon as the key is handled, in one move); Home, P work from the keyboard, the
    focused control shows its ring; autoplay never starts by itself. On a 1920 × 1080 shared
    screen, the strip's labels are 18 px or more and the current stage's name is never cut,
    up to 20 characters."""
    ctx = context(browser, viewport={"width": 1920, "height": 1080}, reduced_motion="reduce")
    page = ctx.new_page()
    frame = open_map(page, server + "/presentation?date=2025-04-09")
    doc = map_document(page)
    assert doc.evaluate("() => window.cufRelay.autoplay.timer === null")
    counter = frame.locator(".cuf-strip .counter")
    expect(counter).to_have_text("Vue d'ensemble")
    for _ in range(8):  # from the end of the page back to the strip's « next » button
        page.keyboard.press("Shift+Tab")
        if doc.evaluate("() => document.activeElement.getAttribute('aria-label')") == \
                "Étape suivante":
            break
    focus = doc.evaluate(FOCUS)
    assert focus["text"] == "▶" and focus["ring"], focus
    doc.evaluate(JUMPS)
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("1 / 20")
    assert doc.evaluate(AT_STAGE) == {"moving": False, "moves": 1, "inView": True}
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("2 / 20")
    page.keyboard.press("Home")
    expect(counter).to_have_text("Vue d'ensemble")
    # the card gone, what it covered (scale, legend, insets on a phone) is back
    assert doc.evaluate("() => !document.querySelector('.cuf-card-open')")
    play = frame.locator(".cuf-strip .play")
    page.keyboard.press("p")
    expect(play).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("p")
    expect(play).to_have_attribute("aria-pressed", "false")
    # The strip on a shared screen: readable sizes, the current name whole, long names too.
    strip = doc.evaluate("""() => {
      const r = window.cufRelay, out = {small: [], cut: []};
      document.querySelectorAll('.cuf-strip li, .cuf-strip button, .cuf-strip select,'
                                + ' .cuf-strip .counter').forEach(e => {
        const size = parseFloat(getComputedStyle(e).fontSize);
        if (size < 18) out.small.push(e.textContent + ' ' + size);
      });
      const n = r.order().length, check = i => {
        r.strip.show(i, n);
        const li = document.querySelector('.cuf-strip li.current');
        if (li.scrollWidth > li.clientWidth || li.getBoundingClientRect().right > innerWidth)
          out.cut.push(li.textContent);
      };
      for (let i = 0; i < n; i++) check(i);
      const names = document.querySelectorAll('.cuf-strip li .name');
      names[n - 1].textContent = ' Saint-Rémy-de-Proven';  // 20 characters, the last stage
      check(n - 1);
      out.longest = names[n - 1].textContent.trim().length;
      r.strip.show(-1, n);
      return out; }""")
    assert strip == {"small": [], "cut": [], "longest": 20}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("1 / 20")
    page.screenshot(path=str(ARTIFACTS / "presentation-1920x1080.png"))
    ctx.close()


# --- reflow and phones ------------------------------------------------------------------------

GEOMETRY = """() => {
  const r = e => { if (!e) return null; const b = e.getBoundingClientRect();
                   return b.width && b.height ? [b.left, b.top, b.right, b.bottom] : null; };
  const over = (a, b) => !!(a && b && a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]);
  const map = r(document.querySelector('.folium-map'));
  const within = (a, b) => a && b && a[0] >= b[0] - 1 && a[1] >= b[1] - 1 && a[2] <= b[2] + 1
                           && a[3] <= b[3] + 1;
  const card = document.querySelector('.cuf-card'), legend = r(document.querySelector('.cuf-legend'));
  const follow = r(document.querySelector('.cuf-follow:not([hidden]) img'));
  const strip = document.querySelector('.cuf-strip');
  const out = { map: map, width: innerWidth, height: innerHeight,
                overflow: document.documentElement.scrollWidth > innerWidth + 1,
                underLegend: [], underQr: [], outside: [], cut: [], problems: [] };
  document.querySelectorAll('.cuf-stage').forEach(m => {
    const b = r(m);
    if (!b || !over(b, map)) return;  // off the map (zoomed in on a stage)
    if (over(b, legend)) out.underLegend.push(m.dataset.stage);
    if (over(b, follow)) out.underQr.push(m.dataset.stage);
    if (!within(b, map)) out.outside.push(m.dataset.stage);
  });
  document.querySelectorAll('.cuf-timeline button').forEach(b => {
    if (b.offsetParent && b.scrollWidth > b.clientWidth + 1) out.cut.push(b.dataset.stage);
  });
  if (!card.hidden) {
    const c = r(card);
    out.card = { box: c, inMap: within(c, map), whole: card.scrollHeight <= card.clientHeight + 1,
                 credits: over(c, r(document.querySelector('.leaflet-control-attribution'))),
                 legend: over(c, legend) };
  }
  if (strip && strip.offsetParent !== null) {
    const s = r(strip);
    out.strip = { overflow: strip.scrollWidth > strip.clientWidth + 1, box: s,
                  mapAbove: map[3] <= s[1] + 1,
                  outside: [...strip.children].filter(e => r(e)
                    && !within(r(e), [0, 0, innerWidth, innerHeight])).map(e => e.className) };
  }
  const credits = r(document.querySelector('.leaflet-control-attribution'));
  for (const sel of ['.leaflet-control-scale', '.cuf-legend', '.leaflet-control-zoom', '.cuf-insets'])
    if (over(r(document.querySelector(sel)), credits)) out.problems.push(sel + ' on the credits');
  if (follow) out.qrWhole = within(follow, [0, 0, innerWidth, innerHeight]) && !over(follow, legend);
  return out; }"""


def resized(page, doc, width, height):
    """Resizes the window, then waits until the map has taken its new size (Leaflet's resize,
    then the overview fitted again)."""
    before = doc.evaluate("() => window.cufRelay.map.getContainer().clientWidth")
    page.set_viewport_size({"width": width, "height": height})
    in_view(page, doc)  # an iframe out of sight is not laid out again (no animation frame)
    doc.wait_for_function("""w => { const m = window.cufRelay.map, c = m.getContainer();
        return c.clientWidth !== w && m.getSize().x === c.clientWidth
               && m.getSize().y === c.clientHeight; }""", arg=before, polling=100)
    in_view(page, doc)


def in_view(page, doc):
    """The map's frame scrolled into view (in the app), the map still."""
    if doc is not page:
        page.locator("iframe").first.scroll_into_view_if_needed()
    doc.wait_for_function("() => !document.documentElement.hasAttribute('data-cuf-moving')",
                          polling=100)


def test_public_page_reflows_at_200_percent_and_320_px(browser, server):
    """A 1280 × 900 window at 200 % zoom (640 × 450 CSS pixels, 2 device pixels each), then a
    320 px phone, then 1280 px: the page never scrolls sideways, no marker lies under the
    legend, no timeline entry is cut, and the card stays whole inside the map, above the
    credits."""
    ctx = context(browser, viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = ctx.new_page()
    frame = open_map(page, server + "/")  # no option: the filters stay folded, the map high
    doc = map_document(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = {}
    for name, width, height in [("zoom-200", 640, 450), ("320px", 320, 640),
                                ("1280px", 1280, 900)]:
        if name != "zoom-200":
            resized(page, doc, width, height)
        in_view(page, doc)
        top_overflow = page.evaluate(
            "() => document.documentElement.scrollWidth > innerWidth + 1")
        overview = doc.evaluate(GEOMETRY)
        doc.evaluate("() => window.cufRelay.select('billere-2025-05-08', {animate: false})")
        frame.locator(".cuf-card").wait_for()
        stage = doc.evaluate(GEOMETRY)
        page.locator("iframe").first.screenshot(path=str(ARTIFACTS / f"public-{name}.png"))
        doc.evaluate("() => window.cufRelay.overview(false)")
        report[name] = {"page sideways": top_overflow, "map sideways": overview["overflow"],
                        "under legend": overview["underLegend"], "outside": overview["outside"],
                        "cut entries": overview["cut"], "card in map": stage["card"]["inMap"],
                        "overlaps": overview["problems"] + stage["problems"],
                        "card on credits": stage["card"]["credits"]}
        expected = {"page sideways": False, "map sideways": False, "under legend": [],
                    "outside": [], "cut entries": [], "card in map": True, "overlaps": [],
                    "card on credits": False}
        assert report[name] == expected, (name, report[name])
    ctx.close()


def test_presenter_view_on_a_phone(browser, server):
    """390 × 844: the presenter's overview shows the whole of France below a QR code that the
    legend never covers, the strip fits, a stage's card is whole above it (the speaker view's
    note on a phone: in the axe flow above, which opens it anyway)."""
    ctx = context(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = ctx.new_page()
    frame = open_map(page, server + "/presentation?date=2025-04-09&adresse=" + PUBLIC)
    doc = map_document(page)
    in_view(page, doc)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "presentation-390x844.png"))
    overview = doc.evaluate(GEOMETRY)
    assert overview["map"] == [0, 0, 390, overview["strip"]["box"][1]]
    assert overview["qrWhole"] is True
    assert overview["underQr"] == [] and overview["underLegend"] == []
    assert overview["outside"] == [] and overview["problems"] == []
    assert overview["strip"] | {"box": None} == {"overflow": False, "box": None,
                                                 "mapAbove": True, "outside": []}
    page.keyboard.press("ArrowRight")
    expect(frame.locator(".cuf-strip .counter")).to_have_text("1 / 20")
    page.keyboard.press("ArrowRight")
    expect(frame.locator(".cuf-strip .counter")).to_have_text("2 / 20")
    doc.wait_for_function("() => !document.documentElement.hasAttribute('data-cuf-moving')")
    stage = doc.evaluate(GEOMETRY)
    page.screenshot(path=str(ARTIFACTS / "presentation-390x844-etape.png"))
    assert stage["card"] | {"box": None} == {"box": None, "inMap": True, "whole": True,
                                             "credits": False, "legend": False}
    assert stage["strip"]["outside"] == [] and not stage["strip"]["overflow"]
    ctx.close()
