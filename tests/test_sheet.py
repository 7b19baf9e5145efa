"""一件: the disclosure sheet (权力运行公开表) as DOCX and HTML — open what is written and read it back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import struct
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length, Twips

from quanli.loader.catalogue import load_catalogue
from quanli.render import sheet
from quanli.render.view import CatalogueView, ItemView, build_view, limit_text

ROOT = Path(__file__).resolve().parents[1]
DATE = "2026-11-23"
SVG_MAIN = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
A_MAIN = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(scope="module")
def amr() -> CatalogueView:
    return build_view(load_catalogue(ROOT / "catalogs" / "county-amr"), "public", DATE)


@pytest.fixture(scope="module")
def office() -> CatalogueView:
    return build_view(load_catalogue(ROOT / "catalogs" / "city-gov-office"), "internal", DATE)


def make_svg(view: CatalogueView, item: ItemView) -> str:
    """A small, valid flowchart-like SVG document (the flowchart module's job, not this one's)."""
    flow = view.flows.get(item.flow_id) or {"name": "流程", "steps": [{"name": "开始"}]}
    steps = flow["steps"]
    height = 40 + 60 * len(steps)
    boxes = "".join(
        f'<rect x="100" y="{30 + 60 * i}" width="200" height="36" fill="#fff" stroke="#000"/>'
        f'<text x="200" y="{53 + 60 * i}" text-anchor="middle">{s["name"]}</text>'
        for i, s in enumerate(steps)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" '
        f'height="{height}" viewBox="0 0 400 {height}"><title>{flow["name"]}</title>{boxes}</svg>\n'
    )


def by_id(view: CatalogueView, ident: str) -> ItemView:
    return next(i for i in view.items if i.id == ident)


def expected(view: CatalogueView, item: ItemView) -> dict[str, list[str]]:
    """Label -> texts that must appear in that row: every non-empty field of the item."""
    flow = view.flows.get(item.flow_id) or {}
    want = {
        "项目名称": [item.name],
        "事项编号": [item.id],
        **{title: [code] for title, code in item.codes},
        "项目类别": [item.category],
        "实施主体": [item.subject],
        "承办机构": [item.department],
        "行使层级": [item.level],
        "法律依据": [r.cite() for r in item.basis] + [r.text for r in item.basis],
        "行使条件": item.conditions,
        "申请材料": [m.name for m in item.materials],
        "办理流程": [s["name"] for s in flow.get("steps", [])]
        + [s.get("post", "") for s in flow.get("steps", [])]
        + [limit_text(s.get("time_limit")) for s in flow.get("steps", [])]
        + list(flow.get("rights", [])),
        "法定办结时限": [item.statutory],
        "承诺办结时限": [item.promised],
        "时限说明": [item.time_note] + item.special_procedures,
        "收费依据及标准": [item.fee],
        "公开范围": [item.scope],
        "公开形式": [item.forms],
        "公开时限": [item.timing],
        "不公开理由": [item.reason],
        "咨询电话": [item.consult],
        "投诉渠道": [item.complaint],
        "办理地点": [item.location],
        "办理时间": [item.hours],
        "救济途径": item.remedy,
        "处罚内容": item.penalty,
        "裁量基准": [t for tier in item.discretion for t in tier],
        "责任事项": item.responsibilities,
        "追责情形": item.accountability,
    }
    return {label: [t for t in texts if t] for label, texts in want.items() if any(texts)}


# --- reading a DOCX back -----------------------------------------------------------------


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def all_text(element) -> str:
    """All text under an element, nested tables included (python-docx's cell.text skips them)."""
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def docx_rows(data: bytes) -> dict[str, str]:
    doc = open_docx(data)
    main = doc.tables[0]
    return {row.cells[0].text: all_text(row.cells[1]._tc) for row in main.rows}


def test_docx_table_holds_every_field_of_every_item(amr: CatalogueView, office: CatalogueView) -> None:
    checked = 0
    for view in (amr, office):
        for item in view.items:
            rows = docx_rows(sheet.docx_bytes(view, item, make_svg(view, item)))
            for label, texts in expected(view, item).items():
                assert label in rows, (item.id, label)
                for text in texts:
                    assert text in rows[label], (item.id, label, text)
            assert all(value.strip() for value in rows.values()), item.id  # no empty row
            checked += 1
    assert checked == len(amr.items) + len(office.items) > 40


@pytest.fixture(scope="module")
def city() -> CatalogueView:
    return build_view(load_catalogue(ROOT / "catalogs" / "city-amr"), "public", DATE)


def test_sheet_shows_the_real_codes(city: CatalogueView, amr: CatalogueView) -> None:
    """事项编号 is the file's id; 基本编码, 实施编码 and 本地编码 are the item's codes, in both sheets."""
    item = next(i for i in city.items if i.code_basic)
    full = dataclasses.replace(item, code_impl="11440000006939756B2440101007000", code_local="440101007000-01")
    for it in (item, full):
        rows = docx_rows(sheet.docx_bytes(city, it, None))
        labels = list(rows)
        assert rows["事项编号"] == it.id and "事项编码" not in rows
        for title, code in it.codes:
            assert rows[title] == code
        assert labels[: 2 + len(it.codes)] == ["项目名称", "事项编号"] + [t for t, _ in it.codes]
        page = Page.parse(sheet.html(city, it, None))
        html_rows = {r[0]: r[1] for r in page.table_rows if len(r) == 2}
        assert html_rows["事项编号"] == it.id
        for title, code in it.codes:
            assert html_rows[title] == code
    assert [t for t, _ in full.codes] == ["基本编码", "实施编码", "本地编码"]
    assert "实施编码" not in docx_rows(sheet.docx_bytes(city, item, None))  # only the codes the item has
    bare = next(i for i in amr.items if not i.codes)
    rows = docx_rows(sheet.docx_bytes(amr, bare, None))
    assert rows["事项编号"] == bare.id and not {"基本编码", "实施编码", "本地编码"} & set(rows)


def test_docx_leaves_out_empty_rows(amr: CatalogueView) -> None:
    item = by_id(amr, "SJ-CF-001")  # a penalty: no materials, no fee
    assert not item.materials and not item.fee
    rows = docx_rows(sheet.docx_bytes(amr, item, None))
    assert "申请材料" not in rows and "收费依据及标准" not in rows and "不公开理由" not in rows
    bare = dataclasses.replace(
        item,
        basis=[],
        conditions=[],
        remedy=[],
        penalty=[],
        discretion=[],
        responsibilities=[],
        accountability=[],
        flow_id="",
    )
    rows = docx_rows(sheet.docx_bytes(amr, bare, None))
    for label in ("法律依据", "办理流程", "救济途径", "处罚内容", "裁量基准", "责任事项", "追责情形"):
        assert label not in rows
    assert rows["项目名称"] == item.name


def test_docx_sets_east_asian_fonts_on_styles_and_runs(amr: CatalogueView) -> None:
    data = sheet.docx_bytes(amr, amr.items[0], None)
    doc = open_docx(data)
    styles = doc.styles.element
    default_fonts = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert default_fonts.get(qn("w:eastAsia")) == "宋体"
    assert default_fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override w:eastAsia
    used = {p.get(qn("w:val")) for p in doc.element.body.iter(qn("w:pStyle"))}
    assert {"QLTitle", "QLLabel", "QLBody"} <= used
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) in used:
            fonts = style.find(qn("w:rPr")).find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体"), style.get(qn("w:styleId"))
    assert doc.styles["QL Title"].element.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    parts = [doc.element.body, doc.sections[0].footer._element]
    runs = [r for part in parts for r in part.iter(qn("w:r")) if r.find(qn("w:t")) is not None]
    assert len(runs) > 50
    for r in runs:
        fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体"), all_text(r)
    lang = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


