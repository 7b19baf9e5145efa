"""The flow as a graph: ``_parse`` reads the steps (``_N``) and their lines (``_E``) from a flow
(a duplicate id drawn under its own key, unknown targets skipped, two exits to one step merged,
kinds inferred), a line labelled 补正/退回/修改 back to an earlier step marked as a return;
``_rank`` marks the lines that close a cycle as returns too, ranks the steps by the longest path
from the start over the other lines and returns the main line (the spine, drawn as column 0)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quanli.core.model import RETURN_WORDS  # the same words the linter uses
from quanli.render.flowchart.text import _clean

SPECIAL_TEXT = "特别程序（不计时限）"
KINDS = ("start", "process", "decision", "end")


@dataclass
class _N:
    idx: int
    id: str
    name: str
    step: dict
    kind: str = "process"
    special: bool = False
    outs: list = field(default_factory=list)
    ins: list = field(default_factory=list)
    rank: int = 0
    col: int = 0
    reach: bool = False
    w: float = 0.0
    h: float = 0.0
    lines: list = field(default_factory=list)
    styles: list = field(default_factory=list)
    note: list = field(default_factory=list)  # (text, style)
    note_h: float = 0.0
    cx: float = 0.0
    cy: float = 0.0
    entry: bool = False  # a connector from an earlier page: ranked just above its step


@dataclass
class _E:
    idx: int
    src: int
    dst: int
    label: str | None
    ret: bool
    order: int
    lane: bool = False
    route: tuple = ()
    side_u: str = ""
    side_v: str = ""
    red: bool = False  # drawn as a return (red, dashed), routed as a forward line: a return to another page


def _parse(flow: Any) -> tuple[list[_N], list[_E]]:
    if not isinstance(flow, dict):
        flow = {}
    raw = flow.get("steps")
    if not isinstance(raw, list):
        raw = []
    nodes: list[_N] = []
    by_id: dict[str, int] = {}
    for pos, st in enumerate(raw):
        if not isinstance(st, dict):
            continue
        sid = _clean(st.get("id")) or f"step{pos + 1}"
        name = _clean(st.get("name")) or sid
        if sid in by_id:  # a duplicate id is drawn under its own key; targets mean the first
            sid_key = f"{sid}~{pos + 1}"
        else:
            sid_key = sid
        node = _N(idx=len(nodes), id=sid_key, name=name, step=st, special=st.get("special") is True)
        by_id.setdefault(sid, node.idx)
        nodes.append(node)
    edges: list[_E] = []
    for node in nodes:
        nxt = node.step.get("next")
        if isinstance(nxt, (str, dict)):
            nxt = [nxt]
        if not isinstance(nxt, list):
            continue
        for order, item in enumerate(nxt):
            if isinstance(item, str):
                to, label, ret = item, None, False
            elif isinstance(item, dict):
                to, label, ret = item.get("to"), item.get("label"), item.get("return") is True
            else:
                continue
            if not isinstance(to, str) or to not in by_id:
                continue  # unknown target: the linter reports it, the chart skips it
            dst = by_id[to]
            text = _clean(label) or None
            if text and not ret and dst <= node.idx and any(w in text for w in RETURN_WORDS):
                ret = True
            same = next((e for e in node.outs if e.dst == dst), None)
            if same is not None:  # two exits to one step: one line with both labels
                labels = [t for t in (same.label, text) if t]
                same.label = "；".join(dict.fromkeys(labels)) or None
                same.ret = same.ret or ret
                continue
            edge = _E(len(edges), node.idx, dst, text, ret, order)
            edges.append(edge)
            node.outs.append(edge)
            nodes[dst].ins.append(edge)
    for i, node in enumerate(nodes):
        kind = node.step.get("type")
        if isinstance(kind, str) and kind in KINDS:
            node.kind = kind
        elif len(node.outs) >= 2:
            node.kind = "decision"
        elif not node.outs:
            node.kind = "end"
        elif i == 0 and not [e for e in node.ins if not e.ret]:
            node.kind = "start"
        else:
            node.kind = "process"
    return nodes, edges


def _rank(nodes: list[_N], edges: list[_E], start: int | None = None) -> list[int]:
    """Classify back edges, rank by longest path, and return the main line (spine).

    Nodes marked ``entry`` count as reached from the start, and each is ranked just above
    the step it leads to."""
    n = len(nodes)
    if not n:
        return []
    if start is None:
        start = next((v.idx for v in nodes if v.kind == "start"), None)
    if start is None:
        start = next((v.idx for v in nodes if not [e for e in v.ins if not e.ret]), 0)

    def succ(v: int) -> list[_E]:  # unmarked edges first, so a 补正 edge is the back edge
        outs = [e for e in nodes[v].outs if not e.ret]
        return sorted(outs, key=lambda e: (any(w in (e.label or "") for w in RETURN_WORDS), e.order))

    state = [0] * n  # 0 new, 1 on the stack, 2 done
    entries = [v.idx for v in nodes if v.entry and v.idx != start]
    roots = [start] + entries + [v.idx for v in nodes if not [e for e in v.ins if not e.ret]] + list(range(n))
    first = 1 + len(entries)  # the roots whose steps count as reached (roots is longer than that)
    for i, root in enumerate(roots):
        if i == first:
            for v in nodes:
                v.reach = state[v.idx] == 2
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(succ(root)))]
        while stack:
            v, it = stack[-1]
            for e in it:
                if state[e.dst] == 1:
                    e.ret = True  # a cycle without a mark: still a return loop
                elif state[e.dst] == 0:
                    state[e.dst] = 1
                    stack.append((e.dst, iter(succ(e.dst))))
                    break
            else:
                state[v] = 2
                stack.pop()

    def longest(members: list[int], base: int) -> list[int]:
        inside = [False] * n
        for m in members:
            inside[m] = True
        indeg = [0] * n
        for e in edges:
            if not e.ret and inside[e.src] and inside[e.dst]:
                indeg[e.dst] += 1
        queue = [m for m in members if indeg[m] == 0]
        for m in members:
            nodes[m].rank = base
        order: list[int] = []
        head = 0
        while head < len(queue):
            v = queue[head]
            head += 1
            order.append(v)
            for e in nodes[v].outs:
                if e.ret or not inside[e.dst]:
                    continue
                nodes[e.dst].rank = max(nodes[e.dst].rank, nodes[v].rank + 1)
                indeg[e.dst] -= 1
                if indeg[e.dst] == 0:
                    queue.append(e.dst)
        return order

    reach = [v.idx for v in nodes if v.reach]
    order = longest(reach, 0)
    for v in nodes:  # an entry connector (a source) just above its step
        targets = [nodes[e.dst].rank for e in v.outs if not e.ret]
        if v.entry and v.reach and v.idx != start and targets and not [e for e in v.ins if not e.ret]:
            v.rank = max(0, min(targets) - 1)
    top = max((nodes[v].rank for v in reach), default=-1)
    rest = [v.idx for v in nodes if not v.reach]
    if rest:
        longest(rest, top + 1)  # unreachable steps go below everything
    for e in edges:
        e.lane = e.ret or nodes[e.dst].rank <= nodes[e.src].rank or nodes[e.src].reach != nodes[e.dst].reach

    height = [0] * n
    for v in reversed(order):
        for e in nodes[v].outs:
            if not e.lane:
                height[v] = max(height[v], height[e.dst] + 1)
    spine = [start]
    cur = start
    while True:
        cands = [
            e
            for e in nodes[cur].outs
            if not e.lane and nodes[e.dst].rank == nodes[cur].rank + 1 and height[e.dst] == height[cur] - 1
        ]
        if not cands:
            break
        cands.sort(key=lambda e: (nodes[e.dst].special, nodes[e.dst].kind == "end", e.order))
        cur = cands[0].dst
        spine.append(cur)
    return spine
