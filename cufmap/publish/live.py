"""The public map as static files in the folder the app serves, regenerated on every save.

``static`` (served at ``/app/static/`` with ``server.enableStaticServing``) is
``cufmap/static``; the export (:func:`cufmap.publish.export.export`, reused as it is) goes to its
``carte/`` sub-folder (:func:`live_dir`; also right when the package is installed elsewhere
than the app, as ``pip install .`` does), so ``/app/static/carte/index.html`` (with ``relais.geojson`` and
``relais.ics`` beside it) is always the current map. Visitors of that page cost the server
no Python. ``CUFMAP_CARTE`` names another folder (tests).

Each file is written beside the served one then renamed over it: a visitor never receives a
half-written page.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from cufmap.publish import export

ENV_DIR = "CUFMAP_CARTE"
#: Where the live export is served from, relative to the app's address.
URL_PATH = "/app/static/carte/index.html"


def live_dir() -> Path:
    """``CUFMAP_CARTE``, else ``carte/`` in the ``static`` folder Streamlit serves (beside the
    app, where it is started), else in the package's own ``static`` (the same folder in a
    checkout, where ``static`` links to ``cufmap/static``)."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    served = Path.cwd() / "static"
    return (served if served.is_dir() else Path(__file__).parent.parent / "static") / "carte"


def publish(data: str | os.PathLike, places: str | os.PathLike,
            outdir: str | os.PathLike | None = None) -> export.Exported:
    """Export ``data`` into ``outdir`` (default: the served folder), file by file atomically."""
    outdir = Path(outdir) if outdir else live_dir()
    outdir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".carte-", dir=outdir))
    try:
        exported = export.export(tmp, data, places)
        for name in exported.files:
            os.chmod(tmp / name, 0o644)  # served to anyone: readable by the web server
            os.replace(tmp / name, outdir / name)
        return exported
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def is_stale(data: str | os.PathLike, places: str | os.PathLike,
             outdir: str | os.PathLike | None = None) -> bool:
    """True when the served page is missing or older than the data or the places file."""
    index = (Path(outdir) if outdir else live_dir()) / "index.html"
    if not index.exists():
        return True
    built = index.stat().st_mtime_ns
    return any(Path(p).exists() and Path(p).stat().st_mtime_ns > built for p in (data, places))