def test_docx_page_is_a4_portrait(amr: CatalogueView) -> None:
    doc = open_docx(sheet.docx_bytes(amr, amr.items[0], None))
    sec = doc.sections[0]
    assert (sec.page_width, sec.page_height) == (Twips(11906), Twips(16838))  # 210 x 297 mm
    from docx.enum.section import WD_ORIENT

    assert sec.orientation == WD_ORIENT.PORTRAIT
    text_width = Length(sec.page_width - sec.left_margin - sec.right_margin)
    assert abs(text_width.cm - 17.0) < 0.01


def test_docx_tables_have_grid_and_every_cell_width(amr: CatalogueView) -> None:
    """LibreOffice ignores widths unless the grid and every cell carry one."""
    doc = open_docx(sheet.docx_bytes(amr, by_id(amr, "SJ-XK-001"), None))
    tables = list(doc.element.body.iter(qn("w:tbl")))
    assert len(tables) >= 3  # the sheet, materials, steps
    for tbl in tables:
        pr = tbl.find(qn("w:tblPr"))
        assert pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        grid = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
        assert sum(grid) == int(pr.find(qn("w:tblW")).get(qn("w:w")))
        for tr in tbl.findall(qn("w:tr")):
            widths = [int(tc.find(qn("w:tcPr")).find(qn("w:tcW")).get(qn("w:w"))) for tc in tr.findall(qn("w:tc"))]
            assert widths == grid
    main = doc.tables[0]
    label_w, value_w = (int(c.get(qn("w:w"))) for c in main._tbl.tblGrid.findall(qn("w:gridCol")))
    assert label_w < value_w / 3  # a narrow label column
    for row in main.rows:
        shd = row.cells[0]._tc.tcPr.find(qn("w:shd"))
        assert shd is not None and shd.get(qn("w:fill")) not in (None, "auto", "FFFFFF")  # shaded labels
        assert row.cells[1]._tc.tcPr.find(qn("w:shd")) is None


