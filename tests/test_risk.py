"""Chapter 3: the Allianz rankings, their stability, and the thesis's concept figures."""


import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import datasets, risk
from conftest import DATA, rewrite


@pytest.fixture(scope="module")
def italy():
    return datasets.load("allianz_italy", DATA)


@pytest.fixture(scope="module")
def world():
    return datasets.load("allianz_global", DATA)


@pytest.fixture(scope="module")
def result(italy, world):
    return risk.stability_both(italy, world, n_boot=300)


def _raw(italy, edition):
    return italy[italy.edition == edition]


# --- one edition -------------------------------------------------------------------------------

def test_table6_shows_every_slot_and_no_guessed_share(italy):
    rows = risk.ranking(italy, 2020)
    assert list(rows["rank"]) == list(range(1, 11))
    raw = _raw(italy, 2020)
    unknown = raw[raw.risk == risk.UNKNOWN]
    shown = rows[~rows.known]
    assert set(shown["rank"]) == set(unknown["rank"]) and (shown.risk_label == risk.NOT_AVAILABLE).all()
    assert shown.value.isna().all(), "a slot that was not found must not get a share"
    known = rows[rows.known].set_index("risk").value
    assert known.to_dict() == raw[raw.risk != risk.UNKNOWN].set_index("risk").value.to_dict()
    assert rows.attrs["resource"]["name"] == "allianz_italy"


def test_table6_html_says_not_available(italy):
    html = risk.table6(italy, 2020).html
    n_unknown = int((_raw(italy, 2020).risk == risk.UNKNOWN).sum())
    assert html.count("<em>not available</em>") == n_unknown
    assert html.count("status-not_found") == n_unknown


def test_natural_catastrophes_note_reads_the_data(italy):
    spec = risk.table6_chart(italy).to_dict()
    rank = risk.rank_of(italy, 2020, "Natural catastrophes")
    share = risk.share_of(italy, 2020, "Natural catastrophes")
    note = spec["usermeta"]["note"]
    assert f"{risk.ordinal(rank)} with {share:.0f}%" in note and "bottom of the list" in note


def test_share_of_refuses_an_unpublished_share(italy):
    with pytest.raises(KeyError):
        risk.share_of(italy, 2021, "Cyber incidents")  # rank known, share not published
    assert risk.rank_of(italy, 2021, "Cyber incidents") == 1


def test_unknown_ranks_are_described_from_the_rows(italy, world):
    assert risk.unknown_ranks(italy, 2018) == "all"
    assert risk.unknown_ranks(italy, 2021) == "none"
    assert risk.unknown_ranks(italy, 2020) == "5-10"
    assert risk.unknown_ranks(italy, 2024) == "7 (tie), 10"  # a not-found risk tied with a named one
    assert risk.unknown_ranks(world, 2025) == "none"


def test_ties_are_drawn_apart_but_keep_their_rank(italy):
    rows = risk.ranking(italy, 2024)
    first = rows[rows["rank"] == 1]
    assert len(first) == 2 and first.tied.all() and first.y.nunique() == 2
    assert (first.y - 1).abs().max() < 0.5


# --- editions over time --------------------------------------------------------------------------

def test_segments_join_consecutive_editions_only(italy):
    points = risk.known_ranks(italy)
    lines = risk.segments(points, "y")
    for _, seg in lines.groupby("segment"):
        assert len(seg) == 2 and seg.edition.max() - seg.edition.min() == 1
    # Business interruption is known in 2017 and 2019 but not 2018: no line may cross 2018.
    bi = lines[lines.risk == "Business interruption"]
    assert 2018 not in set(bi.edition) and not ((bi.edition == 2017).any())


