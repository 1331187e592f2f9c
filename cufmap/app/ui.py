"""What every page of the app shares on screen: text shown literally, Streamlit's English put
in French, the presenter page's full-window style, and the small scripts (``static/app/``)
that pages insert."""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from cufmap import i18n
from cufmap.publish import mapdoc


def md(text: str) -> str:
    """``text`` shown literally inside Streamlit Markdown (labels, messages): every ASCII
    punctuation character backslash-escaped, so no link, emphasis, HTML, colour directive or
    emoji shortcode can come from a cell."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in str(text))


_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:&\"'=^%@/;,?")


#: Every page's small corrections to Streamlit's look, for legibility: its captions are its
#: text at 60 % opacity, #828180 on white (3.9:1, under the 4.5:1 that WCAG 1.4.3 / RGAA 3.3
#: ask for): opaque and darker here (6.8:1).
PAGE_CSS = """<style>
.stApp [data-testid="stCaptionContainer"] { opacity: 1; color: #5c5b5a; }
.stApp [data-testid="stCaptionContainer"] p { color: #5c5b5a; }
</style>"""


def page_style() -> None:
    """The corrections of :data:`PAGE_CSS` on this page."""
    st.html(PAGE_CSS)


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
    "Link to heading": "Lien vers ce titre", "Skip to main content": "Aller au contenu principal",
    "Stop": "Arrêter", "Stopping...": "Arrêt…", "Running...": "Exécution…",
    "Rerun": "Relancer",
}


@lru_cache(maxsize=None)
def script(name: str) -> str:
    """A page script of ``static/app/`` (kept as a JavaScript file, linted with the map's)."""
    return mapdoc.asset_text(f"app/{name}")


def inline_script(name: str, data: dict | None = None, data_id: str = "") -> str:
    """``<script>`` elements for a page: its settings as JSON (never run), then the script."""
    head = f'<script type="application/json" id="{data_id}">{mapdoc.to_js(data)}</script>' \
        if data_id else ""
    return f"{head}<script>{script(name)}</script>"


def page_language() -> str:
    """The page's language: ``?langue=`` when a catalogue has it, else the browser's
    (``st.context.locale``, its ``navigator.language``; else the Accept-Language header),
    else French."""
    context = st.context
    accepted = [getattr(context, "locale", None) or ""]
    accepted += [part.split(";")[0] for part in
                 (context.headers.get("Accept-Language") or "").split(",")]
    return i18n.choose(st.query_params.get("langue", ""), accepted)


def french_streamlit(lang: str = "fr") -> None:
    """Streamlit's English controls in French on this page (see :data:`STREAMLIT_FR`); nothing
    on a page shown in another language."""
    if lang != "fr":
        return
    st.html(inline_script("french.js", STREAMLIT_FR, "cuf-french-words"),
            unsafe_allow_javascript=True)
