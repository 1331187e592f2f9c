"""cufmap : la carte du « Relais de la Coop Déc' » (Cités Unies France, 50 ans).

Point d'entrée : ``streamlit run app.py``. Les pages elles-mêmes sont dans ``pages/``.
"""

import streamlit as st

st.set_page_config(page_title="Relais de la Coop Déc' — Cités Unies France", page_icon="🗺️",
                   layout="wide")

navigation = st.navigation([
    st.Page("pages/carte.py", title="Carte du relais", icon="🗺️", default=True),
    st.Page("pages/presentation.py", title="Mode présentation", icon="🖥️",
            url_path="presentation"),
])
navigation.run()
