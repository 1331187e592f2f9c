"""Carte publique : la carte et la chronologie du « Relais de la Coop Déc' »."""

import datetime as dt

import streamlit as st

from cufmap import DEFAULT_DATA, countries, filters, schema
from cufmap.gazetteer import ATTRIBUTION
from cufmap.geocoding import DEFAULT_PLACES
from cufmap.mapdoc import TILE_LABELS, MapOptions
from cufmap.web import load_relay, map_document

params = st.query_params
relay = load_relay(str(DEFAULT_DATA))
if relay.error:
    st.title("Relais de la Coop Déc'")
    st.error(relay.error)
    st.stop()
stages = relay.stages

st.markdown("### Relais de la Coop Déc' — les 50 ans de Cités Unies France")

current = filters.Filters.from_params(params)
months = sorted({filters.month_key(s) for s in stages},
                key=lambda k: (k == filters.UNDATED, k))
host_types = [t for t in schema.TYPES_COLLECTIVITE if any(s.host_type == t for s in stages)]
formats = [f for f in schema.FORMATS if any(s.format == f for s in stages)]
partner_countries = sorted({p.iso for s in stages for p in s.partners if p.iso},
                           key=countries.name)

with st.expander("Filtrer les étapes", expanded=current != filters.Filters()):
    c1, c2, c3, c4, c5 = st.columns([1.2, 1.2, 1, 1, 1.4])
    chosen = filters.Filters(
        months=tuple(c1.multiselect("Mois", months, [m for m in current.months if m in months],
                                    format_func=filters.month_label)),
        host_types=tuple(c2.multiselect("Type de collectivité", host_types,
                                        [t for t in current.host_types if t in host_types])),
        formats=tuple(c3.multiselect("Format", formats,
                                     [f for f in current.formats if f in formats])),
        countries=tuple(c4.multiselect("Pays partenaire", partner_countries,
                                       [c for c in current.countries if c in partner_countries],
                                       format_func=countries.name)),
        text=c5.text_input("Rechercher un nom", current.text,
                           placeholder="Billère, Corée, Yangpyeong…"),
        host=current.host,
    )

with st.sidebar:
    st.markdown("**Affichage**")
    tiles_keys = list(TILE_LABELS)
    tiles = st.selectbox("Fond de carte", tiles_keys,
                         index=tiles_keys.index(params.get("tuiles", "osm-fr"))
                         if params.get("tuiles") in tiles_keys else 0,
                         format_func=TILE_LABELS.get)
    reference = filters.parse_reference_date(params.get("date")) or dt.date.today()
    reference = st.date_input("Date de référence (étapes passées / à venir)", reference,
                              format="DD/MM/YYYY")

# The URL carries the current selection, so a view can be shared.
wanted = {**chosen.to_params()}
if tiles != "osm-fr":
    wanted["tuiles"] = tiles
if reference != dt.date.today():
    wanted["date"] = reference.isoformat()
for key in ("etape", "langue"):
    if params.get(key):
        wanted[key] = params[key]
if dict(params) != wanted:
    st.query_params.from_dict(wanted)

options = MapOptions(tiles=tiles, start=params.get("etape", ""), today=reference,
                     lang="en" if params.get("langue") == "en" else "fr")
document, shown = map_document(str(DEFAULT_DATA), str(DEFAULT_PLACES), chosen, options)
if shown < len(stages):
    st.caption(f"{shown} étape(s) sur {len(stages)} correspondent à la sélection.")
st.iframe(document, height=680)
st.caption(f"Données : La Lettre de Cités Unies France (mars-avril 2025). Lieux — {ATTRIBUTION}")
