/* cufmap — the fullscreen and share controls of the public map and the exported page.
 * The address of a view is built by pure functions (CufShare, loaded by Node in tests/js/):
 * the page to share (the address the server wrote, the app's own page above the document, or
 * the exported page itself) with the view's parameters and the current stage. The control
 * (M.Share, a Leaflet control in the map's top-right corner) offers it with the phone's share
 * sheet where the browser has one, else copies it to the clipboard, else shows it in a field
 * to copy; « Adresse copiée » is said in a live region. Nothing is fetched, nothing is sent.
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.CufShare = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  function web(url) { return url.protocol === "http:" || url.protocol === "https:"; }

  // Which page a view's address starts from:
  // - `share.url`, the public address the server wrote in the document (http or https);
  // - `share.app`: the app's page (its root, above « /app/static/ » where the document is
  //   served; an inline document's base is the app's page itself);
  // - else the document itself (an exported page: its own address, whatever its scheme).
  // `documentUrl`: the document's own address (document.baseURI). "" when none is usable.
  function shareBase(share, documentUrl) {
    share = share || {};
    var url;
    if (typeof share.url === "string" && share.url) {
      try { url = new URL(share.url); } catch { url = null; }
      if (url && web(url)) return url.href;
    }
    try { url = new URL(documentUrl); } catch { return ""; }
    if (share.app) {
      var at = url.pathname.indexOf("/app/static/");
      if (at >= 0) url.pathname = url.pathname.slice(0, at + 1);
      if (!web(url)) return "";
    }
    url.search = "";
    url.hash = "";
    return url.href;
  }

  // The address of the view: `base` with the view's parameters `search` (the document's own
  // address, or URLSearchParams), the stage shown as ?etape= (none on the overview), and
  // without ?date= when it is `today` (the page's default: a link opened later shows its day).
  function shareAddress(base, search, stage, today) {
    if (!base) return "";
    var url = new URL(base);
    var params = typeof search === "string" ? new URLSearchParams(search) : search;
    var out = new URLSearchParams(url.search);
    if (params) {
      params.forEach(function (value, key) {
        if (key === "etape" || (key === "date" && value === today)) return;
        out.set(key, value);
      });
    }
    if (stage) out.set("etape", stage);
    url.search = out.toString();
    url.hash = "";
    return url.href;
  }

  return { shareBase: shareBase, shareAddress: shareAddress };
});

(function () {
  "use strict";
  if (typeof L === "undefined") return;  // Node loads the functions above only
  var M = window.CufMap = window.CufMap || {};

  function fullscreenElement() {
    return document.fullscreenElement || document.webkitFullscreenElement || null;
  }

  // In: the map, the interface texts, the page to share (`base`), the view's parameters
  // (`search`), the reference date (ISO). Out: setStage(id) (the coordinator's current stage),
  // address(), share(), toggleFullscreen(); fires « shared » ({url, how}: "sheet",
  // "clipboard" or "field") and « fullscreen » ({on}).
  M.Share = L.Evented.extend({
    initialize: function (map, texts, opts) {
      var self = this, t = texts, el = M.el;
      this.t = t;
      this.base = opts.base;
      this.search = opts.search;
      this.today = opts.today;
      this.stage = "";
      var box = this.el = el("div", { "class": "cuf-controls leaflet-bar" });
      var root = document.documentElement;
      var canFullscreen = !!(document.fullscreenEnabled || document.webkitFullscreenEnabled) &&
        !!(root.requestFullscreen || root.webkitRequestFullscreen);
      this.fullscreenButton = el("button", { type: "button", "class": "cuf-fullscreen",
                                             "aria-pressed": "false" }, t.fullscreen);
      this.fullscreenButton.hidden = !canFullscreen;  // iPhone Safari: no Fullscreen API
      this.fullscreenButton.addEventListener("click", function () { self.toggleFullscreen(); });
      box.appendChild(this.fullscreenButton);
      this.shareButton = el("button", { type: "button", "class": "cuf-share" }, t.share);
      this.shareButton.hidden = !this.base;
      this.shareButton.addEventListener("click", function () { self.share(); });
      box.appendChild(this.shareButton);
      this.status = el("p", { "class": "cuf-share-status", role: "status",
                              "aria-live": "polite" });
      box.appendChild(this.status);
      this.field = el("input", { type: "text", readonly: "", "class": "cuf-share-field",
                                 "aria-label": t.share_field });
      this.field.hidden = true;
      box.appendChild(this.field);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var control = L.control({ position: "topright" });
      control.onAdd = function () { return box; };
      control.addTo(map);
      function changed() {
        var on = !!fullscreenElement();
        self.fullscreenButton.setAttribute("aria-pressed", on ? "true" : "false");
        self.fullscreenButton.textContent = on ? t.fullscreen_exit : t.fullscreen;
        map.invalidateSize();
        self.fire("fullscreen", { on: on });
      }
      document.addEventListener("fullscreenchange", changed);
      document.addEventListener("webkitfullscreenchange", changed);
    },

    setStage: function (id) { this.stage = id || ""; },

    address: function () {
      return CufShare.shareAddress(this.base, this.search, this.stage, this.today);
    },

    toggleFullscreen: function () {
      var root = document.documentElement;
      if (fullscreenElement()) {
        (document.exitFullscreen || document.webkitExitFullscreen).call(document);
      } else {
        var request = root.requestFullscreen || root.webkitRequestFullscreen;
        var asked = request.call(root);
        if (asked && asked.catch) asked.catch(function () { /* refused: nothing changes */ });
      }
    },

    // The phone's share sheet where the browser has one; else the clipboard; else the field.
    share: function () {
      var self = this, url = this.address();
      this.say("");
      if (!url) return;
      if (navigator.share) {
        navigator.share({ title: document.title, url: url }).then(function () {
          self.fire("shared", { url: url, how: "sheet" });
        }, function (error) {
          if (error && error.name === "AbortError") return;  // closed by the person
          self.copy(url);  // not allowed here (a frame, a desktop without a sheet)
        });
        return;
      }
      this.copy(url);
    },

    copy: function (url) {
      var self = this;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () {
          self.field.hidden = true;
          self.say(self.t.share_copied);
          self.fire("shared", { url: url, how: "clipboard" });
        }, function () { self.showField(url); });
      } else {
        this.showField(url);
      }
    },

    showField: function (url) {  // no clipboard: the address, selected, to copy by hand
      this.field.value = url;
      this.field.hidden = false;
      this.field.focus();
      this.field.select();
      this.say(this.t.share_manual);
      this.fire("shared", { url: url, how: "field" });
    },

    say: function (text) {  // said, then gone after a while (the map under it)
      var status = this.status;
      status.textContent = text;
      clearTimeout(this.quiet);
      if (text && this.field.hidden) {
        this.quiet = setTimeout(function () { status.textContent = ""; }, 8000);
      }
    }
  });
})();
