"""migrate.xlsxrows reads a sheet's values exactly as openpyxl's full reader does (the reader import
used before), and the import through it finds the same table."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from quanli.migrate import xlsxrows
from quanli.migrate.tables import _read_xlsx_fast, read_xlsx


def full_rows(raw: bytes, title: str):
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=False, data_only=True)
    ws = book[title]
    return [list(r) for r in ws.iter_rows(min_row=1, values_only=True)], sorted(
        (m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges
    )


def fast_rows(raw: bytes, title: str):
    from quanli.migrate.tables import _no_sheet_sizes

    with _no_sheet_sizes():
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    got = xlsxrows.sheet_rows(book, book[title])
    assert got is not None
    return got[0], sorted(got[1])


def saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def awkward_book(epoch=None, write_only=False) -> bytes:
    book = openpyxl.Workbook(write_only=write_only)
    if epoch is not None:
        book.epoch = epoch
    ws = book.create_sheet("事项") if write_only else book.active
    if not write_only:
        ws.title = "事项"
    rows = [
        ["事项编号", "事项名称", "数量", "金额", "日期", "时刻", "是否", "错误", None, "公式"],
        [
            "XK-001",
            "  前后有空格  ",
            3,
            2.5,
            dt.datetime(2024, 2, 29, 8, 30),
            dt.time(9, 15),
            True,
            "#N/A",
            None,
            "=1+1",
        ],
        ["XK-002", "多行\n文字", -7, 1e-7, dt.date(1900, 3, 1), dt.timedelta(hours=36), False, None, "", None],
        [None, None, None, None, None, None, None, None, None, None],
        ["XK-003", "'引号'", 10**15, 0.1, None, None, None, None, "末列", None],
    ]
    for row in rows:
        ws.append(row)
    if not write_only:
        ws["D2"].number_format = "yyyy-mm-dd"  # a number shown as a date is read as a date
        ws["C5"].number_format = "0.00%"
        ws["L8"] = "远处的单元格"  # past the last row and column: the padding grows
        ws["B12"].number_format = "@"  # a styled empty cell counts towards the size, as in openpyxl
        ws.merge_cells("A6:A8")
        ws["A6"] = "纵向合并"
        ws.merge_cells("B6:D6")
        ws["B6"] = "横向合并"
        second = book.create_sheet("说明")
        second.append(["这是说明页"])
    return saved(book)


@pytest.mark.parametrize(
    "kind", ["shared strings", "1904 dates", "write-only (inline strings)", "empty sheet", "rich text"]
)
def test_the_rows_are_openpyxls_rows(kind):
    if kind == "shared strings":
        raw = awkward_book()
    elif kind == "1904 dates":
        raw = awkward_book(epoch=CALENDAR_MAC_1904)
    elif kind == "write-only (inline strings)":
        raw = awkward_book(write_only=True)
    elif kind == "empty sheet":
        book = openpyxl.Workbook()
        book.active.title = "事项"
        raw = saved(book)
    else:
        from openpyxl.cell.rich_text import CellRichText, TextBlock
        from openpyxl.cell.text import InlineFont

        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "事项"
        ws["A1"] = CellRichText(["前半", TextBlock(InlineFont(b=True), "加粗"), "后半"])
        ws["A2"] = "普通"
        raw = saved(book)
    assert fast_rows(raw, "事项") == full_rows(raw, "事项")
    if kind == "shared strings":
        assert fast_rows(raw, "说明") == full_rows(raw, "说明")


def test_covered_cells_of_a_merge_are_empty_even_if_the_file_holds_values():
    """openpyxl empties every cell of a merged range but its top-left; a file may hold values there."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "事项"
    for r in range(1, 4):
        ws.append([f"a{r}", f"b{r}", f"c{r}"])
    raw = saved(book)
    import zipfile

    zin = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells>'
                )
            zout.writestr(info, data)
    raw = out.getvalue()
    assert fast_rows(raw, "事项") == full_rows(raw, "事项")
    assert fast_rows(raw, "事项")[0][0] == ["a1", None, "c1"]


def test_the_import_reads_the_same_table_either_way(tmp_path):
    raw = awkward_book()
    path = tmp_path / "t.xlsx"
    path.write_bytes(raw)
    known = lambda header: header in ("事项编号", "事项名称")  # noqa: E731
    fast = _read_xlsx_fast(raw, path, None, known)
    assert fast is not None and fast.sheet == "事项"
    import quanli.migrate.tables as tables

    slow_table = None
    saved_fast = tables._read_xlsx_fast
    try:
        tables._read_xlsx_fast = lambda *a: None  # the openpyxl path alone
        slow_table = read_xlsx(path, None, known)
    finally:
        tables._read_xlsx_fast = saved_fast
    assert [(r.row, r.values, r.where) for r in fast.records] == [
        (r.row, r.values, r.where) for r in slow_table.records
    ]
    assert fast.headers == slow_table.headers and len(fast.records) >= 4


def test_what_it_cannot_vouch_for_goes_to_openpyxl():
    book = openpyxl.Workbook()
    book.active.append(["x"])
    raw = saved(book)
    ro = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
    ws = ro.worksheets[0]
    del ws._worksheet_path  # openpyxl's private names changed: no guessing
    assert xlsxrows.sheet_rows(ro, ws) is None
