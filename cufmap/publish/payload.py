"""The one payload: everything the browser (and every published file) needs, computed once.

From the located stages (:func:`cufmap.places.geocoding.locate`), one GeoJSON
FeatureCollection: the app's map documents, the exported page, its GeoJSON file and its
iCalendar file are all written from it (:mod:`cufmap.publish.mapdoc`,
:mod:`cufmap.publish.geojson`, :mod:`cufmap.publish.icalendar`).
"""

from __future__ import annotations

import datetime as dt

from cufmap import i18n
from cufmap.relay import countries, routes
from cufmap.text import fold

# Overseas territories shown as insets: (label, south, west, north, east).
TERRITORIES = (
    ("Guadeloupe", 15.8, -61.85, 16.55, -61.0),
    ("Martinique", 14.35, -61.25, 14.9, -60.8),
    ("Guyane", 2.1, -54.6, 5.8, -51.6),
    ("La Réunion", -21.4, 55.2, -20.85, 55.85),
    ("Mayotte", -13.05, 45.0, -12.6, 45.3),
    ("Saint-Pierre-et-Miquelon", 46.7, -56.45, 47.15, -56.1),
    ("Nouvelle-Calédonie", -22.8, 163.5, -19.5, 168.2),
    ("Polynésie française", -18.0, -150.0, -16.4, -149.0),
)



METROPOLE = (41.2, -5.6, 51.3, 9.8)



def _territory(lat: float, lon: float) -> str | None:
    for label, south, west, north, east in TERRITORIES:
        if south <= lat <= north and west <= lon <= east:
            return label
    return None



def _overseas(lat: float, lon: float) -> bool:
    south, west, north, east = METROPOLE
    return not (south <= lat <= north and west <= lon <= east)



def payload(located: list, today: dt.date, languages: tuple[str, ...] = ("fr",),
            media: dict | None = None) -> dict:
    """The data the browser needs, as one GeoJSON FeatureCollection: a Point per stage, in
    timeline order, whose partners carry their positions; ``links`` lists each placed
    partnership once, as [stage index, partner index] (the browser draws the great circle of
    each; :func:`cufmap.publish.geojson.link_features` spells them out as LineStrings for the GeoJSON file);
    ``today`` is the reference date (the browser decides past / current / upcoming from it
    and each stage's ``date`` and ``end``). With several ``languages``, the dates are
    {lang: text} objects; country names come once, in a table keyed by ISO code (French
    always among them: the free-text filter searches them). The browser inserts every text
    with textContent, never as HTML. Hours (« 09:15 ») and the link (a web address, or
    nothing) are there for the calendar file too.

    ``media`` (:func:`cufmap.publish.export.media_of`): each stage's route (``route``: its
    lines, length and named points, each point naming a partner carrying its index) and photos
    (``photos``: ``src`` relative to the page's media folder, ``alt``, ``credit``); ``figures``
    sums the relay up (:func:`figures`)."""
    media = media or {}
    locales = {lang: i18n.locale(lang) for lang in languages}
    features, insets, isos, links = [], {}, set(), []
    for index, item in enumerate(located):
        s, r = item.stage, item.place
        point = r.point
        partners = []
        for number, (partner, pr) in enumerate(zip(s.partners, item.partners)):
            entry = {"name": partner.name}
            if partner.iso:
                entry["iso"] = partner.iso
                isos.add(partner.iso)
            else:
                entry["country"] = partner.country
            if pr.point:
                entry["position"] = [pr.lon, pr.lat]
                if point:
                    links.append([index, number])
            partners.append(entry)
        when = {}
        for lang in languages:
            text = s.when(locales[lang])
            when[lang] = text[:1].upper() + text[1:]
        properties = {
            "kind": "etape", "when": when[languages[0]] if len(languages) == 1 else when,
            "host": s.host, "title": s.title, "partners": partners}
        if s.start:
            properties["date"] = s.start.isoformat()
            properties["end"] = (s.end or s.start).isoformat()
        fields = [("host_type", s.host_type), ("format", s.format), ("place", s.place),
                  ("description", s.description), ("co", list(s.co_organisers)),
                  ("link", s.link), ("time", s.start_time), ("end_time", s.end_time)]
        for name, value in fields:
            if value:
                properties[name] = value
        attached = media.get(s.id) or {}
        if attached.get("route"):
            route = dict(attached["route"])
            names = [p.name for p in s.partners]
            route["points"] = [dict(p, **({"partner": i} if (i := routes.partner_of(
                p["name"], names)) is not None else {})) for p in route["points"]]
            texts = {lang: routes.km_text(route["km"], locales[lang]) for lang in languages}
            route["length"] = texts[languages[0]] if len(languages) == 1 else texts
            properties["route"] = route
        if attached.get("photos"):
            properties["photos"] = attached["photos"]
        overseas = bool(point) and _overseas(*point)
        if overseas:
            properties["overseas"] = True
        features.append({
            "type": "Feature", "id": s.id,
            "geometry": {"type": "Point", "coordinates": [point[1], point[0]]} if point else None,
            "properties": properties})
        if overseas:
            label = _territory(*point) or s.host
            group = insets.setdefault(label, {"label": label, "stages": [], "bounds": None})
            group["stages"].append(s.id)
            bounds = next(([[t[1], t[2]], [t[3], t[4]]] for t in TERRITORIES if t[0] == label),
                          [[point[0] - 0.4, point[1] - 0.4], [point[0] + 0.4, point[1] + 0.4]])
            group["bounds"] = bounds
    named = languages if "fr" in languages else (*languages, "fr")
    names = {iso: {lang: countries.name(iso, lang) for lang in named} for iso in sorted(isos)}
    # One GeoJSON FeatureCollection; links, the reference date, insets, country names and
    # interface texts ride along as foreign members.
    return {"type": "FeatureCollection", "features": features, "links": links,
            "today": today.isoformat(), "insets": list(insets.values()),
            "countries": names, "texts": {lang: i18n.texts(lang) for lang in languages},
            "figures": figures(located, media, today, languages, locales)}


