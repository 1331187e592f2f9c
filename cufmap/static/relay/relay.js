/* cufmap — timeline-linked map of the Relais de la Coop Déc' (window.CufRelay).
 * Wires the modules together: the rules come from data.js (CufData), the drawing from one
 * renderer (markers.js), the land (land.js), the timeline (timeline.js), the card (card.js)
 * and the presenter (presenter.js). Data arrives as one GeoJSON payload (cufmap/mapdoc.py).
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  function CufRelay(map, data, opts) {
    var self = this;
    this.map = map;
    this.opts = opts || {};
    // An exported page reads its options in its own address; the app's page gets them from
    // the app (the same filter names: ?mois= ?type= ?format= ?pays= ?q= ?collectivite=).
    var query = this.opts.readUrl ? new URLSearchParams(location.search) : null;
    var lang = (query && query.get("langue")) || this.opts.lang || "fr";
    if (!data.texts[lang]) lang = this.opts.lang in data.texts ? this.opts.lang : Object.keys(data.texts)[0];
    this.data = data;
    this.lang = lang;
    if (query && query.get("etape")) this.opts.start = query.get("etape");
    this.t = data.texts[lang];
    // The reference date of past / current / upcoming: the app's (?date= of its page); a
    // static page, read long after its export, takes ?date= or today's date.
    this.today = query ? CufData.referenceDate(query.get("date")) : CufData.referenceDate("", data.today);
    var all = CufData.stages(data, lang, this.today).filter(function (s) { return s.kind === "etape"; });
    this.total = all.length;
    this.filters = CufData.filtersFrom(query || this.opts.filters);
    this.stages = CufData.applyFilters(this.filters, all);
    this.byId = {};
    this.stages.forEach(function (s, i) {
      s.index = i;
      s.label = CufData.label(i + 1, s.host, s.when, lang);
      self.byId[s.id] = s;
    });
    this.links = CufData.links(data, this.byId);
    this.items = {};
    this.current = -1;
    this.timer = null;
    this.insets = (data.insets || []).filter(function (g) {
      return g.stages.some(function (id) { return self.byId[id]; });
    });
    if (this.opts.attribution) map.attributionControl.addAttribution(this.opts.attribution);
    this.hasTiles = false;
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) return;
      self.hasTiles = true;
      layer.on("tileerror", function () {
        if (self.tilesFailed) return;
        self.tilesFailed = true;
        if (self.landRenderer && (self.data.fine || self.opts.fineUrl)) self.fineOutlines();
      });
    });
    this.frenchControls();
    // Markers and the timeline first (what people look for), the rest on the next tick.
    this.renderer = M.renderer(this);
    this.renderer.drawStages(this.stages);
    this.buildTimeline();
    this.buildCard();
    this.buildLegend();
    if (this.opts.presenter) this.buildPresenter();
    if (this.opts.speaker) this.buildSpeaker();
    if (this.opts.presenter) this.buildFollow();
    this.bindKeys();
    this.map.on("zoomend viewreset", function () { self.renderer.spread(); });
    // An explicit signal while the map flies or pans (tests and tools wait on it, not on time).
    var root = document.documentElement;
    this.map.on("movestart", function () { root.setAttribute("data-cuf-moving", "1"); });
    this.map.on("moveend", function () { root.removeAttribute("data-cuf-moving"); });
    var start = this.opts.start && this.byId[this.opts.start];
    if (start) this.select(start.id, { animate: false });
    else this.overview(false);
    this.renderer.spread();
    if (this.opts.presenter) this.connect();
    function rest() {
      self.drawLand();
      self.drawArcsAndPartners();
      self.buildInsets();
      if (self.current >= 0) self.renderer.select(self.currentId());
      root.setAttribute("data-cuf-ready", "1");
      // once the map is on screen
      requestAnimationFrame(function () { setTimeout(function () { self.finishTimeline(); }, 0); });
    }
    if (this.opts.landUrl && !data.land) {
      // Served by the app: the outlines come from its own static files (browser-cached).
      fetch(this.opts.landUrl).then(function (r) { return r.json(); })
        .then(function (land) { data.land = land; })
        .catch(function () { /* no outlines: the map still works */ })
        .then(rest);
    } else {
      setTimeout(rest, 0);
    }
  }

  [M.Land, M.Timeline, M.Card, M.Presenter].forEach(function (part) {
    Object.keys(part).forEach(function (name) { CufRelay.prototype[name] = part[name]; });
  });

  CufRelay.prototype.drawArcsAndPartners = function () {
    var arcPoints = this.arcPoints = {};  // stage id -> the great circle to each partner
    this.links.forEach(function (link) {
      (arcPoints[link.stage] = arcPoints[link.stage] || []).push(CufData.greatCircle(link.a, link.b));
    });
    this.renderer.drawLinks(arcPoints);
    this.renderer.drawPartners(this.stages);
  };

  CufRelay.prototype.frenchControls = function () {  // Leaflet's own controls speak English
    var zoom = this.map.zoomControl, t = this.t;
    if (!zoom || !zoom._zoomInButton) return;
    [[zoom._zoomInButton, t.zoom_in], [zoom._zoomOutButton, t.zoom_out]].forEach(function (b) {
      b[0].title = b[1];
      b[0].setAttribute("aria-label", b[1]);
    });
  };

  CufRelay.prototype.order = function () {  // the stages placed on the map, in timeline order
    return this.stages.filter(function (s) { return s.lat !== null && s.lat !== undefined; });
  };

  CufRelay.prototype.overview = function (animate) {
    var shown = this.order().filter(function (s) { return !s.overseas; });
    var pts = shown.map(function (s) { return [s.lat, s.lon]; });
    if (shown.length <= 3) {  // a small selection: show its partners too
      shown.forEach(function (s) {
        s.partners.forEach(function (p) { if (p.lat !== null) pts.push([p.lat, p.lon]); });
      });
    }
    if (!pts.length) pts = this.order().map(function (s) { return [s.lat, s.lon]; });
    // Leave room on the left for the overseas insets.
    var left = this.insets.length && !this.opts.presenter ? 160 : 40;
    if (this.follow) this.follow.hidden = false;  // and room on the right for the QR code
    var right = this.follow ? this.follow.offsetWidth + 40 : 40;
    var fit = { paddingTopLeft: [left, 40], paddingBottomRight: [right, 40], maxZoom: 9 };
    if (!pts.length) { this.map.setView([46.6, 2.4], 5); }
    else if (animate === false) { fit.animate = false; this.map.fitBounds(pts, fit); }
    else { fit.duration = 0.8; this.map.flyToBounds(pts, fit); }
    this.renderer.clear();
    this.markTimeline(null);
    if (this.card) this.card.hidden = true;
    this.current = -1;
    this.updateStrip();
    this.announce();
  };

  CufRelay.prototype.select = function (id, o) {
    var s = this.byId[id];
    if (!s) return;
    o = o || {};
    if (this.pending.length) this.fillTimeline();
    this.markTimeline(id);
    this.renderer.select(id);
    this.fillCard(s);
    this.current = this.order().indexOf(s);
    if (this.opts.presenter && !this.startedAt && !this.remote) this.startedAt = Date.now();
    if (s.lat !== null && s.lat !== undefined) {
      // The host and the whole arc to each partner (a great circle bulges towards the pole;
      // longitudes run on past ±180° when the short way crosses the antimeridian).
      var pts = [[s.lat, s.lon]];
      s.partners.forEach(function (p) {
        if (p.lat !== null && p.lat !== undefined) pts = pts.concat(CufData.greatCircle([s.lat, s.lon], [p.lat, p.lon]));
      });
      var duration = this.opts.presenter ? 1.2 : 0.7;
      // Keep the stage and its arcs clear of the card (bottom-left; a bottom sheet on a
      // phone): fit them in the larger free area, right of the card or above it.
      var size = this.map.getSize(), card = this.card;
      var cardRight = card.offsetLeft + card.offsetWidth, cardTop = card.offsetTop;
      var above = size.x * cardTop, right = (size.x - cardRight) * size.y;
      var fit = above > right ?
        { paddingTopLeft: [30, 30], paddingBottomRight: [30, size.y - cardTop + 20] } :
        { paddingTopLeft: [Math.min(cardRight + 30, size.x - 180), 60], paddingBottomRight: [60, 60] };
      fit.maxZoom = 9;
      fit.duration = duration;
      if (pts.length === 1) pts = [[s.lat - 0.25, s.lon - 0.35], [s.lat + 0.25, s.lon + 0.35]];
      if (o.animate !== false) this.map.flyToBounds(pts, fit);
      else { fit.animate = false; this.map.fitBounds(pts, fit); }
    }
    this.updateStrip();
    this.announce();
  };

  CufRelay.prototype.step = function (delta) {
    var order = this.order();
    if (!order.length) return;
    var next = this.current + delta;
    if (next < 0) { this.overview(); return; }
    if (next >= order.length) {  // after the last stage, the overview (and its QR code)
      if (this.opts.presenter) { if (this.current >= 0) this.overview(); return; }
      next = order.length - 1;
    }
    this.select(order[next].id);
  };

  window.CufRelay = CufRelay;
})();
