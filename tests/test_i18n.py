"""Languages by catalogue (cufmap/locales/*/LC_MESSAGES/*.po) and French everywhere in French:
the catalogues complete, the command line's help in French, the exported page and the app's
public page in English with no French interface word, in French with none of Streamlit's
English, and the browser's own language followed when the address asks for none."""

import re
import shutil
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from cufmap import i18n

from .browser import (
    Offline,
    map_document,
    map_frame,
    require_chromium,
    serve,
    streamlit_server,
)
from .conftest import DATA, ROOT, run_cli

# --- The catalogues ---------------------------------------------------------------------------


def test_every_catalogue_has_every_french_message_filled_with_the_same_placeholders():
    assert set(i18n.languages()) >= {"fr", "en"}
    for lang in i18n.languages():
        assert i18n.missing_messages(lang) == [], (
            f"cufmap/locales/{lang}/LC_MESSAGES/cufmap.po : messages manquants, vides ou sans "
            "les mêmes {…} que le français ; « cufmap langues » les ajoute, traduisez-les.")
    assert i18n.missing_messages("fr", i18n.CLICK) == []


@pytest.fixture
def locales(tmp_path, monkeypatch):
    """A private copy of the catalogues, which i18n reads instead of the package's."""
    copy = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES, copy)
    monkeypatch.setattr(i18n, "LOCALES", copy)
    for cached in (i18n.catalogue, i18n.languages, i18n.texts):
        cached.cache_clear()
    yield copy
    for cached in (i18n.catalogue, i18n.languages, i18n.texts):
        cached.cache_clear()


def test_a_catalogue_with_a_missing_or_broken_message_is_caught(locales):
    en = locales / "en" / "LC_MESSAGES" / "cufmap.po"
    text = en.read_text(encoding="utf-8")
    text = text.replace('msgstr "Stages of the relay"', 'msgstr ""')
    text = text.replace('msgstr "{n} stage of {m} matches the selection."',
                        'msgstr "{n} stage matches the selection."')
    en.write_text(text, encoding="utf-8")
    assert i18n.missing_messages("en") == ["timeline", "count_one"]
    assert i18n.texts("en")["timeline"] == "Les étapes du relais"  # French meanwhile, never a key


def test_the_catalogues_are_as_cufmap_langues_writes_them_and_a_new_language_is_one_file(
        locales, monkeypatch):
    before = {p: p.read_bytes() for p in locales.rglob("*.po")}
    i18n.update_catalogues()
    i18n.update_click_catalogue()
    assert {p: p.read_bytes() for p in locales.rglob("*.po")} == before
    # A text written in the code (another branch's) goes into every catalogue.
    monkeypatch.setattr(i18n, "TEXTS", {"fr": {"share": "Partager"}, "en": {"share": "Share"}})
    i18n.update_catalogues(new="de")
    assert i18n.languages() == ("fr", "de", "en")
    assert i18n.texts("en")["share"] == "Share"
    de = (locales / "de" / "LC_MESSAGES" / "cufmap.po").read_text(encoding="utf-8")
    assert '#. fr: Partager\nmsgid "share"\nmsgstr ""' in de
    assert "share" in i18n.missing_messages("de")
    assert i18n.locale("de") == "de" and i18n.texts("de")["one_counts"] == "1"


def test_no_interface_text_is_left_outside_the_catalogues():
    assert not any(i18n.TEXTS.values()), (
        "Des textes sont encore dans cufmap/i18n.py (TEXTS) : lancez « cufmap langues », puis "
        "videz TEXTS.")


def test_the_language_is_the_address_s_else_the_browser_s_else_french():
    assert i18n.choose("en", "fr-FR") == "en"
    assert i18n.choose("", "en-US,en;q=0.9") == "en"
    assert i18n.choose("", ["de-DE", "en-GB"]) == "en"
    assert i18n.choose("xx", "ja") == "fr"
    assert i18n.choose("", ()) == "fr"


def test_dates_months_and_credits_are_in_the_page_s_language():
    import datetime as dt

    from cufmap.publish import filters, mapdoc
    from cufmap.relay.stages import Stage

    stage = Stage("x", dt.date(2025, 4, 1), dt.date(2025, 4, 3), "Ville", "", "", "", "", ())
    assert stage.when("fr_FR") == "du mardi 1er avril 2025 au jeudi 3 avril 2025"
    assert stage.when(i18n.locale("en")) == "Tuesday, 1 April 2025 – Thursday, 3 April 2025"
    assert filters.month_label("2025-04", "en") == "April 2025"
    assert filters.month_label(filters.UNDATED, "en") == "Date to be announced"
    assert mapdoc.attribution("aucune", "en") == "Outlines: Natural Earth (public domain)"
    assert "contributors" in mapdoc.attribution("osm-fr", "en")
    assert "Contours : Natural Earth" in mapdoc.attribution("osm-fr", "fr")


