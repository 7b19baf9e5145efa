"""Operation flowcharts (一图): a hand-written layered layout, drawn as SVG or Mermaid.

GB/T 1526 symbols: 端点 (start/end) = rounded box, 处理 = rectangle, 判断 = diamond.
The layout is a small Sugiyama-style grid:

1. ranks: longest path from the start over the graph without its return edges
   (edges marked ``return: true``, edges labelled 补正/退回/修改 that point to an earlier
   step, and the back edges an iterative depth-first search finds);
2. the main line (the longest path from the start) is column 0, drawn straight down;
3. every other step gets a grid column left or right of it, chosen greedily so that the
   vertical channel from its first predecessor is free of boxes (like dummy nodes);
4. every edge is routed with right angles through free grid cells, or, when no free
   route exists, through the gutters between rows and columns (which never hold boxes);
   return loops run in lanes outside the columns, nested so that they do not cross;
5. labels go where they hit no box, no other label and no line; the notes (承办岗位, 办理时限,
   监督制约, 公开, 说明) go in a column right of the chart, aligned with the rows, when the chart
   leaves room for one within a page's width, else in a 环节说明 table below it, one row per
   step in reading order.

For print, ``to_svg_pages`` makes A4 pages whose text prints at 9 pt or more (see ``PAGE_W``,
``PAGE_H``): a flow too long for one page has its chart cut between rows, each page laid out on
its own from a run of ranks, a line to or from another page ending at a connector ("转第2页" /
"接第1页") that names the step on the other side; the 环节说明 table and the complaint box
follow the chart, continued on new pages as needed. ``to_svg`` draws the whole flow as one
document (for screens; a flow that fits one page is that page).

Pure functions, deterministic, standard library only, no recursion.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

__all__ = [
    "Box",
    "Edge",
    "Layout",
    "Note",
    "PAGE_H",
    "PAGE_W",
    "SHEET_PAGE_H",
    "layout",
    "layout_pages",
    "text_width",
    "to_mermaid",
    "to_print_html",
    "to_svg",
    "to_svg_pages",
    "wrap_text",
]

FONT_FAMILY = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun, sans-serif'
NO_LINE_START = frozenset("，。、；：？！）》」』〉】’”…,.;:?!)]}%")
NO_LINE_END = frozenset("（《「『〈【“‘([{")
from quanli.model import RETURN_WORDS  # noqa: E402  (the same words the linter uses)
SPECIAL_TEXT = "特别程序（不计时限）"
KINDS = ("start", "process", "decision", "end")

NAME_PX = 14.0  # step name in a box
TEXT_PX = 12.0  # labels, notes, footer: the body text, 9 pt in print (see PAGE_W)
LINE = 1.4  # line height / font size
NAME_EM = 8  # names wrap at 8 em: boxes narrow enough for three columns on a page
DECISION_MAX_W = 214.0  # a diamond is made flatter while it is no wider than this
LABEL_W = 7 * TEXT_PX  # labels wrap at 7 em
GAP = 34.0  # free space between two rows
COL_GAP = 36.0  # free space between two columns
CHANNEL_W = 24.0  # a column that only carries lines
TRACK = 10.0  # distance between parallel lines in a gutter or lane
PAD = 24.0  # left and right of the chart
PAD_V = 8.0  # above and below it (the title and footer have their own margins)
_MAX_COL = 10

# Print: a page is drawn to be printed on A4 portrait with its body text (TEXT_PX) at 9 pt or
# more. 1 px is 0.75 pt (CSS: 96 px per inch), so 12 px text prints at 9 pt at scale 1, and a
# page must fit the printable area without being shrunk: 170 mm wide (A4's 210 mm less 20 mm
# margins; also the 一件 sheet's text width, sheet.TEXT_W) = 481.9 pt = 642.5 px, and 257 mm
# high (A4's 297 mm less 20 mm margins) = 728.5 pt = 971.3 px; a page embedded in the 一件 DOCX
# has the 220 mm its 附图 heading leaves (sheet.FIG_H_CM) = 623.6 pt = 831.5 px.
PT_PER_PX = 0.75
MIN_TEXT_PT = 9.0
PRINT_W_MM, PRINT_H_MM, SHEET_H_MM = 170.0, 257.0, 220.0
MIN_SCALE = MIN_TEXT_PT / (TEXT_PX * PT_PER_PX)  # 1.0: the smallest print scale allowed


def _px_in(mm: float) -> int:
    """The most px that print in ``mm`` at MIN_SCALE."""
    return math.floor(mm / 25.4 * 72 / PT_PER_PX / MIN_SCALE)


PAGE_W = _px_in(PRINT_W_MM)  # 642 px
PAGE_H = _px_in(PRINT_H_MM)  # 971 px: a page printed on its own
SHEET_PAGE_H = _px_in(SHEET_H_MM)  # 831 px: a page in the 一件 DOCX
NOTE_W = PAGE_W - 2 * PAD  # the 环节说明 table: a page's width
NOTE_HEAD_W = 112.0  # its step-name column
NOTE_GAP = 30.0  # between the chart and a notes column beside it
NOTE_MIN_W, NOTE_MAX_W = 240.0, 330.0  # the notes column: narrower, and the table below is used instead
NOTE_STACK = 6.0  # between two notes of one row in the column
NOTES_SPACE = 12.0  # between the chart and the table's heading
NOTES_HEAD_H = 22.0  # the heading 环节说明

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --------------------------------------------------------------------------- text


def _clean(value: Any) -> str:
    """Any YAML scalar as display text, without characters XML 1.0 cannot carry."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return _XML_BAD.sub("", str(value)).strip()


def _char_em(ch: str) -> float:
    if unicodedata.combining(ch):
        return 0.0
    # Wide/Fullwidth = 1 em; Ambiguous (“” … ·) is drawn full width by Chinese fonts.
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return 1.0
    return 0.55


def text_width(text: str, size: float) -> float:
    """Estimated drawn width in px: CJK 1 em, other characters 0.55 em (over-estimate)."""
    return sum(_char_em(ch) for ch in text) * size


def _tokens(text: str) -> list[str]:
    """ASCII words stay together; every other character is its own token."""
    out: list[str] = []
    word: list[str] = []
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word.append(ch)
            continue
        if word:
            out.append("".join(word))
            word = []
        out.append(ch)
    if word:
        out.append("".join(word))
    return out


