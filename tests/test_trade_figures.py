"""Section 1.2 figures and tables: structure, valid specs and the numbers they draw, never their wording."""

import json
import re

import pandas as pd
import pytest

from analysis import datasets
from analysis.common import editions
from analysis.trade import data as trade_data, ecommerce_figures, figures, marks, models, tables
from analysis.trade.labels import EVIDENCE, THESIS_TABLE
from conftest import DATA, rewrite

UNITS = re.compile(r"billion|bn|%|euros|dollars|yuan", re.I)
YEAR_AXES = {"Year", "Year the sales refer to"}


@pytest.fixture(scope="module")
def loaded():
    return {name: datasets.load(name, DATA) for name in
            ("china_macro_trade", "italy_china_trade_istat", "italy_china_trade_gacc",
             "china_crossborder_ecommerce", "china_online_retail")}


def page_figures(d) -> dict:
    """Every figure on page 1.2, built as the page builds it."""
    macro, istat, gacc = d["china_macro_trade"], d["italy_china_trade_istat"], d["italy_china_trade_gacc"]
    ecom, retail = d["china_crossborder_ecommerce"], d["china_online_retail"]
    annual = trade_data.istat_annual(istat)
    return {
        "china_macro": figures.china_macro(macro),
        "goods_vs_services": figures.goods_vs_services(macro, int(editions.last_seen(macro)),
                                                       callout=("services_trade", "total", "marked")),
        "italy_china": figures.italy_china(istat),
        "mirror": figures.mirror(istat, gacc),
        "then_and_now": figures.then_and_now(istat),
        "level_shift": figures.level_shift(annual, models.level_shift(annual)),
        "crossborder": ecommerce_figures.crossborder(ecom),
        "crossborder_growth": ecommerce_figures.crossborder_growth(models.crossborder_growth(ecom)),
        "online_retail": ecommerce_figures.online_retail(retail),
    }


@pytest.fixture(scope="module")
def specs(loaded):
    return {key: chart.to_dict() for key, chart in page_figures(loaded).items()}


def _title(spec) -> str:
    text = spec["title"]["text"]
    return text if isinstance(text, str) else " ".join(text)


def _walk(node, found):
    if isinstance(node, dict):
        for channel in ("x", "y"):
            field = node.get("encoding", {}).get(channel)
            if isinstance(field, dict) and field.get("type") == "quantitative" and field.get("title"):
                found.append(field["title"])
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)
    return found


def _rows(spec) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


# --- every figure -----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["china_macro", "goods_vs_services", "italy_china", "mirror", "then_and_now",
                                 "level_shift", "crossborder", "crossborder_growth", "online_retail"])
def test_every_spec_on_the_page_is_strict_json(specs, key):
    json.dumps(specs[key], allow_nan=False)


def test_every_figure_has_a_unique_trade_name_alt_text_and_a_source(specs):
    names = [s["usermeta"]["name"] for s in specs.values()]
    assert len(set(names)) == len(names) and all(n.startswith("trade-") for n in names)
    for spec in specs.values():
        assert len(spec["description"]) > 40 and spec["description"].endswith(".")
        prov = spec["usermeta"]["provenance"]
        assert prov["datasets"] and all(d["version"] for d in prov["datasets"])
        assert prov["sources"] and all(s["publisher"] for s in prov["sources"]), spec["usermeta"]["name"]


def test_every_value_axis_names_its_unit(specs):
    for key, spec in specs.items():
        titles = [t for t in _walk(spec, []) if t not in YEAR_AXES]
        assert titles, key
        assert all(UNITS.search(t) for t in titles), (key, titles)


# --- every figure and table cites the sources of the rows it draws, and no others ---------------------

def _cited(item) -> set[str]:
    prov = item.to_dict()["usermeta"]["provenance"] if hasattr(item, "to_dict") else item.payload["provenance"]
    return {s["id"] for s in prov["sources"]}


def _ids(*frames) -> set[str]:
    return set().union(*(set(f.source_id.dropna()) for f in frames))


