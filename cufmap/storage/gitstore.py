"""The relay's data on a Git remote: edits that survive hosts whose disk is thrown away.

One setting names the remote (``CUFMAP_DEPOT`` or ``[cufmap] depot`` in the secrets; any URL
``git`` accepts: ``file://``, ``https://`` with a token, ``ssh://``), with an optional branch
(``CUFMAP_DEPOT_BRANCHE`` / ``depot_branche``, default ``main``). The data lives there at
``data/relais.csv`` and ``data/lieux.csv``.

:class:`GitStore` offers what :class:`cufmap.storage.local.Store` offers (load, save, versions,
restore) and more:

* each save, restore and place choice is one commit (author: the signed-in name; message in
  French: what changed), pushed before the page says it is saved. Commits are built with
  git's plumbing in a private bare repository (``CUFMAP_DEPOT_CACHE``, default
  ``~/.cache/cufmap/depots/…``): no working tree, nothing half-written;
* the version a save names is the CSV's blob id on the remote; a push refused because the
  remote moved is re-checked after a fetch: the CSV changed -> :class:`ConflictError` (the
  merge offer staff know), only the places changed -> the save is rebuilt on top and pushed;
* :meth:`GitStore.sync` fetches at most every ``interval`` seconds (30 by default;
  ``force`` on each visit to the editing page) and copies the remote's files over the local
  ``data/relais.csv`` and ``data/lieux.csv`` the public pages read -- unless the remote's CSV
  is invalid, in which case the local copy (the last valid version) stays and
  :attr:`GitStore.problem` says so to staff;
* history is the CSV's Git history; any commit can be restored;
* ``depot_publication`` names a branch that receives the static export (GitHub/GitLab Pages).

A token in the URL never appears in a message: every text coming from ``git`` is redacted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cufmap.errors import ConflictError, CufmapError, InvalidData, UnknownVersion, UnreadableTable
from cufmap.files import atomic_write
from cufmap.places import remembered
from cufmap.relay import attachments, budget, reading, schema, validation
from cufmap.storage.base import KEPT_LIMITS, Snapshot, Version, kept_name, paris_time
from cufmap.storage.changes import change_message, merge_places
from cufmap.storage.spreadsheets import to_csv_bytes

log = logging.getLogger(__name__)

DATA_PATH = "data/relais.csv"
PLACES_PATH = "data/lieux.csv"
INTERVAL = 30.0  # seconds between two fetches of the remote, at most
HISTORY_LIMIT = 200  # commits listed in the history
PUBLISHED = ("index.html", "relais.geojson", "relais.ics")


CONFLICT = ("Quelqu'un d'autre a enregistré le fichier depuis que vous l'avez ouvert. "
            "Rechargez sa version (vos modifications restent affichées) puis "
            "enregistrez de nouveau.")


def _GIT_ENV() -> dict:  # noqa: N802  (a constant, read when called: it follows os.environ)
    """git never asks a question (no terminal, no password prompt) and speaks English (its
    messages are matched, then explained in French)."""
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_ASKPASS": "true",
            "SSH_ASKPASS": "true",
            "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -oBatchMode=yes")}


class DepotError(CufmapError):
    """The Git remote cannot be read or refused a write; the message is French and
    never contains the URL's credentials."""

    output = ""  # git's whole answer, redacted


@dataclass(frozen=True)
class Remote:
    """The Git remote the data lives on (the ``depot*`` settings of :mod:`cufmap.settings`)."""

    url: str
    branch: str = "main"
    publication: str = ""
    cache: str = ""
    interval: float = INTERVAL

    @classmethod
    def from_settings(cls, settings) -> Remote | None:
        """The remote the settings name; None: the data stays on the server's disk."""
        if not settings.depot:
            return None
        return cls(settings.depot, settings.depot_branch or "main", settings.depot_publication,
                   str(settings.depot_cache or ""), max(1.0, float(settings.depot_interval)))

    @property
    def safe_url(self) -> str:
        return redact(self.url, self.url)


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]+@")


