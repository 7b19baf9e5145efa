"""``quanli export``: every item as one flat row (XLSX, CSV) or as its data (JSON).

Columns are the item fields (sub-fields of time limits, contacts, fees … each a column),
headed ``中文标题（path）``, only those some item uses. A cell holds text, a number, 是/否,
a list of texts one per line, or, for lists of objects (依据, 材料, 裁量基准) and for a
list entry that spans lines, compact JSON. ``quanli import`` reads such a file back to the
same items. Spreadsheet cells are always text or numbers, never formulas; CSV cells that
start with = + - @ get a leading ' (removed again on import).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from quanli.migrate.columns import export_header, export_paths

CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _get(item: dict, path: str) -> Any:
    head, _, rest = path.partition(".")
    value = item.get(head)
    if rest:
        return value.get(rest) if isinstance(value, dict) else None
    return value


def cell(value: Any) -> Any:
    """A field's value as one spreadsheet cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return value
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, str) and "\n" not in v and v == v.strip() and v for v in value)
    ):
        return "\n".join(value)
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def table(items: list[dict]) -> tuple[list[str], list[list[Any]]]:
    paths = [p for p in export_paths() if p in ("id", "name", "category") or any(_get(i, p) is not None for i in items)]
    rows = [[cell(_get(item, p)) for p in paths] for item in items]
    return [export_header(p) for p in paths], rows


def render(items: list[dict], fmt: str) -> bytes:
    if fmt == "json":
        return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    headers, rows = table(items)
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if v is None else _guard(v) for v in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    return _xlsx(headers, rows)


def _guard(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula; a text that already starts with ' before
    one of those characters gets one more, so that import, which takes one off, gives it back."""
    if isinstance(value, str) and (
        value.startswith(CSV_DANGEROUS) or (value[:1] == "'" and value[1:2] in CSV_DANGEROUS + ("'",))
    ):
        return "'" + value
    return value


XLSX_CELL_LIMIT = 32767


FAST_ROWS = True  # the body rows written by _rows_xml; False: by openpyxl, cell by cell (the tests compare the two)


def _xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    import datetime as dt
    import zipfile

    from openpyxl import Workbook
    from openpyxl.cell import Cell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    from quanli.render.bundle import rezip

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("事项")
    ws.freeze_panes = "C2"
    for n, header in enumerate(headers, 1):
        longest = max(
            [len(str(header))]
            + [
                max((len(line) for line in str(r[n - 1]).split("\n")), default=0)
                for r in rows[:200]
                if r[n - 1] is not None
            ]
        )
        ws.column_dimensions[get_column_letter(n)].width = max(8, min(60, longest * 1.6 + 2))
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    made: dict[tuple[bool, bool], Any] = {}  # (header, quoted) -> the style array cells of that kind share

    def text_cell(value: Any, font=None):
        text = isinstance(value, str)
        kind = (font is not None, text and value.startswith(("=", "+", "-", "@")))
        style = made.get(kind)
        if style is not None and text:  # the common case, without openpyxl's per-cell style lookups
            c = Cell(ws, row=1, column=1, style_array=style)
            c._value, c.data_type = value, "s"  # the text checked above (length, control characters)
            return c
        c = Cell(ws, row=1, column=1, value=value)
        if text:
            c.data_type = "s"  # never a formula, whatever the text
            if kind[1]:
                c.quotePrefix = True
        c.alignment = wrap
        if font is not None:
            c.font = font
        if text:
            made[kind] = c._style
        return c

    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from quanli.core.errors import QuanliError

    ws.append([text_cell(h, bold) for h in headers])
    for row in rows:
        for n, v in enumerate(row):
            if isinstance(v, str) and len(v) > XLSX_CELL_LIMIT:
                raise QuanliError(
                    f"事项 {row[0]} 的“{headers[n]}”有 {len(v)} 个字符，超过 Excel 单元格的上限 {XLSX_CELL_LIMIT}，"
                    "无法完整写入 XLSX；请改用 --format json 或 csv。",
                    f"item {row[0]}: '{headers[n]}' is longer than an Excel cell holds; use --format json or csv.",
                )
            bad = ILLEGAL_CHARACTERS_RE.search(v) if isinstance(v, str) else None
            if bad:  # an XLSX cannot hold it, and dropping it would not round-trip
                code = f"U+{ord(bad.group()):04X}"
                raise QuanliError(
                    f"事项 {row[0]} 的“{headers[n]}”含有控制字符 {code}，XLSX 无法保存它；"
                    "请删除这个字符（quanli validate 会指出它的位置），或改用 --format json 或 csv。",
                    f"item {row[0]}: '{headers[n]}' holds the control character {code}, which XLSX cannot "
                    "hold; delete it or use --format json or csv.",
                )
    plain = (
        FAST_ROWS
        and bool(rows)
        and all(
            v is None
            or (type(v) is str and v != "" and not v.startswith(("=", "+", "-", "@")))
            or (type(v) is int and abs(v) < 10**15)
            for row in rows
            for v in row
        )
    )
    if plain:  # the body style registered as openpyxl registers it for the first body cell it writes
        plain = text_cell("x").style_id == 2
    if not plain:  # large numbers, empty or quoted text: openpyxl writes each cell
        for row in rows:
            ws.append([text_cell(v) if v is not None else None for v in row])
    props = wb.properties
    props.created = props.modified = dt.datetime(2000, 1, 1)
    props.creator = props.lastModifiedBy = "quanli"
    props.title = "quanli export"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not wb.save(): that stamps the current time
    if not plain:
        return rezip(buf.getvalue(), 946684800)
    from quanli.render.bundle import write_package

    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(b"</sheetData>", _rows_xml(rows, len(headers)) + b"</sheetData>", 1)
    return write_package(members, 946684800)


def _rows_xml(rows: list[list[Any]], width: int) -> bytes:
    """The body rows (from row 2) as openpyxl's write-only sheet writes text cells of the body style
    (s="2", inline strings, ASCII with character references; xml:space="preserve" for text with
    space at either end; integers as numbers), ten times faster than a Cell object a value. tests/test_migrate.py holds
    the export to openpyxl's own bytes."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(n) for n in range(1, width + 1)]
    out = []
    for r, row in enumerate(rows, 2):
        out.append(f'<row r="{r}">')
        for letter, v in zip(letters, row):
            if v is None:
                continue
            if type(v) is int:  # as openpyxl writes a number ("%.16g": the integer itself below 10**15)
                out.append(f'<c r="{letter}{r}" s="2" t="n"><v>{v}</v></c>')
                continue
            text = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
            space = ' xml:space="preserve"' if v != v.strip() else ""
            out.append(f'<c r="{letter}{r}" s="2" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        out.append("</row>")
    return "".join(out).encode("ascii", "xmlcharrefreplace")
