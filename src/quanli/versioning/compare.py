"""Semantic comparison of two states of a catalogue: model × model → changes.

The state is plain data (``State``): items, flows, laws and departments by identifier, as
read from two git revisions or from disk. Changes are in the catalogue's own terms:
an item added, removed, renamed (same content under a new id) or modified, with each
modified field as (path, old, new). Lists are matched by what identifies their entries
(a basis by law and article, a material by name, a step by id), so reordering keys or
entries, or reformatting the YAML, is not a change.

Each field change also says itself in the clerk's words: its ``title`` is made of the
schemas' Chinese titles and the names of the list entries it is in (承诺办结时限,
申请材料“营业执照”的份数, 步骤“受理”的承办岗位), and its values are written out
(5 个工作日, 是/否, step names for step ids). The path stays, for machines.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

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
# A removed and an added entry are one renamed entry when their content (id aside) matches this much
# and they have the same name, or matches almost entirely whatever the name: items made from one
# template share most of their fields, so similarity alone would pair two different items.
RENAME_SIMILARITY = 0.8
RENAME_SIMILARITY_ANY_NAME = 0.95


@dataclass
class FieldChange:
    path: str
    old: Any = None
    new: Any = None
    title: str = ""  # the field in the clerk's words (set by compare): 承诺办结时限, 申请材料“营业执照”的份数
    old_text: str = field(default="", compare=False)  # the values in words (set by compare): 5个工作日, 是, 受理
    new_text: str = field(default="", compare=False)
    # value: old -> new; entry: a list entry added (old None) or removed (new None) as a whole;
    # texts: a list of texts, old = the texts that went, new = the texts that came
    shape: str = field(default="value", compare=False)
    parts: tuple = field(
        default=(), repr=False, compare=False
    )  # the path as ("key", k) and ("entry", list path, entry)

    def to_dict(self) -> dict:
        out: dict = {"path": self.path}
        if self.title:
            out["title"] = self.title
        out["old"], out["new"] = self.old, self.new
        return out

    def line(self, width: int = 80) -> str:
        """The change as one line a clerk reads: 承诺办结时限：10个工作日 → 5个工作日, 新增申请材料“营业执照”."""
        title = self.title or path_title("item", self.path)
        if self.shape == "entry":
            if self.old is None:
                return f"新增{title}" + (f"（{_cut(self.new_text, width)}）" if self.new_text else "")
            return f"删除{title}"
        if self.shape == "texts":
            said = [f"新增“{_cut(t, width)}”" for t in self.new or []] + [
                f"删除“{_cut(t, width)}”" for t in self.old or []
            ]
            return f"{title}：{'；'.join(said)}"
        old = _cut(self.old_text or _text(self.old), width)
        new = _cut(self.new_text or _text(self.new), width)
        return f"{title}：{old} → {new}"


@dataclass
class Change:
    kind: str  # item, flow, law, department, catalog (unit and settings in catalog.yaml)
    id: str
    change: str  # added, removed, modified, renamed; unreadable (the file cannot be read on one side)
    name: str = ""
    old_id: str | None = None  # for renamed
    fields: list[FieldChange] = field(default_factory=list)
    affects: list[str] = field(default_factory=list)  # items touched by a flow or law change
    # in words, for a flow (steps, edges, every other field), a law, a department or the catalogue;
    # an item is said field by field (FieldChange.line), as the 变更说明 lists it
    summary: list[str] = field(default_factory=list)
    before: Any = None  # the documents themselves (not serialised): for Mermaid before/after
    after: Any = None
    path: str | None = None  # for unreadable: the file, and the side (old, new) where it cannot be read
    side: str | None = None

    def to_dict(self) -> dict:
        out: dict = {"kind": self.kind, "id": self.id, "change": self.change, "name": self.name}
        if self.old_id is not None:
            out["old_id"] = self.old_id
        if self.fields:
            out["fields"] = [f.to_dict() for f in self.fields]
        if self.affects:
            out["affects"] = self.affects
        if self.summary:
            out["summary"] = self.summary
        if self.path is not None:
            out["path"] = self.path
            out["side"] = self.side
        return out


@dataclass
class State:
    items: dict[str, dict] = field(default_factory=dict)
    flows: dict[str, dict] = field(default_factory=dict)
    laws: dict[str, dict] = field(default_factory=dict)
    departments: dict[str, dict] = field(default_factory=dict)
    catalog: dict[str, dict] = field(default_factory=dict)  # {"catalog.yaml": its fields but departments}
    # every item of this side whose text mentions a string (None: ``items`` is the whole side).
    # Lets a state hold only the changed files while a flow or law change still finds its items.
    items_mentioning: Callable[[str], dict[str, dict]] | None = None

    def items_citing(self, needle: str) -> dict[str, dict]:
        return self.items_mentioning(needle) if self.items_mentioning else self.items


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


def diff_values(old: Any, new: Any, path: str = "", parts: tuple = ()) -> list[FieldChange]:
    """Field-level changes between two values, lists matched by identity where one is known."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            sub = f"{path}.{key}" if path else str(key)
            at = parts + (("key", key),)
            if key not in old:
                out.append(FieldChange(sub, None, new[key], parts=at))
            elif key not in new:
                out.append(FieldChange(sub, old[key], None, parts=at))
            else:
                out += diff_values(old[key], new[key], sub, at)
        return out
    if isinstance(old, list) and isinstance(new, list):
        generic = _generic(path).rstrip(".")
        keys = IDENTITY.get(generic)
        if keys is None and all(not isinstance(v, (dict, list)) for v in old + new):
            # a list of texts: order is not meaningful, report what was added and removed
            gone = [v for v in old if v not in new]
            came = [v for v in new if v not in old]
            return [FieldChange(path, gone or None, came or None, shape="texts", parts=parts)] if gone or came else []
        if keys is None:
            return [FieldChange(path, old, new, parts=parts)]
        before = {_key_of(e, keys): e for e in old}
        after = {_key_of(e, keys): e for e in new}
        out = []
        for k, entry in before.items():
            sub = f"{path}[{_label(entry, keys)}]"
            at = parts + (("entry", generic, entry),)
            out += (
                [FieldChange(sub, entry, None, shape="entry", parts=at)]
                if k not in after
                else diff_values(entry, after[k], sub, at)
            )
        out += [
            FieldChange(f"{path}[{_label(e, keys)}]", None, e, shape="entry", parts=parts + (("entry", generic, e),))
            for k, e in after.items()
            if k not in before
        ]
        return out
    return [FieldChange(path, old, new, parts=parts)]


