"""The places file is data like the stages file (issue 18, item 4): read within its budget,
checked, the last valid version kept when the remote brings a bad one, problems shown on the
editing page; an unreachable remote named as such."""

import shutil

import pytest

from cufmap.app import auth
from cufmap.places import geocoding, remembered
from cufmap.storage import gitstore

from .conftest import DATA, ROOT, run_page
from .test_gitstore import git, instance, remote  # noqa: F401  (the bare remote fixture)

PLACES = ROOT / "data" / "lieux.csv"
HASH = auth.hash_password("bon-mot-de-passe", iterations=1000)


def _huge(megabytes: int = 30) -> bytes:
    """A well-formed places file of ``megabytes`` MB (the outside tester's commit)."""
    line = b"Ville de Suippes,France,commune,trouv\xc3\xa9,49.1286,4.5339,,,manuel,,,\n"
    return PLACES.read_bytes() + line * (megabytes * 2**20 // len(line))


def _commit_places(tmp_path, bare, data: bytes, message="Lieux modifiés directement"):
    work = tmp_path / "direct-lieux"
    if not work.exists():
        import subprocess

        subprocess.run(["git", "clone", "-q", str(bare), str(work)], check=True,
                       capture_output=True)
    git(work, "pull", "-q", "origin", "main")
    (work / "data" / "lieux.csv").write_bytes(data)
    git(work, "-c", "user.name=Web", "-c", "user.email=", "commit", "-q", "-am", message)
    git(work, "push", "-q", "origin", "HEAD:main")


def test_rows_and_their_errors_name_the_row_and_column():
    good = remembered.parse(PLACES.read_bytes())
    assert good.rows and not good.errors
    bad = remembered.parse("nom,pays,lat,lon\nSuippes,France,149.1,4.5\nBillère,,43.3,x\n"
                       .encode())
    assert bad.problem == ("2 erreur(s) : ligne 2, colonne lat : « 149.1 » n'est pas un nombre "
                           "entre -90 et 90 ; ligne 3, colonne lon : « x » n'est pas un nombre "
                           "entre -180 et 180.")
    assert "colonne « nom »" in remembered.problem(b"lieu,pays\nSuippes,France\n")


def test_a_30_mb_places_file_on_the_remote_is_refused_and_the_last_valid_one_kept(
        tmp_path, remote):  # noqa: F811
    app = instance(tmp_path, remote)
    app.sync(force=True)
    good = app.places.read_bytes()
    _commit_places(tmp_path, remote, _huge())
    assert not app.sync(force=True)
    assert app.places.read_bytes() == good  # the map keeps placing with the last valid file
    assert "Le fichier des lieux du dépôt" in app.places_problem
    assert "fait 30 Mo (limite 5 Mo)" in app.places_problem
    # the next save puts the last valid version back on the remote
    snap = app.load()
    frame = snap.frame.copy()
    frame.loc[0, "titre"] = "Après les lieux refusés"
    app.save(frame, snap.version, author="Alice")
    assert git(remote, "show", "main:data/lieux.csv").encode() == good
    assert app.places_problem == ""


def test_a_places_file_with_errors_on_the_remote_is_refused_whole(tmp_path, remote):  # noqa: F811
    app = instance(tmp_path, remote)
    app.sync(force=True)
    good = app.places.read_bytes()
    _commit_places(tmp_path, remote, good + "Nulle part,France,commune,trouvé,91,1,,,,,,\n"
                   .encode())
    app.sync(force=True)
    assert app.places.read_bytes() == good
    assert "colonne lat : « 91 » n'est pas un nombre entre -90 et 90" in app.places_problem


@pytest.fixture
def huge_local(monkeypatch, tmp_path):
    data, places_file = tmp_path / "relais.csv", tmp_path / "lieux.csv"
    shutil.copy(DATA, data)
    places_file.write_bytes(_huge())
    monkeypatch.setenv("CUFMAP_DATA", str(data))
    monkeypatch.setenv("CUFMAP_PLACES", str(places_file))
    monkeypatch.setenv("CUFMAP_MOT_DE_PASSE_HASH", HASH)
    monkeypatch.chdir(ROOT)
    return places_file


def test_a_30_mb_local_places_file_is_not_read_and_the_public_page_still_answers(huge_local):
    chain = geocoding.PlacesFile(huge_local)
    assert chain.rows() == {} and "fait 30 Mo (limite 5 Mo)" in chain.problem
    at = run_page("app.py")
    assert not at.error
    assert "fait 30 Mo" in remembered.local_problem(huge_local)


def test_the_editing_page_says_why_the_places_file_is_not_used(huge_local):
    at = run_page("pages/edition.py")
    at.text_input(key="ed_name").input("Alice")
    at.text_input(key="ed_password").input("bon-mot-de-passe")
    at.button[0].click().run()
    shown = [w.value.replace("\\", "") for w in at.warning]  # Markdown, escaped
    assert any("Le fichier des lieux (lieux.csv) n'est pas utilisé : Le fichier des lieux fait "
               "30 Mo (limite 5 Mo)." in w for w in shown), shown


def test_a_remote_never_reached_is_named_unreachable_on_the_editing_page(monkeypatch,
                                                                         tmp_path):
    monkeypatch.setenv("CUFMAP_DATA", str(tmp_path / "serveur" / "relais.csv"))
    monkeypatch.setenv("CUFMAP_PLACES", str(tmp_path / "serveur" / "lieux.csv"))
    monkeypatch.setenv("CUFMAP_DEPOT", f"file://{tmp_path / 'absent.git'}")
    monkeypatch.setenv("CUFMAP_DEPOT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CUFMAP_MOT_DE_PASSE_HASH", HASH)
    monkeypatch.chdir(ROOT)
    at = run_page("pages/edition.py")
    at.text_input(key="ed_name").input("Alice")
    at.text_input(key="ed_password").input("bon-mot-de-passe")
    at.button[0].click().run()
    assert not at.exception
    shown = " ".join(e.value.replace("\\", "") for e in [*at.error, *at.warning])
    assert "injoignable" in shown and "ne peut pas être lu" not in shown


def test_a_file_on_the_remote_is_refused_on_its_size_before_git_sends_it(tmp_path,
                                                                         remote):  # noqa: F811
    from cufmap.errors import UnreadableTable
    from cufmap.relay import budget

    app = instance(tmp_path, remote)
    app.sync(force=True)
    head = app.head()
    assert app._blob(head, gitstore.DATA_PATH) == app.data.read_bytes()
    with pytest.raises(UnreadableTable, match="Le fichier fait 11 Ko \\(limite 1 Ko\\)"):
        app._blob(head, gitstore.DATA_PATH, budget.Limits(file_bytes=1024))
    assert app._blob(head, "data/absent.csv") is None
