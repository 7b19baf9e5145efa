"""The 一表 as CSV (data: every row whole, every column) and as HTML (the table as printed).

csv_bytes writes UTF-8 with a BOM, CRLF and no group rows, formula characters neutralised;
table_fragment and confidential_fragment are the <table>s the site shows (styled by
TABLE_CSS), html a standalone page with both. An unchanged item's line and cells come from
the last build (view.remembered).
"""

from __future__ import annotations

import csv
import io
from html import escape

from quanli.render.table.cells import (
    CONF_COLUMNS,
    CONFIDENTIAL_TITLE,
    CSV_DANGEROUS,
    INTERNAL_MARK,
    Column,
    clean,
    columns_of,
    group_label,
)
from quanli.render.table.layout import (
    _keyed,
    _memo,
    conf_rows,
    conf_widths,
    main_rows,
    meta_text,
    print_layout,
    print_widths,
    table_items,
)
from quanli.render.table.sizes import _header_text
from quanli.render.view import CatalogueView, ItemView

FONT_STACK = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun, sans-serif'


# ---------------------------------------------------------------- CSV


def neutralise(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(CSV_DANGEROUS) else text


def csv_bytes(view: CatalogueView) -> bytes:
    """UTF-8 with BOM (Excel opens it as Chinese), CRLF, one row per item, no group rows."""
    lines = [_csv_line([c.header for c in columns_of(view)])]
    remembered = view.remembered
    for item, cells in zip(table_items(view), main_rows(view)):
        # the line after 序号 (a number: never quoted), remembered between builds with the item's cells
        rest = remembered.get(item, "csv") if remembered is not None else None
        if rest is None:
            rest = _csv_line([""] + [neutralise(c) for c in cells[1:]])  # "," and the rest, as in the whole row
            if remembered is not None:
                remembered.put(item, "csv", rest)
        lines.append(cells[0] + rest)
    return ("\ufeff" + "".join(lines)).encode("utf-8")


def _csv_line(fields: list[str]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(fields)
    return out.getvalue()


# ---------------------------------------------------------------- HTML

TABLE_CSS = """
table.quanli-table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 13px; line-height: 1.5; margin: 8px 0 16px; }
table.quanli-table th, table.quanli-table td { border: 1px solid #333; padding: 4px 5px; vertical-align: middle; text-align: left; white-space: pre-line; overflow-wrap: anywhere; word-break: normal; }
table.quanli-table caption { caption-side: top; text-align: center; font-size: 13px; color: #333; padding: 0 0 6px; }
table.quanli-table thead th { background: #d9d9d9; font-weight: bold; text-align: center; }
table.quanli-table tr.group th { background: #f2f2f2; font-weight: bold; text-align: left; padding: 5px 8px; }
table.quanli-table td.c { text-align: center; }
table.quanli-table td.empty { text-align: center; color: #666; }
"""

PAGE_CSS = """
body { font-family: %s; color: #111; margin: 0 auto; padding: 16px 20px; max-width: 1600px; }
h1 { font-size: 24px; text-align: center; margin: 12px 0 4px; letter-spacing: 1px; }
h2 { font-size: 19px; text-align: center; margin: 28px 0 4px; }
p.meta { text-align: center; color: #444; font-size: 13px; margin: 0 0 8px; }
.internal-mark { color: #c00000; border: 2px solid #c00000; font-weight: bold; padding: 2px 10px; display: inline-block; margin: 0 0 4px; }
%s
@media print {
  @page { size: A4 landscape; margin: 12mm 10mm 14mm;
    @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页"; font-size: 9pt; } }
  body { max-width: none; padding: 0; }
  table.quanli-table { font-size: 9pt; line-height: 1.4; }
  table.quanli-table th, table.quanli-table td { padding: 2px 3px; }
  table.quanli-table thead { display: table-header-group; }
  table.quanli-table tr { break-inside: avoid; page-break-inside: avoid; }
  table.quanli-table tr.group { break-after: avoid; page-break-after: avoid; }
  table.quanli-table th, table.quanli-table td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .confidential-list { break-before: page; page-break-before: always; }
}
""" % (FONT_STACK, TABLE_CSS)

INTERNAL_PRINT_CSS = """
@media print { @page { @top-right { content: "内部资料"; color: #c00000; font-weight: bold; font-size: 12pt; } } }
"""


def _e(text: str) -> str:
    return escape(clean(text), quote=True)


def _tds(columns: tuple[Column, ...], cells: list[str]) -> str:
    return "".join(
        f'<td class="c">{_e(t)}</td>' if col.align == "center" else f"<td>{_e(t)}</td>"
        for col, t in zip(columns, cells)
    )


def _html_rests(
    view_items: list[ItemView], rows: list[list[str]], columns: tuple[Column, ...], remembered, part: str
) -> list[str]:
    """Each row's cells after 序号 as HTML; remembered between builds like the cells themselves."""
    out = []
    for item, cells in zip(view_items, rows):
        rest = remembered.get(item, part) if remembered is not None else None
        if rest is None:
            rest = _tds(columns[1:], cells[1:])
            if remembered is not None:
                remembered.put(item, part, rest)
        out.append(rest)
    return out


def _table(
    columns: tuple[Column, ...],
    groups: list[tuple[str, list[list[str]], list[str]]],
    css_class: str,
    empty: str,
    widths: list[float],
    note: str = "",
) -> str:
    """``groups``: (label, rows, each row's cells after 序号 as HTML); ``note``: the caption."""
    cols = "".join(f'<col style="width:{w / sum(widths) * 100:.1f}%">' for w in widths)
    head = "".join(
        f'<th scope="col">{"<br>".join(_e(t) for t in _header_text(c.header, w))}</th>' for c, w in zip(columns, widths)
    )
    parts = (
        [f'<table class="{css_class}">']
        + ([f"<caption>{_e(note)}</caption>"] if note else [])
        + [f"<colgroup>{cols}</colgroup>", f"<thead><tr>{head}</tr></thead>"]
    )
    for label, rows, rests in groups:
        parts.append("<tbody>")
        if label:
            parts.append(f'<tr class="group"><th colspan="{len(columns)}" scope="rowgroup">{_e(label)}</th></tr>')
        for cells, rest in zip(rows, rests):
            parts.append(f'<tr class="item">{_tds(columns[:1], cells[:1])}{rest}</tr>')
        parts.append("</tbody>")
    if not any(rows for _, rows, _ in groups):
        parts.append(f'<tbody><tr><td class="empty" colspan="{len(columns)}">{_e(empty)}</td></tr></tbody>')
    parts.append("</table>")
    return "\n".join(parts)


def table_fragment(view: CatalogueView) -> str:
    """Just the catalogue <table> (class "quanli-table"; style it with TABLE_CSS)."""
    return _memo(view, "table_html", lambda: _table_fragment(view))


def _table_fragment(view: CatalogueView) -> str:
    layout = print_layout(view)  # the table as the XLSX prints it: the same columns, widths and notes
    rows = layout.rows
    rests = _html_rests(table_items(view), rows, layout.columns, _keyed(view), "html")
    groups, done = [], 0
    for index, (category, items) in enumerate(view.categories, 1):
        label = group_label(index, category, len(items))
        extra = layout.group_notes[index - 1] if layout.group_notes else ""
        groups.append(
            (f"{label}　{extra}" if extra else label, rows[done : done + len(items)], rests[done : done + len(items)])
        )
        done += len(items)
    return _table(layout.columns, groups, "quanli-table", "本目录暂无事项", print_widths(view), layout.note)


def confidential_fragment(view: CatalogueView) -> str:
    """The 《涉密不宜公开权力目录》 <table>; empty for a public view or when there is none."""
    if not (view.internal and view.confidential):
        return ""
    rows = conf_rows(view)
    rests = _html_rests(view.confidential, rows, CONF_COLUMNS, view.remembered, "conf_html")
    return _table(CONF_COLUMNS, [("", rows, rests)], "quanli-table confidential", "无", conf_widths(view))


def html(view: CatalogueView) -> str:
    """A standalone, offline page: title, the table, and (internal) the 涉密不宜公开 list."""
    mark = (
        f'<p style="text-align:center"><span class="internal-mark">{INTERNAL_MARK} 不得公开</span></p>\n'
        if view.internal
        else ""
    )
    body = [mark + f"<h1>{_e(view.heading)}</h1>", f'<p class="meta">{_e(meta_text(view))}</p>', table_fragment(view)]
    second = confidential_fragment(view)
    if second:
        body.append(
            f'<section class="confidential-list">\n<h2>{_e(view.unit)}{CONFIDENTIAL_TITLE}</h2>\n'
            f'<p class="meta">共 {len(view.confidential)} 项　　{INTERNAL_MARK} 不得公开</p>\n{second}\n</section>'
        )
    css = PAGE_CSS + (INTERNAL_PRINT_CSS if view.internal else "")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(view.heading)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
