"""Where the relay's data lives: one :class:`~cufmap.storage.base.Storage` interface, two
implementations (a file on the server's disk; a Git remote, for hosts whose disk is thrown
away), and what they share (versions, changes and their merge, spreadsheets, atomic files)."""

from __future__ import annotations

import os

from cufmap.storage.base import Storage


def open_storage(data: str | os.PathLike, places: str | os.PathLike, settings=None) -> Storage:
    """The storage the settings name: a Git remote when ``settings`` has one
    (:class:`cufmap.storage.gitstore.Settings`), else the local file."""
    if settings is None:
        from cufmap.storage.local import Store

        return Store(data, places)
    from cufmap.storage.gitstore import GitStore

    return GitStore(settings, data, places)
