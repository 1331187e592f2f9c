/* cufmap — the timeline: the text version of the map (a list of buttons, keyboard and
 * screen-reader friendly), with the selection's count in its header. Its first entries are
 * built with the map; past TIMELINE_FIRST, the rest follow in small tasks once the map is
 * drawn (an Atlas-sized list would otherwise delay the first paint). The lists say aria-busy
 * until then, and selecting a stage completes them at once.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};
  var TIMELINE_FIRST = 40, TIMELINE_CHUNK = 500;

  function partnersText(t, s) {
    return t.with + " " + s.partners.map(function (p) { return p.name + " (" + p.country + ")"; }).join(", ");
  }
  M.partnersText = partnersText;

  // In: the timeline's box (none: nothing to build), the stages shown (timeline order, each
  // with its index), how many the relay has, the interface texts. Out: complete(), finish(),
  // mark(id), focus(); fires « select » {id} when an entry is chosen. Each entry says its
  // number, date, status, host, title and partners, in that order.
  M.Timeline = L.Evented.extend({
    initialize: function (box, stages, total, texts) {
      var el = M.el, t = this.texts = texts;
      this.items = {};
      this.pending = [];
      this.lists = [];
      if (!box) return;
      var header = el("div", { "class": "cuf-timeline-head" });
      header.appendChild(el("h2", { id: "cuf-timeline-title" }, t.timeline));
      // How many stages the selection keeps (the app's filters, or the page's address).
      var count = el("p", { "class": "cuf-count", "aria-live": "polite" });
      if (stages.length < total) count.textContent = CufData.count(stages.length, total, t);
      else count.hidden = true;
      header.appendChild(count);
      box.appendChild(header);
      var dated = stages.filter(function (s) { return s.dated; });
      var undated = stages.filter(function (s) { return !s.dated; });
      var pending = this.pending, lists = this.lists;
      function list(part) {
        var ol = el("ol", { "aria-labelledby": "cuf-timeline-title" });
        lists.push(ol);
        part.forEach(function (s) { pending.push([ol, s]); });
        return ol;
      }
      if (!stages.length) box.appendChild(el("p", { "class": "cuf-empty" }, t.empty));
      if (dated.length) box.appendChild(list(dated));
      if (undated.length) {
        box.appendChild(el("h3", null, t.undated));
        box.appendChild(list(undated));
      }
      this.fill(TIMELINE_FIRST);
    },

    item: function (s) {
      var self = this, t = this.texts, el = M.el;
      var li = el("li", { "class": "status-" + s.status_class });
      var b = el("button", { type: "button", "data-stage": s.id, "aria-current": "false" });
      b.appendChild(el("span", { "class": "num" }, String(s.index + 1)));
      b.appendChild(el("span", { "class": "cuf-sr" }, ". "));  // read « 1. », shown « 1 »
      function part(cls, text) {  // read as a sentence each (« … en cours. Cités Unies France. »)
        b.appendChild(el("span", { "class": cls }, text));
        b.appendChild(el("span", { "class": "cuf-sr" }, ". "));
      }
      part("when", s.when + (s.status ? " · " + s.status : ""));
      part("host", s.host);
      part("title", s.title);
      if (s.partners.length) part("partners", partnersText(t, s));
      b.addEventListener("click", function () { self.fire("select", { id: s.id }); });
      li.appendChild(b);
      this.items[s.id] = b;
      return li;
    },

    // Appends up to `count` pending entries (all of them without a count); true when done.
    fill: function (count) {
      var pending = this.pending, end = count === undefined ? pending.length : Math.min(count, pending.length);
      var frag = null, target = null;
      for (var i = 0; i < end; i++) {
        if (pending[i][0] !== target) {
          if (frag) target.appendChild(frag);
          target = pending[i][0]; frag = document.createDocumentFragment();
        }
        frag.appendChild(this.item(pending[i][1]));
      }
      if (frag) target.appendChild(frag);
      pending.splice(0, end);
      var done = !pending.length;
      this.lists.forEach(function (ol) {
        if (done) ol.removeAttribute("aria-busy"); else ol.setAttribute("aria-busy", "true");
      });
      if (done) document.documentElement.setAttribute("data-cuf-timeline", "1");
      return done;
    },

    complete: function () {  // every entry at once (a stage is being selected)
      if (this.pending.length) this.fill();
    },

    finish: function () {  // the rest, a chunk per task, once the map is on screen
      var self = this;
      if (this.fill(TIMELINE_CHUNK)) return;
      setTimeout(function () { self.finish(); }, 0);
    },

    focus: function () {  // the current entry, else the first (the skip link)
      this.complete();
      var current = null, items = this.items;
      Object.keys(items).forEach(function (k) {
        if (items[k].getAttribute("aria-current") === "true") current = items[k];
      });
      var first = document.querySelector(".cuf-timeline ol button");
      if (current || first) (current || first).focus();
    },

    mark: function (id) {  // the selected entry, in view (null: none)
      var items = this.items;
      Object.keys(items).forEach(function (k) { items[k].setAttribute("aria-current", k === id ? "true" : "false"); });
      if (id && items[id]) items[id].scrollIntoView({ block: "nearest" });
    }
  });
})();
