"""一件: the disclosure sheet (权力运行公开表) of one item, as DOCX and as HTML.

Both renderers walk the same list of rows built by :func:`rows` (label → blocks), so
the Word sheet and the web sheet always carry the same content. Rows with nothing to
show are left out. Everything comes from an :class:`ItemView` of a :class:`CatalogueView`
(already filtered by audience); the flowchart arrives as a finished SVG document from
the flowchart module and is trusted, everything else is text from the catalogue and is
escaped.

DOCX notes (see ``shared/engineering.md``):

- Chinese fonts are set with ``w:eastAsia`` in ``w:rFonts`` on the document defaults, on
  every style used and on every run (``run.font.name`` alone only sets Latin fonts), and
  the theme-font attributes that would override them are removed.
- LibreOffice ignores table widths unless the grid and every cell have a width: both
  are always written, and tables use the fixed layout.
- The flowchart follows the table as 附图 on a page of its own (the 办理流程 row lists the
  steps and points to it): a tall picture inside a table row pushes the rest of the row
  to the next page and leaves most of a page empty. It is embedded the way Word 2016+
  embeds SVG: an ``a:blip`` pointing at a fallback picture with an ``asvg:svgBlip``
  extension pointing at the SVG part. The fallback is the same chart drawn as an EMF
  metafile (``quanli.render.emf``: vector records, text as text), which LibreOffice, WPS
  and Word before 2016 show; python-docx does not know EMF, so its part and relationship
  are added by hand.
- python-docx prepares, once per process, the empty sheet of each kind (styles, fonts,
  page setup, header and footer, the picture's relationships): its members are compressed once
  and shared by every sheet. Each sheet's own XML (document.xml, core.xml) is written as
  text by ``quanli.render.wordml``: python-docx's paragraph and table API costs about 50x
  more, lxml elements 5x more.
- Reproducible: core properties come from ``view.date``, the ZIP has sorted entries and
  fixed timestamps, so the same view gives the same bytes.
"""

from __future__ import annotations

import copy
import json

import datetime as _dt
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from io import BytesIO
from typing import Any, Union

from quanli.render import emf, wordml
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


Block = Union[Text, Numbered, Grid]

INNER_CM = 13.4  # usable width inside the value column (value column 13.8 cm minus cell margins)


def _grid(headers: list[str], widths: list[float], rows: list[list[tuple[str, ...]]], keep: set[int],
          flex: int, centered: tuple[int, ...] = (0,)) -> Grid:
    """Drop columns that are empty in every row (except ``keep``); their width goes to ``flex``."""
    drop = [c for c in range(len(headers)) if c not in keep and not any(any(r[c]) for r in rows)]
    widths = list(widths)
    for c in drop:
        widths[flex] += widths[c]
    cols = [c for c in range(len(headers)) if c not in drop]
    return Grid(tuple(headers[c] for c in cols), tuple(round(widths[c], 2) for c in cols),
                tuple(tuple(r[c] for c in cols) for r in rows),
                tuple(i for i, c in enumerate(cols) if c in centered))


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
    rows = [[(str(i),), _lines(m.name), _lines(m.form), _lines(m.copies), ("是" if m.required else "否",), _lines(m.note)]
            for i, m in enumerate(item.materials, 1)]
    return [_grid(["序号", "材料名称", "形式", "份数", "必需", "备注"], [0.9, 5.3, 1.5, 1.1, 1.2, 3.4], rows,
                  keep={0, 1}, flex=1, centered=(0, 2, 3, 4))]


