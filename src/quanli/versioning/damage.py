"""A git repository quanli cannot read, in words: a shallow or partial clone, a missing object,
and whatever dulwich raises for a damaged repository (a garbage HEAD or ref, a damaged object or
index, a config it cannot parse), as one message naming the repository and what to do; and the
guards (``objects_present``, ``reading``, ``guarded``) that turn those errors into it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from quanli.core.errors import QuanliError

if TYPE_CHECKING:
    from quanli.versioning.vcs import Repository


def shallow_error() -> QuanliError:
    return QuanliError(
        "这是浅克隆（shallow clone），缺少更早的提交，无法得到完整的历史。请运行 git fetch --unshallow；"
        "在 GitHub Actions 中给 actions/checkout 加上 fetch-depth: 0，在 GitLab CI 中设 GIT_DEPTH: 0。",
        "this is a shallow clone without the earlier commits: run git fetch --unshallow "
        "(GitHub Actions: fetch-depth: 0; GitLab CI: GIT_DEPTH: 0).",
    )


def missing_error(repo, sha) -> QuanliError:
    """A git object the repository does not have: a partial clone (``--filter``), or a damaged repository."""
    ident = sha.decode("ascii", "replace") if isinstance(sha, bytes) else str(sha)
    partial = False
    try:
        config = repo.get_config()
        partial = (
            any(
                config.get(section, b"promisor") == b"true"
                for section in config.sections()
                if section[:1] == (b"remote",)
            )
            or config.has_section((b"extensions",))
            and bool(config.get((b"extensions",), b"partialclone"))
        )
    except Exception:  # no config to read: say what is known
        pass
    if partial:
        return QuanliError(
            f"这是部分克隆（git clone --filter），本地缺少 git 对象 {ident[:10]}，quanli 不会自动下载。"
            "请运行 git fetch --refetch（git 2.36 以上）取回全部对象，或不加 --filter 重新克隆；"
            "在 GitHub Actions 中 actions/checkout 不要设 filter，并设 fetch-depth: 0。",
            f"this is a partial clone (git clone --filter): git object {ident[:10]} is not here and quanli does "
            "not download it. Run git fetch --refetch, or clone again without --filter.",
        )
    where = _repo_path(repo)
    return QuanliError(
        f"无法读取 git 仓库 {where}（缺少 git 对象 {ident[:10]}，仓库可能已损坏）。请运行 git fsck 检查，或重新克隆。",
        f"cannot read the git repository {where} (git object {ident[:10]} is missing: the repository may be "
        "damaged). Run git fsck, or clone it again.",
    )


def _repo_path(repo) -> str:
    try:
        return str(Path(repo.path).resolve())
    except Exception:
        return "?"


# ---- a damaged repository ------------------------------------------------------------------------
# Whatever dulwich raises while quanli reads a repository (a garbage HEAD or ref, a missing or
# damaged object, a garbage index, a config it cannot parse) becomes one message naming the
# repository and what is damaged, exit code 2: never a traceback.

_KINDS = {  # dulwich module -> what is damaged, what to do
    "index": (
        "暂存区文件 {git}index 已损坏",
        "the index {git}index is damaged",
        "可以删除 {git}index 后运行 git reset 重建暂存区（工作区中的文件不受影响）。",
        "Delete {git}index and run git reset to rebuild it (the files in the working tree are not touched).",
    ),
    "refs": (
        "HEAD 或分支、标签引用已损坏",
        "HEAD or a branch or tag ref is damaged",
        "请检查 {git}HEAD（通常为 ref: refs/heads/main）和 {git}refs/ 中的文件，或运行 git fsck。",
        "Check {git}HEAD (usually ref: refs/heads/main) and the files in {git}refs/, or run git fsck.",
    ),
    "config": (
        "配置文件 {git}config 无法解析",
        "the config file {git}config cannot be parsed",
        "请修正 {git}config。",
        "Fix {git}config.",
    ),
    "folder": (
        "{git} 不是完整的 git 仓库，缺少 HEAD、objects/ 或 refs/",
        "{git} is not a whole git repository: HEAD, objects/ or refs/ is missing",
        "请从备份恢复，或重新克隆。",
        "Restore it from a backup, or clone it again.",
    ),
    "objects": (
        "git 对象已损坏",
        "a git object is damaged",
        "请运行 git fsck 检查，或重新克隆。",
        "Run git fsck, or clone it again.",
    ),
}


def _dulwich_dir() -> str:
    import dulwich

    return os.path.dirname(os.path.abspath(dulwich.__file__)) + os.sep


def _dulwich_modules(exc: BaseException) -> list[str]:
    """The dulwich modules (``index``, ``refs``, ...) the exception was raised through, innermost last."""
    import traceback

    top = _dulwich_dir()
    out = []
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        name = os.path.abspath(frame.f_code.co_filename)
        if name.startswith(top):
            out.append(name[len(top) :].split(os.sep)[0].removesuffix(".py"))
    return out


def from_dulwich(exc: BaseException) -> bool:
    """Raised by dulwich (its own error type, or any error raised while dulwich was running)."""
    return type(exc).__module__.split(".")[0] == "dulwich" or bool(_dulwich_modules(exc))


def _git_prefix(root: Path | str, gitdir: str | None) -> str:
    """How messages name the git folder: ``.git/`` when it is the usual one, else its full path."""
    if gitdir is None or Path(gitdir).resolve() == Path(root).resolve() / ".git":
        return ".git/"
    return str(Path(gitdir).resolve()) + "/"  # a worktree's or a submodule's git folder


def unreadable_error(
    root: Path | str,
    exc: BaseException | None = None,
    kind: str | None = None,
    gitdir: str | None = None,
    detail: str | tuple[str, str] | None = None,
) -> QuanliError:
    """The repository at ``root`` cannot be read: what is damaged (from ``kind`` or the dulwich module
    the error came from), dulwich's own words (or ``detail``, one text or Chinese and English) and what to do."""
    if kind is None:
        modules = _dulwich_modules(exc) if exc is not None else []
        kind = "objects"
        for module in reversed(modules):
            if module in ("index", "refs", "config"):
                kind = module
                break
    git = _git_prefix(root, gitdir)
    zh_what, en_what, zh_do, en_do = (t.format(git=git) for t in _KINDS[kind])
    if detail is None and exc is not None:
        text = str(exc).strip() or type(exc).__name__
        detail = text if len(text) <= 160 else text[:160] + "…"
    zh_detail, en_detail = detail if isinstance(detail, tuple) else (detail, detail)
    shown = lambda text: "".join(ch if ch.isprintable() else "?" for ch in text or "")  # noqa: E731
    zh_more = f"：{shown(zh_detail)}" if zh_detail else ""
    en_more = f": {shown(en_detail)}" if en_detail else ""
    return QuanliError(
        f"无法读取 git 仓库 {root}（{zh_what}{zh_more}）。{zh_do}",
        f"cannot read the git repository {root} ({en_what}{en_more}). {en_do}",
    )


