/* cufmap — the selected stage's card, and the legend. Every text from the data goes in with
 * textContent (M.el), never as HTML; a link is shown only when it is http(s).
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  M.Card = {
    buildCard: function () {
      var self = this;
      var card = M.el("section", { "class": "cuf-card", "aria-live": "polite", hidden: "" });
      card.setAttribute("aria-label", this.t.card);
      this.map.getContainer().appendChild(card);
      L.DomEvent.disableClickPropagation(card);
      L.DomEvent.disableScrollPropagation(card);
      this.card = card;
      var box = this.map.getContainer();  // « cuf-card-open »: what the card may cover steps aside
      this.closeCard = function () { card.hidden = true; box.classList.remove("cuf-card-open"); };
      card.addEventListener("keydown", function (e) { if (e.key === "Escape") self.closeCard(); });
    },

    fillCard: function (s) {
      var card = this.card, t = this.t, el = M.el;
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
      var href = M.safeHref(s.link);
      if (href) {
        var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, t.more);
        card.appendChild(el("p")).appendChild(a);
      }
      card.hidden = false;
      this.map.getContainer().classList.add("cuf-card-open");
    },

    buildLegend: function () {
      var t = this.t, el = M.el;
      var legend = L.control({ position: "bottomright" });
      legend.onAdd = function () {
        var div = el("div", { "class": "cuf-legend" });
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
      legend.addTo(this.map);
    }
  };
})();
