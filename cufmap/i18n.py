"""Interface texts, from gettext message catalogues (French first, English second, any other
language by one more file).

The catalogues are ``cufmap/locales/<lang>/LC_MESSAGES/cufmap.po``, read at run time with
Babel (no compiled ``.mo``: nothing to build, the ``.po`` shipped in the package is what runs,
and reading two small files once per process costs a few milliseconds). Each message's
``msgid`` is a key the code asks for (``timeline``, ``page_filters``…), its ``msgstr`` the
text shown; in every catalogue but the French one, a ``#.`` comment gives the French text,
for the translator. A catalogue's ``Language:`` header names the Babel locale its dates and
numbers are written in (``en_GB``: « Tuesday 1 April 2025 »).

Add a language: ``cufmap langues --nouvelle de`` writes ``locales/de/LC_MESSAGES/cufmap.po``
with every key and its French text as a comment; fill in the ``msgstr``, and the page offers
it (``?langue=de``, or a German browser). ``tests/test_i18n.py`` fails while a message is
missing, empty or lacks a ``{placeholder}`` of the French one.

:data:`TEXTS` holds texts written in the code and not yet in the catalogues (a branch adding
a message adds it there); ``cufmap langues`` moves them into the ``.po`` files. The same
command writes ``locales/fr/LC_MESSAGES/click.po``'s template side: click's own messages
(« Usage: », « Options », errors), shown in French by :mod:`cufmap.cli`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "cufmap"
#: The reference language: every other catalogue must have each of its messages.
SOURCE = "fr"

#: Texts in the code and not yet in the catalogues, by language: ``cufmap langues`` moves them
#: into the ``.po`` files (and the tests fail while one is left here without its catalogue entry).
TEXTS: dict[str, dict[str, str]] = {"fr": {}, "en": {}}

PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def catalogue_path(lang: str, domain: str = DOMAIN) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"


@lru_cache(maxsize=None)
def catalogue(lang: str, domain: str = DOMAIN):
    """The Babel catalogue of ``lang`` (read once per process)."""
    from babel.messages.pofile import read_po

    with catalogue_path(lang, domain).open("rb") as f:
        return read_po(f, domain=domain)


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The languages with a catalogue: French first, then the others in alphabetical order."""
    found = sorted(p.parent.parent.name for p in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE, *(lang for lang in found if lang != SOURCE))


@lru_cache(maxsize=None)
def texts(lang: str) -> dict[str, str]:
    """Every interface text in ``lang`` (French for an unknown language), key -> text; a
    message a catalogue lacks comes in French. ``one_counts``: the numbers up to 99 that take
    the singular (« 0 étape » in French, « 1 stage » only in English), from the language's
    plural rule (CLDR, through Babel), for the page's counts."""
    lang = lang if lang in languages() else SOURCE
    merged = {**TEXTS.get(SOURCE, {}), **_messages(SOURCE), **TEXTS.get(lang, {})}
    merged.update({k: v for k, v in _messages(lang).items() if v})
    merged["one_counts"] = " ".join(str(n) for n in range(100) if plural(lang, n) == "one")
    return merged


def text(key: str, lang: str = SOURCE, **values) -> str:
    """The text ``key`` in ``lang``, its ``{placeholders}`` filled from ``values``."""
    value = texts(lang)[key]
    return value.format(**values) if values else value


def missing_messages(lang: str, domain: str = DOMAIN) -> list[str]:
    """The messages of the French catalogue that ``lang``'s lacks, leaves empty, or whose text
    drops or adds a ``{placeholder}`` (click's catalogue: those left untranslated)."""
    if domain == CLICK:
        return [m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(lang, CLICK)
                if m.id and not (all(m.string) if isinstance(m.id, tuple) else m.string)]
    source, own = _messages(SOURCE), _messages(lang) if catalogue_path(lang).exists() else {}
    return [key for key, french in source.items() if not own.get(key, "").strip()
            or set(PLACEHOLDER.findall(own[key])) != set(PLACEHOLDER.findall(french))]


def _messages(lang: str) -> dict[str, str]:
    return {m.id: m.string for m in catalogue(lang) if m.id and isinstance(m.id, str)}


def plural(lang: str, n: float) -> str:
    """The CLDR plural category of ``n`` in ``lang`` (« one », « other »…), through Babel."""
    from babel import Locale

    return Locale.parse(locale(lang)).plural_form(n)


def locale(lang: str) -> str:
    """The Babel locale of ``lang``'s dates and numbers: its catalogue's ``Language:``
    header (« fr_FR », « en_GB »)."""
    lang = lang if lang in languages() else SOURCE
    found = catalogue(lang).locale
    return str(found) if found else lang


def choose(wanted: str = "", accepted=()) -> str:
    """The interface language: ``wanted`` (``?langue=``) when a catalogue has it, else the
    first of the browser's ``accepted`` languages (« en-US », « de », or an Accept-Language
    header) that one has, else French."""
    available = languages()
    wanted = (wanted or "").strip().lower()
    if wanted in available:
        return wanted
    if isinstance(accepted, str):
        accepted = [part.split(";")[0] for part in accepted.split(",")]
    for item in accepted or ():
        primary = str(item or "").strip().lower().replace("_", "-").split("-")[0]
        if primary in available:
            return primary
    return SOURCE


# --- Updating the catalogues (``cufmap langues``) -------------------------------------------

