"""WordprocessingML as text: the paragraphs, runs and tables of quanli's Word files.

Each function returns the XML of one element as a string, exactly as lxml serialises the
same element (``w:`` prefix, attributes in the order given, empty elements closed with
``/>``), so a document is the concatenation of its parts. Building strings costs a fifth of
building lxml elements and a fiftieth of python-docx's paragraph and table API; at 10,000
sheets that is most of a build (see BENCHMARKS.md).

Every run names its fonts with ``w:eastAsia`` (``run.font.name`` alone sets Latin fonts
only, see ``shared/engineering.md``); tables have a fixed layout, a grid and a width on
every cell, which LibreOffice needs to honour the widths.
"""

from __future__ import annotations

import re
from functools import cache

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LATIN_FONT = "Times New Roman"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def esc(text: str) -> str:
    """Character data, escaped as lxml escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def attr(value: str) -> str:
    """An attribute value, escaped as lxml escapes it (inside double quotes)."""
    return esc(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


@cache
def fonts(east: str) -> str:
    """The run properties that name the fonts, East Asian included."""
    return (
        f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{attr(east)}" '
        f'w:cs="{LATIN_FONT}" w:hint="eastAsia"/></w:rPr>'
    )


def run(text: str, east: str) -> str:
    """A run; line breaks in ``text`` become w:br, tabs w:tab."""
    out = ["<w:r>", fonts(east)]
    for i, line in enumerate(xml_safe(text).replace("\r\n", "\n").split("\n")):
        if i:
            out.append("<w:br/>")
        for n, part in enumerate(line.split("\t")):
            if n:
                out.append("<w:tab/>")
            if part:
                out.append(f'<w:t xml:space="preserve">{esc(part)}</w:t>')
    out.append("</w:r>")
    return "".join(out)


def para(
    style: str,
    text: str = "",
    east: str = "",
    *,
    align: str = "",
    keep_next: bool = False,
    page_break: bool = False,
    hanging: int = 0,
    exact: int = 0,
    runs: str = "",
) -> str:
    """A w:p of ``style`` holding ``text`` (in the East Asian font ``east``) and then ``runs``."""
    ppr = [f'<w:p><w:pPr><w:pStyle w:val="{attr(style)}"/>']
    if keep_next:
        ppr.append("<w:keepNext/>")
    if page_break:
        ppr.append("<w:pageBreakBefore/>")
    if hanging:
        ppr.append(f'<w:tabs><w:tab w:val="left" w:pos="{hanging}"/></w:tabs>')
    if exact:
        ppr.append(f'<w:spacing w:before="0" w:after="0" w:line="{exact}" w:lineRule="exact"/>')
    if hanging:
        ppr.append(f'<w:ind w:left="{hanging}" w:hanging="{hanging}"/>')
    if align:
        ppr.append(f'<w:jc w:val="{align}"/>')
    ppr.append("</w:pPr>")
    if text:
        ppr.append(run(text, east))
    ppr.append(runs)
    ppr.append("</w:p>")
    return "".join(ppr)


def field(instr: str, placeholder: str, east: str) -> str:
    """A simple field (PAGE, NUMPAGES) showing ``placeholder`` until Word updates it."""
    return f'<w:fldSimple w:instr=" {attr(instr)} ">{run(placeholder, east)}</w:fldSimple>'


def table(widths: list[int], margin_lr: int, margin_tb: int, rows: str, center: bool = False) -> str:
    """A w:tbl with fixed layout, total width and grid (cells get their widths in :func:`cell`)."""
    margins = "".join(
        f'<w:{side} w:w="{value}" w:type="dxa"/>'
        for side, value in (("top", margin_tb), ("left", margin_lr), ("bottom", margin_tb), ("right", margin_lr))
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        + ('<w:jc w:val="center"/>' if center else "")
        + f'<w:tblLayout w:type="fixed"/><w:tblCellMar>{margins}</w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
    )


def row(cells: str, cant_split: bool = False, header: bool = False) -> str:
    """A w:tr; ``cant_split`` keeps it on one page, ``header`` repeats it on every page."""
    if not (cant_split or header):
        return f"<w:tr>{cells}</w:tr>"
    return (
        "<w:tr><w:trPr>"
        + ("<w:cantSplit/>" if cant_split else "")
        + ("<w:tblHeader/>" if header else "")
        + f"</w:trPr>{cells}</w:tr>"
    )


def cell(width: int, content: str, fill: str = "", valign: str = "") -> str:
    """A w:tc of ``width`` twips; ``content`` must end with a paragraph, as Word requires."""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
        + (f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else "")
        + (f'<w:vAlign w:val="{valign}"/>' if valign else "")
        + f"</w:tcPr>{content}</w:tc>"
    )


def elements(xml: str) -> list:
    """The lxml elements of a run of body XML, to put into a python-docx document."""
    from lxml import etree

    return list(etree.fromstring(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>'))
