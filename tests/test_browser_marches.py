"""The marches in a real browser, one flow on one static server (no Streamlit): the exported page
and a presenter document made from the same payload, with a route attached to Chartres (the
tests' own GPX, tests/fixtures/) and a phone photo to Billère."""

import io
import shutil
import urllib.request

from PIL import Image

from cufmap.editing import marches
from cufmap.publish import export as exporting
from cufmap.publish import mapdoc
from cufmap.storage import local

from .browser import serve, still
from .conftest import DATA, ROOT
from .test_photos import GPS, phone_photo
from .test_routes import CHARTRES, LOOP, with_partners

BILLERE = "billere-2025-05-08"
ALT = "Les maires de Billère, Sabiñánigo et Petersberg devant la mairie"


def build(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA, folder / "relais.csv")
    shutil.copy(ROOT / "data" / "lieux.csv", folder / "lieux.csv")
    with_partners(folder / "relais.csv")
    store = local.Store(folder / "relais.csv")
    marches.attach_route(store, CHARTRES, LOOP.read_bytes(), LOOP.name, "Test")
    marches.add_photo(store, BILLERE, phone_photo(), "IMG_0042.jpg", ALT, "Ville de Billère", "T")
    out = tmp_path / "site"
    exporting.export(out, store.path, store.places, tiles="aucune")
    built = exporting.build(store.path, store.places)
    presenter = mapdoc.render(exporting.page_data(built.payload),
                              mapdoc.MapOptions(tiles="aucune", presenter=True), read_url=True)
    (out / "presentation.html").write_text(presenter, encoding="utf-8")
    speaker = mapdoc.render(exporting.page_data(built.payload),
                            mapdoc.MapOptions(tiles="aucune", presenter=True, speaker=True),
                            read_url=True)
    (out / "orateur.html").write_text(speaker, encoding="utf-8")
    return out


def test_routes_photos_and_figures_in_the_page_and_the_presenter(page, tmp_path):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    with serve(build(tmp_path)) as url:
        # --- the exported page: nothing of the marches is loaded before a card opens
        page.goto(f"{url}/index.html")
        page.locator("html[data-cuf-ready='1']").wait_for()
        figures = page.locator(".cuf-timeline .cuf-figures")
        assert "20\u00a0étapes" in figures.text_content()
        assert "6,8\u00a0km parcourus" in figures.text_content()
        assert not [u for u in requests if "/photos/" in u or "/traces/" in u]

        page.locator(f".cuf-timeline button[data-stage='{BILLERE}']").click()
        photo = page.locator(".cuf-card .photos img")
        photo.wait_for()
        assert photo.get_attribute("alt") == ALT
        page.wait_for_function("() => document.querySelector('.cuf-card .photos img').complete "
                               "&& document.querySelector('.cuf-card .photos img').naturalWidth")
        [asked] = [u for u in requests if "/photos/" in u]
        assert asked.startswith(url)  # from the page's own origin
        assert page.locator(".cuf-card figcaption").text_content() == "Photo : Ville de Billère"
        served = Image.open(io.BytesIO(urllib.request.urlopen(asked).read()))
        assert served.format == "WEBP" and GPS not in served.getexif() and not served.getexif()
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "marches-photo.png"))

        page.locator(f".cuf-timeline button[data-stage='{CHARTRES}']").click()
        page.locator("html[data-cuf-route='drawn']").wait_for()
        assert "Parcours · 6,8\u00a0km" in page.locator(".cuf-card .route").text_content()
        drawn = page.evaluate("""() => window.cufRelay.route.layer.getLayers()
            .filter(l => l.getLatLngs && !l.getRadius).map(l => l.getLatLngs().flat().length)""")
        assert drawn == [67]  # the line, simplified from the file's 681 points
        assert "Place de Ravenne" in page.locator(".cuf-route-name").all_text_contents()
        still(page)  # the flight to Chartres over
        # a named point naming a partner: to that partner (the flight's end, not the first
        # « moveend », which an earlier movement the flight interrupts may send)
        page.locator(".cuf-card .partner-link", has_text="Place de Ravenne").click()
        page.wait_for_function("""() => { const c = window.cufRelay.map.getCenter();
            return Math.abs(c.lat - 44.4) < 0.5 && Math.abs(c.lng - 12.2) < 0.5; }""")

        # the stages held counted at the page's date, as its timeline sees them
        page.goto(f"{url}/index.html?date=09/04/2025")
        page.locator("html[data-cuf-ready='1']").wait_for()
        assert "2\u00a0tenues" in page.locator(".cuf-timeline .cuf-figures").text_content()

        # --- the presenter: stepping to the march draws its route along the walk
        page.goto(f"{url}/presentation.html")
        page.locator("html[data-cuf-ready='1']").wait_for()
        page.evaluate("""() => { window.seen = [];
            new MutationObserver(() => window.seen.push(
                +document.documentElement.getAttribute('data-cuf-route-points')))
              .observe(document.documentElement,
                       { attributes: true, attributeFilter: ['data-cuf-route-points'] }); }""")
        page.locator(f".cuf-strip li[data-stage='{CHARTRES}']").click()
        page.locator("html[data-cuf-route='drawn']").wait_for()
        seen = page.evaluate("() => window.seen")
        assert seen == sorted(seen) and len(set(seen)) >= 5 and seen[-1] == 67, seen
        still(page)
        assert page.evaluate("() => window.cufRelay.map.getZoom()") >= 12  # framed on the walk
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "marches-parcours.png"))

        page.emulate_media(reduced_motion="reduce")  # drawn at once
        page.keyboard.press("ArrowLeft")
        page.evaluate("() => { window.seen = []; }")
        page.locator(f".cuf-strip li[data-stage='{CHARTRES}']").click()
        page.locator("html[data-cuf-route='drawn']").wait_for()
        assert page.evaluate("() => window.seen") == [67]
        # and a named point leads to its partner at once (a jump, no flight)
        page.locator(".cuf-card .partner-link", has_text="Place de Ravenne").click()
        center = page.evaluate("() => window.cufRelay.map.getCenter()")
        assert abs(center["lat"] - 44.4) < 0.5 and abs(center["lng"] - 12.2) < 0.5

        # --- its closing view: the relay in figures
        page.locator(".cuf-strip li").last.click()
        page.keyboard.press("ArrowRight")
        panel = page.locator(".cuf-figures-panel")
        panel.wait_for()
        assert "Le relais en chiffres" in panel.text_content()
        assert "6,8\u00a0km parcourus" in panel.text_content()
        still(page)
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "marches-chiffres.png"))

        # --- the speaker view: the stage's photos beside its notes
        page.goto(f"{url}/orateur.html")
        page.locator("html[data-cuf-ready='1']").wait_for()
        page.locator(f".cuf-strip li[data-stage='{BILLERE}']").click()
        speaker_photo = page.locator(".cuf-speaker-panel .photos img")
        speaker_photo.wait_for()
        assert speaker_photo.get_attribute("alt") == ALT
