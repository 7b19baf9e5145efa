"""The layout of one flow: ``layout`` parses and ranks it, ``_lay`` sizes the boxes, places and
routes them on the grid, then ``_geometry`` turns grid positions into coordinates (rows, columns,
gutters, lanes, ports spread so that parallel lines never cross) and ``_finish`` moves the chart to
its padding with its notes: in a column right of the chart when a page's width leaves room for
one, else in the 环节说明 table below it."""

from __future__ import annotations

import math

from quanli.render.flowchart.graph import _E, _N, _parse, _rank
from quanli.render.flowchart.labels import _place_labels
from quanli.render.flowchart.metrics import (
    CHANNEL_W,
    COL_GAP,
    GAP,
    LABEL_W,
    LINE,
    NOTE_GAP,
    NOTE_MAX_W,
    NOTE_MIN_W,
    NOTE_STACK,
    NOTE_W,
    NOTES_HEAD_H,
    NOTES_SPACE,
    PAD,
    PAD_V,
    TEXT_PX,
    TRACK,
)
from quanli.render.flowchart.route import _Router
from quanli.render.flowchart.shapes import Box, Edge, Layout, Note
from quanli.render.flowchart.sizes import _note_items, _size_box, _size_note
from quanli.render.flowchart.text import _wrap_even, text_width


def _port(n: _N, side: str, off: float) -> tuple[float, float]:
    cx, cy, w, h = n.cx, n.cy, n.w, n.h
    if n.kind == "decision":
        if side in ("L", "R"):
            off = max(-h * 0.4, min(h * 0.4, off))
            dx = (w / 2) * (1 - abs(off) / (h / 2))
            return (cx - dx if side == "L" else cx + dx, cy + off)
        off = max(-w * 0.4, min(w * 0.4, off))
        dy = (h / 2) * (1 - abs(off) / (w / 2))
        return (cx + off, cy - dy if side == "T" else cy + dy)
    if side == "L":
        return (cx - w / 2, cy + off)
    if side == "R":
        return (cx + w / 2, cy + off)
    if side == "T":
        return (cx + off, cy - h / 2)
    return (cx + off, cy + h / 2)


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for p in points:
        p = (round(p[0], 1), round(p[1], 1))
        if pts and pts[-1] == p:
            continue
        pts.append(p)
    out: list[tuple[float, float]] = []
    for p in pts:
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (a[0] == b[0] == p[0]) or (a[1] == b[1] == p[1]):
                out[-1] = p
                continue
        out.append(p)
    return out


def layout(flow: dict, *, notes: bool = True) -> Layout:
    """Lay out one whole flow: boxes, right-angled edges with labels, then (unless ``notes`` is
    false) the 环节说明 table."""
    nodes, edges = _parse(flow)
    if not nodes:
        return Layout(width=2 * PAD, height=2 * PAD, boxes=[], edges=[], notes=[])
    return _lay(nodes, edges, _rank(nodes, edges), notes)


def _lay(nodes: list[_N], edges: list[_E], spine: list[int], notes: bool = True) -> Layout:
    """Lay out ranked nodes: sizes, grid, routes, geometry and labels, then the notes: in a
    column right of the chart, aligned with the rows, when the chart leaves room for one within
    a page's width; else in a 环节说明 table below it."""
    for node in nodes:
        _size_box(node)
    router = _Router(nodes, edges, spine)
    router.run()
    boxes, out_edges, ys = _geometry(nodes, edges, router, None)
    if not notes or not any(_note_items(n) for n in nodes):
        return _finish(nodes, boxes, out_edges, ys, 0.0)
    room = NOTE_W - _bbox(boxes, out_edges)[2] - NOTE_GAP
    if room >= NOTE_MIN_W:
        width = min(room, NOTE_MAX_W)
        for node in nodes:
            _size_note(node, width)
        nrows = max(n.rank for n in nodes) + 1
        stacked = [0.0] * nrows
        for n in nodes:
            if n.note:
                stacked[n.rank] += n.note_h + (NOTE_STACK if stacked[n.rank] else 0)
        boxes2, edges2, ys2 = _geometry(nodes, edges, router, stacked)
        if _bbox(boxes2, edges2)[2] + NOTE_GAP + width <= NOTE_W:
            return _finish(nodes, boxes2, edges2, ys2, width)
    for node in nodes:
        _size_note(node, 0.0)
    return _finish(nodes, boxes, out_edges, ys, 0.0)


def _bbox(boxes: list[Box], edges: list[Edge]) -> tuple[float, float, float, float]:
    """x, y, width, height of what the chart draws: boxes, lines and labels."""
    rects = [(b.x, b.y, b.w, b.h) for b in boxes]
    rects += [e.label_box for e in edges if e.label_box]
    rects += [(p[0], p[1], 0.0, 0.0) for e in edges for p in e.points]
    minx = min(r[0] for r in rects)
    miny = min(r[1] for r in rects)
    return minx, miny, max(r[0] + r[2] for r in rects) - minx, max(r[1] + r[3] for r in rects) - miny


