"""Words for numbers, and glue: every quantity in a page's text comes from data, never typed."""

from __future__ import annotations

import numbers

_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                 8: "eight", 9: "nine", 10: "ten"}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
             8: "eighth", 9: "ninth", 10: "tenth"}


def number_word(n: int) -> str:
    """'five' for 5: words up to ten, digits beyond (house style)."""
    return _NUMBER_WORDS.get(int(n), str(int(n)))


def ordinal(n: int) -> str:
    """'fourth' for 4, '11th' for 11."""
    n = int(n)
    if n in _ORDINALS:
        return _ORDINALS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ranges(values) -> str:
    """[5, 6, 7, 9] -> '5-7, 9'."""
    nums = sorted({int(n) for n in values})
    parts, start = [], None
    for i, n in enumerate(nums):
        start = n if start is None else start
        if i + 1 == len(nums) or nums[i + 1] != n + 1:
            parts.append(str(start) if start == n else f"{start}-{n}")
            start = None
    return ", ".join(parts)


def plain(value):
    """numpy scalars to Python ones, so MyST-NB formats them ({glue:text}`name:.1f`)."""
    if isinstance(value, (bool, str)):
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
