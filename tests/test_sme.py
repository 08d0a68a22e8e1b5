"""The EU SME check (analysis/firms/sme.py and the page's script): cases at and around every ceiling.

Each case names its figures by the ceilings of the data ("small" is the small category's ceiling,
"small-" just below it, "small+" just above, "huge" far above every ceiling), so the table states the
Recommendation's rule, never a number: the headcount test must be met, then the turnover test OR the
balance-sheet test, and the smallest category met is the class. The same cases run in Python, in the
page's script under node, and in Chromium on the built page.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pandas as pd
import pytest

from analysis import datasets
from analysis.firms import sme
from conftest import DATA, ROOT

SCRIPT = ROOT / "book/_static/sme-check.js"
BROWSER = ROOT / "tests/browser/sme-check.js"
PAGE = "book/ch1-italy/1-1-economy-and-firms.html"
STEP = 0.01  # "just below" and "just above" a ceiling (0.01 persons in annual work units, EUR 10,000)

#: (headcount, turnover, balance sheet) -> class, deciding rule, why not the next smaller category
CASES = [
    # headcount at and around each ceiling, both financial figures at zero
    ("micro-", "0", "0", "micro", "headcount_and_both", None),
    ("micro", "0", "0", "small", "headcount_and_both", "headcount"),
    ("micro+", "0", "0", "small", "headcount_and_both", "headcount"),
    ("small-", "0", "0", "small", "headcount_and_both", "headcount"),
    ("small", "0", "0", "medium", "headcount_and_both", "headcount"),
    ("small+", "0", "0", "medium", "headcount_and_both", "headcount"),
    ("medium-", "0", "0", "medium", "headcount_and_both", "headcount"),
    ("medium", "0", "0", "large", "headcount_above", "headcount"),
    ("medium+", "0", "0", "large", "headcount_above", "headcount"),
    ("huge", "0", "0", "large", "headcount_above", "headcount"),
    # turnover at and around each ceiling, the balance sheet far above every ceiling
    ("0", "micro-", "huge", "micro", "headcount_and_turnover", None),
    ("0", "micro", "huge", "micro", "headcount_and_turnover", None),
    ("0", "micro+", "huge", "small", "headcount_and_turnover", "financial"),
    ("0", "small-", "huge", "small", "headcount_and_turnover", "financial"),
    ("0", "small", "huge", "small", "headcount_and_turnover", "financial"),
    ("0", "small+", "huge", "medium", "headcount_and_turnover", "financial"),
    ("0", "medium-", "huge", "medium", "headcount_and_turnover", "financial"),
    ("0", "medium", "huge", "medium", "headcount_and_turnover", "financial"),
    ("0", "medium+", "huge", "large", "both_financial_above", "financial"),
    # the balance sheet at and around each ceiling, turnover far above every ceiling
    ("0", "huge", "micro-", "micro", "headcount_and_balance_sheet", None),
    ("0", "huge", "micro", "micro", "headcount_and_balance_sheet", None),
    ("0", "huge", "micro+", "small", "headcount_and_balance_sheet", "financial"),
    ("0", "huge", "small-", "small", "headcount_and_balance_sheet", "financial"),
    ("0", "huge", "small", "small", "headcount_and_balance_sheet", "financial"),
    ("0", "huge", "small+", "medium", "headcount_and_balance_sheet", "financial"),
    ("0", "huge", "medium-", "medium", "headcount_and_balance_sheet", "financial"),
    ("0", "huge", "medium", "medium", "headcount_and_balance_sheet", "financial"),
    ("0", "huge", "medium+", "large", "both_financial_above", "financial"),
    # one financial test is enough, in every category
    ("micro-", "huge", "micro", "micro", "headcount_and_balance_sheet", None),
    ("micro-", "micro", "huge", "micro", "headcount_and_turnover", None),
    ("small-", "small", "small+", "small", "headcount_and_turnover", "headcount"),
    ("medium-", "medium+", "medium", "medium", "headcount_and_balance_sheet", "headcount"),
    ("medium-", "medium", "medium+", "medium", "headcount_and_turnover", "headcount"),
    # both financial ceilings at once: met (a class) or missed (the next class up)
    ("micro-", "micro", "micro", "micro", "headcount_and_both", None),
    ("micro-", "micro+", "micro+", "small", "headcount_and_both", "financial"),
    ("small-", "small+", "small+", "medium", "headcount_and_both", "financial"),
    ("medium-", "medium+", "medium+", "large", "both_financial_above", "financial"),
    # headcount decides even when both financial figures are tiny
    ("medium", "micro-", "micro-", "large", "headcount_above", "headcount"),
]

_CRITERION = {0: sme.HEADCOUNT, 1: sme.TURNOVER, 2: sme.BALANCE_SHEET}


@pytest.fixture(scope="module")
def definition():
    return datasets.load("eu_sme_definition", DATA)


@pytest.fixture(scope="module")
def table(definition):
    return sme.ceilings(definition)


def resolve(spec: str, criterion: str, table: dict) -> float:
    """'small-' -> the small category's ceiling of this criterion minus STEP; '0'; 'huge'."""
    if spec == "0":
        return 0.0
    if spec == "huge":
        return 1000 * max(tests[criterion].ceiling for tests in table.values())
    category, shift = spec.rstrip("+-"), {"+": STEP, "-": -STEP}.get(spec[-1], 0.0)
    return table[category][criterion].ceiling + shift


