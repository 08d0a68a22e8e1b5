"""Tables of the thesis's claims: by part of the thesis, by kind of difference, and claim by claim.

The verdicts come from :mod:`analysis.claims` (``assess``), which applies the rule of
:mod:`analysis.claim_checks`; this module only lays them out for people.
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlparse

import pandas as pd

from .claims import (KINDS, LANGUAGES, SECTIONS, UNRECORDED, VERDICTS, _as_list, _section_rank, kind_counts, pick,
                     verdict_counts, verdict_table)
from .common import tables
from .common.locale import mark_cjk


def chapter_table(claims: pd.DataFrame, name: str = "claims-by-chapter", note: str | None = None) -> tables.Table:
    """Verdict counts by part of the thesis, with the share of checkable claims that differ."""
    return tables.numbers(
        verdict_table(claims, "chapter"),
        [tables.Column("group", "Part of the thesis"), tables.Column("match", "Match (claims)", "{:,}"),
         tables.Column("match_after_rounding", "Match after rounding (claims)", "{:,}"),
         tables.Column("differs", "Differ (claims)", "{:,}"),
         tables.Column("cannot_check", "Cannot be checked (claims)", "{:,}"),
         tables.Column("total", "All (claims)", "{:,}"),
         tables.Column("judged", "Of which decided by a typed judgement (claims)", "{:,}"),
         tables.Column("differs_share_of_checked", "Differ, share of checkable claims (%)", "{:.0f}")],
        caption="Verdicts on the thesis's numeric claims, by part of the thesis",
        data=verdict_counts(claims, "chapter"),
        note=note,
        name=name,
    )


def kind_table(claims: pd.DataFrame, name: str = "claims-by-kind", note: str | None = None) -> tables.Table:
    """The differing claims counted by kind of difference."""
    return tables.numbers(
        kind_counts(claims),
        [tables.Column("kind_label", "Kind of difference"), tables.Column("claims", "Claims", "{:,}"),
         tables.Column("claim_ids", "Which claims")],
        caption="Differences between the thesis and its sources, by kind",
        data=verdict_counts(claims, "chapter"),
        note=note,
        name=name,
    )


# --- tables of claims ------------------------------------------------------------------------

def select(claims: pd.DataFrame, verdict: str | list[str] | None = None,
           section: str | list[str] | None = None, language: str | None = None,
           judged: bool | None = None) -> pd.DataFrame:
    """The claims :func:`analysis.claims.pick` selects, in thesis order, with the columns a table shows."""
    out = pick(claims, verdict, section, language, judged)
    out["verdict_label"] = [_verdict_label(r) for r in out.itertuples(index=False)]
    out["kind_label"] = [KINDS.get(k, k) if isinstance(k, str) and k else (UNRECORDED if v == "differs" else "")
                         for k, v in zip(out.difference_kind, out.verdict)]
    out["section_label"] = out.section.map(SECTIONS)
    out["source_says_shown"] = out.source_says.fillna("no source found")
    out["why"] = [_why(r) for r in out.itertuples(index=False)]
    return out.sort_values(["section", "thesis_line"], key=lambda s: _section_rank(s) if s.name == "section" else s)


def _verdict_label(row) -> str:
    """'Differs: wrong year or period; thesis 1987, source 1978: +9 years', 'Matches (typed judgement)'."""
    label = VERDICTS[row.verdict] + (" (typed judgement)" if row.judged else "")
    kind = row.difference_kind if isinstance(row.difference_kind, str) else ""
    if row.verdict == "differs":
        label += f": {KINDS.get(kind, kind) if kind else UNRECORDED}"
    if row.difference:
        label += f"; {row.difference}"
    return label


def _why(row) -> str:
    """The reason shown beside a verdict: the judgement's reason, the note, the sources' own words."""
    parts = [f"Judged: {row.judgement_reason}" if row.judgement_reason else "",
             readable_note(row.note if isinstance(row.note, str) else "")]
    if row.quotes:
        parts.append("Source phrase: " + " / ".join(f'"{q}"' for q in row.quotes) + ".")
    return " ".join(p for p in parts if p)


def readable_note(note: str) -> str:
    """The note for a table cell: further addresses shortened to their site names."""
    def sites(match: re.Match) -> str:
        hosts = [urlparse(u.strip()).netloc.removeprefix("www.") for u in match.group(1).split("; ")]
        return "Also checked: " + ", ".join(dict.fromkeys(h for h in hosts if h)) + "."
    return re.sub(r"Also checked: (https?://.+?)\.(?= [A-Z]|$)", sites, note).strip()


#: Columns of the claim tables (the Status and Source columns are added by tables.table).
COLUMNS = [
    tables.Column("claim_id", "Claim"),
    tables.Column("thesis_line", "Thesis line", "{:d}"),
    tables.Column("thesis_words", "The thesis says"),
    tables.Column("thesis_cited_source", "Source the thesis cites"),
    tables.Column("source_says_shown", "What a source says"),
    tables.Column("verdict_label", "Verdict"),
    tables.Column("why", "Why (and the source's own words)"),
]


def claims_table(claims: pd.DataFrame, verdict: str | list[str] | None = None,
                 section: str | list[str] | None = None, caption: str | None = None,
                 name: str | None = None, language: str | None = None,
                 judged: bool | None = None) -> tables.Table:
    """A table of the claims with the given verdict(s), in the given section(s) and/or language.

    ``name`` (anchor ``tab-<name>``) defaults to one made from the selection, e.g. "claims-1-3".
    Chinese text in the table is marked ``lang="zh-Hans"`` for screen readers.
    """
    rows = select(claims, verdict, section, language, judged)
    if name is None:
        picked = _as_list(section or []) + _as_list(verdict or []) + _as_list(language or [])
        name = "-".join(["claims", *(re.sub(r"[^a-z0-9]+", "-", p.lower()) for p in picked)])
    if caption is None:
        caption = "Numeric claims of the thesis"
        if language:
            caption += f" in {LANGUAGES[language]}"
        if section:
            caption += ", section " + ", ".join(SECTIONS[s] for s in _as_list(section))
        if verdict:
            caption += ", verdict: " + ", ".join(VERDICTS[v] for v in _as_list(verdict)).lower()
        caption += f" ({len(rows)})"
    table = tables.table(rows, COLUMNS, caption=caption, name=name, note=TABLE_NOTE)
    return dataclasses.replace(table, html=mark_cjk(table.html))


#: What the Status and Source columns of a claims table mean.
TABLE_NOTE = ("Verdicts are computed from the numbers by the rule stated on the page on the thesis's numbers; "
              "one marked 'typed judgement' was given where no number can settle the claim. Status: the weakest "
              "evidence the verdict rests on ('as quoted by the thesis' where no source consulted confirms or "
              "contradicts the claim). Source: the page the check relied on ('thesis' where none was found).")
