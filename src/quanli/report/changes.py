"""Catalogue changes as text (terminal), markdown (pull-request comment) or JSON.

Text and markdown say every change in the clerk's words: fields by their Chinese titles, list
entries and steps by their names, never a YAML key or path (``--lang en`` keeps the paths, for
developers). JSON keeps each field's ``path`` for machines, next to its Chinese ``title``.
"""

from __future__ import annotations

import json
from typing import IO

from quanli.versioning.compare import Change, FieldChange, _text, changed_steps, path_title

CHANGE_ZH = {"added": "新增", "removed": "删除", "modified": "修改", "renamed": "改编号", "unreadable": "无法读取"}
KIND_ZH = {"item": "事项", "flow": "流程图", "law": "法律法规", "department": "处室", "catalog": "目录信息"}
KIND_EN = {"item": "item", "flow": "flow", "law": "law", "department": "department", "catalog": "catalogue"}


def short(value, width: int = 80) -> str:
    """A value as a short text: texts as they are, 是/否, lists joined, objects by their fields' titles."""
    text = " ".join(_text(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _raw(value, width: int = 80) -> str:
    """A value as it is written in the YAML (for --lang en, which keeps the paths)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def field_label(path: str) -> str:
    """An item field's title from its path (承诺办结时限, 申请材料“营业执照”的份数)."""
    return path_title("item", path)


def _cells(f: FieldChange, width: int = 80) -> tuple[str, str]:
    """(old, new) of a field change as a reviewer reads them in a table."""
    if f.shape == "texts":
        return (
            ("删除：" + "、".join(short(t, width) for t in f.old)) if f.old else "",
            ("新增：" + "、".join(short(t, width) for t in f.new)) if f.new else "",
        )
    if f.shape == "entry":
        return ("删除" + (f"（{short(f.old_text, width)}）" if f.old_text else "")) if f.old is not None else "", (
            "新增" + (f"（{short(f.new_text, width)}）" if f.new_text else "")
        ) if f.new is not None else ""
    return (
        short(f.old_text or _text(f.old), width) if f.old is not None else "",
        short(f.new_text or _text(f.new), width) if f.new is not None else "",
    )


def lines(c: Change, width: int = 80) -> list[str]:
    """What changed in a document, in words: a flow, law, department or the catalogue by its summary, an item field by field."""
    return list(c.summary) if c.kind != "item" and c.summary else [f.line(width) for f in c.fields]


def ident(c: Change) -> str:
    if c.kind == "catalog":
        return ""  # catalog.yaml: the kind (目录信息) says it
    return f"{c.old_id} → {c.id}" if c.old_id else c.id


def unreadable_note(c: Change, lang: str) -> str:
    if lang == "en":
        return f"({c.path} cannot be read in the {'old' if c.side == 'old' else 'new'} revision: run quanli validate)"
    return f"（{'旧' if c.side == 'old' else '新'}版本中的 {c.path} 无法读取，请运行 quanli validate 查看原因）"


def to_json(results: dict[str, list[Change]], stream: IO[str]) -> None:
    rows = [dict(c.to_dict(), catalogue=root) for root, changes in results.items() for c in changes]
    stream.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")  # one write, not one a token


def to_text(results: dict[str, list[Change]], lang: str, stream: IO[str]) -> None:
    en = lang == "en"
    if not results:
        stream.write(("No changes." if en else "没有变化。") + "\n")
    for root, changes in results.items():
        stream.write(f"{root}\n")
        for c in changes:
            verb = c.change if en else CHANGE_ZH[c.change]
            kind = KIND_EN[c.kind] if en else KIND_ZH[c.kind]
            head = " ".join(filter(None, (f"  {verb:<4}", kind, ident(c), c.name)))
            if c.affects:
                head += f"  ({'affects' if en else '涉及'} {'、'.join(c.affects)})"
            if c.change == "unreadable":
                head += "  " + unreadable_note(c, lang)
            stream.write(head + "\n")
            if not en:
                for line in lines(c):
                    stream.write(f"      · {line}\n")
                continue
            for line in c.summary:
                stream.write(f"      · {line}\n")
            for f in c.fields:
                old = _raw(f.old) if f.old is not None else "(none)"
                new = _raw(f.new) if f.new is not None else "(none)"
                stream.write(f"      {f.path}: {old} → {new}\n")


def to_markdown(results: dict[str, list[Change]], lang: str, title: str, stream: IO[str]) -> None:
    from quanli.report.markdown import cell

    en = lang == "en"
    verb = (lambda c: c) if en else CHANGE_ZH.get
    kind = KIND_EN.get if en else KIND_ZH.get
    out = [f"### {title}", ""]
    if not results:
        out.append("No changes." if en else "没有变化。")
    for root, changes in results.items():
        counts: dict[str, int] = {}
        for c in changes:
            counts[c.change] = counts.get(c.change, 0) + 1
        tally = ("; " if en else "，").join(
            f"{verb(k)} {v}" for k, v in sorted(counts.items(), key=lambda kv: list(CHANGE_ZH).index(kv[0]))
        )
        head = "| Kind | Id | Name | Change | Items affected |" if en else "| 类别 | 编号 | 名称 | 变化 | 涉及事项 |"
        out += [f"**{cell(root)}**{': ' if en else '：'}{tally}", "", head, "|---|---|---|---|---|"]
        for c in changes:
            places = (f" ({len(c.fields)})" if en else f"（{len(c.fields)} 处）") if c.fields else ""
            note = " " + cell(unreadable_note(c, lang)) if c.change == "unreadable" else ""
            shown = f"`{cell(ident(c))}`" if ident(c) else ""
            out.append(
                f"| {kind(c.kind)} | {shown} | {cell(c.name)}{note} | {verb(c.change)}{places} | "
                f"{cell('、'.join(c.affects))} |"
            )
        out.append("")
        for c in changes:
            if not (c.fields or c.summary):
                continue
            out += [
                f"<details><summary>{' '.join(filter(None, (kind(c.kind), cell(ident(c)), cell(c.name))))}</summary>",
                "",
            ]
            if en:
                out += [f"- {cell(s)}" for s in c.summary] + ([""] if c.summary else [])
                if c.fields:
                    out += ["| Field | Old | New |", "|---|---|---|"]
                    out += [
                        f"| `{cell(f.path)}` | {cell(_raw(f.old)) if f.old is not None else ''} | "
                        f"{cell(_raw(f.new)) if f.new is not None else ''} |"
                        for f in c.fields
                    ]
                    out.append("")
            elif c.kind != "item" and c.summary:
                out += [f"- {cell(s)}" for s in c.summary] + [""]
            elif c.fields:
                out += ["| 字段 | 原 | 新 |", "|---|---|---|"]
                out += [
                    f"| {cell(f.title or field_label(f.path))} | {cell(old)} | {cell(new)} |"
                    for f in c.fields
                    for old, new in [_cells(f)]
                ]
                out.append("")
            if c.kind == "flow" and isinstance(c.before, dict) and isinstance(c.after, dict):
                out += _mermaid_pair(c, en)
            out += ["</details>", ""]
    stream.write("\n".join(out).rstrip("\n") + "\n")


LEGEND_ZH = "图例：黄色底纹为新增或修改的步骤，红色底纹（修改前的图中）为删除的步骤。"
LEGEND_EN = "Legend: steps added or changed are shaded yellow; steps removed are shaded red (in the chart before)."


def _mermaid_pair(c: Change, en: bool) -> list[str]:
    """The flow before and after as Mermaid, the changed steps marked."""
    from quanli.render.flowchart import to_mermaid

    added, modified, removed = changed_steps(c)
    before = to_mermaid(c.before, changed=modified, removed=removed).rstrip("\n")
    after = to_mermaid(c.after, changed=added + modified).rstrip("\n")
    legend = [LEGEND_EN if en else LEGEND_ZH, ""] if added or modified or removed else []
    return legend + [
        "Before:" if en else "修改前：",
        "",
        "```mermaid",
        before,
        "```",
        "",
        "After:" if en else "修改后：",
        "",
        "```mermaid",
        after,
        "```",
        "",
    ]
