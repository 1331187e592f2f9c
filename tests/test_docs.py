"""The README, the guides in docs/ (the staff's input guide and the hosting guide's settings
table generated), and the Table Schema stay true to the code."""

import json
import re

import pytest

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


# --- The README and the guides in docs/: shaped for their readers, true to the code. ---------

DOCS = ROOT / "docs"
GUIDES = sorted(DOCS.glob("*.md"))
PAGES = [ROOT / "README.md", *GUIDES]
HOSTING = DOCS / "mise-en-ligne.md"
#: Paths the app (or the tests, or a bench) writes at run time: named in the guides, never in
#: the repository (each is ignored by git).
RUNTIME = ("data/.historique/", "data/.liens-orateur.json", "data/publie/", "bench/out/",
           "tests/artifacts/", ".streamlit/secrets.toml", "data/traces/", "data/photos/")
#: Paths in the Git storage's remote (the data's repository), not in this one.
IN_THE_REMOTE = ("data/liens-orateur.json",)
#: Environment variables the guides may name although no setting reads them any more.
RETIRED = {"CUFMAP_CARTE"}


def text_of(page):
    return page.read_text(encoding="utf-8")


def code_of(text: str) -> list[str]:
    """What a page shows as code: its fenced blocks (each line) and its inline code spans."""
    blocks = re.findall(r"^ *```[^\n]*\n(.*?)^ *```", text, re.M | re.S)
    prose = re.sub(r"^ *```[^\n]*\n.*?^ *```", "", text, flags=re.M | re.S)
    return [line for b in blocks for line in b.splitlines()] + \
        re.findall(r"`([^`\n]+)`", prose)


def links_of(text: str) -> list[str]:
    prose = re.sub(r"^ *```[^\n]*\n.*?^ *```", "", text, flags=re.M | re.S)
    return re.findall(r"\]\(([^)\s]+)\)", prose)


def anchors_of(text: str) -> set[str]:
    """GitHub's anchors for a page's headings (lower case, punctuation dropped, spaces -> -)."""
    prose = re.sub(r"^ *```[^\n]*\n.*?^ *```", "", text, flags=re.M | re.S)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
            for h in re.findall(r"^#{1,6} (.+)$", prose, re.M)}


#: What may stand before a command: a comment sign, an environment assignment, sudo, exec, or
#: systemd's ``ExecStart=`` (``-`` : failure ignored).
_PREFIX = re.compile(r"^(?:#\s*|[A-Z_][A-Z0-9_]*=\S*\s+|sudo\s+(?:-u\s+\S+\s+)?|exec\s+|"
                     r"Exec\w*=-?)")


def commands_in(line: str):
    """(program, its first word, the rest of its command) for every command of a code line
    that runs ``cufmap`` or ``python`` (segments split at ; && || | # and quotes; env
    assignments, sudo, exec and systemd's ``Exec…=`` dropped in front)."""
    for match in re.finditer(r"(?:^|&&|\|\||[;|#\"'(])\s*([^;&|#\"'()]+)", line):
        segment = match.group(1)
        while (shorter := _PREFIX.sub("", segment, count=1)) != segment:
            segment = shorter
        words = segment.split()
        if not words:
            continue
        if words[0].rsplit("/", 1)[-1] == "cufmap":
            program, head = "cufmap", words[:2]
        elif words[0] in ("python", "python3") and words[1:3] == ["-m", "cufmap.cli"]:
            program, head = "cufmap", words[:4]
        elif words[0] in ("python", "python3") and len(words) > 1:
            program, head = "python", words[:3] if words[1] == "-m" else words[:2]
        else:
            continue
        first = " ".join(head[3:] if head[1:3] == ["-m", "cufmap.cli"] else head[1:])
        if not first or "…" in first or "<" in first:  # a placeholder: « cufmap … »
            continue
        # what follows the command's name, up to the end of its segment (comments included)
        tail = line[match.start(1):]
        tail = tail[tail.find(head[-1]) + len(head[-1]):]
        yield program, first, re.split(r"&&|\|\||;|\"| \| ", tail, maxsplit=1)[0]


def options_in(tail: str) -> list[str]:
    return re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", tail)


