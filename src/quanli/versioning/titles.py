"""Fields in the clerk's words: the titles of changed fields, made of the schemas' Chinese titles
and the names of the list entries they are in (承诺办结时限, 申请材料“营业执照”的份数, 步骤“受理”的承办岗位),
and their values written out knowing the field (5 个工作日, step names for step ids).

Also what identifies an entry of each list (``IDENTITY``), which both the comparison and the titles use.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from quanli.versioning.words import _limit, _text, key_title

if TYPE_CHECKING:
    from quanli.versioning.compare import FieldChange

# list path (with [] for "every entry") -> the keys that identify an entry of that list
IDENTITY: dict[str, tuple[str, ...]] = {
    "basis": ("law", "article"),
    "materials": ("name",),
    "special_procedures": ("name",),
    "discretion": ("tier",),
    "steps": ("id",),
    "steps[].next": ("to",),
    "duties": ("id",),
}


def _generic(path: str) -> str:
    """basis[2].law -> basis[].law: the path pattern used to look up identities."""
    out, depth = [], 0
    for ch in path:
        if ch == "[":
            depth += 1
            out.append("[")
        elif ch == "]":
            depth -= 1
            out.append("]")
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _key_of(entry: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(entry, dict):
        return tuple(json.dumps(entry.get(k), ensure_ascii=False, sort_keys=True) for k in keys)
    return ("=", json.dumps(entry, ensure_ascii=False, sort_keys=True))  # a bare id in `next: [a]`


def _label(entry: Any, keys: tuple[str, ...]) -> str:
    if isinstance(entry, dict):
        return ",".join(str(entry.get(k)) for k in keys if entry.get(k) is not None)
    return str(entry)


def _step_names(*docs: Any) -> dict[str, str]:
    """{step id: name} of the flows given, the first one's name winning."""
    out: dict[str, str] = {}
    for doc in reversed(docs):
        steps = doc.get("steps") if isinstance(doc, dict) else None
        for s in steps if isinstance(steps, list) else []:
            if (
                isinstance(s, dict)
                and isinstance(s.get("id"), str)
                and isinstance(s.get("name"), str)
                and s["name"].strip()
            ):
                out[s["id"]] = s["name"].strip()
    return out


# where a document of each kind sits in its schema: (schema, path of the document inside it)
_DOC_SCHEMA: dict[str, tuple[str, tuple]] = {
    "item": ("item", ()),
    "flow": ("flow", ()),
    "law": ("laws", ("laws", 0)),
    "department": ("catalog", ("departments", 0)),
    "catalog": ("catalog", ()),
}
_TIME_LIMIT = "#/$defs/time_limit"
STEP_TYPE_ZH = {"start": "开始", "process": "处理", "decision": "判断", "end": "结束"}
_SHORT_TITLE = 2  # a title this short (说明, 单位, 电话) says little alone: it is said after its parent's (收费说明)


def _node(kind: str, at: tuple) -> dict:
    from quanli.check.schema import subschema

    schema_kind, prefix = _DOC_SCHEMA.get(kind, ("item", ()))
    node = subschema(schema_kind, prefix + at)
    return node if isinstance(node, dict) else {}


def _props(kind: str, node: dict) -> dict:
    """The properties a schema node allows, through its $ref and its oneOf alternatives."""
    from quanli.core.resources import schema

    root = schema(_DOC_SCHEMA.get(kind, ("item", ()))[0])
    for _ in range(10):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            break
        node = root
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
    if not isinstance(node, dict):
        return {}
    props = dict(node.get("properties") or {})
    for alt in node.get("oneOf", []) + node.get("anyOf", []):
        props.update(_props(kind, alt) if isinstance(alt, dict) else {})
    return props


def _entry_name(list_path: str, entry: Any, names: dict) -> str:
    """How an entry of a list is called: 《行政许可法》第二十九条, “营业执照”, “受理” (a step by its name)."""
    keys = IDENTITY.get(list_path, ())
    if list_path == "basis" and isinstance(entry, dict):
        law = _text(entry.get("law")) if entry.get("law") is not None else ""
        full = names.get("laws", {}).get(law)
        if full and re.search(r"[A-Za-z]", law):  # an id in letters: the law's name instead
            law = full
        return f"《{law}》{_text(entry.get('article')) if entry.get('article') is not None else ''}"
    ident = entry.get(keys[0]) if isinstance(entry, dict) and keys else entry
    if list_path in ("steps", "steps[].next"):
        ident = names.get("steps", {}).get(ident, ident)
    return f"“{_text(ident)}”"


def _compose(kind: str, parts: tuple, names: dict) -> tuple[str, dict, bool]:
    """(title, schema node, is the value of a time limit) of the field at ``parts``.

    The deepest title says it (办结时限 › 承诺办结时限 → 承诺办结时限) unless it is too short to stand
    alone (收费 › 说明 → 收费说明); a list entry is named (申请材料“营业执照”的份数); the value of a time
    limit is the time limit itself (承诺办结时限 › 数值 → 承诺办结时限)."""
    scope = cur = list_title = ""
    at: tuple = ()
    node: dict = {}
    in_limit = False
    for part in parts:
        if part[0] == "entry":
            at += (0,)
            name = _entry_name(part[1], part[2], names)
            scope = f"{scope}的{cur}{name}" if scope else f"{cur}{name}"
            list_title, cur, node, in_limit = cur, "", _node(kind, at), False
            continue
        key = part[1]
        parent, at = node, at + (key,)
        node = _node(kind, at)
        in_limit = parent.get("$ref") == _TIME_LIMIT
        title = node.get("title") if isinstance(node.get("title"), str) else ""
        if not title:
            cur = (
                f"{cur}“{key}”" if cur else f"“{key}”"
            )  # not in the schema (扩展字段, or a typing error): the key as written
        elif in_limit and key == "value":
            continue
        elif not cur:
            cur = (
                title[len(list_title) :]
                if list_title and title.startswith(list_title) and len(title) > len(list_title)
                else title
            )
        elif len(title) <= _SHORT_TITLE:
            cur += title
        else:
            cur = title
        list_title = ""
    title = f"{scope}的{cur}" if scope and cur else (scope or cur)
    return title, node, in_limit


