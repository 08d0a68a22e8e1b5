"""Rules on sources and quotes that a schema cannot say (data/README.md, rules 2 and 5).

* **Sources.** Every source has an address (``url``), except the thesis itself; every
  ``[source: <source_id>]`` a note (or the data README and changelog) cites is a row of ``sources.csv``. A source no row, no
  ``alt_source_id`` and no note cites is listed as a *warning*, not a problem.
* **Quotes carry their number.** The value of every ``verified_*`` row appears in its quote once the
  row's unit scaling is applied: ``RMB 141,480 million`` carries ``141.48 CNY bn``, ``45642.7亿元``
  carries ``4564.27 CNY bn``, ``33 mila`` carries ``33 thousand persons``, ``21,5 per cento`` carries
  ``21.5 %``. Both thousands conventions (``1,234.5`` and ``1.234,5``) are read.
* **Totals and their parts agree** within the rounding of the published parts, or the total's note
  says why not (:func:`totals_problems`).

Each function takes a loaded package (``datasets.package(root)``) and returns problem lines naming
file, row and column, like :mod:`analysis.checks`. :func:`run` returns ``(problems, warnings)``.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from . import datasets

#: The statuses whose quote must carry the row's value.
VERIFIED = ("verified_primary", "verified_secondary")
#: The marked form a note cites a document in: ``[source: cityam_2020_02]``.
CITATION = re.compile(r"\[source:\s*([^\]\s<>]+)\s*\]")
#: The package's prose that may cite sources too (relative to the data folder).
PROSE = ("README.md", "CHANGELOG.md")
#: Sources that need no address: the thesis is the book's own subject, not a web page.
NO_URL_KINDS = ("thesis",)

# --- numbers in a quote --------------------------------------------------------------------------

#: Words (lower case) that scale the number before them. German "Billion(en)" is 10^12, English
#: "billion" is 10^9: the German plural is listed, and German quotes use it.
SCALE_WORDS = {
    "thousand": 1e3, "thousands": 1e3, "k": 1e3, "mila": 1e3, "mille": 1e3, "tausend": 1e3,
    "million": 1e6, "millions": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "mio": 1e6, "millionen": 1e6,
    "milioni": 1e6, "milione": 1e6, "millones": 1e6,
    "billion": 1e9, "billions": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "miliardi": 1e9, "miliardo": 1e9,
    "mld": 1e9, "mrd": 1e9, "milliarden": 1e9, "milliarde": 1e9, "mil millones": 1e9,
    "trillion": 1e12, "trillions": 1e12, "tn": 1e12, "trn": 1e12, "trilioni": 1e12, "trilione": 1e12,
    "billionen": 1e12,
}
#: CJK multipliers, longest first: 万亿 is 10^12.
CJK_SCALES = {"万亿": 1e12, "萬億": 1e12, "兆": 1e12, "亿": 1e8, "億": 1e8, "万": 1e4, "萬": 1e4,
              "千": 1e3, "百万": 1e6}
#: Counts written as words (English and Italian), for quotes such as 'all seven platforms'.
NUMBER_WORDS = {w: n for n, words in enumerate([
    (), ("one", "uno", "una"), ("two", "due"), ("three", "tre"), ("four", "quattro"), ("five", "cinque"),
    ("six", "sei"), ("seven", "sette"), ("eight", "eight", "otto"), ("nine", "nove"), ("ten", "dieci"),
    ("eleven", "undici"), ("twelve", "dodici")]) for w in words}


def _italian_tens() -> dict[str, int]:
    """Italian counts from 20 to 99 and 'cento', written as words ('settantotto uffici', 'cento milioni')."""
    units = ("", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove")
    tens = ("venti", "trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta", "novanta")
    words = {"cento": 100}
    for t, ten in enumerate(tens, start=2):
        for u, unit in enumerate(units):
            stem = ten[:-1] if unit in ("uno", "otto") else ten  # ventuno, settantotto
            words[stem + unit] = 10 * t + u
            if unit == "tre":
                words[stem + "tré"] = 10 * t + u
    return words


NUMBER_WORDS.update(_italian_tens())
#: A row's unit -> the factor that turns its value into plain units (CNY bn -> 10^9 CNY).
UNIT_PREFIXES = {"bn": 1e9, "m": 1e6, "thousand": 1e3, "k": 1e3}

_SPACES = "\u00a0\u202f\u2009 '"
_NUMBER = re.compile(r"(?<!\d)(?<!\d[.,])\d+(?:[.,]\d+)*")
_SPACED = re.compile(rf"(?<!\d)(?<!\d[.,])\d{{1,3}}(?:[{_SPACES}]\d{{3}}(?![\d]))+")
_WORD_AFTER = re.compile(r"\s*(?:[a-z]{0,3}\$|€|¥|£)?\s*([^\W\d_]+(?:\s+millones)?)\.?", re.IGNORECASE)
_WORDS = re.compile(r"\b(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_CJK = re.compile(r"(\d+(?:\.\d+)?)(万亿|萬億|兆|亿|億|百万|万|萬|千)(?:(\d+(?:\.\d+)?)(亿|億|万|萬))?")


def readings(token: str) -> set[float]:
    """Every value a written number can mean: '1,234' is 1234 or 1.234; '1.234,5' is 1234.5.

    A token no convention can read ('2019,21.52701', a line of a CSV file) is read piece by piece.
    """
    token = re.sub(f"[{_SPACES}]", "", token)
    out = set()
    for decimal, thousands in ((".", ","), (",", ".")):
        parts = token.split(decimal)
        if len(parts) > 2 or (len(parts) == 2 and (thousands in parts[1] or not parts[1])):
            continue
        groups = parts[0].split(thousands)
        if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            continue
        out.add(float("".join(groups) + ("." + parts[1] if len(parts) == 2 else "")))
    if not out and "," in token:
        for piece in token.split(","):
            if piece:
                out |= readings(piece)
    return out


def amounts(quote: str) -> tuple[set[float], set[float]]:
    """The numbers in a quote: (plain numbers as written, amounts after a scale word or sign)."""
    plain, scaled = set(), set()
    for match in _CJK.finditer(quote):
        total = float(match.group(1)) * CJK_SCALES[match.group(2)]
        if match.group(3):
            total += float(match.group(3)) * CJK_SCALES[match.group(4)]
        scaled.add(total)
    for match in _NUMBER.finditer(quote):
        _add(readings(match.group(0)), quote, match.end(), plain, scaled)
    for match in _SPACED.finditer(quote):  # '3 716 277 296.2': 3716277 is one of its prefixes
        groups = re.split(f"[{_SPACES}]", match.group(0))
        for k in range(2, len(groups) + 1):
            _add({float("".join(groups[:k]))}, quote, match.end() if k == len(groups) else None, plain, scaled)
    for match in _WORDS.finditer(quote):
        plain.add(float(NUMBER_WORDS[match.group(0).lower()]))
    return plain, scaled


def _add(values: set[float], quote: str, end: int | None, plain: set, scaled: set) -> None:
    """Record numbers as written and, when a scale word follows them, as scaled amounts."""
    plain |= values
    after = _WORD_AFTER.match(quote, end) if end is not None else None
    word = after.group(1).lower() if after else ""
    if word in SCALE_WORDS:
        scaled |= {v * SCALE_WORDS[word] for v in values}


def unit_factor(unit: str) -> float:
    """'CNY bn' -> 1e9, 'RMB m' -> 1e6, 'thousand persons' -> 1e3, '%' and counts -> 1."""
    for word in str(unit).replace("-", " ").split():
        if word in UNIT_PREFIXES:
            return UNIT_PREFIXES[word]
    return 1.0


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def carries(value: float, unit: str, quote: str) -> bool:
    """True when the quote shows the value: as written in the row's unit, or scaled to it."""
    if quote is None or value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    target, factor = abs(float(value)), unit_factor(unit)
    plain, scaled = amounts(str(quote))
    if any(_same(n, target) or _same(n, target * factor) for n in plain):
        return True
    return any(_same(n, target * factor) for n in scaled)


