/* cufmap — the keyboard and the presenter's clicker (which sends keys: arrows, page up/down,
 * space). On the public map, the arrows step only from a focused marker; in the presenter,
 * everywhere (but typing in a field), and Home, Space and P too.
 * In: presenter or not. Out: press(key), for keys relayed from the page around a sandboxed map;
 * fires « next », « previous », « home », « escape », « autoplay ».
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  M.Keys = L.Evented.extend({
    initialize: function (presenter) {
      var self = this;
      this.presenter = !!presenter;
      this.onKey = function (e) { self.handle(e); };
      document.addEventListener("keydown", this.onKey);
      if (!this.presenter) return;
      // A clicker sends its keys to the page that has the focus: listen there too.
      try {
        if (window.parent && window.parent !== window && window.parent.document) {
          window.parent.document.addEventListener("keydown", this.onKey);
        }
      } catch { /* another origin: keys reach us once the map has the focus, or relayed */ }
      window.focus();
    },

    press: function (key) {
      this.handle({ key: key, target: document.body, preventDefault: function () {} });
    },

    handle: function (e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      var tag = (e.target && e.target.tagName) || "";
      if (/INPUT|SELECT|TEXTAREA/.test(tag)) return;
      var presenter = this.presenter;
      var onMarker = e.target && e.target.classList && e.target.classList.contains("cuf-stage");
      var onButton = tag === "BUTTON";
      switch (e.key) {
        case "ArrowRight": case "PageDown":
          if (!presenter && !onMarker) return;
          e.preventDefault(); this.fire("next"); break;
        case " ": case "Spacebar":
          if (!presenter || onButton || onMarker) return;
          e.preventDefault(); this.fire("next"); break;
        case "ArrowLeft": case "PageUp":
          if (!presenter && !onMarker) return;
          e.preventDefault(); this.fire("previous"); break;
        case "Home":
          if (!presenter) return;
          e.preventDefault(); this.fire("home"); break;
        case "Escape":
          this.fire("escape");
          break;
        case "p": case "P":
          if (presenter) { e.preventDefault(); this.fire("autoplay"); }
          break;
      }
    }
  });
})();
