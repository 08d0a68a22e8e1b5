"""Section 1.2: China's economy and trade, Italy-China trade, cross-border e-commerce, and two models."""

import altair as alt
import numpy as np
import pandas as pd
import pytest

from analysis import datasets, trade
from conftest import DATA, rewrite


@pytest.fixture(scope="module")
def macro():
    return datasets.load("china_macro_trade", DATA)


@pytest.fixture(scope="module")
def istat():
    return datasets.load("italy_china_trade_istat", DATA)


@pytest.fixture(scope="module")
def gacc():
    return datasets.load("italy_china_trade_gacc", DATA)


@pytest.fixture(scope="module")
def ecom():
    return datasets.load("china_crossborder_ecommerce", DATA)


@pytest.fixture(scope="module")
def retail():
    return datasets.load("china_online_retail", DATA)


def _csv(name):
    """The raw CSV, read without the package's loader, to check values against."""
    return pd.read_csv(DATA / f"{name}.csv", dtype={"period": str})


# --- China's GDP and trade -----------------------------------------------------------------

def test_macro_value_keeps_the_two_2019_vintages_apart(macro):
    raw = _csv("china_macro_trade")
    gdp = raw[(raw.year == 2019) & (raw.indicator == "gdp")].set_index("vintage").value
    assert trade.macro_value(macro, 2019, "gdp") == pytest.approx(gdp["preliminary"])
    assert trade.macro_value(macro, 2019, "gdp", vintage="revised") == pytest.approx(gdp["revised"])
    assert gdp["revised"] < gdp["preliminary"]


def test_macro_value_refuses_gaps(macro):
    with pytest.raises(KeyError):
        trade.macro_value(macro, 2019, "services_trade")  # not_found in the data


def test_macro_series_draws_only_first_published_values_on_the_line(macro):
    series = trade.macro_series(macro)
    assert series.attrs["resource"]["name"] == "china_macro_trade"
    per_year = series[series.vintage == "preliminary"].groupby(["series", "year"]).size()
    assert (per_year == 1).all(), "one first-published value per series and year"
    assert set(series[series.vintage == "revised"].year) == {2019}


def test_macro_chart_states_the_vintage(macro):
    spec = trade.china_macro_chart(macro).to_dict()
    subtitle = " ".join(spec["title"]["subtitle"])
    assert f"{trade.macro_value(macro, 2019, 'gdp'):,.1f}" in subtitle
    assert f"{trade.macro_value(macro, 2019, 'gdp', vintage='revised'):,.1f}" in subtitle
    assert "preliminary" in subtitle


def test_goods_vs_services_flags_the_services_total_only(macro):
    data = trade.goods_vs_services(macro, 2020)
    flagged = data[data.thesis_total]
    assert len(flagged) == 1 and flagged.indicator.iloc[0] == "services_trade" and flagged.flow.iloc[0] == "total"
    services = data[data.indicator == "services_trade"].set_index("flow").value
    assert services["total"] == pytest.approx(services["exports"] + services["imports"], abs=0.1)
    goods = data[data.indicator == "goods_trade"].set_index("flow").value
    assert goods["total"] > services["total"]


def test_goods_vs_services_note_names_the_thesis_figure(macro):
    spec = trade.goods_vs_services_chart(macro).to_dict()
    note = spec["usermeta"]["note"]
    assert f"{trade.macro_value(macro, 2020, 'services_trade'):,.1f}" in note
    assert "services" in note and "goods" in note.lower()


# --- Italy-China trade (ISTAT) ---------------------------------------------------------------

def test_istat_annual_keeps_gaps_and_drops_part_years(istat):
    data = trade.istat_annual(istat)
    assert data.period.str.fullmatch(r"\d{4}").all()
    gap = data[(data.year == 2011) & (data.flow == "imports")]
    assert len(gap) == 1 and gap.value.isna().all() and gap.basis.iloc[0] == "not available"
    assert data[(data.year == 2016) & (data.flow == "exports")].lower_bound.all()


def test_line_runs_never_cross_a_missing_year(istat):
    data = trade.istat_annual(istat)
    avail = data[data.value.notna()]
    for _, run in avail.groupby("run"):
        assert (run.year.sort_values().diff().dropna() == 1).all()
    exports = avail[avail.flow == "exports"]
    assert exports.run.nunique() >= 2, "the 2014-2015 gap must split the export line"