def test_the_readme_is_short_and_leads_to_every_guide():
    readme = text_of(ROOT / "README.md")
    assert len(readme.splitlines()) <= 150, "Le README tient en 150 lignes : le détail va " \
                                            "dans un guide de docs/."
    linked = {target.split("#")[0] for target in links_of(readme)}
    assert {f"docs/{g.name}" for g in GUIDES} <= linked, "Le README renvoie à chaque guide."
    for guide in ("guide-equipe", "animer-un-webinaire", "integrer-la-carte", "mise-en-ligne",
                  "developpement"):
        assert (DOCS / f"{guide}.md").exists()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_to_a_file_or_a_section_leads_somewhere(page):
    broken = []
    for target in links_of(text_of(page)):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(target)
        elif anchor and file.suffix == ".md" and anchor not in anchors_of(text_of(file)):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_a_page_shows_exists_with_its_options(page):
    from cufmap.cli import main

    wrong = []
    for line in code_of(text_of(page)):
        for program, first, tail in commands_in(line):
            if program == "cufmap":
                command = main.commands.get(first)
                if first and not first.startswith("-") and command is None:
                    wrong.append(f"{line} : « cufmap {first} » n'existe pas")
                    continue
                known = {o for p in (command.params if command else ()) for o in
                         (*p.opts, *p.secondary_opts)} | {"--help"}
                wrong += [f"{line} : {o} inconnu" for o in options_in(tail)
                          if o not in known] if command else []
            elif first.startswith("bench/") or first.startswith("tests/"):
                script = ROOT / first.split()[0]
                if not script.exists():
                    wrong.append(f"{line} : {script.name} n'existe pas")
                    continue
                source = text_of(script)
                wrong += [f"{line} : {o} inconnu" for o in options_in(tail)
                          if not re.search(re.escape(o) + r"(?![\w-])", source)]
            elif first.startswith("-m cufmap."):
                module = first.split()[1]
                base = ROOT / module.replace(".", "/")
                if not (base.with_suffix(".py").exists() or (base / "__init__.py").exists()):
                    wrong.append(f"{line} : le module {module} n'existe pas")
    assert wrong == []


def test_the_guides_show_every_subcommand():
    from cufmap.cli import main

    shown = {first for page in PAGES for line in code_of(text_of(page))
             for program, first, _ in commands_in(line) if program == "cufmap"}
    assert set(main.commands) <= shown, "Chaque commande de « cufmap » a sa place dans un guide."


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_path_a_page_names_exists(page):
    text = text_of(page)
    named = set(re.findall(r"(?<![\w./~-])((?:docs|data|cufmap|tests|bench|pages|\.ci|"
                           r"\.streamlit)/[\w./-]*\w/?)", text))
    missing = [p for p in sorted(named) if not (ROOT / p).exists() and p not in IN_THE_REMOTE
               and not any(p.startswith(r) or r.rstrip("/") == p.rstrip("/") for r in RUNTIME)]
    assert missing == []


def test_what_the_app_writes_at_run_time_is_never_committed():
    ignored = text_of(ROOT / ".gitignore").splitlines()
    for path in RUNTIME:  # « data/publie/* » or « data/.historique/ » in .gitignore
        assert any(line.strip().rstrip("*").rstrip("/") == path.rstrip("/")
                   for line in ignored), path


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_test_a_page_cites_exists(page):
    """The mutation log (and any guide) names tests by file and name; a name ending in « … »
    is the start of one."""
    missing = []
    for file, name, cut in re.findall(r"(test_\w+\.py)(?:::(\w+)(…)?)?", text_of(page)):
        found = list(ROOT.joinpath("tests").rglob(file))
        if not found:
            missing.append(file)
        elif name and not re.search(rf"def {name}" + ("" if cut else r"\b"), text_of(found[0])):
            missing.append(f"{file}::{name}")
    assert missing == []


def test_every_setting_is_in_the_hosting_guide_s_generated_table():
    """The declaration is the one list: each setting's key, its environment variable and every
    older name are in the hosting guide, whose table is the one the declaration generates
    (« python -m cufmap.cli guide » writes it)."""
    from cufmap import settings

    guide = text_of(HOSTING)
    assert settings.TABLE_START in guide and settings.TABLE_END in guide
    table = guide.split(settings.TABLE_START, 1)[1].split(settings.TABLE_END, 1)[0]
    for s in settings.SETTINGS:
        assert f"| `{s.key}` |" in table, s.key
        assert f"`{s.env}`" in table, s.env
        for alias in s.aliases:
            assert f"`{alias}`" in table, alias
    assert settings.with_table(guide) == guide, "Relancez « python -m cufmap.cli guide » " \
                                                "après toute modification de cufmap/settings.py."


def test_every_setting_the_guides_name_is_one_the_app_reads():
    """No guide sends an operator to a variable or a secrets key nothing reads."""
    from cufmap import settings

    variables = {n for s in settings.SETTINGS for n in (s.env, *s.aliases)}
    keys = {s.key for s in settings.SETTINGS}
    wrong = []
    for page in PAGES:
        text = text_of(page)
        wrong += [f"{page.name} : {v}" for v in re.findall(r"\bCUFMAP_[A-Z_]*[A-Z]", text)
                  if v not in variables and v not in RETIRED]
        for block in re.findall(r"^ *```toml\n(.*?)^ *```", text, re.M | re.S):
            section = ""
            for line in block.splitlines():
                if m := re.match(r"\s*\[(\w+)\]", line):
                    section = m.group(1)
                elif (m := re.match(r"\s*(\w+)\s*=", line)) and section == "cufmap" \
                        and m.group(1) not in keys:
                    wrong.append(f"{page.name} : [cufmap] {m.group(1)}")
    assert wrong == []