def _wrap_para(para: str, width: float, size: float) -> list[str]:
    toks: list[str] = []
    for tok in _tokens(para):
        if len(tok) > 1 and text_width(tok, size) > width:  # a long URL: hard breaks
            chunk = ""
            for ch in tok:
                if chunk and text_width(chunk + ch, size) > width:
                    toks.append(chunk)
                    chunk = ch
                else:
                    chunk += ch
            if chunk:
                toks.append(chunk)
        else:
            toks.append(tok)
    lines: list[str] = []
    cur: list[str] = []
    curw = 0.0
    for tok in toks:
        w = text_width(tok, size)
        if tok.isspace():
            if cur and curw + w <= width:
                cur.append(tok)
                curw += w
            continue
        if cur and curw + w > width:
            if tok[0] in NO_LINE_START:  # 避头: hang the punctuation on this line
                cur.append(tok)
                curw += w
                continue
            while cur and cur[-1].isspace():
                cur.pop()
            carry: list[str] = []
            while len(cur) > 1 and cur[-1][-1] in NO_LINE_END:  # 避尾: move （《 down
                carry.insert(0, cur.pop())
            lines.append("".join(cur))
            cur = carry
            curw = sum(text_width(t, size) for t in cur)
        cur.append(tok)
        curw += w
    while cur and cur[-1].isspace():
        cur.pop()
    if cur or not lines:
        lines.append("".join(cur))
    return lines


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """Wrap text to lines no wider than width px (CJK aware, with 避头尾)."""
    width = max(width, 2 * size)
    lines: list[str] = []
    for para in _XML_BAD.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(_wrap_para(para.strip(), width, size))
    return lines


def _wrap_even(text: str, width: float, size: float) -> list[str]:
    """Like wrap_text, but as narrow as possible for the same number of lines (no orphans)."""
    lines = wrap_text(text, width, size)
    if len(lines) <= 1:
        return lines
    lo, hi = 2 * size, max(width, 2 * size)
    for _ in range(14):
        mid = (lo + hi) / 2
        if len(wrap_text(text, mid, size)) <= len(lines):
            hi = mid
        else:
            lo = mid
    return wrap_text(text, hi, size)


def _even(value: float) -> float:
    """Round a size up to an even number of px, so centres stay on whole pixels."""
    return float(2 * math.ceil(value / 2 - 1e-9))


def _num(value: float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


def _limit_text(value: Any) -> str:
    """办理时限 as text: a number is 工作日, 0 is 即办."""
    note = ""
    unit = "工作日"
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        num: Any = value
    elif isinstance(value, dict):
        num = value.get("value")
        unit = _clean(value.get("unit")) or "工作日"
        note = _clean(value.get("note"))
        if isinstance(num, bool) or not isinstance(num, (int, float)):
            num = None
    else:
        return _clean(value)
    if num is None:
        text = ""
    elif num == 0:
        text = "即办"
    else:
        text = {
            "工作日": f"{_num(num)}个工作日",
            "自然日": f"{_num(num)}个自然日",
            "小时": f"{_num(num)}小时",
            "个月": f"{_num(num)}个月",
        }.get(unit, f"{_num(num)}{unit}")
    if note:
        text = f"{text}（{note}）" if text else note
    return text


# --------------------------------------------------------------------------- public data


@dataclass
class Box:
    """One step: its shape at (x, y) top-left, w x h, and its wrapped text lines."""

    id: str
    name: str
    kind: str  # start | process | decision | end
    x: float
    y: float
    w: float
    h: float
    lines: list[str]
    styles: list[str]  # per line: name | special | text
    special: bool = False
    rank: int = 0
    col: int = 0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Edge:
    """A right-angled flow line from box src to box dst."""

    src: str
    dst: str
    points: list[tuple[float, float]]
    label: str | None
    is_return: bool
    label_box: tuple[float, float, float, float] | None = None  # x, y, w, h
    label_lines: list[str] = field(default_factory=list)


@dataclass
class Note:
    """The notes-column entry of one step (承办岗位, 办理时限, 监督制约, 公开)."""

    step: str
    x: float
    y: float
    w: float
    h: float
    lines: list[str]
    styles: list[str]  # head (the step name, left cell) | text (right cell)
    split: float = NOTE_HEAD_W  # width of the left cell


@dataclass
class Layout:
    """Everything drawn below the title: the chart, then the 环节说明 table (its heading at notes_y).
    Boxes of kind ``connector`` are the ends of lines to and from other pages."""

    width: float
    height: float
    boxes: list[Box]
    edges: list[Edge]
    notes: list[Note]
    notes_y: float = 0.0
    notes_title: str = "环节说明"


# --------------------------------------------------------------------------- graph


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


# --------------------------------------------------------------------------- sizes


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


# --------------------------------------------------------------------------- grid routing


class _Grid:
    """Which grid cells (rank, column) hold a box or a line.

    Entries are (kind, src, dst, anchor). A cell may hold lines of several edges when
    they cannot overlap: vertical lines (all at the column centre) only merge into the
    same target; horizontal lines run at the port height of their anchor node, so two of
    them may share a cell only when anchored at the same node (its ports get distinct
    offsets). A horizontal may meet a vertical in strict mode only where the vertical
    turns at a port of the same node (the port order then keeps them apart) or merges
    into the same target; loose mode allows plain crossings.
    """

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[str, int, int, int]]] = {}
        self.left_rows: dict[int, bool] = {}  # rows whose left side is kept for a loop

    def ok(
        self, r: int, c: int, kind: str, src: int, dst: int, anchor: int, strict: bool, turns: bool = False
    ) -> bool:
        if strict and c < 0 and kind != "loop" and r in self.left_rows:
            return False
        kind = "h" if kind == "loop" else kind
        for k, _s, d, a in self.cells.get((r, c), ()):
            if k == "box":
                return False
            if k == kind == "v" and d != dst:
                return False
            if k == kind == "h" and a != anchor:
                return False
            # a horizontal meets a vertical: fine where the vertical turns at a port of
            # the same node (the port order keeps them apart), else only when loose
            if strict and k != kind and (a < 0 or a != anchor) and not (turns and d == dst):
                return False  # (turning into a line to the same target is a merge)
        return True

    def take(self, cells: list[tuple[int, int, str, int]], src: int, dst: int, strict: bool) -> bool:
        kind_of = lambda k: "h" if k == "loop" else k  # noqa: E731
        bends = {(r, c) for r, c, k, _ in cells if k == "v"} & {(r, c) for r, c, k, _ in cells if k != "v"}
        if not all(self.ok(r, c, k, src, dst, a, strict, (r, c) in bends) for r, c, k, a in cells):
            return False
        for r, c, k, a in cells:
            self.cells.setdefault((r, c), []).append((kind_of(k), src, dst, a))
        return True

    def box(self, r: int, c: int, node: int) -> None:
        self.cells.setdefault((r, c), []).append(("box", node, node, node))

    def free(self, r: int, c: int) -> bool:
        """No box, no line, and not a row side kept for a loop: a new box may go here."""
        return not self.cells.get((r, c)) and not (c < 0 and r in self.left_rows)

    def cols(self) -> tuple[int, int]:
        cs = [c for (_, c) in self.cells] or [0]
        return min(cs), max(cs)