@pytest.mark.parametrize("served", [True, False])
def test_the_app_s_map_speaks_the_browser_s_language_and_its_address_stays_neutral(
        monkeypatch, tmp_path, served):
    """An English browser on the public page, no ?langue=: a published document gets no
    ``langue`` in its address (it follows the browser itself, and a shared view then follows
    the receiver's); a map drawn inline (published folder not served) is drawn in English."""
    import html
    import tempfile

    from cufmap.app import ui

    monkeypatch.setattr(ui, "page_language", lambda: "en")
    data = tmp_path / "relais.csv"
    shutil.copy(DATA, data)
    shutil.copy(ROOT / "data" / "lieux.csv", tmp_path / "lieux.csv")
    monkeypatch.setenv("CUFMAP_DATA", str(data))
    monkeypatch.setenv("CUFMAP_PLACES", str(tmp_path / "lieux.csv"))
    outside = tempfile.mkdtemp(prefix="cufmap-publie-")
    if not served:
        monkeypatch.setenv("CUFMAP_DOSSIER_PUBLIE", outside)
    monkeypatch.chdir(ROOT)
    from cufmap.app import loaders

    if served:  # the publisher's first publication, as a running app has it
        loaders.publisher().wait_ready(60)
    try:
        from .conftest import run_page

        at = run_page("app.py")
        [frame] = at.get("iframe")
        outer = frame.proto.srcdoc
        assert '<html lang="en">' in outer
        if served:
            src = re.search(r'<iframe src="([^"]+)"', outer).group(1)
            assert "/app/static/" in src and "langue" not in src and "etape" not in src
        else:
            inner = html.unescape(re.search(r'srcdoc="([^"]*)"', outer).group(1))
            assert '"lang":"en"' in inner
    finally:
        shutil.rmtree(outside, ignore_errors=True)  # the publisher may be writing there


def test_the_streamlit_translation_script_survives_streamlit_s_sanitizer():
    """Streamlit passes st.html through DOMPurify, which drops a script whose text holds « < »
    followed by a letter, « / » or « ! » (measured: the public page stayed in English)."""
    from cufmap.app import ui

    assert not re.search(r"<[/\w!]", ui.script("french.js"))


# --- The command line ---------------------------------------------------------------------

CLICK_ENGLISH = re.compile(r"\bUsage\b|Options:|Show this message|\bdefault\b|\bCommands\b|"
                           r"\bError\b|\brequired\b|\bTry\b|\bNo such\b|\b(TEXT|FILE|PATH|"
                           r"DIRECTORY|INTEGER)\b")


def test_cufmap_help_and_every_subcommand_s_help_and_errors_are_french():
    from cufmap.cli import main

    runner = CliRunner()
    for args in ([], *([name] for name in main.commands)):
        out = runner.invoke(main, [*args, "--help"], prog_name="cufmap").output
        assert out.startswith("Utilisation : cufmap"), out
        assert "Affiche cette aide et quitte." in out
        assert not CLICK_ENGLISH.search(out), (args, CLICK_ENGLISH.search(out), out)
    export_help = runner.invoke(main, ["export", "-h"], prog_name="cufmap").output
    assert "[par défaut : osm-fr]" in " ".join(export_help.split())
    wrong = runner.invoke(main, ["expor"], prog_name="cufmap")
    assert "Erreur : La commande 'expor' n'existe pas. Vouliez-vous dire 'export' ?" in \
        wrong.output and not CLICK_ENGLISH.search(wrong.output)
    wrong = runner.invoke(main, ["validate", "--nope"])
    assert "L'option '--nope' n'existe pas." in wrong.output
    assert not CLICK_ENGLISH.search(wrong.output)
    # The installed command itself, as staff type it.
    done = run_cli("--help")
    assert done.returncode == 0 and "Commandes :" in done.stdout
    assert not CLICK_ENGLISH.search(done.stdout)


# --- In the browser -------------------------------------------------------------------------


