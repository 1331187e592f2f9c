/* cufmap — the page's DOM helpers, shared by the map's modules (window.CufMap).
 * Every text from the data goes in with textContent (never innerHTML): a cell holding
 * <script> shows as text and runs nothing.
 */
(function () {
  "use strict";
  var M = window.CufMap = window.CufMap || {};

  M.el = function (tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  };

  M.safeHref = function (url) {
    return /^https?:\/\//i.test(url || "") ? url : null;
  };

  // The colours live in relay.css (custom properties on :root); canvases and Leaflet styles
  // read them here, once.
  var NAMES = ["past", "ongoing", "upcoming", "focus", "link", "partner", "land", "coast", "sea",
               "halo"];
  var colours = null;
  M.colours = function () {
    if (colours) return colours;
    var style = getComputedStyle(document.documentElement);
    colours = {};
    NAMES.forEach(function (n) { colours[n] = style.getPropertyValue("--cuf-" + n).trim(); });
    colours.status = { "passee": colours.past, "en-cours": colours.ongoing,
                       "a-venir": colours.upcoming, "sans-date": colours.upcoming };
    return colours;
  };
})();