def _between(a: int, b: int) -> list[int]:
    """Columns strictly between a and b."""
    lo, hi = min(a, b), max(a, b)
    return list(range(lo + 1, hi))


class _Router:
    def __init__(self, nodes: list[_N], edges: list[_E], spine: list[int]) -> None:
        self.nodes, self.edges, self.spine = nodes, edges, spine
        self.on_spine = [False] * len(nodes)
        for v in spine:
            self.on_spine[v] = True
        self.grid = _Grid()
        self.placed = [False] * len(nodes)
        self.rg_tracks: dict[int, int] = {}  # row gutter below rank g -> tracks used
        self.cg_tracks: dict[int, int] = {}  # column gutter right of column g -> tracks used
        self.lanes: list[tuple[_E, str, int, int]] = []  # edge, side, lo rank, hi rank
        self.lane_of: dict[int, int] = {}

    # -- cells of the route shapes (r, c, kind, anchor)
    def _h(self, r: int, cols: list[int], anchor: int, kind: str = "h") -> list[tuple[int, int, str, int]]:
        return [(r, c, kind, anchor) for c in cols]

    def _v(self, c: int, r0: int, r1: int, top: int = -1, bottom: int = -1) -> list[tuple[int, int, str, int]]:
        """A vertical line in column c over rows r0..r1; top/bottom: node whose port it turns at."""
        out = []
        for r in range(r0, r1 + 1):
            anchor = top if (r == r0 and top >= 0) else (bottom if r == r1 else -1)
            out.append((r, c, "v", anchor))
        return out

    def _try(self, e: _E, strict: bool, column: int | None = None) -> bool:
        """Route a forward edge between placed nodes through grid cells (A, B, C or D)."""
        u, v = self.nodes[e.src], self.nodes[e.dst]
        ru, cu, rv, cv = u.rank, u.col, v.rank, v.col
        g, s, d = self.grid, e.src, e.dst
        if column is None:
            if cu == cv:  # A: straight down
                if g.take(self._v(cu, ru + 1, rv - 1), s, d, strict):
                    e.route, e.side_u, e.side_v = ("A",), "B", "T"
                    return True
                return False
            toward = "R" if cv > cu else "L"
            # B: out of the side, along the row, down into the top
            cells = self._h(ru, _between(cu, cv), s) + [(ru, cv, "h", s)] + self._v(cv, ru, rv - 1, top=s)
            if g.take(cells, s, d, strict):
                e.route, e.side_u, e.side_v = ("B",), toward, "T"
                return True
            # C: out of the bottom, down the own column, along the row into the side
            cells = self._v(cu, ru + 1, rv, bottom=d) + [(rv, cu, "h", d)] + self._h(rv, _between(cu, cv), d)
            if g.take(cells, s, d, strict):
                e.route, e.side_u, e.side_v = ("C",), "B", ("L" if cu < cv else "R")
                return True
            return False
        c = column  # D: side, channel column c, side
        if c in (cu, cv):
            return False
        cells = (
            self._h(ru, _between(cu, c), s)
            + [(ru, c, "h", s)]
            + self._v(c, ru, rv, top=s, bottom=d)
            + [(rv, c, "h", d)]
            + self._h(rv, _between(c, cv), d)
        )
        if g.take(cells, s, d, strict):
            e.route = ("D", c)
            e.side_u = "R" if c > cu else "L"
            e.side_v = "R" if c > cv else "L"
            return True
        return False

    def _track(self, table: dict[int, int], key: int) -> int:
        k = table.get(key, 0)
        table[key] = k + 1
        return k

    def _gutter_route(self, e: _E) -> None:
        """E: bottom, row gutter, column gutter beside the target, into its side. Always works."""
        u, v = self.nodes[e.src], self.nodes[e.dst]
        side = "L" if u.col <= v.col else "R"
        gcol = v.col - 1 if side == "L" else v.col
        e.route = ("E", self._track(self.rg_tracks, u.rank), gcol, self._track(self.cg_tracks, gcol))
        e.side_u, e.side_v = "Bo", side

    def _order_cols(self, base: int, prefer_right: bool) -> list[int]:
        out = []
        for d in range(1, _MAX_COL + 1):
            pair = [base + d, base - d] if prefer_right else [base - d, base + d]
            out += pair
        return out

    def _side_pref(self, u: _N) -> bool:
        """True: try the right side first (loops live on the left)."""
        if u.col != 0:
            return u.col > 0
        right = sum(1 for e in u.outs if e.route and e.side_u == "R")
        left = sum(1 for e in u.outs if e.route and e.side_u == "L")
        return right <= left or u.rank in self.grid.left_rows

    def _place(self, e: _E) -> None:
        """Place the target of e (its first predecessor is e.src) and route e."""
        u, v = self.nodes[e.src], self.nodes[e.dst]
        g = self.grid
        cands = ([u.col] if not self.on_spine[u.idx] else []) + self._order_cols(u.col, self._side_pref(u))
        for c in cands:
            if not g.free(v.rank, c):
                continue
            v.col = c
            if self._try(e, True):
                g.box(v.rank, c, v.idx)
                self.placed[v.idx] = True
                return
        # F: out of the bottom, along the row gutter, down a free column into the top
        for c in cands + [g.cols()[1] + 1]:
            if not g.free(v.rank, c):
                continue
            if g.take(self._v(c, u.rank + 1, v.rank - 1), e.src, e.dst, True):
                v.col = c
                e.route = ("F", self._track(self.rg_tracks, u.rank))
                e.side_u, e.side_v = "Bo", "T"
                g.box(v.rank, c, v.idx)
                self.placed[v.idx] = True
                return
        c = g.cols()[1] + 1  # unreachable in practice: a fresh column on the right
        v.col = c
        g.box(v.rank, c, v.idx)
        self.placed[v.idx] = True
        self._gutter_route(e)

    def _place_root(self, v: _N) -> None:
        g = self.grid
        for c in [0] + self._order_cols(0, True) + [g.cols()[1] + 1]:
            if g.free(v.rank, c):
                v.col = c
                break
        else:
            v.col = g.cols()[1] + 1
        g.box(v.rank, v.col, v.idx)
        self.placed[v.idx] = True

    def _secondary(self, e: _E) -> None:
        u, v = self.nodes[e.src], self.nodes[e.dst]
        lo, hi = min(u.col, v.col), max(u.col, v.col)
        chans = sorted(
            (c for c in range(lo - _MAX_COL, hi + _MAX_COL + 1) if c not in (u.col, v.col)),
            key=lambda c: (abs(c - u.col) + abs(c - v.col), -c if self._side_pref(u) else c),
        )
        for strict in (True, False):
            if self._try(e, strict):
                return
            for c in chans:
                if self._try(e, strict, c):
                    return
            if strict and self.grid.take(self._v(v.col, u.rank + 1, v.rank - 1), e.src, e.dst, True):
                e.route = ("F", self._track(self.rg_tracks, u.rank))
                e.side_u, e.side_v = "Bo", "T"
                return
        self._gutter_route(e)

    def _loop(self, e: _E) -> None:
        u, v = self.nodes[e.src], self.nodes[e.dst]
        cmin, cmax = self.grid.cols()
        lo, hi = min(u.rank, v.rank), max(u.rank, v.rank)

        def crossings(side: str) -> int:  # loops already in lanes that this one would cross
            return sum(
                1
                for _e, s2, lo2, hi2 in self.lanes
                if s2 == side and (lo < lo2 < hi < hi2 or lo2 < lo < hi2 < hi)
            )

        sides = sorted(("L", "R"), key=lambda sd: (crossings(sd), sd != "L"))
        for strict in (True, False):
            for side in sides:
                if side == "L":
                    cells = self._h(u.rank, list(range(cmin, u.col)), u.idx, "loop")
                    cells += self._h(v.rank, list(range(cmin, v.col)), v.idx, "loop")
                else:
                    cells = self._h(u.rank, list(range(u.col + 1, cmax + 1)), u.idx, "loop")
                    cells += self._h(v.rank, list(range(v.col + 1, cmax + 1)), v.idx, "loop")
                if u.idx == v.idx:
                    cells = cells[: len(cells) // 2]
                if self.grid.take(cells, e.src, e.dst, strict):
                    e.route, e.side_u, e.side_v = ("L", side), side, side
                    self.lanes.append((e, side, lo, hi))
                    return
        # LG: through the gutters beside the nodes and between the rows
        side = "L"
        g1 = u.col - 1
        g2 = v.col - 1
        if v.rank < u.rank:
            r1, r2 = u.rank - 1, v.rank
        elif v.rank > u.rank:
            r1, r2 = u.rank, v.rank - 1
        else:
            r1, r2 = u.rank - 1, v.rank - 1
        e.route = (
            "LG",
            side,
            g1,
            self._track(self.cg_tracks, g1),
            r1,
            self._track(self.rg_tracks, r1),
            r2,
            self._track(self.rg_tracks, r2),
            g2,
            self._track(self.cg_tracks, g2),
        )
        e.side_u, e.side_v = side, side
        self.lanes.append((e, side, lo, hi))

    def run(self) -> None:
        nodes, g = self.nodes, self.grid
        for v in self.spine:
            nodes[v].col = 0
            g.box(nodes[v].rank, 0, v)
            self.placed[v] = True
        for e in self.edges:  # keep the left side of loop rows free for the loop lines
            if e.lane and self.on_spine[e.src] and self.on_spine[e.dst]:
                g.left_rows[nodes[e.src].rank] = True
                g.left_rows[nodes[e.dst].rank] = True
        for u in sorted(nodes, key=lambda n: (n.rank, n.idx)):
            if not self.placed[u.idx]:
                self._place_root(u)
            fwd = [e for e in u.outs if not e.lane]
            fwd.sort(key=lambda e: (not (self.on_spine[e.src] and self.on_spine[e.dst]), nodes[e.dst].rank, e.order))
            for e in fwd:
                if self.placed[e.dst]:
                    self._secondary(e)
                else:
                    self._place(e)
        loops = [e for e in self.edges if e.lane]
        loops.sort(key=lambda e: (abs(nodes[e.src].rank - nodes[e.dst].rank), e.idx))
        for e in loops:
            self._loop(e)
        # lanes: short loops inside, long loops outside
        for side in ("L", "R"):
            taken: list[tuple[int, int, int]] = []
            for e, s, lo, hi in sorted(self.lanes, key=lambda t: (t[3] - t[2], t[0].idx)):
                if s != side:
                    continue
                k = 1 + max((kk for lo2, hi2, kk in taken if lo2 <= hi and lo <= hi2), default=-1)
                self.lane_of[e.idx] = k
                taken.append((lo, hi, k))


# --------------------------------------------------------------------------- geometry


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


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


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
        widths = [
            min(text_width(e.label, TEXT_PX), LABEL_W) for e, s, _, _ in router.lanes if s == side and e.label
        ]
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
            n.id, n.name, n.kind, round(n.cx - n.w / 2, 1), round(n.cy - n.h / 2, 1), n.w, n.h,
            list(n.lines), list(n.styles), n.special, n.rank, n.col,
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
                notes.append(Note(n.id, note_x, y0, column, n.note_h, [t for t, _ in n.note], [s for _, s in n.note], 0.0))
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


def _place_labels(boxes: list[Box], edges: list[Edge]) -> None:
    """Put each label beside its own line where it hits no box, label or line."""
    obstacles = [(b.x - 3, b.y - 3, b.w + 6, b.h + 6) for b in boxes]
    segs: list[tuple[int, tuple[float, float, float, float]]] = []
    for i, e in enumerate(edges):
        for (x1, y1), (x2, y2) in zip(e.points, e.points[1:]):
            segs.append((i, (min(x1, x2) - 1.5, min(y1, y2) - 1.5, abs(x2 - x1) + 3, abs(y2 - y1) + 3)))
    placed: list[tuple[float, float, float, float]] = []
    lh1 = TEXT_PX * LINE
    for i, e in enumerate(edges):
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


# --------------------------------------------------------------------------- pages


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
        key=lambda e: (nodes0[e.dst].rank, not (on_spine[e.src] and on_spine[e.dst]), not on_spine[e.dst],
                       -nodes0[e.src].rank, e.idx),
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


# --------------------------------------------------------------------------- SVG


def _q(value: Any) -> str:
    return _xml_quoteattr(_XML_BAD.sub("", str(value)))


def _t(value: Any) -> str:
    return _xml_escape(_XML_BAD.sub("", str(value)))


def _f(v: float) -> str:
    return _num(round(v, 1))


_STYLE = {
    "start": ("#e2efda", "#3d7a3a"),
    "end": ("#fce4d6", "#9c4a1a"),
    "process": ("#deebf7", "#2e5c8a"),
    "decision": ("#fff2cc", "#a67c00"),
    "connector": ("#ededed", "#666666"),
}
_LINE = "#404040"
_RETURN = "#c0392b"
TITLE_PX = 20.0
TITLE_LH = 28.0
LEGEND = "图例：圆角框＝开始/结束；矩形＝办理环节；菱形＝判断；虚线框＝特别程序（不计时限）；红色虚线＝退回、补正"
LEGEND_PAGES = "；灰色框＝转至或接自其他页"


def _text_block(cx: float, top: float, lines: list[str], styles: list[str], anchor: str = "middle") -> str:
    out = [f'<text text-anchor="{anchor}">']
    y = top
    for line, style in zip(lines, styles):
        size = NAME_PX if style == "name" else TEXT_PX
        lh = size * LINE
        base = y + lh / 2 + size * 0.36
        attrs = f'x="{_f(cx)}" y="{_f(base)}" font-size="{_num(size)}"'
        if style in ("name", "head"):
            attrs += ' font-weight="bold"'
        if style == "special":
            attrs += ' fill="#b03a2e"'
        elif style == "head":
            attrs += ' fill="#1f3b57"'
        else:
            attrs += ' fill="#1a1a1a"'
        out.append(f"<tspan {attrs}>{_t(line)}</tspan>")
        y += lh
    out.append("</text>")
    return "".join(out)


def _lines_height(styles: list[str]) -> float:
    return sum((NAME_PX if s == "name" else TEXT_PX) * LINE for s in styles)


@dataclass
class _Geom:
    """Where the parts of one page go (y from the top)."""

    width: float
    title: list[str]
    head_h: float  # the title band; the layout starts below it
    foot: list[tuple[str, str]]  # the complaint box (last page only)
    foot_y: float
    foot_h: float
    meta: list[str]  # 制图单位、版本、日期
    page_text: str  # 第2页　共3页
    meta_y: float
    height: float


class _Frame:
    """What is drawn around a layout: title, 内部资料 mark, complaint box, unit/version/date line."""

    def __init__(self, flow: Any, title: Any, complaint: Any, internal: bool, unit: Any, version: Any, date: Any) -> None:
        if not isinstance(flow, dict):
            flow = {}
        name = _clean(title) if title is not None else _clean(flow.get("name"))
        self.name = name or _clean(flow.get("id")) or "运行流程图"
        self.complaint = flow.get("complaint") if complaint is None else complaint
        self.remarks = _clean(flow.get("remarks"))
        self.uid = re.sub(r"[^A-Za-z0-9_-]", "", _clean(flow.get("id"))) or "flow"
        self.internal = bool(internal)
        parts = (("制图单位", unit), ("版本", version), ("日期", date))
        self.meta = "　".join(f"{key}：{_clean(value)}" for key, value in parts if _clean(value))

    def mark_w(self) -> float:
        return text_width("内部资料", 14) + 20

    def foot(self, width: float, paged: bool) -> list[tuple[str, str]]:
        inner = width - 2 * PAD - 28
        labels = (("phone", "投诉举报电话"), ("address", "来信地址"), ("email", "电子邮箱"), ("website", "网站"), ("note", "说明"))
        complaint = self.complaint
        items = []
        if isinstance(complaint, dict):
            items = [f"{lab}：{_clean(complaint.get(key))}" for key, lab in labels if _clean(complaint.get(key))]
        elif _clean(complaint):
            items = [_clean(complaint)]
        if not items:
            items = ["（未填写投诉举报途径）"]
        foot = [("投诉举报途径", "head")]
        for item in items:
            foot += [(t, "text") for t in wrap_text(item, inner, TEXT_PX)]
        if self.remarks:
            foot += [(t, "text") for t in wrap_text(f"备注：{self.remarks}", inner, TEXT_PX)]
        foot += [(t, "legend") for t in wrap_text(LEGEND + (LEGEND_PAGES if paged else ""), inner, TEXT_PX)]
        return foot

    def geom(self, lay: Layout, width: float, cont: bool, last: bool, paged: bool, page_text: str) -> _Geom:
        room = width - 2 * PAD - (2 * (self.mark_w() + 12) if self.internal else 0)
        title = wrap_text(self.name + ("（续）" if cont else ""), room, TITLE_PX)
        head_h = 18 + len(title) * TITLE_LH + 8
        foot = self.foot(width, paged) if last else []
        foot_y = head_h + lay.height
        foot_h = len(foot) * TEXT_PX * LINE + 20 if foot else 0.0
        meta: list[str] = []
        if self.meta:
            meta = wrap_text(self.meta, width - 2 * PAD - (text_width(page_text, TEXT_PX) + 24 if page_text else 0), TEXT_PX)
        meta_y = foot_y + foot_h + (8 if foot else 0)
        rows = max(len(meta), 1 if page_text else 0)
        height = meta_y + (rows * TEXT_PX * LINE + 8 if rows else 0) + 16
        return _Geom(width, title, head_h, foot, foot_y, foot_h, meta, page_text, meta_y, math.ceil(height))

    def fits(self, lay: Layout, cont: bool, last: bool, paged: bool, page_text: str, page_h: int) -> bool:
        return lay.width <= PAGE_W and self.geom(lay, PAGE_W, cont, last, paged, page_text).height <= page_h


def _draw(frame: _Frame, lay: Layout, g: _Geom, uid: str) -> str:
    """One SVG document: title, chart, 环节说明, complaint box (last page), unit/version/date."""
    width, height = g.width, g.height
    out: list[str] = []
    out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}" height="{_f(height)}" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" font-family={_q(FONT_FAMILY)}>\n'
    )
    out.append(f"<title>{_t(''.join(g.title))}</title>\n")
    out.append("<defs>")
    for mid, color in ((f"{uid}-arrow", _LINE), (f"{uid}-arrow-r", _RETURN)):
        out.append(
            f'<marker id="{mid}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" '
            f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>'
        )
    out.append("</defs>\n")
    out.append(f'<rect class="background" x="0" y="0" width="{_f(width)}" height="{_f(height)}" fill="#ffffff"/>\n')
    out.append('<text class="title" text-anchor="middle" font-weight="bold" fill="#1a1a1a">')
    for i, line in enumerate(g.title):
        base = 18 + i * TITLE_LH + TITLE_LH / 2 + TITLE_PX * 0.36
        out.append(f'<tspan x="{_f(width / 2)}" y="{_f(base)}" font-size="{_num(TITLE_PX)}">{_t(line)}</tspan>')
    out.append("</text>\n")
    if frame.internal:
        tw = frame.mark_w()
        tx = width - PAD - tw
        out.append(
            f'<g class="internal"><rect x="{_f(tx)}" y="19" width="{_f(tw)}" height="26" '
            f'fill="none" stroke="#c0392b" stroke-width="1.5"/><text x="{_f(tx + tw / 2)}" y="37" '
            f'text-anchor="middle" font-size="14" font-weight="bold" fill="#c0392b">内部资料</text></g>\n'
        )
    out.append(f'<g class="chart" transform="translate({_f(math.floor((width - lay.width) / 2))},{_f(g.head_h)})">\n')

    out.append('<g class="edges" fill="none">\n')
    for e in lay.edges:
        pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in e.points)
        color = _RETURN if e.is_return else _LINE
        dash = ' stroke-dasharray="6 4"' if e.is_return else ""
        marker = f"{uid}-arrow-r" if e.is_return else f"{uid}-arrow"
        out.append(
            f'<polyline class="edge{" return" if e.is_return else ""}" data-from={_q(e.src)} data-to={_q(e.dst)} '
            f'points="{pts}" stroke="{color}" stroke-width="1.4"{dash} marker-end="url(#{marker})"/>\n'
        )
    out.append("</g>\n")

    out.append('<g class="nodes">\n')
    for b in lay.boxes:
        fill, stroke = _STYLE.get(b.kind, _STYLE["process"])
        dash = ' stroke-dasharray="7 4"' if b.special else ""
        cls = "connector" if b.kind == "connector" else "node"
        out.append(f'<g class="{cls}" data-id={_q(b.id)} data-kind="{b.kind}">')
        if b.kind == "decision":
            cx, cy = b.cx, b.cy
            pts = f"{_f(cx)},{_f(b.y)} {_f(b.x + b.w)},{_f(cy)} {_f(cx)},{_f(b.y + b.h)} {_f(b.x)},{_f(cy)}"
            out.append(f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}" stroke-width="1.6"{dash}/>')
        else:
            rx = min(b.h / 2, 20.0) if b.kind in ("start", "end") else 0
            sw = "1.2" if b.kind == "connector" else "1.6"
            out.append(
                f'<rect x="{_f(b.x)}" y="{_f(b.y)}" width="{_f(b.w)}" height="{_f(b.h)}" rx="{_f(rx)}" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="{sw}"{dash}/>'
            )
        top = b.cy - _lines_height(b.styles) / 2
        out.append(_text_block(b.cx, top, b.lines, b.styles))
        out.append("</g>\n")
    out.append("</g>\n")

    out.append('<g class="labels">\n')
    for e in lay.edges:
        if not e.label_box:
            continue
        lx, ly, lw, lh = e.label_box
        color = _RETURN if e.is_return else "#333333"
        out.append(
            f'<g class="label"><rect x="{_f(lx)}" y="{_f(ly)}" width="{_f(lw)}" height="{_f(lh)}" '
            f'fill="#ffffff" fill-opacity="0.92"/><text text-anchor="middle">'
        )
        y = ly + 1
        for line in e.label_lines:
            base = y + TEXT_PX * LINE / 2 + TEXT_PX * 0.36
            out.append(f'<tspan x="{_f(lx + lw / 2)}" y="{_f(base)}" font-size="{_num(TEXT_PX)}" fill="{color}">{_t(line)}</tspan>')
            y += TEXT_PX * LINE
        out.append("</text></g>\n")
    out.append("</g>\n")

    out.append('<g class="notes">\n')
    if lay.notes and lay.notes_y:
        out.append(
            f'<text class="notes-title" x="{_f(lay.notes[0].x)}" y="{_f(lay.notes_y + NOTES_HEAD_H / 2 + 5)}" '
            f'font-size="13" font-weight="bold" fill="#1f3b57">{_t(lay.notes_title)}</text>\n'
        )
    for nt in lay.notes:
        if not nt.split:  # in the column beside the chart
            out.append(
                f'<g class="note" data-step={_q(nt.step)}><rect x="{_f(nt.x)}" y="{_f(nt.y)}" width="{_f(nt.w)}" '
                f'height="{_f(nt.h)}" rx="4" fill="#f7f9fc" stroke="#8fa8c8" stroke-dasharray="4 3"/>'
            )
            out.append(_text_block(nt.x + 10, nt.y + 7, nt.lines, nt.styles, anchor="start"))
            out.append("</g>\n")
            continue
        head = [t for t, s in zip(nt.lines, nt.styles) if s == "head"]
        body = [t for t, s in zip(nt.lines, nt.styles) if s != "head"]
        out.append(
            f'<g class="note" data-step={_q(nt.step)}><rect x="{_f(nt.x)}" y="{_f(nt.y)}" width="{_f(nt.w)}" '
            f'height="{_f(nt.h)}" fill="#ffffff" stroke="#8fa8c8"/><rect x="{_f(nt.x)}" y="{_f(nt.y)}" '
            f'width="{_f(nt.split)}" height="{_f(nt.h)}" fill="#eef3f9" stroke="#8fa8c8"/>'
        )
        out.append(_text_block(nt.x + 8, nt.y + 5, head, ["head"] * len(head), anchor="start"))
        out.append(_text_block(nt.x + nt.split + 8, nt.y + 5, body, ["text"] * len(body), anchor="start"))
        out.append("</g>\n")
    out.append("</g>\n</g>\n")

    if g.foot:
        fx, fw = PAD, width - 2 * PAD
        out.append(
            f'<g class="footer"><rect x="{_f(fx)}" y="{_f(g.foot_y)}" width="{_f(fw)}" height="{_f(g.foot_h)}" '
            f'fill="#ffffff" stroke="#2e5c8a" stroke-width="1.2"/>'
        )
        out.append('<text text-anchor="start">')
        y = g.foot_y + 10
        for line, style in g.foot:
            base = y + TEXT_PX * LINE / 2 + TEXT_PX * 0.36
            extra = ' font-weight="bold"' if style == "head" else (' fill="#666666"' if style == "legend" else "")
            out.append(f'<tspan x="{_f(fx + 14)}" y="{_f(base)}" font-size="{_num(TEXT_PX)}"{extra}>{_t(line)}</tspan>')
            y += TEXT_PX * LINE
        out.append("</text></g>\n")
    if g.meta or g.page_text:
        out.append('<g class="meta" fill="#444444">')
        first = g.meta_y + 4 + TEXT_PX * LINE / 2 + TEXT_PX * 0.36
        if g.meta:
            out.append('<text class="made-by" text-anchor="start">')
            for i, line in enumerate(g.meta):
                out.append(f'<tspan x="{_f(PAD)}" y="{_f(first + i * TEXT_PX * LINE)}" font-size="{_num(TEXT_PX)}">{_t(line)}</tspan>')
            out.append("</text>")
        if g.page_text:
            out.append(
                f'<text class="page-number" x="{_f(width - PAD)}" y="{_f(first)}" text-anchor="end" '
                f'font-size="{_num(TEXT_PX)}">{_t(g.page_text)}</text>'
            )
        out.append("</g>\n")
    out.append("</svg>\n")
    return "".join(out)