def _geometry(
    nodes: list[_N], edges: list[_E], router: _Router, notes_h: list[float] | None
) -> tuple[list[Box], list[Edge], list[float]]:
    """Coordinates of the routed grid: boxes, lines, labels, and the centre of each row (a row
    at least ``notes_h`` high, for a notes column beside it)."""
    # ---- rows
    nrows = max(n.rank for n in nodes) + 1
    band = [0.0] * nrows
    for n in nodes:
        band[n.rank] = max(band[n.rank], n.h)
    row_h = [max(band[r], notes_h[r] if notes_h else 0.0) for r in range(nrows)]
    gap = [GAP] * nrows
    for e in edges:  # a labelled straight line between two rows needs room for its label
        if e.label and e.route and e.route[0] == "A" and nodes[e.dst].rank == nodes[e.src].rank + 1:
            lines = _wrap_even(e.label, LABEL_W, TEXT_PX)
            gap[nodes[e.src].rank] = max(gap[nodes[e.src].rank], len(lines) * TEXT_PX * LINE + 26)
    rg = router.rg_tracks
    ys = [0.0] * nrows
    y = TRACK * rg.get(-1, 0)
    for r in range(nrows):
        ys[r] = y + row_h[r] / 2
        y += row_h[r] + gap[r] + TRACK * rg.get(r, 0)

    def rg_y(gi: int, k: int) -> float:
        if gi + 1 < nrows and gi + 1 >= 0:
            return ys[gi + 1] - band[gi + 1] / 2 - 12 - k * TRACK
        return ys[nrows - 1] + band[nrows - 1] / 2 + 12 + k * TRACK

    # ---- columns
    cmin, cmax = router.grid.cols()
    width = {c: CHANNEL_W for c in range(cmin, cmax + 1)}
    for n in nodes:
        width[n.col] = max(width[n.col], n.w)
    cg = router.cg_tracks
    gw = {g: COL_GAP + TRACK * max(0, cg.get(g, 0) - 1) for g in range(cmin - 1, cmax + 1)}
    xs: dict[int, float] = {}
    x = gw[cmin - 1]
    for c in range(cmin, cmax + 1):
        xs[c] = x + width[c] / 2
        x += width[c] + gw[c]

    def cg_x(gi: int, k: int) -> float:
        left = xs[gi] + width[gi] / 2 if gi in xs else 0.0
        n_t = max(1, cg.get(gi, 0))
        return left + (gw[gi] - (n_t - 1) * TRACK) / 2 + k * TRACK

    for n in nodes:
        n.cx, n.cy = xs[n.col], ys[n.rank]

    # lanes: room for the loop labels between the columns and the first lane
    def lane_room(side: str) -> float:
        widths = [min(text_width(e.label, TEXT_PX), LABEL_W) for e, s, _, _ in router.lanes if s == side and e.label]
        return max([30.0] + [w + 22 for w in widths])

    left_base = -lane_room("L")
    right_base = x + lane_room("R")

    def lane_x(side: str, k: int) -> float:
        return left_base - k * 12 if side == "L" else right_base + k * 12

    # ---- ports: offsets on each side so that parallel lines never cross
    def raw_points(e: _E, off_u: float, off_v: float) -> list[tuple[float, float]]:
        u, v = nodes[e.src], nodes[e.dst]
        kind = e.route[0]
        su = "B" if e.side_u == "Bo" else e.side_u
        pu, pv = _port(u, su, off_u), _port(v, e.side_v, off_v)
        if kind == "A":
            return [pu, (pu[0], pv[1])]
        if kind == "B":
            return [pu, (pv[0], pu[1]), pv]
        if kind == "C":
            return [pu, (pu[0], pv[1]), pv]
        if kind == "D":
            xc = xs[e.route[1]]
            return [pu, (xc, pu[1]), (xc, pv[1]), pv]
        if kind == "F":
            yg = rg_y(u.rank, e.route[1])
            return [pu, (pu[0], yg), (pv[0], yg), pv]
        if kind == "E":
            yg = rg_y(u.rank, e.route[1])
            xg = cg_x(e.route[2], e.route[3])
            return [pu, (pu[0], yg), (xg, yg), (xg, pv[1]), pv]
        xl = lane_x(e.route[1], router.lane_of.get(e.idx, 0))
        if kind == "L":
            return [pu, (xl, pu[1]), (xl, pv[1]), pv]
        _, _, g1, k1, r1, kr1, r2, kr2, g2, k2 = e.route
        xg1, xg2 = cg_x(g1, k1), cg_x(g2, k2)
        yg1, yg2 = rg_y(r1, kr1), rg_y(r2, kr2)
        return [pu, (xg1, pu[1]), (xg1, yg1), (xl, yg1), (xl, yg2), (xg2, yg2), (xg2, pv[1]), pv]

    ends: dict[tuple[int, str], list[tuple[tuple, int, str]]] = {}
    for e in edges:
        if not e.route:
            continue
        pts = raw_points(e, 0.0, 0.0)
        for end, node, side in (("u", e.src, e.side_u), ("v", e.dst, e.side_v)):
            if side in ("L", "R"):
                if end == "u":
                    p, corner, nxt = pts[0], pts[1], pts[2] if len(pts) > 2 else pts[1]
                else:
                    p, corner, nxt = pts[-1], pts[-2], pts[-3] if len(pts) > 2 else pts[-2]
                dist = abs(corner[0] - p[0])
                up = nxt[1] < corner[1]
                key = (0, dist, e.idx) if up else (1, -dist, e.idx)
            elif side == "Bo":
                pts0 = pts[2] if len(pts) > 2 else pts[-1]
                key = (0 if pts0[0] < nodes[node].cx else 1, e.idx)
            else:
                continue
            ends.setdefault((node, side), []).append((key, e.idx, end))
    offsets: dict[tuple[int, str], float] = {}
    for (node_i, side), items in ends.items():
        items.sort()
        n = nodes[node_i]
        if side == "Bo":
            left = [it for it in items if it[0][0] == 0]
            right = [it for it in items if it[0][0] == 1]
            step = max(16.0, min(n.w * 0.28, 48.0))  # well apart from the main line
            if len(left) > 1 or len(right) > 1:
                step = max(16.0, min(step, n.w * 0.38 / max(len(left), len(right))))
            for i, it in enumerate(reversed(left)):
                offsets[(it[1], it[2])] = -step * (i + 1)
            for i, it in enumerate(right):
                offsets[(it[1], it[2])] = step * (i + 1)
            continue
        cnt = len(items)
        if cnt == 1:
            offsets[(items[0][1], items[0][2])] = 0.0
            continue
        span = n.h * (0.5 if n.kind == "decision" else 0.7)
        step = min(18.0, span / (cnt - 1))
        for i, it in enumerate(items):
            offsets[(it[1], it[2])] = round((i - (cnt - 1) / 2) * step, 1)

    out_edges: list[Edge] = []
    for e in edges:
        if not e.route:
            continue
        pts = _simplify(raw_points(e, offsets.get((e.idx, "u"), 0.0), offsets.get((e.idx, "v"), 0.0)))
        out_edges.append(Edge(nodes[e.src].id, nodes[e.dst].id, pts, e.label, e.ret or e.red))

    boxes = [
        Box(
            n.id,
            n.name,
            n.kind,
            round(n.cx - n.w / 2, 1),
            round(n.cy - n.h / 2, 1),
            n.w,
            n.h,
            list(n.lines),
            list(n.styles),
            n.special,
            n.rank,
            n.col,
        )
        for n in nodes
    ]
    _place_labels(boxes, out_edges)
    return boxes, out_edges, ys


