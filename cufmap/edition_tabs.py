"""The editing page's tabs, laid out over an :class:`cufmap.editing.EditingSession` (the
logic is there and in the stores; ``pages/edition.py`` frames the tabs)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from . import editing, store, validation
from .errors import CufmapError, UnreadableTable, os_message
from .geocoding import Chain, PlacesFile
from .mapdoc import picker_map
from .web import md


def problems_table(problems: list[validation.Problem]) -> None:
    """Problems as a table of text (cell values are never rendered as Markdown or HTML)."""
    st.dataframe(pd.DataFrame(
        [{"Ligne": p.row, "Colonne": p.column, "Valeur": p.value,
          "Niveau": "erreur" if p.level == validation.ERROR else "avertissement",
          "Que faire": p.message} for p in problems]),
        hide_index=True, width="stretch")


def table_tab(ed: editing.EditingSession) -> None:
    st.caption(f"Connecté : {md(ed.author)}. Chaque en-tête de colonne explique ce qu'elle "
               "attend ; « + » en bas du tableau ajoute une étape, la case à gauche d'une "
               "ligne permet de la supprimer.")
    start = editing.to_editor(ed.start)
    edited = st.data_editor(start, column_config=editing.column_config(ed.start),
                            num_rows="dynamic", key=f"ed_table_{ed.table}",
                            height=editing.editor_height(len(start)),
                            hide_index=False, placeholder="", alt="Étapes du relais")
    now = ed.edit(editing.from_editor(edited))
    problems, errors, changes = now.problems, now.errors, now.changes
    if ed.conflicts:
        st.warning("Votre version a été fusionnée avec celle enregistrée entre-temps. "
                   "Vérifiez ces cellules modifiées des deux côtés :")
        st.dataframe(pd.DataFrame({"Conflit": ed.conflicts}), hide_index=True,
                     width="stretch")
    if problems:
        (st.error if errors else st.warning)(
            f"{len(errors)} erreur(s) et {len(problems) - len(errors)} avertissement(s) : "
            "les lignes sont celles du tableau ci-dessus." +
            (" Corrigez les erreurs pour pouvoir enregistrer." if errors else ""))
        problems_table(problems)
    st.caption("Modifications non enregistrées : " + changes.summary() + "."
               if not changes.empty else "Aucune modification en cours.")
    if st.button("Enregistrer", type="primary", disabled=not now.savable):
        try:
            if ed.save():
                st.rerun()
        except CufmapError as exc:  # not writable, remote unreachable or refusing: the edits
            # stay in the table
            st.error(md(exc))
    if ed.conflict:
        st.error("Quelqu'un d'autre a enregistré le fichier depuis que vous l'avez ouvert : "
                 "votre enregistrement est refusé, rien n'est perdu.")
        c1, c2 = st.columns(2)
        if c1.button("Charger sa version en gardant mes modifications", type="primary"):
            ed.load(keep_edits=True)
            st.rerun()
        if c2.button("Abandonner mes modifications et charger sa version"):
            ed.load()
            st.rerun()


def places_tab(ed: editing.EditingSession) -> None:
    from . import DEFAULT_PLACES  # read at each run: it follows CUFMAP_PLACES

    st.markdown("Où la carte place chaque collectivité hôte et chaque partenaire. Un lieu "
                "« ambigu » ou « introuvable » attend votre choix, qui est retenu dans "
                f"`{DEFAULT_PLACES}` : il ne sera plus jamais demandé.")
    if st.button("Vérifier les lieux"):
        bar = st.progress(0.0, text="Recherche des lieux…")
        try:
            ed.check_places(Chain.default(DEFAULT_PLACES),
                            progress=lambda done, total, name: bar.progress(
                                done / total, text=f"{done}/{total} : {name}"))
        except CufmapError as exc:  # the places file cannot be read
            st.error(md(exc))
        bar.empty()
    statuses = ed.places
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
            try:  # the places file (with the Git storage, one commit)
                ed.remember_place(places, s, lat, lon, **how)
            except CufmapError as exc:  # the places file cannot be written
                st.error(md(exc))
                return
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


def history_tab(ed: editing.EditingSession) -> None:
    from . import DEFAULT_PLACES

    try:
        versions = ed.store.versions()
    except CufmapError as exc:  # the remote cannot be read
        st.error(md(exc))
        return
    except OSError as exc:  # the history folder cannot be read
        st.error(md(os_message(getattr(ed.store, "history", DEFAULT_PLACES), exc)))
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
            _replace(lambda: ed.restore(chosen), "rechargez avant de rétablir une version.")


def _replace(action, then: str) -> None:
    """A restore or an import: rerun on success; otherwise say why (someone saved meanwhile,
    or the storage refused), the data untouched."""
    try:
        if action():
            st.rerun()
        st.error(f"Quelqu'un d'autre a enregistré entre-temps : {then}")
    except CufmapError as exc:
        st.error(md(exc))


def files_tab(ed: editing.EditingSession) -> None:
    st.markdown("**Importer** un fichier CSV ou XLSX tel qu'Excel ou LibreOffice l'enregistre "
                "(séparateur « ; » ou « , », UTF-8 ou Windows-1252, dates JJ/MM/AAAA). "
                "Rien n'est remplacé avant votre confirmation.")
    upload = st.file_uploader("Fichier à importer", type=["csv", "txt", "xlsx"],
                              help=f"CSV, TXT ou XLSX de {editing.MAX_UPLOAD_BYTES // 2**20} Mo "
                                   "au plus.",
                              key=f"ed_upload_{ed.uploads}")
    if upload is not None:
        try:
            report = editing.read_upload(upload.getvalue(), upload.name, ed.base)
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
                    key=f"ed_confirm_{ed.uploads}")
            if st.button("Remplacer les étapes par ce fichier", type="primary",
                         disabled=bool(report.errors) or report.changes.empty or not confirmed):
                _replace(lambda: ed.import_upload(report),
                         "rechargez puis importez de nouveau.")
    if ed.broken:
        return
    st.markdown("**Exporter** la version enregistrée :")
    e1, e2 = st.columns(2)
    e1.download_button("Classeur Excel (.xlsx)", store.to_xlsx_bytes(ed.base),
                       file_name="relais.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    e2.download_button("CSV pour Excel (UTF-8, « ; »)", store.to_excel_csv_bytes(ed.base),
                       file_name="relais-excel.csv", mime="text/csv")
