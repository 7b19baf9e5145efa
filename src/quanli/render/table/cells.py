"""The 一表's columns and the text of its cells.

Column says what a column shows of an ItemView and how wide it may be; COLUMNS is the
catalogue table's set, WORKSPACE_COLUMNS a workspace's combined table (the unit second),
CONF_COLUMNS the 《涉密不宜公开权力目录》. code_text and limits_text make the cells that are
more than one field; clean makes any text safe for XML and UTF-8; cn_number, group_label and
date_text write the group headings and dates. DANGEROUS and CSV_DANGEROUS are the first
characters a spreadsheet would take for a formula.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from quanli.render.view import CatalogueView, ItemView

CONFIDENTIAL_TITLE = "涉密不宜公开权力目录"
INTERNAL_MARK = "内部资料"
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
    parts = [
        f"法定：{_without_note(item.statutory)}" if item.statutory else "",
        f"承诺：{_without_note(item.promised)}" if item.promised else "",
    ]
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
        tail = (
            ""
            if rest == 0
            else (
                "零" + digits[rest]
                if rest < 10
                else (digits[rest // 10] + "十" + (digits[rest % 10] if rest % 10 else ""))
            )
        )
        return digits[n // 100] + "百" + tail
    return str(n)


def group_label(index: int, category: str, count: int) -> str:
    return f"{cn_number(index)}、{category}（{count}项）"


def date_text(date: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date or "")
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else (date or "")
