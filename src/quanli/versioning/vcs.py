"""Reading catalogues at git revisions, with dulwich (no git binary at run time).

Only what differs is read: between two commits the changed paths come from git's tree
diff (unchanged subtrees are skipped without being listed), and against the working tree
the files on disk are hashed as git blobs and compared with the commit's blob ids. A
catalogue is any folder with a ``catalog.yaml``; its files are ``catalog.yaml``,
``laws.yaml``, ``items/*.yaml`` and ``flows/*.yaml``.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quanli.core.errors import QuanliError

# the errors of a repository that cannot be read, and the guards that raise them, live in damage;
# they are imported here too, for the modules that have always found them here
from quanli.versioning.damage import (  # noqa: F401  (imported from here by the commands)
    _controldir,
    guarded,
    is_object_id,
    missing_error,
    objects_present,
    reading,
    repository_error,
    shallow_error,
    unreadable_error,
)

_SUFFIX = re.compile(r"(~\d*|\^\d*|\^\{(?:commit)?\})$")
_CATALOGUE_FILE = re.compile(r"^(?:(.*)/)?(catalog\.yaml|laws\.yaml|(?:items|flows)/[^/]+\.ya?ml)$")
if TYPE_CHECKING:
    from dulwich.objects import Commit

WORKTREE = None  # the "revision" that means the files on disk now


def blob_id(data: bytes) -> bytes:
    """The git blob id (hex) of some bytes, as ``git hash-object`` computes it."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest().encode()


def split_catalogue_path(path: str) -> tuple[str, str] | None:
    """'a/b/items/X.yaml' -> ('a/b', 'items/X.yaml'); None for a path that is no catalogue file."""
    m = _CATALOGUE_FILE.match(path)
    return (m.group(1) or ".", m.group(2)) if m else None


@dataclass
class FileChange:
    """One catalogue file that differs between two sides (None: absent on that side)."""

    root: str  # catalogue folder relative to the repository ("." for the top)
    old_path: str | None  # path inside the catalogue
    new_path: str | None
    old_sha: bytes | None
    new_sha: bytes | None


class NotARepository(QuanliError):
    """The folder is inside no git repository at all (commands that can do without git go on)."""


def _git_above(start: Path) -> Path | None:
    """The nearest ``.git`` (folder or file) at or above ``start``, below GIT_CEILING_DIRECTORIES."""
    ceilings = {Path(p).resolve() for p in os.environ.get("GIT_CEILING_DIRECTORIES", "").split(os.pathsep) if p}
    for folder in (start, *start.parents):
        if folder in ceilings:
            return None
        if (folder / ".git").exists() or (folder / ".git").is_symlink():
            return folder / ".git"
    return None


def _lookup(store, tree: bytes, path: bytes):
    """(mode, sha) of a path in a tree, or None when the tree has no such path (or the path runs
    through a file or a submodule); a tree object that is missing is ``missing_error``."""
    from dulwich.errors import NotTreeError
    from dulwich.object_store import tree_lookup_path
    from dulwich.objects import SubmoduleEncountered

    try:
        return tree_lookup_path(store.__getitem__, tree, path)
    except KeyError as exc:
        name = exc.args[0] if exc.args else None
        if is_object_id(name) and name not in path.split(b"/"):
            raise  # an object the repository lacks: the guard around says so
        return None
    except (NotTreeError, SubmoduleEncountered):
        return None