def to_svg(
    flow: dict,
    *,
    title: str | None = None,
    complaint: dict | None = None,
    internal: bool = False,
    unit: str = "",
    version: str = "",
    date: str = "",
    notes: bool = True,
) -> str:
    """One whole flow as a standalone SVG document: title, chart, 环节说明 (unless ``notes`` is
    false), complaint box and the line 制图单位/版本/日期. At least a page wide; a flow that fits
    one A4 page is that page (``to_svg_pages`` gives the pages of a longer one)."""
    frame = _Frame(flow, title, complaint, internal, unit, version, date)
    lay = layout(flow if isinstance(flow, dict) else {}, notes=notes)
    width = max(lay.width, float(PAGE_W))
    return _draw(frame, lay, frame.geom(lay, width, False, True, False, ""), frame.uid)


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
    edges = [Edge(e.src, e.dst, list(e.points), e.label, e.is_return, e.label_box, list(e.label_lines)) for e in chart.edges]
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
                rows.append(Note(node.id, 0.0, 0.0, NOTE_W, node.note_h, [t for t, _ in node.note], [s for _, s in node.note]))

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
        moved = [taken.pop()] if len(taken) > (0 if chart.boxes else 1) and fits(len(slots), (empty, taken[-1:]), True) else []
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
        _draw(frame, lay, frame.geom(lay, max(lay.width, float(PAGE_W)), k > 0, k == n - 1, linked, f"第{k + 1}页　共{n}页"),
              f"{frame.uid}-p{k + 1}")
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
    pages = to_svg_pages(flow, title=title, complaint=complaint, internal=internal, unit=unit, version=version, date=date)
    body = "".join(f'<div class="page">{svg[svg.index("<svg"):]}</div>\n' for svg in pages)
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


