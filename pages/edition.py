"""« Modifier les étapes » : l'édition du relais par l'équipe (connexion requise).

La logique est dans ``cufmap.editing`` (tableau, fusion, import, lieux), ``cufmap.store``
(enregistrement atomique, versions, conflits) ou ``cufmap.gitstore`` (le même sur un dépôt
Git) ; cette page ne fait que l'agencer.
"""

import pandas as pd
import streamlit as st

from cufmap import DEFAULT_PLACES, editing, schema, store, validation
from cufmap.errors import ConflictError, CufmapError, UnreadableTable, os_message
from cufmap.geocoding import Chain, PlacesFile
from cufmap.mapdoc import picker_map
from cufmap.web import french_streamlit, md, refresh_public, signed_in_editor, storage

st.set_page_config(page_title="Modifier les étapes — Relais de la Coop Déc'", layout="wide")
french_streamlit()
st.markdown("### Modifier les étapes du relais")
st.markdown("[← La carte publique](./)")

author = signed_in_editor()
if author is None:
    st.stop()

state = st.session_state
data = storage()  # the local file, or the Git remote the settings name


def load(keep_edits: bool = False) -> None:
    """Read the file into the session; with ``keep_edits``, merge one's edits onto it. A file
    that cannot be read leaves an empty table and its version: a restore or an import can
    still replace it."""
    state.ed_table = state.get("ed_table", 0) + 1  # a fresh editor over the new start
    state.ed_conflict = False
    try:
        snapshot = data.load()
    except CufmapError as exc:
        state.ed_broken = str(exc)
        state.ed_start = state.ed_base = pd.DataFrame(columns=list(schema.NAMES), dtype=object)
        state.ed_version, state.ed_conflicts = data.current_version(), []
        return
    state.ed_broken = ""
    if keep_edits:
        merged, conflicts = editing.merge(state.ed_base, state.ed_mine, snapshot.frame)
        state.ed_start, state.ed_conflicts = merged, [c.message() for c in conflicts]
    else:
        state.ed_start, state.ed_conflicts = snapshot.frame, []
    state.ed_base, state.ed_version = snapshot.frame, snapshot.version


# Each visit sees the remote's latest commit; later reruns fetch at most every 30 s. New data
# from the remote also regenerates the public page.
if data.sync(force="ed_base" not in state):
    state.ed_public = refresh_public(data)
if "ed_base" not in state:
    load()


def problems_table(problems: list[validation.Problem]) -> None:
    """Problems as a table of text (cell values are never rendered as Markdown or HTML)."""
    st.dataframe(pd.DataFrame(
        [{"Ligne": p.row, "Colonne": p.column, "Valeur": p.value,
          "Niveau": "erreur" if p.level == validation.ERROR else "avertissement",
          "Que faire": p.message} for p in problems]),
        hide_index=True, width="stretch")


# Always present (empty or not), so the tabs below keep their place and the open tab.
notice = st.empty()
if state.get("ed_saved"):
    notice.success(f"Enregistré ({state.pop('ed_saved')}). La carte publique montre déjà "
                   "la nouvelle version.")
with st.container():  # one element whatever it holds: the tabs keep their place
    if state.get("ed_public"):  # the save stands; only the public page lags
        st.warning(md(state.pop("ed_public")))
    if data.unreachable:
        st.warning(md(data.unreachable))
    if data.problem:
        st.warning(md(data.problem))
    if not state.get("ed_conflict") and data.current_version() != state.ed_version:
        st.info("Une nouvelle version a été enregistrée depuis que vous avez ouvert la page "
                "(par une autre personne ou directement dans le dépôt).")
        if st.button("Charger la nouvelle version en gardant mes modifications"):
            load(keep_edits="ed_mine" in state)
            st.rerun()


def saved(summary: str) -> None:
    """After a save: read the new version, regenerate the public page, say so."""
    load()
    state.ed_saved = summary
    state.ed_public = refresh_public(data)
    st.rerun()