class Repository:
    def __init__(self, start: Path) -> None:
        from dulwich.errors import NotGitRepository
        from dulwich.repo import Repo

        try:
            self.repo = Repo.discover(str(start))
        except NotGitRepository:
            found = _git_above(Path(start).resolve())
            if found is not None:  # a .git dulwich cannot open: no HEAD, no objects/ or refs/
                raise unreadable_error(
                    found.parent,
                    kind="folder",
                    gitdir=str(found) if found.is_dir() else None,
                    detail=None
                    if found.is_dir()
                    else (f"{found} 指向的仓库无法打开", f"the repository {found} points to cannot be opened"),
                ) from None
            raise NotARepository(
                f"{start} 不在 git 仓库中，无法比较版本。请在目录所在的 git 仓库中运行，或先运行 git init。",
                f"{start} is not inside a git repository.",
            ) from None
        except Exception as exc:  # found, but it cannot be opened (e.g. a config dulwich cannot parse)
            found = _git_above(Path(start).resolve())
            raise unreadable_error(found.parent if found is not None else start, exc) from None
        self.root = Path(self.repo.path).resolve()
        self._disk: dict[str, bytes] = {}  # working-tree bytes read so far, by repository path

    def _damage(self, name: bytes) -> QuanliError | None:
        """After a revision could not be read: the error of a damaged repository (the ref's target
        is garbage, missing or unreadable), or None when the revision simply does not exist."""
        from dulwich.objectspec import parse_ref

        refs = self.repo.refs
        gitdir = _controldir(self.repo)
        try:
            try:
                ref = parse_ref(refs, name)
            except KeyError:
                if name == b"HEAD" and refs.read_ref(b"HEAD") is None:
                    return unreadable_error(
                        self.root, kind="refs", gitdir=gitdir, detail=("缺少 HEAD", "there is no HEAD")
                    )
                return None  # no such ref: an unknown revision (or a commit id this repository never had)
            chain, sha = refs.follow(ref)
        except Exception as exc:
            return repository_error(self, exc) or unreadable_error(self.root, exc, kind="refs", gitdir=gitdir)
        if sha is None:
            return None  # a branch without commits yet
        if not re.fullmatch(rb"[0-9a-f]{40}", sha):
            ref_name = chain[-1].decode("utf-8", "replace") if chain else "HEAD"
            content = sha[:60].decode("ascii", "backslashreplace")
            return unreadable_error(
                self.root,
                kind="refs",
                gitdir=gitdir,
                detail=(
                    f"{ref_name} 的内容“{content}”不是分支或提交编号",
                    f"{ref_name} holds '{content}', not a branch or a commit id",
                ),
            )
        try:
            self.repo[sha]
        except Exception as exc:
            return repository_error(self, exc) or unreadable_error(self.root, exc, gitdir=gitdir)
        return None

    # -- revisions -------------------------------------------------------------------------

    @guarded
    def commit(self, spec: str) -> Commit:
        """A commit from a revision: a ref, a tag, a commit id, with ~N, ^N and ^{} suffixes."""
        from dulwich.objectspec import parse_commit

        steps = []
        base = spec
        while True:
            m = _SUFFIX.search(base)
            if not m or m.start() == 0:
                break
            steps.insert(0, m.group())
            base = base[: m.start()]
        try:
            commit = parse_commit(self.repo, base.encode())
        except Exception as exc:
            damage = self._damage(base.encode()) or (
                repository_error(self, exc) if not isinstance(exc, (KeyError, ValueError)) else None
            )
            if damage is not None:
                raise damage from None
            if base == "HEAD":
                raise QuanliError(
                    "仓库中还没有任何提交。请先提交目录（git add、git commit）。", "the repository has no commits yet."
                ) from None
            raise QuanliError(
                f"找不到版本“{spec}”。请用 git log 查看提交，或 git tag 查看标签。", f"unknown revision '{spec}'."
            ) from None
        for step in steps:
            if step.startswith("^{"):  # ^{} and ^{commit}: the commit itself (tags are already peeled)
                continue
            count = int(step[1:]) if step[1:] else 1
            if step[0] == "~":
                for _ in range(count):
                    commit = self.parent(commit, 0, spec)
            elif count > 0:  # ^0 is the commit itself, ^N its N-th parent
                commit = self.parent(commit, count - 1, spec)
        return commit

    @guarded
    def merge_base(self, a: str, b: str) -> Commit:
        """The best common ancestor of two revisions (for A...B, as git diff reads it)."""
        from dulwich.graph import find_merge_base

        first, second = self.commit(a), self.commit(b)
        self.require_history()
        bases = find_merge_base(self.repo, [first.id, second.id])
        if not bases:
            raise QuanliError(f"“{a}”和“{b}”没有共同的祖先提交。", f"'{a}' and '{b}' have no common ancestor.")
        return self.repo[bases[0]]

    @guarded
    def parent(self, commit: Commit, index: int = 0, spec: str = "") -> Commit:
        if len(commit.parents) <= index:
            raise QuanliError(f"版本“{spec}”不存在（没有更早的提交）。", f"revision '{spec}' does not exist.")
        sha = commit.parents[index]
        if sha not in self.repo.object_store:
            raise shallow_error() if self.is_shallow() else missing_error(self.repo, sha)
        return self.repo[sha]

    def is_shallow(self) -> bool:
        try:
            return bool(self.repo.get_shallow())
        except Exception:
            return False

    def require_history(self) -> None:
        """Commands that walk history refuse a shallow clone rather than stop early without saying so."""
        if self.is_shallow():
            raise shallow_error()

    def left_locks(self, *refs: bytes) -> list[Path]:
        """The git lock files that would stop a commit on HEAD's branch or the creation of ``refs``:
        index.lock, HEAD.lock, packed-refs.lock and each ref's .lock. git leaves one behind when it
        (or quanli, through dulwich) is killed while writing; while it exists every git write fails."""
        control = _controldir(self.repo)
        if control is None:
            return []
        control = Path(control)
        try:
            head = self.repo.refs.read_ref(b"HEAD") or b""
        except Exception:
            head = b""
        names = [b"index", b"HEAD", b"packed-refs", *refs]
        if head.startswith(b"ref: "):
            names.append(head[5:].strip())
        found = []
        for name in names:
            lock = control / (name.decode("utf-8", "replace") + ".lock")
            if lock.exists() and lock not in found:
                found.append(lock)
        return found

    def head_id(self) -> bytes | None:
        """HEAD's commit id, or None when there is no commit yet; a garbage HEAD is an error."""
        try:
            _, sha = self.repo.refs.follow(b"HEAD")
        except Exception as exc:
            raise repository_error(self, exc) or unreadable_error(
                self.root, exc, kind="refs", gitdir=_controldir(self.repo)
            ) from None
        if sha is None or not re.fullmatch(rb"[0-9a-f]{40}", sha):
            damage = self._damage(b"HEAD")
            if damage is not None:
                raise damage
            return None
        return sha

    # -- files -------------------------------------------------------------------------------

    @guarded
    def blob(self, sha: bytes, path: str | None = None) -> bytes:
        """A blob's bytes: from the object store, or from disk for a working-tree file."""
        if path is not None and path in self._disk:
            return self._disk[path]
        try:
            return self.repo.object_store[sha].data
        except KeyError:
            raise missing_error(self.repo, sha) from None

    @guarded
    def tree_files(self, tree: bytes, under: str = "") -> dict[str, bytes]:
        """{repository path: blob id} of the catalogue files in a tree (blobs are not read)."""
        from dulwich.object_store import iter_tree_contents

        store = self.repo.object_store
        top = tree
        if under:
            found = _lookup(store, tree, under.rstrip("/").encode())
            if found is None:
                return {}
            top = found[1]
        out = {}
        for entry in iter_tree_contents(store, top):
            path = under + entry.path.decode("utf-8", "surrogateescape")
            if entry.mode & 0o170000 == 0o100000 and split_catalogue_path(path):
                out[path] = entry.sha
        return out

    def disk_files(self, under: str = "") -> dict[str, bytes]:
        """The same for the working tree: files on disk hashed as git blobs (hidden folders skipped)."""
        out = {}
        top = self.root / under if under else self.root
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if name.endswith((".yaml", ".yml")):
                    full = Path(dirpath) / name
                    rel = full.relative_to(self.root).as_posix()
                    if split_catalogue_path(rel) and full.is_file() and not full.is_symlink():
                        data = full.read_bytes()
                        self._disk[rel] = data
                        out[rel] = blob_id(data)
        return out

    @guarded
    def changes(self, rev_a, rev_b, under: str = "") -> list[FileChange]:
        """Catalogue files that differ between two revisions or commits (``rev_b`` None: the working tree)."""
        old_commit = self.commit(rev_a) if isinstance(rev_a, str) else rev_a
        if rev_b is WORKTREE:
            return _pair(
                self.tree_files(old_commit.tree, under),
                self.disk_files(under.rstrip("/")),
                lambda roots: self._catalogue_roots(roots, old_commit.tree),
            )
        new_commit = self.commit(rev_b) if isinstance(rev_b, str) else rev_b
        return self.commit_changes(old_commit.tree, new_commit.tree, under)

    @guarded
    def commit_changes(self, old_tree: bytes | None, new_tree: bytes | None, under: str = "") -> list[FileChange]:
        """Changed catalogue files between two trees, from git's tree diff."""
        from dulwich.diff_tree import tree_changes

        old, new = {}, {}
        for tc in tree_changes(self.repo.object_store, old_tree, new_tree):
            for side, entry in ((old, tc.old), (new, tc.new)):
                if (
                    entry is not None
                    and entry.path is not None
                    and entry.mode is not None
                    and entry.mode & 0o170000 == 0o100000
                ):
                    path = entry.path.decode("utf-8", "surrogateescape")
                    if path.startswith(under) and split_catalogue_path(path):
                        side[path] = entry.sha
        trees = [t for t in (old_tree, new_tree) if t is not None]
        return _pair(old, new, lambda roots: {r for r in roots if any(self._has(t, r) for t in trees)})

    @guarded
    def _has(self, tree: bytes, root: str) -> bool:
        return (
            _lookup(self.repo.object_store, tree, (root + "/catalog.yaml" if root != "." else "catalog.yaml").encode())
            is not None
        )

    @guarded
    def _catalogue_roots(self, roots: set[str], old_tree: bytes) -> set[str]:
        """For the working tree: roots whose catalog.yaml exists on disk or in the old revision."""
        return {r for r in roots if (self.root / r / "catalog.yaml").is_file() or self._has(old_tree, r)}

    @guarded
    def path_at(self, commit, path: str) -> bytes | None:
        """The blob id of a file at a commit, or None."""
        found = _lookup(self.repo.object_store, commit.tree, path.encode("utf-8", "surrogateescape"))
        if found is None:
            return None
        mode, sha = found
        return sha if mode & 0o170000 == 0o100000 else None


