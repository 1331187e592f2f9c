"""The editing page's logic (cufmap.editing.session, cufmap.app.auth) and the page itself under AppTest."""

import shutil

import pandas as pd
import pytest

from cufmap.app import auth
from cufmap.editing import session
from cufmap.errors import UnreadableTable
from cufmap.places import geocoding
from cufmap.relay import schema
from cufmap.storage import changes, local, spreadsheets

from .conftest import DATA, ROOT, run_cli, run_page

FAST_HASH = auth.hash_password("bon-mot-de-passe", iterations=1000)


# --- Passwords and who may edit ----------------------------------------------------------

def test_password_is_stored_only_as_a_salted_hash():
    encoded = auth.hash_password("bon-mot-de-passe")
    assert "bon-mot-de-passe" not in encoded
    assert encoded.startswith("pbkdf2_sha256$600000$")
    assert auth.hash_password("bon-mot-de-passe") != encoded  # a new salt each time
    assert auth.check_password("bon-mot-de-passe", encoded)
    assert not auth.check_password("Bon-mot-de-passe", encoded)
    assert not auth.check_password("x", "pas une empreinte")


def test_configuration_sources():
    from cufmap.settings import load

    def config(secrets, environ):
        return auth.config(load(secrets, environ))

    assert config({}, {}).method == auth.NONE
    assert config({}, {"CUFMAP_MOT_DE_PASSE_HASH": FAST_HASH}) == \
        auth.Config(auth.PASSWORD, FAST_HASH)
    assert config({}, {"CUFMAP_PASSWORD_HASH": FAST_HASH}).method == auth.PASSWORD  # older name
    from_secrets = config({"cufmap": {"mot_de_passe_hash": FAST_HASH}}, {})
    assert from_secrets.method == auth.PASSWORD
    broken = config({}, {"CUFMAP_PASSWORD_HASH": "motdepasse-en-clair"})
    assert broken.method == auth.NONE and "cufmap hash-password" in broken.problem
    oidc = config({"auth": {"redirect_uri": "https://x/oauth2callback"},
                   "cufmap": {"editeurs": ["Alice@CUF.fr"]}}, {"CUFMAP_PASSWORD_HASH": FAST_HASH})
    assert oidc.method == auth.OIDC
    assert oidc.allows("alice@cuf.fr") and not oidc.allows("mallory@x.fr")


def test_cli_hash_password():
    result = run_cli("hash-password", input="un mot de passe assez long\n" * 2)
    assert result.returncode == 0, result.stderr
    encoded = result.stdout.strip().splitlines()[-1]
    assert auth.check_password("un mot de passe assez long", encoded)
    short = run_cli("hash-password", input="court\ncourt\n")
    assert short.returncode == 1 and "12 caractères" in short.stderr


# --- The table ------------------------------------------------------------------------------

@pytest.fixture
def frame(relay_copy):
    return local.Store(relay_copy).load().frame


def test_editor_frame_is_text_day_first_and_round_trips(frame):
    frame = frame.copy()
    frame.loc[3, "lat"], frame.loc[3, "lon"] = "-21.115141", "55.536384"
    typed = session.to_editor(frame)
    assert typed.loc[4, "lat"] == "-21.115141"  # text: never the browser's number editor
    assert list(typed.index[:2]) == [1, 2]  # rows numbered as in the messages
    assert typed.loc[1, "date_debut"] == "03/04/2025"  # text, day first, in any browser
    assert typed.loc[1, "date_fin"] == ""
    back = session.from_editor(typed)
    pd.testing.assert_frame_equal(back.reset_index(drop=True), frame.reset_index(drop=True),
                                  check_dtype=False)


