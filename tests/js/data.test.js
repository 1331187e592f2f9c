// Unit tests of the map's pure data module (cufmap/static/relay/data.js): `node --test tests/js/`.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const D = require("../../cufmap/static/relay/data.js");

// The interface texts the hand-written edges need (the real ones ride in the fixture).
const FR = { s_passee: "passée", "s_en-cours": "en cours", "s_a-venir": "à venir",
             count_one: "{n} étape sur {m} correspond à la sélection.",
             count_other: "{n} étapes sur {m} correspondent à la sélection." };

// The shipped relay's payload as cufmap/publish/mapdoc.py builds it (tests/js/make_fixtures.py writes
// it; tests/test_js_contract.py checks it is current). A fresh copy for each use.
const REAL = JSON.stringify(require("./fixtures/payload.json"));
function real() { return JSON.parse(REAL); }
const APRIL_9 = "2025-04-09";

// Edges the shipped relay lacks, hand-written in the payload's form: a stage the geocoder could
// not place, a partner whose country is not recognised, a stage over several days.
function edges() {
  return {
    type: "FeatureCollection",
    texts: { fr: FR },
    countries: { KR: { fr: "Corée du Sud", en: "South Korea" } },
    features: [
      { id: "suippes", geometry: { type: "Point", coordinates: [4.53, 49.13] },
        properties: { kind: "etape", when: "Mardi 1er avril 2025", date: "2025-04-01",
                      end: "2025-04-01", host: "Ville de Suippes", title: "Randonnée",
                      partners: [{ name: "Yangpyeong", iso: "KR", position: [127.49, 37.49] },
                                 { name: "Nulle-Part", country: "Utopie" }] } },
      { id: "billere", geometry: { type: "Point", coordinates: [-0.4, 43.3] },
        properties: { kind: "etape", when: "Jeudi 8 mai 2025", date: "2025-05-08",
                      end: "2025-05-10", host: "Ville de Billère", title: "Rencontre",
                      partners: [] } },
      { id: "cap-nord", geometry: null,
        properties: { kind: "etape", when: "Date à venir", host: "CAP Nord Martinique",
                      title: "Table ronde",
                      partners: [{ name: "Sainte-Lucie", iso: "LC", position: [-61, 14] }] } }
    ],
    links: [[0, 0], [1, 0], [2, 0]]
  };
}

test("status: the day before, of and after the start and the end; undated", () => {
  const s = { date: "2025-05-08", end: "2025-05-10" };
  assert.equal(D.statusClass(s, "2025-05-07"), "a-venir");
  assert.equal(D.statusClass(s, "2025-05-08"), "en-cours");
  assert.equal(D.statusClass(s, "2025-05-09"), "en-cours");
  assert.equal(D.statusClass(s, "2025-05-10"), "en-cours");
  assert.equal(D.statusClass(s, "2025-05-11"), "passee");
  const day = { date: "2025-04-01" };  // no end: one day
  assert.equal(D.statusClass(day, "2025-03-31"), "a-venir");
  assert.equal(D.statusClass(day, "2025-04-01"), "en-cours");
  assert.equal(D.statusClass(day, "2025-04-02"), "passee");
  assert.equal(D.statusClass({}, "2025-04-02"), "sans-date");
});

test("status follows the reference date the page is given (the shipped relay)", () => {
  const data = real();
  const on = (today) => {
    const out = {};
    D.stages(data, "fr", today).forEach((s) => { out[s.status_class] = (out[s.status_class] || 0) + 1; });
    return out;
  };
  assert.equal(data.today, APRIL_9);
  assert.deepEqual(on(APRIL_9), { passee: 2, "en-cours": 1, "a-venir": 12, "sans-date": 5 });
  assert.deepEqual(on("2025-07-03"), { passee: 15, "sans-date": 5 });
  const [suippes, , webinar] = D.stages(data, "fr", APRIL_9);
  assert.equal(suippes.status, "passée");
  assert.equal(webinar.status, "en cours");  // on its own day
  assert.equal(D.stages(data, "en", APRIL_9)[2].status, "ongoing");
  const billere = D.stages(edges(), "fr", "2025-05-09")[1];  // on the second of its three days
  assert.equal(billere.status, "en cours");
  assert.equal(D.referenceDate("2025-04-09", "2026-01-01"), "2025-04-09");
  assert.equal(D.referenceDate("09/04/2025", "2026-01-01"), "2025-04-09");
  assert.equal(D.referenceDate("pas une date", "2026-01-01"), "2026-01-01");
  assert.equal(D.referenceDate("", "", new Date("2026-11-28T12:00:00Z")), "2026-11-28");
});

