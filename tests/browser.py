"""Helpers for the browser tests: a real `streamlit run` and Debian's chromium, offline."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent  # as in conftest.py, which imports this module
# Debian's chromium-headless-shell (the headless-only build Playwright itself uses for headless
# runs): the same engine as Debian's chromium at about two thirds of its CPU per page view (a map
# page: 2.0 s instead of 3.0 s here), which is most of what the browser tests cost. Full chromium
# when the shell is not installed.
HEADLESS_SHELL = Path("/usr/lib/chromium/chromium-headless-shell")
CHROMIUM = str(HEADLESS_SHELL) if HEADLESS_SHELL.exists() else \
    shutil.which("chromium") or "/usr/bin/chromium"
# Offline at the browser's own level: everything but 127.0.0.1 and localhost goes to a proxy
# that refuses at once (port 9, nothing listens), so a request to any other host, an IP address
# too, fails in a few ms. No request interception: Playwright's routing would send each of the
# ~150 requests of a page view through this Python process and switch chromium's cache off.
NO_NETWORK = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", *NO_NETWORK]
ARTIFACTS = ROOT / "tests" / "artifacts"
LOCAL = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:",
         "blob:", "about:", "file:")
TILE_HOSTS = ("tile.openstreetmap", "data.geopf.fr")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerURL(str):
    """The server's base URL, which also knows the server's process id (memory, CPU) and the
    folder it publishes into (served under /app/static/)."""

    def __new__(cls, url: str, pid: int, published: Path | None = None):
        self = super().__new__(cls, url)
        self.pid, self.published = pid, published
        return self


READY_LINE = "You can now view your Streamlit app"  # printed once the server listens
START_TIMEOUT = 90  # seconds: a cold start on the shared 2-core machine under load

CURRENT_TEST = None  # the test being set up or run (set by conftest.py)


def require_browser_mark(what: str) -> None:
    """Chromium and ``streamlit run`` are for tests marked ``browser`` only, so that
    ``pytest -m "not browser"`` never starts them."""
    if CURRENT_TEST is not None and CURRENT_TEST.get_closest_marker("browser") is None:
        pytest.fail(f"{CURRENT_TEST.nodeid} starts {what} but is not marked "
                    "@pytest.mark.browser", pytrace=False)


def _drain(stream, lines: list[str], ready: threading.Event) -> None:
    """Reads a pipe of the server to its end (a full pipe would block the server), noting the
    ready line."""
    for line in stream:
        lines.append(line)
        del lines[:-200]
        if READY_LINE in line:
            ready.set()
    ready.set()  # the server ended: whoever waits looks at its exit code


@contextlib.contextmanager
def streamlit_server(data: Path, places: Path, **extra_env: str):
    """``streamlit run app.py`` on a free port of 127.0.0.1 with its own data files; yields its
    URL once the server says it listens and answers its health check."""
    require_browser_mark("a streamlit server")
    port = free_port()
    # each server publishes into its own folder under the one the app serves
    published = ROOT / "data" / "publie" / f"serveur-{port}"
    env = {**os.environ, "CUFMAP_DATA": str(data), "CUFMAP_PLACES": str(places),
           "CUFMAP_OFFLINE": "1", "CUFMAP_DOSSIER_PUBLIE": str(published), **extra_env}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    output: list[str] = []
    ready = threading.Event()
    reader = threading.Thread(target=_drain, args=(proc.stdout, output, ready), daemon=True)
    reader.start()
    try:
        if not ready.wait(START_TIMEOUT) or proc.poll() is not None:
            raise RuntimeError("streamlit did not start: " + "".join(output)[-2000:])
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as r:
            assert r.status == 200, r.status
        yield ServerURL(url, proc.pid, Path(env["CUFMAP_DOSSIER_PUBLIE"]))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=10)
        proc.stdout.close()
        if "CUFMAP_DOSSIER_PUBLIE" not in extra_env:
            shutil.rmtree(published, ignore_errors=True)


def require_chromium():
    require_browser_mark("chromium")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required for browser tests "
                    "(apt-get install chromium chromium-headless-shell)")


class Offline:
    """Records what a browser context tried to reach beyond 127.0.0.1 (``external``, refused by
    chromium itself: ``NO_NETWORK``) and, with ``watch(page)``, the requests that failed."""

    def __init__(self, context):
        self.external: list[str] = []
        self.failed: list[str] = []
        context.on("request", self._request)

    def _request(self, request):
        if not request.url.startswith(LOCAL):
            self.external.append(request.url)

    def watch(self, page):
        page.on("requestfailed", lambda r: self.failed.append(r.url))

    def non_tile_failures(self) -> list[str]:
        return [u for u in self.failed if not any(h in u for h in TILE_HOSTS)]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, one per test process; each test gets its own context."""
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    # The shared 2-core machine can take more than Playwright's 5 s to answer under load; a
    # missing element still fails, after 20 s.
    expect.set_options(timeout=20_000)

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
    frame.locator("html[data-cuf-ready='1']").wait_for(timeout=60_000)  # a cold first view
    return frame