def test_a_date_that_does_not_read_stays_in_its_cell_with_its_reason(frame):
    frame = frame.copy()
    frame.loc[0, "date_debut"] = "31/02/2025"
    typed = session.to_editor(frame)
    assert typed.loc[1, "date_debut"] == "31/02/2025"  # not lost, shown to be fixed
    assert typed.loc[2, "date_debut"] == "09/04/2025"
    problems = session.table_problems(session.from_editor(typed))
    assert [p.message for p in problems if p.level == "erreur"] == [
        "Ligne 1, colonne Date de début : « 31/02/2025 » n'est pas une date : février 2025 "
        "n'a que 28 jours."]


@pytest.mark.parametrize("typed", ["27/06/2025", "27062025", "27/6/25", "27 juin 2025",
                                   "vendredi 27 juin 2025", "27.06.2025", "2025-06-27"])
def test_dates_typed_in_the_grid_are_read_day_first(frame, typed):
    """The grid's date cells are text, read by the CSV reader's rule: whatever the browser's
    language, the day comes first."""
    grid = session.to_editor(frame)
    grid.loc[14, "date_debut"] = typed  # Rennes
    back = session.from_editor(grid)
    assert back.loc[13, "date_debut"] == "2025-06-27"
    assert not session.table_problems(back)


def test_a_coordinate_typed_with_a_comma_is_read(frame):
    grid = session.to_editor(frame)
    grid.loc[14, "lat"], grid.loc[14, "lon"] = "48,1173", "-1,6778"  # Rennes, the French way
    back = session.from_editor(grid)
    assert (back.loc[13, "lat"], back.loc[13, "lon"]) == ("48.1173", "-1.6778")


def test_empty_added_rows_are_dropped(frame):
    typed = session.to_editor(frame)
    typed.loc[len(typed) + 1] = [None] * len(typed.columns)
    assert len(session.from_editor(typed)) == len(frame)


def test_column_config_follows_the_schema(frame):
    config = session.column_config(frame)
    assert config["titre"]["label"] == "Titre" and config["titre"]["required"] is True
    assert "Exemple" in config["titre"]["help"]
    assert config["format"]["type_config"]["options"][:len(schema.FORMATS)] == list(schema.FORMATS)
    for name in ("date_debut", "heure_debut", "lat"):  # never the browser's own editors
        assert config[name]["type_config"]["type"] == "text"
    assert config["lien"]["type_config"]["type"] == "text"  # never a clickable javascript: link


# --- Versions: diff and merge ---------------------------------------------------------------

def _table(*rows):
    return pd.DataFrame([dict(zip(("id", "titre", "lieu"), r)) for r in rows], dtype=object)


def test_diff_counts_added_changed_removed():
    change = changes.diff(_table(("a", "A", ""), ("b", "B", "")),
                          _table(("a", "A2", ""), ("c", "C", "")))
    assert change.added == ["c"] and change.removed == ["b"]
    assert change.changed == {"a": ["titre"]}
    assert change.summary() == "1 ligne(s) ajoutée(s), 1 modifiée(s), 1 supprimée(s)"


def test_merge_keeps_both_sides_and_reports_real_conflicts():
    base = _table(("a", "A", ""), ("b", "B", ""), ("c", "C", ""))
    mine = _table(("a", "A mine", ""), ("b", "B", "ici"), ("c", "C", ""), ("m", "Mine", ""))
    theirs = _table(("a", "A theirs", ""), ("b", "B theirs", ""), ("t", "Theirs", ""))
    merged, conflicts = changes.merge(base, mine, theirs)
    rows = {r["id"]: r for r in merged.to_dict("records")}
    assert rows["b"] == {"id": "b", "titre": "B theirs", "lieu": "ici"}  # both edits kept
    assert rows["a"]["titre"] == "A theirs"  # same cell changed twice: theirs, reported
    assert set(rows) == {"a", "b", "t", "m"}  # c removed by them; m added by me
    assert [(c.ident, c.column, c.mine) for c in conflicts] == [("a", "titre", "A mine")]
    assert "« A mine »" in conflicts[0].message()


