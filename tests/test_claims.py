"""The thesis's numbers, checked: the verdict rule at its boundaries, the claims and their checks in the
package, counts by section and chapter, the verdict chart, the claim tables and the page sentences."""

import csv
import re

import pandas as pd
import pytest

from analysis import claim_checks, claims, claims_tables, datasets, sources_rules
from analysis.claim_checks import compare
from conftest import DATA, set_value

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def data():
    return datasets.load("thesis_claims", DATA)


@pytest.fixture(scope="module")
def assessed(data):
    return claims.assess(data)


@pytest.fixture(scope="module")
def checks():
    return datasets.load("thesis_claim_checks", DATA)


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the rule, on synthetic numbers at and around each boundary --------------------------------------

@pytest.mark.parametrize("thesis, t_dec, source, s_dec, verdict", [
    (79.5, 1, 79.5, 1, "match"),                     # the same number
    (-24.0, 1, -24, 0, "match"),                     # the same number printed to fewer places
    (4, 0, 3.89, 2, "match_after_rounding"),         # the source rounds to the thesis
    (3.9, 1, 3.85, 2, "match_after_rounding"),       # exactly half: rounds away from zero
    (3.8, 1, 3.85, 2, "differs"),                    # ... so not down
    (3.8, 1, 3.849, 3, "match_after_rounding"),      # just below half rounds down
    (3.9, 1, 3.849, 3, "differs"),
    (66.27, 2, 66.3, 1, "match_after_rounding"),     # the thesis is the more precise: it rounds to the source
    (66.24, 2, 66.3, 1, "differs"),
    (66.27, 2, 66.25316, 5, "differs"),              # 66.25316 rounds to 66.25, not 66.27
    (87.69, 2, 87.78, 2, "differs"),                 # the same precision: only equal values match
    (-2.5, 1, -2.45, 2, "match_after_rounding"),     # negative halves round away from zero too
    (-2.4, 1, -2.45, 2, "differs"),
    (1987, 0, 1978, 0, "differs"),
])
def test_the_rule_at_and_around_each_boundary(thesis, t_dec, source, s_dec, verdict):
    assert compare(thesis, "%", t_dec, source, "%", s_dec).verdict == verdict


def test_values_in_another_scale_of_the_same_unit_are_compared_in_the_thesis_unit():
    # 31.54 trillion is 31,540 billion given to the ten billion: 31,544.6 rounds to it, 31,554.6 does not
    assert compare(31544.6, "CNY bn", 1, 31.54, "CNY tn", 2).verdict == "match_after_rounding"
    assert compare(31554.6, "CNY bn", 1, 31.54, "CNY tn", 2).verdict == "differs"
    assert compare(187, "thousand firms", 0, 187000, "firms", -3).verdict == "match"
    assert compare(509.7, "CNY bn", 1, 509711, "RMB m", 0).verdict == "match_after_rounding"  # RMB is CNY
    assert compare(1, "years", 0, 12, "months", 0).verdict == "match"
    one_year = compare(1, "years", 0, 24, "months", 0)
    assert one_year.verdict == "differs" and one_year.difference == -1 and one_year.source == 2


def test_values_in_units_that_do_not_convert_differ_and_a_missing_value_cannot_be_checked():
    euro = compare(2.8, "EUR bn", 1, 2.79, "USD bn", 2)
    assert euro.verdict == "differs" and not euro.comparable and euro.difference is None
    assert compare(1, "year", 0, 1, "years", 0).verdict == "differs"  # a calendar year is not a duration
    assert compare(80, "%", 0, None, "%", None).verdict == "cannot_check"


def test_a_difference_is_thesis_minus_source_in_the_thesis_unit():
    result = compare(87.69, "%", 2, 87.78, "%", 2)
    assert float(result.difference) == pytest.approx(-0.09)
    big = compare(3636, "EUR m", 0, 12.9, "EUR bn", 1)
    assert float(big.source) == 12900 and float(big.difference) == -9264
    assert big.relative == pytest.approx(-9264 / 12900)


def test_a_claim_takes_the_worst_verdict_of_its_checks():
    assert claim_checks.worst(["match", "match_after_rounding"]) == "match_after_rounding"
    assert claim_checks.worst(["match", "cannot_check"]) == "cannot_check"
    assert claim_checks.worst(["cannot_check", "differs", "match"]) == "differs"
    with pytest.raises(ValueError):
        claim_checks.worst([])


# --- the claims and their checks in the package ------------------------------------------------------

