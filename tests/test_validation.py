"""Each class of error speaks French, names the row, the column, the value and the fix."""

import pytest

from cufmap.relay import reading, validation

HEADER = "id;date_debut;date_fin;collectivite;titre;format;partenaires;lat;lon;lien;code_insee;" \
         "heure_debut;type_collectivite;description\n"
GOOD = "ok;01/04/2025;;Ville de Suippes;Randonnée;randonnée;Yangpyeong (Corée du Sud);;;" \
       "https://cites-unies-france.org/;51559;09:15;commune;Texte\n"


def problems_for(row: str, header: str = HEADER):
    table = reading.read_bytes((header + GOOD + row).encode("utf-8"))
    return table.problems + validation.validate(table.frame, table.lines, table.missing)


def test_good_row_has_no_problem():
    assert problems_for("") == []


@pytest.mark.parametrize("row,column,expected", [
    ("x;31/02/2025;;Ville;T;;;;;;;;;\n", "date_debut",
     "Ligne 3, colonne Date de début : « 31/02/2025 » n'est pas une date : février 2025 n'a "
     "que 28 jours."),
    ("x;10/05/2025;08/05/2025;Ville;T;;;;;;;;;\n", "date_fin", "est antérieure à la date de début"),
    ("x;;08/05/2025;Ville;T;;;;;;;;;\n", "date_fin", "sans date de début"),
    ("ok;;;Ville;T;;;;;;;;;\n", "id", "« ok » est déjà utilisé ligne 2"),
    ("x y;;;Ville;T;;;;;;;;;\n", "id", "n'est pas un identifiant valide"),
    ("x;;;Ville;T;;;43.3;;;;;;\n", "lat", "est donnée sans longitude"),
    ("x;;;Ville;T;;;;2.1;;;;;\n", "lon", "est donnée sans latitude"),
    ("x;;;Ville;T;;;95;2;;;;;\n", "lat", "est hors limites"),
    ("x;;;Ville;T;;;abc;2;;;;;\n", "lat", "n'est pas un nombre"),
    ("x;;;Ville;T;;Petersberg;;;;;;;\n", "partenaires",
     "« Petersberg » n'indique pas le pays du partenaire"),
    ("x;;;Ville;T;;Petersberg (Allemange);;;;;;;\n", "partenaires",
     "« Allemange » n'est pas un pays reconnu (nom français, ex. « Allemagne », ou code ISO, "
     "ex. DE). Vouliez-vous dire « Allemagne » ?"),
    ("x;;;Ville;T;randonée;;;;;;;;\n", "format", "Vouliez-vous dire « randonnée » ?"),
    ("x;;;Ville;T;karaoké;;;;;;;;\n", "format", "n'est pas une valeur permise (choix : marche"),
    ("x;;;Ville;T;;;;;www.cuf.fr;;;;\n", "lien", "Ajoutez « https:// » au début."),
    ("x;;;Ville;T;;;;;javascript:alert(1);;;;\n", "lien", "n'est pas une adresse web"),
    ("x;;;Ville;T;;;;;;ABC;;;\n", "code_insee", "n'est pas un code officiel"),
    ("x;;;Ville;T;;;;;;;25h99;;\n", "heure_debut", "n'est pas une heure : il n'y a pas d'heure 25"),
    ("x;;;Ville;T;;;;;;;;village;\n", "type_collectivite", "n'est pas une valeur permise"),
    ("x;;;;T;;;;;;;;;\n", "collectivite", "Ligne 3, colonne Collectivité hôte : cellule vide"),
])
def test_each_error_class(row, column, expected):
    found = [p for p in problems_for(row) if p.level == validation.ERROR]
    assert len(found) == 1, found
    assert found[0].column == column
    assert found[0].row == 3
    assert expected in found[0].message


def test_missing_required_column_is_reported_on_the_header_row():
    problems = problems_for("", header=HEADER.replace("titre;", "intitulé du projet;"))
    assert [p.message for p in problems if p.level == validation.ERROR] == [
        "Ligne 1 : la colonne obligatoire « Titre » (titre) est absente ; ajoutez-la à la ligne "
        "d'en-tête."]


def test_all_errors_are_reported_at_once():
    rows = "a;31/02/2025;;Ville;T;;;;;;;;;\nb;;;;;karaoké;X;1;;;;;;\nb;;;V;T;;;;;;;;;\n"
    problems = validation.errors(problems_for(rows))
    assert {(p.row, p.column) for p in problems} == {
        (3, "date_debut"), (4, "collectivite"), (4, "titre"), (4, "format"),
        (4, "partenaires"), (4, "lat"), (5, "id")}