def test_merge_never_drops_a_row_someone_edited():
    base = _table(("a", "A", ""))
    merged, conflicts = changes.merge(base, _table(), _table(("a", "A2", "")))
    assert merged["id"].tolist() == ["a"] and conflicts[0].column == ""
    merged, conflicts = changes.merge(base, _table(("a", "A3", "")), _table())
    assert merged.empty and "supprimée" in conflicts[0].message()


# --- Import -----------------------------------------------------------------------------

def test_upload_from_excel_fr_is_compared_and_checked(frame):
    text = (ROOT / "data" / "relais.csv").read_text(encoding="utf-8")
    table = spreadsheets.to_excel_csv_bytes(frame).decode("utf-8-sig")
    table = table.replace("Parcours pédestre de la coopération à Billère", "=HYPERLIEN(\"x\")")
    upload = session.read_upload(table.encode("cp1252", errors="replace"), "relais.csv", frame)
    assert upload.description == "20 ligne(s), CSV cp1252, séparateur « ; »"
    assert upload.changes.changed == {"billere-2025-05-08": ["titre"]}
    assert upload.frame.loc[7, "titre"] == "=HYPERLIEN(\"x\")"  # kept as text, never run
    assert text  # the shipped file itself is untouched by reading


def test_upload_errors_carry_the_file_row(frame):
    table = spreadsheets.to_excel_csv_bytes(frame).decode("utf-8-sig")
    table = table.replace("08/05/2025", "31/02/2025", 1)
    upload = session.read_upload(table.encode("utf-8-sig"), "relais.csv", frame)
    assert [p.row for p in upload.errors] == [9]
    assert "Date de début" in upload.errors[0].message


@pytest.mark.parametrize("data,name,expected", [
    (b"x" * (session.MAX_UPLOAD_BYTES + 1), "gros.csv", "Mo"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "image.csv", ""),
    (b"PK\x03\x04pas vraiment un classeur", "faux.xlsx", ""),
    (b"", "vide.csv", ""),
])
def test_unreadable_uploads_get_a_french_message(frame, data, name, expected):
    with pytest.raises(UnreadableTable) as info:
        session.read_upload(data, name, frame)
    assert expected in str(info.value) and str(info.value)[0].isupper()


def test_the_import_report_names_columns_by_their_french_titles(frame):
    changed = frame.copy()
    changed.loc[13, "date_debut"], changed.loc[13, "type_collectivite"] = "2025-06-27", "région"
    assert changes.diff(frame, changed).report() == [
        {"Changement": "modifiée (Date de début, Type de collectivité)",
         "Étape": "rennes-2025-06-26"}]


# --- Emptying a filled cell asks first ----------------------------------------------------

def test_every_emptied_cell_is_named_with_its_stage(frame):
    emptied = frame.copy()
    emptied.loc[13, "date_debut"] = ""  # Ville de Rennes
    emptied.loc[13, "type_collectivite"] = ""
    emptied.loc[2, "partenaires"] = ""  # Ville de Suippes
    emptied.loc[3, "collectivite"] = ""  # Métropole de Lyon
    emptied = emptied.drop(index=19)  # a removed row is a removal, not an erasure
    assert [e.message() for e in changes.erasures(frame, emptied)] == [
        "Les partenaires à l'étranger de « Ville de Suippes » seront effacés.",
        "La collectivité hôte de « Métropole de Lyon » sera effacée.",
        "La date de début de « Ville de Rennes » sera effacée.",
        "Le type de collectivité de « Ville de Rennes » sera effacé."]
    assert changes.erasures(frame, frame) == []


def test_an_import_that_empties_a_date_says_so(frame):
    table = spreadsheets.to_excel_csv_bytes(frame).decode("utf-8-sig").replace(";26/06/2025;", ";;")
    upload = session.read_upload(table.encode("utf-8-sig"), "relais.csv", frame)
    assert [e.message() for e in upload.erasures] == [
        "La date de début de « Ville de Rennes » sera effacée."]


