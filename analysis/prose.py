"""Numbers for a page's prose: every quantity in the text is glued from data, never typed."""

from __future__ import annotations

import numbers


def plain(value):
    """numpy scalars to Python ones, so MyST-NB formats them ({glue:text}`name:.1f`)."""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def glue_all(values: dict, prefix: str = "") -> None:
    """Glue each name -> value for the page's text (hidden where it is computed)."""
    from myst_nb import glue

    for name, value in values.items():
        glue(prefix + name, plain(value), display=False)
