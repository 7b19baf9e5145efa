"""一件 as DOCX (A4 portrait): the rows, the 附图 pages (SVG with an EMF fallback), the package;
the page, fonts and styles are ``wordstyles``'."""

from __future__ import annotations

import copy
import datetime as _dt
import json
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from quanli.render import emf, wordml
from quanli.render.sheet.content import (
    INNER_CM,
    INTERNAL_MARK,
    SHEET_NAME,
    Block,
    Grid,
    Numbered,
    Text,
    figure_caption,
    rows,
    subtitle,
)
from quanli.render.sheet.wordstyles import (
    A_NS,
    ASVG_NS,
    FIG_H_CM,
    FIG_W_CM,
    HEAD_FILL,
    LABEL_FILL,
    LABEL_W,
    RT_IMAGE,
    SVG_EXT_URI,
    VALUE_W,
    _base_document,
    _cm,
    _para,
    footer_xml,
    xml_safe,
)
from quanli.render.view import CatalogueView, ItemView


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


def _numbered(items: tuple[str, ...]) -> str:
    width = 340 if len(items) < 10 else 440
    return "".join(_para("QLBody", f"{n}.\t{text}", hanging=width) for n, text in enumerate(items, 1))


def _docx_grid(grid: Grid) -> str:
    widths = [_cm(w) for w in grid.widths]
    widths[-1] += _cm(INNER_CM) - sum(widths)  # exact total
    # keepNext: the header row stays with the first row
    head = wordml.row(
        "".join(
            wordml.cell(w, _para("QLGridHead", text, keep_next=True), HEAD_FILL, "center")
            for text, w in zip(grid.headers, widths)
        ),
        cant_split=True,
        header=True,
    )
    body = "".join(
        wordml.row(
            "".join(
                wordml.cell(
                    w,
                    "".join(
                        _para("QLGrid" if i == 0 else "QLGridNote", line, align="center" if c in grid.centered else "")
                        for i, line in enumerate(lines or ("",))
                    ),
                )
                for c, (lines, w) in enumerate(zip(values, widths))
            ),
            cant_split=True,
        )
        for values in grid.rows
    )
    return wordml.table(widths, 72, 20, head + body)


# the picture as python-docx's new_pic_inline writes it (the EMF), with the SVG extension Word 2016 reads
INLINE = (
    '<w:r><w:drawing><wp:inline xmlns:a="{a}" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{pid}" name="流程图" descr="{descr}"/>'
    '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
    '<pic:cNvPr id="0" name="image.emf"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{emf}"><a:extLst>'
    '<a:ext uri="{ext}"><asvg:svgBlip xmlns:asvg="{asvg}" r:embed="{svg}"/></a:ext></a:extLst></a:blip>'
    '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/>'
    '</a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
)


def _docx_figure(proto: _Proto, pages: list[str], caption: str) -> tuple[str, list[bytes]]:
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
        inline = INLINE.format(
            a=A_NS,
            cx=int(width * 360000),
            cy=int(height * 360000),
            pid=k + 1,
            descr=wordml.attr(xml_safe(caption if len(pages) == 1 else f"{caption}（第{k + 1}页，共{len(pages)}页）")),
            emf=emf_rid,
            svg=svg_rid,
            ext=SVG_EXT_URI,
            asvg=ASVG_NS,
        )
        runs.append(_para("QLFigure", keep_next=True, runs=inline, page_break=k > 0))
    xml = (
        _para("QLFigureTitle", f"附图　{caption}", keep_next=True, page_break=True)
        + "".join(runs)
        + _para("QLFigure", FIGURE_NOTE)
    )
    return xml, [fallback_emf(svg) for svg in pages]