def table_tab() -> None:
    st.caption(f"Connecté : {md(author)}. Chaque en-tête de colonne explique ce qu'elle attend ; "
               "« + » en bas du tableau ajoute une étape, la case à gauche d'une ligne permet "
               "de la supprimer.")
    start = editing.to_editor(state.ed_start)
    edited = st.data_editor(start, column_config=editing.column_config(state.ed_start),
                            num_rows="dynamic", key=f"ed_table_{state.ed_table}",
                            height=editing.editor_height(len(start)),
                            hide_index=False, placeholder="", alt="Étapes du relais")
    mine = editing.from_editor(edited)
    state.ed_mine = mine
    problems = editing.table_problems(mine)
    errors = validation.errors(problems)
    changes = editing.diff(state.ed_base, mine)
    if state.ed_conflicts:
        st.warning("Votre version a été fusionnée avec celle enregistrée entre-temps. "
                   "Vérifiez ces cellules modifiées des deux côtés :")
        st.dataframe(pd.DataFrame({"Conflit": state.ed_conflicts}), hide_index=True,
                     width="stretch")
    if problems:
        (st.error if errors else st.warning)(
            f"{len(errors)} erreur(s) et {len(problems) - len(errors)} avertissement(s) : "
            "les lignes sont celles du tableau ci-dessus." +
            (" Corrigez les erreurs pour pouvoir enregistrer." if errors else ""))
        problems_table(problems)
    st.caption("Modifications non enregistrées : " + changes.summary() + "."
               if not changes.empty else "Aucune modification en cours.")
    save = st.button("Enregistrer", type="primary", disabled=bool(errors) or changes.empty)
    if save:
        try:
            data.save(mine, state.ed_version, author=author)
        except ConflictError as exc:
            state.ed_conflict = str(exc)
        except CufmapError as exc:  # not writable, remote unreachable or refusing; edits stay in the table
            st.error(md(exc))
        else:
            saved(changes.summary())
    if state.get("ed_conflict"):
        st.error("Quelqu'un d'autre a enregistré le fichier depuis que vous l'avez ouvert : "
                 "votre enregistrement est refusé, rien n'est perdu.")
        c1, c2 = st.columns(2)
        if c1.button("Charger sa version en gardant mes modifications", type="primary"):
            load(keep_edits=True)
            st.rerun()
        if c2.button("Abandonner mes modifications et charger sa version"):
            load()
            st.rerun()

