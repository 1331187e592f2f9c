// The URL vocabulary, one list for both sides: tests/url_cases.json run against the exported
// and live pages' reader (CufData.address, cufmap/static/relay/data.js), as
// tests/test_url_cases.py runs it against the app's (Python).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const D = require("../../cufmap/static/relay/data.js");
const CASES = require("../url_cases.json");

const FALLBACK = "2026-11-28";  // the page's own reference date

function byParam(filters) {  // keyed by URL parameter name, empty ones left out (the cases' form)
  const out = {};
  Object.keys(D.PARAMS).forEach((name) => {
    const value = filters[name];
    if (value.length) out[D.PARAMS[name]] = value;
  });
  return out;
}

for (const c of CASES.cases) {
  test(`address « ${c.query.slice(0, 60)} »: ${c.why}`, () => {
    const want = { ...CASES.defaults, ...c };
    const read = D.address("?" + c.query);
    assert.deepEqual(byParam(read.filters), want.filters);
    // The app hands its selection to the map as parameters (Filters.to_params: lists joined
    // by commas): read again, the same selection.
    const handed = {};
    Object.keys(want.filters).forEach((k) => {
      const v = want.filters[k];
      handed[k] = Array.isArray(v) ? v.join(",") : v;
    });
    assert.deepEqual(D.filtersFrom(handed), read.filters);
    assert.equal(read.date || null, want.date);
    assert.equal(D.referenceDate(read.date, FALLBACK), want.date || FALLBACK);
    assert.equal(D.referenceDate(new URLSearchParams(c.query).getAll("date").pop(), FALLBACK),
                 want.date || FALLBACK);
    assert.equal(read.stage, want.stage);
    assert.equal(D.language(read.lang, CASES.languages, "fr"), want.lang);
    assert.equal(read.timeline, want.timeline);
  });
}
