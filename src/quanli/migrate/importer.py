"""``quanli import``: rows of an existing list become item files, with a report of what could not be read.

Each row is mapped column by column (``columns.resolve``), its values normalised
(``values``), matched against the catalogue's items (by 实施编码, else 基本编码 and name,
else name and 实施主体/承办机构), and either created with a new id, skipped (it exists),
or, with ``update``, merged into the existing file (only changed fields are rewritten,
comments kept). Laws cited that the catalogue does not know are added to laws.yaml with
status 未知. Ids follow the catalogue's pattern and are stable: the same file gives the
same ids, and a second import of it finds every row already there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quanli.migrate import values
from quanli.migrate.rows import Problem, row_to_item
from quanli.migrate.tables import Record, Table

PLACEHOLDER_FLOW = "TODO"
PLACEHOLDER_NOTE = "导入时没有流程图：请新建或选用流程图（quanli new flow）后把编号填在这里"
ABBR = {
    "行政许可": "XK",
    "行政处罚": "CF",
    "行政强制": "QZ",
    "行政征收": "ZS",
    "行政给付": "GF",
    "行政检查": "JC",
    "行政确认": "QR",
    "行政奖励": "JL",
    "行政裁决": "CJ",
    "其他行政权力": "QT",
    "公共服务": "FW",
}
_PATTERN = re.compile(
    r"^\^(?P<pre>[A-Za-z0-9_-]*?)(?P<mid>\{code\}|\[A-Z\]\{(?P<n>\d)\})?(?P<sep>-?)(?:\[0-9\]|\\d)\{(?P<w>\d+)\}\$$"
)


@dataclass
class Planned:
    record: Record
    data: dict
    id: str | None = None
    action: str = "create"  # create, update, skip, unchanged
    existing: Path | None = None
    old: dict | None = None  # the existing item's data
    changed: list[str] = field(default_factory=list)


@dataclass
class Report:
    file: str
    sheet: str = ""
    header_row: int = 0
    rows: int = 0
    mapping: dict[str, str] = field(default_factory=dict)  # header -> field path
    unmapped: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    laws_added: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows": self.rows,
            "mapping": self.mapping,
            "unmapped": self.unmapped,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "unchanged": self.unchanged,
            "laws_added": self.laws_added,
            "problems": [p.to_dict() for p in self.problems],
            "notes": self.notes,
        }


# -- ids ------------------------------------------------------------------------------------------------


class IdMaker:
    """New ids in the catalogue's pattern, numbered after the highest one already used."""

    def __init__(self, pattern: str | None, codes: dict[str, str], existing: set[str]) -> None:
        self.pattern = pattern
        self.codes = codes
        self.used = set(existing)
        self.used_lower = {u.lower() for u in existing}  # two ids differing by case are one file on Windows and macOS
        self.next: dict[str, int] = {}
        m = _PATTERN.match(pattern) if pattern else None
        self.shape = m.groupdict() if m else None
        self.width = int(self.shape["w"]) if self.shape else 4
        self.warned = False

    def prefix(self, category: str) -> str:
        abbr = ABBR.get(category, "QT")
        if self.shape is None:
            return f"{abbr}-"
        code = self.codes.get(category, abbr) if self.shape["mid"] == "{code}" else abbr
        if self.shape["mid"] and self.shape["mid"].startswith("[A-Z]"):
            code = (
                abbr
                if len(abbr) == int(self.shape["n"])
                else abbr[: int(self.shape["n"])].ljust(int(self.shape["n"]), "X")
            )
        return f"{self.shape['pre']}{code if self.shape['mid'] else ''}{self.shape['sep']}"

    def make(self, category: str) -> str:
        prefix = self.prefix(category)
        if prefix not in self.next:
            numbers = [int(i[len(prefix) :]) for i in self.used if i.startswith(prefix) and i[len(prefix) :].isdigit()]
            self.next[prefix] = max(numbers, default=0) + 1
        while True:
            n = self.next[prefix]
            self.next[prefix] += 1
            ident = f"{prefix}{n:0{self.width}d}"
            if ident.lower() not in self.used_lower:
                self.used.add(ident)
                self.used_lower.add(ident.lower())
                return ident

    def fits(self, ident: str) -> bool:
        if not self.pattern or "{code}" in self.pattern:
            return True
        try:
            return re.search(self.pattern, ident) is not None
        except re.error:
            return True


