"""``relais.geojson``: the payload's stages (points) and partnerships (lines), for GIS tools."""

from __future__ import annotations


def geojson(data: dict) -> str:
    """The payload's features as a plain GeoJSON file (stages and partnership lines), UTF-8
    text as it is, compact. Written by orjson: ten times faster than the json module on an
    Atlas-sized file (4 MB), the same JSON (control characters escaped, nothing else)."""
    import orjson

    collection = {"type": "FeatureCollection",
                  "features": data["features"] + link_features(data),
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
