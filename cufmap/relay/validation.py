"""Check the relay's table against the schema, and normalise valid values.

Every problem names the spreadsheet row (as Excel shows it), the column, the value and what
is expected, in French. All problems are reported at once. Nothing here writes anything.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from cufmap.relay import countries, schema
from cufmap.relay.budget import LIMITS
from cufmap.text import fold

ERROR = "erreur"
WARNING = "avertissement"
#: The longest cell (the reader refuses a file with a longer one: cufmap/relay/budget.py).
CELL_CHARACTERS = LIMITS.cell_characters


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR or WARNING
    row: int  # spreadsheet row (1 = header)
    column: str
    value: str
    message: str  # complete French sentence, row and column included

    def as_dict(self) -> dict:
        return {"niveau": self.level, "ligne": self.row, "colonne": self.column,
                "valeur": self.value, "message": self.message}


# --- Value parsers (shared with the storage layer and the map) ---------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?: 00:00(?::00)?)?$")
_DIGITS = re.compile(r"^(\d{2})(\d{2})(\d{4}|\d{2})$")  # 27062025, 270625 (day first)
# « 27 juin 2025 », « vendredi 27 juin 2025 », « 1er juin 25 », « 27 déc. 2025 » (folded)
_WORDS = re.compile(r"^(?:([a-z]+) )?(\d{1,2})(?:er)? ([a-z]+) (\d{4}|\d{2})$")
_TIME = re.compile(r"^(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)(?::00)?$")
_TIME_DIGITS = re.compile(r"^(\d{1,2})(\d{2})$")  # 0930, 930

#: What every date message says is expected.
DATE_FORMS = "JJ/MM/AAAA, ex. 27/06/2025"
TIME_FORMS = "HH:MM, ex. 09:15"


@lru_cache(maxsize=1)
def _calendar_words() -> tuple[dict[str, int], dict[str, int]]:
    """French month names (whole and abbreviated, with every unambiguous beginning of three
    letters or more) and weekday names, folded, from Babel's CLDR data."""
    from babel.dates import get_day_names, get_month_names

    months: dict[str, int] = {}
    wide = {n: fold(get_month_names("wide", locale="fr")[n]) for n in range(1, 13)}
    for number, name in wide.items():
        for size in range(3, len(name) + 1):
            prefix = name[:size]
            owners = {m for m, other in wide.items() if other.startswith(prefix)}
            if owners == {number}:
                months[prefix] = number
        months[fold(get_month_names("abbreviated", locale="fr")[number])] = number
    days = {fold(name): number for number, name in get_day_names("wide", locale="fr").items()}
    return months, days


def _date_parts(value: str) -> tuple[int, int, int, int | None] | None:
    """(year, month, day, weekday written or None) as typed, unchecked; None when ``value``
    has no date form at all."""
    value = value.strip()
    m = _ISO.match(value)
    if m:
        year, month, day = (int(g) for g in m.groups())
        return year, month, day, None
    m = _DMY.match(value) or _DIGITS.match(value)
    if m:
        day, month, year = (int(g) for g in m.groups())
        if m.re is _DIGITS and len(value) == 8 and not 1 <= month <= 12 and \
                1 <= int(value[4:6]) <= 12:  # 20250627: the ISO digits
            return int(value[:4]), int(value[4:6]), int(value[6:]), None
        return year + 2000 if len(m.group(3)) == 2 else year, month, day, None
    m = _WORDS.match(fold(value))
    if m:
        months, days = _calendar_words()
        weekday, day, month, year = m.groups()
        if month not in months or (weekday and weekday not in days):
            return None
        year_number = int(year) + 2000 if len(year) == 2 else int(year)
        return year_number, months[month], int(day), days[weekday] if weekday else None
    return None


@lru_cache(maxsize=8192)
def parse_date(value: str) -> dt.date:
    """A date as staff type it, day first whatever their browser's language: ``27/06/2025``,
    ``27/6/25``, ``27.06.2025``, ``27062025``, ``27 juin 2025``, ``vendredi 27 juin 2025``,
    or ISO ``2025-06-27``. ValueError otherwise (:func:`date_problem` says why)."""
    parts = _date_parts(value)
    if parts is None:
        raise ValueError(value)
    year, month, day, weekday = parts
    if not 1900 <= year <= 2100:
        raise ValueError(value)
    date = dt.date(year, month, day)
    if weekday is not None and date.weekday() != weekday:
        raise ValueError(value)
    return date


