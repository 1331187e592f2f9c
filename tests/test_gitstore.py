"""The Git storage (cufmap.storage.gitstore) against local bare repositories (file:// URLs, no
network), the live public page (cufmap.publish.live) and the trusted proxy header (cufmap.app.auth)."""

import shutil
import subprocess

import pandas as pd
import pytest

from cufmap.app import auth
from cufmap.errors import ConflictError, UnknownVersion
from cufmap.publish import export as exporting
from cufmap.settings import Settings
from cufmap.storage import changes, gitstore, local, open_storage

from .conftest import DATA, ROOT, run_page

PLACES = ROOT / "data" / "lieux.csv"


def git(cwd, *args, env=None) -> str:
    import os

    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}).stdout


@pytest.fixture
def remote(tmp_path):
    """A bare repository holding the relay's data, as the team would set it up."""
    bare = tmp_path / "depot.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    work = tmp_path / "amorce"
    subprocess.run(["git", "clone", "-q", str(bare), str(work)], check=True,
                   capture_output=True)
    (work / "data").mkdir()
    shutil.copy(DATA, work / "data" / "relais.csv")
    shutil.copy(PLACES, work / "data" / "lieux.csv")
    git(work, "add", ".")
    git(work, "-c", "user.name=Équipe CUF", "-c", "user.email=", "commit", "-q", "-m",
        "Données du relais")
    git(work, "push", "-q", "origin", "HEAD:main")
    return bare


def instance(tmp_path, remote, name="a", clock=None, **settings) -> gitstore.GitStore:
    """One app instance: its own cache and its own copy of the files the pages read."""
    folder = tmp_path / f"instance-{name}"
    cfg = gitstore.Remote(f"file://{remote}", cache=str(folder / "cache"), **settings)
    kwargs = {"clock": clock} if clock else {}
    return gitstore.GitStore(cfg, folder / "data" / "relais.csv", folder / "data" / "lieux.csv",
                             **kwargs)


def direct_commit(tmp_path, remote, edit, message="Modifié dans l'éditeur web",
                  name="Web Editor"):
    """A commit made outside the app (GitHub's or GitLab's web editor)."""
    work = tmp_path / "direct"
    if not work.exists():
        subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True,
                       capture_output=True)
    git(work, "pull", "-q", "origin", "main")
    path = work / "data" / "relais.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    git(work, "-c", f"user.name={name}", "-c", "user.email=", "commit", "-q", "-am", message)
    git(work, "push", "-q", "origin", "HEAD:main")


def remote_csv(remote, ref="main") -> str:
    return git(remote, "show", f"{ref}:data/relais.csv")


def log(remote, ref="main") -> list[tuple[str, str]]:
    out = git(remote, "log", "--format=%an%x1f%s", ref)
    return [tuple(line.split("\x1f")) for line in out.splitlines()]


def edited(snapshot, **titles):
    frame = snapshot.frame.copy()
    for ident, title in titles.items():
        frame.loc[frame["id"] == ident, "titre"] = title
    return frame


def test_settings_come_from_the_secrets_or_the_environment():
    from cufmap import settings

    def remote(secrets, environ):
        return gitstore.Remote.from_settings(settings.load(secrets, environ))

    assert remote({}, {}) is None  # local storage stays the default
    s = remote({}, {"CUFMAP_DEPOT": "file:///d.git"})
    assert (s.url, s.branch, s.publication, s.interval) == ("file:///d.git", "main", "", 30)
    s = remote({"cufmap": {"depot": "https://x:tok@h/d.git", "depot_branche": "donnees",
                           "depot_publication": "pages"}}, {})
    assert (s.branch, s.publication) == ("donnees", "pages")
    assert isinstance(open_storage(settings.Settings(data=DATA, places=PLACES)), local.Store)


