"""Map figures, in one run: cold start against a minimal st_folium app, presenter step latency,
speaker view sync latency, requests while stepping, offline failures.

    python bench/map.py [--runs 3]

Cold start = from launching `streamlit run` to every stage marker visible in headless chromium
(network cut: only 127.0.0.1 reachable). The reference is bench/minimal_folium_app.py (one
st_folium marker, local assets), measured the same way in the same run.
Sync = from a key pressed in the audience's window to the speaker view's counter showing the
same stage (both pages in one browser, Date.now() on both sides).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM, CHROMIUM_ARGS, Offline, free_port  # noqa: E402


def cold_start(browser, script: str, path: str, selector: str, count: int) -> float:
    port = free_port()
    env = {**os.environ, "CUFMAP_OFFLINE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.port",
                             str(port), "--server.address", "127.0.0.1", "--server.headless",
                             "true", "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, bypass_csp=True)
        Offline(context)
        page = context.new_page()
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}{path}", timeout=2000)
                break
            except Exception:
                time.sleep(0.05)
        while not markers_shown(page, selector, count):  # in whichever frame holds the map
            time.sleep(0.02)
        elapsed = time.perf_counter() - t0
        context.close()
        return elapsed
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def markers_shown(page, selector: str, count: int) -> bool:
    """The minimal app's map is Streamlit's iframe; cufmap's is the sandboxed document inside
    a small frame (cufmap/app/frames.py)."""
    for frame in page.frames:
        try:
            markers = frame.locator(selector)
            if markers.count() >= count and markers.nth(count - 1).is_visible():
                return True
        except Exception:  # a frame detached meanwhile
            continue
    return False


def map_document(page):
    """The map document's frame: the content-hashed static file, sandboxed."""
    page.frame_locator("iframe").first.frame_locator("iframe").first.locator(
        "html[data-cuf-ready='1']").wait_for()
    return next(f for f in page.frames if "/cartes/" in f.url)


def wait_health(port: int) -> None:
    import urllib.request

    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("streamlit did not start")


STEP = """() => new Promise(resolve => {
  const relay = window.cufRelay, card = relay.card.el, map = relay.map;
  const before = card.textContent;
  const t0 = performance.now();
  let moved = null;
  map.once('movestart', () => { moved = performance.now() - t0; });
  document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const shown = !card.hidden && card.textContent !== before;
    resolve({frame_ms: performance.now() - t0, moved_ms: moved, shown});
  }));
})"""


WATCH = """() => { window.cufSynced = []; new MutationObserver(() => window.cufSynced.push(
  [Date.now(), document.querySelector('.cuf-strip .counter').textContent])).observe(
  document.querySelector('.cuf-strip .counter'), {childList: true, characterData: true,
  subtree: true}); }"""
KEY = """() => { const t = Date.now(); document.dispatchEvent(new KeyboardEvent('keydown',
  {key: 'ArrowRight', bubbles: true})); return [t, document.querySelector('.cuf-strip .counter')
  .textContent]; }"""


def speaker_sync(context, port: int, audience) -> list[float]:
    """ms from a key in the audience's window to the speaker view showing the same stage."""
    speaker = context.new_page()
    speaker.goto(f"http://127.0.0.1:{port}/presentation?date=2025-04-09&vue=orateur")
    a, s = map_document(audience), map_document(speaker)
    a.evaluate("() => window.cufRelay.overview(false)")
    s.evaluate(WATCH)
    out = []
    for _ in range(10):
        sent, label = a.evaluate(KEY)
        s.wait_for_function("l => window.cufSynced.some(x => x[1] === l)", arg=label)
        seen = s.evaluate("l => window.cufSynced.find(x => x[1] === l)[0]", label)
        out.append(seen - sent)
        audience.wait_for_timeout(300)
    speaker.close()
    return out


def presenter(browser) -> dict:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true"], cwd=ROOT,
                            env={**os.environ, "CUFMAP_OFFLINE": "1"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
        offline = Offline(context)
        page = context.new_page()
        offline.watch(page)
        wait_health(port)
        page.goto(f"http://127.0.0.1:{port}/presentation?date=2025-04-09")
        frame = map_document(page)
        page.wait_for_timeout(1500)
        requests, frames_sent = [], []
        page.on("request", lambda r: requests.append(r.url) if "127.0.0.1" in r.url else None)
        page.on("websocket", lambda ws: ws.on("framesent", frames_sent.append))
        steps = []
        for _ in range(19):
            steps.append(frame.evaluate(STEP))
            page.wait_for_timeout(300)
        sync = speaker_sync(context, port, page)
        context.close()
        return {"steps": steps, "sync": sync, "requests": len(requests),
                "ws_frames": len(frames_sent),
                "non_tile_failures": offline.non_tile_failures(),
                "external": sorted({u.split('/')[2] for u in offline.external})}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ours, ref = [], []
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            ref.append(cold_start(browser, "bench/minimal_folium_app.py", "/",
                                  ".bench-marker", 1))
            ours.append(cold_start(browser, "app.py", "/", ".cuf-stage", 20))
        r = presenter(browser)
        browser.close()
    print("runs (s): cufmap", [round(x, 2) for x in ours], "minimal", [round(x, 2) for x in ref])
    mo, mr = statistics.median(ours), statistics.median(ref)
    print(f"cold start, median of {args.runs}: cufmap {mo:.2f} s (20 markers), minimal st_folium "
          f"{mr:.2f} s (1 marker) -> ratio {mo / mr:.2f} (target <= 1.15)")
    frames = [s["frame_ms"] for s in r["steps"]]
    moved = [s["moved_ms"] for s in r["steps"] if s["moved_ms"] is not None]
    print(f"presenter step (key -> card shown, next painted frame): median "
          f"{statistics.median(frames):.1f} ms, max {max(frames):.1f} ms; map starts moving "
          f"after median {statistics.median(moved):.1f} ms; cards shown "
          f"{sum(s['shown'] for s in r['steps'])}/{len(r['steps'])}")
    print(f"speaker view in step (key in the audience's window -> speaker view shows the "
          f"stage): median {statistics.median(r['sync']):.0f} ms, max {max(r['sync']):.0f} ms "
          f"over {len(r['sync'])} keys (target <= 100 ms)")
    print(f"requests to the Streamlit server while stepping: {r['requests']} HTTP, "
          f"{r['ws_frames']} websocket frames")
    print(f"network cut: failed requests other than tiles: {len(r['non_tile_failures'])} "
          f"{r['non_tile_failures'][:5]}; "
          f"hosts tried: {', '.join(r['external']) or 'none'}")


if __name__ == "__main__":
    main()