def _steps(flow: dict) -> list[list[tuple[str, ...]]]:
    out = []
    steps = flow.get("steps") if isinstance(flow.get("steps"), list) else []
    for i, step in enumerate((s for s in steps if isinstance(s, dict)), 1):
        name = _s(step.get("name"))
        if step.get("special") is True:
            name += "（特别程序，所需时间不计入办结时限）"
        disclosure = step.get("disclosure") if isinstance(step.get("disclosure"), dict) else {}
        forms = "、".join(_s(f) for f in disclosure.get("forms") or [] if _s(f)) if isinstance(disclosure.get("forms"), list) else ""
        public = "，".join(t for t in (_s(disclosure.get("scope")), forms, _s(disclosure.get("timing"))) if t)
        out.append([(str(i),), _lines(name, _s(step.get("description"))), _lines(_s(step.get("post"))),
                    _lines(limit_text(step.get("time_limit"))),
                    _lines(_s(step.get("supervision")), f"公开：{public}" if public else "")])
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
        blocks.append(_grid(["序号", "步骤", "承办岗位", "办理时限", "监督制约"], [0.9, 3.1, 3.0, 2.6, 3.8], steps,
                            keep={0, 1}, flex=1))
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
        discretion = [_grid(["裁量档次", "适用情形", "裁量标准"], [1.6, 5.4, 6.4],
                            [[_lines(t), _lines(c), _lines(s)] for t, c, s in item.discretion], keep={0, 1, 2}, flex=2)]
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

FONT = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun, sans-serif'

CSS = """
.ql-sheet { font-family: %(font)s; color: #111; font-size: 14px; line-height: 1.6; max-width: 820px; margin: 0 auto; }
.ql-sheet h1 { font-size: 22px; line-height: 1.4; text-align: center; margin: 8px 0 2px; border: 0; }
.ql-sheet .ql-sub { text-align: center; color: #555; font-size: 13px; margin: 0 0 12px; }
.ql-sheet table { border-collapse: collapse; width: 100%%; table-layout: fixed; }
.ql-sheet th, .ql-sheet td { border: 1px solid #444; padding: 5px 8px; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
.ql-fields > tbody > tr > th { width: 7.5em; background: #e8e8e8; text-align: center; vertical-align: middle; font-weight: bold; }
.ql-sheet p { margin: 0; } .ql-sheet p + p { margin-top: 2px; } .ql-sheet td p, .ql-sheet li { white-space: pre-line; }
.ql-sheet .ql-strong { font-weight: bold; } .ql-sheet .ql-note { color: #444; font-size: 12.5px; }
.ql-sheet ol { margin: 0; padding-left: 1.8em; }
.ql-grid { margin: 4px 0; font-size: 12.5px; line-height: 1.5; }
.ql-grid th { background: #f2f2f2; text-align: center; font-weight: bold; }
.ql-grid th, .ql-grid td { padding: 3px 5px; border-color: #777; }
.ql-grid td.ql-c { text-align: center; } .ql-grid .ql-note { font-size: 11.5px; color: #555; }
.ql-flow { margin: 20px 0 8px; text-align: center; } .ql-flow svg { max-width: 100%%; height: auto; }
.ql-flow figcaption { font-size: 17px; font-weight: bold; margin-bottom: 8px; }
.ql-internal { color: #b00; font-weight: bold; border: 2px solid #b00; padding: 2px 8px; display: inline-block; }
@media print {
  @page { size: A4 portrait; margin: 15mm 14mm; }
  .ql-sheet { max-width: none; font-size: 10.5pt; }
  .ql-grid { font-size: 9pt; }
  .ql-grid thead { display: table-header-group; }
  .ql-grid tr, .ql-flow { break-inside: avoid; }
  .ql-flow { break-before: page; margin-top: 0; } .ql-flow svg { max-height: 250mm; }
  .ql-internal { position: fixed; top: 0; right: 0; }
}
""" % {"font": FONT}


def _html_lines(lines: tuple[str, ...]) -> str:
    return "".join(("<p>" if i == 0 else '<p class="ql-note">') + escape(t) + "</p>" for i, t in enumerate(lines))


def _svg_inline(svg: str) -> str:
    """The SVG document without its XML declaration and doctype, ready to inline."""
    start = svg.find("<svg")
    return svg[start:].strip() if start >= 0 else ""


