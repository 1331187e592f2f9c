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

  M.Timeline = {
    buildTimeline: function () {
      var t = this.t, el = M.el;
      var box = document.querySelector(".cuf-timeline");
      this.pending = [];
      if (!box) return;
      var header = el("div", { "class": "cuf-timeline-head" });
      header.appendChild(el("h2", { id: "cuf-timeline-title" }, t.timeline));
      // How many stages the selection keeps (the app's filters, or the page's address).
      var count = el("p", { "class": "cuf-count", "aria-live": "polite" });
      if (this.stages.length < this.total) count.textContent = CufData.count(this.stages.length, this.total, t);
      else count.hidden = true;
      header.appendChild(count);
      box.appendChild(header);
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
    },

    timelineItem: function (s) {
      var self = this, t = this.t, el = M.el;
      var li = el("li", { "class": "status-" + s.status_class });
      var b = el("button", { type: "button", "data-stage": s.id, "aria-current": "false" });
      b.appendChild(el("span", { "class": "num", "aria-hidden": "true" }, String(s.index + 1)));
      b.appendChild(el("span", { "class": "when" }, s.when + (s.status ? " · " + s.status : "")));
      b.appendChild(el("span", { "class": "host" }, s.host));
      b.appendChild(el("span", { "class": "title" }, s.title));
      if (s.partners.length) b.appendChild(el("span", { "class": "partners" }, partnersText(t, s)));
      b.addEventListener("click", function () { self.select(s.id); });
      li.appendChild(b);
      this.items[s.id] = b;
      return li;
    },

    // Appends up to `count` pending entries (all of them without a count); true when done.
    fillTimeline: function (count) {
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
    },

    finishTimeline: function () {  // the rest, a chunk per task
      var self = this;
      if (this.fillTimeline(TIMELINE_CHUNK)) return;
      setTimeout(function () { self.finishTimeline(); }, 0);
    },

    markTimeline: function (id) {  // the selected entry, in view (null: none)
      var items = this.items;
      Object.keys(items).forEach(function (k) { items[k].setAttribute("aria-current", k === id ? "true" : "false"); });
      if (id && items[id]) items[id].scrollIntoView({ block: "nearest" });
    }
  };
})();
