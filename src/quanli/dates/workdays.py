"""Working days in China: one calendar, its sources in a stated order.

Legal time limits are counted in working days excluding statutory holidays (行政许可法
第八十二条); counting starts the day after the start date. For each day the calendar asks, in
this order:

1. 本单位补充: the catalogue's ``holidays.yaml`` (beside catalog.yaml), then the workspace's one
   (beside quanli-workspace.yaml, shared by its members), for the years the file names;
2. 公布: the State Council's notices as the ``chinesecalendar`` package records them (2004 up to
   its release);
3. 预估: for any other year, an estimate by 《全国年节及纪念日放假办法》 (holiday_estimate.py):
   weekends and the statutory holidays, no 调休. Every date computed with an estimated year is
   marked 预估 where a person sees it, and each run says once which years were estimated and
   how to make them exact (type the notice's dates into ``holidays.yaml``).

    # holidays.yaml
    notice: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）   # optional
    years: [2027]                 # years this file describes completely
    holidays: ['2027-01-01', …]   # days off that fall on weekdays
    workdays: ['2027-02-07', …]   # 调休: weekend days that are working days

No other module reads chinesecalendar or the estimate: they ask a ``Calendar``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from quanli.core.errors import QuanliError

HOLIDAYS_FILE = "holidays.yaml"
SUPPLIED, PUBLISHED, ESTIMATED = "本单位补充", "公布", "预估"
PROVENANCE_EN = {SUPPLIED: "supplied by the unit", PUBLISHED: "published", ESTIMATED: "estimated"}
MARK = "（预估）"
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass
class Supplement:
    """One holidays.yaml: the years it describes completely, their weekday days off and 调休 days."""

    path: Path | None = None
    years: set[int] = field(default_factory=set)
    holidays: set[dt.date] = field(default_factory=set)
    workdays: set[dt.date] = field(default_factory=set)
    notice: str = ""
    blob: bytes = b""


@dataclass
class Year:
    source: str  # SUPPLIED, PUBLISHED or ESTIMATED
    days_off: dict[dt.date, str]  # weekdays off -> why (the holiday's name, or "")
    workdays: set[dt.date]  # weekend days that are working days (调休)
    where: str = ""  # the file or package it comes from
    note: str = ""  # what an estimate could not include


def _date(text, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise QuanliError(
            f"{where} 中的日期“{text}”无效，应写成 YYYY-MM-DD。", f"invalid date '{text}' in {where}."
        ) from None


def load_supplement(path: Path | None) -> Supplement:
    """A holidays.yaml, or an empty supplement when there is none; a broken one is a QuanliError."""
    from quanli.core.fsutil import present, read_error, read_regular

    if path is None or not present(path):  # a FIFO or a device is there: refused by name below, never skipped
        return Supplement()
    from quanli.loader.yamlparse import MAX_FILE_BYTES, ParseFailure, load_bytes

    try:  # a regular file of sane size only: a FIFO would hang the command, /dev/zero fill the memory
        blob = read_regular(path, MAX_FILE_BYTES)
    except OSError as exc:
        raise read_error("放假安排文件", "the holidays file", path, exc) from None
    try:
        data, _ = load_bytes(blob)
    except ParseFailure as f:
        raise QuanliError(f"{path}:{f.line}:{f.column} {f.zh}", f"{path}:{f.line}:{f.column} {f.en}") from None
    if not isinstance(data, dict):
        raise QuanliError(f"{path} 的最外层应当是映射（years、holidays、workdays）。", f"{path} must be a mapping.")
    years = data.get("years") or []
    if not isinstance(years, list) or not all(
        isinstance(y, int) and not isinstance(y, bool) and 1 <= y <= 9999 for y in years
    ):
        raise QuanliError(f"{path} 中 years 应为年份列表，例如 [2027]。", f"{path}: years must be a list of years.")
    lists = {}
    for key in ("holidays", "workdays"):
        value = data.get(key) or []
        if not isinstance(value, list):
            raise QuanliError(
                f"{path} 中 {key} 应为日期列表，例如 ['2027-01-01']。", f"{path}: {key} must be a list of dates."
            )
        lists[key] = {_date(d, str(path)) for d in value}
        stray = sorted(d for d in lists[key] if d.year not in years)
        if stray:
            raise QuanliError(
                f"{path} 中 {key} 的 {stray[0]} 不在 years 列出的年份中；请把 {stray[0].year} 加入 years（并写全该年的安排）。",
                f"{path}: {key} lists {stray[0]}, whose year is not in years.",
            )
    return Supplement(path, set(years), lists["holidays"], lists["workdays"], str(data.get("notice") or ""), blob)


@functools.lru_cache(maxsize=1)
def _published_years() -> frozenset[int]:
    try:
        from chinese_calendar import constants
    except ImportError:  # pragma: no cover - a dependency
        return frozenset()
    return frozenset({d.year for d in constants.holidays} | {d.year for d in constants.workdays})


class Calendar:
    """Working days, each year taken from the first source that knows it (see the module's docstring)."""

    def __init__(self, supplements: list[Supplement] | tuple = ()) -> None:
        self.supplements = [s for s in supplements if s.years]
        self._files = [s for s in supplements if s.path is not None]
        self._years: dict[int, Year] = {}
        self._cum: dict[int, list[int]] = {}
        self.estimated_used: set[int] = set()  # estimated years that some answer depended on

    # ---- one year ----------------------------------------------------------------------------

    def year(self, year: int) -> Year:
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = self._make_year(year)
        return found

    def _make_year(self, year: int) -> Year:
        for sup in self.supplements:
            if year in sup.years:
                off = {d: "" for d in sup.holidays if d.year == year and d.weekday() < 5}
                return Year(SUPPLIED, off, {d for d in sup.workdays if d.year == year}, str(sup.path or ""), sup.notice)
        if year in _published_years():
            from chinese_calendar import constants

            off = {
                d: HOLIDAY_NAMES.get(_name(n), _name(n))
                for d, n in constants.holidays.items()
                if d.year == year and d.weekday() < 5
            }
            work = {d for d in constants.workdays if d.year == year}
            return Year(PUBLISHED, off, work, _package())
        from quanli.dates.holiday_estimate import RULES_TITLE, estimate

        est = estimate(year)
        return Year(ESTIMATED, est.days_off, set(), RULES_TITLE, est.note)

    def source(self, year: int) -> str:
        return self.year(year).source

    def provenance(self, day: dt.date) -> str:
        """公布, 预估 or 本单位补充: where the answer for ``day`` comes from."""
        return self.year(day.year).source

    # ---- days --------------------------------------------------------------------------------

    def is_workday(self, day: dt.date) -> bool:
        y = self.year(day.year)
        if y.source == ESTIMATED:
            self.estimated_used.add(day.year)
        if day.weekday() >= 5:
            return day in y.workdays
        return day not in y.days_off

    def add(self, start: dt.date, count: int, skip=None) -> dt.date:
        """The ``count``-th working day after ``start`` (counting starts the next day); days for
        which ``skip(day)`` is true are not counted."""
        day, seen = start, 0
        try:
            while seen < count:
                day += dt.timedelta(days=1)
                if (skip is None or not skip(day)) and self.is_workday(day):
                    seen += 1
        except OverflowError:
            raise QuanliError(
                "日期超出了可以计算的范围（公元 9999 年以后）。", "the date lies beyond the year 9999."
            ) from None
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start); only the
        years from start to end are consulted."""
        if end <= start:
            return 0
        first = start + dt.timedelta(days=1)
        count = 0
        for year in range(first.year, end.year + 1):
            cum = self._cumulative(year)
            low = first.timetuple().tm_yday if year == first.year else 1
            high = end.timetuple().tm_yday if year == end.year else len(cum) - 1
            count += cum[high] - cum[low - 1]
        return count

    def _cumulative(self, year: int) -> list[int]:
        """cum[n]: working days from 1 January to the n-th day of ``year`` (cum[0] = 0)."""
        found = self._cum.get(year)
        if found is None:
            day, found = dt.date(year, 1, 1), [0]
            while day.year == year:
                found.append(found[-1] + self.is_workday(day))
                if day == dt.date.max:
                    break
                day += dt.timedelta(days=1)
            self._cum[year] = found
        elif self.source(year) == ESTIMATED:
            self.estimated_used.add(year)
        return found

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def estimated(self, start: dt.date, end: dt.date) -> list[int]:
        """The estimated years among those a count from ``start`` to ``end`` consults."""
        if end <= start:
            return []
        first = start + dt.timedelta(days=1)
        return [y for y in range(first.year, end.year + 1) if self.source(y) == ESTIMATED]

    def mark(self, start: dt.date, end: dt.date) -> str:
        """``（预估）`` when a date counted from ``start`` to ``end`` depends on an estimated year."""
        return MARK if self.estimated(start, end) else ""

    def days_off(self, year: int) -> list[tuple[dt.date, str, str]]:
        """(day, 休 or 班, why) of the weekdays off and the 调休 working days of ``year``."""
        y = self.year(year)
        rows = [(d, "休", why) for d, why in y.days_off.items()] + [(d, "班", "调休上班") for d in y.workdays]
        return sorted(rows)

    # ---- what a person is told -----------------------------------------------------------------

    def fingerprint(self) -> bytes:
        """What the answers depend on besides the dates asked: part of build and cache keys."""
        from quanli.dates.holiday_estimate import VERSION

        parts = [_package().encode(), b"estimate " + VERSION.encode()] + [s.blob for s in self._files]
        return b"\0".join(parts)

    def warning(self, lang: str = "zh") -> str | None:
        """One sentence for the estimated years some answer used, or None."""
        return Calendar.warning_for(self.estimated_used, lang) if self.estimated_used else None

    @staticmethod
    def warning_for(estimated: set[int], lang: str = "zh") -> str:
        """The warning of a run whose answers used the estimate for the years ``estimated``."""
        shown = year_ranges(estimated)
        if lang == "en":
            return (
                f"warning: the holidays of {shown.replace('、', ', ')} are not published yet; dates that depend on "
                f"them are estimated (marked 预估) from the statutory holidays without 调休. To make them exact, type the State "
                f"Council notice's days off and make-up working days into {HOLIDAYS_FILE} (see quanli workdays --help)."
            )
        return (
            f"提示：{shown} 年的法定节假日安排尚未公布（或 chinesecalendar 尚未收录），涉及这些年份的日期按"
            f"《全国年节及纪念日放假办法》推算，不含调休，已标“预估”。国务院办公厅的通知发布后，请把放假和调休上班日期"
            f"写入目录的 {HOLIDAYS_FILE}（格式见 quanli workdays --help），即成为准确日期。"
        )


def year_ranges(years) -> str:
    """2027、2029—2031: the years, runs of consecutive ones shortened."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return "、".join(str(a) if a == b else f"{a}—{b}" for a, b in runs)


