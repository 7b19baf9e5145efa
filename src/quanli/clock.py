"""Today's date, from one place.

Everything that depends on "today" (whether a law is in force, overdue cases, the date of a
release or a sign-off, a build outside git) asks ``today()``. Beijing time decides the day.
``QUANLI_TODAY=YYYY-MM-DD`` pins it: tests, reproducible runs and a clerk who wants to see
what a command says on another day (commands with ``--today``/``--date`` pass it explicitly).
"""

from __future__ import annotations

import datetime as dt
import os

from quanli.errors import QuanliError

ENV = "QUANLI_TODAY"
BEIJING = dt.timezone(dt.timedelta(hours=8))


def parse(text: str, what: str = "日期") -> dt.date:
    """A YYYY-MM-DD date given by a person, or a QuanliError saying what is wrong."""
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise QuanliError(f"{what}“{text}”无效，应写成 YYYY-MM-DD。", f"invalid date '{text}' (use YYYY-MM-DD).") from None


def today() -> dt.date:
    """Today in Beijing, or the day ``QUANLI_TODAY`` pins."""
    pinned = os.environ.get(ENV, "").strip()
    if pinned:
        return parse(pinned, f"环境变量 {ENV} 的日期")
    return dt.datetime.now(BEIJING).date()


def given_or_today(text: str | None, what: str = "日期") -> dt.date:
    """The date of a ``--today``/``--date`` option, or today when it is not given."""
    return today() if text is None or not str(text).strip() else parse(text, what)
