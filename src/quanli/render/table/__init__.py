"""一表: the catalogue table (行政权力目录表) as XLSX, CSV and HTML.

Everything comes from a CatalogueView, so a public table cannot contain what the public
view does not. Layout follows the published tables: a merged title row, a version/date
row, one header row, then the items grouped by category, each group opened by a row
"一、行政许可（3项）". 序号 runs through the whole table (1..N), the same in every format.

The XLSX and HTML are made to be printed (print_layout): what every item gives alike -- the
consult number, the complaint channels -- is said once under the title (in a workspace's
table, after each unit's heading) and its column keeps only what differs; a 基本编码 column
nobody fills is left out; rows are as high as their tallest cell, the widths chosen to keep
the sum of the rows low. The CSV is data: every row whole, every column.

Safety: every catalogue text is written as text. In XLSX a cell is forced to the string
type after assignment (openpyxl would otherwise store "=..." as a formula) and carries
quotePrefix when it starts with = + - @; in CSV such cells get a leading "'"; in HTML
everything is escaped.

Reproducible: the same view gives the same bytes. Workbook properties are dated with the
view's date, and the XLSX container is rewritten with sorted entries and fixed times.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import functools
import hashlib
import io
import math
import re
import zipfile
from dataclasses import dataclass
from html import escape
from typing import Callable

from quanli.render.view import CatalogueView, ItemView, channels, contact_text, says

CONFIDENTIAL_TITLE = "涉密不宜公开权力目录"
INTERNAL_MARK = "内部资料"
FOOTER = "第 &P 页，共 &N 页"
FONT_STACK = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun, sans-serif'

BODY_FONT = "宋体"
HEAD_FONT = "黑体"
BODY_SIZE = 10
LINE_PT = 15.0  # one wrapped line of 10 pt text: 宋体 in Excel 13.5, PingFang 14, Noto CJK (LibreOffice) 15
ROW_LINE_PT = 14.5  # a wrapped line of a 10 pt item cell: 宋体 in Excel 13.5, Noto Sans CJK (LibreOffice on Linux) 14.5
ROW_PAD = 5.0  # above and below the lines of an item row
MAX_ROW_PT = 409  # Excel's limit
MAX_CELL = 32767  # Excel's limit on characters in a cell
TABLE_WIDTH = 170  # Excel units across the table; A4 landscape holds ≈ 140 at 100 %, so ≈ 83 % print scale
CONF_WIDTH = 140
SHORT_TEXT = 9.5  # a column whose texts are all this narrow (社会公开, 行政许可) is made wide enough for them
HEAD_SCALE = (BODY_SIZE + 1) / BODY_SIZE  # the header is one point larger
META_SCALE = 11 / BODY_SIZE  # the version line and the note under the title
HEADER_BREAKS = {"收费依据和标准": "收费依据|和标准", "法定/承诺办结时限": "法定/承诺|办结时限",
                 "咨询/投诉电话": "咨询/投诉|电话"}  # where a long header breaks in a narrow column
DANGEROUS = ("=", "+", "-", "@")  # Excel/LibreOffice start a formula with these
CSV_DANGEROUS = DANGEROUS + ("\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[ItemView], str]
    min_width: float  # Excel width units (≈ one Latin digit; a CJK character ≈ 2)
    max_width: float
    align: str = "left"


def code_text(item: ItemView) -> str:
    """The 基本编码 cell: the basic code alone (000122101000); an item without one shows the
    codes it has, each named (实施编码：…). The 实施编码 of an item with a basic code is left to
    the 一件: 31 characters, the unit's credit code and level before the same basic code."""
    return item.code_basic or "\n".join(f"{title}：{code}" for title, code in item.codes)


def _without_note(limit: str) -> str:
    """A time limit without the note view.limit_text puts after it in brackets:
    "10 个工作日（自受理申请之日起……）" → "10 个工作日"."""
    if not limit.endswith("）"):
        return limit
    depth = 0
    for k in range(len(limit) - 1, -1, -1):
        depth += {"）": 1, "（": -1}.get(limit[k], 0)
        if depth == 0:
            return limit[:k].rstrip() or limit
    return limit


def limits_text(item: ItemView) -> str:
    """The 办结时限 cell: 法定：20 个工作日 and 承诺：10 个工作日, each on a line of its own. What a
    limit's note explains (when the days start, who may extend them) is in the item's 一件; the
    table gives the days."""
    parts = [f"法定：{_without_note(item.statutory)}" if item.statutory else "",
             f"承诺：{_without_note(item.promised)}" if item.promised else ""]
    return "\n".join(p for p in parts if p)


CODE = "基本编码"
CONTACT = "咨询/投诉电话"

COLUMNS: tuple[Column, ...] = (
    Column("序号", lambda i: "", 5, 7, "center"),
    Column("项目名称", lambda i: i.name, 16, 28),
    Column(CODE, code_text, 13, 14, "center"),  # 12 digits whole on one line
    Column("类别", lambda i: i.category, 9, 14, "center"),
    Column("行使依据", lambda i: i.basis_text, 16, 34),
    Column("实施主体", lambda i: i.subject, 9, 14, "center"),
    Column("承办机构", lambda i: i.department, 9, 12, "center"),
    Column("公开范围", lambda i: i.scope, 9, 11, "center"),
    Column("公开形式", lambda i: i.forms, 9, 16),
    Column("公开时限", lambda i: i.timing, 9, 18),
    Column("收费依据和标准", lambda i: i.fee_brief or i.fee, 9, 20),
    Column("法定/承诺办结时限", limits_text, 10, 20),
    Column(CONTACT, lambda i: i.contact_text, 10, 24),
)
HEADERS = tuple(c.header for c in COLUMNS)

