"""Atlas scale: ~12,100 partnerships between 4,756 French authorities and 9,889 partner
authorities in 140 countries (the size of the French Atlas of decentralised cooperation).

    python bench/atlas.py [--out bench/out/atlas] [--no-draw]

1. Generates an Atlas-sized relay file: real names and positions from the gazetteer (French
   hosts placed by their own lat/lon columns; partners written « Nom (Pays) » and geocoded),
   random pairings (seeded, reproducible).
2. Builds the same data two ways: cufmap's export (one GeoJSON payload, canvas) and a naive
   folium map (one CircleMarker per place, one PolyLine per link, same arcs), with the same
   local Leaflet so both draw offline.
3. Prints the export's and the naive build's times, each a whole process started from the
   shell in the same run (the export just before and just after the naive build, averaged),
   and their ratio, with the CPU times of both processes and their ratio; HTML sizes, first full draw in headless chromium,
   and pan frame times.
"""

import argparse
import csv
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_FRENCH, N_PARTNERS, N_LINKS, N_COUNTRIES = 4756, 9889, 12100, 140


def generate(path: Path, seed: int = 2025) -> None:
    from cufmap.places.gazetteer import default
    from cufmap.relay import countries

    g = default()
    rng = random.Random(seed)
    order = list(range(len(g)))
    rng.shuffle(order)
    french, abroad_by_country = [], {}
    seen_fr = set()
    for i in order:
        p = g.place(i)
        if p.country == "FR" and p.kind in ("commune", "département", "région", "métropole",
                                             "communauté urbaine", "communauté d'agglomération",
                                             "communauté de communes"):
            if len(french) < N_FRENCH and p.name not in seen_fr:
                seen_fr.add(p.name)
                french.append(p)
        elif p.kind == "localité" and p.population >= 2000:
            abroad_by_country.setdefault(p.country, []).append(p)
    # « Myanmar (Birmanie) » cannot be written « Nom (Pays) » unambiguously: left out
    chosen_countries = sorted((c for c in abroad_by_country if "(" not in countries.name(c)),
                              key=lambda c: -len(abroad_by_country[c]))
    chosen_countries = chosen_countries[:N_COUNTRIES]
    partners, cursor, seen = [], {c: 0 for c in chosen_countries}, set()
    while len(partners) < N_PARTNERS:  # round robin over the 140 countries
        progressed = False
        for c in chosen_countries:
            pool = abroad_by_country[c]
            while cursor[c] < len(pool):
                p = pool[cursor[c]]
                cursor[c] += 1
                key = (p.name, p.country)
                # keep only names the gazetteer resolves to this very place
                m = g.lookup(p.name, countries.name(p.country))
                if key not in seen and m.status == "trouvé" and m.place.index == p.index:
                    seen.add(key)
                    partners.append(p)
                    progressed = True
                    break
            if len(partners) >= N_PARTNERS:
                break
        if not progressed:
            break
    links = {i: [] for i in range(len(french))}
    for k in range(N_LINKS):  # every partner at least once, then random
        partner = partners[k % len(partners)]
        links[rng.randrange(len(french))].append(partner)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "date_debut", "collectivite", "type_collectivite", "lat", "lon",
                    "titre", "partenaires"])
        for i, host in enumerate(french):
            day = f"2025-{rng.randint(4, 7):02d}-{rng.randint(1, 28):02d}"
            w.writerow([f"atlas-{i}", day, host.name, "", f"{host.lat:.5f}", f"{host.lon:.5f}",
                        f"Coopérations de {host.name}",
                        "; ".join(f"{p.name} ({countries.name(p.country)})" for p in links[i])])
    print(f"generated {path}: {len(french)} French authorities, {len(partners)} partners in "
          f"{len({p.country for p in partners})} countries, {N_LINKS} partnerships")


def great_circle(a: tuple[float, float], b: tuple[float, float], steps: int = 40):
    """Points of the great-circle arc from a to b, longitudes unwrapped (no dateline jump):
    what one writes in Python for a folium map (cufmap's page draws its arcs in the browser,
    ``CufData.greatCircle`` in cufmap/static/relay/data.js)."""
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    d = 2 * math.asin(math.sqrt(math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) *
                                math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2))
    if d < 1e-9:
        return [list(a), list(b)]
    points, previous = [], None
    for i in range(steps + 1):
        f = i / steps
        s1, s2 = math.sin((1 - f) * d) / math.sin(d), math.sin(f * d) / math.sin(d)
        x = s1 * math.cos(lat1) * math.cos(lon1) + s2 * math.cos(lat2) * math.cos(lon2)
        y = s1 * math.cos(lat1) * math.sin(lon1) + s2 * math.cos(lat2) * math.sin(lon2)
        z = s1 * math.sin(lat1) + s2 * math.sin(lat2)
        lat, lon = math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))
        if previous is not None:
            while lon - previous > 180:
                lon -= 360
            while lon - previous < -180:
                lon += 360
        previous = lon
        points.append([round(lat, 3), round(lon, 3)])
    return points