# --------------------------------------------------------------------------- Mermaid


def _mm(text: str) -> str:
    """Escape for a quoted Mermaid label with Mermaid's own entity codes."""
    text = _XML_BAD.sub("", text)
    text = text.replace("#", "#35;")
    for ch, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;"), ("|", "#124;")):
        text = text.replace(ch, code)
    return text


# A label runs up to this much wider than its width rather than break inside a clause: Mermaid
# sizes its boxes to the text, and a word cut in two ("符<br/>合法定形式") reads worse than a wide box.
_MM_SLACK = 1.5
_MM_BEFORE = frozenset("和与及或")  # a clause may break before these, keeping 或者, 及时 whole
_MM_AFTER = frozenset("的")
# words of the flowcharts a long clause is not cut inside (without a dictionary any two characters
# could be a word: these are the ones the charts use most)
_MM_WORDS = frozenset("""
申请 申请人 当事人 材料 符合 法定 形式 要求 是否 齐全 补正 一次性 告知 受理 不予 予以 审查 审核 审批 审定 核查 核实 决定
作出 准予 许可 行政 处罚 强制 检查 征收 给付 确认 裁决 奖励 备案 登记 变更 注销 撤销 延续 颁发 证照 证件 证书 送达
执行 办结 归档 立案 结案 调查 取证 听证 陈述 申辩 复议 诉讼 赔偿 依法 依据 规定 法律 法规 规章 部门 机关 单位 窗口
主管 上级 负责人 分管 局长 科室 岗位 人员 现场 勘验 检验 检测 鉴定 专家 评审 论证 公示 公告 公开 通知 通知书 说明
理由 出具 提交 提出 报送 报请 移送 流程 程序 标准 期限 时限 工作日 自然日 集体 讨论 签发 批准 组织 实施 监督 制约
申请材料 法定形式 工作人员 行政许可 行政处罚 受理通知书 决定书
""".split())


