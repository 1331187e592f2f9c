"""The map's own rules in a real browser: the selection the app passes and the exported page's
address are applied and counted by the page; text from the data stays text (tooltips too)."""

import dataclasses
import datetime as dt
import shutil

import pytest
from playwright.sync_api import expect

from cufmap.places import geocoding
from cufmap.publish import export as exporting
from cufmap.publish import mapdoc
from cufmap.publish.payload import payload
from cufmap.relay.stages import load_stages
from cufmap.relay.validation import Partner

from .conftest import DATA, ROOT

pytestmark = pytest.mark.browser

def render(located, options=mapdoc.MapOptions()):
    """The map document of ``located`` with ``options`` (its payload built for them)."""
    return mapdoc.render(payload(located, options.today, (options.lang,)), options)



@pytest.fixture(scope="module")
def located():
    chain = geocoding.Chain(places=geocoding.PlacesFile(ROOT / "data" / "lieux.csv"))
    return geocoding.locate(load_stages(DATA), chain)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The shipped relay exported as a static page (opened from disk: no server at all)."""
    tmp = tmp_path_factory.mktemp("relay")
    shutil.copy(DATA, tmp / "relais.csv")
    shutil.copy(ROOT / "data" / "lieux.csv", tmp / "lieux.csv")
    exporting.export(tmp / "out", tmp / "relais.csv", tmp / "lieux.csv", tiles="aucune",
                     allow_online=False)
    return (tmp / "out" / "index.html").as_uri()


def ready(page, url):
    page.goto(url)
    page.locator("html[data-cuf-ready='1']").wait_for()


def test_the_exported_page_applies_every_filter_of_its_address(page, exported):
    count = page.locator(".cuf-timeline .cuf-count")
    ready(page, exported)
    expect(page.locator(".cuf-stage")).to_have_count(20)
    expect(count).to_be_hidden()  # nothing filtered, nothing to count
    # La Réunion's stage, chosen in its inset, opens its card.
    x, y = page.evaluate("""() => { const mini = window.cufRelay.insetMaps.maps[1];
        const at = mini.latLngToContainerPoint(window.cufRelay.byId['la-reunion-date-a-venir']);
        const box = mini.getContainer().getBoundingClientRect();
        return [box.left + at.x, box.top + at.y]; }""")
    page.mouse.click(x, y)
    expect(page.locator(".cuf-card .host")).to_have_text("Conseil départemental de La Réunion")
    ready(page, exported + "?mois=2025-04,a-venir")
    expect(page.locator(".cuf-stage")).to_have_count(11)
    expect(count).to_have_text("11 étapes sur 20 correspondent à la sélection.")
    expect(count).to_have_attribute("aria-live", "polite")
    ready(page, exported + "?type=d%C3%A9partement")
    expect(page.locator(".cuf-timeline .host")).to_have_text([
        "Département de l'Aude", "Département de la Savoie", "Département de la Loire-Atlantique",
        "Conseil départemental de La Réunion"])
    ready(page, exported + "?type=d%C3%A9partement&format=table%20ronde,soir%C3%A9e")
    expect(page.locator(".cuf-timeline .host")).to_have_text([
        "Département de la Savoie", "Département de la Loire-Atlantique"])
    ready(page, exported + "?q=coree")  # a partner's country, without its accent
    expect(page.locator(".cuf-timeline .host")).to_have_text(["Ville de Suippes"])
    expect(count).to_have_text("1 étape sur 20 correspond à la sélection.")
    ready(page, exported + "?q=occitanie")  # a co-organiser
    expect(page.locator(".cuf-timeline li")).to_have_count(1)
    ready(page, exported + "?pays=DE&langue=en")
    expect(count).to_have_text("1 stage of 20 matches the selection.")


def test_the_app_selection_is_applied_and_counted_by_the_map(page, located, tmp_path):
    """The app passes its filters to the map document, which applies and counts them."""
    doc = tmp_path / "carte.html"
    options = mapdoc.MapOptions(tiles="aucune", today=dt.date(2025, 4, 9),
                                filters=(("pays", "KR"),))
    doc.write_text(render(located, options), encoding="utf-8")
    ready(page, doc.as_uri() + "?pays=DE")  # the app's page never reads its own address
    expect(page.locator(".cuf-stage")).to_have_count(1)
    expect(page.locator(".cuf-timeline .host")).to_have_text(["Ville de Suippes"])
    expect(page.locator(".cuf-count")).to_have_text("1 étape sur 20 correspond à la sélection.")
    expect(page.locator(".cuf-stage .cuf-marker")).to_have_class("cuf-marker status-passee")


def test_partner_names_are_text_in_their_tooltips(page, located, tmp_path):
    first = located[0]  # Suippes, partner of Yangpyeong
    name = "<img src=x onerror=alert(1)>Yangpyeong"
    stage = dataclasses.replace(first.stage, partners=(Partner(name, "Corée du Sud", "KR"),))
    doc = tmp_path / "carte.html"
    doc.write_text(render([dataclasses.replace(first, stage=stage), *located[1:]],
                                 mapdoc.MapOptions(tiles="aucune")), encoding="utf-8")
    ready(page, doc.as_uri())
    page.evaluate("() => window.cufRelay.select('suippes-2025-04-01', {animate: false})")
    x, y = page.evaluate("""() => { const r = window.cufRelay, p = r.byId['suippes-2025-04-01']
        .partners[0], at = r.map.latLngToContainerPoint([p.lat, p.lon]);
        const box = r.map.getContainer().getBoundingClientRect();
        return [box.left + at.x, box.top + at.y]; }""")
    page.mouse.move(x, y)
    tip = page.locator(".leaflet-tooltip")
    expect(tip).to_have_text(name + " (Corée du Sud)")
    assert tip.locator("img").count() == 0 and page.dialogs == []


def test_dot_names_are_text_on_an_atlas_sized_map(page, tmp_path):
    """Past 400 stages the dots are drawn on a canvas; their tooltips stay text too."""
    lines = ["id;date_debut;collectivite;titre;partenaires;lat;lon"]
    for i in range(401):
        lines.append(f"etape-{i};01/04/2025;Commune <img src=x onerror=alert(1)> {i};"
                     f"Rencontre {i};;{43 + (i % 20) * 0.4:.2f};{-1 + (i // 20) * 0.4:.2f}")
    (tmp_path / "relais.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(ROOT / "data" / "lieux.csv", tmp_path / "lieux.csv")
    exporting.export(tmp_path / "out", tmp_path / "relais.csv", tmp_path / "lieux.csv",
                     tiles="aucune", allow_online=False)
    ready(page, (tmp_path / "out" / "index.html").as_uri() + "?date=2025-04-09")
    assert page.locator(".cuf-stage").count() == 0  # dots, not markers
    x, y = page.evaluate("""() => { const r = window.cufRelay, s = r.byId['etape-0'];
        const at = r.map.latLngToContainerPoint([s.lat, s.lon]);
        const box = r.map.getContainer().getBoundingClientRect();
        return [box.left + at.x, box.top + at.y]; }""")
    page.mouse.move(x, y)
    expect(page.locator(".leaflet-tooltip")).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.locator(".leaflet-tooltip img").count() == 0 and page.dialogs == []


@pytest.mark.parametrize("width, height", [(390, 700), (700, 500)])
def test_on_a_phone_or_a_small_iframe_the_card_leaves_the_stage_in_sight(page, exported, width,
                                                                        height):
    """The card of the stage opened from the address never covers that stage's marker, nor
    the legend (which steps aside on a phone); closing the card brings the legend back."""
    page.set_viewport_size({"width": width, "height": height})
    ready(page, exported + "?etape=billere-2025-05-08")
    page.wait_for_function("() => !document.documentElement.hasAttribute('data-cuf-moving')")
    card = page.locator(".cuf-card")
    expect(card).to_contain_text("Parcours pédestre de la coopération à Billère")
    boxes = page.evaluate("""() => {
      const r = e => { const b = e.getBoundingClientRect();
                       return b.width ? [b.left, b.top, b.right, b.bottom] : null; };
      return { card: r(document.querySelector('.cuf-card')),
               stage: r(document.querySelector('.cuf-stage[data-stage="billere-2025-05-08"]')),
               legend: r(document.querySelector('.cuf-legend')),
               map: r(document.querySelector('.folium-map')) };
    }""")

    def overlap(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    stage, map_box = boxes["stage"], boxes["map"]
    assert stage and not overlap(stage, boxes["card"])
    assert map_box[0] <= stage[0] and stage[2] <= map_box[2] and stage[3] <= map_box[3]
    assert boxes["legend"] is None or not overlap(boxes["legend"], boxes["card"])
    page.locator(".cuf-card .close").click()
    expect(page.locator(".cuf-legend")).to_be_visible()
