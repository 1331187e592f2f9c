"""cufmap: the map of the « Relais de la Coop Déc' » (Cités Unies France, 50 ans)."""

from __future__ import annotations

import os
from pathlib import Path

__version__ = "0.1.0"

#: The relay's data file; ``CUFMAP_DATA`` points elsewhere (tests, staging).
DEFAULT_DATA = Path(os.environ.get("CUFMAP_DATA", "data/relais.csv"))
#: Where places are remembered (staff corrections, cached online answers); ``CUFMAP_PLACES``.
DEFAULT_PLACES = Path(os.environ.get("CUFMAP_PLACES", "data/lieux.csv"))
