"""Working days across 国庆 and 春节, counted by hand from the State Council notices."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import invoke
from quanli.errors import QuanliError
from quanli.workdays import Extra, add_workdays

D = dt.date


@pytest.mark.parametrize("start,count,expected", [
    # 2024 国庆: 10-01..10-07 off; Sun 09-29 and Sat 10-12 are make-up working days.
    # 09-26(1) 09-27(2) 09-29(3) 09-30(4) 10-08(5) 10-09(6) 10-10(7) 10-11(8) 10-12(9) 10-14(10) … 10-28(20)
    (D(2024, 9, 25), 20, D(2024, 10, 28)),
    (D(2024, 9, 27), 5, D(2024, 10, 10)),  # 09-29(1) 09-30(2) 10-08(3) 10-09(4) 10-10(5)
    # 2025 春节: 01-28..02-04 off; Sun 01-26 and Sat 02-08 are make-up working days.
    (D(2025, 1, 24), 3, D(2025, 2, 5)),  # 01-26(1) 01-27(2) 02-05(3)
    (D(2025, 2, 5), 3, D(2025, 2, 8)),  # 02-06(1) 02-07(2) Sat 02-08(3)
    (D(2024, 9, 25), 0, D(2024, 9, 25)),
])
def test_hand_counted(start, count, expected):
    assert add_workdays(start, count) == expected


def test_a_year_the_calendar_does_not_know_is_an_error_not_a_guess():
    with pytest.raises(QuanliError) as info:
        add_workdays(D(2099, 1, 1), 1)
    assert "2099" in info.value.zh and "holidays.yaml" in info.value.zh


def test_a_unit_can_describe_a_later_year():
    extra = Extra(years={2099}, holidays={D(2099, 1, 1), D(2099, 1, 2)}, workdays={D(2099, 1, 4)})
    # 2099-01-01 Thu (off), 01-02 Fri (off), 01-03 Sat, 01-04 Sun (make-up), 01-05 Mon
    assert add_workdays(D(2098, 12, 31), 2, extra) == D(2099, 1, 5)


def test_cli_with_a_holidays_file(tmp_path):
    f = tmp_path / "holidays.yaml"
    f.write_text("years: [2099]\nholidays: ['2099-01-01', '2099-01-02']\nworkdays: ['2099-01-04']\n", encoding="utf-8")
    result = invoke("workdays", "2098-12-31", "2", "--holidays", str(f))
    assert result.exit_code == 0 and result.stdout.startswith("2099-01-05（星期一）")
    assert invoke("workdays", "2099-01-01", "1").exit_code == 2
    assert invoke("workdays", "2024-13-01", "1").exit_code == 2
