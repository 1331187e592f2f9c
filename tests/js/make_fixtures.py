"""Writes tests/js/fixtures/payload.json: the payload the browser receives, built by Python.

    python tests/js/make_fixtures.py

The node tests (tests/js/*.test.js) read it, so they run against what ``cufmap.publish.payload.payload``
really sends, not a hand-written copy; tests/test_js_fixtures.py builds it again and fails when
the committed file differs (a change to the payload must regenerate it, and the node tests
then show what the browser makes of it).

Its input is frozen beside it, so that the contract alone moves it: ``relais.csv``, the shipped
relay of 2026-11-28 with each stage's position written in its lat/lon columns, and
``lieux.csv``, the partners' positions; the reference date is fixed and nothing is looked up
(no gazetteer, no network). Languages: French and English, as the export embeds them.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
PAYLOAD = FIXTURES / "payload.json"
TODAY = dt.date(2025, 4, 9)
LANGUAGES = ("fr", "en")


def payload() -> dict:
    from cufmap.places import geocoding
    from cufmap.publish.payload import payload as build
    from cufmap.relay.stages import load_stages

    places = geocoding.PlacesFile(FIXTURES / "lieux.csv")

    class Frozen(geocoding.Geocoder):  # nothing past the row and the places file
        def geocode(self, query):
            return (geocoding.RowCoordinates().geocode(query) or places.geocode(query)
                    or geocoding.Result(query, geocoding.NOT_FOUND, source="figé"))

    located = geocoding.locate(load_stages(FIXTURES / "relais.csv"), Frozen())
    return build(located, TODAY, LANGUAGES)


def text() -> str:
    """The fixture's text: one stable form (UTF-8 as it is, one item a line)."""
    return json.dumps(payload(), ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    PAYLOAD.write_text(text(), encoding="utf-8", newline="")
    print(f"{PAYLOAD.relative_to(HERE.parent.parent)} écrit.")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    main()
