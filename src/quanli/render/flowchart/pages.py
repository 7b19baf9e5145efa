"""A4 pages: a flow too long for one page has its chart cut between rows, each page laid out on its
own from a run of ranks (``_page_graph``), a line to or from another page ending at a connector
(转第2页 / 接第1页); the 环节说明 table and the complaint box follow the chart, continued on new
pages as needed (``_paginate``). Public: ``layout_pages`` (the page layouts), ``to_svg_pages`` (an
SVG document a page) and ``to_print_html`` (the pages in one HTML document that prints on A4)."""

from __future__ import annotations

import math
from typing import Any

from quanli.render.flowchart.geometry import _lay, layout
from quanli.render.flowchart.graph import _E, _N, _parse, _rank
from quanli.render.flowchart.metrics import (
    NOTE_W,
    NOTES_HEAD_H,
    NOTES_SPACE,
    PAD,
    PAD_V,
    PAGE_H,
    PAGE_W,
    PRINT_W_MM,
    TEXT_PX,
)
from quanli.render.flowchart.shapes import Box, Edge, Layout, Note
from quanli.render.flowchart.sizes import _size_note
from quanli.render.flowchart.svg import _draw, _Frame, _t
from quanli.render.flowchart.text import _num, text_width, wrap_text


def _connector(key: str, head: str, other: str, template: str) -> _N:
    """A connector: ``head`` (转第2页 / 接第1页) and the name of the step on that page, on one line
    when short, else over it in two lines at most. ``template`` is ``head`` with its page number
    as wide as any: the size does not depend on the number (see _size_box)."""
    node = _N(idx=0, id=key, name=f"{head}：{other}", step={}, kind="connector")
    width = 7 * TEXT_PX
    if text_width(f"{template}：{other}", TEXT_PX) <= 10 * TEXT_PX:
        node.lines, node.styles = [node.name], ["head"]
        node.w = text_width(f"{template}：{other}", TEXT_PX)
        return node
    lines = wrap_text(other, width, TEXT_PX)
    if len(lines) > 2:
        last = lines[1]
        while len(last) > 1 and text_width(last + "…", TEXT_PX) > width:
            last = last[:-1]
        lines = [lines[0], last + "…"]
    node.lines, node.styles = [head] + lines, ["head"] + ["text"] * len(lines)
    node.w = text_width(template, TEXT_PX)
    return node


