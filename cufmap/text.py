"""Text helpers shared by reading, validation and geocoding.

``fold`` is the one normalisation used to compare what people type: case, accents,
apostrophes, hyphens and repeated spaces do not matter (« Billère » = « billere »,
« Saint-Denis » = « saint denis », « Collectivité » = « collectivite »).
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-–—_'’‘`´.,/()]+")

# Letters that NFKD does not split into base letter + accent.
_SPECIAL = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o",
                          "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ı": "i",
                          "ð": "d", "Ð": "d", "þ": "th", "Þ": "th"})


def strip_accents(value: str) -> str:
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFKD", value.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(value: str) -> str:
    """Lower-case, accent-free, single-spaced form of ``value`` for comparisons."""
    return _SEPARATORS.sub(" ", strip_accents(value).lower()).strip()


def snake(value: str) -> str:
    """Header form: « Date début » -> ``date_debut``."""
    return fold(value).replace(" ", "_")


#: What makes a spreadsheet read a cell as a formula (or a DDE call): a text starting with one
#: of these. The one rule of cufmap: exports put an apostrophe before it (or Excel's
#: quotePrefix), and reading a spreadsheet takes that apostrophe back off.
FORMULA_START = tuple("=+-@\t\r")
