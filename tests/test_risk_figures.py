"""Chapter 3's figures and tables: structure and the numbers they draw, never their wording."""

import pytest

from analysis import datasets
from analysis.common import editions
from analysis.risk import data as risk_data
from analysis.risk import figures, models, process_figures, tables
from analysis.risk.labels import UNKNOWN
from conftest import DATA

CONCEPTS = ("risk_types", "international_risks", "oecd_barriers", "iso31000_process", "trm_vs_erm", "risk_matrix")


@pytest.fixture(scope="module")
def loaded():
    names = ("allianz_italy", "allianz_global", "allianz_editions") + CONCEPTS
    return {name: datasets.load(name, DATA) for name in names}


@pytest.fixture(scope="module")
def result(loaded):
    return models.stability_both(loaded["allianz_italy"], loaded["allianz_global"], n_boot=200)


def _edition(world) -> int:
    """An edition whose global top 10 is complete, with shares (the global chart needs one)."""
    complete = world.groupby("edition").apply(lambda r: (r.risk != UNKNOWN).all() and r.value.notna().all())
    return int(complete[complete].index[0])


def _all_figures(loaded, result):
    italy, world = loaded["allianz_italy"], loaded["allianz_global"]
    edition = _edition(world)
    return [figures.table6_chart(italy, edition), figures.global_top10_chart(world, italy, edition),
            figures.bump_chart(italy), figures.headline_chart(world, loaded["allianz_editions"]),
            figures.then_and_now_chart(italy), figures.stability_chart(result, italy, world),
            process_figures.iso_flow_chart(loaded["iso31000_process"]),
            process_figures.risk_matrix_chart(loaded["risk_matrix"])]


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _axis_titles(spec) -> list[str]:
    """Titles of every quantitative x or y axis that shows values (not a frame with no scale, like the matrix)."""
    return [enc[ch]["title"] for node in _walk(spec) for enc in [node.get("encoding", {})] for ch in ("x", "y")
            if isinstance(enc.get(ch), dict) and enc[ch].get("type") == "quantitative" and enc[ch].get("title")
            and (enc[ch].get("axis") or {}).get("labels", True)]


def _rows(spec, panel=None) -> list[dict]:
    """The inline data rows a spec (or one of its panels) draws."""
    names = {node["data"]["name"] for node in _walk(panel or spec) if isinstance(node.get("data"), dict)
             and "name" in node["data"]}
    return [row for name in names for row in spec["datasets"][name]]


# --- every figure -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def specs(loaded, result):
    return [f.to_dict() for f in _all_figures(loaded, result)]


def test_every_figure_has_a_unique_risk_name_alt_text_and_a_source(specs):
    names = [s["usermeta"]["name"] for s in specs]
    assert len(set(names)) == len(names) and all(n.startswith("risk-") for n in names)
    for spec in specs:
        assert len(spec["description"]) > 60 and spec["description"].endswith("."), spec["usermeta"]["name"]
        prov = spec["usermeta"]["provenance"]
        assert prov["datasets"][0]["version"] and prov["sources"], spec["usermeta"]["name"]
        assert all(s["publisher"] for s in prov["sources"])


def test_every_quantitative_axis_names_its_unit(specs):
    units = ("(%)", "Rank", "tau-b")
    titles = {spec["usermeta"]["name"]: _axis_titles(spec) for spec in specs}
    drawn_on_scales = [n for n in titles if n not in ("risk-iso31000-flow", "risk-matrix")]
    assert all(titles[n] for n in drawn_on_scales), titles
    for name, found in titles.items():
        assert all(any(u in t for u in units) for t in found), (name, found)


def test_every_table_has_a_unique_risk_name(loaded, result):
    italy, world = loaded["allianz_italy"], loaded["allianz_global"]
    built = [tables.table6(italy, _edition(world)), tables.risk_types_table(loaded["risk_types"]),
             tables.international_risks_table(loaded["international_risks"]),
             tables.barriers_table(loaded["oecd_barriers"]), tables.iso_process_table(loaded["iso31000_process"]),
             tables.trm_erm_table(loaded["trm_vs_erm"]), tables.stability_table(result, italy, "Italy"),
             tables.stability_table(result, world, "World")]
    ids = [t.html.split('id="tab-', 1)[1].split('"', 1)[0] for t in built]
    assert len(set(ids)) == len(ids) and all(i.startswith("risk-") for i in ids)


# --- every figure and table cites the sources of the rows it draws, and no others ---------------------

def _cited(item) -> set[str]:
    prov = item.to_dict()["usermeta"]["provenance"] if hasattr(item, "to_dict") else item.payload["provenance"]
    return {s["id"] for s in prov["sources"]}


