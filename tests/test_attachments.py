"""A stage's route and photos are kept where the data lives (cufmap.relay.attachments, through
the Storage interface): beside the data file, or in the Git remote, one commit per change."""

import shutil
import subprocess

import pytest

from cufmap.relay import attachments
from cufmap.storage import local

from .test_gitstore import git, instance, log, remote  # noqa: F401  (remote: a fixture)

ROUTE = attachments.route_path("chartres-2025-05-31")
PHOTO = attachments.photo_path("billere-2025-05-08", "0123456789abcdef.webp")
INDEX = attachments.photo_index_path("billere-2025-05-08")


def test_attachments_are_kept_beside_the_local_data_file(tmp_path):
    store = local.Store(tmp_path / "data" / "relais.csv")
    store.save_attachments({ROUTE: b'{"type":"FeatureCollection"}', PHOTO: b"RIFF"}, "Tracé", "A")
    assert store.read_attachment(ROUTE) == b'{"type":"FeatureCollection"}'
    assert (tmp_path / "data" / "traces" / "chartres-2025-05-31.geojson").is_file()
    assert set(attachments.local_files(tmp_path / "data")) == {ROUTE, PHOTO}
    store.save_attachments({PHOTO: None}, "Photo retirée", "A")
    assert store.read_attachment(PHOTO) is None


def test_only_attachment_paths_are_read_or_written(tmp_path):
    store = local.Store(tmp_path / "relais.csv")
    for path in ("../relais.csv", "traces/../../etc.geojson", "photos/x/photo.png",
                 "traces/a b.geojson", "liens-orateur.json"):
        with pytest.raises(ValueError):
            store.save_attachments({path: b"x"}, "m")
        with pytest.raises(ValueError):
            store.read_attachment(path)
    with pytest.raises(attachments.RefusedFile, match="identifiant d'étape"):
        attachments.route_path("../x")


def test_route_and_photo_survive_a_wiped_disk_and_appear_in_the_history(tmp_path, remote):  # noqa: F811
    """Saved through instance A of the Git storage, a route and a photo are one commit (French
    message, the signed-in author), seen by a fresh instance B and copied beside B's data file
    (where the public pages read them); a removal follows the same way."""
    a = instance(tmp_path, remote, "a")
    a.save_attachments({ROUTE: b'{"route": 1}'}, "Tracé ajouté : Chartres (6,8 km)", "Alice")
    a.save_attachments({PHOTO: b"RIFF-webp", INDEX: b"[]"}, "Photo ajoutée : Billère", "Bob")
    assert log(remote)[:2] == [("Bob", "Photo ajoutée : Billère"),
                               ("Alice", "Tracé ajouté : Chartres (6,8 km)")]
    assert git(remote, "show", f"main:data/{ROUTE}") == '{"route": 1}'
    assert (tmp_path / "instance-a" / "data" / PHOTO).read_bytes() == b"RIFF-webp"
    shutil.rmtree(tmp_path / "instance-a")  # the host's disk thrown away

    b = instance(tmp_path, remote, "b")
    assert b.read_attachment(ROUTE) == b'{"route": 1}'
    assert b.read_attachment(PHOTO) == b"RIFF-webp"
    assert b.sync(force=True)
    folder = tmp_path / "instance-b" / "data"
    assert set(attachments.local_files(folder)) == {ROUTE, PHOTO, INDEX}
    assert not b.sync(force=True)  # nothing new: nothing copied again

    instance(tmp_path, remote, "c").save_attachments({PHOTO: None, INDEX: None},
                                                     "Photo retirée : Billère", "Alice")
    assert b.sync(force=True)
    assert set(attachments.local_files(folder)) == {ROUTE}


def test_a_huge_attachment_committed_by_hand_is_refused_unread(tmp_path, remote):  # noqa: F811
    work = tmp_path / "direct"
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True,
                   capture_output=True)
    (work / "data" / "traces").mkdir()
    (work / "data" / ROUTE).write_bytes(b" " * (attachments.LIMITS.file_bytes + 1))
    git(work, "add", ".")
    git(work, "-c", "user.name=X", "-c", "user.email=", "commit", "-q", "-m", "gros")
    git(work, "push", "-q", "origin", "HEAD:main")
    b = instance(tmp_path, remote, "b")
    assert b.read_attachment(ROUTE) is None
    b.sync(force=True)
    assert not (tmp_path / "instance-b" / "data" / ROUTE).exists()


def test_the_publication_branch_gets_the_routes_and_photos_the_page_loads(tmp_path, remote):  # noqa: F811
    """GitHub or GitLab Pages serve the page and, beside it, what it fetches when a stage is
    chosen."""
    from cufmap.editing import marches
    from cufmap.publish import export as exporting

    from .test_photos import phone_photo
    from .test_routes import CHARTRES, LOOP

    app = instance(tmp_path, remote, publication="pages")
    app.sync(force=True)
    marches.attach_route(app, CHARTRES, LOOP.read_bytes(), LOOP.name, "Alice")
    marches.add_photo(app, "billere-2025-05-08", phone_photo((800, 600)), "p.jpg", "Mairie", "",
                      "Bob")
    out = tmp_path / "carte"
    exporting.export(out, app.data, app.places)
    assert app.publish(out)
    files = git(remote, "ls-tree", "-r", "--name-only", "pages").split()
    assert [f for f in files if f.startswith("traces/chartres-2025-05-31-")]
    assert [f for f in files if f.startswith("photos/billere-2025-05-08/")
            and f.endswith(".webp")]
