"""The staff guide, the Table Schema and the README stay true to the code."""

import json

from cufmap.relay import schema

from .conftest import ROOT, run_cli


def test_guide_matches_schema():
    guide = (ROOT / "docs" / "guide-de-saisie.md").read_text(encoding="utf-8")
    assert guide == schema.guide_markdown(), "Relancez « cufmap guide » après toute " \
                                             "modification de cufmap/relay/schema.py."
    for column in schema.COLUMNS:
        assert f"| `{column.name}` | {column.label} |" in guide
        assert column.help in guide and column.example in guide


def test_table_schema_matches_schema():
    published = json.loads((ROOT / "data" / "relais.schema.json").read_text(encoding="utf-8"))
    assert published == schema.table_schema()
    assert [f["name"] for f in published["fields"]] == list(schema.NAMES)


def test_guide_command_writes_both_files(tmp_path):
    assert run_cli("guide", "--root", tmp_path).returncode == 0
    assert (tmp_path / "docs" / "guide-de-saisie.md").read_text(encoding="utf-8") == \
        schema.guide_markdown()
    assert json.loads((tmp_path / "data" / "relais.schema.json").read_text()) == \
        schema.table_schema()


def test_examples_in_the_schema_are_valid_values():
    from cufmap.relay import validation

    row = {c.name: c.example for c in schema.COLUMNS}
    import pandas as pd

    assert validation.errors(validation.validate(pd.DataFrame([row]))) == []


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = "\n".join(readme.splitlines()[:25])
    assert "streamlit run app.py" in head
    test_command = next(line for line in head.splitlines() if "pytest" in line).strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci
