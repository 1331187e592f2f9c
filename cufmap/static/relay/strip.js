/* cufmap — the presenter's strip (previous, counter, next, the stages, autoplay and its
 * delay, the speaker view's button), and the autoplay timer it drives.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  // In: the stages placed on the map (timeline order, each with its index, label and short
  // name), the interface texts, the autoplay delay chosen at first (seconds), whether to offer
  // the speaker view. Out: show(current, count), counterText(), playing(on), delay(),
  // setDelay(seconds); fires « previous », « next », « select » {id}, « autoplay » (play or
  // pause), « delay » (a new delay chosen), « speaker » (open the speaker view).
  M.Strip = L.Evented.extend({
    initialize: function (order, texts, seconds, speakerButton) {
      var self = this, t = this.texts = texts, el = M.el;
      function relay(type, data) { return function () { self.fire(type, data); }; }
      var strip = el("nav", { "class": "cuf-strip", "aria-label": t.strip });
      var prev = el("button", { type: "button", "aria-label": t.previous }, "◀");
      var counter = el("span", { "class": "counter", "aria-live": "polite" });
      var next = el("button", { type: "button", "aria-label": t.next }, "▶");
      var ol = el("ol");
      order.forEach(function (s) {
        // the number of each, the name of the current one in full (relay.css)
        var li = el("li", { "data-stage": s.id, title: s.label });
        li.appendChild(el("span", { "class": "n" }, (s.index + 1) + "."));
        li.appendChild(el("span", { "class": "name" }, " " + s.short));
        li.addEventListener("click", relay("select", { id: s.id }));
        ol.appendChild(li);
      });
      var play = el("button", { type: "button", "class": "play", "aria-pressed": "false" }, t.play);
      var delay = el("select", { "aria-label": t.delay });
      [5, 10, 20, 30].forEach(function (n) {
        var o = el("option", { value: String(n) }, n + " s");
        if (n === seconds) o.selected = true;
        delay.appendChild(o);
      });
      prev.addEventListener("click", relay("previous"));
      next.addEventListener("click", relay("next"));
      play.addEventListener("click", relay("autoplay"));
      delay.addEventListener("change", relay("delay"));
      [prev, counter, next].forEach(function (n) { strip.appendChild(n); });
      strip.appendChild(ol);
      strip.appendChild(play);
      strip.appendChild(delay);
      if (speakerButton) {
        var speaker = el("button", { type: "button", "class": "speaker", title: t.speaker_open }, t.speaker);
        speaker.addEventListener("click", relay("speaker"));
        strip.appendChild(speaker);
      }
      document.body.appendChild(strip);
      this.ol = ol;
      this.counter = counter;
      this.play = play;
      this.select = delay;
    },

    show: function (current, count) {  // the current stage (-1: the overview) of `count`
      var items = this.ol.children;
      for (var i = 0; i < items.length; i++) {
        items[i].className = i === current ? "current" : (i < current ? "done" : "");
      }
      this.counter.textContent = current < 0 ? this.texts.overview : (current + 1) + " / " + count;
    },

    counterText: function () { return this.counter.textContent; },

    playing: function (on) {
      this.play.setAttribute("aria-pressed", on ? "true" : "false");
      this.play.textContent = on ? this.texts.pause : this.texts.play;
    },

    delay: function () { return Number(this.select.value); },

    setDelay: function (seconds) { this.select.value = String(seconds); }
  });

  // One timer for both windows: it runs in the window where autoplay was started. Out:
  // start(seconds), stop(), running(); fires « tick » every `seconds`.
  M.Autoplay = L.Evented.extend({
    initialize: function () { this.timer = null; },

    start: function (seconds) {
      var self = this;
      this.stop();
      this.timer = setInterval(function () { self.fire("tick"); }, seconds * 1000);
    },

    stop: function () {
      if (this.timer) { clearInterval(this.timer); this.timer = null; }
    },

    running: function () { return this.timer !== null; }
  });
})();
