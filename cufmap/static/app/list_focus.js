/* cufmap — the grid's list cells (type, format) open a list that filters as one types. After an
 * edit, the grid gives the focus back to the last edited cell a frame after the list has opened
 * (glide-data-grid's deferred focus(), measured in Streamlit 1.67): the list closes at once and
 * what one types goes nowhere. While a list is open, the focus it loses to the grid itself is
 * given back to it; a click elsewhere closes the list as before.
 */
(function () {
  var doc = window.parent && window.parent !== window ? window.parent.document : document;
  var win = doc.defaultView;
  if (win.cufListFocus) return;
  win.cufListFocus = true;
  doc.addEventListener("focusout", function (e) {
    var list = e.target, to = e.relatedTarget;
    if (!list || !list.id || list.id.indexOf("react-select-") !== 0 || !to || !to.closest ||
        !to.closest("[data-testid='stDataFrame']")) return;
    win.requestAnimationFrame(function () { if (list.isConnected) list.focus(); });
  }, true);
  doc.documentElement.setAttribute("data-cuf-list-focus", "1");
})();