def test_every_number_check_states_a_number_the_thesis_wrote(data, checks):
    words = data.set_index("claim_id").thesis_words
    numbers = checks[checks.judgement.isna()]
    for row in numbers.itertuples():
        assert sources_rules.carries(row.thesis_value, row.thesis_unit, words[row.claim_id]), \
            f"{row.claim_id}: {row.thesis_value} {row.thesis_unit} is not in the thesis's words"


def test_every_value_checked_against_is_in_its_quote_or_derived_by_a_formula(data, checks):
    resolved = claim_checks.resolve(checks, DATA)
    lookups = checks.formula.map(lambda f: bool(claim_checks.LOOKUP.fullmatch(f)) if isinstance(f, str) else False)
    assert lookups.sum() > 0 and checks.value[lookups].isna().all()  # a lookup's value stays in its dataset
    valued = resolved[resolved.value.notna()]
    assert len(valued) > len(resolved[~lookups & resolved.value.notna()])
    for row in valued.itertuples():
        if row.status == "derived":
            assert isinstance(row.formula, str) and row.formula, row.claim_id
        else:
            assert sources_rules.carries(row.value, row.unit, row.quote), f"{row.claim_id}: {row.value} {row.unit}"


def test_judgements_hold_no_number_and_give_their_reason(checks):
    judged = checks[checks.judgement.notna()]
    assert len(judged) > 0
    assert judged.thesis_value.isna().all() and judged.value.isna().all()
    assert judged.note.notna().all() and (judged.note.str.len() > 20).all()


def test_the_real_checks_have_no_problem_and_their_lookups_repeat_their_rows(data):
    assert claim_checks.problems(data) == []
    assert claim_checks.stored_differences(data) == []


def _set_check(data_copy, claim_id, check, **cells):
    path = data_copy / "thesis_claim_checks.csv"
    rows = _rows(path)
    row = next(r for r in rows if r["claim_id"] == claim_id and r["check"] == str(check))
    row.update(cells)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return row


def test_a_verdict_follows_the_dataset_row_it_reads(data_copy, data):
    # the source now gives the thesis's own 66.27: C04 matches without any edit of the claims
    set_value(data_copy / "italy_economy_structure.csv", 66.27, "ita,2019,66.27", year="2019",
              indicator="share_of_gdp", sector="services", source_id="firms_wdi_nv_srv")
    copied = datasets.load("thesis_claims", data_copy)
    before = claims.assess(data).set_index("claim_id")
    after = claims.assess(copied).set_index("claim_id")
    assert before.verdict["C04"] == "differs" and after.verdict["C04"] == "match"
    assert after.difference["C04"] == "" and after.quotes["C04"] == ["ita,2019,66.27"]
    # ... and the claims check is told that C04's kind of difference no longer applies
    assert claim_checks.problems(copied) == ["thesis_claims.csv: C04: the computed verdict is 'match', "
                                             "so difference_kind must be empty"]


def test_a_new_difference_without_a_kind_is_shown_as_unrecorded(data_copy):
    # C11 matched the census; the census now says 80.5: the claim differs before its kind is recorded
    set_value(data_copy / "istat_census_size.csv", 80.5, "80,5%", year="2018", size_class="3-9",
              measure="share_of_firms")
    copied = datasets.load("thesis_claims", data_copy)
    row = claims_tables.select(copied, section="1.1").set_index("claim_id").loc["C11"]
    assert row.verdict == "differs" and row.verdict_label.startswith(f"Differs: {claims.UNRECORDED}")
    assert claims.UNRECORDED in set(claims.kind_counts(copied).kind_label)


def test_a_row_that_breaks_the_rules_or_a_lookup_to_no_row_stops_the_assessment(data_copy):
    _set_check(data_copy, "C04", 1, formula="italy_economy_structure[year=2019; sector=nothing].value")
    _set_check(data_copy, "C01", 1, value="")
    copied = datasets.load("thesis_claims", data_copy)
    found = claim_checks.problems(copied)
    assert any("C04 check 1" in p and "0 rows of italy_economy_structure" in p for p in found)
    assert any("C01 check 1" in p and "needs its value" in p for p in found)
    with pytest.raises(ValueError, match="C04 check 1"):
        claims.assess(copied)