def _drawn_rows(d) -> dict:
    """Per figure or table: the rows of the datasets it draws (or quotes in its note), selected here."""
    macro, istat, gacc = d["china_macro_trade"], d["italy_china_trade_istat"], d["italy_china_trade_gacc"]
    ecom = d["china_crossborder_ecommerce"]
    annual = trade_data.istat_annual(istat)  # full calendar years
    trade = annual[annual.flow.isin(["exports", "imports"])]
    seen = int(editions.last_seen(macro))
    gacc_years = {int(str(p)[:4]) for p in gacc[gacc.flow != "total"].period}
    chosen = models.crossborder_growth(ecom).selected
    fitted = {(r.flow, int(y)) for r in models.level_shift(annual).itertuples() for y in r.years.split(", ")}
    return {
        "trade-china-macro": [macro[macro.indicator.isin(["gdp", "goods_trade"]) & macro.value.notna()]],
        "trade-goods-vs-services": [macro[(macro.year == seen) & macro.flow.isin(["total", "exports", "imports"])
                                          & macro.indicator.isin(["goods_trade", "services_trade"])
                                          & (macro.vintage == "preliminary")]],
        "trade-italy-china": [trade, annual[(annual.flow == "balance") & annual.value.notna()]],
        "trade-mirror": [gacc[gacc.flow != "total"], trade[trade.year.isin(gacc_years)]],
        "trade-then-and-now": [trade],
        "trade-level-shift": [trade[trade.value.notna()]],  # the fitted values and the lower bounds left out
        "tab-trade-level-shift": [trade[[k in fitted for k in zip(trade.flow, trade.year)]]],
        "trade-crossborder": [ecom],
        "trade-crossborder-growth": [ecom[(ecom.edition == chosen.edition)
                                          & ecom.year.isin([int(y) for y in chosen.years.split(", ")])]],
        "trade-online-retail": [d["china_online_retail"]],
    }


def test_each_figure_and_table_cites_exactly_the_sources_of_the_rows_it_draws(loaded):
    annual = trade_data.istat_annual(loaded["italy_china_trade_istat"])
    built = {**page_figures(loaded), "tab-trade-level-shift": tables.level_shift(models.level_shift(annual), annual)}
    cited = {(k if k.startswith("tab-") else item.to_dict()["usermeta"]["name"]): _cited(item)
             for k, item in built.items()}
    expected = _drawn_rows(loaded)
    assert set(cited) == set(expected)
    for name, rows in expected.items():
        assert cited[name] == _ids(*rows), name
    fit_only, drawn = cited["tab-trade-level-shift"], cited["trade-level-shift"]
    assert fit_only <= drawn < _ids(loaded["italy_china_trade_istat"]), "the level shift cites rows it never used"


# --- figure by figure -----------------------------------------------------------------------------------

def test_then_and_now_ends_its_panels_at_the_last_seen_and_the_newest_year(specs, loaded):
    spec = specs["then_and_now"]
    panels = spec["hconcat"]
    assert len(panels) == 2 and spec["resolve"]["scale"]["y"] == "shared"
    data = trade_data.then_and_now(loaded["italy_china_trade_istat"])
    drawn = pd.DataFrame([r for r in _rows(spec) if "view" in r and r.get("value") is not None])
    assert drawn[drawn.view == "then"].year.max() == int(data.attrs["last_seen"])
    assert drawn[drawn.view == "now"].year.max() == int(data.attrs["newest"])


def test_then_and_now_draws_a_year_added_to_the_data(data_copy):
    path = data_copy / "italy_china_trade_istat.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    last = max(int(line[:4]) for line in lines[1:] if re.match(r"\d{4},", line))
    added = [line.replace(f"{last},", f"{last + 1},", 1) for line in lines if line.startswith(f"{last},")]
    path.write_text("\n".join(lines + added) + "\n", encoding="utf-8")
    spec = figures.then_and_now(datasets.load("italy_china_trade_istat", data_copy)).to_dict()
    now = [r for r in _rows(spec) if r.get("view") == "now" and r.get("value") is not None]
    assert max(r["year"] for r in now) == last + 1