def _page_graph(
    nodes0: list[_N], edges0: list[_E], spine0: list[int], where: list[int], label: Any, template: str
) -> tuple[list[_N], list[_E], int | None]:
    """The steps of one page (``where`` 0; < 0 an earlier page, > 0 a later one) as a graph of their
    own: a line to another page ends at a connector "转第N页" (one per step there), a line from an
    earlier page starts at a connector "接第N页" (one per line), the lines from later pages into a
    step (returns) at one connector with a line per source; ``label(v)`` is the page of step v.
    Returns the nodes, the edges and the start (None: the first step without a line into it)."""
    on_spine = [False] * len(nodes0)
    for v in spine0:
        on_spine[v] = True
    nodes: list[_N] = []

    def add(node: _N) -> _N:
        node.idx = len(nodes)
        nodes.append(node)
        return node

    # lines from earlier pages: connectors just above their steps, the main line's first; the
    # lines from later pages (returns) into one step: one connector above it, a line per page
    fwd = sorted(  # the main line's first, then by the step it leads to, the nearest first
        (e for e in edges0 if where[e.dst] == 0 and where[e.src] < 0),
        key=lambda e: (
            nodes0[e.dst].rank,
            not (on_spine[e.src] and on_spine[e.dst]),
            not on_spine[e.dst],
            -nodes0[e.src].rank,
            e.idx,
        ),
    )
    came: dict[int, _N] = {}
    for e in fwd:
        u, v = nodes0[e.src], nodes0[e.dst]
        came[e.idx] = add(_connector(f"in~{u.id}~{v.id}", f"接第{label(u.idx)}页", u.name, template))
        came[e.idx].entry = True
    back: dict[int, list[_E]] = {}
    for e in edges0:
        if where[e.dst] == 0 and where[e.src] > 0:
            back.setdefault(e.dst, []).append(e)
    for dst, group in sorted(back.items(), key=lambda kv: (nodes0[kv[0]].rank, kv[0])):
        v = nodes0[dst]
        node = add(_N(idx=0, id=f"in~{v.id}", name="", step={}, kind="connector", entry=True))
        for e in group:
            u = nodes0[e.src]
            line, hold = f"接第{label(u.idx)}页：{u.name}", f"{template}：{u.name}"
            while len(line) > 8 and text_width(hold, TEXT_PX) > 11 * TEXT_PX:
                line, hold = line[:-2] + "…", hold[:-2] + "…"
            node.lines.append(line)
            node.styles.append("head")
            node.w = max(node.w, text_width(hold, TEXT_PX))
            came[e.idx] = node
        node.name = "；".join(node.lines)
    new: dict[int, _N] = {}
    for v in nodes0:
        if where[v.idx] == 0:
            new[v.idx] = add(_N(idx=0, id=v.id, name=v.name, step=v.step, kind=v.kind, special=v.special))
    goes: dict[int, _N] = {}
    for e in edges0:
        if where[e.src] == 0 and where[e.dst] != 0 and e.dst not in goes:
            v = nodes0[e.dst]
            goes[e.dst] = add(_connector(f"out~{v.id}", f"转第{label(v.idx)}页", v.name, template))
    edges: list[_E] = []

    def link(u: _N, v: _N, e: _E, ret: bool, red: bool) -> None:
        edge = _E(len(edges), u.idx, v.idx, e.label, ret, e.order, red=red)
        edges.append(edge)
        u.outs.append(edge)
        v.ins.append(edge)

    for e in edges0:  # in their order: a step's lines keep theirs
        if where[e.src] == 0 and where[e.dst] == 0:
            link(new[e.src], new[e.dst], e, e.ret, False)
        elif where[e.src] == 0:
            link(new[e.src], goes[e.dst], e, False, e.ret)
        elif where[e.dst] == 0 and where[e.src] < 0:
            link(came[e.idx], new[e.dst], e, False, e.ret)
    for dst, group in back.items():  # one red line from the returns' connector
        labels = [e.label for e in group if e.label]
        merged = _E(0, 0, 0, "；".join(dict.fromkeys(labels)) or None, False, 0)
        link(came[group[0].idx], new[dst], merged, False, any(e.ret for e in group))
    if spine0 and spine0[0] in new:
        start: int | None = new[spine0[0]].idx
    else:
        start = came[fwd[0].idx].idx if fwd else None
    return nodes, edges, start


def _page_layout(
    graph: tuple[list[_N], list[_E], list[int]], lo: int, hi: int, label: Any, template: str, notes: bool
) -> Layout:
    """The layout of the page that holds ranks lo..hi of the whole flow."""
    nodes0, edges0, spine0 = graph
    where = [(-1 if v.rank < lo else 1 if v.rank > hi else 0) for v in nodes0]
    nodes, edges, start = _page_graph(nodes0, edges0, spine0, where, label, template)
    return _lay(nodes, edges, _rank(nodes, edges, start), notes)


def _shifted(lay: Layout, dx: float) -> None:
    """Move everything drawn in a layout dx px to the right."""
    for b in lay.boxes:
        b.x = round(b.x + dx, 1)
    for e in lay.edges:
        e.points = [(round(x + dx, 1), y) for x, y in e.points]
        if e.label_box:
            lx, ly, lw, lh = e.label_box
            e.label_box = (round(lx + dx, 1), ly, lw, lh)
    for nt in lay.notes:
        nt.x = round(nt.x + dx, 1)


