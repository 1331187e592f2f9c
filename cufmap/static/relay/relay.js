/* cufmap — timeline-linked map of the Relais de la Coop Déc' (window.CufRelay).
 * The coordinator: it owns the state (the stages shown, their order, the current one, the
 * presentation's start, autoplay on or off) and wires the components' events to the others'
 * methods. The rules come from data.js (CufData); the components each take explicit inputs
 * and raise events (Leaflet's L.Evented): the renderer (markers.js), the land and the insets
 * (land.js), the timeline (timeline.js), the card and the legend (card.js), the keys
 * (keys.js), the presenter's strip and autoplay timer (strip.js), the messages between
 * windows (messages.js) and the two windows' sync over them (sync.js), the speaker panel and
 * the QR code (speaker.js), fullscreen and share (share.js). Data arrives as one GeoJSON payload (cufmap/publish/mapdoc.py).
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  function CufRelay(map, data, opts) {
    var self = this, root = document.documentElement;
    opts = opts || {};
    this.map = map;
    this.data = data;
    this.opts = opts;
    var presenter = !!opts.presenter;
    // An exported page reads its options in its own address (CufData.address); the app's page
    // gets them from the app (the same names: ?mois= ?type= ?format= ?pays= ?q= ?collectivite=).
    var address = opts.readUrl ? CufData.address(location.search) : null;
    // The language: ?langue= in its address, else the browser's (a page of the app is told).
    var lang = this.lang = address
      ? CufData.pageLanguage(address.lang, navigator.languages || [navigator.language],
                             Object.keys(data.texts), opts.lang || "fr")
      : CufData.language("", Object.keys(data.texts), opts.lang || "fr");
    var t = this.t = data.texts[lang];
    document.title = t.title;  // written in the document's first language
    var aside = document.querySelector(".cuf-timeline");
    if (aside) aside.setAttribute("aria-label", t.timeline);
    // The reference date of past / current / upcoming: the app's (?date= of its page); a
    // static page, read long after its export, takes ?date= or today's date.
    this.today = address ? CufData.referenceDate(address.date) : CufData.referenceDate("", data.today);
    var all = CufData.stages(data, lang, this.today).filter(function (s) { return s.kind === "etape"; });
    this.total = all.length;
    this.filters = address ? address.filters : CufData.filtersFrom(opts.filters);
    this.stages = CufData.applyFilters(this.filters, all);
    this.byId = {};
    this.stages.forEach(function (s, i) {
      s.index = i;
      s.label = CufData.label(i + 1, s.host, s.when, lang);
      if (s.route) s.route_length = typeof s.route.length === "string" ? s.route.length :
        (s.route.length || {})[lang] || "";
      self.byId[s.id] = s;
    });
    this.links = CufData.links(data, this.byId);
    this.current = -1;  // in order(); -1: the overview
    this.finished = false;  // the presenter's closing view (the overview and the figures)
    this.startedAt = null;  // the presentation's start (the speaker's clock), shared by windows
    this.playing = false;
    this.insets = (data.insets || []).filter(function (g) {
      return g.stages.some(function (id) { return self.byId[id]; });
    });
    // The credits in the page's language (HTML written by cufmap/publish/mapdoc.py, no data).
    var credits = CufData.translate(opts.attribution, lang);
    if (credits) map.attributionControl.addAttribution(credits);
    this.land = new M.Land(map, { fine: data.fine, fineUrl: opts.fineUrl });
    frenchControls(map, t);
    function select(e) { self.select(e.id); }
    // Markers and the timeline first (what people look for), the rest on the next tick.
    this.renderer = M.renderer(map, this.stages, presenter).on("select", select);
    this.renderer.drawStages();
    this.timeline = new M.Timeline(document.querySelector(".cuf-timeline"), this.stages,
                                   this.total, t).on("select", select);
    this.card = new M.Card(map.getContainer(), t, opts.mediaUrl).on({
      partner: partner,
      close: function (e) {
        // closed from inside the card (its button, Escape): the focus goes back where it was
        if (e.inside && self.opener && document.contains(self.opener)) self.opener.focus();
      }
    });
    // The route walked at the chosen stage; its progress as attributes (tests wait on them).
    this.route = new M.Route(map, opts.mediaUrl).on({
      partner: partner,
      loaded: function (e) {  // a route fetched after the flight began: the presenter frames it
        if (presenter && e.id === self.currentId()) self.frameRoute();
      },
      progress: function (e) { root.setAttribute("data-cuf-route-points", e.points); },
      drawn: function (e) {
        root.setAttribute("data-cuf-route-points", e.points);
        root.setAttribute("data-cuf-route", "drawn");
      }
    });
    var figures = data.figures && data.figures[lang] &&
      CufData.figuresAt(data.figures[lang], all, t);
    if (figures && !presenter) {
      this.figures = new M.Figures(document.querySelector(".cuf-timeline"), figures, t.figures);
    } else if (figures && !opts.speaker) {  // the presenter's closing view
      this.figuresPanel = new M.Figures(map.getContainer(), figures, t.figures, true);
    }
    function partner(e) {  // a named point naming a partner town: to that partner
      var s = self.byId[e.stage], p = s && s.partners[e.index];
      if (p && p.lat !== null && p.lat !== undefined) {
        if (still()) self.map.setView([p.lat, p.lon], 8, { animate: false });
        else self.map.flyTo([p.lat, p.lon], 8, { duration: 0.8 });
      }
    }
    this.legend = M.legend(map, t);
    // What a screen reader says of the map (its markers each say number, host, date, status).
    map.getContainer().setAttribute("role", "region");
    map.getContainer().setAttribute("aria-label", t.map.replace("{n}", this.stages.length));
    if (!presenter) this.skipLink(t);
    if (!presenter && opts.share) this.shareControls(address);
    if (presenter) this.presenter(select);
    this.keys = new M.Keys(presenter).on({
      next: function () { self.step(1); },
      previous: function () { self.step(-1); },
      home: function () { self.overview(); },
      escape: function () { if (self.card.isOpen()) self.card.close(); },
      autoplay: function () { self.toggleAutoplay(); }
    });
    if (this.messages) this.messages.on("key", function (e) { self.keys.press(e.key); });
    map.on("zoomend viewreset", function () { self.renderer.spread(); });
    map.on("resize", function () {  // a turned phone, a zoomed page: still nothing hidden
      self.card.place();
      liftScale(map);
      if (self.current < 0) self.fitOverview(false);
    });
    // An explicit signal while the map flies or pans (tests and tools wait on it, not on time).
    map.on("movestart", function () { root.setAttribute("data-cuf-moving", "1"); });
    map.on("moveend", function () { root.removeAttribute("data-cuf-moving"); });
    liftScale(map);
    // Printed (relay.css @media print), the map takes the paper's width: the same view, fitted
    // again to its new size.
    var print = window.matchMedia && window.matchMedia("print");
    if (print && print.addEventListener && !presenter) {
      print.addEventListener("change", function () {
        map.invalidateSize(false);  // the same view refitted: no card reopened, no focus moved
        if (self.current < 0) self.fitOverview(false);
      });
    }
    var start = this.byId[(address && address.stage) || opts.start];
    if (start) this.select(start.id, { animate: false });
    else this.overview(false);
    this.renderer.spread();
    if (presenter) this.connect();
    function rest() {
      self.land.draw(data.land, data.outremer);
      self.drawArcsAndPartners();
      if (self.insets.length && !presenter) {
        self.insetMaps = new M.Insets(map, self.insets, self.byId,
                                      data.outremer || self.land.features).on("select", select);
      }
      if (self.current >= 0) self.renderer.select(self.currentId());
      root.setAttribute("data-cuf-ready", "1");
      // once the map is on screen
      requestAnimationFrame(function () { setTimeout(function () { self.timeline.finish(); }, 0); });
    }
    if (opts.landUrl && !data.land) {
      // Served by the app: the outlines come from its own static files (browser-cached).
      fetch(opts.landUrl).then(function (r) { return r.json(); })
        .then(function (land) { data.land = land; })
        .catch(function () { /* no outlines: the map still works */ })
        .then(rest);
    } else {
      setTimeout(rest, 0);
    }
  }

  // Motion on request only: with the visitor's « reduce motion » setting, flights are jumps.
  function still() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  // On a narrow map the credits wrap over the whole width: the scale goes above them.
  function liftScale(map) {
    var box = map.getContainer(), corner = box.querySelector(".leaflet-bottom.leaflet-left");
    var credits = box.querySelector(".leaflet-control-attribution");
    if (!corner || !credits) return;
    corner.style.bottom = "";
    var a = corner.getBoundingClientRect(), b = credits.getBoundingClientRect();
    if (a.right > b.left && a.bottom > b.top) {
      corner.style.bottom = (box.getBoundingClientRect().bottom - b.top) + "px";
    }
  }

  function frenchControls(map, t) {  // Leaflet's own controls speak English
    var zoom = map.zoomControl;
    if (!zoom || !zoom._zoomInButton) return;
    [[zoom._zoomInButton, t.zoom_in], [zoom._zoomOutButton, t.zoom_out]].forEach(function (b) {
      b[0].title = b[1];
      b[0].setAttribute("aria-label", b[1]);
    });
  }

  // « Aller à la liste des étapes », first in the tab order: the timeline, past the map's
  // markers (an embed's own skip link, for a page that frames the map).
  CufRelay.prototype.skipLink = function (t) {
    var self = this, box = document.querySelector(".cuf-timeline");
    if (!box || getComputedStyle(box).display === "none") return;
    var a = M.el("a", { "class": "cuf-skip", href: "#cuf-timeline-title" }, t.skip);
    a.addEventListener("click", function (e) { e.preventDefault(); self.timeline.focus(); });
    document.body.insertBefore(a, document.body.firstChild);
  };

  // Fullscreen and share (public map, exported page): the address of the view is the page to
  // share (share.js: the server's public address, the app's page, or the page itself) with
  // the view's parameters, those of the document's address or, inline, of its options.
  CufRelay.prototype.shareControls = function (address) {
    var opts = this.opts, search = location.search;
    if (!address) {
      search = new URLSearchParams(opts.filters || {});
      if (this.lang !== "fr") search.set("langue", this.lang);
    }
    this.controls = new M.Share(this.map, this.t, {
      base: CufShare.shareBase(opts.share, document.baseURI), search: search,
      today: CufData.referenceDate("", "")
    });
  };

  // The presenter's parts: the strip and its autoplay, the speaker panel (speaker view), the
  // QR code (audience's window), the messages from the frame around a sandboxed map.
  CufRelay.prototype.presenter = function (select) {
    var self = this, opts = this.opts, t = this.t, follow = opts.follow;
    this.strip = new M.Strip(this.order(), t, opts.autoplay || 10,
                             !opts.speaker && !!opts.speakerUrl).on({
      previous: function () { self.step(-1); },
      next: function () { self.step(1); },
      select: select,
      autoplay: function () { self.toggleAutoplay(); },
      delay: function () { if (self.playing) self.setPlaying(true); },
      speaker: function () {  // a published document: with the page's options (its address)
        M.openSpeakerView(opts.readUrl ? CufData.speakerPath(opts.speakerUrl, location.search) :
          opts.speakerUrl);
      }
    });
    this.autoplay = new M.Autoplay().on("tick", function () {
      if (self.current >= self.order().length - 1) self.finish(); else self.step(1);
    });
    if (opts.speaker) {
      this.speaker = new M.Speaker(t);
      this.speaker.mediaUrl = opts.mediaUrl || "";
    }
    else if (follow && (follow.url || follow.error)) this.follow = new M.Follow(follow, t);
    this.messages = new M.Messages().on("notes", function (e) {
      var notes = self.speaker && CufData.speakerNotes(e.data, self.byId);
      if (notes) { self.speaker.setNotes(notes); self.update(); }
    });
  };

  // The two windows in step: what the other one does is done here (never sent back).
  CufRelay.prototype.connect = function () {
    var self = this;
    this.sync = new M.Sync(this.messages).on({
      hello: function (e) {  // a window just opened: tell it where we are
        self.started(e.startedAt);
        self.announce();
        if (self.autoplay.running()) self.sync.play(true, self.delay());
      },
      stage: function (e) {
        self.started(e.startedAt);
        if (e.id !== self.currentId() || (!e.id && e.end !== self.finished)) {
          if (e.id && self.byId[e.id]) self.select(e.id, { remote: true });
          else if (!e.id && e.end) self.finish();
          else if (!e.id) self.overview();
        }
        self.tick();
      },
      play: function (e) {
        self.started(e.startedAt);
        self.setPlaying(e.on, e.seconds, true);
        self.tick();
      },
      // Closing the window that runs the autoplay stops it in the other one too.
      leave: function () { if (self.autoplay.running()) self.sync.play(false); }
    });
    this.sync.hello();
  };

  CufRelay.prototype.drawArcsAndPartners = function () {
    var arcPoints = this.arcPoints = {};  // stage id -> the great circle to each partner
    this.links.forEach(function (link) {
      (arcPoints[link.stage] = arcPoints[link.stage] || []).push(CufData.greatCircle(link.a, link.b));
    });
    this.renderer.drawLinks(arcPoints);
    this.renderer.drawPartners();
  };

  CufRelay.prototype.order = function () {  // the stages placed on the map, in timeline order
    return this.stages.filter(function (s) { return s.lat !== null && s.lat !== undefined; });
  };

  CufRelay.prototype.currentId = function () {
    return this.current >= 0 ? this.order()[this.current].id : null;
  };

  CufRelay.prototype.overview = function (animate) {
    this.card.hide();  // first: the overview is fitted to the map the card no longer covers
    this.fitOverview(animate);
    this.renderer.clear();
    this.route.clear();
    if (this.figuresPanel) this.figuresPanel.show(false);
    this.finished = false;
    this.timeline.mark(null);
    if (this.controls) this.controls.setStage("");
    this.current = -1;
    this.update();
    this.announce();
  };

  CufRelay.prototype.fitOverview = function (animate) {
    var shown = this.order().filter(function (s) { return !s.overseas; });
    var pts = shown.map(function (s) { return [s.lat, s.lon]; });
    if (shown.length <= 3) {  // a small selection: show its partners too
      shown.forEach(function (s) {
        s.partners.forEach(function (p) { if (p.lat !== null) pts.push([p.lat, p.lon]); });
      });
    }
    if (!pts.length) pts = this.order().map(function (s) { return [s.lat, s.lon]; });
    // Leave room on the left for the overseas insets (smaller on a phone: relay.css).
    var size = this.map.getSize(), room = this.renderer.size || 10;
    var left = this.insets.length && !this.opts.presenter ? (size.x <= 700 ? 110 : 160) : 40;
    var top = 40;
    if (this.follow) this.follow.show(true);  // and room for the QR code: right, or above
    var right = this.follow ? this.follow.width() + 40 : 40;
    if (this.follow && right > size.x / 2) { top = this.follow.bottom() + 20; right = 40; }
    // No marker under the legend (bottom-right): keep the stages out of its rows or out of
    // its column, whichever leaves the larger map.
    var legend = this.legend.getContainer(), box = this.map.getContainer();
    var below = legend.offsetHeight ? box.clientHeight - legend.getBoundingClientRect().top +
      box.getBoundingClientRect().top + room : 0;
    var beside = legend.offsetWidth ? legend.offsetWidth + 10 + room : 0;
    var fit = { paddingTopLeft: [left, top], paddingBottomRight: [right, Math.max(40, below)],
                maxZoom: 9 };
    if (pts.length && beside > right) {
      var bounds = L.latLngBounds(pts), other = { paddingTopLeft: [left, top],
                                                  paddingBottomRight: [beside, 40], maxZoom: 9 };
      var zoom = function (f) {
        return this.map.getBoundsZoom(bounds, false, L.point(f.paddingTopLeft).add(f.paddingBottomRight));
      }.bind(this);
      if (zoom(other) > zoom(fit)) fit = other;
    }
    var free = size.subtract(L.point(fit.paddingTopLeft).add(fit.paddingBottomRight));
    if (size.x < 40 || size.y < 40) return;  // a frame being laid out: nothing to fit yet
    if (free.x < 40 || free.y < 40) {  // a tiny map: no room to spare
      fit.paddingTopLeft = fit.paddingBottomRight = [4, 4];
    }
    if (!pts.length) { this.map.setView([46.6, 2.4], 5); }
    else if (animate === false || still()) { fit.animate = false; this.map.fitBounds(pts, fit); }
    else { fit.duration = 0.8; this.map.flyToBounds(pts, fit); }
  };

  // `o.animate` false: no flight; `o.remote`: the other window's move, done here too.
  CufRelay.prototype.select = function (id, o) {
    var s = this.byId[id];
    if (!s) return;
    o = o || {};
    this.timeline.complete();
    // where the focus goes back when the card closes (a timeline entry, a marker)
    var active = document.activeElement;
    if (active && active !== document.body && !this.card.el.contains(active)) this.opener = active;
    if (this.figuresPanel) this.figuresPanel.show(false);  // the closing view, left
    this.finished = false;
    this.timeline.mark(id);
    this.renderer.select(id);
    this.card.show(s);
    if (this.controls) this.controls.setStage(id);
    document.documentElement.removeAttribute("data-cuf-route");
    this.route.show(s, !!this.opts.presenter && o.animate !== false);
    this.current = this.order().indexOf(s);
    if (this.opts.presenter && !this.startedAt && !o.remote) this.started(Date.now());
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
      var size = this.map.getSize(), card = this.card.edges();
      var above = size.x * card.top, right = (size.x - card.right) * size.y;
      var fit = above > right ?
        { paddingTopLeft: [30, 30], paddingBottomRight: [30, size.y - card.top + 20] } :
        { paddingTopLeft: [Math.min(card.right + 30, size.x - 180), 60], paddingBottomRight: [60, 60] };
      fit.maxZoom = 9;
      fit.duration = duration;
      var walk = this.route.bounds();  // a march: the presenter frames its route
      if (walk && (this.opts.presenter || pts.length === 1)) {
        pts = [walk.getSouthWest(), walk.getNorthEast()];
        fit.maxZoom = 15;
      } else if (pts.length === 1) pts = [[s.lat - 0.25, s.lon - 0.35], [s.lat + 0.25, s.lon + 0.35]];
      if (o.animate !== false && !still()) this.map.flyToBounds(pts, fit);
      else { fit.animate = false; this.map.fitBounds(pts, fit); }
    }
    this.update();
    this.announce();
  };

  CufRelay.prototype.frameRoute = function () {
    var walk = this.route.bounds();
    if (!walk) return;
    if (still()) this.map.fitBounds(walk, { padding: [60, 60], maxZoom: 15, animate: false });
    else this.map.flyToBounds(walk, { padding: [60, 60], maxZoom: 15, duration: 1.2 });
  };

  CufRelay.prototype.finish = function () {  // after the last stage: the relay in figures
    this.overview();
    this.finished = true;  // in both windows (the speaker view shows no panel, but says so)
    if (this.figuresPanel) this.figuresPanel.show(true);
    this.announce();
  };

  CufRelay.prototype.step = function (delta) {
    var order = this.order();
    if (!order.length) return;
    var next = this.current + delta;
    if (next < 0) { this.overview(); return; }
    if (next >= order.length) {  // after the last stage, the overview (and its QR code)
      if (this.opts.presenter) { if (this.current >= 0) this.finish(); return; }
      next = order.length - 1;
    }
    this.select(order[next].id);
  };

  // The presenter's parts follow the current stage: the strip, the QR code (overview only),
  // the speaker panel.
  CufRelay.prototype.update = function () {
    if (!this.strip) return;
    var order = this.order(), current = this.current;
    this.strip.show(current, order.length);
    if (this.follow) this.follow.show(current < 0);
    if (this.speaker) this.speaker.show(order[current], order[current + 1], this.strip.counterText());
  };

  CufRelay.prototype.announce = function () {  // to the other window
    if (this.sync) this.sync.stage(this.currentId(), this.startedAt, this.finished);
  };

  CufRelay.prototype.started = function (time) {  // the earlier start of the two windows'
    if (!time || (this.startedAt && this.startedAt <= time)) return;
    this.startedAt = time;
    if (this.speaker) this.speaker.setStart(time);
  };

  CufRelay.prototype.tick = function () { if (this.speaker) this.speaker.tick(); };

  CufRelay.prototype.delay = function () {
    return this.strip ? this.strip.delay() : (this.opts.autoplay || 10);
  };

  CufRelay.prototype.toggleAutoplay = function () { this.setPlaying(!this.playing); };

  // Autoplay started in either window runs in that one (one timer for both); the other shows
  // it playing and can pause it. `remote`: the other window's autoplay, shown here.
  CufRelay.prototype.setPlaying = function (on, seconds, remote) {
    this.autoplay.stop();
    this.playing = !!on;
    if (seconds && this.strip) this.strip.setDelay(seconds);
    if (on && !remote) this.autoplay.start(this.delay());
    if (this.sync) this.sync.play(this.playing, this.delay());
    if (this.strip) this.strip.playing(this.playing);
  };

  window.CufRelay = CufRelay;
})();
