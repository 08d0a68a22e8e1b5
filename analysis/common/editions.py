"""When each dataset's periods were published: the thesis's cutoff and the next edition.

Each resource in ``datapackage.json`` may declare its publisher's edition cycle::

    "editions": {"period_field": "fiscal_year", "period_ends": "03-31",
                 "published_after_months": 2, "cycle_months": 12,
                 "cycle": "annual report", "where_to_look": "https://..."}

A period named by a year (``2020``, or ``"2021-01..06"`` for part of one) closes on ``period_ends``
of that year (or at the end of its last month) and is published ``published_after_months`` later.
The package declares once what the thesis could see: ``"thesis": {"cutoff": "YYYY-MM-DD"}``.
Nothing here types a year: every date comes from the data package.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pandas as pd

from .. import datasets

_PART_YEAR = re.compile(r"(\d{4})-(\d{2})\.\.(\d{2})")


def meta(frame: pd.DataFrame) -> dict:
    """The resource's ``editions`` block; KeyError naming the dataset when it declares none."""
    res = frame.attrs.get("resource", {})
    if "editions" not in res:
        raise KeyError(f"dataset '{res.get('name', '?')}' declares no 'editions' in datapackage.json")
    return res["editions"]


def period_field(frame: pd.DataFrame) -> str:
    return meta(frame)["period_field"]


def cutoff(frame: pd.DataFrame) -> dt.date:
    """The last day the thesis could have read a publication (the package's ``thesis.cutoff``)."""
    pkg = datasets.package(frame.attrs.get("root"))
    try:
        return dt.date.fromisoformat(pkg.descriptor["thesis"]["cutoff"])
    except KeyError:
        raise KeyError(f"{pkg.root / 'datapackage.json'}: no 'thesis': {{'cutoff': ...}}") from None


def period_end(period, info: dict) -> dt.date:
    """The day a period closes: '2021-01..06' -> 30 June 2021; 2020 -> ``period_ends`` of 2020."""
    text = str(period)
    part = _PART_YEAR.fullmatch(text)
    if part:
        year, month = int(part.group(1)), int(part.group(3))
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"cannot read a period from {period!r}")
    month, day = map(int, info.get("period_ends", "12-31").split("-"))
    return dt.date(int(text), month, day)


def published(period, info: dict) -> dt.date:
    """When a period's figures appear: its end plus the publisher's usual lag."""
    return add_months(period_end(period, info), int(info.get("published_after_months", 0)))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def thesis_saw(frame: pd.DataFrame) -> pd.Series:
    """True for the rows whose period had been published by the thesis's cutoff."""
    info, last = meta(frame), cutoff(frame)
    return frame[info["period_field"]].map(lambda p: published(p, info) <= last)


def last_seen(frame: pd.DataFrame):
    """The newest period the thesis could have seen."""
    seen = frame[thesis_saw(frame)]
    if seen.empty:
        raise KeyError("no period of this dataset had been published by the thesis's cutoff")
    return _newest(seen[period_field(frame)])


def newest(frame: pd.DataFrame):
    """The newest period in the data."""
    return _newest(frame[period_field(frame)])


def _newest(periods: pd.Series):
    info_free = {"period_ends": "12-31"}
    return max(periods.unique(), key=lambda p: period_end(p, info_free))


def next_expected(frame: pd.DataFrame) -> dt.date:
    """When the publisher's next edition is due: the newest edition's publication plus one cycle."""
    info = meta(frame)
    return add_months(published(newest(frame), info), int(info["cycle_months"]))


def report(root=None, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per dataset with an edition cycle: newest edition held, next one expected, and whether it is due.

    ``as_of`` defaults to today; tests pass a fixed date.
    """
    as_of = as_of or dt.date.today()
    pkg = datasets.package(root)
    rows = []
    for name in pkg.names:
        res = pkg.resource(name)
        if "editions" not in res:
            continue
        frame = pkg.load(name, columns=[res["editions"]["period_field"]])  # all it reads
        due = next_expected(frame)
        rows.append({"dataset": name, "newest": str(newest(frame)), "cycle": res["editions"].get("cycle", ""),
                     "next_expected": due, "due": due <= as_of,
                     "where_to_look": res["editions"].get("where_to_look", "")})
    return pd.DataFrame(rows)
