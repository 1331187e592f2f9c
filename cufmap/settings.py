"""Every setting of cufmap, declared once, as data.

Each :class:`Setting` names its key in the ``[cufmap]`` section of ``.streamlit/secrets.toml``,
its environment variable (``CUFMAP_`` and the key in capitals), the older names still accepted,
its default and its French help. :func:`load` reads them all once, with one precedence rule
(the secrets file, then the environment, then the default), into a frozen :class:`Settings`
that the app, the command line and the tests pass to whoever needs it. The hosting guide's
table (``docs/mise-en-ligne.md``) is generated from :data:`SETTINGS` (``cufmap guide``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, make_dataclass
from pathlib import Path

SECTION = "cufmap"  # the section of .streamlit/secrets.toml


@dataclass(frozen=True)
class Setting:
    name: str  # attribute of Settings (English, as the code says it)
    key: str  # key in the [cufmap] section of the secrets (French, as staff say it)
    default: object
    help: str  # French: what it does, for the hosting guide
    kind: str = "text"  # text, path, int, float, bool, list
    aliases: tuple[str, ...] = ()  # older environment variable names, still read
    secret: bool = False  # never shown (a password hash, a URL that holds a token)
    group: str = "Données"

    @property
    def env(self) -> str:
        return "CUFMAP_" + self.key.upper()

    def parse(self, raw: object):
        """``raw`` (a secrets value or an environment string) as this setting's type; the
        default when it cannot be read (the guide tells the operator the expected form)."""
        if self.kind == "list":
            items = raw.split(",") if isinstance(raw, str) else list(raw or ())
            return tuple(str(i).strip() for i in items if str(i).strip())
        text = str(raw).strip()
        if not text:
            return self.default
        try:
            if self.kind == "int":
                return int(text)
            if self.kind == "float":
                return float(text)
        except ValueError:
            return self.default
        if self.kind == "bool":
            return text.lower() not in ("0", "non", "false", "no", "off")
        if self.kind == "path":
            return Path(text)
        return text


GIT = "Dépôt Git (serveurs au disque jetable)"
EDITING = "Édition"
WEBINAR = "Webinaire"

SETTINGS: tuple[Setting, ...] = (
    Setting("data", "donnees", Path("data/relais.csv"),
            "Le fichier des étapes (CSV).", "path", aliases=("CUFMAP_DATA",)),
    Setting("places", "lieux", Path("data/lieux.csv"),
            "Le fichier des lieux retenus (choix de l'équipe, réponses en ligne gardées).",
            "path", aliases=("CUFMAP_PLACES",)),
    Setting("published", "dossier_publie", None,
            "Le dossier où l'application écrit ce qu'elle sert au public (la carte en ligne, "
            "les documents de carte) ; par défaut `publie/` à côté du fichier des étapes. "
            "L'application sert ce que contient `static/` (un lien vers `data/publie` dans le "
            "dépôt) sous `/app/static/` : le dossier doit s'y trouver.", "path",
            aliases=("CUFMAP_PUBLIE",)),
    Setting("offline", "hors_ligne", False,
            "`1` : aucun géocodage en ligne (le dictionnaire hors ligne et le fichier des lieux "
            "seulement).", "bool", aliases=("CUFMAP_OFFLINE",)),
    Setting("password_hash", "mot_de_passe_hash", "",
            "L'empreinte du mot de passe de l'équipe (`cufmap hash-password`), jamais le mot de "
            "passe.", secret=True, aliases=("CUFMAP_PASSWORD_HASH",), group=EDITING),
    Setting("editors", "editeurs", (),
            "Avec un fournisseur d'identité (OIDC, section `[auth]`) : les adresses autorisées "
            "à modifier (toutes si vide) ; dans l'environnement, séparées par des virgules.",
            "list", group=EDITING),
    Setting("guesses_per_minute", "essais_par_minute", 10,
            "Mauvais mots de passe acceptés par minute pour tout le serveur.", "int",
            group=EDITING),
    Setting("client_header", "entete_adresse_client", "",
            "Derrière un proxy inverse : l'en-tête qui porte l'adresse du client "
            "(`X-Forwarded-For`, `X-Real-IP`…).", group=EDITING),
    Setting("public_url", "adresse_publique", "",
            "L'adresse publique de la carte, montrée avec son QR code sur la vue d'ensemble "
            "du mode présentation (`https://…`).", aliases=("CUFMAP_PUBLIC_URL",),
            group=WEBINAR),
    Setting("depot", "depot", "",
            "L'adresse du dépôt Git des données (`https://…` avec un jeton, `ssh://`, "
            "`file://`) ; vide : le disque du serveur.", secret=True, group=GIT),
    Setting("depot_branch", "depot_branche", "main", "La branche des données.", group=GIT),
    Setting("depot_publication", "depot_publication", "",
            "Une branche où publier aussi la carte en ligne (GitHub Pages, GitLab Pages).",
            group=GIT),
    Setting("depot_cache", "depot_cache", None,
            "Le dossier du dépôt de travail privé (par défaut `~/.cache/cufmap/depots/`).",
            "path", group=GIT),
    Setting("depot_interval", "depot_intervalle", 30.0,
            "Secondes entre deux vérifications du dépôt (1 au moins).", "float", group=GIT),
)

BY_NAME = {s.name: s for s in SETTINGS}


def _published_dir(self) -> Path:
    """Where runtime files go: the setting, else ``publie/`` beside the data file."""
    return self.published or self.data.parent / "publie"


#: The settings in force: one frozen attribute per :data:`SETTINGS` entry (its ``name``), plus
#: ``oidc`` (an ``[auth]`` section is there, for ``st.login``). Built by :func:`load`, or
#: directly in tests (``Settings(data=…)``); the declaration above is its only definition.
Settings = make_dataclass(
    "Settings",
    [(s.name, object, field(default=s.default)) for s in SETTINGS] + [("oidc", bool, False)],
    frozen=True, namespace={"published_dir": property(_published_dir),
                            "__module__": __name__})


def load(secrets: Mapping | None = None, environ: Mapping | None = None) -> Settings:
    """Every setting: ``[cufmap] <key>`` of the secrets first, then ``CUFMAP_<KEY>`` (then its
    older names) in the environment, then the default."""
    environ = os.environ if environ is None else environ
    secrets = secrets or {}
    section = secrets.get(SECTION) or {}
    values = {}
    for s in SETTINGS:
        raw = section.get(s.key) if hasattr(section, "get") else None
        if raw in (None, "", ()):
            raw = next((environ[n] for n in (s.env, *s.aliases) if environ.get(n)), None)
        values[s.name] = s.default if raw in (None, "", ()) else s.parse(raw)
    values["depot_interval"] = max(1.0, values["depot_interval"])
    values["guesses_per_minute"] = max(1, values["guesses_per_minute"])
    return Settings(**values, oidc=bool(secrets.get("auth")))


def from_files(folder: str | os.PathLike = ".", environ: Mapping | None = None) -> Settings:
    """:func:`load` with the secrets of ``folder/.streamlit/secrets.toml`` (the file the app
    reads; none is fine): what the command line uses, so that it works on the same data."""
    import tomllib

    path = Path(folder) / ".streamlit" / "secrets.toml"
    try:
        secrets = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        secrets = {}
    return load(secrets, environ)


#: Where the hosting guide holds the generated table (between these two lines).
TABLE_START = "<!-- Tableau généré par « cufmap guide » à partir de cufmap/settings.py : ne pas " \
              "le modifier à la main. -->"
TABLE_END = "<!-- Fin du tableau généré. -->"


def with_table(guide: str) -> str:
    """The hosting guide ``guide`` with its settings table as :data:`SETTINGS` says (the
    table goes between :data:`TABLE_START` and :data:`TABLE_END`, or at the end)."""
    table = f"{TABLE_START}\n\n{guide_table()}\n{TABLE_END}"
    if TABLE_START in guide and TABLE_END in guide:
        head, rest = guide.split(TABLE_START, 1)
        return head + table + rest.split(TABLE_END, 1)[1]
    return guide.rstrip("\n") + "\n\n" + table + "\n"


def guide_table() -> str:
    """The hosting guide's table of settings, in Markdown (French), from :data:`SETTINGS`."""
    lines = []
    for group in dict.fromkeys(s.group for s in SETTINGS):
        lines += [f"### {group}", "",
                  "| `[cufmap]` dans `secrets.toml` | variable d'environnement | par défaut | rôle |",
                  "|---|---|---|---|"]
        for s in (s for s in SETTINGS if s.group == group):
            env = f"`{s.env}`" + "".join(f" (ou `{a}`)" for a in s.aliases)
            default = _default_text(s)
            lines.append(f"| `{s.key}` | {env} | {default} | {s.help} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _default_text(s: Setting) -> str:
    if s.default in (None, "", ()):
        return "—"
    if isinstance(s.default, bool):
        return "`1`" if s.default else "`0`"
    if isinstance(s.default, float) and s.default.is_integer():
        return f"`{int(s.default)}`"
    return f"`{s.default}`"