HEADER = {
    DOMAIN: "Textes de l'interface de cufmap (carte, page publique, présentation). msgid : la "
            "clé que demande le code ; msgstr : le texte affiché. Voir docs/developpement.md.",
}


def update_catalogues(new: str = "") -> list[Path]:
    """Write every catalogue from the French one: the texts of :data:`TEXTS` added (French ones
    as the reference, others as translations), each message of the French catalogue present in
    every other (empty when untranslated, with the French text as a ``#.`` comment), messages
    the French catalogue no longer has removed. ``new``: also create that language's
    catalogue. Returns the files written."""
    from babel.messages.catalog import Catalog

    langs = list(languages())
    for lang in (*(k for k, v in TEXTS.items() if v), new):
        if lang and lang not in langs:
            langs.append(lang)
    source = {**_existing(SOURCE), **TEXTS.get(SOURCE, {})}
    written = []
    for lang in langs:
        old = _existing(lang) if lang != SOURCE else source
        extra = TEXTS.get(lang, {}) if lang != SOURCE else {}
        previous = catalogue(lang) if catalogue_path(lang).exists() else None
        loc = str(previous.locale) if previous and previous.locale else \
            {"fr": "fr_FR", "en": "en_GB"}.get(lang, lang)
        # dates kept from the file written before: the same texts give the same bytes
        dates = {"creation_date": previous.creation_date,
                 "revision_date": previous.revision_date} if previous else {}
        out = Catalog(locale=loc, domain=DOMAIN, project="cufmap", version="2025",
                      header_comment="# " + HEADER[DOMAIN], fuzzy=False,
                      last_translator="", language_team="", **dates)
        for key, french in source.items():
            value = source[key] if lang == SOURCE else extra.get(key, old.get(key, ""))
            out.add(key, value, auto_comments=[] if lang == SOURCE else [f"fr: {french}"])
        path = catalogue_path(lang)
        _write(out, path)
        written.append(path)
    catalogue.cache_clear()
    languages.cache_clear()
    texts.cache_clear()
    return written


def _existing(lang: str) -> dict[str, str]:
    return _messages(lang) if catalogue_path(lang).exists() else {}


def _write(out, path: Path) -> None:
    import io

    from babel.messages.pofile import write_po

    from cufmap.files import atomic_write

    buffer = io.BytesIO()
    write_po(buffer, out, width=100, omit_header=False, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buffer.getvalue())


# --- click's own messages in French (``cufmap --help``, its errors) ------------------------

CLICK = "click"
#: Messages click builds at run time, which no extraction finds.
CLICK_EXTRA = ("required",)


def click_translations(lang: str = SOURCE):
    """``(gettext, ngettext)`` for click's own messages in ``lang``, from
    ``locales/<lang>/LC_MESSAGES/click.po``: click writes « Usage: », « Options », « Show this
    message and exit. », « Error: … » through Python's gettext, with its English as msgids.
    A message the catalogue lacks stays in English."""
    import gettext

    cat = catalogue(lang, CLICK)
    plural = gettext.c2py(cat.plural_expr)
    singular, plurals = {}, {}
    for m in cat:
        if isinstance(m.id, tuple):
            if all(m.string):
                plurals[m.id[0]] = m.string
        elif m.id and m.string:
            singular[m.id] = m.string

    def _gettext(message: str) -> str:
        return singular.get(message, message)

    def _ngettext(one: str, other: str, n: int) -> str:
        forms = plurals.get(one)
        if not forms:
            return one if n == 1 else other
        return forms[min(plural(n), len(forms) - 1)]

    return _gettext, _ngettext


def click_messages() -> list:
    """click's translatable messages, as the installed click writes them: msgid, or
    (singular, plural) for ngettext."""
    from pathlib import Path as _Path

    import click
    from babel.messages.extract import extract_from_dir

    found = extract_from_dir(_Path(click.__file__).parent, method_map=[("**.py", "python")],
                             keywords={"_": None, "gettext": None, "ngettext": (1, 2)})
    ids = list(dict.fromkeys(message for _, _, message, _, _ in found))
    return ids + [m for m in CLICK_EXTRA if m not in ids]


def update_click_catalogue(lang: str = SOURCE, seed: dict | None = None) -> Path:
    """``locales/<lang>/LC_MESSAGES/click.po`` with every message of the installed click: the
    translations already there kept (or taken from ``seed``), new messages added untranslated
    (the tests then name them)."""
    from babel.messages.catalog import Catalog

    path = catalogue_path(lang, CLICK)
    previous = catalogue(lang, CLICK) if path.exists() else None
    known = {m.id: m.string for m in previous if m.id} if previous else {}
    known.update(seed or {})
    dates = {"creation_date": previous.creation_date,
             "revision_date": previous.revision_date} if previous else {}
    out = Catalog(locale=locale(lang), domain=CLICK, project="click", version="8",
                  header_comment="# Les messages de click (la bibliothèque de la commande "
                  "cufmap) en français. msgid : le texte anglais de click ; msgstr : sa "
                  "traduction. Mis à jour par « cufmap langues ».", fuzzy=False, **dates)
    for message in click_messages():
        value = known.get(message)
        if isinstance(message, tuple):
            forms = tuple(value) if value else ("",) * out.num_plurals
            forms = (forms + (forms[-1],) * out.num_plurals)[:out.num_plurals]
            out.add(message, forms)
        else:
            out.add(message, value or "")
    _write(out, path)
    catalogue.cache_clear()
    return path
