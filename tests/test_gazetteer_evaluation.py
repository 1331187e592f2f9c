"""The evaluation set (bench/eval, independent positions) meets the bar of issue #10."""

import importlib.util

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def res():
    spec = importlib.util.spec_from_file_location("bench_geocoding",
                                                  ROOT / "bench" / "geocoding.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.evaluate()


def share(res, cats, what="juste"):
    cats = [res["by_cat"][c] for c in cats]
    return sum(c[what] for c in cats) / sum(c["total"] for c in cats)


def test_french_authorities_are_placed_within_tolerance(res):
    assert share(res, ["commune", "département", "région", "intercommunalité"]) >= 0.99
    for cat in ("commune", "département", "région", "intercommunalité"):
        assert res["by_cat"][cat]["total"] >= 30 and share(res, [cat]) >= 0.98, cat


def test_places_abroad_are_placed_within_10_km(res):
    assert share(res, ["étranger"]) >= 0.97


def test_confident_answers_are_right(res):
    confident = [c for conf, c in res["by_conf"].items() if conf >= 0.9]
    right = sum(c["juste"] for c in confident)
    wrong = sum(c["faux"] for c in confident)
    assert right / (right + wrong) >= 0.995
    assert wrong / res["rows"] <= 0.002
