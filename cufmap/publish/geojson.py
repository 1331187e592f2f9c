"""``relais.geojson``: the payload's stages (points) and partnerships (lines), for GIS tools."""

from __future__ import annotations


def geojson(data: dict) -> str:
    """The payload's features as a plain GeoJSON file (stages and partnership lines), UTF-8
    text as it is, compact. Written by orjson: ten times faster than the json module on an
    Atlas-sized file (4 MB), the same JSON (control characters escaped, nothing else)."""
    import orjson

    collection = {"type": "FeatureCollection",
                  "features": [_without_lines(f) for f in data["features"]]
                  + link_features(data) + route_features(data),
                  "countries": data["countries"]}
    return orjson.dumps(collection).decode("utf-8") + "\n"


def link_features(data: dict) -> list[dict]:
    """One LineString per partnership of a payload (its two ends), for readers of the
    GeoJSON file: the payload's ``links``, the very list the page draws."""
    out = []
    for stage, number in data["links"]:
        f = data["features"][stage]
        partner = f["properties"]["partners"][number]
        out.append({"type": "Feature", "geometry": {
            "type": "LineString",
            "coordinates": [f["geometry"]["coordinates"], partner["position"]]},
            "properties": {"kind": "lien", "stage": f["id"], "partner": partner["name"]}})
    return out


def _without_lines(feature: dict) -> dict:
    """A stage's point; its route's lines are features of their own (:func:`route_features`)."""
    route = feature["properties"].get("route")
    if not route or "lines" not in route:
        return feature
    route = {k: v for k, v in route.items() if k != "lines"}
    return {**feature, "properties": {**feature["properties"], "route": route}}


def route_features(data: dict) -> list[dict]:
    """One LineString per line of each stage's route (the simplified walk), with its length
    in km (from the file's every point)."""
    out = []
    for f in data["features"]:
        route = f["properties"].get("route") or {}
        for line in route.get("lines") or ():
            out.append({"type": "Feature", "geometry": {"type": "LineString",
                                                        "coordinates": line},
                        "properties": {"kind": "parcours", "stage": f["id"],
                                       "km": route.get("km")}})
    return out