# a workspace's combined table: the unit first (quanli build WORKSPACE)
WORKSPACE_COLUMNS: tuple[Column, ...] = (COLUMNS[0], Column("单位", lambda i: i.unit, 9, 14, "center")) + COLUMNS[1:]


def columns_of(view: CatalogueView) -> tuple[Column, ...]:
    return view.columns or COLUMNS


CONF_COLUMNS: tuple[Column, ...] = (
    Column("序号", lambda i: "", 5, 7, "center"),
    Column("项目名称", lambda i: i.name, 16, 36),
    Column("类别", lambda i: i.category, 10, 14, "center"),
    Column("不公开理由", lambda i: i.reason, 40, 100),
)
CONF_HEADERS = tuple(c.header for c in CONF_COLUMNS)


# ---------------------------------------------------------------- text helpers

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")  # not allowed in XML / useless in cells


def clean(text: str) -> str:
    """Text safe for XML and UTF-8: one kind of line break, control characters dropped,
    lone surrogates replaced."""
    text = _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 21 → 二十一, 105 → 一百零五 (for group headings)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else
                                     (digits[rest // 10] + "十" + (digits[rest % 10] if rest % 10 else "")))
        return digits[n // 100] + "百" + tail
    return str(n)


def group_label(index: int, category: str, count: int) -> str:
    return f"{cn_number(index)}、{category}（{count}项）"


def date_text(date: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date or "")
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else (date or "")


def meta_text(view: CatalogueView) -> str:
    parts = [f"版本：{view.version}" if view.version else "", f"日期：{date_text(view.date)}" if view.date else "",
             f"共 {len(table_items(view))} 项"]
    return "　　".join(p for p in parts if p)


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
        head = max(text_units(line) for line in header_lines(col.header)) * HEAD_SCALE + 1  # header: 1 line, or 2 as set
        if longest <= 1.0 and k:  # nothing in this column: as narrow as its header allows
            low = math.ceil(_header_width(col.header) * 2) / 2
        else:
            low = max(col.min_width, head, longest if longest <= SHORT_TEXT else 0)  # short texts (社会公开) never broken
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


def _remembered_widths(view: CatalogueView, columns: tuple[Column, ...], rows: list[list[str]], budget: float) -> list[float]:
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


def table_items(view: CatalogueView) -> list[ItemView]:
    """The items in table order (by group); 序号 is the position in this list, in every format."""
    return [item for _, items in view.categories for item in items]


def _memo(view: CatalogueView, key: str, make):
    """``make()`` once per view: the XLSX, CSV and both HTML tables share rows and widths."""
    if key not in view.memo:
        view.memo[key] = make()
    return view.memo[key]


def main_rows(view: CatalogueView) -> list[list[str]]:
    return _memo(view, "rows", lambda: _rows(table_items(view), columns_of(view), view.remembered, "cells"))


def main_widths(view: CatalogueView) -> list[float]:
    """The widths of the table as the XLSX and HTML show it (print_layout)."""
    return print_widths(view)


@dataclass(frozen=True)
class Layout:
    """The table as the XLSX prints it: the consult numbers and complaint channels every item
    gives are said once, in ``note`` under the title, not in every row (in a workspace's table,
    grouped by unit: each unit's in ``group_notes``, after its group's heading); a code column
    no item fills is left out."""
    columns: tuple[Column, ...]
    rows: list[list[str]]
    note: str
    group_notes: tuple[str, ...] = ()  # one per group of view.categories ("" for none)

    @property
    def key(self) -> bytes:
        """What an item's row depends on besides the item: the columns and what is said once."""
        read = ([c.header for c in self.columns], self.note, self.group_notes)
        return hashlib.blake2b(repr(read).encode("utf-8", "surrogatepass"), digest_size=8).digest()


class _Keyed:
    """An item's remembered parts that depend on the layout as well: served only for the same
    layout (another item's edit can change what is said once, and so this item's row)."""

    def __init__(self, remembered, key: bytes) -> None:
        self.remembered, self.key = remembered, key

    def get(self, item: ItemView, part: str):
        known = self.remembered.get(item, part)
        return known[1] if isinstance(known, tuple) and len(known) == 2 and known[0] == self.key else None

    def put(self, item: ItemView, part: str, value) -> None:
        self.remembered.put(item, part, (self.key, value))


def _keyed(view: CatalogueView):
    """view.remembered for the parts of the layout's rows (None: nothing is remembered)."""
    return None if view.remembered is None else _Keyed(view.remembered, print_layout(view).key)


def print_layout(view: CatalogueView) -> Layout:
    return _memo(view, "print", lambda: _print_layout(view))


def print_widths(view: CatalogueView) -> list[float]:
    return _memo(view, "print_widths", lambda: _remembered_widths(view, print_layout(view).columns, print_layout(view).rows,
                                                                  TABLE_WIDTH))


def print_heights(view: CatalogueView) -> list[float]:
    return _memo(view, "print_heights", lambda: _heights(table_items(view), print_layout(view).rows, print_widths(view),
                                                         _keyed(view), "height"))


def _contacts(view: CatalogueView) -> list[tuple[str, str]]:
    """(consult, complaint) of each item in table order, remembered between builds like its cells."""
    out = []
    remembered = view.remembered
    for item in table_items(view):
        known = remembered.get(item, "contact") if remembered is not None else None
        if known is None:
            known = (clean(item.consult), clean(item.complaint))
            if remembered is not None:
                remembered.put(item, "contact", known)
        out.append((known[0], known[1]))
    return out


def shared_note(asked: list[str], told: list[str], whose: str = "各事项") -> str:
    """What the table says once for the consult numbers and complaint channels every item gives,
    each said once: 各事项共用的咨询电话：…；投诉渠道：…."""
    both = [t for t in told if any(says(t, a) for a in asked)]
    parts = [("咨询电话", [a for a in asked if not any(says(t, a) for t in both)]), ("咨询、投诉电话", both),
             ("投诉渠道", [t for t in told if t not in both])]
    return f"{whose}共用的" + "；".join(f"{title}：{'；'.join(texts)}" for title, texts in parts if texts)


def _shared(contacts: list[tuple[list[str], list[str]]]) -> tuple[list[str], list[str]]:
    """The consult numbers and complaint channels that each of these (two or more) items gives."""
    if len(contacts) < 2:
        return [], []
    return ([c for c in contacts[0][0] if all(c in other for other, _ in contacts)],
            [p for p in contacts[0][1] if all(p in other for _, other in contacts)])


def _print_layout(view: CatalogueView) -> Layout:
    columns, rows = columns_of(view), main_rows(view)
    headers = [c.header for c in columns]
    cells: dict[int, tuple[Column, list[str]] | None] = {}  # column index -> its new header and texts; None: left out
    note, group_notes = "", ()
    if CONTACT in headers and rows:
        k = headers.index(CONTACT)
        contacts = [(channels(c), channels(p)) for c, p in _contacts(view)]
        # what every item (in a workspace: every item of a unit) gives is said once; each cell keeps the item's own
        if "单位" in headers:
            spans, done = [], 0
            for _, items in view.categories:
                spans.append((done, done + len(items)))
                done += len(items)
            shared = [_shared(contacts[a:b]) for a, b in spans]
            group_notes = tuple(shared_note(*sh, whose="本单位各事项") if sh[0] or sh[1] else "" for sh in shared)
            mine = [sh for (a, b), sh in zip(spans, shared) for _ in range(a, b)]
        else:
            everyone = _shared(contacts)
            note = shared_note(*everyone) if everyone[0] or everyone[1] else ""
            mine = [everyone] * len(contacts)
        if note or any(group_notes):
            own = [([c for c in a if c not in sa], [p for p in t if p not in st]) for (a, t), (sa, st) in zip(contacts, mine)]
            if not any(a or t for a, t in own):
                cells[k] = None
            elif not any(t for _, t in own):
                cells[k] = (Column("咨询电话", lambda i: i.consult, 10, 16), ["；".join(a) for a, _ in own])
            elif not any(a for a, _ in own):
                cells[k] = (Column("投诉电话", lambda i: i.complaint, 10, 24), ["；".join(t) for _, t in own])
            else:
                cells[k] = (columns[k], [contact_text("；".join(a), "；".join(t)) for a, t in own])
    if CODE in headers and not any(r[headers.index(CODE)] for r in rows):
        cells[headers.index(CODE)] = None  # nobody gave a code: no empty column on paper
    if not cells:
        return Layout(columns, rows, note, group_notes)
    keep = [k for k in range(len(columns)) if cells.get(k, ...) is not None]
    new_columns = tuple(cells[k][0] if k in cells else columns[k] for k in keep)  # type: ignore[index]
    new_rows = [[cells[k][1][n] if k in cells else row[k] for k in keep] for n, row in enumerate(rows)]  # type: ignore[index]
    return Layout(new_columns, new_rows, note, group_notes)


def conf_rows(view: CatalogueView) -> list[list[str]]:
    return _memo(view, "conf_rows", lambda: _rows(view.confidential, CONF_COLUMNS, view.remembered, "conf_cells"))


def conf_widths(view: CatalogueView) -> list[float]:
    return _memo(view, "conf_widths", lambda: _remembered_widths(view, CONF_COLUMNS, conf_rows(view), CONF_WIDTH))


def conf_heights(view: CatalogueView) -> list[float]:
    return _memo(view, "conf_heights", lambda: _heights(view.confidential, conf_rows(view), conf_widths(view),
                                                        view.remembered, "conf_height"))


def _rows(view_items: list[ItemView], columns: tuple[Column, ...], remembered=None, part: str = "") -> list[list[str]]:
    """Text of each row; 序号 (first column) numbered from 1. With ``remembered``, an item's
    other cells come from an earlier build when its source is unchanged."""
    rows = []
    for n, item in enumerate(view_items, 1):
        cells = remembered.get(item, part) if remembered is not None else None
        if cells is None:
            cells = [clean(col.value(item))[:MAX_CELL] for col in columns[1:]]
            if remembered is not None:
                remembered.put(item, part, cells)
        rows.append([str(n)] + cells)
    return rows


def _heights(view_items: list[ItemView], rows: list[list[str]], widths: list[float], remembered=None,
             part: str = "") -> list[float]:
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


# ---------------------------------------------------------------- XLSX

def _epoch(date: str) -> int:
    try:
        day = dt.date.fromisoformat(date)
    except (TypeError, ValueError):
        day = dt.date(1980, 1, 1)
    return calendar.timegm(max(day, dt.date(1980, 1, 1)).timetuple())


def _sheet_name(title: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", clean(title)).strip("' ")[:31] or "目录"
    while name in taken:
        name = (name[:29] + "_" + str(len(taken)))[:31]
    return name


class _Styles:
    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title_font = Font(name=HEAD_FONT, size=18, bold=True)
        self.meta_font = Font(name=BODY_FONT, size=11)
        self.head_font = Font(name=HEAD_FONT, size=BODY_SIZE + 1, bold=True)
        self.group_font = Font(name=HEAD_FONT, size=BODY_SIZE + 1, bold=True)
        self.body_font = Font(name=BODY_FONT, size=BODY_SIZE)
        self.head_fill = PatternFill("solid", fgColor="D9D9D9")
        self.group_fill = PatternFill("solid", fgColor="F2F2F2")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.meta = Alignment(horizontal="center", vertical="center")
        self.note = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.cache: dict = {}


def _style_array(ws, font, align, border, fill, quote: bool, cache: dict):
    """The style of a cell as openpyxl stores it, made once per combination: assigning
    font, border … to every cell hashes the style objects each time (80 % of the time
    for 10,000 rows); a ready style array is copied by the cell instead."""
    key = (id(ws), id(font), id(align), id(border), id(fill), quote)
    if key not in cache:
        from openpyxl.cell import WriteOnlyCell

        proto = WriteOnlyCell(ws)
        proto.font = font
        proto.alignment = align
        if border is not None:
            proto.border = border
        if fill is not None:
            proto.fill = fill
        if quote:
            proto.quotePrefix = True  # Excel shows the text as typed and keeps it text when edited
        cache[key] = proto._style
    return cache[key]


def _text_cell(ws, value: str, st: _Styles, font, align, border=True, fill=None):
    """A cell that is text whatever it contains: never a formula, never a number."""
    from openpyxl.cell import Cell

    style = _style_array(ws, font, align, st.border if border else None, fill, value.startswith(DANGEROUS), st.cache)
    cell = Cell(ws, row=1, column=1, value=value or None, style_array=style)  # empty: no value, not ""
    if value:
        cell.data_type = "s"  # after assigning: "=1+1" was taken for a formula
    return cell


def _number_cell(ws, value: int, st: _Styles):
    from openpyxl.cell import Cell

    return Cell(ws, row=1, column=1, value=value,
                style_array=_style_array(ws, st.body_font, st.center, st.border, None, False, st.cache))


def _setup_print(ws, view: CatalogueView, ncols: int, header_row: int, widths: list[float], footer_left: str) -> None:
    from openpyxl.utils import get_column_letter

    for k, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(k)].width = w
    ws.freeze_panes = f"C{header_row + 1}" if ncols > 4 else f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9
    ws.oddFooter.left.text = footer_left.replace("&", "&&")
    ws.oddFooter.left.size = 8
    if view.internal:
        ws.oddHeader.right.text = INTERNAL_MARK
        ws.oddHeader.right.size = 12
        ws.oddHeader.right.color = "C00000"


def _text_row(ws, row: int, height: float, cells: list[tuple], st: _Styles, raw: list[str] | None) -> None:
    """A row of text cells, each (text, font, alignment, bordered, fill): through openpyxl, or
    with ``raw`` as ready XML (the same bytes; the styles registered in the same order)."""
    if raw is None:
        ws.row_dimensions[row].height = height
        ws.append([_text_cell(ws, text, st, font, align, border, fill) for text, font, align, border, fill in cells])
        return
    from openpyxl.utils import get_column_letter

    parts = []
    for k, (text, font, align, border, fill) in enumerate(cells, 1):
        s = ws.parent._cell_styles.add(_style_array(ws, font, align, st.border if border else None, fill,
                                                    text.startswith(DANGEROUS), st.cache))
        parts.append(_cell_xml(f"{get_column_letter(k)}{row}", s, text))
    raw.append(_row_open(row, height) + "".join(parts) + "</row>")


def _row_open(row: int, height: float) -> str:
    """A row's start tag with its height, as openpyxl writes it."""
    return f'<row r="{row}" ht="{height:.16g}" customHeight="1">'


def _title_rows(ws, title: str, meta: str, ncols: int, st: _Styles, raw: list[str] | None, note: str = "",
                width: float = 0.0) -> None:
    """The title and, under it, the version line; ``note`` (what every item shares) on the lines
    after it, wrapped across the table's ``width``."""
    from openpyxl.utils import get_column_letter

    last = get_column_letter(ncols)
    _text_row(ws, 1, 36, [(title, st.title_font, st.center, False, None)], st, raw)
    if note:
        lines = 1 + wrapped_lines(note, width / META_SCALE)
        _text_row(ws, 2, round(lines * LINE_PT * META_SCALE + 6, 1), [(f"{meta}\n{note}", st.meta_font, st.note, False, None)],
                  st, raw)
    else:
        _text_row(ws, 2, 22, [(meta, st.meta_font, st.meta, False, None)], st, raw)
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")


def _header_row(ws, row: int, headers: tuple[str, ...], widths: list[float], st: _Styles, raw: list[str] | None) -> None:
    texts = ["\n".join(_header_text(h, w)) for h, w in zip(headers, widths)]  # 收费依据 / 和标准, not 收费依据和标 / 准
    height = max(30.0, 2 * LINE_PT + 6 if any("\n" in t for t in texts) else 0.0)
    _text_row(ws, row, height, [(t, st.head_font, st.center, True, st.head_fill) for t in texts], st, raw)


def _group_row(ws, row: int, label: str, ncols: int, st: _Styles, raw: list[str] | None, width: float = 0.0) -> None:
    """A group's heading across the table; one longer than a line (a unit's shared channels after
    it) wraps across ``width``."""
    from openpyxl.utils import get_column_letter

    cells = [(label, st.group_font, st.left, True, st.group_fill)] + [("", st.group_font, st.left, True, st.group_fill)] * (ncols - 1)
    lines = wrapped_lines(label, width / HEAD_SCALE) if width else 1
    _text_row(ws, row, 22 if lines == 1 else round(lines * LINE_PT * HEAD_SCALE + 6, 1), cells, st, raw)
    ws.merged_cells.add(f"A{row}:{get_column_letter(ncols)}{row}")


def _item_rows(ws, row: int, rows: list[list[str]], columns: tuple[Column, ...], heights: list[float], st: _Styles,
               raw: list[str] | None = None, items: list[ItemView] | None = None, remembered=None,
               part: str = "") -> int:
    """Item rows, cell by cell through openpyxl; or with ``raw``, as ready XML: the same bytes as
    openpyxl writes, about twenty times faster for 10,000 rows. With ``remembered`` (and the
    rows' ``items``), an unchanged item's cells come from the last build's XML."""
    for n, (cells, height) in enumerate(zip(rows, heights)):
        if raw is not None:
            xml = (_remembered_row_xml(ws, row, cells, columns, st, items[n], remembered, part) if remembered is not None
                   else _row_xml(ws, row, cells, columns, st))
            raw.append(_row_open(row, height) + xml + "</row>")
        else:
            ws.row_dimensions[row].height = height
            out = [_number_cell(ws, int(cells[0]), st)]
            for col, text in zip(columns[1:], cells[1:]):
                out.append(_text_cell(ws, text, st, st.body_font, st.center if col.align == "center" else st.left))
            ws.append(out)
        row += 1
    return row


_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;",
                           **{chr(n): f"&#{n};" for n in range(0x80, 0xA0)}})


def _cell_xml(ref: str, s: int, text: str) -> str:
    """A text cell (empty: a styled cell without a value), as openpyxl's streaming writer lays it out."""
    if not text:
        return f'<c r="{ref}" s="{s}" t="n"></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" s="{s}" t="inlineStr"><is><t{space}>{text.translate(_XML_TEXT)}</t></is></c>'


def _row_xml(ws, row: int | str, cells: list[str], columns: tuple[Column, ...], st: _Styles) -> str:
    """The cells of one item row as openpyxl's streaming writer lays them out (after _plain_xml);
    styles are registered with the workbook in the same order as writing the cells would."""
    ids = st.cache.setdefault(("row ids", id(ws)), {})  # (column, quoted) -> (letter, style id)
    number = _number_style(ws, st, ids)
    parts = [f'<c r="A{row}" s="{number}" t="n"><v>{int(cells[0])}</v></c>']
    for k, text in enumerate(cells[1:], 2):
        letter, s = ids.get((k, text.startswith(DANGEROUS))) or _column_style(ws, st, ids, k, columns[k - 1], text.startswith(DANGEROUS))
        parts.append(_cell_xml(f"{letter}{row}", s, text))
    return "".join(parts)


def _number_style(ws, st: _Styles, ids: dict) -> int:
    """The style id of the 序号 cells, registered with the workbook on first use."""
    number = ids.get(0)
    if number is None:
        number = ids[0] = ws.parent._cell_styles.add(  # what Cell.style_id does, without a Cell per value
            _style_array(ws, st.body_font, st.center, st.border, None, False, st.cache))
    return number


_ROW = "\x00"  # stands for the row number in a remembered row (clean() keeps NUL out of every text)


def _remembered_row_xml(ws, row: int, cells: list[str], columns: tuple[Column, ...], st: _Styles, item: ItemView,
                        remembered, part: str) -> str:
    """``_row_xml`` through the memo: the last build's XML of the row with the row number put in,
    when every cell's style has the same id as then. The styles are registered in the order
    ``_row_xml`` registers them, so the workbook's style table is the same bytes either way."""
    ids = st.cache.setdefault(("row ids", id(ws)), {})
    known = remembered.get(item, part)
    if known is not None:
        _number_style(ws, st, ids)
        combos, style_ids, template = known
        same = True
        for (k, quoted), s in zip(combos, style_ids):
            got = ids.get((k, quoted)) or _column_style(ws, st, ids, k, columns[k - 1], quoted)
            if got[1] != s:
                same = False
        if same:
            return template.replace(_ROW, str(row))
    template = _row_xml(ws, _ROW, cells, columns, st)  # type: ignore[arg-type]  # the row number left open
    combos = tuple((k, text.startswith(DANGEROUS)) for k, text in enumerate(cells[1:], 2))
    remembered.put(item, part, (combos, tuple(ids[c][1] for c in combos), template))
    return template.replace(_ROW, str(row))


def _column_style(ws, st: _Styles, ids: dict, k: int, col: Column, quoted: bool) -> tuple[str, int]:
    from openpyxl.utils import get_column_letter

    align = st.center if col.align == "center" else st.left
    ids[k, quoted] = (get_column_letter(k), ws.parent._cell_styles.add(_style_array(ws, st.body_font, align, st.border, None, quoted, st.cache)))
    return ids[k, quoted]


SHEET_DATA = b"<sheetData></sheetData>"  # what openpyxl writes for a sheet given no rows


def _fill(body: bytes, rows: list[str]) -> bytes:
    """Put the ready rows into the sheet openpyxl wrote without them; raises RuntimeError if
    its sheetData is not where it is expected to be."""
    if body.count(SHEET_DATA) != 1:
        raise RuntimeError("openpyxl did not lay the sheet's rows out as expected")
    return body.replace(SHEET_DATA, b"<sheetData>" + "".join(rows).encode("utf-8") + b"</sheetData>")


FAST_ROWS = True  # False: every cell through openpyxl (the reference the tests compare with)


def xlsx_bytes(view: CatalogueView, epoch: int | None = None, fast: bool | None = None) -> bytes:
    """The catalogue table as an XLSX workbook (bytes), deterministic for a given view; its
    members stamped with ``epoch`` (default: the catalogue's date)."""
    from openpyxl import Workbook

    fast = FAST_ROWS if fast is None else fast
    st = _Styles()
    raws: list[list[str] | None] = []  # per sheet, in order: its rows as ready XML (None: written by openpyxl)
    wb = Workbook(write_only=True)  # streams rows: fit for catalogues of 10,000 items
    _default_font(wb)
    taken: set[str] = set()
    heading = clean(view.heading)
    footer_left = (f"{heading}（{clean(view.version)}）" if view.version else heading)[:100]  # Excel: ≤ 255 in all

    # main sheet
    ws = wb.create_sheet(_sheet_name(view.title or "行政权力目录", taken))
    taken.add(ws.title)
    layout = print_layout(view)
    rows, widths, heights, columns = layout.rows, print_widths(view), print_heights(view), layout.columns
    _setup_print(ws, view, len(columns), 3, widths, footer_left)
    meta = clean(meta_text(view)) + (f"　　{INTERNAL_MARK} 不得公开" if view.internal else "")
    raws.append([] if fast else None)
    _title_rows(ws, heading, meta, len(columns), st, raws[0], layout.note, sum(widths))
    _header_row(ws, 3, tuple(c.header for c in columns), widths, st, raws[0])
    row, done = 4, 0
    for index, (category, items) in enumerate(view.categories, 1):
        label = group_label(index, clean(category), len(items))
        extra = layout.group_notes[index - 1] if layout.group_notes else ""
        _group_row(ws, row, f"{label}　{extra}" if extra else label, len(columns), st, raws[0], sum(widths))
        row = _item_rows(ws, row + 1, rows[done:done + len(items)], columns, heights[done:done + len(items)], st, raws[0],
                         items, _keyed(view), "xlsx")
        done += len(items)
    if not rows:
        _group_row(ws, row, "（本目录暂无事项）", len(columns), st, raws[0])

    # internal only: 《涉密不宜公开权力目录》
    if view.internal and view.confidential:
        ws2 = wb.create_sheet(_sheet_name(CONFIDENTIAL_TITLE, taken))
        taken.add(ws2.title)
        rows2, widths2 = conf_rows(view), conf_widths(view)
        title2 = f"{clean(view.unit)}{CONFIDENTIAL_TITLE}"
        _setup_print(ws2, view, len(CONF_COLUMNS), 3, widths2, f"{title2[:90]}（{INTERNAL_MARK}）")
        meta2 = "　　".join(p for p in (f"版本：{clean(view.version)}" if view.version else "",
                                       f"日期：{date_text(clean(view.date))}" if view.date else "",
                                       f"共 {len(view.confidential)} 项", f"{INTERNAL_MARK} 不得公开") if p)
        raws.append([] if fast else None)
        _title_rows(ws2, title2, meta2, len(CONF_COLUMNS), st, raws[1])
        _header_row(ws2, 3, CONF_HEADERS, widths2, st, raws[1])
        _item_rows(ws2, 4, rows2, CONF_COLUMNS, conf_heights(view), st, raws[1], view.confidential, view.remembered,
                   "conf_xlsx")

    try:
        return save_workbook(wb, view, heading, raws, epoch)
    except RuntimeError:  # another openpyxl lays rows out differently: every cell through it
        if not fast:
            raise
        return xlsx_bytes(view, epoch, fast=False)


def _default_font(wb) -> None:
    """Make the workbook's default font Arial 10, not openpyxl's Calibri 11. Column widths are
    counted in digits of the default font: both are 7 px a digit in Excel, so nothing changes
    there; but LibreOffice and WPS without Calibri take a wider font for it (DejaVu Sans: 9 px),
    print the table a quarter smaller and wrap differently from what the row heights were
    worked out for. Arial has a metric twin everywhere (Liberation Sans)."""
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    fonts = getattr(wb, "_fonts", None)
    if isinstance(fonts, IndexedList) and len(fonts) == 1:  # as a new workbook has it; else leave it be
        wb._fonts = IndexedList([Font(name="Arial", size=10, family=2)])


def save_workbook(wb, view: CatalogueView, heading: str, raws: list, epoch: int | None) -> bytes:
    """A workbook's bytes, deterministic: properties stamped with the catalogue's date, members
    with ``epoch`` (default: that date), ready rows spliced in (see _finish)."""
    from openpyxl.writer.excel import ExcelWriter

    moment = dt.datetime.fromtimestamp(_epoch(view.date), dt.timezone.utc).replace(tzinfo=None)
    props = wb.properties
    props.created = props.modified = moment
    props.creator = props.lastModifiedBy = "quanli"
    props.title = heading
    props.language = "zh-CN"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:  # compressed once, by _finish
        ExcelWriter(wb, archive).save()  # not wb.save(): that stamps the current time
    return _finish(buf.getvalue(), raws, _epoch(view.date) if epoch is None else epoch)


_CHAR_REF = re.compile(rb"&#(\d+);")
_UNREF: dict[bytes, bytes] = {}


def _unref(number: bytes) -> bytes:
    if number not in _UNREF:
        n = int(number)
        keep = n < 0xA0 or 0xD800 <= n <= 0xDFFF or n in (0xFFFE, 0xFFFF)
        _UNREF[number] = b"&#" + number + b";" if keep else chr(n).encode("utf-8")
    return _UNREF[number]


def _plain_xml(body: bytes) -> bytes:
    """openpyxl's streaming writer stores every CJK character as &#NNNNN;. Write them as
    UTF-8 (the XML's encoding): half the size, and a byte scan for a name (the build's
    leak check) sees what Excel will show. Done in 1 MB slices to bound memory."""
    if b"&#" not in body:
        return body
    chunks, start = [], 0
    while start < len(body):
        end = body.find(b"<", start + (1 << 20))  # a reference never spans a tag start
        end = len(body) if end < 0 else end
        parts = _CHAR_REF.split(body[start:end])  # text, number, text, number, …, text
        parts[1::2] = [_UNREF.get(n) or _unref(n) for n in parts[1::2]]
        chunks.append(b"".join(parts))
        start = end
    return b"".join(chunks)


def _finish(data: bytes, raws: list, epoch: int) -> bytes:
    """The saved workbook as delivered: plain UTF-8 XML, the ready rows put in, and the
    package written once, deterministically (what bundle.rezip writes)."""
    from quanli.render.bundle import write_package

    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith(".xml"):
                body = _plain_xml(body)
                m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
                if m and int(m.group(1)) <= len(raws) and raws[int(m.group(1)) - 1] is not None:
                    body = _fill(body, raws[int(m.group(1)) - 1])
            members[info.filename] = body
    return write_package(members, epoch)


# ---------------------------------------------------------------- CSV

def neutralise(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(CSV_DANGEROUS) else text


def csv_bytes(view: CatalogueView) -> bytes:
    """UTF-8 with BOM (Excel opens it as Chinese), CRLF, one row per item, no group rows."""
    lines = [_csv_line([c.header for c in columns_of(view)])]
    remembered = view.remembered
    for item, cells in zip(table_items(view), main_rows(view)):
        # the line after 序号 (a number: never quoted), remembered between builds with the item's cells
        rest = remembered.get(item, "csv") if remembered is not None else None
        if rest is None:
            rest = _csv_line([""] + [neutralise(c) for c in cells[1:]])  # "," and the rest, as in the whole row
            if remembered is not None:
                remembered.put(item, "csv", rest)
        lines.append(cells[0] + rest)
    return ("\ufeff" + "".join(lines)).encode("utf-8")


def _csv_line(fields: list[str]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(fields)
    return out.getvalue()


# ---------------------------------------------------------------- HTML

TABLE_CSS = """
table.quanli-table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 13px; line-height: 1.5; margin: 8px 0 16px; }
table.quanli-table th, table.quanli-table td { border: 1px solid #333; padding: 4px 5px; vertical-align: middle; text-align: left; white-space: pre-line; overflow-wrap: anywhere; word-break: normal; }
table.quanli-table caption { caption-side: top; text-align: center; font-size: 13px; color: #333; padding: 0 0 6px; }
table.quanli-table thead th { background: #d9d9d9; font-weight: bold; text-align: center; }
table.quanli-table tr.group th { background: #f2f2f2; font-weight: bold; text-align: left; padding: 5px 8px; }
table.quanli-table td.c { text-align: center; }
table.quanli-table td.empty { text-align: center; color: #666; }
"""

PAGE_CSS = """
body { font-family: %s; color: #111; margin: 0 auto; padding: 16px 20px; max-width: 1600px; }
h1 { font-size: 24px; text-align: center; margin: 12px 0 4px; letter-spacing: 1px; }
h2 { font-size: 19px; text-align: center; margin: 28px 0 4px; }
p.meta { text-align: center; color: #444; font-size: 13px; margin: 0 0 8px; }
.internal-mark { color: #c00000; border: 2px solid #c00000; font-weight: bold; padding: 2px 10px; display: inline-block; margin: 0 0 4px; }
%s
@media print {
  @page { size: A4 landscape; margin: 12mm 10mm 14mm;
    @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页"; font-size: 9pt; } }
  body { max-width: none; padding: 0; }
  table.quanli-table { font-size: 9pt; line-height: 1.4; }
  table.quanli-table th, table.quanli-table td { padding: 2px 3px; }
  table.quanli-table thead { display: table-header-group; }
  table.quanli-table tr { break-inside: avoid; page-break-inside: avoid; }
  table.quanli-table tr.group { break-after: avoid; page-break-after: avoid; }
  table.quanli-table th, table.quanli-table td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .confidential-list { break-before: page; page-break-before: always; }
}
""" % (FONT_STACK, TABLE_CSS)

INTERNAL_PRINT_CSS = """
@media print { @page { @top-right { content: "内部资料"; color: #c00000; font-weight: bold; font-size: 12pt; } } }
"""


def _e(text: str) -> str:
    return escape(clean(text), quote=True)


def _tds(columns: tuple[Column, ...], cells: list[str]) -> str:
    return "".join(f'<td class="c">{_e(t)}</td>' if col.align == "center" else f"<td>{_e(t)}</td>"
                   for col, t in zip(columns, cells))


def _html_rests(view_items: list[ItemView], rows: list[list[str]], columns: tuple[Column, ...], remembered,
                part: str) -> list[str]:
    """Each row's cells after 序号 as HTML; remembered between builds like the cells themselves."""
    out = []
    for item, cells in zip(view_items, rows):
        rest = remembered.get(item, part) if remembered is not None else None
        if rest is None:
            rest = _tds(columns[1:], cells[1:])
            if remembered is not None:
                remembered.put(item, part, rest)
        out.append(rest)
    return out


def _table(columns: tuple[Column, ...], groups: list[tuple[str, list[list[str]], list[str]]], css_class: str,
           empty: str, widths: list[float], note: str = "") -> str:
    """``groups``: (label, rows, each row's cells after 序号 as HTML); ``note``: the caption."""
    cols = "".join(f'<col style="width:{w / sum(widths) * 100:.1f}%">' for w in widths)
    head = "".join(f'<th scope="col">{"<br>".join(_e(t) for t in _header_text(c.header, w))}</th>'
                   for c, w in zip(columns, widths))
    parts = [f'<table class="{css_class}">'] + ([f"<caption>{_e(note)}</caption>"] if note else []) + [
        f"<colgroup>{cols}</colgroup>", f"<thead><tr>{head}</tr></thead>"]
    for label, rows, rests in groups:
        parts.append("<tbody>")
        if label:
            parts.append(f'<tr class="group"><th colspan="{len(columns)}" scope="rowgroup">{_e(label)}</th></tr>')
        for cells, rest in zip(rows, rests):
            parts.append(f'<tr class="item">{_tds(columns[:1], cells[:1])}{rest}</tr>')
        parts.append("</tbody>")
    if not any(rows for _, rows, _ in groups):
        parts.append(f'<tbody><tr><td class="empty" colspan="{len(columns)}">{_e(empty)}</td></tr></tbody>')
    parts.append("</table>")
    return "\n".join(parts)


def table_fragment(view: CatalogueView) -> str:
    """Just the catalogue <table> (class "quanli-table"; style it with TABLE_CSS)."""
    return _memo(view, "table_html", lambda: _table_fragment(view))


def _table_fragment(view: CatalogueView) -> str:
    layout = print_layout(view)  # the table as the XLSX prints it: the same columns, widths and notes
    rows = layout.rows
    rests = _html_rests(table_items(view), rows, layout.columns, _keyed(view), "html")
    groups, done = [], 0
    for index, (category, items) in enumerate(view.categories, 1):
        label = group_label(index, category, len(items))
        extra = layout.group_notes[index - 1] if layout.group_notes else ""
        groups.append((f"{label}　{extra}" if extra else label, rows[done:done + len(items)], rests[done:done + len(items)]))
        done += len(items)
    return _table(layout.columns, groups, "quanli-table", "本目录暂无事项", print_widths(view), layout.note)


def confidential_fragment(view: CatalogueView) -> str:
    """The 《涉密不宜公开权力目录》 <table>; empty for a public view or when there is none."""
    if not (view.internal and view.confidential):
        return ""
    rows = conf_rows(view)
    rests = _html_rests(view.confidential, rows, CONF_COLUMNS, view.remembered, "conf_html")
    return _table(CONF_COLUMNS, [("", rows, rests)], "quanli-table confidential", "无", conf_widths(view))


def html(view: CatalogueView) -> str:
    """A standalone, offline page: title, the table, and (internal) the 涉密不宜公开 list."""
    mark = f'<p style="text-align:center"><span class="internal-mark">{INTERNAL_MARK} 不得公开</span></p>\n' if view.internal else ""
    body = [mark + f"<h1>{_e(view.heading)}</h1>", f'<p class="meta">{_e(meta_text(view))}</p>', table_fragment(view)]
    second = confidential_fragment(view)
    if second:
        body.append(f'<section class="confidential-list">\n<h2>{_e(view.unit)}{CONFIDENTIAL_TITLE}</h2>\n'
                    f'<p class="meta">共 {len(view.confidential)} 项　　{INTERNAL_MARK} 不得公开</p>\n{second}\n</section>')
    css = PAGE_CSS + (INTERNAL_PRINT_CSS if view.internal else "")
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(view.heading)}</title>\n<style>{css}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")