def places_tab() -> None:
    st.markdown("Où la carte place chaque collectivité hôte et chaque partenaire. Un lieu "
                "« ambigu » ou « introuvable » attend votre choix, qui est retenu dans "
                f"`{DEFAULT_PLACES}` : il ne sera plus jamais demandé.")
    if st.button("Vérifier les lieux"):
        bar = st.progress(0.0, text="Recherche des lieux…")
        chain = Chain.default(DEFAULT_PLACES)
        try:
            state.ed_places = editing.place_statuses(
                state.ed_mine, chain,
                progress=lambda done, total, name: bar.progress(done / total,
                                                                text=f"{done}/{total} : {name}"))
        except CufmapError as exc:  # the places file cannot be read
            st.error(md(exc))
        bar.empty()
    statuses = state.get("ed_places")
    if statuses is not None:
        statuses = sorted(statuses, key=lambda s: not s.needs_choice)  # choices to make first
        st.dataframe(pd.DataFrame([{
            "Étape": s.stage, "Rôle": s.role, "Lieu": s.label, "Statut": s.result.status,
            "Placé sur": s.result.name, "Source": s.result.source,
            "Latitude": s.result.lat, "Longitude": s.result.lon, "Remarque": s.result.note}
            for s in statuses]), hide_index=True, width="stretch")
        waiting = [s for s in statuses if s.needs_choice]
        if not waiting:
            st.success("Tous les lieux sont placés.")
        places = PlacesFile(DEFAULT_PLACES)

        def remember(s, lat, lon, **how):
            try:
                editing.choose_place(places, s.query, lat, lon, **how)
            except CufmapError as exc:  # the places file cannot be written
                st.error(md(exc))
                return
            state.ed_places = editing.refresh(statuses, s, places)
            try:
                data.save_places(author)  # with the Git storage, one commit
            except CufmapError as exc:
                st.error(md(exc))
                return
            state.ed_public = refresh_public(data)
            st.rerun()

        def click_to_place(s, centre, candidates=()):
            from streamlit_folium import st_folium

            clicked = st_folium(picker_map(centre, zoom=5 if candidates else 9,
                                           candidates=candidates),
                                key=f"ed_map_{s.key}", height=360, width=None,
                                returned_objects=["last_clicked"])
            point = (clicked or {}).get("last_clicked")
            if point:
                st.write(f"Point choisi : {point['lat']:.5f}, {point['lng']:.5f}")
                if st.button("Retenir ce point", key=f"ed_point_{s.key}"):
                    remember(s, point["lat"], point["lng"], how="placé sur la carte par l'équipe")

        for i, s in enumerate(waiting):
            with st.expander(f"{md(s.label)} — {s.result.status}", expanded=i == 0):
                candidates = s.result.candidates
                options = [(c.lat, c.lon, f"{c.note or c.name} — {c.lat:.4f}, {c.lon:.4f}")
                           for c in candidates]
                if options:
                    pick = st.radio("Candidats, du plus probable au moins probable",
                                    range(len(options)),
                                    format_func=lambda k: f"{k + 1}. {md(options[k][2])}",
                                    key=f"ed_pick_{s.key}")
                    if st.button("Retenir ce lieu", key=f"ed_keep_{s.key}", type="primary"):
                        c = candidates[pick]
                        remember(s, c.lat, c.lon, name=c.name, kind=c.kind)
                elif s.result.suggestions:
                    st.write("Orthographes proches : " + ", ".join(map(md, s.result.suggestions)))
                st.markdown("Ou cliquez sur la carte à l'endroit exact :")
                click_to_place(s, (options[0][0], options[0][1]) if options else None, options)

        placed = [s for s in statuses if not s.needs_choice]
        if placed:
            fix = st.selectbox("Corriger un lieu déjà placé", [None, *range(len(placed))],
                               format_func=lambda k: "—" if k is None else
                               f"{placed[k].label} (placé sur {placed[k].result.name})")
            if fix is not None:
                s = placed[fix]
                st.markdown(f"Cliquez sur la carte à l'endroit exact de {md(s.label)} "
                            "(le cercle rouge est sa position actuelle) :")
                click_to_place(s, s.result.point)


def history_tab() -> None:
    try:
        versions = data.versions()
    except CufmapError as exc:  # the remote cannot be read
        st.error(md(exc))
        return
    except OSError as exc:  # the history folder cannot be read
        st.error(md(os_message(getattr(data, "history", DEFAULT_PLACES), exc)))
        return
    if not versions:
        st.info("Aucune version enregistrée pour l'instant.")
    else:
        st.dataframe(pd.DataFrame([{
            "Enregistrée le": v.saved_at.strftime("%d/%m/%Y %H:%M:%S"), "Par": v.author,
            **({"Résumé": v.summary} if any(x.summary for x in versions) else {}),
            "Lignes": v.rows, "Empreinte": v.digest} for v in versions]),
            hide_index=True, width="stretch")
        chosen = st.selectbox("Version à rétablir", [v.ident for v in versions],
                              format_func=lambda ident: next(
                                  f"{v.saved_at:%d/%m/%Y %H:%M:%S} — {v.author} — {v.rows} "
                                  "ligne(s)" for v in versions if v.ident == ident))
        st.caption("Rétablir une version en crée une nouvelle : la version actuelle reste dans "
                   "l'historique.")
        if st.button("Rétablir cette version"):
            try:
                data.restore(chosen, state.ed_version, author=author)
            except ConflictError:
                state.ed_conflict = True
                st.error("Quelqu'un d'autre a enregistré entre-temps : rechargez avant de "
                         "rétablir une version.")
            except CufmapError as exc:
                st.error(md(exc))
            else:
                saved("version rétablie")

