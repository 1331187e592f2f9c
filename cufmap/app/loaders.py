"""What the pages load: the settings, the process's storage and publisher, the relay's stages.

Everything here only reads. The publisher (:class:`cufmap.publish.publisher.Publisher`) is
started once per process, on the first page served, and publishes in its own thread; a page
view never writes a file.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from cufmap import settings as configuration
from cufmap.errors import CufmapError
from cufmap.relay.stages import Stage, load_stages

log = logging.getLogger(__name__)

STAFF_HINT = ("L'équipe de Cités Unies France peut le rétablir depuis la page d'édition "
              "(historique ou import).")


def secrets() -> dict:
    """Streamlit's secrets as a dict ({} when there is no secrets file)."""
    try:
        return {k: (dict(v) if hasattr(v, "keys") else v) for k, v in st.secrets.items()}
    except Exception:  # no secrets.toml anywhere: Streamlit raises on first access
        return {}


def settings() -> configuration.Settings:
    """The settings in force: ``.streamlit/secrets.toml``, then the environment
    (:func:`cufmap.settings.load`; a few dictionary look-ups per page)."""
    return configuration.load(secrets(), os.environ)


def publisher():
    """The process's publisher, with its storage; started on first use."""
    return _publisher(settings())


@st.cache_resource(show_spinner=False, max_entries=4)
def _publisher(config):
    from cufmap.publish.publisher import Publisher
    from cufmap.storage import open_storage

    return Publisher(config, open_storage(config)).start()


def storage():
    """The process's storage: the local file, or the Git remote the settings name."""
    return publisher().storage


@dataclass(frozen=True)
class Relay:
    stages: list[Stage]
    error: str = ""


def load_relay() -> Relay:
    """The stages of the data file, re-read whenever it changes (the cache key is its
    modification time). ``error`` is shown on public pages: it never names the server's
    paths nor quotes the reader's detail, which goes to the log (staff see it on the editing
    page)."""
    publisher()  # started with the first page: the Git remote's latest version comes to disk
    path = str(settings().data)
    mtime = mtime_of(path)
    if not mtime:
        log.error("Fichier des étapes introuvable : %s", path)
        return Relay([], "La carte est momentanément indisponible : le fichier des étapes est "
                         "introuvable sur le serveur. " + STAFF_HINT)
    return _load(path, mtime)


def mtime_of(path: str | os.PathLike) -> int:
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
                         "peut pas être lu. " + STAFF_HINT)


def served_url(path: str | os.PathLike) -> str:
    """The address under which the app serves ``path`` (``/app/static/…/``), or "" when it is
    outside the folder Streamlit serves (``static/`` beside the app)."""
    root = os.path.realpath(Path.cwd() / "static")
    target = os.path.realpath(path)
    if target != root and not target.startswith(root + os.sep):
        return ""
    rel = os.path.relpath(target, root)
    return "/app/static/" + ("" if rel == "." else rel.replace(os.sep, "/") + "/")


def unserved_notice() -> str:
    """Staff's warning when the published folder is outside what the app serves ("" when it
    is served)."""
    folder = settings().published_dir
    if served_url(folder):
        return ""
    return (f"Le dossier publié ({folder}) n'est pas servi par l'application : la carte en "
            "ligne n'a pas d'adresse et chaque page dessine sa carte elle-même. Faites de "
            "« static/ » (à côté de app.py) ce dossier ou un lien vers lui, ou choisissez un "
            "dossier à l'intérieur (réglage dossier_publie, voir docs/mise-en-ligne.md).")


def live_map_url() -> str:
    """The live public page's full address on this server (its path alone when the page's
    own address is unknown; "" when the published folder is not served)."""
    from urllib.parse import urlsplit

    from cufmap.publish import site

    base = served_url(settings().published_dir)
    if not base:
        return ""
    path = f"{base}{site.LIVE}/index.html"
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:
        return path
    return f"{parts.scheme}://{parts.netloc}{path}" if parts.scheme and parts.netloc else path
