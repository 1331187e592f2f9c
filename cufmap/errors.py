"""One error tree for cufmap. Every message is French and meant for staff."""

from __future__ import annotations


class CufmapError(Exception):
    """Base of every error cufmap raises on purpose."""


class UnreadableTable(CufmapError, ValueError):
    """The bytes cannot be read as a table at all (empty, binary, not the relay's table)."""


class StorageError(CufmapError, OSError):
    """A file cannot be read or written for a reason other than its content (permissions, a
    directory in its place, a full disk)."""


def os_message(path, exc: OSError, writing: bool = False) -> str:
    """A French sentence for ``exc`` raised while reading or writing ``path``, saying what to
    do (no English system message, no traceback)."""
    import errno

    verb = "enregistrer" if writing else "lire"
    if isinstance(exc, FileNotFoundError) and not writing:
        return f"Le fichier « {path} » n'existe pas."
    if isinstance(exc, IsADirectoryError):
        return (f"« {path} » est un dossier, pas un fichier : remettez le fichier à sa place "
                "(ou corrigez le chemin configuré).")
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return (f"« {path} » est un fichier là où il faut un dossier : choisissez un autre "
                "chemin ou déplacez ce fichier.")
    if isinstance(exc, PermissionError):
        return (f"Impossible de {verb} « {path} » : permission refusée. Le compte qui fait "
                f"tourner l'application doit pouvoir {verb} ce fichier et son dossier ; "
                "demandez à l'administrateur du serveur d'en corriger les droits.")
    if exc.errno == errno.ENOSPC:
        return f"Impossible d'{verb} « {path} » : le disque est plein. Libérez de la place."
    if exc.errno == errno.EROFS:
        return (f"Impossible d'{verb} « {path} » : le disque est en lecture seule sur ce "
                "serveur.")
    name = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    return (f"Impossible de {verb} « {path} » (erreur système {name}). Vérifiez le fichier et "
            "son dossier, ou demandez à l'administrateur du serveur.")


class InvalidData(CufmapError, ValueError):
    """The table was read but does not satisfy the schema; ``problems`` lists every error."""

    def __init__(self, problems):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.level == "erreur"]
        lines = [f"{len(errors)} erreur(s) : l'enregistrement est refusé."]
        lines += [p.message for p in errors[:20]]
        if len(errors) > 20:
            lines.append(f"… et {len(errors) - 20} autre(s).")
        super().__init__("\n".join(lines))


class ConflictError(CufmapError):
    """The file changed on disk since the version the editor loaded."""


class UnknownVersion(CufmapError, KeyError):
    """No saved version has this identifier."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class GeocodingError(CufmapError):
    """Base of geocoding failures."""


class GeocoderUnavailable(GeocodingError, ConnectionError):
    """An online service cannot be reached (no network, timeout, refusal)."""