def arc_steps(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Points per arc by length (level of detail): a neighbour 2, the antipodes about 40."""
    degrees = math.hypot(a[0] - b[0], (a[1] - b[1]) * math.cos(math.radians((a[0] + b[0]) / 2)))
    return max(2, min(40, int(degrees / 4) + 2))


def naive(located, path: Path) -> float:
    import folium

    t0 = time.perf_counter()
    m = folium.Map(location=[46.6, 2.4], zoom_start=5, tiles=None)
    m.default_js = [("leaflet", "leaflet.js")]
    m.default_css = [("leaflet_css", "leaflet.css")]
    for item in located:
        if item.place.point:
            # folium puts tooltips in JS template literals: a backtick in a GeoNames name
            # would end it, so it becomes an apostrophe here.
            folium.CircleMarker(item.place.point, radius=4,
                                tooltip=item.stage.host.replace("`", "'")).add_to(m)
        for partner, pr in zip(item.stage.partners, item.partners):
            if pr.point:
                folium.CircleMarker(pr.point, radius=3, color="#5a2d82",
                                    tooltip=partner.name.replace("`", "'")).add_to(m)
                if item.place.point:
                    folium.PolyLine(great_circle(item.place.point, pr.point,
                                                 arc_steps(item.place.point, pr.point)),
                                    weight=1).add_to(m)
    m.save(str(path))
    return time.perf_counter() - t0


# Recorded inside the page (no test-harness latency): the second animation frame after the page
# has loaded and, for cufmap, after it says it is ready (its data-cuf-ready attribute: markers,
# links, outlines and the timeline's first entries). For cufmap, also when the whole timeline
# list is built (data-cuf-timeline), which finishes in small tasks after the first draw.
DRAWN = """window.addEventListener("load", () => {
  const after = () => requestAnimationFrame(() => requestAnimationFrame(() => {
    window.__drawn = performance.now(); }));
  const root = document.documentElement;
  if (!window.CufRelay) { window.__timeline = 0; after(); return; }
  const check = () => {
    if (root.getAttribute("data-cuf-timeline") && !window.__timeline)
      window.__timeline = performance.now();
    if (root.getAttribute("data-cuf-ready") && !window.__seen) { window.__seen = 1; after(); }
    return window.__seen && window.__timeline;
  };
  if (!check()) new MutationObserver((_, o) => { if (check()) o.disconnect(); })
    .observe(root, {attributes: true});
});"""

RECORD = """() => { window.__frames = []; let last = performance.now();
  function frame(t) { window.__frames.push(t - last); last = t;
    if (window.__frames.length < 400) requestAnimationFrame(frame); }
  requestAnimationFrame(frame); }"""


def drag(page) -> list[float]:
    """Frame times while a person drags the map (30 mouse moves)."""
    page.evaluate(RECORD)
    page.mouse.move(700, 500)
    page.mouse.down()
    for i in range(30):
        page.mouse.move(700 - i * 12, 500 - i * 6)
    page.mouse.up()
    page.wait_for_timeout(300)
    frames = page.evaluate("window.__frames")
    return frames[1:] or [0.0]


def draw(browser, url: str, ready: str, runs: int = 3) -> tuple[float, list[float], float]:
    """Median first full draw (ms), frame times while dragging, median timeline completion."""
    results, pans, lists = [], [], []
    for _ in range(runs):
        # The page's CSP forbids eval; Playwright's wait_for_function evaluates its text, so
        # the bench (not the page) is exempted: the page runs its own scripts unchanged.
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, bypass_csp=True)
        page.add_init_script(DRAWN)
        page.goto(url, timeout=300_000, wait_until="load")
        if ready:
            page.wait_for_selector(ready, state="attached", timeout=300_000)
        page.wait_for_function("window.__drawn", timeout=300_000)
        page.wait_for_function("window.__timeline !== undefined", timeout=300_000)
        results.append(page.evaluate("window.__drawn"))
        lists.append(page.evaluate("window.__timeline"))
        pans = drag(page)
        page.close()
    return statistics.median(results), pans, statistics.median(lists)


def naive_process(data: Path, places: Path, path: Path) -> None:
    """The naive build as a whole process: read, geocode, one folium object per place/link."""
    from cufmap.places import geocoding
    from cufmap.relay.stages import load_stages

    chain = geocoding.Chain(places=geocoding.PlacesFile(places))
    naive(geocoding.locate(load_stages(data), chain), path)


def timed(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall time of a whole process started from the shell (imports included), and its CPU
    time (user + system), which other jobs on a shared machine do not stretch."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "atlas")
    parser.add_argument("--naive", nargs=3, type=Path, metavar=("DATA", "PLACES", "HTML"),
                        help=argparse.SUPPRESS)  # the naive build, run as its own process
    parser.add_argument("--no-draw", action="store_true", help="timings of the builds only")
    args = parser.parse_args()
    if args.naive:
        naive_process(*args.naive)
        return
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    data = out / "atlas.csv"
    generate(data)

    from cufmap.publish import export, mapdoc

    places = out / "lieux.csv"
    places.write_text("nom,pays\n", encoding="utf-8")
    naive_dir = out / "naive"
    naive_dir.mkdir(exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copy(mapdoc.STATIC / name, naive_dir / name)
    # Both timed as whole processes from the shell, in the same run. The export (a few
    # seconds) runs just before and just after the naive build (a minute or more), and its
    # two times are averaged: on a shared machine whose load changes from minute to minute,
    # the two builds are then timed under the same load on average.
    env = dict(os.environ, CUFMAP_DATA=str(data), CUFMAP_PLACES=str(places),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")])))
    export_command = [sys.executable, "-m", "cufmap.cli", "export", "--offline", "--tuiles",
                      "aucune", str(out / "cufmap")]
    before = timed(export_command, env)
    naive_s, naive_cpu = timed([sys.executable, str(Path(__file__).resolve()), "--naive",
                                str(data), str(places), str(naive_dir / "index.html")], env)
    after = timed(export_command, env)
    export_s, export_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
    ours_b = (out / "cufmap" / "index.html").stat().st_size
    naive_b = (naive_dir / "index.html").stat().st_size
    print(f"export, whole process (`cufmap export`: reading, validation, geocoding, HTML, "
          f"GeoJSON, iCalendar): {export_s:.2f} s (mean of {before[0]:.2f} s before and "
          f"{after[0]:.2f} s after the naive build), CPU {export_cpu:.2f} s")
    print(f"naive folium build, whole process (reading, geocoding, one folium object per place "
          f"and link): {naive_s:.2f} s, CPU {naive_cpu:.2f} s -> export ratio "
          f"{export_s / naive_s:.3f} (target <= 0.1); CPU ratio {export_cpu / naive_cpu:.3f}; "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"HTML: cufmap {ours_b / 1e6:.2f} MB, naive folium {naive_b / 1e6:.2f} MB -> "
          f"{ours_b / naive_b:.2f} of naive (target <= 0.25)")
    if args.no_draw:
        return

    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    shipped = out / "shipped"
    small = export.export(shipped, ROOT / "data" / "relais.csv", ROOT / "data" / "lieux.csv",
                          tiles="aucune", allow_online=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        small_t, _, _ = draw(browser, (shipped / "index.html").as_uri(), "html[data-cuf-ready='1']")
        print(f"shipped relay: index.html {small.files['index.html'] / 1024:.0f} KB "
              f"(target <= 400 KB), first full draw {small_t / 1000:.2f} s (target <= 0.5 s)")
        ours_t, ours_pan, ours_list = draw(browser, (out / "cufmap" / "index.html").as_uri(),
                                           "html[data-cuf-ready='1']", runs=5)
        naive_t, naive_pan, _ = draw(browser, (naive_dir / "index.html").as_uri(), "", runs=3)
        browser.close()
    print(f"first full draw (navigation -> drawn frame): cufmap {ours_t / 1000:.2f} s, naive "
          f"{naive_t / 1000:.2f} s -> {ours_t / naive_t:.2f} (target <= 0.5); medians of 5 and 3 "
          f"page loads; cufmap's whole timeline list built at {ours_list / 1000:.2f} s")
    print(f"dragging the map, frame time median/max: cufmap {statistics.median(ours_pan):.0f}/"
          f"{max(ours_pan):.0f} ms, naive {statistics.median(naive_pan):.0f}/"
          f"{max(naive_pan):.0f} ms")


if __name__ == "__main__":
    main()
