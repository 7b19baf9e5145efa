"""一件's content: the rows of the disclosure sheet and their blocks (text, numbered lists, grids),
shared by the DOCX and the HTML."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quanli.render.view import CatalogueView, ItemView, limit_text

SHEET_NAME = "权力运行公开表"
INTERNAL_MARK = "内部资料 不得公开"

# ---------------------------------------------------------------------------
# Content shared by both renderers
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """One paragraph. ``style``: "" (body), "strong" or "note" (smaller, grey)."""

    text: str
    style: str = ""


@dataclass(frozen=True)
class Numbered:
    """A numbered list (1. 2. 3.)."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Grid:
    """A small table inside a value cell. Each cell is a tuple of lines: the first is
    body text, the others are notes. ``widths`` in centimetres (sum = inner width)."""

    headers: tuple[str, ...]
    widths: tuple[float, ...]
    rows: tuple[tuple[tuple[str, ...], ...], ...]
    centered: tuple[int, ...] = (0,)  # columns whose cells are centred


Block = Text | Numbered | Grid

INNER_CM = 13.4  # usable width inside the value column (value column 13.8 cm minus cell margins)


def _grid(
    headers: list[str],
    widths: list[float],
    rows: list[list[tuple[str, ...]]],
    keep: set[int],
    flex: int,
    centered: tuple[int, ...] = (0,),
) -> Grid:
    """Drop columns that are empty in every row (except ``keep``); their width goes to ``flex``."""
    drop = [c for c in range(len(headers)) if c not in keep and not any(any(r[c]) for r in rows)]
    widths = list(widths)
    for c in drop:
        widths[flex] += widths[c]
    cols = [c for c in range(len(headers)) if c not in drop]
    return Grid(
        tuple(headers[c] for c in cols),
        tuple(round(widths[c], 2) for c in cols),
        tuple(tuple(r[c] for c in cols) for r in rows),
        tuple(i for i, c in enumerate(cols) if c in centered),
    )


def _lines(*texts: str) -> tuple[str, ...]:
    return tuple(t for t in texts if t)


