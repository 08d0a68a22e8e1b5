"""Source and quote rules: every document has an address, every cited id exists, every verified quote
carries its number, and totals agree with their parts."""

import pytest

from analysis import datasets, sources_rules
from conftest import DATA, rewrite


def run(root):
    return sources_rules.run(root)


def test_the_real_package_passes_every_rule():
    problems, _ = run(DATA)
    assert problems == []


# --- the quote rule on synthetic rows ------------------------------------------------------------

@pytest.mark.parametrize("value, unit, quote", [
    (141.48, "CNY bn", "the core commerce segment clocked revenue to hit 141.48 billion yuan"),
    (141.48, "CNY bn", "Revenue was RMB141,480 million"),
    (21730, "CNY bn", "Exports grew by 21.2% to RMB21.73 trillion"),
    (4564.27, "CNY bn", "2020年中国服务进出口总额45642.7亿元,同比下降15.7%"),
    (5298.2, "CNY bn", "サービスに関する輸出入総額は5兆2982億元で前年比16.1%増"),
    (101598.6, "CNY bn", "um 2,3 Prozent auf 101,5986 Billionen Yuan"),
    (32155.7, "CNY bn", "auf 32,1557 Billionen Yuan erhöht"),
    (12.89, "EUR bn", "ha raggiunto i 12,89 miliardi di euro"),
    (13.5, "EUR bn", "nel 2017 ammontava a 13,5 mld"),
    (821000, "firms", "I due terzi delle imprese (821 mila, pari al 79,5% del totale)"),
    (79.5, "%", "I due terzi delle imprese (821 mila, pari al 79,5% del totale)"),
    (3749330, "firms", "le imprese italiane erano in totale 3.749.330"),
    (3716277, "persons", "3 789 0.1% 3 716 277 296.2 … 24.3% 37.1%"),
    (930, "thousand persons", "Primary Industries Employment 2019 930"),
    (5846, "thousand persons", "Secondary Industries Employment 2019 5,846"),
    (97700000, "persons", "employed 97.7 million people"),
    (4.4, "%", "l'agricoltura pesa il 4,4 per cento"),
    (21.52701, "%", "ita,2019,21.52701"),
    (43, "EUR m", "Medium-sized | < 250 | ≤ € 50 m | ≤ € 43 m"),
    (7, "platforms", "submit takedown requests across all seven e-commerce platforms"),
    (-41.1, "EUR bn", "deficit … 41,1 miliardi"),
    (10700, "RMB m", "to hit around 10.7 billion yuan ($1.53 billion)"),
    (33000, "persons", "33 mila addetti"),
])
def test_a_quote_that_carries_its_value(value, unit, quote):
    assert sources_rules.carries(value, unit, quote)


@pytest.mark.parametrize("value, unit, quote, why", [
    (21700, "CNY bn", "21.2 % of the value of exports, up to 21.7 billion yuan", "billion written for trillion"),
    (247615, "RMB m", "Revenue by segment is as follows: Year ended March 31, 2019 2020 2021 (in millions of RMB)",
     "a table header, not the line"),
    (17, "% of responses", "- Cyber incidents 38% - Business interruption 31% - Climate change 19% …",
     "the quote stops before the value"),
    (10.71, "CNY bn", "to hit around 10.7 billion yuan", "a rounder figure than the row"),
    (3, "product groups", "in the food and beverage, clothes and design, and industrial technology sectors",
     "a list, not a number"),
    (1234.5, "EUR m", "1.234 milioni", "a different number"),
    (12.9, "EUR bn", "", "an empty quote"),
])
def test_a_quote_that_does_not_carry_its_value(value, unit, quote, why):
    assert not sources_rules.carries(value, unit, quote), why


def test_both_thousands_conventions_are_read():
    assert sources_rules.readings("1,234") == {1234.0, 1.234}
    assert sources_rules.readings("1.234,5") == {1234.5}
    assert sources_rules.readings("1,234.5") == {1234.5}
    assert sources_rules.readings("101,5986") == {101.5986}


def test_a_verified_row_whose_quote_lost_its_number_is_refused(data_copy):
    rewrite(data_copy / "italy_china_trade_istat.csv", '"a 12,9 nel 2019"', '"nel 2019"')
    problems, _ = run(data_copy)
    assert any("italy_china_trade_istat.csv, row" in p and "does not carry the value 12.9 EUR bn" in p
               for p in problems)


def test_a_derived_row_needs_no_number_in_its_quote(data_copy):
    problems, _ = run(data_copy)
    frame = datasets.load("italy_china_trade_istat", data_copy)
    assert (frame.status == "derived").any() and problems == []


# --- sources ------------------------------------------------------------------------------------

