"""The thesis's numbers, checked: counts by section and chapter, the verdict chart, the claim tables."""

import csv

import pandas as pd
import pytest

from analysis import claims, datasets
from conftest import DATA


@pytest.fixture(scope="module")
def data():
    return datasets.load("thesis_claims", DATA)


def _raw_rows():
    with (DATA / "thesis_claims.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_claim_is_quoted_from_the_thesis_and_cites_a_known_source(data):
    assert data.claim_id.is_unique
    assert (data.status == "thesis_quoted").all()
    assert (data.quote == data.thesis_words).all()
    known = set(datasets.sources(DATA))
    assert set(data.source_id) <= known
    # a claim with no checking source relies on the thesis alone, and only those do
    assert (data.source_says.isna() | (data.source_id != "thesis")).all()


def test_difference_kind_is_given_exactly_for_differing_claims(data):
    differs = data.verdict == "differs"
    assert data.difference_kind[differs].notna().all()
    assert data.difference_kind[~differs].isna().all()
    assert set(data.difference_kind.dropna()) <= set(claims.KINDS)


def test_sections_follow_the_thesis_lines(data):
    # sections start in thesis order, so a later line is never in an earlier section
    ranked = data.assign(rank=data.section.map(list(claims.SECTIONS).index)).sort_values("thesis_line")
    assert ranked["rank"].is_monotonic_increasing
    assert data.section.map(claims.chapter_of).isin(claims.CHAPTERS.values()).all()


def test_counts_by_section_and_chapter_add_up_to_the_raw_file(data):
    raw = pd.Series([r["verdict"] for r in _raw_rows()]).value_counts()
    for by in ("section", "chapter"):
        counts = claims.verdict_counts(data, by)
        assert counts.groupby("verdict").claims.sum().to_dict() == {v: int(raw.get(v, 0)) for v in claims.VERDICTS}
        assert counts.groupby(by).share.sum().round(6).eq(100).all()
    wide = claims.verdict_table(data, "chapter").set_index("group")
    assert wide.loc["All claims", "total"] == len(_raw_rows())
    assert list(wide.index) == ["Introduction", "Chapter 1", "Chapter 2", "Chapter 3", "Conclusion", "All claims"]
    checked = wide.loc["All claims", "total"] - wide.loc["All claims", "cannot_check"]
    assert wide.loc["All claims", "differs_share_of_checked"] == pytest.approx(100 * raw["differs"] / checked)


def test_summary_and_kinds_agree(data):
    facts = claims.summary(data)
    assert facts["total"] == facts["match"] + facts["match_after_rounding"] + facts["differs"] + facts["cannot_check"]
    kinds = claims.kind_counts(data)
    assert kinds.claims.sum() == facts["differs"]
    assert kinds.claims.is_monotonic_decreasing
    assert all(len(ids.split(", ")) == n for ids, n in zip(kinds.claim_ids, kinds.claims))


def test_one_in_names_the_nearest_fraction():
    assert claims.one_in(21.2) == "one claim in five"
    assert claims.one_in(50) == "one claim in two"
    assert claims.one_in(4) == "one claim in 25"


def test_chart_title_is_computed_from_the_data(data, data_copy):
    title = " ".join(_lines(claims.verdict_chart(data).to_dict()["title"]["text"]))
    share = 100 * (data.verdict == "differs").mean()
    assert title == f"About {claims.one_in(share)} differs from its source"
    # make half the claims differ: the title must follow
    path = data_copy / "thesis_claims.csv"
    odd = {r["claim_id"] for r in _raw_rows() if r["verdict"] != "differs" and int(r["claim_id"][1:]) % 2}
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [_to_differs(line) if line.split(",", 1)[0] in odd else line for line in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    changed = datasets.load("thesis_claims", data_copy)
    assert (changed.verdict == "differs").sum() > (data.verdict == "differs").sum()
    new_share = 100 * (changed.verdict == "differs").mean()
    new_title = " ".join(_lines(claims.verdict_chart(changed).to_dict()["title"]["text"]))
    assert new_title == f"About {claims.one_in(new_share)} differs from its source" != title


def _to_differs(line: str) -> str:
    for verdict in ("match_after_rounding", "match", "cannot_check"):
        marker = f",{verdict},,thesis_quoted,"
        if marker in line:
            return line.replace(marker, ",differs,value,thesis_quoted,")
    raise AssertionError(f"no verdict found in {line[:40]}")


def _lines(text):
    return [text] if isinstance(text, str) else text


def test_chart_has_alt_text_provenance_and_every_section(data):
    spec = claims.verdict_chart(data).to_dict()
    assert all(len(line) <= 62 for line in _lines(spec["title"]["text"]))
    assert spec["description"].endswith(".")
    for section in set(data.section):
        assert claims.SECTIONS[section] + ":" in spec["description"]
    prov = spec["usermeta"]["provenance"]
    assert prov["datasets"][0]["name"] == "thesis_claims" and prov["datasets"][0]["version"]
    drawn = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert drawn.claims.sum() == len(data) and (drawn.claims > 0).all()


def test_most_differences_names_ties(data):
    counts = claims.verdict_counts(data, "section")
    text = claims.most_differences(counts)
    differ = counts[counts.verdict == "differs"]
    for section in differ[differ.claims == differ.claims.max()].section:
        assert f"{section} (" in text


def test_select_filters_and_keeps_metadata(data):
    rows = claims.select(data, verdict="differs")
    assert len(rows) == (data.verdict == "differs").sum()
    assert rows.attrs["resource"]["name"] == "thesis_claims"
    assert rows.verdict_label.str.startswith("Differs: ").all()
    both = claims.select(data, verdict=["match", "match_after_rounding"], section="1.1")
    assert set(both.section) == {"1.1"} and set(both.verdict) <= {"match", "match_after_rounding"}
    assert both.thesis_line.is_monotonic_increasing
    with pytest.raises(ValueError):
        claims.select(data, verdict="wrong")
    with pytest.raises(ValueError):
        claims.select(data, section="9.9")


def test_select_keeps_claims_with_no_source_and_says_so(data):
    rows = claims.select(data, verdict="cannot_check")
    nothing = rows[rows.source_says.isna()]
    assert len(nothing) > 0 and (nothing.source_says_shown == "no source found").all()


def test_readable_note_shortens_addresses():
    note = ('Wrong year. Source phrase: "x". Also checked: https://www.example.org/a/b; '
            'http://other.net/c?d=1. Thesis lines 1-2.')
    out = claims.readable_note(note)
    assert "Also checked: example.org, other.net." in out and "https://" not in out
    assert out.endswith("Thesis lines 1-2.")


def test_claims_table_lists_every_selected_claim(data):
    table = claims.claims_table(data, verdict="differs")
    rows = claims.select(data, verdict="differs")
    assert table.html.count("<tr>") == len(rows) + 1  # header row plus one per claim
    assert all(f"<td>{cid}</td>" in table.html for cid in rows.claim_id)
    assert "as quoted by the thesis" in table.html
    assert f"({len(rows)})" in table.text.splitlines()[0]


def test_differs_share_counts_only_checkable_claims(data):
    checked = data[data.verdict != "cannot_check"]
    assert claims.differs_share(data) == pytest.approx(100 * (checked.verdict == "differs").mean())
    ch1 = checked[checked.section.str.startswith("1.")]
    assert claims.differs_share(data, ["1"]) == pytest.approx(100 * (ch1.verdict == "differs").mean())
    with pytest.raises(ValueError):
        claims.differs_share(data, ["9"])


def test_summary_tables_cite_the_dataset_without_listing_every_source(data):
    for table in (claims.chapter_table(data), claims.kind_table(data)):
        assert "thesis_claims.csv" in table.html
        assert "Source:</strong>" not in table.html
    assert "All claims" in claims.chapter_table(data).text


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


def test_section_summary_counts_each_sections_claims_from_the_raw_file(data):
    raw = pd.DataFrame(_raw_rows())
    for section in claims.SECTIONS:
        expected = raw[raw.section == section].verdict.value_counts().to_dict()
        text = claims.section_summary(data, section)
        assert _stated_counts(text) == expected, text
        if len(expected) > 1:
            assert text.startswith(f"Of the {sum(expected.values())} numeric claims in this section, ")
        assert text.endswith(".") and " 0 " not in text


def test_section_summary_reads_well_for_one_claim_one_verdict_and_none(data):
    one = datasets.subset(data, data.claim_id.isin(data[data.section == "1.3"].claim_id[:1]))
    verdict = one.verdict.iloc[0]
    text = claims.section_summary(one, "1.3", where="the thesis's section 1.3")
    assert text.startswith("The thesis makes one numeric claim in the thesis's section 1.3, and it ")
    assert ("cannot be checked" in text) == (verdict == "cannot_check")
    same = data[data.section == "1.4"].assign(verdict="differs")
    assert claims.section_summary(same, "1.4") == \
        f"All {len(same)} numeric claims in this section differ from their source."
    none = datasets.subset(data, data.section != "1.4")
    assert claims.section_summary(none, "1.4") == "The thesis states no numeric claim in this section."
    mixed = data[data.section == "1.4"].assign(verdict=["match"] + ["cannot_check"] * (len(same) - 1))
    assert claims.section_summary(mixed, "1.4") == (
        f"Of the {len(same)} numeric claims in this section, 1 matches its source and "
        f"{len(same) - 1} cannot be checked.")
    with pytest.raises(ValueError):
        claims.section_summary(data, "9.9")
