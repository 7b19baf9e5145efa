"""The working-day calendar at scale (issue 20): ``records check`` over a register of many cases,
on a today in a published year and on one years later (every overdue case counted across
estimated years), and ``quanli workdays`` itself.

Usage: python benchmarks/calendar.py [CASES] [--runs N]   (default 10,000 cases, best of 3)
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402


def make(root: Path, items: int, cases: int) -> None:
    generate(items, root)
    (root / "records").mkdir()
    ids = sorted(p.stem for p in (root / "items").glob("*.yaml"))
    start = dt.date(2026, 1, 5)
    for n in range(cases):
        accepted = start + dt.timedelta(days=n % 340)
        lines = [
            f"case: 2026-BM-{n:06d}",
            f"item: {ids[n % len(ids)]}",
            "applicant_type: 法人",
            "summary: 基准测试案件",
            f"accepted: {{date: '{accepted.isoformat()}'}}",
        ]
        if n % 3 == 0:  # a third concluded and published, a third concluded, a third open
            lines += [f"concluded: {{date: '{(accepted + dt.timedelta(days=9)).isoformat()}', outcome: 准予许可}}"]
            if n % 2 == 0:
                lines += [f"published: {{date: '{(accepted + dt.timedelta(days=12)).isoformat()}', forms: [门户网站]}}"]
        (root / "records" / f"2026-BM-{n:06d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(args: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "quanli", *args], capture_output=True, check=False)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="?", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="quanli-bench-calendar-"))
    try:
        root = work / "cat"
        make(root, 1000, args.cases)
        rows = [
            ("workdays 2026-12-20 20", ["workdays", "2026-12-20", "20"]),
            ("workdays --year 2027", ["workdays", "--year", "2027"]),
            (
                f"records check, {args.cases:,} cases, today 2026-12-07",
                ["records", "check", str(root), "--today", "2026-12-07", "--format", "json"],
            ),
            (
                f"records check, {args.cases:,} cases, today 2031-01-02",
                ["records", "check", str(root), "--today", "2031-01-02", "--format", "json"],
            ),
        ]
        print("| command | best of %d |" % args.runs)
        print("|---|---:|")
        for label, cmd in rows:
            print(f"| {label} | {timed(cmd, args.runs):.2f} s |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
