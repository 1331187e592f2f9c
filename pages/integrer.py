"""« Intégrer la carte » : le code iframe pour un site, avec aperçu, et la commande d'export."""

import html
from urllib.parse import urlencode

import streamlit as st

from cufmap import i18n
from cufmap.app import frames, loaders
from cufmap.app.ui import french_streamlit, md, page_style
from cufmap.relay import countries

st.set_page_config(page_title="Intégrer la carte — Relais de la Coop Déc'", layout="wide")
french_streamlit()
page_style()
st.markdown("### Intégrer la carte sur un site")
relay = loaders.load_relay()
if relay.error:
    st.error(md(relay.error))
    st.stop()
stages = relay.stages

live = loaders.live_map_url()
where = st.radio("Carte à intégrer", ["live", "site"], horizontal=True, format_func={
    "live": "La carte en ligne de l'application (toujours à jour)",
    "site": "Un export publié sur votre site"}.get)
if where == "live":
    st.markdown(
        f"La carte en ligne, `{live}`, est régénérée à chaque enregistrement : une page "
        "statique (carte, `relais.geojson` et `relais.ics` à côté), qui ne coûte rien au "
        "serveur. Collez le code ci-dessous dans votre page, après avoir choisi les options.")
else:
    st.markdown(
        "1. Exportez la carte en fichiers statiques : `cufmap export carte-relais/` (fichiers "
        "`index.html`, `relais.geojson`, `relais.ics`, sans aucune ressource extérieure).\n"
        "2. Publiez le dossier sur votre site (ou celui de CUF).\n"
        "3. Collez le code ci-dessous dans votre page, après avoir choisi les options.")

c1, c2, c3 = st.columns(3)
url = c1.text_input("Adresse de la carte publiée",
                    live if where == "live" else "https://www.exemple.fr/carte-relais/index.html",
                    key=f"url_{where}")
hosts = sorted({s.host for s in stages})
host = c2.selectbox("Une seule collectivité", [""] + hosts,
                    format_func=lambda h: h or "Toutes les collectivités")
isos = sorted({p.iso for s in stages for p in s.partners if p.iso}, key=countries.name)
country = c3.selectbox("Un seul pays partenaire", [""] + isos,
                       format_func=lambda c: countries.name(c) if c else "Tous les pays")
d1, d2, d3, d4 = st.columns(4)
ids = [s.id for s in stages]
titles = {s.id: f"{s.host} — {s.title}" for s in stages}
start = d1.selectbox("Commencer sur l'étape", [""] + ids,
                     format_func=lambda i: titles.get(i, "Vue d'ensemble"))
lang = d2.selectbox("Langue", ["fr", "en"], format_func={"fr": "Français", "en": "English"}.get)
timeline = d3.toggle("Afficher la chronologie", value=True)
height = d4.number_input("Hauteur (pixels)", min_value=320, max_value=1400, value=600, step=20)

params = {k: v for k, v in {"collectivite": host, "pays": country, "etape": start,
                            "langue": "en" if lang == "en" else "",
                            "chronologie": "" if timeline else "0"}.items() if v}
src = url + ("?" + urlencode(params) if params else "")
# the map's language; inside double quotes (an apostrophe stays as typed)
frame_title = html.escape(i18n.text("map_frame_title", lang), quote=False).replace('"', "&quot;")
snippet = (f'<iframe src="{html.escape(src)}" title="{frame_title}" '
           f'width="100%" height="{int(height)}" style="border:0" loading="lazy" '
           'allow="fullscreen; clipboard-write"></iframe>')
# Plain text, lines wrapped: the highlighted code was 3.8:1 on its background, and a line
# scrolling sideways could not be read with a keyboard (RGAA 3.2, 7.3).
st.code(snippet, language=None, wrap_lines=True)

st.markdown("**Aperçu**")
st.iframe(frames.map_document(params), height=int(height), alt=i18n.text("map_frame_title", lang))  # the same options as the code