def test_a_save_is_one_commit_by_the_signed_in_author_with_a_french_message(tmp_path, remote):
    app = instance(tmp_path, remote)
    snap = app.load()
    frame = edited(snap, **{"suippes-2025-04-01": "Nouveau titre",
                            "lyon-2025-04-16": "Autre titre"})
    added = pd.DataFrame([{**frame.iloc[0].to_dict(), "id": "orleans-2025-06-05"}])
    app.save(pd.concat([frame, added], ignore_index=True), snap.version, author="Élise Martin")
    assert log(remote)[0] == ("Élise Martin", "2 étapes modifiées, 1 ajoutée")
    assert "Nouveau titre" in remote_csv(remote)
    # the files the public pages read follow
    assert "Nouveau titre" in app.data.read_text(encoding="utf-8")
    assert app.versions()[0].summary == "2 étapes modifiées, 1 ajoutée"
    assert app.versions()[0].author == "Élise Martin"
    assert str(app.versions()[0].saved_at.tzinfo) == "Europe/Paris"  # staff's time zone


def test_two_instances_one_save_each_one_wins_the_other_gets_the_merge(tmp_path, remote):
    a, b = instance(tmp_path, remote, "a"), instance(tmp_path, remote, "b")
    snap_a, snap_b = a.load(), b.load()
    a.save(edited(snap_a, **{"suippes-2025-04-01": "Version A"}), snap_a.version, author="A")
    mine = edited(snap_b, **{"lyon-2025-04-16": "Version B"})
    with pytest.raises(ConflictError, match="Quelqu'un d'autre a enregistré"):
        b.save(mine, snap_b.version, author="B")
    assert "Version B" not in remote_csv(remote)  # refused: nothing overwritten
    theirs = b.load()  # what « Charger sa version en gardant mes modifications » does
    merged, conflicts = changes.merge(snap_b.frame, mine, theirs.frame)
    assert not conflicts
    b.save(merged, theirs.version, author="B")
    text = remote_csv(remote)
    assert "Version A" in text and "Version B" in text
    assert [who for who, _ in log(remote)][:2] == ["B", "A"]


def test_a_push_refused_because_only_the_places_moved_is_rebuilt_on_top(tmp_path, remote):
    a, b = instance(tmp_path, remote, "a"), instance(tmp_path, remote, "b")
    snap = b.load()
    a.sync(force=True)
    with a.places.open("a", encoding="utf-8") as fh:
        fh.write("Zyxwvutville,CA,45.5,-73.5,,,,,manuel,\n")
    commit = b._commit
    calls = []

    def meanwhile(*args, **kwargs):  # A's place choice lands between B's fetch and push
        calls.append(1)
        if len(calls) == 1:
            assert a.save_places(author="A")
        return commit(*args, **kwargs)

    b._commit = meanwhile
    b.save(edited(snap, **{"suippes-2025-04-01": "Après le lieu"}), snap.version, author="B")
    assert len(calls) == 2  # refused once, rebuilt on top of A's commit
    assert "Zyxwvutville" in git(remote, "show", "main:data/lieux.csv")
    assert "Après le lieu" in remote_csv(remote)
    assert log(remote)[1][1].startswith("Lieu retenu : Zyxwvutville")


def test_a_commit_pushed_directly_shows_up_within_30_seconds_without_restart(tmp_path, remote):
    now = [1000.0]
    app = instance(tmp_path, remote, clock=lambda: now[0])
    assert app.sync() and "Suippes" in app.data.read_text(encoding="utf-8")
    direct_commit(tmp_path, remote, lambda t: t.replace("Randonnée de la coopération",
                                                        "Marche directe de la coopération"))
    now[0] += 10
    assert not app.sync()  # not fetched again before 30 s
    now[0] += 20.5
    assert app.sync()
    assert "Marche directe" in app.data.read_text(encoding="utf-8")
    assert app.versions()[0].author == "Web Editor"


def test_the_publisher_notices_a_direct_commit_and_publishes(tmp_path, remote):
    from cufmap.publish import site
    from cufmap.publish.publisher import Publisher

    app = instance(tmp_path, remote)
    config = Settings(data=app.data, places=app.places, published=tmp_path / "publie")
    publisher = Publisher(config, app)
    seen = []
    assert publisher.tick(lambda: seen.append(1))  # start-up: nothing published yet
    assert not publisher.tick(lambda: seen.append(2))  # nothing new
    direct_commit(tmp_path, remote, lambda t: t.replace("Suippes", "Suippes-Direct"))
    assert publisher.tick(lambda: seen.append(3)) and seen == [1, 3]
    page = (tmp_path / "publie" / site.LIVE / "index.html").read_text(encoding="utf-8")
    assert "Suippes-Direct" in page