def test_a_source_without_an_address_is_refused(data_copy):
    rewrite(data_copy / "sources.csv", "https://www.efanews.eu/item/35874-istat-meno-imprese-1-2-ma-piu-addetti-3-8-dal-2018-al-2021.html", "")
    problems, _ = run(data_copy)
    assert any("source 'istat_census_2023_efanews' has no address" in p for p in problems)


def test_the_thesis_needs_no_address(data_copy):
    problems, _ = run(data_copy)
    assert not any("'thesis'" in p for p in problems)


def test_a_note_citing_an_unknown_source_is_refused(data_copy):
    rewrite(data_copy / "italy_china_trade_gacc.csv", "Chinese customs (GACC) basis. The parts",
            "Chinese customs (GACC) basis [source: no_such_page]. The parts")
    problems, _ = run(data_copy)
    assert any("italy_china_trade_gacc.csv, row 2, column 'note': [source: no_such_page] is not a source_id" in p
               for p in problems)


def test_an_uncited_source_is_a_warning_not_a_problem(data_copy):
    with (data_copy / "sources.csv").open("a", encoding="utf-8") as handle:
        handle.write("spare_page,Someone,A page nobody cites,https://example.org/page,secondary,,2026-11-28\n")
    problems, warnings = run(data_copy)
    assert problems == []
    assert any("source 'spare_page' is cited by no row and no note" in w for w in warnings)


def test_a_cited_note_counts_as_a_citation():
    assert sources_rules.cited_in("also at [source: trade_nbs_2021_aseancn]; see [source: x_y]") == \
        ["trade_nbs_2021_aseancn", "x_y"]


def test_an_alt_value_needs_its_source(data_copy):
    rewrite(data_copy / "italy_china_trade_istat.csv", ",13.2,trade_eurostat_agi_2020,", ",13.2,,")
    problems, _ = run(data_copy)
    assert any("italy_china_trade_istat.csv, row" in p and "an alt_value needs the source" in p for p in problems)


# --- totals and their parts -----------------------------------------------------------------------

def test_half_units_follow_the_published_precision():
    assert sources_rules.half_unit(13.1) == pytest.approx(0.05)
    assert sources_rules.half_unit(74) == 0.5
    assert sources_rules.half_unit(23770) == 5
    assert sources_rules.half_unit(4564.27) == pytest.approx(0.005)


def test_a_total_its_parts_do_not_reach_is_refused(data_copy):
    rewrite(data_copy / "italy_china_trade_istat.csv", "2017,imports,,28.4,", "2017,imports,,27.4,")
    problems, _ = run(data_copy)
    assert any("italy_china_trade_istat.csv, rows" in p and "(13.5 + 27.4 = 40.9) do not reach the total 42" in p
               for p in problems)


def test_rounded_parts_may_miss_the_total_by_their_rounding():
    # 13.5 + 28.4 = 41.9 against a published 42: within half a unit of each figure
    assert sources_rules.totals_problems(datasets.package(DATA)) == []


def test_a_note_may_say_why_a_total_differs(data_copy):
    rewrite(data_copy / "italy_china_trade_gacc.csv", "The parts do not add up to this total", "The parts disagree")
    problems, _ = run(data_copy)
    assert any("italy_china_trade_gacc.csv, rows 2, 3, 4" in p for p in problems)


def test_a_balance_is_exports_minus_imports(data_copy):
    rewrite(data_copy / "china_macro_trade.csv", "2020,goods_trade,balance,preliminary,,3709.6,",
            "2020,goods_trade,balance,preliminary,,3719.6,")
    problems, _ = run(data_copy)
    assert any("(17,932.6 - 14,223.1 = 3,709.5) do not reach the total 3,719.6" in p for p in problems)


def test_shares_add_to_a_hundred(data_copy):
    rewrite(data_copy / "sme_italy_eu.csv", "Italy,2022,large,share_of_employment,24.3,",
            "Italy,2022,large,share_of_employment,25.3,")
    problems, _ = run(data_copy)
    assert any("sme_italy_eu.csv, rows" in p and "do not reach the total 100" in p for p in problems)


def test_the_data_readme_and_changelog_cite_known_sources_only(data_copy):
    with (data_copy / "CHANGELOG.md").open("a", encoding="utf-8") as handle:
        handle.write("\n- a page we forgot to add [source: forgotten_page]\n")
    problems, _ = run(data_copy)
    assert any("CHANGELOG.md, line" in p and "[source: forgotten_page] is not a source_id" in p for p in problems)


def test_a_placeholder_in_angle_brackets_is_not_a_citation():
    assert sources_rules.cited_in("notes cite documents as [source: <source_id>]") == []
