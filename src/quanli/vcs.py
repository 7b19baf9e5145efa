"""Reading catalogues at git revisions, with dulwich (no git binary at run time)."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from quanli.errors import QuanliError

_SUFFIX = re.compile(r"(~\d*|\^\d*)$")


class Repository:
    def __init__(self, start: Path) -> None:
        from dulwich.repo import Repo

        try:
            self.repo = Repo.discover(str(start))
        except Exception:
            raise QuanliError(f"{start} 不在 git 仓库中，无法比较版本。", f"{start} is not inside a git repository.") from None
        self.root = Path(self.repo.path).resolve()

    def commit(self, spec: str):
        """A commit from a revision: a ref, a tag, a commit id, with ~N and ^N suffixes."""
        from dulwich.objectspec import parse_commit

        steps = []
        base = spec
        while True:
            m = _SUFFIX.search(base)
            if not m or m.start() == 0:
                break
            steps.insert(0, m.group())
            base = base[:m.start()]
        try:
            commit = parse_commit(self.repo, base.encode())
        except Exception:
            raise QuanliError(f"找不到版本“{spec}”。", f"unknown revision '{spec}'.") from None
        for step in steps:
            count = int(step[1:] or 1)
            if step[0] == "~":
                for _ in range(count):
                    commit = self._parent(commit, 0, spec)
            else:
                commit = self._parent(commit, count - 1, spec)
        return commit

    def _parent(self, commit, index: int, spec: str):
        if len(commit.parents) <= index:
            raise QuanliError(f"版本“{spec}”不存在（没有更早的提交）。", f"revision '{spec}' does not exist.")
        return self.repo[commit.parents[index]]

    def files(self, spec: str, under: str = "") -> dict[str, bytes]:
        """{path relative to the repository: blob bytes} of the YAML files at a revision."""
        from dulwich.object_store import iter_tree_contents

        commit = self.commit(spec)
        out = {}
        for entry in iter_tree_contents(self.repo.object_store, commit.tree):
            path = entry.path.decode("utf-8", "surrogateescape")
            if path.endswith((".yaml", ".yml")) and (not under or path.startswith(under)) and entry.mode & 0o170000 == 0o100000:
                out[path] = self.repo.object_store[entry.sha].data
        return out

    def worktree_files(self, under: str = "") -> dict[str, bytes]:
        """The same for the working tree (what is on disk now), skipping hidden folders."""
        out = {}
        top = self.root / under if under else self.root
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if name.endswith((".yaml", ".yml")):
                    full = Path(dirpath) / name
                    if full.is_file() and not full.is_symlink():
                        out[full.relative_to(self.root).as_posix()] = full.read_bytes()
        return out


def catalogues_in(files: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
    """Group a revision's files by catalogue: {catalogue folder: {path inside it: bytes}}."""
    roots = sorted((str(PurePosixPath(p).parent) for p in files if PurePosixPath(p).name == "catalog.yaml"), key=len, reverse=True)
    out: dict[str, dict[str, bytes]] = {}
    for path, data in files.items():
        for root in roots:
            prefix = "" if root == "." else root + "/"
            if path.startswith(prefix):
                rel = path[len(prefix):]
                if rel in ("catalog.yaml", "laws.yaml") or re.fullmatch(r"(items|flows)/[^/]+\.ya?ml", rel):
                    out.setdefault(root, {})[rel] = data
                break
    return out
