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
CITY_AMR = ROOT / "catalogs" / "city-amr"
DATE = "2026-11-23"
# the full table (CSV), after 序号: what each column shows of an item
FIELDS = [
    lambda i: i.name,
    table.code_text,
    lambda i: i.category,
    lambda i: i.basis_text,
    lambda i: i.subject,
    lambda i: i.department,
    lambda i: i.scope,
    lambda i: i.forms,
    lambda i: i.timing,
    lambda i: i.fee_brief or i.fee,
    table.limits_text,
    lambda i: i.contact_text,
]
FEE = table.HEADERS.index("收费依据和标准")
FORMS = table.HEADERS.index("公开形式")


@pytest.fixture(scope="module")
def city():
    catalogue = load_catalogue(CITY)
    return {aud: build_view(catalogue, aud, DATE) for aud in ("public", "internal")}


@pytest.fixture(scope="module")
def city_xlsx(city):
    return {aud: table.xlsx_bytes(view) for aud, view in city.items()}


def make_item(ident: str, name: str, category: str = "行政许可", public: bool = True, **extra) -> ItemView:
    data = dict(
        id=ident,
        name=name,
        category=category,
        subject="测试县生态环境局",
        department="审批科",
        level="县级",
        basis=[LawRef("《中华人民共和国行政许可法》", "第二十九条", "设定依据", "")],
        conditions=[],
        materials=[],
        statutory="20 个工作日",
        promised="10 个工作日",
        time_note="",
        special_procedures=[],
        fee="不收费",
        scope="社会公开" if public else "不予公开",
        forms="门户网站",
        timing="长期公开",
        reason="" if public else "涉及国家秘密",
        consult="0519-82101004",
        complaint="0519-82101099",
        location="",
        hours="",
        remedy=[],
        penalty=[],
        discretion=[],
        responsibilities=[],
        accountability=[],
        flow_id="XK-TY",
        public=public,
    )
    data.update(extra)
    return ItemView(**data)


def make_view(
    items: list[ItemView], audience: str = "public", confidential: list[ItemView] | None = None, **extra
) -> CatalogueView:
    groups: dict[str, list[ItemView]] = {}
    for item in items:
        groups.setdefault(item.category, []).append(item)
    data = dict(
        audience=audience,
        unit="测试县生态环境局",
        title="行政权力目录",
        version="2026 版",
        date=DATE,
        items=items,
        categories=list(groups.items()),
        confidential=confidential or [],
    )
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


def headers_of(ws) -> list[str]:
    return [str(c.value).replace("\n", "") for c in ws[3]]


def widths_of(ws) -> list[float]:
    from openpyxl.utils import get_column_letter

    return [ws.column_dimensions[get_column_letter(k)].width for k in range(1, ws.max_column + 1)]


def layout_cells(view) -> list[list]:
    """What the XLSX and HTML show of each item after 序号 (empty cells as None)."""
    return [[c or None for c in row[1:]] for row in table.print_layout(view).rows]


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
    # no item of this unit has a code: the 基本编码 column is left off the paper
    assert [h.replace("\n", "") for h in headers] == [
        "序号",
        "项目名称",
        "类别",
        "行使依据",
        "实施主体",
        "承办机构",
        "公开范围",
        "公开形式",
        "公开时限",
        "收费依据和标准",
        "法定/承诺办结时限",
        "咨询/投诉电话",
    ]
    assert all(c.font.b for c in ws[3])
    # a long header in a narrow column is broken where a reader expects, never mid-word
    for header in headers:
        assert "\n" not in header or header in ("收费依据\n和标准", "法定/承诺\n办结时限", "咨询/投诉\n电话")