def test_new_ids_follow_the_shipped_ones():
    assert session.suggest_id("Ville d'Orléans", "05/06/2025") == "orleans-2025-06-05"
    assert session.suggest_id("Métropole de Lyon", "16 avril 2025",
                              taken=["lyon-2025-04-16"]) == "lyon-2025-04-16-2"
    assert session.suggest_id("Département de la Loire-Atlantique", "") == \
        "loire-atlantique-date-a-venir"
    assert session.partners_text([("Wichita", "États-Unis"), ("", "Allemagne"),
                                  ("Bamako", "")]) == "Wichita (États-Unis); Bamako"


# --- Places -----------------------------------------------------------------------------

def test_place_statuses_report_progress_and_choices_are_remembered(frame, tmp_path):
    frame = frame.copy()
    frame.loc[0, "partenaires"] = "Springfield (États-Unis)"
    places = geocoding.PlacesFile(tmp_path / "lieux.csv")
    shutil.copy(ROOT / "data" / "lieux.csv", places.path)
    chain = geocoding.Chain(places=places)
    seen = []
    statuses = session.place_statuses(frame, chain, progress=lambda *a: seen.append(a))
    assert len(seen) == len(statuses) and seen[-1][:2] == (len(statuses), len(statuses))
    springfield = next(s for s in statuses if s.query.name == "Springfield")
    assert springfield.needs_choice and len(springfield.result.candidates) >= 2
    assert all(not s.needs_choice for s in statuses if s is not springfield)
    pick = springfield.result.candidates[1]
    session.choose_place(places, springfield.query, pick.lat, pick.lon, name=pick.name)
    again = geocoding.Chain(places=geocoding.PlacesFile(places.path)).geocode(springfield.query)
    assert again.status == geocoding.FOUND and (again.lat, again.lon) == pytest.approx(
        (pick.lat, pick.lon), abs=1e-5)
    with pytest.raises(ValueError):
        session.choose_place(places, springfield.query, 95, 0)


# --- The page (AppTest) --------------------------------------------------------------------

@pytest.fixture
def edition(monkeypatch, tmp_path):
    data = tmp_path / "relais.csv"
    shutil.copy(DATA, data)
    places = tmp_path / "lieux.csv"
    shutil.copy(ROOT / "data" / "lieux.csv", places)
    monkeypatch.setenv("CUFMAP_DATA", str(data))
    monkeypatch.setenv("CUFMAP_PLACES", str(places))
    monkeypatch.delenv("CUFMAP_PASSWORD_HASH", raising=False)
    monkeypatch.chdir(ROOT)

    def run(env_hash=None, secrets=None):
        if env_hash:
            monkeypatch.setenv("CUFMAP_PASSWORD_HASH", env_hash)
        return run_page("pages/edition.py", secrets=secrets)

    run.data = data
    return run


def _sign_in(at, password="bon-mot-de-passe"):
    at.text_input(key="ed_name").input("Alice")
    at.text_input(key="ed_password").input(password)
    at.button[0].click()  # the form's submit button
    return at.run()


def test_without_configuration_the_page_explains_and_edits_nothing(edition):
    at = edition()
    assert "Édition désactivée" in at.warning[0].value
    assert "cufmap hash-password" in at.markdown[-1].value
    assert not at.get("arrow_data_frame") and not at.button


def test_wrong_password_is_refused_right_one_opens_the_table(edition, monkeypatch):
    now = [0.0]
    monkeypatch.setattr(auth, "GUARD", auth.Guard(clock=lambda: now[0]))
    at = _sign_in(edition(FAST_HASH), "mauvais")
    assert "Mot de passe incorrect" in at.error[0].value
    assert "ed_signed_in" not in at.session_state
    now[0] += 1  # the wait after one failure
    at = _sign_in(edition(FAST_HASH))
    assert [t.label for t in at.tabs] == ["Étapes", "Une étape", "Lieux", "Historique",
                                          "Importer / exporter"]
    save = next(b for b in at.button if b.label == "Enregistrer")
    assert save.disabled  # nothing changed yet


