"""Time ``quanli export`` and ``quanli import`` of a 10,000-row XLSX, and ``quanli fmt --check``.

Usage: python benchmarks/migrate.py [N ...]   (default: 10000)

The generated catalogue (benchmarks/generate.py) is exported to XLSX, then imported into
an empty folder (every row a new item: the first import a unit does), and imported again
(every row found: nothing written). One run each in a fresh process, start-up included.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import ENV, QUANLI, catalogue, print_rows, timed  # noqa: E402


def bench(n: int) -> list[tuple[str, float, int]]:
    work = catalogue(n)
    xlsx = HERE / ".work" / f"export{n}.xlsx"
    target = HERE / ".work" / f"imported{n}"
    xlsx.unlink(missing_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    rows = []
    seconds, peak = timed(QUANLI + ["export", str(work), "--out", str(xlsx)])
    rows.append((f"export to XLSX ({xlsx.stat().st_size // 1024} KB)", seconds, peak))
    seconds, peak = timed(
        QUANLI + ["import", str(xlsx), "--into", str(target), "--unit", "基准测试单位", "--format", "json"]
    )
    rows.append(("import the XLSX into an empty folder", seconds, peak))
    out = subprocess.run(
        QUANLI + ["import", str(xlsx), "--into", str(target), "--format", "json"],
        capture_output=True,
        text=True,
        env=ENV,
    )
    report = json.loads(out.stdout)
    if len(report["skipped"]) != n:
        raise SystemExit(f"second import should find all {n} rows, found {len(report['skipped'])}")
    seconds, peak = timed(QUANLI + ["import", str(xlsx), "--into", str(target), "--format", "json"])
    rows.append(("import it again (every row found, nothing written)", seconds, peak))
    shutil.rmtree(target / ".quanli-cache", ignore_errors=True)
    seconds, peak = timed(QUANLI + ["fmt", "--check", str(target)])
    rows.append(("fmt --check of the imported catalogue, cold", seconds, peak))
    seconds, peak = timed(QUANLI + ["fmt", "--check", str(target)])
    rows.append(("fmt --check again (nothing changed)", seconds, peak))
    return rows


def main() -> None:
    print_rows([int(a) for a in sys.argv[1:]] or [10000], bench)


if __name__ == "__main__":
    main()
