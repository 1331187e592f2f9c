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

  var SHORT_HOST = /^(?:Ville|Commune|Département|Conseil départemental|Métropole|Région|Communauté)(?: de la| de l'| du| des| de| d')? ?/;

  // Points of the great-circle arc from a to b ([lat, lon]), longitudes unwrapped.
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
      if (prev !== null) { while (lon - prev > 180) lon -= 360; while (lon - prev < -180) lon += 360; }
      prev = lon;
      pts.push([lat, lon]);
    }
    return pts;
  }

  // Outlines that cross the antimeridian (Russia, Fiji…) list +180 and -180 side by side:
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
    var offset = 0, flat = [ring[0]], min = ring[0][0], max = ring[0][0];
    for (var j = 1; j < ring.length; j++) {
      var d = ring[j][0] + offset - flat[j - 1][0];
      if (d > 180) offset -= 360; else if (d < -180) offset += 360;
      var p = [ring[j][0] + offset, ring[j][1]];
      flat.push(p);
      min = Math.min(min, p[0]); max = Math.max(max, p[0]);
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

  // Thousands of dots on one canvas, drawn in one pass (level of detail for Atlas-sized maps):
  // clicks and hovers find the nearest dot; the overlay follows the map while dragging and is
  // redrawn when the move ends.
  // A canvas over the map that follows it while dragging and is redrawn when a move ends.
  var CanvasOverlay = L.Layer.extend({
    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas");
      this._canvas.style.position = "absolute";
      this._canvas.style.pointerEvents = "none";
      map.getPanes().overlayPane.appendChild(this._canvas);
      map.on(this.getEvents(), this);
      this.redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off(this.getEvents(), this);
    },
    getEvents: function () {
      return { moveend: this.redraw, zoomend: this.redraw, resize: this.redraw,
               viewreset: this.redraw, zoomstart: this._hide };
    },
    _hide: function () { this._canvas.style.visibility = "hidden"; },
    _context: function () {  // canvas sized to the map, placed at its top-left corner
      var map = this._map, size = map.getSize(), c = this._canvas, ratio = window.devicePixelRatio || 1;
      c.width = size.x * ratio; c.height = size.y * ratio;
      c.style.width = size.x + "px"; c.style.height = size.y + "px";
      L.DomUtil.setPosition(c, map.containerPointToLayerPoint([0, 0]));
      c.style.visibility = "visible";
      var ctx = c.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      return ctx;
    }
  });

  var Dots = CanvasOverlay.extend({
    initialize: function (points, onClick) {
      this.points = points; this.onClick = onClick;
      this._tip = L.tooltip({ direction: "top", offset: [0, -6] });
    },
    getEvents: function () {
      var events = CanvasOverlay.prototype.getEvents.call(this);
      events.click = this._click;
      events.mousemove = this._hover;
      return events;
    },
    redraw: function () {
      var map = this._map, ctx = this._context();
      var bounds = map.getBounds().pad(0.05);
      this._screen = [];
      for (var i = 0; i < this.points.length; i++) {
        var p = this.points[i];
        if (!bounds.contains([p.lat, p.lon])) continue;
        var pt = map.latLngToContainerPoint([p.lat, p.lon]);
        this._screen.push([pt.x, pt.y, p]);
        ctx.beginPath();
        ctx.arc(pt.x, pt.y, p.radius, 0, 2 * Math.PI);
        ctx.fillStyle = p.fill; ctx.fill();
        ctx.lineWidth = p.weight; ctx.strokeStyle = p.stroke; ctx.stroke();
      }
    },
    nearest: function (point) {
      var best = null, bestD = 64;  // within 8 px
      for (var i = 0; i < (this._screen || []).length; i++) {
        var s = this._screen[i], dx = s[0] - point.x, dy = s[1] - point.y, d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = s[2]; }
      }
      return best;
    },
    _click: function (e) { var p = this.nearest(e.containerPoint); if (p && this.onClick) this.onClick(p); },
    _hover: function (e) {
      var p = this.nearest(e.containerPoint), map = this._map;
      map.getContainer().style.cursor = p ? "pointer" : "";
      if (p) this._tip.setLatLng([p.lat, p.lon]).setContent(p.title).addTo(map);
      else this._tip.remove();
    }
  });

  // Every link on one canvas, projected once per zoom level and drawn in one pass.
  var Lines = CanvasOverlay.extend({
    initialize: function (lines, style) { this.lines = lines; this.style = style; this.selected = []; },
    select: function (lines) { this.selected = lines || []; if (this._map) this.redraw(); },
    _projected: function (lines, zoom) {
      // Spherical Mercator, as Leaflet's default CRS, without allocating a point per vertex.
      var scale = 256 * Math.pow(2, zoom), rad = Math.PI / 180, max = 85.0511287798;
      // Vertices closer than 2 px to the last one kept are dropped (level of detail): a
      // world view strokes a few segments per arc, a close-up all of them.
      return lines.map(function (pts) {
        var out = new Float64Array(pts.length * 2), n = 0, last = pts.length - 1;
        for (var i = 0; i <= last; i++) {
          var lat = Math.max(Math.min(pts[i][0], max), -max) * rad;
          var x = (pts[i][1] + 180) / 360 * scale;
          var y = (0.5 - Math.log(Math.tan(Math.PI / 4 + lat / 2)) / (2 * Math.PI)) * scale;
          if (n && i < last) {
            var dx = x - out[n - 2], dy = y - out[n - 1];
            if (dx * dx + dy * dy < 4) continue;
          }
          out[n++] = x; out[n++] = y;
        }
        return out.subarray(0, n);
      });
    },
    redraw: function () {
      var map = this._map, zoom = map.getZoom(), ratio = window.devicePixelRatio || 1;
      if (this._zoom !== zoom) { this._cache = this._projected(this.lines, zoom); this._zoom = zoom; }
      var ctx = this._context(), origin = map.getPixelBounds().min;
      ctx.setTransform(ratio, 0, 0, ratio, -origin.x * ratio, -origin.y * ratio);
      function stroke(paths, colour, width, alpha) {
        ctx.beginPath();
        for (var k = 0; k < paths.length; k++) {
          var a = paths[k];
          ctx.moveTo(a[0], a[1]);
          for (var i = 2; i < a.length; i += 2) ctx.lineTo(a[i], a[i + 1]);
        }
        ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.globalAlpha = alpha; ctx.stroke();
      }
      stroke(this._cache, this.style.color, this.style.weight, this.style.opacity);
      if (this.selected.length) stroke(this._projected(this.selected, zoom), this.style.color, 3, 0.95);
      ctx.globalAlpha = 1;
    }
  });

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  function CufRelay(map, data, opts) {
    this.map = map;
    this.opts = opts || {};
    var query = this.opts.readUrl ? new URLSearchParams(location.search) : null;
    var lang = (query && query.get("langue")) || this.opts.lang || "fr";
    if (!data.texts[lang]) lang = this.opts.lang in data.texts ? this.opts.lang : Object.keys(data.texts)[0];
    function tr(v) {  // translated values are {lang: text} when the page carries several
      return v && typeof v === "object" ? (v[lang] !== undefined ? v[lang] : v.fr) : v;
    }
    this.data = data;
    if (query && query.get("etape")) this.opts.start = query.get("etape");
    var t = this.t = data.texts[lang];
    this.stages = data.features.filter(function (f) { return f.properties.kind === "etape"; })
      .map(function (f) {
        var s = {}, p = f.properties;
        Object.keys(p).forEach(function (k) { s[k] = p[k]; });
        s.id = f.id;
        s.dated = !!p.date;
        s.when = tr(p.when);
        s.status = s.dated ? t["s_" + p.status_class] : "";
        s.label = p.host + ", " + (lang === "fr" ? s.when.charAt(0).toLowerCase() + s.when.slice(1) : s.when);
        s.short = p.host.replace(SHORT_HOST, "");
        ["format", "place", "description", "link"].forEach(function (k) { s[k] = p[k] || ""; });
        s.lat = f.geometry ? f.geometry.coordinates[1] : null;
        s.lon = f.geometry ? f.geometry.coordinates[0] : null;
        s.partners = p.partners.map(function (q) {
          return { name: q.name, iso: q.iso || "",
                   country: q.iso && data.countries[q.iso] ? tr(data.countries[q.iso]) : q.country,
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
      this.stages.forEach(function (s) {
        if (!s.date) return;
        s.status_class = s.end < today ? "passee" : (s.date <= today ? "en-cours" : "a-venir");
        s.status = t["s_" + s.status_class];
      });
    }
    var self = this;
    this.stages.forEach(function (s, i) { s.label = (i + 1) + ". " + s.label; });
    this.links = [];  // stage -> partner, for every placed pair
    this.stages.forEach(function (s) {
      if (s.lat === null) return;
      s.partners.forEach(function (p) {
        if (p.lat !== null) self.links.push({ stage: s.id, a: [s.lat, s.lon], b: [p.lat, p.lon] });
      });
    });
    this.byId = {};
    this.markers = {};
    this.items = {};
    this.arcs = {};
    this.partnerMarkers = [];
    this.current = -1;
    this.timer = null;
    this.stages.forEach(function (s, i) { s.index = i; self.byId[s.id] = s; });
    this.insets = (data.insets || []).filter(function (g) {
      return g.stages.some(function (id) { return self.byId[id]; });
    });
    this.canvas = L.canvas({ padding: 0.5 });
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
    this.drawStages();
    this.buildTimeline();
    this.buildCard();
    this.buildLegend();
    if (this.opts.presenter) this.buildPresenter();
    if (this.opts.speaker) this.buildSpeaker();
    if (this.opts.presenter) this.buildFollow();
    this.bindKeys();
    this.map.on("zoomend viewreset", this.spread, this);
    // An explicit signal while the map flies or pans (tests and tools wait on it, not on time).
    var root = document.documentElement;
    this.map.on("movestart", function () { root.setAttribute("data-cuf-moving", "1"); });
    this.map.on("moveend", function () { root.removeAttribute("data-cuf-moving"); });
    var start = this.opts.start && this.byId[this.opts.start];
    if (start) this.select(start.id, { animate: false });
    else this.overview(false);
    this.spread();
    if (this.opts.presenter) this.connect();
    function rest() {
      self.drawLand();
      self.drawArcsAndPartners();
      self.buildInsets();
      if (self.current >= 0) self.styleArcs(self.order()[self.current].id);
      window.cufReadyAt = performance.now();
      document.documentElement.setAttribute("data-cuf-ready", "1");
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

  CufRelay.prototype.drawLand = function () {
    if (!this.data.land || typeof topojson === "undefined") return;
    this.map.createPane("land");
    this.map.getPane("land").style.zIndex = 150;  // under the tiles: visible when they fail
    var world = this.data.land;
    var features = this.landFeatures = cutAntimeridian(topojson.feature(world, world.objects.countries));
    var renderer = this.landRenderer = L.canvas({ pane: "land" });
    var style = this.landStyle = { color: "#8a99a8", weight: 0.8, fillColor: "#f3efe6", fillOpacity: 1 };
    // The finer overseas outlines too: Martinique or La Réunion are too small for the world
    // outlines, and selecting CAP Nord would otherwise fly to an empty sea.
    [features, this.data.outremer].forEach(function (layer, i) {
      if (!layer) return;
      var drawn = L.geoJSON(layer, { pane: "land", interactive: false, renderer: renderer,
                                     style: style }).addTo(this.map);
      if (i === 0) this.coarseLayer = drawn;
    }, this);
    if (this.data.fine || this.opts.fineUrl) {
      this.map.on("zoomend moveend", this.fineOutlines, this);
      this.fineOutlines();
    }
  };

  // Finer outlines (Natural Earth 1:10m) around France and its neighbours, fetched the first
  // time the map zooms in there and drawn over the world outlines on the same canvas: inside
  // their box a sea-coloured rectangle hides the coarse coast, so the switch is seamless.
  var FINE_ZOOM = 5.5;
  CufRelay.prototype.fineOutlines = function () {
    var self = this, map = this.map;
    // needed when there is no tile to show the coast: tiles off, or failing (no network)
    var wanted = map.getZoom() >= FINE_ZOOM && (!this.hasTiles || this.tilesFailed);
    if (wanted && !this.fineLayer) {
      if (this.data.fine) { this.addFine(this.data.fine); return; }
      if (this.fineLoading) return;
      this.fineLoading = fetch(this.opts.fineUrl).then(function (r) { return r.json(); })
        .then(function (topo) { self.data.fine = topo; self.fineOutlines(); })
        .catch(function () { /* the world outlines stay */ });
      return;
    }
    if (this.fineLayer) {  // the sea first, then the land over it (canvas order = add order)
      var shown = map.hasLayer(this.fineLayer[0]);
      if (wanted && !shown) this.fineLayer.forEach(function (l) { l.addTo(map); });
      if (!wanted && shown) this.fineLayer.forEach(function (l) { map.removeLayer(l); });
    }
  };

  CufRelay.prototype.addFine = function (topo) {
    var box = topo.bbox, renderer = this.landRenderer;
    var sea = L.rectangle([[box[1], box[0]], [box[3], box[2]]], {
      pane: "land", renderer: renderer, interactive: false, stroke: false,
      fillColor: "#cfe3f2", fillOpacity: 1 });
    var land = L.geoJSON(topojson.feature(topo, topo.objects.land), {
      pane: "land", interactive: false, renderer: renderer, style: this.landStyle });
    this.fineLayer = [sea, land];
    document.documentElement.setAttribute("data-cuf-fine", "1");
    this.fineOutlines();
  };

  CufRelay.prototype.drawArcsAndPartners = function () {
    var self = this;
    this.stages.forEach(function (s) { self.arcs[s.id] = []; });
    this.arcPoints = {};
    var all = [];
    this.links.forEach(function (link) {
      var pts = greatCircle(link.a, link.b);
      (self.arcPoints[link.stage] = self.arcPoints[link.stage] || []).push(pts);
      all.push(pts);
    });
    if (this.large) {
      // Every link in one canvas pass, not thousands of layers.
      this.highlight = new Lines(all, { color: "#7b3fa8", weight: 0.6, opacity: 0.35 })
        .addTo(self.map);
    } else {
      Object.keys(this.arcPoints).forEach(function (id) {
        self.arcs[id] = self.arcPoints[id].map(function (pts) {
          return L.polyline(pts, { renderer: self.canvas, color: "#7b3fa8", weight: 1.5,
                                   opacity: 0.45, interactive: false }).addTo(self.map);
        });
      });
    }
    if (this.large) {
      var points = [];
      this.stages.forEach(function (s) {
        s.partners.forEach(function (p) {
          if (p.lat === null || p.lat === undefined) return;
          points.push({ lat: p.lat, lon: p.lon, radius: 3, weight: 1.5, stroke: "#5a2d82",
                        fill: "#fff", title: p.name + " (" + p.country + ")", stage: s.id });
        });
      });
      // Under the stage dots: added before them would need a pane; a second overlay suffices.
      this.partnerDots = new Dots(points, function (p) { self.select(p.stage); }).addTo(this.map);
      if (this.stageDots) { this.stageDots.remove(); this.stageDots.addTo(this.map); }
      return;
    }
    this.stages.forEach(function (s) {
      s.partners.forEach(function (p) {
        if (p.lat !== null && p.lat !== undefined) {
          var lon = p.lon;
          while (lon - s.lon > 180) lon -= 360;
          while (lon - s.lon < -180) lon += 360;
          var m = L.circleMarker([p.lat, lon], { renderer: self.canvas, radius: 5,
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
    var size = this.markerSize = this.opts.presenter ? 36 : 28;
    // Level of detail: past a few hundred stages (the Atlas of partnerships), markers are
    // drawn on a canvas; the timeline list stays their keyboard and screen-reader twin.
    var large = this.large = this.stages.length > 400;
    this.dots = [];
    var colours = { "passee": "#5f6b76", "en-cours": "#b3261e", "a-venir": "#0b4f8a",
                    "sans-date": "#0b4f8a" };
    this.stages.forEach(function (s) {
      if (s.lat === null || s.lat === undefined) return;
      if (large) {
        self.dots.push({ lat: s.lat, lon: s.lon, radius: 4, weight: 1, stroke: "#fff",
                         fill: colours[s.status_class], title: s.label, stage: s.id });
        return;
      }
      var icon = L.divIcon({ className: "", iconSize: [size, size], iconAnchor: [size / 2, size / 2],
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
    if (large) {
      this.stageDots = new Dots(this.dots, function (p) { self.select(p.stage); }).addTo(this.map);
    }
  };

  // No marker hides another: after each zoom, markers closer than their size are pushed apart
  // on screen (co-located ones fan out round their place), never moving their true position.
  CufRelay.prototype.spread = function () {
    if (this.large || !this.map._loaded) return;
    var self = this, map = this.map, size = this.markerSize, min = size + 2;
    var items = Object.keys(this.markers).map(function (id) {
      var p = map.latLngToLayerPoint(self.markers[id].getLatLng());
      return { id: id, x: p.x, y: p.y, x0: p.x, y0: p.y, i: self.byId[id].index };
    });
    for (var round = 0; round < 80; round++) {
      var moved = false;
      for (var a = 0; a < items.length; a++) {
        for (var b = a + 1; b < items.length; b++) {
          var A = items[a], B = items[b], dx = B.x - A.x, dy = B.y - A.y;
          var d = Math.sqrt(dx * dx + dy * dy);
          if (d >= min) continue;
          if (d < 0.5) {  // same place: a direction of its own for each, by timeline order
            dx = Math.cos(B.i * 2.39996); dy = Math.sin(B.i * 2.39996); d = 1;
          }
          var push = (min - Math.min(d, min)) / 2 + 0.25, ux = dx / d, uy = dy / d;
          A.x -= ux * push; A.y -= uy * push; B.x += ux * push; B.y += uy * push;
          moved = true;
        }
      }
      if (!moved) break;
    }
    items.forEach(function (it) {
      var node = self.markers[it.id].getElement();
      if (!node) return;
      node.style.marginLeft = (it.x - it.x0 - size / 2) + "px";
      node.style.marginTop = (it.y - it.y0 - size / 2) + "px";
    });
  };

  CufRelay.prototype.frenchControls = function () {  // Leaflet's own controls speak English
    var zoom = this.map.zoomControl, t = this.t;
    if (!zoom || !zoom._zoomInButton) return;
    [[zoom._zoomInButton, t.zoom_in], [zoom._zoomOutButton, t.zoom_out]].forEach(function (b) {
      b[0].title = b[1];
      b[0].setAttribute("aria-label", b[1]);
    });
  };

  // --- Two windows in step: the audience's and the speaker view, in the browser only (a
  // BroadcastChannel between windows of the same origin; no server round trip). In the app the
  // map runs sandboxed in an opaque origin, where a channel would reach no other window: the
  // frame around it (cufmap/web.py, same origin as the app) holds the channel and relays. ---
  function presenterChannel(onMessage) {
    if (window.origin === "null" && window.parent !== window) {
      window.addEventListener("message", function (e) {
        if (e.source === window.parent && e.data && e.data.cufChannel) onMessage(e.data.cufChannel);
      });
      return { postMessage: function (m) { window.parent.postMessage({ cufChannel: m }, "*"); } };
    }
    if (typeof BroadcastChannel === "undefined") return null;
    var channel = new BroadcastChannel("cufmap-presentation");
    channel.onmessage = function (e) { onMessage(e.data || {}); };
    return channel;
  }

  CufRelay.prototype.connect = function () {
    var self = this;
    this.channel = presenterChannel(function (m) { self.receive(m); });
    if (!this.channel) return;
    this.send({ kind: "hello" });
    // Closing the window that runs the autoplay stops it in the other one too.
    window.addEventListener("pagehide", function () {
      if (self.timer) self.send({ kind: "play", on: false });
    });
  };

  CufRelay.prototype.send = function (message) {
    if (this.channel && !this.remote) this.channel.postMessage(message);
  };

  CufRelay.prototype.currentId = function () {
    return this.current >= 0 ? this.order()[this.current].id : null;
  };

  CufRelay.prototype.announce = function () {
    this.send({ kind: "stage", id: this.currentId(), startedAt: this.startedAt });
  };

  CufRelay.prototype.receive = function (m) {
    if (m.startedAt && (!this.startedAt || m.startedAt < this.startedAt)) this.startedAt = m.startedAt;
    if (m.kind === "hello") {  // a window just opened: tell it where we are
      this.announce();
      if (this.timer) this.send({ kind: "play", on: true, seconds: this.delay() });
      return;
    }
    this.remote = true;
    try {
      if (m.kind === "stage" && m.id !== this.currentId()) {
        if (m.id && this.byId[m.id]) this.select(m.id); else if (!m.id) this.overview();
      } else if (m.kind === "play") {
        this.setPlaying(m.on, m.seconds);
      }
    } finally { this.remote = false; }
    this.tick();
  };

  CufRelay.prototype.buildSpeaker = function () {
    var t = this.t, self = this;
    var panel = el("section", { "class": "cuf-speaker-panel", "aria-label": t.speaker });
    var top = el("div", { "class": "top" });
    var position = el("div", { "class": "position", "aria-live": "polite" });
    var clock = el("div", { "class": "clock" }), elapsed = el("div", { "class": "elapsed" });
    [position, clock, elapsed].forEach(function (n) { top.appendChild(n); });
    panel.appendChild(top);
    function part(cls, title) {
      var box = el("div", { "class": "part " + cls });
      box.appendChild(el("h2", null, title));
      var body = el("div", { "class": "body" });
      box.appendChild(body);
      panel.appendChild(box);
      return body;
    }
    this.speaker = { position: position, clock: clock, elapsed: elapsed,
                     now: part("now", t.now), notes: part("notes", t.notes),
                     next: part("next", t.next_stage) };
    document.body.appendChild(panel);
    this.tick();
    setInterval(function () { self.tick(); }, 1000);
  };

  function two(n) { return (n < 10 ? "0" : "") + n; }

  CufRelay.prototype.tick = function () {  // the speaker's clock and time since the start
    if (!this.speaker) return;
    var now = new Date();
    this.speaker.clock.textContent = this.t.clock + " " + two(now.getHours()) + ":" +
      two(now.getMinutes()) + ":" + two(now.getSeconds());
    var s = this.startedAt ? Math.max(0, Math.floor((Date.now() - this.startedAt) / 1000)) : 0;
    this.speaker.elapsed.textContent = this.t.elapsed + " " +
      (s >= 3600 ? Math.floor(s / 3600) + ":" : "") + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
  };

  CufRelay.prototype.fillSpeaker = function () {
    var sp = this.speaker, t = this.t;
    if (!sp) return;
    var order = this.order(), s = order[this.current], next = order[this.current + 1];
    sp.position.textContent = this.strip ? this.strip.counter.textContent : "";
    sp.now.textContent = "";
    if (s) {
      sp.now.appendChild(el("div", { "class": "when" }, s.when));
      sp.now.appendChild(el("p", { "class": "title" }, s.title));
      sp.now.appendChild(el("p", { "class": "host" }, s.host));
      if (s.partners.length) {
        sp.now.appendChild(el("p", { "class": "partners" }, t.with + " " + s.partners.map(function (p) {
          return p.name + " (" + p.country + ")"; }).join(", ")));
      }
    } else {
      sp.now.appendChild(el("p", { "class": "title" }, t.overview));
    }
    sp.notes.textContent = s ? (s.notes || t.no_notes) : "";
    sp.notes.classList.toggle("empty", !(s && s.notes));
    sp.next.textContent = next ? (next.index + 1) + ". " + next.host + " — " + next.when :
      (s ? t.end_of_relay : "");
  };

  // The overview of the audience's window: the public map's address and its QR code.
  CufRelay.prototype.buildFollow = function () {
    var f = this.opts.follow, t = this.t;
    if (!f || !(f.url || f.error) || this.opts.speaker) return;
    var box = el("aside", { "class": "cuf-follow", "aria-label": t.follow });
    box.appendChild(el("p", { "class": "title" }, t.follow));
    if (f.error) {  // a wrong setting says so, in French, instead of a broken code
      box.appendChild(el("p", { "class": "error", role: "alert" }, f.error));
      document.body.appendChild(box);
      this.follow = box;
      return;
    }
    box.appendChild(el("img", { src: f.qr, alt: "QR code : " + f.url, width: "300", height: "300" }));
    box.appendChild(el("p", { "class": "url" }, f.url));
    document.body.appendChild(box);
    this.follow = box;
  };

  // The timeline's first entries are built with the map; past TIMELINE_FIRST, the rest follow
  // in small tasks once the map is drawn (an Atlas-sized list would otherwise delay the first
  // paint). The lists say aria-busy until then, and selecting a stage completes them at once.
  var TIMELINE_FIRST = 40, TIMELINE_CHUNK = 500;

  CufRelay.prototype.buildTimeline = function () {
    var t = this.t;
    var box = document.querySelector(".cuf-timeline");
    this.pending = [];
    if (!box) return;
    box.appendChild(el("h2", { id: "cuf-timeline-title" }, t.timeline));
    var dated = this.stages.filter(function (s) { return s.dated; });
    var undated = this.stages.filter(function (s) { return !s.dated; });
    var pending = this.pending, lists = this.lists = [];
    function list(stages) {
      var ol = el("ol", { "aria-labelledby": "cuf-timeline-title" });
      lists.push(ol);
      stages.forEach(function (s) { pending.push([ol, s]); });
      return ol;
    }
    if (!this.stages.length) box.appendChild(el("p", { "class": "cuf-empty" }, t.empty));
    if (dated.length) box.appendChild(list(dated));
    if (undated.length) {
      box.appendChild(el("h3", null, t.undated));
      box.appendChild(list(undated));
    }
    this.fillTimeline(TIMELINE_FIRST);
  };

  CufRelay.prototype.timelineItem = function (s) {
    var self = this, t = this.t;
    var li = el("li", { "class": "status-" + s.status_class });
    var b = el("button", { type: "button", "data-stage": s.id, "aria-current": "false" });
    b.appendChild(el("span", { "class": "num", "aria-hidden": "true" }, String(s.index + 1)));
    b.appendChild(el("span", { "class": "when" }, s.when + (s.status ? " · " + s.status : "")));
    b.appendChild(el("span", { "class": "host" }, s.host));
    b.appendChild(el("span", { "class": "title" }, s.title));
    if (s.partners.length) {
      b.appendChild(el("span", { "class": "partners" }, t.with + " " + s.partners.map(function (p) {
        return p.name + " (" + p.country + ")"; }).join(", ")));
    }
    b.addEventListener("click", function () { self.select(s.id); });
    li.appendChild(b);
    this.items[s.id] = b;
    return li;
  };

  // Appends up to `count` pending entries (all of them without a count); true when done.
  CufRelay.prototype.fillTimeline = function (count) {
    var pending = this.pending, end = count === undefined ? pending.length : Math.min(count, pending.length);
    var frag = null, target = null;
    for (var i = 0; i < end; i++) {
      if (pending[i][0] !== target) {
        if (frag) target.appendChild(frag);
        target = pending[i][0]; frag = document.createDocumentFragment();
      }
      frag.appendChild(this.timelineItem(pending[i][1]));
    }
    if (frag) target.appendChild(frag);
    pending.splice(0, end);
    var done = !pending.length;
    (this.lists || []).forEach(function (ol) {
      if (done) ol.removeAttribute("aria-busy"); else ol.setAttribute("aria-busy", "true");
    });
    if (done) document.documentElement.setAttribute("data-cuf-timeline", "1");
    return done;
  };

  CufRelay.prototype.finishTimeline = function () {  // the rest, a chunk per task
    var self = this;
    if (this.fillTimeline(TIMELINE_CHUNK)) return;
    setTimeout(function () { self.finishTimeline(); }, 0);
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
    if (this.follow) this.follow.hidden = false;  // and room on the right for the QR code
    var right = this.follow ? this.follow.offsetWidth + 40 : 40;
    var fit = { paddingTopLeft: [left, 40], paddingBottomRight: [right, 40], maxZoom: 9 };
    if (!pts.length) { this.map.setView([46.6, 2.4], 5); }
    else if (animate === false) { fit.animate = false; this.map.fitBounds(pts, fit); }
    else { fit.duration = 0.8; this.map.flyToBounds(pts, fit); }
    var self = this;
    if (this.highlight) this.highlight.select([]);
    Object.keys(this.arcs).forEach(function (id) {
      self.arcs[id].forEach(function (a) { a.setStyle({ opacity: 0.45, weight: 1.5 }); });
    });
    if (this.large && this.selectedDot) {
      this.selectedDot.remove();
      this.selectedDot = null;
    }
    Object.keys(this.markers).forEach(function (id) {
      var n = self.markers[id].getElement && self.markers[id].getElement();
      if (n && n.firstChild) n.firstChild.classList.remove("selected");
    });
    Object.keys(this.items).forEach(function (id) { self.items[id].setAttribute("aria-current", "false"); });
    if (this.card) this.card.hidden = true;
    this.current = -1;
    this.updateStrip();
    this.announce();
  };

  CufRelay.prototype.select = function (id, o) {
    var s = this.byId[id];
    if (!s) return;
    o = o || {};
    var self = this;
    if (this.pending.length) this.fillTimeline();
    Object.keys(this.items).forEach(function (k) {
      self.items[k].setAttribute("aria-current", k === id ? "true" : "false");
    });
    if (this.items[id]) this.items[id].scrollIntoView({ block: "nearest" });
    if (this.large) {
      if (this.selectedDot) this.selectedDot.remove();
      this.selectedDot = s.lat === null ? null : L.circleMarker([s.lat, s.lon], {
        radius: 9, color: "#f2a900", weight: 3, fillColor: "#0b4f8a", fillOpacity: 1,
        interactive: false }).addTo(this.map);
    } else {
      Object.keys(this.markers).forEach(function (k) {
        var n = self.markers[k].getElement();
        if (n && n.firstChild) n.firstChild.classList.toggle("selected", k === id);
        self.markers[k].setZIndexOffset(k === id ? 10000 : 0);  // on top of its neighbours
      });
    }
    this.styleArcs(id);
    this.fillCard(s);
    this.current = this.order().indexOf(s);
    if (this.opts.presenter && !this.startedAt && !this.remote) this.startedAt = Date.now();
    if (s.lat !== null && s.lat !== undefined) {
      // The host and the whole arc to each partner (a great circle bulges towards the pole;
      // longitudes run on past ±180° when the short way crosses the antimeridian).
      var pts = [[s.lat, s.lon]];
      s.partners.forEach(function (p) {
        if (p.lat !== null && p.lat !== undefined) pts = pts.concat(greatCircle([s.lat, s.lon], [p.lat, p.lon]));
      });
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
      else { fit.animate = false; this.map.fitBounds(pts, fit); }
    }
    this.updateStrip();
    this.announce();
    if (this.opts.onselect) this.opts.onselect(id);
  };

  CufRelay.prototype.styleArcs = function (id) {
    var self = this;
    if (this.highlight) { this.highlight.select((id && this.arcPoints[id]) || []); return; }
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
    if (next >= order.length) {  // after the last stage, the overview (and its QR code)
      if (this.opts.presenter) { if (this.current >= 0) this.overview(); return; }
      next = order.length - 1;
    }
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
      // In the app, the map runs sandboxed in its own origin: the frame around it relays the
      // keys pressed on the app page (cufmap/web.py), as messages from our parent only.
      window.addEventListener("message", function (e) {
        if (e.source !== window.parent || !e.data) return;
        if (typeof e.data.cufPage === "string") self.pageUrl = e.data.cufPage;
        if (typeof e.data.cufKey !== "string") return;
        onKey({ key: e.data.cufKey, target: document.body, preventDefault: function () {} });
      });
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
    delay.addEventListener("change", function () { if (self.playing) self.setPlaying(true); });
    [prev, counter, next].forEach(function (n) { strip.appendChild(n); });
    strip.appendChild(ol);
    strip.appendChild(play);
    strip.appendChild(delay);
    if (!this.opts.speaker) {
      var speaker = el("button", { type: "button", "class": "speaker", title: t.speaker_open }, t.speaker);
      speaker.addEventListener("click", function () { self.openSpeaker(); });
      strip.appendChild(speaker);
    }
    document.body.appendChild(strip);
    this.strip = { ol: ol, counter: counter, play: play, delay: delay };
  };

  CufRelay.prototype.openSpeaker = function () {  // the same page, ?vue=orateur, its own window
    var href = this.pageUrl || location.href;  // sandboxed: the frame around us gave the page's
    try { href = window.top.location.href; } catch (err) { /* another origin */ }
    var url = new URL(href);
    url.searchParams.set("vue", "orateur");
    window.open(url.toString(), "cufmap-orateur", "popup,width=1280,height=800");
  };

  CufRelay.prototype.delay = function () {
    return this.strip ? Number(this.strip.delay.value) : (this.opts.autoplay || 10);
  };

  CufRelay.prototype.toggleAutoplay = function () { this.setPlaying(!this.playing); };

  // Autoplay started in either window runs in that one (one timer for both); the other shows
  // it playing and can pause it.
  CufRelay.prototype.setPlaying = function (on, seconds) {
    var self = this;
    if (this.timer) { clearInterval(this.timer); this.timer = null; }
    this.playing = !!on;
    if (seconds && this.strip) this.strip.delay.value = String(seconds);
    if (on && !this.remote) {
      this.timer = setInterval(function () {
        if (self.current >= self.order().length - 1) self.overview(); else self.step(1);
      }, this.delay() * 1000);
    }
    this.send({ kind: "play", on: this.playing, seconds: this.delay() });
    if (this.strip) {
      this.strip.play.setAttribute("aria-pressed", this.playing ? "true" : "false");
      this.strip.play.textContent = this.playing ? this.t.pause : this.t.play;
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
    if (this.follow) this.follow.hidden = current >= 0;
    this.fillSpeaker();
  };

  window.CufRelay = CufRelay;
})();
