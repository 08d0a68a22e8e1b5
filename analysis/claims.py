"""The thesis's numbers, checked: verdicts on its numeric claims by section, and tables of the claims.

Each row of ``thesis_claims`` is one claim quoted from the thesis (in English, or in its Chinese
introduction: ``language``). Its verdict is not typed: :mod:`analysis.claim_checks` computes it from
the claim's checks (``thesis_claim_checks``) by the stated rule, or takes the typed judgement of a
check no number can settle, counted apart. Every function here accepts the claims as loaded and
assesses them first (:func:`assess`). Nothing here is a value to plot: the charts and tables count
and list verdicts.
"""

from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import pandas as pd

from . import claim_checks, datasets
from .common import style as charts
from .common.words import number_word
from .common.style import finish, tooltip

#: Thesis sections in reading order, with the short labels used on the chart.
SECTIONS = {
    "introduction": "Introduction",
    "1.1": "1.1 Economy and firms",
    "1.2": "1.2 Why China",
    "1.3": "1.3 ICE-ITA",
    "1.4": "1.4 SACE and SIMEST",
    "2.1": "2.1 Alibaba Group",
    "2.2": "2.2 Alibaba.com",
    "2.3": "2.3 ICE and Alibaba",
    "3.1": "3.1 Types of risk",
    "3.2": "3.2 Risk management",
    "3.3": "3.3 Barriers in China",
    "3.4": "3.4 Alibaba.com against risk",
    "conclusion": "Conclusion",
}
CHAPTERS = {"introduction": "Introduction", "1": "Chapter 1", "2": "Chapter 2", "3": "Chapter 3",
            "conclusion": "Conclusion"}

#: Verdicts in the order they stack, with labels and Okabe-Ito colours (grey for "cannot be checked").
VERDICTS = {
    "match": "Matches",
    "match_after_rounding": "Matches after rounding",
    "differs": "Differs",
    "cannot_check": "Cannot be checked",
}
#: Languages of the thesis's text (``language``).
LANGUAGES = {"en": "English", "zh": "Chinese"}
VERDICT_COLOURS = {"match": charts.PALETTE[2], "match_after_rounding": charts.PALETTE[4],
                   "differs": charts.PALETTE[5], "cannot_check": charts.MUTED}

#: Kinds of difference (the ``difference_kind`` column) and how the page names them.
KINDS = {
    "label": "wrong label (right number, wrong thing)",
    "unit": "unit or currency slip",
    "year": "wrong year or period",
    "value": "wrong value, count, range or rank",
    "arithmetic": "arithmetic",
    "outdated": "out of date or overstated",
    "vintage": "minor gap from a data revision",
}

#: The kind of a difference the data made before the claims check named it.
UNRECORDED = "kind not yet recorded"


def chapter_of(section: str) -> str:
    """'1.2' -> 'Chapter 1'; the introduction and conclusion are their own groups."""
    return CHAPTERS[section if section in CHAPTERS else section.split(".")[0]]


