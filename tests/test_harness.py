"""The test harness itself: every test that drives chromium is marked ``browser`` without anyone
having to remember it, so ``pytest -m "not browser"`` runs on a machine without chromium."""

import subprocess
import sys

from .conftest import ROOT


def test_every_test_using_the_browser_is_marked_and_deselected_by_not_browser():
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                             "-p", "no:cacheprovider", "-m", "not browser",
                             "tests/test_export.py", "tests/test_editing_browser.py"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    kept = {line.split("::")[1] for line in result.stdout.splitlines() if "::" in line}
    # test_export.py mixes both kinds, without a module marker; test_editing_browser.py has none
    assert "test_export_writes_three_files_within_budget" in kept
    assert "test_cli_export" in kept
    assert not {"test_exported_page_fits_a_phone", "test_the_axe_check_itself_catches_a_violation",
                "test_an_atlas_sized_map_draws_on_canvas_and_fills_its_whole_timeline",
                "test_axe_finds_no_serious_violation_on_the_app_page"} & kept, kept
    assert not any("editing_browser" in line for line in result.stdout.splitlines()), \
        result.stdout