#: The relay in figures, in their order; each label is a catalogue message,
#: ``figures_<key>_one`` and ``figures_<key>_other`` (« étape », « étapes »).
FIGURES = ("stages", "held", "hosts", "partners", "countries", "km")


def figures(located: list, media: dict, today: dt.date, languages: tuple[str, ...],
            locales: dict) -> dict:
    """Stages, stages held by ``today``, hosts, partner towns, their countries and the km of
    the routes walked, counted from the data; per language, [[figure, label], …] (« 6,8 »,
    « km parcourus »), the km only when some route is there."""
    from babel.numbers import format_decimal

    stages = [item.stage for item in located]
    counts = {
        "stages": len(stages),
        "held": sum(1 for s in stages if s.start and (s.end or s.start) < today),
        "hosts": len({fold(s.host) for s in stages if s.host}),
        "partners": len({(fold(p.name), p.iso or fold(p.country)) for s in stages
                         for p in s.partners}),
        "countries": len({p.iso or fold(p.country) for s in stages for p in s.partners
                          if p.iso or p.country}),
        "km": sum(float((media.get(s.id) or {}).get("route", {}).get("km") or 0)
                  for s in stages)}
    out = {"counts": counts}
    for lang in languages:
        items = []
        for key in FIGURES:
            value = counts[key]
            if key == "km":
                if not value:
                    continue
                value = round(value, 1)
                number = format_decimal(value, format="#,##0.0", locale=locales[lang])
            else:
                number = format_decimal(value, locale=locales[lang])
            form = "one" if i18n.plural(lang, value) == "one" else "other"
            label = i18n.text(f"figures_{key}_{form}", lang)
            items.append([number, label, key])  # the page counts « held » at its own date
        out[lang] = items
    return out
