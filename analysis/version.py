"""The book's version, kept in one place: CITATION.cff. The site footer, the How-to-cite page,
the release archives and the package metadata all read it from here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

CITATION = Path(__file__).resolve().parent.parent / "CITATION.cff"


@lru_cache(maxsize=1)
def citation() -> dict:
    """CITATION.cff as a dict."""
    return yaml.safe_load(CITATION.read_text(encoding="utf-8"))


def version() -> str:
    return str(citation()["version"])