def test_an_unreachable_remote_refuses_the_save_in_french_and_keeps_everything(tmp_path,
                                                                              remote):
    app = instance(tmp_path, remote)
    snap = app.load()
    app.sync(force=True)
    before = app.data.read_bytes()
    remote.rename(tmp_path / "ailleurs.git")
    with pytest.raises(gitstore.DepotError, match="injoignable") as exc:
        app.save(edited(snap, **{"suippes-2025-04-01": "Perdu ?"}), snap.version, author="A")
    assert "Traceback" not in str(exc.value)
    # French only: git's English lines (« fatal: … ») are for the log, not for staff
    git_lines = [line.strip() for line in exc.value.output.splitlines() if line.strip()]
    assert git_lines and not any(line in str(exc.value) for line in git_lines)
    assert app.data.read_bytes() == before
    assert not app.sync(force=True) and "injoignable" in app.unreachable  # served from disk
    (tmp_path / "ailleurs.git").rename(remote)
    app.save(edited(snap, **{"suippes-2025-04-01": "Enfin"}), snap.version, author="A")
    assert "Enfin" in remote_csv(remote)


def test_a_token_never_appears_in_a_message(tmp_path):
    token = "ghp_FAKE0123456789TOKEN"
    cfg = gitstore.Remote(f"https://cufmap:{token}@127.0.0.1:1/cuf/relais.git",
                            cache=str(tmp_path / "cache"))
    app = gitstore.GitStore(cfg, tmp_path / "relais.csv", tmp_path / "lieux.csv")
    with pytest.raises(gitstore.DepotError) as exc:
        app.load()
    assert token not in str(exc.value) and "injoignable" in str(exc.value)
    assert not app.sync(force=True)
    assert token not in app.unreachable
    assert token not in app.description and token not in cfg.safe_url
    assert gitstore.redact(f"fatal: https://u:{token}@h/x", cfg.url) == "fatal: https://***@h/x"


def test_a_remote_that_rejects_the_push_gets_a_clear_message(tmp_path, remote):
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branche protégée' >&2\nexit 1\n")
    hook.chmod(0o755)
    app = instance(tmp_path, remote)
    snap = app.load()
    head = git(remote, "rev-parse", "main")
    with pytest.raises(gitstore.DepotError, match="a refusé l'enregistrement") as exc:
        app.save(edited(snap, **{"suippes-2025-04-01": "Refusé"}), snap.version, author="A")
    assert "message du dépôt : remote: branche protégée" in str(exc.value)  # the hook's reason
    assert git(remote, "rev-parse", "main") == head


def test_killed_between_commit_and_push_loses_no_version_on_the_remote(tmp_path, remote,
                                                                      monkeypatch):
    app = instance(tmp_path, remote)
    snap = app.load()
    head = git(remote, "rev-parse", "main")

    def killed(*args, **kwargs):
        raise SystemExit("tué")

    monkeypatch.setattr(gitstore.GitStore, "_push", killed)
    with pytest.raises(SystemExit):
        app.save(edited(snap, **{"suippes-2025-04-01": "Jamais poussé"}), snap.version,
                 author="A")
    monkeypatch.undo()
    assert git(remote, "rev-parse", "main") == head  # the remote is whole
    again = instance(tmp_path, remote)  # the restarted app, on the same cache
    snap = again.load()
    again.save(edited(snap, **{"suippes-2025-04-01": "Après redémarrage"}), snap.version,
               author="A")
    assert len(log(remote)) == 2 and "Après redémarrage" in remote_csv(remote)


