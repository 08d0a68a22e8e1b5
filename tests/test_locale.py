"""Numbers per language (analysis/common/locale.py): Italian decimal comma and thousands point, Chinese
万/亿/万亿, and the language marks on Chinese phrases inside English HTML."""

from __future__ import annotations

import math
import random
import re

import pytest

from analysis.common import locale

ZH_UNITS = {"万亿": 1e12, "亿": 1e8, "万": 1e4}


def parse_it(text: str) -> float:
    """Read an Italian number back: '1.234,5' -> 1234.5; a point is never a decimal sign."""
    assert re.fullmatch(r"−?\d{1,3}(\.\d{3})*(,\d+)?", text), text
    return float(text.replace("−", "-").replace(".", "").replace(",", "."))


def parse_zh(text: str, currency: str = "") -> float:
    """Read a Chinese amount back: '32.16万亿元' -> 3.216e13."""
    body = text.removesuffix(currency)
    match = re.fullmatch(r"(−?[\d,]+(?:\.\d+)?)(万亿|亿|万)?", body)
    assert match, text
    return float(match.group(1).replace(",", "").replace("−", "-")) * ZH_UNITS.get(match.group(2) or "", 1)


@pytest.mark.parametrize("seed", range(5))
def test_italian_numbers_use_a_decimal_comma_and_a_thousands_point_and_read_back(seed):
    rng = random.Random(seed)
    for _ in range(200):
        value = rng.uniform(-1e7, 1e7) * rng.choice([1e-3, 1, 1])
        decimals = rng.randint(0, 3)
        text = locale.number(value, "it", decimals)
        assert "," in text if decimals else "," not in text
        assert parse_it(text) == pytest.approx(value, abs=0.5 * 10 ** -decimals + 1e-9)


def test_italian_groups_thousands_with_a_point():
    assert locale.number(1234567.891, "it", 2) == "1.234.567,89"
    assert locale.number(999.5, "it", 1) == "999,5"
    assert locale.percent(79.46, "it") == "79,5%"
    assert locale.number(-2.5, "it", 1) == "\u22122,5"


@pytest.mark.parametrize("value, unit, suffix", [
    (32155.7, "CNY bn", "万亿元"), (4564.27, "CNY bn", "万亿元"), (18.228, "CNY bn", "亿元"),
    (717289, "RMB m", "亿元"), (50, "EUR m", "万欧元"), (2.79, "USD bn", "亿美元"), (0.5, "EUR m", "万欧元"),
])
def test_chinese_amounts_are_counted_in_wan_yi_and_wanyi_and_read_back(value, unit, suffix):
    text = locale.amount(value, unit, "zh", 2)
    currency = locale.CURRENCIES[unit.split()[0]]["zh"]
    assert text.endswith(suffix)
    scale = locale.SCALES[unit.split()[1]]
    # the unit is the largest that leaves at least 1 in front of it
    digits = parse_zh(text, currency) / ZH_UNITS[suffix.removesuffix(currency)]
    assert 1 <= digits < 1e4
    assert parse_zh(text, currency) == pytest.approx(value * scale, rel=0.01)


def test_chinese_plain_numbers_below_ten_thousand_have_no_separator():
    assert locale.number(2020, "zh") == "2020"
    assert locale.number(9999.4, "zh") == "9999"
    assert locale.count(9999, "zh", 0) == "9999"
    assert locale.count(26e6, "zh", 0, "名") == "2600万名"
    assert locale.count(7.79e8, "zh", 2) == "7.79亿"
    assert locale.percent(2.0, "zh") == "2.0%"


def test_italian_amounts_say_milioni_and_miliardi_di_with_the_singular_for_one():
    assert locale.amount(12.89, "EUR bn", "it") == "12,9 miliardi di euro"
    assert locale.amount(1, "EUR bn", "it") == "1 miliardo di euro"
    assert locale.amount(43, "EUR m", "it", 0) == "43 milioni di euro"
    assert locale.amount(950, "EUR", "it") == "950 euro"
    assert locale.count(26e6, "it", 0, "acquirenti") == "26 milioni di acquirenti"
    # Italian stops at miliardi: a trillion is a thousand miliardi, with the thousands point
    assert locale.amount(32155.7, "CNY bn", "it", 0) == "32.156 miliardi di yuan"


def test_trailing_zeros_after_scaling_are_dropped_but_significant_decimals_kept():
    assert locale.amount(50, "EUR m", "zh", 2) == "5000万欧元"
    assert locale.amount(1023670, "RMB m", "zh", 2) == "1.02万亿元"
    assert locale.amount(10.5, "EUR bn", "it", 2) == "10,5 miliardi di euro"


def test_a_year_is_never_grouped():
    for lang in locale.LANGUAGES:
        assert locale.write(locale.Quantity(2021, "year"), lang) == "2021"


@pytest.mark.parametrize("bad", [float("nan"), math.inf, True, "12", None])
def test_a_gap_or_a_non_number_is_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        locale.number(bad, "it")


def test_unknown_languages_units_and_kinds_are_refused():
    with pytest.raises(ValueError):
        locale.number(1, "fr")
    with pytest.raises(ValueError):
        locale.amount(1, "GBP m", "it")
    with pytest.raises(ValueError):
        locale.write(locale.Quantity(1, "ratio"), "it")


def test_chinese_runs_in_html_text_are_marked_and_tags_are_left_alone():
    markup = '<td title="引言">Chinese introduction (引言); 在 2018年签署 … “意大利国家馆”</td>'
    marked = locale.mark_cjk(markup)
    assert marked.startswith('<td title="引言">')
    spans = re.findall(r'<span lang="zh-Hans">([^<]*)</span>', marked)
    assert spans == ["引言", "在 2018年签署 … “意大利国家馆"]
    # every Chinese character of the text nodes is inside a span
    outside = re.sub(r'<span lang="zh-Hans">[^<]*</span>|<[^>]*>', "", marked)
    assert not locale.has_cjk(outside)


@pytest.mark.parametrize("value, unit", [(32155.7, "CNY bn"), (717289, "RMB m"), (18.228, "CNY bn"), (12.89, "EUR bn")])
def test_significant_digits_keep_the_same_precision_in_every_language(value, unit):
    scale = locale.SCALES[unit.split()[1]]
    for digits in (2, 3, 4):
        zh = parse_zh(locale.amount(value, unit, "zh", significant=digits), locale.CURRENCIES[unit.split()[0]]["zh"])
        italian = locale.amount(value, unit, "it", significant=digits)
        it_number = parse_it(italian.split()[0]) * {"miliardi": 1e9, "milioni": 1e6}[italian.split()[1]]
        for read in (zh, it_number):
            assert read == pytest.approx(value * scale, rel=0.5 * 10 ** (1 - digits))
        # decimals only where the digits asked for need them (integer digits are never rounded away)
        whole, _, decimals = italian.split()[0].partition(",")
        assert len(decimals) == max(0, digits - len(whole.replace(".", "")))