def quote_problems(pkg: datasets.Package) -> list[str]:
    """Every verified row whose quote does not carry its value."""
    problems = []
    for name in pkg.names:
        frame = pkg.load(name)
        if not {"value", "unit", "status", "quote"} <= set(frame.columns):
            continue
        for i, row in frame.iterrows():
            if row.status not in VERIFIED or row.value is None or _missing(row.value):
                continue
            if not carries(row.value, row.unit, row.quote):
                problems.append(f"{frame.attrs['path']}, row {i + 2}, column 'quote': the quote does not carry "
                                f"the value {row.value:g} {row.unit} ({row.status})")
    return problems


def _missing(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


# --- sources -----------------------------------------------------------------------------------

def cited_in(text) -> list[str]:
    """The source ids a note cites in the marked form ``[source: id]``."""
    return CITATION.findall(str(text)) if isinstance(text, str) else []


def source_problems(pkg: datasets.Package) -> tuple[list[str], list[str]]:
    """(problems, warnings): sources without an address, cited ids that do not exist, uncited sources.

    Notes of every dataset and the package's README and changelog are searched for citations.
    """
    sources = pkg.load("sources")
    path = sources.attrs["path"]
    problems, warnings = [], []
    for i, row in sources.iterrows():
        if row.kind not in NO_URL_KINDS and not _text(row.url):
            problems.append(f"{path}, row {i + 2}, column 'url': source '{row.source_id}' has no address "
                            "(only the thesis may have none)")
    known, used = set(sources.source_id), set()
    for name in pkg.names:
        if name == "sources":
            continue
        frame = pkg.load(name)
        for column in ("source_id", "alt_source_id"):
            if column in frame:
                used |= {s for s in frame[column] if _text(s)}
        if "note" not in frame:
            continue
        for i, note in frame["note"].items():
            for sid in cited_in(note):
                used.add(sid)
                if sid not in known:
                    problems.append(f"{frame.attrs['path']}, row {i + 2}, column 'note': "
                                    f"[source: {sid}] is not a source_id in sources.csv")
    for doc in PROSE:
        path_ = pkg.root / doc
        if not path_.exists():
            continue
        for line_no, line in enumerate(path_.read_text(encoding="utf-8").splitlines(), start=1):
            for sid in cited_in(line):
                used.add(sid)
                if sid not in known:
                    problems.append(f"{path_}, line {line_no}: [source: {sid}] is not a source_id in sources.csv")
    for i, row in sources.iterrows():
        if row.source_id not in used and row.kind not in NO_URL_KINDS:
            warnings.append(f"{path}, row {i + 2}: source '{row.source_id}' is cited by no row and no note")
    return problems, warnings


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


# --- totals and their parts -------------------------------------------------------------------

#: A note that says why a total and its parts differ ("the parts do not add up to this total: ...").
EXPLAINED = re.compile(r"\b(?:do|does) not (?:add up|reconcile)", re.IGNORECASE)

#: Totals and their parts, per dataset: (group columns, total's selector, parts' selectors and signs).
#: Lower bounds ('more than') and partial years are never totals of full parts, so rows whose basis or
#: note marks a lower bound are left out.
TOTALS = {
    "china_macro_trade": [
        (["year", "vintage", "indicator"], {"flow": "total"}, [({"flow": "exports"}, 1), ({"flow": "imports"}, 1)]),
        (["year", "vintage", "indicator"], {"flow": "balance"}, [({"flow": "exports"}, 1), ({"flow": "imports"}, -1)]),
        (["year", "vintage"], {"indicator": "gdp"},
         [({"indicator": f"value_added_{s}"}, 1) for s in ("primary", "secondary", "tertiary")]),
        (["year", "vintage"], {"indicator": "=100"},
         [({"indicator": f"share_of_gdp_{s}"}, 1) for s in ("primary", "secondary", "tertiary")]),
    ],
    "italy_china_trade_istat": [
        (["period"], {"flow": "total"}, [({"flow": "exports"}, 1), ({"flow": "imports"}, 1)]),
        (["period"], {"flow": "balance"}, [({"flow": "exports"}, 1), ({"flow": "imports"}, -1)]),
    ],
    "italy_china_trade_gacc": [
        (["period"], {"flow": "total"},
         [({"flow": "china_imports_from_italy"}, 1), ({"flow": "china_exports_to_italy"}, 1)]),
    ],
    "sme_italy_eu": [
        (["area", "year", "measure"], {"size_class": "all"}, [({"size_class": "sme"}, 1), ({"size_class": "large"}, 1)]),
        (["area", "year", "measure"], {"size_class": "=100", "measure": "share_*"},
         [({"size_class": "sme"}, 1), ({"size_class": "large"}, 1)]),
        (["area", "year", "measure"], {"size_class": "=100", "measure": "share_*"},
         [({"size_class": "micro_and_small"}, 1), ({"size_class": "medium"}, 1), ({"size_class": "large"}, 1)]),
        (["area", "year", "measure"], {"size_class": "sme"},
         [({"size_class": c}, 1) for c in ("micro", "small", "medium")]),
    ],
    "istat_census_size": [
        (["year", "measure"], {"size_class": "3+"}, [({"size_class": c}, 1) for c in ("3-9", "10-49", "50-249", "250+")]),
        (["year", "measure"], {"size_class": "50+"}, [({"size_class": c}, 1) for c in ("50-249", "250+")]),
    ],
}


def half_unit(value: float) -> float:
    """Half the last published digit of a value as stored: 13.1 -> 0.05, 74 -> 0.5, 23770 -> 5."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        return 0.5
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    if frac:
        return 0.5 * 10 ** -len(frac)
    digits = whole.lstrip("-")
    zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    return 0.5 * 10 ** zeros


def _pick(group: list[dict], selector: dict) -> list[dict]:
    """Rows matching every column of the selector; 'share_*' matches a prefix, '=100' matches anything."""
    def hit(row: dict) -> bool:
        for column, wanted in selector.items():
            if wanted == "=100":
                continue
            if wanted.endswith("*") and not str(row[column]).startswith(wanted[:-1]):
                return False
            if not wanted.endswith("*") and row[column] != wanted:
                return False
        return True
    return [row for row in group if hit(row)]


def _lower_bound(row: dict) -> bool:
    basis, note = row.get("basis"), row.get("note")
    return (isinstance(basis, str) and "lower_bound" in basis) or (isinstance(note, str) and "lower bound" in note)


def _groups(frame: pd.DataFrame, keys: list[str]) -> list[list[dict]]:
    """The rows with a value, as plain records (with their CSV line) grouped by ``keys``.

    Records, not frames: a check runs for every group of every dataset, and pandas filtering
    per group cost more than the rest of the package's checks together."""
    rows = frame[frame["value"].notna()].reset_index(names="_index").to_dict("records")
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(str(row[k]) for k in keys), []).append(row)
    return list(groups.values())


