/* cufmap — the presenter's panels: the speaker view's (position, clock, time since the
 * start, current stage and its notes, next stage) and, on the audience's overview, the public
 * map's address with its QR code. Text only (M.el), never HTML.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  // In: the interface texts. Out: show(stage, next, position), setStart(time), tick().
  M.Speaker = L.Class.extend({
    initialize: function (texts) {
      var self = this, t = this.texts = texts, el = M.el;
      var panel = el("section", { "class": "cuf-speaker-panel", "aria-label": t.speaker });
      // on a phone, the notes are too cramped to read while speaking: say so (relay.css)
      panel.appendChild(el("p", { "class": "cuf-narrow", role: "note" }, t.narrow));
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
      this.position = position;
      this.clock = clock;
      this.elapsed = elapsed;
      this.now = part("now", t.now);
      this.notes = part("notes", t.notes);
      this.next = part("next", t.next_stage);
      this.startedAt = null;
      this.notesById = {};  // the speaker's notes: sent to this session only, never in a file
      document.body.appendChild(panel);
      this.tick();
      setInterval(function () { self.tick(); }, 1000);
    },

    setNotes: function (notes) { this.notesById = notes || {}; },

    setStart: function (time) { this.startedAt = time; },  // when the presentation started

    tick: function () {  // the clock and the time since the start
      var t = this.texts;
      this.clock.textContent = t.clock + " " + CufData.clock(new Date());
      var seconds = this.startedAt ? (Date.now() - this.startedAt) / 1000 : 0;
      this.elapsed.textContent = t.elapsed + " " + CufData.duration(seconds);
    },

    // `s`: the current stage (none: the overview), `next`: the one after, `position`: the
    // strip's counter.
    show: function (s, next, position) {
      var t = this.texts, el = M.el, now = this.now;
      this.position.textContent = position;
      now.textContent = "";
      if (s) {
        now.appendChild(el("div", { "class": "when" }, s.when));
        now.appendChild(el("p", { "class": "title" }, s.title));
        now.appendChild(el("p", { "class": "host" }, s.host));
        if (s.partners.length) now.appendChild(el("p", { "class": "partners" }, M.partnersText(t, s)));
        this.march(s);
      } else {
        now.appendChild(el("p", { "class": "title" }, t.overview));
      }
      var note = s ? this.notesById[s.id] : "";
      this.notes.textContent = s ? (note || t.no_notes) : "";
      this.notes.classList.toggle("empty", !note);
      this.next.textContent = next ? (next.index + 1) + ". " + next.host + " — " + next.when :
        (s ? t.end_of_relay : "");
    }
  });

  // The route's length and the photos of the stage shown (their <img> made now, from where
  // `mediaUrl` says the photos are).
  M.Speaker.prototype.march = function (s) {
    var t = this.texts, el = M.el, now = this.now, base = this.mediaUrl || "";
    if (s.route_length) now.appendChild(el("p", { "class": "route" }, t.route + " · " + s.route_length));
    if (!s.photos || !s.photos.length) return;
    var box = el("div", { "class": "photos", role: "group", "aria-label": t.photos });
    s.photos.forEach(function (p) {
      var img = el("img", { alt: p.alt, decoding: "async" });
      img.src = base + p.src;
      box.appendChild(img);
    });
    now.appendChild(box);
  };

  // The speaker view in its own window: `path`, the address the server wrote in this document
  // (the same page, ?vue=orateur), opened only as an http(s) address of the app's own origin;
  // never an address received by message.
  M.openSpeakerView = function (path) {
    var url = CufData.speakerUrl(path, document.baseURI, M.APP_ORIGIN);
    if (url) window.open(url, "cufmap-orateur", "popup,width=1280,height=800");
  };

  // The audience's overview: the public map's address and its QR code. In: {url, qr} or
  // {error} (a wrong setting says so, in the page's language, instead of a broken code), the
  // interface texts. Out: show(on), width(), bottom().
  M.Follow = L.Class.extend({
    initialize: function (follow, texts) {
      var t = texts, el = M.el;
      var box = el("aside", { "class": "cuf-follow", "aria-label": t.follow });
      box.appendChild(el("p", { "class": "title" }, t.follow));
      if (follow.error) {
        box.appendChild(el("p", { "class": "error", role: "alert" }, t.bad_address));
      } else {
        box.appendChild(el("img", { src: follow.qr, alt: t.qr_code.replace("{url}", follow.url), width: "300",
                                    height: "300" }));
        box.appendChild(el("p", { "class": "url" }, follow.url));
      }
      document.body.appendChild(box);
      this.el = box;
    },

    show: function (on) { this.el.hidden = !on; },

    width: function () { return this.el.offsetWidth; },

    bottom: function () { return this.el.offsetTop + this.el.offsetHeight; }
  });
})();
