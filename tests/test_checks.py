"""Domain checks: sums and orders that a schema cannot express."""

from analysis import checks, datasets, validate
from conftest import DATA, rewrite


def test_the_real_package_passes_every_check():
    assert checks.run_all(DATA) == []


def test_a_mistyped_share_breaks_the_census_sum(data_copy):
    rewrite(data_copy / "istat_census_size.csv", "2018,3-9,share_of_firms,79.5,", "2018,3-9,share_of_firms,97.5,")
    problems = validate.problems(data_copy)
    assert len(problems) == 1
    assert "istat_census_size.csv, rows" in problems[0] and "share_of_firms for 2018 adds to 118.0" in problems[0]


def test_a_segment_that_does_not_add_up(data_copy):
    rewrite(data_copy / "alibaba_segment_revenue.csv", "2019,cloud_computing,,24702,", "2019,cloud_computing,,24802,")
    problems = checks.run_all(data_copy)
    assert any("top-level segments in FY2019 add to" in p and "alibaba_segment_revenue.csv, rows" in p for p in problems)


def test_a_rank_with_a_larger_share_than_the_one_above(data_copy):
    rewrite(data_copy / "allianz_italy.csv", "2017,1,Business interruption,36,", "2017,1,Business interruption,6,")
    problems = checks.run_all(data_copy)
    assert any("allianz_italy.csv, rows 2, 3" in p and "edition 2017" in p for p in problems)


def test_checks_wait_for_well_formed_files(data_copy):
    rewrite(data_copy / "istat_census_size.csv", ",79.5,%,", ",79.5,pct,")
    problems = validate.problems(data_copy)
    assert len(problems) == 1 and "column 'unit'" in problems[0]
