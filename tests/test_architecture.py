"""The house's plan, checked on its imports: layers that only look down, no circle, no private
name taken from another module (see docs/developpement.md, « Architecture »)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cufmap"

#: Bottom first. A module may import its own layer and the layers below, never one above.
LAYERS = (
    ("socle", ("cufmap", "cufmap.errors", "cufmap.text", "cufmap.files", "cufmap.settings",
               "cufmap.i18n")),
    ("relay", ("cufmap.relay",)),  # the data: schema, reading, validation, stages
    ("places", ("cufmap.places",)),  # names, gazetteer, geocoding, the places file
    ("storage", ("cufmap.storage",)),  # where the data lives: local file, Git
    ("publish", ("cufmap.publish",)),  # one payload, then HTML, GeoJSON, iCalendar, live page
    ("editing", ("cufmap.editing",)),  # the editing session: page -> session -> storage
    ("app", ("cufmap.app",)),  # the Streamlit glue
    ("cli", ("cufmap.cli",)),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    best, rank = -1, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best:
                best, rank = len(p), i
    return rank


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken, line) for every import in ``path``, lazy ones too."""
    package = module_name(path).rpartition(".")[0] if path.name != "__init__.py" else \
        module_name(path)
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            names = [a.name for a in node.names]
            # `from cufmap.relay import schema`: the module cufmap.relay.schema
            modules = [f"{base}.{n}" for n in names if (PACKAGE.parent / f"{base}.{n}".replace(
                ".", "/")).with_suffix(".py").exists()]
            out += [(m, [], node.lineno) for m in modules]
            rest = [n for n in names if f"{base}.{n}" not in modules]
            if rest:
                out.append((base, rest, node.lineno))
    return [i for i in out if i[0] == "cufmap" or i[0].startswith("cufmap.")]


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {m: imports(p) for m, p in MODULES.items()}


def test_every_module_has_a_layer():
    assert [m for m in MODULES if layer_of(m) < 0] == []


def test_layers_only_import_downwards():
    upward = [f"{m} ({LAYERS[layer_of(m)][0]}) -> {target} ({LAYERS[layer_of(target)][0]}), "
              f"line {line}"
              for m, found in GRAPH.items() for target, _, line in found
              if layer_of(target) > layer_of(m)]
    assert upward == []


def test_no_module_takes_another_module_s_private_name():
    taken = [f"{m} takes {n} from {target}, line {line}"
             for m, found in GRAPH.items() for target, names, line in found
             for n in names if n.startswith("_") and not n.startswith("__") and target != m]
    assert taken == []


def test_no_import_circle():
    edges = {m: {t for t, _, _ in found if t in MODULES and t != m} for m, found in GRAPH.items()}
    # parents (packages) are imported by Python first: an edge to a package's __init__ counts
    state, cycles = {}, []

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    assert cycles == []
