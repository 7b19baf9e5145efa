"""How much room the 一表's text takes: widths, wrapped lines, column widths and row heights.

text_units and wrapped_lines measure a text as Excel and LibreOffice set it (CJK ≈ 2 units,
Latin ≈ 1, breaks as they break); header_lines and _header_text break the headers. _widths
shares a width budget among the columns so that the rows are as low as they can be,
_row_height gives an item row its height; _remembered_widths and _heights are the same
through the render memo (render.memo), keyed by everything they read.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re

from quanli.render.table.cells import Column
from quanli.render.view import CatalogueView, ItemView

BODY_SIZE = 10
LINE_PT = 15.0  # one wrapped line of 10 pt text: 宋体 in Excel 13.5, PingFang 14, Noto CJK (LibreOffice) 15
ROW_LINE_PT = 14.5  # a wrapped line of a 10 pt item cell: 宋体 in Excel 13.5, Noto Sans CJK (LibreOffice on Linux) 14.5
ROW_PAD = 5.0  # above and below the lines of an item row
MAX_ROW_PT = 409  # Excel's limit
TABLE_WIDTH = 170  # Excel units across the table; A4 landscape holds ≈ 140 at 100 %, so ≈ 83 % print scale
CONF_WIDTH = 140
SHORT_TEXT = 9.5  # a column whose texts are all this narrow (社会公开, 行政许可) is made wide enough for them
HEAD_SCALE = (BODY_SIZE + 1) / BODY_SIZE  # the header is one point larger
META_SCALE = 11 / BODY_SIZE  # the version line and the note under the title
HEADER_BREAKS = {
    "收费依据和标准": "收费依据|和标准",
    "法定/承诺办结时限": "法定/承诺|办结时限",
    "咨询/投诉电话": "咨询/投诉|电话",
}  # where a long header breaks in a narrow column


_TOKENS = re.compile(r"[\x21-\x7e]+|\s|.", re.S)
NO_LINE_START = set("，。、；：？！）》」』】〉”’…—,.;:?!)]}%")  # 避头尾: these never begin a line
CJK_UNITS = 1.9  # a 10 pt CJK character ≈ 13 px; one width unit = 7 px (a digit of Arial 10, the default font) + 5 px per column
LATIN_UNITS = 1.15  # Excel (宋体) 0.95; LibreOffice without 宋体 sets Latin in DejaVu Sans: 1.15


def text_units(text: str) -> float:
    """Width of a one-line text in Excel units: CJK ≈ 2, Latin ≈ 1 (non-ASCII counted wide)."""
    ascii_len = len(text.encode("ascii", "ignore"))
    return ascii_len * LATIN_UNITS + (len(text) - ascii_len) * CJK_UNITS


@functools.lru_cache(maxsize=1 << 16)  # catalogues repeat texts: units, phones, 社会公开 …
def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` units wide.

    Breaks anywhere between CJK characters (but never before closing punctuation: the
    character before it moves down too), Latin words only at spaces (a word longer than
    the line is cut), as Excel and LibreOffice do; slightly pessimistic.
    """
    usable = max(width - 0.2, 2.0)
    lines = 0
    for para in text.split("\n"):
        if text_units(para) <= usable:
            lines += 1
            continue
        count, used, prev = 1, 0.0, 0.0
        for tok in _TOKENS.findall(para):
            w = len(tok) * LATIN_UNITS if tok[0] < "\x7f" else CJK_UNITS
            if tok.isspace() or used + w <= usable:
                used += w
                prev = w
                continue
            if w <= usable:  # starts a new line
                count += 1
                used = w + (prev if tok[0] in NO_LINE_START and prev + w <= usable else 0.0)
            else:  # a Latin run longer than a line: on a line of its own, then cut
                per_line = max(int(usable // LATIN_UNITS), 1)
                count += (1 if used > 0 else 0) + (len(tok) - 1) // per_line
                used = ((len(tok) - 1) % per_line + 1) * LATIN_UNITS
            prev = w
        lines += count
    return lines


def header_lines(header: str) -> list[str]:
    """A header in one line (≤ 4 characters) or two lines broken where a reader expects."""
    if len(header) <= 4:
        return [header]
    if header in HEADER_BREAKS:
        return HEADER_BREAKS[header].split("|")
    half = (len(header) + 1) // 2
    return [header[:half], header[half:]]


def _header_text(header: str, width: float) -> list[str]:
    """The lines a header is shown in: whole when it fits the column, else as header_lines; a
    short header over a column narrower than it (one nobody filled in) in two halves."""
    if text_units(header) * HEAD_SCALE + 1 <= width:
        return [header]
    lines = header_lines(header)
    if len(lines) == 1 and len(header) > 1:
        half = (len(header) + 1) // 2
        return [header[:half], header[half:]]
    return lines


def _header_width(header: str) -> float:
    """The narrowest a column can be for its header in two lines (an empty column)."""
    half = (len(header) + 1) // 2
    return max(text_units(header[:half]), text_units(header[half:])) * HEAD_SCALE + 1


_LATIN_RUN = re.compile(r"[\x21-\x7e]+")
WHOLE_RUN = 16  # a number or code up to this long (0519-82301003, 000122101000) is never broken


STEPS = (1, 2, 3, 4, 6, 8, 12, 16, 24)  # how far _widths looks ahead, in half units


def _widths(columns: tuple[Column, ...], rows: list[list[str]], budget: float) -> list[float]:
    """Column widths (Excel units) for these rows, together at most ``budget``.

    Every column starts at its minimum (its header in at most two lines; an empty column
    no more). Then, step by step, width goes to the column where it lowers the table the
    most per unit (the sum of row heights in lines; ties: the fewest wrapped lines in all
    cells), looking up to 12 units ahead ("法定：10 个工作日" gains nothing until it fits on
    one line), never past the column's maximum or its longest text; what no step improves
    is shared out by average text. Up to 300 evenly spaced rows are measured.
    """
    n = len(columns)
    sample = _sample(rows)
    cells = [[tuple(text_units(p) for p in c.split("\n")) if c else () for c in r] for r in sample]
    lo, hi = [], []
    for k, col in enumerate(columns):
        longest = max([0.0] + [max(r[k], default=0.0) for r in cells]) + 1.0
        head = (
            max(text_units(line) for line in header_lines(col.header)) * HEAD_SCALE + 1
        )  # header: 1 line, or 2 as set
        if longest <= 1.0 and k:  # nothing in this column: as narrow as its header allows
            low = math.ceil(_header_width(col.header) * 2) / 2
        else:
            low = max(
                col.min_width, head, longest if longest <= SHORT_TEXT else 0
            )  # short texts (社会公开) never broken
            runs = [len(m) for r in sample for m in _LATIN_RUN.findall(r[k]) if len(m) <= WHOLE_RUN]
            low = max(low, max(runs, default=0) * LATIN_UNITS + 1.0)  # a phone number on one line
        low = math.ceil(low * 2 - 1e-9) / 2  # widths are whole half units: what is measured is what is written
        lo.append(low)
        hi.append(max(low, math.floor(min(col.max_width, longest) * 2) / 2))
    w = lo[:]
    known: dict[tuple[int, float], list[int]] = {}

    def lines_at(k: int, width: float) -> list[int]:
        got = known.get((k, width))
        if got is None:
            got = known[k, width] = [wrapped_lines(r[k], width) if r[k] else 1 for r in sample]
        return got

    lines = [lines_at(k, w[k]) for k in range(n)]
    while True:
        left = budget - sum(w)
        # each row's tallest cell, its column, and the tallest of the others
        tops = []
        for r in range(len(cells)):
            first, col, second = 0, -1, 0
            for k in range(n):
                v = lines[k][r]
                if v > first:
                    first, col, second = v, k, first
                elif v > second:
                    second = v
            tops.append((first, col, second))
        best, best_width, best_gain = -1, 0.0, (0.0, 0.0)
        for k in range(n):
            for half in STEPS:
                step = half / 2
                if w[k] + step > hi[k] + 1e-9 or step > left + 1e-9:
                    break
                new = lines_at(k, w[k] + step)
                height = cell = 0
                for r, (first, col, second) in enumerate(tops):
                    height += first - max(second if col == k else first, new[r])
                    cell += lines[k][r] - new[r]
                gain = (height / step, cell / step)
                if gain > best_gain:
                    best, best_width, best_gain = k, w[k] + step, gain
        if best < 0:
            break
        w[best] = best_width
        lines[best] = lines_at(best, best_width)
    # no step helps on its own (a long text needs many more units to lose a line): share what
    # is left among the columns that can grow, by their average text; wider never hurts
    demand = [sum(sum(r[k]) for r in cells) for k in range(n)]
    while budget - sum(w) >= 0.5:
        growing = [k for k in range(n) if w[k] < hi[k] and demand[k] > 0]
        if not growing:
            break
        left, total = budget - sum(w), sum(demand[k] for k in growing)
        for k in growing:
            w[k] = min(hi[k], w[k] + left * demand[k] / total)
    return [math.floor(x * 2) / 2 for x in w]


def _sample(rows: list[list[str]]) -> list[list[str]]:
    return rows if len(rows) <= 300 else [rows[i * len(rows) // 300] for i in range(300)]


def _remembered_widths(
    view: CatalogueView, columns: tuple[Column, ...], rows: list[list[str]], budget: float
) -> list[float]:
    """_widths, remembered between builds (render.memo) under a digest of all it reads: the
    columns' headers and limits, the sampled rows and the budget."""
    memo = view.remembered.memo if view.remembered is not None else None
    if memo is None:
        return _widths(columns, rows, budget)
    read = ([(c.header, c.min_width, c.max_width) for c in columns], _sample(rows), budget)
    key = hashlib.blake2b(repr(read).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    known = memo.get(key, "widths")
    if known is None:
        known = _widths(columns, rows, budget)
        memo.put(key, "widths", known)
    return list(known)


def _row_height(cells: list[str], widths: list[float], minimum: float = 20.0) -> float:
    """The height of an item row: its tallest cell's wrapped lines (at least one) at Excel's line
    height. LibreOffice's lines are taller (Noto Sans CJK) but it fits more characters on a line,
    so what it breaks is fewer lines; only the lines a text itself breaks (法定…\n承诺…) are as
    many there, and get its line height."""
    lines = max((wrapped_lines(c, w) for c, w in zip(cells, widths) if c), default=1)
    breaks = max((c.count("\n") + 1 for c in cells), default=1)
    return min(MAX_ROW_PT, max(minimum, round(lines * ROW_LINE_PT + ROW_PAD, 1), round(breaks * LINE_PT + 4, 1)))


def _heights(
    view_items: list[ItemView], rows: list[list[str]], widths: list[float], remembered=None, part: str = ""
) -> list[float]:
    """Each row's height in the XLSX; remembered with the column widths it was worked out for."""
    out = []
    shape = tuple(widths)
    for item, cells in zip(view_items, rows):
        known = remembered.get(item, part) if remembered is not None else None
        if known is not None and tuple(known[0]) == shape:
            out.append(known[1])
            continue
        height = _row_height(cells, widths)
        if remembered is not None:
            remembered.put(item, part, (shape, height))
        out.append(height)
    return out