def figure_pages(view: CatalogueView, item: ItemView, svg: str | None) -> list[str]:
    """The pages of the item's flowchart as the 一件 prints them: without the 环节说明 (the sheet's
    办理流程 row lists the steps), cut to the picture box; the whole chart ``svg`` when the view
    does not hold the flow."""
    flow = view.flows.get(item.flow_id) if svg else None
    if not isinstance(flow, dict):
        return [svg] if svg else []
    key = json.dumps(
        [flow, view.internal, view.unit, view.version, view.date], ensure_ascii=False, sort_keys=True, default=str
    )
    pages = _PAGES.get(key)
    if pages is None:
        from quanli.render import flowchart

        pages = flowchart.to_svg_pages(
            flow,
            notes=False,
            page_h=flowchart.SHEET_PAGE_H,
            internal=view.internal,
            unit=view.unit,
            version=view.version,
            date=view.date,
        )
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
            h += 0.6 + sum(
                max(sum(_lines_cm(line, w - 0.25, 9) for line in cell) for cell, w in zip(row, b.widths)) + 0.1
                for row in b.rows
            )
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
    return wordml.row(
        wordml.cell(LABEL_W, _para("QLLabel", label, align="center"), LABEL_FILL, "center" if short else "top")
        + wordml.cell(VALUE_W, "".join(parts)),
        cant_split=short,
    )


def _date(value: str) -> _dt.datetime:
    try:
        d = _dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        d = _dt.date(1980, 1, 1)
    return _dt.datetime(max(d.year, 1980), d.month, d.day, tzinfo=_dt.timezone.utc)


CORE = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{creator}</dc:creator>"
    "<cp:keywords>{keywords}</cp:keywords><dc:description></dc:description><cp:lastModifiedBy>quanli</cp:lastModifiedBy>"
    '<cp:revision>1</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified><cp:category>{category}</cp:category>'
    "<dc:identifier>{identifier}</dc:identifier><dc:language>zh-CN</dc:language><cp:version>{version}</cp:version>"
    "<cp:lastPrinted>{when}</cp:lastPrinted><cp:contentStatus>{status}</cp:contentStatus></cp:coreProperties>"
)


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
    for part, xml in (
        (sec.header._element, _para("QLMark", INTERNAL_MARK) if internal else _para("Header")),
        (sec.footer._element, footer_xml()),
    ):
        for p in list(part):
            part.remove(p)
        part.extend(wordml.elements(xml))
    pictures = []
    pkg = doc.part.package
    for _ in range(figure):  # the parts and relationships of each page's picture; each sheet brings its own EMF and SVG
        # python-docx's get_or_add_image does not read EMF: the part is added as a plain part
        emf_rid = doc.part.relate_to(Part(pkg.next_partname("/word/media/image%d.emf"), EMF_TYPE, b"", pkg), RT_IMAGE)
        svg_rid = doc.part.relate_to(
            Part(pkg.next_partname("/word/media/image%d.svg"), "image/svg+xml", b"<svg/>", pkg), RT_IMAGE
        )
        pictures.append((emf_rid, svg_rid))
    members = package_members(doc)
    document_xml = members.pop("word/document.xml").decode("utf-8")
    start = document_xml.index("<w:body>") + len("<w:body>")
    end = document_xml.index("<w:sectPr")
    members.pop("docProps/core.xml", None)
    for k in range(figure):
        members.pop(picture_parts(k)[0], None)
        members.pop(picture_parts(k)[1], None)
    return _Proto(
        document_xml[:start],
        document_xml[end:],
        {name: Packed(data) for name, data in members.items()},
        tuple(pictures),
    )


def picture_parts(k: int) -> tuple[str, str]:
    """The EMF and SVG parts of the figure's page ``k`` (0: EMF_PART, SVG_PART)."""
    return f"word/media/image{k + 1}.emf", f"word/media/image{k + 1}.svg"


def docx_members(view: CatalogueView, item: ItemView, svg: str | None = None) -> dict:
    """The members of the sheet's DOCX: name -> bytes, or a Packed member every sheet shares."""
    pages = figure_pages(view, item, svg)
    proto = _prototype(view.internal, len(pages))
    body = [
        _para("QLTitle", item.name, keep_next=True),
        _para("QLSubtitle", subtitle(view), keep_next=True),
        wordml.table(
            [LABEL_W, VALUE_W],
            100,
            45,
            "".join(_docx_row(label, blocks) for label, blocks in rows(view, item, svg)),
            center=True,
        ),
    ]
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
        _date(view.date),
        title=item.name,
        subject=SHEET_NAME,
        creator=view.unit,
        keywords="、".join(t for t in (item.category, item.department) if t),
        category=item.category,
        identifier=item.id,
        version=view.version,
        status="内部资料" if view.internal else "",
    )
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
