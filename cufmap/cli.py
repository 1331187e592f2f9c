"""``cufmap`` command line. Library errors become short French messages here, never tracebacks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import DEFAULT_DATA, schema, validation
from .errors import UnreadableTable
from .reading import read_path


@click.group(help="Outils de la carte du « Relais de la Coop Déc' » (Cités Unies France).")
def main() -> None:
    pass


@main.command(help="Vérifie le fichier du relais (par défaut data/relais.csv). "
                   "Code de sortie : 0 valide, 1 erreurs, 2 illisible.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def validate(path: Path | None) -> None:
    path = path or DEFAULT_DATA
    try:
        table = read_path(path)
    except UnreadableTable as exc:
        click.echo(f"{path} : illisible. {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # last resort: whatever the bytes, no traceback for staff
        click.echo(f"{path} : illisible ({type(exc).__name__}). Enregistrez-le de nouveau "
                   "au format CSV depuis Excel ou LibreOffice.", err=True)
        sys.exit(2)
    problems = table.problems + validation.validate(table.frame, table.lines, table.missing)
    errors = validation.errors(problems)
    for problem in sorted(problems, key=lambda p: (p.row, p.level != validation.ERROR)):
        prefix = "ERREUR" if problem.level == validation.ERROR else "Avertissement"
        click.echo(f"{prefix} — {problem.message}", err=problem.level == validation.ERROR)
    warnings = len(problems) - len(errors)
    if errors:
        click.echo(f"{path} : {len(errors)} erreur(s), {warnings} avertissement(s) sur "
                   f"{len(table.frame)} ligne(s). Corrigez les erreurs puis relancez "
                   "« cufmap validate ».", err=True)
        sys.exit(1)
    click.echo(f"{path} : valide — {len(table.frame)} étape(s), {warnings} avertissement(s).")


@main.command(help="Écrit le guide de saisie (docs/guide-de-saisie.md) et le schéma "
                   "Frictionless (data/relais.schema.json) à partir de cufmap/schema.py.")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True)
def guide(root: Path) -> None:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "guide-de-saisie.md").write_text(schema.guide_markdown(), encoding="utf-8")
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "relais.schema.json").write_text(schema.table_schema_json(),
                                                       encoding="utf-8")
    click.echo("docs/guide-de-saisie.md et data/relais.schema.json écrits.")



if __name__ == "__main__":  # python -m cufmap.cli
    main()
