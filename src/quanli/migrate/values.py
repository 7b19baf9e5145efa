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

NONE_WORDS = {
    "",
    "无",
    "无。",
    "暂无",
    "空",
    "/",
    "-",
    "—",
    "——",
    "－",
    "null",
    "none",
    "n/a",
    "na",
    "不涉及",
    "无此项",
}
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
IMMEDIATE = ("即办", "即时办结", "当场办结", "当场", "立即办结", "即来即办", "当即办结", "现场办结")
UNITS = (
    ("个工作日", "工作日"),
    ("工作日", "工作日"),
    ("个自然日", "自然日"),
    ("自然日", "自然日"),
    ("个月", "个月"),
    ("月", "个月"),
    ("小时", "小时"),
    ("天", "自然日"),
    ("日", "自然日"),
)
NATIONAL = {
    "01": "行政许可",
    "02": "行政处罚",
    "03": "行政强制",
    "04": "行政征收",
    "05": "行政给付",
    "06": "行政检查",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务",
}
LEVELS = {
    "国家级": "国家级",
    "国家": "国家级",
    "中央": "国家级",
    "省级": "省级",
    "省": "省级",
    "市级": "市级",
    "市": "市级",
    "设区的市级": "市级",
    "县级": "县级",
    "县": "县级",
    "区级": "县级",
    "县区级": "县级",
    "县（市、区）级": "县级",
    "镇级": "镇（乡、街道）级",
    "乡级": "镇（乡、街道）级",
    "街道级": "镇（乡、街道）级",
    "乡镇级": "镇（乡、街道）级",
    "镇（乡、街道）级": "镇（乡、街道）级",
    "村级": "村（社区）级",
    "社区级": "村（社区）级",
    "村（社区）级": "村（社区）级",
}


def text_of(value: Any) -> str:
    """A cell as text: 是/否 for booleans, YYYY-MM-DD for dates, JSON for nested values."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, (list, tuple)):
        return "\n".join(text_of(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value).encode("utf-8", "replace").decode("utf-8")  # a lone surrogate (broken JSON escape) becomes ?
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def is_none(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(is_none(v) for v in value)
    return text_of(value).lower().rstrip("。.") in NONE_WORDS or text_of(value).lower() in NONE_WORDS


def json_cell(value: Any) -> Any:
    """A cell quanli export wrote as JSON (an object or a list of objects), or None."""
    text = text_of(value)
    if text[:1] in "[{" and text[-1:] in "]}":
        return loads(text)
    return None


def loads(text: str) -> Any:
    """JSON text in a cell: its value, or None when it is not JSON, nests deeper than any item field
    or holds a number Python will not read; a lone surrogate ("\\ud800") becomes ?, as in text_of."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if text.count("[") + text.count("{") <= 64 and "\\u" not in text and not _SURROGATE.search(text):
        return value  # no surrogate to replace, no nesting past the limit: _plain_json would copy it unchanged
    return _plain_json(value, 0)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain_json(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if depth > 64 and isinstance(value, (list, dict)):
        return None
    if isinstance(value, list):
        return [_plain_json(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_plain_json(k, depth + 1): _plain_json(v, depth + 1) for k, v in value.items()}
    return value


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


_TIME = re.compile(
    r"^(?P<num>[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+)\s*[（(]?\s*(?P<unit>个工作日|工作日|个自然日|自然日|个月|月|小时|天|日)?\s*[）)]?(?P<rest>.*)$",
    re.S,
)


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
            rest = text[len(word) :].strip("（）()，,。")
            return ({"value": 0, "unit": "工作日", "note": text} if rest else 0), None
    m = _TIME.match(text)
    if (
        not m
        or (
            not m.group("unit")
            and m.group("rest")
            and not m.group("rest").startswith(("（", "(", "，", ",", "；", "。"))
        )
        or re.match(r"^\s*[-~～至到]\s*[0-9一二三四五六七八九十]", m.group("rest") or "")
    ):
        return None, f"无法识别的时限“{text_of(value)}”（请写成如 20 个工作日、60 日、即办）"
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
        if text.startswith(name) or (
            name.startswith("行政") and text.startswith(name[2:]) and len(text) <= len(name) + 2
        ):
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


_ITEM_MARK = re.compile(
    r"^\s*(?:[0-9]+[.、．)）]|[（(][0-9一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|[①②③④⑤⑥⑦⑧⑨⑩]|[-•·●])\s*"
)


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
    """公开范围. Anything not plainly public is never taken for public: it is reported and left
    without a scope, so that validate fails and no build publishes the item."""
    text = text_of(value).replace(" ", "")
    if is_none(text):
        return None, "没有填写公开范围"
    for s in ("依申请公开", "内部公开", "不予公开", "社会公开"):
        if s in text:
            return s, None
    if any(w in text for w in ("不予", "不公开", "不宜公开", "涉密", "秘密", "保密", "敏感")) or text == "否":
        return "不予公开", None
    if text.startswith("内部") or "内部" in text:
        return "内部公开", None
    if text.startswith("依申请"):
        return "依申请公开", None
    if text in ("是", "公开", "主动公开", "全文公开", "向社会公开", "面向社会公开"):
        return "社会公开", None
    return None, f"无法识别的公开范围“{text}”，没有当作公开（请填写 社会公开、依申请公开、内部公开 或 不予公开）"


# 《中华人民共和国行政许可法》第十二条第一款第（二）项
_CITATION = re.compile(
    r"《(?P<law>[^《》]{2,80})》(?P<article>(?:\s*[第0-9零〇一二两三四五六七八九十百千条款项目（）()、，和及与至之]+)?)"
)
_ARTICLE = re.compile(
    r"第[0-9零〇一二两三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?(?:第[0-9零〇一二两三四五六七八九十]+款)?"
    r"(?:第?[（(]?[0-9零〇一二两三四五六七八九十]+[)）]?项)?"
)


LAW_ENDINGS = (
    "法",
    "条例",
    "规定",
    "办法",
    "细则",
    "规则",
    "决定",
    "通知",
    "意见",
    "规范",
    "标准",
    "纲要",
    "方案",
    "目录",
    "准则",
    "规程",
    "指南",
    "公约",
    "章程",
    "制度",
    "令",
    "批复",
    "解释",
    "纪要",
    "要点",
    "规划",
    "清单",
)
DOCUMENT_ENDINGS = (
    "申请书",
    "申请表",
    "登记表",
    "证书",
    "许可证",
    "证明",
    "通知书",
    "决定书",
    "告知书",
    "回执",
    "表",
    "单",
    "书",
)


def is_law_name(name: str) -> bool:
    """《…》 names a law or a normative document, not a form (申请书, 证书 …)."""
    name = name.strip()
    if name.endswith(DOCUMENT_ENDINGS) and not name.endswith(("决定", "通知", "意见")):
        return False
    return name.endswith(LAW_ENDINGS) or "法" in name[-4:]


def law_id(name: str) -> str:
    """The id quanli uses for a law: its name without 中华人民共和国 and without inner brackets."""
    short = name.replace("〈", "").replace("〉", "").replace("<", "").replace(">", "").strip()
    if short.startswith("中华人民共和国") and len(short) > len("中华人民共和国") + 1:
        short = short[len("中华人民共和国") :]
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
    found = [m for m in found if is_law_name(m.group("law"))]
    if not found:
        return [], f"引用的不是法律法规（如申请书、证书）：“{text[:40]}{'…' if len(text) > 40 else ''}”"
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
