"""Tidy frames and lookups for chapter 3: Allianz rankings by edition, and the concept tables' rows.

No Altair here. Every function takes the loaded dataset (``datasets.load``) and keeps its ``attrs``
so a chart or table can cite it.
"""

from __future__ import annotations

import pandas as pd

from .. import datasets
from ..common import lookup, words
from ..common.style import status_label
from .labels import NOT_AVAILABLE, THESIS_RISKS, UNKNOWN

# --- one edition ---------------------------------------------------------------------------


def ranking(allianz: pd.DataFrame, edition: int) -> pd.DataFrame:
    """The top-10 rows of one edition in rank order, with labels; unknown slots say 'not available'."""
    rows = datasets.subset(allianz, allianz.edition == edition)
    if rows.empty:
        raise KeyError(f"no rows for edition {edition}")
    rows["known"] = rows.risk != UNKNOWN
    rows["risk_label"] = rows.risk.where(rows.known, NOT_AVAILABLE)
    rows["status_label"] = status_label(rows.status)
    rows["share_label"] = rows.value.map(lambda v: "not published" if pd.isna(v) else f"{v:.0f}%")
    rows["note"] = rows.note.fillna("") if "note" in rows else ""
    rows = rows.sort_values(["rank", "known"], ascending=[True, False], kind="stable")
    # Tied ranks: keep them apart on a chart without changing the rank a reader is told.
    rows["tie_size"] = rows.groupby("rank")["rank"].transform("size")
    rows["tie_index"] = rows.groupby("rank").cumcount()
    rows["y"] = rows["rank"] + (rows.tie_index - (rows.tie_size - 1) / 2) * 0.4
    rows["tied"] = rows.tie_size > 1
    rows["row_label"] = [f"{r}. {lab}" + (" (tied)" if t else "")
                         for r, lab, t in zip(rows["rank"], rows.risk_label, rows.tied)]
    return rows


def rank_of(allianz: pd.DataFrame, edition: int, risk: str) -> int:
    """The risk's rank in one edition; KeyError when it has none."""
    return int(lookup.value(allianz, column="rank", edition=edition, risk=risk))


def share_of(allianz: pd.DataFrame, edition: int, risk: str) -> float:
    """The risk's published share of responses (%); KeyError when it was not published."""
    return lookup.value(allianz, edition=edition, risk=risk)


def editions_of(allianz: pd.DataFrame, risk: str) -> list[int]:
    """The editions in which ``risk`` has a known top-10 rank."""
    return sorted(int(e) for e in allianz.loc[allianz.risk == risk, "edition"].unique())


def place(allianz: pd.DataFrame, edition: int, risk: str) -> str:
    """'fourth', or 'tied fourth' when another risk shares the rank."""
    rank = rank_of(allianz, edition, risk)
    shared = ((allianz.edition == edition) & (allianz["rank"] == rank)).sum() > 1
    return ("tied " if shared else "") + words.ordinal(rank)


def unknown_ranks(allianz: pd.DataFrame, edition: int) -> str:
    """The slots of an edition's top 10 whose risk was not found, e.g. '5-10' or '7 (tie), 10'."""
    rows = allianz[allianz.edition == edition]
    unknown = sorted(set(rows.loc[rows.risk == UNKNOWN, "rank"]))
    if (rows.risk == UNKNOWN).all():
        return "all"
    if not unknown:
        return "none"
    known = set(rows.loc[rows.risk != UNKNOWN, "rank"])
    plain = [r for r in unknown if r not in known]
    parts = (words.ranges(plain).split(", ") if plain else []) + [f"{r} (tie)" for r in unknown if r in known]
    return ", ".join(sorted(parts, key=lambda p: int(p.split("-")[0].split(" ")[0])))


def table6_facts(italy: pd.DataFrame, world: pd.DataFrame, edition: int) -> dict[str, object]:
    """The numbers §3.1's text quotes about one Allianz edition (the page passes the thesis's)."""
    macro = "Macroeconomic developments"
    seen = editions_of(italy, macro)
    later = [e for e in seen if e > edition]
    return {
        "it_bi_share": share_of(italy, edition, "Business interruption"),
        "it_nc_place": place(italy, edition, "Natural catastrophes"),
        "it_nc_share": share_of(italy, edition, "Natural catastrophes"),
        "it_missing": unknown_ranks(italy, edition),
        "gl_macro_place": place(world, edition, macro),
        "it_macro_first": seen[0],
        "it_macro_first_place": place(italy, seen[0], macro),
        "it_macro_next": later[0] if later else "none",
    }


def edition_rows(allianz: pd.DataFrame, editions: list[int]) -> pd.DataFrame:
    """Every row (named risks and unknown slots) of the given editions, for a chart to cite."""
    return datasets.subset(allianz, allianz.edition.isin(editions))


# --- editions over time ------------------------------------------------------------------------


def known_ranks(allianz: pd.DataFrame) -> pd.DataFrame:
    """Every named risk with its rank per edition (rows with a known risk only), for rank charts."""
    parts = [ranking(allianz, e) for e in sorted(allianz.edition.unique())]
    out = pd.concat(parts, ignore_index=True)
    out = out[out.known].copy()
    out["edition_label"] = out.edition.astype(str)
    return datasets.with_provenance(out, allianz)


def gap_labels(allianz: pd.DataFrame) -> pd.DataFrame:
    """One row per edition saying which top-10 slots are not available."""
    editions = sorted(allianz.edition.unique())
    return pd.DataFrame({"edition": editions, "edition_label": [str(e) for e in editions],
                         "gap": [unknown_ranks(allianz, e) for e in editions]})


