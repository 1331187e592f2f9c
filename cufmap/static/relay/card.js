/* cufmap — the selected stage's card, and the legend. Every text from the data goes in with
 * textContent (M.el), never as HTML; a link is shown only when it is http(s).
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  // In: the map's container (the card sits in it, bottom-left; a bottom sheet on a phone), the
  // interface texts, where the photos are (their `src` is relative to it). Out: show(stage),
  // hide(), close(), isOpen(), edges(), place(); `el`, the card; fires « close » {inside: the
  // focus was in the card} when its button or Escape closes it, « partner » {stage, index}
  // when a named point of the route naming a partner is chosen. A region named by its title,
  // read out when it changes (aria-live).
  M.Card = L.Evented.extend({
    initialize: function (box, texts, mediaUrl) {
      this.mediaUrl = mediaUrl || "";
      var self = this;
      var card = M.el("section", { "class": "cuf-card", "aria-live": "polite", hidden: "",
                                   role: "region", "aria-labelledby": "cuf-card-title" });
      box.appendChild(card);
      L.DomEvent.disableClickPropagation(card);
      L.DomEvent.disableScrollPropagation(card);
      this.el = card;
      this.box = box;
      this.texts = texts;
      this.close = this.close.bind(this);
      card.addEventListener("keydown", function (e) { if (e.key === "Escape") self.close(); });
    },

    show: function (s) {
      var card = this.el, t = this.texts, el = M.el;
      card.textContent = "";
      var close = el("button", { type: "button", "class": "close", "aria-label": t.close }, "×");
      close.addEventListener("click", this.close);
      card.appendChild(close);
      card.appendChild(el("div", { "class": "when" }, s.when));
      card.appendChild(el("h2", { id: "cuf-card-title" }, s.title || t.card));
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
      this.march(s);
      var href = M.safeHref(s.link);
      if (href) {
        var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, t.more);
        card.appendChild(el("p")).appendChild(a);
      }
      card.hidden = false;
      this.box.classList.add("cuf-card-open");  // what the card may cover steps aside
      this.place();
    },

    place: function () {  // above the credits, which wrap over lines on a narrow map
      var card = this.el, credits = this.box.querySelector(".leaflet-control-attribution");
      card.style.bottom = "";
      if (card.hidden || !credits) return;
      var bottom = parseFloat(getComputedStyle(card).bottom) || 0;
      var need = this.box.getBoundingClientRect().bottom - credits.getBoundingClientRect().top + 4;
      if (need > bottom) card.style.bottom = need + "px";
    },

    // The route's length and named points; the photos, whose <img> are made only now that the
    // card opens (a page never loads a photo before).
    march: function (s) {
      var self = this, card = this.el, t = this.texts, el = M.el;
      if (s.route) {
        card.appendChild(el("p", { "class": "route" }, t.route + " · " + s.route_length));
        var named = (s.route.points || []);
        if (named.length) {
          var ul = el("ul", { "class": "route-points" });
          named.forEach(function (p) {
            var li = ul.appendChild(el("li"));
            if (p.partner === undefined) { li.textContent = p.name; return; }
            var b = li.appendChild(el("button", { type: "button", "class": "partner-link" }, p.name));
            b.addEventListener("click", function () { self.fire("partner", { stage: s.id, index: p.partner }); });
          });
          card.appendChild(ul);
        }
      }
      if (s.photos && s.photos.length) {
        var box = el("div", { "class": "photos", role: "group", "aria-label": t.photos });
        s.photos.forEach(function (p) {
          var figure = el("figure");
          var img = el("img", { alt: p.alt, decoding: "async" });
          if (p.width) { img.width = p.width; img.height = p.height; }
          img.src = self.mediaUrl + p.src;
          figure.appendChild(img);
          if (p.credit) figure.appendChild(el("figcaption", null, t.credit + p.credit));
          box.appendChild(figure);
        });
        card.appendChild(box);
      }
    },

    hide: function () {  // the overview: what the card covered comes back
      this.el.hidden = true;
      this.box.classList.remove("cuf-card-open");
    },

    close: function () {  // its button, Escape
      var inside = this.el.contains(document.activeElement);
      this.el.hidden = true;
      this.box.classList.remove("cuf-card-open");
      this.fire("close", { inside: inside });
    },

    isOpen: function () { return !this.el.hidden; },

    edges: function () {  // where the card ends, in the map's container (pixels)
      var card = this.el;
      return { right: card.offsetLeft + card.offsetWidth, top: card.offsetTop };
    }
  });

  M.legend = function (map, texts) {
    var t = texts, el = M.el;
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      // Folded on a small map (a phone: it would cover the markers), open elsewhere; either
      // way one tap on « Légende » opens or folds it.
      var div = el("details", { "class": "cuf-legend" });
      div.appendChild(el("summary", null, t.legend));
      var narrow = map.getSize().x <= 520;
      div.open = !narrow;
      map.on("resize", function (e) {  // a turned phone, a zoomed page (before the refit)
        if ((e.newSize.x <= 520) !== narrow) { narrow = !narrow; div.open = !narrow; }
      });
      L.DomEvent.disableClickPropagation(div);
      [["passee", t.past], ["en-cours", t.ongoing], ["a-venir", t.upcoming]].forEach(function (r) {
        var row = el("div");
        row.appendChild(el("span", { "class": "dot status-" + r[0] }));
        row.appendChild(document.createTextNode(r[1]));
        div.appendChild(row);
      });
      var p = el("div");
      p.appendChild(el("span", { "class": "line" }));
      p.appendChild(document.createTextNode(t.partnership));
      div.appendChild(p);
      return div;
    };
    return legend.addTo(map);
  };
})();
