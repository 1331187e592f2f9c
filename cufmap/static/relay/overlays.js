/* cufmap — canvas overlays for Atlas-sized maps: thousands of dots and links drawn in one
 * pass (level of detail), following the map while dragging and redrawn when a move ends.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

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

  // Dots on one canvas: clicks and hovers find the nearest dot (within 8 px).
  M.Dots = CanvasOverlay.extend({
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
      var best = null, bestD = 64;
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
      // a text node: a name from the data is never read as HTML
      if (p) this._tip.setLatLng([p.lat, p.lon]).setContent(M.el("span", null, p.title)).addTo(map);
      else this._tip.remove();
    }
  });

  // Every link on one canvas, projected once per zoom level and drawn in one pass.
  M.Lines = CanvasOverlay.extend({
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
})();