def test_bump_chart_states_the_gaps_and_highlights_on_click(italy):
    spec = risk.bump_chart(italy).to_dict()
    params = spec.get("params", []) + [p for layer in spec["layer"] for p in layer.get("params", [])]
    assert any(p.get("bind") == "legend" and p["select"]["fields"] == ["risk"] for p in params)
    gap_rows = [r for name, rows in spec["datasets"].items() for r in rows if "gap" in r]
    assert {r["edition_label"]: r["gap"] for r in gap_rows}["2018"] == "all"
    assert "2018 all" in spec["description"]


def test_bump_chart_y_axis_is_reversed(italy):
    spec = risk.bump_chart(italy).to_dict()
    domain = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert domain[0] > domain[1], "rank 1 must be at the top"


def test_top_two_run_follows_the_data(italy, data_copy):
    run = risk._top_two_run(italy, range(2017, 2025))
    assert run[0] == 2019 and set(run[2]) == {"Business interruption", "Cyber incidents"}
    # If 2022's second place were another risk, the run would start in 2023.
    rewrite(data_copy / "allianz_italy.csv", "2022,2,Business interruption,45", "2022,2,Pandemic outbreak,45")
    rewrite(data_copy / "allianz_italy.csv", "2022,6,Pandemic outbreak", "2022,6,Business interruption")
    changed = datasets.load("allianz_italy", data_copy)
    assert risk._top_two_run(changed, range(2017, 2025))[0] == 2023


def test_global_chart_puts_italy_beside_the_world(world, italy):
    spec = risk.global_top10_chart(world, italy).to_dict()
    top = world[(world.edition == 2020) & (world["rank"] == 1)].iloc[0]
    assert top.risk in " ".join(spec["title"]["text"])
    names = [d["name"] for d in spec["usermeta"]["provenance"]["datasets"]]
    assert names == ["allianz_global", "allianz_italy"]


def test_global_chart_refuses_an_incomplete_edition(world, italy):
    with pytest.raises(ValueError):
        risk.global_top10_chart(world, italy, edition=2021)


def test_headline_shares_keep_only_published_shares_on_the_lines(world):
    data = risk.headline_shares(world)
    assert data.loc[data.has_share, "value"].notna().all()
    leaders = set(world.loc[(world["rank"] <= 3) & (world.risk != risk.UNKNOWN), "risk"])
    assert set(data.risk) <= leaders
    spec = risk.headline_chart(world, datasets.load("allianz_editions", DATA)).to_dict()
    assert "share not published" in spec["description"]


def test_then_and_now_uses_the_cutoff(italy):
    assert risk.then_and_now(italy, 2021) == (2021, int(italy.edition.max()))
    assert risk.then_and_now(italy, 2020)[0] == 2020
    spec = risk.then_and_now_chart(italy, 2021).to_dict()
    assert spec["resolve"]["scale"]["y"] == "shared"
    assert [c["title"] for c in spec["hconcat"]][0].startswith("2021 edition")


# --- stability: the statistics -------------------------------------------------------------------

def test_kendall_s_matches_scipy_on_ties():
    x, y = [1, 2, 3, 4, 4], [2, 1, 3, 5, 4]
    s = risk.kendall_s(x, y)
    tau = stats.kendalltau(x, y).statistic
    assert s / risk._tau_b_denominator(x, y) == pytest.approx(tau)


def test_exact_null_matches_scipy_exact_p_without_ties():
    x, y = [1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]
    dist = risk.null_distribution(x, y)
    assert sum(dist.values()) == pytest.approx(1)
    s = risk.kendall_s(x, y)
    p = sum(v for k, v in dist.items() if k >= s)
    assert p == pytest.approx(stats.kendalltau(x, y, method="exact", alternative="greater").pvalue)


def _synthetic(order_for_edition):
    """Five editions of six named risks, ranked as the callable says."""
    rows = []
    names = ["Business interruption", "Cyber incidents", "Natural catastrophes", "Fire, explosion",
             "Climate change", "Market developments"]
    for e in range(2019, 2024):
        for name, rank in zip(names, order_for_edition(e)):
            rows.append({"edition": e, "rank": rank, "risk": name, "value": np.nan, "status": "verified_secondary",
                         "source_id": "risk_agcs_arb"})
    frame = pd.DataFrame(rows)
    frame.attrs["resource"] = {"name": "synthetic", "path": "synthetic.csv"}
    return frame


