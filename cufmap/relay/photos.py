"""A stage's photos: an upload (JPEG, PNG, WebP, HEIC) checked within bounds, resized for the
web, re-encoded as WebP with no metadata at all (no EXIF, so no GPS position a phone wrote),
kept with its alternative text and credit in ``photos/<id>/photos.json``
(:mod:`cufmap.relay.attachments`).

Bounds, each checked before the next costs anything: the file's size (:data:`MAX_BYTES`, before
decoding), what the file is (Pillow reads only the header), its declared pixels
(:data:`MAX_PIXELS`, from the header, before any pixel is decoded: a 50,000 × 50,000 PNG is a
few KB and would take 7.5 GB), then decoding (JPEG decoded straight at a reduced scale).
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from dataclasses import dataclass

from cufmap.relay.attachments import RefusedFile

MAX_BYTES = 20 * 2**20  # a phone's photo is 2 to 12 MB
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo (8,064 × 6,048) passes
MAX_SIDE = 1600
MAX_PHOTOS = 8  # per stage
ALT_CHARS, CREDIT_CHARS = 300, 120
FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "HEIC", "MPO"}  # MPO: JPEG of some cameras
QUALITY = 80

try:  # HEIC (iPhones): pillow-heif, when installed (a dependency of cufmap)
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover
    HEIC = False


@dataclass(frozen=True)
class Photo:
    data: bytes  # WebP
    width: int
    height: int

    @property
    def name(self) -> str:
        """The stored file's name: its content's digest (a new photo, a new address)."""
        return hashlib.sha256(self.data).hexdigest()[:16] + ".webp"


def _refuse(filename: str, why: str) -> RefusedFile:
    return RefusedFile(f"La photo « {filename} » n'est pas retenue : {why} Rien n'a été "
                       "enregistré.")


_KINDS = "Envoyez une photo JPEG, PNG, WebP" + (" ou HEIC." if HEIC else ".")


def process(data: bytes, filename: str = "photo") -> Photo:
    """``data`` resized to :data:`MAX_SIDE` pixels at most on its longer side, re-encoded as
    WebP with no metadata; :class:`RefusedFile` (French) when it cannot be."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_BYTES:  # before anything is decoded
        raise _refuse(filename, f"elle fait {len(data) / 2**20:.0f} Mo (limite "
                                f"{MAX_BYTES // 2**20} Mo). Envoyez-la réduite (« taille moyenne » "
                                "sur un téléphone).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(filename, "elle déclare bien plus de pixels qu'une photo. " + _KINDS) \
            from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refuse(filename, "ce n'est pas une image. " + _KINDS) from None
    with image:
        if image.format not in FORMATS:
            raise _refuse(filename, f"le format {image.format} n'est pas accepté. " + _KINDS)
        width, height = image.size
        if width * height > MAX_PIXELS:  # declared in the header: nothing decoded yet
            raise _refuse(filename, f"elle mesure {width} × {height} pixels (50 millions au "
                                    "plus). Envoyez-la réduite.")
        try:
            if image.format in ("JPEG", "MPO"):
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decoded at 1/2, 1/4 or 1/8 scale
            image = ImageOps.exif_transpose(image)  # upright, as the phone showed it
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or (
                image.mode == "P" and "transparency" in image.info) else "RGB"
            image = image.convert(mode)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise _refuse(filename, "l'image est abîmée ou incomplète. " + _KINDS) from None
        # Pixels only: a new image carries no EXIF, XMP, ICC profile or comment.
        clean = Image.frombytes(image.mode, image.size, image.tobytes())
        out = io.BytesIO()
        clean.save(out, "WEBP", quality=QUALITY, method=4)
        return Photo(out.getvalue(), clean.width, clean.height)


def described(alt: str, credit: str) -> tuple[str, str]:
    """The alternative text (required) and credit, checked; :class:`RefusedFile` (French)."""
    alt, credit = " ".join((alt or "").split()), " ".join((credit or "").split())
    if not alt:
        raise RefusedFile("Décrivez la photo (texte alternatif) : ce qu'elle montre, pour qui ne "
                          "la voit pas, par exemple « Les maires de Billère et de Sabiñánigo "
                          "devant la mairie ». Rien n'a été enregistré.")
    if len(alt) > ALT_CHARS:
        raise RefusedFile(f"Le texte alternatif compte {len(alt)} caractères ({ALT_CHARS} au "
                          "plus) : raccourcissez-le. Rien n'a été enregistré.")
    if len(credit) > CREDIT_CHARS:
        raise RefusedFile(f"Le crédit compte {len(credit)} caractères ({CREDIT_CHARS} au plus) : "
                          "raccourcissez-le. Rien n'a été enregistré.")
    return alt, credit


def read_index(data: bytes | None) -> list[dict]:
    """A stage's photos as kept (``photos.json``): [{file, alt, credit, width, height}]; the
    entries that are not well formed are left out."""
    try:
        items = json.loads(data) if data else []
    except ValueError:
        return []
    out = []
    for item in items if isinstance(items, list) else []:
        if (isinstance(item, dict) and isinstance(item.get("file"), str)
                and isinstance(item.get("alt"), str) and item["alt"].strip()):
            out.append({"file": item["file"], "alt": item["alt"][:ALT_CHARS],
                        "credit": str(item.get("credit") or "")[:CREDIT_CHARS],
                        "width": int(item.get("width") or 0),
                        "height": int(item.get("height") or 0)})
    return out[:MAX_PHOTOS]


def write_index(items: list[dict]) -> bytes:
    return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")
