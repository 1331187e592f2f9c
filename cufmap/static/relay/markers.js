/* cufmap — stages, partners and links on the map, behind one renderer chosen once:
 * focusable SVG-like markers (Leaflet divIcons) for a relay, canvas dots past LARGE stages
 * (the Atlas of partnerships), where the timeline list stays the keyboard and screen-reader
 * twin of the dots.
 * In: the map, the stages shown (timeline order, each with its index and label), presenter
 * size or not. Out: drawStages(), drawLinks(arcPoints), drawPartners(), select(id), clear(),
 * spread(); fires « select » {id} when a stage, or one of its partners, is clicked.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};
  var LARGE = 400;

  function partnerName(p) { return p.name + " (" + p.country + ")"; }

  // --- A relay: one focusable marker per stage, one polyline per link.
  function byId(stages) {
    var out = {};
    stages.forEach(function (s) { out[s.id] = s; });
    return out;
  }

  var Markers = L.Evented.extend({
    initialize: function (map, stages, presenter) {
      this.map = map;
      this.stages = stages;
      this.byId = byId(stages);
      this.size = presenter ? 36 : 28;
      this.markers = {};
      this.arcs = {};
      this.canvas = L.canvas({ padding: 0.5 });
    }
  });

  Markers.prototype.drawStages = function () {
    var self = this, size = this.size, markers = this.markers, map = this.map;
    this.stages.forEach(function (s) {
      if (s.lat === null || s.lat === undefined) return;
      var face = M.el("div", { "class": "cuf-marker status-" + s.status_class,
                               style: "width:" + size + "px;height:" + size + "px" },
                      String(s.index + 1));
      var icon = L.divIcon({ className: "", iconSize: [size, size], iconAnchor: [size / 2, size / 2],
                             html: face });
      var m = L.marker([s.lat, s.lon], { icon: icon, keyboard: true, title: s.label,
                                         alt: s.label, riseOnHover: true });
      m.on("click", function () { self.fire("select", { id: s.id }); });
      m.addTo(map);
      var node = m.getElement();
      if (node) {
        node.setAttribute("aria-label", s.label + (s.status ? ", " + s.status : ""));
        node.setAttribute("data-stage", s.id);
        node.classList.add("cuf-stage");
        node.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " " || e.key === "Spacebar") {
            e.preventDefault(); e.stopPropagation(); self.fire("select", { id: s.id });
          }
        });
      }
      markers[s.id] = m;
    });
  };

  Markers.prototype.drawLinks = function (arcPoints) {
    var self = this, c = M.colours();
    Object.keys(arcPoints).forEach(function (id) {
      self.arcs[id] = arcPoints[id].map(function (pts) {
        return L.polyline(pts, { renderer: self.canvas, color: c.link, weight: 1.5,
                                 opacity: 0.45, interactive: false }).addTo(self.map);
      });
    });
  };

  Markers.prototype.drawPartners = function () {
    var self = this, c = M.colours();
    this.stages.forEach(function (s) {
      s.partners.forEach(function (p) {
        if (p.lat === null || p.lat === undefined) return;
        var lon = s.lon === null || s.lon === undefined ? p.lon : CufData.nearLon(p.lon, s.lon);
        var m = L.circleMarker([p.lat, lon], {
          renderer: self.canvas, radius: 5, color: c.partner, weight: 2, fillColor: c.halo,
          fillOpacity: 1 });
        m.bindTooltip(M.el("span", null, partnerName(p)));  // text, never HTML
        m.on("click", function () { self.fire("select", { id: s.id }); });
        m.addTo(self.map);
      });
    });
  };

  Markers.prototype.select = function (id) {
    var markers = this.markers, arcs = this.arcs;
    Object.keys(markers).forEach(function (k) {
      var n = markers[k].getElement();
      if (n && n.firstChild) n.firstChild.classList.toggle("selected", k === id);
      markers[k].setZIndexOffset(k === id ? 10000 : 0);  // on top of its neighbours
    });
    Object.keys(arcs).forEach(function (k) {
      arcs[k].forEach(function (a) {
        a.setStyle(k === id ? { opacity: 0.95, weight: 3 } : { opacity: 0.12, weight: 1 });
        if (k === id) a.bringToFront();
      });
    });
  };

  Markers.prototype.clear = function () {
    var markers = this.markers, arcs = this.arcs;
    Object.keys(arcs).forEach(function (id) {
      arcs[id].forEach(function (a) { a.setStyle({ opacity: 0.45, weight: 1.5 }); });
    });
    Object.keys(markers).forEach(function (id) {
      var n = markers[id].getElement && markers[id].getElement();
      if (n && n.firstChild) n.firstChild.classList.remove("selected");
    });
  };

  // No marker hides another: after each zoom, markers closer than their size are pushed apart
  // on screen (co-located ones fan out round their place), never moving their true position.
  Markers.prototype.spread = function () {
    var map = this.map, markers = this.markers, stages = this.byId;
    if (!map._loaded) return;
    var size = this.size, min = size + 2;
    var items = Object.keys(markers).map(function (id) {
      var p = map.latLngToLayerPoint(markers[id].getLatLng());
      return { id: id, x: p.x, y: p.y, x0: p.x, y0: p.y, i: stages[id].index };
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
      var node = markers[it.id].getElement();
      if (!node) return;
      node.style.marginLeft = (it.x - it.x0 - size / 2) + "px";
      node.style.marginTop = (it.y - it.y0 - size / 2) + "px";
    });
  };

  // --- An Atlas: every stage, partner and link on canvases, in one pass each.
  var Dots = L.Evented.extend({
    initialize: function (map, stages) {
      this.map = map;
      this.stages = stages;
      this.byId = byId(stages);
      this.size = 8;
    }
  });

  Dots.prototype.drawStages = function () {
    var self = this, c = M.colours(), dots = [];
    this.stages.forEach(function (s) {
      if (s.lat === null || s.lat === undefined) return;
      dots.push({ lat: s.lat, lon: s.lon, radius: 4, weight: 1, stroke: c.halo,
                  fill: c.status[s.status_class], title: s.label, stage: s.id });
    });
    this.stageDots = new M.Dots(dots, function (p) { self.fire("select", { id: p.stage }); })
      .addTo(this.map);
  };

  Dots.prototype.drawLinks = function (arcPoints) {
    var all = [], c = M.colours();
    Object.keys(arcPoints).forEach(function (id) { all.push.apply(all, arcPoints[id]); });
    this.arcPoints = arcPoints;
    this.lines = new M.Lines(all, { color: c.link, weight: 0.6, opacity: 0.35 }).addTo(this.map);
  };

  Dots.prototype.drawPartners = function () {
    var self = this, c = M.colours(), points = [];
    this.stages.forEach(function (s) {
      s.partners.forEach(function (p) {
        if (p.lat === null || p.lat === undefined) return;
        points.push({ lat: p.lat, lon: p.lon, radius: 3, weight: 1.5, stroke: c.partner,
                      fill: c.halo, title: partnerName(p), stage: s.id });
      });
    });
    this.partnerDots = new M.Dots(points, function (p) { self.fire("select", { id: p.stage }); })
      .addTo(this.map);
    // Under the stage dots: a second overlay added after would cover them.
    if (this.stageDots) { this.stageDots.remove(); this.stageDots.addTo(this.map); }
  };

  Dots.prototype.select = function (id) {
    var s = this.byId[id], c = M.colours();
    if (this.selected) this.selected.remove();
    this.selected = !s || s.lat === null ? null : L.circleMarker([s.lat, s.lon], {
      radius: 9, color: c.focus, weight: 3, fillColor: c.upcoming, fillOpacity: 1,
      interactive: false }).addTo(this.map);
    if (this.lines) this.lines.select((this.arcPoints && this.arcPoints[id]) || []);
  };

  Dots.prototype.clear = function () {
    if (this.lines) this.lines.select([]);
    if (this.selected) { this.selected.remove(); this.selected = null; }
  };

  Dots.prototype.spread = function () {};  // dots are small: nothing to push apart

  M.renderer = function (map, stages, presenter) {  // chosen once, by the number of stages shown
    return stages.length > LARGE ? new Dots(map, stages) : new Markers(map, stages, presenter);
  };
  M.Markers = Markers;
  M.DotsRenderer = Dots;
})();