def rels_of(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    from lxml import etree

    folder, name = part.rsplit("/", 1)
    root = etree.fromstring(z.read(f"{folder}/_rels/{name}.rels"))
    return {r.get("Id"): r.get("Target") for r in root}


@pytest.mark.parametrize("ident", ["SJ-XK-001", "SJ-CF-001"])  # a short flow and a long one (CF-YBCX, several pages)
def test_docx_embeds_each_page_of_the_flowchart_as_svg_with_an_emf_fallback(amr: CatalogueView, ident: str) -> None:
    from lxml import etree

    from quanli.render.emf import text_of

    item = by_id(amr, ident)
    svg = make_svg(amr, item)
    pages = sheet.figure_pages(amr, item, svg)
    data = sheet.docx_bytes(amr, item, svg)
    z = zipfile.ZipFile(io.BytesIO(data))
    svgs = sorted(n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".svg"))
    assert svgs == [sheet.picture_parts(k)[1] for k in range(len(pages))]
    assert '<Default Extension="emf" ContentType="image/x-emf"/>' in z.read("[Content_Types].xml").decode()
    document = z.read("word/document.xml").decode("utf-8")
    assert "{96DAC541-7B7A-43D3-8B79-37D633B846F1}" in document
    root = etree.fromstring(z.read("word/document.xml"))
    rels = rels_of(z, "word/document.xml")
    blips = root.findall(f".//{{{A_MAIN}}}blip")
    extents = root.findall(".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent")
    assert len(blips) == len(extents) == len(pages)
    seen = ""
    for k, (blip, extent, page) in enumerate(zip(blips, extents, pages)):
        emf_part, svg_part = sheet.picture_parts(k)
        assert "word/" + rels[blip.get(f"{{{R_NS}}}embed")] == emf_part
        svg_blip = blip.find(f"{{{A_MAIN}}}extLst/{{{A_MAIN}}}ext/{{{SVG_MAIN}}}svgBlip")
        assert "word/" + rels[svg_blip.get(f"{{{R_NS}}}embed")] == svg_part and z.read(svg_part).decode("utf-8") == page
        fallback = z.read(emf_part)
        assert fallback == sheet.fallback_emf(page) and fallback[40:44] == b" EMF"  # the page itself, as a metafile
        left, top, right, bottom = struct.unpack_from("<4i", fallback, 24)  # the frame, in 0.01 mm
        assert abs((bottom - top) / (right - left) - sheet.svg_aspect(page)) < 0.01
        cx, cy = int(extent.get("cx")), int(extent.get("cy"))
        assert abs(cy / cx - sheet.svg_aspect(page)) < 0.01 and cx <= 17.0 * 360000 and cy <= 22.0 * 360000
        width_px = float(etree.fromstring(page.encode("utf-8")).get("width"))
        assert 12 * (cx / 12700) / width_px >= 9.0 - 1e-6  # 12 px text prints at 9 pt or more
        seen += text_of(fallback)
    flow = amr.flows[item.flow_id]
    assert all(step["name"] in seen for step in flow["steps"])  # every step is on some page
    if ident == "SJ-CF-001":
        assert len(pages) > 1 and "（续）" in seen
    assert "附图" in docx_text(data) and flow["name"] in docx_text(data)
    assert "SVG" not in docx_text(data) and "Word 2016" not in docx_text(data)  # no note about what shows the chart