def _html_block(block: Block, svg: str | None) -> str:
    if isinstance(block, Text):
        cls = f' class="ql-{block.style}"' if block.style else ""
        return f"<p{cls}>{escape(block.text)}</p>"
    if isinstance(block, Numbered):
        return "<ol>" + "".join(f"<li>{escape(t)}</li>" for t in block.items) + "</ol>"
    if isinstance(block, Grid):
        total = sum(block.widths)
        cols = "".join(f'<col style="width:{w / total * 100:.1f}%">' for w in block.widths)
        head = "".join(f"<th>{escape(h)}</th>" for h in block.headers)
        body = "".join("<tr>" + "".join(('<td class="ql-c">' if c in block.centered else "<td>") + _html_lines(cell) + "</td>"
                                         for c, cell in enumerate(row)) + "</tr>" for row in block.rows)
        return f'<table class="ql-grid"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    raise TypeError(block)


def sheet_fragment(view: CatalogueView, item: ItemView, svg: str | None = None) -> str:
    """The sheet as an HTML fragment (``<article class="ql-sheet">``) for a page that
    includes :data:`CSS`; the site bundle reuses it inside its own pages."""
    figure = ""
    if svg:
        figure = (f'<figure class="ql-flow"><figcaption>附图　{escape(figure_caption(view, item))}</figcaption>\n'
                  f"{_svg_inline(svg)}\n</figure>\n")
    body = "\n".join(f'<tr><th scope="row">{escape(label)}</th><td>{"".join(_html_block(b, svg) for b in blocks)}</td></tr>'
                     for label, blocks in rows(view, item, svg))
    return (f'<article class="ql-sheet">\n<h1>{escape(item.name)}</h1>\n'
            f'<p class="ql-sub">{escape(subtitle(view))}</p>\n'
            f'<table class="ql-fields"><tbody>\n{body}\n</tbody></table>\n{figure}</article>\n')


def html(view: CatalogueView, item: ItemView, svg: str | None = None, fragment: str | None = None) -> str:
    """The sheet as a standalone offline HTML page (inline CSS and SVG, no external asset);
    ``fragment``: its :func:`sheet_fragment`, when the caller has made it already."""
    banner = f'<p class="ql-internal">{INTERNAL_MARK}</p>\n' if view.internal else ""
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(item.name)} - {SHEET_NAME}</title>\n"
            f"<style>\nbody {{ margin: 0; padding: 16px 24px; background: #fff; }}\n"
            f"@media print {{ body {{ padding: 0; }} }}\n{CSS}</style>\n</head>\n<body>\n"
            f"{banner}{sheet_fragment(view, item, svg) if fragment is None else fragment}</body>\n</html>\n")


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------

BODY_FONT = "宋体"  # SimSun
HEAD_FONT = "黑体"  # SimHei
LATIN_FONT = "Times New Roman"

PAGE_W, PAGE_H = 11906, 16838  # A4 portrait, twips
MARGIN_TB, MARGIN_LR = 1247, 1134  # 2.2 cm, 2.0 cm
TEXT_W = PAGE_W - 2 * MARGIN_LR  # 9638 twips = 17.0 cm
LABEL_W = 1814  # 3.2 cm
VALUE_W = TEXT_W - LABEL_W
LABEL_FILL = "E8E8E8"
HEAD_FILL = "F2F2F2"
NOTE_COLOR = "404040"
FIG_W_CM, FIG_H_CM = 17.0, 22.0  # the appendix page: text width, height left under the heading

SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
ASVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def _cm(v: float) -> int:
    """Centimetres to twips."""
    return round(v * 567)


def svg_aspect(svg: str) -> float:
    """Height / width of an SVG document, from its viewBox or width/height (default 4:3)."""
    m = re.search(r"<svg\b[^>]*>", svg)
    tag = m.group(0) if m else ""
    vb = re.search(r'viewBox\s*=\s*["\']\s*([-\d.eE+]+)[\s,]+([-\d.eE+]+)[\s,]+([\d.eE+]+)[\s,]+([\d.eE+]+)', tag)
    try:
        if vb and float(vb.group(3)) > 0 and float(vb.group(4)) > 0:
            return float(vb.group(4)) / float(vb.group(3))
        w = re.search(r'\swidth\s*=\s*["\']\s*([\d.]+)', tag)
        h = re.search(r'\sheight\s*=\s*["\']\s*([\d.]+)', tag)
        if w and h and float(w.group(1)) > 0 and float(h.group(1)) > 0:
            return float(h.group(1)) / float(w.group(1))
    except ValueError:
        pass
    return 0.75