def redact(text: str, url: str = "") -> str:
    """``text`` without credentials: any ``scheme://user:token@`` becomes ``scheme://***@``,
    and the secret parts of ``url`` are removed wherever they appear."""
    out = _USERINFO.sub(r"\1***@", str(text))
    match = re.match(r"(?i)[a-z][a-z0-9+.-]*://([^/@\s]+)@", url or "")
    if match:
        for secret in {match.group(1), *match.group(1).split(":")}:
            if len(secret) >= 4:
                out = out.replace(secret, "***")
    return out


def _explain(stderr: str, action: str) -> str:
    """A French message for a failed git command (stderr already redacted). Git's own
    (English) words are quoted only when they say what staff can act on: a hook's or branch
    rule's refusal, or a failure we cannot name; otherwise they go to the log only."""
    low = stderr.lower()
    detail = " ".join(line.strip() for line in stderr.strip().splitlines()[-3:])[:400]
    quoted = ""
    if any(s in low for s in ("authentication failed", "could not read username",
                              "permission denied", "403", "401", "access denied",
                              "not authorized", "write access", "denied to")):
        why = ("le dépôt refuse l'accès : vérifiez que le jeton est valide et qu'il a le droit "
               "d'écrire (« contents: write » sur GitHub, « write_repository » sur GitLab).")
    elif any(s in low for s in ("could not resolve host", "failed to connect",
                                "couldn't connect", "connection refused", "timed out",
                                "does not appear to be a git repository",
                                "could not read from remote", "not found",
                                "network is unreachable", "unable to access")):
        why = ("le dépôt Git est injoignable (réseau, adresse ou dépôt inexistant). "
               "Rien n'a été perdu : réessayez dans un moment.")
    elif "remote rejected" in low or "hook declined" in low or "protected branch" in low:
        why = ("le dépôt a refusé l'enregistrement (branche protégée ou règle du dépôt). "
               "Autorisez l'application à pousser sur cette branche.")
        said = " ".join(line.strip() for line in stderr.splitlines()
                        if line.startswith("remote:") and line[7:].strip())[:400]
        quoted = f" (message du dépôt : {said or detail})"
    else:
        why = "git a échoué."
        quoted = f" (message de git : {detail})"
    if not quoted:
        log.warning("git (%s) : %s", action, detail)
    return f"Impossible {_de(action)} : {why}{quoted}"


def _de(action: str) -> str:
    """« de lire », « d'enregistrer »."""
    return ("d'" if action[:1].lower() in "aeiouyéèêh" else "de ") + action


