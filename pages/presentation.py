"""Mode présentation : la carte en plein écran, étape par étape, au clavier ou à la télécommande ;
``?vue=orateur`` : la vue orateur (notes, étape suivante, heure), en phase avec la première,
pour l'équipe connectée ou le détenteur d'un lien orateur (``&cle=…``) seulement."""

import datetime as dt

import streamlit as st

from cufmap import DEFAULT_DATA, DEFAULT_PLACES
from cufmap.publish import filters
from cufmap.app import speaker
from cufmap.publish.mapdoc import TILE_LABELS, MapOptions
from cufmap.app.web import PRESENTER_CSS, load_relay, map_document, md, public_address

st.set_page_config(page_title="Présentation — Relais de la Coop Déc'", layout="wide",
                   initial_sidebar_state="collapsed")
st.html(PRESENTER_CSS)

params = st.query_params
relay = load_relay(str(DEFAULT_DATA))
if relay.error:
    st.error(md(relay.error))
    st.stop()
is_speaker = params.get("vue") == "orateur"
if is_speaker and not speaker.allowed(params.get("cle")):
    st.stop()  # the notes are for staff: no speaker view, no note
tiles = params.get("tuiles", "osm-fr")
options = MapOptions(tiles=tiles if tiles in TILE_LABELS else "osm-fr", presenter=True,
                     start=params.get("etape", ""), speaker=is_speaker,
                     public_url=public_address(params.get("adresse")),
                     speaker_url=speaker.speaker_url(params),
                     today=filters.parse_reference_date(params.get("date")) or dt.date.today())
document = map_document(str(DEFAULT_DATA), str(DEFAULT_PLACES),
                        filters.Filters.from_params(params), options,
                        notes=speaker.notes_of(relay.stages) if is_speaker else None)
st.iframe(document, height=900)
