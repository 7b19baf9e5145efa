"""The chart's measures: font sizes, line height, wrap widths, gaps between rows and columns,
tracks of parallel lines, the chart's padding, the notes column and 环节说明 table, and the A4
print sizes in px (``PAGE_W``, ``PAGE_H``, ``SHEET_PAGE_H``) at which text prints at 9 pt or more."""

from __future__ import annotations

import math

NAME_PX = 14.0  # step name in a box
TEXT_PX = 12.0  # labels, notes, footer: the body text, 9 pt in print (see PAGE_W)
LINE = 1.4  # line height / font size
NAME_EM = 8  # names wrap at 8 em: boxes narrow enough for three columns on a page
DECISION_MAX_W = 214.0  # a diamond is made flatter while it is no wider than this
LABEL_W = 7 * TEXT_PX  # labels wrap at 7 em
GAP = 34.0  # free space between two rows
COL_GAP = 36.0  # free space between two columns
CHANNEL_W = 24.0  # a column that only carries lines
TRACK = 10.0  # distance between parallel lines in a gutter or lane
PAD = 24.0  # left and right of the chart
PAD_V = 8.0  # above and below it (the title and footer have their own margins)
_MAX_COL = 10

# Print: a page is drawn to be printed on A4 portrait with its body text (TEXT_PX) at 9 pt or
# more. 1 px is 0.75 pt (CSS: 96 px per inch), so 12 px text prints at 9 pt at scale 1, and a
# page must fit the printable area without being shrunk: 170 mm wide (A4's 210 mm less 20 mm
# margins; also the 一件 sheet's text width, sheet.TEXT_W) = 481.9 pt = 642.5 px, and 257 mm
# high (A4's 297 mm less 20 mm margins) = 728.5 pt = 971.3 px; a page embedded in the 一件 DOCX
# has the 220 mm its 附图 heading leaves (sheet.FIG_H_CM) = 623.6 pt = 831.5 px.
PT_PER_PX = 0.75
MIN_TEXT_PT = 9.0
PRINT_W_MM, PRINT_H_MM, SHEET_H_MM = 170.0, 257.0, 220.0
MIN_SCALE = MIN_TEXT_PT / (TEXT_PX * PT_PER_PX)  # 1.0: the smallest print scale allowed


def _px_in(mm: float) -> int:
    """The most px that print in ``mm`` at MIN_SCALE."""
    return math.floor(mm / 25.4 * 72 / PT_PER_PX / MIN_SCALE)


PAGE_W = _px_in(PRINT_W_MM)  # 642 px
PAGE_H = _px_in(PRINT_H_MM)  # 971 px: a page printed on its own
SHEET_PAGE_H = _px_in(SHEET_H_MM)  # 831 px: a page in the 一件 DOCX
NOTE_W = PAGE_W - 2 * PAD  # the 环节说明 table: a page's width
NOTE_HEAD_W = 112.0  # its step-name column
NOTE_GAP = 30.0  # between the chart and a notes column beside it
NOTE_MIN_W, NOTE_MAX_W = 240.0, 330.0  # the notes column: narrower, and the table below is used instead
NOTE_STACK = 6.0  # between two notes of one row in the column
NOTES_SPACE = 12.0  # between the chart and the table's heading
NOTES_HEAD_H = 22.0  # the heading 环节说明
