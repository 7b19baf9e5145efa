"""Operation flowcharts (一图): a hand-written layered layout, drawn as SVG or Mermaid.

GB/T 1526 symbols: 端点 (start/end) = rounded box, 处理 = rectangle, 判断 = diamond.
The layout is a small Sugiyama-style grid:

1. ranks: longest path from the start over the graph without its return edges
   (edges marked ``return: true``, edges labelled 补正/退回/修改 that point to an earlier
   step, and the back edges an iterative depth-first search finds);
2. the main line (the longest path from the start) is column 0, drawn straight down;
3. every other step gets a grid column left or right of it, chosen greedily so that the
   vertical channel from its first predecessor is free of boxes (like dummy nodes);
4. every edge is routed with right angles through free grid cells, or, when no free
   route exists, through the gutters between rows and columns (which never hold boxes);
   return loops run in lanes outside the columns, nested so that they do not cross;
5. labels go where they hit no box, no other label and no line; the notes (承办岗位, 办理时限,
   监督制约, 公开, 说明) go in a column right of the chart, aligned with the rows, when the chart
   leaves room for one within a page's width, else in a 环节说明 table below it, one row per
   step in reading order.

For print, ``to_svg_pages`` makes A4 pages whose text prints at 9 pt or more (see ``PAGE_W``,
``PAGE_H``): a flow too long for one page has its chart cut between rows, each page laid out on
its own from a run of ranks, a line to or from another page ending at a connector ("转第2页" /
"接第1页") that names the step on the other side; the 环节说明 table and the complaint box
follow the chart, continued on new pages as needed. ``to_svg`` draws the whole flow as one
document (for screens; a flow that fits one page is that page).

Pure functions, deterministic, standard library only, no recursion.

Modules, in the order of the steps:

- ``text``: display text, widths, CJK-aware wrapping, 办理时限 in words;
- ``metrics``: font sizes, gaps and the A4 page sizes in px;
- ``shapes``: the public data of a layout (``Box``, ``Edge``, ``Note``, ``Layout``);
- ``graph``: parsing a flow into steps and lines, return edges, ranks and the main line (1, 2);
- ``sizes``: the box of each step and its notes;
- ``route``: grid columns for the steps and right-angled routes, loops in lanes (3, 4);
- ``labels``: where each line's label goes (5);
- ``geometry``: ``layout``, grid positions to coordinates, the notes column or table (5);
- ``svg``: the frame around a chart and the SVG document, ``to_svg``;
- ``pages``: A4 pages with connectors, ``layout_pages``, ``to_svg_pages``, ``to_print_html``;
- ``mermaid``: ``to_mermaid``.

This package re-exports the names other modules and the tests use.
"""

from quanli.render.flowchart.geometry import layout
from quanli.render.flowchart.graph import KINDS, SPECIAL_TEXT
from quanli.render.flowchart.mermaid import MM_CHANGED, MM_REMOVED, _mm_wrap, to_mermaid
from quanli.render.flowchart.metrics import (
    CHANNEL_W,
    COL_GAP,
    DECISION_MAX_W,
    GAP,
    LABEL_W,
    LINE,
    MIN_SCALE,
    MIN_TEXT_PT,
    NAME_EM,
    NAME_PX,
    NOTE_GAP,
    NOTE_HEAD_W,
    NOTE_MAX_W,
    NOTE_MIN_W,
    NOTE_STACK,
    NOTE_W,
    NOTES_HEAD_H,
    NOTES_SPACE,
    PAD,
    PAD_V,
    PAGE_H,
    PAGE_W,
    PRINT_H_MM,
    PRINT_W_MM,
    PT_PER_PX,
    SHEET_H_MM,
    SHEET_PAGE_H,
    TEXT_PX,
    TRACK,
)
from quanli.render.flowchart.pages import layout_pages, to_print_html, to_svg_pages
from quanli.render.flowchart.shapes import Box, Edge, Layout, Note
from quanli.render.flowchart.svg import FONT_FAMILY, LEGEND, LEGEND_PAGES, TITLE_LH, TITLE_PX, to_svg
from quanli.render.flowchart.text import NO_LINE_END, NO_LINE_START, _limit_text, text_width, wrap_text

__all__ = [
    "Box",
    "Edge",
    "Layout",
    "Note",
    "PAGE_H",
    "PAGE_W",
    "SHEET_PAGE_H",
    "layout",
    "layout_pages",
    "text_width",
    "to_mermaid",
    "to_print_html",
    "to_svg",
    "to_svg_pages",
    "wrap_text",
]