def test_restore_any_commit_as_a_new_commit(tmp_path, remote):
    app = instance(tmp_path, remote)
    original = app.load()
    snap = original
    for title in ("Un", "Deux"):
        app.save(edited(snap, **{"suippes-2025-04-01": title}), snap.version, author="A")
        snap = app.load()
    versions = app.versions()
    assert [v.rows for v in versions] == [20, 20, 20] and len(versions) == 3
    oldest = versions[-1].ident
    app.restore(oldest, snap.version, author="Bruno")
    assert remote_csv(remote) == remote_csv(remote, oldest)
    who, what = log(remote)[0]
    assert who == "Bruno" and what.startswith("Version du ") and oldest[:8] in what
    with pytest.raises(UnknownVersion):
        app.read_version("--output=/tmp/x")


def test_an_invalid_csv_committed_directly_keeps_the_last_valid_public_version(tmp_path,
                                                                              remote):
    app = instance(tmp_path, remote)
    app.sync(force=True)
    good = app.data.read_bytes()
    direct_commit(tmp_path, remote, lambda t: t.replace(",2025-04-03,", ",31/02/2025,", 1))
    assert not app.sync(force=True)
    assert app.data.read_bytes() == good  # the public pages keep the last valid version
    assert "1 erreur(s)" in app.problem and "dernière version valide" in app.problem
    snap = app.load()  # the editing page shows the errors…
    assert [p.column for p in snap.problems if p.level == "erreur"] == ["date_debut"]
    app.restore(app.versions()[1].ident, snap.version, author="A")  # …and can restore
    assert app.problem == "" and app.data.read_bytes() == good


def test_an_empty_remote_receives_the_servers_files(tmp_path):
    bare = tmp_path / "vide.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    app = instance(tmp_path, bare)
    app.data.parent.mkdir(parents=True)
    shutil.copy(DATA, app.data)
    app.sync(force=True)
    assert remote_csv(bare) == DATA.read_text(encoding="utf-8")


def test_the_export_goes_to_the_publication_branch(tmp_path, remote):
    app = instance(tmp_path, remote, publication="pages")
    app.sync(force=True)
    out = tmp_path / "carte"
    exporting.export(out, app.data, app.places)
    assert app.publish(out)
    files = git(remote, "ls-tree", "--name-only", "pages").split()
    assert sorted(files) == [".nojekyll", "index.html", "relais.geojson", "relais.ics"]
    assert app.publish(out) == ""  # unchanged: no new commit
    work = tmp_path / "pages"  # the team adds its domain name to the branch
    subprocess.run(["git", "clone", "-q", "-b", "pages", str(remote), str(work)], check=True,
                   capture_output=True)
    (work / "CNAME").write_text("carte.exemple.fr\n")
    git(work, "add", "CNAME")
    git(work, "-c", "user.name=Web", "-c", "user.email=", "commit", "-q", "-m", "Domaine")
    git(work, "push", "-q", "origin", "pages")
    snap = app.load()
    app.save(edited(snap, **{"suippes-2025-04-01": "Publie"}), snap.version, author="A")
    exporting.export(out, app.data, app.places)
    assert app.publish(out)
    assert "CNAME" in git(remote, "ls-tree", "--name-only", "pages").split()
    assert "Publie" in git(remote, "show", "pages:index.html")


def test_the_live_page_and_map_documents_are_published_beside_the_data(tmp_path, relay_copy):
    from cufmap.publish import site

    config = Settings(data=relay_copy, places=PLACES)
    folder = config.published_dir
    assert folder == relay_copy.parent / "publie"  # the default: beside the data
    assert site.is_stale(folder, relay_copy, PLACES)
    done = site.publish(config)
    live = folder / site.LIVE
    assert sorted(p.name for p in live.iterdir()) == ["index.html", "relais.geojson",
                                                      "relais.ics"]
    documents = sorted(p.name for p in (folder / site.DOCUMENTS / done.version).iterdir())
    assert documents == sorted(site.document_name(t, p, s) for t in ("aucune", "ign", "osm",
                                                                     "osm-fr")
                               for _, p, s in site.VIEWS)
    assert (folder / site.ASSETS / "relay" / "relay.js").exists()
    assert not site.is_stale(folder, relay_copy, PLACES)
    s = local.Store(relay_copy)
    snap = s.load()
    s.save(edited(snap, **{"suippes-2025-04-01": "Titre en ligne"}), snap.version)
    assert site.is_stale(folder, relay_copy, PLACES)
    again = site.publish(config)
    assert "Titre en ligne" in (live / "index.html").read_text(encoding="utf-8")
    assert again.version != done.version and (folder / site.DOCUMENTS / done.version).exists()
    site.publish(config)  # the version before last is gone, the last one stays a while
    assert not (folder / site.DOCUMENTS / done.version).exists()
    assert not [p for p in folder.rglob(".*") if p.name != ".precedente"]  # nothing half done