def test_stored_unit_and_source_of_a_lookup_are_compared_with_its_row(data_copy):
    _set_check(data_copy, "C03", 1, source_id="firms_wdi_nv_srv")
    copied = datasets.load("thesis_claims", data_copy)
    stale = claim_checks.stored_differences(copied)
    assert len(stale) == 1 and "C03 check 1: source_id 'firms_wdi_nv_srv'" in stale[0]
    # the verdict and the source shown follow the row, not the stale cell
    assert claims.assess(copied).set_index("claim_id").source_id["C03"] == "firms_wdi_nv_ind"


def test_a_claim_with_an_unconfirmed_number_is_never_a_match(assessed, checks):
    unconfirmed = set(checks[checks.status == "not_found"].claim_id)
    verdicts = assessed.set_index("claim_id").verdict
    assert unconfirmed and all(verdicts[c] in ("cannot_check", "differs") for c in unconfirmed)


def test_a_claims_status_means_what_the_status_marks_mean(assessed):
    unconfirmed = assessed.verdict == "cannot_check"
    assert (assessed.status[unconfirmed] == "thesis_quoted").all()
    assert (assessed.source_id[unconfirmed] == "thesis").all()
    # a claim a source confirms or contradicts is never shown as "as quoted by the thesis" only
    assert assessed.status[~unconfirmed].isin(claim_checks.EVIDENCE).all()
    assert set(assessed.source_id) <= set(datasets.sources(DATA))


def test_difference_kind_is_given_exactly_for_differing_claims(assessed):
    differs = assessed.verdict == "differs"
    assert assessed.difference_kind[differs].notna().all()
    assert assessed.difference_kind[~differs].isna().all()
    assert set(assessed.difference_kind.dropna()) <= set(claims.KINDS)
    # a computed difference says by how much; a judged one gives its reason instead
    assert (assessed.difference[differs & ~assessed.judged] != "").all()
    assert (assessed.judgement_reason[differs & assessed.judged] != "").all()


def test_sections_follow_the_thesis_lines(data):
    english = data[data.language == "en"]  # the Chinese introduction has its own line numbers (1-102)
    ranked = english.assign(rank=english.section.map(list(claims.SECTIONS).index)).sort_values("thesis_line")
    assert ranked["rank"].is_monotonic_increasing
    assert data.section.map(claims.chapter_of).isin(claims.CHAPTERS.values()).all()


def test_languages_mark_exactly_the_claims_written_in_chinese(data):
    chinese = data.thesis_words.map(lambda w: bool(CJK.search(w)))
    assert ((data.language == "zh") == chinese).all()
    facts = claims.summary(data)
    assert facts["english"] == (~chinese).sum() and facts["chinese"] == chinese.sum() > 0
    assert facts["english"] + facts["chinese"] == facts["total"]
    assert set(claims.in_language(data, "zh").claim_id) == set(data.claim_id[chinese])
    with pytest.raises(ValueError):
        claims.in_language(data, "it")


# --- counting ----------------------------------------------------------------------------------------

def test_counts_by_section_and_chapter_add_up_to_the_assessed_claims(assessed):
    per_verdict = assessed.verdict.value_counts()
    for by in ("section", "chapter"):
        counts = claims.verdict_counts(assessed, by)
        assert counts.groupby("verdict").claims.sum().to_dict() == {v: int(per_verdict.get(v, 0)) for v in claims.VERDICTS}
        assert counts.groupby(by).share.sum().round(6).eq(100).all()
    wide = claims.verdict_table(assessed, "chapter").set_index("group")
    assert wide.loc["All claims", "total"] == len(assessed)
    assert wide.loc["All claims", "judged"] == assessed.judged.sum() == wide.judged.iloc[:-1].sum()
    assert list(wide.index) == ["Introduction", "Chapter 1", "Chapter 2", "Chapter 3", "Conclusion", "All claims"]
    checked = wide.loc["All claims", "total"] - wide.loc["All claims", "cannot_check"]
    assert wide.loc["All claims", "differs_share_of_checked"] == pytest.approx(100 * per_verdict["differs"] / checked)


def test_summary_counts_computed_and_judged_verdicts_apart(data, assessed):
    facts = claims.summary(data)
    assert facts["total"] == facts["match"] + facts["match_after_rounding"] + facts["differs"] + facts["cannot_check"]
    assert facts["computed"] + facts["judged"] == facts["total"]
    assert facts["judged"] == assessed.judged.sum() > 0
    for verdict in claims.VERDICTS:
        assert facts[f"computed_{verdict}"] + facts[f"judged_{verdict}"] == facts[verdict]
    kinds = claims.kind_counts(data)
    assert kinds.claims.sum() == facts["differs"]
    assert kinds.claims.is_monotonic_decreasing
    assert all(len(ids.split(", ")) == n for ids, n in zip(kinds.claim_ids, kinds.claims))


