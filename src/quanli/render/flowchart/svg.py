"""SVG drawing: ``_Frame`` holds what is drawn around a layout (title, 内部资料 mark, complaint box
with the legend, the line 制图单位/版本/日期) and measures a page (``_Geom``); ``_draw`` writes one
standalone SVG document; ``to_svg`` draws a whole flow as one document."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

from quanli.render.flowchart.geometry import layout
from quanli.render.flowchart.metrics import LINE, NAME_PX, NOTES_HEAD_H, PAD, PAGE_W, TEXT_PX
from quanli.render.flowchart.shapes import Layout
from quanli.render.flowchart.text import _XML_BAD, _clean, _num, text_width, wrap_text

FONT_FAMILY = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun, sans-serif'


def _q(value: Any) -> str:
    return _xml_quoteattr(_XML_BAD.sub("", str(value)))


def _t(value: Any) -> str:
    return _xml_escape(_XML_BAD.sub("", str(value)))


def _f(v: float) -> str:
    return _num(round(v, 1))


_STYLE = {
    "start": ("#e2efda", "#3d7a3a"),
    "end": ("#fce4d6", "#9c4a1a"),
    "process": ("#deebf7", "#2e5c8a"),
    "decision": ("#fff2cc", "#a67c00"),
    "connector": ("#ededed", "#666666"),
}
_LINE = "#404040"
_RETURN = "#c0392b"
TITLE_PX = 20.0
TITLE_LH = 28.0
LEGEND = "图例：圆角框＝开始/结束；矩形＝办理环节；菱形＝判断；虚线框＝特别程序（不计时限）；红色虚线＝退回、补正"
LEGEND_PAGES = "；灰色框＝转至或接自其他页"


def _text_block(cx: float, top: float, lines: list[str], styles: list[str], anchor: str = "middle") -> str:
    out = [f'<text text-anchor="{anchor}">']
    y = top
    for line, style in zip(lines, styles):
        size = NAME_PX if style == "name" else TEXT_PX
        lh = size * LINE
        base = y + lh / 2 + size * 0.36
        attrs = f'x="{_f(cx)}" y="{_f(base)}" font-size="{_num(size)}"'
        if style in ("name", "head"):
            attrs += ' font-weight="bold"'
        if style == "special":
            attrs += ' fill="#b03a2e"'
        elif style == "head":
            attrs += ' fill="#1f3b57"'
        else:
            attrs += ' fill="#1a1a1a"'
        out.append(f"<tspan {attrs}>{_t(line)}</tspan>")
        y += lh
    out.append("</text>")
    return "".join(out)


def _lines_height(styles: list[str]) -> float:
    return sum((NAME_PX if s == "name" else TEXT_PX) * LINE for s in styles)


@dataclass
class _Geom:
    """Where the parts of one page go (y from the top)."""

    width: float
    title: list[str]
    head_h: float  # the title band; the layout starts below it
    foot: list[tuple[str, str]]  # the complaint box (last page only)
    foot_y: float
    foot_h: float
    meta: list[str]  # 制图单位、版本、日期
    page_text: str  # 第2页　共3页
    meta_y: float
    height: float


class _Frame:
    """What is drawn around a layout: title, 内部资料 mark, complaint box, unit/version/date line."""

    def __init__(
        self, flow: Any, title: Any, complaint: Any, internal: bool, unit: Any, version: Any, date: Any
    ) -> None:
        if not isinstance(flow, dict):
            flow = {}
        name = _clean(title) if title is not None else _clean(flow.get("name"))
        self.name = name or _clean(flow.get("id")) or "运行流程图"
        self.complaint = flow.get("complaint") if complaint is None else complaint
        self.remarks = _clean(flow.get("remarks"))
        self.uid = re.sub(r"[^A-Za-z0-9_-]", "", _clean(flow.get("id"))) or "flow"
        self.internal = bool(internal)
        parts = (("制图单位", unit), ("版本", version), ("日期", date))
        self.meta = "　".join(f"{key}：{_clean(value)}" for key, value in parts if _clean(value))

    def mark_w(self) -> float:
        return text_width("内部资料", 14) + 20

    def foot(self, width: float, paged: bool) -> list[tuple[str, str]]:
        inner = width - 2 * PAD - 28
        labels = (
            ("phone", "投诉举报电话"),
            ("address", "来信地址"),
            ("email", "电子邮箱"),
            ("website", "网站"),
            ("note", "说明"),
        )
        complaint = self.complaint
        items = []
        if isinstance(complaint, dict):
            items = [f"{lab}：{_clean(complaint.get(key))}" for key, lab in labels if _clean(complaint.get(key))]
        elif _clean(complaint):
            items = [_clean(complaint)]
        if not items:
            items = ["（未填写投诉举报途径）"]
        foot = [("投诉举报途径", "head")]
        for item in items:
            foot += [(t, "text") for t in wrap_text(item, inner, TEXT_PX)]
        if self.remarks:
            foot += [(t, "text") for t in wrap_text(f"备注：{self.remarks}", inner, TEXT_PX)]
        foot += [(t, "legend") for t in wrap_text(LEGEND + (LEGEND_PAGES if paged else ""), inner, TEXT_PX)]
        return foot

    def geom(self, lay: Layout, width: float, cont: bool, last: bool, paged: bool, page_text: str) -> _Geom:
        room = width - 2 * PAD - (2 * (self.mark_w() + 12) if self.internal else 0)
        title = wrap_text(self.name + ("（续）" if cont else ""), room, TITLE_PX)
        head_h = 18 + len(title) * TITLE_LH + 8
        foot = self.foot(width, paged) if last else []
        foot_y = head_h + lay.height
        foot_h = len(foot) * TEXT_PX * LINE + 20 if foot else 0.0
        meta: list[str] = []
        if self.meta:
            meta = wrap_text(
                self.meta, width - 2 * PAD - (text_width(page_text, TEXT_PX) + 24 if page_text else 0), TEXT_PX
            )
        meta_y = foot_y + foot_h + (8 if foot else 0)
        rows = max(len(meta), 1 if page_text else 0)
        height = meta_y + (rows * TEXT_PX * LINE + 8 if rows else 0) + 16
        return _Geom(width, title, head_h, foot, foot_y, foot_h, meta, page_text, meta_y, math.ceil(height))

    def fits(self, lay: Layout, cont: bool, last: bool, paged: bool, page_text: str, page_h: int) -> bool:
        return lay.width <= PAGE_W and self.geom(lay, PAGE_W, cont, last, paged, page_text).height <= page_h


def _draw(frame: _Frame, lay: Layout, g: _Geom, uid: str) -> str:
    """One SVG document: title, chart, 环节说明, complaint box (last page), unit/version/date."""
    width, height = g.width, g.height
    out: list[str] = []
    out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}" height="{_f(height)}" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" font-family={_q(FONT_FAMILY)}>\n'
    )
    out.append(f"<title>{_t(''.join(g.title))}</title>\n")
    out.append("<defs>")
    for mid, color in ((f"{uid}-arrow", _LINE), (f"{uid}-arrow-r", _RETURN)):
        out.append(
            f'<marker id="{mid}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" '
            f'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>'
        )
    out.append("</defs>\n")
    out.append(f'<rect class="background" x="0" y="0" width="{_f(width)}" height="{_f(height)}" fill="#ffffff"/>\n')
    out.append('<text class="title" text-anchor="middle" font-weight="bold" fill="#1a1a1a">')
    for i, line in enumerate(g.title):
        base = 18 + i * TITLE_LH + TITLE_LH / 2 + TITLE_PX * 0.36
        out.append(f'<tspan x="{_f(width / 2)}" y="{_f(base)}" font-size="{_num(TITLE_PX)}">{_t(line)}</tspan>')
    out.append("</text>\n")
    if frame.internal:
        tw = frame.mark_w()
        tx = width - PAD - tw
        out.append(
            f'<g class="internal"><rect x="{_f(tx)}" y="19" width="{_f(tw)}" height="26" '
            f'fill="none" stroke="#c0392b" stroke-width="1.5"/><text x="{_f(tx + tw / 2)}" y="37" '
            f'text-anchor="middle" font-size="14" font-weight="bold" fill="#c0392b">内部资料</text></g>\n'
        )
    out.append(f'<g class="chart" transform="translate({_f(math.floor((width - lay.width) / 2))},{_f(g.head_h)})">\n')

    out.append('<g class="edges" fill="none">\n')
    for e in lay.edges:
        pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in e.points)
        color = _RETURN if e.is_return else _LINE
        dash = ' stroke-dasharray="6 4"' if e.is_return else ""
        marker = f"{uid}-arrow-r" if e.is_return else f"{uid}-arrow"
        out.append(
            f'<polyline class="edge{" return" if e.is_return else ""}" data-from={_q(e.src)} data-to={_q(e.dst)} '
            f'points="{pts}" stroke="{color}" stroke-width="1.4"{dash} marker-end="url(#{marker})"/>\n'
        )
    out.append("</g>\n")

    out.append('<g class="nodes">\n')
    for b in lay.boxes:
        fill, stroke = _STYLE.get(b.kind, _STYLE["process"])
        dash = ' stroke-dasharray="7 4"' if b.special else ""
        cls = "connector" if b.kind == "connector" else "node"
        out.append(f'<g class="{cls}" data-id={_q(b.id)} data-kind="{b.kind}">')
        if b.kind == "decision":
            cx, cy = b.cx, b.cy
            pts = f"{_f(cx)},{_f(b.y)} {_f(b.x + b.w)},{_f(cy)} {_f(cx)},{_f(b.y + b.h)} {_f(b.x)},{_f(cy)}"
            out.append(f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}" stroke-width="1.6"{dash}/>')
        else:
            rx = min(b.h / 2, 20.0) if b.kind in ("start", "end") else 0
            sw = "1.2" if b.kind == "connector" else "1.6"
            out.append(
                f'<rect x="{_f(b.x)}" y="{_f(b.y)}" width="{_f(b.w)}" height="{_f(b.h)}" rx="{_f(rx)}" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="{sw}"{dash}/>'
            )
        top = b.cy - _lines_height(b.styles) / 2
        out.append(_text_block(b.cx, top, b.lines, b.styles))
        out.append("</g>\n")
    out.append("</g>\n")

    out.append('<g class="labels">\n')
    for e in lay.edges:
        if not e.label_box:
            continue
        lx, ly, lw, lh = e.label_box
        color = _RETURN if e.is_return else "#333333"
        out.append(
            f'<g class="label"><rect x="{_f(lx)}" y="{_f(ly)}" width="{_f(lw)}" height="{_f(lh)}" '
            f'fill="#ffffff" fill-opacity="0.92"/><text text-anchor="middle">'
        )
        y = ly + 1
        for line in e.label_lines:
            base = y + TEXT_PX * LINE / 2 + TEXT_PX * 0.36
            out.append(
                f'<tspan x="{_f(lx + lw / 2)}" y="{_f(base)}" font-size="{_num(TEXT_PX)}" fill="{color}">{_t(line)}</tspan>'
            )
            y += TEXT_PX * LINE
        out.append("</text></g>\n")
    out.append("</g>\n")

    out.append('<g class="notes">\n')
    if lay.notes and lay.notes_y:
        out.append(
            f'<text class="notes-title" x="{_f(lay.notes[0].x)}" y="{_f(lay.notes_y + NOTES_HEAD_H / 2 + 5)}" '
            f'font-size="13" font-weight="bold" fill="#1f3b57">{_t(lay.notes_title)}</text>\n'
        )
    for nt in lay.notes:
        if not nt.split:  # in the column beside the chart
            out.append(
                f'<g class="note" data-step={_q(nt.step)}><rect x="{_f(nt.x)}" y="{_f(nt.y)}" width="{_f(nt.w)}" '
                f'height="{_f(nt.h)}" rx="4" fill="#f7f9fc" stroke="#8fa8c8" stroke-dasharray="4 3"/>'
            )
            out.append(_text_block(nt.x + 10, nt.y + 7, nt.lines, nt.styles, anchor="start"))
            out.append("</g>\n")
            continue
        head = [t for t, s in zip(nt.lines, nt.styles) if s == "head"]
        body = [t for t, s in zip(nt.lines, nt.styles) if s != "head"]
        out.append(
            f'<g class="note" data-step={_q(nt.step)}><rect x="{_f(nt.x)}" y="{_f(nt.y)}" width="{_f(nt.w)}" '
            f'height="{_f(nt.h)}" fill="#ffffff" stroke="#8fa8c8"/><rect x="{_f(nt.x)}" y="{_f(nt.y)}" '
            f'width="{_f(nt.split)}" height="{_f(nt.h)}" fill="#eef3f9" stroke="#8fa8c8"/>'
        )
        out.append(_text_block(nt.x + 8, nt.y + 5, head, ["head"] * len(head), anchor="start"))
        out.append(_text_block(nt.x + nt.split + 8, nt.y + 5, body, ["text"] * len(body), anchor="start"))
        out.append("</g>\n")
    out.append("</g>\n</g>\n")

    if g.foot:
        fx, fw = PAD, width - 2 * PAD
        out.append(
            f'<g class="footer"><rect x="{_f(fx)}" y="{_f(g.foot_y)}" width="{_f(fw)}" height="{_f(g.foot_h)}" '
            f'fill="#ffffff" stroke="#2e5c8a" stroke-width="1.2"/>'
        )
        out.append('<text text-anchor="start">')
        y = g.foot_y + 10
        for line, style in g.foot:
            base = y + TEXT_PX * LINE / 2 + TEXT_PX * 0.36
            extra = ' font-weight="bold"' if style == "head" else (' fill="#666666"' if style == "legend" else "")
            out.append(f'<tspan x="{_f(fx + 14)}" y="{_f(base)}" font-size="{_num(TEXT_PX)}"{extra}>{_t(line)}</tspan>')
            y += TEXT_PX * LINE
        out.append("</text></g>\n")
    if g.meta or g.page_text:
        out.append('<g class="meta" fill="#444444">')
        first = g.meta_y + 4 + TEXT_PX * LINE / 2 + TEXT_PX * 0.36
        if g.meta:
            out.append('<text class="made-by" text-anchor="start">')
            for i, line in enumerate(g.meta):
                out.append(
                    f'<tspan x="{_f(PAD)}" y="{_f(first + i * TEXT_PX * LINE)}" font-size="{_num(TEXT_PX)}">{_t(line)}</tspan>'
                )
            out.append("</text>")
        if g.page_text:
            out.append(
                f'<text class="page-number" x="{_f(width - PAD)}" y="{_f(first)}" text-anchor="end" '
                f'font-size="{_num(TEXT_PX)}">{_t(g.page_text)}</text>'
            )
        out.append("</g>\n")
    out.append("</svg>\n")
    return "".join(out)


def to_svg(
    flow: dict,
    *,
    title: str | None = None,
    complaint: dict | None = None,
    internal: bool = False,
    unit: str = "",
    version: str = "",
    date: str = "",
    notes: bool = True,
) -> str:
    """One whole flow as a standalone SVG document: title, chart, 环节说明 (unless ``notes`` is
    false), complaint box and the line 制图单位/版本/日期. At least a page wide; a flow that fits
    one A4 page is that page (``to_svg_pages`` gives the pages of a longer one)."""
    frame = _Frame(flow, title, complaint, internal, unit, version, date)
    lay = layout(flow if isinstance(flow, dict) else {}, notes=notes)
    width = max(lay.width, float(PAGE_W))
    return _draw(frame, lay, frame.geom(lay, width, False, True, False, ""), frame.uid)