def assess(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims with their computed verdicts: one row per claim, with ``verdict``, ``judged`` (a typed
    judgement decided part of it), ``status`` and ``source_id`` (the evidence the verdict rests on),
    ``difference`` (by how much, in words), the sources' ``quotes`` and the ``judgement_reason``.

    Raises ValueError naming every check that breaks the rules of :mod:`analysis.claim_checks`. A frame
    that is already assessed is returned as it is.
    """
    if "verdict" in claims.columns:
        return claims
    verdicts = _assessed(claims)
    out = claims.merge(verdicts, on="claim_id", how="left", validate="one_to_one")
    out.index = claims.index
    return datasets.with_provenance(out, claims)


#: Assessments already made in this process, by claims and data files (a page asks several times).
_CACHE: dict = {}


def _assessed(claims: pd.DataFrame) -> pd.DataFrame:
    root = Path(claims.attrs.get("root") or datasets.data_dir())
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in root.glob("*") if p.is_file()))
    key = (str(root), int(pd.util.hash_pandas_object(claims.astype(str), index=False).sum()), stamp)
    if key not in _CACHE:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = claim_checks.assess(claims)
    return _CACHE[key].copy()


def in_language(claims: pd.DataFrame, language: str) -> pd.DataFrame:
    """The claims of one language of the thesis ("en": its English text, "zh": its Chinese introduction)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; one of {list(LANGUAGES)}")
    return datasets.subset(claims, claims.language == language)


# --- counting -------------------------------------------------------------------------------

def verdict_counts(claims: pd.DataFrame, by: str = "section") -> pd.DataFrame:
    """Claims per group and verdict (tidy, zeros included), with each verdict's share of the group.

    ``by`` is "section" or "chapter"; groups come in thesis order.
    """
    if by not in ("section", "chapter"):
        raise ValueError("by must be 'section' or 'chapter'")
    claims = assess(claims)
    unknown = set(claims.verdict) - set(VERDICTS)
    if unknown:
        raise ValueError(f"unknown verdict(s): {sorted(unknown)}")
    frame = claims.assign(chapter=claims.section.map(chapter_of))
    order = [s for s in SECTIONS if s in set(frame.section)] if by == "section" \
        else list(dict.fromkeys(frame.sort_values("section", key=_section_rank).chapter))
    counts = (frame.groupby([by, "verdict"]).size()
              .reindex(pd.MultiIndex.from_product([order, list(VERDICTS)], names=[by, "verdict"]), fill_value=0)
              .rename("claims").reset_index())
    counts["group_total"] = counts.groupby(by).claims.transform("sum")
    counts["share"] = 100 * counts.claims / counts.group_total
    counts["verdict_label"] = counts.verdict.map(VERDICTS)
    counts["verdict_rank"] = counts.verdict.map({v: i for i, v in enumerate(VERDICTS)})
    counts["group_label"] = counts[by].map(SECTIONS) if by == "section" else counts[by]
    datasets.with_provenance(counts, claims)
    return counts


def _section_rank(series: pd.Series) -> pd.Series:
    return series.map({s: i for i, s in enumerate(SECTIONS)})


def verdict_table(claims: pd.DataFrame, by: str = "chapter") -> pd.DataFrame:
    """Wide counts: one row per group plus a total row, one column per verdict, and the share that differs."""
    claims = assess(claims)
    counts = verdict_counts(claims, by)
    wide = counts.pivot(index="group_label", columns="verdict", values="claims")
    wide = wide.reindex(list(dict.fromkeys(counts.group_label)))[list(VERDICTS)]
    wide.loc["All claims"] = wide.sum()
    wide["total"] = wide[list(VERDICTS)].sum(axis=1)
    groups = claims.section.map(SECTIONS) if by == "section" else claims.section.map(chapter_of)
    judged = claims.judged.groupby(groups).sum()
    wide["judged"] = [int(judged.get(g, 0)) for g in wide.index[:-1]] + [int(claims.judged.sum())]
    checked = wide.total - wide.cannot_check
    wide["differs_share_of_checked"] = (100 * wide.differs / checked).where(checked > 0)
    out = wide.reset_index().rename(columns={"group_label": "group"})
    out.columns.name = None
    return out


def summary(claims: pd.DataFrame) -> dict:
    """Headline counts for the page's prose (plain Python numbers, ready to glue).

    Besides the counts by verdict (all claims): ``computed`` and ``judged`` claims and each verdict's
    count among them (``computed_match``, ``judged_differs``, ...), and the claims of each language
    (``english``, ``chinese``).
    """
    claims = assess(claims)
    counts = claims.verdict.value_counts()
    total = int(len(claims))
    out = {"total": total, **{v: int(counts.get(v, 0)) for v in VERDICTS}}
    for basis, rows in (("computed", claims[~claims.judged]), ("judged", claims[claims.judged])):
        out[basis] = int(len(rows))
        out.update({f"{basis}_{v}": int((rows.verdict == v).sum()) for v in VERDICTS})
    out["english"] = int((claims.language == "en").sum())
    out["chinese"] = int((claims.language == "zh").sum())
    out["checked"] = total - out["cannot_check"]
    out["differs_share"] = 100.0 * out["differs"] / total if total else float("nan")
    out["differs_share_of_checked"] = 100.0 * out["differs"] / out["checked"] if out["checked"] else float("nan")
    out["matches_any"] = out["match"] + out["match_after_rounding"]
    return out


def differs_share(claims: pd.DataFrame, chapters: list[str] | None = None) -> float:
    """Share (%) of the checkable claims that differ, optionally within some chapters ("1", "2", ...)."""
    claims = assess(claims)
    rows = claims if chapters is None else claims[claims.section.map(lambda s: s.split(".")[0]).isin(chapters)]
    checked = rows[rows.verdict != "cannot_check"]
    if checked.empty:
        raise ValueError("no checkable claim in the selection")
    return float(100 * (checked.verdict == "differs").mean())


def kind_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """Differences by kind, most frequent first, with the claims of each kind."""
    claims = assess(claims)
    differ = claims[claims.verdict == "differs"]
    rows = []
    for kind, group in differ.groupby("difference_kind", dropna=False):
        kind = kind if isinstance(kind, str) and kind else "unrecorded"
        rows.append({"kind": kind, "kind_label": KINDS.get(kind, UNRECORDED), "claims": len(group),
                     "claim_ids": ", ".join(sorted(group.claim_id, key=_claim_number))})
    out = pd.DataFrame(rows, columns=["kind", "kind_label", "claims", "claim_ids"])
    return out.sort_values(["claims", "kind"], ascending=[False, True], ignore_index=True)


def _claim_number(claim_id: str) -> int:
    return int(re.sub(r"\D", "", claim_id) or 0)


def one_in(share: float) -> str:
    """'one claim in five' for a share of about 20%; words up to ten, digits beyond."""
    n = round(100 / share)
    return f"one claim in {number_word(n)}"


# --- the chart -------------------------------------------------------------------------------

def verdict_chart(claims: pd.DataFrame, note: str | None = None) -> alt.Chart:
    """Stacked bars: each thesis section's claims by verdict, sections in thesis order.

    ``note`` is the page's caveat on reading the counts (the page owns that sentence).
    """
    claims = assess(claims)
    data = verdict_counts(claims, "section")
    drawn = datasets.subset(data, data.claims > 0)
    facts = summary(claims)
    sections = list(dict.fromkeys(data.group_label))
    most = most_differences(data)
    if facts["differs"] == 0:
        title = "No claim of the thesis differs from its source"
    else:
        title = f"About {one_in(facts['differs_share'])} differs from its source"
    bars = alt.Chart(drawn).mark_bar().encode(
        x=alt.X("claims:Q", title="Numeric claims (count)", stack="zero",
                axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("group_label:N", title=None, sort=sections),
        color=alt.Color("verdict_label:N", title="Verdict", sort=list(VERDICTS.values()),
                        scale=alt.Scale(domain=list(VERDICTS.values()), range=list(VERDICT_COLOURS.values()))),
        order=alt.Order("verdict_rank:Q"),
        tooltip=tooltip(("group_label", "Thesis section", None), ("verdict_label", "Verdict", None),
                        ("claims", "Claims (count)", "d"), ("group_total", "Claims in the section (count)", "d"),
                        ("share", "Share of the section's claims (%)", ".0f")),
    )
    return finish(
        bars.properties(height=360),
        name="claims-verdicts",
        title=title,
        subtitle=(f"Numeric claims per thesis section, by verdict: {facts['differs']} of {facts['total']} differ "
                  f"from a source and {facts['cannot_check']} could not be checked; {most}"),
        alt_text=_alt_text(data, facts),
        data=data,
        note=note,
    )


def most_differences(counts: pd.DataFrame) -> str:
    """Which section(s) hold the most differing claims, ties named together."""
    differ = counts[counts.verdict == "differs"]
    top = differ[differ.claims == differ.claims.max()]
    if top.claims.iloc[0] == 0:
        return "no section has a differing claim"
    names = [f"{r.section} ({r.claims} of {r.group_total})" for r in top.itertuples()]
    if len(names) == 1:
        return f"most differences are in section {names[0]}"
    return "most differences are in sections " + ", ".join(names[:-1]) + " and " + names[-1]


_ALT_WORDS = {"match": "matching", "match_after_rounding": "matching after rounding", "differs": "differing",
              "cannot_check": "not checkable"}


def _alt_text(data: pd.DataFrame, facts: dict) -> str:
    parts = []
    for label, group in data.groupby("group_label", sort=False):
        counts = ", ".join(f"{r.claims} {_ALT_WORDS[r.verdict]}" for r in group.itertuples() if r.claims)
        parts.append(f"{label}: {counts}")
    return (f"Stacked horizontal bar chart of the thesis's {facts['total']} numeric claims by section and verdict "
            f"({facts['match']} match, {facts['match_after_rounding']} match after rounding, {facts['differs']} differ, "
            f"{facts['cannot_check']} cannot be checked; {facts['judged']} of the verdicts rest on a typed judgement). "
            + "; ".join(parts) + ".")


def pick(claims: pd.DataFrame, verdict: str | list[str] | None = None,
         section: str | list[str] | None = None, language: str | None = None,
         judged: bool | None = None) -> pd.DataFrame:
    """Claims filtered by verdict, section, language and/or basis (``judged``: True for the claims a
    typed judgement decided, False for those the rule decided alone), assessed.

    Only the claims selected by section and language are assessed, so a page reads only the datasets
    its own claims are checked against.
    """
    for col, wanted, known in (("verdict", verdict, VERDICTS), ("section", section, SECTIONS),
                               ("language", language, LANGUAGES)):
        bad = [w for w in _as_list(wanted or []) if w not in known]
        if bad:
            raise ValueError(f"unknown {col}(s): {bad}")
    mask = pd.Series(True, index=claims.index)
    if section is not None:
        mask &= claims.section.isin(_as_list(section))
    if language is not None:
        mask &= claims.language == language
    out = assess(datasets.subset(claims, mask))
    if verdict is not None:
        out = datasets.subset(out, out.verdict.isin(_as_list(verdict)))
    if judged is not None:
        out = datasets.subset(out, out.judged == judged)
    return out


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


# --- one sentence per page -------------------------------------------------------------------

#: How each verdict reads in a sentence: (one claim, several claims); "{obj}" names the source the
#: first time and is "it" after that.
_VERDICT_VERBS = {
    "match": ("matches {obj}", "match {obj}"),
    "match_after_rounding": ("matches {obj} after rounding", "match {obj} after rounding"),
    "differs": ("differs from {obj}", "differ from {obj}"),
    "cannot_check": ("cannot be checked", "cannot be checked"),
}


def section_summary(claims: pd.DataFrame, section: str | list[str], where: str = "this section",
                    language: str | None = None) -> str:
    """One sentence for a page: how many of a section's numeric claims match, differ or cannot be checked.

    Verdicts with no claim are left out, so the sentence never says "0 differ"; ``where`` names the
    part of the thesis ("this section", "the thesis's introduction"); ``language`` keeps the claims of
    the English text ("en") or of the Chinese introduction ("zh") only.
    """
    facts = summary(pick(claims, section=section, language=language))
    total = facts["total"]
    if total == 0:
        return f"The thesis states no numeric claim in {where}."
    present = [v for v in VERDICTS if facts[v]]
    if total == 1:
        verb = _VERDICT_VERBS[present[0]][0].format(obj="its source")
        return f"The thesis makes one numeric claim in {where}, and it {verb}."
    if len(present) == 1:
        verb = _VERDICT_VERBS[present[0]][1].format(obj="their source")
        return f"All {total} numeric claims in {where} {verb}."
    parts, named = [], False
    for verdict in present:
        several = facts[verdict] > 1
        template = _VERDICT_VERBS[verdict][several]
        obj = "it" if named else ("their source" if several else "its source")
        parts.append(f"{facts[verdict]} " + template.format(obj=obj))
        named = named or "{obj}" in template
    return f"Of the {total} numeric claims in {where}, " + ", ".join(parts[:-1]) + " and " + parts[-1] + "."