def test_italy_china_chart_shows_gaps_and_reads_its_title_from_data(istat):
    spec = trade.italy_china_chart(istat).to_dict()
    title = " ".join(spec["title"]["text"])
    exp, imp = trade.istat_value(istat, 2023, "exports"), trade.istat_value(istat, 2023, "imports")
    assert f"{imp / exp:.1f} times" in title
    assert "not available" in spec["description"]
    assert "2015" in spec["usermeta"]["note"]
    assert {d["name"] for d in spec["usermeta"]["provenance"]["datasets"]} == {"italy_china_trade_istat"}


def test_italy_china_chart_follows_the_data(data_copy):
    rewrite(data_copy / "italy_china_trade_istat.csv", "2023,exports,16.8,19.2,", "2023,exports,16.8,23.8,")
    istat = datasets.load("italy_china_trade_istat", data_copy)
    title = " ".join(trade.italy_china_chart(istat).to_dict()["title"]["text"])
    assert "23.8" in title


def test_a_removed_year_becomes_a_gap(data_copy):
    path = data_copy / "italy_china_trade_istat.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(l for l in text if not l.startswith("2018,")) + "\n", encoding="utf-8")
    istat = datasets.load("italy_china_trade_istat", data_copy)
    assert 2018 in trade.missing_years(trade.istat_annual(istat))


def test_mirror_never_mixes_recorders_or_units(istat, gacc):
    data = trade.mirror(istat, gacc)
    units = data.groupby("recorder").unit.unique()
    assert all(len(u) == 1 for u in units)
    assert set(data[data.recorder.str.startswith("ISTAT")].unit) == {"EUR bn"}
    assert set(data[data.recorder.str.startswith("Chinese")].unit) == {"USD bn"}
    assert set(data.direction) == {"Italian goods into China", "Chinese goods into Italy"}
    spec = trade.mirror_chart(istat, gacc).to_dict()
    assert len(spec["hconcat"]) == 2
    names = {d["name"] for d in spec["usermeta"]["provenance"]["datasets"]}
    assert names == {"italy_china_trade_istat", "italy_china_trade_gacc"}


def test_then_and_now_cuts_at_the_cutoff(istat):
    for cutoff in (2018, 2020):
        data = trade.then_and_now(istat, cutoff)
        views = list(dict.fromkeys(data.view))
        assert data[data.view == views[0]].year.max() <= cutoff
        assert data[data.view == views[1]].year.max() == trade.istat_annual(istat).year.max()
    spec = trade.then_and_now_chart(istat, 2018).to_dict()
    assert len(spec["hconcat"]) == 2 and spec["resolve"]["scale"]["y"] == "shared"


def test_istat_table_keeps_every_row(istat):
    table = trade.istat_table(istat)
    assert len(table) == len(istat)
    assert (table.basis == "not available").sum() == istat.value.isna().sum()


def test_import_export_ratios_skip_lower_bounds(istat):
    ratios = trade.import_export_ratios(istat)
    raw = _csv("italy_china_trade_istat").set_index(["period", "flow"]).value
    assert ratios[2019] == pytest.approx(raw[("2019", "imports")] / raw[("2019", "exports")])
    assert 2016 not in ratios.index


# --- level shift (HAC) --------------------------------------------------------------------

def _synthetic_istat(istat, shift=3.0, trend=0.4, noise=0.0, seed=0):
    """ISTAT rows with exports replaced by a known line plus a step from 2021."""
    out = istat.copy()
    out.attrs = dict(istat.attrs)
    rng = np.random.default_rng(seed)
    mask = (out.flow == "exports") & out.period.str.fullmatch(r"\d{4}") & out.value.notna()
    years = out.loc[mask, "period"].astype(int)
    out.loc[mask, "value"] = 10 + trend * (years - 2021) + shift * (years >= 2021) + rng.normal(0, noise, len(years))
    return out


def test_level_shift_recovers_a_known_step(istat):
    exact = trade.level_shift(_synthetic_istat(istat, shift=3.0), flows=("exports",)).iloc[0]
    assert exact.shift_bn == pytest.approx(3.0) and exact.trend == pytest.approx(0.4)
    noisy = trade.level_shift(_synthetic_istat(istat, shift=3.0, noise=0.2, seed=1), flows=("exports",)).iloc[0]
    assert noisy.ci_low < 3.0 < noisy.ci_high and noisy.ci_low > 0


