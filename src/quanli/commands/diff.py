"""``quanli diff``: what changed between two revisions, in the catalogue's own terms."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from quanli.compare import Change, State, compare
from quanli.errors import QuanliError


def state_from_files(files: dict[str, bytes]) -> State:
    """A catalogue's comparable state from its files (unreadable files are left out)."""
    from quanli.loader.yamlparse import ParseFailure, load_bytes

    state = State()
    for rel, blob in sorted(files.items()):
        try:
            data, _ = load_bytes(blob)
        except ParseFailure:
            continue
        if not isinstance(data, dict):
            continue
        if rel == "laws.yaml":
            laws = data.get("laws")
            state.laws = {law["id"]: law for law in laws if isinstance(law, dict) and isinstance(law.get("id"), str)} if isinstance(laws, list) else {}
        elif rel == "catalog.yaml":
            deps = data.get("departments")
            state.departments = {d["name"]: d for d in deps if isinstance(d, dict) and isinstance(d.get("name"), str)} if isinstance(deps, list) else {}
        elif isinstance(data.get("id"), str):
            (state.items if rel.startswith("items/") else state.flows)[data["id"]] = data
    return state


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
    from quanli.vcs import Repository, catalogues_in

    start = (path or Path.cwd()).resolve()
    repo = Repository(start if start.is_dir() else start.parent)
    under = "" if start == repo.root else start.relative_to(repo.root).as_posix().rstrip("/") + "/"
    if under == "./":
        under = ""
    rev_a, rev_b = parse_revisions(revs)
    before = catalogues_in(repo.files(rev_a, under))
    after = catalogues_in(repo.files(rev_b, under) if rev_b else repo.worktree_files(under.rstrip("/")))
    results: dict[str, list[Change]] = {}
    for root in sorted(set(before) | set(after)):
        changes = compare(state_from_files(before.get(root, {})), state_from_files(after.get(root, {})))
        if changes:
            results[root] = changes
    _report(results, fmt, lang, rev_a, rev_b or ("工作区" if lang != "en" else "working tree"))
    return 1 if exit_code and results else 0


_CHANGE_ZH = {"added": "新增", "removed": "删除", "modified": "修改", "renamed": "改编号"}
_KIND_ZH = {"item": "事项", "flow": "流程图", "law": "法律法规", "department": "处室"}


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= 80 else text[:77] + "…"


def _report(results: dict[str, list[Change]], fmt: str, lang: str, a: str, b: str) -> None:
    out = sys.stdout
    if fmt == "json":
        rows = [dict(c.to_dict(), catalogue=root) for root, changes in results.items() for c in changes]
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if fmt == "markdown":
        from quanli.report.markdown import cell

        lines = [f"### quanli diff {a} → {b}", ""]
        if not results:
            lines.append("没有变化。" if lang != "en" else "No changes.")
        for root, changes in results.items():
            lines += [f"**{root}**", "", "| 类别 | 编号 | 名称 | 变化 | 涉及 |", "|---|---|---|---|---|"]
            for c in changes:
                ident = f"{c.old_id} → {c.id}" if c.old_id else c.id
                lines.append(f"| {_KIND_ZH[c.kind]} | `{cell(ident)}` | {cell(c.name)} | {_CHANGE_ZH[c.change]}"
                             f"{'（' + str(len(c.fields)) + ' 处）' if c.fields else ''} | {cell('、'.join(c.affects))} |")
            lines.append("")
            for c in changes:
                if c.fields:
                    lines += [f"<details><summary>{_KIND_ZH[c.kind]} {cell(c.id)} {cell(c.name)}</summary>", "",
                              "| 字段 | 原 | 新 |", "|---|---|---|"]
                    lines += [f"| `{cell(f.path)}` | {cell(_short(f.old)) if f.old is not None else ''} | {cell(_short(f.new)) if f.new is not None else ''} |" for f in c.fields]
                    lines += ["", "</details>", ""]
        out.write("\n".join(lines).rstrip("\n") + "\n")
        return
    if not results:
        print("没有变化。" if lang != "en" else "No changes.")
    for root, changes in results.items():
        print(root)
        for c in changes:
            ident = f"{c.old_id} → {c.id}" if c.old_id else c.id
            head = f"  {_CHANGE_ZH[c.change] if lang != 'en' else c.change:<4} {_KIND_ZH[c.kind] if lang != 'en' else c.kind} {ident} {c.name}"
            print(head.rstrip() + (f"  （涉及 {'、'.join(c.affects)}）" if c.affects else ""))
            for f in c.fields:
                old = _short(f.old) if f.old is not None else "（无）"
                new = _short(f.new) if f.new is not None else "（无）"
                print(f"      {f.path}: {old} → {new}")
