"""Helpers shared by the Streamlit pages (kept here so pages stay thin)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

import streamlit as st

from .errors import CufmapError
from .relay import Stage, load_stages


@dataclass(frozen=True)
class Relay:
    stages: list[Stage]
    error: str = ""


def load_relay(path: str) -> Relay:
    """Stages of ``path``, re-read whenever the file changes (the cache key is its mtime)."""
    mtime = _mtime(path)
    if not mtime:
        return Relay([], f"Le fichier des étapes « {path} » est introuvable.")
    return _load(path, mtime)


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(path: str, mtime: int) -> Relay:
    try:
        return Relay(load_stages(path))
    except CufmapError as exc:
        return Relay([], f"Le fichier des étapes ne peut pas être lu : {exc}")


# --- The map document ---------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=4)
def _located(path: str, mtime: int, places: str, places_mtime: int):
    from .geocoding import Chain
    from .mapdoc import locate

    # the stages the page already read for this version of the file
    return locate(_load(path, mtime).stages, Chain.default(places))


@st.cache_data(show_spinner=False, max_entries=32)
def _document(path: str, mtime: int, places: str, places_mtime: int, filters,
              options) -> tuple[str, int]:
    from .mapdoc import render

    located = _located(path, mtime, places, places_mtime)
    kept = [item for item in located if filters.keeps(item.stage)]
    return render(kept, options), len(kept)


#: The bundled assets as the app serves them (``static/`` -> ``cufmap/static``, with
#: ``server.enableStaticServing``): the browser caches them instead of receiving them inline.
ASSETS_URL = "/app/static/"


def map_document(path: str, places: str, filters, options) -> tuple[str, int]:
    """(HTML of the map document, number of stages shown), cached per data version; the
    assets come from the app's static files."""
    return _document(path, _mtime(path), places, _mtime(places), filters,
                     replace(options, assets_url=ASSETS_URL))


def public_address(param: str | None) -> str:
    """The public map's address shown (with its QR code) on the presenter's overview:
    ``?adresse=`` first, else ``[cufmap] adresse_publique`` in ``.streamlit/secrets.toml``,
    else ``CUFMAP_PUBLIC_URL``; checked by :func:`cufmap.mapdoc.public_address`."""
    if param:
        return str(param)
    setting = _secrets().get("cufmap", {})
    if isinstance(setting, dict) and setting.get("adresse_publique"):
        return str(setting["adresse_publique"])
    return os.environ.get("CUFMAP_PUBLIC_URL", "")


#: Hides Streamlit's chrome and gives the map the whole window (presenter page).
PRESENTER_CSS = """<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] iframe { position: fixed; inset: 0; width: 100vw !important;
  height: 100vh !important; border: 0; z-index: 1000; }
</style>"""


#: Streamlit's own English on the editing page, put in French in the browser: exact texts,
#: accessible names and tooltips of its controls (data editor toolbar, file uploader), kept
#: translated as Streamlit redraws them. Constant code, no data. See README for what stays.
STREAMLIT_FR = {
    "Add row": "Ajouter une ligne", "Delete row": "Supprimer la ligne",
    "Delete rows": "Supprimer les lignes", "Show/hide columns": "Afficher ou masquer des colonnes",
    "Download as CSV": "Télécharger en CSV", "Search": "Rechercher",
    "Fullscreen": "Plein écran", "Close fullscreen": "Quitter le plein écran",
    "Upload": "Choisir un fichier", "Browse files": "Choisir un fichier",
    "Drag and drop a file here": "Déposez un fichier ici", "Drop file here": "Déposez le fichier",
    "file upload": "Choisir un fichier à importer", "Remove file": "Retirer le fichier",
    "Clear": "Effacer", "Copy to clipboard": "Copier", "Main menu": "Menu principal",
    "Link to heading": "Lien vers ce titre",
}
_STREAMLIT_FR_JS = """<script>(function () {
  if (window.cufFrench) return;
  var words = %s;
  var patterns = [[/^(\\d+)MB per file(.*)$/, "$1 Mo par fichier$2"],
                  [/^File is too large\\. Maximum size is (\\d+) bytes\\.$/, "Fichier trop grand : $1 octets au plus."],
                  [/^File type not allowed\\.$/, "Type de fichier refusé."]];
  function fr(text) {
    var t = (text || "").trim();
    if (words[t]) return words[t];
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
  doc.documentElement.setAttribute("data-cuf-french", "1");
})();</script>"""


def french_streamlit() -> None:
    """Streamlit's English controls in French on this page (see :data:`STREAMLIT_FR`)."""
    import json

    st.html(_STREAMLIT_FR_JS % json.dumps(STREAMLIT_FR, ensure_ascii=True),
            unsafe_allow_javascript=True)


def md(text: str) -> str:
    """``text`` shown literally inside Streamlit Markdown (labels, messages): every ASCII
    punctuation character backslash-escaped, so no link, emphasis, HTML, colour directive or
    emoji shortcode can come from a cell."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in str(text))


_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:&\"'=^%@/;,?")


# --- Signing in to edit ---------------------------------------------------------------------

def _secrets() -> dict:
    """Streamlit's secrets as a dict ({} when there is no secrets file)."""
    try:
        return {k: (dict(v) if hasattr(v, "keys") else v) for k, v in st.secrets.items()}
    except Exception:  # no secrets.toml anywhere: Streamlit raises on first access
        return {}


def _client_address() -> str:
    try:
        return st.context.ip_address or "?"
    except Exception:
        return "?"


def signed_in_editor() -> str | None:
    """The signed-in editor's name, or None after showing how to sign in (or how editing is
    enabled). Public pages never call this: they have no edit control at all."""
    from . import auth

    cfg = auth.config(_secrets())
    state = st.session_state
    if cfg.method == auth.OIDC:
        user = st.user
        if not user.get("is_logged_in", False):
            st.info("L'édition est réservée à l'équipe : connectez-vous.")
            st.button("Se connecter", on_click=st.login, type="primary")
            return None
        email = str(user.get("email", ""))
        if not cfg.allows(email):
            st.error(f"Le compte {md(email) or 'connecté'} n'est pas autorisé à modifier les étapes. "
                     "Demandez à l'équipe de l'ajouter à la liste des éditeurs.")
            st.button("Se déconnecter", on_click=st.logout)
            return None
        return str(user.get("name", "") or email)
    if cfg.method == auth.NONE:
        if cfg.problem:
            st.error(cfg.problem)
        st.warning("Édition désactivée.")
        st.markdown(auth.HOW_TO_ENABLE)
        return None
    if state.get("ed_signed_in"):
        return state.get("ed_author") or "équipe"
    with st.form("connexion"):
        st.markdown("**Connexion de l'équipe**")
        author = st.text_input("Votre nom (inscrit dans l'historique)", key="ed_name")
        password = st.text_input("Mot de passe", type="password", key="ed_password")
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        if auth.THROTTLE.attempt(_client_address(), password, cfg.password_hash):
            state["ed_signed_in"] = True
            state["ed_author"] = author.strip()
            state.pop("ed_password", None)
            st.rerun()
        st.error("Mot de passe incorrect. Après plusieurs essais, la réponse est volontairement "
                 "ralentie.")
    return None
