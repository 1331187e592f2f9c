"""Hardening against a running app (issues 14 and 18): the map in its own origin, large data
kept out of the websocket, memory that returns, and hostile uploads (zip bomb, 100,000 rows,
shared-strings bomb) refused while another visitor's page still loads."""

import csv
import io
import re
import shutil

import pytest
from playwright.sync_api import expect

from cufmap.app import auth

from .browser import map_frame, require_chromium, streamlit_server
from .conftest import DATA, ROOT
from .hostile import big_csv, shared_strings_bomb_xlsx, zip_bomb_xlsx
from .streamlit_client import rss_bytes, views

pytestmark = pytest.mark.browser

PASSWORD = "relais-coop-dec-2025"
HASH = auth.hash_password(PASSWORD, iterations=1000)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("data")
    shutil.copy(DATA, folder / "relais.csv")
    shutil.copy(ROOT / "data" / "lieux.csv", folder / "lieux.csv")
    with streamlit_server(folder / "relais.csv", folder / "lieux.csv",
                          CUFMAP_PASSWORD_HASH=HASH) as url:
        yield url, folder / "relais.csv"


def test_the_map_runs_sandboxed_in_its_own_origin(page, server):
    url, _ = server
    page.goto(url + "/?date=2025-04-09")
    frame = map_frame(page)
    frame.locator("html[data-cuf-ready='1']").wait_for(timeout=60_000)
    inner = page.frame_locator("iframe").first.locator("iframe").first
    sandbox = inner.get_attribute("sandbox").split()
    assert "allow-scripts" in sandbox and "allow-same-origin" not in sandbox
    assert re.match(r"/app/static/.*cartes/", inner.get_attribute("src"))
    map_js = page.frames[-1]
    assert map_js.evaluate("() => window.cufRelay !== undefined")
    assert map_js.evaluate("() => self.origin") == "null"
    reach = map_js.evaluate("""() => {
        try { return window.top.document.title; } catch (e) { return 'refusé'; } }""")
    assert reach == "refusé"
    # every feature still works inside the sandbox: timeline, card, its link
    frame.locator(".cuf-timeline button[data-stage='billere-2025-05-08']").click()
    card = frame.locator(".cuf-card")
    expect(card).to_contain_text("Sabiñánigo (Espagne)")


def _many_stages(path, count: int) -> None:
    rows = list(csv.DictReader(io.StringIO(DATA.read_text(encoding="utf-8"))))
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for i in range(count):
        row = dict(rows[i % len(rows)])
        row["id"] = f"{row['id']}-{i}"
        row["description"] = (row["description"] + " ") * 4
        writer.writerow(row)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_large_data_stays_out_of_the_websocket_and_memory_returns(tmp_path):
    """2,000 stages: each page view sends a few KB through the websocket (the map document is
    a static file the browser caches); 100 views leave the server within 20 MB of 10."""
    data = tmp_path / "relais.csv"
    _many_stages(data, 2000)
    shutil.copy(ROOT / "data" / "lieux.csv", tmp_path / "lieux.csv")
    assert data.stat().st_size > 1_500_000
    with streamlit_server(data, tmp_path / "lieux.csv") as url:
        first = views(url, 10, concurrency=2)
        assert all(v.finished and not v.exceptions for v in first)
        assert max(v.received for v in first) < 20_000
        after_10 = rss_bytes(url.pid)
        more = views(url, 90, concurrency=10)
        assert all(v.finished and not v.exceptions for v in more)
        after_100 = rss_bytes(url.pid)
    assert after_100 - after_10 <= 20 * 2**20, (after_10, after_100)


def _sign_in(page, url):
    page.goto(url + "/edition")
    page.get_by_label("Votre nom").fill("Alice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("tab", name="Importer / exporter").click()


def test_hostile_uploads_are_refused_while_another_visitor_loads_the_map(browser, server,
                                                                           tmp_path):
    url, data = server
    before = data.read_bytes()
    bomb = tmp_path / "relais.xlsx"
    bomb.write_bytes(zip_bomb_xlsx())
    huge = tmp_path / "relais-100k.csv"
    huge.write_bytes(big_csv(100_000))
    strings = tmp_path / "chaines.xlsx"  # issue 18: one 15 MB shared string in every cell
    strings.write_bytes(shared_strings_bomb_xlsx())
    staff = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    visitor = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    try:
        _sign_in(staff, url)
        for upload, refusal in ((bomb, "se décompresse en"), (huge, "plus de 50"),
                                (strings, "la cellule compte")):
            staff.locator("input[type='file']").set_input_files(str(upload))
            visitor.goto(url + "/?date=2025-04-09")  # while the upload is being read
            map_frame(visitor).locator(".cuf-stage").first.wait_for(state="attached",
                                                                   timeout=30_000)
            expect(map_frame(visitor).locator(".cuf-stage")).to_have_count(20)
            expect(staff.get_by_text(refusal)).to_be_visible(timeout=30_000)
            expect(staff.get_by_role("button", name="Remplacer les étapes par ce fichier")) \
                .to_have_count(0)
        expect(staff.locator("[data-testid='stException']")).to_have_count(0)
        assert data.read_bytes() == before
    finally:
        staff.context.close()
        visitor.context.close()
