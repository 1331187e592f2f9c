"""Geocoding: the offline chain places every stage; homonyms, hints, places file, online."""

import json
import math
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError

from cufmap.places import geocoding, names
from cufmap.places.gazetteer import default
from cufmap.places.geocoding import Chain, PlacesFile, Query
from cufmap.relay.stages import load_stages

from .conftest import DATA, ROOT, run_cli


def km(a, b):
    (lat1, lon1), (lat2, lon2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def chain():
    return Chain(places=PlacesFile(ROOT / "data" / "lieux.csv"))


# Reference positions (town halls / city centres), independent of the gazetteer's sources.
EXPECTED_HOSTS = {
    "suippes-2025-04-01": (49.13, 4.53), "cuf-webinaire-2025-04-09": (48.89, 2.35),
    "cuf-lancement-2025-04-03": (48.89, 2.35), "lyon-2025-04-16": (45.76, 4.84),
    "cap-nord-2025-04-25": (14.79, -61.01), "nancy-2025-05-07": (48.69, 6.18),
    "billere-2025-05-08": (43.30, -0.40), "grenoble-2025-05-15": (45.19, 5.72),
    "aude-2025-05-27": (43.21, 2.35), "chartres-2025-05-31": (48.45, 1.49),
    "savoie-2025-06-14": (45.57, 5.92), "montpellier-2025-06-19": (43.61, 3.88),
    "rennes-2025-06-26": (48.11, -1.68), "loire-atlantique-2025-07-02": (47.22, -1.55),
    "strasbourg-date-a-venir": (48.58, 7.75), "crolles-date-a-venir": (45.28, 5.88),
    "poitiers-date-a-venir": (46.58, 0.34), "la-reunion-date-a-venir": (-20.88, 55.45),
    "morlaix-date-a-venir": (48.58, -3.83),
}
EXPECTED_PARTNERS = {"Yangpyeong": (37.49, 127.49), "Sabiñánigo": (42.52, -0.36),
                     "Petersberg": (50.56, 9.71)}


def test_every_host_and_partner_of_the_relay_resolves_offline(chain):
    stages = load_stages(DATA)
    for stage in stages:
        result = geocoding.locate_stage(chain, stage)
        assert result.status == "trouvé", (stage.id, result)
        if stage.id in EXPECTED_HOSTS:
            assert km(result.point, EXPECTED_HOSTS[stage.id]) < 5, (stage.id, result)
        for partner in stage.partners:
            r = chain.geocode(geocoding.partner_query(partner))
            assert r.status == "trouvé" and r.country == partner.iso
            assert km(r.point, EXPECTED_PARTNERS[partner.name]) < 5, (partner, r)


def test_collectivities_above_the_commune_are_placed_at_their_seat(chain):
    r = chain.geocode(Query("Département de l'Aude", "France", "département"))
    assert (r.kind, r.name) == ("département", "Aude") and "chef-lieu : Carcassonne" in r.note
    r = chain.geocode(Query("Conseil départemental de La Réunion", "France"))
    assert r.kind == "département" and "Saint-Denis" in r.note
    r = chain.geocode(Query("Région Occitanie"))
    assert r.kind == "région" and "Toulouse" in r.note
    r = chain.geocode(Query("Collectivité territoriale de Martinique"))
    assert r.kind == "région" and r.name == "Martinique"


@pytest.mark.parametrize("text,expected", [
    ("Métropole de Lyon", "Métropole de Lyon"), ("Grand Nancy", "Métropole du Grand Nancy"),
    ("Métropole de Nancy", "Métropole du Grand Nancy"),
    ("Morlaix Communauté", "CA Morlaix Communauté"),
    ("Communauté de Morlaix", "CA Morlaix Communauté"),
    ("CAP Nord Martinique", "CA du Pays Nord Martinique"),
])
def test_intercommunalities_by_common_forms(text, expected):
    m = default().lookup(text, "France")
    assert m.status == "trouvé" and m.place.name == expected


def test_official_codes():
    assert default().lookup("", code="51559").place.name == "Suippes"
    assert default().lookup("", code="200041788").place.name == "CA du Pays Nord Martinique"
    # « 11 » is both the Aude and Île-de-France: the kind decides.
    assert default().lookup("Aude", code="11", kind="département").place.name == "Aude"


def test_homonyms_are_ambiguous_until_a_hint_decides(chain):
    r = chain.geocode(Query("Saint-Denis"))
    assert r.status == "ambigu"
    labels = [c.note for c in r.candidates]
    assert "Saint-Denis (commune, 974)" in labels and "Saint-Denis (commune, 93)" in labels
    assert chain.geocode(Query("Saint-Denis", departement="974")).lat < -20
    assert chain.geocode(Query("Saint-Denis", departement="93")).lat > 48
    belgium = chain.geocode(Query("Saint-Denis", "Belgique"))  # two of them in Belgium
    assert belgium.status == "ambigu" and {c.country for c in belgium.candidates} == {"BE"}
    assert chain.geocode(Query("Sainte-Marie", "France")).status == "ambigu"
    assert chain.geocode(Query("Sainte-Marie", "France", departement="972")).lon < -60
    assert chain.geocode(Query("Nancy", "France")).name == "Nancy"
    assert chain.geocode(Query("Chambéry", "Canada")).country == "CA"
    assert chain.geocode(Query("Lyon", "France", "métropole")).kind == "métropole"
    assert chain.geocode(Query("Lyon", "France")).kind == "commune"


def test_french_exonyms_and_country_names(chain):
    for name, country, iso, point in [("Séville", "Espagne", "ES", (37.39, -5.98)),
                                      ("Cracovie", "Pologne", "PL", (50.06, 19.94)),
                                      ("Munich", "Allemagne", "DE", (48.14, 11.58)),
                                      ("Londres", "Royaume-Uni", "GB", (51.51, -0.13)),
                                      ("Yangpyeong", "Corée du Sud", "KR", (37.49, 127.49))]:
        r = chain.geocode(Query(name, country))
        assert r.status == "trouvé" and r.country == iso and km(r.point, point) < 10, name


def test_not_found_comes_with_close_spellings(chain):
    r = chain.geocode(Query("Ville de Suipes", "France"))
    assert r.status == "introuvable"
    assert "Suippes (commune, 51)" in r.suggestions
    r = chain.geocode(Query("Sabinanigo", "Espagne"))  # the newsletter's spelling still works
    assert r.status == "trouvé" and r.name == "Sabiñánigo"


def test_unknown_country_is_not_found():
    assert default().lookup("Paris", "Atlantide").status == "introuvable"


def test_names_module():
    assert names.split_authority("Département de l'Aude") == ("département", "aude")
    assert names.split_authority("Ville de Billère") == ("commune", "billere")
    assert names.split_authority("Suippes") == (None, "suippes")
    assert names.key("St-Denis") == names.key("Saint Denis") == "saint denis"
    assert "cap nord martinique" in names.epci_keys("CA du Pays Nord Martinique")


# --- Places file --------------------------------------------------------------------------

def test_places_file_manual_position_and_redirect(tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_bytes("nom;pays;lat;lon;voir;note\r\n"
                     "Maison des relations internationales;France;43,6;3,87;;salle\r\n"
                     "Cités Unies France;;;;9 rue Christiani, 75018 Paris;siège\r\n"
                     .encode("cp1252"))
    chain = Chain(places=PlacesFile(path))
    r = chain.geocode(Query("Maison des relations internationales", "France"))
    assert (r.status, r.lat, r.lon) == ("trouvé", 43.6, 3.87)
    assert r.source.startswith("fichier des lieux")
    r = chain.geocode(Query("Cités Unies France", "France"))
    assert r.name == "Paris 18e Arrondissement" and "placé comme" in r.note


# --- Online services, through a fake adapter ----------------------------------------------

class FakeAdapter(BaseSyncAdapter):
    """Answers like api-adresse.data.gouv.fr and Nominatim; records every request."""

    calls: list = []
    fail = False

    def __init__(self, *, proxies=None, ssl_context=None):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_text(self, url, *, timeout, headers):
        return json.dumps(self.get_json(url, timeout=timeout, headers=headers))

    def get_json(self, url, *, timeout, headers):
        FakeAdapter.calls.append((url, headers, timeout))
        if FakeAdapter.fail:
            raise GeocoderServiceError("boom")
        query = parse_qs(urlsplit(url).query)
        if "api-adresse" in url:
            return {"features": [{"geometry": {"coordinates": [2.3571, 48.8919]},
                                  "properties": {"label": "9 Rue Christiani 75018 Paris"}}]}
        if "zzz" in query.get("q", [""])[0]:
            return []
        return [{"lat": "36.8", "lon": "10.18", "display_name": "Tunis, Tunisie",
                 "address": {}}]


@pytest.fixture
def online(tmp_path):
    FakeAdapter.calls = []
    FakeAdapter.fail = False
    up = {"value": True}

    class Probe:
        def __call__(self):
            return up["value"]

        def down(self):
            up["value"] = False

    ban = geocoding.ban_france(adapter_factory=FakeAdapter, probe=Probe())
    nom = geocoding.nominatim(adapter_factory=FakeAdapter, probe=Probe())
    sleeps, now = [], [1000.0]

    def sleep(seconds):  # injected time: the tests never really sleep
        sleeps.append(seconds)
        now[0] += seconds

    for service in (ban, nom):
        service.rate_limited._clock = lambda: now[0]
        service.rate_limited._sleep = sleep
    chain = Chain(places=PlacesFile(tmp_path / "lieux.csv"), online=[ban, nom])
    chain.sleeps, chain.up, chain.ban, chain.nom = sleeps, up, ban, nom
    return chain


def test_online_ban_then_cached_in_places_file(online, tmp_path):
    q = Query("Rue inconnue du gazetteer 12, Paris", "France")
    r = online.geocode(q)
    assert (r.status, r.source) == ("trouvé", "BAN (adresse.data.gouv.fr)")
    assert (r.lat, r.lon) == (48.8919, 2.3571)
    url, headers, timeout = FakeAdapter.calls[0]
    assert url.startswith("https://api-adresse.data.gouv.fr/search")
    assert headers["User-Agent"] == geocoding.USER_AGENT and timeout == 3
    text = (tmp_path / "lieux.csv").read_text(encoding="utf-8")
    assert "Rue inconnue du gazetteer 12" in text and "48.891900" in text
    again = Chain(places=PlacesFile(tmp_path / "lieux.csv"), online=[online.ban])
    assert again.geocode(q).source == "fichier des lieux (BAN (adresse.data.gouv.fr))"
    assert len(FakeAdapter.calls) == 1  # a place costs at most one request ever


def test_online_nominatim_abroad_with_country_and_rate_limit(online):
    online.geocode(Query("Village inconnu", "Tunisie"))
    online.geocode(Query("Autre village inconnu", "Tunisie"))
    urls = [c[0] for c in FakeAdapter.calls]
    assert all("nominatim.openstreetmap.org" in u for u in urls)
    assert parse_qs(urlsplit(urls[0]).query)["countrycodes"] == ["tn"]
    assert online.sleeps and all(s == pytest.approx(1.0) for s in online.sleeps)


def test_online_not_found_is_remembered_too(online):
    r = online.geocode(Query("zzz introuvable", "Tunisie"))
    assert r.status == "introuvable"
    online.geocode(Query("zzz introuvable", "Tunisie"))
    assert len(FakeAdapter.calls) == 1


def test_no_network_means_offline_answers_and_no_request(online):
    online.up["value"] = False
    r = online.geocode(Query("Village inconnu", "Tunisie"))
    assert r.status == "introuvable" and FakeAdapter.calls == []
    assert online.geocode(Query("Suippes", "France")).status == "trouvé"


def test_failing_service_is_marked_down_after_one_error(online):
    FakeAdapter.fail = True
    assert online.geocode(Query("Village A", "Tunisie")).status == "introuvable"
    assert online.geocode(Query("Village B", "Tunisie")).status == "introuvable"
    assert len(FakeAdapter.calls) == 1


def test_network_probe_on_a_closed_local_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert geocoding.NetworkProbe("127.0.0.1", port, timeout=0.5)() is False


def test_online_services_only_when_asked_and_not_offline(tmp_path):
    from cufmap import settings

    assert Chain.default(tmp_path / "lieux.csv").online == []  # a library call: offline
    for environ, online in (({}, True), ({"CUFMAP_OFFLINE": "1"}, False),
                            ({"CUFMAP_HORS_LIGNE": "oui"}, False)):
        s = settings.load({}, environ)
        chain = Chain.default(s.places, allow_online=not s.offline)
        assert bool(chain.online) is online


# --- CLI ----------------------------------------------------------------------------------

def test_cli_geocode_file(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("nom;pays;departement;contact\nSaint-Denis;;;a\nSaint-Denis;France;974;b\n"
                   "Suipes;;;c\nCracovie;Pologne;;d\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run_cli("geocode", src, "-o", out, "--offline", "--lieux", tmp_path / "l.csv")
    assert result.returncode == 0, result.stderr
    import csv

    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["statut"] for r in rows] == ["ambigu", "trouvé", "introuvable", "trouvé"]
    assert [r["contact"] for r in rows] == ["a", "b", "c", "d"]
    assert rows[1]["lat"].startswith("-20.8") and rows[3]["nom_trouve"] == "Kraków"
    assert "Suippes (commune, 51)" in rows[2]["candidats"]
    assert "1 ambigu(s), 1 introuvable(s)" in result.stderr


def test_cli_geocode_relay():
    result = run_cli("geocode", "--offline")
    assert result.returncode == 0, result.stderr
    assert "Tous les hôtes et partenaires sont placés." in result.stdout
    assert "23 lieu(x) : 23 trouvé(s) (dont " in result.stderr  # the summary, at the end
    assert "0 ambigu(s), 0 introuvable(s)." in result.stderr
    assert "partenaire Petersberg (Allemagne) : Petersberg (50.5600, 9.7129)" in result.stdout


def test_online_answer_across_the_hints_is_no_answer(online, tmp_path):
    # The fake BAN always answers Paris 18e: not in the Corrèze (19).
    r = online.geocode(Query("Lieu-dit inconnu du gazetteer", kind="commune", departement="19"))
    assert r.status == "introuvable" and FakeAdapter.calls  # asked, answer set aside
    assert parse_qs(urlsplit(FakeAdapter.calls[-1][0]).query)["countrycodes"] == ["fr"]
    assert not (tmp_path / "lieux.csv").exists() or "48.891900" not in (
        tmp_path / "lieux.csv").read_text(encoding="utf-8")


# --- A code and a name ----------------------------------------------------------------------

def test_cli_wrong_codes_of_the_relay_are_never_trusted_silently(tmp_path):
    """Review repro: Suippes with its postal code, Grenoble with the code of Paris."""
    import csv

    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["id"].startswith("suippes"):
            row["code_insee"] = "51600"
        if row["id"].startswith("grenoble"):
            row["code_insee"] = "75056"
    data = tmp_path / "relais.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run_cli("geocode", "--offline", "--lieux", ROOT / "data" / "lieux.csv",
                     env={"CUFMAP_DATA": str(data)})
    out = result.stdout + result.stderr  # problems are written to stderr
    assert "Vaudesincourt" not in out
    assert "Ville de Suippes : Suippes (49.13" in out
    assert "51600 est un code postal, pas un code INSEE" in out and "51559" in out
    grenoble = out.split("Ville de Grenoble : ", 1)[1].split("\n")
    assert grenoble[0].startswith("AMBIGU") and "ne désignent pas le même lieu" in grenoble[0]
    assert "Corrigez la colonne code_insee" in grenoble[0]
    assert grenoble[1].strip().startswith("candidat : Paris (commune, 75)")
    assert grenoble[2].strip().startswith("candidat : Grenoble (commune, 38)")
    assert "1 ambigu(s)" in result.stderr
    assert "2 code(s) officiel(s) à corriger" in result.stderr
    assert result.returncode == 1  # Grenoble is not placed


@pytest.mark.parametrize("name,kind,code,expected", [
    ("Ville de Suippes", "commune", "51559", "Suippes"),
    ("SUIPPES", "", "51559", "Suippes"),
    ("Ville de Paris", "", "75056", "Paris"),
    ("Paris", "commune", "75105", "Paris 5e Arrondissement"),
    ("Lyon", "commune", "69381", "Lyon 1er Arrondissement"),
    ("Marseille", "", "13201", "Marseille 1er Arrondissement"),
    ("Havre", "", "76351", "Le Havre"),  # the article
    ("Métropole de Lyon", "métropole", "200046977", "Métropole de Lyon"),  # SIREN
    ("Grand Nancy", "", "245400676", "Métropole du Grand Nancy"),
    ("CAP Nord Martinique", "", "200041788", "CA du Pays Nord Martinique"),
    ("Communauté de Morlaix", "", "242900835", "CA Morlaix Communauté"),  # EPCI of Morlaix
    ("Chemillé", "", "49092", "Chemillé"),  # the commune déléguée sharing the code
    ("Chemillé-en-Anjou", "commune", "49199", "Chemillé-en-Anjou"),  # code of Melay, déléguée
    ("Melay", "commune", "49092", "Melay"),  # the déléguée by name, its commune by code
    ("Département de l'Aude", "département", "11", "Aude"),
])
def test_a_code_that_matches_the_name_is_trusted(name, kind, code, expected):
    m = default().lookup(name, "France", kind, code=code)
    assert (m.status, m.place.name, m.confidence) == ("trouvé", expected, 1.0), m
    assert m.note.startswith("trouvé par son code officiel") and not m.code_to_fix


def test_a_staff_redirect_is_not_undone_by_the_code(chain):
    # data/lieux.csv places « CAP Nord Martinique » as « Le Marigot »: the code goes with it.
    r = chain.geocode(Query("CAP Nord Martinique", "France", code="200041788"))
    assert (r.status, r.name) == ("trouvé", "Le Marigot") and not r.code_to_fix


def test_a_postal_code_in_the_code_column_is_recognised(chain):
    r = chain.geocode(Query("Ville de Grenoble", "France", "commune", code="38000"))
    assert (r.status, r.name) == ("trouvé", "Grenoble") and r.code_to_fix
    assert "38000 est un code postal, pas un code INSEE" in r.note and "38185" in r.note


def test_a_code_of_another_place_gives_both_candidates(chain):
    r = chain.geocode(Query("Ville de Grenoble", "France", "commune", code="75056"))
    assert r.status == "ambigu" and r.code_to_fix and r.point is None
    assert [c.name for c in r.candidates] == ["Paris", "Grenoble"]
    # A misspelt name that names no other place: the code places it, flagged and less sure.
    r = chain.geocode(Query("Ville de Suipes", "France", "commune", code="51559"))
    assert (r.status, r.name) == ("trouvé", "Suippes") and r.confidence < 0.9
    assert r.code_to_fix and "n'est pas le sien" in r.note


def test_validate_warns_of_a_code_that_disagrees_with_the_name():
    from cufmap.places.geocoding import code_check
    from cufmap.relay.validation import WARNING, validate_rows

    columns = ["id", "date_debut", "collectivite", "type_collectivite", "code_insee", "titre"]
    rows = [dict(zip(columns, values)) for values in [
        ("a", "2025-04-01", "Ville de Suippes", "commune", "51600", "t"),
        ("b", "2025-05-15", "Ville de Grenoble", "commune", "75056", "t"),
        ("c", "2025-05-16", "Ville de Grenoble", "commune", "38185", "t")]]
    problems = [p for p in validate_rows(rows, columns, checks=(code_check,))
                if p.column == "code_insee"]
    assert not [p for p in validate_rows(rows, columns) if p.column == "code_insee"]
    assert [(p.level, p.row) for p in problems] == [(WARNING, 2), (WARNING, 3)]
    assert "code postal, pas un code INSEE" in problems[0].message
    assert "le code désigne Paris" in problems[1].message
