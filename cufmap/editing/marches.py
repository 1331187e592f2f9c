"""Attaching a route or photos to a stage, on any :class:`cufmap.storage.base.Storage`: read and
check the file (:mod:`cufmap.relay.routes`, :mod:`cufmap.relay.photos`), then one save of its
files (one commit, in French, by the signed-in author, with the Git storage). Every refusal is a
:class:`cufmap.relay.attachments.RefusedFile` with a French message; nothing is stored then."""

from __future__ import annotations

from cufmap.places import geocoding
from cufmap.relay import attachments, photos, routes, validation
from cufmap.relay.attachments import RefusedFile
from cufmap.relay.stages import stages_from


def _stage(store, stage_id: str):
    """The stage as saved (read from the storage: a Git remote's latest version)."""
    for stage in stages_from(validation.check(store.load().table).records):
        if stage.id == stage_id:
            return stage
    raise RefusedFile(f"Aucune étape enregistrée n'a l'identifiant « {stage_id} » : enregistrez "
                      "l'étape d'abord.")


def stage_place(store, stage_id: str) -> tuple[str, tuple[float, float] | None]:
    """The stage's host and its place as (lon, lat), or None when it is not placed (offline:
    the columns, the places file and the gazetteer)."""
    stage = _stage(store, stage_id)
    result = geocoding.locate_stage(geocoding.Chain.default(store.places), stage, suggest=False)
    point = result.point if result.status == geocoding.FOUND else None
    return stage.host, ((point[1], point[0]) if point else None)


def route_of(store, stage_id: str) -> dict | None:
    return routes.load(store.read_attachment(attachments.route_path(stage_id)))


def attach_route(store, stage_id: str, data: bytes, filename: str, author: str) -> str:
    """Read, check and keep the route ``data`` for the stage; returns what was done (French)."""
    route = routes.parse(data, filename)
    host, place = stage_place(store, stage_id)
    routes.check_near(route, place, host, filename)
    length = routes.km_text(route.km)
    store.save_attachments({attachments.route_path(stage_id): routes.stored(route, filename)},
                           f"Tracé ajouté : {host} ({length})", author)
    kept = f"{route.points} points" if route.points <= routes.KEPT_POINTS else (
        f"{route.points} points, simplifié pour l'écran")
    return f"Tracé de {length} enregistré ({kept}, {len(route.waypoints)} point(s) nommé(s))."


#: A route drawn by clicking on the editing page's map: at most this many points.
MAX_DRAWN = 1_000
#: How a drawn route is named in the messages and its stored ``source``.
DRAWN = "tracé dessiné sur la carte"


def drawn_route(points) -> bytes:
    """The route clicked on the map, as the GeoJSON :func:`attach_route` reads: one line
    through the points in their order, and those given a name as named points. ``points``:
    (lat, lon) or (lat, lon, name) in the order clicked."""
    import json

    line, named = [], []
    for point in points:
        lat, lon, name = (*point, "")[:3]
        line.append([round(float(lon), 6), round(float(lat), 6)])
        if str(name).strip():
            named.append({"type": "Feature", "properties": {"name": str(name).strip()},
                          "geometry": {"type": "Point", "coordinates": line[-1]}})
    features = [{"type": "Feature", "properties": {},
                 "geometry": {"type": "LineString", "coordinates": line}}, *named]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False).encode("utf-8")


def attach_drawn_route(store, stage_id: str, points, author: str) -> str:
    """Keep the route clicked on the map for the stage, checked as a file would be (near the
    stage, named points naming partners linked to them)."""
    if len(points) < 2:
        raise RefusedFile("Un tracé demande au moins deux points : cliquez sur la carte le long "
                          "du parcours. Rien n'a été enregistré.")
    if len(points) > MAX_DRAWN:
        raise RefusedFile(f"Un tracé dessiné compte au plus {MAX_DRAWN} points ; pour plus, "
                          "envoyez le fichier GPX de la marche. Rien n'a été enregistré.")
    return attach_route(store, stage_id, drawn_route(points), DRAWN, author)


def remove_route(store, stage_id: str, author: str) -> None:
    host, _ = stage_place(store, stage_id)
    store.save_attachments({attachments.route_path(stage_id): None}, f"Tracé retiré : {host}",
                           author)


def photos_of(store, stage_id: str) -> list[dict]:
    return photos.read_index(store.read_attachment(attachments.photo_index_path(stage_id)))


def add_photo(store, stage_id: str, data: bytes, filename: str, alt: str, credit: str,
              author: str) -> str:
    """Check the description, process the photo, keep it with its description."""
    alt, credit = photos.described(alt, credit)
    stage = _stage(store, stage_id)
    items = photos_of(store, stage_id)
    if len(items) >= photos.MAX_PHOTOS:
        raise RefusedFile(f"L'étape a déjà {photos.MAX_PHOTOS} photos, le plus qu'une fiche "
                          "montre : retirez-en une d'abord. Rien n'a été enregistré.")
    photo = photos.process(data, filename)
    items = [i for i in items if i["file"] != photo.name] + [
        {"file": photo.name, "alt": alt, "credit": credit, "width": photo.width,
         "height": photo.height}]
    store.save_attachments({attachments.photo_path(stage_id, photo.name): photo.data,
                            attachments.photo_index_path(stage_id): photos.write_index(items)},
                           f"Photo ajoutée : {stage.host} (« {alt[:60]} »)", author)
    return f"Photo enregistrée ({photo.width} × {photo.height} pixels, sans métadonnées)."


def remove_photo(store, stage_id: str, name: str, author: str) -> None:
    stage = _stage(store, stage_id)
    items = photos_of(store, stage_id)
    kept = [i for i in items if i["file"] != name]
    files = {attachments.photo_index_path(stage_id): photos.write_index(kept) if kept else None}
    if attachments.is_path(f"{attachments.PHOTOS}/{stage_id}/{name}"):
        files[attachments.photo_path(stage_id, name)] = None
    store.save_attachments(files, f"Photo retirée : {stage.host}", author)


def move_media(store, old_id: str, new_id: str, author: str) -> bool:
    """A stage's route and photos follow it when its identifier changes (they are kept under
    it): one save, old files removed. False when it had none."""
    files: dict[str, bytes | None] = {}
    route = store.read_attachment(attachments.route_path(old_id))
    if route:
        files[attachments.route_path(new_id)] = route
        files[attachments.route_path(old_id)] = None
    index = store.read_attachment(attachments.photo_index_path(old_id))
    if index:
        files[attachments.photo_index_path(new_id)] = index
        files[attachments.photo_index_path(old_id)] = None
        for item in photos.read_index(index):
            data = store.read_attachment(attachments.photo_path(old_id, item["file"]))
            if data:
                files[attachments.photo_path(new_id, item["file"])] = data
                files[attachments.photo_path(old_id, item["file"])] = None
    if not files:
        return False
    store.save_attachments(files, f"Tracé et photos suivent l'étape renommée : {old_id} → "
                                  f"{new_id}", author)
    return True
