"""The operation register of important powers (《重要权力动态运行情况登记表》, 银政办内发〔2008〕48号 附件3):
one YAML file per case under ``records/``, with the dates of its main steps, and the deadline
of each open case counted on the working-day calendar (电子监察：实时监控、预警纠错, 内政办发〔2010〕66号 二.(五)).

Personal data never belongs in the register: it is filed with the supervising office and may
be published. ``personal_data`` finds what looks like it (rule QL951).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass

from quanli.core.model import TimeLimit, time_limit

# the register's steps in order: field, Chinese name
STEPS = (("accepted", "受理"), ("decided", "决策"), ("executed", "执行"), ("concluded", "结果"), ("published", "公开"))
STEP_NAMES = dict(STEPS)
# results of these categories are published within 7 working days, others within 20 (鹤政办〔2019〕20号 二.(七))
PUBLISH_DAYS = {"行政许可": 7, "行政处罚": 7}
PUBLISH_DAYS_DEFAULT = 20
DEFAULT_DUE_SOON = 3

# columns of the register, in the order of the table: key, heading
COLUMNS = (
    ("case", "案件编号"),
    ("item", "权力编码"),
    ("name", "权力名称"),
    ("category", "权力类别"),
    ("department", "承办机构"),
    ("applicant_type", "申请人类型"),
    ("summary", "案由"),
    ("accepted", "受理日期"),
    ("decided", "决策日期"),
    ("decision_method", "决策方式"),
    ("executed", "执行日期"),
    ("concluded", "办结日期"),
    ("outcome", "办理结果"),
    ("published", "公开日期"),
    ("deadline", "办结期限"),
    ("on_time", "是否按期"),
)
DEFAULT_PUBLISHED = (
    "case",
    "item",
    "name",
    "department",
    "applicant_type",
    "accepted",
    "decided",
    "concluded",
    "outcome",
    "published",
    "on_time",
)
INTERNAL_ONLY = ("remarks", "note", "reason", "extra")  # never in any public output, whatever is configured


def date_of(record: dict, step: str) -> dt.date | None:
    """The date of a step (None when the step is not recorded or its date is not a date)."""
    entry = record.get(step)
    value = entry.get("date") if isinstance(entry, dict) else None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _day(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def suspensions(record: dict) -> list[tuple[str, dt.date, dt.date | None]]:
    """(step, first day, last day or None while it lasts) of each period not counted."""
    out = []
    entries = record.get("suspensions")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and _day(entry.get("from")) is not None:
            out.append((str(entry.get("step") or ""), _day(entry.get("from")), _day(entry.get("to"))))
    return out


def unreadable_dates(record: dict) -> list[tuple[tuple, str]]:
    """(path, value) of each date the record gives that is no calendar date (0000-01-01, 2026-02-30,
    a typing error): ``date_of`` and ``suspensions`` read those as not given, so a case would count
    as not accepted, or a suspension as still lasting. quanli validate reports them (QL110);
    ``quanli records check`` says it cannot count that case's deadline."""
    out = []
    for step, _ in STEPS:
        entry = record.get(step)
        value = entry.get("date") if isinstance(entry, dict) else None
        if value is not None and value != "" and _day(value) is None:
            out.append(((step, "date"), str(value)))
    entries = record.get("suspensions")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        for key in ("from", "to"):
            value = entry.get(key) if isinstance(entry, dict) else None
            if value is not None and value != "" and _day(value) is None:
                out.append((("suspensions", i, key), str(value)))
    return out


def date_problems(record: dict) -> list[tuple[tuple, str, str]]:
    """(path, zh, en) for each step dated before an earlier step, each step recorded after a
    missing one, and each suspension that ends before it starts or lies outside the case."""
    out = []
    seen: list[tuple[str, dt.date]] = []
    missing = None
    for key, name in STEPS:
        day = date_of(record, key)
        if day is None:
            if key in record and isinstance(record.get(key), dict):
                continue  # a step without a usable date: the schema reports it
            missing = missing or name
            continue
        if missing == "受理":  # intermediate steps may be absent (a case closed without execution); 受理 may not
            out.append(
                (
                    (key, "date"),
                    f"登记了{name}，但没有登记之前的{missing}环节。",
                    f"{key} is recorded but an earlier step ({missing}) is not.",
                )
            )
        if seen and day < seen[-1][1]:
            out.append(
                (
                    (key, "date"),
                    f"{name}日期 {day} 早于{STEP_NAMES[seen[-1][0]]}日期 {seen[-1][1]}。",
                    f"the {key} date {day} is before the {seen[-1][0]} date {seen[-1][1]}.",
                )
            )
        seen.append((key, day))
    start = date_of(record, "accepted")
    end = date_of(record, "concluded")
    for i, (step, first, last) in enumerate(suspensions(record)):
        if last is not None and last < first:
            out.append(
                (
                    ("suspensions", i, "to"),
                    f"不计时段“{step}”的结束日期 {last} 早于开始日期 {first}。",
                    f"suspension '{step}' ends before it starts.",
                )
            )
        elif start and first < start or end and (last or first) > end:
            out.append(
                (
                    ("suspensions", i, "from"),
                    f"不计时段“{step}”不在受理（{start}）到办结（{end or '未办结'}）之间。",
                    f"suspension '{step}' lies outside the case ({start} to {end or 'open'}).",
                )
            )
    return out