def date_problem(value: str) -> str:
    """Why ``value`` is not a date, in French (\"\" when it is one)."""
    try:
        parse_date(value)
        return ""
    except ValueError:
        pass
    parts = _date_parts(value)
    if parts is None:
        return f"n'est pas une date (attendu : {DATE_FORMS})."
    from babel.dates import format_date, get_day_names, get_month_names

    year, month, day, weekday = parts
    if not 1900 <= year <= 2100:
        return f"n'est pas une date : l'année {year} paraît erronée (attendu : {DATE_FORMS})."
    if not 1 <= month <= 12:
        return (f"n'est pas une date : il n'y a pas de mois {month} (le jour vient en premier : "
                f"{DATE_FORMS}).")
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    if not 1 <= day <= last:
        return (f"n'est pas une date : {get_month_names('wide', locale='fr')[month]} {year} "
                f"n'a que {last} jours.")
    date = dt.date(year, month, day)
    return (f"n'est pas une date : le {format_date(date, 'd MMMM y', locale='fr')} est un "
            f"{get_day_names('wide', locale='fr')[date.weekday()]}, pas un "
            f"{get_day_names('wide', locale='fr')[weekday]}.")


def format_date_fr(value: str) -> str:
    """A stored date as staff read and type it (« 27/06/2025 »); any other text unchanged."""
    date = date_or_none(value)
    return f"{date:%d/%m/%Y}" if date else value


def parse_time(value: str) -> dt.time:
    """``09:15``, ``9h15``, ``9 h 15``, ``9h``, ``0915`` -> time; ValueError otherwise."""
    text = value.strip()
    m = _TIME.match(text) or _TIME_DIGITS.match(text)
    if not m:
        raise ValueError(value)
    return dt.time(int(m.group(1)), int(m.group(2) or 0))


def time_problem(value: str) -> str:
    """Why ``value`` is not a time, in French (\"\" when it is one)."""
    try:
        parse_time(value)
        return ""
    except ValueError:
        pass
    m = _TIME.match(value.strip()) or _TIME_DIGITS.match(value.strip())
    if m and int(m.group(1)) > 23:
        return f"n'est pas une heure : il n'y a pas d'heure {int(m.group(1))} (attendu : {TIME_FORMS})."
    if m:
        return f"n'est pas une heure : il n'y a pas de minute {int(m.group(2))} (attendu : {TIME_FORMS})."
    return f"n'est pas une heure (attendu : {TIME_FORMS})."


@lru_cache(maxsize=32768)
def parse_number(value: str) -> float:
    """``49.1286`` or ``49,1286`` -> float; ValueError otherwise."""
    text = value.strip().replace("\u2212", "-")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(value)
    return number


def format_number(number: float) -> str:
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Partner:
    name: str
    country: str  # as written
    iso: str | None  # ISO alpha-2 code, None if the country is not recognised

    @property
    def country_fr(self) -> str:
        return countries.name(self.iso) if self.iso else self.country

    def __str__(self) -> str:
        return f"{self.name} ({self.country})" if self.country else self.name


_PARTNER = re.compile(r"^(.*?\S)\s*\(([^()]*)\)\s*$")


def split_list(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;\n]", value or "") if p.strip()]


def parse_partners(value: str) -> list[Partner]:
    """« Sabiñánigo (Espagne); Petersberg (DE) » -> partners (country may be unknown)."""
    return list(_parse_partners(value or ""))


@lru_cache(maxsize=16384)
def _parse_partners(value: str) -> tuple[Partner, ...]:
    partners = []
    for part in split_list(value):
        m = _PARTNER.match(part)
        if m:
            name, country = m.group(1).strip(), m.group(2).strip()
        else:
            name, country = part, ""
        partners.append(Partner(name, country, countries.code(country)))
    return tuple(partners)


_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:", re.IGNORECASE)

#: Control characters (C0, DEL, C1) and the Unicode line/paragraph separators. Free-text
#: columns may hold line breaks (Alt+Entrée in Excel); no cell may hold anything else of these.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MULTILINE_KINDS = ("text", "partners")


def control_characters(value: str, multiline: bool = False) -> list[str]:
    """The control characters in ``value`` (line breaks and tabs allowed when ``multiline``)."""
    found = _CONTROL.findall(value)
    if multiline:
        found = [c for c in found if c not in "\n\r\t"]
    return found


