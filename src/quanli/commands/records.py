"""``quanli records check``: the open cases of the operation register against their deadlines
(电子监察：实时监控、预警纠错, 内政办发〔2010〕66号 二.(五)), counted on the working-day calendar."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from quanli.core.errors import QuanliError
from quanli.core.findings import Finding, Severity
from quanli.review import register


@dataclass
class Case:
    """One case of the register as the checks and the reports see it."""

    file: str
    case: str
    item: str
    name: str
    department: str
    state: str  # 在办, 暂停计时, 已办结, 已公开
    due: str = ""
    basis: str = ""
    left: int | None = None  # working days left (negative: overdue)
    estimated: bool = False  # the deadline is counted on a year whose holidays are estimated


@dataclass
class Tally:
    by_department: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, department: str, column: str) -> None:
        row = self.by_department.setdefault(department, {"在办": 0, "超期": 0, "临期": 0, "暂停计时": 0, "待公开": 0})
        row[column] += 1


def _finding(rule: str, sf, path: tuple, zh: str, en: str, item: str, display) -> Finding:
    from quanli.check.registry import RULES

    return Finding(
        rule=rule,
        severity=RULES[rule].severity,
        file=display(sf),
        message_zh=zh,
        message_en=en,
        path=path,
        item=item,
        abs_path=sf.path,
    )


def _due_finding(
    rule_over: str,
    rule_soon: str,
    sf,
    path,
    what_zh: str,
    what_en: str,
    due: register.Deadline,
    today: dt.date,
    within: int,
    cal,
    item: str,
    display,
) -> tuple[Finding | None, str, int]:
    """(finding or None, tally column, working days left) for one deadline. A deadline is counted
    on the years from its start to itself only: one in a known year is overdue on any later day."""
    en_mark = " (estimated)" if due.estimated else ""
    if today > due.due:
        late = cal.between(due.due, today)
        about = cal.mark(due.due, today)
        late_zh = f"超期 {late} 个工作日{about}" if late else "超期（今天不是工作日）"
        return (
            _finding(
                rule_over,
                sf,
                path,
                f"{what_zh}已超过期限 {due.text()}（{due.basis}），{late_zh}。",
                f"{what_en} is past its deadline {due.due}{en_mark} ({late} working day(s) late).",
                item,
                display,
            ),
            "超期",
            -late,
        )
    left = cal.between(today, due.due)
    if left <= within:
        when = "今天到期" if left == 0 else f"还剩 {left} 个工作日{cal.mark(today, due.due)}"
        return (
            _finding(
                rule_soon,
                sf,
                path,
                f"{what_zh}将于 {due.text()} 到期（{due.basis}），{when}。",
                f"{what_en} is due on {due.due}{en_mark} ({left} working day(s) left).",
                item,
                display,
            ),
            "临期",
            left,
        )
    return None, "", left


def check_catalogue(
    catalogue, today: dt.date, within: int | None, display, cal=None
) -> tuple[list[Finding], Tally, list[Case]]:
    from quanli.dates import workdays

    cal = cal or workdays.for_catalogue(Path(catalogue.root))
    items = {sf.data["id"]: sf.data for sf in catalogue.items if sf.ok and isinstance(sf.data.get("id"), str)}
    flows = {sf.data["id"]: sf.data for sf in catalogue.flows if sf.ok and isinstance(sf.data.get("id"), str)}
    settings = catalogue.catalog.get("records") if isinstance(catalogue.catalog.get("records"), dict) else {}
    if within is None:
        within = settings.get("due_soon") if isinstance(settings.get("due_soon"), int) else register.DEFAULT_DUE_SOON
    findings: list[Finding] = []
    tally = Tally()
    cases: list[Case] = []
    for sf in catalogue.records:
        if not sf.ok:
            continue  # quanli validate reports files that cannot be read
        rec = sf.data
        ident = rec.get("item")
        item = items.get(ident)
        if item is None:
            continue  # QL952 (validate)
        department = str(item.get("department") or "（未填承办机构）")
        case = Case(sf.rel, str(rec.get("case") or sf.stem), str(ident), str(item.get("name") or ""), department, "")
        cases.append(case)
        what_zh, what_en = f"案件 {case.case}（{ident} {case.name}）", f"case {case.case} ({ident})"
        bad = register.unreadable_dates(rec)
        if bad:  # a date that is none (0000-01-01, 2026-02-30) would read as "not recorded": say so instead
            path, value = bad[0]
            findings.append(
                _finding(
                    "QL965",
                    sf,
                    path,
                    f"{what_zh}：日期“{value}”无效，无法计算期限（quanli validate 报告 QL110）。",
                    f"{what_en}: '{value}' is not a date; no deadline (quanli validate reports QL110).",
                    str(ident),
                    display,
                )
            )
            continue
        if register.date_of(rec, "concluded") is None:
            if register.date_of(rec, "accepted") is None:
                continue
            tally.add(department, "在办")
            case.state = "在办"
            if any(last is None for _, _, last in register.suspensions(rec)):
                case.state = "暂停计时"
                tally.add(department, "暂停计时")
                continue  # a special procedure is under way: the clock stands still
            due = register.deadline(rec, item, flows.get(item.get("flow")), cal)
            if due is None:
                findings.append(
                    _finding(
                        "QL965",
                        sf,
                        ("item",),
                        f"{what_zh}：事项没有办结时限，也没有流程图步骤时限，无法预警。",
                        f"{what_en}: the item has no time limit; no deadline.",
                        str(ident),
                        display,
                    )
                )
                continue
            case.due, case.basis, case.estimated = due.due.isoformat(), due.basis, due.estimated
            found, column, case.left = _due_finding(
                "QL961",
                "QL962",
                sf,
                ("accepted", "date"),
                what_zh,
                what_en,
                due,
                today,
                within,
                cal,
                str(ident),
                display,
            )
        elif register.date_of(rec, "published") is None:
            case.state = "已办结"
            due = register.publish_deadline(rec, item, cal)
            case.due, case.basis, case.estimated = due.due.isoformat(), due.basis, due.estimated
            tally.add(department, "待公开")
            found, column, case.left = _due_finding(
                "QL963",
                "QL964",
                sf,
                ("concluded", "date"),
                f"{what_zh}的办理结果",
                f"the result of {what_en}",
                due,
                today,
                within,
                cal,
                str(ident),
                display,
            )
        else:
            case.state = "已公开"
            continue
        if found is not None:
            findings.append(found)
            tally.add(department, column)
    return findings, tally, cases


def _today(text: str | None) -> dt.date:
    from quanli.dates import clock

    return clock.given_or_today(text, "--today 的日期")


def _tally_text(tally: Tally, lang: str) -> str:
    from quanli.report.plain import table

    if not tally.by_department:
        return "no open cases.\n" if lang == "en" else "没有在办或待公开的案件。\n"
    columns = ["在办", "超期", "临期", "暂停计时", "待公开"]
    head = (
        ["department", "open", "overdue", "due soon", "paused", "to publish"]
        if lang == "en"
        else ["承办机构"] + columns
    )
    rows = [[d] + [str(row[c]) for c in columns] for d, row in sorted(tally.by_department.items())]
    return "\n".join(table(head, rows)) + "\n"


def check(
    paths: list[Path],
    today: str | None,
    within: int | None,
    fmt: str,
    lang: str,
    fail_level: str | None,
    stream: IO[str] | None = None,
) -> int:
    """Exit code 0: nothing overdue (at the fail level); 1: findings at or above it."""
    from quanli import report
    from quanli.check.registry import load_all
    from quanli.check.run import display_path, place
    from quanli.core import config
    from quanli.loader.catalogue import load_catalogue
    from quanli.report.summary import Summary

    load_all()
    if within is not None and not 0 <= within <= 60:
        raise QuanliError("--within 应在 0 到 60 个工作日之间。", "--within must be between 0 and 60 working days.")
    day = _today(today)
    stream = stream or sys.stdout
    started = time.perf_counter()
    cwd = os.getcwd()
    findings: list[Finding] = []
    failing = False
    tallies = []
    files = 0
    from quanli.check.targets import per_member
    from quanli.check.targets import targets as find_targets
    from quanli.dates import workdays
    from quanli.loader.workspace import member_of

    spaces, targets = find_targets(paths)  # a workspace: each of its members
    catalogs = {}
    estimated: set[int] = set()
    for root, _ in targets:
        cfg = config.resolve(root, None)
        catalogue = load_catalogue(root)
        catalogs[root] = (None, catalogue.catalog.data)
        catalogue.overrides = cfg.catalog
        space = next((ws for ws in spaces if member_of([ws], root) is not None), None)
        cal = workdays.for_catalogue(Path(root), space.root if space is not None else None)
        found, tally, cases = check_catalogue(catalogue, day, within, lambda sf: display_path(sf.path, cwd), cal)
        estimated |= cal.estimated_used
        files += len(catalogue.records)
        place(found, {sf.path: sf.blob for sf in catalogue.records if sf.blob is not None})
        found = config.apply(found, cfg, [], [])
        threshold = Severity.parse(fail_level) if fail_level else (cfg.fail_level or Severity.ERROR)
        failing |= any(f.severity >= threshold for f in found)
        findings += found
        tallies.append((catalogue.name, tally))
    findings.sort(key=Finding.sort_key)
    summary = Summary(
        len(targets), files, findings, time.perf_counter() - started, members=per_member(spaces, catalogs, findings)
    )
    report.get(fmt)(findings, summary, lang, stream)
    if fmt in ("text", "markdown"):
        for name, tally in tallies:
            stream.write(
                ("\n" if fmt == "text" else "\n### ")
                + (f"{name}: cases by department on {day}" if lang == "en" else f"{name}：各承办机构案件情况（{day}）")
                + "\n"
            )
            text = _tally_text(tally, lang)
            stream.write(text if fmt == "text" else "```\n" + text + "```\n")
    if estimated:  # once a run, whichever members used the estimate
        note = workdays.Calendar.warning_for(estimated, lang)
        if fmt in ("text", "markdown"):
            stream.write("\n" + note + "\n")
        else:
            print(note, file=sys.stderr)
    stream.flush()
    return 1 if failing else 0
