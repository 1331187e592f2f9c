"""Helpers shared by the Streamlit pages (kept here so pages stay thin)."""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from cufmap.errors import CufmapError
from cufmap.relay.stages import Stage, load_stages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Relay:
    stages: list[Stage]
    error: str = ""


def load_relay(path: str) -> Relay:
    """Stages of ``path``, re-read whenever the file changes (the cache key is its mtime).
    The storage is opened first: with a Git remote, its latest version is on disk.

    ``error`` is shown on public pages: it never names the server's paths nor quotes the
    reader's detail, which goes to the log (staff see it on the editing page)."""
    storage()
    mtime = _mtime(path)
    if not mtime:
        log.error("Fichier des étapes introuvable : %s", path)
        return Relay([], "La carte est momentanément indisponible : le fichier des étapes est "
                         "introuvable sur le serveur. " + _STAFF_HINT)
    return _load(path, mtime)


_STAFF_HINT = ("L'équipe de Cités Unies France peut le rétablir depuis la page d'édition "
               "(historique ou import).")


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
        log.error("Fichier des étapes illisible (%s) : %s", path, exc)
        return Relay([], "La carte est momentanément indisponible : le fichier des étapes ne "
                         "peut pas être lu. " + _STAFF_HINT)


# --- The map document ---------------------------------------------------------------------
#
# The map document is not sent through the websocket: it is written once per data version and
# view to ``static/cartes/<content hash>.html`` and served by the app's static files (the
# browser keeps it, revalidating with its ETag). The page sends only a small frame (under
# 4 KB) that loads it in a sandboxed iframe *without* ``allow-same-origin``: map scripts run
# in an opaque origin and cannot reach the app page (Streamlit's own iframe allows both).

@st.cache_resource(show_spinner=False, max_entries=4)
def _located(path: str, mtime: int, places: str, places_mtime: int):
    from cufmap.places.geocoding import Chain
    from cufmap.publish.mapdoc import locate

    # the stages the page already read for this version of the file
    return locate(_load(path, mtime).stages, Chain.default(places))


#: Where map documents are written, and how many are kept (newest first).
DOCUMENTS = Path(__file__).parent.parent / "static" / "cartes"
DOCUMENTS_URL = "/app/static/cartes/"
KEEP_DOCUMENTS = 64


def _render(path: str, mtime: int, places: str, places_mtime: int, options) -> str:
    """Every stage goes to the page, which applies ``options.filters`` itself (the same code
    as an exported page applies to its own address)."""
    from cufmap.publish.mapdoc import render

    return render(_located(path, mtime, places, places_mtime), options)


def _write_document(*key) -> str:
    document = _render(*key)
    text = document.encode("utf-8")
    name = hashlib.sha256(text).hexdigest()[:24] + ".html"
    target = DOCUMENTS / name
    if not target.exists():
        from cufmap.files import atomic_write

        DOCUMENTS.mkdir(parents=True, exist_ok=True)
        atomic_write(target, text, mode=0o644)
        _prune_documents()
    return name


#: What map documents are made of; a folder written by another format is emptied on first use
#: (documents of before issue 18 carried the speaker's notes, and anyone can fetch them).
DOCUMENTS_FORMAT = "2 (sans notes, avec Content-Security-Policy)"
_checked_format = False


def _forget_other_formats() -> None:
    """Once per process: remove the documents another version of cufmap wrote."""
    global _checked_format
    if _checked_format:
        return
    stamp = DOCUMENTS / ".format"
    try:
        current = stamp.read_text(encoding="utf-8")
    except OSError:
        current = ""
    if current != DOCUMENTS_FORMAT:
        with contextlib.suppress(OSError):  # not writable: the documents go inline anyway
            DOCUMENTS.mkdir(parents=True, exist_ok=True)
            for old in DOCUMENTS.glob("*.html"):
                with contextlib.suppress(FileNotFoundError):
                    old.unlink()
            stamp.write_text(DOCUMENTS_FORMAT, encoding="utf-8")
    _checked_format = True


