"""What Python hands the browser, pinned for both sides:

* the payload: tests/js/fixtures/payload.json, which the node tests read, is what
  ``cufmap.publish.payload.payload`` builds (tests/js/make_fixtures.py), never a stale copy;
* the URL vocabulary: tests/url_cases.json, run against the app's parser here (Streamlit's
  st.query_params, then cufmap.publish.filters) and against the exported and live pages'
  (CufData.address) by tests/js/url_cases.test.js."""

import datetime as dt
import importlib.util
import json

import pytest
from streamlit.runtime.state.query_params import QueryParams

from cufmap import i18n
from cufmap.publish import filters
from cufmap.publish.filters import Filters

from .conftest import ROOT

CASES = json.loads((ROOT / "tests" / "url_cases.json").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 11, 28)
TILES = ("osm-fr", "ign", "osm", "aucune")


def test_the_node_tests_payload_is_the_one_python_builds():
    spec = importlib.util.spec_from_file_location("make_fixtures",
                                                  ROOT / "tests" / "js" / "make_fixtures.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    committed = maker.PAYLOAD.read_text(encoding="utf-8")
    assert maker.text() == committed, (
        "tests/js/fixtures/payload.json is not what cufmap.publish.payload.payload builds any more: "
        "run « python tests/js/make_fixtures.py », then « node --test tests/js/ », and commit it.")


def expected(case: dict) -> dict:
    return {**CASES["defaults"], **case}


def app_params(query: str) -> QueryParams:
    """The address as a Streamlit page reads it (``st.query_params``: the last value of a
    parameter given twice)."""
    params = QueryParams()
    params.populate_from_query_string(query)
    return params


def by_param(f: Filters) -> dict:
    """A selection keyed by URL parameter name, empty ones left out (the cases' form)."""
    return {Filters._PARAMS[name]: list(value) if isinstance(value, tuple) else value
            for name, value in vars(f).items() if value}


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["query"][:60] or "(vide)")
def test_the_app_reads_each_address_as_the_cases_say(case):
    want = expected(case)
    params = app_params(case["query"])
    chosen = Filters.from_params(params)
    assert by_param(chosen) == want["filters"]
    # The app hands its selection to the map document as parameters (Filters.to_params):
    # read again, it is the same selection.
    assert Filters.from_params(chosen.to_params()) == chosen
    date = filters.parse_reference_date(params.get("date"))
    assert (date.isoformat() if date else None) == want["date"]
    view = filters.current_view(params, {}, TODAY, TILES)
    assert view.filters == chosen
    assert view.reference == (date or TODAY)
    assert view.stage == want["stage"]
    # The page's language: the one asked for when the page carries it, else French (app.py).
    languages = CASES["languages"]
    assert set(languages) == set(i18n.TEXTS)
    assert (view.lang if view.lang in languages else "fr") == want["lang"]


def test_the_cases_cover_every_parameter_the_pages_read():
    """A parameter added to the vocabulary needs cases (here and in node)."""
    queries = " ".join(c["query"] for c in CASES["cases"])
    for name in (*Filters._PARAMS.values(), "date", "etape", "langue", "chronologie"):
        assert f"{name}=" in queries, name
    assert {"09/04/2025", "2025-04-09", "31/02/2025"} <= {
        c["query"].removeprefix("date=") for c in CASES["cases"]}