def _mm_pieces(text: str, level: int) -> list[str]:
    """``text`` cut where a line may break without splitting a word: after punctuation or a space, and
    before an opening bracket (level 0); after 的, before 和与及或 (level 1); between any two Chinese
    characters but inside one of ``_MM_WORDS`` (level 2). ASCII words and numbers stay whole."""
    inside = set()
    if level == 2:
        for size in (2, 3, 4, 5):
            for j in range(len(text) - size + 1):
                if text[j:j + size] in _MM_WORDS:
                    inside.update(range(j + 1, j + size))
    out, start = [], 0
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if a.isascii() and b.isascii() and not (a.isspace() or b.isspace()):
            continue  # inside 3.5, a,b, GB/T or a URL: never
        if b in NO_LINE_START or a in NO_LINE_END or b in _MM_AFTER:
            continue  # 避头尾, and no line starts with 的
        if level == 0:
            cut = a in NO_LINE_START or a.isspace() or b in NO_LINE_END
        elif level == 1:
            cut = (a in _MM_AFTER or b in _MM_BEFORE) and not a.isascii() and not b.isascii()
        else:
            cut = i not in inside
        if cut:
            out.append(text[start:i])
            start = i
    out.append(text[start:])
    return [p for p in out if p]


def _mm_wrap(text: str, em: int = 12) -> list[str]:
    """A label as lines of about ``em`` characters that break between words, not inside one: at
    punctuation first, then at 的/和/与/及/或, then between characters outside the known words;
    only an ASCII run longer than the slack allows is cut, by ``_wrap_even``."""
    width = em * NAME_PX
    out: list[str] = []
    for para in _XML_BAD.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        para = para.strip()
        if not para:
            continue
        if text_width(para, NAME_PX) <= width:
            out.append(para)
            continue
        pieces: list[str] = []
        for clause in _mm_pieces(para, 0):
            if text_width(clause, NAME_PX) <= width * _MM_SLACK:
                pieces.append(clause)
                continue
            for part in _mm_pieces(clause, 1):
                if text_width(part, NAME_PX) <= width:
                    pieces.append(part)
                    continue
                for bit in _mm_pieces(part, 2):  # a long URL or code: the existing wrapper's hard breaks
                    pieces += [bit] if text_width(bit, NAME_PX) <= width * _MM_SLACK else _wrap_even(bit, width, NAME_PX)
        out += _mm_pack(pieces, width)
    return out