def _flat(value: Any) -> list[str]:
    """A document as comparable lines, one per top-level field (the id itself left out)."""
    if isinstance(value, dict):
        return [
            f"{key}={json.dumps(value[key], ensure_ascii=False, sort_keys=True)}"
            for key in sorted(value, key=str)
            if key != "id"
        ]
    return [json.dumps(value, ensure_ascii=False, sort_keys=True)]


def _same_name(a: Any, b: Any) -> bool:
    name = lambda d: " ".join(str(d.get("name", "")).split()) if isinstance(d, dict) else ""  # noqa: E731
    return bool(name(a)) and name(a) == name(b)


def similarity(a: dict, b: dict) -> float:
    return difflib.SequenceMatcher(None, _flat(a), _flat(b), autojunk=False).ratio()


def _compare_kind(
    kind: str, old: dict[str, dict], new: dict[str, dict], renames: bool, laws: dict[str, Any] | None = None
) -> list[Change]:
    out: list[Change] = []
    removed = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    pairs: list[tuple[str, str]] = []
    if renames and removed and added:
        candidates = sorted(((similarity(old[r], new[a]), r, a) for r in removed for a in added), reverse=True)
        used_r, used_a = set(), set()
        for score, r, a in candidates:
            needed = RENAME_SIMILARITY if _same_name(old[r], new[a]) else RENAME_SIMILARITY_ANY_NAME
            if score >= needed and r not in used_r and a not in used_a:
                pairs.append((r, a))
                used_r.add(r)
                used_a.add(a)
        removed = [r for r in removed if r not in used_r]
        added = [a for a in added if a not in used_a]
    name = lambda d: str(d.get("name", "")) if isinstance(d, dict) else ""  # noqa: E731
    for ident in added:
        out.append(Change(kind, ident, "added", name(new[ident]), after=new[ident]))
    for ident in removed:
        out.append(Change(kind, ident, "removed", name(old[ident]), before=old[ident]))
    for r, a in pairs:
        fields = [f for f in diff_values(old[r], new[a]) if f.path != "id"]
        out.append(Change(kind, a, "renamed", name(new[a]), old_id=r, fields=fields, before=old[r], after=new[a]))
    for ident in sorted(set(old) & set(new)):
        fields = diff_values(old[ident], new[ident])
        if fields:
            out.append(
                Change(kind, ident, "modified", name(new[ident]), fields=fields, before=old[ident], after=new[ident])
            )
    for change in out:
        entitle(kind, change.fields, change.before, change.after, laws or {})
    return out