def _with_rows(chart: Layout, rows: list[Note], title: str) -> Layout:
    """A page's layout: its part of the chart (if any) and then these rows of the 环节说明 table."""
    boxes = [Box(**vars(b)) for b in chart.boxes]
    edges = [
        Edge(e.src, e.dst, list(e.points), e.label, e.is_return, e.label_box, list(e.label_lines)) for e in chart.edges
    ]
    lay = Layout(chart.width, chart.height, boxes, edges, [])
    if not rows:
        return lay
    width = max(chart.width, NOTE_W + 2 * PAD)
    _shifted(lay, math.floor((width - chart.width) / 2))
    notes_y = chart.height - PAD_V + NOTES_SPACE if boxes else PAD_V
    y = notes_y + NOTES_HEAD_H
    x = round((width - NOTE_W) / 2, 1)
    for row in rows:
        lay.notes.append(Note(row.step, x, round(y, 1), row.w, row.h, list(row.lines), list(row.styles), row.split))
        y += row.h
    lay.width, lay.height, lay.notes_y, lay.notes_title = width, round(y + PAD_V, 1), round(notes_y, 1), title
    return lay


def _paginate(flow: Any, frame: _Frame, notes: bool, page_h: int) -> list[Layout]:
    """The flow as page layouts (A4, text at 9 pt or more): all on one page if it fits; else the
    chart cut into pages of whole ranks, as many as fit on each, then the rows of the 环节说明
    table and the complaint box after it, continued on new pages as needed."""
    whole = layout(flow if isinstance(flow, dict) else {}, notes=notes)
    if frame.fits(whole, False, True, False, "", page_h):
        return [whole]
    nodes0, edges0 = _parse(flow)
    spine0 = _rank(nodes0, edges0)
    graph = (nodes0, edges0, spine0)
    nranks = max(v.rank for v in nodes0) + 1
    hold = "0" * len(str(nranks + len(nodes0) + 1))  # page numbers as wide as the widest real one
    template = f"接第{hold}页"
    numbers = f"第{hold}页　共{hold}页"
    ranges: list[tuple[int, int]] = []
    lo = 0
    while lo < nranks:
        hi = best = lo
        while hi < nranks:  # one rank more while the page is not too high (a rank too big alone overflows)
            lay = _page_layout(graph, lo, hi, lambda v: hold, template, False)
            # without notes, the last page keeps room for the complaint box
            last = not notes and hi == nranks - 1
            if frame.geom(lay, PAGE_W, bool(ranges), last, True, numbers).height > page_h:
                break
            if lay.width <= PAGE_W:  # too wide: a rank more may end a line that leaves the page
                best = hi
            hi += 1
        ranges.append((lo, best))
        lo = best + 1
    page_of = [0] * nranks
    for k, (a, b) in enumerate(ranges):
        for r in range(a, b + 1):
            page_of[r] = k + 1
    charts = [_page_layout(graph, a, b, lambda v: str(page_of[nodes0[v].rank]), template, False) for a, b in ranges]
    rows: list[Note] = []
    by_id = {v.id: v for v in nodes0}
    for chart in charts if notes else []:  # the table in reading order: page by page, row by row
        for b in sorted((b for b in chart.boxes if b.kind != "connector"), key=lambda b: (b.rank, b.col, b.x)):
            node = by_id[b.id]
            _size_note(node, 0.0)
            if node.note:
                rows.append(
                    Note(node.id, 0.0, 0.0, NOTE_W, node.note_h, [t for t, _ in node.note], [s for _, s in node.note])
                )

    empty = Layout(0.0, 0.0, [], [], [])
    slots: list[tuple[Layout, list[Note]]] = [(c, []) for c in charts]  # a page: its chart, its rows

    def fits(k: int, slot: tuple[Layout, list[Note]], last: bool) -> bool:
        return frame.fits(_with_rows(slot[0], slot[1], ""), k > 0, last, True, numbers, page_h)

    for row in rows:  # the rows after the chart, as many on a page as fit (an empty page takes one)
        chart, taken = slots[-1]
        if (taken or chart.boxes) and not fits(len(slots) - 1, (chart, taken + [row]), False):
            slots.append((empty, []))
        slots[-1][1].append(row)
    if not fits(len(slots) - 1, slots[-1], True):  # the complaint box: a new page, with the last row
        chart, taken = slots[-1]
        moved = (
            [taken.pop()]
            if len(taken) > (0 if chart.boxes else 1) and fits(len(slots), (empty, taken[-1:]), True)
            else []
        )
        slots.append((empty, moved))
    pages, before = [], 0
    for chart, taken in slots:
        pages.append(_with_rows(chart, taken, "环节说明（续）" if before else "环节说明"))
        before += len(taken)
    return pages


