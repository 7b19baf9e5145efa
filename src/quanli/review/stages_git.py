"""Re-review through git: which commits changed an item after its last sign-off.

A sign-off written by ``quanli review`` carries the fingerprint of what it covered, so a change
is seen without git (rule QL902). A sign-off written by hand, or imported, has none: then the
item's history says it. The commit that first holds the last sign-off is where it was signed;
any later version of the item whose content (without the review record) differs from that
commit's, up to the working tree, is a change nobody signed. Used by ``quanli status``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from quanli.review import stages


def _short(commit) -> dict:
    try:
        day = (
            dt.datetime.fromtimestamp(commit.commit_time, dt.timezone(dt.timedelta(seconds=commit.commit_timezone)))
            .date()
            .isoformat()
        )
    except (OverflowError, ValueError, OSError):  # a commit time no calendar holds (git accepts any number)
        day = "?"
    author = commit.author.decode("utf-8", "replace").split(" <")[0]
    message = commit.message.decode("utf-8", "replace").strip().splitlines()
    return {"commit": commit.id.decode()[:7], "date": day, "author": author, "message": message[0] if message else ""}


def check(root: Path, items: list, flagged: list[dict]) -> list[dict]:
    """``flagged`` (items whose fingerprint already shows a change) with the commits that made the
    change, plus the items whose last sign-off has no fingerprint and whose history shows one.
    Without a repository (or with a shallow one) the flagged list is returned as it is."""
    from quanli.core.errors import QuanliError
    from quanli.versioning.vcs import NotARepository, Repository, reading

    try:
        repo = Repository(root)
        if repo.is_shallow() or repo.head_id() is None:
            return flagged
        with reading(repo):
            return _check(repo, root, items, flagged)
    except NotARepository:
        return flagged
    except QuanliError as exc:  # a damaged repository: say so, and how to see the status without it
        raise QuanliError(
            exc.zh + "（不读 git 历史时可用 quanli status --no-git。）",
            exc.en + " (quanli status --no-git does without the git history.)",
            exc.exit_code,
        ) from None


def _check(repo, root: Path, items: list, flagged: list[dict]) -> list[dict]:
    prefix = Path(root).resolve().relative_to(repo.root).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    known = {entry["file"]: entry for entry in flagged}
    out = list(flagged)
    for sf in items:
        last = stages.last_signoff(sf.data)
        if last is None or last.get("stage") in stages.WITHDRAWN:
            continue
        entry = known.get(sf.path)
        if entry is None and isinstance(last.get("fingerprint"), str):
            continue  # its fingerprint matches: nothing changed since it was signed
        found = _history(repo, prefix + sf.rel, last, stages.fingerprint(sf.data))
        if found is None:
            continue
        signed_in, commits = found
        if entry is not None:
            entry["commits"] = commits
        elif signed_in["changed_after"]:
            out.append(
                {
                    "id": sf.data.get("id"),
                    "name": sf.data.get("name"),
                    "signoff": stages.describe(last),
                    "how": "git",
                    "signed_in": signed_in["commit"],
                    "commits": commits,
                    "file": sf.path,
                }
            )
    return sorted(out, key=lambda e: str(e.get("id")))


def _history(repo, path: str, last: dict, now: str):
    """({commit of the sign-off, changed_after: working tree differs}, [commits after it that
    changed the content]), or None when no commit holds the sign-off."""
    from quanli.versioning.history import commits, document

    versions = []  # (commit, fingerprint, holds the sign-off), newest first, one per change of the blob
    previous_blob = None
    for commit in commits(repo, repo.head_id()):
        blob = repo.path_at(commit, path)
        if blob is None:
            break  # the item did not exist before this (a missing tree object is an error, not this)
        if blob == previous_blob:
            versions[-1] = (commit, *versions[-1][1:])  # the same content: it came from an older commit
            continue
        previous_blob = blob
        data = document(repo, blob)
        if not isinstance(data, dict):
            versions.append((commit, None, False))
            continue
        versions.append((commit, stages.fingerprint(data), last in stages.signoffs(data)))
    holding = [v for v in versions if v[2]]
    if not holding:
        return None
    signed = holding[-1]  # the oldest version that holds the sign-off
    index = versions.index(signed)
    changed = []
    for commit, fp, _ in reversed(versions[:index]):  # the versions after it, oldest first
        if fp is not None and fp != signed[1]:
            changed.append(_short(commit))
    return {"commit": _short(signed[0])["commit"], "changed_after": now != signed[1]}, changed
