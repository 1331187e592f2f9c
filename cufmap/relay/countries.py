"""Country names as French staff write them, from Babel's CLDR data.

« Allemagne », « Corée du Sud », « Etats-Unis », « DE », « Germany » all resolve to an ISO
3166-1 alpha-2 code; ``name(code)`` gives the French name back.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from babel import Locale

from cufmap.text import fold

# Forms people use that CLDR does not list.
_EXTRA = {
    "coree": "KR",
    "republique de coree": "KR",
    "coree du sud": "KR",
    "usa": "US",
    "etats unis d amerique": "US",
    "royaume uni": "GB",
    "angleterre": "GB",
    "ecosse": "GB",
    "pays de galles": "GB",
    "uk": "GB",
    "palestine": "PS",
    "territoires palestiniens": "PS",
    "republique tcheque": "CZ",
    "tchequie": "CZ",
    "russie": "RU",
    "vietnam": "VN",
    "cote d ivoire": "CI",
    "rdc": "CD",
    "republique democratique du congo": "CD",
    "congo brazzaville": "CG",
    "birmanie": "MM",
    "hollande": "NL",
    "pays bas": "NL",
    "macedoine": "MK",
    "cap vert": "CV",
}


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, str]]:
    """(folded name -> code, code -> French name)."""
    french = {c: n for c, n in Locale("fr").territories.items() if len(c) == 2 and c.isalpha()}
    by_name: dict[str, str] = {}
    for loc in ("en", "es", "de", "fr"):  # French last: it wins on collisions
        for code, nm in Locale(loc).territories.items():
            if code in french:
                by_name[fold(nm)] = code
    for code in french:
        by_name[code.lower()] = code
    by_name.update(_EXTRA)
    return by_name, french


@lru_cache(maxsize=4096)
def code(value: str) -> str | None:
    """ISO alpha-2 code of a country written in French, English, or as a code; else None."""
    if not value or not value.strip():
        return None
    by_name, _ = _table()
    return by_name.get(fold(value))


def name(iso: str, lang: str = "fr") -> str:
    """Name of an ISO alpha-2 code in French (or ``lang``); the code itself if unknown."""
    if lang != "fr":
        return Locale(lang).territories.get(iso.upper(), iso)
    return _table()[1].get(iso.upper(), iso)


def suggestions(value: str, n: int = 3) -> list[str]:
    """French country names close to a mistyped ``value``."""
    by_name, french = _table()
    folded_french = {fold(v): v for v in french.values()}
    close = difflib.get_close_matches(fold(value), list(folded_french), n=n, cutoff=0.6)
    return [folded_french[c] for c in close]


@lru_cache(maxsize=1)
def french_names() -> tuple[str, ...]:
    """Every country's French name, in French alphabetical order (accents ignored): the
    choices of a country list."""
    return tuple(sorted(_table()[1].values(), key=fold))
