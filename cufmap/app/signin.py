"""Signing in to edit: a password kept only as a hash, or an OIDC provider (``st.login``); the
rules are in :mod:`cufmap.app.auth`, the settings in :mod:`cufmap.settings`."""

from __future__ import annotations

import streamlit as st

from cufmap.app import auth, loaders
from cufmap.app.ui import md


def signed_in_editor() -> str | None:
    """The signed-in editor's name, or None after showing how to sign in (or how editing is
    enabled). Public pages never call this: they have no edit control at all."""
    cfg = auth.config(loaders.settings())
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


def _client(trusted_header: str) -> str:
    """This browser session's client, for the sign-in slowdown (see ``auth.client_key``)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    try:
        headers, ip = st.context.headers, st.context.ip_address
    except Exception:  # no request behind this run
        headers, ip = {}, ""
    if not isinstance(ip, str):  # AppTest gives a stand-in object
        headers, ip = {}, ""
    return auth.client_key(headers, ip, ctx.session_id if ctx else "", trusted_header)
