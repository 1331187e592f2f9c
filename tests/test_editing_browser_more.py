"""The editing page in a real browser, second part (its own server, so that the two halves of
the editing flows run side by side under xdist): two sessions in conflict, and the places."""

import re

import pytest
from playwright.sync_api import expect

from .browser import rerun, settle
from .test_editing_browser import (  # noqa: F401 (fixtures: this module gets its own server)
    HASH,
    PASSWORD,
    SAVED,
    cell_point,
    dates_choices_and_the_form,
    edit,
    rows,
    save,
    server,
    sign_in,
    signed_in_page,
    site,
)


def test_a_conflict_between_two_sessions_loses_nothing(browser, site):
    url, data, _ = site
    alice, bruno = (signed_in_page(browser, url, name) for name in ("Alice", "Bruno"))
    edit(alice, 2, "description", "Version d'Alice.")
    save(alice)
    expect(alice.get_by_text(SAVED)).to_be_visible()
    edit(bruno, 3, "lieu", "Hôtel de Ville de Lyon", before="")
    save(bruno)
    expect(bruno.get_by_text("Quelqu'un d'autre a enregistré le fichier")).to_be_visible()
    assert {r["id"]: r for r in rows(data)}["lyon-2025-04-16"]["lieu"] == ""  # refused
    save_again = bruno.get_by_role("button", name="Enregistrer")
    expect(save_again).to_be_disabled()  # until their version is loaded
    # « Charger… » then « Enregistrer » as a hurried person clicks: the second click waits for
    # the button, enabled once the reload has run (its callback, before the page)
    bruno.get_by_role("button", name="Charger sa version en gardant mes modifications").click()
    save_again.click()
    expect(bruno.get_by_text(SAVED)).to_be_visible()
    stored = {r["id"]: r for r in rows(data)}
    assert stored["suippes-2025-04-01"]["description"] == "Version d'Alice."
    assert stored["lyon-2025-04-16"]["lieu"] == "Hôtel de Ville de Lyon"
    for p in (alice, bruno):
        p.context.close()


def test_places_ambiguous_choice_and_map_click_are_remembered(page, site, tmp_path):
    url, data, places = site
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("Yangpyeong (Corée du Sud)",
                                 "Yangpyeong (Corée du Sud); Springfield (États-Unis); "
                                 "**Zyxwvutville** (Canada)"), encoding="utf-8")
    sign_in(page, url)
    page.get_by_role("tab", name="Lieux").click()
    page.get_by_role("button", name="Vérifier les lieux").click()
    expect(page.get_by_text("Springfield (États-Unis) — ambigu")).to_be_visible(timeout=30_000)
    second = page.get_by_role("radiogroup").first.locator("label").nth(1)
    label = second.inner_text()  # « 2. Springfield (localité, États-Unis) — 42.1015, -72.5898 »
    assert label.startswith("2. Springfield (localité, États-Unis) — ")
    lat, lon = (float(v) for v in label.rsplit("— ", 1)[1].split(", "))
    with rerun(page):
        second.click()
    page.get_by_role("button", name="Retenir ce lieu").click()
    expect(page.get_by_text("Springfield (États-Unis) — ambigu")).to_have_count(0)
    remembered = {r["nom"]: r for r in rows(places)}
    assert remembered["Springfield"]["statut"] == "trouvé"
    assert remembered["Springfield"]["nom_trouve"] == "Springfield"
    assert float(remembered["Springfield"]["lat"]) == pytest.approx(lat, abs=1e-4)
    assert float(remembered["Springfield"]["lon"]) == pytest.approx(lon, abs=1e-4)
    # the unknown one (its Markdown shown as typed): placed by clicking the map
    expander = page.get_by_text("**Zyxwvutville** (Canada) — introuvable", exact=True).first
    expect(expander).to_be_visible()
    expect(page.locator("summary strong")).to_have_count(0)
    picker = page.frame_locator("iframe[title='streamlit_folium.st_folium']").first
    expect(picker.locator(".leaflet-container")).to_be_visible(timeout=20_000)
    picker.locator(".leaflet-container").click(position={"x": 200, "y": 150})
    expect(page.get_by_text("Point choisi")).to_be_visible(timeout=20_000)
    settle(page)
    page.get_by_role("button", name="Retenir ce point").click()
    expect(page.get_by_text("Tous les lieux sont placés.")).to_be_visible(timeout=20_000)
    remembered = {r["nom"]: r for r in rows(places)}
    assert remembered["**Zyxwvutville**"]["source"] == "manuel"
    assert remembered["**Zyxwvutville**"]["lat"] and remembered["**Zyxwvutville**"]["lon"]
    # a place the chain found can be corrected too (the Hesse Petersberg, say, if wrong)
    settle(page)
    page.get_by_label("Corriger un lieu déjà placé").click()
    with rerun(page):
        page.get_by_role("option", name="Petersberg (Allemagne) (placé sur Petersberg)").click()
    picker = page.frame_locator("iframe[title='streamlit_folium.st_folium']").first
    expect(picker.locator(".leaflet-container")).to_be_visible(timeout=20_000)
    box = picker.locator(".leaflet-container").bounding_box()  # click near the red circle
    picker.locator(".leaflet-container").click(
        position={"x": box["width"] / 2 + 60, "y": box["height"] / 2 - 40})
    expect(page.get_by_text("Point choisi")).to_be_visible(timeout=20_000)
    settle(page)
    with rerun(page):
        page.get_by_role("button", name="Retenir ce point").click()
    petersberg = {r["nom"]: r for r in rows(places)}["Petersberg"]
    assert petersberg["source"] == "manuel" and petersberg["pays"] == "Allemagne"
    moved = abs(float(petersberg["lat"]) - 50.56002) + abs(float(petersberg["lon"]) - 9.71295)
    assert 1e-4 < moved < 2  # the clicked point, near its previous position


