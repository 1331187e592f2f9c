/* cufmap — the route walked at the chosen stage: its line and its named points (the squares
 * of Chartres named after its twin towns). Drawn at once on the public map; in the presenter,
 * drawn progressively along the walk (requestAnimationFrame), at once under
 * prefers-reduced-motion. Names go in as text nodes, never as HTML.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};
  var DURATION = 2500;  // ms for a whole route in the presenter

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  // In: the map, where the route files are (a route's `src` is relative to it); show() takes
  // the stage (its `route`: length, named points, and its lines of [lon, lat], or the address
  // of the file holding them, fetched when the stage is chosen: the page's first load carries
  // none). Out:
  // show(stage, animate), clear(), bounds() (the route's, or null); fires « progress »
  // {points, total} on each frame drawn, « drawn » {points} at the end, « partner » {stage,
  // index} when a named point naming a partner is chosen.
  M.Route = L.Evented.extend({
    initialize: function (map, mediaUrl) {
      this.map = map;
      this.mediaUrl = mediaUrl || "";
      this.layer = L.layerGroup().addTo(map);
      this.frame = null;
    },

    clear: function () {
      if (this.frame) cancelAnimationFrame(this.frame);
      this.frame = null;
      this.layer.clearLayers();
      this.line = null;
      this.stage = null;
    },

    bounds: function () { return this.line ? this.line.getBounds() : null; },

    show: function (s, animate) {
      var self = this;
      this.clear();
      var route = s && s.route;
      if (!route) return;
      this.stage = s;
      if (!route.lines && route.src) {  // fetched once, then kept with the stage
        fetch(this.mediaUrl + route.src).then(function (r) { return r.json(); }).then(function (lines) {
          route.lines = Array.isArray(lines) ? lines : [];
          if (self.stage === s) { self.show(s, animate); self.fire("loaded", { id: s.id }); }
        }).catch(function () { /* no line: the card still says its length */ });
        return;
      }
      if (!route.lines || !route.lines.length) return;
      var colours = M.colours();
      var lines = route.lines.map(function (line) {
        return line.map(function (c) { return [c[1], c[0]]; });
      });
      var total = lines.reduce(function (n, l) { return n + l.length; }, 0);
      var full = L.polyline(lines, { interactive: false, opacity: 0 });
      this.line = full;
      var drawn = L.polyline([], { color: colours.focus || "#d1495b", weight: 5, opacity: 0.9,
                                   interactive: false, className: "cuf-route" });
      this.layer.addLayer(drawn);
      (route.points || []).forEach(function (p) {
        var marker = L.circleMarker([p.position[1], p.position[0]], {
          radius: 6, color: "#fff", weight: 2, fillColor: colours.partner || "#5a2d82",
          fillOpacity: 1 });
        var label = document.createElement("span");
        label.textContent = p.name;  // text, never HTML
        marker.bindTooltip(label, { permanent: true, direction: "top", className: "cuf-route-name" });
        if (p.partner !== undefined) {
          marker.on("click", function () { self.fire("partner", { stage: s.id, index: p.partner }); });
        }
        self.layer.addLayer(marker);
      });
      function upTo(n) {  // the first n points of the walk, line after line
        var out = [], left = n;
        for (var i = 0; i < lines.length && left > 0; i++) {
          out.push(lines[i].slice(0, left));
          left -= lines[i].length;
        }
        return out;
      }
      if (!animate || reducedMotion()) {
        drawn.setLatLngs(lines);
        this.fire("drawn", { points: total });
        return;
      }
      var start = null;
      function step(time) {
        if (start === null) start = time;
        var n = Math.max(2, Math.min(total, Math.ceil(total * (time - start) / DURATION)));
        drawn.setLatLngs(upTo(n));
        self.fire("progress", { points: n, total: total });
        if (n < total) self.frame = requestAnimationFrame(step);
        else { self.frame = null; self.fire("drawn", { points: total }); }
      }
      this.frame = requestAnimationFrame(step);
    }
  });

  M.Route.reducedMotion = reducedMotion;
})();
