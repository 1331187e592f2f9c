/* cufmap — the presenter: keys and clicker, the strip of stages, autoplay, the speaker view
 * and the two windows kept in step, the public map's address and QR code on the overview.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  // The app's origin: the one this document was served from (its own address; for a document
  // written inline, the app page's, its base). Only a window of that origin may drive the map,
  // and only the window around it (cufmap/web.py's frame): a page of another origin that frames
  // the document can neither send it keys or stages nor read what it posts.
  var APP_ORIGIN = (function () {
    try { return new URL(document.baseURI).origin; } catch { return ""; }
  })();

  function fromDriver(e) {
    return e.source === window.parent && window.parent !== window && !!APP_ORIGIN &&
      APP_ORIGIN !== "null" && e.origin === APP_ORIGIN;
  }

  // Two windows in step: the audience's and the speaker view, in the browser only (a
  // BroadcastChannel between windows of the same origin; no server round trip). In the app the
  // map runs sandboxed in an opaque origin, where a channel would reach no other window: the
  // frame around it (cufmap/web.py, same origin as the app) holds the channel and relays.
  function presenterChannel(onMessage) {
    function take(m) { var clean = CufData.presenterMessage(m); if (clean) onMessage(clean); }
    if (window.origin === "null" && window.parent !== window) {
      window.addEventListener("message", function (e) {
        if (fromDriver(e) && e.data && typeof e.data === "object") take(e.data.cufChannel);
      });
      return { postMessage: function (m) {
        window.parent.postMessage({ cufChannel: m }, APP_ORIGIN);  // to the app's frame only
      } };
    }
    if (typeof BroadcastChannel === "undefined") return null;
    var channel = new BroadcastChannel("cufmap-presentation");
    channel.onmessage = function (e) { take(e.data); };
    return channel;
  }

  M.Presenter = {
    bindKeys: function () {
      var self = this;
      function onKey(e) {
        if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
        var tag = (e.target && e.target.tagName) || "";
        if (/INPUT|SELECT|TEXTAREA/.test(tag)) return;
        var presenter = !!self.opts.presenter;
        var onMarker = e.target && e.target.classList && e.target.classList.contains("cuf-stage");
        var onButton = tag === "BUTTON";
        switch (e.key) {
          case "ArrowRight": case "PageDown":
            if (!presenter && !onMarker) return;
            e.preventDefault(); self.step(1); break;
          case " ": case "Spacebar":
            if (!presenter || onButton || onMarker) return;
            e.preventDefault(); self.step(1); break;
          case "ArrowLeft": case "PageUp":
            if (!presenter && !onMarker) return;
            e.preventDefault(); self.step(-1); break;
          case "Home":
            if (!presenter) return;
            e.preventDefault(); self.overview(); break;
          case "Escape":
            if (self.card && !self.card.hidden) { self.closeCard(); }
            break;
          case "p": case "P":
            if (presenter) { e.preventDefault(); self.toggleAutoplay(); }
            break;
        }
      }
      document.addEventListener("keydown", onKey);
      if (!this.opts.presenter) return;
      // A clicker sends its keys to the page that has the focus: listen there too.
      try {
        if (window.parent && window.parent !== window && window.parent.document) {
          window.parent.document.addEventListener("keydown", onKey);
        }
      } catch { /* another origin: keys reach us once the map has the focus */ }
      // In the app, the map runs sandboxed in its own origin: the frame around it relays the
      // keys pressed on the app page (cufmap/web.py), as messages from that frame only, and
      // only the presenter's keys.
      window.addEventListener("message", function (e) {
        if (!fromDriver(e)) return;
        var key = CufData.presenterKey(e.data);
        if (key) onKey({ key: key, target: document.body, preventDefault: function () {} });
        // The speaker view's notes: sent by the frame to the signed-in speaker's session only.
        var notes = self.opts.speaker ? CufData.speakerNotes(e.data, self.byId) : null;
        if (notes) { self.notes = notes; self.fillSpeaker(); }
      });
      window.focus();
    },

    buildPresenter: function () {
      var self = this, t = this.t, el = M.el;
      var strip = el("nav", { "class": "cuf-strip", "aria-label": t.strip });
      var prev = el("button", { type: "button", "aria-label": t.previous }, "◀");
      var counter = el("span", { "class": "counter", "aria-live": "polite" });
      var next = el("button", { type: "button", "aria-label": t.next }, "▶");
      var ol = el("ol");
      this.order().forEach(function (s) {
        var li = el("li", { "data-stage": s.id, title: s.label }, (s.index + 1) + ". " + s.short);
        li.addEventListener("click", function () { self.select(s.id); });
        ol.appendChild(li);
      });
      var play = el("button", { type: "button", "class": "play", "aria-pressed": "false" }, t.play);
      var delay = el("select", { "aria-label": t.delay });
      [5, 10, 20, 30].forEach(function (n) {
        var o = el("option", { value: String(n) }, n + " s");
        if (n === (self.opts.autoplay || 10)) o.selected = true;
        delay.appendChild(o);
      });
      prev.addEventListener("click", function () { self.step(-1); });
      next.addEventListener("click", function () { self.step(1); });
      play.addEventListener("click", function () { self.toggleAutoplay(); });
      delay.addEventListener("change", function () { if (self.playing) self.setPlaying(true); });
      [prev, counter, next].forEach(function (n) { strip.appendChild(n); });
      strip.appendChild(ol);
      strip.appendChild(play);
      strip.appendChild(delay);
      if (!this.opts.speaker && this.opts.speakerUrl) {
        var speaker = el("button", { type: "button", "class": "speaker", title: t.speaker_open }, t.speaker);
        speaker.addEventListener("click", function () { self.openSpeaker(); });
        strip.appendChild(speaker);
      }
      document.body.appendChild(strip);
      this.strip = { ol: ol, counter: counter, play: play, delay: delay };
    },

    // The speaker view in its own window: the address the server wrote in this document (the
    // same page, ?vue=orateur), opened only as an http(s) address of the app's own origin.
    openSpeaker: function () {
      var url = CufData.speakerUrl(this.opts.speakerUrl, document.baseURI, APP_ORIGIN);
      if (url) window.open(url, "cufmap-orateur", "popup,width=1280,height=800");
    },

    delay: function () {
      return this.strip ? Number(this.strip.delay.value) : (this.opts.autoplay || 10);
    },

    toggleAutoplay: function () { this.setPlaying(!this.playing); },

    // Autoplay started in either window runs in that one (one timer for both); the other shows
    // it playing and can pause it.
    setPlaying: function (on, seconds) {
      var self = this;
      if (this.timer) { clearInterval(this.timer); this.timer = null; }
      this.playing = !!on;
      if (seconds && this.strip) this.strip.delay.value = String(seconds);
      if (on && !this.remote) {
        this.timer = setInterval(function () {
          if (self.current >= self.order().length - 1) self.overview(); else self.step(1);
        }, this.delay() * 1000);
      }
      this.send({ kind: "play", on: this.playing, seconds: this.delay() });
      if (this.strip) {
        this.strip.play.setAttribute("aria-pressed", this.playing ? "true" : "false");
        this.strip.play.textContent = this.playing ? this.t.pause : this.t.play;
      }
    },

    updateStrip: function () {
      if (!this.strip) return;
      var current = this.current;
      var items = this.strip.ol.children;
      for (var i = 0; i < items.length; i++) {
        items[i].className = i === current ? "current" : (i < current ? "done" : "");
      }
      this.strip.counter.textContent = current < 0 ? this.t.overview :
        (current + 1) + " / " + this.order().length;
      if (this.follow) this.follow.hidden = current >= 0;
      this.fillSpeaker();
    },

    connect: function () {
      var self = this;
      this.channel = presenterChannel(function (m) { self.receive(m); });
      if (!this.channel) return;
      this.send({ kind: "hello" });
      // Closing the window that runs the autoplay stops it in the other one too.
      window.addEventListener("pagehide", function () {
        if (self.timer) self.send({ kind: "play", on: false });
      });
    },

    send: function (message) {
      if (this.channel && !this.remote) this.channel.postMessage(message);
    },

    currentId: function () {
      return this.current >= 0 ? this.order()[this.current].id : null;
    },

    announce: function () {
      this.send({ kind: "stage", id: this.currentId(), startedAt: this.startedAt });
    },

    receive: function (m) {
      if (m.startedAt && (!this.startedAt || m.startedAt < this.startedAt)) this.startedAt = m.startedAt;
      if (m.kind === "hello") {  // a window just opened: tell it where we are
        this.announce();
        if (this.timer) this.send({ kind: "play", on: true, seconds: this.delay() });
        return;
      }
      this.remote = true;
      try {
        if (m.kind === "stage" && m.id !== this.currentId()) {
          if (m.id && this.byId[m.id]) this.select(m.id); else if (!m.id) this.overview();
        } else if (m.kind === "play") {
          this.setPlaying(m.on, m.seconds);
        }
      } finally { this.remote = false; }
      this.tick();
    },

    buildSpeaker: function () {
      var t = this.t, self = this, el = M.el;
      var panel = el("section", { "class": "cuf-speaker-panel", "aria-label": t.speaker });
      var top = el("div", { "class": "top" });
      var position = el("div", { "class": "position", "aria-live": "polite" });
      var clock = el("div", { "class": "clock" }), elapsed = el("div", { "class": "elapsed" });
      [position, clock, elapsed].forEach(function (n) { top.appendChild(n); });
      panel.appendChild(top);
      function part(cls, title) {
        var box = el("div", { "class": "part " + cls });
        box.appendChild(el("h2", null, title));
        var body = el("div", { "class": "body" });
        box.appendChild(body);
        panel.appendChild(box);
        return body;
      }
      this.speaker = { position: position, clock: clock, elapsed: elapsed,
                       now: part("now", t.now), notes: part("notes", t.notes),
                       next: part("next", t.next_stage) };
      document.body.appendChild(panel);
      this.tick();
      setInterval(function () { self.tick(); }, 1000);
    },

    tick: function () {  // the speaker's clock and time since the start
      if (!this.speaker) return;
      this.speaker.clock.textContent = this.t.clock + " " + CufData.clock(new Date());
      var seconds = this.startedAt ? (Date.now() - this.startedAt) / 1000 : 0;
      this.speaker.elapsed.textContent = this.t.elapsed + " " + CufData.duration(seconds);
    },

    fillSpeaker: function () {
      var sp = this.speaker, t = this.t, el = M.el;
      if (!sp) return;
      var order = this.order(), s = order[this.current], next = order[this.current + 1];
      sp.position.textContent = this.strip ? this.strip.counter.textContent : "";
      sp.now.textContent = "";
      if (s) {
        sp.now.appendChild(el("div", { "class": "when" }, s.when));
        sp.now.appendChild(el("p", { "class": "title" }, s.title));
        sp.now.appendChild(el("p", { "class": "host" }, s.host));
        if (s.partners.length) sp.now.appendChild(el("p", { "class": "partners" }, M.partnersText(t, s)));
      } else {
        sp.now.appendChild(el("p", { "class": "title" }, t.overview));
      }
      var note = s && this.notes ? this.notes[s.id] : "";
      sp.notes.textContent = s ? (note || t.no_notes) : "";
      sp.notes.classList.toggle("empty", !note);
      sp.next.textContent = next ? (next.index + 1) + ". " + next.host + " — " + next.when :
        (s ? t.end_of_relay : "");
    },

    // The overview of the audience's window: the public map's address and its QR code.
    buildFollow: function () {
      var f = this.opts.follow, t = this.t, el = M.el;
      if (!f || !(f.url || f.error) || this.opts.speaker) return;
      var box = el("aside", { "class": "cuf-follow", "aria-label": t.follow });
      box.appendChild(el("p", { "class": "title" }, t.follow));
      if (f.error) {  // a wrong setting says so, in French, instead of a broken code
        box.appendChild(el("p", { "class": "error", role: "alert" }, f.error));
      } else {
        box.appendChild(el("img", { src: f.qr, alt: "QR code : " + f.url, width: "300", height: "300" }));
        box.appendChild(el("p", { "class": "url" }, f.url));
      }
      document.body.appendChild(box);
      this.follow = box;
    }
  };
})();