def _mm_pack(pieces: list[str], width: float) -> list[str]:
    """Pieces joined into the fewest lines no wider than ``width`` (a wider piece is a line of its own),
    and of those the most even: the widest line as narrow as it can be."""
    n = len(pieces)
    widths = [text_width(p, NAME_PX) for p in pieces]
    best: list[tuple[int, float, int]] = [(0, 0.0, 0)] + [(n + 1, 0.0, 0)] * n  # (lines, widest, start of the last line)
    for end in range(1, n + 1):
        run = 0.0
        for start in range(end - 1, -1, -1):
            run += widths[start]
            if run > width and start < end - 1:
                break
            lines, widest, _ = best[start]
            cand = (lines + 1, max(widest, run), start)
            if cand[:2] < best[end][:2]:
                best[end] = cand
    out, end = [], n
    while end > 0:
        start = best[end][2]
        out.append("".join(pieces[start:end]).strip())
        end = start
    return [line for line in reversed(out) if line]


def _mm_lines(text: str, em: int = 12) -> str:
    return "<br/>".join(_mm(t) for t in _mm_wrap(text, em) if t)


MM_CHANGED = "classDef changed fill:#fff3cd,stroke:#d4a017,stroke-width:2px"
MM_REMOVED = "classDef removed fill:#f8d7da,stroke:#c0392b,stroke-width:2px"