def test_the_level_shift_title_states_the_result_it_draws():
    istat = datasets.load("italy_china_trade_istat", DATA)
    annual = trade_data.istat_annual(istat)
    for result in (models.level_shift(annual),
                   models.level_shift(annual.assign(value=annual.year * 0.5 + (annual.year % 2) * 0.1
                                                     + (annual.year >= 2021) * 40.0))):
        verdicts = set(result.evidence)
        title = _title(figures.level_shift(annual, result).to_dict())
        assert all(EVIDENCE[v] in title for v in verdicts)
        assert all(EVIDENCE[v] not in title for v in set(EVIDENCE) - verdicts)


def test_goods_vs_services_marks_only_the_asked_bar(specs):
    marked = [r for r in _rows(specs["goods_vs_services"]) if "marked" in str(r.get("label"))]
    assert [(r["indicator"], r["flow"]) for r in marked] == [("services_trade", "total")]


def test_italy_china_title_follows_an_edited_value(data_copy):
    raw = pd.read_csv(DATA / "italy_china_trade_istat.csv", dtype={"period": str})
    full = raw[raw.period.str.fullmatch(r"\d{4}") & raw.flow.isin(["exports", "imports"]) & raw.value.notna()]
    last = full.groupby("period").flow.nunique().loc[lambda n: n == 2].index.max()
    row = full[(full.period == last) & (full.flow == "exports")].iloc[0]
    change = "" if pd.isna(row.yoy_change_pct) else f"{row.yoy_change_pct:g}"
    rewrite(data_copy / "italy_china_trade_istat.csv", f"{last},exports,{change},{row.value:g},",
            f"{last},exports,{change},{row.value + 4.6:g},")
    title = _title(figures.italy_china(datasets.load("italy_china_trade_istat", data_copy)).to_dict())
    assert f"{row.value + 4.6:.1f}" in title


def test_the_thesis_table_appears_in_the_grid_with_no_value(specs, loaded):
    rows = [r for r in _rows(specs["crossborder"]) if r.get("edition") == THESIS_TABLE]
    expected = (loaded["china_crossborder_ecommerce"].edition == THESIS_TABLE).sum()
    assert len(rows) == expected > 0 and all(r["value"] is None for r in rows)


def test_the_mirror_cites_both_recorders_in_two_panels(specs):
    spec = specs["mirror"]
    assert len(spec["hconcat"]) == 2
    names = {d["name"] for d in spec["usermeta"]["provenance"]["datasets"]}
    assert names == {"italy_china_trade_istat", "italy_china_trade_gacc"}


def test_growth_figure_without_a_fit_is_still_a_finished_chart(loaded):
    spec = ecommerce_figures.crossborder_growth(models.crossborder_growth(loaded["china_crossborder_ecommerce"],
                                                                          min_points=50)).to_dict()
    assert spec["usermeta"]["name"] == "trade-crossborder-growth" and spec["description"]
    json.dumps(spec, allow_nan=False)


# --- tables ---------------------------------------------------------------------------------------------

def test_tables_have_names_and_keep_every_row(loaded):
    istat, ecom = loaded["italy_china_trade_istat"], loaded["china_crossborder_ecommerce"]
    annual = trade_data.istat_annual(istat)
    built = {"trade-istat": (tables.istat(istat), len(istat)),
             "trade-crossborder-editions": (tables.crossborder(ecom), len(ecom)),
             "trade-level-shift": (tables.level_shift(models.level_shift(annual), annual), 2)}
    for name, (table, n_rows) in built.items():
        assert f'id="tab-{name}"' in table.html
        assert table.html.count("<tr>") == n_rows + 1


def test_a_gap_in_a_mixed_column_becomes_null_not_nan():
    frame = pd.DataFrame({"year": [2020, 2021], "run": pd.Series(["a|1", float("nan")], dtype=object),
                          "value": [1.0, float("nan")]})
    spec = marks.chart(frame).mark_line().encode(x="year:Q", y="value:Q", detail="run:N").to_dict()
    assert [r["run"] for r in _rows(spec)] == ["a|1", None]
    json.dumps(spec, allow_nan=False)
