"""Who may edit: a password kept only as a hash, or an OIDC provider through ``st.login``.

Configuration, first found wins:

* OIDC: an ``[auth]`` section in ``.streamlit/secrets.toml`` (Streamlit's own ``st.login``
  settings); ``[cufmap] editeurs = ["a@b.fr", …]`` restricts editing to these addresses.
* a password: ``[cufmap] mot_de_passe_hash`` in the secrets, or the environment variable
  ``CUFMAP_MOT_DE_PASSE_HASH`` (see :mod:`cufmap.settings`). The hash comes from ``cufmap hash-password`` (PBKDF2-SHA256 with
  a random salt, the standard library's ``hashlib``); the password itself is stored nowhere.

Guessing is limited by :class:`Guard`: a budget of wrong guesses per minute for the whole
server (``[cufmap] essais_par_minute``, default 10), refused without hashing once spent, and a
per-client wait that doubles with each failure (1 s, 2 s, 4 s… up to 30 s). The client is
read from a trusted proxy header when one is configured (``[cufmap] entete_adresse_client`` or
``CUFMAP_ENTETE_ADRESSE_CLIENT``), else from the connection, else the browser session.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import ipaddress
import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

DEFAULT_GUESSES_PER_MINUTE = 10
ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256

PASSWORD = "mot de passe"
OIDC = "oidc"
NONE = ""

HOW_TO_ENABLE = """\
L'édition n'est pas encore activée sur ce serveur : aucune modification n'est possible.

Pour l'activer, choisissez un mot de passe et calculez son empreinte :

    cufmap hash-password

puis donnez cette empreinte (jamais le mot de passe) au serveur, au choix :

* dans `.streamlit/secrets.toml` :

      [cufmap]
      mot_de_passe_hash = "pbkdf2_sha256$600000$…"

* ou dans la variable d'environnement `CUFMAP_MOT_DE_PASSE_HASH`.

Avec un fournisseur d'identité (OIDC : Google, Microsoft, Keycloak…), renseignez plutôt la
section `[auth]` de `.streamlit/secrets.toml` (voir la documentation de `st.login`) et, si
besoin, la liste des adresses autorisées : `[cufmap] editeurs = ["prenom.nom@exemple.fr"]`.
Redémarrez ensuite l'application."""


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """``pbkdf2_sha256$<iterations>$<salt>$<digest>`` (salt and digest in base64)."""
    if not password:
        raise ValueError("Le mot de passe est vide.")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return "$".join([ALGORITHM, str(iterations), base64.b64encode(salt).decode("ascii"),
                     base64.b64encode(digest).decode("ascii")])


