"""一表: the catalogue table as XLSX, CSV and HTML. Every test opens the deliverable."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from quanli.loader.catalogue import load_catalogue
from quanli.render import table
from quanli.render.view import CatalogueView, ItemView, LawRef, build_view

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "catalogs" / "city-gov-office"
COUNTY = ROOT / "catalogs" / "county-amr"
DATE = "2026-11-23"
FIELDS = ["name", "category", "basis_text", "subject", "department", "scope", "forms", "timing", "fee",
          "limits_text", "contact_text"]  # columns B..L, after 序号


@pytest.fixture(scope="module")
def city():
    catalogue = load_catalogue(CITY)
    return {aud: build_view(catalogue, aud, DATE) for aud in ("public", "internal")}


@pytest.fixture(scope="module")
def city_xlsx(city):
    return {aud: table.xlsx_bytes(view) for aud, view in city.items()}


def make_item(ident: str, name: str, category: str = "行政许可", public: bool = True, **extra) -> ItemView:
    data = dict(
        id=ident, name=name, category=category, subject="测试县生态环境局", department="审批科", level="县级",
        basis=[LawRef("《中华人民共和国行政许可法》", "第二十九条", "设定依据", "")], conditions=[], materials=[],
        statutory="20 个工作日", promised="10 个工作日", time_note="", special_procedures=[], fee="不收费",
        scope="社会公开" if public else "不予公开", forms="门户网站", timing="长期公开",
        reason="" if public else "涉及国家秘密", consult="0519-82101004", complaint="0519-82101099", location="",
        hours="", remedy=[], penalty=[], discretion=[], responsibilities=[], accountability=[], flow_id="XK-TY",
        public=public)
    data.update(extra)
    return ItemView(**data)


def make_view(items: list[ItemView], audience: str = "public", confidential: list[ItemView] | None = None,
              **extra) -> CatalogueView:
    groups: dict[str, list[ItemView]] = {}
    for item in items:
        groups.setdefault(item.category, []).append(item)
    data = dict(audience=audience, unit="测试县生态环境局", title="行政权力目录", version="2026 版", date=DATE,
                items=items, categories=list(groups.items()), confidential=confidential or [])
    data.update(extra)
    return CatalogueView(**data)


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def members(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist()}


def sheet_rows(ws):
    """(row number, values) from the first row after the header."""
    return [(r[0].row, [c.value for c in r]) for r in ws.iter_rows(min_row=4)]


def merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


# ---------------------------------------------------------------- XLSX layout

def test_xlsx_title_meta_and_header(city, city_xlsx):
    view = city["internal"]
    ws = workbook(city_xlsx["internal"]).worksheets[0]
    assert ws.title == "行政权力目录"
    assert ws["A1"].value == "示例市人民政府办公室行政权力目录" == view.heading
    assert {"A1:L1", "A2:L2"} <= merged(ws)
    meta = ws["A2"].value
    assert "2026 版" in meta and "2026年11月23日" in meta and f"共 {len(view.items)} 项" in meta
    headers = [c.value for c in ws[3]]
    assert [h.replace("\n", "") for h in headers] == [
        "序号", "项目名称", "类别", "行使依据", "实施主体", "承办机构", "公开范围", "公开形式", "公开时限", "收费依据和标准",
        "法定/承诺办结时限", "咨询/投诉电话"]
    assert all(c.font.b for c in ws[3])
    # a long header in a narrow column is broken where a reader expects, never mid-word
    for header in headers:
        assert "\n" not in header or header in ("收费依据\n和标准", "法定/承诺\n办结时限", "咨询/投诉\n电话")


def test_xlsx_rows_grouped_with_counts_and_values_in_place(city, city_xlsx):
    for audience in ("public", "internal"):
        view = city[audience]
        ws = workbook(city_xlsx[audience]).worksheets[0]
        rows = sheet_rows(ws)
        expected_groups = [f"{table.cn_number(i)}、{cat}（{len(items)}项）" for i, (cat, items) in enumerate(view.categories, 1)]
        group_rows = [(n, v[0]) for n, v in rows if isinstance(v[0], str)]
        assert [label for _, label in group_rows] == expected_groups
        for n, _ in group_rows:
            assert f"A{n}:L{n}" in merged(ws)
        item_rows = [v for _, v in rows if isinstance(v[0], int)]
        assert len(item_rows) == len(view.items) == sum(len(items) for _, items in view.categories)
        assert [v[0] for v in item_rows] == list(range(1, len(view.items) + 1))  # 序号 through the whole table
        ordered = [item for _, items in view.categories for item in items]
        for values, item in zip(item_rows, ordered):
            assert values[1:] == [getattr(item, f) or None for f in FIELDS]
        # each group row precedes exactly its items
        position = {label: k for k, (_, label) in enumerate(group_rows)}
        assert len(position) == len(view.categories)


def test_xlsx_group_label_example():
    view = make_view([make_item("T-XK-001", "甲"), make_item("T-XK-002", "乙"), make_item("T-XK-003", "丙"),
                      make_item("T-CF-001", "丁", category="行政处罚")])
    ws = workbook(table.xlsx_bytes(view)).worksheets[0]
    assert ws["A4"].value == "一、行政许可（3项）"
    assert ws["A8"].value == "二、行政处罚（1项）"
    assert [ws.cell(r, 1).value for r in (5, 6, 7, 9)] == [1, 2, 3, 4]


def test_xlsx_print_setup(city_xlsx):
    for audience, data in city_xlsx.items():
        for ws in workbook(data).worksheets:
            assert ws.page_setup.orientation == "landscape"
            assert int(ws.page_setup.paperSize) == 9  # A4
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
            assert ws.print_title_rows == "$3:$3"  # the column header on every page
            assert ws.freeze_panes in ("C4", "A4")
            assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
            if audience == "internal":
                assert ws.oddHeader.right.text == "内部资料"
            else:
                assert not ws.oddHeader.right.text
    assert workbook(city_xlsx["public"]).worksheets[0].freeze_panes == "C4"


def test_xlsx_widths_and_row_heights(city, city_xlsx):
    ws = workbook(city_xlsx["internal"]).worksheets[0]
    widths = [ws.column_dimensions[chr(ord("A") + k)].width for k in range(12)]
    assert all(5 <= w <= 30 for w in widths)
    assert sum(widths) <= table.TABLE_WIDTH
    assert widths[1] >= 16  # 项目名称: 8 characters a line at least
    for n, values in sheet_rows(ws):
        if isinstance(values[0], int):  # every text fits the estimated height
            assert all(ws.cell(n, k).alignment.wrap_text for k in range(2, 13))
            lines = max(table.wrapped_lines(v, w) for v, w in zip(values[1:], widths[1:]) if v)
            assert ws.row_dimensions[n].height >= lines * table.LINE_PT


def test_wrapped_lines():
    assert table.wrapped_lines("社会公开", 9) == 1
    assert table.wrapped_lines("一二三四五六七八九十", 10) == 2
    assert table.wrapped_lines("甲\n乙\n丙", 20) == 3
    assert table.wrapped_lines("jiwei@shili.example.gov.cn", 10) == 3  # a long word is cut
    assert table.wrapped_lines("电话 jiwei@shili.gov.cn", 20) == 2  # a word moves down whole
    assert table.wrapped_lines("电话 jiwei@shili.example.gov.cn", 24) == 3  # … then is cut
    long = "法定：20 个工作日（能够当场答复的当场答复；不能当场答复的自收到申请之日起20个工作日内答复）"
    assert table.wrapped_lines(long, 12) > table.wrapped_lines(long, 24) > 1


def test_cn_number():
    assert [table.cn_number(n) for n in (1, 9, 10, 11, 20, 21, 99, 100, 105, 110)] == [
        "一", "九", "十", "十一", "二十", "二十一", "九十九", "一百", "一百零五", "一百一十"]


# ---------------------------------------------------------------- formula injection

NASTY = ["=1+1", "@SUM(A1)", "+1", "-2", '=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0"]


def nasty_view(audience: str = "public") -> CatalogueView:
    items = [make_item(f"T-XK-{k:03d}", name, fee="+86 收费", forms="@门户网站") for k, name in enumerate(NASTY, 1)]
    return make_view(items, audience)


def test_xlsx_cells_starting_with_formula_characters_stay_text():
    data = table.xlsx_bytes(nasty_view())
    ws = workbook(data).worksheets[0]
    names = {ws.cell(n, 2).value: ws.cell(n, 2) for n in range(5, 5 + len(NASTY))}
    assert set(names) == set(NASTY)
    for value, cell in names.items():
        assert cell.data_type == "s"
        assert cell.quotePrefix
    for n in range(5, 5 + len(NASTY)):
        assert ws.cell(n, 10).value == "+86 收费" and ws.cell(n, 10).data_type == "s"
        assert ws.cell(n, 8).value == "@门户网站" and ws.cell(n, 8).data_type == "s"
        assert not ws.cell(n, 4).quotePrefix  # ordinary text carries no quote prefix
    sheet = members(data)["xl/worksheets/sheet1.xml"]
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere


def test_xlsx_control_characters_and_newlines_do_not_break_the_file():
    item = make_item("T-XK-001", "名称\x07带响铃\x00", basis=[LawRef("《甲法》", "第一条\r\n第二条", "", "")])
    ws = workbook(table.xlsx_bytes(make_view([item]))).worksheets[0]
    assert ws["B5"].value == "名称带响铃"
    assert ws["D5"].value == "《甲法》第一条\n第二条"


# ---------------------------------------------------------------- audience

def test_internal_second_sheet_lists_the_confidential_items(city, city_xlsx):
    view = city["internal"]
    wb = workbook(city_xlsx["internal"])
    assert wb.sheetnames == ["行政权力目录", "涉密不宜公开权力目录"]
    ws = wb["涉密不宜公开权力目录"]
    assert ws["A1"].value == "示例市人民政府办公室涉密不宜公开权力目录"
    assert "A1:D1" in merged(ws)
    assert "内部资料" in ws["A2"].value
    assert [c.value.replace("\n", "") for c in ws[3]] == ["序号", "项目名称", "类别", "不公开理由"]
    rows = [v for _, v in sheet_rows(ws)]
    assert len(rows) == len(view.confidential) > 0
    for k, (values, item) in enumerate(zip(rows, view.confidential), 1):
        assert values == [k, item.name, item.category, item.reason]


def test_public_workbook_has_one_sheet(city_xlsx):
    assert workbook(city_xlsx["public"]).sheetnames == ["行政权力目录"]


def test_internal_without_confidential_items_has_one_sheet():
    assert workbook(table.xlsx_bytes(make_view([make_item("T-XK-001", "甲")], "internal"))).sheetnames == ["行政权力目录"]


def test_public_outputs_contain_no_confidential_item(city, city_xlsx):
    secrets = [i.name for i in city["internal"].confidential] + [i.reason for i in city["internal"].confidential]
    assert secrets
    public = city["public"]
    texts = list(members(city_xlsx["public"]).values())
    texts.append(table.csv_bytes(public).decode("utf-8-sig"))
    texts.append(table.html(public))
    texts.append(table.table_fragment(public))
    for text in texts:
        for secret in secrets:
            assert secret not in text
    # the scan can see: the internal workbook stores the same names as plain UTF-8
    internal_text = "".join(members(city_xlsx["internal"]).values())
    assert all(i.name in internal_text for i in city["internal"].confidential)
    assert not re.search(r"&#\d{4,};", internal_text)


# ---------------------------------------------------------------- determinism

def test_xlsx_is_reproducible(city, city_xlsx):
    assert table.xlsx_bytes(city["internal"]) == city_xlsx["internal"]
    with zipfile.ZipFile(io.BytesIO(city_xlsx["internal"])) as zf:
        assert {info.date_time for info in zf.infolist()} == {(2026, 11, 23, 0, 0, 0)}
        assert zf.namelist()[0] == "[Content_Types].xml"
        core = zf.read("docProps/core.xml").decode()
    assert core.count("2026-11-23T00:00:00Z") == 2  # created and modified: the view's date, not now
    wb = workbook(city_xlsx["internal"])
    assert wb.properties.creator == "quanli"


def test_outputs_are_identical_in_another_process(city, city_xlsx):
    code = ("import sys, hashlib; from pathlib import Path; from quanli.loader.catalogue import load_catalogue;"
            "from quanli.render.view import build_view; from quanli.render import table;"
            f"v = build_view(load_catalogue(Path({str(CITY)!r})), 'internal', {DATE!r});"
            "print(hashlib.sha256(table.xlsx_bytes(v)).hexdigest(), hashlib.sha256(table.html(v).encode()).hexdigest(),"
            " hashlib.sha256(table.csv_bytes(v)).hexdigest())")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout.split()
    import hashlib

    view = city["internal"]
    assert out == [hashlib.sha256(city_xlsx["internal"]).hexdigest(), hashlib.sha256(table.html(view).encode()).hexdigest(),
                   hashlib.sha256(table.csv_bytes(view)).hexdigest()]


def test_empty_view_still_gives_a_table():
    view = make_view([])
    ws = workbook(table.xlsx_bytes(view)).worksheets[0]
    assert ws["A4"].value == "（本目录暂无事项）"
    assert "本目录暂无事项" in table.html(view)
    assert table.csv_bytes(view).decode("utf-8-sig").count("\r\n") == 1


# ---------------------------------------------------------------- CSV

def test_csv_bom_crlf_and_rows(city):
    view = city["internal"]
    data = table.csv_bytes(view)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # no bare LF outside quoted cells here
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(table.HEADERS)
    ordered = [item for _, items in view.categories for item in items]
    assert len(rows) - 1 == len(ordered)
    for k, (row, item) in enumerate(zip(rows[1:], ordered), 1):
        assert row == [str(k)] + [getattr(item, f) for f in FIELDS]


def test_csv_neutralises_formula_cells():
    rows = list(csv.reader(io.StringIO(table.csv_bytes(nasty_view()).decode("utf-8-sig"), newline="")))
    assert [r[1] for r in rows[1:]] == ["'" + n for n in NASTY]
    assert {r[9] for r in rows[1:]} == {"'+86 收费"} and {r[7] for r in rows[1:]} == {"'@门户网站"}
    assert table.neutralise("\tx") == "'\tx" and table.neutralise("\rx") == "'\rx" and table.neutralise("正常") == "正常"


def test_csv_multiline_cell_round_trips():
    item = make_item("T-XK-001", "甲", fee="第一行\n第二行, 含逗号")
    rows = list(csv.reader(io.StringIO(table.csv_bytes(make_view([item])).decode("utf-8-sig"), newline="")))
    assert rows[1][9] == "第一行\n第二行, 含逗号"


# ---------------------------------------------------------------- HTML

class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.rows: list[tuple[str, list[str]]] = []  # (class, cell texts)
        self.text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._class = ""
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self.tables += 1
        if tag == "tr":
            self._row, self._class = [], attrs.get("class") or ""
        if tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append((self._class, self._row))
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse(markup: str) -> Page:
    page = Page()
    page.feed(markup)
    page.close()
    return page


def test_html_table_rows_groups_and_values(city):
    view = city["public"]
    page = parse(table.html(view))
    items = [cells for cls, cells in page.rows if cls == "item"]
    groups = [cells[0] for cls, cells in page.rows if cls == "group"]
    assert len(items) == len(view.items)
    assert groups == [f"{table.cn_number(i)}、{c}（{len(x)}项）" for i, (c, x) in enumerate(view.categories, 1)]
    ordered = [item for _, its in view.categories for item in its]
    for k, (cells, item) in enumerate(zip(items, ordered), 1):
        assert cells == [str(k)] + [getattr(item, f) for f in FIELDS]
    header = next(cells for cls, cells in page.rows if cls == "")
    assert header == list(table.HEADERS)
    assert page.tables == 1


def test_html_is_standalone_and_printable(city):
    markup = table.html(city["public"])
    page = parse(markup)
    assert markup.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in markup
    tags = {t for t, _ in page.tags}
    assert "link" not in tags and "script" not in tags and "img" not in tags
    assert not re.search(r"(src|href)\s*=|url\(|@import", markup)  # nothing fetched
    assert '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun, sans-serif' in markup
    assert "size: A4 landscape" in markup and "display: table-header-group" in markup
    assert "<thead>" in markup
    assert "示例市人民政府办公室行政权力目录" in "".join(page.text)
    assert "内部资料" not in markup


def test_html_internal_banner_and_confidential_table(city):
    view = city["internal"]
    markup = table.html(view)
    page = parse(markup)
    assert "内部资料 不得公开" in "".join(page.text)
    assert page.tables == 2
    conf_rows = [cells for cls, cells in page.rows if cls == "item"][len(view.items):]
    assert [r[1] for r in conf_rows] == [i.name for i in view.confidential]
    assert [r[3] for r in conf_rows] == [i.reason for i in view.confidential]
    assert "涉密不宜公开权力目录" in markup
    assert table.confidential_fragment(city["public"]) == ""


def test_html_escapes_catalogue_text():
    item = make_item("T-XK-001", '<script>alert("x")</script>', department="<b>审批科</b>", forms='" onmouseover="x')
    for markup in (table.html(make_view([item])), table.table_fragment(make_view([item]))):
        page = parse(markup)
        assert "script" not in {t for t, _ in page.tags} and "b" not in {t for t, _ in page.tags}
        assert not any("onmouseover" in attrs for _, attrs in page.tags)
        cells = next(cells for cls, cells in page.rows if cls == "item")
        assert cells[1] == '<script>alert("x")</script>' and cells[5] == "<b>审批科</b>"
        assert "&lt;script&gt;" in markup


def test_table_fragment_is_the_table_of_the_page(city):
    view = city["internal"]
    fragment = table.table_fragment(view)
    assert fragment.startswith('<table class="quanli-table">') and fragment.endswith("</table>")
    assert fragment.count("<table") == 1
    assert fragment in table.html(view)
    widths = [float(w) for w in re.findall(r'<col style="width:([\d.]+)%">', fragment)]
    assert len(widths) == 12 and abs(sum(widths) - 100) < 1


def test_county_catalogue_renders_in_every_format():
    view = build_view(load_catalogue(COUNTY), "public", DATE)
    ws = workbook(table.xlsx_bytes(view)).worksheets[0]
    names = [ws.cell(n, 2).value for n, v in sheet_rows(ws) if isinstance(v[0], int)]
    assert names == [i.name for _, its in view.categories for i in its]
    assert len(parse(table.html(view)).rows) == 1 + len(view.categories) + len(view.items)
    assert len(list(csv.reader(io.StringIO(table.csv_bytes(view).decode("utf-8-sig"), newline="")))) == 1 + len(view.items)


def test_many_items_stay_within_the_width_budget_and_all_rows_are_written():
    items = [make_item(f"T-XK-{k:04d}", f"事项{k}" + "很长的名称" * (k % 7), fee="收费标准" * (k % 5))
             for k in range(1, 601)]  # more rows than the width sample
    view = make_view(items)
    ws = workbook(table.xlsx_bytes(view)).worksheets[0]
    widths = [ws.column_dimensions[chr(ord("A") + k)].width for k in range(12)]
    assert sum(widths) <= table.TABLE_WIDTH
    numbers = [v[0] for _, v in sheet_rows(ws) if isinstance(v[0], int)]
    assert numbers == list(range(1, 601))


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_xlsx_fast_rows_are_the_bytes_openpyxl_writes(monkeypatch, audience):
    """Item rows are written as ready XML, not cell by cell through openpyxl: the workbook
    must be the same bytes, whatever the text holds (markup, formulas, edge spaces, NEL, empty cells)."""
    texts = ["a&b<c>\"d'", " 前后有空格 ", "=1+1", "+86 20", "@home", "-", "中文\n第二行\t制表", "x\x85y\u00a0z", ""]
    items = [make_item(f"T-XK-{i:03d}", f"事项{t or '空'}{i}", consult=t, location=t, conditions=[t, t] if t else []) for i, t in enumerate(texts)]
    secret = [make_item("T-XK-900", "涉密事项 & <甲>", public=False)]
    view = lambda: make_view(items, audience, secret if audience == "internal" else None)  # noqa: E731
    monkeypatch.setattr(table, "FAST_ROWS", False)
    reference = table.xlsx_bytes(view())
    monkeypatch.setattr(table, "FAST_ROWS", True)
    assert table.xlsx_bytes(view()) == reference
    for catalogue in ("county-amr", "city-gov-office"):
        data = load_catalogue(Path(__file__).resolve().parents[1] / "catalogs" / catalogue)
        monkeypatch.setattr(table, "FAST_ROWS", False)
        reference = table.xlsx_bytes(build_view(data, audience, DATE))
        monkeypatch.setattr(table, "FAST_ROWS", True)
        assert table.xlsx_bytes(build_view(data, audience, DATE)) == reference


def test_xlsx_falls_back_to_openpyxl_cells_if_the_sheet_is_not_laid_out_as_expected(monkeypatch, city):
    reference = table.xlsx_bytes(city["public"], fast=False)
    monkeypatch.setattr(table, "SHEET_DATA", b"<sheetData/>")  # as if openpyxl wrote an empty sheet another way
    assert table.xlsx_bytes(city["public"]) == reference