def _oxml():
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    return OxmlElement, qn


def _set_fonts(rpr, east: str, latin: str = LATIN_FONT) -> None:
    """Explicit fonts on an rPr element, East Asian included; theme fonts removed."""
    OxmlElement, qn = _oxml()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east), ("w:cs", latin)):
        fonts.set(qn(attr), value)
    fonts.set(qn("w:hint"), "eastAsia")


def _style_fonts(style, east: str, size: float, bold: bool = False, color: str | None = None) -> None:
    from docx.shared import Pt, RGBColor
    style.font.size = Pt(size)
    style.font.bold = bold
    if color:
        style.font.color.rgb = RGBColor.from_string(color)
    _set_fonts(style.element.get_or_add_rPr(), east)


FONT_TABLE_EXTRA = (
    '<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/>'
    '<w:sig w:usb0="00000003" w:usb1="288F0000" w:usb2="00000016" w:usb3="00000000" w:csb0="00040001" w:csb1="00000000"/></w:font>'
    '<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/>'
    '<w:sig w:usb0="800002BF" w:usb1="38CF7CFA" w:usb2="00000016" w:usb3="00000000" w:csb0="00040001" w:csb1="00000000"/></w:font>'
)

KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header", "Footer",
               "HeaderChar", "FooterChar"}


@lru_cache(maxsize=1)
def _base_document():
    """The empty sheet as a python-docx Document, opened once per process: each sheet starts
    as a deep copy of it (the copy shares nothing with it)."""
    from docx import Document

    return Document(BytesIO(_base_docx()))