def _name(value) -> str:
    return str(getattr(value, "value", value))


@functools.lru_cache(maxsize=1)
def _package() -> str:
    try:
        from importlib.metadata import version

        return f"chinesecalendar {version('chinesecalendar')}"
    except Exception:  # pragma: no cover - a dependency
        return "chinesecalendar"


# a catalogue root -> the root of the workspace it is being checked or built in (set by the
# workspace commands: a member in a sibling checkout is not below its workspace's folder)
SHARED: dict[Path, Path] = {}


def workspace_holidays(root: Path) -> Path | None:
    """The holidays.yaml of the workspace that ``root`` is a member of, found in the folders above it."""
    from quanli.core.fsutil import present
    from quanli.loader import workspace as ws

    root = Path(root).resolve()
    for folder in root.parents:
        file = folder / ws.WORKSPACE_FILE
        if present(file):
            try:
                space = ws.load(file)
            except QuanliError:
                return None  # a broken workspace file is reported where the workspace is used
            if any(m.root == root for m in space.members):
                return folder / HOLIDAYS_FILE
            return None
    return None


def for_catalogue(root: Path | None, workspace_root: Path | None = None) -> Calendar:
    """The calendar of a catalogue: its holidays.yaml, then its workspace's, then the published
    notices, then the estimate. A broken holidays.yaml is a QuanliError naming the file."""
    if root is None:
        return Calendar()
    files = [Path(root) / HOLIDAYS_FILE]
    workspace_root = workspace_root or SHARED.get(Path(root)) or SHARED.get(Path(root).resolve())
    shared = Path(workspace_root) / HOLIDAYS_FILE if workspace_root is not None else workspace_holidays(Path(root))
    if shared is not None and shared.resolve() != files[0].resolve():
        files.append(shared)
    return Calendar([load_supplement(f) for f in files])