def map_document(page):
    """The map document's own frame in the app (to evaluate scripts in it): the published
    file (or the document drawn inline for the page), sandboxed, inside the small frame
    Streamlit embeds."""
    def depth(frame):
        return 0 if frame.parent_frame is None else 1 + depth(frame.parent_frame)

    return next(f for f in page.frames if depth(f) == 2)


@contextlib.contextmanager
def map_moves(frame):
    """Runs the block, then waits until the map movement it started has ended and been painted
    (Leaflet's ``moveend``, armed before the block so it cannot be missed). A block that never
    moves the map fails on the timeout."""
    frame.evaluate("""() => { window.cufTestMoved = false;
        window.cufRelay.map.once('moveend',
            () => requestAnimationFrame(() => { window.cufTestMoved = true; })); }""")
    yield
    frame.wait_for_function("() => window.cufTestMoved === true", timeout=30_000)


def still(frame):
    """Waits until the map is not moving (``data-cuf-moving`` absent) and one frame painted:
    only after a step whose flight has begun (its card shown, say)."""
    frame.wait_for_function("""() => new Promise(resolve => requestAnimationFrame(
        () => resolve(!document.documentElement.hasAttribute('data-cuf-moving'))))""",
                            timeout=30_000)


def next_frame(frame):
    """Returns once the page has painted a frame and run the task queued after it: whatever
    an inserted text could have started (an alert, a script) has run by then."""
    frame.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")


def tiles_tried(page):
    """Waits until the map has asked for at least one tile (refused by ``Offline``)."""
    def is_tile(request):
        return any(h in request.url for h in TILE_HOSTS)
    if not any(any(h in u for h in TILE_HOSTS) for u in page.offline.failed):
        page.wait_for_event("requestfailed", predicate=is_tile, timeout=30_000)


class Reruns:
    """The app's script runs, read on its websocket as the browser speaks it: a widget change
    sends a ``rerun_script`` BackMsg; the run ends with a ``script_finished`` ForwardMsg."""

    def __init__(self, page):
        self.ws, self.asked, self.running = None, 0, False
        page.on("websocket", self._opened)

    def _opened(self, ws):
        if ws.url.endswith("/_stcore/stream"):
            self.ws, self.running = ws, False
            ws.on("framesent", self._sent)
            ws.on("framereceived", self._received)

    def _sent(self, payload):
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if isinstance(payload, bytes):
            msg = BackMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "rerun_script":
                self.asked += 1
                self.running = True

    def _received(self, payload):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(payload, bytes):
            msg = ForwardMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "script_finished" and \
                    msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.running = False


def track_reruns(page) -> Reruns:
    """Starts following the script runs of ``page`` (call it before the page opens the app)."""
    if not hasattr(page, "reruns"):
        page.reruns = Reruns(page)
    return page.reruns


IDLE = ("!document.querySelector('[data-stale=\"true\"], [data-testid=\"stStatusWidget\"]')")


def settle(page):
    """Waits until every run the page asked for has finished and nothing on it is stale."""
    reruns = page.reruns
    page.evaluate("0")  # the frames the browser sent until now have been seen
    if reruns.running:
        reruns.ws.wait_for_event("framereceived", predicate=lambda _: not reruns.running,
                                 timeout=60_000)
    page.wait_for_function(IDLE, timeout=60_000)


@contextlib.contextmanager
def rerun(page):
    """Runs the block (a widget change, a button click), then waits for the run it started to
    finish. A block that starts no run fails on the timeout instead of racing on."""
    reruns = page.reruns
    before = reruns.asked
    yield
    page.evaluate("0")
    if reruns.asked == before:
        reruns.ws.wait_for_event("framesent", predicate=lambda _: reruns.asked > before,
                                 timeout=30_000)
    settle(page)


@contextlib.contextmanager
def serve(folder):
    """A static web server on 127.0.0.1 for ``folder`` (an exported page, as a site serves
    it), quiet, for the block; yields its address."""
    import functools
    import http.server

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