def _base_docx() -> bytes:
    """The empty sheet document (styles, fonts, page setup), prepared once per process."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, Twips

    doc = Document()
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):  # the template's thumbnail shows a stranger's page
        if rel.reltype.endswith("/thumbnail"):
            del pkg.rels[rid]
    for rid, rel in list(doc.part.rels.items()):  # Word 2010 copy of styles.xml: 430 KB, unused
        if rel.reltype.endswith("/stylesWithEffects"):
            del doc.part.rels[rid]

    styles = doc.styles.element
    for st in styles.findall(qn("w:style")):  # keep what the sheet uses: small and quick to parse
        if st.get(qn("w:styleId")) not in KEEP_STYLES:
            styles.remove(st)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    normal = doc.styles["Normal"]
    _style_fonts(normal, BODY_FONT, 10.5)
    for name, east, size, bold, color in (("Header", BODY_FONT, 9, False, None), ("Footer", BODY_FONT, 9, False, None)):
        _style_fonts(doc.styles[name], east, size, bold, color)
    defs = (  # name, East Asian font, size pt, bold, colour, alignment, space before/after pt
        ("QL Title", HEAD_FONT, 18, False, None, WD_ALIGN_PARAGRAPH.CENTER, 0, 4),
        ("QL Subtitle", BODY_FONT, 10.5, False, "595959", WD_ALIGN_PARAGRAPH.CENTER, 0, 10),
        ("QL Label", HEAD_FONT, 10.5, False, None, WD_ALIGN_PARAGRAPH.CENTER, 0, 0),
        ("QL Body", BODY_FONT, 10.5, False, None, WD_ALIGN_PARAGRAPH.LEFT, 0, 0),
        ("QL Strong", HEAD_FONT, 10.5, False, None, WD_ALIGN_PARAGRAPH.LEFT, 2, 0),
        ("QL Note", BODY_FONT, 9, False, NOTE_COLOR, WD_ALIGN_PARAGRAPH.LEFT, 0, 2),
        ("QL Grid Head", HEAD_FONT, 9, False, None, WD_ALIGN_PARAGRAPH.CENTER, 0, 0),
        ("QL Grid", BODY_FONT, 9, False, None, WD_ALIGN_PARAGRAPH.LEFT, 0, 0),
        ("QL Grid Note", BODY_FONT, 8, False, NOTE_COLOR, WD_ALIGN_PARAGRAPH.LEFT, 0, 0),
        ("QL Figure", BODY_FONT, 9, False, NOTE_COLOR, WD_ALIGN_PARAGRAPH.CENTER, 4, 0),
        ("QL Figure Title", HEAD_FONT, 14, False, None, WD_ALIGN_PARAGRAPH.CENTER, 0, 8),
        ("QL Mark", HEAD_FONT, 10.5, True, "C00000", WD_ALIGN_PARAGRAPH.RIGHT, 0, 0),
    )
    for name, east, size, bold, color, align, before, after in defs:
        st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        _style_fonts(st, east, size, bold, color)
        pf = st.paragraph_format
        pf.alignment = align
        pf.space_before, pf.space_after = Pt(before), Pt(after)
        pf.line_spacing = 1.0
    doc.styles["QL Title"].paragraph_format.keep_with_next = True

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Twips(PAGE_W), Twips(PAGE_H)
    sec.top_margin = sec.bottom_margin = Twips(MARGIN_TB)
    sec.left_margin = sec.right_margin = Twips(MARGIN_LR)
    sec.header_distance = sec.footer_distance = Twips(_cm(1.0))
    sec.gutter = Twips(0)

    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    preview = settings.find(qn("w:savePreviewPicture"))
    if preview is not None:
        settings.remove(preview)

    font_table = doc.part.part_related_by("http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable")
    font_table._blob = font_table.blob.replace(b"</w:fonts>", FONT_TABLE_EXTRA.encode() + b"</w:fonts>")
    for rel in pkg.rels.values():  # docProps/app.xml: say who made it, nothing more
        if rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = (
                b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                b"<Application>quanli</Application><DocSecurity>0</DocSecurity></Properties>")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# paragraph style id -> East Asian font of its runs (python-docx drops spaces from names)
STYLE_EAST = {"QLTitle": HEAD_FONT, "QLFigureTitle": HEAD_FONT, "QLLabel": HEAD_FONT, "QLStrong": HEAD_FONT, "QLGridHead": HEAD_FONT,
              "QLMark": HEAD_FONT}


def _para(style: str, text: str = "", **options) -> str:
    """A paragraph of ``style``; its runs take the style's East Asian font."""
    return wordml.para(style, text, STYLE_EAST.get(style, BODY_FONT), **options)


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (lxml refuses them)."""
    return wordml.xml_safe(text)


def footer_xml() -> str:
    """第 N 页　共 M 页, centred (the sheets and the 变更说明 share it)."""
    runs = (wordml.field("PAGE", "1", BODY_FONT) + wordml.run(" 页　共 ", BODY_FONT)
            + wordml.field("NUMPAGES", "1", BODY_FONT) + wordml.run(" 页", BODY_FONT))
    return _para("Footer", "第 ", align="center", runs=runs)


def _numbered(items: tuple[str, ...]) -> str:
    width = 340 if len(items) < 10 else 440
    return "".join(_para("QLBody", f"{n}.\t{text}", hanging=width) for n, text in enumerate(items, 1))


def _docx_grid(grid: Grid) -> str:
    widths = [_cm(w) for w in grid.widths]
    widths[-1] += _cm(INNER_CM) - sum(widths)  # exact total
    # keepNext: the header row stays with the first row
    head = wordml.row("".join(wordml.cell(w, _para("QLGridHead", text, keep_next=True), HEAD_FILL, "center")
                              for text, w in zip(grid.headers, widths)), cant_split=True, header=True)
    body = "".join(
        wordml.row("".join(wordml.cell(w, "".join(_para("QLGrid" if i == 0 else "QLGridNote", line,
                                                        align="center" if c in grid.centered else "")
                                                  for i, line in enumerate(lines or ("",))))
                           for c, (lines, w) in enumerate(zip(values, widths))), cant_split=True)
        for values in grid.rows)
    return wordml.table(widths, 72, 20, head + body)


# the picture as python-docx's new_pic_inline writes it (the EMF), with the SVG extension Word 2016 reads
INLINE = ('<w:r><w:drawing><wp:inline xmlns:a="{a}" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
          '<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{pid}" name="流程图" descr="{descr}"/>'
          '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
          '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
          '<pic:cNvPr id="0" name="image.emf"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{emf}"><a:extLst>'
          '<a:ext uri="{ext}"><asvg:svgBlip xmlns:asvg="{asvg}" r:embed="{svg}"/></a:ext></a:extLst></a:blip>'
          '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/>'
          '</a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def _docx_figure(proto: "_Proto", pages: list[str], caption: str) -> tuple[str, list[bytes]]:
    """附图 from a page of its own: heading, one picture a page of the flow (SVG, EMF fallback),
    a note; and the EMFs. Each page is drawn for the 17 x 22 cm box under the heading
    (flowchart.SHEET_PAGE_H), so its text prints at 9 pt or more."""
    runs = []
    for k, svg in enumerate(pages):
        aspect = svg_aspect(svg)
        width, height = FIG_W_CM, FIG_W_CM * aspect
        if height > FIG_H_CM:
            height, width = FIG_H_CM, FIG_H_CM / aspect
        emf_rid, svg_rid = proto.pictures[k]
        inline = INLINE.format(a=A_NS, cx=int(width * 360000), cy=int(height * 360000), pid=k + 1,
                               descr=wordml.attr(xml_safe(caption if len(pages) == 1 else f"{caption}（第{k + 1}页，共{len(pages)}页）")),
                               emf=emf_rid, svg=svg_rid, ext=SVG_EXT_URI, asvg=ASVG_NS)
        runs.append(_para("QLFigure", keep_next=True, runs=inline, page_break=k > 0))
    xml = _para("QLFigureTitle", f"附图　{caption}", keep_next=True, page_break=True) + "".join(runs) + _para("QLFigure", FIGURE_NOTE)
    return xml, [fallback_emf(svg) for svg in pages]


def figure_pages(view: CatalogueView, item: ItemView, svg: str | None) -> list[str]:
    """The pages of the item's flowchart as the 一件 prints them: without the 环节说明 (the sheet's
    办理流程 row lists the steps), cut to the picture box; the whole chart ``svg`` when the view
    does not hold the flow."""
    flow = view.flows.get(item.flow_id) if svg else None
    if not isinstance(flow, dict):
        return [svg] if svg else []
    key = json.dumps([flow, view.internal, view.unit, view.version, view.date], ensure_ascii=False, sort_keys=True, default=str)
    pages = _PAGES.get(key)
    if pages is None:
        from quanli.render import flowchart

        pages = flowchart.to_svg_pages(flow, notes=False, page_h=flowchart.SHEET_PAGE_H, internal=view.internal,
                                       unit=view.unit, version=view.version, date=view.date)
        if len(_PAGES) > 256:
            _PAGES.clear()
        _PAGES[key] = pages
    return pages


_PAGES: dict[str, list[str]] = {}  # items that share a flow share its pages


FIGURE_NOTE = "各步骤的承办岗位、办理时限和监督制约见上表“办理流程”一栏。"


@lru_cache(maxsize=256)
def fallback_emf(svg: str) -> bytes:
    """The flowchart as EMF, for viewers without SVG (items that share a flow share it; about
    10 ms and 20-60 KB a chart)."""
    return emf.svg_to_emf(svg)


def _lines_cm(text: str, width_cm: float, pt: float) -> float:
    """Rough height of wrapped text: CJK characters are 1 em wide, others about half."""
    em = pt * 0.0353  # cm
    per_line = max(int(width_cm / em), 1)
    units = sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)
    return max(-(-units // per_line), 1) * em * 1.35


def _height_cm(blocks: list[Block]) -> float:
    """Rough height of a value cell, to decide whether its row may break across pages."""
    h = 0.0
    for b in blocks:
        if isinstance(b, Text):
            h += _lines_cm(b.text, INNER_CM, 9 if b.style == "note" else 10.5)
        elif isinstance(b, Numbered):
            h += sum(_lines_cm(t, INNER_CM - 0.6, 10.5) for t in b.items)
        else:
            h += 0.6 + sum(max(sum(_lines_cm(line, w - 0.25, 9) for line in cell) for cell, w in zip(row, b.widths)) + 0.1
                           for row in b.rows)
    return h


SPLIT_CM = 9.0  # rows estimated taller than this may break across pages; shorter ones are kept whole


def _docx_row(label: str, blocks: list[Block]) -> str:
    short = _height_cm(blocks) < SPLIT_CM  # kept on one page, label centred
    parts = []
    for block in blocks:
        if isinstance(block, Text):
            parts.append(_para({"strong": "QLStrong", "note": "QLNote"}.get(block.style, "QLBody"), block.text))
        elif isinstance(block, Numbered):
            parts.append(_numbered(block.items))
        elif isinstance(block, Grid):
            parts.append(_docx_grid(block))
    if not (parts and parts[-1].endswith("</w:p>")):  # a cell must end with a paragraph: a tiny one after a table
        parts.append(_para("QLGrid", exact=20))
    return wordml.row(wordml.cell(LABEL_W, _para("QLLabel", label, align="center"), LABEL_FILL, "center" if short else "top")
                      + wordml.cell(VALUE_W, "".join(parts)), cant_split=short)


def _date(value: str) -> _dt.datetime:
    try:
        d = _dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        d = _dt.date(1980, 1, 1)
    return _dt.datetime(max(d.year, 1980), d.month, d.day, tzinfo=_dt.timezone.utc)


CORE = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{creator}</dc:creator>"
        "<cp:keywords>{keywords}</cp:keywords><dc:description></dc:description><cp:lastModifiedBy>quanli</cp:lastModifiedBy>"
        '<cp:revision>1</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified><cp:category>{category}</cp:category>'
        "<dc:identifier>{identifier}</dc:identifier><dc:language>zh-CN</dc:language><cp:version>{version}</cp:version>"
        "<cp:lastPrinted>{when}</cp:lastPrinted><cp:contentStatus>{status}</cp:contentStatus></cp:coreProperties>")


def core_xml(when: _dt.datetime, **values: str) -> bytes:
    """docProps/core.xml: each value cleaned and cut to the 255 characters Office allows."""
    clean = {k: wordml.esc(xml_safe(v)[:255]) for k, v in values.items()}
    return CORE.format(when=when.strftime("%Y-%m-%dT%H:%M:%SZ"), **clean).encode("utf-8")


@dataclass(frozen=True)
class _Proto:
    """What every sheet of one kind (internal or public, with or without a figure) shares: the
    package's other members, ready compressed, and document.xml around the body."""

    head: str
    tail: str
    fixed: dict
    pictures: tuple = ()  # (EMF relationship id, SVG relationship id) of each page of the figure