def test_one_in_names_the_nearest_fraction():
    assert claims.one_in(21.2) == "one claim in five"
    assert claims.one_in(50) == "one claim in two"
    assert claims.one_in(4) == "one claim in 25"


def test_differs_share_counts_only_checkable_claims(assessed):
    checked = assessed[assessed.verdict != "cannot_check"]
    assert claims.differs_share(assessed) == pytest.approx(100 * (checked.verdict == "differs").mean())
    ch1 = checked[checked.section.str.startswith("1.")]
    assert claims.differs_share(assessed, ["1"]) == pytest.approx(100 * (ch1.verdict == "differs").mean())
    with pytest.raises(ValueError):
        claims.differs_share(assessed, ["9"])


# --- the chart ---------------------------------------------------------------------------------------

def _lines(text):
    return [text] if isinstance(text, str) else text


def test_chart_title_is_computed_from_the_verdicts(assessed):
    title = " ".join(_lines(claims.verdict_chart(assessed).to_dict()["title"]["text"]))
    share = 100 * (assessed.verdict == "differs").mean()
    assert title == f"About {claims.one_in(share)} differs from its source"
    half = assessed.assign(verdict=["differs" if i % 2 else v for i, v in enumerate(assessed.verdict)])
    half = datasets.with_provenance(half, assessed)
    new_share = 100 * (half.verdict == "differs").mean()
    new_title = " ".join(_lines(claims.verdict_chart(half).to_dict()["title"]["text"]))
    assert new_title == f"About {claims.one_in(new_share)} differs from its source" != title


def test_chart_has_alt_text_provenance_and_every_section(assessed):
    spec = claims.verdict_chart(assessed).to_dict()
    assert all(len(line) <= 62 for line in _lines(spec["title"]["text"]))
    assert spec["description"].endswith(".")
    assert f"{assessed.judged.sum()} of the verdicts rest on a typed judgement" in spec["description"]
    for section in set(assessed.section):
        assert claims.SECTIONS[section] + ":" in spec["description"]
    prov = spec["usermeta"]["provenance"]
    assert prov["datasets"][0]["name"] == "thesis_claims" and prov["datasets"][0]["version"]
    drawn = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert drawn.claims.sum() == len(assessed) and (drawn.claims > 0).all()


def test_most_differences_names_ties(assessed):
    counts = claims.verdict_counts(assessed, "section")
    text = claims.most_differences(counts)
    differ = counts[counts.verdict == "differs"]
    for section in differ[differ.claims == differ.claims.max()].section:
        assert f"{section} (" in text


# --- tables of claims --------------------------------------------------------------------------------

def test_select_filters_assesses_and_keeps_metadata(data):
    rows = claims_tables.select(data, verdict="differs")
    assert len(rows) == (claims.assess(data).verdict == "differs").sum()
    assert rows.attrs["resource"]["name"] == "thesis_claims"
    assert rows.verdict_label.str.startswith("Differs").all()
    both = claims_tables.select(data, verdict=["match", "match_after_rounding"], section="1.1")
    assert set(both.section) == {"1.1"} and set(both.verdict) <= {"match", "match_after_rounding"}
    assert both.thesis_line.is_monotonic_increasing
    assert set(claims_tables.select(data, section="introduction", language="en").language) == {"en"}
    for bad in ({"verdict": "wrong"}, {"section": "9.9"}, {"language": "fr"}):
        with pytest.raises(ValueError):
            claims_tables.select(data, **bad)


def test_judged_verdicts_are_marked_and_give_their_reason(data):
    rows = claims_tables.select(data)
    judged = rows[rows.judged]
    assert (judged.verdict_label.str.contains("(typed judgement)", regex=False)).all()
    assert judged.why.str.startswith("Judged: ").all()
    assert not rows[~rows.judged].verdict_label.str.contains("judgement").any()


def test_differing_verdicts_say_by_how_much(data):
    rows = claims_tables.select(data, verdict="differs")
    rows = rows[~rows.judged]
    assert rows.verdict_label.map(lambda label: "thesis " in label and "source " in label).all()


def test_select_keeps_claims_with_no_source_and_says_so(data):
    rows = claims_tables.select(data, verdict="cannot_check")
    nothing = rows[rows.source_says.isna()]
    assert len(nothing) > 0 and (nothing.source_says_shown == "no source found").all()