def _ids(*frames) -> set[str]:
    return set().union(*(set(f.source_id.dropna()) for f in frames))


def _editions(allianz, *wanted):
    return allianz[allianz.edition.isin(wanted)]


def _paired(allianz):
    """Rows of a named risk also ranked in the edition just before or just after (what tau-b compares)."""
    known = set(zip(allianz.edition, allianz.risk)) - {(e, UNKNOWN) for e in allianz.edition}
    return allianz[[(e, r) in known and ((e - 1, r) in known or (e + 1, r) in known)
                    for e, r in zip(allianz.edition, allianz.risk)]]


def _drawn_shares(world, spec):
    """The global rows the headline chart embeds (by edition and risk)."""
    keys = {(r["edition"], r["risk"]) for r in _rows(spec) if "risk" in r}
    return world[[k in keys for k in zip(world.edition, world.risk)]]


def test_each_figure_and_table_cites_exactly_the_sources_of_the_rows_it_draws(loaded, result):
    italy, world, eds = loaded["allianz_italy"], loaded["allianz_global"], loaded["allianz_editions"]
    e, seen, newest = _edition(world), editions.last_seen(italy), editions.newest(italy)
    headline = figures.headline_chart(world, eds)
    cases = {
        "table6 chart": (figures.table6_chart(italy, e), [_editions(italy, e)]),
        "table6": (tables.table6(italy, e), [_editions(italy, e)]),
        "global top 10": (figures.global_top10_chart(world, italy, e), [_editions(world, e), _editions(italy, e)]),
        "bump": (figures.bump_chart(italy), [italy]),  # every edition: named ranks and the slots not found
        "headline": (headline, [_drawn_shares(world, headline.to_dict()), eds[eds.measure == "respondents"]]),
        "then and now": (figures.then_and_now_chart(italy), [_editions(italy, seen, newest)]),
        "stability": (figures.stability_chart(result, italy, world), [_paired(italy), _paired(world)]),
        "stability Italy": (tables.stability_table(result, italy, "Italy"), [_paired(italy)]),
        "stability World": (tables.stability_table(result, world, "World"), [_paired(world)]),
        "iso flow": (process_figures.iso_flow_chart(loaded["iso31000_process"]), [loaded["iso31000_process"]]),
    }
    for what, (item, rows) in cases.items():
        assert _cited(item) == _ids(*rows), what
    assert _cited(cases["global top 10"][0]) < _ids(world, italy), "the global chart cites every edition"
    assert _cited(cases["stability"][0]) < _ids(world, italy), "the stability chart cites unpaired ranks"


# --- the Allianz rankings -------------------------------------------------------------------------------

def test_table6_shows_every_slot_and_marks_the_unknown_ones(loaded):
    italy = loaded["allianz_italy"]
    for edition in italy.edition.unique():
        html = tables.table6(italy, edition).html
        n_unknown = int(((italy.edition == edition) & (italy.risk == UNKNOWN)).sum())
        assert html.count("status-not_found") == n_unknown, edition
        assert html.count("<tr>") - 1 == int((italy.edition == edition).sum())


def test_bump_chart_lines_never_cross_a_missing_edition(loaded):
    italy = loaded["allianz_italy"]
    spec = figures.bump_chart(italy).to_dict()
    runs = {}
    for row in _rows(spec):
        if row.get("run"):
            runs.setdefault(row["run"], set()).add(row["edition"])
    assert runs
    for eds in runs.values():
        assert max(eds) - min(eds) == len(eds) - 1


def test_bump_chart_spans_every_edition_with_rank_one_on_top(loaded):
    italy = loaded["allianz_italy"]
    spec = figures.bump_chart(italy).to_dict()
    domains = [n["encoding"]["x"]["scale"]["domain"] for n in _walk(spec)
               if n.get("encoding", {}).get("x", {}).get("field") == "edition_label"]
    assert domains and all(d == [str(e) for e in sorted(italy.edition.unique())] for d in domains)
    y = next(n["encoding"]["y"] for n in _walk(spec) if n.get("encoding", {}).get("y", {}).get("field") == "y")
    assert y["scale"]["domain"][0] > y["scale"]["domain"][1]
    assert any(p.get("bind") == "legend" for n in _walk(spec) for p in n.get("params", []))


def test_global_chart_refuses_an_incomplete_edition(loaded):
    world, italy = loaded["allianz_global"], loaded["allianz_italy"]
    incomplete = world[(world.risk == UNKNOWN) | world.value.isna()].edition.unique()
    assert len(incomplete)
    with pytest.raises(ValueError):
        figures.global_top10_chart(world, italy, int(incomplete[0]))