def repository_error(repo: Repository, exc: BaseException) -> QuanliError | None:
    """The QuanliError for an error raised while reading ``repo``, or None when it is not a git error
    (a bug in quanli stays a bug)."""
    if isinstance(exc, QuanliError) or not isinstance(exc, Exception):
        return None
    if isinstance(exc, KeyError) and exc.args and is_object_id(exc.args[0]):
        return missing_error(repo.repo, exc.args[0])
    from dulwich.errors import MissingCommitError, ObjectMissing

    if isinstance(exc, (MissingCommitError, ObjectMissing)) and is_object_id(getattr(exc, "sha", None)):
        return missing_error(repo.repo, exc.sha)
    if from_dulwich(exc):
        return unreadable_error(repo.root, exc, gitdir=_controldir(repo.repo))
    return None


def _controldir(repo) -> str | None:
    try:
        return repo.controldir()
    except Exception:
        return None


def is_object_id(value) -> bool:
    return (
        isinstance(value, bytes)
        and len(value) in (20, 40)
        and (len(value) == 20 or bool(re.fullmatch(rb"[0-9a-f]{40}", value)))
    )


class objects_present:
    """``with objects_present(repo):`` turns what dulwich raises for a damaged repository (a missing
    object, a garbage HEAD, ref, object or index) into a QuanliError (``repository_error``)."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if kind is not None:
            error = repository_error(self.repo, exc)
            if error is not None:
                raise error from None
        return False


reading = objects_present  # the same guard, by the name that says what it is for


def guarded(fn):
    """A function (or method) whose first argument is a Repository, run inside ``objects_present``."""
    import functools

    @functools.wraps(fn)
    def run(repo, *args, **kwargs):
        with objects_present(repo):
            return fn(repo, *args, **kwargs)

    return run