def _describe_control(chars: list[str]) -> str:
    names = {"\n": "saut de ligne", "\r": "retour chariot", "\t": "tabulation"}
    shown = []
    for c in dict.fromkeys(chars):
        shown.append(names.get(c, f"U+{ord(c):04X}"))
    return ", ".join(shown)


def is_web_link(value: str) -> bool:
    """``value``, exactly as stored, is an http(s) address with a host and nothing that a
    parser would silently drop (spaces, line breaks, control characters)."""
    if not value or _CONTROL.search(value) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# --- The checks ---------------------------------------------------------------------------

def title(column: str) -> str:
    """The French title staff know a column by (« Date de début »); an unknown column's own
    header."""
    col = schema.BY_NAME.get(column)
    return col.label if col else column


def cell_problem(row: int, column: str, value: str, text: str, level: str = ERROR) -> Problem:
    shown = value if len(value) <= 60 else value[:57] + "…"
    return Problem(level, row, column, value,
                   f"Ligne {row}, colonne {title(column)} : « {shown} » {text}")


def _check_value(col: schema.Column, value: str, row: int) -> list[Problem]:
    out: list[Problem] = []
    # isprintable() is False for every character _CONTROL finds: the regex only when needed.
    controls = [] if value.isprintable() else control_characters(
        value, multiline=col.kind in _MULTILINE_KINDS)
    if controls:
        out.append(cell_problem(row, col.name, _CONTROL.sub("\ufffd", value),
                         "contient un caractère de contrôle invisible "
                         f"({_describe_control(controls)})" + ("" if col.kind in _MULTILINE_KINDS else " ; cette colonne tient sur "
                            "une ligne") + " : retapez la valeur sans le copier-coller."))
        if col.kind == "url":
            return out
    if col.kind == "date":
        reason = date_problem(value)
        if reason:
            out.append(cell_problem(row, col.name, value, reason))
    elif col.kind == "time":
        reason = time_problem(value)
        if reason:
            out.append(cell_problem(row, col.name, value, reason))
    elif col.kind == "number":
        try:
            number = parse_number(value)
        except ValueError:
            out.append(cell_problem(row, col.name, value,
                             "n'est pas un nombre (attendu : degrés décimaux, ex. "
                             f"{col.example})."))
        else:
            if not col.minimum <= number <= col.maximum:
                out.append(cell_problem(row, col.name, value,
                                 f"est hors limites (attendu : entre {col.minimum:g} et "
                                 f"{col.maximum:g})."))
    elif col.kind == "choice":
        if schema.choice_for(col, value) is None:
            close = difflib.get_close_matches(fold(value), [fold(c) for c in col.choices], n=1)
            hint = ""
            if close:
                hint = f" Vouliez-vous dire « {schema.choice_for(col, close[0])} » ?"
            out.append(cell_problem(row, col.name, value,
                             f"n'est pas une valeur permise (choix : {', '.join(col.choices)})."
                             + hint))
    elif col.kind == "id":
        if not re.fullmatch(schema.ID_PATTERN, value):
            out.append(cell_problem(row, col.name, value,
                             "n'est pas un identifiant valide (lettres sans accent, chiffres et "
                             "tirets, sans espace, ex. suippes-2025-04-01)."))
    elif col.kind == "code":
        if not re.fullmatch(r"\d{2}|2[AB]|97\d|\d{5}|2[AB]\d{3}|\d{9}", value.upper()):
            out.append(cell_problem(row, col.name, value,
                             "n'est pas un code officiel (attendu : code INSEE à 2, 3 ou 5 "
                             "caractères, ou SIREN à 9 chiffres)."))
    elif col.kind == "url":
        if not is_web_link(value):
            hint = " Ajoutez « https:// » au début." if "." in value and " " not in value else ""
            out.append(cell_problem(row, col.name, value,
                             "n'est pas une adresse web (attendu : https://…)." + hint))
    elif col.kind == "partners":
        for partner in parse_partners(value):
            if not partner.country:
                out.append(cell_problem(row, col.name, str(partner),
                                 "n'indique pas le pays du partenaire (attendu : « Nom (Pays) », "
                                 "ex. « Sabiñánigo (Espagne) »)."))
            elif partner.iso is None:
                close = countries.suggestions(partner.country)
                hint = f" Vouliez-vous dire « {close[0]} » ?" if close else ""
                out.append(cell_problem(row, col.name, partner.country,
                                 "n'est pas un pays reconnu (nom français, ex. « Allemagne », ou "
                                 "code ISO, ex. DE)." + hint))
    if col.kind == "text" and _HTML.search(value):
        out.append(cell_problem(row, col.name, value,
                         "contient du code HTML ou un lien javascript : il sera affiché tel quel, "
                         "comme du texte, et jamais exécuté.", WARNING))
    return out


