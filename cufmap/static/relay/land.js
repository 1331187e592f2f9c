/* cufmap — land drawn by the page itself: world outlines (1:110m) under the tiles, visible
 * when they fail; finer outlines (1:10m) around France fetched when the map zooms in there
 * with no tiles to show; the overseas insets, the way French maps show them.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};
  var FINE_ZOOM = 5.5;

  function landStyle() {
    var c = M.colours();
    return { color: c.coast, weight: 0.8, fillColor: c.land, fillOpacity: 1 };
  }

  // In: the map (its tile layers are watched from the start: failing tiles call for the finer
  // outlines), the finer outlines or their address (`fine`, `fineUrl`). Out: draw(world,
  // overseas) once the outlines are at hand; `features` (the world, cut at the antimeridian),
  // `coarseLayer` and `fineLayer` once drawn.
  M.Land = L.Evented.extend({
    initialize: function (map, opts) {
      var self = this;
      this.map = map;
      this.fine = opts.fine || null;
      this.fineUrl = opts.fineUrl || "";
      this.hasTiles = false;
      this.tilesFailed = false;
      map.eachLayer(function (layer) {
        if (!(layer instanceof L.TileLayer)) return;
        self.hasTiles = true;
        layer.on("tileerror", function () {
          if (self.tilesFailed) return;
          self.tilesFailed = true;
          if (self.renderer && (self.fine || self.fineUrl)) self.fineOutlines();
        });
      });
    },

    // `world`: Natural Earth countries (TopoJSON); `overseas`: the finer overseas outlines
    // (GeoJSON), or nothing.
    draw: function (world, overseas) {
      if (!world || typeof topojson === "undefined") return;
      this.map.createPane("land");
      this.map.getPane("land").style.zIndex = 150;  // under the tiles: visible when they fail
      var features = this.features = CufData.cutAntimeridian(
        topojson.feature(world, world.objects.countries));
      var renderer = this.renderer = L.canvas({ pane: "land" });
      var style = landStyle();
      // The finer overseas outlines too: Martinique or La Réunion are too small for the world
      // outlines, and selecting CAP Nord would otherwise fly to an empty sea.
      [features, overseas].forEach(function (layer, i) {
        if (!layer) return;
        var drawn = L.geoJSON(layer, { pane: "land", interactive: false, renderer: renderer,
                                       style: style }).addTo(this.map);
        if (i === 0) this.coarseLayer = drawn;
      }, this);
      if (this.fine || this.fineUrl) {
        this.map.on("zoomend moveend", this.fineOutlines, this);
        this.fineOutlines();
      }
    },

    // Fetched the first time the map zooms in near France and drawn over the world outlines
    // on the same canvas: inside their box a sea-coloured rectangle hides the coarse coast.
    fineOutlines: function () {
      var self = this, map = this.map;
      // needed when there is no tile to show the coast: tiles off, or failing (no network)
      var wanted = map.getZoom() >= FINE_ZOOM && (!this.hasTiles || this.tilesFailed);
      if (wanted && !this.fineLayer) {
        if (this.fine) { this.addFine(this.fine); return; }
        if (this.fineLoading) return;
        this.fineLoading = fetch(this.fineUrl).then(function (r) { return r.json(); })
          .then(function (topo) { self.fine = topo; self.fineOutlines(); })
          .catch(function () { /* the world outlines stay */ });
        return;
      }
      if (this.fineLayer) {  // the sea first, then the land over it (canvas order = add order)
        var shown = map.hasLayer(this.fineLayer[0]);
        if (wanted && !shown) this.fineLayer.forEach(function (l) { l.addTo(map); });
        if (!wanted && shown) this.fineLayer.forEach(function (l) { map.removeLayer(l); });
      }
    },

    addFine: function (topo) {
      var box = topo.bbox, renderer = this.renderer;
      var sea = L.rectangle([[box[1], box[0]], [box[3], box[2]]], {
        pane: "land", renderer: renderer, interactive: false, stroke: false,
        fillColor: M.colours().sea, fillOpacity: 1 });
      var land = L.geoJSON(topojson.feature(topo, topo.objects.land), {
        pane: "land", interactive: false, renderer: renderer, style: landStyle() });
      this.fineLayer = [sea, land];
      document.documentElement.setAttribute("data-cuf-fine", "1");
      this.fineOutlines();
    }
  });

  // The overseas insets. In: the map (they sit in its corner), the groups of the payload whose
  // stages are shown ({label, bounds, stages: [id]}), the stages by id, the outlines to draw.
  // Fires « select » {id} when a stage's dot is clicked; `maps`: the small maps.
  M.Insets = L.Evented.extend({
    initialize: function (map, groups, stages, outlines) {
      var self = this, el = M.el, c = M.colours();
      this.maps = [];
      var box = el("div", { "class": "cuf-insets", "aria-hidden": "true" });
      map.getContainer().appendChild(box);
      L.DomEvent.disableClickPropagation(box);
      groups.forEach(function (g) {
        var div = el("div", { "class": "cuf-inset" });
        box.appendChild(div);
        var mini = L.map(div, { attributionControl: false, zoomControl: false, dragging: false,
          scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false,
          touchZoom: false, zoomSnap: 0.25, preferCanvas: true });
        mini.fitBounds(g.bounds);
        self.maps.push(mini);
        if (outlines) {
          L.geoJSON(outlines, { interactive: false, renderer: L.canvas(), style: landStyle() })
            .addTo(mini);
        }
        g.stages.forEach(function (id) {
          var s = stages[id];
          if (!s) return;
          L.circleMarker([s.lat, s.lon], { radius: 7, color: c.halo, weight: 2,
            fillColor: c.upcoming, fillOpacity: 1 })
            .on("click", function () { self.fire("select", { id: id }); }).addTo(mini);
        });
        div.appendChild(el("div", { "class": "label" }, g.label));
      });
    }
  });
})();
