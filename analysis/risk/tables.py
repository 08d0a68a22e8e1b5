"""Chapter 3's tables for people: the thesis's tables and images rebuilt row by row, and the stability test.

A table's note is composed from its data: gaps counted from the rows, and the caveat every row of a
concept dataset shares (its CSV ``note``). What the book says about the thesis is on the page.
"""

from __future__ import annotations

import pandas as pd

from ..common import tables, words
from ..common.tables import Column
from . import data as risk_data
from .models import MIN_RISKS

PARAPHRASE = Column("description", "What it covers (paraphrase)")
SUBTYPES = "Sub-types (↳) belong to the type above them."


def _note(*parts: str) -> str | None:
    return " ".join(p for p in parts if p) or None


def table6(italy: pd.DataFrame, edition: int) -> tables.Table:
    """The thesis's Table 6: Italy's top 10 of one edition, every slot shown, gaps as 'not available'."""
    rows = risk_data.ranking(italy, edition)
    total = rows.value.sum()
    return tables.table(
        rows, [Column("rank", "Rank", "{:.0f}"), Column("risk_label", "Risk (Allianz category)"),
               Column("value", "Share of responses (%)", "{:.0f}")],
        caption=f"Top 10 business risks in Italy, Allianz Risk Barometer {edition} (the thesis's Table 6)",
        note=_note(f"Ranks {risk_data.unknown_ranks(italy, edition)}: not available.",
                   f"The published shares add up to {total:.0f}%: a respondent could name more than one risk."
                   if total > 100 else ""),
        name="risk-italy-top10",
    )


def _tree(frame: pd.DataFrame, top: str, label: str) -> tuple[pd.DataFrame, list[Column], str | None]:
    """Rows, columns and note of a classification: each type under ``top``, then its sub-types."""
    columns = [Column("label", label), PARAPHRASE, Column("quote", "The thesis's words")]
    return risk_data.tree(frame, top), columns, _note(risk_data.shared_note(frame), SUBTYPES)


def risk_types_table(risk_types: pd.DataFrame) -> tables.Table:
    rows, columns, note = _tree(risk_types, "Business risk", "Type of risk")
    caption = "Types of business risk, as the thesis classifies them (the thesis's Image 5, elaboration by its author)"
    return tables.table(rows, columns, caption=caption, note=note, name="risk-types")


def international_risks_table(international: pd.DataFrame) -> tables.Table:
    rows, columns, note = _tree(international, "International business risk", "Risk")
    caption = "Risks of international business, as the thesis describes them (the thesis's Image 6)"
    return tables.table(rows, columns, caption=caption, note=note, name="risk-international")


def barriers_table(barriers: pd.DataFrame) -> tables.Table:
    return tables.table(
        risk_data.barriers(barriers),
        [Column("group_label", "Group"), Column("barrier", "Barrier"), PARAPHRASE],
        caption="Barriers to SMEs' access to international markets, after the OECD glossary (the thesis's Image 9)",
        note=_note(risk_data.shared_note(barriers)), name="risk-oecd-barriers",
    )


def iso_process_table(iso: pd.DataFrame) -> tables.Table:
    data = risk_data.iso_process(iso)
    return tables.table(
        data, [Column("order_label", "Place in the process"), Column("step", "Element"),
               Column("part_of", "Part of"), Column("description", "What it does (paraphrase)")],
        caption=(f"The risk management process after ISO 31000:2018, in {int((data.kind == 'step').sum())} steps "
                 "(the thesis's Image 7)"),
        note=_note(risk_data.shared_note(iso)), name="risk-iso31000-steps",
    )


def trm_erm_table(trm: pd.DataFrame) -> tables.Table:
    return tables.table(
        trm, [Column("aspect", "Aspect"),
              Column("traditional_risk_management", "Traditional risk management (TRM)"),
              Column("enterprise_risk_management", "Enterprise risk management (ERM)")],
        caption="Traditional risk management and enterprise risk management compared (the thesis's Table 8)",
        note=_note(risk_data.shared_note(trm)), name="risk-trm-vs-erm",
    )


def stability_table(result: pd.DataFrame, allianz: pd.DataFrame, scope: str) -> tables.Table:
    """The per-pair and pooled results for one ranking, with what each rests on."""
    data = result[result.scope == scope].copy()
    data["editions"] = data.pair.where(data.pair != "all pairs", "all pairs pooled")
    data["interval"] = [f"{lo:+.2f} to {hi:+.2f}" if pd.notna(lo) else "" for lo, hi in zip(data.ci_low, data.ci_high)]
    data["tested"] = [r.risks if r.comparable else
                      (f"not tested: {r.n_risks} risk{'s' if r.n_risks != 1 else ''} ranked in both" if r.n_risks
                       else "not tested: no risk ranked in both") for r in data.itertuples()]
    where = "Italy" if scope == "Italy" else "the global ranking"
    return tables.numbers(
        data,
        [Column("editions", "Editions"), Column("n_risks", "Risks ranked in both (n)", "{:,.0f}"),
         Column("tau", "Kendall's tau-b", "{:+.2f}"), Column("p_value", "p-value (exact, one-sided)", "{:.2g}"),
         Column("min_p", "Smallest p-value possible", "{:.2g}"),
         Column("mean_abs_shift", "Mean shift (places)", "{:.1f}"),
         Column("interval", "95% bootstrap interval"), Column("tested", "Risks compared")],
        caption=f"Agreement between consecutive editions of the Allianz Risk Barometer: {where}",
        data=risk_data.paired_rows(allianz),
        note=f"A pair is tested only when at least {words.number_word(MIN_RISKS)} risks have a known rank in both "
             "editions; 'not available' marks a pair that could not be tested. The smallest possible p-value is the "
             "chance of a perfect match among the n risks: no pair can go below it, however stable the ranking.",
        name=f"risk-stability-{scope.lower()}",
    )
