"""Gap-aware lines, and the thesis's view of a series beside today's.

A line on a chart joins consecutive periods only: a missing year leaves a gap, never a line drawn
across it. ``then_and_now`` splits a series at the one cutoff the data package declares
(``editions.thesis_saw``), so every then-and-now figure agrees on what the thesis could see.
"""

from __future__ import annotations

import pandas as pd

from . import editions


def runs(frame: pd.DataFrame, by: list[str], period: str = "year", needs: str | None = "value") -> pd.Series:
    """A run id per row: consecutive periods of one series share an id; a missing period starts a new run.

    Encode the id as the line's ``detail`` (or colour) so Vega draws one line per run. A row whose
    ``needs`` column is empty breaks the run too (pass ``needs=None`` when a line is drawn through
    another column, such as a rank that is known where its share is not).
    """
    ids = pd.Series("", index=frame.index, dtype=object)
    present = frame[needs].notna() if needs else pd.Series(True, index=frame.index)
    for key, group in frame[present].sort_values(period).groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        run = (group[period].diff() != 1).cumsum()
        ids.loc[group.index] = ["|".join(map(str, key)) + f"|{r}" for r in run]
    return ids


def then_and_now(frame: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """The rows twice: ``view`` "then" (what the thesis could see) and "now" (everything).

    ``attrs`` keep the dataset's provenance and add ``last_seen`` (the newest period the thesis
    could see) and ``newest`` (the newest period in the data). A ``run`` column, if present, is
    prefixed by the view so the two panels never share a line.
    """
    period = period or editions.period_field(frame)
    seen = editions.thesis_saw(frame)
    then = frame[seen].assign(view="then")
    now = frame.assign(view="now")
    out = pd.concat([then, now], ignore_index=True)
    if "run" in out:
        out["run"] = out.view + "|" + out.run.astype(str)
    out.attrs = dict(frame.attrs)
    out.attrs.update(last_seen=editions.last_seen(frame), newest=editions.newest(frame))
    return out
