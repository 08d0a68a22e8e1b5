"""The verdict rule for the thesis's claims, and each claim's checks read from the data package.

A claim (a row of ``thesis_claims``) has one or more checks (rows of ``thesis_claim_checks``):

- a **number check**: the thesis's value, unit and precision (``thesis_decimals``: decimal places as
  printed; -3 for a value given to the thousand), against a value with its own unit and precision. That
  value is a row of another dataset, named by a lookup in ``formula``
  (``italy_economy_structure[year=2019; sector=industry].value``: the row's value, status, source and
  quote are read as they are now, so the verdict follows the data), or the check's own sourced value
  (``source_id`` and ``quote``, or ``formula`` when derived). A number no consulted source gives is
  ``not_found``.
- a **judgement**: what no number can settle (a rank in words, a name, a date known only from a
  report's dateline) carries a typed verdict, marked as such, with its reason in ``note``.

The rule (:func:`compare`), once both values are in the thesis's unit (the same base unit at another
scale converts: RMB m to CNY bn, months to years):

1. **match**: the two values are equal;
2. **match after rounding**: one rounds to the other: the more precise value, rounded half away from
   zero to the other's precision, gives the other value;
3. **differs**: otherwise, by ``thesis - source`` in the thesis's unit; values in units that do not
   convert (euros against dollars) differ;
4. **cannot be checked**: no consulted source gives the value.

A claim's verdict is the worst of its checks' (differs, then cannot be checked, then match after
rounding, then match), so a claim with one number unconfirmed is not called a match.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from . import datasets

#: Verdicts from the worst to the best: a claim takes the worst of its checks.
WORST_FIRST = ("differs", "cannot_check", "match_after_rounding", "match")
#: Evidence from the strongest to the weakest: a claim shows the weakest its verdict rests on.
EVIDENCE = ("verified_primary", "verified_secondary", "derived")
CHECKS = "thesis_claim_checks"

#: Scale words of the units (``CNY bn``, ``thousand firms``, ``million consumers``).
SCALES = {"thousand": 10 ** 3, "k": 10 ** 3, "m": 10 ** 6, "million": 10 ** 6, "bn": 10 ** 9,
          "billion": 10 ** 9, "tn": 10 ** 12, "trillion": 10 ** 12}
#: Names of one currency.
ALIASES = {"rmb": "cny"}
#: Durations: (base, factor). A calendar ``year`` (1987) is not a duration (``years``).
DURATIONS = {"years": ("months", 12), "months": ("months", 1), "days": ("hours", 24), "hours": ("hours", 1)}


# --- the rule ----------------------------------------------------------------------------------------

def unit_scale(unit: str) -> tuple[str, Decimal]:
    """'CNY bn' -> ('cny', 10^9); 'RMB m' -> ('cny', 10^6); 'years' -> ('months', 12); '%' -> ('%', 1)."""
    factor, rest = Decimal(1), []
    for token in str(unit).lower().split():
        if token in SCALES:
            factor *= SCALES[token]
        else:
            rest.append(ALIASES.get(token, token))
    base = " ".join(rest)
    if base in DURATIONS:
        base, times = DURATIONS[base]
        factor *= times
    return base, factor


def exact(value) -> Decimal:
    """A number as written: 21.42 -> Decimal('21.42') (never the binary float's long expansion)."""
    return Decimal(repr(float(value))) if not isinstance(value, Decimal) else value


def round_to(value: Decimal, step: Decimal) -> Decimal:
    """``value`` rounded half away from zero to a multiple of ``step`` (0.1, 10, 12 ...)."""
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


@dataclass(frozen=True)
class Comparison:
    """The rule's result for one number: the verdict and, when the units convert, by how much."""
    verdict: str
    source: Decimal | None = None       # the source's value in the thesis's unit
    difference: Decimal | None = None   # thesis - source, in the thesis's unit
    comparable: bool = True

    @property
    def relative(self) -> float | None:
        if self.difference is None or not self.source:
            return None
        return float(self.difference / abs(self.source))


def compare(thesis, thesis_unit: str, thesis_decimals: int, source, source_unit: str | None,
            source_decimals: int | None) -> Comparison:
    """The verdict on one number by the rule above (``source`` None: cannot be checked)."""
    if source is None or (isinstance(source, float) and math.isnan(source)):
        return Comparison("cannot_check")
    (t_base, t_factor), (s_base, s_factor) = unit_scale(thesis_unit), unit_scale(source_unit)
    if t_base != s_base:
        return Comparison("differs", comparable=False)
    thesis, scale = exact(thesis), s_factor / t_factor
    value = exact(source) * scale
    t_step = Decimal(10) ** -int(thesis_decimals)
    s_step = Decimal(10) ** -int(source_decimals) * scale
    if thesis == value:
        verdict = "match"
    elif (s_step >= t_step and round_to(thesis, s_step) == value) or \
            (s_step < t_step and round_to(value, t_step) == thesis):
        verdict = "match_after_rounding"
    else:
        verdict = "differs"
    return Comparison(verdict, value.normalize(), (thesis - value).normalize())


def worst(verdicts) -> str:
    """The verdict of a claim from those of its checks."""
    found = set(verdicts)
    if not found:
        raise ValueError("a claim needs at least one check")
    return next(v for v in WORST_FIRST if v in found)


# --- reading the checks ------------------------------------------------------------------------------

#: A check whose value is a row of another dataset: ``dataset[column=value; column=value].field``.
LOOKUP = re.compile(r"(?P<dataset>\w+)\[(?P<key>[^\]]*)\]\.(?P<field>\w+)")


def parse_key(text: str) -> dict[str, str]:
    """'year=2019; sector=industry' -> {'year': '2019', 'sector': 'industry'}."""
    pairs = [part.split("=", 1) for part in str(text).split("; ") if part]
    if any(len(p) != 2 for p in pairs):
        raise ValueError(f"a dataset row is named 'column=value; column=value', not {text!r}")
    return {k.strip(): v.strip() for k, v in pairs}


def lookup_of(check) -> tuple[str, dict[str, str], str] | None:
    """(dataset, key, column) when the check reads its value from another dataset's row, else None."""
    match = LOOKUP.fullmatch(check.formula) if isinstance(check.formula, str) else None
    return (match["dataset"], parse_key(match["key"]), match["field"]) if match else None


def load_checks(claims: pd.DataFrame) -> pd.DataFrame:
    """The checks of the given claims, in claim and check order, as stored."""
    checks = datasets.load(CHECKS, claims.attrs.get("root"))
    rows = checks[checks.claim_id.isin(set(claims.claim_id))]
    return rows.sort_values(["claim_id", "check"], key=lambda s: s.map(_claim_number) if s.name == "claim_id" else s)


def _claim_number(claim_id: str) -> int:
    return int("".join(ch for ch in str(claim_id) if ch.isdigit()) or 0)


#: What a check reports of the row it reads, beside the value.
ROW_COLUMNS = ("unit", "status", "source_id", "quote")


def referenced_row(check, root) -> pd.Series:
    """The one dataset row a lookup check reads; ValueError naming the check when there is not one."""
    name, key, field = lookup_of(check)
    where = f"{CHECKS}.csv: {check.claim_id} check {check.check}"
    fields = datasets.fields(datasets.package(root).resource(name))
    missing = [c for c in [*key, field] if c not in fields]
    if missing:
        raise ValueError(f"{where}: no column {missing} in {name}")
    # only this row and the columns a check reports: a note corrected elsewhere re-runs no page
    columns = list(dict.fromkeys([*key, field, *(c for c in ROW_COLUMNS if c in fields)]))
    rows = datasets.load(name, root, columns=columns, where=key)
    if len(rows) != 1:
        raise ValueError(f"{where}: {len(rows)} rows of {name} match {check.formula!r} (one is needed)")
    return rows.iloc[0]


def resolve(checks: pd.DataFrame, root) -> pd.DataFrame:
    """The checks with every lookup filled from its dataset row, as the row reads now: its value, unit,
    status, source and quote. A row that is a gap (``not_found``) leaves the number unchecked."""
    out = checks.copy()
    for i, check in zip(checks.index, checks.itertuples(index=False)):
        found = lookup_of(check)
        if not found:
            continue
        row, field = referenced_row(check, root), found[2]
        value = row[field]
        out.loc[i, ["unit", "status", "source_id", "quote"]] = [
            "%" if field == "yoy_change_pct" else row["unit"],
            row["status"] if not pd.isna(value) else "not_found", row["source_id"],
            row["quote"] if isinstance(row.get("quote"), str) else ""]
        out.loc[i, "value"] = None if pd.isna(value) else float(value)
    return out


def stored_differences(claims: pd.DataFrame) -> list[str]:
    """Lookups whose stored unit or source no longer reads as their row does (a reminder to update the
    check row; the verdict always follows the row)."""
    checks, root = load_checks(claims), claims.attrs.get("root")
    resolved = resolve(checks, root)
    found = []
    for (_, mine), (_, now) in zip(checks.iterrows(), resolved.iterrows()):
        if not lookup_of(mine):
            continue
        for column in ("unit", "source_id"):
            if mine[column] != now[column]:
                found.append(f"{CHECKS}.csv: {mine.claim_id} check {mine.check}: {column} {mine[column]!r}, "
                             f"but {mine.formula.split('[')[0]} now says {now[column]!r}")
    return found


# --- one verdict per check, then per claim -----------------------------------------------------------

def is_judgement(check) -> bool:
    return isinstance(check.judgement, str) and check.judgement != ""


def check_verdict(check) -> tuple[str, Comparison | None]:
    """A check's verdict: typed for a judgement, by the rule for a number."""
    if is_judgement(check):
        return check.judgement, None
    result = compare(check.thesis_value, check.thesis_unit, int(check.thesis_decimals), _number(check.value),
                     check.unit, None if pd.isna(check.decimals) else int(check.decimals))
    return result.verdict, result


def _number(value):
    return None if value is None or pd.isna(value) else value


def difference_text(check, result: Comparison) -> str:
    """'thesis 87.69 %, source 87.78 %: -0.09 percentage points' (or the two units that do not convert)."""
    unit = check.thesis_unit
    group = unit != "year"
    thesis = _fmt(exact(check.thesis_value), int(check.thesis_decimals), group)
    if not result.comparable:
        source = _fmt(exact(check.value), int(check.decimals))
        return f"thesis {thesis} {unit}, source {source} {check.unit}: another unit"
    source = _fmt(result.source, _places(result.source), group)
    sign = "+" if result.difference > 0 else "\u2212"
    size = abs(result.difference)
    text = (f"thesis {thesis}, source {source}{'' if unit == 'year' else ' ' + unit}: "
            f"{sign}{_fmt(size, _places(size))} {_difference_unit(unit, size)}")
    rel = result.relative
    if rel is not None and not unit.startswith("%") and unit != "year" and abs(rel) >= 0.005:
        text += f" ({'+' if rel > 0 else chr(0x2212)}{abs(rel):.0%})"
    return text


def _places(value: Decimal) -> int:
    return max(0, -value.normalize().as_tuple().exponent)


def _fmt(value: Decimal, places: int, group: bool = True) -> str:
    """1234.5 -> '1,234.5' ('1234.5' without grouping, for years); a minus sign, not a hyphen."""
    text = f"{value:{',' if group else ''}.{max(places, 0)}f}"
    return text.replace("-", "\u2212")


def _difference_unit(unit: str, size: Decimal) -> str:
    """How a difference is counted: percentage points for shares, years for calendar years."""
    one = size == 1
    if unit.startswith("%"):
        return "percentage point" if one else "percentage points"
    if unit in ("year", "years", "months"):
        word = "year" if unit == "year" else unit.removesuffix("s")
        return word if one else word + "s"
    return unit


def outcomes(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per check: its verdict, whether it is a judgement, and the difference in words."""
    checks = resolve(load_checks(claims), claims.attrs.get("root"))
    rows = []
    for check in checks.itertuples(index=False):
        verdict, result = check_verdict(check)
        rows.append({"claim_id": check.claim_id, "check": check.check, "verdict": verdict,
                     "judged": is_judgement(check), "status": check.status, "source_id": check.source_id,
                     "quote": check.quote if isinstance(check.quote, str) else "",
                     "reason": check.note if is_judgement(check) and isinstance(check.note, str) else "",
                     "difference": difference_text(check, result) if verdict == "differs" and result else ""})
    return pd.DataFrame(rows, columns=["claim_id", "check", "verdict", "judged", "status", "source_id", "quote",
                                       "reason", "difference"])


def per_claim(checked: pd.DataFrame) -> pd.DataFrame:
    """Each claim's verdict from its checks, whether a judgement decided part of it, and its evidence.

    The status shown for a claim means what it means for a value: the weakest evidence its verdict
    rests on; a claim no source confirms or contradicts is "as quoted by the thesis".
    """
    rows = []
    for claim_id, group in checked.groupby("claim_id", sort=False):
        verdict = worst(group.verdict)
        evidence = group[group.status.isin(EVIDENCE)]
        if verdict == "cannot_check" or evidence.empty:
            status, source = "thesis_quoted", "thesis"
        else:
            status = max(evidence.status, key=EVIDENCE.index)
            source = evidence.source_id.iloc[0]
        quotes = list(dict.fromkeys(q for q in group.quote if q))
        rows.append({"claim_id": claim_id, "verdict": verdict, "judged": bool(group.judged.any()),
                     "status": status, "source_id": source, "quotes": quotes,
                     "judgement_reason": " ".join(r for r in group.reason if r),
                     "difference": "; ".join(d for d in group.difference if d),
                     "numbers": int((~group.judged).sum()),
                     "numbers_checked": int(((~group.judged) & (group.verdict != "cannot_check")).sum())})
    return pd.DataFrame(rows)


def problems(claims: pd.DataFrame) -> list[str]:
    """What the claims check should fix: rows that break the rules above, lookups that name no single
    row (both stop :func:`assess`), and kinds of difference that do not fit the computed verdict (a
    data update can make a claim differ before anyone has said how: the verdict stands, its kind
    reads "not yet recorded")."""
    found = _check_problems(claims)
    if not found:
        found += kind_problems(claims, per_claim(outcomes(claims)))
    return found


def _check_problems(claims: pd.DataFrame) -> list[str]:
    checks, root = load_checks(claims), claims.attrs.get("root")
    missing = set(claims.claim_id) - set(checks.claim_id)
    found = [f"{CHECKS}.csv: claim {cid} has no check" for cid in sorted(missing, key=_claim_number)]
    for check in checks.itertuples(index=False):
        found += _row_problems(check)
        if lookup_of(check):
            try:
                referenced_row(check, root)
            except ValueError as err:
                found.append(str(err))
    return found


def kind_problems(claims: pd.DataFrame, verdicts: pd.DataFrame) -> list[str]:
    """A kind of difference is given exactly where the computed verdict is 'differs'."""
    verdict = verdicts.set_index("claim_id").verdict
    found = []
    for row in claims.itertuples(index=False):
        has_kind = isinstance(row.difference_kind, str) and row.difference_kind != ""
        if has_kind != (verdict[row.claim_id] == "differs"):
            found.append(f"thesis_claims.csv: {row.claim_id}: the computed verdict is {verdict[row.claim_id]!r}, "
                         f"so difference_kind must be {'empty' if has_kind else 'given'}")
    return found


def assess(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per claim with its verdict and evidence (:func:`per_claim`); ValueError naming every check
    that breaks the rules or names no single row."""
    found = _check_problems(claims)
    if found:
        raise ValueError("\n".join(found))
    return per_claim(outcomes(claims))


def _row_problems(check) -> list[str]:
    where = f"{CHECKS}.csv: {check.claim_id} check {check.check}"
    if is_judgement(check):
        if not pd.isna(check.thesis_value) or not pd.isna(check.value):
            return [f"{where}: a judgement holds no number (leave thesis_value and value empty)"]
        if not (isinstance(check.note, str) and check.note):
            return [f"{where}: a judgement needs its reason in note"]
        return []
    if pd.isna(check.thesis_value) or not isinstance(check.thesis_unit, str) or pd.isna(check.thesis_decimals):
        return [f"{where}: a number check needs thesis_value, thesis_unit and thesis_decimals"]
    if check.status == "not_found":
        return [] if pd.isna(check.value) else [f"{where}: a not_found check leaves value empty"]
    if lookup_of(check):
        if not pd.isna(check.value) or pd.isna(check.decimals):
            return [f"{where}: a lookup leaves value empty (its row gives it) and states the row's decimals"]
        return []
    if pd.isna(check.value) or pd.isna(check.decimals):
        return [f"{where}: a checked number needs its value and decimals"]
    return []