def test_identical_rankings_give_tau_one_and_a_small_pooled_p():
    out = risk.stability(_synthetic(lambda e: [1, 2, 3, 4, 5, 6]), "test", n_boot=200)
    pairs = out[out.pair != "all pairs"]
    assert np.allclose(pairs.tau, 1) and (pairs.n_risks == 6).all()
    assert np.allclose(pairs.p_value, 1 / 720)
    pooled = out[out.pair == "all pairs"].iloc[0]
    assert pooled.tau == pytest.approx(1) and pooled.p_value < 1e-10 and pooled.ci_low == pytest.approx(1)


def test_reversed_rankings_are_not_called_stable():
    out = risk.stability(_synthetic(lambda e: [1, 2, 3, 4, 5, 6] if e % 2 else [6, 5, 4, 3, 2, 1]), "test", n_boot=200)
    pooled = out[out.pair == "all pairs"].iloc[0]
    assert pooled.tau == pytest.approx(-1) and pooled.p_value == pytest.approx(1)


def test_random_rankings_are_not_significant():
    rng = np.random.default_rng(7)
    perms = {e: list(rng.permutation(6) + 1) for e in range(2019, 2024)}
    out = risk.stability(_synthetic(lambda e: perms[e]), "test", n_boot=200)
    pooled = out[out.pair == "all pairs"].iloc[0]
    assert pooled.ci_low < pooled.tau < pooled.ci_high


def test_pairs_use_only_risks_ranked_in_both_editions(italy):
    pairs = risk.rank_pairs(italy)
    known = italy[italy.risk != risk.UNKNOWN]
    for pair, sub in pairs.dropna(subset=["risk"]).groupby("pair"):
        a, b = int(pair[:4]), int(pair[-4:])
        expected = set(known[known.edition == a].risk) & set(known[known.edition == b].risk)
        assert set(sub.risk) == expected
    assert risk.UNKNOWN not in set(pairs.risk)


def test_stability_on_the_data(result, italy):
    it = result[result.scope == "Italy"].set_index("pair")
    assert it.loc["2017-2018", "n_risks"] == 0 and not it.loc["2017-2018", "comparable"]
    pooled = it.loc["all pairs"]
    assert pooled.n_risks == it.loc[it.comparable & (it.index != "all pairs"), "n_risks"].sum()
    assert pooled.ci_low <= pooled.tau <= pooled.ci_high
    # each pair's p-value can never be below the smallest value its permutation distribution allows
    rows = it[it.comparable & (it.index != "all pairs")]
    assert (rows.p_value >= rows.min_p - 1e-12).all()
    assert (rows.min_p >= 1 / rows.n_risks.map(lambda n: np.prod(range(1, n + 1)))).all()


def test_stability_chart_title_follows_the_result(result, italy, world):
    title = lambda r: " ".join(risk.stability_chart(r, italy, world).to_dict()["title"]["text"])
    assert "mostly keep" in title(result) or "partly keep" in title(result)
    flipped = result.copy()
    flipped.loc[flipped.pair == "all pairs", "tau"] = -0.2
    assert "do not keep" in title(flipped)


# --- concept figures -----------------------------------------------------------------------------

def test_concept_tables_keep_every_row_and_mark_it_as_the_thesis(italy):
    for name, builder in [("risk_types", risk.risk_types_table), ("international_risks", risk.international_risks_table),
                          ("oecd_barriers", risk.barriers_table), ("iso31000_process", risk.iso_process_table),
                          ("trm_vs_erm", risk.trm_erm_table)]:
        frame = datasets.load(name, DATA)
        html = builder(frame).html
        assert html.count("<tr>") - 1 == len(frame), name  # header row + one row per data row
        assert html.count("as quoted by the thesis") == int((frame.status == "thesis_quoted").sum()), name


