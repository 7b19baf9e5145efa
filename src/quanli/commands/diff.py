"""``quanli diff``: what changed between two revisions, in the catalogue's own terms."""

from __future__ import annotations

import sys
from pathlib import Path

from quanli.compare import Change
from quanli.errors import QuanliError


def parse_revisions(revs: list[str]) -> tuple[str, str | None]:
    """[] -> HEAD vs working tree; [A] -> A vs working tree; [A..B] or [A, B] -> A vs B."""
    if not revs:
        return "HEAD", None
    if len(revs) == 1 and ".." in revs[0]:
        a, b = revs[0].split("..", 1)
        return a or "HEAD", b or "HEAD"
    if len(revs) == 1:
        return revs[0], None
    if len(revs) == 2:
        return revs[0], revs[1]
    raise QuanliError("最多给出两个版本。", "give at most two revisions.")


def run(revs: list[str], path: Path | None, fmt: str, lang: str, exit_code: bool) -> int:
    from quanli import history
    from quanli.vcs import Repository, relative_root

    start = (path or Path.cwd()).resolve()
    if not start.exists():
        raise QuanliError(f"路径不存在：{start}", f"path does not exist: {start}")
    repo = Repository(start if start.is_dir() else start.parent)
    under = relative_root(repo, start if start.is_dir() else start.parent)
    rev_a, rev_b = parse_revisions(revs)
    results = history.diff(repo, rev_a, rev_b, under)
    _report(results, fmt, lang, rev_a, rev_b or ("工作区" if lang != "en" else "working tree"))
    return 1 if exit_code and results else 0


def _report(results: dict[str, list[Change]], fmt: str, lang: str, a: str, b: str) -> None:
    from quanli.report import changes as report

    if fmt == "json":
        report.to_json(results, sys.stdout)
    elif fmt == "markdown":
        report.to_markdown(results, lang, f"quanli diff {a} → {b}", sys.stdout)
    else:
        report.to_text(results, lang, sys.stdout)