#: A check a higher layer adds (``checks=``): one row's values and spreadsheet row -> problems.
#: The places layer checks a ``code_insee`` against the name (:func:`cufmap.places.geocoding
#: .code_check`); validation itself knows no gazetteer.
RowCheck = Callable[[dict, int], list[Problem]]


def validate(frame, lines: list[int] | None = None, missing: list[str] | None = None,
             checks: Sequence[RowCheck] = ()) -> list[Problem]:
    """Every problem of ``frame`` (a DataFrame of text). ``lines``: spreadsheet row of each
    row (default: the row order after the header)."""
    return validate_rows(frame.to_dict("records"), list(frame.columns), lines, missing, checks)


def validate_rows(records: list[dict], column_names: list[str], lines: list[int] | None = None,
                  missing: list[str] | None = None,
                  checks: Sequence[RowCheck] = ()) -> list[Problem]:
    """Every problem of ``records`` (dicts of text), as :func:`validate`; ``checks`` run on
    every row after the schema's own."""
    problems: list[Problem] = []
    for name in missing or []:
        col = schema.BY_NAME[name]
        problems.append(Problem(ERROR, 1, name, "",
                                f"Ligne 1 : la colonne obligatoire « {col.label} » ({name}) est "
                                "absente ; ajoutez-la à la ligne d'en-tête."))
    if lines is None:
        lines = [i + 2 for i in range(len(records))]
    ids: dict[str, int] = {}
    hosts_by_day: dict[tuple[str, str], int] = {}
    columns = [schema.BY_NAME[c] for c in schema.NAMES if c in column_names]
    for row, record in zip(lines, records):
        values = {k: v.strip() if isinstance(v, str) else _as_text(v)
                  for k, v in record.items()}
        for col in columns:
            value = values.get(col.name, "")
            if not value:
                if col.required and col.name not in (missing or []):
                    problems.append(Problem(ERROR, row, col.name, "",
                                            f"Ligne {row}, colonne {col.label} : cellule vide "
                                            f"(obligatoire : {col.help})"))
                continue
            problems.extend(_check_value(col, value, row))
        for name, value in values.items():
            if len(value) > CELL_CHARACTERS:  # typed or pasted in the editor: the reader's limit
                problems.append(cell_problem(row, name, value, f"compte {len(value):,} caractères ; "
                                      f"{CELL_CHARACTERS:,} au plus (la limite d'Excel) : "
                                      "raccourcissez-la.".replace(",", "\u202f")))
        for name, value in values.items():  # columns unknown to the schema are kept: check them
            controls = control_characters(value, multiline=True) if name not in schema.BY_NAME \
                else None
            if controls:
                problems.append(cell_problem(row, name, _CONTROL.sub("\ufffd", value),
                                      "contient un caractère de contrôle invisible "
                                      f"({_describe_control(controls)}) : retapez la valeur "
                                      "sans le copier-coller."))
        problems.extend(_check_row(values, row, ids, hosts_by_day))
        for check in checks:
            problems.extend(check(values, row))
    return problems


def _as_text(value) -> str:
    """A cell that is not text yet (a DataFrame's None or NaN, a number) as text."""
    return "" if value is None or (isinstance(value, float) and value != value) else \
        str(value).strip()


