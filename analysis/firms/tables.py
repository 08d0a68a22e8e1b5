"""Tables for people in section 1.1: the EU SME definition, the thesis against its source, the rounding test.

Captions describe what a table holds; what the book says about it (the thesis's slips, a source's
edition) is passed in by the page as ``note``.
"""

from __future__ import annotations

import pandas as pd

from .. import datasets
from ..common import tables
from ..common.tables import Column
from . import data as firms_data
from . import models

_SIGNS = {"<": "fewer than", "<=": "at most"}
_UNITS = {"persons": "", "EUR m": " million"}


def definition_frame(definition: pd.DataFrame) -> pd.DataFrame:
    """One row per category: headcount, turnover and balance-sheet ceilings, as the Recommendation words them.

    Status and source come from each category's first row.
    """
    limit = (definition.comparison.map(_SIGNS) + " " + definition.value.map("{:,.0f}".format)
             + definition.unit.map(_UNITS))
    wide = definition.assign(limit=limit).pivot(index="category", columns="criterion", values="limit")
    first = definition.drop_duplicates("category").set_index("category")[["status", "source_id"]]
    order = [c for c in ("micro", "small", "medium") if c in wide.index]
    out = wide.loc[order].join(first).reset_index()
    out["category"] = out.category.str.capitalize()
    return datasets.with_provenance(out, definition)


def definition(definition: pd.DataFrame, caption: str = "EU definition of micro, small and medium-sized enterprises",
               note: str | None = None) -> tables.Table:
    """The EU SME definition, one row per category, with each row's status and source."""
    return tables.table(
        definition_frame(definition),
        [Column("category", "Category"),
         Column("staff_headcount", "Staff headcount (annual work units)"),
         Column("annual_turnover", "Annual turnover (EUR)"),
         Column("balance_sheet_total", "or balance-sheet total (EUR)")],
        caption=caption, note=note, name="firms-eu-sme-definition",
    )


def thesis_vs_source(structure: pd.DataFrame, note: str | None = None) -> tables.Table:
    """The thesis's shares of GDP beside the source's for the same year, with the difference."""
    compare = firms_data.thesis_vs_source(structure)
    year = int(compare.year.iloc[0])
    registry = datasets.sources(structure.attrs.get("root"))
    publishers = sorted({registry[s]["publisher"] for s in compare.source_id.dropna()})
    source = " and ".join(publishers) or "Source"
    cited = datasets.subset(structure, (structure.indicator == "share_of_gdp") & (structure.year == year)
                            & structure.sector.isin(compare.sector) & structure.value.notna())
    return tables.numbers(
        compare,
        [Column("sector_label", "Sector"), Column("thesis", f"Thesis (% of GDP, {year})", "{:.2f}"),
         Column("source", f"{source} (% of GDP, {year})", "{:.2f}"),
         Column("difference", "Difference (percentage points)", "{:+.2f}")],
        caption=f"The thesis's sector shares of GDP against the {source} series, {year}",
        data=cited, note=note, name="firms-thesis-vs-source",
    )


def rounding_test(result: pd.DataFrame, shares: pd.DataFrame, note: str | None = None) -> tables.Table:
    """The trend in each class's employment share, its interval and p-value under rounding error alone."""
    span = f"{int(result.first_year.min())}-{int(result.last_year.max())}"
    return tables.numbers(
        result,
        [Column("size_class", "Size class (persons employed)"),
         Column("change_pp", f"Change {span} (percentage points)", "{:+.1f}"),
         Column("slope_pp_per_decade", "Trend (pp per decade)", "{:+.2f}"),
         Column("ci_low", "95% interval, low (pp)", "{:+.2f}"),
         Column("ci_high", "95% interval, high (pp)", "{:+.2f}"),
         Column("p_value", "p-value (rounding only)", "{:.2g}")],
        caption="Trend in employment share by size class, against rounding error",
        data=models.fitted_rows(shares), note=note, name="firms-rounding-test",
    )
