"""Domain checks: sums and orders that a schema cannot express."""

from analysis import checks, datasets, validate
from conftest import DATA, set_value


def test_the_real_package_passes_every_check():
    assert checks.run_all(DATA) == []


def test_a_mistyped_share_breaks_the_census_sum(data_copy):
    # 79.5 typed as 97.5: the three published shares of 2018 (adding to 100) now add to 118
    set_value(data_copy / "istat_census_size.csv", 97.5, year=2018, size_class="3-9", measure="share_of_firms")
    sums = [p for p in validate.problems(data_copy) if "istat_census_size.csv, rows" in p]  # not the quote's row
    assert len(sums) == 1 and "column 'value'" in sums[0] and "2018" in sums[0] and "118.0" in sums[0]


def test_a_segment_that_does_not_add_up(data_copy):
    seg = datasets.load("alibaba_segment_revenue", data_copy)
    parents = set(seg.parent_segment.dropna())
    leaf = seg[seg.parent_segment.isna() & seg.value.notna() & ~seg.segment.isin(parents)].iloc[0]
    set_value(data_copy / "alibaba_segment_revenue.csv", leaf.value + 100, fiscal_year=leaf.fiscal_year,
              segment=leaf.segment)
    problems = checks.run_all(data_copy)
    assert len(problems) == 1
    assert "alibaba_segment_revenue.csv, rows" in problems[0] and f"FY{leaf.fiscal_year}" in problems[0]


def test_a_rank_with_a_larger_share_than_the_one_above(data_copy):
    italy = datasets.load("allianz_italy", data_copy).dropna(subset=["value"])
    edition = italy[italy.edition == italy.edition.min()].sort_values("rank")
    first, second = edition.iloc[0], edition.iloc[1]
    set_value(data_copy / "allianz_italy.csv", second.value - 1, edition=first.edition, risk=first.risk)
    problems = checks.run_all(data_copy)
    assert len(problems) == 1
    assert "allianz_italy.csv, rows" in problems[0] and str(first.edition) in problems[0]


def test_checks_wait_for_well_formed_files(data_copy):
    set_value(data_copy / "istat_census_size.csv", 97.5, year=2018, size_class="3-9", measure="share_of_firms")
    (data_copy / "eu_sme_definition.csv").write_text("wrong,header\n", encoding="utf-8")
    problems = validate.problems(data_copy)
    assert len(problems) == 1 and "eu_sme_definition.csv" in problems[0]
