"""The book's version, kept in one place: CITATION.cff. The site footer, the How-to-cite page,
the release archives and the package metadata (pyproject.toml reads ``analysis.__version__``)
all take it from here."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

CITATION = Path(__file__).resolve().parent.parent / "CITATION.cff"


@lru_cache(maxsize=1)
def citation() -> dict:
    """CITATION.cff as a dict."""
    import yaml  # here, so that reading the version needs nothing beyond the standard library

    return yaml.safe_load(CITATION.read_text(encoding="utf-8"))


def version() -> str:
    """The ``version:`` line of CITATION.cff (read without YAML, so a package build can call it)."""
    found = re.search(r'^version:\s*["\']?([^"\'\s]+)', CITATION.read_text(encoding="utf-8"), re.M)
    if not found:
        raise ValueError(f"{CITATION}: no 'version:' line")
    return found.group(1)
