"""Where the relay's data lives: one :class:`~cufmap.storage.base.Storage` interface, two
implementations (a file on the server's disk; a Git remote, for hosts whose disk is thrown
away), and what they share (versions, changes and their merge, spreadsheets, atomic files)."""

from __future__ import annotations

from cufmap.storage.base import Storage


def open_storage(settings) -> Storage:
    """The storage :class:`cufmap.settings.Settings` name: the Git remote of ``depot`` when
    there is one, else the file ``donnees`` on the server's disk (``lieux`` beside both)."""
    from cufmap.storage.gitstore import GitStore, Remote

    remote = Remote.from_settings(settings)
    if remote is None:
        from cufmap.storage.local import Store

        return Store(settings.data, settings.places)
    return GitStore(remote, settings.data, settings.places)