def test_oidc_configuration_offers_st_login(edition):
    at = edition(secrets={"auth": {"redirect_uri": "http://127.0.0.1/oauth2callback",
                                   "cookie_secret": "x" * 32, "client_id": "id",
                                   "client_secret": "s",
                                   "server_metadata_url": "https://idp.example/.well-known"}})
    assert [b.label for b in at.button] == ["Se connecter"]
    assert "connectez-vous" in at.info[0].value
    assert not at.text_input  # no password form


def test_page_saves_an_edit_made_through_the_editor_state(edition):
    at = _sign_in(edition(FAST_HASH))
    key = f"ed_table_{at.session_state['ed'].table}"
    at.session_state[key] = {"edited_rows": {2: {"titre": "Titre changé dans AppTest"}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    save = next(b for b in at.button if b.label == "Enregistrer")
    assert not save.disabled
    save.click()
    at.run()
    assert not at.exception, at.exception
    assert "Titre changé dans AppTest" in edition.data.read_text(encoding="utf-8")
    assert at.success and "1 modifiée(s)" in at.success[0].value


def test_page_removes_and_adds_rows_and_refuses_an_incomplete_one(edition):
    at = _sign_in(edition(FAST_HASH))
    key = f"ed_table_{at.session_state['ed'].table}"
    at.session_state[key] = {"edited_rows": {}, "deleted_rows": [19],
                             "added_rows": [{"id": "nouvelle-etape", "titre": "Sans hôte"}]}
    at.run()
    assert any("1 ligne(s) ajoutée(s), 0 modifiée(s), 1 supprimée(s)" in c.value
               for c in at.caption)
    assert "1 erreur(s)" in at.error[0].value  # the new row has no host
    assert next(b for b in at.button if b.label == "Enregistrer").disabled
    at.session_state[key] = {"edited_rows": {}, "deleted_rows": [19], "added_rows": [
        {"id": "nouvelle-etape", "titre": "Avec hôte", "collectivite": "Ville de Lille"}]}
    at.run()
    next(b for b in at.button if b.label == "Enregistrer").click()
    at.run()
    ids = [line.split(",")[0] for line in edition.data.read_text(encoding="utf-8").splitlines()]
    assert "nouvelle-etape" in ids and "morlaix-date-a-venir" not in ids


def test_an_unreadable_file_can_still_be_restored_from_the_page(edition):
    data = local.Store(edition.data)
    snap = data.load()
    frame = snap.frame.copy()
    frame.loc[0, "titre"] = "Version saine"
    data.save(frame, snap.version, author="alice")
    edition.data.write_bytes(b"nom;prix\nfoo;3\n\x00\x01")  # broken by hand, outside the app
    at = _sign_in(edition(FAST_HASH))
    assert "ne peut pas être lu" in at.error[0].value
    assert [t.label for t in at.tabs] == ["Historique", "Importer / exporter"]
    assert not any(b.label == "Enregistrer" for b in at.button)
    at.selectbox[0].select(at.selectbox[0].options[0])  # the newest readable version
    next(b for b in at.button if b.label == "Rétablir cette version").click()
    at.run()
    assert "Version saine" in edition.data.read_text(encoding="utf-8")
    assert [t.label for t in at.tabs][0] == "Étapes" and not at.error


def test_the_grid_never_drops_a_typed_link_or_id_silently():
    """A wrong link or id reaches the validation, which names the row and the fix; a grid
    pattern would throw the typed value away without a word."""
    from cufmap.storage import local

    config = session.column_config(local.Store(DATA).load().frame)
    assert config["lien"]["type_config"].get("validate") is None
    assert config["id"]["type_config"].get("validate") is None
    problems = session.table_problems(pd.DataFrame([{"id": "x-1", "lien": "javascript:alert(1)"}]))
    assert any(p.column.lower().startswith("lien") for p in problems)
