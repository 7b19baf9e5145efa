"""``quanli validate`` and ``quanli baseline``: check catalogues and report (quanli.check.validate), or
record their current findings as the baseline."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from quanli.check.run import check_snapshot
from quanli.loader.catalogue import discover, read_catalogue


def run(
    paths: list[Path],
    fmt: str = "text",
    lang: str = "zh",
    fail_level: str | None = None,
    use_cache: bool = True,
    stream: IO[str] | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config_path: Path | None = None,
    use_baseline: bool = True,
    only_summary: bool = False,
    full_report: Path | None = None,
) -> int:
    """The exit code of ``quanli validate``: 0 clean, 1 findings at or above the fail level (see
    quanli.check.validate.validate; a QuanliError, exit code 2, for a bad path or configuration)."""
    from quanli.check.validate import validate

    return validate(
        paths,
        fmt,
        lang,
        fail_level,
        use_cache,
        stream,
        select,
        ignore,
        config_path,
        use_baseline,
        only_summary,
        full_report,
    )


def record_baseline(paths: list[Path], lang: str, config_path: Path | None = None) -> int:
    """``quanli baseline``: write each catalogue's current findings to its quanli-baseline.json."""
    from quanli.check import baseline
    from quanli.core import config

    for root, _ in discover(paths or [Path.cwd()]):
        cfg = config.resolve(root, config_path)
        checked = check_snapshot(read_catalogue(root), True, None, cfg.catalog)
        found = config.apply(checked.findings, cfg, [], [])
        target = baseline.write(root, found)
        print(
            f"已把 {len(found)} 个现有问题记入 {target}。此后 quanli validate 只报告新问题。"
            if lang != "en"
            else f"recorded {len(found)} finding(s) in {target}; validate now reports only new ones."
        )
    return 0
