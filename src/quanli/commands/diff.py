"""``quanli diff``: what changed between two revisions, in the catalogue's own terms."""

from __future__ import annotations

import sys
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.versioning.compare import Change


def parse_revisions(revs: list[str]) -> tuple[str, str | None, bool]:
    """[] -> HEAD vs working tree; [A] -> A vs working tree; [A..B] or [A, B] -> A vs B;
    [A...B] -> the merge base of A and B vs B (what B changed since it branched off A)."""
    if not revs:
        return "HEAD", None, False
    if len(revs) == 1 and "..." in revs[0]:
        a, b = revs[0].split("...", 1)
        return a or "HEAD", b or "HEAD", True
    if len(revs) == 1 and ".." in revs[0]:
        a, b = revs[0].split("..", 1)
        return a or "HEAD", b or "HEAD", False
    if len(revs) == 1:
        return revs[0], None, False
    if len(revs) == 2:
        return revs[0], revs[1], False
    raise QuanliError("最多给出两个版本。", "give at most two revisions.")


def run(revs: list[str], path: Path | None, fmt: str, lang: str, exit_code: bool) -> int:
    from quanli.loader.catalogue import find_catalogue_root
    from quanli.versioning import history
    from quanli.versioning.vcs import Repository, objects_present, relative_root

    start = (path or Path.cwd()).resolve()
    if not start.exists():
        raise QuanliError(f"路径不存在：{start}", f"path does not exist: {start}")
    if start.is_file():
        start = start.parent
    from quanli.loader import workspace

    found = workspace.find(start)
    if found is not None:
        return _workspace(workspace.load(found), revs, fmt, lang, exit_code)
    repo = Repository(start)
    around = find_catalogue_root(start)  # inside a catalogue (e.g. its items/ folder): the whole catalogue
    if around is not None and (around == repo.root or repo.root in around.parents):
        start = around
    under = relative_root(repo, start)
    rev_a, rev_b, merge_base = parse_revisions(revs)
    with objects_present(repo):
        results = history.diff(repo, rev_a, rev_b, under, merge_base=merge_base)
    title = (
        f"quanli diff {rev_a}...{rev_b}"
        if merge_base
        else f"quanli diff {rev_a} → {rev_b or ('working tree' if lang == 'en' else '工作区')}"
    )
    _report(results, fmt, lang, title)
    return 1 if exit_code and results else 0


def _workspace(ws, revs: list[str], fmt: str, lang: str, exit_code: bool) -> int:
    """Each member compared in its own repository (the workspace's, a submodule's or a sibling
    checkout's) between the same revisions; the changes listed by member."""
    from quanli.check.run import display_path
    from quanli.versioning import history
    from quanli.versioning.vcs import Repository, objects_present, relative_root

    rev_a, rev_b, merge_base = parse_revisions(revs)
    results: dict[str, list[Change]] = {}
    for m in ws.members:
        repo = Repository(m.root)
        try:
            with objects_present(repo):
                part = history.diff(repo, rev_a, rev_b, relative_root(repo, m.root), merge_base=merge_base)
        except QuanliError as exc:
            raise QuanliError(f"成员 {m.key}：{exc.zh}", f"member {m.key}: {exc.en}", exc.exit_code) from None
        changes = [c for group in part.values() for c in group]
        if changes:
            results[display_path(str(m.root))] = changes
    title = (
        f"quanli diff {rev_a}...{rev_b}"
        if merge_base
        else f"quanli diff {rev_a} → {rev_b or ('working tree' if lang == 'en' else '工作区')}"
    )
    _report(results, fmt, lang, title)
    return 1 if exit_code and results else 0


def _report(results: dict[str, list[Change]], fmt: str, lang: str, title: str) -> None:
    from quanli.report import changes as report

    if fmt == "json":
        report.to_json(results, sys.stdout)
    elif fmt == "markdown":
        report.to_markdown(results, lang, title, sys.stdout)
    else:
        report.to_text(results, lang, sys.stdout)
