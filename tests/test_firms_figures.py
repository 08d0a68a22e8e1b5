"""Section 1.1 figures and tables: structure and the numbers they draw, never their wording."""

import re

import pytest

from analysis import datasets
from analysis.common import editions
from analysis.firms import data as firms_data, figures, models, tables
from conftest import DATA


@pytest.fixture(scope="module")
def loaded():
    return {name: datasets.load(name, DATA) for name in
            ("istat_census_size", "sme_italy_eu", "italy_economy_structure", "eu_sme_definition")}


def _all_figures(loaded):
    census = loaded["istat_census_size"]
    employment = firms_data.size_mix(census, "share_of_employment")
    result = models.rounding_test(employment)
    return [figures.sectors(loaded["italy_economy_structure"]), figures.size_mix(census),
            figures.employment(census), figures.then_and_now(census, firms_data.employment_shift(employment)),
            figures.italy_vs_eu(loaded["sme_italy_eu"]),
            figures.rounding(employment, result, models.rounding_verdict(result))]


def _title(spec) -> str:
    text = spec["title"]["text"]
    return text if isinstance(text, str) else " ".join(text)


def _axis_titles(spec) -> list[str]:
    """Titles of every quantitative x or y axis in a spec, at any depth."""
    found = []
    def walk(node):
        if isinstance(node, dict):
            enc = node.get("encoding", {})
            for channel in ("x", "y"):
                field = enc.get(channel)
                if isinstance(field, dict) and field.get("type") == "quantitative" and "title" in field:
                    found.append(field["title"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(spec)
    return found


def test_every_figure_has_a_unique_firms_name_alt_text_and_a_source(loaded):
    specs = [f.to_dict() for f in _all_figures(loaded)]
    names = [s["usermeta"]["name"] for s in specs]
    assert len(set(names)) == len(names) and all(n.startswith("firms-") for n in names)
    for spec in specs:
        assert len(spec["description"]) > 40 and spec["description"].endswith(".")
        sources = spec["usermeta"]["provenance"]["sources"]
        assert sources and all(s["publisher"] for s in sources), spec["usermeta"]["name"]


def _embedded_ids(spec) -> set[str]:
    """Sources of the dataset rows a spec embeds (the bars it draws carry their ``source_id``)."""
    return {r["source_id"] for rows in spec["datasets"].values() for r in rows if r.get("source_id")}


def test_each_figure_and_table_cites_exactly_the_sources_of_the_rows_it_draws(loaded):
    census, structure = loaded["istat_census_size"], loaded["italy_economy_structure"]
    employment = firms_data.size_mix(census, "share_of_employment")
    result = models.rounding_test(employment)
    specs = {f.to_dict()["usermeta"]["name"]: f.to_dict() for f in _all_figures(loaded)}
    cited = {name: {s["id"] for s in spec["usermeta"]["provenance"]["sources"]} for name, spec in specs.items()}
    table = tables.rounding_test(result, employment)
    cited["tab-firms-rounding-test"] = {s["id"] for s in table.payload["provenance"]["sources"]}
    shares = lambda measure: census[(census.measure == measure) & census.value.notna()]
    fitted = shares("share_of_employment")
    fitted = fitted[fitted.size_class.isin(["3-9", "10-49", "50-249", "250+"])]
    expected = {
        "firms-sectors": _embedded_ids(specs["firms-sectors"]),
        "firms-italy-vs-eu": _embedded_ids(specs["firms-italy-vs-eu"]),
        "firms-size-mix": set(shares("share_of_firms").source_id) | set(shares("share_of_all_italian_firms").source_id),
        "firms-employment": set(shares("share_of_employment").source_id),
        "firms-then-and-now": set(shares("share_of_employment").source_id),
        "firms-rounding": set(fitted.source_id), "tab-firms-rounding-test": set(fitted.source_id),
    }
    assert cited == expected
    assert cited["firms-sectors"] < set(structure.source_id), "the sectors chart cites rows it does not draw"
    assert cited["firms-rounding"] < set(census.source_id), "the rounding test cites rows it did not fit"


def test_every_quantitative_axis_names_its_unit(loaded):
    for spec in (f.to_dict() for f in _all_figures(loaded)):
        titles = _axis_titles(spec)
        assert titles, spec["usermeta"]["name"]
        assert all("%" in t or "percentage points" in t for t in titles), titles


def test_employment_figure_spans_the_first_to_the_newest_census(loaded):
    census = loaded["istat_census_size"]
    spec = figures.employment(census).to_dict()
    years = firms_data.size_mix(census, "share_of_employment").year
    assert f"{years.min()} and {years.max()}" in _title(spec)


def test_size_mix_note_carries_the_combined_class_and_its_rows_note(loaded):
    census = loaded["istat_census_size"]
    combined = census[(census.measure == "share_of_firms") & (census.size_class == "50+")]
    note = figures.size_mix(census).to_dict()["usermeta"]["note"]
    for row in combined.itertuples():
        assert f"{row.value:.1f}%" in note and row.note in note


def _then_and_now(census):
    shift = firms_data.employment_shift(firms_data.size_mix(census, "share_of_employment"))
    return figures.then_and_now(census, shift).to_dict(), shift


def _panel_years(spec) -> list[set]:
    """The years each panel draws (the rows of the dataset its first layer uses)."""
    out = []
    for panel in spec["hconcat"]:
        name = panel["layer"][0]["data"]["name"] if "data" in panel["layer"][0] else panel["data"]["name"]
        out.append({row["year"] for row in spec["datasets"][name]})
    return out


def test_then_and_now_splits_at_what_the_thesis_could_see(loaded):
    census = loaded["istat_census_size"]
    spec, _ = _then_and_now(census)
    then, now = _panel_years(spec)
    employment = firms_data.size_mix(census, "share_of_employment")
    assert then == set(employment[editions.thesis_saw(employment)].year)
    assert now == set(employment.year) and editions.newest(census) in now - then


def test_then_and_now_takes_in_the_next_census(data_copy):
    path = data_copy / "istat_census_size.csv"
    census = datasets.load("istat_census_size", data_copy)
    newest = editions.newest(census)
    nxt = newest + 3
    shares = {"3-9": 27.0, "10-49": 25.5, "50-249": 17.3, "250+": 30.2}
    with path.open("a", encoding="utf-8") as out:
        for size_class, value in shares.items():
            out.write(f"{nxt},{size_class},share_of_employment,{value},%,verified_secondary,"
                      f"istat_census_2023_efanews,synthetic next edition,,\n")
    spec, shift = _then_and_now(datasets.load("istat_census_size", data_copy))
    then, now = _panel_years(spec)
    assert nxt in now and nxt not in then and newest in now
    assert str(nxt) in _title(spec) and str(nxt) in spec["description"]
    assert (shift.newest_year == nxt).all()


def test_then_and_now_title_follows_the_continues_flag(loaded):
    census = loaded["istat_census_size"]
    spec, shift = _then_and_now(census)
    flipped = shift.assign(continues=~shift.continues.all())
    assert _title(figures.then_and_now(census, flipped).to_dict()) != _title(spec)


def test_rounding_title_follows_the_verdict(loaded):
    employment = firms_data.size_mix(loaded["istat_census_size"], "share_of_employment")
    result = models.rounding_test(employment)
    every = dict(models.rounding_verdict(result), exceeding=4, classes=4, every=True)
    some = dict(every, exceeding=3, every=False)
    title = lambda v: _title(figures.rounding(employment, result, v).to_dict())  # noqa: E731
    assert title(every) != title(some)
    assert re.search(r"\b3\b.*\b4\b", title(some))


def test_italy_vs_eu_title_states_the_paired_employment_shares(loaded):
    sme = loaded["sme_italy_eu"]
    data = firms_data.italy_vs_eu(sme)
    pair = data.attrs["paired_year"]
    emp = data[(data.measure == "share_of_employment") & (data.year_num == pair)]
    title = _title(figures.italy_vs_eu(sme).to_dict())
    assert str(pair) in title and all(f"{v:.1f}%" in title for v in emp.value)


# --- tables ----------------------------------------------------------------------------------

def test_definition_orders_categories_by_size_and_words_each_ceiling(loaded):
    definition = loaded["eu_sme_definition"]
    shuffled = datasets.with_provenance(definition.sample(frac=1, random_state=3), definition)
    frame = tables.definition_frame(shuffled)
    assert list(frame.category.str.lower()) == ["micro", "small", "medium"]
    for row in definition.itertuples():
        cell = frame.set_index(frame.category.str.lower()).loc[row.category, row.criterion]
        assert f"{row.value:,.0f}" in cell
    strict = frame.loc[0, "staff_headcount"].split()[0]
    assert strict != frame.loc[0, "annual_turnover"].split()[0], "'<' and '<=' must read differently"


def test_thesis_vs_source_table_shows_the_differences_and_cites_its_rows(loaded):
    structure = loaded["italy_economy_structure"]
    compare = firms_data.thesis_vs_source(structure)
    table = tables.thesis_vs_source(structure)
    assert 'id="tab-firms-thesis-vs-source"' in table.html
    assert str(firms_data.thesis_year(structure)) in table.html
    for row in compare.itertuples():
        assert f"{row.thesis - row.source:+.2f}" in table.html
    assert "Source:" in table.html


def test_rounding_table_has_a_row_per_class_and_the_census_span(loaded):
    employment = firms_data.size_mix(loaded["istat_census_size"], "share_of_employment")
    result = models.rounding_test(employment)
    table = tables.rounding_test(result, employment)
    assert 'id="tab-firms-rounding-test"' in table.html
    assert table.html.count("<tr>") == len(result) + 1
    assert f"{employment.year.min()}-{employment.year.max()}" in table.html