def test_the_app_serves_the_published_folder_under_its_static_address(monkeypatch, tmp_path):
    from cufmap.app.loaders import served_url

    monkeypatch.chdir(ROOT)  # a checkout: static -> data/publie
    assert served_url(ROOT / "data" / "publie") == "/app/static/"
    assert served_url(ROOT / "data" / "publie" / "essai") == "/app/static/essai/"
    assert served_url(tmp_path) == ""  # not served: the pages draw their map themselves


# --- The editing page with the Git storage (AppTest) --------------------------------------

@pytest.fixture
def git_edition(monkeypatch, tmp_path, remote):
    folder = tmp_path / "serveur"
    monkeypatch.setenv("CUFMAP_DATA", str(folder / "data" / "relais.csv"))
    monkeypatch.setenv("CUFMAP_PLACES", str(folder / "data" / "lieux.csv"))
    monkeypatch.setenv("CUFMAP_DEPOT", f"file://{remote}")
    monkeypatch.setenv("CUFMAP_DEPOT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CUFMAP_MOT_DE_PASSE_HASH", auth.hash_password("bon-mot-de-passe", iterations=1000))
    monkeypatch.chdir(ROOT)
    at = run_page("pages/edition.py")
    at.text_input(key="ed_name").input("Alice")
    at.text_input(key="ed_password").input("bon-mot-de-passe")
    at.button[0].click()
    return at.run()