test("a stage as the page uses it: texts in its language, countries named, positions", () => {
  const [fr, en] = ["fr", "en"].map((lang) => D.stages(real(), lang, APRIL_9));
  assert.equal(fr.length, 20);
  assert.equal(fr[0].id, "suippes-2025-04-01");
  assert.equal(fr[0].when, "Mardi 1er avril 2025");
  assert.equal(en[0].when, "Tuesday, 1 April 2025");
  assert.equal(fr[0].short, "Suippes");
  const billere = fr.find((s) => s.id === "billere-2025-05-08");
  assert.deepEqual(billere.partners.map((p) => [p.name, p.iso, p.country]),
                   [["Sabiñánigo", "ES", "Espagne"], ["Petersberg", "DE", "Allemagne"]]);
  assert.deepEqual(en.find((s) => s.id === billere.id).partners.map((p) => p.country),
                   ["Spain", "Germany"]);
  assert.ok(fr.every((s) => typeof s.lat === "number" && typeof s.lon === "number"));
  assert.deepEqual(fr.filter((s) => s.overseas).map((s) => s.id),
                   ["cap-nord-2025-04-25", "cap-nord-2025-04-30", "la-reunion-date-a-venir"]);
  const edge = D.stages(edges(), "fr", APRIL_9);
  assert.equal(edge[2].lat, null);  // not placed
  assert.equal(edge[0].partners[1].country, "Utopie");  // an unrecognised country as written
});

function kept(params, data) {
  const f = D.filtersFrom(new URLSearchParams(params));
  return D.applyFilters(f, D.stages(data || real(), "fr", APRIL_9)).map((s) => s.id);
}

test("no filter keeps every stage", () => {
  assert.equal(kept("").length, 20);
  assert.equal(D.isFiltering(D.filtersFrom(new URLSearchParams(""))), false);
});

test("filter by month, undated stages under « a-venir »", () => {
  assert.deepEqual(kept("mois=2025-07"), ["loire-atlantique-2025-07-02"]);
  assert.deepEqual(kept("mois=2025-04,a-venir").length, 11);
  assert.ok(kept("mois=a-venir").every((id) => id.endsWith("date-a-venir")));
});

test("filter by host type and by format", () => {
  assert.deepEqual(kept("type=d%C3%A9partement"), ["aude-2025-05-27", "savoie-2025-06-14",
    "loire-atlantique-2025-07-02", "la-reunion-date-a-venir"]);
  assert.deepEqual(kept("type=d%C3%A9partement&format=table%20ronde,soir%C3%A9e"),
                   ["savoie-2025-06-14", "loire-atlantique-2025-07-02"]);
});

test("filter by partner country (ISO code, any case)", () => {
  assert.deepEqual(kept("pays=KR"), ["suippes-2025-04-01"]);
  assert.deepEqual(kept("pays=de,kr"), ["suippes-2025-04-01", "billere-2025-05-08"]);
  assert.deepEqual(kept("pays=FR"), []);
});

test("free text: accents and case ignored, every word must match somewhere", () => {
  assert.deepEqual(kept("q=billere"), ["billere-2025-05-08"]);
  assert.deepEqual(kept("q=COR%C3%89E"), ["suippes-2025-04-01"]);  // a partner's country name
  assert.deepEqual(kept("q=south korea"), ["suippes-2025-04-01"]);  // in any language the page carries
  assert.deepEqual(kept("q=occitanie"), ["montpellier-2025-06-19"]);  // a co-organiser
  assert.deepEqual(kept("q=christiani"), ["cuf-webinaire-2025-04-09"]);  // a place
  assert.deepEqual(kept("q=sabinanigo petersberg"), ["billere-2025-05-08"]);  // two partners
  assert.deepEqual(kept("q=billere yangpyeong"), []);
  assert.deepEqual(kept("q=utopie", edges()), ["suippes"]);  // an unrecognised country as written
});

test("filter by host: the exact name, case and accents ignored", () => {
  assert.deepEqual(kept("collectivite=ville de billere"), ["billere-2025-05-08"]);
  assert.deepEqual(kept("collectivite=Billère"), []);
});

test("the app's filters arrive as an object with the same names", () => {
  const f = D.filtersFrom({ pays: "KR", q: "" });
  assert.deepEqual(D.applyFilters(f, D.stages(real(), "fr", APRIL_9)).map((s) => s.id),
                   ["suippes-2025-04-01"]);
  assert.equal(D.isFiltering(f), true);
});

test("links: the payload's pairs, for shown stages whose two ends are placed", () => {
  const data = real();
  const all = D.links(data, null);
  assert.deepEqual(all.map((l) => l.stage),
                   ["suippes-2025-04-01", "billere-2025-05-08", "billere-2025-05-08"]);
  const billere = data.features[7];
  assert.deepEqual(all[1].a, billere.geometry.coordinates.slice().reverse());
  assert.deepEqual(all[2].b, billere.properties.partners[1].position.slice().reverse());
  assert.deepEqual(D.links(data, { "billere-2025-05-08": true }).length, 2);
  const edge = edges();  // an unplaced stage, an unplaced partner: never linked
  assert.deepEqual(D.links(edge, null).map((l) => l.stage), ["suippes"]);
  edge.links.push([0, 1]);
  assert.equal(D.links(edge, null).length, 1);
});