def _pair(old: dict[str, bytes], new: dict[str, bytes], keep_roots) -> list[FileChange]:
    """FileChanges for the paths whose blob ids differ, in catalogues that exist on either side."""
    out = []
    for path in sorted(set(old) | set(new)):
        if old.get(path) == new.get(path):
            continue
        root, rel = split_catalogue_path(path)  # type: ignore[misc]
        out.append(
            FileChange(root, rel if path in old else None, rel if path in new else None, old.get(path), new.get(path))
        )
    roots = keep_roots({c.root for c in out})
    return [c for c in out if c.root in roots]


def relative_root(repo: Repository, start: Path) -> str:
    """The repository-relative prefix ('' or 'a/b/') of a folder inside the repository."""
    start = start.resolve()
    if start == repo.root:
        return ""
    try:
        return start.relative_to(repo.root).as_posix().rstrip("/") + "/"
    except ValueError:
        raise QuanliError(
            f"{start} 不在仓库 {repo.root} 中。", f"{start} is not inside the repository {repo.root}."
        ) from None


def catalogue_in(repo: Repository, start: Path, commit: Commit) -> str:
    """The catalogue (repository-relative folder) a command is about: the one around ``start``,
    or the only one in the repository at ``commit``."""
    from quanli.loader.catalogue import find_catalogue_root

    around = find_catalogue_root(start)
    if around is not None:
        return relative_root(repo, around).rstrip("/") or "."
    roots = sorted(
        {
            path.rsplit("/", 1)[0] if "/" in path else "."
            for path in repo.tree_files(commit.tree, relative_root(repo, start))
            if path.rsplit("/", 1)[-1] == "catalog.yaml"
        }
    )
    if len(roots) == 1:
        return roots[0]
    if not roots:
        raise QuanliError(f"{start} 中没有目录（找不到 catalog.yaml）。", f"no catalogue under {start}.")
    raise QuanliError(
        f"仓库中有多个目录（{'、'.join(roots)}），请用 --path 指定其中一个。",
        f"the repository holds several catalogues ({', '.join(roots)}): choose one with --path.",
    )


def open_repository(path: Path | None) -> tuple[Repository, Path]:
    """The repository around ``path`` (default: the current folder) and the folder a command starts from."""
    start = (path or Path.cwd()).resolve()
    if not start.exists():
        raise QuanliError(f"路径不存在：{start}", f"path does not exist: {start}")
    if start.is_file():
        start = start.parent
    return Repository(start), start
