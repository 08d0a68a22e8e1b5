"""Section 1.2 data: lookups and tidy frames, on synthetic frames with known answers and real-data invariants."""

import numbers

import numpy as np
import pandas as pd
import pytest

from analysis import datasets
from analysis.common import editions
from analysis.trade import data as trade_data
from analysis.trade.labels import EDITIONS, ISTAT_BASES, LOWER_BOUND, NOT_AVAILABLE, THESIS_TABLE
from conftest import DATA, rewrite

NAMES = ("china_macro_trade", "italy_china_trade_istat", "italy_china_trade_gacc", "china_crossborder_ecommerce",
         "china_online_retail")


@pytest.fixture(scope="module")
def real():
    return {name: datasets.load(name, DATA) for name in NAMES}


def like(real_frame: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """A synthetic frame with the real dataset's columns and attrs (so editions and provenance work)."""
    frame = pd.DataFrame([{col: None for col in real_frame.columns} | row for row in rows], columns=real_frame.columns)
    frame["value"] = frame.value.astype(float)
    frame.attrs = dict(real_frame.attrs)
    return frame


def istat_rows(real_istat, values: dict, flow: str = "exports", extra: dict | None = None) -> list[dict]:
    """ISTAT-shaped rows, one per period in ``values``; ``extra[period]`` overrides some cells."""
    extra = extra or {}
    return [{"period": str(p), "flow": flow, "value": v, "unit": "EUR bn", "status": "verified_secondary", "basis": "istat",
             "source_id": real_istat.source_id.iloc[0], **extra.get(p, {})} for p, v in values.items()]


# --- lookups ----------------------------------------------------------------------------------------

def test_macro_value_returns_the_asked_vintage_and_change(real):
    macro = like(real["china_macro_trade"], [
        {"year": 2019, "indicator": "gdp", "flow": "total", "vintage": "preliminary", "value": 100.0,
         "yoy_change_pct": 6.0},
        {"year": 2019, "indicator": "gdp", "flow": "total", "vintage": "revised", "value": 98.0}])
    assert trade_data.macro_value(macro, 2019, "gdp") == 100.0
    assert trade_data.macro_value(macro, 2019, "gdp", vintage="revised") == 98.0
    assert trade_data.macro_change(macro, 2019, "gdp") == 6.0


def test_lookups_refuse_a_gap_instead_of_guessing(real):
    with pytest.raises(KeyError):
        trade_data.macro_value(real["china_macro_trade"], 2019, "services_trade")  # not_found in the data
    istat = like(real["italy_china_trade_istat"], istat_rows(real["italy_china_trade_istat"], {2019: np.nan}))
    with pytest.raises(KeyError):
        trade_data.istat_value(istat, 2019, "exports")


def test_istat_value_reads_one_period_and_flow(real):
    istat = like(real["italy_china_trade_istat"], istat_rows(real["italy_china_trade_istat"], {2018: 1.5, 2019: 2.5}))
    assert trade_data.istat_value(istat, 2019, "exports") == 2.5


# --- ISTAT annual series -----------------------------------------------------------------------------

def test_istat_annual_drops_part_years_keeps_gaps_and_marks_lower_bounds(real):
    src = real["italy_china_trade_istat"]
    istat = like(src, istat_rows(src, {2015: 1.0, 2016: 2.0, 2017: np.nan, "2018-01..05": 0.5},
                                 extra={2016: {"basis": "istat_lower_bound"},
                                        2017: {"status": "not_found"}}))
    annual = trade_data.istat_annual(istat).set_index("year")
    assert list(annual.index) == [2015, 2016, 2017]
    assert annual.basis.tolist() == [ISTAT_BASES["istat"], LOWER_BOUND, NOT_AVAILABLE]
    assert annual.lower_bound.tolist() == [False, True, False]
    assert annual.attrs["resource"]["name"] == "italy_china_trade_istat"


def test_every_basis_in_the_real_series_gets_its_own_label_and_shape(real):
    from analysis.trade import marks

    annual = trade_data.istat_annual(real["italy_china_trade_istat"])
    assert annual.basis.notna().all()
    shape = marks.basis_shape(annual).to_dict()["scale"]
    assert set(shape["domain"]) == set(annual.basis) and len(set(shape["range"])) == len(shape["domain"])


def test_a_missing_year_splits_the_line_and_is_listed(real):
    src = real["italy_china_trade_istat"]
    annual = trade_data.istat_annual(like(src, istat_rows(src, {2010: 1.0, 2011: 2.0, 2013: 3.0, 2014: 4.0})))
    runs = annual.set_index("year").run
    assert runs[2010] == runs[2011] != runs[2013] == runs[2014]
    assert trade_data.missing_years(annual) == [2012]


def test_a_removed_year_in_the_csv_becomes_a_gap(data_copy):
    path = data_copy / "italy_china_trade_istat.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("2018,")) + "\n", encoding="utf-8")
    annual = trade_data.istat_annual(datasets.load("italy_china_trade_istat", data_copy))
    assert 2018 in trade_data.missing_years(annual)


def test_import_export_ratios_leave_out_lower_bounds(real):
    src = real["italy_china_trade_istat"]
    rows = (istat_rows(src, {2015: 10.0, 2016: 10.0}, extra={2016: {"basis": "istat_lower_bound"}})
            + istat_rows(src, {2015: 30.0, 2016: 50.0}, flow="imports"))
    ratios = trade_data.import_export_ratios(like(src, rows))
    assert ratios.to_dict() == {2015: pytest.approx(3.0)}


def test_the_break_year_is_the_first_year_with_a_value_after_what_the_thesis_saw(real):
    src = real["italy_china_trade_istat"]
    annual = trade_data.istat_annual(like(src, istat_rows(src, {y: float(y) for y in range(2012, 2025)})))
    seen = int(editions.last_seen(annual))
    assert trade_data.first_unseen_year(annual) == seen + 1
    gappy = trade_data.istat_annual(like(src, istat_rows(src, {y: float(y) for y in range(2012, 2025)
                                                                if y != seen + 1})))
    assert trade_data.first_unseen_year(gappy) == seen + 2


def test_then_and_now_cuts_at_the_package_cutoff_and_keeps_the_newest_year(real):
    istat = real["italy_china_trade_istat"]
    data = trade_data.then_and_now(istat)
    then, now = data[data.view == "then"], data[data.view == "now"]
    assert then.year.max() == int(data.attrs["last_seen"]) < now.year.max()
    assert now.year.max() == trade_data.istat_annual(istat).year.max()
    assert set(then.run[then.value.notna()]).isdisjoint(set(now.run))


# --- the mirror, e-commerce, retail -----------------------------------------------------------------

def test_the_mirror_never_mixes_recorders_or_units(real):
    data = trade_data.mirror(real["italy_china_trade_istat"], real["italy_china_trade_gacc"])
    assert (data.groupby("recorder").unit.nunique() == 1).all()
    assert data.unit.nunique() == 2 and data.recorder.nunique() == 2
    assert data.direction.notna().all() and data.direction.nunique() == 2


def test_editions_are_never_joined_into_one_line(real):
    data = trade_data.crossborder(real["china_crossborder_ecommerce"])
    drawn = data[data.value.notna()]
    for _, rows in drawn.groupby("run"):
        assert rows.edition.nunique() == 1 and (rows.year.diff().dropna() == 1).all()
    assert list(dict.fromkeys(data.edition)) == [e for e in EDITIONS if e in set(data.edition)]


def test_the_thesis_table_keeps_its_rows_with_no_value(real):
    data = trade_data.crossborder(real["china_crossborder_ecommerce"])
    thesis = data[data.edition == THESIS_TABLE]
    assert len(thesis) > 0 and thesis.value.isna().all() and (thesis.kind_label == NOT_AVAILABLE).all()


def test_goods_and_services_of_a_year_add_up_by_flow(real):
    macro = real["china_macro_trade"]
    year = int(editions.last_seen(macro))
    data = trade_data.goods_vs_services(macro, year)
    for _, rows in data.groupby("indicator"):
        value = rows.set_index("flow").value
        assert value["total"] == pytest.approx(value["exports"] + value["imports"], rel=0.002)


# --- numbers for the page -----------------------------------------------------------------------------

def test_key_numbers_are_plain_and_use_the_newest_year_the_thesis_saw(real):
    numbers_ = trade_data.key_numbers(*(real[n] for n in NAMES))
    assert all(isinstance(v, (numbers.Real, str)) for v in numbers_.values())
    assert numbers_["seen_year"] == int(editions.last_seen(real["china_macro_trade"]))
    assert numbers_["prev_year"] == numbers_["seen_year"] - 1
    assert numbers_["thesis_table_available"] == 0 < numbers_["thesis_table_rows"]


def test_key_numbers_follow_an_edited_csv(data_copy, real):
    raw = pd.read_csv(DATA / "italy_china_trade_istat.csv", dtype={"period": str})
    seen = int(editions.last_seen(real["china_macro_trade"]))
    old = raw[(raw.period == str(seen)) & (raw.flow == "exports")].value.iloc[0]
    rewrite(data_copy / "italy_china_trade_istat.csv", f"{seen},exports,,{old:g},", f"{seen},exports,,{old + 1:g},")
    loaded = [datasets.load(n, data_copy) for n in NAMES]
    assert trade_data.key_numbers(*loaded)["istat_exports_seen"] == pytest.approx(old + 1)
