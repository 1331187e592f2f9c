import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from . import browser as browsing

# Browser fixtures for every test module (defined once; test files do not import them).
from .browser import browser, page  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "relais.csv"


@pytest.fixture
def relay_copy(tmp_path) -> Path:
    """A private copy of the shipped data, safe to modify."""
    target = tmp_path / "relais.csv"
    shutil.copy(DATA, target)
    return target


def run_cli(*args, cwd=ROOT, timeout=120, input=None, env=None):
    """Run ``python -m cufmap.cli`` as staff would run ``cufmap`` (``input``: typed answers;
    ``env``: variables added to the environment)."""
    return subprocess.run([sys.executable, "-m", "cufmap.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, input=input,
                          env={**os.environ, **env} if env else None)


def run_page(script: str, params: dict | None = None, secrets: dict | None = None):
    """A Streamlit page under AppTest (the settings are read at each run, from the
    environment and ``secrets``); fails on any exception the page raised."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(autouse=True)
def fresh_sign_in_guard(monkeypatch):
    """Each test starts with the server's sign-in guard untouched by earlier tests."""
    from cufmap.app import auth

    monkeypatch.setattr(auth, "GUARD", auth.Guard())


# Fixtures that start Debian's chromium: a test that asks for one is a browser test, marked so
# by collection itself (``pytest -m "not browser"`` then starts neither chromium nor a server).
BROWSER_FIXTURES = {"browser", "page"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if _uses_a_module_server(item):
            # with ``--dist loadgroup`` (pyproject.toml) the tests sharing a module's server run
            # on one worker: one server start per module, not one per worker
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
    # The long browser flows first, the many short tests after: the two workers end together.
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


def _uses_a_module_server(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        defs and defs[-1].scope == "module" for defs in info.name2fixturedefs.values())


def pytest_runtest_setup(item):
    """Lets ``tests/browser.py`` refuse to start chromium or ``streamlit run`` for a test that is
    not marked ``browser`` (one that starts a server in its body, say)."""
    browsing.CURRENT_TEST = item


def pytest_runtest_teardown(item):
    browsing.CURRENT_TEST = None


# No test touches the internet: the geocoding chain stays offline unless a test builds its own.
os.environ["CUFMAP_OFFLINE"] = "1"
# What pages run in tests publish goes to a private folder the app serves (under data/publie,
# which static/ links to), removed when the run (or this xdist worker) ends.
if "CUFMAP_DOSSIER_PUBLIE" not in os.environ:
    (ROOT / "data" / "publie").mkdir(exist_ok=True)
    _PUBLISHED = tempfile.mkdtemp(prefix="tests-", dir=ROOT / "data" / "publie")
    os.environ["CUFMAP_DOSSIER_PUBLIE"] = _PUBLISHED
    atexit.register(shutil.rmtree, _PUBLISHED, ignore_errors=True)


@pytest.fixture(autouse=True)
def published(monkeypatch, tmp_path_factory):
    """Each test's own published folder, inside the one the app serves."""
    folder = Path(tempfile.mkdtemp(prefix="t-", dir=os.environ["CUFMAP_DOSSIER_PUBLIE"]))
    monkeypatch.setenv("CUFMAP_DOSSIER_PUBLIE", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)