def _edit_and_save(at, title):
    key = f"ed_table_{at.session_state['ed'].table}"
    at.session_state[key] = {"edited_rows": {2: {"titre": title}}, "added_rows": [],
                             "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label == "Enregistrer").click()
    return at.run()


def test_the_editing_page_commits_each_save_and_updates_the_live_page(git_edition, remote,
                                                                     published):
    at = _edit_and_save(git_edition, "Titre enregistré dans le dépôt")
    assert not at.exception, at.exception
    assert at.success and "1 modifiée(s)" in at.success[0].value
    assert log(remote)[0] == ("Alice", "1 étape modifiée")
    assert "Titre enregistré dans le dépôt" in remote_csv(remote)
    page = (published / "carte" / "index.html").read_text(encoding="utf-8")
    assert "Titre enregistr" in page and "dans le d" in page  # JSON escapes accents
    history = at.dataframe[-1].value
    assert list(history["Résumé"])[:2] == ["1 étape modifiée", "Données du relais"]


def test_the_editing_page_refuses_the_save_when_the_remote_is_unreachable(git_edition, remote,
                                                                        tmp_path):
    remote.rename(tmp_path / "ailleurs.git")
    at = _edit_and_save(git_edition, "Titre gardé dans le tableau")
    assert not at.exception, at.exception
    assert not at.success
    assert any("injoignable" in e.value for e in at.error)
    assert "1 modifiée(s)" in at.caption[-1].value or any(
        "1 modifiée(s)" in c.value for c in at.caption)  # the edit is still in the table
    assert at.session_state["ed"].mine["titre"].str.contains("Titre gardé").any()


def test_the_editing_page_notices_a_commit_made_meanwhile(git_edition, remote, tmp_path):
    direct_commit(tmp_path, remote, lambda t: t.replace("Randonnée de la coopération",
                                                        "Marche directe de la coopération"))
    at = git_edition
    at.session_state["ed"]  # the session is open; a fresh visit would fetch at once
    storage = next(iter_storages())
    storage.sync(force=True)  # what the 30 s thread does
    at.run()
    assert any("Une nouvelle version a été enregistrée" in i.value for i in at.info)
    next(b for b in at.button if b.label.startswith("Charger la nouvelle version")).click()
    at.run()
    assert at.session_state["ed"].base["titre"].str.contains("Marche directe").any()


def test_each_visit_to_the_editing_page_sees_the_latest_commit(git_edition, remote,
                                                               tmp_path):
    direct_commit(tmp_path, remote, lambda t: t.replace("Randonnée de la coopération",
                                                        "Marche vue à la visite"))
    at = run_page("pages/edition.py")  # a new visit, seconds later (the app still runs)
    at.text_input(key="ed_name").input("Bruno")
    at.text_input(key="ed_password").input("bon-mot-de-passe")
    at.button[0].click()
    at.run()
    assert at.session_state["ed"].base["titre"].str.contains("Marche vue à la visite").any()


def iter_storages():
    from cufmap.app.loaders import storage

    yield storage()


def test_two_instances_saving_the_same_second_one_wins_none_is_lost(tmp_path, remote):
    import threading

    a, b = instance(tmp_path, remote, "a"), instance(tmp_path, remote, "b")
    snaps = {"A": a.load(), "B": b.load()}
    barrier, outcome = threading.Barrier(2), {}

    def save(app, who, ident):
        barrier.wait()
        try:
            app.save(edited(snaps[who], **{ident: f"Version {who}"}), snaps[who].version,
                     author=who)
            outcome[who] = "enregistré"
        except ConflictError:
            outcome[who] = "conflit"

    threads = [threading.Thread(target=save, args=(a, "A", "suippes-2025-04-01")),
               threading.Thread(target=save, args=(b, "B", "lyon-2025-04-16"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome.values()) == ["conflit", "enregistré"]
    winner = next(w for w, o in outcome.items() if o == "enregistré")
    assert f"Version {winner}" in remote_csv(remote) and len(log(remote)) == 2


def test_a_file_changed_by_hand_is_shown_at_once_and_published_by_the_publisher_not_the_visit(
        monkeypatch, relay_copy, published):
    from cufmap.app import loaders
    from cufmap.publish import site

    monkeypatch.setenv("CUFMAP_DATA", str(relay_copy))
    monkeypatch.setenv("CUFMAP_PLACES", str(PLACES))
    monkeypatch.chdir(ROOT)
    run_page("app.py")  # the first page starts the publisher, which publishes
    live = published / site.LIVE / "index.html"
    assert "Randonn" in live.read_text(encoding="utf-8")
    text = relay_copy.read_text(encoding="utf-8")
    relay_copy.write_text(text.replace("Randonnée de la coopération", "Marche tableur"),
                          encoding="utf-8")  # saved from Excel on the server
    before = {p: p.stat().st_mtime_ns for p in published.rglob("*")}
    at = run_page("app.py")  # a visit: the new data at once (drawn for the page)…
    assert "Marche tableur" in at.get("iframe")[0].proto.srcdoc
    assert {p: p.stat().st_mtime_ns for p in published.rglob("*")} == before  # …writing nothing
    assert loaders.publisher().tick()  # what its thread does every 30 s
    assert "Marche tableur" in live.read_text(encoding="utf-8")
    at = run_page("app.py")
    assert "/cartes/" in at.get("iframe")[0].proto.srcdoc  # the published document again


def test_a_remote_never_reached_is_not_shown_as_an_empty_table(tmp_path):
    app = instance(tmp_path, tmp_path / "absent.git")
    assert not app.sync(force=True)
    with pytest.raises(gitstore.DepotError, match="injoignable"):
        app.load()


def test_places_found_online_meanwhile_go_with_the_next_save(tmp_path, remote):
    app = instance(tmp_path, remote)
    app.sync(force=True)
    with app.places.open("a", encoding="utf-8") as fh:  # what the geocoding chain writes
        fh.write("Wichita,US,,,37.69,-97.34,Wichita,ville,Nominatim,,,2026-11-28\n")
    snap = app.load()
    app.save(edited(snap, **{"suippes-2025-04-01": "Avec Wichita"}), snap.version, author="A")
    assert "Wichita,US" in git(remote, "show", "main:data/lieux.csv")
    assert len(git(remote, "show", "main:data/lieux.csv").splitlines()) == \
        len(PLACES.read_text(encoding="utf-8").splitlines()) + 1
