"""The Word side of the 一件 that every DOCX quanli writes shares: page geometry, fonts, the styles
of the base document (written once with python-docx), paragraphs in those styles, and the footer.
The 变更说明 (render.changenote) uses them too."""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO

from quanli.render import wordml

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

KEEP_STYLES = {
    "Normal",
    "DefaultParagraphFont",
    "TableNormal",
    "NoList",
    "TableGrid",
    "Header",
    "Footer",
    "HeaderChar",
    "FooterChar",
}


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

    font_table = doc.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    )
    font_table._blob = font_table.blob.replace(b"</w:fonts>", FONT_TABLE_EXTRA.encode() + b"</w:fonts>")
    for rel in pkg.rels.values():  # docProps/app.xml: say who made it, nothing more
        if rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = (
                b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                b"<Application>quanli</Application><DocSecurity>0</DocSecurity></Properties>"
            )
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# paragraph style id -> East Asian font of its runs (python-docx drops spaces from names)
STYLE_EAST = {
    "QLTitle": HEAD_FONT,
    "QLFigureTitle": HEAD_FONT,
    "QLLabel": HEAD_FONT,
    "QLStrong": HEAD_FONT,
    "QLGridHead": HEAD_FONT,
    "QLMark": HEAD_FONT,
}


def _para(style: str, text: str = "", **options) -> str:
    """A paragraph of ``style``; its runs take the style's East Asian font."""
    return wordml.para(style, text, STYLE_EAST.get(style, BODY_FONT), **options)


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (lxml refuses them)."""
    return wordml.xml_safe(text)


def footer_xml() -> str:
    """第 N 页　共 M 页, centred (the sheets and the 变更说明 share it)."""
    runs = (
        wordml.field("PAGE", "1", BODY_FONT)
        + wordml.run(" 页　共 ", BODY_FONT)
        + wordml.field("NUMPAGES", "1", BODY_FONT)
        + wordml.run(" 页", BODY_FONT)
    )
    return _para("Footer", "第 ", align="center", runs=runs)
