"""Time ``quanli diff`` on a generated catalogue in a real git repository.

Usage: python benchmarks/diff.py [N ...]   (default: 10000)

Also timed: ``quanli log`` of one item over that history, and a first ``quanli release``
of the whole catalogue (every item new: the largest 变更说明 there is).

The catalogue is committed, then two more commits change 1 and 100 items; the repository
is packed (``git gc``) as a clone would be. Timed, best of three fresh processes:
``diff HEAD~1 HEAD`` (100 items), ``diff HEAD~2 HEAD~1`` (1 item), and HEAD against a
working tree with 100 items changed, interleaved. Needs the git binary (for setting up only).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from run import ENV, QUANLI, best, print_rows, step, timed  # noqa: E402

GIT_ENV = dict(
    ENV,
    GIT_AUTHOR_NAME="基准",
    GIT_AUTHOR_EMAIL="bench@example.org",
    GIT_COMMITTER_NAME="基准",
    GIT_COMMITTER_EMAIL="bench@example.org",
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "gc.auto=0", "-C", str(repo), *args], check=True, capture_output=True, env=GIT_ENV)


def edit(items: list[Path], tag: str) -> None:
    for path in items:
        path.write_text(path.read_text(encoding="utf-8") + f"remarks: 基准测试修改（{tag}）\n", encoding="utf-8")


def bench(n: int, runs: int = 3, release: bool = True) -> list[tuple[str, float, int | None]]:
    repo = HERE / ".work" / f"git{n}"
    shutil.rmtree(repo, ignore_errors=True)
    generate(n, repo / "cat")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "目录")
    items = sorted((repo / "cat" / "items").iterdir())
    edit(items[:1], "一项")
    git(repo, "commit", "-qam", "改一项")
    edit(items[1:101], "百项")
    git(repo, "commit", "-qam", "改一百项")
    git(repo, "gc", "-q")
    edit(items[200:300], "工作区")
    diff = QUANLI + ["diff", "--path", str(repo), "--format", "json"]
    cases = [
        ("diff two commits, 100 items changed", ["HEAD~1", "HEAD"], 100),
        ("diff two commits, 1 item changed", ["HEAD~2", "HEAD~1"], 1),
        ("diff HEAD against the working tree, 100 items changed", [], 100),
    ]
    for _, extra, expect in cases:
        got = len(json.loads(subprocess.run(diff + extra, capture_output=True, text=True, env=ENV).stdout))
        if got != expect:
            raise SystemExit(f"expected {expect} changes, got {got}")
    rows = best(
        [(label, step(diff + extra)) for label, extra, _ in cases]
        + [("log of one item (3 commits)", step(QUANLI + ["log", items[50].stem, "--path", str(repo / "cat")]))],
        runs,
    )
    if release:
        git(repo, "checkout", "-q", ".")
        git(repo, "config", "user.name", "基准")
        git(repo, "config", "user.email", "bench@example.org")
        seconds, peak = timed(QUANLI + ["release", "v1", "--path", str(repo / "cat")])
        rows.append(("first release (validate, 变更说明 of every item, commit, tag; one run)", seconds, peak))
    return rows


def main() -> None:
    print_rows([int(a) for a in sys.argv[1:]] or [10000], bench)


if __name__ == "__main__":
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    main()
