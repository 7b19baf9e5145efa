"""Working days across 国庆 and 春节, counted by hand from the State Council notices."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import invoke
from quanli.core.errors import QuanliError
from quanli.dates import workdays
from quanli.dates.holiday_estimate import estimate
from quanli.dates.workdays import ESTIMATED, PUBLISHED, SUPPLIED, Calendar, Supplement

D = dt.date


def add_workdays(start, count, supplement=None):
    return Calendar([supplement] if supplement else []).add(start, count)


@pytest.mark.parametrize(
    "start,count,expected",
    [
        # 2024 国庆: 10-01..10-07 off; Sun 09-29 and Sat 10-12 are make-up working days.
        # 09-26(1) 09-27(2) 09-29(3) 09-30(4) 10-08(5) 10-09(6) 10-10(7) 10-11(8) 10-12(9) 10-14(10) … 10-28(20)
        (D(2024, 9, 25), 20, D(2024, 10, 28)),
        (D(2024, 9, 27), 5, D(2024, 10, 10)),  # 09-29(1) 09-30(2) 10-08(3) 10-09(4) 10-10(5)
        # 2025 春节: 01-28..02-04 off; Sun 01-26 and Sat 02-08 are make-up working days.
        (D(2025, 1, 24), 3, D(2025, 2, 5)),  # 01-26(1) 01-27(2) 02-05(3)
        (D(2025, 2, 5), 3, D(2025, 2, 8)),  # 02-06(1) 02-07(2) Sat 02-08(3)
        (D(2024, 9, 25), 0, D(2024, 9, 25)),
    ],
)
def test_hand_counted(start, count, expected):
    assert add_workdays(start, count) == expected


def test_a_year_nobody_has_published_is_estimated_and_said_to_be():
    cal = Calendar()
    # 2099 (estimated): 01-01 Thu 元旦; 01-02 Fri, then the weekend; 01-05 Mon
    assert cal.add(D(2098, 12, 31), 2) == D(2099, 1, 5)
    assert cal.provenance(D(2099, 1, 1)) == ESTIMATED and cal.estimated_used == {2099}
    assert (
        cal.estimated(D(2098, 12, 31), D(2099, 1, 5)) == [2099]
        and cal.mark(D(2098, 12, 31), D(2099, 1, 5)) == "（预估）"
    )
    assert cal.provenance(D(2025, 10, 1)) == PUBLISHED and cal.estimated(D(2025, 9, 25), D(2025, 10, 30)) == []
    warning = cal.warning()
    assert "2099" in warning and "holidays.yaml" in warning and "预估" in warning


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_estimate_agrees_with_the_published_notices_under_the_2024_rules(year):
    """Every statutory holiday the estimate finds in a year already published (under the 2024
    办法) is a day off in the State Council's notice: lunar dates and 清明 are right."""
    import chinese_calendar

    est = estimate(year)
    assert len([d for d, n in est.holidays.items() if n]) >= 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    for day in est.holidays:
        assert chinese_calendar.is_holiday(day), (day, est.holidays[day])


def test_the_estimate_by_hand_for_2027():
    # lunar new year 2027-02-06 (Sat): 除夕 02-05 Fri, 02-06..08 (Sat, Sun, Mon); Sat and Sun made up on 02-09, 02-10
    est = estimate(2027)
    assert [d for d, n in est.days_off.items() if n.startswith("春节")] == [
        D(2027, 2, 5),
        D(2027, 2, 8),
        D(2027, 2, 9),
        D(2027, 2, 10),
    ]
    assert est.days_off[D(2027, 6, 9)] == "端午节" and est.days_off[D(2027, 9, 15)] == "中秋节"  # 五月初五, 八月十五
    assert est.days_off[D(2027, 4, 5)] == "清明节"  # the solar term
    assert D(2027, 10, 4) in est.days_off and D(2027, 10, 5) in est.days_off  # 10-02, 10-03 fall on the weekend
    assert not any(d.weekday() >= 5 for d in est.days_off)  # no 调休: the estimate moves no weekend


def test_two_holidays_on_one_day_give_one_more_day_off():
    est = estimate(2031)  # 中秋 2031 is 10-01
    assert est.days_off[D(2031, 10, 1)] == "中秋节、国庆节" and D(2031, 10, 6) in est.days_off


def test_years_outside_the_lunar_tables_still_answer_with_the_solar_holidays():
    for year in (2100, 2500, 9999, 1):
        est = estimate(year)
        assert D(year, 1, 1) in est.holidays and D(year, 10, 1) in est.holidays
        assert "春节" in est.note
    # 12-31 Fri (1); 01-01 元旦 is a Saturday, made up on Mon 01-03; Tue 01-04 (2), Wed 01-05 (3)
    assert Calendar().add(D(2500, 12, 30), 3) == D(2501, 1, 5)
    with pytest.raises(QuanliError):
        Calendar().add(D(9999, 12, 30), 5)


def test_the_warning_names_runs_of_years():
    assert workdays.year_ranges({2031, 2027, 2028, 2029, 2033}) == "2027—2029、2031、2033"
    assert "2027—2029" in Calendar.warning_for({2027, 2028, 2029})


