"""The 一表 as an XLSX workbook: sheets, print setup and a deterministic package.

xlsx_bytes writes the catalogue table (and, internal only, the 《涉密不宜公开权力目录》) as
A4 landscape sheets, their rows through render.table.xlsxrows; save_workbook stamps the
properties with the catalogue's date, writes the CJK text as UTF-8 rather than character
references, splices the ready rows in and packs the members with fixed times
(bundle.write_package). FAST_ROWS False writes every cell through openpyxl instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
import zipfile

from quanli.render.table.cells import (
    CONF_COLUMNS,
    CONF_HEADERS,
    CONFIDENTIAL_TITLE,
    INTERNAL_MARK,
    clean,
    date_text,
    group_label,
)
from quanli.render.table.layout import (
    _keyed,
    conf_heights,
    conf_rows,
    conf_widths,
    meta_text,
    print_heights,
    print_layout,
    print_widths,
)
from quanli.render.table.xlsxrows import _fill, _group_row, _header_row, _item_rows, _Styles, _title_rows
from quanli.render.view import CatalogueView

FOOTER = "第 &P 页，共 &N 页"


def _epoch(date: str) -> int:
    try:
        day = dt.date.fromisoformat(date)
    except (TypeError, ValueError):
        day = dt.date(1980, 1, 1)
    return calendar.timegm(max(day, dt.date(1980, 1, 1)).timetuple())


def _sheet_name(title: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", clean(title)).strip("' ")[:31] or "目录"
    while name in taken:
        name = (name[:29] + "_" + str(len(taken)))[:31]
    return name


def _setup_print(ws, view: CatalogueView, ncols: int, header_row: int, widths: list[float], footer_left: str) -> None:
    from openpyxl.utils import get_column_letter

    for k, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(k)].width = w
    ws.freeze_panes = f"C{header_row + 1}" if ncols > 4 else f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9
    ws.oddFooter.left.text = footer_left.replace("&", "&&")
    ws.oddFooter.left.size = 8
    if view.internal:
        ws.oddHeader.right.text = INTERNAL_MARK
        ws.oddHeader.right.size = 12
        ws.oddHeader.right.color = "C00000"


FAST_ROWS = True  # False: every cell through openpyxl (the reference the tests compare with)


def xlsx_bytes(view: CatalogueView, epoch: int | None = None, fast: bool | None = None) -> bytes:
    """The catalogue table as an XLSX workbook (bytes), deterministic for a given view; its
    members stamped with ``epoch`` (default: the catalogue's date)."""
    from openpyxl import Workbook

    fast = FAST_ROWS if fast is None else fast
    st = _Styles()
    raws: list[list[str] | None] = []  # per sheet, in order: its rows as ready XML (None: written by openpyxl)
    wb = Workbook(write_only=True)  # streams rows: fit for catalogues of 10,000 items
    _default_font(wb)
    taken: set[str] = set()
    heading = clean(view.heading)
    footer_left = (f"{heading}（{clean(view.version)}）" if view.version else heading)[:100]  # Excel: ≤ 255 in all

    # main sheet
    ws = wb.create_sheet(_sheet_name(view.title or "行政权力目录", taken))
    taken.add(ws.title)
    layout = print_layout(view)
    rows, widths, heights, columns = layout.rows, print_widths(view), print_heights(view), layout.columns
    _setup_print(ws, view, len(columns), 3, widths, footer_left)
    meta = clean(meta_text(view)) + (f"　　{INTERNAL_MARK} 不得公开" if view.internal else "")
    raws.append([] if fast else None)
    _title_rows(ws, heading, meta, len(columns), st, raws[0], layout.note, sum(widths))
    _header_row(ws, 3, tuple(c.header for c in columns), widths, st, raws[0])
    row, done = 4, 0
    for index, (category, items) in enumerate(view.categories, 1):
        label = group_label(index, clean(category), len(items))
        extra = layout.group_notes[index - 1] if layout.group_notes else ""
        _group_row(ws, row, f"{label}　{extra}" if extra else label, len(columns), st, raws[0], sum(widths))
        row = _item_rows(
            ws,
            row + 1,
            rows[done : done + len(items)],
            columns,
            heights[done : done + len(items)],
            st,
            raws[0],
            items,
            _keyed(view),
            "xlsx",
        )
        done += len(items)
    if not rows:
        _group_row(ws, row, "（本目录暂无事项）", len(columns), st, raws[0])

    # internal only: 《涉密不宜公开权力目录》
    if view.internal and view.confidential:
        ws2 = wb.create_sheet(_sheet_name(CONFIDENTIAL_TITLE, taken))
        taken.add(ws2.title)
        rows2, widths2 = conf_rows(view), conf_widths(view)
        title2 = f"{clean(view.unit)}{CONFIDENTIAL_TITLE}"
        _setup_print(ws2, view, len(CONF_COLUMNS), 3, widths2, f"{title2[:90]}（{INTERNAL_MARK}）")
        meta2 = "　　".join(
            p
            for p in (
                f"版本：{clean(view.version)}" if view.version else "",
                f"日期：{date_text(clean(view.date))}" if view.date else "",
                f"共 {len(view.confidential)} 项",
                f"{INTERNAL_MARK} 不得公开",
            )
            if p
        )
        raws.append([] if fast else None)
        _title_rows(ws2, title2, meta2, len(CONF_COLUMNS), st, raws[1])
        _header_row(ws2, 3, CONF_HEADERS, widths2, st, raws[1])
        _item_rows(
            ws2,
            4,
            rows2,
            CONF_COLUMNS,
            conf_heights(view),
            st,
            raws[1],
            view.confidential,
            view.remembered,
            "conf_xlsx",
        )

    try:
        return save_workbook(wb, view, heading, raws, epoch)
    except RuntimeError:  # another openpyxl lays rows out differently: every cell through it
        if not fast:
            raise
        return xlsx_bytes(view, epoch, fast=False)


def _default_font(wb) -> None:
    """Make the workbook's default font Arial 10, not openpyxl's Calibri 11. Column widths are
    counted in digits of the default font: both are 7 px a digit in Excel, so nothing changes
    there; but LibreOffice and WPS without Calibri take a wider font for it (DejaVu Sans: 9 px),
    print the table a quarter smaller and wrap differently from what the row heights were
    worked out for. Arial has a metric twin everywhere (Liberation Sans)."""
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    fonts = getattr(wb, "_fonts", None)
    if isinstance(fonts, IndexedList) and len(fonts) == 1:  # as a new workbook has it; else leave it be
        wb._fonts = IndexedList([Font(name="Arial", size=10, family=2)])


def save_workbook(wb, view: CatalogueView, heading: str, raws: list, epoch: int | None) -> bytes:
    """A workbook's bytes, deterministic: properties stamped with the catalogue's date, members
    with ``epoch`` (default: that date), ready rows spliced in (see _finish)."""
    from openpyxl.writer.excel import ExcelWriter

    moment = dt.datetime.fromtimestamp(_epoch(view.date), dt.timezone.utc).replace(tzinfo=None)
    props = wb.properties
    props.created = props.modified = moment
    props.creator = props.lastModifiedBy = "quanli"
    props.title = heading
    props.language = "zh-CN"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:  # compressed once, by _finish
        ExcelWriter(wb, archive).save()  # not wb.save(): that stamps the current time
    return _finish(buf.getvalue(), raws, _epoch(view.date) if epoch is None else epoch)


_CHAR_REF = re.compile(rb"&#(\d+);")
_UNREF: dict[bytes, bytes] = {}


def _unref(number: bytes) -> bytes:
    if number not in _UNREF:
        n = int(number)
        keep = n < 0xA0 or 0xD800 <= n <= 0xDFFF or n in (0xFFFE, 0xFFFF)
        _UNREF[number] = b"&#" + number + b";" if keep else chr(n).encode("utf-8")
    return _UNREF[number]


def _plain_xml(body: bytes) -> bytes:
    """openpyxl's streaming writer stores every CJK character as &#NNNNN;. Write them as
    UTF-8 (the XML's encoding): half the size, and a byte scan for a name (the build's
    leak check) sees what Excel will show. Done in 1 MB slices to bound memory."""
    if b"&#" not in body:
        return body
    chunks, start = [], 0
    while start < len(body):
        end = body.find(b"<", start + (1 << 20))  # a reference never spans a tag start
        end = len(body) if end < 0 else end
        parts = _CHAR_REF.split(body[start:end])  # text, number, text, number, …, text
        parts[1::2] = [_UNREF.get(n) or _unref(n) for n in parts[1::2]]
        chunks.append(b"".join(parts))
        start = end
    return b"".join(chunks)


def _finish(data: bytes, raws: list, epoch: int) -> bytes:
    """The saved workbook as delivered: plain UTF-8 XML, the ready rows put in, and the
    package written once, deterministically (what bundle.rezip writes)."""
    from quanli.render.bundle import write_package

    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith(".xml"):
                body = _plain_xml(body)
                m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
                if m and int(m.group(1)) <= len(raws) and raws[int(m.group(1)) - 1] is not None:
                    body = _fill(body, raws[int(m.group(1)) - 1])
            members[info.filename] = body
    return write_package(members, epoch)