class GitStore:
    """The relay's CSV (and places file) on a Git remote; see the module's docstring."""

    def __init__(self, settings: Remote, data: str | os.PathLike,
                 places: str | os.PathLike, clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.data, self.places = Path(data), Path(places)
        self.cache = Path(settings.cache) if settings.cache else _default_cache(settings)
        self.clock = clock
        self.problem = ""  # the remote's CSV is invalid: what staff should know
        self.places_problem = ""  # the remote's places file is refused: why
        self.unreachable = ""  # the last fetch failed: why (the local copy is served)
        self._fetched_at: float | None = None
        self._places_base: bytes | None = None  # places file as last copied from the remote
        self._versions: tuple[str, list[Version]] = ("", [])  # by remote head
        self._lock = threading.RLock()
        self._remote_ref = f"refs/remotes/origin/{settings.branch}"

    @property
    def description(self) -> str:
        return f"dépôt Git {self.settings.safe_url}, branche {self.settings.branch}"

    # -- git --
    def _git(self, *args: str, input: bytes | None = None, env: Mapping | None = None,
             action: str = "lire le dépôt Git") -> bytes:
        if shutil.which("git") is None:
            raise DepotError("La commande « git » est absente de ce serveur : installez-la "
                             "(sur Streamlit Community Cloud, une ligne « git » dans "
                             "packages.txt).")
        full_env = {**_GIT_ENV(), **(env or {})}
        try:
            proc = subprocess.run(["git", "-C", str(self.cache), *args], input=input,
                                  capture_output=True, env=full_env, timeout=120)
        except subprocess.TimeoutExpired as exc:
            raise DepotError(f"Impossible {_de(action)} : le dépôt Git ne répond pas (plus de "
                             "deux minutes). Rien n'a été perdu : réessayez.") from exc
        if proc.returncode:
            stderr = redact((proc.stderr + proc.stdout).decode("utf-8", "replace"),
                            self.settings.url)
            error = DepotError(_explain(stderr, action))
            error.output = stderr  # whole (redacted): what went wrong, for the caller
            raise error
        return proc.stdout

    @contextlib.contextmanager
    def _locked(self):
        """One writer at a time in this process (threads) and on this cache (processes)."""
        with self._lock:
            self._ensure_cache()
            with open(self.cache / "cufmap.lock", "a+") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def _ensure_cache(self) -> None:
        if (self.cache / "HEAD").exists():
            return
        self.cache.mkdir(parents=True, exist_ok=True)
        self._git("init", "--quiet", "--bare")
        self._git("config", "remote.origin.url", self.settings.url)
        os.chmod(self.cache / "config", 0o600)  # it holds the URL, token included

    def _fetch(self, branch: str | None = None) -> None:
        branch = branch or self.settings.branch
        try:
            self._git("fetch", "--quiet", "--no-tags", "origin",
                      f"+refs/heads/{branch}:refs/remotes/origin/{branch}",
                      action="lire le dépôt Git")
        except DepotError as exc:
            if "couldn't find remote ref" not in exc.output.lower():
                raise
            with contextlib.suppress(DepotError):  # the branch does not exist (yet)
                self._git("update-ref", "-d", f"refs/remotes/origin/{branch}")
        self._fetched_at = self.clock()

    def _head(self, ref: str | None = None) -> str:
        try:
            return self._git("rev-parse", "--verify", "--quiet",
                             f"{ref or self._remote_ref}^{{commit}}").decode().strip()
        except DepotError:
            return ""

    def _blob(self, commit: str, path: str, limits: budget.Limits = budget.LIMITS
              ) -> bytes | None:
        """The file ``path`` at ``commit`` (None when absent); :class:`UnreadableTable` when
        it is larger than ``limits`` allow, refused on its size alone, before git sends it
        (a file committed directly to the remote can be of any size)."""
        if not commit:
            return None
        proc = subprocess.Popen(["git", "-C", str(self.cache), "cat-file", "--batch"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=_GIT_ENV())
        try:
            proc.stdin.write(f"{commit}:{path}\n".encode())
            proc.stdin.close()
            header = proc.stdout.readline().split()  # <oid> blob <size>, or <spec> missing
            if len(header) != 3 or header[1] != b"blob":
                return None
            budget.check_size(int(header[2]), limits)
            return proc.stdout.read(int(header[2]))
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()

    def _blob_id(self, commit: str, path: str) -> str:
        if not commit:
            return ""
        try:
            return self._git("rev-parse", "--verify", "--quiet", f"{commit}:{path}").decode().strip()
        except DepotError:
            return ""

    def _commit(self, parent: str, files: dict[str, bytes], message: str, author: str) -> str:
        """A commit of ``files`` over ``parent``'s tree, not yet pushed."""
        with tempfile.TemporaryDirectory(prefix="cufmap-index-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if parent:
                self._git("read-tree", parent, env=env)
            else:
                self._git("read-tree", "--empty", env=env)
            for path, data in files.items():
                if data is None:  # removed (mode 0: out of the index; no work tree needed)
                    self._git("update-index", "--index-info", env=env,
                              input=f"0 {'0' * 40}\t{path}\n".encode())
                    continue
                oid = self._git("hash-object", "-w", "--stdin", input=data).decode().strip()
                self._git("update-index", "--add", "--cacheinfo", f"100644,{oid},{path}", env=env)
            tree = self._git("write-tree", env=env).decode().strip()
        name = _person(author)
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": "",
               "GIT_COMMITTER_NAME": "cufmap", "GIT_COMMITTER_EMAIL": ""}
        args = ["commit-tree", tree, "-m", message]
        if parent:
            args[2:2] = ["-p", parent]
        return self._git(*args, env=env, action="préparer l'enregistrement").decode().strip()

    def _push(self, commit: str, branch: str | None = None) -> bool:
        """True when pushed; False when refused because the remote moved (fetch, retry)."""
        branch = branch or self.settings.branch
        try:
            self._git("push", "--quiet", "origin",
                      f"{commit}:refs/heads/{branch}", action="enregistrer sur le dépôt Git")
        except DepotError as exc:
            text = exc.output.lower()
            # refused because the remote moved, or another push held the ref at that instant
            if any(s in text for s in ("non-fast-forward", "fetch first", "[rejected]",
                                       "stale info", "cannot lock ref", "failed to update ref",
                                       "failed to lock", "incorrect old value")):
                return False
            raise
        self._git("update-ref", f"refs/remotes/origin/{branch}", commit)
        return True

    def _push_on_top(self, build, author: str, refusal: str) -> str:
        """Fetch, then commit ``build(head)`` -- (files, message), or None when there is
        nothing to push -- over the remote's head and push it; when the push is refused because
        the remote moved meanwhile, fetch and build again on the new head. Returns the pushed
        commit ("" when nothing was pushed); :class:`DepotError` ``refusal`` after five
        refusals in a row. The caller holds :meth:`_locked`."""
        self._fetch()
        for _ in range(5):
            head = self._head()
            built = build(head)
            if built is None:
                return ""
            commit = self._commit(head, *built, author)
            if self._push(commit):
                return commit
            self._fetch()
        raise DepotError(refusal)

    # -- reading --
    def head(self) -> str:
        """The remote's latest commit, as last fetched ("" when the branch does not exist)."""
        with self._lock:
            self._ensure_cache()
            return self._head()

    def load(self) -> Snapshot:
        with self._lock:
            self._ensure_cache()
            if self._fetched_at is None:
                self._fetch()
            head = self._head()
            if not head and self.unreachable:  # never read: an empty table would mislead
                raise DepotError(self.unreachable)
            return _snapshot(self._blob(head, DATA_PATH), self._blob_id(head, DATA_PATH))

    def current_version(self) -> str:
        with self._lock:
            self._ensure_cache()
            return self._blob_id(self._head(), DATA_PATH)

    # -- writing --
    def save(self, frame: pd.DataFrame, expected_version: str, author: str = "",
             message: str = "") -> str:
        """Commit ``frame`` as ``data/relais.csv`` and push it; return the new version.
        Raises InvalidData, ConflictError (the CSV moved on the remote) or DepotError."""
        problems = validation.validate(frame)
        if validation.errors(problems):
            raise InvalidData(problems)
        data = to_csv_bytes(frame)

        def build(head):
            if self._blob_id(head, DATA_PATH) != expected_version:
                raise ConflictError(CONFLICT)
            files = {DATA_PATH: data}
            if self.places.exists():  # answers found online meanwhile survive restarts
                remote = self._remote_places(head)
                merged, _ = merge_places(self._places_base, self.places.read_bytes(), remote)
                if merged != remote:
                    files[PLACES_PATH] = merged
            return files, message or change_message(_or_none(self._blob, head, DATA_PATH),
                                                    frame)

        with self._locked():
            commit = self._push_on_top(build, author, "Impossible d'enregistrer : le dépôt "
                                       "change sans cesse. Rien n'a été perdu : réessayez.")
            self._materialize(commit)
            return self._blob_id(commit, DATA_PATH)

    def save_places(self, author: str = "") -> bool:
        """Commit the local places file (staff's choices), merged by place with the
        remote's; True when something was pushed."""
        if not self.places.exists():
            return False

        def build(head):
            remote = self._remote_places(head)
            merged, changed = merge_places(self._places_base, self.places.read_bytes(), remote)
            if merged == remote:
                return None
            return {PLACES_PATH: merged}, (
                "Lieu retenu : " + ", ".join(changed[:5]) +
                (f" et {len(changed) - 5} autre(s)" if len(changed) > 5 else "")
                if changed else "Fichier des lieux mis à jour")

        with self._locked():
            commit = self._push_on_top(build, author, "Impossible d'enregistrer le lieu : le "
                                       "dépôt change sans cesse. Réessayez.")
            if commit:
                self._materialize(commit)
            return bool(commit)

    # -- small files kept with the data (presenter links) --
    def read_kept(self, name: str) -> bytes | None:
        """``data/<name>`` in the remote's latest commit as last fetched: a host whose disk was
        thrown away finds it again at its first fetch. Refused past its size, unread."""
        path = f"data/{kept_name(name)}"
        with self._lock:
            self._ensure_cache()
            if self._fetched_at is None:
                with contextlib.suppress(DepotError):
                    self._fetch()
            return _or_none(self._blob, self._head(), path, KEPT_LIMITS)

    def update_kept(self, name: str, change, message: str, author: str = "") -> None:
        """One commit replacing ``data/<name>`` by ``change(current)``, pushed; when the remote
        moved meanwhile, fetched and ``change`` applied again on top (nobody's link is lost)."""
        path = f"data/{kept_name(name)}"
        with self._locked():
            self._push_on_top(
                lambda head: ({path: change(_or_none(self._blob, head, path, KEPT_LIMITS))},
                              message),
                author, "Impossible d'enregistrer sur le dépôt : il change sans cesse. "
                        "Réessayez.")

    # -- a stage's route and photos (data/traces/, data/photos/) --
    def read_attachment(self, path: str) -> bytes | None:
        """``data/<path>`` in the remote's latest commit as last fetched; refused past its size
        before git sends it."""
        path = f"data/{attachments.checked(path)}"
        with self._lock:
            self._ensure_cache()
            if self._fetched_at is None:
                with contextlib.suppress(DepotError):
                    self._fetch()
            return _or_none(self._blob, self._head(), path, attachments.LIMITS)

    def save_attachments(self, files: dict, message: str, author: str = "") -> None:
        """One commit writing (bytes) or removing (None) ``data/<path>`` for each of ``files``,
        pushed (rebuilt on top when the remote moved meanwhile), then copied beside the local
        data file."""
        staged = {f"data/{attachments.checked(p)}": data for p, data in files.items()}
        with self._locked():
            self._fetch()
            for _ in range(5):
                commit = self._commit(self._head(), staged, message, author)
                if self._push(commit):
                    self._materialize_attachments(commit)
                    return
                self._fetch()
            raise DepotError("Impossible d'enregistrer sur le dépôt : il change sans cesse. "
                             "Réessayez.")

    def _materialize_attachments(self, head: str) -> bool:
        """The remote's attachments copied beside the local data file (those gone from the
        remote removed); a file past its size is left out, unread. True when something
        changed."""
        folder = self.data.parent
        listing = self._git("ls-tree", "-r", "-l", head, "--",
                            *(f"data/{name}" for name in attachments.FOLDERS))
        remote = {}
        for line in listing.decode("utf-8", "replace").splitlines():
            meta, _, path = line.partition("\t")
            parts = meta.split()
            rel = path[len("data/"):]
            if len(parts) == 4 and parts[1] == "blob" and attachments.is_path(rel):
                remote[rel] = parts[2]
        changed = False
        for rel, oid in remote.items():
            target = folder / rel
            with contextlib.suppress(OSError):
                local = target.read_bytes()
                if _blob_oid(local) == oid:
                    continue
            data = _or_none(self._blob, head, f"data/{rel}", attachments.LIMITS)
            if data is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, data, mode=0o644)
            changed = True
        for rel, file in attachments.local_files(folder).items():
            if rel not in remote:
                file.unlink(missing_ok=True)
                changed = True
        return changed

    # -- keeping up with the remote --
    def sync(self, force: bool = False) -> bool:
        """Fetch (at most every ``interval`` seconds unless ``force``) and copy the remote's
        files over the local ones; True when the local data changed. Never raises: an
        unreachable remote is noted in :attr:`unreachable` and the local copy stays."""
        with self._lock:
            now = self.clock()
            if (not force and self._fetched_at is not None
                    and now - self._fetched_at < self.settings.interval):
                return False
            try:
                with self._locked():
                    self._fetch()
                    if not self._head() and self.data.exists():
                        self._seed()
                    self.unreachable = ""
                    return self._materialize(self._head())
            except DepotError as exc:
                self._fetched_at = now  # not again before the interval
                self.unreachable = str(exc)
                log.warning("cufmap: %s", exc)  # redacted
                return False

    def _seed(self) -> None:
        """An empty remote receives the server's files as its first commit."""
        files = {DATA_PATH: self.data.read_bytes()}
        if self.places.exists():
            files[PLACES_PATH] = self.places.read_bytes()
        commit = self._commit("", files, "Données initiales déposées par cufmap", "cufmap")
        if not self._push(commit):
            self._fetch()

    def _materialize(self, head: str) -> bool:
        """Copy the remote's CSV (if valid) and places file to the local paths."""
        if not head:
            return False
        changed = False
        try:
            data = self._blob(head, DATA_PATH)
        except UnreadableTable as exc:  # too large to read: as invalid as can be
            data, problem = b"", f"le fichier ne peut pas être lu ({exc})."
        else:
            problem = _invalid(data) if data is not None else ""
        if data is not None:
            if problem:
                self.problem = (
                    f"La version du dépôt (commit {head[:8]}) ne peut pas être publiée : "
                    f"{problem} La carte publique montre encore la dernière version valide. "
                    "Corrigez le tableau (onglet Étapes) ou rétablissez une version "
                    "(Historique).")
            else:
                self.problem = ""
                if not self.data.exists() or self.data.read_bytes() != data:
                    self.data.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write(self.data, data)
                    changed = True
        places = self._remote_places(head)
        if places is not None:
            if not self.places.exists() or self.places.read_bytes() != places:
                self.places.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(self.places, places)
                changed = True
            self._places_base = places
        if self._materialize_attachments(head):
            changed = True
        return changed

    def _remote_places(self, head: str) -> bytes | None:
        """The remote's places file at ``head`` when it can be used; None when it is absent
        or refused (then :attr:`places_problem` says why, the local file -- its last valid
        version -- stays, and the next commit puts that version back on the remote)."""
        try:
            data = self._blob(head, PLACES_PATH, remembered.LIMITS)
            why = remembered.problem(data) if data is not None else ""
        except UnreadableTable as exc:
            data, why = None, str(exc)
        if why:
            self.places_problem = (
                f"Le fichier des lieux du dépôt (commit {head[:8]}) n'est pas repris : {why} "
                "La carte garde la dernière version valide. Corrigez-le dans le dépôt, ou "
                "enregistrez (un lieu, les étapes) : cette version-là y sera remise.")
            log.warning("cufmap: %s", self.places_problem)
            return None
        self.places_problem = ""
        return data

    # -- history --
    def versions(self) -> list[Version]:
        """The CSV's commits on the remote, newest first."""
        with self._lock:
            self._ensure_cache()
            head = self._head()
            if not head:
                return []
            if self._versions[0] == head:  # the page lists them on every rerun
                return list(self._versions[1])
            log_text = self._git("log", f"-n{HISTORY_LIMIT}", "--format=%H%x1f%aI%x1f%an%x1f%s",
                                 head, "--", DATA_PATH).decode("utf-8", "replace")
            out = []
            for line in log_text.splitlines():
                sha, when, name, subject = line.split("\x1f", 3)
                try:
                    rows = _row_count(self._blob(sha, DATA_PATH))
                except UnreadableTable:  # too large to read: listed, with no row count
                    rows = 0
                out.append(Version(sha, paris_time(dt.datetime.fromisoformat(when)), sha[:10],
                                   rows, name, subject))
            self._versions = (head, out)
            return list(out)

    def read_version(self, ident: str) -> pd.DataFrame:
        with self._lock:
            self._ensure_cache()
            data = self._blob(ident, DATA_PATH) if re.fullmatch(r"[0-9a-f]{7,40}", ident or "") \
                else None
            if data is None:
                raise UnknownVersion(f"Aucune version enregistrée ne s'appelle « {ident} ».")
            return validation.normalise(reading.read_bytes(data, filename="relais.csv").frame)

    def restore(self, ident: str, expected_version: str, author: str = "") -> str:
        """Make commit ``ident``'s CSV current again, as a new commit."""
        frame = self.read_version(ident)
        when = self._git("log", "-1", "--format=%aI", ident).decode().strip()
        label = paris_time(dt.datetime.fromisoformat(when)).strftime("%d/%m/%Y %H:%M") \
            if when else ident
        return self.save(frame, expected_version, author=author,
                         message=f"Version du {label} rétablie ({ident[:8]})")

    # -- publication --
    def publish(self, folder: str | os.PathLike) -> str:
        """Commit the static export in ``folder`` to the publication branch (GitHub or GitLab
        Pages); returns the commit ("" without a publication branch or when unchanged)."""
        branch = self.settings.publication
        if not branch:
            return ""
        folder = Path(folder)
        files = {name: (folder / name).read_bytes() for name in PUBLISHED
                 if (folder / name).exists()}
        # the routes and photos the page loads when a stage is chosen (named by their digest)
        for sub in ("traces", "photos"):
            if (folder / sub).is_dir():
                files.update({f.relative_to(folder).as_posix(): f.read_bytes()
                              for f in sorted((folder / sub).rglob("*")) if f.is_file()})
        files[".nojekyll"] = b""
        with self._locked():
            ref = f"refs/remotes/origin/{branch}"
            for _ in range(5):
                self._fetch(branch)
                parent = self._head(ref)
                source = self._head()[:8]
                # the branch's other files (CNAME, .gitlab-ci.yml) are kept
                commit = self._commit(parent, files, f"Carte publique régénérée (données "
                                                     f"{source or 'locales'})", "cufmap")
                if parent and self._git("rev-parse", f"{commit}^{{tree}}") == \
                        self._git("rev-parse", f"{parent}^{{tree}}"):
                    return ""
                if self._push(commit, branch):
                    return commit
            raise DepotError("Impossible de publier la carte : la branche de publication "
                             "change sans cesse.")


# --- helpers --------------------------------------------------------------------------------

def _default_cache(settings: Remote) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(f"{settings.url}\n{settings.branch}".encode()).hexdigest()[:16]
    return base / "cufmap" / "depots" / key


def _or_none(blob, *args) -> bytes | None:
    """``blob(*args)``, or None when the file is too large to read."""
    try:
        return blob(*args)
    except UnreadableTable:
        return None


def _blob_oid(data: bytes) -> str:
    """The id git gives the blob ``data`` (so an unchanged file is never read again)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _person(author: str) -> str:
    """A name git accepts (no angle brackets or line breaks)."""
    name = re.sub(r"[<>\n\r\x00]", "", author or "").strip()
    return name[:80] or "équipe"


def _snapshot(data: bytes | None, version: str) -> Snapshot:
    if not data:
        table = reading.Table(rows=[], columns=list(schema.NAMES), lines=[])
        return Snapshot(table.frame, version, table)
    table = reading.read_bytes(data, filename="relais.csv")
    return Snapshot(validation.normalise(table.frame), version, table)


def _invalid(data: bytes) -> str:
    """Why the CSV cannot be published ("" when it can)."""
    try:
        snapshot = _snapshot(data, "")
    except CufmapError as exc:
        return f"le fichier ne peut pas être lu ({exc})."
    errors = validation.errors(snapshot.problems)
    return f"le fichier contient {len(errors)} erreur(s)." if errors else ""


def _row_count(data) -> int:
    if not data:
        return 0
    try:
        return len(reading.read_bytes(data, filename="relais.csv").frame)
    except CufmapError:
        return 0