def _prune_documents() -> None:
    """Keep the newest :data:`KEEP_DOCUMENTS` (twice the cache's entries, so a cached name
    always has its file; a missing one is written again anyway)."""
    files = sorted(DOCUMENTS.glob("*.html"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[KEEP_DOCUMENTS:]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()


@st.cache_data(show_spinner=False, max_entries=32)
def _document(path: str, mtime: int, places: str, places_mtime: int, options) -> str:
    return _write_document(path, mtime, places, places_mtime, options)


#: The bundled assets as the app serves them (``static/`` -> ``cufmap/static``, with
#: ``server.enableStaticServing``): the browser caches them instead of receiving them inline.
ASSETS_URL = "/app/static/"

#: The map's iframe: scripts, and links opening normal tabs; never ``allow-same-origin``.
SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"

#: Keys the presenter's clicker may send to the app page: relayed to the sandboxed map.
PRESENTER_KEYS = ("ArrowRight", "ArrowLeft", "PageDown", "PageUp", " ", "Spacebar", "Home",
                  "Escape", "p", "P")

_FRAME = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><style>
html, body {{ margin: 0; height: 100%; overflow: hidden; }}
iframe {{ display: block; border: 0; width: 100%; height: 100%; }}
</style></head><body>
<iframe {src} title="{title}" sandbox="{sandbox}" allow="fullscreen"
 referrerpolicy="no-referrer"></iframe>
{relay}</body></html>"""

# Keys pressed on the app page or this frame reach the map by postMessage (the map, in its own
# origin, cannot listen there itself).
_KEY_RELAY = """<script>
(function () {
  var map = document.querySelector("iframe"), keys = %s;
  function relay(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || keys.indexOf(e.key) < 0) return;
    var tag = (e.target && e.target.tagName) || "";
    if (/INPUT|SELECT|TEXTAREA/.test(tag)) return;
    e.preventDefault();
    map.contentWindow.postMessage({ cufKey: e.key }, "*");
  }
  document.addEventListener("keydown", relay);
  try { window.parent.document.addEventListener("keydown", relay); } catch (err) {}
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
    var notes = %s;  // the speaker view's notes: sent to this session only, never in a file
    if (notes) map.contentWindow.postMessage({ cufNotes: notes }, "*");
    map.focus();
  });
})();
</script>"""


def map_frame(name: str, presenter: bool = False,
              title: str = "Carte du Relais de la Coop Déc'", inline: str = "",
              notes: dict[str, str] | None = None) -> str:
    """The small page Streamlit embeds: the map document ``name`` in a sandboxed iframe (or,
    with ``inline``, that document itself, when the static folder cannot be written).
    ``notes`` (the speaker view's, by stage id) reach the map by message from this frame,
    which only the signed-in speaker's session receives (through the websocket)."""
    from cufmap.publish.mapdoc import to_js

    relay = _KEY_RELAY % (json.dumps(PRESENTER_KEYS), to_js(notes or None)) if presenter else ""
    src = f'srcdoc="{html.escape(inline)}"' if inline else \
        f'src="{html.escape(DOCUMENTS_URL + name)}"'
    return _FRAME.format(src=src, title=html.escape(title), relay=relay, sandbox=SANDBOX)


def map_document(path: str, places: str, filters, options,
                 notes: dict[str, str] | None = None) -> str:
    """The frame embedding the map document, which shows the stages ``filters`` keeps (and
    says how many). The document is cached per data version (the files' modification times)
    and view; a file that cannot be read gives a French message and stops the page.
    ``notes``: the speaker's, for an authorised speaker view only (:func:`map_frame`)."""
    key = (path, _mtime(path), places, _mtime(places),
           replace(options, assets_url=ASSETS_URL, filters=tuple(filters.to_params().items())))
    _forget_other_formats()
    try:
        try:
            name = _document(*key)
            if not (DOCUMENTS / name).exists():  # pruned meanwhile, or removed by hand
                name = _write_document(*key)
        except OSError:  # static folder not writable: the document goes inline, still sandboxed
            return map_frame("", presenter=options.presenter, inline=_render(*key),
                             notes=notes)
    except CufmapError as exc:
        st.error(md(str(exc)))
        st.stop()
    return map_frame(name, presenter=options.presenter, notes=notes)


def public_address(param: str | None) -> str:
    """The public map's address shown (with its QR code) on the presenter's overview:
    ``?adresse=`` first, else ``[cufmap] adresse_publique`` in ``.streamlit/secrets.toml``,
    else ``CUFMAP_PUBLIC_URL``; checked by :func:`cufmap.publish.mapdoc.public_address`."""
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
                  [/^File must be (\\d+)(?:\\.0)?MB or smaller\\.$/, "Fichier trop grand : $1 Mo au plus."],
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


def _client(trusted_header: str) -> str:
    """This browser session's client, for the sign-in slowdown (see ``auth.client_key``)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from cufmap.app import auth

    ctx = get_script_run_ctx()
    try:
        headers, ip = st.context.headers, st.context.ip_address
    except Exception:  # no request behind this run
        headers, ip = {}, ""
    if not isinstance(ip, str):  # AppTest gives a stand-in object
        headers, ip = {}, ""
    return auth.client_key(headers, ip, ctx.session_id if ctx else "", trusted_header)


# --- Storage and the live public page -------------------------------------------------------

def storage():
    """The process's one storage (:func:`cufmap.storage.open_storage`): the local file, or the Git
    remote the settings name (read at start, then followed every 30 s by a thread)."""
    from cufmap import DEFAULT_DATA, DEFAULT_PLACES
    from cufmap.storage import gitstore

    from cufmap.publish import live

    settings = gitstore.Settings.from_config(_secrets().get("cufmap", {}))
    opened = _storage(str(DEFAULT_DATA), str(DEFAULT_PLACES), settings)
    if live.is_stale(DEFAULT_DATA, DEFAULT_PLACES):  # the file was changed by hand (3 stats)
        refresh_public(opened)
    return opened


@st.cache_resource(show_spinner=False, max_entries=8)
def _storage(data: str, places: str, settings):
    from cufmap.storage import gitstore, open_storage

    opened = open_storage(data, places, settings)
    if settings is not None:
        opened.sync(force=True)
        opened.poller = gitstore.Poller(opened, lambda: refresh_public(opened)).start()
    return opened


def live_map_url() -> str:
    """The live public page's full address on this server (its path alone when the page's
    own address is unknown)."""
    from urllib.parse import urlsplit

    from cufmap.publish.live import URL_PATH

    try:
        parts = urlsplit(st.context.url or "")
    except Exception:
        return URL_PATH
    return f"{parts.scheme}://{parts.netloc}{URL_PATH}" if parts.scheme and parts.netloc \
        else URL_PATH


def refresh_public(storage) -> str:
    """Regenerate the live export (and commit it to the publication branch, if any) after a
    save or a change brought from the remote; returns a French warning, "" when all went
    well. A failure here never undoes a save."""
    import logging

    from cufmap import DEFAULT_DATA, DEFAULT_PLACES
    from cufmap.publish import live

    try:
        live.publish(DEFAULT_DATA, DEFAULT_PLACES)
        if hasattr(storage, "publish"):
            storage.publish(live.live_dir())
    except (CufmapError, OSError) as exc:
        logging.getLogger(__name__).warning("cufmap: carte publique non régénérée : %s", exc)
        return f"La carte publique n'a pas pu être régénérée : {exc}"
    return ""


def signed_in_editor() -> str | None:
    """The signed-in editor's name, or None after showing how to sign in (or how editing is
    enabled). Public pages never call this: they have no edit control at all."""
    from cufmap.app import auth

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
    if submitted and not author.strip():  # every version names who made it
        st.error("Indiquez votre nom : il est inscrit dans l'historique de chaque version.")
    elif submitted:
        auth.GUARD.budget = cfg.guesses_per_minute
        answer = auth.GUARD.attempt(_client(cfg.client_header), password, cfg.password_hash)
        if answer.ok:
            state["ed_signed_in"] = True
            state["ed_author"] = author.strip()
            state.pop("ed_password", None)
            st.rerun()
        st.error(answer.message)
    return None
