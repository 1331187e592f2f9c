"""Page publique : la carte et la chronologie du « Relais de la Coop Déc' »."""

import streamlit as st

from cufmap import DEFAULT_DATA
from cufmap.gazetteer import ATTRIBUTION
from cufmap.web import load_relay, stage_list_markdown

st.set_page_config(page_title="Relais de la Coop Déc' — Cités Unies France", page_icon="🗺️",
                   layout="wide")

st.title("Relais de la Coop Déc'")
st.caption("Les 50 ans de Cités Unies France : les étapes du relais, d'avril à juillet 2025.")

relay = load_relay(str(DEFAULT_DATA))
if relay.error:
    st.error(relay.error)
    st.stop()
st.markdown(stage_list_markdown(relay.stages))

st.caption(f"Données : La Lettre de Cités Unies France (mars-avril 2025). Lieux — {ATTRIBUTION}")