def resolved_cases(table: dict) -> list[dict]:
    out = []
    for *specs, category, rule, smaller_failed in CASES:
        h, t, b = (resolve(s, _CRITERION[i], table) for i, s in enumerate(specs))
        out.append({"case": " / ".join(specs), "headcount": round(h, 6), "turnover": round(t, 6),
                    "balance": round(b, 6), "category": category, "rule": rule, "smaller_failed": smaller_failed})
    return out


# --- Python -----------------------------------------------------------------------------------

def test_the_cases_touch_every_ceiling_of_the_data_at_and_on_both_sides(table):
    for i, criterion in _CRITERION.items():
        used = {case[i] for case in CASES}
        for category in table:
            assert {category + "-", category, category + "+"} <= used, (category, criterion)


@pytest.mark.parametrize("case", range(len(CASES)))
def test_each_case_gets_the_class_and_rule_the_recommendation_gives(case, table):
    want = resolved_cases(table)[case]
    got = sme.decide(want["headcount"], want["turnover"], want["balance"], table)
    assert (got.category, got.rule, got.smaller_failed) == (want["category"], want["rule"], want["smaller_failed"]), \
        want["case"]


def test_categories_are_ordered_by_headcount_and_every_test_is_read_from_the_data(definition, table):
    heads = [tests[sme.HEADCOUNT].ceiling for tests in table.values()]
    assert heads == sorted(heads) and len(table) == definition.category.nunique()
    for row in definition.itertuples():
        ceiling = table[row.category][row.criterion]
        assert (ceiling.ceiling, ceiling.comparison, ceiling.unit) == (row.value, row.comparison, row.unit)


def test_a_changed_ceiling_in_the_data_changes_the_class(definition):
    # a synthetic definition: the medium balance-sheet ceiling raised to the turnover ceiling (the thesis's reading)
    table = sme.ceilings(definition)
    medium = list(table)[-1]
    turnover = table[medium][sme.TURNOVER].ceiling
    between = (table[medium][sme.BALANCE_SHEET].ceiling + turnover) / 2
    figures = (0, 2 * turnover, between)
    assert sme.decide(*figures, table).category == sme.LARGE
    edited = definition.copy()
    edited.loc[(edited.category == medium) & (edited.criterion == sme.BALANCE_SHEET), "value"] = turnover
    assert sme.decide(*figures, sme.ceilings(edited)).category == medium


def test_a_strict_ceiling_excludes_its_own_value_and_an_inclusive_one_includes_it():
    strict = sme.Ceiling("x", "<", 10.0, "persons")
    inclusive = sme.Ceiling("x", "<=", 10.0, "persons")
    assert not strict.passes(10.0) and strict.passes(9.99)
    assert inclusive.passes(10.0) and not inclusive.passes(10.01)
    with pytest.raises(ValueError):
        sme.Ceiling("x", ">", 10.0, "persons").passes(1.0)


def test_a_gap_or_a_missing_test_in_the_definition_is_an_error_not_a_guess(definition):
    gap = definition.copy()
    gap.loc[gap.index[0], "value"] = float("nan")
    with pytest.raises(KeyError):
        sme.ceilings(gap)
    with pytest.raises(KeyError):
        sme.ceilings(definition[definition.criterion != sme.BALANCE_SHEET])


