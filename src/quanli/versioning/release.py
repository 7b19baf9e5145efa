"""What a release says: the changes since the previous release, item by item, with reasons.

A release is an annotated git tag. Its 变更说明 lists every added, removed, modified,
renumbered, suspended or cancelled item with what changed and why: the reason is the
item's ``change_reason`` when it was written for this release, otherwise the messages of
the commits that touched the item. The report to the supervising office is due on the
20th working day after the release date (counting starts the next day; 银政办内发〔2008〕48号 四.(二).2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from quanli.report.changes import CHANGE_ZH, KIND_ZH
from quanli.versioning.compare import Change

REPORT_WORKDAYS = 20
DEFAULT_REPORT_TO = "上级政务公开工作主管机关"
WITHDRAWN = {"停止行使": "停止行使", "已取消": "取消"}


@dataclass
class Row:
    id: str
    name: str
    change: str  # 新增, 删除, 修改, 改编号, 停止行使, 取消
    what: list[str]
    reason: str
    old_id: str | None = None


@dataclass
class Note:
    unit: str
    report_to: str
    catalogue: str  # folder in the repository
    version: str
    date: dt.date
    deadline: dt.date
    previous: str | None  # the previous release's tag, None for the first
    rows: list[Row] = field(default_factory=list)
    estimated: list[int] = field(default_factory=list)  # years whose holidays the deadline estimates
    others: list[str] = field(default_factory=list)  # flows, laws, departments in words

    def deadline_text(self) -> str:
        """The deadline as 2027-01-05, or 2027-01-05（预估） when it is counted on an estimated year."""
        return self.deadline.isoformat() + ("（预估）" if self.estimated else "")

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.rows:
            out[row.change] = out.get(row.change, 0) + 1
        return out


def _what(change: Change, limit: int = 8) -> list[str]:
    if change.change == "added":
        return ["新增事项"]
    if change.change == "removed":
        return ["删除事项"]
    lines = []
    if change.change == "renamed":
        lines.append(f"事项编号：{change.old_id} → {change.id}")
    for f in change.fields:
        if f.path.startswith("change_reason"):
            continue
        lines.append(f.line(40))
    if len(lines) > limit:
        lines = lines[: limit - 1] + [f"等共 {len(lines)} 处"]
    return lines


def _label(change: Change) -> str:
    if change.change == "modified":
        for f in change.fields:
            if f.path == "status" and f.new in WITHDRAWN:
                return WITHDRAWN[f.new]
    return CHANGE_ZH[change.change]


def _reason(change: Change, messages: dict[str, list[str]]) -> str:
    doc = change.after if isinstance(change.after, dict) else change.before
    written = isinstance(doc, dict) and isinstance(doc.get("change_reason"), str) and doc["change_reason"].strip()
    fresh = change.change in ("added", "removed") or any(f.path == "change_reason" for f in change.fields)
    if written and fresh:
        return doc["change_reason"].strip()
    said = messages.get(change.id, []) + (messages.get(change.old_id, []) if change.old_id else [])
    seen: list[str] = []
    for text in said:
        if text and text not in seen:
            seen.append(text)
    return "；".join(seen)


def _other(change: Change) -> str:
    head = f"{KIND_ZH[change.kind]}{CHANGE_ZH[change.change]}" + ("" if change.kind == "catalog" else f"：{change.id}")
    if change.name and change.name != change.id:
        head += f" {change.name}"
    details = change.summary or [f.line(30) for f in change.fields[:5]]
    if details:
        head += "（" + "；".join(details[:4]) + ("等" if len(details) > 4 else "") + "）"
    if change.affects:
        head += f"，涉及事项 {'、'.join(change.affects)}"
    return head


def build_note(
    changes: list[Change],
    messages: dict[str, list[str]],
    *,
    unit: str,
    report_to: str,
    catalogue: str,
    version: str,
    date: dt.date,
    deadline: dt.date,
    previous: str | None,
    estimated: list[int] | None = None,
) -> Note:
    note = Note(
        unit,
        report_to or DEFAULT_REPORT_TO,
        catalogue,
        version,
        date,
        deadline,
        previous,
        estimated=list(estimated or []),
    )
    for c in changes:
        if c.kind == "item":
            note.rows.append(Row(c.id, c.name, _label(c), _what(c), _reason(c, messages), c.old_id))
        else:
            note.others.append(_other(c))
    return note
