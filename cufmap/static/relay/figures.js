/* cufmap — the relay in figures: stages, stages held, hosts, partner towns, countries and km
 * walked, counted and worded by Python (cufmap/publish/payload.py, `figures`), the stages held
 * counted again at the page's date (CufData.figuresAt). Above the timeline on the public map;
 * on the presenter's closing view.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  // In: where it goes (the timeline's box: after its header; or the map's container: a panel),
  // the items ([figure, label] pairs, in the page's language), the title. Out: show(on).
  M.Figures = L.Evented.extend({
    initialize: function (box, items, title, panel) {
      var el = M.el;
      this.el = el("section", { "class": "cuf-figures" + (panel ? " cuf-figures-panel" : ""),
                                "aria-label": title });
      if (panel) this.el.appendChild(el("h2", null, title));
      // A list by its roles (no <li>: the timeline's entries are its only list items).
      var list = el("div", { "class": "items", role: "list" });
      (items || []).forEach(function (item) {
        var entry = el("span", { role: "listitem" });
        entry.appendChild(el("strong", null, item[0]));
        entry.appendChild(document.createTextNode("\u00a0" + item[1]));
        list.appendChild(entry);
      });
      this.el.appendChild(list);
      if (!box) return;
      if (panel) {
        this.el.hidden = true;
        L.DomEvent.disableClickPropagation(this.el);
        box.appendChild(this.el);
      } else {
        var head = box.querySelector(".cuf-timeline-head");
        box.insertBefore(this.el, head ? head.nextSibling : box.firstChild);
      }
    },

    show: function (on) { this.el.hidden = !on; }
  });
})();