def test_share_axes_hold_every_share_drawn(loaded):
    world, italy = loaded["allianz_global"], loaded["allianz_italy"]
    spec = figures.global_top10_chart(world, italy, _edition(world)).to_dict()
    domain = next(n["encoding"]["x"]["scale"]["domain"] for n in _walk(spec)
                  if n.get("encoding", {}).get("x", {}).get("field") == "value")
    drawn = [r[k] for r in _rows(spec) for k in ("value", "italy_value") if r.get(k) is not None]
    assert domain[0] == 0 and max(drawn) <= domain[1]


def _panel_editions(spec) -> list[set]:
    return [{row["edition"] for row in _rows(spec, panel)} for panel in spec["hconcat"]]


def test_then_and_now_shows_the_last_edition_seen_beside_the_newest(loaded):
    italy = loaded["allianz_italy"]
    spec = figures.then_and_now_chart(italy).to_dict()
    assert _panel_editions(spec) == [{editions.last_seen(italy)}, {editions.newest(italy)}]
    assert spec["resolve"]["scale"]["y"] == "shared"


def test_next_edition_reaches_the_then_and_now_and_bump_charts(data_copy):
    path = data_copy / "allianz_italy.csv"
    nxt = int(datasets.load("allianz_italy", data_copy).edition.max()) + 1
    blanks = "," * (len(path.read_text(encoding="utf-8").splitlines()[0].split(",")) - 10)
    with path.open("a", encoding="utf-8") as out:
        for rank, risk in enumerate(["Cyber incidents", "Business interruption", "Natural catastrophes"], start=1):
            out.write(f"{nxt},{rank},{risk},,% of responses,verified_secondary,risk_agcs_arb,synthetic,,{blanks}\n")
    italy = datasets.load("allianz_italy", data_copy)
    then, now = _panel_editions(figures.then_and_now_chart(italy).to_dict())
    assert now == {nxt} and then == {editions.last_seen(italy)}
    assert nxt in {r["edition"] for r in _rows(figures.bump_chart(italy).to_dict())}


def test_stability_chart_title_follows_the_pooled_result(loaded, result):
    italy, world = loaded["allianz_italy"], loaded["allianz_global"]
    title = lambda r: " ".join(figures.stability_chart(r, italy, world).to_dict()["title"]["text"])
    flipped = result.copy()
    flipped.loc[flipped.pair == "all pairs", "tau"] = -0.2
    assert title(result) != title(flipped)
    assert f"{-0.2:.2f}" in title(flipped)


def test_stability_table_marks_every_untested_pair(loaded, result):
    italy = loaded["allianz_italy"]
    html = tables.stability_table(result, italy, "Italy").html
    untested = int(((result.scope == "Italy") & ~result.comparable).sum())
    assert html.count("not tested") == untested


# --- the thesis's concept figures -----------------------------------------------------------------------

@pytest.mark.parametrize("name, builder", [("risk_types", tables.risk_types_table),
                                           ("international_risks", tables.international_risks_table),
                                           ("oecd_barriers", tables.barriers_table),
                                           ("iso31000_process", tables.iso_process_table),
                                           ("trm_vs_erm", tables.trm_erm_table)])
def test_concept_tables_keep_every_row_with_its_status(loaded, name, builder):
    frame = loaded[name]
    html = builder(frame).html
    assert html.count("<tr>") - 1 == len(frame)
    assert html.count("status-thesis_quoted") == int((frame.status == "thesis_quoted").sum())


def test_iso_flow_chart_names_every_step(loaded):
    iso = loaded["iso31000_process"]
    spec = process_figures.iso_flow_chart(iso).to_dict()
    for step in risk_data.iso_process(iso).query("kind == 'step'").step:
        assert step.lower() in spec["description"]


def test_risk_matrix_draws_no_invented_cell(loaded):
    spec = process_figures.risk_matrix_chart(loaded["risk_matrix"]).to_dict()
    assert all(set(r) <= {"x0", "x1", "y0", "y1", "x", "y", "text"} for r in _rows(spec))


def test_risk_matrix_refuses_an_empty_frame_over_sourced_cells(data_copy):
    with (data_copy / "risk_matrix.csv").open("a", encoding="utf-8") as handle:
        handle.write("1,Rare,1,Minor,Low,verified_secondary,risk_agcs_arb,a quote,\n")
    with pytest.raises(ValueError):
        process_figures.risk_matrix_chart(datasets.load("risk_matrix", data_copy))