def docx_text(data: bytes) -> str:
    return all_text(open_docx(data).element.body)


def test_docx_without_svg_has_no_picture(amr: CatalogueView) -> None:
    data = sheet.docx_bytes(amr, by_id(amr, "SJ-XK-001"), None)
    z = zipfile.ZipFile(io.BytesIO(data))
    assert not [n for n in z.namelist() if n.startswith("word/media/")]
    assert "svgBlip" not in z.read("word/document.xml").decode()
    assert "附图" not in docx_text(data)


def test_docx_is_byte_for_byte_reproducible(amr: CatalogueView) -> None:
    item = by_id(amr, "SJ-CF-001")
    svg = make_svg(amr, item)
    first = sheet.docx_bytes(amr, item, svg)
    sheet.docx_bytes(amr, by_id(amr, "SJ-XK-001"), make_svg(amr, by_id(amr, "SJ-XK-001")))  # no state leaks
    assert sheet.docx_bytes(amr, item, svg) == first
    z = zipfile.ZipFile(io.BytesIO(first))
    names = z.namelist()
    assert names[0] == "[Content_Types].xml" and names == sorted(names)
    assert {i.date_time for i in z.infolist()} == {(2026, 11, 23, 0, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in names
    props = open_docx(first).core_properties
    midnight = dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)
    assert props.created == props.modified == props.last_printed == midnight
    assert props.revision == 1 and props.title == item.name
    later = dataclasses.replace(amr, date="2026-12-01")
    assert sheet.docx_bytes(later, item, svg) != first


def test_docx_marks_internal_sheets(amr: CatalogueView, office: CatalogueView) -> None:
    secret = office.confidential[0]
    doc = open_docx(sheet.docx_bytes(office, secret, None))
    assert "内部资料" in all_text(doc.sections[0].header._element)
    assert doc.core_properties.content_status == "内部资料"
    assert docx_rows(sheet.docx_bytes(office, secret, None)).get("公开范围") == secret.scope
    public = open_docx(sheet.docx_bytes(amr, amr.items[0], None))
    assert "内部资料" not in all_text(public.sections[0].header._element)
    assert "内部资料" not in all_text(public.element.body)


def test_penalty_sheet_shows_discretion_tiers(amr: CatalogueView) -> None:
    item = next(i for i in amr.items if i.category == "行政处罚" and i.discretion)
    doc = open_docx(sheet.docx_bytes(amr, item, None))
    row = next(r for r in doc.tables[0].rows if r.cells[0].text == "裁量基准")
    nested = row.cells[1].tables[0]
    assert [c.text for c in nested.rows[0].cells] == ["裁量档次", "适用情形", "裁量标准"]
    body = [[all_text(c._tc) for c in r.cells] for r in nested.rows[1:]]
    assert body == [list(t) for t in item.discretion]
    assert any(r.cells[0].text == "处罚内容" for r in doc.tables[0].rows)
    page = Page.parse(sheet.html(amr, item, None))
    for tier, circumstances, standard in item.discretion:
        assert [tier, circumstances, standard] in page.table_rows


# --- HTML ------------------------------------------------------------------------------


class Page(HTMLParser):
    """Elements, attributes, text and table rows of an HTML page (nested tables too: the
    text of a nested table also counts as text of the cell that holds it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.table_rows: list[list[str]] = []
        self._rows: list[list[str]] = []
        self._cells: list[list[str]] = []
        self._in_style = False

    @classmethod
    def parse(cls, source: str) -> Page:
        page = cls()
        page.feed(source)
        page.close()
        return page

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cells.append([])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cells:
            text = "".join(self._cells.pop())
            if self._rows:
                self._rows[-1].append(text)
            if self._cells:
                self._cells[-1].append(text)
        elif tag == "tr" and self._rows:
            self.table_rows.append(self._rows.pop())
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if not self._in_style:
            self.text.append(data)
            if self._cells:
                self._cells[-1].append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def test_html_holds_every_field_and_the_inline_svg(amr: CatalogueView, office: CatalogueView) -> None:
    for view in (amr, office):
        for item in view.items:
            svg = make_svg(view, item)
            page = Page.parse(sheet.html(view, item, svg))
            rows = {r[0]: r[1] for r in page.table_rows if len(r) == 2}
            for label, texts in expected(view, item).items():
                assert label in rows, (item.id, label)
                for text in texts:
                    assert text in rows[label], (item.id, label, text)
            assert page.tags.count("svg") == 1 and "rect" in page.tags, item.id
            assert view.flows.get(item.flow_id, {}).get("name", "") in page.all_text


def test_html_escapes_catalogue_text(amr: CatalogueView) -> None:
    item = dataclasses.replace(
        amr.items[0],
        name="<script>alert(1)</script>食品经营许可",
        department='科室"><img src=x onerror=alert(1)>',
        conditions=["条件 & <b>粗体</b>", "</td></tr></table><script>x()</script>"],
    )
    source = sheet.html(amr, item, None)
    page = Page.parse(source)
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags
    assert not [a for a in page.attrs if a[1].startswith("on")]
    assert "<script>alert(1)</script>食品经营许可" in page.all_text  # shown as text
    assert "条件 & <b>粗体</b>" in page.all_text
    rows = {r[0]: r[1] for r in page.table_rows if len(r) == 2}
    assert rows["承办机构"] == '科室"><img src=x onerror=alert(1)>'
    fragment = Page.parse(sheet.sheet_fragment(amr, item, None))
    assert "script" not in fragment.tags
    # the same text in Word is plain text too
    assert "<script>alert(1)</script>食品经营许可" in docx_rows(sheet.docx_bytes(amr, item, None))["项目名称"]


def test_html_is_a_standalone_offline_a4_page(amr: CatalogueView, office: CatalogueView) -> None:
    item = by_id(amr, "SJ-XK-001")
    svg = make_svg(amr, item)
    source = sheet.html(amr, item, svg)
    page = Page.parse(source)
    assert source.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in source and 'charset="utf-8"' in source
    assert "link" not in page.tags and "script" not in page.tags and "img" not in page.tags
    assert not [a for a in page.attrs if a[1] in ("src", "href")]
    assert "<?xml" not in source  # the SVG's XML declaration is dropped when inlined
    assert '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun, sans-serif' in source
    assert "@media print" in source and "size: A4 portrait" in source
    assert "内部资料" not in page.all_text
    secret = office.confidential[0]
    internal = Page.parse(sheet.html(office, secret, None))
    assert "内部资料 不得公开" in internal.all_text
    assert ("p", "class", "ql-internal") in internal.attrs


def test_sheet_fragment_is_body_content_reused_by_html(amr: CatalogueView) -> None:
    item = by_id(amr, "SJ-CF-001")
    svg = make_svg(amr, item)
    page = Page.parse(sheet.sheet_fragment(amr, item, None))
    assert not {"html", "head", "body", "style", "title"} & set(page.tags)
    fragment = sheet.sheet_fragment(amr, item, svg)
    assert fragment.startswith('<article class="ql-sheet">') and fragment in sheet.html(amr, item, svg)
    assert "ql-sheet" in sheet.CSS  # the site includes sheet.CSS in its stylesheet


def test_text_with_line_breaks_and_control_characters(amr: CatalogueView) -> None:
    item = dataclasses.replace(amr.items[0], name="名称\x0b带控制符", conditions=["第一行\n第二行", "制表\t符"])
    data = sheet.docx_bytes(amr, item, None)
    doc = open_docx(data)
    assert doc.tables[0].rows[0].cells[1].text == "名称带控制符"
    row = next(r for r in doc.tables[0].rows if r.cells[0].text == "行使条件")
    assert row.cells[1]._tc.find(".//" + qn("w:br")) is not None
    assert "第一行\n第二行" in Page.parse(sheet.html(amr, item, None)).all_text


def test_svg_aspect() -> None:
    assert sheet.svg_aspect('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 1200">') == 1.5
    assert sheet.svg_aspect('<svg width="300" height="150">') == 0.5
    assert sheet.svg_aspect("<svg>") == 0.75


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")), reason="LibreOffice not installed")
def test_libreoffice_opens_the_docx(amr: CatalogueView, tmp_path: Path) -> None:
    """Optional: LibreOffice converts the sheet to a PDF that holds its text, the flowchart's
    too: LibreOffice 7.4 does not show the SVG, so what it draws on the 附图 page is the EMF."""
    from quanli.render.flowchart import layout, to_svg

    item = by_id(amr, "SJ-CF-001")
    flow = amr.flows[item.flow_id]
    (tmp_path / "sheet.docx").write_bytes(sheet.docx_bytes(amr, item, to_svg(flow)))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "sheet.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "sheet.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    compact = "".join(text.split())
    for needle in ("裁量基准", "处罚内容", item.discretion[0][0], "第1页", "附图"):
        assert needle in compact
    figure_page = compact[compact.rindex("附图") :]  # the heading of the last page, and the chart under it
    assert figure_page.count(flow["name"]) >= 2  # the page's heading and the chart's own title
    for box in layout(flow).boxes:
        for line, style in zip(box.lines, box.styles):
            if style == "name":
                assert "".join(line.split()) in figure_page, line


def test_docx_xml_is_what_python_docx_reads_and_writes_back(amr):
    """The sheet's XML is written as text (quanli.render.wordml): python-docx must read the
    package and write back the same XML, member by member (compared canonicalised, since
    lxml writes an emptied element as <a/>), and the same set of members."""
    import io
    import zipfile

    from docx import Document
    from lxml import etree

    def members(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return {n: zf.read(n) for n in zf.namelist()}

    def canonical(name: str, data: bytes) -> bytes:
        return etree.tostring(etree.fromstring(data), method="c14n") if name.endswith((".xml", ".rels")) else data

    for item in amr.items[:6]:
        for svg in (None, make_svg(amr, item)):
            ours = sheet.docx_bytes(amr, item, svg, 1767225600)
            saved = io.BytesIO()
            Document(io.BytesIO(ours)).save(saved)
            mine, theirs = members(ours), members(saved.getvalue())
            assert list(mine)[0] == "[Content_Types].xml" and set(mine) == set(theirs)
            for name in mine:
                assert canonical(name, mine[name]) == canonical(name, theirs[name]), name
            assert mine["word/document.xml"] == theirs["word/document.xml"]  # byte for byte, as lxml writes it
