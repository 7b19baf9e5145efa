"""《重要权力动态运行情况登记表》 (银政办内发〔2008〕48号 附件3): the operation register as an A4 landscape
workbook in the official style of the 一表, and as a page of the site. What it holds is decided
by the view (quanli.render.view): the cases of the items in view, the columns of the audience."""

from __future__ import annotations

from html import escape

from quanli.render.table import (
    INTERNAL_MARK,
    LINE_PT,
    Column,
    _header_row,
    _setup_print,
    _Styles,
    _text_cell,
    _title_rows,
    _widths,
    clean,
    date_text,
    save_workbook,
    wrapped_lines,
)
from quanli.render.view import CatalogueView

TITLE = "重要权力动态运行情况登记表"
# width range (Excel units) of each column, by key
WIDTHS = {
    "case": (12, 18),
    "item": (10, 14),
    "name": (16, 28),
    "category": (8, 10),
    "department": (10, 14),
    "applicant_type": (8, 10),
    "summary": (14, 26),
    "accepted": (11, 11),
    "decided": (11, 11),
    "decision_method": (10, 16),
    "executed": (11, 11),
    "concluded": (11, 11),
    "outcome": (12, 22),
    "published": (11, 11),
    "deadline": (11, 11),
    "on_time": (7, 9),
    "remarks": (16, 36),
}
CENTERED = {
    "category",
    "applicant_type",
    "accepted",
    "decided",
    "executed",
    "concluded",
    "published",
    "deadline",
    "on_time",
}


def _columns(view: CatalogueView) -> tuple[Column, ...]:
    cols = [Column("序号", lambda r: "", 5, 6, "center")]
    for key, heading in view.register_columns:
        low, high = WIDTHS.get(key, (10, 20))
        cols.append(
            Column(heading, (lambda k: lambda r: r.get(k, ""))(key), low, high, "center" if key in CENTERED else "left")
        )
    return tuple(cols)


def title(view: CatalogueView) -> str:
    return f"{clean(view.unit)}{TITLE}"


def period(view: CatalogueView) -> str:
    days = sorted(d for r in view.register for d in (r.get("accepted"), r.get("concluded"), r.get("published")) if d)
    return f"{date_text(days[0])}至{date_text(days[-1])}" if days else ""


def meta(view: CatalogueView) -> str:
    parts = [
        f"填报单位：{clean(view.unit)}",
        f"登记期间：{period(view)}" if period(view) else "",
        f"共 {len(view.register)} 件",
        f"{INTERNAL_MARK} 不得公开" if view.internal else "",
    ]
    return "　　".join(p for p in parts if p)


def _rows(view: CatalogueView, columns: tuple[Column, ...]) -> list[list[str]]:
    return [[str(n)] + [clean(c.value(r)) for c in columns[1:]] for n, r in enumerate(view.register, 1)]


def xlsx_bytes(view: CatalogueView, epoch: int | None = None) -> bytes:
    """The register as a workbook, deterministic for a given view."""
    from openpyxl import Workbook

    st = _Styles()
    columns = _columns(view)
    rows = _rows(view, columns)
    widths = _widths(columns, rows, sum(c.max_width for c in columns) * 0.85)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("登记表")
    heading = title(view)
    _setup_print(ws, view, len(columns), 3, widths, heading[:100])
    _title_rows(ws, heading, meta(view), len(columns), st, None)
    _header_row(ws, 3, tuple(c.header for c in columns), widths, st, None)
    for n, cells in enumerate(rows, 4):
        lines = max(wrapped_lines(text, w) for text, w in zip(cells, widths))
        ws.row_dimensions[n].height = min(409.0, max(20.0, lines * LINE_PT + 6))
        ws.append(
            [
                _text_cell(ws, text, st, st.body_font, st.center if c.align == "center" else st.left)
                for text, c in zip(cells, columns)
            ]
        )
    footer = len(rows) + 5
    ws.row_dimensions[footer].height = 28
    ws.append([])
    ws.append(
        [
            _text_cell(
                ws,
                "填表人：　　　　　　审核人：　　　　　　填报日期：　　　　年　　月　　日",
                st,
                st.meta_font,
                st.left,
                border=False,
            )
        ]
    )
    ws.merged_cells.add(f"A{footer}:{_letter(len(columns))}{footer}")
    return save_workbook(wb, view, heading, [None], epoch)


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def fragment(view: CatalogueView) -> str:
    """The register as an HTML <table> (class "quanli-table register")."""
    columns = _columns(view)
    rows = _rows(view, columns)
    head = "".join(f'<th scope="col">{escape(c.header)}</th>' for c in columns)
    body = "\n".join(
        "<tr>"
        + "".join(f'<td class="{"c" if c.align == "center" else ""}">{escape(t)}</td>' for t, c in zip(cells, columns))
        + "</tr>"
        for cells in rows
    )
    return (
        f'<h1>{escape(title(view))}</h1>\n<p class="meta">{escape(meta(view))}</p>\n'
        f'<table class="quanli-table register">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'
    )