def totals_problems(pkg: datasets.Package) -> list[str]:
    """Every total that its parts do not reach within the rounding of the published figures.

    A total and its parts may differ when a note on the total or on one of its parts says why
    ("... do not add up ..."). A total of 100 is written ``=100`` in ``TOTALS``.
    """
    problems = []
    for name, specs in TOTALS.items():
        if name not in pkg.names:
            continue
        frame = pkg.load(name)
        for keys, total_sel, parts in specs:
            for group in _groups(frame, keys):
                problem = _total_problem(group, total_sel, parts)
                if problem:
                    problems.append(f"{frame.attrs['path']}, {problem}")
    return problems


def _total_problem(group: list[dict], total_sel: dict, parts: list) -> str | None:
    hundred = any(v == "=100" for v in total_sel.values())
    totals = _pick(group, total_sel)
    if hundred and not totals:
        return None
    found = [(_pick(group, sel), sign) for sel, sign in parts]
    if any(len(rows) != 1 for rows, _ in found) or (not hundred and len(totals) != 1):
        return None
    rows = [r[0] for r, _ in found] + ([] if hundred else [totals[0]])
    if any(_lower_bound(r) for r in rows) or any(EXPLAINED.search(str(r.get("note") or "")) for r in rows):
        return None
    total = 100.0 if hundred else float(totals[0]["value"])
    summed = sum(sign * float(r[0]["value"]) for r, sign in found)
    slack = sum(half_unit(r["value"]) for r in rows) + 1e-9
    if abs(summed - total) <= slack:
        return None
    lines = ", ".join(str(i + 2) for i in sorted(r["_index"] for r in rows))
    what = " + ".join(_num(sign * float(r[0]["value"])) for r, sign in found).replace("+ -", "- ")
    return (f"rows {lines}, column 'value': the parts ({what} = {_num(summed)}) do not reach the total "
            f"{_num(total)}; fix a value or say why in a note")


def _num(x: float) -> str:
    return f"{x:,.6f}".rstrip("0").rstrip(".")


def alt_problems(pkg: datasets.Package) -> list[str]:
    """An ``alt_value`` needs the ``alt_source_id`` it comes from."""
    problems = []
    for name in pkg.names:
        frame = pkg.load(name)
        if "alt_value" not in frame:
            continue
        for i, row in frame.iterrows():
            if row.alt_value is not None and not _missing(row.alt_value) and not _text(row.get("alt_source_id")):
                problems.append(f"{frame.attrs['path']}, row {i + 2}, column 'alt_source_id': "
                                "an alt_value needs the source it comes from")
    return problems


# --- entry point -------------------------------------------------------------------------------

RULES = (quote_problems, alt_problems, totals_problems)


def run(root=None) -> tuple[list[str], list[str]]:
    """(problems, warnings) of every rule in this module on the package at ``root``."""
    pkg = datasets.package(root)
    problems, warnings = source_problems(pkg)
    for rule in RULES:
        problems.extend(rule(pkg))
    return problems, warnings
