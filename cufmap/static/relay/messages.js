/* cufmap — every message between the presenter's map and other windows, in one place.
 *
 * In the app, the map runs sandboxed in an opaque origin: the small frame around it
 * (cufmap/web.py, same origin as the app) relays the keys pressed on the app page
 * ({cufKey}), tells the map the page's address ({cufPage}), and carries the two windows'
 * sync messages both ways ({cufChannel}) over a BroadcastChannel the map cannot open itself.
 * Served or exported, the map opens that BroadcastChannel itself (same-origin windows, no
 * server round trip).
 * Out: send(message) to the other window, canSync(); fires « key » {key}, « page » {url},
 * « sync » {message}.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};
  var CHANNEL = "cufmap-presentation";

  M.Messages = L.Evented.extend({
    initialize: function () {
      var self = this;
      this.framed = window.origin === "null" && window.parent !== window;
      this.channel = null;
      window.addEventListener("message", function (e) { self.fromFrame(e); });
      if (!this.framed && typeof BroadcastChannel !== "undefined") {
        this.channel = new BroadcastChannel(CHANNEL);
        this.channel.onmessage = function (e) { self.fire("sync", { message: e.data || {} }); };
      }
    },

    // A message posted to the map: only its parent's counts (the frame around it).
    fromFrame: function (e) {
      if (e.source !== window.parent || !e.data) return;
      var data = e.data;
      if (typeof data.cufPage === "string") this.fire("page", { url: data.cufPage });
      if (typeof data.cufKey === "string") this.fire("key", { key: data.cufKey });
      if (this.framed && data.cufChannel) this.fire("sync", { message: data.cufChannel });
    },

    canSync: function () { return this.framed || !!this.channel; },

    send: function (message) {
      if (this.framed) window.parent.postMessage({ cufChannel: message }, "*");
      else if (this.channel) this.channel.postMessage(message);
    }
  });
})();