def test_cells_a_spreadsheet_library_leaves_empty_or_as_numbers_are_read_as_text():
    """A table edited as a DataFrame gives None or NaN for empty cells and numbers for
    positions: an empty required cell is reported as empty (never as « None » or « nan »)."""
    import pandas as pd

    frame = pd.DataFrame([{"id": "a", "date_debut": "2025-04-01", "collectivite": None,
                           "titre": float("nan"), "lat": 48.85, "lon": 2.35}], dtype=object)
    problems = validation.validate(frame)
    assert [(p.column, p.message.split(" : ", 1)[1][:12]) for p in problems] == [
        ("collectivite", "cellule vide"), ("titre", "cellule vide")]


def test_warnings_do_not_block():
    rows = "x;01/04/2025;;Ville de Suippes;<img src=x onerror=alert(1)>;;;;;;;;;\n"
    problems = problems_for(rows)
    assert [p.level for p in problems] == ["avertissement", "avertissement"]
    assert "affiché tel quel" in problems[0].message
    assert "doublon" in problems[1].message


def test_duplicate_header_is_an_error():
    problems = problems_for("", header=HEADER.replace("lien;", "date_debut;"))
    assert any("désignent toutes deux « Date de début »" in p.message for p in problems)


@pytest.mark.parametrize("value,expected", [("2025-04-16", "2025-04-16"),
                                            ("16/04/2025", "2025-04-16"),
                                            ("16/04/25", "2025-04-16"),
                                            ("1.4.2025", "2025-04-01"),
                                            ("2025-04-16 00:00:00", "2025-04-16")])
def test_date_forms(value, expected):
    assert validation.parse_date(value).isoformat() == expected


@pytest.mark.parametrize("value", ["27/06/2025", "27062025", "27/6/25", "270625", "27.6.2025",
                                   "27 juin 2025", "27 JUIN 2025", "vendredi 27 juin 2025",
                                   "27 juin 25", "27-juin-2025", "20250627"])
def test_dates_are_read_day_first_as_french_staff_type_them(value):
    assert validation.parse_date(value) == validation.parse_date("2025-06-27")


@pytest.mark.parametrize("value,expected", [
    ("1er juin 2025", "2025-06-01"), ("3 févr. 2026", "2026-02-03"), ("3 fevrier 2026",
                                                                     "2026-02-03"),
    ("14 sept 2025", "2025-09-14"), ("25 déc. 2025", "2025-12-25"), ("5 août 2025", "2025-08-05")])
def test_french_month_names_whole_or_abbreviated(value, expected):
    assert validation.parse_date(value).isoformat() == expected


@pytest.mark.parametrize("value,reason", [
    ("31/02/2025", "n'est pas une date : février 2025 n'a que 28 jours."),
    ("31/04/2025", "n'est pas une date : avril 2025 n'a que 30 jours."),
    ("06/27/2025", "il n'y a pas de mois 27 (le jour vient en premier"),
    ("27/06/62025", "n'est pas une date (attendu : JJ/MM/AAAA, ex. 27/06/2025)."),
    ("lundi 27 juin 2025", "le 27 juin 2025 est un vendredi, pas un lundi."),
    ("27 jui 2025", "n'est pas une date (attendu"),  # juin or juillet?
    ("27/06/1025", "l'année 1025 paraît erronée"),
])
def test_a_date_that_does_not_read_says_why(value, reason):
    with pytest.raises(ValueError):
        validation.parse_date(value)
    assert reason in validation.date_problem(value)
    assert validation.date_problem("27/06/2025") == ""


@pytest.mark.parametrize("value,expected", [("09:15", "09:15"), ("9h15", "09:15"),
                                            ("9 h 15", "09:15"), ("9h", "09:00"),
                                            ("0915", "09:15"), ("14:30:00", "14:30")])
def test_time_forms(value, expected):
    assert validation.parse_time(value).strftime("%H:%M") == expected


def test_a_time_that_does_not_read_says_why():
    assert "il n'y a pas d'heure 25" in validation.time_problem("25:00")
    assert "il n'y a pas de minute 75" in validation.time_problem("9:75")
    assert validation.time_problem("midi").startswith("n'est pas une heure (attendu : HH:MM")


def test_partner_parsing_accepts_codes_and_french_names():
    partners = validation.parse_partners("Sabiñánigo (ES);  Petersberg (Allemagne) ;"
                                         "Yangpyeong (Corée du Sud)")
    assert [(p.name, p.iso, p.country_fr) for p in partners] == [
        ("Sabiñánigo", "ES", "Espagne"), ("Petersberg", "DE", "Allemagne"),
        ("Yangpyeong", "KR", "Corée du Sud")]