@pytest.mark.parametrize("figures", [(-1, 0, 0), (0, float("nan"), 0), (0, 0, -0.5)])
def test_negative_or_missing_figures_are_refused(figures, table):
    with pytest.raises(ValueError):
        sme.decide(*figures, table)


def test_the_page_block_carries_every_ceiling_and_cannot_close_the_script_early(definition, table):
    tag = sme.script_tag(definition)
    assert tag.startswith('<script type="application/json" id="sme-thresholds">') and tag.count("</script>") == 1
    data = json.loads(tag.split(">", 1)[1].rsplit("<", 1)[0])
    assert [c["category"] for c in data["categories"]] == list(table)
    for c in data["categories"]:
        for criterion, ceiling in table[c["category"]].items():
            assert c[criterion] == {"comparison": ceiling.comparison, "value": ceiling.ceiling, "unit": ceiling.unit}
    assert data["recommendation"] == int(definition.year.max())


# --- the page's script, under node (no browser needed) ----------------------------------------

def _node():
    node = shutil.which("node")
    if not node:
        if os.environ.get("CI"):
            pytest.fail("CI must provide node")
        pytest.skip("needs node")
    return node


def test_the_page_script_gives_the_same_class_and_rule_as_python(definition, table):
    cases = resolved_cases(table)
    program = (
        "const m = require(process.argv[1]); const data = JSON.parse(process.argv[2]);"
        "const cases = JSON.parse(process.argv[3]);"
        "console.log(JSON.stringify(cases.map(c => { const d = m.decide(c.headcount, c.turnover, c.balance, data);"
        " return {category: d.category, rule: d.rule, smaller_failed: d.smallerFailed,"
        " words: m.sentences(d, c.headcount, c.turnover, c.balance)}; })));"
    )
    proc = subprocess.run([_node(), "-e", program, str(SCRIPT), json.dumps(sme.payload(definition)), json.dumps(cases)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for want, got in zip(cases, json.loads(proc.stdout), strict=True):
        assert (got["category"], got["rule"], got["smaller_failed"]) == \
            (want["category"], want["rule"], want["smaller_failed"]), want["case"]
        assert got["words"] and all(line.endswith(".") for line in got["words"]), want["case"]


# --- the built page, in Chromium ---------------------------------------------------------------

@pytest.fixture
def built_site(book) -> Path:
    """The HTML folder of the test session's one build (conftest.py)."""
    return book.site()


def _chromium_and_node():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    node = shutil.which("node")
    ready = chromium and node and (ROOT / "tests/a11y/node_modules/playwright-core").exists()
    if not ready and not os.environ.get("NODE_PATH"):
        if os.environ.get("CI"):
            pytest.fail("CI must provide chromium, node and tests/a11y/node_modules (see .ci/run)")
        pytest.skip("needs chromium and `npm ci --prefix tests/a11y`")
    return chromium, node


def _serve(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_the_built_page_gives_the_same_classes_in_chromium_and_keeps_its_table_without_javascript(
        built_site, table, tmp_path):
    chromium, node = _chromium_and_node()
    cases = resolved_cases(table)
    cases_file = tmp_path / "cases.json"
    cases_file.write_text(json.dumps(cases), encoding="utf-8")
    server = _serve(built_site)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{PAGE}"
        proc = subprocess.run([node, str(BROWSER), chromium, url, str(cases_file)],
                              capture_output=True, text=True, timeout=600)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = json.loads(proc.stdout)
    assert found["form"] and found["form"]["visible"], "the check is not on the page (is sme-check.js loaded?)"
    assert all(field["label"] for field in found["form"]["labelled"]) and len(found["form"]["labelled"]) == 3
    assert found["form"]["live"] == "polite"
    assert found["tabOrder"] == ["sme-turnover", "sme-balance", "button"]
    assert found["external"] == []
    for want, got in zip(cases, found["results"], strict=True):
        assert (got["category"], got["rule"]) == (want["category"], want["rule"]), want["case"]
        assert want["category"] in got["text"], want["case"]
    # without JavaScript: no dead form, and the static table of ceilings is still there
    assert found["noscript"]["formHidden"]
    assert found["noscript"]["tableRows"] == len(table)