def test_readable_note_shortens_addresses():
    note = ('Wrong year. Source phrase: "x". Also checked: https://www.example.org/a/b; '
            'http://other.net/c?d=1. Thesis lines 1-2.')
    out = claims_tables.readable_note(note)
    assert "Also checked: example.org, other.net." in out and "https://" not in out
    assert out.endswith("Thesis lines 1-2.")


def test_claims_table_lists_every_selected_claim(data):
    table = claims_tables.claims_table(data, verdict="differs")
    rows = claims_tables.select(data, verdict="differs")
    assert table.html.count("<tr>") == len(rows) + 1  # header row plus one per claim
    assert all(f"<td>{cid}</td>" in table.html for cid in rows.claim_id)
    assert f"({len(rows)})" in table.text.splitlines()[0]


def test_claims_table_marks_chinese_text_for_screen_readers(data):
    chinese = claims_tables.claims_table(data, section="introduction", language="zh").html
    words = data[data.language == "zh"].thesis_words.iloc[0]
    first_run = CJK.search(words).group(0)
    assert f'<span lang="zh-Hans">{first_run}' in chinese
    english = claims_tables.claims_table(data, section="introduction", language="en").html
    assert 'lang="zh-Hans"' not in english.split("</thead>")[1].split("<td>C01</td>")[1].split("</tr>")[0]


def test_summary_tables_cite_the_dataset_without_listing_every_source(data):
    for table in (claims_tables.chapter_table(data), claims_tables.kind_table(data)):
        assert "thesis_claims.csv" in table.html
        assert "chinabankingnews.com" not in table.html  # no claim's own source is listed
    assert "All claims" in claims_tables.chapter_table(data).text


# --- one sentence per page ---------------------------------------------------------------------------

def _stated_counts(text):
    """Read a section summary back into {verdict: claims}."""
    def verdict_of(part):
        if "after rounding" in part:
            return "match_after_rounding"
        if "differ" in part:
            return "differs"
        return "cannot_check" if "cannot be checked" in part else "match"
    if text.startswith("The thesis makes one numeric claim"):
        return {verdict_of(text.split(", and it ", 1)[1]): 1}
    if text.startswith("All "):
        return {verdict_of(text): int(text.split()[1])}
    parts = text.rstrip(".").split(", ", 1)[1].replace(" and ", ", ").split(", ")
    return {verdict_of(p): int(p.split()[0]) for p in parts}


def test_section_summary_counts_each_sections_claims(data, assessed):
    for section in claims.SECTIONS:
        expected = assessed[assessed.section == section].verdict.value_counts().to_dict()
        text = claims.section_summary(data, section)
        assert _stated_counts(text) == expected, text
        if len(expected) > 1:
            assert text.startswith(f"Of the {sum(expected.values())} numeric claims in this section, ")
        assert text.endswith(".") and " 0 " not in text
    english = assessed[(assessed.section == "introduction") & (assessed.language == "en")]
    assert _stated_counts(claims.section_summary(data, "introduction", language="en")) == \
        english.verdict.value_counts().to_dict()


def test_section_summary_reads_well_for_one_claim_one_verdict_and_none(assessed):
    one = datasets.subset(assessed, assessed.claim_id.isin(assessed[assessed.section == "1.3"].claim_id[:1]))
    verdict = one.verdict.iloc[0]
    text = claims.section_summary(one, "1.3", where="the thesis's section 1.3")
    assert text.startswith("The thesis makes one numeric claim in the thesis's section 1.3, and it ")
    assert ("cannot be checked" in text) == (verdict == "cannot_check")
    same = assessed[assessed.section == "1.4"].assign(verdict="differs")
    assert claims.section_summary(same, "1.4") == \
        f"All {len(same)} numeric claims in this section differ from their source."
    none = datasets.subset(assessed, assessed.section != "1.4")
    assert claims.section_summary(none, "1.4") == "The thesis states no numeric claim in this section."
    mixed = assessed[assessed.section == "1.4"].assign(verdict=["match"] + ["cannot_check"] * (len(same) - 1))
    assert claims.section_summary(mixed, "1.4") == (
        f"Of the {len(same)} numeric claims in this section, 1 matches its source and "
        f"{len(same) - 1} cannot be checked.")
    with pytest.raises(ValueError):
        claims.section_summary(assessed, "9.9")