def _value_words(
    kind: str,
    value: Any,
    node: dict,
    parts: tuple,
    names: dict,
    side: Any = None,
    in_limit: bool = False,
    skip: tuple = (),
) -> str:
    """A value in words, knowing its field: a time limit with its unit, a step's type and next steps by name,
    an object as its fields' titles and values."""
    if value is None:
        return "（无）"
    if in_limit:  # the value of {value, unit}: said with the unit of its own side
        parent = side
        for part in parts[:-1]:
            parent = _follow(parent, part)
        unit = parent.get("unit") if isinstance(parent, dict) else None
        return _limit({"value": value, "unit": unit} if unit else value)
    if node.get("$ref") == _TIME_LIMIT:
        return _limit(value)
    generic = ".".join(p[1] if p[0] == "key" else "[]" for p in parts).replace(".[]", "[]")
    if kind == "flow" and generic == "steps[].type" and isinstance(value, str):
        return STEP_TYPE_ZH.get(value, value)
    if kind == "flow" and generic.startswith("steps[].next"):
        if generic.endswith((".label", ".return")):
            return _text(value)
        steps = names.get("steps", {})
        said = []
        for t in value if isinstance(value, list) else [value]:
            to = t.get("to") if isinstance(t, dict) else t
            label = t.get("label") if isinstance(t, dict) else None
            said.append((steps.get(to, to) if isinstance(to, str) else _text(to)) + (f"（{label}）" if label else ""))
        return "、".join(said)
    if isinstance(value, dict):
        props = _props(kind, node)
        said = []
        for key, sub in value.items():
            if key in skip or sub is None:
                continue
            subnode = props.get(key) if isinstance(props.get(key), dict) else {}
            title = subnode.get("title") if isinstance(subnode.get("title"), str) else key_title(key)
            said.append(f"{title}：{_value_words(kind, sub, subnode, parts + (('key', key),), names)}")
        return "，".join(said)
    if isinstance(value, list):
        items = _props_items(node)
        return ("；" if any(isinstance(v, dict) for v in value) else "、").join(
            _value_words(kind, v, items, parts + (("entry", "", v),), names) for v in value
        )
    return _text(value)


def _props_items(node: dict) -> dict:
    items = node.get("items") if isinstance(node, dict) else None
    return items if isinstance(items, dict) else {}


def _follow(doc: Any, part: tuple) -> Any:
    if part[0] == "key":
        return doc.get(part[1]) if isinstance(doc, dict) else None
    keys = IDENTITY.get(part[1], ())
    want = _key_of(part[2], keys)
    for entry in doc if isinstance(doc, list) else []:
        if _key_of(entry, keys) == want:
            return entry
    return None


def entitle(kind: str, fields: list[FieldChange], before: Any, after: Any, laws: dict) -> None:
    """Give each field change of one document its title and its values in words."""
    names = {
        "steps": _step_names(before, after) if kind == "flow" else {},
        "laws": {k: v.get("name") for k, v in laws.items() if isinstance(v, dict) and isinstance(v.get("name"), str)},
    }
    for f in fields:
        parts = f.parts or _parse_path(f.path)
        f.title, node, in_limit = _compose(kind, parts, names)
        if f.shape == "entry":
            keys = IDENTITY.get(parts[-1][1], ()) if parts and parts[-1][0] == "entry" else ()
            keys += ("name",) if kind == "flow" else ()  # a step is called by its name already
            doc = f.new if f.old is None else f.old
            words = "" if isinstance(doc, str) else _value_words(kind, doc, node, parts, names, skip=keys)
            f.old_text, f.new_text = ("", words) if f.old is None else (words, "")
        elif f.shape != "texts":
            f.old_text = _value_words(kind, f.old, node, parts, names, before, in_limit)
            f.new_text = _value_words(kind, f.new, node, parts, names, after, in_limit)


def _parse_path(path: str) -> tuple:
    """``materials[营业执照].copies`` as parts, the entries given by their labels (what a path alone knows)."""
    parts: list = []
    generic = ""
    i, n = 0, len(path)
    while i < n:
        if path[i] == "[":
            depth, j = 1, i + 1
            while j < n and depth:
                depth += {"[": 1, "]": -1}.get(path[j], 0)
                j += 1
            label = path[i + 1 : j - 1]
            keys = IDENTITY.get(generic, ())
            entry: Any = dict(zip(keys, label.split(",", max(len(keys) - 1, 0)))) if keys else label
            parts.append(("entry", generic, entry))
            generic += "[]"
            i = j
            continue
        if path[i] == ".":
            i += 1
            continue
        j = i
        while j < n and path[j] not in ".[":
            j += 1
        parts.append(("key", path[i:j]))
        generic += ("." if generic else "") + path[i:j]
        i = j
    return tuple(parts)


def path_title(kind: str, path: str) -> str:
    """A field's title from its path alone (no documents at hand): 承诺办结时限, 申请材料“营业执照”的份数."""
    return _compose(kind, _parse_path(path), {})[0] or path