def _s(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip()


def _list_or_text(values: list[str]) -> list[Block]:
    if not values:
        return []
    return [Text(values[0])] if len(values) == 1 else [Numbered(tuple(values))]


def _materials(item: ItemView) -> list[Block]:
    if not item.materials:
        return []
    rows = [
        [(str(i),), _lines(m.name), _lines(m.form), _lines(m.copies), ("是" if m.required else "否",), _lines(m.note)]
        for i, m in enumerate(item.materials, 1)
    ]
    return [
        _grid(
            ["序号", "材料名称", "形式", "份数", "必需", "备注"],
            [0.9, 5.3, 1.5, 1.1, 1.2, 3.4],
            rows,
            keep={0, 1},
            flex=1,
            centered=(0, 2, 3, 4),
        )
    ]


def _steps(flow: dict) -> list[list[tuple[str, ...]]]:
    out = []
    steps = flow.get("steps") if isinstance(flow.get("steps"), list) else []
    for i, step in enumerate((s for s in steps if isinstance(s, dict)), 1):
        name = _s(step.get("name"))
        if step.get("special") is True:
            name += "（特别程序，所需时间不计入办结时限）"
        disclosure = step.get("disclosure") if isinstance(step.get("disclosure"), dict) else {}
        forms = (
            "、".join(_s(f) for f in disclosure.get("forms") or [] if _s(f))
            if isinstance(disclosure.get("forms"), list)
            else ""
        )
        public = "，".join(t for t in (_s(disclosure.get("scope")), forms, _s(disclosure.get("timing"))) if t)
        out.append(
            [
                (str(i),),
                _lines(name, _s(step.get("description"))),
                _lines(_s(step.get("post"))),
                _lines(limit_text(step.get("time_limit"))),
                _lines(_s(step.get("supervision")), f"公开：{public}" if public else ""),
            ]
        )
    return out


def _process(view: CatalogueView, item: ItemView, svg: str | None) -> list[Block]:
    """办理流程: the flow's name and scope note, its steps as a table, the party's rights,
    and a pointer to the flowchart, which follows the table as an appendix (附图): a chart
    is tall, and a picture inside a table row that does not fit on the current page
    pushes the whole rest of the row to the next page, leaving most of a page empty."""
    flow = view.flows.get(item.flow_id) if item.flow_id else None
    flow = flow if isinstance(flow, dict) else {}
    name = _s(flow.get("name"))
    blocks: list[Block] = []
    if name:
        blocks.append(Text(name, "strong"))
    if _s(flow.get("description")):
        blocks.append(Text(_s(flow.get("description")), "note"))
    steps = _steps(flow)
    if steps:
        blocks.append(
            _grid(
                ["序号", "步骤", "承办岗位", "办理时限", "监督制约"],
                [0.9, 3.1, 3.0, 2.6, 3.8],
                steps,
                keep={0, 1},
                flex=1,
            )
        )
    rights = [_s(r) for r in flow.get("rights") or [] if _s(r)] if isinstance(flow.get("rights"), list) else []
    if rights:
        blocks.append(Text("相对人的权利", "strong"))
        blocks.extend(_list_or_text(rights))
    if svg:
        blocks.append(Text("运行流程图见本表后附图。", "note"))
    return blocks


def rows(view: CatalogueView, item: ItemView, svg: str | None = None) -> list[tuple[str, list[Block]]]:
    """The sheet's rows in order, as (label, blocks); empty rows are left out."""
    basis: list[Block] = []
    for ref in item.basis:
        basis.append(Text(ref.cite() + (f"（{ref.kind}）" if ref.kind else ""), "strong"))
        if ref.text:
            basis.append(Text(ref.text, "note"))
    timing_notes = [item.time_note] if item.time_note else []
    if item.special_procedures:
        timing_notes.append("特别程序（所需时间不计入办结时限）：" + "；".join(item.special_procedures))
    discretion = []
    if item.discretion:
        discretion = [
            _grid(
                ["裁量档次", "适用情形", "裁量标准"],
                [1.6, 5.4, 6.4],
                [[_lines(t), _lines(c), _lines(s)] for t, c, s in item.discretion],
                keep={0, 1, 2},
                flex=2,
            )
        ]
    out: list[tuple[str, list[Block]]] = [
        *((("待完善", [Text(item.pending, "note")]),) if getattr(item, "pending", "") else ()),  # internal editions
        ("项目名称", [Text(item.name)] if item.name else []),
        ("事项编号", [Text(item.id)] if item.id else []),
        *((title, [Text(code)]) for title, code in item.codes),  # 基本编码, 实施编码, 本地编码
        ("项目类别", [Text(item.category)] if item.category else []),
        ("实施主体", [Text(item.subject)] if item.subject else []),
        ("承办机构", [Text(item.department)] if item.department else []),
        ("行使层级", [Text(item.level)] if item.level else []),
        ("法律依据", basis),
        ("行使条件", _list_or_text(item.conditions)),
        ("申请材料", _materials(item)),
        ("办理流程", _process(view, item, svg)),
        ("法定办结时限", [Text(item.statutory)] if item.statutory else []),
        ("承诺办结时限", [Text(item.promised)] if item.promised else []),
        ("时限说明", [Text(t) for t in timing_notes]),
        ("收费依据及标准", [Text(item.fee)] if item.fee else []),
        ("公开范围", [Text(item.scope)] if item.scope else []),
        ("公开形式", [Text(item.forms)] if item.forms else []),
        ("公开时限", [Text(item.timing)] if item.timing else []),
        ("不公开理由", [Text(item.reason)] if item.reason else []),
        ("咨询电话", [Text(item.consult)] if item.consult else []),
        ("投诉渠道", [Text(item.complaint)] if item.complaint else []),
        ("办理地点", [Text(item.location)] if item.location else []),
        ("办理时间", [Text(item.hours)] if item.hours else []),
        ("救济途径", [Text(t) for t in item.remedy]),
        ("处罚内容", [Text(t) for t in item.penalty]),
        ("裁量基准", discretion),
        ("责任事项", _list_or_text(item.responsibilities)),
        ("追责情形", _list_or_text(item.accountability)),
    ]
    return [(label, blocks) for label, blocks in out if blocks]


def figure_caption(view: CatalogueView, item: ItemView) -> str:
    """The flowchart's title: the flow's name, else the item's."""
    flow = view.flows.get(item.flow_id) if item.flow_id else None
    return (_s(flow.get("name")) if isinstance(flow, dict) else "") or f"{item.name}运行流程图"


def subtitle(view: CatalogueView) -> str:
    return "　".join(t for t in (SHEET_NAME, view.unit, view.version, view.date) if t)


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------