def files_tab() -> None:
    st.markdown("**Importer** un fichier CSV ou XLSX tel qu'Excel ou LibreOffice l'enregistre "
                "(séparateur « ; » ou « , », UTF-8 ou Windows-1252, dates JJ/MM/AAAA). "
                "Rien n'est remplacé avant votre confirmation.")
    upload = st.file_uploader("Fichier à importer", type=["csv", "txt", "xlsx"],
                              help=f"CSV, TXT ou XLSX de {editing.MAX_UPLOAD_BYTES // 2**20} Mo "
                                   "au plus.",
                              key=f"ed_upload_{state.get('ed_import', 0)}")
    if upload is not None:
        try:
            report = editing.read_upload(upload.getvalue(), upload.name, state.ed_base)
        except UnreadableTable as exc:
            st.error(f"« {md(upload.name)} » ne peut pas être importé : {md(exc)}")
        else:
            st.write(f"{report.description} — par rapport à la version enregistrée : "
                     f"{report.changes.summary()}.")
            st.dataframe(pd.DataFrame(
                [{"Changement": "ajoutée", "Étape": k} for k in report.changes.added] +
                [{"Changement": "modifiée (" + ", ".join(v) + ")", "Étape": k}
                 for k, v in report.changes.changed.items()] +
                [{"Changement": "supprimée", "Étape": k} for k in report.changes.removed],
                columns=["Changement", "Étape"]), hide_index=True, width="stretch")
            if report.problems:
                (st.error if report.errors else st.warning)(
                    f"{len(report.errors)} erreur(s), "
                    f"{len(report.problems) - len(report.errors)} avertissement(s) ; les lignes "
                    "sont celles du fichier importé." +
                    (" Corrigez le fichier puis importez-le de nouveau." if report.errors else ""))
                problems_table(report.problems)
            confirmed = True
            if report.removes_most:
                st.warning(report.removal_warning())
                confirmed = st.checkbox(
                    f"Oui, supprimer {len(report.changes.removed)} étapes",
                    key=f"ed_confirm_{state.get('ed_import', 0)}")
            if st.button("Remplacer les étapes par ce fichier", type="primary",
                         disabled=bool(report.errors) or report.changes.empty or not confirmed):
                try:
                    data.save(report.frame, state.ed_version, author=author)
                except ConflictError:
                    state.ed_conflict = True
                    st.error("Quelqu'un d'autre a enregistré entre-temps : rechargez puis "
                             "importez de nouveau.")
                except CufmapError as exc:
                    st.error(md(exc))
                else:
                    state.ed_import = state.get("ed_import", 0) + 1
                    saved("import : " + report.changes.summary())
    if state.ed_broken:
        return
    st.markdown("**Exporter** la version enregistrée :")
    e1, e2 = st.columns(2)
    e1.download_button("Classeur Excel (.xlsx)", store.to_xlsx_bytes(state.ed_base),
                       file_name="relais.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    e2.download_button("CSV pour Excel (UTF-8, « ; »)", store.to_excel_csv_bytes(state.ed_base),
                       file_name="relais-excel.csv", mime="text/csv")


sections = {"Étapes": table_tab, "Lieux": places_tab, "Historique": history_tab,
            "Importer / exporter": files_tab}
if state.ed_broken:  # nothing to edit: what can replace the file
    st.error(f"Le fichier des étapes ne peut pas être lu : {md(state.ed_broken)} Rétablissez "
             "une version précédente (Historique) ou importez un fichier corrigé.")
    sections = {k: v for k, v in sections.items() if v in (history_tab, files_tab)}
for tab, show in zip(st.tabs(list(sections)), sections.values()):
    with tab:
        show()
