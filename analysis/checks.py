"""Sums and orders that must hold in the data, beyond what a schema can say.

Each check takes the loaded package and returns problem lines naming file, rows and column. They run
in ``validate`` (and so before every build): a typo that keeps a value well-formed but wrong
(79.5 typed as 97.5) is caught where the numbers stop adding up.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import datasets

#: Each published share is rounded to one decimal; n of them can drift by n * 0.05 from 100.
ROUNDING = 0.05


def _rows(frame: pd.DataFrame, mask) -> str:
    """Spreadsheet row numbers (header is row 1) of the rows a problem concerns."""
    return ", ".join(str(i + 2) for i in frame.index[mask])


def census_shares_add_up(load) -> list[str]:
    """Firm and employment shares of the four census size classes add to 100 within rounding."""
    census = load("istat_census_size")
    problems = []
    for (year, measure), group in census.groupby(["year", "measure"]):
        if measure not in ("share_of_firms", "share_of_employment"):
            continue
        parts = group[group.size_class.isin(["3-9", "10-49", "50-249", "250+"])]
        if parts.size_class.nunique() < 4:
            parts = group[group.size_class.isin(["3-9", "10-49", "50+"])]
            if parts.size_class.nunique() < 3:
                continue
        total = parts.value.sum()
        if abs(total - 100) > ROUNDING * len(parts) + 1e-9:
            problems.append(f"{census.attrs['path']}, rows {_rows(census, census.index.isin(parts.index))}, "
                            f"column 'value': {measure} for {year} adds to {total:.1f}, not 100")
    return problems


def segments_add_up(load) -> list[str]:
    """Alibaba's segments add up to their parent, and the top level to the group's annual revenue."""
    seg, annual = load("alibaba_segment_revenue"), load("alibaba_annual_revenue")
    problems = []
    for year, group in seg.groupby("fiscal_year"):
        parents = group.parent_segment.fillna("")
        for parent, kids in group.groupby(parents):
            if parent:
                expected = group[group.segment == parent].value
                total, where = kids.value.sum(), f"the parts of {parent}"
            else:
                expected = annual[annual.fiscal_year == year].value
                total, where = kids.value.sum(), "the top-level segments"
            if len(expected) == 1 and abs(total - expected.iloc[0]) > 0.5:
                problems.append(f"{seg.attrs['path']}, rows {_rows(seg, seg.index.isin(kids.index))}, column 'value': "
                                f"{where} in FY{year} add to {total:,.0f}, not {expected.iloc[0]:,.0f}")
    return problems


def ranks_are_ordered(load) -> list[str]:
    """In a barometer edition a lower rank never has a larger share of responses than a higher one."""
    problems = []
    for name in ("allianz_italy", "allianz_global"):
        frame = load(name)
        scope = [c for c in ("scope",) if c in frame]
        for _, group in frame.dropna(subset=["value"]).groupby(["edition", *scope]):
            ordered = group.sort_values("rank")
            worse = ordered.value.diff() > 1e-9
            if worse.any():
                bad = ordered[worse | worse.shift(-1, fill_value=False)]
                problems.append(f"{frame.attrs['path']}, rows {_rows(frame, frame.index.isin(bad.index))}, "
                                f"column 'value': edition {int(group.edition.iloc[0])} gives a lower rank "
                                "a larger share of responses")
    return problems


CHECKS: list[Callable] = [census_shares_add_up, segments_add_up, ranks_are_ordered]


def run_all(root=None) -> list[str]:
    """Every domain check's problems; a check whose dataset is missing reports that instead."""
    load = lambda name: datasets.load(name, root)  # noqa: E731
    problems = []
    for check in CHECKS:
        try:
            problems.extend(check(load))
        except datasets.DataError as err:
            problems.append(f"{check.__name__}: {err}")
    return problems