def test_risk_tree_puts_children_under_their_parent():
    frame = datasets.load("risk_types", DATA)
    tree = risk._tree(frame, "Business risk")
    i = list(tree.risk_type).index("Financial risk")
    kids = set(frame.loc[frame.group == "Financial risk", "risk_type"])
    assert set(tree.risk_type.iloc[i + 1:i + 1 + len(kids)]) == kids


def test_iso_process_is_in_step_order():
    iso = datasets.load("iso31000_process", DATA)
    steps = risk.iso_process(iso).query("kind == 'step'")
    assert list(steps.step_order) == sorted(iso.step_order.dropna())
    spec = risk.iso_flow_chart(iso).to_dict()
    for step in steps.step:
        assert step.lower() in spec["description"]


def test_risk_matrix_draws_no_invented_cell():
    matrix = datasets.load("risk_matrix", DATA)
    spec = risk.risk_matrix_chart(matrix).to_dict()
    assert "cells not available" in str(spec)
    records = [r for rows in spec["datasets"].values() for r in rows]
    assert records and all(set(r) <= {"x0", "x1", "y0", "y1", "x", "y", "text"} for r in records)


def test_risk_matrix_refuses_to_draw_an_empty_frame_over_sourced_cells(data_copy):
    path = data_copy / "risk_matrix.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("1,Rare,1,Minor,Low,verified_secondary,risk_agcs_arb,a quote,\n")
    with pytest.raises(ValueError):
        risk.risk_matrix_chart(datasets.load("risk_matrix", data_copy))


@pytest.mark.parametrize("builder", ["table6_chart", "bump_chart", "global_top10_chart", "headline_chart",
                                     "then_and_now_chart", "stability_chart", "iso_flow_chart", "risk_matrix_chart"])
def test_charts_carry_title_alt_text_and_sources(builder, italy, world, result):
    args = {"table6_chart": (italy,), "bump_chart": (italy,), "global_top10_chart": (world, italy),
            "headline_chart": (world, datasets.load("allianz_editions", DATA)), "then_and_now_chart": (italy,),
            "stability_chart": (result, italy, world),
            "iso_flow_chart": (datasets.load("iso31000_process", DATA),),
            "risk_matrix_chart": (datasets.load("risk_matrix", DATA),)}[builder]
    spec = getattr(risk, builder)(*args).to_dict()
    lines = spec["title"]["text"] if isinstance(spec["title"]["text"], list) else [spec["title"]["text"]]
    assert lines[0] and all(len(line) <= 62 for line in lines)
    assert spec["description"].endswith(".") and len(spec["description"]) > 60
    prov = spec["usermeta"]["provenance"]
    assert prov["datasets"][0]["version"] and prov["sources"]
    assert all(s["publisher"] for s in prov["sources"])


def test_stability_table_marks_untested_pairs(result, italy):
    html = risk.stability_table(result, italy, "Italy").html
    untested = int(((result.scope == "Italy") & ~result.comparable).sum())
    assert untested and html.count("not tested") == untested
    assert "allianz_italy" in html


def test_stability_numbers_are_plain_python(result):
    numbers = risk.stability_numbers(result)
    assert all(type(v) in (int, float, str) for v in numbers.values())
    assert numbers["it_lo"] <= numbers["it_tau"] <= numbers["it_hi"]


def test_shift_by_start_separates_the_leaders():
    frame = _synthetic(lambda e: [1, 2, 3, 4, 5, 6] if e % 2 else [1, 2, 6, 5, 4, 3])
    out = risk.shift_by_start(frame, top=2)
    assert out["top_shift"] == 0 and out["rest_shift"] == pytest.approx((3 + 1 + 1 + 3) / 4)
    assert out["top_n"] + out["rest_n"] == 4 * 6
