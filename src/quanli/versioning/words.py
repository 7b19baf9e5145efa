"""Values in words without knowing their field: texts as they are, 是/否, lists joined, time limits
with their unit, and the schemas' titles of keys seen on their own (``copies`` → 份数)."""

from __future__ import annotations

from functools import cache
from typing import Any


def _cut(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _text(value: Any) -> str:
    """A value as words without knowing the field: texts as they are, 是/否, lists joined, time limits with their unit."""
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _num(value)
    if isinstance(value, list):
        return ("；" if any(isinstance(v, dict) for v in value) else "、").join(_text(v) for v in value)
    if isinstance(value, dict):
        if "value" in value and set(value) <= {"value", "unit", "note"}:
            return _limit(value)
        name = (
            value.get("name") if isinstance(value.get("name"), str) else None
        )  # a material, a procedure: its name first
        rest = "，".join(
            f"{key_title(k)}：{_text(v)}" for k, v in value.items() if v is not None and not (name and k == "name")
        )
        return f"{name}（{rest}）" if name and rest else (name or rest)
    return str(value)


def _limit(value: Any) -> str:
    from quanli.render.flowchart import _limit_text  # the charts' own words for a time limit: 5个工作日, 即办

    return _limit_text(value) or _text(value.get("value") if isinstance(value, dict) else value)


@cache
def _key_titles() -> dict[str, str]:
    """Every key of the schemas with a title, for a value seen without its field (the first schema to title a key wins)."""
    from quanli.core.resources import SCHEMA_KINDS, schema

    out: dict[str, str] = {}

    def walk(node: Any, root: dict, depth: int) -> None:
        if depth > 8 or not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            walk(root.get("$defs", {}).get(ref.rsplit("/", 1)[-1]), root, depth + 1)
        for key, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict) and isinstance(sub.get("title"), str):
                out.setdefault(key, sub["title"])
        for sub in (node.get("properties") or {}).values():
            walk(sub, root, depth + 1)
        walk(node.get("items"), root, depth + 1)
        for alt in node.get("oneOf", []) + node.get("anyOf", []):
            walk(alt, root, depth + 1)

    for kind in ("item", "flow", "catalog", "laws") + tuple(
        k for k in SCHEMA_KINDS if k not in ("item", "flow", "catalog", "laws")
    ):
        walk(schema(kind), schema(kind), 0)
    return out


def key_title(key: Any) -> str:
    """The title of a key seen without its field (``copies`` → 份数); the key itself when no schema has it."""
    return _key_titles().get(key, str(key)) if isinstance(key, str) else str(key)