def test_xlsx_rows_grouped_with_counts_and_values_in_place(city, city_xlsx):
    for audience in ("public", "internal"):
        view = city[audience]
        ws = workbook(city_xlsx[audience]).worksheets[0]
        rows = sheet_rows(ws)
        expected_groups = [
            f"{table.cn_number(i)}、{cat}（{len(items)}项）" for i, (cat, items) in enumerate(view.categories, 1)
        ]
        group_rows = [(n, v[0]) for n, v in rows if isinstance(v[0], str)]
        assert [label for _, label in group_rows] == expected_groups
        for n, _ in group_rows:
            assert f"A{n}:L{n}" in merged(ws)
        item_rows = [v for _, v in rows if isinstance(v[0], int)]
        assert len(item_rows) == len(view.items) == sum(len(items) for _, items in view.categories)
        assert [v[0] for v in item_rows] == list(range(1, len(view.items) + 1))  # 序号 through the whole table
        assert [values[1:] for values in item_rows] == layout_cells(view)
        # each group row precedes exactly its items
        position = {label: k for k, (_, label) in enumerate(group_rows)}
        assert len(position) == len(view.categories)


def test_xlsx_group_label_example():
    view = make_view(
        [
            make_item("T-XK-001", "甲"),
            make_item("T-XK-002", "乙"),
            make_item("T-XK-003", "丙"),
            make_item("T-CF-001", "丁", category="行政处罚"),
        ]
    )
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
            assert ws.page_margins.left == ws.page_margins.right == 0.4
            assert ws.page_margins.top == ws.page_margins.bottom == 0.5
            assert ws.page_margins.footer == 0.25
            assert ws.freeze_panes in ("C4", "A4")
            assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
            if audience == "internal":
                assert ws.oddHeader.right.text == "内部资料"
            else:
                assert not ws.oddHeader.right.text
    assert workbook(city_xlsx["public"]).worksheets[0].freeze_panes == "C4"


def test_xlsx_widths_and_row_heights(city, city_xlsx):
    ws = workbook(city_xlsx["internal"]).worksheets[0]
    widths = widths_of(ws)
    assert len(widths) == 12 and all(5 <= w <= 34 for w in widths)
    assert sum(widths) <= table.TABLE_WIDTH
    assert widths[1] >= 16  # 项目名称: 8 characters a line at least
    assert all(w * 2 == int(w * 2) for w in widths)  # whole half units: the widths the heights were worked out for
    for n, values in sheet_rows(ws):
        if isinstance(values[0], int):  # every text fits the estimated height
            assert all(ws.cell(n, k).alignment.wrap_text for k in range(2, 13))
            lines = max(table.wrapped_lines(v, w) for v, w in zip(values[1:], widths[1:]) if v)
            assert ws.row_dimensions[n].height >= lines * table.ROW_LINE_PT
            breaks = max(str(v).count("\n") + 1 for v in values if v)
            assert ws.row_dimensions[n].height >= breaks * table.LINE_PT  # LibreOffice's taller lines


def test_wrapped_lines():
    assert table.wrapped_lines("社会公开", 9) == 1
    assert table.wrapped_lines("一二三四五六七八九十", 10) == 2
    assert table.wrapped_lines("甲\n乙\n丙", 20) == 3
    assert table.wrapped_lines("jiwei@shili.example.gov.cn", 10) == 4  # a long word is cut (8 Latin characters a line)
    assert table.wrapped_lines("电话 jiwei@shili.cn", 20) == 2  # a word moves down whole
    assert table.wrapped_lines("电话 jiwei@shili.example.gov.cn", 24) == 3  # … then is cut
    long = "法定：20 个工作日（能够当场答复的当场答复；不能当场答复的自收到申请之日起20个工作日内答复）"
    assert table.wrapped_lines(long, 12) > table.wrapped_lines(long, 24) > 1


