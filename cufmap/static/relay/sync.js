/* cufmap — two windows in step (the audience's and the speaker view): each tells the other
 * the stage it shows and whether autoplay runs; a window that opens says hello and is told
 * where the other one is. The messages travel through M.Messages (messages.js).
 * In: the messages. Out: hello(), stage(id, startedAt, end), play(on, seconds); fires « hello »,
 * « stage » {id, startedAt, end: the closing view}, « play » {on, seconds, startedAt} (what the other window did,
 * never sent back), « leave » (this window is closing).
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  M.Sync = L.Evented.extend({
    initialize: function (messages) {
      var self = this;
      this.messages = messages;
      this.remote = false;  // applying the other window's message: nothing goes back
      messages.on("sync", function (e) { self.receive(e.message); });
      window.addEventListener("pagehide", function () { self.fire("leave"); });
    },

    send: function (message) {
      if (!this.remote) this.messages.send(message);
    },

    hello: function () {
      if (this.messages.canSync()) this.send({ kind: "hello" });
    },

    stage: function (id, startedAt, end) {
      this.send({ kind: "stage", id: id, startedAt: startedAt, end: !!end });
    },

    play: function (on, seconds) { this.send({ kind: "play", on: on, seconds: seconds }); },

    receive: function (m) {
      var at = m.startedAt;
      if (m.kind === "hello") { this.fire("hello", { startedAt: at }); return; }
      this.remote = true;
      try {
        if (m.kind === "stage") this.fire("stage", { id: m.id, startedAt: at, end: !!m.end });
        else if (m.kind === "play") this.fire("play", { on: m.on, seconds: m.seconds, startedAt: at });
      } finally { this.remote = false; }
    }
  });
})();