def _finish(nodes: list[_N], boxes: list[Box], out_edges: list[Edge], ys: list[float], column: float) -> Layout:
    """The chart moved to (PAD, PAD_V) with its notes: a column ``column`` px wide right of it,
    aligned with the rows, or (0) the 环节说明 table below it, centred under each other."""
    minx, miny, chart_w, chart_h = _bbox(boxes, out_edges)
    rows = sorted((n for n in nodes if n.note), key=lambda n: (n.rank, n.col, n.idx))  # reading order
    notes: list[Note] = []
    notes_y = 0.0
    if rows and column:
        note_x = minx + chart_w + NOTE_GAP
        for r in sorted({n.rank for n in rows}):
            row = [n for n in rows if n.rank == r]
            y0 = ys[r] - (sum(n.note_h for n in row) + NOTE_STACK * (len(row) - 1)) / 2
            for n in row:
                notes.append(
                    Note(n.id, note_x, y0, column, n.note_h, [t for t, _ in n.note], [s for _, s in n.note], 0.0)
                )
                y0 += n.note_h + NOTE_STACK
        miny = min([miny] + [nt.y for nt in notes])
        chart_h = max([miny + chart_h] + [nt.y + nt.h for nt in notes]) - miny
        chart_w += NOTE_GAP + column
    inner = max(chart_w, NOTE_W) if rows and not column else chart_w
    dx, dy = PAD - minx + math.floor((inner - chart_w) / 2), PAD_V - miny
    for b in boxes:
        b.x, b.y = round(b.x + dx, 1), round(b.y + dy, 1)
    for ed in out_edges:
        ed.points = [(round(px + dx, 1), round(py + dy, 1)) for px, py in ed.points]
        if ed.label_box:
            lx, ly, lw, lh = ed.label_box
            ed.label_box = (round(lx + dx, 1), round(ly + dy, 1), lw, lh)
    for nt in notes:
        nt.x, nt.y = round(nt.x + dx, 1), round(nt.y + dy, 1)
    bottom = PAD_V + chart_h
    if rows and not column:
        notes_y = round(bottom + NOTES_SPACE, 1)
        y = notes_y + NOTES_HEAD_H
        x = round(PAD + (inner - NOTE_W) / 2, 1)
        for n in rows:
            notes.append(Note(n.id, x, round(y, 1), NOTE_W, n.note_h, [t for t, _ in n.note], [s for _, s in n.note]))
            y += n.note_h
        bottom = y
    return Layout(
        width=round(inner + 2 * PAD, 1),
        height=round(bottom + PAD_V, 1),
        boxes=boxes,
        edges=out_edges,
        notes=notes,
        notes_y=notes_y,
    )