def risk_order(allianz: pd.DataFrame) -> list[str]:
    """Named risks: the thesis's five first, then the others by their best rank."""
    named = allianz[allianz.risk != UNKNOWN]
    others = named[~named.risk.isin(THESIS_RISKS)].groupby("risk")["rank"].min().sort_values(kind="stable")
    return [r for r in THESIS_RISKS if r in set(named.risk)] + list(others.index)


def top_two_run(allianz: pd.DataFrame) -> tuple[int, int, list[str]] | None:
    """The latest run of editions (skipping editions with no data) whose top two are the same two risks."""
    found = []
    for e in sorted(allianz.edition.unique()):
        rows = allianz[(allianz.edition == e) & (allianz["rank"] <= 2)]
        if rows.empty or (rows.risk == UNKNOWN).all():
            continue
        complete = UNKNOWN not in set(rows.risk) and len(rows) == 2
        found.append((int(e), frozenset(rows.risk) if complete else None))
    if not found or found[-1][1] is None:
        return None
    pair, start = found[-1][1], found[-1][0]
    for e, s in reversed(found):
        if s != pair:
            break
        start = e
    if start == found[-1][0]:
        return None
    names = sorted(pair, key=lambda r: THESIS_RISKS.index(r) if r in THESIS_RISKS else len(THESIS_RISKS))
    return start, found[-1][0], names


def headline_shares(glob: pd.DataFrame, top: int = 3, min_shares: int = 2) -> pd.DataFrame:
    """Shares across editions for risks ranked in the global top ``top`` at least once, with enough shares."""
    pts = known_ranks(glob)
    leaders = set(pts.loc[pts["rank"] <= top, "risk"])
    counts = pts[pts.value.notna()].groupby("risk").size()
    keep = [r for r in leaders if counts.get(r, 0) >= min_shares]
    out = datasets.subset(pts, pts.risk.isin(keep))
    out["has_share"] = out.value.notna()
    return out


def rank_pairs(allianz: pd.DataFrame) -> pd.DataFrame:
    """Risks with a known rank in two consecutive editions: one row per risk and pair of editions.

    A pair with no risk in common keeps one row with an empty ``risk``, so it is reported, not dropped.
    """
    known = allianz[allianz.risk != UNKNOWN][["edition", "risk", "rank"]]
    editions = sorted(allianz.edition.unique())
    rows = []
    for a, b in zip(editions, editions[1:]):
        if b != a + 1:
            continue
        both = known[known.edition == a].merge(known[known.edition == b], on="risk", suffixes=("_from", "_to"))
        if both.empty:
            both = pd.DataFrame({"risk": [None]})
        rows.append(both.assign(pair=f"{a}-{b}", edition_from=a, edition_to=b))
    out = pd.concat(rows, ignore_index=True).reindex(
        columns=["pair", "edition_from", "edition_to", "risk", "rank_from", "rank_to"])
    return datasets.with_provenance(out, allianz)


def paired_rows(allianz: pd.DataFrame) -> pd.DataFrame:
    """The rows behind ``rank_pairs``: each risk's rank in an edition whose neighbour also ranks it."""
    pairs = rank_pairs(allianz).dropna(subset=["risk"])
    keys = set(zip(pairs.edition_from, pairs.risk)) | set(zip(pairs.edition_to, pairs.risk))
    return datasets.subset(allianz, [k in keys for k in zip(allianz.edition, allianz.risk)])


# --- the thesis's concept figures, rebuilt from its prose -------------------------------------


def tree(frame: pd.DataFrame, top: str) -> pd.DataFrame:
    """Parents (group == top) each followed by their children, children marked with an arrow."""
    parts = []
    for _, p in frame[frame.group == top].iterrows():
        parts.append(p.to_frame().T.assign(label=p.risk_type, part_of=top))
        kids = frame[frame.group == p.risk_type]
        parts.append(kids.assign(label="↳ " + kids.risk_type, part_of=kids.group))
    return datasets.with_provenance(pd.concat(parts, ignore_index=True), frame)


def iso_process(iso: pd.DataFrame) -> pd.DataFrame:
    """The process in reading order: bases, the group, the numbered steps, then what runs throughout."""
    steps = iso[iso.kind == "step"].sort_values("step_order")
    out = pd.concat([iso[iso.kind == "basis"], iso[iso.kind == "group"], steps, iso[iso.kind == "cross-cutting"]])
    groups = {g: words.ranges(steps.loc[steps.parent_step == g, "step_order"])
              for g in iso.loc[iso.kind == "group", "step"]}
    where = {"basis": lambda o, s: "basis", "cross-cutting": lambda o, s: "throughout",
             "step": lambda o, s: f"step {int(o)}", "group": lambda o, s: f"steps {groups.get(s, '')}"}
    out["order_label"] = [where[k](o, s) for k, o, s in zip(out.kind, out.step_order, out.step)]
    out["part_of"] = out.parent_step.fillna("")
    return datasets.with_provenance(out.reset_index(drop=True), iso)


def barriers(oecd: pd.DataFrame) -> pd.DataFrame:
    """The OECD barriers, internal ones first, each labelled with its group."""
    order = {"Internal": 0, "External": 1}
    data = oecd.sort_values("barrier_group", key=lambda s: s.map(order), kind="stable")
    return datasets.with_provenance(data.assign(group_label=data.barrier_group + " barrier"), oecd)


def shared_note(frame: pd.DataFrame) -> str:
    """The caveat every row's ``note`` starts with ('; '-separated parts they all share), or ''."""
    notes = [str(n).split("; ") for n in frame.note.fillna("")]
    common = []
    for parts in zip(*notes):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    text = "; ".join(p for p in common if p)
    return text[:1].upper() + text[1:] + "." if text else ""