EMF_PART, SVG_PART = "word/media/image1.emf", "word/media/image1.svg"
EMF_TYPE = "image/x-emf"


@lru_cache(maxsize=4)
def _prototype(internal: bool, figure: int) -> _Proto:
    """The empty sheet of this kind, written once per process with python-docx."""
    from docx.opc.part import Part

    from quanli.render.bundle import Packed

    doc = copy.deepcopy(_base_document())
    sec = doc.sections[0]
    sec.header.is_linked_to_previous = False
    sec.footer.is_linked_to_previous = False
    for part, xml in ((sec.header._element, _para("QLMark", INTERNAL_MARK) if internal else _para("Header")),
                      (sec.footer._element, footer_xml())):
        for p in list(part):
            part.remove(p)
        part.extend(wordml.elements(xml))
    pictures = []
    pkg = doc.part.package
    for _ in range(figure):  # the parts and relationships of each page's picture; each sheet brings its own EMF and SVG
        # python-docx's get_or_add_image does not read EMF: the part is added as a plain part
        emf_rid = doc.part.relate_to(Part(pkg.next_partname("/word/media/image%d.emf"), EMF_TYPE, b"", pkg), RT_IMAGE)
        svg_rid = doc.part.relate_to(Part(pkg.next_partname("/word/media/image%d.svg"), "image/svg+xml", b"<svg/>", pkg), RT_IMAGE)
        pictures.append((emf_rid, svg_rid))
    members = package_members(doc)
    document_xml = members.pop("word/document.xml").decode("utf-8")
    start = document_xml.index("<w:body>") + len("<w:body>")
    end = document_xml.index("<w:sectPr")
    members.pop("docProps/core.xml", None)
    for k in range(figure):
        members.pop(picture_parts(k)[0], None)
        members.pop(picture_parts(k)[1], None)
    return _Proto(document_xml[:start], document_xml[end:], {name: Packed(data) for name, data in members.items()},
                  tuple(pictures))


