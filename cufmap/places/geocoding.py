"""One geocoding interface, answered by a chain (in the spirit of geopy's ``Geocoder``).

A :class:`Query` goes in, a :class:`Result` comes out (matched name, kind of place,
coordinates, source, confidence, note; or ranked candidates when ambiguous, or close
spellings when not found). The chain asks, in order:

1. the row's own ``lat``/``lon``;
2. the places file ``data/lieux.csv``: every place resolved before and every manual
   correction by staff, reviewable in a spreadsheet;
3. the offline gazetteer shipped with the package;
4. online services — geopy's ``BANFrance`` for France, ``Nominatim`` elsewhere — only when
   allowed and when the network answers within a second; every answer is written to the
   places file, so a place costs at most one request ever.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import socket
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path

from cufmap.errors import GeocoderUnavailable, StorageError, os_message
from cufmap.places import gazetteer, names
from cufmap.places.gazetteer import Gazetteer, Place
from cufmap.places.gazetteer import default as default_gazetteer
from cufmap.places.remembered import COLUMNS as PLACE_COLUMNS  # the places file's columns
from cufmap.relay import countries, validation
from cufmap.relay.stages import Stage

log = logging.getLogger(__name__)

FOUND, AMBIGUOUS, NOT_FOUND = "trouvé", "ambigu", "introuvable"
USER_AGENT = "cufmap/0.1 (carte du Relais de la Coop Dec, Cites Unies France; " \
             "coop-dec@cites-unies-france.org)"


@dataclass(frozen=True)
class Query:
    name: str
    country: str = ""  # as written (« Allemagne », « DE »); empty: any
    kind: str = ""  # type_collectivite
    departement: str = ""
    code: str = ""
    lat: float | None = None
    lon: float | None = None
    suggest: bool = True  # close spellings when not found (costs a scan of all names)

    @property
    def iso(self) -> str:
        return countries.code(self.country) or "" if self.country else ""

    @property
    def implied_iso(self) -> str:
        """The country the hints name: the country, else France for a département code or a
        French kind of authority."""
        if self.country:
            return self.iso
        french = self.departement.strip() or names.HINT_FAMILY.get(self.kind.strip().lower())
        return "FR" if french else ""


@dataclass(frozen=True)
class Result:
    query: Query
    status: str
    name: str = ""
    kind: str = ""
    lat: float | None = None
    lon: float | None = None
    country: str = ""
    source: str = ""
    confidence: float = 0.0
    note: str = ""
    candidates: tuple[Result, ...] = ()
    suggestions: tuple[str, ...] = ()
    approximate: bool = False  # the commune of an address or spot, not the spot itself
    by_hint: bool = False  # homonyms were set aside by the query's hints
    code_to_fix: bool = False  # the code disagrees with the name, or is a postal code

    @property
    def point(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None


class Geocoder:
    """Base of every link of the chain: ``geocode(query)`` -> Result or None (no opinion)."""

    source = ""

    def geocode(self, query: Query) -> Result | None:  # pragma: no cover - interface
        raise NotImplementedError


class RowCoordinates(Geocoder):
    source = "coordonnées de la ligne"

    def geocode(self, query: Query) -> Result | None:
        if query.lat is None or query.lon is None:
            return None
        return Result(query, FOUND, name=query.name, lat=query.lat, lon=query.lon,
                      country=query.iso or "", source=self.source, confidence=1.0)


def _from_place(query: Query, place: Place, source: str, confidence: float = 0.0,
                note: str = "") -> Result:
    return Result(query, FOUND, name=place.name, kind=place.kind, lat=place.lat, lon=place.lon,
                  country=place.country, source=source, confidence=confidence, note=note)


class OfflineGazetteer(Geocoder):
    source = "gazetteer hors ligne"

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or default_gazetteer()

    def geocode(self, query: Query) -> Result:
        m = self.gazetteer.lookup(query.name, query.country or None, query.kind or None,
                                  query.departement or None, query.code or None,
                                  suggest=query.suggest)
        if m.status == FOUND:
            p = m.place
            return Result(query, FOUND, name=p.name, kind=p.kind, lat=p.lat, lon=p.lon,
                          country=p.country, source=self.source, confidence=m.confidence,
                          note=m.note, approximate=m.approximate, by_hint=m.by_hint,
                          code_to_fix=m.code_to_fix)
        candidates = tuple(replace(_from_place(query, p, self.source, note=p.label()),
                                   status=AMBIGUOUS) for p in m.candidates)
        return Result(query, m.status, source=self.source, note=m.note, candidates=candidates,
                      suggestions=m.suggestions, code_to_fix=m.code_to_fix)


# --- The places file ----------------------------------------------------------------------

class PlacesFile(Geocoder):
    """``data/lieux.csv``: answers already given, and staff corrections.

    A row with ``lat``/``lon`` answers directly; a row with ``voir`` sends the query on as
    that text (« Cités Unies France » -> « 9 rue Christiani, 75018 Paris »); a row with
    ``statut`` « introuvable » records that an online service did not know the place.
    """

    source = "fichier des lieux"

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._rows: dict[tuple[str, str], dict] | None = None
        self._mtime = None
        self.problem = ""  # why the file is not used ("" when it is)
        self._checked = -1.0

    FRESHNESS = 1.0  # seconds: another process's edit to the file is seen within this delay

    @staticmethod
    def key(name: str, country: str) -> tuple[str, str]:
        return names.key(name), (countries.code(country) or "") if country else ""

    def rows(self) -> dict[tuple[str, str], dict]:
        now = time.monotonic()
        if self._rows is not None and now - self._checked < self.FRESHNESS:
            return self._rows
        self._checked = now
        mtime = self.path.stat().st_mtime_ns if self.path.exists() else None
        if self._rows is None or mtime != self._mtime:
            from cufmap.places import (  # within its budget, checked; French message if unreadable
                remembered,
            )

            records, self.problem = remembered.load(self.path) if mtime is not None else ([], "")
            self._mtime = mtime
            if self.problem:  # the last valid version read stays in use (or none)
                log.warning("cufmap: fichier des lieux %s non utilisé : %s", self.path,
                            self.problem)
                self._rows = self._rows or {}
            else:
                self._rows = {self.key(rec["nom"], rec["pays"]): rec for rec in records}
        return self._rows

    def lookup(self, query: Query) -> dict | None:
        rows = self.rows()
        if not rows:  # nothing to match: no key to compute
            return None
        return rows.get(self.key(query.name, query.country)) or (
            rows.get(self.key(query.name, "")) if query.country else None)

    def geocode(self, query: Query) -> Result | None:
        return self.answer(query, self.lookup(query))

    def answer(self, query: Query, rec: dict | None) -> Result | None:
        """The answer of row ``rec`` (found by :meth:`lookup`) to ``query``."""
        if rec is None or rec.get("voir"):
            return None
        point = _point(rec.get("lat", ""), rec.get("lon", ""))
        if point:
            return Result(query, FOUND, name=rec.get("nom_trouve") or rec["nom"],
                          kind=rec.get("type_trouve", ""), lat=point[0], lon=point[1], country=countries.code(rec["pays"]) or "",
                          source=f"{self.source} ({rec.get('source') or 'manuel'})",
                          confidence=1.0, note=rec.get("note", ""))
        if rec.get("statut") == NOT_FOUND:
            return Result(query, NOT_FOUND, source=self.source, note=rec.get("note", ""))
        return None

    def redirect(self, query: Query) -> str:
        rec = self.lookup(query)
        return rec.get("voir", "") if rec else ""

    def remember(self, result: Result, source: str | None = None, note: str = "") -> None:
        """Write ``result`` (found or not found) to the file, atomically."""
        from cufmap.files import atomic_write

        rows = dict(self.rows())
        q = result.query
        rows[self.key(q.name, q.country)] = {
            "nom": q.name, "pays": q.country, "type": q.kind, "statut": result.status,
            "lat": "" if result.lat is None else f"{result.lat:.6f}",
            "lon": "" if result.lon is None else f"{result.lon:.6f}",
            "nom_trouve": result.name, "type_trouve": result.kind,
            "source": source or result.source, "voir": "", "note": note or result.note,
            "maj": dt.date.today().isoformat()}
        buf = io.StringIO(newline="")
        writer = csv.DictWriter(buf, fieldnames=PLACE_COLUMNS, lineterminator="\n",
                                extrasaction="ignore")
        writer.writeheader()
        for rec in sorted(rows.values(), key=lambda r: (names.key(r["nom"]), r.get("pays", ""))):
            writer.writerow({c: rec.get(c, "") for c in PLACE_COLUMNS})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, buf.getvalue().encode("utf-8"))
        except OSError as exc:
            raise StorageError(os_message(self.path, exc, writing=True) + " Ce choix n'a pas "
                               "été retenu.") from None
        self._rows = None


def _point(lat: str, lon: str) -> tuple[float, float] | None:
    from cufmap.relay.validation import parse_number

    try:
        point = parse_number(lat), parse_number(lon)
    except ValueError:
        return None
    return point if -90 <= point[0] <= 90 and -180 <= point[1] <= 180 else None


# --- Online services ----------------------------------------------------------------------

class NetworkProbe:
    """Is ``host`` reachable? Answers within ``timeout`` seconds; remembered for ``ttl``."""

    def __init__(self, host: str, port: int = 443, timeout: float = 1.0, ttl: float = 300,
                 clock=time.monotonic):
        self.host, self.port, self.timeout, self.ttl, self._clock = host, port, timeout, ttl, clock
        self._answer: tuple[float, bool] | None = None

    def __call__(self) -> bool:
        now = self._clock()
        if self._answer and now - self._answer[0] < self.ttl:
            return self._answer[1]
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout):
                ok = True
        except OSError:
            ok = False
        self._answer = (now, ok)
        return ok

    def down(self) -> None:
        self._answer = (self._clock(), False)


class OnlineGeocoder(Geocoder):
    """A geopy geocoder with a real user agent, ≤ 1 request/s, a short timeout, no retries."""

    def __init__(self, geocoder, source: str, probe, *, countries_served=None,
                 min_delay_seconds: float = 1.0, kwargs_for=None):
        from geopy.extra.rate_limiter import RateLimiter

        self.geocoder = geocoder
        self.source = source
        self.probe = probe
        self.countries_served = countries_served  # None: all
        self.kwargs_for = kwargs_for or (lambda query: {})
        self.requests = 0
        self.rate_limited = RateLimiter(geocoder.geocode, min_delay_seconds=min_delay_seconds,
                                        max_retries=0, error_wait_seconds=min_delay_seconds,
                                        swallow_exceptions=False)

    def serves(self, query: Query) -> bool:
        return self.countries_served is None or (query.iso or "FR") in self.countries_served

    def geocode(self, query: Query) -> Result | None:
        if not self.serves(query):
            return None
        if not self.probe():
            raise GeocoderUnavailable(f"{self.source} injoignable (pas de réseau)")
        from geopy.exc import GeopyError

        text = query.name if not query.country else f"{query.name}, {query.country}"
        self.requests += 1
        try:
            location = self.rate_limited(text, **self.kwargs_for(query))
        except GeopyError as exc:
            self.probe.down()
            raise GeocoderUnavailable(f"{self.source} : {type(exc).__name__}") from None
        if location is None:
            return Result(query, NOT_FOUND, source=self.source)
        return Result(query, FOUND, name=location.address, lat=location.latitude,
                      lon=location.longitude, country=query.iso or "", source=self.source,
                      confidence=0.6, note="trouvé en ligne")


def _no_retry_adapter():
    from geopy.adapters import RequestsAdapter

    return partial(RequestsAdapter, max_retries=0)


def ban_france(adapter_factory=None, probe=None, timeout: float = 3) -> OnlineGeocoder:
    from geopy.geocoders import BANFrance

    geocoder = BANFrance(user_agent=USER_AGENT, timeout=timeout,
                         adapter_factory=adapter_factory or _no_retry_adapter())
    return OnlineGeocoder(geocoder, "BAN (adresse.data.gouv.fr)",
                          probe or NetworkProbe("api-adresse.data.gouv.fr"),
                          countries_served={"FR"})


def nominatim(adapter_factory=None, probe=None, timeout: float = 3) -> OnlineGeocoder:
    from geopy.geocoders import Nominatim

    geocoder = Nominatim(user_agent=USER_AGENT, timeout=timeout,
                         adapter_factory=adapter_factory or _no_retry_adapter())

    def kwargs_for(query: Query) -> dict:
        iso = query.implied_iso
        return {"language": "fr", **({"country_codes": iso.lower()} if iso else {})}

    return OnlineGeocoder(geocoder, "Nominatim (OpenStreetMap)",
                          probe or NetworkProbe("nominatim.openstreetmap.org"),
                          kwargs_for=kwargs_for)


# --- The chain ----------------------------------------------------------------------------

@dataclass
class Chain(Geocoder):
    """Row coordinates → places file → offline gazetteer → online services (if allowed)."""

    places: PlacesFile | None = None
    gazetteer: OfflineGazetteer = field(default_factory=OfflineGazetteer)
    online: list[OnlineGeocoder] = field(default_factory=list)
    row: RowCoordinates = field(default_factory=RowCoordinates)

    @classmethod
    def default(cls, places_path: str | os.PathLike, allow_online: bool = False) -> Chain:
        """The places file, the offline gazetteer, and the online services only when
        ``allow_online`` (the app and the command line pass ``not settings.offline``)."""
        return cls(places=PlacesFile(places_path),
                   online=[ban_france(), nominatim()] if allow_online else [])

    def geocode(self, query: Query, _depth: int = 0) -> Result:
        result = self.row.geocode(query)
        if result:
            return result
        if self.places is not None:
            rec = self.places.lookup(query)  # once: a redirection, or an answer
            target = rec.get("voir", "") if rec else ""
            if target and _depth < 3:
                inner = self.geocode(replace(query, name=target, kind="", code=""), _depth + 1)
                note = f"« {query.name} » placé comme « {target} » (fichier des lieux)"
                return replace(inner, query=query,
                               note="; ".join(filter(None, [note, inner.note])))
            result = self.places.answer(query, rec)
            if result and (result.status != FOUND or self.respects_hints(query, result)):
                return result
        result = self.gazetteer.geocode(query)
        if result.status == AMBIGUOUS or (result.status == FOUND and not result.approximate):
            return result
        for service in self.online:
            try:
                answer = service.geocode(query)
            except GeocoderUnavailable:
                continue
            if answer is None:
                continue
            if answer.status == FOUND and not self.respects_hints(query, answer):
                continue  # an online answer across the query's hints is no answer
            if self.places is not None:
                self.places.remember(answer)
            if answer.status == FOUND:
                return answer
        return result


    def respects_hints(self, query: Query, result: Result) -> bool:
        """Does a found answer stay within the query's country and département? Staff
        corrections in the places file (source « manuel ») are taken as they are."""
        if result.source.endswith("(manuel)") or result.point is None:
            return True
        gazetteer = self.gazetteer.gazetteer
        iso = query.implied_iso
        if query.departement.strip():
            return gazetteer.in_departement(*result.point, query.departement)
        if iso == "FR":
            return gazetteer.in_france(*result.point)
        if iso and result.country:
            return result.country == iso
        return True


class Memo(Geocoder):
    """Each distinct query answered once per run (a partner linked to ten stages is geocoded
    once); answers are frozen, so sharing them is safe."""

    def __init__(self, inner: Geocoder):
        self.inner = inner
        self.answers: dict[Query, Result] = {}

    def geocode(self, query: Query) -> Result:
        answer = self.answers.get(query)
        if answer is None:
            answer = self.answers[query] = self.inner.geocode(query)
        return answer


def stage_queries(stage, suggest: bool = True) -> list[Query]:
    """Queries for a stage's position, most precise first: lieu, then host."""
    out = []
    if stage.lat is not None and stage.lon is not None:
        out.append(Query(stage.host, "France", stage.host_type, lat=stage.lat, lon=stage.lon))
    if stage.place:  # tried first; the host answers if it is not a known place
        out.append(Query(stage.place, "France", suggest=False))
    out.append(Query(stage.host, "France", stage.host_type, code=stage.code, suggest=suggest))
    return out