# -- the catalogue side -----------------------------------------------------------------------------------


def _match_keys(data: dict) -> list[tuple]:
    """What identifies an item, most specific first: its id, its 实施编码 (or local code), its
    基本编码 with name and 实施主体, else name, 实施主体 and 主项 (sub-items 新办, 变更 of
    two main items are four items). Two items are one when
    their first keys agree: the same 基本编码 at province and city level are two items."""
    codes = data.get("codes") if isinstance(data.get("codes"), dict) else {}
    name = values.text_of(data.get("name"))
    subject = values.text_of(data.get("subject"))
    keys = []
    if isinstance(data.get("id"), str) and data["id"]:
        keys.append(("id", data["id"]))
    if codes.get("implementation"):
        keys.append(("impl", codes["implementation"]))
    elif codes.get("local"):
        keys.append(("local", codes["local"]))
    elif codes.get("basic") and name:
        keys.append(("basic", codes["basic"], name, subject))
    elif name:
        keys.append(("name", name, subject, values.text_of(data.get("parent"))))
    return keys


def plan(
    table: Table,
    mapping: dict[str, str],
    catalogue,
    defaults: dict,
    update: bool,
    report: Report,
    unit: str = "",
    csv_guard: bool = False,
) -> list[Planned]:
    names = catalogue.category_names()
    existing: dict[tuple, tuple[str, Path, dict]] = {}
    for sf in catalogue.items:
        if sf.ok and isinstance(sf.data.get("id"), str):
            for key in _match_keys(sf.data):
                existing.setdefault(key, (sf.data["id"], Path(sf.path), sf.data))
    ids = IdMaker(
        catalogue.settings.get("id_pattern"),
        catalogue.category_codes(),
        {sf.data["id"] for sf in catalogue.items if sf.ok and isinstance(sf.data.get("id"), str)}
        | {Path(sf.path).stem for sf in catalogue.items},
    )
    seen_in_file: dict[tuple, str] = {}
    out = []
    for record in table.records:
        data = row_to_item(record, mapping, names, defaults, report.problems, csv_guard)
        if not data.get("name"):
            report.problems.append(Problem(record.row, "", "", "这一行没有事项名称，已跳过"))
            continue
        if unit:
            data.setdefault("subject", unit)  # as the new file will have it, so that a second import finds it
        planned = Planned(record, data)
        hit = next((existing[k] for k in _match_keys(data) if k in existing), None)
        if hit is not None:
            planned.id, planned.existing, planned.old = hit
            planned.action = "update" if update else "skip"  # settled by settle() once law names are ids
        else:
            again = next((seen_in_file[k] for k in _match_keys(data) if k in seen_in_file), None)
            if again is not None:
                report.problems.append(Problem(record.row, "", "", f"与前面的行重复（{again}），已跳过"))
                continue
            own = data.get("id")
            if (
                isinstance(own, str)
                and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", own)
                and own.lower() not in ids.used_lower
            ):
                planned.id = own  # the row has its id (an export read back): keep it
                ids.used.add(own)
                ids.used_lower.add(own.lower())
            else:
                if own is not None:
                    report.problems.append(Problem(record.row, "", "", f"编号“{own}”无效或已被占用，已另编"))
                planned.id = ids.make(values.text_of(data.get("category")) or "其他行政权力")
            if not ids.fits(planned.id) and not ids.warned:
                ids.warned = True
                report.notes.append(
                    f"编号规则 {ids.pattern} 无法自动套用，新编号形如 {planned.id}；validate 会报告不符合规则的编号。"
                )
        for key in _match_keys(data):
            seen_in_file.setdefault(key, planned.id)
        out.append(planned)
    return out


