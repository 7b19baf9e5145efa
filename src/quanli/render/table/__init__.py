"""一表: the catalogue table (行政权力目录表) as XLSX, CSV and HTML.

Everything comes from a CatalogueView, so a public table cannot contain what the public
view does not. Layout follows the published tables: a merged title row, a version/date
row, one header row, then the items grouped by category, each group opened by a row
"一、行政许可（3项）". 序号 runs through the whole table (1..N), the same in every format.

The XLSX and HTML are made to be printed (print_layout): what every item gives alike -- the
consult number, the complaint channels -- is said once under the title (in a workspace's
table, after each unit's heading) and its column keeps only what differs; a 基本编码 column
nobody fills is left out; rows are as high as their tallest cell, the widths chosen to keep
the sum of the rows low. The CSV is data: every row whole, every column.

Safety: every catalogue text is written as text. In XLSX a cell is forced to the string
type after assignment (openpyxl would otherwise store "=..." as a formula) and carries
quotePrefix when it starts with = + - @; in CSV such cells get a leading "'"; in HTML
everything is escaped.

Reproducible: the same view gives the same bytes. Workbook properties are dated with the
view's date, and the XLSX container is rewritten with sorted entries and fixed times.

The package, by job: ``cells`` (the columns and the text of each cell), ``sizes`` (text
widths, wrapped lines, column widths and row heights), ``layout`` (a view's rows and the
table as printed, worked out once per view and remembered between builds), ``xlsxrows``
(the sheets' rows: styles, text cells, item rows as ready XML), ``xlsx`` (the workbook and
its deterministic package), ``csvhtml`` (the CSV and the HTML). What other modules use is
imported here. A module's globals are read in that module, so a test sets them there:
``xlsx.FAST_ROWS``, ``xlsxrows.SHEET_DATA``, and ``sizes._widths`` or ``sizes._row_height``
to watch what is measured again.
"""

from __future__ import annotations

from quanli.render.table.cells import (
    CODE,
    COLUMNS,
    CONF_COLUMNS,
    CONF_HEADERS,
    CONFIDENTIAL_TITLE,
    CONTACT,
    CSV_DANGEROUS,
    DANGEROUS,
    HEADERS,
    INTERNAL_MARK,
    WORKSPACE_COLUMNS,
    Column,
    clean,
    cn_number,
    code_text,
    columns_of,
    date_text,
    group_label,
    limits_text,
)
from quanli.render.table.csvhtml import (
    FONT_STACK,
    INTERNAL_PRINT_CSS,
    PAGE_CSS,
    TABLE_CSS,
    confidential_fragment,
    csv_bytes,
    html,
    neutralise,
    table_fragment,
)
from quanli.render.table.layout import (
    MAX_CELL,
    Layout,
    conf_heights,
    conf_rows,
    conf_widths,
    main_rows,
    main_widths,
    meta_text,
    print_heights,
    print_layout,
    print_widths,
    shared_note,
    table_items,
)
from quanli.render.table.sizes import (
    BODY_SIZE,
    CJK_UNITS,
    CONF_WIDTH,
    HEAD_SCALE,
    HEADER_BREAKS,
    LATIN_UNITS,
    LINE_PT,
    MAX_ROW_PT,
    META_SCALE,
    NO_LINE_START,
    ROW_LINE_PT,
    ROW_PAD,
    SHORT_TEXT,
    STEPS,
    TABLE_WIDTH,
    WHOLE_RUN,
    _widths,
    header_lines,
    text_units,
    wrapped_lines,
)
from quanli.render.table.xlsx import FOOTER, _setup_print, save_workbook, xlsx_bytes
from quanli.render.table.xlsxrows import BODY_FONT, HEAD_FONT, _header_row, _Styles, _text_cell, _title_rows

__all__ = [
    # cells
    "CODE",
    "COLUMNS",
    "CONF_COLUMNS",
    "CONF_HEADERS",
    "CONFIDENTIAL_TITLE",
    "CONTACT",
    "CSV_DANGEROUS",
    "DANGEROUS",
    "HEADERS",
    "INTERNAL_MARK",
    "WORKSPACE_COLUMNS",
    "Column",
    "clean",
    "cn_number",
    "code_text",
    "columns_of",
    "date_text",
    "group_label",
    "limits_text",
    # sizes
    "BODY_SIZE",
    "CJK_UNITS",
    "CONF_WIDTH",
    "HEAD_SCALE",
    "HEADER_BREAKS",
    "LATIN_UNITS",
    "LINE_PT",
    "MAX_ROW_PT",
    "META_SCALE",
    "NO_LINE_START",
    "ROW_LINE_PT",
    "ROW_PAD",
    "SHORT_TEXT",
    "STEPS",
    "TABLE_WIDTH",
    "WHOLE_RUN",
    "header_lines",
    "text_units",
    "wrapped_lines",
    # layout
    "MAX_CELL",
    "Layout",
    "conf_heights",
    "conf_rows",
    "conf_widths",
    "main_rows",
    "main_widths",
    "meta_text",
    "print_heights",
    "print_layout",
    "print_widths",
    "shared_note",
    "table_items",
    # xlsxrows, xlsx
    "BODY_FONT",
    "HEAD_FONT",
    "FOOTER",
    "save_workbook",
    "xlsx_bytes",
    # csvhtml
    "FONT_STACK",
    "INTERNAL_PRINT_CSS",
    "PAGE_CSS",
    "TABLE_CSS",
    "confidential_fragment",
    "csv_bytes",
    "html",
    "neutralise",
    "table_fragment",
    # the workbook's parts the operation register (render.register) builds on
    "_Styles",
    "_header_row",
    "_setup_print",
    "_text_cell",
    "_title_rows",
    "_widths",
]