def test_cn_number():
    assert [table.cn_number(n) for n in (1, 9, 10, 11, 20, 21, 99, 100, 105, 110)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
        "一百",
        "一百零五",
        "一百一十",
    ]


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
    for cell in names.values():
        assert cell.data_type == "s"
        assert cell.quotePrefix
    fee, forms = headers_of(ws).index("收费依据和标准") + 1, headers_of(ws).index("公开形式") + 1
    for n in range(5, 5 + len(NASTY)):
        assert ws.cell(n, fee).value == "+86 收费" and ws.cell(n, fee).data_type == "s"
        assert ws.cell(n, forms).value == "@门户网站" and ws.cell(n, forms).data_type == "s"
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
    assert workbook(table.xlsx_bytes(make_view([make_item("T-XK-001", "甲")], "internal"))).sheetnames == [
        "行政权力目录"
    ]


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
    code = (
        "import sys, hashlib; from pathlib import Path; from quanli.loader.catalogue import load_catalogue;"
        "from quanli.render.view import build_view; from quanli.render import table;"
        f"v = build_view(load_catalogue(Path({str(CITY)!r})), 'internal', {DATE!r});"
        "print(hashlib.sha256(table.xlsx_bytes(v)).hexdigest(), hashlib.sha256(table.html(v).encode()).hexdigest(),"
        " hashlib.sha256(table.csv_bytes(v)).hexdigest())"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    import hashlib

    view = city["internal"]
    assert out == [
        hashlib.sha256(city_xlsx["internal"]).hexdigest(),
        hashlib.sha256(table.html(view).encode()).hexdigest(),
        hashlib.sha256(table.csv_bytes(view)).hexdigest(),
    ]


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
    rows = list(csv.reader(io.StringIO(text, newline="")))
    # every record ends in CRLF; a bare LF is only a line break inside a quoted cell (法定…\n承诺…)
    assert text.count("\r\n") == len(rows) and text.endswith("\r\n")
    assert rows[0] == list(table.HEADERS)
    ordered = [item for _, items in view.categories for item in items]
    assert len(rows) - 1 == len(ordered)
    for k, (row, item) in enumerate(zip(rows[1:], ordered), 1):
        assert row == [str(k)] + [f(item) for f in FIELDS]


def test_csv_neutralises_formula_cells():
    rows = list(csv.reader(io.StringIO(table.csv_bytes(nasty_view()).decode("utf-8-sig"), newline="")))
    assert [r[1] for r in rows[1:]] == ["'" + n for n in NASTY]
    assert {r[FEE] for r in rows[1:]} == {"'+86 收费"} and {r[FORMS] for r in rows[1:]} == {"'@门户网站"}
    assert (
        table.neutralise("\tx") == "'\tx" and table.neutralise("\rx") == "'\rx" and table.neutralise("正常") == "正常"
    )


def test_csv_multiline_cell_round_trips():
    item = make_item("T-XK-001", "甲", fee="第一行\n第二行, 含逗号")
    rows = list(csv.reader(io.StringIO(table.csv_bytes(make_view([item])).decode("utf-8-sig"), newline="")))
    assert rows[1][FEE] == "第一行\n第二行, 含逗号"


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
    # the table as the XLSX shows it: the same columns, the shared channels said once in the caption
    layout = table.print_layout(view)
    assert [cells for cells in items] == layout.rows
    header = next(cells for cls, cells in page.rows if cls == "")
    assert header == [c.header for c in layout.columns]
    assert page.tables == 1
    assert f"<caption>{layout.note}</caption>" in table.table_fragment(view)


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
    conf_rows = [cells for cls, cells in page.rows if cls == "item"][len(view.items) :]
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
    assert len(widths) == len(table.print_layout(view).columns) and abs(sum(widths) - 100) < 1


def test_county_catalogue_renders_in_every_format():
    view = build_view(load_catalogue(COUNTY), "public", DATE)
    ws = workbook(table.xlsx_bytes(view)).worksheets[0]
    names = [ws.cell(n, 2).value for n, v in sheet_rows(ws) if isinstance(v[0], int)]
    assert names == [i.name for _, its in view.categories for i in its]
    assert len(parse(table.html(view)).rows) == 1 + len(view.categories) + len(view.items)
    assert len(list(csv.reader(io.StringIO(table.csv_bytes(view).decode("utf-8-sig"), newline="")))) == 1 + len(
        view.items
    )


def test_many_items_stay_within_the_width_budget_and_all_rows_are_written():
    items = [
        make_item(f"T-XK-{k:04d}", f"事项{k}" + "很长的名称" * (k % 7), fee="收费标准" * (k % 5)) for k in range(1, 601)
    ]  # more rows than the width sample
    view = make_view(items)
    ws = workbook(table.xlsx_bytes(view)).worksheets[0]
    assert sum(widths_of(ws)) <= table.TABLE_WIDTH
    numbers = [v[0] for _, v in sheet_rows(ws) if isinstance(v[0], int)]
    assert numbers == list(range(1, 601))


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_xlsx_fast_rows_are_the_bytes_openpyxl_writes(monkeypatch, audience):
    """Item rows are written as ready XML, not cell by cell through openpyxl: the workbook
    must be the same bytes, whatever the text holds (markup, formulas, edge spaces, NEL, empty cells)."""
    texts = ["a&b<c>\"d'", " 前后有空格 ", "=1+1", "+86 20", "@home", "-", "中文\n第二行\t制表", "x\x85y\u00a0z", ""]
    items = [
        make_item(f"T-XK-{i:03d}", f"事项{t or '空'}{i}", consult=t, location=t, conditions=[t, t] if t else [])
        for i, t in enumerate(texts)
    ]
    secret = [make_item("T-XK-900", "涉密事项 & <甲>", public=False)]
    view = lambda: make_view(items, audience, secret if audience == "internal" else None)  # noqa: E731
    monkeypatch.setattr(table.xlsx, "FAST_ROWS", False)
    reference = table.xlsx_bytes(view())
    monkeypatch.setattr(table.xlsx, "FAST_ROWS", True)
    assert table.xlsx_bytes(view()) == reference
    for catalogue in ("county-amr", "city-gov-office"):
        data = load_catalogue(Path(__file__).resolve().parents[1] / "catalogs" / catalogue)
        monkeypatch.setattr(table.xlsx, "FAST_ROWS", False)
        reference = table.xlsx_bytes(build_view(data, audience, DATE))
        monkeypatch.setattr(table.xlsx, "FAST_ROWS", True)
        assert table.xlsx_bytes(build_view(data, audience, DATE)) == reference


def test_xlsx_falls_back_to_openpyxl_cells_if_the_sheet_is_not_laid_out_as_expected(monkeypatch, city):
    reference = table.xlsx_bytes(city["public"], fast=False)
    monkeypatch.setattr(
        table.xlsxrows, "SHEET_DATA", b"<sheetData/>"
    )  # as if openpyxl wrote an empty sheet another way
    assert table.xlsx_bytes(city["public"]) == reference


# ---------------------------------------------------------------- what a clerk prints (issue 25)

A4_LONG, A4_SHORT = 841.89, 595.28  # points
EXCEL_DIGIT_PX = 7  # a width unit in Excel: a digit of the default font (Arial 10 or Calibri 11), plus 5 px a column


def pages(ws) -> tuple[float, int]:
    """(the rows' height in pages, the pages they are printed on) as Excel prints ``ws``: fitted
    to the page's width, the header row repeated on every page, a row never split."""
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    m = ws.page_margins
    table_pt = sum((w * EXCEL_DIGIT_PX + 5) * 0.75 for w in widths_of(ws))
    scale = min(1.0, (A4_LONG - 72 * (m.left + m.right)) / table_pt)
    page = (A4_SHORT - 72 * (m.top + m.bottom)) / scale  # in the sheet's points
    heights = [ws.row_dimensions[r].height for r in range(1, ws.max_row + 1)]
    repeated = heights[2]  # print_title_rows: row 3
    count, used = 1, 0.0
    for h in heights:
        if used + h > page:
            count, used = count + 1, repeated
        used += h
    return sum(heights) / page, count


@pytest.fixture(scope="module")
def county_ws():
    view = build_view(load_catalogue(COUNTY), "public", DATE)
    return view, workbook(table.xlsx_bytes(view)).worksheets[0]


def test_code_column_holds_the_basic_codes(county_ws):
    view, ws = county_ws
    headers = headers_of(ws)
    assert headers[:3] == ["序号", "项目名称", "基本编码"]
    codes = {v[1]: v[2] for _, v in sheet_rows(ws) if isinstance(v[0], int)}
    assert codes["食品经营许可（新办）"] == "000122101000"
    given = {i.name: i.code_basic for i in view.items if i.code_basic}
    assert len(given) >= 4 and {n: codes[n] for n in given} == given
    assert all(c is None or re.fullmatch(r"\d{12}", c) for c in codes.values())
    # twelve digits on one line: the column is wide enough for them wherever the text is set in DejaVu Sans
    assert widths_of(ws)[2] >= 12 * table.LATIN_UNITS + 1
    col = table.COLUMNS[[c.header for c in table.COLUMNS].index("基本编码")]
    # an item without a basic code shows what codes it has, named
    assert (
        col.value(make_item("T-XK-001", "甲", code_impl="11440000006939991B2440910000001"))
        == "实施编码：11440000006939991B2440910000001"
    )
    assert col.value(make_item("T-XK-001", "甲", code_basic="440910000001", code_impl="1144…")) == "440910000001"


def test_workspace_table_has_the_code_column_too():
    from quanli.render import combined

    members = []
    for path in (CITY_AMR, COUNTY):
        v = build_view(load_catalogue(path), "public", DATE)
        members.append(combined.MemberView(path.name, path.name, v.unit, "", "", v, {}))
    view = combined.combined_view("示例汇编", "public", members)
    ws = workbook(table.xlsx_bytes(view)).worksheets[0]
    assert headers_of(ws)[:4] == ["序号", "单位", "项目名称", "基本编码"]
    assert "000122101000" in [v[3] for _, v in sheet_rows(ws) if isinstance(v[0], int)]
    # grouped by unit: what every item of a unit gives is said after its heading
    groups = [v[0] for _, v in sheet_rows(ws) if isinstance(v[0], str)]
    assert groups[1].startswith(
        "二、示例县市场监督管理局（28项）　本单位各事项共用的投诉渠道：0519-82301099；12315 市场监管投诉举报热线"
    )
    cells = [v[-1] for _, v in sheet_rows(ws) if isinstance(v[0], int)]
    assert not any("0519-82301099" in (c or "") for c in cells)


def test_row_heights_follow_the_content():
    short = make_item("T-XK-001", "甲", basis=[], forms="", timing="", fee="")
    long = make_item(
        "T-XK-002",
        "对在产品中掺杂、掺假，以假充真，以次充好或者以不合格产品冒充合格产品的行政处罚",
        basis=[
            LawRef(f"《中华人民共和国{law}》", "第三十二条第一款", "", "")
            for law in ("产品质量法", "食品安全法", "行政处罚法", "行政强制法", "广告法", "反不正当竞争法")
        ],
    )
    ws = workbook(table.xlsx_bytes(make_view([short, long]))).worksheets[0]
    heights = {v[1]: ws.row_dimensions[n].height for n, v in sheet_rows(ws) if isinstance(v[0], int)}
    assert heights["甲"] <= 40  # one or two lines
    assert heights[long.name] >= 2.5 * heights["甲"]


def test_sample_table_prints_on_few_pages(county_ws):
    view, ws = county_ws
    assert len(view.items) == 28
    heights = [ws.row_dimensions[n].height for n, v in sheet_rows(ws) if isinstance(v[0], int)]
    assert max(heights) >= 1.8 * min(heights)  # each row as high as its content, not one height for all
    content, printed = pages(ws)
    assert content <= 3.5 and printed <= 4  # 28 items took 10 pages (7 in LibreOffice) at 173 pt a row
    real_typical = make_view(
        [
            make_item(
                f"T-XK-{k:03d}",
                f"中小学地方课程教材初审第{k}项",
                basis=[],
                forms="",
                timing="",
                fee="",
                consult="020-37628755",
                complaint=f"020-3762{k:04d}",
            )
            for k in range(1, 101)
        ]
    )
    ws2 = workbook(table.xlsx_bytes(real_typical)).worksheets[0]
    assert pages(ws2)[1] <= 100 / 10  # at least ten items a page of the short items a real list has


def test_contact_cells_say_each_number_once():
    number = re.compile(r"(?<![\d-])\d[\d-]{3,}\d(?![\d-])")
    views = [
        build_view(load_catalogue(path), aud, DATE)
        for path in (COUNTY, CITY, CITY_AMR)
        for aud in ("public", "internal")
    ]
    for view in views:
        for item in view.items:
            for text in (item.contact_text, item.complaint):
                found = number.findall(text)
                assert len(found) == len(set(found)), text
        ws = workbook(table.xlsx_bytes(view)).worksheets[0]
        col = next((k for k, h in enumerate(headers_of(ws)) if h in ("咨询/投诉电话", "咨询电话", "投诉电话")), None)
        cells = [v[col] for _, v in sheet_rows(ws) if isinstance(v[0], int)] if col is not None else []
        for text in cells + [ws["A2"].value]:
            found = number.findall(text or "")
            assert len(found) == len(set(found)), text
    county = next(i for i in views[0].items if i.id == "SJ-XK-001")
    assert county.complaint == (
        "0519-82301099；12315 市场监管投诉举报热线；12345 政务服务便民热线；"
        "来信寄示例县人民路168号示例县市场监督管理局办公室；电子邮箱 jdts@amr.example.gov.cn"
    )


def test_channels_every_item_gives_are_said_once_under_the_title(county_ws):
    view, ws = county_ws
    note = ws["A2"].value.split("\n")
    assert note[0].startswith("版本：2026 版") and note[1].startswith(
        "各事项共用的投诉渠道：0519-82301099；12315 市场监管投诉举报热线"
    )
    assert ws.row_dimensions[2].height >= 2 * table.LINE_PT * table.META_SCALE
    assert headers_of(ws)[-1] == "咨询电话"  # the column keeps what differs: each item's consult number
    cells = [v[-1] for _, v in sheet_rows(ws) if isinstance(v[0], int)]
    assert cells[0] == "0519-82301003" and all(re.fullmatch(r"[\d-]+", c) for c in cells)
    # every item giving the same consult number and complaint channels: no column for them at all
    same = make_view([make_item("T-XK-001", "甲"), make_item("T-XK-002", "乙")])
    ws2 = workbook(table.xlsx_bytes(same)).worksheets[0]
    assert "咨询/投诉电话" not in headers_of(ws2) and "咨询电话" not in headers_of(ws2)
    assert ws2["A2"].value.endswith("各事项共用的咨询电话：0519-82101004；投诉渠道：0519-82101099")
    # the CSV keeps every item's channels whole
    rows = list(csv.reader(io.StringIO(table.csv_bytes(same).decode("utf-8-sig"), newline="")))
    assert rows[1][-1] == "咨询：0519-82101004\n投诉：0519-82101099"


def test_contact_text_composition():
    from quanli.render.view import channels, contact_text

    assert channels("0519-82301099；12315", "12315 市场监管投诉举报热线；12345 热线；12345") == [
        "0519-82301099",
        "12315 市场监管投诉举报热线",
        "12345 热线",
    ]
    assert channels("0519-82312315；12315") == ["0519-82312315", "12315"]  # a number inside another is another number
    assert contact_text("0999-1", "0999-2；来信") == "咨询：0999-1\n投诉：0999-2；来信"
    assert (
        contact_text("12315", "0999-9；12315 市场监管投诉举报热线")
        == "咨询、投诉：12315 市场监管投诉举报热线\n投诉：0999-9"
    )
    assert contact_text("0999-1", "0999-1") == "咨询、投诉：0999-1"
    assert contact_text("", "x") == "投诉：x" and contact_text("a", "") == "咨询：a" and contact_text("", "") == ""


def test_fee_cells_are_short_and_cite_the_article():
    from quanli.render.view import cite_only

    county = build_view(load_catalogue(COUNTY), "public", DATE)
    licence = next(i for i in county.items if i.id == "SJ-XK-001")
    assert licence.fee_brief == "不收费（《中华人民共和国行政许可法》第五十八条第一款）"
    assert "不得收取任何费用" in licence.fee  # the 一件 keeps the article's text
    city = build_view(load_catalogue(CITY), "internal", DATE)
    charged = next(i for i in city.items if i.id == "BGS-SF-001")
    assert charged.fee_brief == (
        "收费：按照《政府信息公开信息处理费管理办法》规定的按件计收或者按量计收标准执行"
        "（依据：政府信息公开条例第四十二条；《政府信息公开信息处理费管理办法》（国办函〔2020〕109号））"
    )
    for view in (county, city):
        ws = workbook(table.xlsx_bytes(view)).worksheets[0]
        k = headers_of(ws).index("收费依据和标准")
        for _, v in sheet_rows(ws):
            if isinstance(v[0], int) and v[k]:
                assert v[k].startswith(("不收费", "收费")) and "：行政机关" not in v[k] and len(v[k]) <= 90, v[k]
    assert cite_only("《甲法》第一条：不得收费；但是乙。") == "《甲法》第一条"
    assert cite_only("依照规定：不收") == "依照规定：不收"  # not a citation: kept as written


def test_limit_cells_give_the_days():
    item = make_item(
        "T-XK-001", "甲", statutory="10 个工作日（自受理申请之日起10个工作日内作出决定（含公示））", promised="即办"
    )
    assert table.limits_text(item) == "法定：10 个工作日\n承诺：即办"
    assert table.limits_text(make_item("T-XK-001", "甲", promised="")) == "法定：20 个工作日"


def test_an_empty_column_is_as_narrow_as_its_header(county_ws):
    view = make_view([make_item(f"T-XK-{k:03d}", f"事项{k}", forms="", timing="") for k in range(1, 4)])
    ws = workbook(table.xlsx_bytes(view)).worksheets[0]
    headers = headers_of(ws)
    widths = widths_of(ws)
    assert widths[headers.index("公开形式")] <= 6 and widths[headers.index("公开时限")] <= 6
    assert [c.value for c in ws[3]][headers.index("公开形式")] == "公开\n形式"


def test_default_font_is_arial_so_libreoffice_counts_widths_as_excel_does(county_ws):
    data = table.xlsx_bytes(county_ws[0])
    styles = members(data)["xl/styles.xml"]
    first = re.search(r"<fonts[^>]*><font>(.*?)</font>", styles).group(1)
    assert '<name val="Arial"/>' in first and '<sz val="10"/>' in first


def test_an_edit_that_changes_what_every_item_shares_rebuilds_every_row(cat, tmp_path):
    """What the table says once depends on all items: when one item stops sharing a channel,
    the other items' remembered rows must not be served as they were."""
    from test_build import all_files, build

    cat.item(ident="T-XK-002", name="第二个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    cat.item(
        ident="T-XK-002",
        name="第二个事项",
        contact={"consult_phone": "0519-82101005", "complaint_phone": "0519-82101099"},
    )
    assert build(cat.root, out).exit_code == 0
    fresh = tmp_path / "fresh"
    assert build(cat.root, fresh, "--no-cache").exit_code == 0
    got, want = all_files(out), all_files(fresh)
    for name in ("table/catalog.xlsx", "table/catalog.html", "table/catalog.csv"):
        assert got[name] == want[name], name
    ws = workbook(got["table/catalog.xlsx"]).worksheets[0]
    assert headers_of(ws)[-1] == "咨询电话" and "投诉渠道：0519-82101099" in ws["A2"].value