def layout_pages(
    flow: dict,
    *,
    title: str | None = None,
    complaint: dict | None = None,
    internal: bool = False,
    unit: str = "",
    version: str = "",
    date: str = "",
    notes: bool = True,
    page_h: int = PAGE_H,
) -> list[Layout]:
    """The layouts of the A4 pages ``to_svg_pages`` draws (the page furniture decides the room)."""
    return _paginate(flow, _Frame(flow, title, complaint, internal, unit, version, date), notes, page_h)


def to_svg_pages(
    flow: dict,
    *,
    title: str | None = None,
    complaint: dict | None = None,
    internal: bool = False,
    unit: str = "",
    version: str = "",
    date: str = "",
    notes: bool = True,
    page_h: int = PAGE_H,
) -> list[str]:
    """The flow as A4 pages, each a standalone SVG document PAGE_W px wide and at most ``page_h``
    px high (PAGE_H for A4 alone, SHEET_PAGE_H for the 一件 DOCX), to print at 170 mm wide with its
    text at 9 pt or more. The chart comes first, cut between rows; the 环节说明 table follows it
    (``notes=False``: none, for a document that lists the steps itself), then the complaint box.
    A page after the first is titled "（续）"; each has the line 制图单位/版本/日期 and, when there
    are several, its page number. A flow that fits one page gives ``[to_svg(flow, ...)]``."""
    frame = _Frame(flow, title, complaint, internal, unit, version, date)
    lays = _paginate(flow, frame, notes, page_h)
    if len(lays) == 1:
        lay = lays[0]
        return [_draw(frame, lay, frame.geom(lay, max(lay.width, float(PAGE_W)), False, True, False, ""), frame.uid)]
    n = len(lays)
    linked = any(b.kind == "connector" for lay in lays for b in lay.boxes)  # the legend explains them
    return [
        _draw(
            frame,
            lay,
            frame.geom(lay, max(lay.width, float(PAGE_W)), k > 0, k == n - 1, linked, f"第{k + 1}页　共{n}页"),
            f"{frame.uid}-p{k + 1}",
        )
        for k, lay in enumerate(lays)  # (a page too big even for one rank is drawn bigger, not cut off)
    ]


def to_print_html(
    flow: dict,
    *,
    title: str | None = None,
    complaint: dict | None = None,
    internal: bool = False,
    unit: str = "",
    version: str = "",
    date: str = "",
) -> str:
    """The A4 pages of ``to_svg_pages`` in one HTML document that prints each on a sheet of A4
    portrait at 170 mm wide (its text at 9 pt or more)."""
    frame = _Frame(flow, title, complaint, internal, unit, version, date)
    pages = to_svg_pages(
        flow, title=title, complaint=complaint, internal=internal, unit=unit, version=version, date=date
    )
    body = "".join(f'<div class="page">{svg[svg.index("<svg") :]}</div>\n' for svg in pages)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_t(frame.name)}</title>\n<style>\n"
        "@page { size: A4 portrait; margin: 20mm; }\n"
        "body { margin: 0; background: #e8e8e8; }\n"
        f".page {{ width: {_num(PRINT_W_MM)}mm; margin: 8mm auto; background: #ffffff; break-after: page; }}\n"
        ".page:last-child { break-after: auto; }\n"
        f".page svg {{ display: block; width: {_num(PRINT_W_MM)}mm; height: auto; }}\n"
        "@media print { body { background: none; } .page { margin: 0; } }\n"
        "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n"
    )
