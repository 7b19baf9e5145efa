"""Schema validation (rule QL110) with messages a clerk can act on, in Chinese and English.

jsonschema-rs does the validating (about 50x faster than the pure-Python validator);
this module turns its errors into sentences that name the field by its Chinese title.
Plain scalars that YAML read as numbers or booleans are turned back into text where the
schema asks for text (a phone number ``12345``, a code ``440000``), so clerks are not
punished for leaving out quotes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import cache
from typing import Any

from quanli.core.resources import schema

_TYPE_ZH = {
    "string": "文字",
    "number": "数字",
    "integer": "整数",
    "boolean": "true 或 false",
    "array": "列表（每项以“- ”开头）",
    "object": "映射（键: 值）",
    "null": "空值",
}


@cache
def _validator(kind: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema(kind), validate_formats=True)


def _py_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _resolve(root: dict, node: dict) -> dict:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 10:
        ref = node["$ref"]
        node = root
        for part in ref.lstrip("#/").split("/"):
            node = node.get(part, {})
        seen += 1
    return node if isinstance(node, dict) else {}


def subschema(kind: str, path: tuple) -> dict:
    """The schema node describing the value at ``path`` (best effort through oneOf)."""
    root = schema(kind)
    node = root
    for part in path:
        node = _resolve(root, node)
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            props = node.get("properties")
            if props is None:
                for alt in node.get("oneOf", []) + node.get("anyOf", []):
                    alt = _resolve(root, alt)
                    if part in alt.get("properties", {}):
                        props = alt["properties"]
                        break
            node = (props or {}).get(part, {})
    return node


def _title(kind: str, path: tuple) -> str:
    if not path:
        return "文件"
    node = subschema(kind, path)
    title = node.get("title")
    if title:
        return f"{path[-1]}（{title}）" if isinstance(path[-1], str) else title
    return str(path[-1])


def _en_name(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _coerce(data: Any, path: list, value: Any) -> bool:
    """Turn a number/boolean the schema wants as text back into text. True if changed."""
    if not path or isinstance(value, (str, list, dict)) or value is None:
        return False
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    parent[path[-1]] = text
    return True


def validate(kind: str, data: Any) -> Iterator[tuple[tuple, bool, str, str]]:
    """Yield (path, at_key, message_zh, message_en) for each schema violation."""
    validator = _validator(kind)
    if validator.is_valid(data):
        return
    for _ in range(5):
        errors = list(validator.iter_errors(data))
        changed = False
        for err in errors:
            if err.kind.name == "type" and "string" in err.kind.as_dict().get("types", []):
                changed |= _coerce(data, list(err.instance_path), err.instance)
        if not changed:
            break
        if validator.is_valid(data):
            return
    seen = set()
    for err in errors:
        out = _translate(kind, err)
        if out[0:3] not in seen:  # oneOf branches can repeat the same complaint
            seen.add(out[0:3])
            yield out


def _translate(kind: str, err: Any) -> tuple[tuple, bool, str, str]:
    path = tuple(err.instance_path)
    name = err.kind.name
    info = err.kind.as_dict()
    title = _title(kind, path)
    value = err.instance
    shown = value if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None

    if name == "required":
        prop = info["property"]
        node = _resolve(schema(kind), subschema(kind, path))
        ptitle = node.get("properties", {}).get(prop, {}).get("title", "")
        where_zh = f"“{title}”中" if path else ""
        zh = f"{where_zh}缺少必填字段“{prop}”" + (f"（{ptitle}）" if ptitle else "") + "。"
        return path, True, zh, f"missing required field '{prop}' in {_en_name(path)}."
    if name == "additionalProperties":
        extra = info["unexpected"][0]
        node = _resolve(schema(kind), subschema(kind, path))
        allowed = list(node.get("properties", {}))
        close = difflib.get_close_matches(str(extra), allowed, n=1, cutoff=0.6)
        hint_zh = hint_en = ""
        if close:
            ctitle = node["properties"][close[0]].get("title", "")
            hint_zh = f"是不是想写“{close[0]}”（{ctitle}）？"
            hint_en = f" Did you mean '{close[0]}'?"
        else:
            hint_zh = "可用的字段：" + "、".join(allowed[:30]) + "。" if allowed else ""
        return path + (extra,), True, f"不认识的字段“{extra}”。{hint_zh}", f"unknown field '{extra}'.{hint_en}"
    if name == "type":
        want = info.get("types", [])
        want_zh = "或".join(_TYPE_ZH.get(t, t) for t in want)
        got = _py_type(value)
        return (
            path,
            False,
            f"“{title}”应为{want_zh}，实际写的是{_TYPE_ZH.get(got, got)}。",
            f"{_en_name(path)} must be {' or '.join(want)}, got {got}.",
        )
    if name == "enum":
        options = info.get("options", [])
        return (
            path,
            False,
            f"“{title}”的值“{shown}”不在允许的范围内，可选：{'、'.join(map(str, options))}。",
            f"{_en_name(path)}: '{shown}' is not one of {', '.join(map(str, options))}.",
        )
    if name == "constant":
        return (
            path,
            False,
            f"“{title}”应为 {info.get('expected_value')}。",
            f"{_en_name(path)} must be {info.get('expected_value')}.",
        )
    if name == "pattern" and subschema(kind, path).get("format") == "date" and isinstance(value, str):
        # the date patterns also keep out the year 0000, which RFC 3339 (and so "format": "date") allows
        # but no calendar has: a sign-off or a case dated 0000-01-01 is a typing error, not a date
        year0 = value.startswith("0000-")
        return (
            path,
            False,
            (
                f"“{title}”的值“{shown}”不是有效的日期"
                + ("（没有公元 0000 年）" if year0 else "")
                + "，应写成 YYYY-MM-DD，例如 2026-01-05。"
            ),
            f"{_en_name(path)}: '{shown}' is not a valid date"
            + (" (there is no year 0000)" if year0 else "")
            + " (YYYY-MM-DD).",
        )
    if name == "pattern":
        desc = subschema(kind, path).get("description", "")
        return (
            path,
            False,
            f"“{title}”的值“{shown}”格式不对。{desc}",
            f"{_en_name(path)}: '{shown}' does not match {info.get('pattern')}.",
        )
    if name == "format":
        return (
            path,
            False,
            f"“{title}”的值“{shown}”不是有效的日期，应写成 YYYY-MM-DD，例如 2026-01-05。",
            f"{_en_name(path)}: '{shown}' is not a valid date (YYYY-MM-DD).",
        )
    if name == "minLength":
        return path, False, f"“{title}”不能为空。", f"{_en_name(path)} must not be empty."
    if name == "maxLength":
        return (
            path,
            False,
            f"“{title}”太长（最多 {info.get('limit')} 个字）。",
            f"{_en_name(path)} is too long (max {info.get('limit')}).",
        )
    if name == "minItems":
        return (
            path,
            False,
            f"“{title}”至少要有 {info.get('limit')} 项。",
            f"{_en_name(path)} needs at least {info.get('limit')} entries.",
        )
    if name == "uniqueItems":
        return path, False, f"“{title}”中有重复的项。", f"{_en_name(path)} has duplicate entries."
    if name in ("minimum", "exclusiveMinimum"):
        return (
            path,
            False,
            f"“{title}”不能小于 {info.get('limit')}。",
            f"{_en_name(path)} must be at least {info.get('limit')}.",
        )
    if name in ("oneOf", "anyOf"):
        desc = _resolve(schema(kind), subschema(kind, path)).get("description", "")
        return path, False, f"“{title}”的写法不对。{desc}", f"{_en_name(path)} does not match any allowed form."
    return path, False, f"“{title}”不符合格式要求：{err.message}", f"{_en_name(path)}: {err.message}"
