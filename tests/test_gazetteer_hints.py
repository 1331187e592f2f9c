"""Every hint narrows, none is ignored; homonyms are decided or declared, never guessed
across borders (issue #10)."""

import pytest

from cufmap.places.gazetteer import default
from cufmap.places.geocoding import Chain, PlacesFile, Query

from .conftest import run_cli


@pytest.fixture(scope="module")
def g():
    return default()


@pytest.mark.parametrize("name,dept,lat_range,lon_range", [
    ("Sainte-Marie", "08", (49, 50), (4, 5.5)),  # was Sainte-Marie, Québec
    ("Saint-Paul", "19", (45, 45.5), (1.5, 2.5)),  # was Saint Paul, Minnesota
    ("Saint-Pierre", "972", (14.6, 14.9), (-61.3, -61.1)),  # was « ambigu »
    ("Sainte-Rose", "971", (16.2, 16.4), (-62, -61.5)),
    ("Sainte-Marie", "974", (-21, -20.8), (55.4, 55.7)),
])
def test_a_departement_with_the_commune_type_picks_the_commune_of_that_departement(
        g, name, dept, lat_range, lon_range):
    m = g.lookup(name, kind="commune", departement=dept)
    assert m.status == "trouvé", m
    assert (m.place.country, m.place.admin) == ("FR", dept)
    assert lat_range[0] < m.place.lat < lat_range[1] and lon_range[0] < m.place.lon < lon_range[1]
    assert m.by_hint and f"département {dept}" in m.note


def test_a_departement_alone_means_france(g):
    m = g.lookup("Saint-Paul", departement="19")
    assert (m.status, m.place.country, m.place.admin) == ("trouvé", "FR", "19")
    assert g.lookup("Sainte-Marie", departement="8").place.admin == "08"  # « 8 » is the 08


def test_a_french_kind_alone_means_france(g):
    m = g.lookup("Sainte-Marie", kind="commune")
    assert m.status == "ambigu" and {c.country for c in m.candidates} == {"FR"}
    assert g.lookup("Nancy", kind="commune").place.country == "FR"


def test_a_country_says_otherwise(g):
    m = g.lookup("Saint-Paul", "États-Unis", kind="commune")
    assert m.status != "trouvé" or m.place.country == "US"
    assert g.lookup("Sainte-Marie", "Canada").place.country == "CA"


def test_no_commune_with_its_departement_is_ever_placed_elsewhere(g):
    """Every commune whose name is shared (with another commune, a place abroad…): name +
    type commune + département gives that commune, or « ambigu » between communes of that
    département — never another place."""
    from cufmap.places import names

    a = g._a
    wrong, checked = [], 0
    for i in range(len(g)):
        if a["kind"][i] != 0 or a["country"][i] != b"FR":
            continue
        p = g.place(i)
        if len(g.ids(names.key(p.name))) < 2:
            continue  # a name of its own: nothing to confuse it with
        checked += 1
        m = g.lookup(p.name, kind="commune", departement=p.admin, suggest=False)
        if m.status == "trouvé":
            if m.place.index != i:
                wrong.append((p.label(), m.place.label()))
        elif m.status == "ambigu":
            if any(c.admin != p.admin or c.country != "FR" for c in m.candidates):
                wrong.append((p.label(), m.status))
        else:
            wrong.append((p.label(), m.status))
    assert wrong == [] and checked > 5_000


@pytest.mark.parametrize("name", ["Londres", "Paris", "Berlin", "Saint-Denis"])
def test_homonyms_in_several_countries_without_a_country_are_ambiguous(g, name):
    m = g.lookup(name)
    assert m.status == "ambigu" and "pays" in m.note
    assert len({c.country for c in m.candidates}) > 1


def test_population_decides_only_within_one_country_and_says_so(g):
    m = g.lookup("Petersberg", "Allemagne")
    assert m.status == "trouvé" and m.confidence < 0.9
    assert "le plus peuplé est retenu" in m.note


