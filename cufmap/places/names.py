"""How place names become lookup keys, and how authority names are taken apart.

The same functions serve the gazetteer build (index side) and the lookups (query side), so
both agree on what « the same name » means.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from cufmap.text import fold

# Families of places: a query's kind hint narrows the candidates to one family.
COMMUNE, DEPARTEMENT, REGION, EPCI, COM, LOCALITY = (
    "commune", "département", "région", "intercommunalité", "collectivité d'outre-mer",
    "localité")

KINDS = (
    "commune",  # 0
    "arrondissement municipal",  # 1
    "commune déléguée",  # 2
    "commune associée",  # 3
    "département",  # 4
    "région",  # 5
    "métropole",  # 6
    "communauté urbaine",  # 7
    "communauté d'agglomération",  # 8
    "communauté de communes",  # 9
    "collectivité d'outre-mer",  # 10
    "localité",  # 11 (abroad: a populated place)
    "municipalité",  # 12 (abroad: a local administrative unit, LAU)
    "ancien nom",  # 13 (a former name of a French commune: answered with today's commune)
)
FAMILY = {
    "commune": COMMUNE, "arrondissement municipal": COMMUNE, "commune déléguée": COMMUNE,
    "commune associée": COMMUNE, "département": DEPARTEMENT, "région": REGION,
    "métropole": EPCI, "communauté urbaine": EPCI, "communauté d'agglomération": EPCI,
    "communauté de communes": EPCI, "collectivité d'outre-mer": COM, "localité": COMMUNE,
    "municipalité": COMMUNE, "ancien nom": COMMUNE,
}
MUNICIPALITY, FORMER_NAME = "municipalité", "ancien nom"
# type_collectivite of the CSV -> family
HINT_FAMILY = {
    "commune": COMMUNE, "département": DEPARTEMENT, "région": REGION, "métropole": EPCI,
    "communauté urbaine": EPCI, "communauté d'agglomération": EPCI,
    "communauté de communes": EPCI, "collectivité d'outre-mer": COM,
    "collectivité territoriale unique": REGION,
}

_ABBREVIATIONS = [
    (re.compile(r"\bst\b"), "saint"),
    (re.compile(r"\bste\b"), "sainte"),
    (re.compile(r"\bsts\b"), "saints"),
    (re.compile(r"\bstes\b"), "saintes"),
    (re.compile(r"\bs/"), "sur "),
]
_ARTICLE = re.compile(r"^(la|le|les|l) ")


@lru_cache(maxsize=65536)
def key(name: str) -> str:
    """Lookup key: folded, abbreviations expanded (« St-Denis » = « Saint Denis »)."""
    folded = fold(name.replace("s/", " sur "))
    if "st" in folded or "s/" in folded:  # else no abbreviation can match
        for pattern, full in _ABBREVIATIONS:
            folded = pattern.sub(full, folded)
    return folded


@lru_cache(maxsize=65536)
def key_variants(name: str) -> frozenset[str]:
    """The key of ``name`` and its form without a leading article (« Le Marigot » -> « marigot »)."""
    base = key(name)
    out = {base}
    stripped = _ARTICLE.sub("", base)
    if stripped and stripped != base:
        out.add(stripped)
    compact = base.replace(" ", "")
    if compact != base and len(compact) > 3:
        out.add(compact)  # « Yangp'yŏng » = « Yangpyong »
    return frozenset(out)


# Words around region and district names that people leave out (« Hesse » for « Land Hessen »).
_ADMIN_WORDS = re.compile(
    r"\b(?:regierungsbezirk|landkreis|kreis|land|county|province|provincia|provincia di|"
    r"province of|region|regione|comunidad|departement|department|district|prefecture|"
    r"voivodeship|wojewodztwo|powiat|gmina|judetul|judet|municipality|municipio|city of|"
    r"city|metropolitan city of|of|di|de|del|la|do|ken|fu|sheng|shi|oblast|kraj)\b")


def admin_keys(name: str) -> set[str]:
    """Keys of a region or district name used as a qualifier: « County Kerry » -> « kerry »."""
    base = key(name)
    short = " ".join(_ADMIN_WORDS.sub(" ", base).split())
    return {k for k in (base, short) if k}


def qualified_key(town_key: str, qualifier_key: str) -> str:
    """Index key of « Town, Qualifier » / « Town (Qualifier) »."""
    return f"{town_key}|{qualifier_key}"


_QUALIFIED = re.compile(r"^(?P<town>[^(),]+?)\s*(?:\((?P<paren>[^()]+)\)|,(?P<comma>[^,]+))\s*$")


def split_qualifier(name: str) -> tuple[str, str] | None:
    """« Petersberg (Hesse) » / « Petersberg, Hesse » -> (« Petersberg », « Hesse »)."""
    m = _QUALIFIED.match(name.strip())
    if not m:
        return None
    qualifier = (m.group("paren") or m.group("comma") or "").strip()
    return (m.group("town").strip(), qualifier) if qualifier else None


# How municipalities abroad are called around their name (« Gemeinde Hohe Börde », « London
# Borough of Camden », « Comune di Bra », « Fjarðabyggð municipality »): left out when the name
# alone is not known.
_FOREIGN_PREFIX = re.compile(
    r"^(?:london borough of|royal borough of|metropolitan borough of|county borough of|"
    r"borough of|district of|city and county of|city of|town of|municipality of|"
    r"municipio de|municipio da|municipio do|municipio di|municipio|concello de|concello da|"
    r"ayuntamiento de|ajuntament de|ajuntament d|camara municipal de|camara municipal da|"
    r"camara municipal do|freguesia de|freguesia da|freguesia do|uniao das freguesias de|"
    r"uniao de freguesias de|comune di|comune de|citta di|citta metropolitana di|"
    r"stadtgemeinde|marktgemeinde|ortsgemeinde|gemeinde|samtgemeinde|stadt|markt|"
    r"hansestadt|landeshauptstadt|gemeente|commune de|commune d|ville de|ville d|"
    r"municipalite de|gmina miejska|gmina wiejska|gmina|miasto|obec|mesto|grad|opcina|"
    r"obcina|mestna obcina|comuna|orasul|municipiul|kommune|kommun|sveitarfelagid|"
    r"sveitarfelag|kunta|dimos|obshtina|commune rurale de|commune rurale d|"
    r"commune urbaine de|commune urbaine d|commune rurale|commune urbaine|commune|"
    r"municipalidad de|municipalidad|alcaldia de|alcaldia|prefeitura de|prefeitura municipal de|"
    r"rural municipality of)\s+")
_FOREIGN_SUFFIX = re.compile(
    r"\s+(?:municipality|municipal council|borough council|city council|district council|"
    r"county council|council|borough|kommune|kommun|kunta|gemeinde|stadt|town council)$")


def foreign_core(name: str) -> str:
    """Key of a municipality abroad without the words around its name: « London Borough of
    Camden » -> « camden », « Gemeinde Hohe Börde » -> « hohe borde »."""
    k = key(name)
    stripped = _FOREIGN_SUFFIX.sub("", _FOREIGN_PREFIX.sub("", k))
    return stripped if stripped else k


def hash_key(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "little")


# --- Authority names -----------------------------------------------------------------------

_CONNECTOR = r"(?: (?:de la|de l|du|des|de|d|l))?"
_PREFIXES: list[tuple[str, re.Pattern]] = [
    (DEPARTEMENT, re.compile(rf"^(?:conseil departemental|conseil general|departement|dept|"
                             rf"cd|cg)"
                             rf"{_CONNECTOR} ")),
    (REGION, re.compile(rf"^(?:conseil regional|region|cr|collectivite territoriale|"
                        rf"collectivite europeenne|collectivite){_CONNECTOR} ")),
    (EPCI, re.compile(rf"^(?:metropole|communaute urbaine|communaute d agglomeration|"
                      rf"communaute de communes|communaute d agglo|agglomeration|agglo|"
                      rf"communaute|ca|cc|cu|eurometropole){_CONNECTOR} ")),
    (COMMUNE, re.compile(rf"^(?:ville|commune|mairie|municipalite|cite){_CONNECTOR} ")),
]
# What legal forms look like inside official EPCI names (« CA du Pays Nord Martinique »).
_EPCI_FORM = re.compile(rf"^(?:metropole|communaute urbaine|communaute d agglomeration|"
                        rf"communaute de communes|ca|cc|cu|eurometropole|met){_CONNECTOR} ")
_EPCI_SUFFIX = re.compile(r" (?:communaute|agglomeration|agglo|metropole|"
                          r"communaute d agglomeration)$")
_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")


def split_authority(name: str) -> tuple[str | None, str]:
    """« Département de l'Aude » -> (département, « aude »); « Suippes » -> (None, « suippes »)."""
    k = key(_PAREN.sub("", name))
    for family, pattern in _PREFIXES:
        m = pattern.match(k)
        if m and len(k) > m.end():
            return family, k[m.end():]
    return None, k


def epci_keys(official: str) -> set[str]:
    """Keys under which an intercommunality is known besides its official name."""
    base = key(_PAREN.sub("", official))
    out = {*key_variants(official), base}
    m = _EPCI_FORM.match(base)
    core = base[m.end():] if m else base
    out.add(core)
    out.add(_ARTICLE.sub("", core))
    out.add(_EPCI_SUFFIX.sub("", core))
    if core.startswith("grand "):
        out.add(core[len("grand "):])
    # « CA du Pays Nord Martinique » is known as « CAP Nord Martinique ».
    if m and core.startswith("pays "):
        form = m.group(0).split()[0]
        if form in ("ca", "cc", "cu"):
            out.add(f"{form}p {core[len('pays '):]}")
    # Acronym in parentheses: « CC de l'Est Lyonnais (CCEL) ».
    paren = _PAREN.search(official)
    if paren:
        out.add(key(paren.group(1)))
    return {o for o in out if o}