def test_level_shift_sees_no_step_when_there_is_none(istat):
    result = trade.level_shift(_synthetic_istat(istat, shift=0.0, noise=0.3, seed=2), flows=("exports",)).iloc[0]
    assert result.ci_low < 0 < result.ci_high


def test_level_shift_leaves_out_lower_bounds_and_gaps(istat):
    result = trade.level_shift(istat).set_index("flow")
    assert "2016" in result.loc["exports", "dropped_lower_bounds"]
    assert "2016" not in result.loc["exports", "years"].split(", ")
    n_exports = trade.istat_annual(istat).query("flow == 'exports' and not lower_bound").value.notna().sum()
    assert result.loc["exports", "n"] == n_exports
    assert (result.maxlags == 1).all() and (result.se_hac > 0).all()


def test_level_shift_needs_years_on_both_sides(istat):
    with pytest.raises(ValueError):
        trade.level_shift(istat, break_year=2030)


def test_level_shift_chart_title_follows_both_intervals(istat):
    result = trade.level_shift(istat)
    title = lambda r: " ".join(trade.level_shift_chart(istat, r).to_dict()["title"]["text"])
    cols = ["ci_low", "ci_high", "ci_low_ols", "ci_high_ols"]
    exports = result.flow == "exports"
    flat, up, mixed = result.copy(), result.copy(), result.copy()
    flat.loc[exports, cols] = [-1.0, 1.0, -1.5, 1.5]
    up.loc[exports, cols] = [0.5, 1.0, 0.2, 1.3]
    mixed.loc[exports, cols] = [0.5, 1.0, -0.2, 1.3]
    assert "no shift distinguishable" in title(flat)
    assert "above their earlier trend" in title(up)
    assert "too few years to rule out" in title(mixed)


def test_shift_verdict_is_only_firm_when_both_intervals_agree(istat):
    result = trade.level_shift(istat)
    cols = ["ci_low", "ci_high", "ci_low_ols", "ci_high_ols"]
    firm = result.copy()
    firm[cols] = [[0.5, 1.0, 0.2, 1.3]] * len(firm)
    assert "clear under both" in trade.shift_verdict(firm)
    soft = result.copy()
    soft[cols] = [[0.5, 1.0, -0.2, 1.3]] * len(soft)
    assert "cannot firmly separate" in trade.shift_verdict(soft)


# --- cross-border e-commerce -------------------------------------------------------------------

def test_thesis_table_is_shown_as_not_available(ecom):
    data = trade.crossborder(ecom)
    thesis = data[data.edition == "alizila_2017_thesis"]
    assert len(thesis) == 7 and thesis.value.isna().all()
    assert (thesis.kind_label == "not available").all() and (thesis.label == "n/a").all()
    spec = trade.crossborder_chart(ecom).to_dict()
    assert "Table 2" in spec["usermeta"]["note"]
    assert "not available" in spec["description"].lower() or "no available value" in spec["description"]


def test_editions_are_never_joined(ecom):
    data = trade.crossborder(ecom)
    avail = data[data.value.notna()]
    for run, rows in avail.groupby("run"):
        assert rows.edition.nunique() == 1
        assert (rows.year.sort_values().diff().dropna() == 1).all()


def test_crossborder_title_names_a_real_revision(ecom):
    title = " ".join(trade.crossborder_chart(ecom).to_dict()["title"]["text"])
    raw = _csv("china_crossborder_ecommerce")
    y2017 = raw[(raw.year == 2017) & raw.value.notna()].value
    assert f"{y2017.max():.1f}" in title and f"{y2017.min():.1f}" in title


def _edition(ecom, edition, values, kind=None):
    out = ecom.copy()
    out.attrs = dict(ecom.attrs)
    for year, value in values.items():
        mask = (out.edition == edition) & (out.year == year)
        out.loc[mask, ["value", "status"]] = [value, "verified_secondary"]
        if kind:
            out.loc[mask, "kind"] = kind
    return out


def test_growth_recovers_a_known_rate(ecom):
    values = {y: 50 * 1.25 ** (y - 2014) for y in range(2014, 2021)}
    result = trade.crossborder_growth(_edition(ecom, "emarketer_2016_06", values))
    row = result[result.selected].iloc[0]
    assert row.edition == "emarketer_2016_06" and row.growth == pytest.approx(0.25)