def _step_label(path: str) -> str:
    return path[len("steps[") : path.index("]")]


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


def flow_summary(change: Change) -> list[str]:
    """A flow's changes in words: steps added, removed or renamed, edges, and every other field by its title.

    Steps are named by their names, never by their ids (a step is called by its old name where it had one)."""
    out = []
    names = _step_names(change.before, change.after)
    for f in change.fields:
        if not f.path.startswith("steps["):
            out.append(f.line(60))
            continue
        step = _step_label(f.path)
        rest = f.path[len("steps[") + len(step) + 1 :]
        shown = names.get(step) or step
        if rest == "":
            doc = f.new if f.old is None else f.old
            called = (
                doc.get("name")
                if isinstance(doc, dict) and isinstance(doc.get("name"), str) and doc["name"].strip()
                else step
            )
            out.append(f"{'新增' if f.old is None else '删除'}步骤“{called}”")
            continue
        if rest == ".name":
            out.append(f"步骤改名：“{_text(f.old)}” → “{_text(f.new)}”")
        elif rest.startswith(".next["):
            target = rest[len(".next[") :].split("]", 1)[0]
            tail = rest[len(".next[") + len(target) + 1 :]
            edge = f"{shown} → {names.get(target) or target}"
            if tail == "" and f.old is None:
                out.append(f"新增连线：{edge}")
            elif tail == "" and f.new is None:
                out.append(f"删除连线：{edge}")
            elif tail == ".label":
                out.append(f"连线“{edge}”的标签：{f.old_text or _text(f.old)} → {f.new_text or _text(f.new)}")
            else:
                out.append(
                    f"连线“{edge}”的{f.title.rsplit('的', 1)[-1]}：{f.old_text or _text(f.old)} → {f.new_text or _text(f.new)}"
                )
        else:
            out.append(f.line(60))
    return out


def changed_steps(change: Change) -> tuple[list[str], list[str], list[str]]:
    """(added, modified, removed) step ids of a flow change, each sorted: what the Mermaid charts mark."""
    added, modified, removed = set(), set(), set()
    for f in change.fields:
        if not f.path.startswith("steps["):
            continue
        step = _step_label(f.path)
        if f.path == f"steps[{step}]":
            (added if f.old is None else removed).add(step)
        else:
            modified.add(step)
    return sorted(added), sorted(modified - added - removed), sorted(removed)


def compare(before: State, after: State) -> list[Change]:
    """Every change from ``before`` to ``after``, sorted by kind and id."""
    laws = {**before.laws, **after.laws}  # for the names of the laws a basis cites (the new name wins)
    changes = (
        _compare_kind("item", before.items, after.items, renames=True, laws=laws)
        + _compare_kind("flow", before.flows, after.flows, renames=True)
        + _compare_kind("law", before.laws, after.laws, renames=False)
        + _compare_kind("department", before.departments, after.departments, renames=False)
        + _compare_kind("catalog", before.catalog, after.catalog, renames=False)
    )
    for change in changes:  # who is touched by a changed flow or law, in the new state (or the old one if removed)
        side = after if change.change != "removed" else before
        if change.kind == "flow":
            items = side.items_citing(change.id)
            change.affects = sorted(i for i, d in items.items() if d.get("flow") in (change.id, change.old_id))
            change.summary = flow_summary(change)
        elif change.kind == "law":
            items = side.items_citing(change.id)
            change.affects = sorted(
                i
                for i, d in items.items()
                if any(
                    isinstance(b, dict) and b.get("law") == change.id
                    for b in (d.get("basis") if isinstance(d.get("basis"), list) else [])
                )
            )
        if change.kind != "item" and change.kind != "flow" and change.fields:
            change.summary = [
                f.line(60) for f in change.fields
            ]  # what a 变更说明 says of a law, department or the catalogue
    return sorted(changes, key=sort_key)


KIND_ORDER = {"item": 0, "flow": 1, "law": 2, "department": 3, "catalog": 4}


def sort_key(change: Change) -> tuple:
    return KIND_ORDER[change.kind], change.id, change.change


# ---- in words: the titles of fields and their values, as a clerk reads them

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
