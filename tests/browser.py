"""Helpers for the browser tests: a real `streamlit run` and Debian's chromium, offline."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent  # as in conftest.py, which imports this module
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "artifacts"
LOCAL = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:",
         "blob:", "about:", "file:")
TILE_HOSTS = ("tile.openstreetmap", "data.geopf.fr")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerURL(str):
    """The server's base URL, which also knows the server's process id (memory, CPU)."""

    def __new__(cls, url: str, pid: int):
        self = super().__new__(cls, url)
        self.pid = pid
        return self


@contextlib.contextmanager
def streamlit_server(data: Path, places: Path, **extra_env: str):
    port = free_port()
    env = {**os.environ, "CUFMAP_DATA": str(data), "CUFMAP_PLACES": str(places),
           "CUFMAP_OFFLINE": "1", **extra_env}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("streamlit did not start: " + proc.stderr.read()[-2000:])
                time.sleep(0.2)
        yield ServerURL(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        proc.stderr.close()


def require_chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required for browser tests (apt-get install chromium)")


class Offline:
    """Routes a browser context as if only 127.0.0.1 were reachable; records what was tried."""

    def __init__(self, context):
        self.external: list[str] = []
        self.failed: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            self.external.append(url)
            route.abort("internetdisconnected")

    def watch(self, page):
        page.on("requestfailed", lambda r: self.failed.append(r.url))

    def non_tile_failures(self) -> list[str]:
        return [u for u in self.failed if not any(h in u for h in TILE_HOSTS)]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless (import this fixture into a test module to use it)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page that reaches only 127.0.0.1; ``page.offline`` records the rest, ``page.dialogs``
    every alert() a page tried."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="fr-FR")
    offline = Offline(context)
    page = context.new_page()
    offline.watch(page)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.offline, page.dialogs = offline, dialogs
    yield page
    context.close()


def map_frame(page):
    """The map document inside the app: Streamlit's iframe holds a small frame that loads the
    map, sandboxed in its own origin, in a second iframe."""
    return page.frame_locator("iframe").first.frame_locator("iframe").first


def open_map(page, url):
    """Go to ``url`` and wait for the map document's own ready signal; returns its frame."""
    page.goto(url)
    frame = map_frame(page)
    frame.locator("html[data-cuf-ready='1']").wait_for(timeout=30_000)
    return frame
