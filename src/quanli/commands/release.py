"""``quanli release VERSION`` and ``quanli changelog [FROM] [TO]``.

A release refuses unless the catalogue validates and the working tree is clean; it then
writes the CHANGELOG entry and the 变更说明 (markdown and DOCX) into the catalogue,
commits those files and tags that commit (annotated). ``changelog`` prints the same
content for any range without writing anything.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sys
from pathlib import Path

from quanli.core.errors import QuanliError

VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
CHANGELOG = "CHANGELOG.md"
CHANGELOG_HEAD = "# 变更记录\n\n由 quanli release 生成，新的版本在前。\n"
RELEASES = "releases"


def _date(text: str | None) -> dt.date:
    from quanli.dates import clock

    return clock.given_or_today(text)


def _catalogue_data(repo, commit, root: str) -> dict:
    from quanli.versioning.history import parse_blob

    sha = repo.path_at(commit, ("" if root == "." else root + "/") + "catalog.yaml")
    data = parse_blob(repo.blob(sha)) if sha is not None else None
    return data if isinstance(data, dict) else {}


def make_note(repo, root: str, base: tuple[str, bytes] | None, head, version: str, day: dt.date):
    """The release note of one catalogue from ``base`` (tag, commit) to commit ``head``."""
    from quanli.dates import workdays
    from quanli.versioning import history
    from quanli.versioning.release import REPORT_WORKDAYS, build_note

    changes = history.changes_since(repo, base[1] if base else None, head.id, root)
    messages = history.item_messages(repo, head.id, base[1] if base else None, root)
    unit = _catalogue_data(repo, head, root).get("unit")
    unit = unit if isinstance(unit, dict) else {}
    cal = workdays.for_catalogue(repo.root / root)
    due = cal.add(day, REPORT_WORKDAYS)
    return build_note(
        changes,
        messages,
        unit=str(unit.get("name") or root),
        report_to=str(unit.get("report_to") or ""),
        catalogue=root,
        version=version,
        date=day,
        deadline=due,
        previous=base[0] if base else None,
        estimated=cal.estimated(day, due),
    )


def changelog(rev_from: str | None, rev_to: str | None, path: Path | None, day: str | None, lang: str) -> int:
    from quanli.render.changenote import changelog_entry
    from quanli.versioning import history
    from quanli.versioning.vcs import catalogue_in, objects_present, open_repository

    repo, start = open_repository(path)
    head = repo.commit(rev_to or "HEAD")
    root = catalogue_in(repo, start, head)
    if rev_from:
        base = (rev_from, repo.commit(rev_from).id)
    else:
        base = history.previous_release(repo, head.id, root, skip_head=True)
    own = sorted(history.tags_by_commit(repo).get(head.id, []))
    title = own[-1] if own else (rev_to or ("未发布" if lang != "en" else "unreleased"))
    with objects_present(repo):
        note = make_note(repo, root, base, head, title, _date(day))
    sys.stdout.write(changelog_entry(note))
    return 0


def _identity(repo) -> bytes:
    """Who signs the release commit and tag: GIT_AUTHOR_* or user.name/user.email, never a guess."""
    config = repo.repo.get_config_stack()

    def get(key: str, env: str) -> bytes | None:
        if os.environ.get(env):
            return os.environ[env].encode("utf-8")
        try:
            return config.get((b"user",), key.encode())
        except KeyError:
            return None

    name, email = get("name", "GIT_AUTHOR_NAME"), get("email", "GIT_AUTHOR_EMAIL")
    if not name or not email:
        raise QuanliError(
            '没有设置提交者姓名和邮箱，无法创建发布提交和标签。请运行：git config user.name "姓名" 和 git config user.email "邮箱"。',
            "no git identity: run git config user.name and git config user.email.",
        )
    return name + b" <" + email + b">"


def _dirty(repo, root: str) -> list[str]:
    from dulwich import porcelain

    status = porcelain.status(repo.repo)
    out = [
        p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p)
        for group in status.staged.values()
        for p in group
    ]
    out += [p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p) for p in status.unstaged]
    prefix = "" if root == "." else root + "/"
    from quanli.loader.cache import CACHE_DIR

    cache = prefix + CACHE_DIR + "/"  # quanli's own cache and edit lock, even where no .gitignore keeps them out
    out += [
        u
        for u in (p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p) for p in status.untracked)
        if u.startswith(prefix) and not u.startswith(cache)
    ]
    return sorted(set(out))


def release(version: str, path: Path | None, day: str | None, allow_empty: bool, lang: str) -> int:
    from dulwich.refs import check_ref_format

    from quanli.versioning.vcs import objects_present, open_repository

    if (
        not VERSION_RE.match(version)
        or not check_ref_format(b"refs/tags/" + version.encode())
        or version.endswith((".lock", "."))
    ):
        raise QuanliError(
            f"版本号“{version}”无效：只用字母、数字、点、连字符和下划线，例如 v2026.1。",
            f"invalid version '{version}': letters, digits, '.', '-' and '_' only, e.g. v2026.1.",
        )
    misread = version_misread(version)
    if misread is not None:
        raise QuanliError(
            f"版本号“{version}”不能使用：{misread[0]}。请换一个版本号，例如 v2026.1。",
            f"version '{version}' cannot be used: {misread[1]}; choose another, e.g. v2026.1.",
        )
    release_day = _date(day)
    repo, start = open_repository(path)
    with objects_present(repo):  # a damaged repository (HEAD, refs, objects, index): a message, not a traceback
        return _release(repo, start, version, day, release_day, allow_empty, lang)


def version_misread(version: str) -> tuple[str, str] | None:
    """Why git or Windows would misread a version (a tag name, and the folder releases/<version>/),
    in Chinese and English; None when it is safe. VERSION_RE has already kept out '/', '@', '{', '~',
    '^', ':', spaces and a leading dot or dash."""
    from quanli.check.rules.files import windows_problem

    upper = version.upper()
    if upper == "HEAD" or upper.endswith("_HEAD"):
        return (
            f"“{version}”是 git 的特殊名称（HEAD、FETCH_HEAD 等），git 会把它读成当前提交而不是这个标签",
            f"'{version}' is a special git name (HEAD, FETCH_HEAD …) that git reads as a commit, not as this tag",
        )
    if re.fullmatch(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}", version):
        return (
            "它看起来像一个完整的提交编号，git 会把它当作提交而不是标签",
            "it looks like a full commit id, which git reads instead of the tag",
        )
    if upper.startswith("REFS") and (len(version) == 4 or not version[4].isalnum()):
        return ("以 refs 开头的名称会被 git 当作引用路径", "a name starting with 'refs' is read by git as a ref path")
    problem = windows_problem(version)
    if problem is not None:
        return (
            f"它要作为文件夹名 releases/{version}/，但{problem[0]}",
            f"it names the folder releases/{version}/, but {problem[1]}",
        )
    return None


def _release(
    repo, start: Path, version: str, day: str | None, release_day: dt.date, allow_empty: bool, lang: str
) -> int:
    from quanli.core.lock import EditLock
    from quanli.versioning.vcs import catalogue_in

    head = repo.commit("HEAD")
    root = catalogue_in(repo, start, head)
    with EditLock(
        repo.root / root, lang
    ):  # no review, fmt or import changes the files between the check and the commit
        return _release_locked(repo, head, root, version, day, release_day, allow_empty, lang)


def _release_locked(
    repo, head, root: str, version: str, day: str | None, release_day: dt.date, allow_empty: bool, lang: str
) -> int:
    from dulwich import porcelain

    from quanli.check.validate import validate
    from quanli.core.fsutil import write_atomic
    from quanli.render.changenote import changelog_entry, docx, markdown, tally
    from quanli.versioning import history

    locks = repo.left_locks(f"refs/tags/{version}".encode())
    if locks:  # git (or a killed quanli) left a lock: every commit and tag would fail, and so would git reset
        shown = "、".join(str(p) for p in locks)
        raise QuanliError(
            f"git 的锁文件 {shown} 还在：可能另一个 git 程序（包括编辑器里的 git 功能）正在使用这个仓库，"
            "或者上一次 git 操作或发布被中断了。请确认没有其他 git 程序在运行后删除这个文件，再重新发布。没有发布。",
            f"git lock file(s) {', '.join(str(p) for p in locks)} exist: another git program may be using the "
            "repository, or an earlier git command or release was interrupted. Make sure no git program is "
            "running, delete the file(s) and release again. Nothing released.",
        )
    if f"refs/tags/{version}".encode() in repo.repo.refs:
        raise QuanliError(f"标签 {version} 已经存在，请换一个版本号。", f"tag {version} already exists.")
    tags = repo.repo.refs.keys(base=b"refs/tags/")
    same = sorted(
        t.decode("utf-8", "replace") for t in tags if t.decode("utf-8", "replace").casefold() == version.casefold()
    )
    if same:
        raise QuanliError(
            f"已有标签 {same[0]}，与 {version} 只差大小写：在 Windows 和 macOS 上它们是同一个文件（releases/{same[0]}/），请换一个版本号。",
            f"tag {same[0]} differs from {version} only by case: on Windows and macOS they are one file; choose another version.",
        )
    if f"refs/heads/{version}".encode() in repo.repo.refs:
        raise QuanliError(
            f"已有同名分支 {version}：标签与分支同名时 git 会报告名称有歧义，请换一个版本号。",
            f"a branch named {version} exists: git would find the name ambiguous; choose another version.",
        )
    head_ref = repo.repo.refs.read_ref(b"HEAD") or b""
    if not head_ref.startswith(b"ref: refs/heads/"):
        raise QuanliError(
            "HEAD 没有指向任何分支（detached HEAD），发布提交会不在任何分支上。请先 git switch 到要发布的分支（例如 main）。",
            "HEAD is detached: switch to the branch to release (e.g. git switch main) first.",
        )
    prefix = "" if root == "." else root + "/"
    if (
        head.message.decode("utf-8", "replace").startswith(f"发布 {version}：")
        and repo.path_at(head, f"{prefix}{RELEASES}/{version}/变更说明.md") is not None
    ):
        return _finish_tag(repo, head, version, lang)
    dirty = _dirty(repo, root)
    if dirty:
        shown = "、".join(dirty[:5]) + (f" 等 {len(dirty)} 个文件" if len(dirty) > 5 else "")
        ours = all(
            p == prefix + CHANGELOG
            or p.startswith(prefix + RELEASES + "/")
            or (p.rpartition("/")[2].startswith(".") and p.endswith(".tmp"))
            for p in dirty
        )
        hint = (
            (
                f"这些都是 quanli release 写的文件，上一次发布可能被中断了：请撤销它们（git checkout -- {prefix}{CHANGELOG}，"
                f"删除 {prefix}{RELEASES}/ 中没有提交的文件夹和以“.”开头的 .tmp 文件）后重新发布。"
            )
            if ours
            else "请先提交或撤销，再发布。"
        )
        raise QuanliError(
            f"工作区有未提交的修改（{shown}）。{hint}",
            f"the working tree has uncommitted changes ({', '.join(dirty[:5])}): "
            + (
                "they are what an interrupted quanli release wrote: undo them and release again."
                if ours
                else "commit them first."
            ),
            exit_code=1,
        )
    catalogue = repo.root / root
    findings = io.StringIO()
    if validate([catalogue], "text", lang, stream=findings) != 0:
        sys.stdout.write(findings.getvalue())
        raise QuanliError(
            "目录检查没有通过（见上），没有发布。请先修正问题。",
            "the catalogue does not validate (see above): nothing released.",
            exit_code=1,
        )
    from quanli.review import publishing

    unpublishable = publishing.held_in(catalogue)
    if unpublishable:  # a release is what gets published: the same test as a public build's
        raise QuanliError(
            publishing.refusal(unpublishable, "zh", "本次发布", "this release"),
            publishing.refusal(unpublishable, "en", "本次发布", "this release"),
            exit_code=1,
        )
    author = _identity(repo)
    base = history.previous_release(repo, head.id, root)
    note = make_note(repo, root, base, head, version, release_day)
    if base and not note.rows and not note.others and not allow_empty:
        raise QuanliError(
            f"自上一版本 {base[0]} 以来目录没有变化，没有发布（确需发布时加 --allow-empty）。",
            f"nothing changed since {base[0]}: not released (use --allow-empty).",
            exit_code=1,
        )

    log_path = catalogue / CHANGELOG
    old_log = log_path.read_bytes() if log_path.is_file() else None
    folder = catalogue / RELEASES / version
    if folder.exists():
        raise QuanliError(f"{folder} 已经存在，没有覆盖。", f"{folder} already exists; not overwritten.")
    outputs = {folder / "变更说明.md": markdown(note).encode("utf-8"), folder / "变更说明.docx": docx(note)}
    new_log = insert_entry(
        old_log.decode("utf-8", "replace") if old_log is not None else CHANGELOG_HEAD, changelog_entry(note)
    )

    stamp = (
        int(dt.datetime.combine(release_day, dt.time(12), dt.timezone(dt.timedelta(hours=8))).timestamp())
        if day
        else None
    )
    zone = 8 * 3600 if stamp else None
    message = f"发布 {version}：{note.unit}行政职权目录（{tally(note)}）\n\n由 quanli release 生成。"
    try:
        for out_path, data in outputs.items():
            write_atomic(out_path, data)
        write_atomic(log_path, new_log, overwrite=True)
        porcelain.add(repo.repo, [str(p) for p in [log_path, *outputs]])
        commit_id = porcelain.commit(
            repo.repo,
            message.encode("utf-8"),
            author=author,
            committer=author,
            author_timestamp=stamp,
            commit_timestamp=stamp,
            author_timezone=zone,
            commit_timezone=zone,
        )
    except Exception as exc:  # a refusing pre-commit hook, a full disk: put everything back as it was
        _roll_back(repo, folder, log_path, old_log)
        if isinstance(exc, QuanliError):
            raise
        detail = str(exc).strip() or type(exc).__name__
        raise QuanliError(
            f"无法创建发布提交（{detail}），已撤销本次写入的文件，没有发布。若是 pre-commit 钩子拒绝，请先处理它报告的问题。",
            f"could not create the release commit ({detail}); the files written were removed, nothing released.",
        ) from None
    try:
        porcelain.tag_create(
            repo.repo,
            version.encode(),
            author=author,
            message=message.encode("utf-8"),
            annotated=True,
            objectish=commit_id,
            tag_time=stamp,
            tag_timezone=zone,
        )
    except Exception as exc:
        raise QuanliError(
            f"已提交 {commit_id.decode()[:10]}，但无法创建标签 {version}（{exc}）。请运行：git tag -a {version} {commit_id.decode()[:10]}",
            f"committed {commit_id.decode()[:10]} but could not create tag {version} ({exc}).",
        ) from None
    rel = lambda p: p.relative_to(repo.root).as_posix()  # noqa: E731
    if lang == "en":
        print(f"Released {version}: {len(note.rows)} item change(s); commit {commit_id.decode()[:10]}, tag {version}.")
        print(
            f"Written: {rel(log_path)}, {', '.join(rel(p) for p in outputs)}. Report due {note.deadline.isoformat()}"
            f"{' (estimated)' if note.estimated else ''}."
        )
    else:
        print(f"已发布 {version}：{tally(note)}；提交 {commit_id.decode()[:10]}，标签 {version}。")
        print(f"已写入：{rel(log_path)}、{'、'.join(rel(p) for p in outputs)}。")
        print(
            f"请在 {note.deadline_text()} 前向{note.report_to}报送变更说明（发布后第 20 个工作日）。推送：git push --follow-tags"
        )
    if note.estimated:
        from quanli.dates.workdays import Calendar

        print(Calendar.warning_for(set(note.estimated), lang), file=sys.stderr)
    return 0


def _finish_tag(repo, head, version: str, lang: str) -> int:
    """HEAD is the release commit of ``version`` but the tag is missing: the release stopped between the
    commit and the tag (killed, or the tag could not be written). Running it again makes the tag."""
    from dulwich import porcelain

    author = _identity(repo)
    try:
        porcelain.tag_create(
            repo.repo,
            version.encode(),
            author=author,
            message=head.message,
            annotated=True,
            objectish=head.id,
            tag_time=head.commit_time,
            tag_timezone=head.commit_timezone,
        )
    except Exception as exc:
        raise QuanliError(
            f"无法创建标签 {version}（{exc}）。请运行：git tag -a {version} {head.id.decode()[:10]}",
            f"could not create tag {version} ({exc}).",
        ) from None
    short = head.id.decode()[:10]
    print(
        f"Release {version} was committed ({short}) but not tagged (interrupted?): tag {version} created. Push: git push --follow-tags"
        if lang == "en"
        else f"上一次发布 {version} 已提交（{short}）但没有创建标签，可能被中断了：已补上标签 {version}。推送：git push --follow-tags"
    )
    return 0


def insert_entry(text: str, entry: str) -> str:
    """The CHANGELOG with ``entry`` before the newest entry (the first ``## `` heading), all else kept."""
    match = re.search(r"^## ", text, flags=re.M)
    if match is None:
        return text.rstrip("\n") + "\n\n" + entry
    return text[: match.start()] + entry + "\n" + text[match.start() :]


def _roll_back(repo, folder: Path, log_path: Path, old_log: bytes | None) -> None:
    """Undo a release that could not be committed: the index back to HEAD, written files removed."""
    import shutil

    from dulwich import porcelain

    from quanli.core.fsutil import write_atomic

    try:
        porcelain.reset(repo.repo, "mixed", "HEAD")  # the tree was clean before, so this only unstages ours
    except Exception:
        pass
    shutil.rmtree(folder, ignore_errors=True)
    for parent in (folder.parent,):
        try:
            parent.rmdir()  # releases/ itself, when this was the first release
        except OSError:
            pass
    if old_log is None:
        log_path.unlink(missing_ok=True)
    else:
        write_atomic(log_path, old_log, overwrite=True)