def test_places_file_answers_do_not_cross_the_hints(tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text("nom;pays;lat;lon;source\n"
                    "Saint-Paul;;44.94;-93.09;Nominatim (OpenStreetMap)\n"
                    "Sainte-Marie;;46.43;-71.01;manuel\n", encoding="utf-8")
    chain = Chain(places=PlacesFile(path))
    r = chain.geocode(Query("Saint-Paul", kind="commune", departement="19"))
    assert (r.status, r.country, r.source) == ("trouvé", "FR", "gazetteer hors ligne")
    # A staff correction is the staff's decision.
    assert chain.geocode(Query("Sainte-Marie", departement="08")).lat == 46.43


def test_cli_summary_counts_answers_decided_by_a_hint(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("nom;type;departement\nSainte-Marie;commune;08\nSaint-Paul;commune;19\n"
                   "Saint-Paul;;\nSuippes;;\n", encoding="utf-8")
    result = run_cli("geocode", src, "-o", tmp_path / "out.csv", "--offline", "--lieux",
                     tmp_path / "l.csv")
    assert result.returncode == 0, result.stderr
    assert ("4 lieu(x) : 3 trouvé(s) (dont 2 décidé(s) par un indice), 1 ambigu(s), "
            "0 introuvable(s).") in result.stderr
    out = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert "Québec" not in out and "Minnesota" not in out and ",CA," not in out


@pytest.mark.parametrize("name", ["Petergof", "Peterhof", "Petrodvorets"])
def test_a_transliteration_of_one_place_is_that_place(g, name):
    m = g.lookup(name, "Russie")
    assert m.status == "trouvé" and abs(m.place.lat - 59.88) < 0.1 and \
        abs(m.place.lon - 29.9) < 0.1, m


@pytest.mark.parametrize("name,country,point", [
    ("Petersberg (Hesse)", "Allemagne", (50.56, 9.71)),  # « Town (Region) »
    ("Petersberg, Hesse", "Allemagne", (50.56, 9.71)),  # « Town, Region »
    ("Petersberg (Fulda)", "Allemagne", (50.56, 9.71)),  # the larger town nearby
    ("Gwangju (Gyeonggi-do)", "Corée du Sud", (37.41, 127.26)),  # not the big Gwangju
    ("Gwangju, Gyeonggi", "Corée du Sud", (37.41, 127.26)),
    ("Springfield, Illinois", "États-Unis", (39.80, -89.64)),
    ("Sabiñánigo (Huesca)", "Espagne", (42.52, -0.37)),
    ("Saint-Denis (93)", "", (48.94, 2.36)),  # French communes too
    ("Saint-Denis (La Réunion)", "", (-20.88, 55.45)),
    ("Saint-Paul, Corrèze", "", (45.22, 1.90)),
])
def test_a_qualifier_is_a_hint(g, name, country, point):
    m = g.lookup(name, country or None)
    assert m.status == "trouvé" and m.confidence >= 0.9 and m.by_hint, m
    assert abs(m.place.lat - point[0]) < 0.05 and abs(m.place.lon - point[1]) < 0.05, m


def test_an_unknown_qualifier_is_said_and_lowers_the_confidence(g):
    m = g.lookup("Petersberg, Atlantis", "Allemagne")
    assert m.status == "trouvé" and m.confidence < 0.9 and "« Atlantis » non reconnu" in m.note
    # the Länder's German names come with BKG's list of Gemeinden
    m = g.lookup("Petersberg, Hessen", "Allemagne")
    assert (m.status, m.confidence, m.by_hint) == ("trouvé", 0.9, True)
    assert abs(m.place.lat - 50.56) < 0.05 and abs(m.place.lon - 9.71) < 0.05
    m = g.lookup("Parc Sainte-Marie, Nancy", "France")  # a spot in a town: the town
    assert (m.place.name, m.approximate) == ("Nancy", True)


COM = "collectivité d'outre-mer"


@pytest.mark.parametrize("name,kind,dept,seat,point", [
    ("Saint-Barthélemy", COM, "", "Gustavia", (17.90, -62.85)),
    ("Saint-Barthélemy", "", "977", "Gustavia", (17.90, -62.85)),
    ("Collectivité de Saint-Martin", "", "", "Marigot", (18.07, -63.08)),
    ("Saint-Martin", "", "978", "Marigot", (18.07, -63.08)),
    ("Saint-Martin", COM, "", "Marigot", (18.07, -63.08)),
    ("Wallis-et-Futuna", "", "", "Mata-Utu", (-13.28, -176.17)),
    ("Polynésie française", COM, "", "Papeete", (-17.53, -149.57)),
    ("Nouvelle-Calédonie", "", "", "Nouméa", (-22.27, 166.45)),
    ("Saint-Pierre-et-Miquelon", "", "975", "Saint-Pierre", (46.78, -56.18)),
])
def test_overseas_collectivities_are_placed_at_their_seat(g, name, kind, dept, seat, point):
    m = g.lookup(name, kind=kind, departement=dept)
    assert m.status == "trouvé" and m.place.kind == COM, m
    assert f"chef-lieu : {seat}" in m.note
    assert abs(m.place.lat - point[0]) < 0.1 and abs(m.place.lon - point[1]) < 0.1


def test_overseas_hints_allow_the_geonames_countries_and_nothing_else(g):
    # GeoNames files Gustavia, Marigot, Mata-Utu under BL, MF, WF: a French hint allows them.
    assert g.lookup("Gustavia", kind="commune").place.country == "BL"
    assert g.lookup("Marigot", departement="978").place.country == "MF"
    assert g.lookup("Mata-Utu", departement="986").place.country == "WF"
    assert g.lookup("Saint-Martin", code="978").place.name == "Saint-Martin"
    # A collectivité is not in another département, and « Saint-Barthélemy » alone is
    # still the six communes of that name.
    assert g.lookup("Polynésie française", departement="08").status == "introuvable"
    assert g.lookup("Saint-Barthélemy").status == "ambigu"