# ---- personal data --------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID18 = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[- ]?)\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_LABELLED_NAME = re.compile(
    r"(申请人|当事人|联系人|法定代表人|委托代理人|代理人|经办人|被处罚人|举报人|投诉人|姓名)(?:姓名|为|是)?\s*[：:]\s*"
    r"([\u4e00-\u9fff·]{2,12})"
)
_TITLED_NAME = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{1,2}(?:先生|女士)")
_NOT_A_NAME = re.compile(
    r"(公司|企业|单位|中心|集团|局|厂|店|社|所|部|院|校|会|站|队|处|科|个人|本人|自然人|法人|组织|无|不详|略)$"
)


def _id_valid(text: str) -> bool:
    digits = text[:17]
    total = sum(int(d) * w for d, w in zip(digits, _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != text[17].upper():
        return False
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return True


def _mask(text: str) -> str:
    """Enough of a value to find it again, not enough to read it: 110101********1234."""
    if len(text) <= 4:
        return text[0] + "*" * (len(text) - 1)
    keep = max(1, len(text) // 4)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def personal_data(text: str) -> list[tuple[str, str, str]]:
    """(what in Chinese, what in English, the value masked) for each piece of personal data."""
    out = []
    for m in _ID18.finditer(text):
        if _id_valid(m.group()):
            out.append(("身份证号", "an ID card number", _mask(m.group())))
    for m in _MOBILE.finditer(text):
        out.append(("手机号码", "a mobile number", _mask(m.group())))
    for m in _LANDLINE.finditer(text):
        if not any(m.start() >= i.start() and m.end() <= i.end() for i in _ID18.finditer(text)):
            out.append(("电话号码", "a phone number", _mask(m.group())))
    for m in _EMAIL.finditer(text):
        out.append(("电子邮箱", "an e-mail address", _mask(m.group())))
    for m in _LABELLED_NAME.finditer(text):
        if len(m.group(2)) <= 5 and not _NOT_A_NAME.search(m.group(2)):
            out.append((f"{m.group(1)}姓名", "a person's name", _mask(m.group(2))))
    for m in _TITLED_NAME.finditer(text):
        out.append(("姓名（先生、女士）", "a person's name", _mask(m.group())))
    return out


# ---- deadlines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    basis: str  # 承诺时限 10 个工作日, as a clerk reads it
    estimated: bool = False  # counted on a year whose holidays are estimated (workdays.py)

    def text(self) -> str:
        """The day as a person reads it: 2027-01-18, or 2027-01-18（预估）."""
        from quanli.dates.workdays import MARK

        return self.due.isoformat() + (MARK if self.estimated else "")


def _paused(day: dt.date, periods: list[tuple[str, dt.date, dt.date | None]]) -> bool:
    return any(first <= day and (last is None or day <= last) for _, first, last in periods)


def _calendar(cal):
    if cal is None:
        from quanli.dates.workdays import Calendar

        return Calendar()
    return cal


def _add(start: dt.date, limit: TimeLimit, periods, cal) -> dt.date:
    """The last day of ``limit`` counted from the day after ``start``, days in ``periods`` not counted."""
    if limit.value <= 0:
        return start  # 即办
    if limit.unit in ("工作日", "小时"):
        count = math.ceil(limit.value / 8) if limit.unit == "小时" else math.ceil(limit.value)
        return cal.add(start, count, skip=(lambda d: _paused(d, periods)) if periods else None)
    if limit.unit == "个月":
        months = math.ceil(limit.value)
        year, month = divmod(start.month - 1 + months, 12)
        year += start.year
        day = dt.date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))
    else:  # 自然日
        day = start + dt.timedelta(days=math.ceil(limit.value))
    # days not counted push the end out by as many days
    skipped = sum(1 for d in _days(start, day) if _paused(d, periods))
    while skipped:
        day += dt.timedelta(days=1)
        if not _paused(day, periods):
            skipped -= 1
    # a period that ends on a day off ends on the next working day (民法典第二百零三条)
    return cal.next_workday(day)


def _deadline(start: dt.date, limit: TimeLimit, periods, cal, basis: str) -> Deadline:
    cal = _calendar(cal)
    due = _add(start, limit, periods, cal)
    return Deadline(due, basis, bool(cal.estimated(start, due)))


def _days(start: dt.date, end: dt.date):
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        yield day


def case_limit(item: dict | None, flow: dict | None) -> tuple[TimeLimit, str] | None:
    """The limit a case must meet: the item's promised limit, else its statutory one, else the sum
    of its flow's steps (special procedures not counted); with how it reads."""
    tl = item.get("time_limit") if isinstance(item, dict) and isinstance(item.get("time_limit"), dict) else {}
    for key, label in (("promised", "承诺时限"), ("statutory", "法定时限")):
        limit = time_limit(tl.get(key))
        if limit is not None:
            return limit, f"{label} {limit.text()}"
    steps = flow.get("steps") if isinstance(flow, dict) and isinstance(flow.get("steps"), list) else []
    total = 0.0
    found = False
    for step in steps:
        if isinstance(step, dict) and not step.get("special"):
            limit = time_limit(step.get("time_limit"))
            if limit is not None:
                total += limit.working_days()
                found = True
    if found:
        limit = TimeLimit(float(math.ceil(total)))
        return limit, f"流程图各步骤合计 {limit.text()}"
    return None


def deadline(record: dict, item: dict | None, flow: dict | None, cal=None) -> Deadline | None:
    """When an open case must be concluded (None: no limit known, or not yet accepted), counted
    on ``cal`` (a workdays.Calendar)."""
    start = date_of(record, "accepted")
    found = case_limit(item, flow)
    periods = suspensions(record)
    if start is None or found is None or any(last is None for _, _, last in periods):
        return None  # not accepted, no limit, or the clock stands still (a special procedure under way)
    limit, basis = found
    return _deadline(start, limit, periods, cal, basis)


def publish_deadline(record: dict, item: dict | None, cal=None) -> Deadline | None:
    """When a concluded case's result must be public: 7 working days for 许可 and 处罚, 20 otherwise (鹤政办〔2019〕20号 二.(七))."""
    end = date_of(record, "concluded")
    if end is None:
        return None
    category = item.get("category") if isinstance(item, dict) else None
    days = PUBLISH_DAYS.get(category, PUBLISH_DAYS_DEFAULT)
    return _deadline(end, TimeLimit(float(days)), [], cal, f"结果公开时限 {days} 个工作日")


def row(record: dict, item: dict | None, flow: dict | None, cal=None, internal: bool = False) -> dict[str, str]:
    """One case as the register's cells (see COLUMNS); ``internal`` adds the notes and remarks.
    Deterministic: whether an open case is late is not said (that depends on today: records check)."""

    def step_text(key: str) -> str:
        day = date_of(record, key)
        return day.isoformat() if day else ""

    decided = record.get("decided") if isinstance(record.get("decided"), dict) else {}
    concluded = record.get("concluded") if isinstance(record.get("concluded"), dict) else {}
    out = {
        "case": str(record.get("case") or ""),
        "applicant_type": str(record.get("applicant_type") or ""),
        "summary": str(record.get("summary") or ""),
        "decision_method": "、".join(str(decided.get(k)) for k in ("method", "body") if decided.get(k)),
        "outcome": str(concluded.get("outcome") or ""),
    }
    for key, _ in STEPS:
        out[key] = step_text(key)
    due = deadline(record, item, flow, cal)
    out["deadline"] = due.text() if due else ""
    end = date_of(record, "concluded")
    if end is None:
        out["on_time"] = "办理中"
    elif due is None:
        out["on_time"] = ""
    else:
        out["on_time"] = ("是" if end <= due.due else "否") + ("（预估）" if due.estimated else "")
    if internal:
        notes = [
            f"{STEP_NAMES[k]}：{record[k]['note']}"
            for k, _ in STEPS
            if isinstance(record.get(k), dict) and record[k].get("note")
        ]
        notes += [
            f"不计时段：{s.get('step')} {s.get('from')}—{s.get('to') or '至今'}"
            for s in record.get("suspensions") or []
            if isinstance(s, dict)
        ]
        if record.get("remarks"):
            notes.append(str(record["remarks"]))
        out["remarks"] = "；".join(notes)
    return out
