"""The editing page's tabs, laid out over an :class:`cufmap.editing.session.EditingSession` (the
logic is there and in the stores; ``pages/edition.py`` frames the tabs)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cufmap.app import loaders
from cufmap.app.ui import inline_script, md
from cufmap.editing import session
from cufmap.errors import CufmapError, UnreadableTable, os_message
from cufmap.places.geocoding import Chain, PlacesFile
from cufmap.publish import export, poster, site
from cufmap.publish.mapdoc import picker_map, route_group
from cufmap.relay import validation
from cufmap.storage import changes, spreadsheets


def problems_table(problems: list[validation.Problem]) -> None:
    """Problems as a table of text (cell values are never rendered as Markdown or HTML);
    columns by their French titles."""
    st.dataframe(pd.DataFrame(
        [{"Ligne": p.row, "Colonne": validation.title(p.column), "Valeur": p.value,
          "Niveau": "erreur" if p.level == validation.ERROR else "avertissement",
          "Que faire": p.message} for p in problems]),
        hide_index=True, width="stretch")


def confirm_erasures(found: list[changes.Erasure], key: str) -> bool:
    """Names every filled cell a save would empty and asks for a tick; True when there is
    nothing to confirm or it is ticked."""
    if not found:
        return True
    st.warning("Cet enregistrement effacerait des valeurs remplies :\n\n" +
               "\n".join(f"- {md(e.message())}" for e in found))
    import hashlib

    digest = hashlib.sha1(repr([(e.ident, e.column) for e in found]).encode()).hexdigest()[:10]
    return st.checkbox(f"Oui, effacer {'cette valeur' if len(found) == 1 else 'ces valeurs'}",
                       key=f"{key}_{digest}")


def _save(action) -> None:
    """A save from the table or the form, then a fresh page: saved, or refused because
    someone saved meanwhile (:func:`conflict_notice` says so above the tabs, and the save
    buttons wait for the reload). A storage error is said here, the edits kept."""
    try:
        action()
    except CufmapError as exc:  # not writable, remote unreachable or refusing: the edits
        # stay where they were typed
        st.error(md(exc))
        return
    st.rerun()


def conflict_notice(ed: session.EditingSession) -> None:
    """Above the tabs: a save refused because someone saved meanwhile, and the two ways on."""
    if not ed.conflict:
        return
    st.error("Quelqu'un d'autre a enregistré le fichier depuis que vous l'avez ouvert : "
             "votre enregistrement est refusé, rien n'est perdu.")
    c1, c2 = st.columns(2)
    # Callbacks: they run before the page, which then shows the version just loaded.
    c1.button("Charger sa version en gardant mes modifications", type="primary",
              on_click=ed.load, kwargs={"keep_edits": True})
    c2.button("Abandonner mes modifications et charger sa version", on_click=ed.load)


def table_tab(ed: session.EditingSession) -> None:
    st.caption(f"Connecté : {md(ed.author)}. Chaque en-tête de colonne explique ce qu'elle "
               "attend ; dates au format JJ/MM/AAAA (27/06/2025, ou 27062025, 27/6/25, "
               "27 juin 2025) ; « + » en bas du tableau ajoute une étape, la case à gauche "
               "d'une ligne permet de la supprimer. Une étape à la fois, ou sur un téléphone : "
               "onglet « Une étape ».")
    # the grid's lists keep the focus after an edit (static/app/list_focus.js)
    st.html(inline_script("list_focus.js"), unsafe_allow_javascript=True)
    status = st.empty()  # above the table, always one line: the table never moves
    table, saved = ed.editor()
    start = session.to_editor(saved)
    edited = st.data_editor(start, column_config=session.column_config(saved),
                            num_rows="dynamic", key=f"ed_table_{table}",
                            height=session.editor_height(len(start)),
                            hide_index=False, placeholder="", alt="Étapes du relais")
    now = ed.edit(session.from_editor(edited), table)
    problems, errors, changes = now.problems, now.errors, now.changes
    status.caption(("Modifications non enregistrées : " + changes.summary() + "." +
                    (" Des erreurs sont à corriger sous le tableau." if errors else ""))
                   if not changes.empty else "Aucune modification en cours.")
    if len(edited) > len(start):
        st.caption(f"Une ligne ajoutée prend son numéro à l'enregistrement : {len(start) + 1}, "
                   "puis les suivants.")
    if ed.conflicts:
        st.warning("Votre version a été fusionnée avec celle enregistrée entre-temps. "
                   "Vérifiez ces cellules modifiées des deux côtés :")
        st.dataframe(pd.DataFrame({"Conflit": ed.conflicts}), hide_index=True,
                     width="stretch")
    if problems:
        (st.error if errors else st.warning)(
            f"{len(errors)} erreur(s) et {len(problems) - len(errors)} avertissement(s) : "
            "les lignes sont celles du tableau ci-dessus." +
            (" Corrigez les erreurs pour pouvoir enregistrer ; les valeurs enregistrées "
             "restent en place d'ici là." if errors else ""))
        problems_table(problems)
    confirmed = confirm_erasures(now.erasures, f"ed_erase_{ed.table}")
    # While a refused save waits for its reload, saving again would only be refused again (and
    # a click sent together with « Charger… » can make Streamlit drop that one).
    if st.button("Enregistrer", type="primary",
                 disabled=not (now.savable and confirmed) or bool(ed.conflict)):
        _save(lambda: ed.save(confirmed=confirmed))


def _date_reading(where, value: str, kind: str = "date") -> None:
    """Under a date or time field: how it was read (« vendredi 27 juin 2025 »), or why not."""
    from cufmap.relay.stages import long_date

    if not value.strip():
        return
    problem = (validation.date_problem if kind == "date" else validation.time_problem)(value)
    if problem:
        where.error(f"« {md(value)} » {problem}")
    elif kind == "date":
        where.caption("→ " + long_date(validation.parse_date(value)))


def _choice(where, label: str, choices, current: str, key: str) -> str:
    """A list that filters as one types; a value outside the list stays offered."""
    options = list(choices) + ([current] if current and current not in choices else [])
    picked = where.selectbox(label, options, index=options.index(current) if current else None,
                             placeholder="Choisir (tapez pour filtrer)", key=key)
    return picked or ""


def stage_tab(ed: session.EditingSession) -> None:
    """One stage at a time: a form to add a stage or edit one (the natural way on a phone)."""
    from cufmap.relay import countries, schema

    records = ed.base.fillna("").astype(str).to_dict("records")
    by_id = {r["id"]: r for r in records if r.get("id")}
    choice = st.selectbox("Étape", ["", *by_id],
                          format_func=lambda i: "Nouvelle étape" if not i else
                          session.stage_label(by_id[i]), key=f"fm_pick_{ed.table}")
    rec = by_id.get(choice, {})
    k = f"fm{ed.table}_{choice or 'nouvelle'}_"
    out: dict[str, str] = {}
    c1, c2 = st.columns(2)
    out["collectivite"] = c1.text_input("Collectivité hôte (obligatoire)",
                                        rec.get("collectivite", ""), key=k + "host",
                                        placeholder="ex. Ville de Rennes")
    out["type_collectivite"] = _choice(c2, "Type de collectivité", schema.TYPES_COLLECTIVITE,
                                       rec.get("type_collectivite", ""), k + "type")
    out["titre"] = st.text_input("Titre (obligatoire)", rec.get("titre", ""), key=k + "title")
    d1, d2 = st.columns(2)
    for where, name, label in ((d1, "date_debut", "Date de début"),
                               (d2, "date_fin", "Date de fin, si plusieurs jours")):
        out[name] = where.text_input(label, validation.format_date_fr(rec.get(name, "")),
                                     key=k + name, placeholder="JJ/MM/AAAA",
                                     help="Le jour d'abord : 27/06/2025, 27062025, 27/6/25 ou "
                                          "27 juin 2025. Vide si la date n'est pas connue.")
        _date_reading(where, out[name])
    h1, h2 = st.columns(2)
    for where, name, label in ((h1, "heure_debut", "Heure de début"),
                               (h2, "heure_fin", "Heure de fin")):
        out[name] = where.text_input(label, rec.get(name, ""), key=k + name,
                                     placeholder="HH:MM")
        _date_reading(where, out[name], "time")
    f1, f2 = st.columns(2)
    out["format"] = _choice(f1, "Format", schema.FORMATS, rec.get("format", ""), k + "format")
    out["lieu"] = f2.text_input("Lieu précis", rec.get("lieu", ""), key=k + "place")
    out["co_organisateurs"] = st.text_input("Co-organisateurs (séparés par « ; »)",
                                            rec.get("co_organisateurs", ""), key=k + "coorg")

    st.markdown("**Partenaires à l'étranger**")
    existing = validation.parse_partners(rec.get("partenaires", ""))
    count = st.session_state.setdefault(k + "n", max(1, len(existing)))
    names = countries.french_names()
    pairs = []
    for i in range(count):
        known = existing[i] if i < len(existing) else None
        p1, p2 = st.columns([3, 2])
        name = p1.text_input(f"Partenaire {i + 1}", known.name if known else "",
                             key=f"{k}pn{i}", placeholder="ex. Sabiñánigo")
        country = _choice(p2, f"Pays du partenaire {i + 1}", names,
                          (known.country_fr if known else ""), f"{k}pc{i}")
        pairs.append((name, country))
    st.button("Ajouter un partenaire", key=k + "more",
              on_click=lambda: st.session_state.__setitem__(k + "n", count + 1))
    out["partenaires"] = session.partners_text(pairs)
    out["description"] = st.text_area("Description", rec.get("description", ""),
                                      key=k + "desc")
    with st.expander("Lien, source, notes, code officiel, coordonnées, identifiant"):
        for name in ("lien", "source", "notes_presentation", "note", "code_insee", "lat", "lon"):
            col = schema.BY_NAME[name]
            out[name] = st.text_input(col.label, rec.get(name, ""), key=k + name,
                                      help=col.help)
        suggested = session.suggest_id(out["collectivite"], out["date_debut"],
                                       taken=[i for i in by_id if i != choice])
        typed = st.text_input("Identifiant", rec.get("id", ""), key=k + "id",
                              placeholder=suggested,
                              help=schema.BY_NAME["id"].help + " Laissé vide : « "
                              f"{suggested} » (collectivité et date).")
    out["id"] = typed.strip() or (suggested if out["collectivite"].strip() else "")

    changed, erased = ed.stage_check(out, choice)  # this stage only: cheap on every run
    if st.session_state.get(k + "tried"):  # after a first click: the whole table's rules
        problems = ed.stage_problems(out, choice)
        if problems:
            (st.error if validation.errors(problems) else st.warning)(
                "\n".join(f"- {md(p.message)}" for p in problems))
    confirmed = confirm_erasures(erased, k + "erase")
    if st.button("Enregistrer l'étape", type="primary", key=k + "save",
                 disabled=not (changed and confirmed) or bool(ed.conflict)):
        if validation.errors(ed.stage_problems(out, choice)):
            st.session_state[k + "tried"] = True
            st.rerun()  # the errors, listed above the button

        def save_stage() -> None:
            if ed.save_stage(out, choice, confirmed=confirmed):
                st.session_state["fm_done"] = (
                    f"Étape « {out['titre']} » enregistrée ({out['id']}) : la carte publique "
                    "la montre déjà. Le formulaire est prêt pour une autre étape.")
        _save(save_stage)
    if "fm_done" in st.session_state:  # said once, where the person is looking (a phone)
        st.success(md(st.session_state.pop("fm_done")))
    if choice:
        march_section(ed, choice)


def march_section(ed: session.EditingSession, stage_id: str) -> None:
    """The chosen stage's route and photos (:mod:`cufmap.editing.marches`): kept with the data
    (a commit each with the Git storage), on the public map once saved."""
    from cufmap.editing import marches
    from cufmap.relay import photos, routes

    st.markdown("#### Tracé et photos de l'étape")
    st.caption("Le tracé de la marche (GPX comme l'exportent les applications de marche, GeoJSON "
               "ou KML) et quelques photos : la carte les montre quand on choisit l'étape.")
    k = f"march_{stage_id}_"
    store = ed.store

    def run(action, done: str = "") -> None:
        try:
            said = action()
        except CufmapError as exc:
            st.session_state[k + "said"] = ("error", str(exc))
        else:
            ed.public = ed.publish() if ed.publish else ""
            st.session_state[k + "said"] = ("success", said or done)
            st.session_state[k + "n"] = st.session_state.get(k + "n", 0) + 1  # empty uploaders
        st.rerun()

    if k + "said" in st.session_state:
        level, text = st.session_state.pop(k + "said")
        getattr(st, level)(md(text))
    n = st.session_state.get(k + "n", 0)
    route = marches.route_of(store, stage_id)
    if route:
        named = ", ".join(p["name"] for p in route["points"]) or "aucun"
        st.write(md(f"Tracé enregistré : {routes.km_text(route['km'])} ; points nommés : "
                    f"{named}."))
        if st.button("Retirer le tracé", key=k + "unroute"):
            run(lambda: marches.remove_route(store, stage_id, ed.author), "Tracé retiré.")
    upload = st.file_uploader("Tracé (GPX, GeoJSON ou KML)", type=["gpx", "geojson", "json", "kml"],
                              key=f"{k}route_{n}", max_upload_size=routes.MAX_BYTES // 2**20,
                              help="Exporté depuis l'application de marche ou de GPS ; il doit "
                                   "partir à moins de 50 km du lieu de l'étape.")
    if upload is not None and st.button("Enregistrer le tracé", key=k + "route_save"):
        run(lambda: marches.attach_route(store, stage_id, upload.getvalue(), upload.name,
                                         ed.author))
    with st.expander("… ou le dessiner sur la carte", expanded=bool(st.session_state.get(k + "drawn"))):
        draw_route(ed, stage_id, k, run, route)
    shown = marches.photos_of(store, stage_id)
    for item in shown:
        c1, c2 = st.columns([1, 3])
        from cufmap.relay import attachments

        data = store.read_attachment(attachments.photo_path(stage_id, item["file"]))
        if data:
            c1.image(data, width=160)
        c2.write(md(item["alt"] + (f" — {item['credit']}" if item["credit"] else "")))
        if c2.button("Retirer cette photo", key=k + "unphoto_" + item["file"]):
            run(lambda f=item["file"]: marches.remove_photo(store, stage_id, f, ed.author),
                "Photo retirée.")
    if len(shown) < photos.MAX_PHOTOS:
        image = st.file_uploader("Photo (JPEG, PNG, WebP" + (", HEIC)" if photos.HEIC else ")"),
                                 type=["jpg", "jpeg", "png", "webp", "heic", "heif"],
                                 key=f"{k}photo_{n}", max_upload_size=photos.MAX_BYTES // 2**20,
                                 help="Réduite à 1 600 pixels, sans ses métadonnées (ni la "
                                      "position GPS qu'écrit un téléphone).")
        alt = st.text_input("Texte alternatif (obligatoire)", key=f"{k}alt_{n}",
                            placeholder="ce que montre la photo, pour qui ne la voit pas")
        credit = st.text_input("Crédit (facultatif)", key=f"{k}credit_{n}",
                               placeholder="ex. Ville de Billère")
        if image is not None and st.button("Enregistrer la photo", key=k + "photo_save"):
            run(lambda: marches.add_photo(store, stage_id, image.getvalue(), image.name, alt,
                                          credit, ed.author))


def draw_route(ed: session.EditingSession, stage_id: str, k: str, run, kept: dict | None) -> None:
    """A route clicked point by point on a map around the stage (:func:`marches.attach_drawn_route`):
    each click adds a point, a name typed first makes it a named point (« Place de Ravenne »,
    a partner town's name links to it on the public map). ``kept``: the route saved already,
    which saving this one replaces."""
    from streamlit_folium import st_folium

    from cufmap.editing import marches
    from cufmap.relay import routes

    drawn = st.session_state.setdefault(k + "drawn", [])
    try:
        host, place = marches.stage_place(ed.store, stage_id)
    except CufmapError as exc:
        st.error(md(exc))
        return
    if place is None:
        st.info(f"L'étape de {md(host)} n'est pas encore placée : placez-la (onglet « Lieux ») "
                "pour dessiner son tracé.")
        return
    st.caption("Cliquez sur la carte le long du parcours, dans l'ordre de la marche. Pour nommer "
               "un point (une place, un monument), tapez son nom avant de cliquer.")
    m = st.session_state.setdefault(k + "named_n", 0)
    name = st.text_input("Nom du prochain point (facultatif)", key=f"{k}named_{m}",
                         placeholder="ex. Place de Ravenne")
    served = loaders.served_url(loaders.settings().published_dir)
    # The map stays as it is (its view too); the route goes on it as a group of its own.
    clicked = st_folium(picker_map((place[1], place[0]), zoom=14,
                                   assets_url=f"{served}{site.ASSETS}/" if served else ""),
                        feature_group_to_add=route_group(drawn), key=k + "draw_map",
                        height=420, width=None, returned_objects=["last_clicked"])
    point = (clicked or {}).get("last_clicked")
    if point and point != st.session_state.get(k + "draw_last"):
        st.session_state[k + "draw_last"] = point  # a rerun returns the same click again
        if len(drawn) < marches.MAX_DRAWN:
            drawn.append((round(point["lat"], 6), round(point["lng"], 6), name.strip()[:120]))
            if name.strip():
                st.session_state[k + "named_n"] = m + 1  # the next point starts unnamed
            st.rerun()
    if len(drawn) >= marches.MAX_DRAWN:
        st.warning(f"{marches.MAX_DRAWN} points au plus : un clic de plus n'est pas pris. "
                   "Enregistrez ce tracé, ou envoyez le fichier GPX de la marche.")
    if drawn:
        km = routes.length_km([[(p[1], p[0]) for p in drawn]])
        named = [p[2] for p in drawn if p[2]]
        st.write(md(f"{len(drawn)} point(s), {routes.km_text(km)}"
                    + (f" ; points nommés : {', '.join(named)}" if named else "") + "."))
    replace = True
    if kept and drawn:  # saving replaces the route kept: said, and asked
        replace = st.checkbox(f"Remplacer le tracé enregistré ({routes.km_text(kept['km'])}) "
                              "par celui-ci", key=k + "draw_replace")
    b1, b2, b3 = st.columns(3)
    if b1.button("Retirer le dernier point", key=k + "draw_undo", disabled=not drawn):
        drawn.pop()
        st.rerun()
    if b2.button("Tout effacer", key=k + "draw_clear", disabled=not drawn):
        st.session_state[k + "draw_ask"] = True
    if st.session_state.get(k + "draw_ask") and drawn:
        st.warning(f"Effacer les {len(drawn)} points dessinés ? Rien d'enregistré n'est touché.")
        c1, c2 = st.columns(2)
        if c1.button("Oui, tout effacer", key=k + "draw_clear_yes"):
            drawn.clear()
            st.session_state.pop(k + "draw_ask")
            st.rerun()
        if c2.button("Non, garder le dessin", key=k + "draw_clear_no"):
            st.session_state.pop(k + "draw_ask")
            st.rerun()
    if b3.button("Enregistrer ce tracé", key=k + "draw_save", type="primary",
                 disabled=len(drawn) < 2 or not replace):
        def save() -> str:
            said = marches.attach_drawn_route(ed.store, stage_id, drawn, ed.author)
            drawn.clear()
            return said
        run(save)


def places_tab(ed: session.EditingSession) -> None:
    config = loaders.settings()
    st.markdown("Où la carte place chaque collectivité hôte et chaque partenaire. Un lieu "
                "« ambigu » ou « introuvable » attend votre choix, qui est retenu dans "
                f"`{md(config.places)}` : il ne sera plus jamais demandé.")
    if st.button("Vérifier les lieux"):
        bar = st.progress(0.0, text="Recherche des lieux…")
        try:
            ed.check_places(Chain.default(config.places, allow_online=not config.offline),
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
        places = PlacesFile(config.places)

        def remember(s, lat, lon, **how):
            try:  # the places file (with the Git storage, one commit)
                ed.remember_place(places, s, lat, lon, **how)
            except CufmapError as exc:  # the places file cannot be written
                st.error(md(exc))
                return
            st.rerun()

        def click_to_place(s, centre, candidates=()):
            from streamlit_folium import st_folium

            # Leaflet and the outlines from the published assets (no CDN)
            served = loaders.served_url(config.published_dir)
            clicked = st_folium(picker_map(centre, zoom=5 if candidates else 9,
                                           candidates=candidates,
                                           assets_url=f"{served}{site.ASSETS}/" if served else ""),
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


def history_tab(ed: session.EditingSession) -> None:
    try:
        versions = ed.store.versions()
    except CufmapError as exc:  # the remote cannot be read
        st.error(md(exc))
        return
    except OSError as exc:  # the history folder cannot be read
        st.error(md(os_message(getattr(ed.store, "history", ed.store.data), exc)))
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


def files_tab(ed: session.EditingSession) -> None:
    st.markdown("**Importer** un fichier CSV ou XLSX tel qu'Excel ou LibreOffice l'enregistre "
                "(séparateur « ; » ou « , », UTF-8 ou Windows-1252, dates JJ/MM/AAAA). "
                "Rien n'est remplacé avant votre confirmation.")
    upload = st.file_uploader("Fichier à importer", type=["csv", "txt", "xlsx"],
                              help=f"CSV, TXT ou XLSX de {session.MAX_UPLOAD_BYTES // 2**20} Mo "
                                   "au plus.",
                              key=f"ed_upload_{ed.uploads}")
    if upload is not None:
        try:
            report = session.read_upload(upload.getvalue(), upload.name, ed.base)
        except UnreadableTable as exc:
            st.error(f"« {md(upload.name)} » ne peut pas être importé : {md(exc)}")
        else:
            st.write(f"{report.description} — par rapport à la version enregistrée : "
                     f"{report.changes.summary()}.")
            st.dataframe(pd.DataFrame(report.changes.report(), columns=["Changement", "Étape"]),
                         hide_index=True, width="stretch")
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
            erase = confirm_erasures(report.erasures, f"ed_import_erase_{ed.uploads}")
            if st.button("Remplacer les étapes par ce fichier", type="primary",
                         disabled=bool(report.errors) or report.changes.empty or not confirmed
                         or not erase):
                _replace(lambda: ed.import_upload(report, confirmed=erase),
                         "rechargez puis importez de nouveau.")
    if ed.broken:
        return
    st.markdown("**Exporter** la version enregistrée :")
    e1, e2 = st.columns(2)
    e1.download_button("Classeur Excel (.xlsx)", spreadsheets.to_xlsx_bytes(ed.base),
                       file_name="relais.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    e2.download_button("CSV pour Excel (UTF-8, « ; »)", spreadsheets.to_excel_csv_bytes(ed.base),
                       file_name="relais-excel.csv", mime="text/csv")
    poster_buttons()


def poster_buttons() -> None:
    """The poster of the saved version (``cufmap affiche``): drawn when its button is clicked
    (a deferred download), never on the page's runs."""
    st.markdown("**Affiche** de la carte (version enregistrée), à imprimer ou à publier : "
                "la France et l'outre-mer, les étapes numérotées, leurs partenaires, la liste "
                "des étapes et les crédits.")
    paper = st.radio("Papier (à l'italienne)", list(poster.PAPERS), horizontal=True,
                     key="ed_poster_paper")
    config = loaders.settings()

    def draw(fmt: str):
        def bytes_of() -> bytes:
            built = export.build(config.data, config.places, allow_online=not config.offline)
            return poster.render(built.payload, fmt, paper)
        return bytes_of

    p1, p2 = st.columns(2)
    for where, fmt, label in ((p1, "pdf", "Affiche (PDF)"), (p2, "png", "Affiche (PNG)")):
        where.download_button(label, draw(fmt), file_name=poster.filename(fmt, paper),
                              mime=poster.MIME[fmt], on_click="ignore", key=f"ed_poster_{fmt}",
                              help="PDF vectoriel pour l'imprimeur ; PNG à 300 dpi pour une "
                                   "lettre ou un réseau social.")