test("great circle Paris → Tahiti runs past -180° without jumping across the map", () => {
  const arc = D.greatCircle([48.85, 2.35], [-17.5, -149.6]);
  assert.ok(arc.length > 30);
  const steps = arc.slice(1).map((p, i) => Math.abs(p[1] - arc[i][1]));
  assert.ok(Math.max(...steps) < 30, `longest step ${Math.max(...steps)}`);
  assert.ok(Math.abs(arc[0][0] - 48.85) < 1e-9 && Math.abs(arc[0][1] - 2.35) < 1e-9);
  const end = arc[arc.length - 1];  // the same place, maybe one turn away
  assert.ok(Math.abs(end[0] + 17.5) < 1e-6 && Math.abs(((end[1] + 149.6) % 360)) < 1e-6);
});

test("great circle across the antimeridian runs on past 180° (Nouméa → Papeete, Korea → California)", () => {
  for (const [a, b] of [[[-22.27, 166.44], [-17.53, -149.57]], [[37.49, 127.49], [37.77, -122.42]]]) {
    const arc = D.greatCircle(a, b);
    const steps = arc.slice(1).map((p, i) => Math.abs(p[1] - arc[i][1]));
    assert.ok(Math.max(...steps) < 30, `longest step ${Math.max(...steps)}`);
    assert.ok(arc[arc.length - 1][1] > 180, "the far end is written one turn on");
  }
});

test("great circle: a bulge towards the pole, and two ends for one place", () => {
  const arc = D.greatCircle([49.13, 4.53], [37.49, 127.49]);  // Suippes → Yangpyeong
  assert.ok(Math.max(...arc.map((p) => p[0])) > 60);
  assert.deepEqual(D.greatCircle([1, 2], [1, 2]), [[1, 2], [1, 2]]);
  assert.equal(D.nearLon(-170, 170), 190);
});

test("antimeridian: a ring crossing ±180° is cut into two that never span the map", () => {
  const fiji = { type: "FeatureCollection", features: [{ type: "Feature", geometry: {
    type: "Polygon", coordinates: [[[178, -16], [-179, -16], [-179, -17], [178, -17], [178, -16]]]
  } }] };
  const g = D.cutAntimeridian(fiji).features[0].geometry;
  assert.equal(g.type, "MultiPolygon");
  assert.equal(g.coordinates.length, 2);
  g.coordinates.forEach((poly) => {
    const lons = poly[0].map((p) => p[0]);
    assert.ok(Math.max(...lons) - Math.min(...lons) <= 3, lons.join());
    assert.ok(lons.every((x) => x >= -180 && x <= 180));
  });
  const france = [[[0, 45], [5, 45], [5, 48], [0, 48], [0, 45]]];
  assert.deepEqual(D.cutRing(france[0]), france);  // nothing to cut
});

test("French wording: labels with « 1er », short host names, clock, count with plural", () => {
  const s = D.stages(real(), "fr", APRIL_9)[0];
  assert.equal(D.label(1, s.host, s.when, "fr"), "1. Ville de Suippes, mardi 1er avril 2025");
  assert.equal(D.label(2, "X", "Thursday, 8 May 2025", "en"), "2. X, Thursday, 8 May 2025");
  assert.equal(D.shortHost("Ville de Billère"), "Billère");
  assert.equal(D.shortHost("Conseil départemental de l'Isère"), "Isère");
  assert.equal(D.shortHost("Département d'Ille-et-Vilaine"), "Ille-et-Vilaine");
  assert.equal(D.shortHost("CAP Nord Martinique"), "CAP Nord Martinique");
  assert.equal(D.two(7), "07");
  assert.equal(D.clock(new Date(2025, 3, 9, 9, 5, 3)), "09:05:03");
  assert.equal(D.duration(125), "02:05");
  assert.equal(D.duration(3725), "1:02:05");
  assert.equal(D.count(1, 20, FR), "1 étape sur 20 correspond à la sélection.");
  assert.equal(D.count(0, 20, FR), "0 étape sur 20 correspond à la sélection.");
  assert.equal(D.count(3, 20, FR), "3 étapes sur 20 correspondent à la sélection.");
});

test("fold: as cufmap/text.py (accents, case, apostrophes, hyphens, œ)", () => {
  assert.equal(D.fold("  Saint-Étienne l’Œuvre  "), "saint etienne l oeuvre");
  assert.equal(D.fold("Sabiñánigo"), "sabinanigo");
  assert.equal(D.fold(null), "");
});

