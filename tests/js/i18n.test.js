// The page's language and its counts, from the catalogues' texts (cufmap/locales/, carried by
// the payload): `node --test tests/js/`.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const D = require("../../cufmap/static/relay/data.js");

const TEXTS = require("./fixtures/payload.json").texts;

test("pageLanguage: ?langue= first, else the browser's first language the page has, else the fallback", () => {
  const available = Object.keys(TEXTS);
  assert.deepEqual(available, ["fr", "en"]);
  assert.equal(D.pageLanguage("en", ["fr-FR"], available, "fr"), "en");
  assert.equal(D.pageLanguage("", ["en-US", "fr"], available, "fr"), "en");
  assert.equal(D.pageLanguage("", ["de-DE", "en_GB"], available, "fr"), "en");
  assert.equal(D.pageLanguage("xx", ["ja"], available, "fr"), "fr");
  assert.equal(D.pageLanguage("", undefined, available, "fr"), "fr");
});

test("count: each language's singular (CLDR, through the catalogue's one_counts)", () => {
  assert.equal(D.count(0, 20, TEXTS.fr), "0 étape sur 20 correspond à la sélection.");
  assert.equal(D.count(1, 20, TEXTS.en), "1 stage of 20 matches the selection.");
  assert.equal(D.count(0, 20, TEXTS.en), "0 stages of 20 match the selection.");
  assert.equal(D.count(2, 20, TEXTS.en), "2 stages of 20 match the selection.");
});

test("translate: a {lang: text} value in the page's language, else French", () => {
  assert.equal(D.translate({ fr: "Contours", en: "Outlines" }, "en"), "Outlines");
  assert.equal(D.translate({ fr: "Contours" }, "de"), "Contours");
  assert.equal(D.translate("Contours", "en"), "Contours");
});
