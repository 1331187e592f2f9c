"""What the Git storage and the live public page cost, against a local bare repository.

    python bench/depot.py

Prints, for the shipped relay: a save through the local store and through the Git storage
(validate, commit, push to a ``file://`` remote), a forced sync with nothing new and with a new
commit, the cheap checks run on every rerun of the editing page (``current_version``) and of
the public pages (the freshness check of the live page), the history of 50 commits, and the
regeneration of the live page (cold: first in the process; warm: after a save). A real remote
over HTTPS adds its network round trips (one fetch and one push per save).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.edition import timed  # noqa: E402

os.environ.setdefault("CUFMAP_OFFLINE", "1")


def main() -> None:
    from cufmap.publish import site
    from cufmap.settings import Settings
    from cufmap.storage import gitstore, local

    tmp = Path(tempfile.mkdtemp())
    data, places = ROOT / "data" / "relais.csv", ROOT / "data" / "lieux.csv"
    bare = tmp / "depot.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    seed = tmp / "seed"
    seed.mkdir()
    shutil.copy(data, seed / "relais.csv")
    shutil.copy(places, seed / "lieux.csv")
    app = gitstore.GitStore(gitstore.Remote(f"file://{bare}", cache=str(tmp / "cache")),
                            seed / "relais.csv", seed / "lieux.csv")
    t0 = time.perf_counter()
    app.sync(force=True)  # empty remote: the first commit
    print(f"first sync (seeds the empty remote): {(time.perf_counter() - t0) * 1000:.0f} ms")

    on_disk = local.Store(tmp / "local.csv")
    shutil.copy(data, on_disk.path)
    counter = iter(range(10_000))

    def save(target):
        snap = target.load()
        frame = snap.frame.copy()
        frame.loc[0, "titre"] = f"Titre {next(counter)}"
        target.save(frame, snap.version, author="banc")

    print(f"save, local store: {timed(lambda: save(on_disk)) * 1000:.0f} ms")
    print(f"save, Git storage (file:// remote): {timed(lambda: save(app)) * 1000:.0f} ms")
    print(f"sync, nothing new: {timed(lambda: app.sync(force=True)) * 1000:.0f} ms")

    other = gitstore.GitStore(gitstore.Remote(f"file://{bare}", cache=str(tmp / "cache2")),
                              tmp / "o" / "relais.csv", tmp / "o" / "lieux.csv")

    def sync_new():
        save(other)
        t0 = time.perf_counter()
        assert app.sync(force=True)
        return time.perf_counter() - t0

    print(f"sync, one new commit: {statistics.median(sync_new() for _ in range(5)) * 1000:.0f} ms")
    print(f"current_version (each rerun of the editing page): "
          f"{timed(app.current_version, 20) * 1000:.1f} ms")
    for _ in range(40):
        save(app)
    print(f"history, {len(app.versions())} commits: {timed(app.versions, 3) * 1000:.0f} ms")

    config = Settings(data=app.data, places=app.places, published=tmp / "publie")
    t0 = time.perf_counter()
    site.publish(config)
    print(f"publication (live page, 12 map documents, assets), cold: "
          f"{(time.perf_counter() - t0) * 1000:.0f} ms")
    print(f"publication, warm: {timed(lambda: site.publish(config)) * 1000:.0f} ms")
    print(f"published files' freshness check (the publisher's thread, the editing page): "
          f"{timed(lambda: site.is_stale(config.published_dir, app.data, app.places), 50) * 1e6:.0f} µs")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
