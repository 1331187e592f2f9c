"""cufmap : la carte du « Relais de la Coop Déc' » (Cités Unies France, 50 ans).

Page publique, lancée par ``streamlit run app.py`` ; le mode présentation est dans ``pages/``.
"""

import datetime as dt

import streamlit as st

from cufmap.app import frames, loaders
from cufmap.app.ui import md, page_style
from cufmap.places.gazetteer import ATTRIBUTION
from cufmap.publish import filters
from cufmap.publish.mapdoc import TILE_LABELS
from cufmap.relay import countries, schema

st.set_page_config(page_title="Relais de la Coop Déc' — Cités Unies France", page_icon="🗺️",
                   layout="wide")
page_style()
params = st.query_params
relay = loaders.load_relay()
if relay.error:
    st.title("Relais de la Coop Déc'")
    st.error(md(relay.error))
    st.stop()
stages = relay.stages

st.markdown("### Relais de la Coop Déc' — les 50 ans de Cités Unies France")
controls = st.container()  # filled after the map, so the map reaches the browser first

# The selection: the widgets' values once they exist, else the URL (a shared view).
state = st.session_state
view = filters.current_view(params, state, dt.date.today(), tuple(TILE_LABELS))
chosen, tiles, reference = view.filters, view.tiles, view.reference

# The map applies the selection itself (its document reads it in its own address), and says
# how many stages it keeps.
shown = {**view.to_params(dt.date.today()), "date": reference.isoformat()}
st.iframe(frames.map_document(shown, tiles=tiles), height=680, alt=frames.TITLE)
st.caption(f"Données : La Lettre de Cités Unies France (mars-avril 2025). Lieux — {ATTRIBUTION}")

# Filters are built only when asked for (or when the URL carries some): the public map
# loads faster without a dozen widgets it does not need.
top_left, top_mid, top_right = controls.columns([3, 1, 1])
top_mid.page_link("pages/presentation.py", label="Mode présentation (plein écran)")
top_right.page_link("pages/integrer.py", label="Intégrer la carte")
if top_left.toggle("Filtres et affichage", value=view.filtering, key=filters.SHOWN_WIDGET):
    months = sorted({filters.month_key(s) for s in stages},
                    key=lambda k: (k == filters.UNDATED, k))
    host_types = [t for t in schema.TYPES_COLLECTIVITE if any(s.host_type == t for s in stages)]
    formats = [f for f in schema.FORMATS if any(s.format == f for s in stages)]
    partner_countries = sorted({p.iso for s in stages for p in s.partners if p.iso},
                               key=countries.name)
    c1, c2, c3, c4, c5 = controls.columns([1.2, 1.2, 1, 1, 1.4])
    c1.multiselect("Mois", months, [m for m in chosen.months if m in months],
                   format_func=filters.month_label, key="f_mois", placeholder="Tous")
    c2.multiselect("Type de collectivité", host_types,
                   [t for t in chosen.host_types if t in host_types], key="f_type",
                   placeholder="Tous")
    c3.multiselect("Format", formats, [f for f in chosen.formats if f in formats],
                   key="f_format", placeholder="Tous")
    c4.multiselect("Pays partenaire", partner_countries,
                   [c for c in chosen.countries if c in partner_countries],
                   format_func=countries.name, key="f_pays", placeholder="Tous")
    c5.text_input("Rechercher un nom", chosen.text, placeholder="Billère, Corée, Yangpyeong…",
                  key="f_q")
    d1, d2, _ = controls.columns([1.2, 1.2, 3.6])
    d1.selectbox("Fond de carte", list(TILE_LABELS), index=list(TILE_LABELS).index(tiles),
                 format_func=TILE_LABELS.get, key="f_tuiles")
    d2.date_input("Date de référence (passé / à venir)", reference, format="DD/MM/YYYY",
                  key="f_date")
else:  # switched off: forget the choices, so switching on again starts afresh
    for key in (*filters.WIDGETS.values(), filters.TILES_WIDGET, filters.DATE_WIDGET):
        state.pop(key, None)

# The URL carries the current selection, so a view can be shared.
wanted = view.to_params(dt.date.today())
if dict(params) != wanted:
    st.query_params.from_dict(wanted)
