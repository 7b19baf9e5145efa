"""Working days in China: statutory holidays and 调休 make-up days.

Legal time limits are counted in working days excluding statutory holidays (行政许可法
第八十二条); counting starts the day after the start date. The calendar comes from the
``chinesecalendar`` package (one State Council notice a year, 2004 up to its release); a
unit may add a ``holidays.yaml`` beside catalog.yaml for years the package does not know
yet. A date outside every known calendar is an error, never a guess.

    # holidays.yaml
    years: [2027]                 # years this file describes completely
    holidays: ['2027-01-01', …]   # days off that fall on weekdays
    workdays: ['2027-02-07', …]   # 调休: weekend days that are working days
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from quanli.errors import QuanliError

HOLIDAYS_FILE = "holidays.yaml"


@dataclass
class Extra:
    years: set[int] = field(default_factory=set)
    holidays: set[dt.date] = field(default_factory=set)
    workdays: set[dt.date] = field(default_factory=set)


def _date(text, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise QuanliError(f"{where} 中的日期“{text}”无效，应写成 YYYY-MM-DD。", f"invalid date '{text}' in {where}.") from None


def load_extra(path: Path | None) -> Extra:
    if path is None or not path.is_file():
        return Extra()
    from quanli.loader.yamlparse import ParseFailure, load_bytes

    try:
        data, _ = load_bytes(path.read_bytes())
    except ParseFailure as f:
        raise QuanliError(f"{path}:{f.line}:{f.column} {f.zh}", f"{path}:{f.line}:{f.column} {f.en}") from None
    if not isinstance(data, dict):
        raise QuanliError(f"{path} 的最外层应当是映射（years、holidays、workdays）。", f"{path} must be a mapping.")
    years = data.get("years") or []
    if not isinstance(years, list) or not all(isinstance(y, int) for y in years):
        raise QuanliError(f"{path} 中 years 应为年份列表，例如 [2027]。", f"{path}: years must be a list of years.")
    return Extra(set(years), {_date(d, str(path)) for d in data.get("holidays") or []},
                 {_date(d, str(path)) for d in data.get("workdays") or []})


def is_workday(day: dt.date, extra: Extra) -> bool:
    if day.year in extra.years:
        if day in extra.holidays:
            return False
        return day in extra.workdays or day.weekday() < 5
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise QuanliError(
            f"不知道 {day.year} 年的法定节假日安排（chinesecalendar 只收录到它发布时已公布的年份）。请升级 chinesecalendar，"
            f"或在目录中新建 {HOLIDAYS_FILE}，按国务院办公厅的通知写明 {day.year} 年的放假和调休日期。",
            f"the holidays of {day.year} are unknown: upgrade chinesecalendar or describe the year in {HOLIDAYS_FILE}.") from None


def add_workdays(start: dt.date, count: int, extra: Extra | None = None) -> dt.date:
    """The ``count``-th working day after ``start`` (counting starts the next day)."""
    extra = extra or Extra()
    day, seen = start, 0
    while seen < count:
        day += dt.timedelta(days=1)
        if is_workday(day, extra):
            seen += 1
    return day


WEEKDAYS = "一二三四五六日"


def run(start: str, count: int, holidays: Path | None, lang: str) -> int:
    """``quanli workdays DATE N``."""
    if count < 0 or count > 3650:
        raise QuanliError("工作日数应在 0 到 3650 之间。", "the number of working days must be between 0 and 3650.")
    first = _date(start, "命令行" if lang != "en" else "the command line")
    if holidays is None:
        from quanli.loader.catalogue import find_catalogue_root

        root = find_catalogue_root(Path.cwd())
        holidays = root / HOLIDAYS_FILE if root else None
    elif not holidays.is_file():
        raise QuanliError(f"找不到 {holidays}。", f"{holidays} not found.")
    end = add_workdays(first, count, load_extra(holidays))
    if lang == "en":
        print(f"{end.isoformat()} ({end.strftime('%A')}): working day {count} after {first.isoformat()}")
    else:
        print(f"{end.isoformat()}（星期{WEEKDAYS[end.weekday()]}）：{first.isoformat()} 之后的第 {count} 个工作日")
    return 0