WEEKDAYS = "一二三四五六日"


def run(start: str | None, count: int | None, holidays: Path | None, year: int | None, lang: str) -> int:
    """``quanli workdays DATE N`` and ``quanli workdays --year YYYY``."""
    from quanli.core.fsutil import present

    en = lang == "en"
    if holidays is not None and not present(holidays):
        raise QuanliError(f"找不到 {holidays}。", f"{holidays} not found.")
    if holidays is None:
        from quanli.loader.catalogue import find_catalogue_root

        root = find_catalogue_root(Path.cwd())
        cal = for_catalogue(root)
    else:
        cal = Calendar([load_supplement(holidays)])
    if year is not None:
        if not 1 <= year <= 9999:
            raise QuanliError("年份应在 1 到 9999 之间。", "the year must be between 1 and 9999.")
        _print_year(cal, year, en)
        return 0
    if start is None or count is None:
        raise QuanliError(
            "请给出开始日期和工作日数（quanli workdays 2026-12-20 20），或用 --year 列出一年的安排。",
            "give a start date and a number of working days, or --year.",
        )
    if count < 0 or count > 3650:
        raise QuanliError("工作日数应在 0 到 3650 之间。", "the number of working days must be between 0 and 3650.")
    first = _date(start, "the command line" if en else "命令行")
    end = cal.add(first, count)
    mark = cal.mark(first, end)
    if en:
        print(
            f"{end.isoformat()} ({end.strftime('%A')}): working day {count} after {first.isoformat()}"
            + (" (estimated)" if mark else "")
        )
    else:
        print(
            f"{end.isoformat()}（星期{WEEKDAYS[end.weekday()]}）：{first.isoformat()} 之后的第 {count} 个工作日{mark}"
        )
    note = cal.warning(lang)
    if note:
        import sys

        print(note, file=sys.stderr)
    return 0


def _print_year(cal: Calendar, year: int, en: bool) -> None:
    y = cal.year(year)
    source = PROVENANCE_EN[y.source] if en else y.source
    where = f"{source}: {y.where}" if en else f"{source}：{y.where}"
    print(f"{year}: {where}" if en else f"{year} 年的放假和调休安排（{where}）")
    if y.note:
        print(f"  {y.note}")
    for day, kind, why in cal.days_off(year):
        label = ("day off" if kind == "休" else "working day") if en else kind
        print(
            f"  {day.isoformat()}  {'星期' + WEEKDAYS[day.weekday()] if not en else day.strftime('%a')}  {label}  {why}".rstrip()
        )
    if y.source == ESTIMATED:
        print(_estimate_line(year, en))


def _estimate_line(year: int, en: bool) -> str:
    if en:
        return (
            f"estimated: weekends off plus the statutory holidays, without 调休. Type the State Council notice for {year} "
            f"into {HOLIDAYS_FILE} to make it exact."
        )
    return f"以上为预估：周末休息加法定节假日，不含调休。国务院办公厅公布 {year} 年的安排后，请写入 {HOLIDAYS_FILE}，即成为准确日期。"
