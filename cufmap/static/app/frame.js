/* cufmap — the small same-origin frame the app page embeds around the sandboxed map (see
 * cufmap/app/frames.py). Keys pressed on the app page or this frame reach the map by
 * postMessage (the map, in its own origin, cannot listen there itself); the presenter's two
 * windows stay in step over a BroadcastChannel this frame holds for the map; the speaker view's
 * notes, sent to this session only, are handed to the map. Its settings come in the JSON
 * element #cuf-frame beside it.
 */
(function () {
  var config = JSON.parse(document.getElementById("cuf-frame").textContent);
  var map = document.querySelector("iframe"), keys = config.keys;
  function relay(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || keys.indexOf(e.key) < 0) return;
    var tag = (e.target && e.target.tagName) || "";
    if (/INPUT|SELECT|TEXTAREA/.test(tag)) return;
    e.preventDefault();
    map.contentWindow.postMessage({ cufKey: e.key }, "*");
  }
  document.addEventListener("keydown", relay);
  try { window.parent.document.addEventListener("keydown", relay); } catch { /* another origin */ }
  // The audience's window and the speaker view stay in step over a BroadcastChannel, which
  // the sandboxed map cannot open for itself (opaque origin): this frame holds it for the map.
  if (typeof BroadcastChannel !== "undefined") {
    var channel = new BroadcastChannel("cufmap-presentation"), playing = false;
    channel.onmessage = function (e) {  // from this app's other windows only (same origin)
      if (e.data && e.data.kind === "play") playing = false;  // the timer runs elsewhere now
      map.contentWindow.postMessage({ cufChannel: e.data }, "*");  // the map checks its shape
    };
    window.addEventListener("message", function (e) {  // from the map this frame holds only
      if (e.source !== map.contentWindow || !e.data || typeof e.data.cufChannel !== "object")
        return;
      var m = e.data.cufChannel;
      if (m.kind === "play") playing = !!m.on;  // started here: this window runs the timer
      channel.postMessage(m);
    });
    // Closing this window stops the autoplay it ran in the other one too (the sandboxed map's
    // own farewell may not get through while the page unloads).
    window.addEventListener("pagehide", function () {
      if (playing) channel.postMessage({ kind: "play", on: false });
    });
  }
  map.addEventListener("load", function () {
    var notes = config.notes;  // the speaker view's notes: sent to this session only, never in a file
    if (notes) map.contentWindow.postMessage({ cufNotes: notes }, "*");
    map.focus();
  });
})();
