"""One row of a table as an item's data (``quanli import``): each cell read by what its field is
(``values``), exactly as written in a column quanli export wrote, with a Problem for each value
that could not be read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from quanli.migrate import columns, values
from quanli.migrate.tables import Record


@dataclass
class Problem:
    row: int
    column: str  # letter or key
    header: str
    message: str

    def to_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "header": self.header, "message": self.message}


def _field_schema(path: str) -> dict:
    return columns.field_schema(path)


def _exact(path: str, raw: Any, csv_guard: bool = False) -> tuple[Any, str | None]:
    """A value quanli export wrote: read back exactly as written, no 无 → absent, no guessing."""
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, (dt.date, dt.time, dt.timedelta)):  # Excel made a date (or time) of what was typed: its text
        return values.text_of(raw), None
    if not isinstance(raw, str):
        return raw, None
    if csv_guard and raw[:1] == "'" and raw[1:2] in ("=", "+", "-", "@", "\t", "\r", "'"):
        raw = raw[1:]  # the CSV export's guard against formulas
    node = _field_schema(path)
    kind = node.get("type")
    if kind == "string" or (kind is None and "$ref" not in node and path != "extra"):
        return raw, None
    if kind == "boolean":
        return values.boolean(raw)
    if kind in ("integer", "number") or "$ref" in node:
        try:
            number = float(raw)
            return (int(number) if number.is_integer() and kind != "number" or number.is_integer() else number), None
        except ValueError:
            pass
    if kind == "array" and (node.get("items") or {}).get("type") == "string":
        cell = values.json_cell(raw)
        return (cell if isinstance(cell, list) else raw.split("\n")), None
    value = values.loads(raw)
    if value is None and raw.strip() != "null":
        return None, f"“{raw[:30]}”不是 quanli 导出的格式"
    return value, None


def _convert(path: str, raw: Any, header: str, names: list[str], csv_guard: bool = False) -> tuple[Any, str | None]:
    """One cell's value for one field, by what the field is (``csv_guard``: a CSV file, whose
    exported cells may carry the export's ' before = + - @)."""
    if columns.is_exact(header):
        return _exact(path, raw, csv_guard)
    if path == columns.SUB_NAME:
        return (None if values.is_none(raw) else values.text_of(raw)), None
    if isinstance(raw, float) and path.startswith("codes."):
        return None, "编码在表中是数字（已丢失精度），没有导入；请在 Excel 中把这一列设为“文本”后重新导入"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and path.endswith("_phone"):
        return values.text_of(raw), "电话在表中是数字，开头的 0 可能已经丢失，请核对"
    if path == "category":
        return values.category(raw, names)
    if path == "level":
        return values.levels(raw)
    if path == "basis":
        return values.citations(raw, columns.BASIS_KIND.get(re.sub(r"\s", "", header)))
    if path == "materials":
        return values.materials(raw), None
    if path.startswith("time_limit.") and path != "time_limit.note":
        return values.time_limit(raw)
    if path == "disclosure.scope":
        return values.scope(raw)
    if path == "disclosure.deadline":
        return values.time_limit(raw)
    node = _field_schema(path)
    kind = node.get("type")
    if kind == "boolean":
        return values.boolean(raw)
    if kind == "integer":
        return values.integer(raw)
    if kind == "number":
        v, problem = values.integer(raw)
        return v, problem
    if kind == "array":
        items = node.get("items") or {}
        if items.get("type") == "string":
            return values.text_list(raw), None
        cell = values.json_cell(raw)
        return (
            (cell, None)
            if isinstance(cell, list)
            else (None, None if values.is_none(raw) else "应为 quanli 导出的 JSON 列表")
        )
    if kind == "object" or path == "extra":
        cell = values.json_cell(raw)
        return (
            (cell, None)
            if isinstance(cell, dict)
            else (None, None if values.is_none(raw) else "应为 quanli 导出的 JSON 对象")
        )
    if values.is_none(raw):
        return None, None
    text = values.text_of(raw)
    for label in columns.SYNONYMS.get(path, ()):  # "办理地点：广州市…" in the 办理地点 column
        for colon in ("：", ":"):
            if text.startswith(label + colon) and len(text) > len(label) + 1:
                text = text[len(label) + 1 :].strip()
    pattern = node.get("pattern")
    if pattern and not re.fullmatch(pattern.strip("^$"), text):
        return None, f"“{text}”不符合{columns.title_of(path)}的格式"
    enum = node.get("enum")
    if enum and text not in enum:
        return None, f"“{text}”不是{columns.title_of(path)}的可选值（{'、'.join(enum)}）"
    return text, None


def _set(data: dict, path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if rest:
        data.setdefault(head, {})
        if isinstance(data[head], dict):
            data[head][rest] = value
    else:
        data[head] = value


def _merge(old: Any, new: Any) -> Any:
    """Two columns for one field: lists are joined (设定依据 and 实施依据); otherwise the first column
    that has a value wins (TASK_NAME, the sub-item's own name, before matter_name)."""
    if isinstance(old, list) and isinstance(new, list):
        return old + [v for v in new if v not in old]
    return new if old is None else old


def row_to_item(
    record: Record,
    mapping: dict[str, str],
    names: list[str],
    defaults: dict,
    problems: list[Problem],
    csv_guard: bool = False,
) -> dict:
    data: dict = {}
    for header, raw in record.values.items():
        path = mapping.get(header)
        if not path or path == columns.REGION:  # the region names the unit's region, not the item's
            continue
        head, _, rest = path.partition(".")
        current = (
            data.get(head, {}).get(rest)
            if rest and isinstance(data.get(head), dict)
            else data.get(path)
            if not rest
            else None
        )
        if current is not None and not isinstance(current, list):
            continue  # an earlier column already gave this field (TASK_TYPE_TEXT before TASK_TYPE)
        value, problem = _convert(path, raw, header, names, csv_guard)
        if problem and path in ("codes.basic", "codes.implementation") and not values.is_none(raw):
            # a code in another shape (33-character sub-item codes are common): kept as the local code
            _set(data, "codes.local", values.text_of(raw))
            problem += "，已记入本地编码（codes.local）"
        if problem:
            problems.append(Problem(record.row, record.where.get(header, ""), header, problem))
        if value is None or value == [] or value == {}:
            continue
        _set(data, path, _merge(current, value))
    for path, value in defaults.items():
        if path == "disclosure.scope":
            continue  # for new items only, and only when the table has no scope column: see complete()
        head, _, rest = path.partition(".")
        present = (isinstance(data.get(head), dict) and rest in data[head]) if rest else head in data
        if not present and value not in (None, ""):
            _set(data, path, value)
    sub = data.pop(columns.SUB_NAME, None)
    if sub:  # a sub-item row: its own name, and the main item (the name column, often a merged cell) as parent
        if data.get("name") and data["name"] != sub:
            data.setdefault("parent", data["name"])
        data["name"] = sub
    if "basis" not in data and not any(p == "basis" for p in mapping.values()):
        # no basis column: a condition that opens with a citation (《…》第…条规定，…) is the legal basis
        conditions = data.get("conditions")
        cited = (
            [c for c in conditions if isinstance(c, str) and c.startswith("《")] if isinstance(conditions, list) else []
        )
        entries = [e for c in cited for e in values.citations(c)[0]]
        if entries:
            data["basis"] = entries
    if data.get("parent") is not None and data.get("parent") == data.get("name"):  # a main item names itself
        data.pop("parent")
    fee = data.get("fee")
    if isinstance(fee, dict) and "charged" not in fee:  # a standard or basis given: charged unless it says otherwise
        standard = values.text_of(fee.get("standard"))
        fee["charged"] = not (values.is_none(standard) or "不收费" in standard or "免费" in standard) or bool(
            fee.get("basis")
        )
    return data
