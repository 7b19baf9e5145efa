"""Which column holds which item field: Chinese header synonyms, a unit's mapping file, and the
flat column set of ``quanli export``.

Exported headers read ``项目名称（name）``: the schema's Chinese title and the field path, so a
person reads the title and ``quanli import`` maps the column exactly by its path.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from quanli.core.errors import QuanliError

SUB_NAME = "_sub_name"  # a 子项名称 column: the item is the sub-item, the name column names its main item
REGION = "_region"  # a 行政区划 column: not an item field; an import names a new catalogue's region after it

# Top-level item fields exported as one column per sub-field; every other field is one column.
EXPANDED = (
    "codes",
    "time_limit",
    "fee",
    "penalty",
    "contact",
    "remedy",
    "responsibility",
    "service",
    "disclosure",
    "dates",
)

# Header texts seen in real lists (whitespace removed), by field path. Sources: provincial
# portals' exports and the county and city lists the seeds describe.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "事项名称",
        "职权名称",
        "权力名称",
        "项目名称",
        "权力事项名称",
        "职权事项",
        "权力事项",
        "事项",
        "名称",
        "主项名称",
        "matter_name",
        "TASK_NAME",
        "task_name",
    ),
    SUB_NAME: ("子项名称", "子项", "子项事项名称", "子项目名称"),
    REGION: ("行政区划", "所属行政区划", "所属区划", "区划", "AREA_CODE_TEXT", "area_code_text"),
    "category": (
        "事项类型",
        "职权类型",
        "权力类别",
        "权力类型",
        "职权类别",
        "事项类别",
        "类别",
        "类型",
        "权力分类",
        "matter_type",
        "TASK_TYPE_TEXT",
        "TASK_TYPE",
        "task_type",
    ),
    "sub_category": ("子类别", "细类"),
    "codes.basic": ("基本编码", "事项编码", "职权编码", "权力编码", "目录编码", "CATAID"),
    "codes.implementation": ("实施编码", "实施清单编码", "TASK_CODE"),
    "codes.local": ("本地编码", "地方编码", "内部编码"),
    "parent": ("所属主项", "parentCatalogName"),
    "subject": ("实施主体", "行使主体", "实施机关", "责任主体", "DEPT_NAME", "dept_name"),
    "department": (
        "承办机构",
        "承办科室",
        "承办处室",
        "责任科室",
        "责任处室",
        "内设机构",
        "承办部门",
        "责任股室",
        "承办股室",
    ),
    "co_departments": ("联办机构", "协办机构", "配合科室", "co_department"),
    "entrusted": ("受委托组织", "委托机关"),
    "level": ("行使层级", "层级", "matter_level"),
    "basis": ("设定依据", "实施依据", "行使依据", "法律依据", "职权依据", "依据", "法定依据", "设定和实施依据"),
    "conditions": ("受理条件", "申请条件", "办理条件", "行使条件", "accept_standard"),
    "materials": ("申请材料", "申报材料", "所需材料", "材料", "申请材料目录", "material_intro"),
    "time_limit.statutory": ("法定时限", "法定办结时限", "法定期限", "办理时限", "handle_time"),
    "time_limit.promised": ("承诺时限", "承诺办结时限", "承诺期限", "handle_time_limit"),
    "fee.basis": ("收费依据",),
    "fee.standard": ("收费标准", "收费情况"),
    "fee.charged": ("是否收费",),
    "contact.consult_phone": ("咨询电话", "咨询方式", "consult_phone"),
    "contact.complaint_phone": ("投诉电话", "监督电话", "监督投诉电话", "投诉举报电话", "complain_phone"),
    "contact.location": ("办理地点", "受理地点", "办公地点", "handle_location"),
    "contact.hours": ("办理时间", "办公时间"),
    "responsibility.duties": ("责任事项",),
    "responsibility.accountability": ("追责情形", "问责情形", "责任追究"),
    "penalty.behaviour": ("违法行为",),
    "penalty.range": ("处罚幅度", "处罚标准"),
    "disclosure.scope": ("公开范围", "公开属性", "是否公开"),
    "disclosure.forms": ("公开方式", "公开形式"),
    "disclosure.timing": ("公开时限",),
    "service.objects": ("服务对象", "service_object_name"),
    "service.visits": ("到现场次数", "到办事现场次数", "visit_number"),
    "remarks": ("备注", "说明"),
    "status": ("状态", "事项状态"),
}
BASIS_KIND = {"设定依据": "设定依据", "实施依据": "实施依据"}  # a basis column that says which kind it is
IGNORED = {"序号", "编号", "_id", "行号"}  # columns that are never item fields


def _norm(header: str) -> str:
    return re.sub(r"[\s:：*＊]", "", str(header))


@lru_cache(maxsize=1)
def _by_header() -> dict[str, str]:
    return {_norm(h).lower(): path for path, headers in SYNONYMS.items() for h in headers}


@lru_cache(maxsize=1)
def _item_schema() -> dict:
    from quanli.core.resources import schema_file

    return json.loads(schema_file("item").read_text(encoding="utf-8"))


def export_paths() -> list[str]:
    """The columns of an export, in schema order: each field, a table field's parts (EXPANDED) one by one."""
    return list(_export_paths())