def settle(planned: list[Planned]) -> None:
    """For rows that exist already: which fields differ (after law names became ids), as paths. An
    object field (contact, disclosure, time_limit …) is compared sub-field by sub-field, so a table
    with only 咨询电话 changes contact.consult_phone and keeps the rest of contact; none: unchanged."""
    for p in planned:
        if p.action == "update" and p.old is not None:
            changed = []
            for key, value in p.data.items():
                old = p.old.get(key)
                if isinstance(value, dict) and isinstance(old, dict):
                    changed += [f"{key}.{sub}" for sub, v in value.items() if old.get(sub) != v]
                elif value != old:
                    changed.append(key)
            p.changed = changed
            if not p.changed:
                p.action = "unchanged"


def changes_of(p: Planned) -> dict[str, Any]:
    """{path: new value} for the fields an update writes."""
    out = {}
    for path in p.changed:
        head, _, rest = path.partition(".")
        out[path] = p.data[head][rest] if rest else p.data[head]
    return out


def complete(data: dict, ident: str, unit: str, default_scope: str | None) -> dict:
    """A new item: the id first, the subject from the unit, a placeholder flow. The scope is the
    default only when the table says nothing about scope (``default_scope`` None: it had a scope
    column, so a row without a readable scope gets none, and validate stops it from being published)."""
    item = {"id": ident, **{k: v for k, v in data.items() if k != "id"}}
    item.setdefault("subject", unit)
    item.setdefault("flow", PLACEHOLDER_FLOW)
    if default_scope is not None:
        disclosure = item.setdefault("disclosure", {})
        if isinstance(disclosure, dict):
            disclosure.setdefault("scope", default_scope)
    return item


def _bases(data: dict) -> list[dict]:
    """The basis entries that are objects (a column of quanli's own JSON may hold anything: validate reports it)."""
    basis = data.get("basis")
    return [b for b in basis if isinstance(b, dict)] if isinstance(basis, list) else []


def law_entries(planned: list[Planned], known: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """Laws to add (status 未知) and {cited name: law id} for every basis, known or new."""
    by_name = {values.text_of(law.get("name")): law["id"] for law in known if isinstance(law.get("id"), str)}
    by_id = {law["id"] for law in known if isinstance(law.get("id"), str)}
    new: list[dict] = []
    ids: dict[str, str] = {}
    for p in planned:
        for basis in _bases(p.data):
            name = values.text_of(basis.get("law")).replace("<", "〈").replace(">", "〉")
            if name in ids:
                continue
            if name in by_id:  # already an id
                ids[name] = name
                continue
            if name in by_name or name.replace("〈", "").replace("〉", "") in by_name:
                ids[name] = by_name.get(name) or by_name[name.replace("〈", "").replace("〉", "")]
                continue
            ident = values.law_id(name)
            if ident in by_id:
                same = [law for law in known + new if law.get("id") == ident]
                if (
                    same and values.law_id(values.text_of(same[0].get("name"))) == ident
                ):  # 《食品安全法》 and its full name
                    ids[name] = ident
                    continue
                ident = f"{ident}（{len(new) + 1}）"
            entry: dict = {"id": ident, "name": name, "status": "未知"}
            if name.startswith("中华人民共和国") and name.endswith("法"):
                entry["level"] = "法律"
            new.append(entry)
            by_id.add(ident)
            by_name[name] = ident
            ids[name] = ident
    return new, ids


def apply_law_ids(data: dict, ids: dict[str, str]) -> None:
    for basis in _bases(data):
        name = values.text_of(basis.get("law")).replace("<", "〈").replace(">", "〉")
        if name in ids:
            basis["law"] = ids[name]


def dump_json_report(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
