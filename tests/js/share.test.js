// The address « Partager » offers (cufmap/static/relay/share.js, CufShare): which page, and the
// view's parameters with the current stage.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const S = require("../../cufmap/static/relay/share.js");
const D = require("../../cufmap/static/relay/data.js");

const DOC = "http://127.0.0.1:8501/app/static/publie/cartes/0123abcd/carte-osm-fr.html";

test("an exported page shares its own address, without its query or fragment", () => {
  assert.equal(S.shareBase({}, "https://www.exemple.fr/carte-relais/index.html?pays=KR#x"),
               "https://www.exemple.fr/carte-relais/index.html");
  assert.equal(S.shareBase(null, "file:///home/cuf/carte/index.html?etape=a"),
               "file:///home/cuf/carte/index.html");
});

test("a document the app serves shares the app's page, above /app/static/", () => {
  assert.equal(S.shareBase({ app: true }, DOC), "http://127.0.0.1:8501/");
  assert.equal(S.shareBase({ app: true }, "https://cuf.fr/carte/app/static/publie/x.html?a=1"),
               "https://cuf.fr/carte/");
  // Inline (srcdoc), its base is the app's page itself.
  assert.equal(S.shareBase({ app: true }, "http://localhost:8501/?pays=KR"),
               "http://localhost:8501/");
});

test("the public address of the settings wins, when it is a web address", () => {
  assert.equal(S.shareBase({ app: true, url: "https://relais.cites-unies-france.org/" }, DOC),
               "https://relais.cites-unies-france.org/");
  assert.equal(S.shareBase({ app: true, url: "javascript:alert(1)" }, DOC),
               "http://127.0.0.1:8501/");
  assert.equal(S.shareBase({ app: true, url: "pas une adresse" }, DOC),
               "http://127.0.0.1:8501/");
});

test("the view's parameters go along, the current stage as ?etape=", () => {
  const base = "http://127.0.0.1:8501/";
  assert.equal(S.shareAddress(base, "?pays=KR&q=Cor%C3%A9e&langue=en", "suippes-2025-04-01",
                              "2026-12-03"),
               "http://127.0.0.1:8501/?pays=KR&q=Cor%C3%A9e&langue=en&etape=suippes-2025-04-01");
  // The stage the page opened on gives way to the one shown; the overview has none.
  assert.equal(S.shareAddress(base, "?etape=a&mois=2025-04", "b", "2026-12-03"),
               "http://127.0.0.1:8501/?mois=2025-04&etape=b");
  assert.equal(S.shareAddress(base, "?etape=a&mois=2025-04", "", "2026-12-03"),
               "http://127.0.0.1:8501/?mois=2025-04");
});

test("today's date is the page's default: left out; another date is kept", () => {
  const base = "https://www.exemple.fr/carte/index.html";
  assert.equal(S.shareAddress(base, "?date=2026-12-03&pays=DE", "", "2026-12-03"),
               base + "?pays=DE");
  assert.equal(S.shareAddress(base, "?date=09/04/2025", "", "2026-12-03"),
               base + "?date=09%2F04%2F2025");
});

test("whatever the text, the address reads back as the same view", () => {
  const base = "https://www.exemple.fr/carte/index.html";
  const search = new URLSearchParams();
  search.set("q", "Billère & <script> #1 ?x=1");
  search.set("collectivite", "Ville de Saint-Étienne");
  const url = new URL(S.shareAddress(base, search, "stage&id=1 #2", ""));
  assert.equal(url.origin + url.pathname, base);
  assert.equal(url.hash, "");
  const back = D.address(url.search);
  assert.equal(back.stage, "stage&id=1 #2");
  assert.equal(back.filters.text, "Billère & <script> #1 ?x=1");
  assert.equal(back.filters.host, "Ville de Saint-Étienne");
});

test("no page to share: no address", () => {
  assert.equal(S.shareAddress("", "?pays=KR", "a", ""), "");
  assert.equal(S.shareBase({ app: true }, "about:srcdoc"), "");
});