def test_a_unit_can_describe_a_later_year():
    extra = Supplement(years={2099}, holidays={D(2099, 1, 1), D(2099, 1, 2)}, workdays={D(2099, 1, 4)})
    # 2099-01-01 Thu (off), 01-02 Fri (off), 01-03 Sat, 01-04 Sun (make-up), 01-05 Mon
    cal = Calendar([extra])
    assert cal.add(D(2098, 12, 31), 2) == D(2099, 1, 5)
    assert cal.provenance(D(2099, 1, 4)) == SUPPLIED and cal.estimated(D(2098, 12, 31), D(2099, 1, 5)) == []


def test_the_units_file_comes_first_then_the_workspaces(tmp_path):
    ws = tmp_path / "ws"
    member = ws / "a"
    (member / "items").mkdir(parents=True)
    (member / "catalog.yaml").write_text("unit: {name: 甲}\n", encoding="utf-8")
    (ws / "quanli-workspace.yaml").write_text(
        "members:\n  - path: a\n    region: 示例县\n    level: 县级\n", encoding="utf-8"
    )
    (ws / "holidays.yaml").write_text("years: [2099, 2098]\nholidays: ['2099-01-05']\n", encoding="utf-8")
    cal = workdays.for_catalogue(member)
    assert cal.provenance(D(2099, 1, 5)) == SUPPLIED and not cal.is_workday(D(2099, 1, 5))  # the workspace's
    (member / "holidays.yaml").write_text("years: [2099]\nholidays: ['2099-01-06']\n", encoding="utf-8")
    cal = workdays.for_catalogue(member)
    assert cal.is_workday(D(2099, 1, 5)) and not cal.is_workday(D(2099, 1, 6))  # the member's own wins for 2099
    assert cal.provenance(D(2098, 6, 1)) == SUPPLIED  # the workspace's still describes 2098


def test_a_holidays_file_with_a_day_outside_its_years_is_refused(tmp_path):
    f = tmp_path / "holidays.yaml"
    f.write_text("years: [2099]\nholidays: ['2098-01-01']\n", encoding="utf-8")
    with pytest.raises(QuanliError) as info:
        workdays.load_supplement(f)
    assert "2098-01-01" in info.value.zh and "years" in info.value.zh


def test_cli_with_a_holidays_file(tmp_path):
    f = tmp_path / "holidays.yaml"
    f.write_text("years: [2099]\nholidays: ['2099-01-01', '2099-01-02']\nworkdays: ['2099-01-04']\n", encoding="utf-8")
    result = invoke("workdays", "2098-12-31", "2", "--holidays", str(f))
    assert result.exit_code == 0 and result.stdout.startswith("2099-01-05（星期一）") and "预估" not in result.stdout
    assert invoke("workdays", "2024-13-01", "1").exit_code == 2
    assert invoke("workdays").exit_code == 2


def test_cli_marks_an_estimate_and_lists_a_year():
    result = invoke("workdays", "2098-12-20", "20")
    assert result.exit_code == 0 and result.stdout.rstrip().endswith("（预估）")
    listing = invoke("workdays", "--year", "2099")
    assert (
        listing.exit_code == 0
        and "预估" in listing.stdout
        and "2099-01-01" in listing.stdout
        and "元旦" in listing.stdout
    )
    published = invoke("workdays", "--year", "2025")
    assert published.exit_code == 0 and "公布" in published.stdout and "2025-01-26" in published.stdout  # a 调休 Sunday
    assert "班" in published.stdout.split("2025-01-26")[1].splitlines()[0]
    assert invoke("workdays", "--year", "0").exit_code == 2


def test_december_deadlines_answer_whatever_the_package_knows():
    """quanli workdays 2026-12-20 20 answers; marked 预估 exactly when 2027 is not published."""
    result = invoke("workdays", "2026-12-20", "20")
    assert result.exit_code == 0
    assert ("（预估）" in result.stdout) == (Calendar().source(2027) == ESTIMATED)


def test_counting_between_two_days_consults_only_their_years():
    class Watched(Calendar):
        def __init__(self):
            super().__init__()
            self.asked = set()

        def year(self, year):
            self.asked.add(year)
            return super().year(year)

    cal = Watched()
    assert cal.between(D(2026, 11, 16), D(2026, 12, 2)) == 12
    assert cal.asked == {2026}
    cal.asked.clear()
    assert cal.add(D(2026, 9, 29), 5) == D(2026, 10, 12) and cal.asked == {2026}
    assert cal.estimated_used == set()


def test_between_counts_what_a_day_by_day_count_counts():
    """between() adds per-year running totals; it must agree with counting each day."""
    import random

    cal, rnd = Calendar(), random.Random(20)
    for _ in range(400):
        start = D(2024, 1, 1) + dt.timedelta(days=rnd.randrange(3000))
        end = start + dt.timedelta(days=rnd.randrange(-20, 1500))
        by_day = sum(1 for k in range(1, (end - start).days + 1) if cal.is_workday(start + dt.timedelta(days=k)))
        assert cal.between(start, end) == by_day, (start, end)
    assert cal.between(D(9999, 12, 1), D(9999, 12, 31)) == 22  # the last month there is
