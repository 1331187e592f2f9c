"""One error tree for cufmap. Every message is French and meant for staff."""

from __future__ import annotations


class CufmapError(Exception):
    """Base of every error cufmap raises on purpose."""


class UnreadableTable(CufmapError, ValueError):
    """The bytes cannot be read as a table at all (empty, binary, not the relay's table)."""


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
