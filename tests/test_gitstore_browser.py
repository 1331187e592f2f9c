"""The editing flow with the Git storage, in headless chromium against `streamlit run`
(two app instances on one local bare repository; network cut)."""

import contextlib
import shutil

import pytest
from playwright.sync_api import expect

from .browser import streamlit_server
from .conftest import ROOT
from .test_editing_browser import HASH, SAVED, edit, save, sign_in, signed_in_page
from .test_gitstore import direct_commit, log, remote, remote_csv  # noqa: F401

pytestmark = pytest.mark.browser
SERVED_DIR = ROOT / "static"  # static -> data/publie, served by Streamlit


def served(tmp_path) -> str:
    """Each test's published folder is its own sub-folder: tests running side by side (xdist)
    never publish over each other's page."""
    return f"/app/static/{tmp_path.name}/carte/index.html"


@contextlib.contextmanager
def app_instance(tmp_path, remote, name):  # noqa: F811
    """One app server on the remote, with its own disk (as a container would have)."""
    folder = tmp_path / name
    try:
        with streamlit_server(folder / "data" / "relais.csv", folder / "data" / "lieux.csv",
                              CUFMAP_PASSWORD_HASH=HASH, CUFMAP_DEPOT=f"file://{remote}",
                              CUFMAP_DEPOT_CACHE=str(folder / "cache"),
                              CUFMAP_DEPOT_INTERVALLE="1",
                              CUFMAP_DOSSIER_PUBLIE=str(SERVED_DIR / tmp_path.name)) as url:
            yield url
    finally:  # once the server has stopped: a running publisher would write the folder again
        shutil.rmtree(SERVED_DIR / tmp_path.name, ignore_errors=True)


def served_contains(page, url, text, path):
    """Waits until the live page, as served, contains ``text`` (fetched without cache)."""
    page.wait_for_function(
        """([u, t]) => {
            fetch(u, {cache: 'no-store'}).then(r => r.text())
                .then(body => { window.cufmapServed = body.includes(t); });
            return window.cufmapServed === true;
        }""", arg=[url + path, text], polling=250, timeout=30_000)


def test_save_commits_to_the_remote_and_the_live_page_follows_every_change(page, tmp_path,
                                                                          remote):  # noqa: F811
    with app_instance(tmp_path, remote, "a") as url:
        sign_in(page, url, "Alice")
        edit(page, 2, "titre", "Randonnee versionnee a Suippes",
             before="Randonnée de la coopération décentralisée à Suippes")
        save(page)
        expect(page.get_by_text(SAVED)).to_be_visible()
        assert log(remote)[0] == ("Alice", "1 étape modifiée")
        assert "Randonnee versionnee a Suippes" in remote_csv(remote)
        # the live page, a static file the app serves, already shows it
        page.goto(url + served(tmp_path))
        timeline = page.locator(".cuf-timeline button[data-stage='suippes-2025-04-01'] .title")
        expect(timeline).to_have_text("Randonnee versionnee a Suippes", timeout=20_000)
        # a commit made in GitHub's web editor reaches it with no restart and no visit
        direct_commit(tmp_path, remote, lambda t: t.replace("Randonnee versionnee",
                                                            "Marche du web"))
        served_contains(page, url, "Marche du web a Suippes", served(tmp_path))
        page.reload()
        expect(timeline).to_have_text("Marche du web a Suippes", timeout=20_000)


def test_two_instances_on_one_remote_one_wins_the_other_gets_the_merge(browser, tmp_path,
                                                                       remote):  # noqa: F811
    with app_instance(tmp_path, remote, "a") as url_a, \
            app_instance(tmp_path, remote, "b") as url_b:
        alice = signed_in_page(browser, url_a, "Alice")
        bruno = signed_in_page(browser, url_b, "Bruno")
        edit(alice, 2, "description", "Version d'Alice.")
        edit(bruno, 3, "lieu", "Hôtel de Ville de Lyon", before="")
        save(alice)
        expect(alice.get_by_text(SAVED)).to_be_visible()
        save(bruno)
        expect(bruno.get_by_text("Quelqu'un d'autre a enregistré le fichier")).to_be_visible()
        assert "Hôtel de Ville de Lyon" not in remote_csv(remote)
        bruno.get_by_role("button", name="Charger sa version en gardant mes modifications") \
            .click()
        expect(bruno.get_by_text("1 modifiée(s)")).to_be_visible()
        save(bruno)
        expect(bruno.get_by_text(SAVED)).to_be_visible()
        text = remote_csv(remote)
        assert "Version d'Alice." in text and "Hôtel de Ville de Lyon" in text
        assert [who for who, _ in log(remote)][:2] == ["Bruno", "Alice"]
        for p in (alice, bruno):
            p.context.close()
