"""Turning the values of real lists into item data: 无 → absent, ``20(工作日)`` → 20, 即办 → 0,
《…法》第十二条 → a basis entry, 01 → 行政许可, and so on.

Each normaliser returns ``(value, problem)``: the value to store (None: absent) and, when the
text could not be understood, a short Chinese note for the import report. Nothing is
guessed silently: what cannot be read is reported, and kept where it does not mislead.
"""

from __future__ import annotations

import json
import re
from typing import Any

NONE_WORDS = {"", "无", "无。", "暂无", "空", "/", "-", "—", "——", "－", "null", "none", "n/a", "na", "不涉及", "无此项"}
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
IMMEDIATE = ("即办", "即时办结", "当场办结", "当场", "立即办结", "即来即办", "当即办结", "现场办结")
UNITS = (("个工作日", "工作日"), ("工作日", "工作日"), ("个自然日", "自然日"), ("自然日", "自然日"), ("个月", "个月"),
         ("月", "个月"), ("小时", "小时"), ("天", "自然日"), ("日", "自然日"))
NATIONAL = {"01": "行政许可", "02": "行政处罚", "03": "行政强制", "04": "行政征收", "05": "行政给付", "06": "行政检查",
            "07": "行政确认", "08": "行政奖励", "09": "行政裁决", "10": "其他行政权力", "20": "公共服务"}