@lru_cache(maxsize=1)
def _export_paths() -> tuple[str, ...]:
    props = _item_schema()["properties"]
    out = []
    for key, node in props.items():
        sub = node.get("properties") if key in EXPANDED else None
        if sub:
            out += [f"{key}.{s}" for s in sub]
        else:
            out.append(key)
    return tuple(out)


@lru_cache(maxsize=1)
def _export_path_set() -> frozenset[str]:
    return frozenset(_export_paths())


def field_schema(path: str) -> dict:
    """The schema of an item field by its dotted path ({} if there is none)."""
    node: dict = {"properties": _item_schema()["properties"]}
    for part in path.split("."):
        node = (node.get("properties") or {}).get(part) or {}
    return node


def title_of(path: str) -> str:
    node: dict = {"properties": _item_schema()["properties"]}
    for part in path.split("."):
        node = (node.get("properties") or {}).get(part) or {}
    return str(node.get("title") or path)


def export_header(path: str) -> str:
    return f"{title_of(path)}（{path}）"


_PATH_IN_HEADER = re.compile(r"[（(]([a-z_]+(?:\.[a-z_]+)?)[）)]\s*$")


def resolve(header: str, mapping: dict[str, str]) -> str | None:
    """The item field a column holds: the unit's mapping first, then ``标题（path）``, then the synonyms."""
    if header in mapping:
        return mapping[header] or None
    norm = _norm(header)
    if norm in mapping:
        return mapping[norm] or None
    m = _PATH_IN_HEADER.search(header)
    if m and m.group(1) in _export_path_set():
        return m.group(1)
    if header in _item_schema()["properties"]:  # a key of quanli's own JSON (export --format json)
        return header
    if norm in IGNORED:
        return None
    return _by_header().get(norm.lower())


@lru_cache(maxsize=4096)
def is_exact(header: str) -> bool:
    """A column quanli export wrote (``标题（path）`` or a JSON key): its values are read as written."""
    m = _PATH_IN_HEADER.search(header)
    return bool(m and m.group(1) in _export_path_set()) or header in _item_schema()["properties"]


def known_header(header: str) -> bool:
    return resolve(header, {}) is not None


def load_mapping(path: Path | None) -> tuple[dict[str, str], dict]:
    """A mapping file: ``columns: {表头: 字段路径}`` (an empty path ignores the column), and optionally
    ``sheet``, ``defaults`` (values for fields no column gives, e.g. ``department``)."""
    if path is None:
        return {}, {}
    from quanli.core.fsutil import read_error, read_regular
    from quanli.loader.yamlparse import MAX_FILE_BYTES, ParseFailure, load_bytes

    try:  # a regular file of sane size only: a FIFO would hang the import, /dev/zero fill the memory
        data, _ = load_bytes(read_regular(path, MAX_FILE_BYTES))
    except OSError as exc:
        raise read_error("映射文件", "the mapping file", path, exc) from None
    except ParseFailure as f:
        raise QuanliError(f"{path}:{f.line}:{f.column} {f.zh}", f"{path}:{f.line}:{f.column} {f.en}") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
        raise QuanliError(
            f"{path}：应写成 columns: {{表头: 字段}}，例如 columns: {{职权名称: name}}。",
            f"{path}: expected columns: {{header: field}}.",
        )
    unknown = [str(k) for k in data if k not in ("columns", "sheet", "defaults")]
    if unknown:
        raise QuanliError(
            f"{path}：不认识的设置“{'、'.join(unknown)}”（可用：columns、sheet、defaults）。",
            f"{path}: unknown setting(s) {', '.join(unknown)} (use columns, sheet, defaults).",
        )
    allowed = set(_export_path_set())
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise QuanliError(
            f"{path}：defaults 应写成 {{字段: 值}}，例如 defaults: {{department: 办公室}}。",
            f"{path}: defaults must be a mapping.",
        )
    for key, value in defaults.items():
        node = field_schema(str(key))
        if key not in allowed or key == "id":
            raise QuanliError(
                f"{path}：defaults 中的“{key}”不是可以设默认值的字段。可用字段：{'、'.join(sorted(allowed - {'id'}))}。",
                f"{path}: '{key}' in defaults is not a field.",
            )
        kind = node.get("type")
        ok = (
            (isinstance(value, str) and kind in ("string", None))
            or (isinstance(value, bool) and kind == "boolean")
            or (isinstance(value, int) and not isinstance(value, bool) and kind in ("integer", "number", None))
            or (isinstance(value, list) and kind == "array" and all(isinstance(v, str) for v in value))
        )
        if not ok or ("enum" in node and value not in node["enum"]):
            choices = f"（可选：{'、'.join(node['enum'])}）" if "enum" in node else ""
            raise QuanliError(
                f"{path}：defaults 中“{key}”的值“{value}”不合适{choices}。", f"{path}: bad default for '{key}'."
            )
    columns = {}
    for header, target in (data.get("columns") or {}).items():
        target = "" if target in (None, "", "忽略", "ignore") else str(target)
        if target and target not in allowed:
            raise QuanliError(
                f"{path}：列“{header}”映射到未知字段“{target}”。可用字段：{'、'.join(sorted(allowed))}。",
                f"{path}: column '{header}' maps to unknown field '{target}'.",
            )
        columns[str(header)] = target
    return columns, data