test("trust: only whitelisted keys and message shapes, rebuilt field by field", () => {
  assert.equal(D.presenterKey({ cufKey: "ArrowRight" }), "ArrowRight");
  assert.equal(D.presenterKey({ cufKey: "Enter" }), null);
  assert.equal(D.presenterKey({ cufKey: "ArrowRight", cufPage: "javascript:alert(1)" }), null);
  assert.equal(D.presenterKey("ArrowRight"), null);
  assert.deepEqual(D.presenterMessage({ kind: "stage", id: "suippes", startedAt: 5, x: "<b>" }),
                   { kind: "stage", id: "suippes", startedAt: 5 });
  assert.deepEqual(D.presenterMessage({ kind: "stage", id: null }),
                   { kind: "stage", id: null, startedAt: undefined });
  assert.equal(D.presenterMessage({ kind: "stage", id: { toString: 1 } }), null);
  assert.deepEqual(D.presenterMessage({ kind: "stage", id: null, end: true }),
                   { kind: "stage", id: null, startedAt: undefined, end: true });
  assert.deepEqual(D.presenterMessage({ kind: "stage", id: "suippes", end: "yes" }),
                   { kind: "stage", id: "suippes", startedAt: undefined });
  assert.deepEqual(D.presenterMessage({ kind: "play", on: true, seconds: 1e9 }),
                   { kind: "play", on: true });
  assert.equal(D.presenterMessage({ kind: "play", on: "yes" }), null);
  assert.equal(D.presenterMessage({ kind: "eval", code: "alert(1)" }), null);
});

test("trust: « Vue orateur » opens the presentation page of the app's own origin only", () => {
  const doc = "https://carte.example.org/app/static/cartes/abc.html";
  const app = "https://carte.example.org";
  assert.equal(D.speakerUrl("presentation?date=2025-04-09&vue=orateur", doc, app),
               "https://carte.example.org/presentation?date=2025-04-09&vue=orateur");
  assert.equal(D.speakerUrl("presentation?vue=orateur", "https://h.org/cuf/app/static/cartes/a.html",
                            "https://h.org"), "https://h.org/cuf/presentation?vue=orateur");
  assert.equal(D.speakerUrl("presentation?vue=orateur", "https://h.org/presentation?x=1",
                            "https://h.org"), "https://h.org/presentation?vue=orateur");
  for (const bad of ["javascript:alert(1)", "//evil.example/presentation", "https://evil.example/",
                     "presentation?x= javascript:1", "data:text/html,x", 42, null]) {
    assert.equal(D.speakerUrl(bad, doc, app), "", String(bad));
  }
  assert.equal(D.speakerUrl("presentation?vue=orateur", doc, "https://evil.example"), "");
});

test("trust: the speaker's notes are texts for known stages only", () => {
  const known = { suippes: {}, billere: {} };
  assert.deepEqual(D.speakerNotes({ cufNotes: { suippes: "Dire <b>bonjour</b>", x: "?", billere: 3 } },
                                  known), { suippes: "Dire <b>bonjour</b>" });
  assert.equal(D.speakerNotes({ cufNotes: "texte" }, known), null);
  assert.equal(D.speakerNotes({ cufNotes: {}, cufKey: "Home" }, known), null);
  assert.deepEqual(D.speakerNotes({ cufNotes: { ["__proto__"]: "x", toString: "y" } }, known), {});
});

test("speaker path: the page's options, never a presenter key, always vue=orateur", () => {
  assert.equal(D.speakerPath("presentation?vue=orateur", "?date=2025-04-09&etape=b&cle=SECRET"),
               "presentation?date=2025-04-09&etape=b&vue=orateur");
  assert.equal(D.speakerPath("presentation?vue=orateur", ""), "presentation?vue=orateur");
  assert.equal(D.speakerPath("presentation?vue=orateur", "?vue=public&q=a%20b"),
               "presentation?q=a+b&vue=orateur");
});

test("figures: the stages held counted at the page's date, with the language's plural", () => {
  const items = [["20", "étapes", "stages"], ["15", "tenues", "held"], ["3", "pays", "countries"]];
  const texts = { figures_held_one: "tenue", figures_held_other: "tenues", one_counts: "0 1" };
  const at = (n) => Array.from({ length: 20 }, (_, i) => ({ status_class: i < n ? "passee" : "a-venir" }));
  assert.deepEqual(D.figuresAt(items, at(0), texts),
                   [["20", "étapes", "stages"], ["0", "tenue", "held"], ["3", "pays", "countries"]]);
  assert.deepEqual(D.figuresAt(items, at(20), texts)[1], ["20", "tenues", "held"]);
  assert.deepEqual(D.figuresAt(items, at(1), { figures_held_one: "held", figures_held_other: "held",
                                                one_counts: "1" })[1], ["1", "held", "held"]);
});
