"""« Modifier les étapes » : l'édition du relais par l'équipe (connexion requise).

La logique est dans ``cufmap.editing.session`` (tableau, fusion, import, lieux), ``cufmap.storage.local``
(enregistrement atomique, versions, conflits) ou ``cufmap.storage.gitstore`` (le même sur un dépôt
Git) ; cette page ne fait que l'agencer.
"""

import streamlit as st

from cufmap.app import edition_tabs as tabs
from cufmap.app import loaders, speaker
from cufmap.app.signin import signed_in_editor
from cufmap.app.ui import french_streamlit, md, page_style
from cufmap.editing import session
from cufmap.places import remembered

st.set_page_config(page_title="Modifier les étapes — Relais de la Coop Déc'", layout="wide")
french_streamlit()
page_style()
st.markdown("### Modifier les étapes du relais")
st.markdown("[← La carte publique](./)")

author = signed_in_editor()
if author is None:
    st.stop()

state = st.session_state
publisher = loaders.publisher()
data = publisher.storage  # the local file, or the Git remote the settings name
if "ed" not in state:  # the latest version (fetched now from a Git remote)
    state.ed = session.EditingSession.open(data, author, publisher.publish_now)
ed = state.ed
ed.store, ed.author = data, author
ed.follow()  # news from the remote regenerates the public page
if publisher.stale():  # the data file changed by hand: the public page follows now
    ed.public = publisher.publish_now()


# Always present (empty or not), so the tabs below keep their place and the open tab.
notice = st.empty()
if ed.saved:
    notice.success(f"Enregistré ({ed.take('saved')}). La carte publique montre déjà "
                   "la nouvelle version.")
with st.container():  # one element whatever it holds: the tabs keep their place
    if ed.public:  # the save stands; only the public page lags
        st.warning(md(ed.take("public")))
    for notice in (data.unreachable, data.problem, data.places_problem,
                   remembered.local_problem(data.places),  # places file refused: why
                   loaders.unserved_notice()):
        if notice:
            st.warning(md(notice))
    tabs.conflict_notice(ed)  # a save refused: someone saved meanwhile
    if ed.stale:
        st.info("Une nouvelle version a été enregistrée depuis que vous avez ouvert la page "
                "(par une autre personne ou directement dans le dépôt).")
        st.button("Charger la nouvelle version en gardant mes modifications",  # before the page
                  on_click=ed.load, kwargs={"keep_edits": True})


sections = {"Étapes": tabs.table_tab, "Une étape": tabs.stage_tab, "Lieux": tabs.places_tab,
            "Historique": tabs.history_tab, "Importer / exporter": tabs.files_tab}
if ed.broken and ed.broken == data.unreachable:  # never read: the remote is the problem
    st.error("Le dépôt Git des données est injoignable : les étapes ne peuvent pas être "
             "chargées pour l'instant. Rien n'a été perdu ; rechargez la page dans un moment.")
    st.stop()
if ed.broken:  # nothing to edit: what can replace the file
    st.error(f"Le fichier des étapes ne peut pas être lu : {md(ed.broken)} Rétablissez "
             "une version précédente (Historique) ou importez un fichier corrigé.")
    sections = {k: v for k, v in sections.items() if v in (tabs.history_tab, tabs.files_tab)}
for tab, show in zip(st.tabs(list(sections)), sections.values()):
    with tab:
        show(ed)
speaker.links_panel(author)  # presenter links for the webinar's speaker view