def picture_parts(k: int) -> tuple[str, str]:
    """The EMF and SVG parts of the figure's page ``k`` (0: EMF_PART, SVG_PART)."""
    return f"word/media/image{k + 1}.emf", f"word/media/image{k + 1}.svg"


def docx_members(view: CatalogueView, item: ItemView, svg: str | None = None) -> dict:
    """The members of the sheet's DOCX: name -> bytes, or a Packed member every sheet shares."""
    pages = figure_pages(view, item, svg)
    proto = _prototype(view.internal, len(pages))
    body = [_para("QLTitle", item.name, keep_next=True), _para("QLSubtitle", subtitle(view), keep_next=True),
            wordml.table([LABEL_W, VALUE_W], 100, 45, "".join(_docx_row(label, blocks) for label, blocks in rows(view, item, svg)),
                         center=True)]
    members = dict(proto.fixed)
    if pages:
        figure, pictures = _docx_figure(proto, pages, figure_caption(view, item))
        body.append(figure)
        for k, (page, picture) in enumerate(zip(pages, pictures)):
            emf_part, svg_part = picture_parts(k)
            members[emf_part], members[svg_part] = _packed(picture), _packed(page.encode("utf-8"))
    else:
        body.append(_para("QLNote"))  # a paragraph after the table, as Word expects
    members["word/document.xml"] = (proto.head + "".join(body) + proto.tail).encode("utf-8")
    members["docProps/core.xml"] = core_xml(
        _date(view.date), title=item.name, subject=SHEET_NAME, creator=view.unit,
        keywords="、".join(t for t in (item.category, item.department) if t), category=item.category, identifier=item.id,
        version=view.version, status="内部资料" if view.internal else "")
    return members


