"""One injectable "today" (quanli.dates.clock): pinned by QUANLI_TODAY, honoured by every command that
depends on the day, and part of the check cache's key."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from conftest import LAWS, invoke
from quanli.core.errors import QuanliError
from quanli.dates import clock


def test_quanli_today_pins_the_day(monkeypatch):
    monkeypatch.setenv("QUANLI_TODAY", "2031-01-02")
    assert clock.today() == dt.date(2031, 1, 2)
    assert clock.given_or_today(None) == dt.date(2031, 1, 2) and clock.given_or_today("2027-06-30") == dt.date(
        2027, 6, 30
    )
    monkeypatch.setenv("QUANLI_TODAY", "2031-13-02")
    with pytest.raises(QuanliError) as info:
        clock.today()
    assert "QUANLI_TODAY" in info.value.zh


def test_the_suite_runs_on_the_day_it_is_told():
    """Under QUANLI_TEST_TODAY (the dated runs of .ci/run) the process's own clock says that day."""
    pinned = os.environ.get("QUANLI_TEST_TODAY")
    if not pinned:
        pytest.skip("runs in the dated runs only (QUANLI_TEST_TODAY)")
    assert dt.date.today() == dt.date.fromisoformat(pinned) == clock.today()


def _laws_with(effective: str) -> dict:
    laws = json.loads(json.dumps(LAWS, ensure_ascii=False))
    laws["laws"][1]["effective"] = effective  # 环境影响评价法, cited by the test item
    return laws


def test_a_law_in_force_from_a_later_day_is_reported_until_that_day(cat, monkeypatch):
    """QL503 on either side of 2027-01-01, with the check cache on: today is part of its key."""
    cat.write("laws.yaml", _laws_with("2027-01-01"))

    def ql503(today: str) -> list:
        monkeypatch.setenv("QUANLI_TODAY", today)
        result = invoke("validate", str(cat.root), "--format", "json")
        return [f for f in json.loads(result.stdout) if f["rule"] == "QL503"]

    assert len(ql503("2026-12-31")) == 1
    assert ql503("2027-01-01") == [] and ql503("2031-01-02") == []
    assert len(ql503("2026-12-07")) == 1  # the cache of the later day is not taken for this one


def test_a_sign_off_without_a_date_is_dated_today(cat, monkeypatch):
    monkeypatch.setenv("QUANLI_TODAY", "2027-01-04")
    monkeypatch.chdir(cat.root)
    cat.item(status="草稿", signoffs=[])
    result = invoke("review", "T-XK-001", "--stage", "初核", "--by", "王明")
    assert result.exit_code == 0, result.output
    assert "date: '2027-01-04'" in (cat.root / "items" / "T-XK-001.yaml").read_text(encoding="utf-8")
