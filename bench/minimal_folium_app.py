"""Reference for bench/map.py: the smallest st_folium app, one marker, local Leaflet assets."""

import base64
from pathlib import Path

import folium
from streamlit_folium import st_folium

STATIC = Path(__file__).resolve().parent.parent / "cufmap" / "static"


def data_uri(name: str, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode((STATIC / name).read_bytes()).decode()


m = folium.Map(location=[46.6, 2.4], zoom_start=5, tiles=None)
m.default_js = [("leaflet", data_uri("leaflet.js", "text/javascript"))]
m.default_css = [("leaflet_css", data_uri("leaflet.css", "text/css"))]
folium.Marker([49.13, 4.53], icon=folium.DivIcon(html="<div class='bench-marker'>1</div>"),
              tooltip="Suippes").add_to(m)
st_folium(m, height=500, returned_objects=[])