def french_words() -> set[str]:
    """The page's French interface words: every word of the French catalogue that no other
    catalogue uses and that is not in the relay's own data (names, titles, descriptions)."""
    def words(text):
        return {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ']{4,}", text)}

    french = set().union(*(words(v) for v in i18n.texts("fr").values()))
    others = set().union(*(words(v) for lang in i18n.languages() if lang != "fr"
                           for v in i18n.texts(lang).values()))
    return french - others - words(DATA.read_text(encoding="utf-8")) - {"d'openstreetmap"}


def french_in(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ']{4,}", text)} & french_words()


#: What a page offers to read: its title, every text (shown or not yet: a card, a panel) but
#: its scripts' and styles', its accessible names, tooltips and placeholders.
VISIBLE = """() => { const parts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());)
    if (!['SCRIPT', 'STYLE'].includes(n.parentNode.nodeName)) parts.push(n.nodeValue);
  for (const e of document.querySelectorAll('[aria-label],[title],[placeholder]'))
    parts.push(['aria-label', 'title', 'placeholder'].map(a => e.getAttribute(a) || '').join(' '));
  return parts.join(' '); }"""

STREAMLIT_ENGLISH = ("Skip to main content", "Made with Streamlit", "Print", "Record a screencast",
                     "Record screen", "Stop", "Running...", "KB")


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The app (``streamlit run``) and the exported page, both offline."""
    require_chromium()
    from cufmap.publish import export

    folder = tmp_path_factory.mktemp("i18n")
    data, places = folder / "relais.csv", folder / "lieux.csv"
    shutil.copy(DATA, data)
    shutil.copy(ROOT / "data" / "lieux.csv", places)
    export.export(folder / "export", data, places, tiles="osm-fr", allow_online=False)
    with serve(folder / "export") as exported, streamlit_server(data, places) as app:
        yield app, exported + "/index.html"


@contextmanager
def browsing(browser, locale):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale=locale)
    Offline(context)
    try:
        yield context.new_page()
    finally:
        context.close()


def ready(page, url):
    page.goto(url)
    page.locator("html[data-cuf-ready='1']").wait_for(timeout=60_000)
    return page


def test_the_exported_page_speaks_the_address_s_language_else_the_browser_s(browser, sites):
    _, exported = sites
    with browsing(browser, "fr-FR") as page:
        ready(page, exported + "?langue=en&etape=billere-2025-05-08")
        expect(page.locator(".cuf-card")).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == "en"
        text = page.evaluate(VISIBLE)
        assert "Outlines: Natural Earth (public domain)" in text and "Thursday, 8 May 2025" in text
        assert french_in(text) == set(), french_in(text)
        scale = page.locator(".leaflet-control-scale").text_content()  # hidden under a card
        assert "km" in scale and not re.search(r"\bmi\b|\bft\b", scale)
        ready(page, exported)  # no ?langue=: the browser's French
        assert page.evaluate("document.documentElement.lang") == "fr"
        expect(page.locator(".cuf-timeline h2")).to_have_text("Les étapes du relais")
    with browsing(browser, "en-US") as page:
        ready(page, exported)  # no ?langue=: the browser's English
        expect(page.locator(".cuf-timeline h2")).to_have_text("Stages of the relay")
        assert french_in(page.evaluate(VISIBLE)) == set()
        ready(page, exported + "?langue=fr")
        expect(page.locator(".cuf-timeline h2")).to_have_text("Les étapes du relais")


def test_the_app_s_public_page_follows_the_browser_and_speaks_no_foreign_word(browser, sites):
    app, _ = sites
    with browsing(browser, "en-US") as page:
        page.goto(app + "/?date=2025-04-09")
        frame = map_frame(page)
        frame.locator("html[data-cuf-ready='1']").wait_for(timeout=60_000)
        expect(page.get_by_text("50 years of Cités Unies France")).to_be_visible()
        expect(frame.locator(".cuf-timeline h2")).to_have_text("Stages of the relay")
        expect(page.get_by_text("Partner country")).to_be_visible()  # ?date= shows the filters
        text = page.evaluate(VISIBLE) + " " + map_document(page).evaluate(VISIBLE)
        assert french_in(text) == set(), french_in(text)
        assert page.locator("html[data-cuf-french]").count() == 0
    with browsing(browser, "fr-FR") as page:
        page.goto(app + "/?date=2025-04-09")
        frame = map_frame(page)
        frame.locator("html[data-cuf-ready='1']").wait_for(timeout=60_000)
        page.locator("html[data-cuf-french='1'][lang='fr']").wait_for(state="attached")
        expect(frame.locator(".cuf-timeline h2")).to_have_text("Les étapes du relais")
        assert "km" in frame.locator(".leaflet-control-scale").text_content()
        # What Streamlit writes while a page reruns, or for an uploaded file, put in French as
        # it appears.
        page.evaluate("""() => { const b = document.createElement('button');
            b.id = 'cuf-test';
            b.innerHTML = '<span>Stop</span> <small>8.3KB</small> <i>532 bytes</i>';
            document.body.appendChild(b); }""")
        expect(page.locator("#cuf-test")).to_have_text("Arrêter 8,3\u00a0Ko 532\u00a0octets")
        text = page.evaluate(VISIBLE)
        for english in STREAMLIT_ENGLISH:
            assert not re.search(rf"(?<![\w.]){re.escape(english)}(?![\w])", text), english
        assert page.locator("[data-testid='stMainMenu']").count() == 0  # no ⋮ menu at all
        assert page.evaluate("document.documentElement.lang") == "fr"
        page.goto(app + "/?date=2025-04-09&langue=en")  # asked for in the address
        map_frame(page).locator("html[data-cuf-ready='1'][lang='en']").wait_for(timeout=60_000)
        expect(page.get_by_text("50 years of Cités Unies France")).to_be_visible()
        assert french_in(page.evaluate(VISIBLE) + " " + map_document(page).evaluate(VISIBLE)) \
            == set()
