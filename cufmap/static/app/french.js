/* cufmap — Streamlit's own English on the pages shown in French, put in French in the
 * browser: exact texts, accessible names and tooltips of its controls (skip link, data editor
 * toolbar, file uploader, « Stop »), file sizes (« 8,3 Ko »), kept translated as Streamlit
 * redraws them; the page's language declared French (lang="fr" on the root element). The
 * words come from cufmap/app/ui.py (STREAMLIT_FR), in the JSON element #cuf-french-words
 * beside this script. Never a « < » followed by a letter in this file: Streamlit's sanitizer
 * (DOMPurify) drops a script whose text has one, and the page stays in English.
 */
(function () {
  if (window.cufFrench) return;
  var words = JSON.parse(document.getElementById("cuf-french-words").textContent);
  var patterns = [[/^(\d+)MB per file(.*)$/, "$1 Mo par fichier$2"],
                  [/^File is too large\. Maximum size is (\d+) bytes\.$/, "Fichier trop grand : $1 octets au plus."],
                  [/^File must be (\d+)(?:\.0)?MB or smaller\.$/, "Fichier trop grand : $1 Mo au plus."],
                  [/^File type not allowed\.$/, "Type de fichier refusé."]];
  var UNITS = { B: "o", KB: "Ko", MB: "Mo", GB: "Go" };
  function fr(text) {
    var t = (text || "").trim();
    if (words[t]) return words[t];
    var size = /^(\d+(?:\.\d+)?) ?(B|KB|MB|GB)$/.exec(t);  // an uploaded file's size: « 8.3KB »
    if (size) return size[1].replace(".", ",") + "\u00a0" + UNITS[size[2]];
    var bytes = /^(\d+) bytes?$/.exec(t);  // « 532 bytes »
    if (bytes) return bytes[1] + "\u00a0octet" + (bytes[1] === "1" ? "" : "s");
    var colon = t.indexOf(": ");  // "Add row: Étapes du relais" (the grid's name after it)
    if (colon > 0 && words[t.slice(0, colon)]) return words[t.slice(0, colon)] + " : " + t.slice(colon + 2);
    if (t.indexOf("Help for ") === 0) return "Aide : " + t.slice(9);
    for (var i = 0; i < patterns.length; i++) if (patterns[i][0].test(t)) return t.replace(patterns[i][0], patterns[i][1]);
    return null;
  }
  function walk(root) {
    if (root.nodeType === 3) { var f = fr(root.nodeValue); if (f) root.nodeValue = f; return; }
    if (root.nodeType !== 1) return;
    ["aria-label", "title"].forEach(function (a) {
      var f = root.hasAttribute(a) && fr(root.getAttribute(a)); if (f) root.setAttribute(a, f);
    });
    var w = document.createTreeWalker(root, 5), n;
    while ((n = w.nextNode())) {
      if (n.nodeType === 3) { var g = fr(n.nodeValue); if (g) n.nodeValue = g; }
      else ["aria-label", "title"].forEach(function (a) {
        var h = n.hasAttribute(a) && fr(n.getAttribute(a)); if (h) n.setAttribute(a, h);
      });
    }
  }
  var doc = window.parent && window.parent !== window ? window.parent.document : document;
  window.cufFrench = new MutationObserver(function (records) {
    records.forEach(function (r) {
      if (r.type === "childList") r.addedNodes.forEach(walk); else walk(r.target);
    });
  });
  window.cufFrench.observe(doc.body, { subtree: true, childList: true, characterData: true,
                                       attributes: true, attributeFilter: ["aria-label", "title"] });
  walk(doc.body);
  doc.documentElement.lang = "fr";
  doc.documentElement.setAttribute("data-cuf-french", "1");
})();
