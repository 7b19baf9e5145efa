"""An estimate of a year's days off that no State Council notice has published yet.

《全国年节及纪念日放假办法》 as revised in 2024 (国务院令第795号, in force from 2025-01-01) fixes the
holidays every citizen has: 元旦 1 day, 春节 4 days (农历除夕 to 正月初三), 清明节 1 day (the day of
the solar term), 劳动节 2 days (5月1日、2日), 端午节 1 day (农历五月初五), 中秋节 1 day (农历八月十五)
and 国庆节 3 days (10月1日至3日); a holiday that falls on a Saturday or Sunday is made up on the next
working day (第六条). Each year's notice then moves weekends (调休) to make longer breaks, which no
rule predicts: the estimate has none. Lunar dates come from ``lunardate`` (lunar years 1900-2099),
清明 from ``chinesecalendar``'s solar terms (1900-2100, else 4月5日). Outside those years only the
solar-calendar holidays are estimated (``Estimate.note`` says so).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

RULES_TITLE = "《全国年节及纪念日放假办法》（2024年修订，国务院令第795号）"
# bumped when the estimate's rules change, so that builds and caches keyed on it are made again
VERSION = "1"


@dataclass
class Estimate:
    year: int
    days_off: dict[dt.date, str] = field(default_factory=dict)  # weekdays off -> the holiday's name
    holidays: dict[dt.date, str] = field(default_factory=dict)  # every holiday day, weekends included
    note: str = ""  # what the estimate could not include


def _lunar(year: int, month: int, day: int) -> dt.date | None:
    try:
        from lunardate import LunarDate

        return LunarDate(year, month, day).to_solar_date()
    except (ImportError, ValueError, IndexError, TypeError):
        return None


def _qingming(year: int) -> tuple[dt.date, bool]:
    """The day of 清明 and whether it was computed (False: 4月5日 assumed)."""
    try:
        import chinese_calendar

        start, end = dt.date(year, 4, 1), dt.date(year, 4, 10)
        for day, name in chinese_calendar.get_solar_terms(start, end):
            if "清明" in str(name):
                return day, True
    except Exception:  # outside the solar-term table's years
        pass
    return dt.date(year, 4, 5), False


def estimate(year: int) -> Estimate:
    """The days off of ``year`` by the 办法 alone (see the module's docstring)."""
    out = Estimate(year)
    days: list[tuple[dt.date, str]] = [(dt.date(year, 1, 1), "元旦")]
    missing = []
    new_year = _lunar(year, 1, 1)
    if new_year is not None:
        eve = new_year - dt.timedelta(days=1)
        days += [(eve + dt.timedelta(days=i), "春节") for i in range(4)]
    else:
        missing.append("春节")
    qingming, exact = _qingming(year)
    days.append((qingming, "清明节"))
    days += [(dt.date(year, 5, 1), "劳动节"), (dt.date(year, 5, 2), "劳动节")]
    for (month, day), name in (((5, 5), "端午节"), ((8, 15), "中秋节")):
        found = _lunar(year, month, day)
        if found is not None and found.year == year:
            days.append((found, name))
        else:
            missing.append(name)
    days += [(dt.date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    days = sorted((d, n) for d, n in days if d.year == year)
    # 第六条: a holiday on a Saturday or Sunday is made up on the next weekday that is not a holiday;
    # so is a second holiday on the same day (中秋 on 10月1日, as in 2020: one more day off)
    made_up = []
    for day, name in days:
        if day.weekday() >= 5 or day in out.holidays:
            made_up.append((day, name))
        if day in out.holidays:
            out.holidays[day] += f"、{name}"
        else:
            out.holidays[day] = name
        if day.weekday() < 5:
            out.days_off[day] = out.holidays[day]
    taken = set(out.holidays)
    for day, name in made_up:
        lieu = day
        while lieu.weekday() >= 5 or lieu in taken:
            lieu += dt.timedelta(days=1)
        if lieu.year == year:
            taken.add(lieu)
            out.days_off[lieu] = f"{name}（补休）"
    out.days_off = dict(sorted(out.days_off.items()))
    notes = []
    if missing:
        notes.append(f"{'、'.join(missing)}的农历日期无法推算（只支持农历 1900—2099 年），未计入")
    if not exact:
        notes.append("清明节按 4月5日 估计")
    out.note = "；".join(notes)
    return out
