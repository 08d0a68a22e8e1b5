"""The EU size class of one firm (Commission Recommendation 2003/361/EC), from ``eu_sme_definition``.

A firm belongs to a category when its staff headcount passes the category's headcount test **and**
at least one financial test passes: annual turnover **or** annual balance-sheet total. Its class is
the smallest category it belongs to; a firm that belongs to none is large. Every ceiling, unit and
comparison ("<" or "<=") is read from the data, and the categories are ordered by their headcount
ceilings, so nothing here knows a threshold.

``decide`` returns the class and the rule that decided it as codes (``Decision.rule``); the page
(and the page's script, which reads ``payload``) turns them into words.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pandas as pd

HEADCOUNT = "staff_headcount"
TURNOVER = "annual_turnover"
BALANCE_SHEET = "balance_sheet_total"
FINANCIAL = (TURNOVER, BALANCE_SHEET)
CRITERIA = (HEADCOUNT, *FINANCIAL)
#: The class of a firm that meets no category's tests (not a row of the definition).
LARGE = "large"

#: Rule codes: which tests decided the class.
RULES = {
    "headcount_and_turnover": "headcount test and turnover test met (balance-sheet test not met)",
    "headcount_and_balance_sheet": "headcount test and balance-sheet test met (turnover test not met)",
    "headcount_and_both": "headcount test and both financial tests met",
    "headcount_above": "headcount not below the largest category's ceiling",
    "both_financial_above": "headcount test met, but turnover and balance sheet both above the largest category's ceilings",
}


@dataclass(frozen=True)
class Ceiling:
    """One test: ``value`` compared with the ceiling by ``comparison`` ("<" or "<=")."""

    criterion: str
    comparison: str
    ceiling: float
    unit: str

    def passes(self, value: float) -> bool:
        if self.comparison == "<":
            return value < self.ceiling
        if self.comparison == "<=":
            return value <= self.ceiling
        raise ValueError(f"unknown comparison {self.comparison!r} for {self.criterion}")


@dataclass(frozen=True)
class Decision:
    """A firm's class, the tests that decided it, and why it is not in the next smaller category.

    ``rule`` is a key of ``RULES``. ``category_tests`` names the category whose tests decided it (for
    a large firm, the largest category of the definition). ``smaller`` is the next smaller category
    (None for the smallest) and ``smaller_failed`` why the firm is not in it: "headcount" or
    "financial" (both financial tests failed).
    """

    category: str
    rule: str
    category_tests: str
    smaller: str | None
    smaller_failed: str | None

    def as_dict(self) -> dict:
        return {"category": self.category, "rule": self.rule, "category_tests": self.category_tests,
                "smaller": self.smaller, "smaller_failed": self.smaller_failed}


def recommendation_year(definition: pd.DataFrame) -> int:
    """The newest Recommendation in the data (the definition in force)."""
    return int(definition.year.max())


def ceilings(definition: pd.DataFrame, year: int | None = None) -> dict[str, dict[str, Ceiling]]:
    """category -> criterion -> Ceiling, categories from the smallest headcount ceiling up.

    ``year`` defaults to the newest Recommendation. A category without all three tests, or with a
    missing ceiling, is an error: a class decided on a gap would be a guess.
    """
    year = recommendation_year(definition) if year is None else year
    rows = definition[definition.year == year]
    if rows.empty:
        raise KeyError(f"no SME definition for {year}")
    table: dict[str, dict[str, Ceiling]] = {}
    for row in rows.itertuples():
        if row.criterion not in CRITERIA:
            continue
        if pd.isna(row.value):
            raise KeyError(f"the {row.category} {row.criterion} ceiling of {year} is not available")
        table.setdefault(row.category, {})[row.criterion] = Ceiling(
            row.criterion, row.comparison, float(row.value), row.unit)
    for category, tests in table.items():
        missing = set(CRITERIA) - set(tests)
        if missing:
            raise KeyError(f"the {category} category of {year} lacks {sorted(missing)}")
    return dict(sorted(table.items(), key=lambda item: item[1][HEADCOUNT].ceiling))


def _check(name: str, value: float) -> float:
    value = float(value)
    if math.isnan(value) or value < 0:
        raise ValueError(f"{name} must be a number of zero or more, got {value!r}")
    return value


def belongs(tests: dict[str, Ceiling], headcount: float, turnover: float, balance_sheet: float) -> bool:
    """The Recommendation's rule for one category: headcount, and turnover or balance sheet."""
    return tests[HEADCOUNT].passes(headcount) and (
        tests[TURNOVER].passes(turnover) or tests[BALANCE_SHEET].passes(balance_sheet))


def decide(headcount: float, turnover: float, balance_sheet: float,
           table: dict[str, dict[str, Ceiling]]) -> Decision:
    """The class of a firm and the rule that decided it.

    ``headcount`` is in annual work units, ``turnover`` and ``balance_sheet`` in the unit of the
    ceilings (``table[...][...].unit``, "EUR m" in the data). ``table`` is ``ceilings(definition)``.
    """
    headcount = _check("headcount", headcount)
    turnover = _check("turnover", turnover)
    balance_sheet = _check("balance-sheet total", balance_sheet)
    order = list(table)
    for i, category in enumerate(order):
        tests = table[category]
        if belongs(tests, headcount, turnover, balance_sheet):
            turnover_ok = tests[TURNOVER].passes(turnover)
            balance_ok = tests[BALANCE_SHEET].passes(balance_sheet)
            rule = ("headcount_and_both" if turnover_ok and balance_ok
                    else "headcount_and_turnover" if turnover_ok else "headcount_and_balance_sheet")
            smaller = order[i - 1] if i else None
            return Decision(category, rule, category, smaller,
                            _why_not(table[smaller], headcount) if smaller else None)
    largest = order[-1]
    rule = "headcount_above" if not table[largest][HEADCOUNT].passes(headcount) else "both_financial_above"
    return Decision(LARGE, rule, largest, largest, "headcount" if rule == "headcount_above" else "financial")


def _why_not(tests: dict[str, Ceiling], headcount: float) -> str:
    """Why a firm that belongs to a larger category is not in this one."""
    return "headcount" if not tests[HEADCOUNT].passes(headcount) else "financial"


def payload(definition: pd.DataFrame) -> dict:
    """The ceilings for the page's script: categories in order, each test with comparison, value, unit."""
    table = ceilings(definition)
    return {
        "recommendation": recommendation_year(definition),
        "large": LARGE,
        "categories": [
            {"category": category,
             **{criterion: {"comparison": c.comparison, "value": c.ceiling, "unit": c.unit}
                for criterion, c in tests.items()}}
            for category, tests in table.items()
        ],
    }


def script_tag(definition: pd.DataFrame, element_id: str = "sme-thresholds") -> str:
    """The ceilings as a JSON data block (``<script type="application/json">``) for the page's script."""
    text = json.dumps(payload(definition), sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'
