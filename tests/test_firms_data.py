"""Section 1.1 data shaping: the census size mix, the shift in employment, SME and sector shares.

Transforms are checked on small synthetic frames with known answers (same columns and attrs as the
real datasets); the real data only through invariants.
"""

import numpy as np
import pandas as pd
import pytest

from analysis import datasets
from analysis.common import editions
from analysis.firms import data as firms_data
from conftest import DATA


def like(name: str, rows: list[dict]) -> pd.DataFrame:
    """A synthetic frame with the real dataset's columns and attrs (so editions and provenance work)."""
    real = datasets.load(name, DATA)
    defaults = {"status": "verified_secondary", "source_id": real.source_id.iloc[0], "quote": "synthetic",
                "formula": None, "note": None, "unit": "%"}
    frame = pd.DataFrame([{**defaults, **row} for row in rows])[list(real.columns)]
    frame.attrs = dict(real.attrs)
    return frame


def census_rows(shares: dict[int, dict[str, float]], measure: str = "share_of_employment") -> pd.DataFrame:
    return like("istat_census_size", [{"year": y, "size_class": c, "measure": measure, "value": v}
                                      for y, by_class in shares.items() for c, v in by_class.items()])


# --- the census size mix ---------------------------------------------------------------------

def test_size_mix_orders_classes_by_size_and_drops_gaps():
    frame = census_rows({2000: {"250+": 30.0, "3-9": 40.0, "50-249": None, "10-49": 30.0}})
    mix = firms_data.size_mix(frame, "share_of_employment")
    assert list(mix.size_class) == ["3-9", "10-49", "250+"]
    assert mix.attrs["resource"]["name"] == "istat_census_size"


def test_size_mix_shares_of_the_real_census_add_to_100_in_every_complete_year():
    census = datasets.load("istat_census_size", DATA)
    partitions = [{"3-9", "10-49", "50-249", "250+"}, {"3-9", "10-49", "50+"}]
    for measure in ("share_of_firms", "share_of_employment"):
        mix = firms_data.size_mix(census, measure)
        totals = mix.groupby("year").value.sum()
        complete = [y for y, g in mix.groupby("year") if set(g.size_class) in partitions]
        assert len(complete) >= 2, measure
        assert np.allclose(totals[complete], 100, atol=0.3), (measure, totals.to_dict())
        assert (totals <= 100.3).all(), (measure, totals.to_dict())


def test_employment_shift_measures_both_changes_and_flags_a_reversal():
    # 2000 and 2010 were published long before the thesis; 2030 cannot have been.
    frame = census_rows({2000: {"3-9": 30.0, "250+": 20.0}, 2010: {"3-9": 29.0, "250+": 21.0},
                         2030: {"3-9": 27.5, "250+": 20.0}})
    shift = firms_data.employment_shift(firms_data.size_mix(frame, "share_of_employment")).set_index("size_class")
    assert shift.loc["3-9", "seen_year"] == 2010 and shift.loc["3-9", "newest_year"] == 2030
    assert shift.loc["3-9", "change_then"] == pytest.approx(-1.0)
    assert shift.loc["3-9", "change_since"] == pytest.approx(-1.5)
    assert shift.loc["3-9", "continues"]
    assert not shift.loc["250+", "continues"]


def test_employment_shift_of_the_real_census_ends_at_the_newest_year():
    census = datasets.load("istat_census_size", DATA)
    shift = firms_data.employment_shift(firms_data.size_mix(census, "share_of_employment"))
    assert (shift.newest_year == editions.newest(census)).all()
    assert (shift.first_year < shift.seen_year).all() and (shift.seen_year <= shift.newest_year).all()
    assert abs(shift.change_since.sum()) < 0.5, "shares that add to 100 move by changes that add to ~0"


# --- Italy beside the EU ---------------------------------------------------------------------

def sme_rows(rows):
    return like("sme_italy_eu", [{"size_class": "sme", **r} for r in rows])


def test_italy_vs_eu_pairs_the_newest_common_year_and_adds_italys_newer_values():
    frame = sme_rows([
        {"area": "Italy", "year": "2015", "measure": "share_of_employment", "value": 70.0},
        {"area": "Italy", "year": "2017", "measure": "share_of_employment", "value": 71.0},
        {"area": "EU-28", "year": "2017", "measure": "share_of_employment", "value": 60.0},
        {"area": "Italy", "year": "2017", "measure": "share_of_firms", "value": 99.0},
        {"area": "EU-28", "year": "2018", "measure": "share_of_firms", "value": 98.0},
        {"area": "Italy", "year": "2022", "measure": "share_of_employment", "value": 72.0},
        {"area": "Italy", "year": "2022", "measure": "share_of_value_added", "value": None, "status": "not_found"},
    ])
    out = firms_data.italy_vs_eu(frame)
    assert out.attrs["paired_year"] == 2017
    assert set(out.group) == {"Italy 2017", "EU-28 2017", "EU-28 2018", "Italy 2022"}
    assert out.value.notna().all()


def test_paired_year_refuses_data_with_no_common_year():
    frame = sme_rows([{"area": "Italy", "year": "2017", "measure": "share_of_firms", "value": 99.0},
                      {"area": "EU-28", "year": "2017", "measure": "share_of_employment", "value": 60.0}])
    with pytest.raises(KeyError):
        firms_data.paired_year(frame)


def test_italy_vs_eu_on_real_data_has_each_measure_for_italy_and_the_eu():
    out = firms_data.italy_vs_eu(datasets.load("sme_italy_eu", DATA))
    pair = out[out.year_num.sub(out.attrs["paired_year"]).abs() <= 1]
    for measure in firms_data.SME_MEASURES:
        areas = set(pair[pair.measure == measure].area)
        assert "Italy" in areas and areas - {"Italy"}, measure
    assert out.value.between(0, 100).all()


# --- the economy's structure -----------------------------------------------------------------

def structure_rows(rows):
    return like("italy_economy_structure", [{"indicator": "share_of_gdp", **r} for r in rows])


def test_thesis_vs_source_takes_the_thesis_year_and_subtracts():
    frame = structure_rows([
        {"year": 2010, "sector": "industry", "value": 20.0, "status": "thesis_quoted", "source_id": "thesis"},
        {"year": 2010, "sector": "industry", "value": 21.5},
        {"year": 2011, "sector": "industry", "value": 30.0},
    ])
    out = firms_data.thesis_vs_source(frame).set_index("sector")
    assert firms_data.thesis_year(frame) == 2010
    assert out.loc["industry", "source"] == pytest.approx(21.5)
    assert out.loc["industry", "difference"] == pytest.approx(-1.5)


def test_gdp_year_is_the_newest_year_with_all_three_sectors():
    frame = structure_rows([{"year": y, "sector": s, "value": 10.0}
                            for y, sectors in {2010: ["agriculture", "industry", "services"],
                                               2012: ["industry", "services"]}.items() for s in sectors])
    assert firms_data.gdp_year(frame) == 2010


def test_sector_shares_of_the_real_data_fill_each_bar():
    shares = firms_data.sector_shares(datasets.load("italy_economy_structure", DATA))
    totals = shares.groupby("indicator").value.sum()
    assert set(totals.index) == {"share_of_gdp", "employment_share"}
    assert np.allclose(totals, 100, atol=0.1), totals.to_dict()
    assert not shares.duplicated(["indicator", "sector"]).any()
    assert (shares.status != "thesis_quoted").all()