def test_dates_and_choices_the_french_way_in_a_french_browser(browser, site):
    url, data, _ = site
    page = signed_in_page(browser, url, "Alice", locale="fr-FR")
    try:
        dates_choices_and_the_form(page, url, data, "fr-FR")
    finally:
        page.context.close()


def test_a_route_drawn_by_clicking_on_the_map_is_kept_and_shown(page, site):
    """« Une étape », Chartres: three clicks along the walk, the second one named after a twin
    town, one taken back, one more; saved, the route is kept with the data (its length from
    the clicks) and the named point is there."""
    import json

    url, data, _ = site
    sign_in(page, url)
    page.get_by_role("tab", name="Une étape").click()
    page.get_by_label("Étape", exact=True).click()
    page.keyboard.type("Chartres")
    with rerun(page):
        page.get_by_role("option", name="31/05/2025 — Ville de Chartres — Marche des villes "
                                        "jumelées à Chartres").click()
    page.get_by_text("… ou le dessiner sur la carte").click()
    picker = page.frame_locator("iframe[title='streamlit_folium.st_folium']").first
    area = picker.locator(".leaflet-container")
    expect(area).to_be_visible(timeout=20_000)
    box = area.bounding_box()
    x, y = box["width"] / 2, box["height"] / 2
    clicks = [(x - 120, y + 60, ""), (x - 20, y - 40, "Place de Ravenne"), (x + 200, y - 100, ""),
              (x + 100, y + 80, "")]
    drawn = 0
    for i, (cx, cy, name) in enumerate(clicks):
        if name:
            page.get_by_label("Nom du prochain point (facultatif)").fill(name)
        settle(page)
        area.click(position={"x": cx, "y": cy})
        drawn += 1
        expect(page.get_by_text(f"{drawn} point(s), ")).to_be_visible(timeout=20_000)
        if i == 2:  # a point put in the wrong place, taken back
            settle(page)
            with rerun(page):
                page.get_by_role("button", name="Retirer le dernier point").click()
            drawn -= 1
            expect(page.get_by_text(f"{drawn} point(s), ")).to_be_visible()
    expect(page.get_by_text("points nommés : Place de Ravenne")).to_be_visible()
    settle(page)
    with rerun(page):
        page.get_by_role("button", name="Enregistrer ce tracé").click()
    expect(page.get_by_text(re.compile(r"^Tracé de \d+,\d\skm enregistré \(3 points"))) \
        .to_be_visible(timeout=20_000)
    stored = json.loads((data.parent / "traces" / "chartres-2025-05-31.geojson").read_text())
    line = next(f for f in stored["features"] if f["geometry"]["type"] == "MultiLineString")
    assert line["properties"]["source"] == "tracé dessiné sur la carte"
    assert len(line["geometry"]["coordinates"][0]) == 3  # the taken-back point is not there
    assert 0.05 < line["properties"]["km"] < 5
    [named] = [f for f in stored["features"] if f["geometry"]["type"] == "Point"]
    assert named["properties"]["name"] == "Place de Ravenne"
    expect(page.get_by_text("Tracé enregistré : ")).to_contain_text("Place de Ravenne")