def to_mermaid(flow: dict, *, changed: list[str] | tuple[str, ...] | set[str] = (),
               removed: list[str] | tuple[str, ...] | set[str] = ()) -> str:
    """One flow as Mermaid ``flowchart TD`` text (ids s1, s2, … never clash with keywords).

    The steps whose ids are in ``changed`` get the class ``changed`` (yellow), those in ``removed``
    the class ``removed`` (red): a diff marks what it changed in the charts before and after."""
    nodes, edges = _parse(flow)
    if nodes:
        _rank(nodes, edges)  # marks the unmarked cycles as return loops
    ids = {n.idx: f"s{n.idx + 1}" for n in nodes}
    out = ["flowchart TD"]
    name = _clean(flow.get("name")) if isinstance(flow, dict) else ""
    if name:
        out.append(f"    %% 流程图：{name.replace(chr(10), ' ')}")
    for n in nodes:
        label = _mm_lines(n.name) or _mm(n.id)
        if n.special:
            label += "<br/>" + _mm(SPECIAL_TEXT)
        if n.kind in ("start", "end"):
            shape = f'(["{label}"])'
        elif n.kind == "decision":
            shape = f'{{"{label}"}}'
        else:
            shape = f'["{label}"]'
        out.append(f"    {ids[n.idx]}{shape}")
    for e in edges:
        arrow = "-.->" if e.ret else "-->"
        if e.label:
            out.append(f'    {ids[e.src]} {arrow}|"{_mm_lines(e.label, 10)}"| {ids[e.dst]}')
        else:
            out.append(f"    {ids[e.src]} {arrow} {ids[e.dst]}")
    specials = [ids[n.idx] for n in nodes if n.special]
    if specials:
        out.append("    classDef special stroke-dasharray: 5 5")
        out.append(f"    class {','.join(specials)} special")
    for wanted, style, cls in ((set(changed), MM_CHANGED, "changed"), (set(removed), MM_REMOVED, "removed")):
        marked = [ids[n.idx] for n in nodes if n.id in wanted]
        if marked:
            out.append(f"    {style}")
            out.append(f"    class {','.join(marked)} {cls}")
    return "\n".join(out) + "\n"
