"""Label placement: each line's label goes beside its own line, at the first spot that hits no box,
no label placed before and no line (else at the least bad one)."""

from __future__ import annotations

from quanli.render.flowchart.metrics import LABEL_W, LINE, TEXT_PX
from quanli.render.flowchart.shapes import Box, Edge
from quanli.render.flowchart.text import _wrap_even, text_width


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _place_labels(boxes: list[Box], edges: list[Edge]) -> None:
    """Put each label beside its own line where it hits no box, label or line."""
    obstacles = [(b.x - 3, b.y - 3, b.w + 6, b.h + 6) for b in boxes]
    segs: list[tuple[int, tuple[float, float, float, float]]] = []
    for i, e in enumerate(edges):
        for (x1, y1), (x2, y2) in zip(e.points, e.points[1:]):
            segs.append((i, (min(x1, x2) - 1.5, min(y1, y2) - 1.5, abs(x2 - x1) + 3, abs(y2 - y1) + 3)))
    placed: list[tuple[float, float, float, float]] = []
    lh1 = TEXT_PX * LINE
    for e in edges:
        if not e.label:
            continue
        lines = _wrap_even(e.label, LABEL_W, TEXT_PX)
        lw = max(text_width(t, TEXT_PX) for t in lines) + 6
        lh = len(lines) * lh1 + 2
        best = None
        rank = 0
        for fine in (False, True):  # the usual spots first, then every tenth of each line
            steps = [0.05 + 0.1 * k for k in range(10)] if fine else [0.0, 0.5, 1.0, 0.25, 0.75]
            gaps = (3.0, 12.0) if fine else (3.0,)
            for (x1, y1), (x2, y2) in zip(e.points, e.points[1:]):
                if abs(x2 - x1) + abs(y2 - y1) < 1:
                    continue
                cands = []
                for gap in gaps:
                    if y1 == y2:
                        d = 1 if x2 > x1 else -1
                        for t in steps:
                            if t == 0:
                                cx = x1 + d * (8 + lw / 2)
                            elif t == 1:
                                cx = x2 - d * (8 + lw / 2)
                            else:
                                cx = x1 + (x2 - x1) * t
                            cands += [(cx - lw / 2, y1 - gap - lh), (cx - lw / 2, y1 + gap)]
                    else:
                        d = 1 if y2 > y1 else -1
                        for t in steps:
                            if t == 0:
                                cy = y1 + d * (8 + lh / 2)
                            elif t == 1:
                                cy = y2 - d * (10 + lh / 2)
                            else:
                                cy = y1 + (y2 - y1) * t
                            cands += [(x1 + 2 + gap, cy - lh / 2), (x1 - 2 - gap - lw, cy - lh / 2)]
                for lx, ly in cands:
                    rect = (lx, ly, lw, lh)
                    cost = 1000.0 * sum(1 for ob in obstacles if _overlap(rect, ob))
                    cost += 500.0 * sum(1 for pl in placed if _overlap(rect, pl))
                    cost += 20.0 * sum(1 for _, sr in segs if _overlap(rect, sr))
                    key = (cost, rank)
                    rank += 1
                    if best is None or key < best[0]:
                        best = (key, rect)
                    if cost == 0:
                        break
                if best and best[0][0] == 0:
                    break
            if best and best[0][0] == 0:
                break
        if best is None:  # a zero-length edge: put the label at its point
            px, py = e.points[0]
            best = ((0, 0), (px + 4, py + 4, lw, lh))
        rect = tuple(round(v, 1) for v in best[1])
        e.label_box = rect  # type: ignore[assignment]
        e.label_lines = lines
        placed.append(rect)  # type: ignore[arg-type]
