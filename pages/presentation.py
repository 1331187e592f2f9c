"""Mode présentation : la carte en plein écran, étape par étape, au clavier ou à la télécommande ;
``?vue=orateur`` : la vue orateur (notes, étape suivante, heure), en phase avec la première,
pour l'équipe connectée ou le détenteur d'un lien orateur (``&cle=…``) seulement."""

import streamlit as st

from cufmap import i18n
from cufmap.app import frames, loaders, speaker
from cufmap.app.ui import PRESENTER_CSS, french_streamlit, md, page_language
from cufmap.publish.mapdoc import TILE_LABELS, MapOptions

lang = page_language()  # ?langue=, else the browser's, else French
st.set_page_config(page_title=i18n.text("page_presentation_title", lang), layout="wide",
                   initial_sidebar_state="collapsed")
st.html(PRESENTER_CSS)
french_streamlit(lang)

params = st.query_params
relay = loaders.load_relay()
if relay.error:
    st.error(md(relay.error))
    st.stop()
is_speaker = params.get("vue") == "orateur"
if is_speaker and not speaker.allowed(params.get("cle")):
    st.stop()  # the notes are for staff: no speaker view, no note
tiles = params.get("tuiles", "osm-fr")
tiles = tiles if tiles in TILE_LABELS else "osm-fr"
# The document reads the view's options in its address: never the presenter link's secret.
shown = {k: v for k, v in params.to_dict().items() if k not in ("vue", "cle", "adresse")}
shown["langue"] = lang
# A public address of this view's own (?adresse=) is drawn for this page, inline.
own_address = params.get("adresse")
document = frames.map_document(
    shown, tiles=tiles, presenter=True, speaker=is_speaker,
    notes=speaker.notes_of(relay.stages) if is_speaker else None,
    inline_options=MapOptions(tiles=tiles, presenter=True, speaker=is_speaker,
                              public_url=own_address,
                              speaker_url=speaker.speaker_url(params)) if own_address else None)
st.iframe(document, height=900, alt=i18n.text("map_frame_title", lang))
