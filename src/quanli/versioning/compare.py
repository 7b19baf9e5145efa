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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# what identifies list entries, and the fields and values in words, live in titles and words;
# they are imported here too, for the modules that have always found them here
from quanli.versioning.titles import IDENTITY, _generic, _key_of, _label, _step_names, entitle, path_title
from quanli.versioning.words import _cut, _text

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
