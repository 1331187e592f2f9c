"""Helpers shared by the Streamlit pages (kept here so pages stay thin)."""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass

import streamlit as st

from .errors import CufmapError
from .relay import Stage, stages_from_frame
from .store import Store


@dataclass(frozen=True)
class Relay:
    stages: list[Stage]
    error: str = ""


def load_relay(path: str) -> Relay:
    """Stages of ``path``, re-read whenever the file changes (the cache key is its mtime)."""
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return Relay([], f"Le fichier des étapes « {path} » est introuvable.")
    return _load(path, mtime)


@st.cache_data(show_spinner=False, max_entries=8)
def _load(path: str, mtime: int) -> Relay:
    try:
        return Relay(stages_from_frame(Store(path).load().frame))
    except CufmapError as exc:
        return Relay([], f"Le fichier des étapes ne peut pas être lu : {exc}")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md(text: str) -> str:
    """Text from the CSV made inert in Streamlit Markdown: HTML escaped, Markdown escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def stage_list_markdown(stages: list[Stage]) -> str:
    """The stages as a French Markdown list, dated first, then « Date à venir »."""
    lines = []
    undated_header = False
    for stage in stages:
        if not stage.dated and not undated_header:
            lines += ["", "#### Date à venir", ""]
            undated_header = True
        host = md(stage.host)
        title = md(stage.title)
        when = md(stage.when().capitalize()) if stage.dated else ""
        partners = "; ".join(f"{md(p.name)} \\({md(p.country_fr)}\\)"
                             for p in stage.partners)
        line = f"- **{when + ' — ' if when else ''}{host}** : {title}"
        if partners:
            line += f" — avec {partners}"
        lines.append(line)
    return "\n".join(lines)