LEVELS = {"国家级": "国家级", "国家": "国家级", "中央": "国家级", "省级": "省级", "省": "省级", "市级": "市级", "市": "市级",
          "设区的市级": "市级", "县级": "县级", "县": "县级", "区级": "县级", "县区级": "县级", "县（市、区）级": "县级",
          "镇级": "镇（乡、街道）级", "乡级": "镇（乡、街道）级", "街道级": "镇（乡、街道）级", "乡镇级": "镇（乡、街道）级",
          "镇（乡、街道）级": "镇（乡、街道）级", "村级": "村（社区）级", "社区级": "村（社区）级", "村（社区）级": "村（社区）级"}


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (list, tuple)):
        return "\n".join(text_of(v) for v in value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def is_none(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(is_none(v) for v in value)
    return text_of(value).lower().rstrip("。.") in NONE_WORDS or text_of(value).lower() in NONE_WORDS


def json_cell(value: Any) -> Any:
    """A cell quanli export wrote as JSON (an object or a list of objects), or None."""
    text = text_of(value)
    if text[:1] in "[{" and text[-1:] in "]}":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return None
    return None


def cn_number(text: str) -> int | None:
    """一百二十 → 120; plain digits too."""
    if text.isdigit():
        return int(text)
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in "十百千万":
            unit = {"十": 10, "百": 100, "千": 1000, "万": 10000}[ch]
            if unit == 10000:
                total += (section + digit) * unit
                section = 0
            else:
                section += (digit or 1) * unit
            digit = 0
        else:
            return None
    return total + section + digit


_TIME = re.compile(r"^(?P<num>[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+)\s*[（(]?\s*(?P<unit>个工作日|工作日|个自然日|自然日|个月|月|小时|天|日)?\s*[）)]?(?P<rest>.*)$", re.S)


def time_limit(value: Any) -> tuple[Any, str | None]:
    """A time limit: a number of working days, or {value, unit, note}; 即办 is 0."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (int(value) if float(value).is_integer() else value), None
    if is_none(value):
        return None, None
    cell = json_cell(value)
    if isinstance(cell, dict):
        return cell, None
    text = text_of(value).replace(" ", "")
    for word in IMMEDIATE:
        if text.startswith(word):
            rest = text[len(word):].strip("（）()，,。")
            return ({"value": 0, "unit": "工作日", "note": text} if rest else 0), None
    m = _TIME.match(text)
    if not m:
        return None, f"无法识别的时限“{text_of(value)}”"
    num = m.group("num")
    number: Any = float(num) if "." in num else (int(num) if num.isdigit() else cn_number(num))
    if number is None:
        return None, f"无法识别的时限“{text_of(value)}”"
    unit = dict(UNITS).get(m.group("unit") or "工作日", "工作日")
    rest = m.group("rest").strip("（）()，,。； ")
    if unit == "工作日" and not rest:
        return number, None
    out: dict = {"value": number, "unit": unit}
    if rest:
        out["note"] = text_of(value)
    return out, None


def category(value: Any, names: list[str]) -> tuple[str | None, str | None]:
    text = text_of(value).replace(" ", "")
    if not text:
        return None, "缺少类别"
    if text.isdigit() and text.zfill(2) in NATIONAL:
        name = NATIONAL[text.zfill(2)]
        return (name, None) if name in names else (name, f"类别代码 {text}（{name}）不在本目录的类别中")
    if text in names:
        return text, None
    for name in names:  # 行政许可事项, 行政许可类 …
        if text.startswith(name) or (name.startswith("行政") and text.startswith(name[2:]) and len(text) <= len(name) + 2):
            return name, None
    return text, f"类别“{text}”不在本目录的类别中（{'、'.join(names)}）"


def levels(value: Any) -> tuple[list[str] | None, str | None]:
    if is_none(value):
        return None, None
    parts = [p for p in re.split(r"[、,，;；/\s]+", text_of(value)) if p]
    out, unknown = [], []
    for p in parts:
        level = LEVELS.get(p) or LEVELS.get(p + "级")
        if level and level not in out:
            out.append(level)
        elif not level:
            unknown.append(p)
    return (out or None), (f"无法识别的行使层级“{'、'.join(unknown)}”" if unknown else None)


_ITEM_MARK = re.compile(r"^\s*(?:[0-9]+[.、．)）]|[（(][0-9一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|[①②③④⑤⑥⑦⑧⑨⑩]|[-•·●])\s*")


def text_list(value: Any) -> list[str] | None:
    """A cell (or a list) as a list of texts: one per line, or per numbered point (1. 2、（一））."""
    if is_none(value):
        return None
    if isinstance(value, (list, tuple)):
        out = [text_of(v) for v in value if not is_none(v)]
        return out or None
    cell = json_cell(value)
    if isinstance(cell, list):
        return [text_of(v) for v in cell if not is_none(v)] or None
    text = text_of(value)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) == 1:  # "1.申请书；2.身份证明" on one line
        pieces = re.split(r"[；;]\s*(?=(?:[0-9]+[.、．]|[（(][0-9一二三四五六七八九十]+[)）]))", lines[0])
        lines = [p for p in pieces if p.strip()]
    out = [_ITEM_MARK.sub("", line).strip().rstrip("；;") for line in lines]
    return [o for o in out if o and not is_none(o)] or None


def materials(value: Any) -> list[dict] | None:
    cell = json_cell(value)
    if isinstance(cell, list) and all(isinstance(m, dict) for m in cell):
        return cell or None
    names = text_list(value)
    return [{"name": n} for n in names] if names else None


def boolean(value: Any) -> tuple[bool | None, str | None]:
    if isinstance(value, bool):
        return value, None
    text = text_of(value)
    if text in ("是", "收费", "有", "true", "True", "TRUE", "1", "Y", "y", "yes", "√"):
        return True, None
    if text in ("否", "不收费", "免费", "无", "false", "False", "FALSE", "0", "N", "n", "no", "×"):
        return False, None
    if not text:
        return None, None
    return None, f"无法识别的是/否“{text}”"


def integer(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value), None
    text = text_of(value)
    if is_none(text):
        return None, None
    if text.isdigit():
        return int(text), None
    n = cn_number(text.rstrip("次"))
    return (n, None) if n is not None else (None, f"无法识别的数字“{text}”")


def scope(value: Any) -> tuple[str | None, str | None]:
    text = text_of(value)
    if is_none(text):
        return None, None
    for s in ("社会公开", "依申请公开", "内部公开", "不予公开"):
        if s in text:
            return s, None
    if text in ("是", "公开", "主动公开", "全文公开"):
        return "社会公开", None
    if text in ("否", "不公开"):
        return "不予公开", None
    return None, f"无法识别的公开范围“{text}”"


# 《中华人民共和国行政许可法》第十二条第一款第（二）项
_CITATION = re.compile(r"《(?P<law>[^《》]{2,80})》(?P<article>(?:\s*[第0-9零〇一二两三四五六七八九十百千条款项目（）()、，和及与至之]+)?)")
_ARTICLE = re.compile(r"第[0-9零〇一二两三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?(?:第[0-9零〇一二两三四五六七八九十]+款)?"
                      r"(?:第?[（(]?[0-9零〇一二两三四五六七八九十]+[)）]?项)?")


def law_id(name: str) -> str:
    """The id quanli uses for a law: its name without 中华人民共和国 and without inner brackets."""
    short = name.replace("〈", "").replace("〉", "").replace("<", "").replace(">", "").strip()
    if short.startswith("中华人民共和国") and len(short) > len("中华人民共和国") + 1:
        short = short[len("中华人民共和国"):]
    return short


def citations(value: Any, kind: str | None = None) -> tuple[list[dict], str | None]:
    """Basis entries from a text citing laws: one per 《law》 with the articles cited after it."""
    cell = json_cell(value)
    if isinstance(cell, list) and all(isinstance(b, dict) for b in cell):
        return cell, None
    text = text_of(value)
    if is_none(text):
        return [], None
    found = list(_CITATION.finditer(text))
    if not found:
        return [], f"找不到《法律法规名称》：“{text[:40]}{'…' if len(text) > 40 else ''}”"
    out = []
    for m in found:
        entry: dict = {"law": m.group("law").strip()}
        articles = _ARTICLE.findall(m.group("article") or "")
        if articles:
            entry["article"] = "、".join(articles)
        if kind:
            entry["kind"] = kind
        out.append(entry)
    if len(out) == 1 and len(text) > len(found[0].group(0)) + 4:
        out[0]["text"] = text
    return out, None
