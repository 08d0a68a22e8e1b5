"""One value from a tidy frame: the lookup every theme uses to put a number in a title or a sentence."""

from __future__ import annotations

import pandas as pd


def rows(frame: pd.DataFrame, **match) -> pd.DataFrame:
    """The rows whose columns equal every ``column=value`` given."""
    mask = pd.Series(True, index=frame.index)
    for column, wanted in match.items():
        if column not in frame:
            raise KeyError(f"no column '{column}' in {_name(frame)}")
        mask &= frame[column] == wanted
    return frame[mask]


def value(frame: pd.DataFrame, column: str = "value", **match) -> float:
    """The one number at ``match``; KeyError when it is missing, empty or not unique.

    A page glues what this returns, so a gap in the data stops the page instead of printing a guess.
    """
    found = rows(frame, **match)
    if len(found) > 1:
        raise KeyError(f"more than one row in {_name(frame)} for {match}")
    if found.empty or pd.isna(found[column].iloc[0]):
        raise KeyError(f"no {column} in {_name(frame)} for {match}")
    return float(found[column].iloc[0])


def _name(frame: pd.DataFrame) -> str:
    return frame.attrs.get("resource", {}).get("name", "the data")
