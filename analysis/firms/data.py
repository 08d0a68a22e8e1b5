"""Italy's firms and economy as tidy frames: the census size mix, SME shares, sector shares (no Altair).

Every frame keeps its dataset's ``attrs`` so a chart or table drawn from it can cite it. No year is
typed here: the census years come from the data, and what the thesis could see from ``editions``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import datasets
from ..common import editions

#: Census size classes (persons employed) in reading order; "50+" is a combined class (2018 only).
CENSUS_CLASSES = ["3-9", "10-49", "50-249", "250+"]
CLASS_LABELS = {"3-9": "Micro (3-9)", "10-49": "Small (10-49)", "50-249": "Medium (50-249)",
                "250+": "Large (250+)", "50+": "Medium and large (50+)"}
_CLASS_ORDER = {c: i for i, c in enumerate(["3-9", "10-49", "50+", "50-249", "250+"])}

#: SME measures of the European Commission's statistics, with the labels the chart shows.
SME_MEASURES = {"share_of_firms": "Firms", "share_of_employment": "Persons employed",
                "share_of_value_added": "Value added"}

#: Sectors in stacking order; "remainder" is the part of GDP outside the three sectors' value added.
SECTOR_LABELS = {"agriculture": "Agriculture", "industry": "Industry", "services": "Services",
                 "remainder": "Not allocated to sectors (net taxes on products)"}


def _status_label(status: pd.Series) -> pd.Series:
    return status.map(datasets.STATUS_LABELS)


# --- the census size mix ---------------------------------------------------------------------

#: The census columns ``size_mix`` and the edition cutoff read (a page that needs no more loads only these).
MIX_COLUMNS = ["year", "measure", "size_class", "value", "status"]


def size_mix(census: pd.DataFrame, measure: str = "share_of_firms") -> pd.DataFrame:
    """Shares (or counts) by size class and year, with readable labels, in class order."""
    rows = datasets.subset(census, (census.measure == measure) & census.size_class.isin(CLASS_LABELS)
                           & census.value.notna())
    rows["class_label"] = rows.size_class.map(CLASS_LABELS)
    rows["status_label"] = _status_label(rows.status)
    return rows.sort_values(["year", "size_class"],
                            key=lambda s: s.map(_CLASS_ORDER) if s.name == "size_class" else s)


def employment_shift(mix: pd.DataFrame) -> pd.DataFrame:
    """Per size class: the share at the first census, at the last one the thesis could see, and now.

    ``change_then`` runs from the first census to the last the thesis saw, ``change_since`` from there
    to the newest; ``continues`` is True when the newer change has the same (non-zero) sign as the
    older one. ``mix`` is ``size_mix(census, "share_of_employment")`` (any frame with ``year``,
    ``size_class``, ``value`` and the census's ``attrs``).
    """
    seen, newest = editions.last_seen(mix), editions.newest(mix)
    rows = []
    for size_class in [c for c in CENSUS_CLASSES if c in set(mix.size_class)]:
        sub = mix[mix.size_class == size_class].set_index("year").value
        first = int(sub.index.min())
        change_then, change_since = sub[seen] - sub[first], sub[newest] - sub[seen]
        rows.append({"size_class": size_class, "class_label": CLASS_LABELS[size_class],
                     "first_year": first, "seen_year": int(seen), "newest_year": int(newest),
                     "first": sub[first], "seen": sub[seen], "newest": sub[newest],
                     "change_then": change_then, "change_since": change_since,
                     "continues": bool(change_then != 0 and np.sign(change_then) == np.sign(change_since))})
    return datasets.with_provenance(pd.DataFrame(rows), mix)


# --- Italy beside the EU ---------------------------------------------------------------------

def _sme_shares(sme: pd.DataFrame) -> pd.DataFrame:
    rows = sme[(sme.size_class == "sme") & sme.measure.isin(SME_MEASURES) & sme.value.notna()].copy()
    rows["year_num"] = rows.year.astype(str).str[:4].astype(int)
    return rows


def paired_year(sme: pd.DataFrame) -> int:
    """The newest year for which Italy and an EU aggregate both give one of the SME shares."""
    rows = _sme_shares(sme)
    italy = set(zip(rows[rows.area == "Italy"].measure, rows[rows.area == "Italy"].year_num))
    eu = set(zip(rows[rows.area != "Italy"].measure, rows[rows.area != "Italy"].year_num))
    both = italy & eu
    if not both:
        raise KeyError("no year in which Italy and the EU both give an SME share")
    return max(year for _, year in both)


def italy_vs_eu(sme: pd.DataFrame) -> pd.DataFrame:
    """SME shares of firms, employment and value added: Italy and the EU nearest the paired year,
    plus Italy's newest values after it. ``attrs["paired_year"]`` is that year."""
    rows = _sme_shares(sme)
    pair = paired_year(sme)
    rows["gap"] = (rows.year_num - pair).abs()
    near = rows.sort_values(["gap", "year_num"]).drop_duplicates(["area", "measure"])
    later = rows[(rows.area == "Italy") & (rows.year_num > pair)]
    latest = later.sort_values("year_num").drop_duplicates("measure", keep="last")
    out = pd.concat([near, latest]).assign(measure_label=lambda d: d.measure.map(SME_MEASURES))
    out["group"] = out.area + " " + out.year.astype(str)
    out["status_label"] = _status_label(out.status)
    datasets.with_provenance(out, sme)
    out.attrs["paired_year"] = pair
    return out.sort_values(["measure", "year_num", "area"])


# --- the economy's structure (GDP and jobs by sector) -----------------------------------------

def thesis_year(structure: pd.DataFrame) -> int:
    """The year of the GDP shares the thesis quotes."""
    quoted = structure[(structure.indicator == "share_of_gdp") & (structure.status == "thesis_quoted")]
    if quoted.empty:
        raise KeyError("no GDP share quoted by the thesis in the data")
    return int(quoted.year.max())


def gdp_year(structure: pd.DataFrame) -> int:
    """The newest year in which a source (not the thesis) gives all three sectors' shares of GDP."""
    rows = structure[(structure.indicator == "share_of_gdp") & (structure.status != "thesis_quoted")
                     & structure.value.notna()]
    sectors = rows.groupby("year").sector.apply(set)
    complete = [year for year, have in sectors.items() if {"agriculture", "industry", "services"} <= have]
    if not complete:
        raise KeyError("no year with the shares of GDP of agriculture, industry and services")
    return int(max(complete))


def sector_shares(structure: pd.DataFrame) -> pd.DataFrame:
    """Sector shares of GDP (newest complete year) and of employment (newest year), ready to stack."""
    in_sectors = structure.sector.isin(SECTOR_LABELS) & structure.value.notna()
    gdp = structure[in_sectors & (structure.indicator == "share_of_gdp") & (structure.status != "thesis_quoted")
                    & (structure.year == gdp_year(structure))].drop_duplicates("sector")
    jobs = structure[in_sectors & (structure.indicator == "employment_share")]
    jobs = jobs[jobs.year == jobs.year.max()].drop_duplicates("sector")
    out = pd.concat([gdp, jobs], ignore_index=True)
    out["sector_label"] = out.sector.map(SECTOR_LABELS)
    out["status_label"] = _status_label(out.status)
    out["order"] = out.sector.map({k: i for i, k in enumerate(SECTOR_LABELS)})
    return datasets.with_provenance(out, structure)


def thesis_vs_source(structure: pd.DataFrame) -> pd.DataFrame:
    """The thesis's GDP shares beside a source's for the same year and sector, with the difference."""
    year = thesis_year(structure)
    rows = structure[(structure.indicator == "share_of_gdp") & (structure.year == year) & structure.value.notna()]
    thesis = rows[rows.status == "thesis_quoted"].drop_duplicates("sector").set_index("sector")
    source = rows[rows.status != "thesis_quoted"].drop_duplicates("sector").set_index("sector")
    out = pd.DataFrame({"sector": thesis.index, "year": year, "thesis": thesis.value.to_numpy(),
                        "source": source.value.reindex(thesis.index).to_numpy(),
                        "source_id": source.source_id.reindex(thesis.index).to_numpy()})
    out["difference"] = out.thesis - out.source
    out["sector_label"] = out.sector.str.replace("_", " ").str.capitalize()
    return datasets.with_provenance(out, structure)
