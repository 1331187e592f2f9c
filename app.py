"""cufmap : la carte du « Relais de la Coop Déc' » (Cités Unies France, 50 ans).

Page publique, lancée par ``streamlit run app.py`` ; le mode présentation est dans ``pages/``.
"""

import datetime as dt

import streamlit as st

from cufmap import i18n
from cufmap.app import frames, loaders
from cufmap.app.ui import french_streamlit, md, page_language, page_style
from cufmap.publish import filters
from cufmap.publish.mapdoc import TILE_LABELS, tile_label
from cufmap.relay import countries, schema

# The language: ?langue=, else the browser's, else French; every text from its catalogue.
lang = page_language()
t = i18n.texts(lang)
st.set_page_config(page_title=t["page_title"], page_icon="🗺️", layout="wide")
french_streamlit(lang)
page_style()
params = st.query_params
relay = loaders.load_relay()
if relay.error:
    st.title(t["page_short_title"])
    st.error(md(relay.error))
    st.stop()
stages = relay.stages

st.markdown(f"### {t['page_heading']}")
controls = st.container()  # filled after the map, so the map reaches the browser first

# The selection: the widgets' values once they exist, else the URL (a shared view).
state = st.session_state
view = filters.current_view(params, state, dt.date.today(), tuple(TILE_LABELS))
chosen, tiles, reference = view.filters, view.tiles, view.reference

# The map applies the selection itself (its document reads it in its own address), and says
# how many stages it keeps.
shown = {**view.to_params(dt.date.today()), "date": reference.isoformat()}
if params.get("langue"):  # else the map follows the browser, and a shared view does too
    shown["langue"] = lang
st.iframe(frames.map_document(shown, tiles=tiles, lang=lang), height=680,
          alt=t["map_frame_title"])
st.caption(i18n.text("page_sources", lang, places=t["page_places_attribution"]))

# Filters are built only when asked for (or when the URL carries some): the public map
# loads faster without a dozen widgets it does not need.
top_left, top_mid, top_right = controls.columns([3, 1, 1])
top_mid.page_link("pages/presentation.py", label=t["page_presenter_link"])
top_right.page_link("pages/integrer.py", label=t["page_embed_link"])
if top_left.toggle(t["page_filters"], value=view.filtering, key=filters.SHOWN_WIDGET):
    months = sorted({filters.month_key(s) for s in stages},
                    key=lambda k: (k == filters.UNDATED, k))
    host_types = [t for t in schema.TYPES_COLLECTIVITE if any(s.host_type == t for s in stages)]
    formats = [f for f in schema.FORMATS if any(s.format == f for s in stages)]
    partner_countries = sorted({p.iso for s in stages for p in s.partners if p.iso},
                               key=lambda iso: countries.name(iso, lang))
    c1, c2, c3, c4, c5 = controls.columns([1.2, 1.2, 1, 1, 1.4])
    c1.multiselect(t["page_months"], months, [m for m in chosen.months if m in months],
                   format_func=lambda m: filters.month_label(m, lang), key="f_mois",
                   placeholder=t["page_all"])
    c2.multiselect(t["page_host_type"], host_types,
                   [h for h in chosen.host_types if h in host_types], key="f_type",
                   placeholder=t["page_all"])
    c3.multiselect(t["page_format"], formats, [f for f in chosen.formats if f in formats],
                   key="f_format", placeholder=t["page_all"])
    c4.multiselect(t["page_country"], partner_countries,
                   [c for c in chosen.countries if c in partner_countries],
                   format_func=lambda iso: countries.name(iso, lang), key="f_pays",
                   placeholder=t["page_all"])
    c5.text_input(t["page_search"], chosen.text, placeholder=t["page_search_example"],
                  key="f_q")
    d1, d2, _ = controls.columns([1.2, 1.2, 3.6])
    d1.selectbox(t["page_tiles"], list(TILE_LABELS), index=list(TILE_LABELS).index(tiles),
                 format_func=lambda k: tile_label(k, lang), key="f_tuiles")
    d2.date_input(t["page_reference_date"], reference, format="DD/MM/YYYY", key="f_date")
else:  # switched off: forget the choices, so switching on again starts afresh
    for key in (*filters.WIDGETS.values(), filters.TILES_WIDGET, filters.DATE_WIDGET):
        state.pop(key, None)

# The URL carries the current selection, so a view can be shared.
wanted = view.to_params(dt.date.today())
if dict(params) != wanted:
    st.query_params.from_dict(wanted)