def partner_query(partner, suggest: bool = True) -> Query:
    return Query(partner.name, partner.country, suggest=suggest)


def locate_stage(chain: Geocoder, stage, suggest: bool = True) -> Result:
    """The stage's position: its lieu when that resolves, else its host (the first found)."""
    for query in stage_queries(stage, suggest):
        result = chain.geocode(query)
        if result.status == FOUND:
            return result
    return result




@lru_cache(maxsize=4096)
def code_disagreement(name: str, kind: str, code: str) -> str:
    """The geocoder's note when ``code`` is a postal code or another place's code than
    ``name``'s (empty when they agree or the code is unknown)."""
    m = gazetteer.default().lookup(name, "France", kind or None, code=code, suggest=False)
    return m.note if m.code_to_fix else ""


def code_check(values: dict, row: int) -> list[validation.Problem]:
    """A validation check (``checks=``): a ``code_insee`` that is a postal code, or another
    place's code than the host's, is a warning with the geocoder's note."""
    code, name = values.get("code_insee", ""), values.get("collectivite", "")
    note = code and name and code_disagreement(name, values.get("type_collectivite", ""), code)
    if not note:
        return []
    return [validation.cell_problem(row, "code_insee", code,
                                    f"ne correspond pas à « {name} » : {note}.",
                                    validation.WARNING)]


@dataclass(frozen=True)
class Located:
    stage: Stage
    place: Result
    partners: tuple[Result, ...]



def locate(stages: list[Stage], chain: Geocoder) -> list[Located]:
    """Position of every stage and of each of its partners (through the geocoding chain).

    No spelling suggestions here (they cost a scan of every name): ``cufmap geocode`` gives
    them to staff."""
    out = []
    for stage in stages:
        place = locate_stage(chain, stage, suggest=False)
        partners = tuple(chain.geocode(partner_query(p, suggest=False))
                         for p in stage.partners)
        out.append(Located(stage, place, partners))
    return out
