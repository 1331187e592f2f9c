"""Who may see the speaker view and its notes: signed-in staff, or whoever holds a presenter
link staff created (and can revoke) on the editing page.

* The notes (``notes_presentation``) are never written into a file the app serves: map
  documents under ``static/cartes/`` and the live export are reachable by anyone. An
  authorised speaker view gets them in the small frame Streamlit sends through its websocket
  to that session only (:func:`cufmap.app.frames.map_frame`), which hands them to the map.
* A presenter link is ``/presentation?vue=orateur&cle=<secret>``: 32 random bytes, kept on the
  server only as their SHA-256 (a copy of the file gives no working link), shown once to the
  staff member who created it. Links are kept where the data lives
  (:meth:`cufmap.storage.base.Storage.update_kept`): ``.liens-orateur.json`` beside the data
  file, or ``data/liens-orateur.json`` in the Git remote (one commit per link created or
  revoked), so that they outlive a restart on a host whose disk is thrown away.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass

LINKS_FILE = "liens-orateur.json"  # a kept file of the storage (cufmap.storage.base.KEPT)


@dataclass(frozen=True)
class Link:
    ident: str  # short, shown to staff to tell links apart
    digest: str  # sha256 of the secret
    label: str
    author: str
    created: str  # ISO date and time, UTC


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Links:
    """The presenter links, as a small JSON list kept by the storage ``storage``."""

    def __init__(self, storage):
        self.storage = storage

    def all(self) -> list[Link]:
        return _parse(self.storage.read_kept(LINKS_FILE))

    def _update(self, change, message: str, author: str) -> None:
        self.storage.update_kept(
            LINKS_FILE, lambda data: _encode(change(_parse(data))), message, author)

    def create(self, label: str, author: str) -> str:
        """A new link; returns its secret (the only time it exists in clear)."""
        secret = secrets.token_urlsafe(32)
        link = Link(secrets.token_hex(4), _digest(secret), label.strip()[:80] or "sans nom",
                    author[:80], dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        self._update(lambda links: [*links, link], f"Lien orateur créé : {link.label}", author)
        return secret

    def revoke(self, ident: str, author: str = "") -> None:
        self._update(lambda links: [link for link in links if link.ident != ident],
                     f"Lien orateur révoqué : n° {ident}", author)

    def valid(self, secret: str | None) -> bool:
        if not secret or len(secret) > 100:
            return False
        wanted = _digest(secret)
        return any(hmac.compare_digest(link.digest, wanted) for link in self.all())


def _parse(data: bytes | None) -> list[Link]:
    """The links of a kept file; none when it is absent or not what cufmap writes (a file
    edited by hand on the remote opens no speaker view)."""
    try:
        return [Link(**{k: str(r[k]) for k in Link.__dataclass_fields__})
                for r in json.loads(data or b"[]")]
    except (ValueError, TypeError, KeyError):
        return []


def _encode(links: list[Link]) -> bytes:
    return json.dumps([asdict(link) for link in links], ensure_ascii=False,
                      indent=1).encode("utf-8") + b"\n"


def links() -> Links:
    from cufmap.app import loaders

    return Links(loaders.storage())


def speaker_url(params) -> str:
    """The speaker view of the presenter page ``params`` describes, relative to the app's
    root, without any secret: what the audience window's « Vue orateur » opens."""
    from urllib.parse import urlencode

    kept = {k: v for k, v in dict(params).items() if k not in ("vue", "cle")}
    return "presentation?" + urlencode({**kept, "vue": "orateur"})


def notes_of(stages) -> dict[str, str]:
    return {s.id: s.notes for s in stages if s.notes}


# --- Streamlit ------------------------------------------------------------------------------

def allowed(secret: str | None) -> bool:
    """Whether this session may see the speaker view: a valid presenter link, or signed-in
    staff (else the sign-in form is shown, with why)."""
    import streamlit as st

    from cufmap.app.signin import signed_in_editor

    if secret and links().valid(secret):
        return True
    if signed_in_editor() is not None:
        return True
    st.info(("Ce lien orateur n'est pas (ou plus) valide. " if secret else "") +
            "La vue orateur et ses notes sont réservées à l'équipe : connectez-vous ci-dessus, "
            "ou ouvrez le lien orateur créé sur la page d'édition (« Liens de la vue "
            "orateur »). La fenêtre du public (/presentation) reste ouverte à tous.")
    return False


def links_panel(author: str) -> None:
    """On the editing page: create, list and revoke presenter links."""
    import streamlit as st

    from cufmap.app.ui import md

    store = links()
    with st.expander("Liens de la vue orateur (webinaire)"):
        st.markdown("Un lien orateur ouvre la vue orateur, avec vos notes, sans connexion : "
                    "donnez-le à la personne qui présente, pour sa seconde fenêtre. Quiconque "
                    "le détient voit les notes ; révoquez-le après le webinaire.")
        label = st.text_input("Pour qui, pour quoi", key="sp_label",
                              placeholder="Webinaire du 9 avril, Alice")
        if st.button("Créer un lien orateur", key="sp_create"):
            secret = store.create(label, author)
            st.session_state["sp_new"] = f"{_app_root()}presentation?vue=orateur&cle={secret}"
        if st.session_state.get("sp_new"):
            st.code(st.session_state["sp_new"], language=None)
            st.caption("Copiez ce lien maintenant : il n'est affiché qu'une fois (le serveur "
                       "n'en garde qu'une empreinte).")
        for link in store.all():
            left, right = st.columns([4, 1])
            left.markdown(f"{md(link.label)} — créé par {md(link.author) or 'équipe'} le "
                          f"{md(link.created[:16].replace('T', ' à '))} (UTC), n° {link.ident}")
            if right.button("Révoquer", key=f"sp_revoke_{link.ident}"):
                store.revoke(link.ident, author)
                st.session_state.pop("sp_new", None)
                st.rerun()


def _app_root() -> str:
    """This app's root address, as the browser reached it ("/" when unknown)."""
    from urllib.parse import urlsplit

    import streamlit as st

    try:
        parts = urlsplit(st.context.url or "")
    except Exception:
        return "/"
    if not (parts.scheme and parts.netloc):
        return "/"
    path = parts.path
    for page in ("edition", "presentation", "integrer"):
        if path.endswith("/" + page):
            path = path[: -len(page)]
    return f"{parts.scheme}://{parts.netloc}{path if path.endswith('/') else path + '/'}"