def test_growth_prefers_estimates_when_there_are_enough(ecom):
    values = {y: 40 * 1.10 ** (y - 2014) for y in range(2014, 2021)}
    result = trade.crossborder_growth(_edition(ecom, "emarketer_2016_06", values, kind="estimate"))
    row = result[result.selected].iloc[0]
    assert row.basis == "estimates only" and row.n_fit == 7 and row.growth == pytest.approx(0.10)


def test_growth_on_real_data_falls_back_and_says_so(ecom):
    result = trade.crossborder_growth(ecom)
    assert result.selected.sum() == 1
    row = result[result.selected].iloc[0]
    estimates = ecom[(ecom.kind == "estimate") & ecom.value.notna()].groupby("edition").size()
    assert estimates.max() < row.min_points and row.basis.startswith("all values")
    assert row.ci_low < row.growth < row.ci_high
    assert "forecasts included" in trade.growth_statement(result)
    assert result[~result.selected].growth.isna().all(), "short editions get no fit"


def test_growth_with_too_few_points_says_so_instead_of_fitting(ecom):
    result = trade.crossborder_growth(ecom, min_points=10)
    assert not result.selected.any() and result.growth.isna().all()
    assert "no growth rate is estimated" in trade.growth_statement(result)
    out = trade.crossborder_growth_chart(ecom, result)
    assert not isinstance(out, alt.TopLevelMixin)


# --- online retail and numbers for the prose ------------------------------------------------

def test_online_retail_title_reads_the_data(retail):
    raw = _csv("china_online_retail")
    row = raw[(raw.year == 2020) & (raw.measure == "online_retail_sales")].iloc[0]
    title = " ".join(trade.online_retail_chart(retail).to_dict()["title"]["text"])
    assert f"{row.value:,.0f}" in title and f"{row.yoy_change_pct:.1f}%" in title


def test_key_numbers_are_plain_and_read_from_data(macro, istat, gacc, ecom, retail):
    numbers = trade.key_numbers(macro, istat, gacc, ecom, retail)
    assert all(isinstance(v, (int, float, str)) and not isinstance(v, np.generic) for v in numbers.values())
    raw = _csv("china_macro_trade")
    services = raw[(raw.year == 2020) & (raw.indicator == "services_trade") & (raw.flow == "total")].iloc[0]
    assert numbers["services_2020"] == pytest.approx(services.value)
    assert numbers["services_2020_fall"] == pytest.approx(-services.yoy_change_pct)
    assert numbers["thesis_table_available"] == 0
    model = trade.model_numbers(trade.level_shift(istat), trade.crossborder_growth(ecom), istat)
    assert all(isinstance(v, (int, float, str)) and not isinstance(v, np.generic) for v in model.values())
    assert model["shift_missing_years"] == "2014, 2015"


CHARTS = {
    "china_macro_chart": lambda d: trade.china_macro_chart(d["macro"]),
    "goods_vs_services_chart": lambda d: trade.goods_vs_services_chart(d["macro"]),
    "italy_china_chart": lambda d: trade.italy_china_chart(d["istat"]),
    "mirror_chart": lambda d: trade.mirror_chart(d["istat"], d["gacc"]),
    "then_and_now_chart": lambda d: trade.then_and_now_chart(d["istat"]),
    "crossborder_chart": lambda d: trade.crossborder_chart(d["ecom"]),
    "crossborder_growth_chart": lambda d: trade.crossborder_growth_chart(d["ecom"], trade.crossborder_growth(d["ecom"])),
    "online_retail_chart": lambda d: trade.online_retail_chart(d["retail"]),
    "level_shift_chart": lambda d: trade.level_shift_chart(d["istat"], trade.level_shift(d["istat"])),
}


@pytest.mark.parametrize("builder", list(CHARTS))
def test_charts_carry_title_alt_text_and_sources(builder, macro, istat, gacc, ecom, retail):
    spec = CHARTS[builder](dict(macro=macro, istat=istat, gacc=gacc, ecom=ecom, retail=retail)).to_dict()
    lines = spec["title"]["text"] if isinstance(spec["title"]["text"], list) else [spec["title"]["text"]]
    assert lines and all(len(line) <= 62 for line in lines)
    assert spec["description"].endswith(".") and len(spec["description"]) > 80
    prov = spec["usermeta"]["provenance"]
    assert prov["datasets"][0]["version"] and prov["sources"]
    assert all(s["publisher"] for s in prov["sources"])
