"""Chapter 3's tidy frames and lookups: synthetic rankings with known answers, the real data through invariants."""

import numpy as np
import pandas as pd
import pytest

from analysis import datasets
from analysis.common import lines
from analysis.risk import data as risk_data
from analysis.risk.labels import NOT_AVAILABLE, UNKNOWN
from conftest import DATA


@pytest.fixture(scope="module")
def italy():
    return datasets.load("allianz_italy", DATA)


@pytest.fixture(scope="module")
def world():
    return datasets.load("allianz_global", DATA)


def ranks(template, rows) -> pd.DataFrame:
    """Allianz-shaped rows from (edition, rank, risk, share) tuples, with the real dataset's attrs."""
    frame = pd.DataFrame([{"edition": e, "rank": r, "risk": n, "value": v, "unit": "% of responses",
                           "status": "not_found" if n == UNKNOWN else "verified_secondary",
                           "source_id": "risk_agcs_arb", "quote": "", "formula": "", "note": ""}
                          for e, r, n, v in rows])
    frame.attrs = dict(template.attrs)
    return frame


# --- one edition ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["allianz_italy", "allianz_global"])
def test_every_edition_is_ranked_in_order_with_gaps_unfilled(name):
    allianz = datasets.load(name, DATA)
    for edition in allianz.edition.unique():
        rows = risk_data.ranking(allianz, edition)
        assert rows["rank"].is_monotonic_increasing and rows["rank"].between(1, 10).all(), edition
        assert rows.y.is_monotonic_increasing, edition
        gaps = rows[~rows.known]
        assert (gaps.risk_label == NOT_AVAILABLE).all() and gaps.value.isna().all(), edition
        assert len(rows) == int((allianz.edition == edition).sum())


def test_a_lower_rank_never_has_a_larger_published_share(italy, world):
    for allianz in (italy, world):
        for _, rows in allianz.dropna(subset=["value"]).groupby("edition"):
            ordered = rows.sort_values("rank")
            assert ordered.value.is_monotonic_decreasing


def test_ties_are_drawn_apart_but_keep_their_rank(italy):
    frame = ranks(italy, [(2030, 1, "A", np.nan), (2030, 1, "B", np.nan), (2030, 3, "C", np.nan)])
    rows = risk_data.ranking(frame, 2030)
    first = rows[rows["rank"] == 1]
    assert first.tied.all() and first.y.nunique() == 2 and (first.y - 1).abs().max() < 0.5
    assert not rows[rows["rank"] == 3].tied.any()


@pytest.mark.parametrize("rows, expected", [
    ([(2030, r, UNKNOWN, np.nan) for r in range(1, 11)], "all"),
    ([(2030, r, f"risk {r}", np.nan) for r in range(1, 11)], "none"),
    ([(2030, r, f"risk {r}", np.nan) for r in range(1, 5)] + [(2030, r, UNKNOWN, np.nan) for r in range(5, 11)], "5-10"),
    ([(2030, 1, "a", np.nan), (2030, 2, UNKNOWN, np.nan), (2030, 3, "c", np.nan), (2030, 4, UNKNOWN, np.nan)], "2, 4"),
    ([(2030, 7, "a", np.nan), (2030, 7, UNKNOWN, np.nan), (2030, 10, UNKNOWN, np.nan)], "7 (tie), 10"),
])
def test_unknown_ranks_are_described_from_the_rows(italy, rows, expected):
    assert risk_data.unknown_ranks(ranks(italy, rows), 2030) == expected


def test_a_missing_edition_counts_as_all_unknown(italy):
    assert risk_data.unknown_ranks(italy, int(italy.edition.max()) + 1) == "all"


def test_share_of_refuses_a_rank_without_a_published_share(italy):
    row = italy[(italy.risk != UNKNOWN) & italy.value.isna()].iloc[0]
    with pytest.raises(KeyError):
        risk_data.share_of(italy, row.edition, row.risk)
    assert risk_data.rank_of(italy, row.edition, row.risk) == row["rank"]


