"""Section 1.1: the EU definition, the census mix and the rounding test."""

import numpy as np
import pandas as pd
import pytest

from analysis import datasets, firms
from conftest import DATA, rewrite


@pytest.fixture(scope="module")
def census():
    return datasets.load("istat_census_size", DATA)


def test_definition_keeps_the_asymmetric_medium_ceiling():
    table = firms.definition_table(datasets.load("eu_sme_definition", DATA)).set_index("category")
    assert list(table.index) == ["Micro", "Small", "Medium"]
    assert table.loc["Medium", "annual_turnover"] == "at most 50 million"
    assert table.loc["Medium", "balance_sheet_total"] == "at most 43 million"
    assert table.loc["Small", "staff_headcount"] == "fewer than 50"


def test_census_value_reads_the_data_and_refuses_gaps(census):
    assert firms.census_value(census, 2018, "3-9", "share_of_firms") == pytest.approx(79.5)
    with pytest.raises(KeyError):
        firms.census_value(census, 2018, "50-249", "share_of_value_added")


def test_size_mix_keeps_metadata_and_order(census):
    mix = firms.size_mix(census, "share_of_employment")
    assert mix.attrs["resource"]["name"] == "istat_census_size"
    assert set(mix.year) == {2011, 2018, 2021}
    shares = mix.groupby("year").value.sum()
    assert np.allclose(shares, 100, atol=0.3), "employment shares of the four classes should add to ~100%"


def test_rounding_test_finds_the_real_shift(census):
    result = firms.rounding_test(census).set_index("size_class")
    micro = result.loc["Micro (3-9)"]
    assert micro.change_pp == pytest.approx(28.1 - 30.5)
    assert micro.slope_pp_per_decade < 0 and micro.ci_high < 0 and micro.p_value < 0.001
    assert result.loc["Large (250+)"].slope_pp_per_decade > 0


def test_rounding_test_does_not_flag_rounding_noise(data_copy):
    # A class whose shares differ only in the last rounded digit must not look like a trend.
    path = data_copy / "istat_census_size.csv"
    for year, new in ((2011, "16.0"), (2018, "16.1"), (2021, "16.0")):
        text = path.read_text(encoding="utf-8")
        old = {2011: "16.0", 2018: "16.1", 2021: "16.9"}[year]
        rewrite(path, f"{year},50-249,share_of_employment,{old},", f"{year},50-249,share_of_employment,{new},")
    result = firms.rounding_test(datasets.load("istat_census_size", data_copy)).set_index("size_class")
    assert result.loc["Medium (50-249)"].p_value > 0.05


def test_italy_vs_eu_pairs_italy_with_the_eu():
    data = firms.italy_vs_eu(datasets.load("sme_italy_eu", DATA))
    emp = data[(data.measure == "share_of_employment") & (data.year_num == 2017)].set_index("area").value
    assert emp["Italy"] > emp["EU-28"]
    assert data.value.notna().all()


@pytest.mark.parametrize("builder", ["firm_mix_chart", "employment_chart", "italy_vs_eu_chart"])
def test_charts_carry_title_alt_text_and_sources(builder, census):
    arg = datasets.load("sme_italy_eu", DATA) if builder == "italy_vs_eu_chart" else census
    spec = getattr(firms, builder)(arg).to_dict()
    assert spec["title"]["text"] and spec["description"].endswith(".")
    assert all(len(line) <= 62 for line in ([spec["title"]["text"]] if isinstance(spec["title"]["text"], str) else spec["title"]["text"]))
    prov = spec["usermeta"]["provenance"]
    assert prov["datasets"][0]["version"] and prov["sources"]
    assert all(s["publisher"] for s in prov["sources"])


def test_rounding_chart_title_follows_the_result(census):
    result = firms.rounding_test(census)
    title = lambda r: " ".join(firms.rounding_chart(census, r).to_dict()["title"]["text"])
    assert "every size class" in title(result)
    result.loc[0, "p_value"] = 0.5
    assert "3 of 4" in title(result)


def test_then_and_now_cuts_at_the_thesis_census(census):
    spec = firms.then_and_now_chart(census, cutoff=2018).to_dict()
    assert len(spec["hconcat"]) == 2
    datasets_in_spec = spec["datasets"].values()
    years = {row["year"] for rows in datasets_in_spec for row in rows}
    assert years == {2011, 2018, 2021}
    assert "up to 2018" in spec["description"] and "adding 2021" in spec["description"]
