"""The key numbers of the guides in Chinese and Italian (中文导读, Guida in italiano), read once from the data.

Each number is a ``locale.Quantity`` (value, kind, the data's unit), so each guide writes it the way
its readers do (``locale.write_all(numbers, "zh")``). The values come through the theme modules, the
same lookups the English pages glue; no year or value is typed here, and no sentence is written.
"""

from __future__ import annotations

import pandas as pd

from . import claims as claims_module
from . import datasets
from .alibaba import data as alibaba_data
from .common import editions, lookup
from .common.locale import Quantity
from .firms import data as firms_data
from .firms import sme
from .trade import data as trade_data

#: A claim quoted from the thesis's Chinese introduction (引言) is written in Chinese characters.


def chinese_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims quoted from the thesis's Chinese introduction (引言), in thesis order."""
    return claims_module.in_language(claims, "zh").sort_values("thesis_line")


def firms(definition: pd.DataFrame, census: pd.DataFrame) -> dict[str, Quantity]:
    """Chapter 1.1: the medium-sized ceilings and the census's share of micro firms."""
    table = sme.ceilings(definition)
    medium = table[list(table)[-1]]
    seen = editions.last_seen(census)
    shares = firms_data.size_mix(census, "share_of_firms")
    smallest = firms_data.CENSUS_CLASSES[0]
    return {
        "sme_year": Quantity(sme.recommendation_year(definition), "year"),
        "medium_headcount": Quantity(medium[sme.HEADCOUNT].ceiling, "number", decimals=0),
        "medium_turnover": Quantity(medium[sme.TURNOVER].ceiling, "amount", medium[sme.TURNOVER].unit, 0),
        "medium_balance": Quantity(medium[sme.BALANCE_SHEET].ceiling, "amount", medium[sme.BALANCE_SHEET].unit, 0),
        "census_year": Quantity(seen, "year"),
        "micro_share": Quantity(lookup.value(shares, year=seen, size_class=smallest), "percent", decimals=1),
    }


def trade(package: datasets.Package) -> dict[str, Quantity]:
    """Chapter 1.2: China's goods and services trade in the year the thesis saw, Italy-China trade."""
    macro, istat = package.load("china_macro_trade"), package.load("italy_china_trade_istat")
    facts = trade_data.key_numbers(macro, istat, package.load("italy_china_trade_gacc"),
                                   package.load("china_crossborder_ecommerce"), package.load("china_online_retail"))
    seen = facts["seen_year"]
    return {
        "china_year": Quantity(seen, "year"),
        "goods_trade": Quantity(facts["goods_seen"], "amount", _unit(macro, "goods_trade"), significant=4),
        "services_trade": Quantity(facts["services_seen"], "amount", _unit(macro, "services_trade"), significant=4),
        "italy_exports": Quantity(facts["istat_exports_seen"], "amount", _unit(istat), significant=3),
        "italy_imports": Quantity(trade_data.istat_value(istat, seen, "imports"), "amount", _unit(istat),
                                  significant=3),
        "imports_ratio": Quantity(facts["istat_min_ratio"], "number", decimals=1),
    }


def _unit(frame: pd.DataFrame, indicator: str | None = None) -> str:
    """The one unit of a dataset's values (or of one ``indicator``'s): amounts are written in it."""
    rows = frame if indicator is None else frame[frame.indicator == indicator]
    units = set(rows.unit.dropna())
    if len(units) != 1:
        raise ValueError(f"expected one unit, found {sorted(units)}")
    return units.pop()


def _digits(value: float) -> int:
    """Significant digits of a value as the data record it: 18.228 -> 5, 2.8 -> 2, 300 -> 1."""
    text = f"{float(value):.10g}".replace(".", "").replace("-", "")
    return max(1, len(text.strip("0")))


def alibaba(annual: pd.DataFrame, wholesale: pd.DataFrame, facts: pd.DataFrame) -> dict[str, Quantity]:
    """Chapter 2: revenue the thesis could see and the newest, Alibaba.com's share, the pavilion's terms."""
    years = alibaba_data.years(annual)
    share = alibaba_data.wholesale_share(wholesale, annual)
    seen = years["last_seen"]
    pavilion = {"topic": "made_in_italy_pavilion"}
    return {
        "fy_seen": Quantity(seen, "year"),
        "revenue_seen": Quantity(lookup.value(annual, fiscal_year=seen), "amount", _unit(annual), significant=4),
        "fy_newest": Quantity(years["last"], "year"),
        "revenue_newest": Quantity(lookup.value(annual, fiscal_year=years["last"]), "amount", _unit(annual),
                                   significant=4),
        "alibaba_com_share": Quantity(lookup.value(share, column="share_pct", fiscal_year=seen), "percent", decimals=1),
        "pavilion_firms": Quantity(lookup.value(facts, **pavilion, fact="Italian companies admitted to the pavilion"),
                                   "number", decimals=0),
        "free_months": Quantity(lookup.value(facts, **pavilion, fact="free Global Gold Supplier membership paid by ICE"),
                                "number", decimals=0),
        "free_months_thesis": Quantity(lookup.value(
            facts, **pavilion, fact="free membership period as stated in the thesis's conclusion"), "number", decimals=0),
    }


def risk(facts: pd.DataFrame) -> dict[str, Quantity]:
    """Chapter 3.4: the 2021 antitrust fine (and the thesis's euro figure), Alibaba's consumers in China."""
    fine = {"topic": "antitrust_fine"}
    rows = {name: lookup.rows(facts, **fine, fact=fact).iloc[0] for name, fact in {
        "fine_cny": "antitrust fine on Alibaba Group",
        "fine_usd": "antitrust fine on Alibaba Group, in US dollars",
        "fine_eur_thesis": "antitrust fine on Alibaba Group, in euro (thesis)",
    }.items()}
    consumers = lookup.value(facts, topic="china_retail_consumers",
                             fact="annual active consumers on Alibaba's China retail marketplaces")
    return {
        # as many digits as the source gives (18.228, 2.79, 2.8), whatever the language's scale
        **{name: Quantity(float(row.value), "amount", row.unit, significant=_digits(row.value))
           for name, row in rows.items()},
        "consumers": Quantity(consumers, "count", significant=3),
    }


def verdicts(claims: pd.DataFrame) -> dict[str, Quantity]:
    """The claims check: all claims, those that differ, and the Chinese introduction's own."""
    facts = claims_module.summary(claims)
    zh = claims_module.summary(chinese_claims(claims))
    return {
        "claims_total": Quantity(facts["total"], "number", decimals=0),
        "claims_differs": Quantity(facts["differs"], "number", decimals=0),
        "claims_differs_share": Quantity(facts["differs_share_of_checked"], "percent", decimals=0),
        "zh_claims": Quantity(zh["total"], "number", decimals=0),
        "zh_differs": Quantity(zh["differs"], "number", decimals=0),
    }


def key_numbers(package: datasets.Package) -> dict[str, Quantity]:
    """Every number the guides glue, by name."""
    return {
        **firms(package.load("eu_sme_definition"),
                package.load("istat_census_size", columns=firms_data.MIX_COLUMNS)),
        **trade(package),
        **alibaba(package.load("alibaba_annual_revenue"), package.load("alibaba_wholesale_revenue"),
                  package.load("alibaba_com_facts")),
        **risk(package.load("alibaba_com_facts")),
        **verdicts(package.load("thesis_claims")),
    }
