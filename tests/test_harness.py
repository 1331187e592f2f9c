"""The test harness itself: every test that drives chromium is marked ``browser`` without anyone
having to remember it, so ``pytest -m "not browser"`` runs on a machine without chromium."""

from .conftest import BROWSER_FIXTURES


def test_every_test_using_the_browser_is_marked_and_deselected_by_not_browser(request):
    items = request.session.items  # this run's collection (each xdist worker collects it all)
    by_name = {item.name: item for item in items}

    def marked(name):
        return by_name[name].get_closest_marker("browser") is not None

    # test_export.py mixes both kinds, without a module marker; test_editing_browser.py has none
    for name in ("test_export_writes_three_files_within_budget", "test_cli_export"):
        assert name not in by_name or not marked(name)
    for name in ("test_exported_page_fits_a_phone", "test_the_axe_check_itself_catches_a_violation",
                 "test_an_atlas_sized_map_draws_on_canvas_and_fills_its_whole_timeline",
                 "test_axe_finds_no_serious_violation_on_the_app_page",
                 "test_restore_an_earlier_version"):
        assert name not in by_name or marked(name)
    unmarked = [item.nodeid for item in items
                if BROWSER_FIXTURES & set(item.fixturenames)
                and item.get_closest_marker("browser") is None]
    assert not unmarked


def test_chromium_itself_refuses_every_host_but_this_machine(page):
    """The test browser is offline on its own (``NO_NETWORK``), without Playwright's routing:
    a host name or a bare IP address is refused at once, and ``page.offline`` records both."""
    reasons = []
    page.on("requestfailed", lambda r: reasons.append(r.failure))
    page.set_content("<img src='https://tile.openstreetmap.fr/osmfr/1/0/0.png'>"
                     "<img src='http://192.0.2.1/x.png'>")
    page.wait_for_load_state("load")
    assert page.offline.external == ["https://tile.openstreetmap.fr/osmfr/1/0/0.png",
                                      "http://192.0.2.1/x.png"]
    assert sorted(page.offline.failed) == sorted(page.offline.external)
    assert reasons == ["net::ERR_PROXY_CONNECTION_FAILED"] * 2  # refused by chromium's proxy
    errors = page.evaluate("""() => Promise.all(['https://example.org/', 'http://192.0.2.1/']
        .map(u => fetch(u).then(() => 'reached', e => 'refused')))""")
    assert errors == ["refused", "refused"]
