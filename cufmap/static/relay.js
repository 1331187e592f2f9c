/* cufmap — timeline-linked map of the Relais de la Coop Déc'.
 * Data arrives as one GeoJSON-like payload; every text from the data is inserted with
 * textContent (never innerHTML), so a cell holding <script> shows as text and runs nothing.
 */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function safeHref(url) {
    return /^https?:\/\//i.test(url || "") ? url : null;
  }

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  function CufRelay(map, bundle, opts) {
    this.map = map;
    this.opts = opts || {};
    var query = this.opts.readUrl ? new URLSearchParams(location.search) : null;
    var lang = (query && query.get("langue")) || this.opts.lang || "fr";
    var data = bundle.payloads[lang] || bundle.payloads[this.opts.lang] ||
               bundle.payloads[Object.keys(bundle.payloads)[0]];
    data.land = bundle.land;
    data.outremer = bundle.outremer;
    this.data = data;
    if (query && query.get("etape")) this.opts.start = query.get("etape");
    this.t = data.texts;
    this.stages = data.features.filter(function (f) { return f.properties.kind === "etape"; })
      .map(function (f) {
        var s = {}, p = f.properties;
        Object.keys(p).forEach(function (k) { s[k] = p[k]; });
        s.id = f.id;
        s.lat = f.geometry ? f.geometry.coordinates[1] : null;
        s.lon = f.geometry ? f.geometry.coordinates[0] : null;
        s.partners = p.partners.map(function (q) {
          return { name: q.name, country: q.country, iso: q.iso,
                   lat: q.position ? q.position[1] : null, lon: q.position ? q.position[0] : null };
        });
        return s;
      });
    if (query) {  // exported page: ?collectivite=… and ?pays=… select stages in the browser
      var host = fold(query.get("collectivite")), country = (query.get("pays") || "").toUpperCase();
      this.stages = this.stages.filter(function (s) {
        return (!host || fold(s.host) === host) &&
          (!country || s.partners.some(function (p) { return p.iso === country; }));
      });
    }
    if (query) {  // a static page is read long after its export: statuses from today's date
      var today = /^\d{4}-\d{2}-\d{2}$/.test(query.get("date") || "") ? query.get("date") :
        new Date().toISOString().slice(0, 10);
      var t = this.t;
      this.stages.forEach(function (s) {
        if (!s.date) return;
        s.status_class = s.end < today ? "passee" : (s.date <= today ? "en-cours" : "a-venir");
        s.status = t["s_" + s.status_class];
      });
    }
    var kept = {};
    this.stages.forEach(function (s, i) { kept[s.id] = true; s.label = (i + 1) + ". " + s.label; });
    this.links = data.features.filter(function (f) {
      return f.properties.kind === "lien" && kept[f.properties.stage];
    });
    this.byId = {};
    this.markers = {};
    this.items = {};
    this.arcs = {};
    this.partnerMarkers = [];
    this.current = -1;
    this.timer = null;
    var self = this;
    this.stages.forEach(function (s, i) { s.index = i; self.byId[s.id] = s; });
    this.insets = (data.insets || []).filter(function (g) {
      return g.stages.some(function (id) { return self.byId[id]; });
    });
    this.canvas = L.canvas({ padding: 0.5 });
    if (this.opts.attribution) map.attributionControl.addAttribution(this.opts.attribution);
    // Markers and the timeline first (what people look for), the rest on the next tick.
    this.drawStages();
    this.buildTimeline();
    this.buildCard();
    this.buildLegend();
    if (this.opts.presenter) this.buildPresenter();
    this.bindKeys();
    var start = this.opts.start && this.byId[this.opts.start];
    if (start) this.select(start.id, { animate: false });
    else this.overview(false);
    function rest() {
      self.drawLand();
      self.drawArcsAndPartners();
      self.buildInsets();
      if (self.current >= 0) self.styleArcs(self.order()[self.current].id);
      window.cufReadyAt = performance.now();
      document.documentElement.setAttribute("data-cuf-ready", "1");
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

  CufRelay.prototype.drawLand = function () {
    if (!this.data.land || typeof topojson === "undefined") return;
    this.map.createPane("land");
    this.map.getPane("land").style.zIndex = 150;  // under the tiles: visible when they fail
    var world = this.data.land;
    var features = this.landFeatures = topojson.feature(world, world.objects.countries);
    L.geoJSON(features, {
      pane: "land", interactive: false, renderer: L.canvas({ pane: "land" }),
      style: { color: "#8a99a8", weight: 0.8, fillColor: "#f3efe6", fillOpacity: 1 }
    }).addTo(this.map);
  };

  CufRelay.prototype.drawArcsAndPartners = function () {
    var self = this;
    this.stages.forEach(function (s) { self.arcs[s.id] = []; });
    this.links.forEach(function (f) {
      var coords = f.geometry.coordinates.map(function (c) { return [c[1], c[0]]; });
      var line = L.polyline(coords, { renderer: self.canvas, color: "#7b3fa8", weight: 1.5,
                                      opacity: 0.45, interactive: false });
      line.addTo(self.map);
      (self.arcs[f.properties.stage] = self.arcs[f.properties.stage] || []).push(line);
    });
    this.stages.forEach(function (s) {
      s.partners.forEach(function (p) {
        if (p.lat !== null && p.lat !== undefined) {
          var m = L.circleMarker([p.lat, p.lon], { renderer: self.canvas, radius: 5,
            color: "#5a2d82", weight: 2, fillColor: "#fff", fillOpacity: 1 });
          m.bindTooltip(p.name + " (" + p.country + ")");
          m.on("click", function () { self.select(s.id); });
          m.addTo(self.map);
          self.partnerMarkers.push(m);
        }
      });
    });
  };

  CufRelay.prototype.drawStages = function () {
    var self = this;
    var seen = {};
    var size = this.opts.presenter ? 36 : 28;
    this.stages.forEach(function (s) {
      if (s.lat === null || s.lat === undefined) return;
      var key = s.lat.toFixed(3) + "," + s.lon.toFixed(3);
      var shift = (seen[key] = (seen[key] || 0) + 1) - 1;  // same place: fan out
      var icon = L.divIcon({ className: "", iconSize: [size, size],
        iconAnchor: [size / 2 - shift * (size * 0.7), size / 2],
        html: "<div class='cuf-marker status-" + s.status_class + "' style='width:" + size +
              "px;height:" + size + "px'>" + (s.index + 1) + "</div>" });
      var m = L.marker([s.lat, s.lon], { icon: icon, keyboard: true, title: s.label,
                                         alt: s.label, riseOnHover: true });
      m.on("click", function () { self.select(s.id); });
      m.addTo(self.map);
      var node = m.getElement();
      if (node) {
        node.setAttribute("aria-label", s.label);
        node.setAttribute("data-stage", s.id);
        node.classList.add("cuf-stage");
        node.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " " || e.key === "Spacebar") {
            e.preventDefault(); e.stopPropagation(); self.select(s.id);
          }
        });
      }
      self.markers[s.id] = m;
    });
  };

  CufRelay.prototype.buildTimeline = function () {
    var self = this, t = this.t;
    var box = document.querySelector(".cuf-timeline");
    if (!box) return;
    box.appendChild(el("h2", { id: "cuf-timeline-title" }, t.timeline));
    var dated = this.stages.filter(function (s) { return s.dated; });
    var undated = this.stages.filter(function (s) { return !s.dated; });
    function list(stages) {
      var ol = el("ol", { "aria-labelledby": "cuf-timeline-title" });
      stages.forEach(function (s) {
        var li = el("li", { "class": "status-" + s.status_class });
        var b = el("button", { type: "button", "data-stage": s.id, "aria-current": "false" });
        b.appendChild(el("span", { "class": "num", "aria-hidden": "true" }, String(s.index + 1)));
        b.appendChild(el("span", { "class": "when" }, s.when + (s.status ? " · " + s.status : "")));
        b.appendChild(el("span", { "class": "host" }, s.host));
        var line = s.title;
        if (s.partners.length) {
          b.appendChild(el("span", { "class": "title" }, line));
          line = t.with + " " + s.partners.map(function (p) {
            return p.name + " (" + p.country + ")"; }).join(", ");
          b.appendChild(el("span", { "class": "partners" }, line));
        } else {
          b.appendChild(el("span", { "class": "title" }, line));
        }
        b.addEventListener("click", function () { self.select(s.id); });
        li.appendChild(b);
        ol.appendChild(li);
        self.items[s.id] = b;
      });
      return ol;
    }
    if (!this.stages.length) box.appendChild(el("p", { "class": "cuf-empty" }, t.empty));
    if (dated.length) box.appendChild(list(dated));
    if (undated.length) {
      box.appendChild(el("h3", null, t.undated));
      box.appendChild(list(undated));
    }
  };

  CufRelay.prototype.buildCard = function () {
    var self = this;
    var card = el("section", { "class": "cuf-card", "aria-live": "polite", hidden: "" });
    card.setAttribute("aria-label", this.t.card);
    this.map.getContainer().appendChild(card);
    L.DomEvent.disableClickPropagation(card);
    L.DomEvent.disableScrollPropagation(card);
    this.card = card;
    this.closeCard = function () { card.hidden = true; };
    card.addEventListener("keydown", function (e) { if (e.key === "Escape") self.closeCard(); });
  };

  CufRelay.prototype.fillCard = function (s) {
    var card = this.card, t = this.t;
    card.textContent = "";
    var close = el("button", { type: "button", "class": "close", "aria-label": t.close }, "×");
    close.addEventListener("click", this.closeCard);
    card.appendChild(close);
    card.appendChild(el("div", { "class": "when" }, s.when));
    card.appendChild(el("h2", null, s.title));
    card.appendChild(el("p", { "class": "host" }, s.host));
    if (s.format) card.appendChild(el("span", { "class": "format" }, s.format));
    if (s.place) card.appendChild(el("p", { "class": "place" }, s.place));
    if (s.description) card.appendChild(el("p", { "class": "description" }, s.description));
    if (s.partners.length) {
      card.appendChild(el("p", { "class": "partners-title" }, t.partners));
      var ul = el("ul");
      s.partners.forEach(function (p) { ul.appendChild(el("li", null, p.name + " (" + p.country + ")")); });
      card.appendChild(ul);
    }
    var href = safeHref(s.link);
    if (href) {
      var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, t.more);
      card.appendChild(el("p")).appendChild(a);
    }
    card.hidden = false;
  };

  CufRelay.prototype.buildInsets = function () {
    var self = this;
    var groups = this.insets;
    if (!groups.length || this.opts.presenter) return;
    var box = el("div", { "class": "cuf-insets", "aria-hidden": "true" });
    this.map.getContainer().appendChild(box);
    L.DomEvent.disableClickPropagation(box);
    groups.forEach(function (g) {
      var div = el("div", { "class": "cuf-inset" });
      box.appendChild(div);
      var mini = L.map(div, { attributionControl: false, zoomControl: false, dragging: false,
        scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false,
        touchZoom: false, zoomSnap: 0.25, preferCanvas: true });
      mini.fitBounds(g.bounds);
      var outlines = self.data.outremer || self.landFeatures;
      if (outlines) {
        L.geoJSON(outlines, {
          interactive: false, renderer: L.canvas(), style: { color: "#8a99a8", weight: 0.8,
                                                             fillColor: "#f3efe6", fillOpacity: 1 }
        }).addTo(mini);
      }
      g.stages.forEach(function (id) {
        var s = self.byId[id];
        if (!s) return;
        L.circleMarker([s.lat, s.lon], { radius: 7, color: "#fff", weight: 2,
          fillColor: "#0b4f8a", fillOpacity: 1 }).on("click", function () { self.select(id); })
          .addTo(mini);
      });
      div.appendChild(el("div", { "class": "label" }, g.label));
    });
  };

  CufRelay.prototype.buildLegend = function () {
    var t = this.t;
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = el("div", { "class": "cuf-legend" });
      [["#5f6b76", t.past], ["#b3261e", t.ongoing], ["#0b4f8a", t.upcoming]].forEach(function (r) {
        var row = el("div");
        row.appendChild(el("span", { "class": "dot", style: "background:" + r[0] }));
        row.appendChild(document.createTextNode(r[1]));
        div.appendChild(row);
      });
      var p = el("div");
      p.appendChild(el("span", { "class": "line" }));
      p.appendChild(document.createTextNode(t.partnership));
      div.appendChild(p);
      return div;
    };
    legend.addTo(this.map);
  };

  CufRelay.prototype.order = function () {
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
    var fit = { paddingTopLeft: [left, 40], paddingBottomRight: [40, 40], maxZoom: 9 };
    if (!pts.length) { this.map.setView([46.6, 2.4], 5); }
    else if (animate === false) this.map.fitBounds(pts, fit);
    else { fit.duration = 0.8; this.map.flyToBounds(pts, fit); }
    var self = this;
    Object.keys(this.arcs).forEach(function (id) {
      self.arcs[id].forEach(function (a) { a.setStyle({ opacity: 0.45, weight: 1.5 }); });
    });
    Object.keys(this.markers).forEach(function (id) {
      var n = self.markers[id].getElement();
      if (n) n.firstChild && n.firstChild.classList.remove("selected");
    });
    Object.keys(this.items).forEach(function (id) { self.items[id].setAttribute("aria-current", "false"); });
    if (this.card) this.card.hidden = true;
    this.current = -1;
    this.updateStrip();
  };

  CufRelay.prototype.select = function (id, o) {
    var s = this.byId[id];
    if (!s) return;
    o = o || {};
    var self = this;
    Object.keys(this.items).forEach(function (k) {
      self.items[k].setAttribute("aria-current", k === id ? "true" : "false");
    });
    if (this.items[id]) this.items[id].scrollIntoView({ block: "nearest" });
    Object.keys(this.markers).forEach(function (k) {
      var n = self.markers[k].getElement();
      if (n && n.firstChild) n.firstChild.classList.toggle("selected", k === id);
    });
    this.styleArcs(id);
    this.fillCard(s);
    this.current = this.order().indexOf(s);
    if (s.lat !== null && s.lat !== undefined) {
      var pts = [[s.lat, s.lon]].concat(s.partners.filter(function (p) { return p.lat !== null; })
        .map(function (p) { return [p.lat, p.lon]; }));
      var animate = o.animate !== false;
      var duration = this.opts.presenter ? 1.2 : 0.7;
      // Keep the stage clear of the card, which sits bottom-left.
      var size = this.map.getSize();
      var cardW = Math.min(this.card.offsetWidth + 40, size.x / 2);
      var fit = { paddingTopLeft: [cardW, 60], paddingBottomRight: [60, 60], maxZoom: 9,
                  duration: duration };
      if (pts.length === 1) {
        pts = [[s.lat - 0.25, s.lon - 0.35], [s.lat + 0.25, s.lon + 0.35]];
      }
      if (animate) this.map.flyToBounds(pts, fit);
      else this.map.fitBounds(pts, fit);
    }
    this.updateStrip();
    if (this.opts.onselect) this.opts.onselect(id);
  };

  CufRelay.prototype.styleArcs = function (id) {
    var self = this;
    Object.keys(this.arcs).forEach(function (k) {
      self.arcs[k].forEach(function (a) {
        a.setStyle(k === id ? { opacity: 0.95, weight: 3 } : { opacity: 0.12, weight: 1 });
        if (k === id) a.bringToFront();
      });
    });
  };

  CufRelay.prototype.step = function (delta) {
    var order = this.order();
    if (!order.length) return;
    var next = this.current + delta;
    if (next < 0) { this.overview(); return; }
    if (next >= order.length) next = order.length - 1;
    this.select(order[next].id);
  };

  CufRelay.prototype.bindKeys = function () {
    var self = this;
    function onKey(e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      var tag = (e.target && e.target.tagName) || "";
      if (/INPUT|SELECT|TEXTAREA/.test(tag)) return;
      var presenter = !!self.opts.presenter;
      var onMarker = e.target && e.target.classList && e.target.classList.contains("cuf-stage");
      var onButton = tag === "BUTTON";
      switch (e.key) {
        case "ArrowRight": case "PageDown":
          if (!presenter && !onMarker) return;
          e.preventDefault(); self.step(1); break;
        case " ": case "Spacebar":
          if (!presenter || onButton || onMarker) return;
          e.preventDefault(); self.step(1); break;
        case "ArrowLeft": case "PageUp":
          if (!presenter && !onMarker) return;
          e.preventDefault(); self.step(-1); break;
        case "Home":
          if (!presenter) return;
          e.preventDefault(); self.overview(); break;
        case "Escape":
          if (self.card && !self.card.hidden) { self.closeCard(); }
          break;
        case "p": case "P":
          if (presenter) { e.preventDefault(); self.toggleAutoplay(); }
          break;
      }
    }
    document.addEventListener("keydown", onKey);
    if (this.opts.presenter) {
      // A clicker sends its keys to the page that has the focus: listen there too.
      try {
        if (window.parent && window.parent !== window && window.parent.document) {
          window.parent.document.addEventListener("keydown", onKey);
        }
      } catch (err) { /* another origin: keys reach us once the map has the focus */ }
      window.focus();
    }
  };

  CufRelay.prototype.buildPresenter = function () {
    var self = this, t = this.t;
    var strip = el("nav", { "class": "cuf-strip", "aria-label": t.strip });
    var prev = el("button", { type: "button", "aria-label": t.previous }, "◀");
    var counter = el("span", { "class": "counter", "aria-live": "polite" });
    var next = el("button", { type: "button", "aria-label": t.next }, "▶");
    var ol = el("ol");
    this.order().forEach(function (s) {
      var li = el("li", { "data-stage": s.id, title: s.label }, (s.index + 1) + ". " + s.short);
      li.addEventListener("click", function () { self.select(s.id); });
      ol.appendChild(li);
    });
    var play = el("button", { type: "button", "class": "play", "aria-pressed": "false" }, t.play);
    var delay = el("select", { "aria-label": t.delay });
    [5, 10, 20, 30].forEach(function (n) {
      var o = el("option", { value: String(n) }, n + " s");
      if (n === (self.opts.autoplay || 10)) o.selected = true;
      delay.appendChild(o);
    });
    prev.addEventListener("click", function () { self.step(-1); });
    next.addEventListener("click", function () { self.step(1); });
    play.addEventListener("click", function () { self.toggleAutoplay(); });
    delay.addEventListener("change", function () { if (self.timer) { self.toggleAutoplay(); self.toggleAutoplay(); } });
    [prev, counter, next].forEach(function (n) { strip.appendChild(n); });
    strip.appendChild(ol);
    strip.appendChild(play);
    strip.appendChild(delay);
    document.body.appendChild(strip);
    this.strip = { ol: ol, counter: counter, play: play, delay: delay };
  };

  CufRelay.prototype.toggleAutoplay = function () {
    var self = this;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    } else {
      var seconds = this.strip ? Number(this.strip.delay.value) : (this.opts.autoplay || 10);
      this.timer = setInterval(function () {
        if (self.current >= self.order().length - 1) self.overview(); else self.step(1);
      }, seconds * 1000);
    }
    if (this.strip) {
      this.strip.play.setAttribute("aria-pressed", this.timer ? "true" : "false");
      this.strip.play.textContent = this.timer ? this.t.pause : this.t.play;
    }
  };

  CufRelay.prototype.updateStrip = function () {
    if (!this.strip) return;
    var current = this.current;
    var items = this.strip.ol.children;
    for (var i = 0; i < items.length; i++) {
      items[i].className = i === current ? "current" : (i < current ? "done" : "");
    }
    this.strip.counter.textContent = current < 0 ? this.t.overview :
      (current + 1) + " / " + this.order().length;
  };

  window.CufRelay = CufRelay;
})();