def _check_row(values: dict, row: int, ids: dict, hosts_by_day: dict) -> list[Problem]:
    out = []
    ident = values.get("id", "")
    if ident:
        if ident in ids:
            out.append(cell_problem(row, "id", ident,
                             f"est déjà utilisé ligne {ids[ident]} (chaque identifiant doit être "
                             "unique)."))
        else:
            ids[ident] = row
    start, end = date_or_none(values.get("date_debut")), date_or_none(values.get("date_fin"))
    if values.get("date_fin") and not values.get("date_debut"):
        out.append(cell_problem(row, "date_fin", values["date_fin"],
                         "est donnée sans date de début : remplissez la date de début."))
    if start and end and end < start:
        out.append(cell_problem(row, "date_fin", values["date_fin"],
                         f"est antérieure à la date de début ({start:%d/%m/%Y}) : corrigez l'une "
                         "des deux."))
    if bool(values.get("lat")) != bool(values.get("lon")):
        present, absent = ("lat", "lon") if values.get("lat") else ("lon", "lat")
        out.append(cell_problem(row, present, values[present],
                         f"est donnée sans {title(absent).lower()} : remplissez les deux, ou aucune."))
    t0, t1 = _time_or_none(values.get("heure_debut")), _time_or_none(values.get("heure_fin"))
    if t0 and t1 and t1 <= t0 and not end:
        out.append(cell_problem(row, "heure_fin", values["heure_fin"],
                         f"n'est pas après l'heure de début ({t0:%H:%M}).", WARNING))
    host = fold(values.get("collectivite", ""))
    if host and start:
        key = (host, start.isoformat())
        if key in hosts_by_day:
            out.append(cell_problem(row, "collectivite", values["collectivite"],
                             f"a déjà une étape le même jour, ligne {hosts_by_day[key]} : doublon ?",
                             WARNING))
        else:
            hosts_by_day[key] = row
    return out


def date_or_none(value) -> dt.date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


def number_or_none(value) -> float | None:
    try:
        return parse_number(value) if value else None
    except ValueError:
        return None


def _time_or_none(value) -> dt.time | None:
    try:
        return parse_time(value) if value else None
    except ValueError:
        return None


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == ERROR]


def normalise_row(record: dict) -> dict:
    """:func:`normalise` for one row given as a dict of text."""
    out = {}
    for k, v in record.items():
        col = schema.BY_NAME.get(k)
        if col is None:
            out[k] = v
            continue
        v = v.strip() if isinstance(v, str) else "" if v is None else str(v).strip()
        out[k] = _normalise_value(col, v) if v else ""
    return out


def normalise(frame):
    """Canonical text of every valid value (ISO dates, HH:MM, dot decimals, tidy lists).

    Values that do not parse are left as they are, for validation to report.
    """
    import pandas as pd

    rows = [normalise_row(record) for record in frame.to_dict("records")]
    return pd.DataFrame(rows, columns=frame.columns, index=frame.index, dtype=object).fillna("")


def _normalise_value(col: schema.Column, value: str) -> str:
    if not value or value.lower() == "nan":
        return ""
    try:
        if col.kind == "date":
            return parse_date(value).isoformat()
        if col.kind == "time":
            return parse_time(value).strftime("%H:%M")
        if col.kind == "number":
            return format_number(parse_number(value))
    except ValueError:
        return value
    if col.kind == "choice":
        return schema.choice_for(col, value) or value
    if col.kind == "code":
        return value.upper()
    if col.kind == "partners":
        return "; ".join(str(p) for p in parse_partners(value))
    return value



def typed_record(record: dict) -> dict:
    """One row, normalised, with its values typed for the stages: dates and numbers parsed
    (None when empty or unreadable), partners and co-organisers as tuples, the link kept only
    when it is a web address (:func:`is_web_link`), every other value as canonical text."""
    rec = normalise_row(record)
    rec.update(
        date_debut=date_or_none(rec.get("date_debut", "")),
        date_fin=date_or_none(rec.get("date_fin", "")),
        lat=number_or_none(rec.get("lat", "")), lon=number_or_none(rec.get("lon", "")),
        partenaires=tuple(parse_partners(rec.get("partenaires", ""))),
        co_organisateurs=tuple(split_list(rec.get("co_organisateurs", ""))),
        lien=rec.get("lien", "") if is_web_link(rec.get("lien", "")) else "")
    return rec


@dataclass(frozen=True)
class Checked:
    """A table once checked: every problem, and its rows typed (:func:`typed_record`)."""

    problems: list[Problem]
    records: list[dict]

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)


def check(table, checks: Sequence[RowCheck] = ()) -> Checked:
    """Every problem of a :class:`cufmap.relay.reading.Table` (those found while reading
    first), and its typed rows, in one step."""
    problems = table.problems + validate_rows(table.rows, table.columns, table.lines,
                                              table.missing, checks)
    return Checked(problems, [typed_record(r) for r in table.rows])