def check_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches ``encoded`` (constant-time comparison)."""
    try:
        algorithm, iterations, salt, expected = encoded.strip().split("$")
        if algorithm != ALGORITHM:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"),
                                     base64.b64decode(salt), int(iterations))
        return hmac.compare_digest(digest, base64.b64decode(expected))
    except (ValueError, TypeError):
        return False


def valid_hash(encoded: str) -> bool:
    parts = encoded.strip().split("$")
    return len(parts) == 4 and parts[0] == ALGORITHM and parts[1].isdigit()


@dataclass(frozen=True)
class Config:
    method: str  # PASSWORD, OIDC or NONE
    password_hash: str = ""
    editors: tuple[str, ...] = ()  # OIDC: allowed e-mail addresses (empty: any signed-in user)
    problem: str = ""  # a configuration that is present but unusable
    guesses_per_minute: int = DEFAULT_GUESSES_PER_MINUTE  # wrong guesses, whole server
    client_header: str = ""  # trusted proxy header naming the client's address

    def allows(self, email: str) -> bool:
        return not self.editors or email.strip().lower() in self.editors


def config(settings) -> Config:
    """How editing is enabled, from :class:`cufmap.settings.Settings`."""
    editors = tuple(e.strip().lower() for e in settings.editors if e.strip())
    if settings.oidc:
        return Config(OIDC, editors=editors)
    encoded = str(settings.password_hash or "").strip()
    if not encoded:
        return Config(NONE)
    if not valid_hash(encoded):
        return Config(NONE, problem="L'empreinte du mot de passe configurée n'est pas reconnue : "
                                    "recalculez-la avec « cufmap hash-password ».")
    return Config(PASSWORD, password_hash=encoded, guesses_per_minute=settings.guesses_per_minute,
                  client_header=str(settings.client_header or "").strip())


@dataclass(frozen=True)
class Answer:
    """What a sign-in attempt got: ``ok``, or a French ``message``; ``checked`` tells whether
    the password was hashed at all (a refusal before hashing costs the server nothing)."""

    ok: bool
    message: str = ""
    checked: bool = False


WRONG = "Mot de passe incorrect."


class Guard:
    """Limits password guessing for the whole server process (every session shares it).

    * **Budget**: at most ``budget`` wrong guesses per ``period`` seconds, all clients and
      sessions together. A guess reserves its place in the budget *before* the password is
      hashed, so parallel sessions cannot overshoot it; once it is spent, every attempt is
      refused at once, without hashing (no CPU to burn), until the period rolls on.
    * **Per client**: after ``n`` failures a client waits ``first_delay * 2**(n-1)`` seconds
      (capped at ``max_delay``) before its next attempt is checked; it is refused at once
      meanwhile, without waiting on the server's side. Other clients are not affected. A
      client's failures are forgotten after ``window`` seconds or on success.

    ``clock`` and ``check`` are injectable for tests."""

    def __init__(self, budget: int = 10, period: float = 60.0, first_delay: float = 1.0,
                 max_delay: float = 30.0, window: float = 15 * 60,
                 clock=time.monotonic, check=None):
        self.budget, self.period = budget, period
        self.first_delay, self.max_delay, self.window = first_delay, max_delay, window
        self.clock = clock
        self.check = check or check_password
        self._spent: deque[float] = deque()  # when each counted guess began
        self._failures: dict[str, tuple[int, float]] = {}  # client -> (count, last failure)
        self._lock = threading.Lock()

    def wait(self, who: str) -> float:
        """Seconds before ``who`` may try again (0: now)."""
        with self._lock:
            return self._client_wait(who, self.clock())

    def _client_wait(self, who: str, now: float) -> float:
        count, last = self._failures.get(who, (0, 0.0))
        if count and now - last > self.window:
            self._failures.pop(who, None)
            return 0.0
        if not count:
            return 0.0
        return max(0.0, min(self.max_delay, self.first_delay * 2 ** (count - 1)) - (now - last))

    def attempt(self, who: str, password: str, encoded: str) -> Answer:
        with self._lock:
            now = self.clock()
            wait = self._client_wait(who, now)
            if wait > 0:
                return Answer(False, f"Mot de passe incorrect à plusieurs reprises depuis votre "
                                     f"poste : patientez {math.ceil(wait)} s avant un nouvel "
                                     "essai.")
            while self._spent and now - self._spent[0] >= self.period:
                self._spent.popleft()
            if len(self._spent) >= self.budget:
                retry = math.ceil(self.period - (now - self._spent[0]))
                return Answer(False, "Trop d'essais de connexion sur ce serveur en peu de temps : "
                                     f"les connexions sont suspendues. Réessayez dans {retry} s.")
            self._spent.append(now)  # reserved before hashing: parallel guesses cannot overshoot
        ok = self.check(password, encoded)
        with self._lock:
            if ok:
                self._failures.pop(who, None)
                with contextlib.suppress(ValueError):
                    self._spent.remove(now)  # a right password does not use up the budget
            else:
                count = self._failures.get(who, (0, 0.0))[0]
                self._failures[who] = (count + 1, self.clock())
        return Answer(ok, "" if ok else WRONG, checked=True)


#: The server's one guard (its budget follows the configuration, see :func:`config`).
GUARD = Guard()


def client_key(headers, ip_address: str, session: str, trusted_header: str = "") -> str:
    """Who is signing in, for the per-client slowdown.

    ``trusted_header`` (e.g. ``X-Forwarded-For`` or ``X-Real-IP``), configured only when a
    reverse proxy sets it, gives the address: its right-most entry, the one the proxy itself
    added. Without it, the connection's address, unless it is missing or a loopback address
    (a local proxy: every visitor would share it): then the browser session, so that nobody
    is slowed down by someone else's failures (the global budget still caps guessing)."""
    if trusted_header:
        headers = headers or {}
        if hasattr(headers, "get_all"):  # Streamlit's headers: every line of a repeated header
            value = ",".join(headers.get_all(trusted_header))
        else:
            value = next((v for k, v in headers.items() if k.lower() == trusted_header.lower()),
                         "")
        entries = [e.strip() for e in value.split(",") if e.strip()]
        if entries:
            return "ip:" + entries[-1]
    if ip_address and not _loopback(ip_address):
        return "ip:" + ip_address
    return "session:" + session


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False