@lru_cache(maxsize=64)
def _packed(data: bytes):
    """A picture compressed once: items that share a flow share its SVG and EMF."""
    from quanli.render.bundle import Packed

    return Packed(data)


def docx_bytes(view: CatalogueView, item: ItemView, svg: str | None = None, epoch: int | None = None) -> bytes:
    """The sheet as a DOCX (A4 portrait); same input, same bytes. Its members are stamped with
    ``epoch`` (default: the catalogue's date)."""
    from quanli.render.bundle import write_package

    return write_package(docx_members(view, item, svg), int(_date(view.date).timestamp()) if epoch is None else epoch)


def package_members(doc) -> dict[str, bytes]:
    """Member name -> bytes of a python-docx document, as ``Document.save`` would write them."""
    from docx.opc.pkgwriter import PackageWriter

    package = doc.part.package

    class Collect:  # stands in for the zip writer PackageWriter.write would open
        members: dict[str, bytes] = {}

        def write(self, uri, blob: bytes) -> None:
            self.members[uri.membername] = blob

    collect = Collect()
    collect.members = {}
    try:
        for part in package.parts:
            part.before_marshal()
        PackageWriter._write_content_types_stream(collect, package.parts)
        PackageWriter._write_pkg_rels(collect, package.rels)
        PackageWriter._write_parts(collect, package.parts)
        return collect.members
    except AttributeError:  # a python-docx without these helpers: save, then read the members back
        saved = BytesIO()
        doc.save(saved)
        with zipfile.ZipFile(saved) as zf:
            return {name: zf.read(name) for name in zf.namelist()}
