"""Who may edit: a password kept only as a hash, or an OIDC provider through ``st.login``.

Configuration, first found wins:

* OIDC: an ``[auth]`` section in ``.streamlit/secrets.toml`` (Streamlit's own ``st.login``
  settings); ``[cufmap] editeurs = ["a@b.fr", …]`` restricts editing to these addresses.
* a password: ``[cufmap] mot_de_passe_hash`` in the secrets, or the environment variable
  ``CUFMAP_PASSWORD_HASH``. The hash comes from ``cufmap hash-password`` (PBKDF2-SHA256 with
  a random salt, the standard library's ``hashlib``); the password itself is stored nowhere.

Failed sign-ins are slowed down: each failure from the same address within a quarter of an
hour doubles the wait before the next answer (0.5 s, 1 s, 2 s… up to 30 s).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass, field

ENV_HASH = "CUFMAP_PASSWORD_HASH"
#: Behind a reverse proxy: the header carrying the real client address (``X-Real-IP``…).
ENV_CLIENT_HEADER = "CUFMAP_ENTETE_ADRESSE_CLIENT"
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

* ou dans la variable d'environnement `CUFMAP_PASSWORD_HASH`.

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

    def allows(self, email: str) -> bool:
        return not self.editors or email.strip().lower() in self.editors


def config(secrets_: dict | None, environ: dict | None = None) -> Config:
    """How editing is enabled, from Streamlit's secrets and the environment."""
    environ = os.environ if environ is None else environ
    secrets_ = secrets_ or {}
    section = dict(secrets_.get("cufmap", {}) or {})
    editors = tuple(str(e).strip().lower() for e in section.get("editeurs", ()) if str(e).strip())
    if secrets_.get("auth"):
        return Config(OIDC, editors=editors)
    encoded = str(section.get("mot_de_passe_hash") or environ.get(ENV_HASH, "")).strip()
    if not encoded:
        return Config(NONE)
    if not valid_hash(encoded):
        return Config(NONE, problem="L'empreinte du mot de passe configurée n'est pas reconnue : "
                                    "recalculez-la avec « cufmap hash-password ».")
    return Config(PASSWORD, password_hash=encoded)


@dataclass
class Throttle:
    """Slows down repeated failed sign-ins from one address (shared by every session of the
    server process). ``clock`` and ``sleep`` are injectable for tests."""

    window: float = 15 * 60
    first_delay: float = 0.5
    max_delay: float = 30.0
    clock: callable = time.monotonic
    sleep: callable = time.sleep
    _failures: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def delay(self, who: str) -> float:
        """Seconds the next answer to ``who`` waits."""
        with self._lock:
            count, last = self._failures.get(who, (0, 0.0))
            if count and self.clock() - last > self.window:
                self._failures.pop(who, None)
                count = 0
        return 0.0 if not count else min(self.max_delay, self.first_delay * 2 ** (count - 1))

    def attempt(self, who: str, password: str, encoded: str) -> bool:
        """Waits as long as earlier failures require, then checks the password."""
        wait = self.delay(who)
        if wait:
            self.sleep(wait)
        ok = check_password(password, encoded)
        with self._lock:
            if ok:
                self._failures.pop(who, None)
            else:
                count, _ = self._failures.get(who, (0, 0.0))
                self._failures[who] = (count + 1, self.clock())
        return ok


def client_address(peer: str, headers, header: str = "") -> str:
    """The address the throttle counts: the connection's peer, or, when ``header`` names the
    header a trusted reverse proxy sets (``X-Real-IP``, ``X-Forwarded-For``), its last
    address (the one that proxy saw; earlier ones are the client's own claims)."""
    value = (headers.get(header) or "") if header else ""
    return value.split(",")[-1].strip() or peer


#: The server's one throttle.
THROTTLE = Throttle()
