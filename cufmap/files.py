"""Files written so that a crash never leaves half of one: written beside, flushed, renamed.

Used by every writer (the storage, the places file, the map documents, the presenter links):
a reader, or a web server serving the file, sees the old file whole or the new one whole.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def file_mode(path: Path) -> int:
    """``path``'s permission bits, or those a new file gets under the current umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask



def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically. The new file keeps the old one's mode and owner
    (``mkstemp`` would leave it 0600, cutting off a backup or a static publisher), or takes
    ``mode`` when given."""
    try:
        old = os.stat(path)
    except OSError:
        old = None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if old is not None and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(PermissionError):  # only root may give a file away
                    os.fchown(fh.fileno(), old.st_uid, old.st_gid)
            os.fchmod(fh.fileno(), mode if mode is not None else file_mode(path))
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
