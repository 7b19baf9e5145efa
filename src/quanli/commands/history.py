"""``quanli log ITEM`` and ``quanli show ITEM@REV``: one item through the catalogue's history."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.versioning.vcs import catalogue_in, objects_present, open_repository


def _item_blob(repo, commit, root: str, item_id: str) -> bytes | None:
    """The item's file at a commit: items/<ID>.yaml, or any item file whose id is ``item_id``."""
    from quanli.versioning.history import parse_blob

    prefix = "" if root == "." else root + "/"
    for name in (f"items/{item_id}.yaml", f"items/{item_id}.yml"):  # the usual place, if it holds that id
        sha = repo.path_at(commit, prefix + name)
        if sha is not None:
            blob = repo.blob(sha)
            data = parse_blob(blob)
            if not isinstance(data, dict) or data.get("id") in (item_id, None):
                return blob
    for sha in repo.tree_files(commit.tree, prefix + "items/").values():
        blob = repo.blob(sha)
        if item_id.encode() in blob:
            data = parse_blob(blob)
            if isinstance(data, dict) and data.get("id") == item_id:
                return blob
    return None


def show(spec: str, path: Path | None, lang: str) -> int:
    item_id, _, rev = spec.partition("@")
    if not item_id:
        raise QuanliError(
            "请写成 事项编号@版本，例如 SJ-XK-001@v1.0 或 SJ-XK-001@HEAD~2。", "write ITEM_ID@REV, e.g. SJ-XK-001@v1.0."
        )
    repo, start = open_repository(path)
    commit = repo.commit(rev or "HEAD")
    with objects_present(repo):
        root = catalogue_in(repo, start, commit)
        blob = _item_blob(repo, commit, root, item_id)
    if blob is None:
        raise QuanliError(
            f"版本 {rev or 'HEAD'} 中没有事项 {item_id}（目录 {root}）。可用 quanli log {item_id} 查看它的历史。",
            f"item {item_id} does not exist at {rev or 'HEAD'} (catalogue {root}).",
        )
    text = blob.decode("utf-8", "replace")
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _when(seconds: int, tz: int) -> str:
    try:
        moment = dt.datetime.fromtimestamp(seconds, dt.timezone(dt.timedelta(seconds=tz)))
    except (OverflowError, ValueError, OSError):  # a commit time no calendar holds (git accepts any number)
        return "?"
    return moment.strftime("%Y-%m-%d %H:%M")


def log(item_id: str, path: Path | None, fmt: str, lang: str) -> int:
    from quanli.report.changes import CHANGE_ZH, short
    from quanli.versioning.history import item_log

    repo, start = open_repository(path)
    head = repo.commit("HEAD")
    with objects_present(repo):
        root = catalogue_in(repo, start, head)
        entries = item_log(repo, item_id, head.id, root)
    if fmt == "json":
        rows = [
            {
                "commit": e.commit,
                "date": _when(e.date, e.tz),
                "author": e.author,
                "message": e.message,
                **e.change.to_dict(),
            }
            for e in entries
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")  # one write, not one a token
        return 0
    en = lang == "en"
    if not entries:
        print(f"No commit changed item {item_id}." if en else f"没有提交修改过事项 {item_id}。")
        return 0
    for e in entries:
        c = e.change
        verb = c.change if en else CHANGE_ZH[c.change]
        ident = f"{c.old_id} → {c.id}" if c.old_id else c.id
        print(f"{e.commit[:10]}  {_when(e.date, e.tz)}  {e.author}")
        print(f"    {e.message.splitlines()[0] if e.message else ''}")
        print(f"    {verb} {ident} {c.name}".rstrip())
        for f in c.fields:
            if en:  # developers: the YAML path
                print(
                    f"      {f.path}: {short(f.old) if f.old is not None else '(none)'} → {short(f.new) if f.new is not None else '(none)'}"
                )
            else:  # a clerk: the field's Chinese title (承办机构：审批科 → 法制科)
                print(f"      {f.line()}")
        print()
    return 0
