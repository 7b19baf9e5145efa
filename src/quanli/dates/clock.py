"""Today's date, from one place.

Everything that depends on "today" (whether a law is in force, overdue cases, the date of a
release or a sign-off, a build outside git) asks ``today()``. Beijing time decides the day.
``QUANLI_TODAY=YYYY-MM-DD`` pins it: tests, reproducible runs and a clerk who wants to see
what a command says on another day (commands with ``--today``/``--date`` pass it explicitly).
"""

from __future__ import annotations

import datetime as dt
import os
import re

from quanli.core.errors import QuanliError

ENV = "QUANLI_TODAY"
BEIJING = dt.timezone(dt.timedelta(hours=8))
EPOCH_ENV = "SOURCE_DATE_EPOCH"
# The latest build time quanli can honour: 2107-12-31 23:59:59 in Beijing (15:59:59 UTC). Every ZIP a
# build writes (the 一盘, each DOCX and XLSX) stamps its members with an MS-DOS date, which ends with
# 2107, and the deliverables show the Beijing day. (Python's own limit, 9999-12-31, is further.)
EPOCH_MAX = 4354790399


def parse(text: str, what: str = "日期") -> dt.date:
    """A YYYY-MM-DD date given by a person, or a QuanliError saying what is wrong."""
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise QuanliError(
            f"{what}“{text}”无效，应写成 YYYY-MM-DD。", f"invalid date '{text}' (use YYYY-MM-DD)."
        ) from None


def today() -> dt.date:
    """Today in Beijing, or the day ``QUANLI_TODAY`` pins."""
    pinned = os.environ.get(ENV, "").strip()
    if pinned:
        return parse(pinned, f"环境变量 {ENV} 的日期")
    return dt.datetime.now(BEIJING).date()


def given_or_today(text: str | None, what: str = "日期") -> dt.date:
    """The date of a ``--today``/``--date`` option, or today when it is not given."""
    return today() if text is None or not str(text).strip() else parse(text, what)


def source_epoch(value: str | None = None) -> int | None:
    """The build time ``SOURCE_DATE_EPOCH`` sets (reproducible-builds.org): None when it is unset or
    empty, else whole seconds since 1970-01-01 UTC, 0 to ``EPOCH_MAX``. Anything else (a negative or
    huge number, a fraction, text, digits of other scripts) is a QuanliError: the specification asks
    a build to fail on a malformed value rather than to ignore it. ``value`` stands in for the
    environment (tests)."""
    text = os.environ.get(EPOCH_ENV) if value is None else value
    if text is None or not text.strip():
        return None
    text = text.strip()
    shown = "".join(ch if ch.isprintable() else "?" for ch in (text if len(text) <= 40 else text[:40] + "…"))
    latest = "北京时间 2107-12-31，ZIP 文件记不下更晚的时间"
    if not re.fullmatch(r"[0-9]+", text, flags=re.ASCII):
        raise QuanliError(
            f"环境变量 {EPOCH_ENV} 的值“{shown}”无效：应为 0 到 {EPOCH_MAX} 之间的整数"
            f"（自 1970-01-01 00:00 UTC 起的秒数，最晚 {latest}）。",
            f"{EPOCH_ENV}='{shown}' is not valid: give whole seconds since 1970-01-01 UTC, 0 to {EPOCH_MAX} "
            "(2107-12-31 in Beijing at the latest: a ZIP cannot record a later time).",
        )
    if len(text.lstrip("0")) > 10 or int(text) > EPOCH_MAX:  # never int() of thousands of digits
        raise QuanliError(
            f"环境变量 {EPOCH_ENV} 的值“{shown}”超出范围：应为 0 到 {EPOCH_MAX} 之间的整数（最晚 {latest}）。",
            f"{EPOCH_ENV}='{shown}' is out of range: 0 to {EPOCH_MAX} (2107-12-31 in Beijing at the latest: "
            "a ZIP cannot record a later time).",
        )
    return int(text)


def clamp_epoch(seconds: int) -> int:
    """A time taken from git (a commit's, which git lets be anything) brought into what a build can
    stamp, 0 to ``EPOCH_MAX``: the same commit still gives the same bytes."""
    return min(max(int(seconds), 0), EPOCH_MAX)
