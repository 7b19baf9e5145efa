"""Text for the charts: YAML scalars as display text (without characters XML 1.0 cannot carry),
estimated drawn widths (CJK 1 em, others 0.55 em), CJK-aware wrapping with 避头尾, sizes rounded
to even px, numbers as short text, and a 办理时限 in words (5个工作日, 即办)."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

NO_LINE_START = frozenset("，。、；：？！）》」』〉】’”…,.;:?!)]}%")
NO_LINE_END = frozenset("（《「『〈【“‘([{")


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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
