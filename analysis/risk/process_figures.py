"""Chapter 3's concept figures, rebuilt from the thesis's prose: the ISO 31000 process and the risk matrix.

Altair specs only. The rankings' charts are in ``figures``; these draw the thesis's own diagrams from
the concept datasets, so each row is a step or an axis, not a number.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..common import style, words
from ..common.style import finish, tooltip
from . import data as risk_data
from .figures import drawn
from .labels import MATRIX_AXES


def _flow_boxes(data: pd.DataFrame, width: float = 6.0, box: float = 1.0, gap: float = 0.55) -> pd.DataFrame:
    """Boxes for the flow chart: bases side by side on top, steps below, group and recording at the sides."""
    bases, steps = data[data.kind == "basis"], data[data.kind == "step"].reset_index(drop=True)
    start = box + gap * 1.6
    step_top = lambda i: start + i * (box + gap)
    end = step_top(len(steps) - 1) + box
    w = width / max(1, len(bases))
    boxes = [dict(b, x0=i * w + 0.05, x1=(i + 1) * w - 0.05, y0=0.0, y1=box, text=b.step, fill="#f2f2f2")
             for i, (_, b) in enumerate(bases.iterrows())]
    boxes += [dict(s, x0=0.9, x1=width - 0.05, y0=step_top(i), y1=step_top(i) + box,
                   text=f"{int(s.step_order)}. {s.step}", fill="#e8f1f8") for i, s in steps.iterrows()]
    for _, g in data[data.kind == "group"].iterrows():
        members = steps.index[steps.parent_step == g.step]
        boxes.append(dict(g, x0=0.0, x1=0.8, y0=step_top(members.min()), y1=step_top(members.max()) + box,
                          text=g.step, fill="#fff4dc"))
    boxes += [dict(c, x0=width + 0.15, x1=width + 0.95, y0=start, y1=end, text=c.step, fill="#f2f2f2")
              for _, c in data[data.kind == "cross-cutting"].iterrows()]
    frame = pd.DataFrame(boxes)
    frame["xm"], frame["ym"] = (frame.x0 + frame.x1) / 2, (frame.y0 + frame.y1) / 2
    frame["vertical"] = frame.kind.isin(["group", "cross-cutting"])
    frame["status_label"] = style.status_label(frame.status)
    arrows = [{"x": width / 2, "y0": box, "y1": start}]
    arrows += [{"x": (0.9 + width) / 2, "y0": step_top(i) + box, "y1": step_top(i + 1)} for i in range(len(steps) - 1)]
    frame.attrs["arrows"], frame.attrs["extent"] = pd.DataFrame(arrows), (width + 1.0, end)
    return frame


def iso_flow_chart(iso: pd.DataFrame) -> alt.LayerChart:
    """The ISO 31000 process as a flow: bases on top, the numbered steps in order, recording alongside."""
    data = risk_data.iso_process(iso)
    frame = _flow_boxes(data)
    arrows, (right, bottom) = frame.attrs.pop("arrows"), frame.attrs.pop("extent")
    steps, group, cross = (data[data.kind == k] for k in ("step", "group", "cross-cutting"))
    xs, ys = alt.Scale(domain=[-0.05, right], nice=False), alt.Scale(domain=[bottom + 0.1, -0.1], nice=False)
    tips = tooltip(("step", "Element", None), ("order_label", "Place in the process", None),
                   ("description", "What it does (paraphrase)", None), ("status_label", "Status", None))
    rects = alt.Chart(drawn(frame)).mark_rect(stroke="#555", strokeWidth=1, cornerRadius=4).encode(
        x=alt.X("x0:Q", scale=xs, axis=None), x2="x1", y=alt.Y("y0:Q", scale=ys, axis=None), y2="y1",
        fill=alt.Fill("fill:N", scale=None), tooltip=tips)
    texts = [alt.Chart(drawn(frame)).transform_filter(alt.datum.vertical == upright).mark_text(
        fontSize=12, angle=270 if upright else 0).encode(x="xm:Q", y="ym:Q", text="text:N", tooltip=tips)
        for upright in (False, True)]
    shafts = alt.Chart(arrows).mark_rule(strokeWidth=1.5, color="#333").encode(x="x:Q", y="y0:Q", y2="y1:Q")
    heads = alt.Chart(arrows).mark_point(shape="triangle-down", filled=True, size=60, color="#333").encode(
        x="x:Q", y="y1:Q")
    labels = ", ".join(f"{int(s.step_order)} {s.step.lower()}" for s in steps.itertuples())
    grouped = "".join(f"steps {words.ranges(steps.loc[steps.parent_step == g, 'step_order'])} form {g.lower()}; "
                      for g in group.step)
    return finish(
        alt.layer(rects, shafts, heads, *texts).properties(width=520, height=40 * (bottom + 0.2)),
        name="risk-iso31000-flow",
        title=f"Risk management in {len(steps)} steps, from {steps.step.iloc[0].lower()} to "
              f"{steps.step.iloc[-1].lower()}",
        subtitle="The risk management process after ISO 31000:2018, element by element; "
                 "hover a box for the description",
        alt_text=f"Flow chart of the risk management process after ISO 31000: "
                 f"{', '.join(data.loc[data.kind == 'basis', 'step'].str.lower())} at the basis; then the steps "
                 f"{labels}; {grouped}" + "".join(f"{c.lower()} runs alongside the whole process." for c in cross.step),
        data=data,
        note=risk_data.shared_note(iso) or None,
    )


def risk_matrix_chart(matrix: pd.DataFrame, axes: tuple[str, str] = MATRIX_AXES) -> alt.LayerChart:
    """A risk matrix as the data hold it: two named axes and no sourced levels or cells, drawn as an empty frame."""
    if not matrix[matrix.rating.notna() & (matrix.status != "not_found")].empty:
        raise ValueError("risk_matrix now has sourced cells: draw them instead of the empty frame")
    notes = " ".join(matrix.note.dropna())
    missing = [a for a in axes if a not in notes]
    if missing:
        raise ValueError(f"the risk_matrix note no longer names the axis {missing[0]!r}")
    frame = pd.DataFrame({"x0": [0], "x1": [1], "y0": [0], "y1": [1]})
    msg = pd.DataFrame({"x": [0.5], "y": [0.5], "text": ["cells not available:\nno levels or ratings are sourced"]})
    unit = alt.Scale(domain=[0, 1], nice=False)
    bare = alt.Axis(labels=False, ticks=False, grid=False, domain=False)
    box = alt.Chart(drawn(frame)).mark_rect(fill="#fafafa", stroke="#777", strokeDash=[6, 4]).encode(
        x=alt.X("x0:Q", scale=unit, title=f"{axes[0].capitalize()} (levels not given) →", axis=bare), x2="x1",
        y=alt.Y("y0:Q", scale=unit, title=f"{axes[1].capitalize()} (levels not given) →", axis=bare), y2="y1")
    text = alt.Chart(msg).mark_text(fontSize=13, fontStyle="italic", color="#555", lineBreak="\n").encode(
        x=alt.X("x:Q", scale=unit), y=alt.Y("y:Q", scale=unit), text="text:N")
    return finish(
        (box + text).properties(width=380, height=300), name="risk-matrix",
        title=f"The risk matrix crosses the {axes[0]} with the {axes[1]}; its cells are not available",
        subtitle="Only the two axes are known; no likelihood or impact levels and no cell ratings are sourced",
        alt_text=f"An empty frame standing for a risk matrix: the horizontal axis is the {axes[0]} and the vertical "
                 f"axis the {axes[1]}, with no levels and no cells, because none are sourced.",
        data=matrix,
        note=" ".join(n[:1].upper() + n[1:] + ("" if n.endswith(".") else ".") for n in matrix.note.dropna()),
    )
