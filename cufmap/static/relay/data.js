/* cufmap — the relay's rules, as pure data functions (no DOM, no Leaflet).
 * The one home of: a stage's status from a reference date, the filters (the app's and the
 * exported page's URL parameters), the host→partner links, the great-circle arc and the
 * antimeridian cut of outlines, and the French wording the page builds itself.
 * Loaded in the page as the global `CufData`; in Node (tests/js/) through `require`.
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.CufData = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // --- Status: past / current / upcoming / undated, from a reference date (ISO strings
  // compare as dates). A stage ending on the reference day is still current.
  function statusClass(stage, today) {
    if (!stage.date) return "sans-date";
    var end = stage.end || stage.date;
    if (end < today) return "passee";
    if (stage.date <= today) return "en-cours";
    return "a-venir";
  }

  var ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

  // --- The page's address, read as the app reads its own (cufmap/publish/filters.py, Streamlit's
  // st.query_params): the one vocabulary of tests/url_cases.json, which pytest runs against
  // the app's parser and node against this one.

  // Python's str.strip(), not String.trim(): U+001C–U+001F and U+0085 are spaces, U+FEFF is not.
  var SPACE = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029" +
              "\\u202f\\u205f\\u3000]";
  var EDGES = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "g");
  function strip(text) { return String(text === undefined || text === null ? "" : text).replace(EDGES, ""); }

  // The first `n` characters as Python counts them (code points: an emoji is one, not two).
  function clip(text, n) { return Array.from(text).slice(0, n).join(""); }

  // A date as cufmap/relay/validation.py `parse_date` reads one: 2025-04-09 (2025-4-9), 09/04/2025,
  // 9/4/25 (20xx), with / . or - between; "" when it is none or no such day (31/02/2025).
  var ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$/;
  var DMY_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?: 00:00(?::00)?)?$/;
  function parseDate(text) {
    var value = strip(text), m = ISO_DATE.exec(value), year, month, day;
    if (m) {
      year = Number(m[1]); month = Number(m[2]); day = Number(m[3]);
    } else {
      m = DMY_DATE.exec(value);
      if (!m) return "";
      day = Number(m[1]); month = Number(m[2]); year = Number(m[3]) + (m[3].length === 2 ? 2000 : 0);
    }
    var leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    var days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    if (year < 1 || !days || day < 1 || day > days) return "";
    return ("000" + year).slice(-4) + "-" + two(month) + "-" + two(day);
  }

  // The reference date: `wanted` (?date=2025-04-09 or 09/04/2025) when it is one, else
  // `fallback` (ISO), else the real today.
  function referenceDate(wanted, fallback, now) {
    var date = parseDate(wanted);
    if (date) return date;
    if (ISO_DAY.test(fallback || "")) return fallback;
    return (now || new Date()).toISOString().slice(0, 10);
  }

  // --- Text comparison: case, accents, apostrophes, hyphens and spacing do not matter
  // (the same folding as cufmap/text.py `fold`).
  var SPECIAL = { "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o",
                  "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ı": "i" };
  function fold(text) {
    return String(text === undefined || text === null ? "" : text)
      .replace(/[œŒæÆßøØłŁđĐı]/g, function (c) { return SPECIAL[c]; })
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\s\-_'’‘`´.,/()]+/g, " ").trim();
  }

  // --- Filters: the same parameter names as the app's address (cufmap.filters.Filters).
  var UNDATED = "a-venir";  // the month key of undated stages
  var PARAMS = { months: "mois", types: "type", formats: "format", countries: "pays",
                 text: "q", host: "collectivite" };

  // `get(name)` gives a parameter's text ("" when absent). Lists are comma-separated; the
  // free text and the host are capped at 200 characters, as the app caps them.
  function parseFilters(get) {
    function list(name) {
      return String(get(name)).split(",").map(strip).filter(Boolean);
    }
    return {
      months: list(PARAMS.months), types: list(PARAMS.types), formats: list(PARAMS.formats),
      countries: list(PARAMS.countries).map(function (c) { return c.toUpperCase(); }),
      text: clip(strip(get(PARAMS.text)), 200),
      host: clip(strip(get(PARAMS.host)), 200)
    };
  }

  // A parameter's text: of URLSearchParams the last value when it comes several times (as
  // st.query_params gives it), of a plain object its value; "" when absent.
  function param(source, name) {
    if (!source) return "";
    if (typeof source.getAll === "function") {
      var all = source.getAll(name);
      return all.length ? all[all.length - 1] : "";
    }
    var value = source[name];
    return value === undefined || value === null ? "" : String(value);
  }

  function filtersFrom(source) {  // URLSearchParams or {mois: "2025-04,a-venir", …}
    return parseFilters(function (k) { return param(source, k); });
  }

  // Everything an exported or live page reads in its own address: the selection, the
  // reference date (ISO, "" when absent or invalid), the stage opened on load, the language
  // asked for (as written), the timeline (hidden by ?chronologie=0).
  function address(search) {  // location.search, or URLSearchParams
    var query = typeof search === "string" ? new URLSearchParams(search) : search;
    function get(k) { return param(query, k); }
    return { filters: parseFilters(get), date: parseDate(get("date")), stage: get("etape"),
             lang: get("langue"), timeline: get("chronologie") !== "0" };
  }

  // The interface language: the one asked for when the page carries it, else `fallback`
  // when it does, else the page's first.
  function language(wanted, available, fallback) {
    if (available.indexOf(wanted) >= 0) return wanted;
    return available.indexOf(fallback) >= 0 ? fallback : available[0];
  }

  // The language of a page that reads its own address: `wanted` (?langue=) when the page
  // carries it, else the first of the browser's `preferred` ones it carries (« en-US » -> en),
  // else `fallback`.
  function pageLanguage(wanted, preferred, available, fallback) {
    if (available.indexOf(wanted) >= 0) return wanted;
    var list = preferred || [];
    for (var i = 0; i < list.length; i++) {
      var primary = String(list[i] || "").toLowerCase().split(/[-_]/)[0];
      if (available.indexOf(primary) >= 0) return primary;
    }
    return language("", available, fallback);
  }

  function isFiltering(f) {
    return !!(f.months.length || f.types.length || f.formats.length || f.countries.length ||
              f.text || f.host);
  }

  function monthKey(stage) {
    return stage.date ? stage.date.slice(0, 7) : UNDATED;
  }

  // What the free text searches: host, title, description, place, partners and their
  // countries (every name the page knows), co-organisers.
  function haystack(stage) {
    var parts = [stage.host, stage.title, stage.description, stage.place];
    (stage.partners || []).forEach(function (p) {
      parts.push(p.name);
      (p.countryNames || [p.country]).forEach(function (n) { parts.push(n); });
    });
    (stage.co || []).forEach(function (c) { parts.push(c); });
    return fold(parts.filter(Boolean).join(" "));
  }

  function keeps(f, stage) {
    if (f.months.length && f.months.indexOf(monthKey(stage)) < 0) return false;
    if (f.types.length && f.types.indexOf(stage.host_type || "") < 0) return false;
    if (f.formats.length && f.formats.indexOf(stage.format || "") < 0) return false;
    if (f.countries.length && !(stage.partners || []).some(function (p) {
      return p.iso && f.countries.indexOf(p.iso) >= 0;
    })) return false;
    if (f.host && fold(stage.host) !== fold(f.host)) return false;
    if (f.text) {
      var hay = haystack(stage);
      if (!fold(f.text).split(" ").every(function (w) { return hay.indexOf(w) >= 0; })) return false;
    }
    return true;
  }

  function applyFilters(f, stages) {
    return stages.filter(function (s) { return keeps(f, s); });
  }

  // --- The payload's stages as the page uses them. `data`: the GeoJSON payload built by
  // cufmap/publish/mapdoc.py; `lang`: the interface language; `today`: the reference date.
  function translate(value, lang) {  // {lang: text} when the page carries several languages
    if (value && typeof value === "object") return value[lang] !== undefined ? value[lang] : value.fr;
    return value;
  }

  function stages(data, lang, today) {
    var texts = data.texts[lang] || {}, countries = data.countries || {};
    return data.features.map(function (f) {
      var p = f.properties, s = {};
      Object.keys(p).forEach(function (k) { s[k] = p[k]; });
      s.id = f.id;
      s.dated = !!p.date;
      s.when = translate(p.when, lang);
      s.status_class = statusClass(p, today);
      s.status = s.dated ? texts["s_" + s.status_class] || "" : "";
      s.short = shortHost(p.host);
      ["format", "place", "description", "link", "host_type"].forEach(function (k) { s[k] = p[k] || ""; });
      s.co = p.co || [];
      s.lat = f.geometry ? f.geometry.coordinates[1] : null;
      s.lon = f.geometry ? f.geometry.coordinates[0] : null;
      s.partners = (p.partners || []).map(function (q) {
        var names = q.iso && countries[q.iso];
        return { name: q.name, iso: q.iso || "",
                 country: names ? translate(names, lang) : q.country,
                 countryNames: names ? Object.keys(names).map(function (k) { return names[k]; }) : [q.country],
                 lat: q.position ? q.position[1] : null, lon: q.position ? q.position[0] : null };
      });
      return s;
    });
  }

  // --- Links: the payload lists them once ([feature index, partner index] pairs, computed by
  // cufmap/publish/mapdoc.py); the page draws those of the stages it shows, when both ends are placed.
  function links(data, shown) {
    var out = [];
    (data.links || []).forEach(function (pair) {
      var f = data.features[pair[0]];
      if (!f || !f.geometry || (shown && !shown[f.id])) return;
      var q = (f.properties.partners || [])[pair[1]];
      if (!q || !q.position) return;
      var c = f.geometry.coordinates;
      out.push({ stage: f.id, a: [c[1], c[0]], b: [q.position[1], q.position[0]] });
    });
    return out;
  }

  // --- Great-circle arc from a to b ([lat, lon]), longitudes unwrapped: the arc runs on past
  // ±180° instead of jumping across the map. Points by length: a neighbour 2, the antipodes 47.
  function greatCircle(a, b) {
    var rad = Math.PI / 180, lat1 = a[0] * rad, lon1 = a[1] * rad, lat2 = b[0] * rad, lon2 = b[1] * rad;
    var d = 2 * Math.asin(Math.sqrt(Math.pow(Math.sin((lat2 - lat1) / 2), 2) +
      Math.cos(lat1) * Math.cos(lat2) * Math.pow(Math.sin((lon2 - lon1) / 2), 2)));
    if (d < 1e-9) return [a, b];
    var steps = Math.max(2, Math.min(40, Math.round(d / rad / 4) + 2)), pts = [], prev = null;
    for (var i = 0; i <= steps; i++) {
      var f = i / steps, s1 = Math.sin((1 - f) * d) / Math.sin(d), s2 = Math.sin(f * d) / Math.sin(d);
      var x = s1 * Math.cos(lat1) * Math.cos(lon1) + s2 * Math.cos(lat2) * Math.cos(lon2);
      var y = s1 * Math.cos(lat1) * Math.sin(lon1) + s2 * Math.cos(lat2) * Math.sin(lon2);
      var z = s1 * Math.sin(lat1) + s2 * Math.sin(lat2);
      var lat = Math.atan2(z, Math.sqrt(x * x + y * y)) / rad, lon = Math.atan2(y, x) / rad;
      if (prev !== null) lon = nearLon(lon, prev);
      prev = lon;
      pts.push([lat, lon]);
    }
    return pts;
  }

  // `lon` moved by whole turns to within 180° of `ref` (a partner drawn beside its host).
  function nearLon(lon, ref) {
    while (lon - ref > 180) lon -= 360;
    while (lon - ref < -180) lon += 360;
    return lon;
  }

  // --- Outlines that cross the antimeridian (Russia, Fiji…) list +180 and -180 side by side:
  // drawn as they are, each such ring strokes a band across the whole map. Each ring is
  // unwrapped (continuous longitudes), cut at ±180° and its far part moved back by 360°.
  function clipRing(ring, x, keepLeft) {  // Sutherland–Hodgman against the line lon = x
    var out = [];
    for (var i = 0; i < ring.length; i++) {
      var a = ring[i], b = ring[(i + 1) % ring.length];
      var ina = keepLeft ? a[0] <= x : a[0] >= x, inb = keepLeft ? b[0] <= x : b[0] >= x;
      if (ina) out.push(a);
      if (ina !== inb) out.push([x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])]);
    }
    if (out.length > 2) out.push(out[0]);
    return out.length > 3 ? out : null;
  }

  function cutRing(ring) {
    var jumps = 0;
    for (var i = 1; i < ring.length; i++) if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) jumps++;
    if (!jumps || jumps % 2) return [ring];  // odd: a ring round a pole (Antarctica), left as is
    var offset = 0, flat = [ring[0]], max = ring[0][0];
    for (var j = 1; j < ring.length; j++) {
      var d = ring[j][0] + offset - flat[j - 1][0];
      if (d > 180) offset -= 360; else if (d < -180) offset += 360;
      var p = [ring[j][0] + offset, ring[j][1]];
      flat.push(p);
      max = Math.max(max, p[0]);
    }
    var edge = max > 180 ? 180 : -180, shift = max > 180 ? -360 : 360;
    var near = clipRing(flat, edge, edge > 0), far = clipRing(flat, edge, edge < 0);
    if (far) far = far.map(function (q) { return [q[0] + shift, q[1]]; });
    return [near, far].filter(Boolean);
  }

  function cutAntimeridian(collection) {
    collection.features.forEach(function (f) {
      var g = f.geometry;
      if (!g || (g.type !== "Polygon" && g.type !== "MultiPolygon")) return;
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates, out = [];
      polygons.forEach(function (rings) {
        var outer = cutRing(rings[0]);
        if (outer.length === 1) { out.push(rings); return; }
        outer.forEach(function (r) { out.push([r]); });  // no hole of these crosses ±180
      });
      f.geometry = { type: "MultiPolygon", coordinates: out };
    });
    return collection;
  }

  // --- Wording the page builds itself.
  var SHORT_HOST = /^(?:Ville|Commune|Département|Conseil départemental|Métropole|Région|Communauté)(?: de la| de l'| du| des| de| d')? ?/;

  function shortHost(host) {  // « Ville de Billère » -> « Billère » (the presenter's strip)
    return String(host || "").replace(SHORT_HOST, "");
  }

  // « 1. Ville de Suippes, mardi 1er avril 2025 »: a marker's and a dot's name.
  function label(position, host, when, lang) {
    var w = lang === "fr" ? when.charAt(0).toLowerCase() + when.slice(1) : when;
    return position + ". " + host + ", " + w;
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function clock(date) {  // « 09:05:03 »
    return two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds());
  }

  function duration(seconds) {  // « 02:05 », « 1:02:05 »
    var s = Math.max(0, Math.floor(seconds));
    return (s >= 3600 ? Math.floor(s / 3600) + ":" : "") + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
  }

  // Whether `n` takes the singular: texts.one_counts lists the numbers that do (from the
  // language's plural rule, written by Python).
  function isOne(n, texts) {
    var ones = texts.one_counts !== undefined ? texts.one_counts.split(" ") : ["0", "1"];
    return ones.indexOf(String(n)) >= 0;
  }

  // « 1 étape sur 20 correspond à la sélection. » / « 3 étapes sur 20 correspondent… »: the
  // singular for the numbers of texts.one_counts (the language's plural rule: « 0 étape » in
  // French, « 0 stages » in English). `texts`: count_one / count_other, with {n}, {m}.
  function count(shown, total, texts) {
    var form = isOne(shown, texts) ? texts.count_one : texts.count_other;
    return form.replace("{n}", String(shown)).replace("{m}", String(total));
  }

  // The relay in figures ([figure, label, key] items, written by Python) with the stages held
  // counted at the page's reference date (`stages`: every stage, their status_class set):
  // a static page read later, a ?date= view, a server running for weeks all agree with the
  // timeline. `texts`: figures_held_one / figures_held_other, one_counts.
  function figuresAt(items, stages, texts) {
    return (items || []).map(function (item) {
      if (item[2] !== "held") return item;
      var n = stages.filter(function (s) { return s.status_class === "passee"; }).length;
      var label = texts[isOne(n, texts) ? "figures_held_one" : "figures_held_other"];
      return [String(n), label || item[1], "held"];
    });
  }

  // --- Trust: what a message may carry, and where « Vue orateur » may lead.
  // The map takes messages from the window that drives it only (see messages.js); even then
  // only these shapes, rebuilt field by field: nothing received becomes a URL, HTML or code.
  var PRESENTER_KEYS = ["ArrowRight", "ArrowLeft", "PageDown", "PageUp", " ", "Spacebar",
                        "Home", "Escape", "p", "P"];
  var DELAYS = [5, 10, 20, 30];

  function presenterKey(data) {  // {cufKey: "ArrowRight"} -> "ArrowRight", else null
    if (!data || typeof data !== "object" || Object.keys(data).length !== 1) return null;
    return PRESENTER_KEYS.indexOf(data.cufKey) >= 0 ? data.cufKey : null;
  }

  // A message between the audience window and the speaker view, or null.
  function presenterMessage(m) {
    if (!m || typeof m !== "object") return null;
    var startedAt = typeof m.startedAt === "number" && isFinite(m.startedAt) && m.startedAt > 0 ?
      m.startedAt : undefined;
    if (m.kind === "hello") return { kind: "hello" };
    if (m.kind === "stage") {
      var ok = m.id === null || (typeof m.id === "string" && m.id.length <= 200);
      if (!ok) return null;
      var out = { kind: "stage", id: m.id, startedAt: startedAt };
      if (m.id === null && m.end === true) out.end = true;  // the closing view (the figures)
      return out;
    }
    if (m.kind === "play" && typeof m.on === "boolean") {
      var play = { kind: "play", on: m.on };
      if (DELAYS.indexOf(m.seconds) >= 0) play.seconds = m.seconds;
      return play;
    }
    return null;
  }

  // The speaker's notes ({cufNotes: {stage id: text}}), for the stages `known` has: texts only.
  function speakerNotes(data, known) {
    if (!data || typeof data !== "object" || Object.keys(data).length !== 1) return null;
    var notes = data.cufNotes, out = {};
    if (!notes || typeof notes !== "object") return null;
    Object.keys(notes).forEach(function (id) {
      var text = notes[id];
      if (Object.prototype.hasOwnProperty.call(known, id) && typeof text === "string")
        out[id] = text.slice(0, 32767);
    });
    return out;
  }

  // The speaker view's address: `path` (written in the document by the server: « presentation?…»)
  // under the app's root, kept only if it is http(s) on the app's own origin; else "".
  // The speaker view's path for a document that reads its options in its address: `path`
  // (written by the server, « presentation?vue=orateur ») with the page's own options
  // (`search`: date, stage, filters…), never a presenter link's key.
  function speakerPath(path, search) {
    var query = new URLSearchParams(search || ""), out = new URLSearchParams();
    query.forEach(function (value, key) {
      if (key !== "vue" && key !== "cle") out.set(key, value);
    });
    out.set("vue", "orateur");
    return path.split("?")[0] + "?" + out.toString();
  }

  function speakerUrl(path, base, origin) {
    if (typeof path !== "string" || !/^presentation(\?[^\s]*)?$/.test(path)) return "";
    var at = base.indexOf("/app/static/");  // a served document: the app's root is above it
    var url;
    try { url = new URL(path, at >= 0 ? base.slice(0, at + 1) : base); } catch { return ""; }
    var web = url.protocol === "http:" || url.protocol === "https:";
    return web && url.origin === origin ? url.href : "";
  }

  return {
    presenterKey: presenterKey, presenterMessage: presenterMessage, speakerUrl: speakerUrl,
    speakerPath: speakerPath,
    speakerNotes: speakerNotes, PRESENTER_KEYS: PRESENTER_KEYS,
    statusClass: statusClass, figuresAt: figuresAt, parseDate: parseDate,
    referenceDate: referenceDate, fold: fold,
    UNDATED: UNDATED, PARAMS: PARAMS, param: param, filtersFrom: filtersFrom, address: address,
    language: language, pageLanguage: pageLanguage, isFiltering: isFiltering, monthKey: monthKey,
    keeps: keeps, applyFilters: applyFilters, stages: stages, links: links,
    greatCircle: greatCircle, nearLon: nearLon, cutRing: cutRing,
    cutAntimeridian: cutAntimeridian, shortHost: shortHost, label: label, two: two,
    clock: clock, duration: duration, count: count, translate: translate
  };
});
