"""Semantic comparison of two states of a catalogue: model × model → changes.

The state is plain data (``State``): items, flows, laws and departments by identifier, as
read from two git revisions or from disk. Changes are in the catalogue's own terms:
an item added, removed, renamed (same content under a new id) or modified, with each
modified field as (path, old, new). Lists are matched by what identifies their entries
(a basis by law and article, a material by name, a step by id), so reordering keys or
entries, or reformatting the YAML, is not a change.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any, Callable

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

    def to_dict(self) -> dict:
        return {"path": self.path, "old": self.old, "new": self.new}


@dataclass
class Change:
    kind: str  # item, flow, law, department, catalog (unit and settings in catalog.yaml)
    id: str
    change: str  # added, removed, modified, renamed; unreadable (the file cannot be read on one side)
    name: str = ""
    old_id: str | None = None  # for renamed
    fields: list[FieldChange] = field(default_factory=list)
    affects: list[str] = field(default_factory=list)  # items touched by a flow or law change
    summary: list[str] = field(default_factory=list)  # for flows: steps and edges in words
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


def diff_values(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Field-level changes between two values, lists matched by identity where one is known."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in old:
                out.append(FieldChange(sub, None, new[key]))
            elif key not in new:
                out.append(FieldChange(sub, old[key], None))
            else:
                out += diff_values(old[key], new[key], sub)
        return out
    if isinstance(old, list) and isinstance(new, list):
        keys = IDENTITY.get(_generic(path).rstrip("."))
        if keys is None and all(not isinstance(v, (dict, list)) for v in old + new):
            # a list of texts: order is not meaningful, report what was added and removed
            gone = [v for v in old if v not in new]
            came = [v for v in new if v not in old]
            return [FieldChange(path, gone or None, came or None)] if gone or came else []
        if keys is None:
            return [FieldChange(path, old, new)]
        before = {_key_of(e, keys): e for e in old}
        after = {_key_of(e, keys): e for e in new}
        out = []
        for k, entry in before.items():
            sub = f"{path}[{_label(entry, keys)}]"
            out += [FieldChange(sub, entry, None)] if k not in after else diff_values(entry, after[k], sub)
        out += [FieldChange(f"{path}[{_label(e, keys)}]", None, e) for k, e in after.items() if k not in before]
        return out
    return [FieldChange(path, old, new)]


def _flat(value: Any) -> list[str]:
    """A document as comparable lines, one per top-level field (the id itself left out)."""
    if isinstance(value, dict):
        return [f"{key}={json.dumps(value[key], ensure_ascii=False, sort_keys=True)}" for key in sorted(value, key=str) if key != "id"]
    return [json.dumps(value, ensure_ascii=False, sort_keys=True)]


def _same_name(a: Any, b: Any) -> bool:
    name = lambda d: " ".join(str(d.get("name", "")).split()) if isinstance(d, dict) else ""  # noqa: E731
    return bool(name(a)) and name(a) == name(b)


def similarity(a: dict, b: dict) -> float:
    return difflib.SequenceMatcher(None, _flat(a), _flat(b), autojunk=False).ratio()


def _compare_kind(kind: str, old: dict[str, dict], new: dict[str, dict], renames: bool) -> list[Change]:
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
            out.append(Change(kind, ident, "modified", name(new[ident]), fields=fields, before=old[ident], after=new[ident]))
    return out


def _step_label(path: str) -> str:
    return path[len("steps["):path.index("]")]


def flow_summary(change: Change) -> list[str]:
    """A flow's field changes in words: steps added, removed or renamed, edges, posts and time limits."""
    out = []
    names_old: dict = {}
    for doc in (change.after, change.before):  # a step is called by its old name where it had one
        steps = doc.get("steps") if isinstance(doc, dict) else None
        names_old.update({s.get("id"): s.get("name") for s in steps if isinstance(s, dict) and isinstance(s.get("name"), str)}
                         if isinstance(steps, list) else {})
    for f in change.fields:
        if not f.path.startswith("steps["):
            continue
        step = _step_label(f.path)
        rest = f.path[len("steps[") + len(step) + 1:]
        shown = names_old.get(step) or step
        if rest == "":
            if f.old is None:
                out.append(f"新增步骤“{(f.new or {}).get('name', step) if isinstance(f.new, dict) else step}”（{step}）")
            elif f.new is None:
                out.append(f"删除步骤“{(f.old or {}).get('name', step) if isinstance(f.old, dict) else step}”（{step}）")
            continue
        if rest == ".name":
            out.append(f"步骤改名：“{f.old}” → “{f.new}”（{step}）")
        elif rest.startswith(".next"):
            target = rest[len(".next["):-1] if rest.startswith(".next[") and rest.endswith("]") else ""
            if rest == ".next" or not target:
                out.append(f"“{shown}”的下一步：{_words(f.old)} → {_words(f.new)}")
            elif f.old is None:
                out.append(f"新增连线：{shown} → {names_old.get(target) or target}")
            elif f.new is None:
                out.append(f"删除连线：{shown} → {names_old.get(target) or target}")
            else:
                out.append(f"连线“{shown} → {names_old.get(target) or target}”的标签：{_words(f.old)} → {_words(f.new)}")
        elif rest.startswith(".time_limit"):
            out.append(f"“{shown}”的时限：{_words(f.old)} → {_words(f.new)}")
        elif rest.startswith(".post"):
            out.append(f"“{shown}”的承办岗位：{_words(f.old)} → {_words(f.new)}")
        else:
            out.append(f"“{shown}”的 {rest.lstrip('.')}：{_words(f.old)} → {_words(f.new)}")
    return out


def _words(value: Any) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, dict) and "label" in value:
        return str(value["label"])
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def compare(before: State, after: State) -> list[Change]:
    """Every change from ``before`` to ``after``, sorted by kind and id."""
    changes = (_compare_kind("item", before.items, after.items, renames=True)
               + _compare_kind("flow", before.flows, after.flows, renames=True)
               + _compare_kind("law", before.laws, after.laws, renames=False)
               + _compare_kind("department", before.departments, after.departments, renames=False)
               + _compare_kind("catalog", before.catalog, after.catalog, renames=False))
    for change in changes:  # who is touched by a changed flow or law, in the new state (or the old one if removed)
        side = after if change.change != "removed" else before
        if change.kind == "flow":
            items = side.items_citing(change.id)
            change.affects = sorted(i for i, d in items.items() if d.get("flow") in (change.id, change.old_id))
            change.summary = flow_summary(change)
        elif change.kind == "law":
            items = side.items_citing(change.id)
            change.affects = sorted(i for i, d in items.items() if any(
                isinstance(b, dict) and b.get("law") == change.id for b in (d.get("basis") if isinstance(d.get("basis"), list) else [])))
    return sorted(changes, key=sort_key)


KIND_ORDER = {"item": 0, "flow": 1, "law": 2, "department": 3, "catalog": 4}


def sort_key(change: Change) -> tuple:
    return KIND_ORDER[change.kind], change.id, change.change
