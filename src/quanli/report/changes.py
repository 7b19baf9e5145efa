"""Catalogue changes as text (terminal), markdown (pull-request comment) or JSON."""

from __future__ import annotations

import json
from typing import IO

from quanli.compare import Change

CHANGE_ZH = {"added": "新增", "removed": "删除", "modified": "修改", "renamed": "改编号", "unreadable": "无法读取"}
KIND_ZH = {"item": "事项", "flow": "流程图", "law": "法律法规", "department": "处室", "catalog": "目录信息"}
KIND_EN = {"item": "item", "flow": "flow", "law": "law", "department": "department", "catalog": "catalogue"}
# field names a reviewer reads in Chinese (the first segment of a field path)
FIELD_ZH = {
    "name": "名称", "category": "类别", "subject": "实施主体", "department": "承办机构", "duties": "对应职责", "flow": "流程图",
    "basis": "行使依据", "conditions": "受理条件", "materials": "申请材料", "time_limit": "办理时限", "fee": "收费",
    "special_procedures": "特别程序", "penalty": "处罚", "discretion": "裁量基准", "contact": "联系方式", "remedy": "救济途径",
    "responsibility": "责任事项", "disclosure": "公开", "status": "状态", "important": "重要权力", "codes": "编码",
    "level": "行使层级", "dates": "日期", "remarks": "备注", "steps": "步骤", "complaint": "投诉举报", "rights": "相对人权利",
    "change_reason": "变更理由",
}


def short(value, width: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def field_label(path: str) -> str:
    head = path.split(".", 1)[0].split("[", 1)[0]
    zh = FIELD_ZH.get(head)
    return f"{zh}（{path}）" if zh else path


def ident(c: Change) -> str:
    return f"{c.old_id} → {c.id}" if c.old_id else c.id


def unreadable_note(c: Change, lang: str) -> str:
    if lang == "en":
        return f"({c.path} cannot be read in the {'old' if c.side == 'old' else 'new'} revision: run quanli validate)"
    return f"（{'旧' if c.side == 'old' else '新'}版本中的 {c.path} 无法读取，请运行 quanli validate 查看原因）"


def to_json(results: dict[str, list[Change]], stream: IO[str]) -> None:
    rows = [dict(c.to_dict(), catalogue=root) for root, changes in results.items() for c in changes]
    json.dump(rows, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def to_text(results: dict[str, list[Change]], lang: str, stream: IO[str]) -> None:
    en = lang == "en"
    if not results:
        stream.write(("No changes." if en else "没有变化。") + "\n")
    for root, changes in results.items():
        stream.write(f"{root}\n")
        for c in changes:
            verb = c.change if en else CHANGE_ZH[c.change]
            kind = KIND_EN[c.kind] if en else KIND_ZH[c.kind]
            head = f"  {verb:<4} {kind} {ident(c)} {c.name}".rstrip()
            if c.affects:
                head += f"  ({'affects' if en else '涉及'} {'、'.join(c.affects)})"
            if c.change == "unreadable":
                head += "  " + unreadable_note(c, lang)
            stream.write(head + "\n")
            for line in c.summary:
                stream.write(f"      · {line}\n")
            for f in c.fields:
                old = short(f.old) if f.old is not None else ("(none)" if en else "（无）")
                new = short(f.new) if f.new is not None else ("(none)" if en else "（无）")
                stream.write(f"      {f.path}: {old} → {new}\n")


def to_markdown(results: dict[str, list[Change]], lang: str, title: str, stream: IO[str]) -> None:
    from quanli.render.flowchart import to_mermaid
    from quanli.report.markdown import cell

    en = lang == "en"
    verb = (lambda c: c) if en else CHANGE_ZH.get
    kind = KIND_EN.get if en else KIND_ZH.get
    lines = [f"### {title}", ""]
    if not results:
        lines.append("No changes." if en else "没有变化。")
    for root, changes in results.items():
        counts: dict[str, int] = {}
        for c in changes:
            counts[c.change] = counts.get(c.change, 0) + 1
        tally = ("; " if en else "，").join(f"{verb(k)} {v}" for k, v in sorted(counts.items(), key=lambda kv: list(CHANGE_ZH).index(kv[0])))
        head = "| Kind | Id | Name | Change | Items affected |" if en else "| 类别 | 编号 | 名称 | 变化 | 涉及事项 |"
        lines += [f"**{cell(root)}**{': ' if en else '：'}{tally}", "", head, "|---|---|---|---|---|"]
        for c in changes:
            places = (f" ({len(c.fields)})" if en else f"（{len(c.fields)} 处）") if c.fields else ""
            note = " " + cell(unreadable_note(c, lang)) if c.change == "unreadable" else ""
            lines.append(f"| {kind(c.kind)} | `{cell(ident(c))}` | {cell(c.name)}{note} | {verb(c.change)}{places} | "
                         f"{cell('、'.join(c.affects))} |")
        lines.append("")
        for c in changes:
            if not (c.fields or c.summary):
                continue
            lines += [f"<details><summary>{kind(c.kind)} {cell(ident(c))} {cell(c.name)}</summary>", ""]
            lines += [f"- {cell(s)}" for s in c.summary] + ([""] if c.summary else [])
            if c.fields:
                lines += ["| Field | Old | New |" if en else "| 字段 | 原 | 新 |", "|---|---|---|"]
                lines += [f"| `{cell(f.path)}` | {cell(short(f.old)) if f.old is not None else ''} | "
                          f"{cell(short(f.new)) if f.new is not None else ''} |" for f in c.fields]
                lines.append("")
            if c.kind == "flow" and isinstance(c.before, dict) and isinstance(c.after, dict):
                lines += ["Before:" if en else "修改前：", "", "```mermaid", to_mermaid(c.before).rstrip("\n"), "```", "",
                          "After:" if en else "修改后：", "", "```mermaid", to_mermaid(c.after).rstrip("\n"), "```", ""]
            lines += ["</details>", ""]
    stream.write("\n".join(lines).rstrip("\n") + "\n")
