"""Sizes: the box of each step (the flattest diamond not too wide for a decision, the name wrapped
evenly for the others, a connector as wide as its widest page number) and its notes (承办岗位,
办理时限, 监督制约, 公开, 说明), for the column beside the chart or a row of the 环节说明 table."""

from __future__ import annotations

from quanli.render.flowchart.graph import _N, SPECIAL_TEXT
from quanli.render.flowchart.metrics import DECISION_MAX_W, LINE, NAME_EM, NAME_PX, NOTE_HEAD_W, NOTE_W, TEXT_PX
from quanli.render.flowchart.text import _clean, _even, _limit_text, _wrap_even, text_width, wrap_text


def _size_box(node: _N) -> None:
    name_h = NAME_PX * LINE
    text_h = TEXT_PX * LINE
    if node.kind == "connector":  # its lines are made with it; as wide as its widest page number
        tw = max([node.w] + [text_width(t, TEXT_PX) for t in node.lines])
        node.w = _even(max(tw + 20, 72.0))
        node.h = _even(len(node.lines) * text_h + 10)
        return
    if node.kind == "decision":
        best = None
        for em in range(4, NAME_EM + 3):  # the flattest diamond not too wide: rows are a page's height
            lines = _wrap_even(node.name, em * NAME_PX, NAME_PX)
            styles = ["name"] * len(lines)
            if node.special:
                extra = wrap_text(SPECIAL_TEXT, em * NAME_PX, TEXT_PX)
                lines, styles = lines + extra, styles + ["special"] * len(extra)
            tw = max(text_width(t, NAME_PX if s == "name" else TEXT_PX) for t, s in zip(lines, styles))
            th = sum(name_h if s == "name" else text_h for s in styles)
            w = _even(max(tw / 0.56 + 12, 120.0))
            h = _even(max(th / 0.42 + 6, 64.0))
            score = (w > DECISION_MAX_W, round(h + 0.3 * w), w)
            if best is None or score < best[0]:
                best = (score, w, h, lines, styles)
        assert best is not None
        _, node.w, node.h, node.lines, node.styles = best
        return
    lines = _wrap_even(node.name, NAME_EM * NAME_PX, NAME_PX)  # the description goes to 环节说明
    styles = ["name"] * len(lines)
    if node.special:
        lines.append(SPECIAL_TEXT)
        styles.append("special")
    tw = max(text_width(t, NAME_PX if s == "name" else TEXT_PX) for t, s in zip(lines, styles))
    th = sum(name_h if s == "name" else text_h for s in styles)
    node.lines, node.styles = lines, styles
    node.w = _even(max(tw + 28, 120.0))
    node.h = _even(max(th + 18, 44.0))


def _note_items(node: _N) -> list[str]:
    st = node.step
    items = []
    post = _clean(st.get("post"))
    if post:
        items.append(f"承办岗位：{post}")
    limit = _limit_text(st.get("time_limit"))
    if limit:
        items.append(f"办理时限：{limit}")
    sup = _clean(st.get("supervision"))
    if sup:
        items.append(f"监督制约：{sup}")
    disc = st.get("disclosure")
    if isinstance(disc, dict):
        parts = []
        scope = _clean(disc.get("scope"))
        if scope:
            parts.append(f"公开范围：{scope}")
        forms = disc.get("forms")
        forms = [_clean(f) for f in forms] if isinstance(forms, list) else [_clean(forms)]
        forms = [f for f in forms if f]
        if forms:
            parts.append("公开形式：" + "、".join(forms))
        timing = _clean(disc.get("timing"))
        if timing:
            parts.append("公开时限：" + timing)
        items += parts
    if node.special:
        items.append(SPECIAL_TEXT)
    if node.kind != "connector":
        desc = _clean(st.get("description"))
        if desc:
            items.append(f"说明：{desc}")
    return items


def _size_note(node: _N, column: float) -> None:
    """The notes of a step: for a column ``column`` px wide (the name over the items), or (0) for a
    row of the 环节说明 table (the name left of the items). Short items share a line."""
    node.note, node.note_h = [], 0.0
    items = _note_items(node)
    if not items:
        return
    if column:
        head = wrap_text(f"【{node.name}】", column - 20, TEXT_PX)
        width = column - 20
    else:
        head = wrap_text(node.name, NOTE_HEAD_W - 16, TEXT_PX)
        width = NOTE_W - NOTE_HEAD_W - 16
    body: list[str] = []
    packable = False  # the last line is a whole one-line item: a short next one may join it
    for item in items:
        lines = wrap_text(item, width, TEXT_PX)
        joined = f"{body[-1]}　{item}" if body else ""
        if packable and len(lines) == 1 and text_width(joined, TEXT_PX) <= width:
            body[-1] = joined
            continue
        body += lines
        packable = len(lines) == 1
    node.note = [(t, "head") for t in head] + [(t, "text") for t in body]
    rows = len(head) + len(body) if column else max(len(head), len(body))
    node.note_h = _even(rows * TEXT_PX * LINE + (14 if column else 10))