def test_place_says_tied_only_when_the_rank_is_shared(italy):
    frame = ranks(italy, [(2030, 1, "A", 40.0), (2030, 1, "B", 40.0), (2030, 3, "C", 20.0)])
    assert risk_data.place(frame, 2030, "A").startswith("tied ")
    assert not risk_data.place(frame, 2030, "C").startswith("tied")


# --- editions over time ------------------------------------------------------------------------------

def test_a_missing_edition_splits_a_risk_s_line(italy):
    frame = ranks(italy, [(e, 1, "A", np.nan) for e in (2017, 2018, 2020, 2021)])
    points = risk_data.known_ranks(frame)
    run = lines.runs(points, by=["risk"], period="edition", needs="rank")
    assert run.iloc[0] == run.iloc[1] != run.iloc[2] == run.iloc[3]


def test_pairs_use_only_risks_ranked_in_both_editions(italy):
    pairs = risk_data.rank_pairs(italy)
    known = italy[italy.risk != UNKNOWN]
    for (a, b), sub in pairs.dropna(subset=["risk"]).groupby(["edition_from", "edition_to"]):
        assert b == a + 1
        assert set(sub.risk) == set(known[known.edition == a].risk) & set(known[known.edition == b].risk)
    assert UNKNOWN not in set(pairs.risk)


def test_a_pair_with_no_shared_risk_is_kept(italy):
    frame = ranks(italy, [(2030, 1, "A", np.nan), (2031, 1, "B", np.nan)])
    pairs = risk_data.rank_pairs(frame)
    assert list(pairs.pair) == ["2030-2031"] and pairs.risk.isna().all()


def test_top_two_run_starts_where_the_same_pair_began(italy):
    rows = [(2019, 1, "A", np.nan), (2019, 2, "C", np.nan), (2020, 1, UNKNOWN, np.nan), (2020, 2, UNKNOWN, np.nan),
            (2021, 1, "A", np.nan), (2021, 2, "B", np.nan), (2022, 1, "B", np.nan), (2022, 2, "A", np.nan)]
    start, end, names = risk_data.top_two_run(ranks(italy, rows))
    assert (start, end, set(names)) == (2021, 2022, {"A", "B"})
    assert risk_data.top_two_run(ranks(italy, rows[:6])) is None  # one edition is not a run


def test_headline_shares_keep_leaders_with_enough_published_shares(world):
    data = risk_data.headline_shares(world, top=3, min_shares=2)
    leaders = set(world.loc[(world["rank"] <= 3) & (world.risk != UNKNOWN), "risk"])
    assert set(data.risk) <= leaders
    assert (data[data.has_share].groupby("risk").size() >= 2).all()
    assert data.loc[data.has_share, "value"].notna().all() and data.loc[~data.has_share, "value"].isna().all()


# --- concept datasets ----------------------------------------------------------------------------------

def test_tree_puts_children_right_under_their_parent():
    frame = datasets.load("risk_types", DATA)
    tree = risk_data.tree(frame, "Business risk")
    assert len(tree) == len(frame)
    for i, row in tree.iterrows():
        if row.group != "Business risk":
            parent = tree.loc[:i][tree.loc[:i].group == "Business risk"].iloc[-1]
            assert row.group == parent.risk_type


def test_iso_process_lists_the_steps_in_their_order():
    iso = datasets.load("iso31000_process", DATA)
    steps = risk_data.iso_process(iso).query("kind == 'step'")
    assert list(steps.step_order) == sorted(iso.step_order.dropna())


def test_shared_note_keeps_only_what_every_row_says(italy):
    frame = pd.DataFrame({"note": ["an image; rebuilt; one", "an image; rebuilt; two", "an image; rebuilt"]})
    assert risk_data.shared_note(frame) == "An image; rebuilt."
    assert risk_data.shared_note(pd.DataFrame({"note": ["a; b", "c; b"]})) == ""
