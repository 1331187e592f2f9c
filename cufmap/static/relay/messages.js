/* cufmap — every message between the presenter's map and other windows, in one place.
 *
 * In the app, the map runs sandboxed in an opaque origin: the small frame around it
 * (cufmap/app/web.py, same origin as the app) relays the keys pressed on the app page
 * ({cufKey}), hands the signed-in speaker's session its notes ({cufNotes}), and carries the
 * two windows' sync messages both ways ({cufChannel}) over a BroadcastChannel the map cannot
 * open itself. Served or exported, the map opens that BroadcastChannel itself (same-origin
 * windows, no server round trip).
 * Trust: a message counts only from the window that drives the map (its parent, of the app's
 * origin: the one this document was served from), and only in the shapes CufData accepts,
 * rebuilt field by field; nothing received becomes a URL, HTML or code. What the map posts
 * goes to the app's origin only.
 * Out: send(message) to the other window, canSync(); fires « key » {key}, « notes » {notes},
 * « sync » {message}.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};
  var CHANNEL = "cufmap-presentation";

  // The app's origin: the one this document was served from (its own address; for a document
  // written inline, the app page's, its base). A page of another origin that frames the
  // document can neither send it keys or stages nor read what it posts.
  var APP_ORIGIN = (function () {
    try { return new URL(document.baseURI).origin; } catch { return ""; }
  })();
  M.APP_ORIGIN = APP_ORIGIN;

  function fromDriver(e) {
    return e.source === window.parent && window.parent !== window && !!APP_ORIGIN &&
      APP_ORIGIN !== "null" && e.origin === APP_ORIGIN;
  }

  M.Messages = L.Evented.extend({
    initialize: function () {
      var self = this;
      this.framed = window.origin === "null" && window.parent !== window;
      this.channel = null;
      window.addEventListener("message", function (e) { self.fromFrame(e); });
      if (!this.framed && typeof BroadcastChannel !== "undefined") {
        this.channel = new BroadcastChannel(CHANNEL);
        this.channel.onmessage = function (e) { self.sync(e.data); };
      }
    },

    // A message posted to the map: only the driving frame's counts, in an expected shape.
    fromFrame: function (e) {
      if (!fromDriver(e) || !e.data || typeof e.data !== "object") return;
      var data = e.data, key = CufData.presenterKey(data);
      if (key) this.fire("key", { key: key });
      if ("cufNotes" in data) this.fire("notes", { data: data });  // checked by the receiver
      if (this.framed && "cufChannel" in data) this.sync(data.cufChannel);
    },

    sync: function (message) {  // between the two windows: only the sync shapes
      var clean = CufData.presenterMessage(message);
      if (clean) this.fire("sync", { message: clean });
    },

    canSync: function () { return this.framed || !!this.channel; },

    send: function (message) {
      if (this.framed) window.parent.postMessage({ cufChannel: message }, APP_ORIGIN);
      else if (this.channel) this.channel.postMessage(message);
    }
  });
})();
