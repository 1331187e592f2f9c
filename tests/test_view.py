"""The public page's URL/widget reconciliation (filters.current_view), without Streamlit: a
shared address opens the same view, the widgets take over once touched, and the address
follows them."""

import datetime as dt

from cufmap.publish import filters
from cufmap.publish.filters import Filters, current_view

TODAY = dt.date(2026, 11, 28)
TILES = ("osm-fr", "ign", "osm", "aucune")


def view(params=None, widgets=None):
    return current_view(params or {}, widgets or {}, TODAY, TILES)


def test_a_shared_address_opens_the_same_view_and_is_written_back_unchanged():
    params = {"mois": "2025-05", "pays": "DE", "q": "Billère", "tuiles": "ign",
              "etape": "billere-2025-05-08", "date": "2025-04-09", "langue": "en"}
    v = view(params)
    assert v.filtering
    assert v.filters == Filters(months=("2025-05",), countries=("DE",), text="Billère")
    assert (v.tiles, v.reference, v.stage, v.lang) == ("ign", dt.date(2025, 4, 9),
                                                       "billere-2025-05-08", "en")
    assert v.to_params(TODAY) == params


def test_a_bare_address_shows_everything_without_the_filters():
    v = view()
    assert not v.filtering and v.filters == Filters()
    assert (v.tiles, v.reference) == ("osm-fr", TODAY)
    assert v.to_params(TODAY) == {}  # defaults stay out of the address


def test_the_widgets_take_over_from_the_address_and_the_address_follows():
    v = view({"pays": "DE", "date": "2025-04-09"},
             {"f_on": True, "f_pays": ["KR"], "f_q": "Corée", "f_date": dt.date(2025, 6, 1),
              "f_tuiles": "aucune"})
    assert v.filters.countries == ("KR",) and v.filters.text == "Corée"
    assert v.to_params(TODAY) == {"pays": "KR", "q": "Corée", "tuiles": "aucune",
                                  "date": "2025-06-01"}


def test_switching_the_filters_off_drops_the_selection_but_keeps_the_host_and_stage():
    v = view({"pays": "DE", "collectivite": "Ville de Billère", "etape": "x"},
             {"f_on": False, "f_pays": ["DE"]})
    assert not v.filtering and v.filters == Filters(host="Ville de Billère")
    assert v.to_params(TODAY) == {"collectivite": "Ville de Billère", "etape": "x"}


def test_a_reference_date_in_the_address_is_obeyed_and_a_bad_one_ignored():
    assert view({"date": "09/04/2025"}).reference == dt.date(2025, 4, 9)
    assert view({"date": "pas une date"}).reference == TODAY
    assert view({"tuiles": "inconnues"}).tiles == filters.DEFAULT_TILES
