"""The one process-wide publisher: it keeps the published folder in step with the data.

It publishes (:func:`cufmap.publish.site.publish`) at start-up when the published files are
missing or were made from other data, after each save (:meth:`Publisher.publish_now`, called by
the editing session), and when its thread sees new data: a commit on the Git remote (another
instance, GitHub's editor) or the data file changed by hand. Public pages only read what it
wrote; they never publish.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from cufmap.errors import CufmapError
from cufmap.publish import site

log = logging.getLogger(__name__)


class Publisher:
    def __init__(self, settings, storage, interval: float | None = None):
        self.settings, self.storage = settings, storage
        self.interval = interval or float(settings.depot_interval)
        self.warning = ""  # the last publication's failure, in French ("" when all went well)
        self.ready = threading.Event()  # set once the start-up publication is done
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the thread --
    def start(self) -> Publisher:
        self._thread = threading.Thread(target=self._run, name="cufmap-publication",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        self._safe_tick()
        self.ready.set()
        while not self._stop.wait(self.interval):
            self._safe_tick()

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except Exception:  # the thread must survive anything; pages show problems
            log.exception("cufmap : la publication a échoué")

    def tick(self, on_change: Callable[[], object] | None = None) -> bool:
        """Fetch what the storage holds elsewhere (a Git remote), then publish if the
        published files are not those of the data; True when it published."""
        try:
            self.storage.sync(force=True)
        except CufmapError as exc:  # unreachable remote: the storage says so to staff
            log.warning("cufmap : %s", exc)
        if not self.stale():
            return False
        self.publish_now()
        if on_change:
            on_change()
        return True

    # -- publishing --
    def stale(self) -> bool:
        s = self.settings
        return site.is_stale(s.published_dir, s.data, s.places)

    def publish_now(self) -> str:
        """Publish now (after a save: in the saving person's request); a French warning, ""
        when all went well. A failure here never undoes a save."""
        with self._lock:
            try:
                done = site.publish(self.settings, self.storage)
            except (CufmapError, OSError) as exc:
                log.warning("cufmap : carte publique non régénérée : %s", exc)
                self.warning = f"La carte publique n'a pas pu être régénérée : {exc}"
                return self.warning
            self.warning = "" if done.live else (
                f"La carte en ligne garde sa version précédente : le fichier contient "
                f"{done.errors} erreur(s).")
            return self.warning

    def wait_ready(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) for the start-up publication."""
        return self.ready.wait(timeout)
