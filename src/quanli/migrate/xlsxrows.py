"""The cell values of an XLSX worksheet, read from its XML with the standard library's expat parser.

openpyxl opens the workbook in read-only mode (the sheet list, shared strings, date styles and the
1900/1904 epoch, all cheap); the sheet itself is read here, because openpyxl builds a Cell object
and a dictionary for every cell (a 10,000-row table: 5.2 s, here about 1.5 s). The values are
the ones ``openpyxl.load_workbook(read_only=False, data_only=True)`` gives, row for row, padded to
the sheet's last column: numbers as int or float, dates by their style, booleans, errors as text,
formulas as their cached value, cells covered by a merged range (all but its top-left) empty.
``tests/test_xlsxrows.py`` holds the two to the same rows. Anything this reader does not know
(openpyxl's private attributes changed, an unknown cell type) returns None, and the caller reads
the workbook with openpyxl as before.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _MERGE = NS + "row", NS + "c", NS + "mergeCell"
_V, _IS, _T, _R = NS + "v", NS + "is", NS + "t", NS + "r"
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)\Z")


class _Unknown(Exception):
    pass


def sheet_rows(book, ws) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]] | None:
    """(rows from row 1 and column 1, merged ranges as (min_row, min_col, max_row, max_col)) of a
    read-only worksheet, or None when this reader cannot vouch for them."""
    try:
        source = book._archive.open(ws._worksheet_path)
        strings = ws._shared_strings
        dates = book._date_formats
        durations = book._timedelta_formats
        epoch = book.epoch
    except (AttributeError, KeyError, OSError):
        return None
    try:
        with source:
            cells, merges = _parse(source, strings, dates, durations, epoch)
    except (_Unknown, ET.ParseError, ValueError, IndexError, TypeError, OverflowError):
        return None
    for min_row, min_col, max_row, max_col in merges:  # as openpyxl's _clean_merge_range: all but the top-left
        cells.setdefault((min_row, min_col), None)
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col):
                    cells[(r, c)] = None
    if not cells:
        return [[None]], merges
    last_row = max(r for r, _ in cells)
    last_col = max(c for _, c in cells)
    rows = [[None] * last_col for _ in range(last_row)]
    for (r, c), value in cells.items():
        rows[r - 1][c - 1] = value
    return rows, merges


def _parse(source, strings, dates, durations, epoch):
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    cells: dict[tuple[int, int], Any] = {}
    merges: list[tuple[int, int, int, int]] = []
    row_counter = 0
    for _, el in ET.iterparse(source, events=("end",)):
        tag = el.tag
        if tag == _ROW:
            r = el.get("r")
            if r is not None:
                number = float(r)
                if not number.is_integer():
                    raise _Unknown
                row_counter = int(number)
            else:
                row_counter += 1
            col_counter = 0
            for c in el:
                if c.tag != _CELL:
                    continue
                kind = c.get("t", "n")
                ref = c.get("r")
                if ref:
                    m = _REF.match(ref)
                    if m is None:
                        raise _Unknown
                    row, col = int(m.group(2)), _column(m.group(1))
                    col_counter = col
                else:
                    col_counter += 1
                    row, col = row_counter, col_counter
                style = c.get("s", 0)
                style = int(style) if style else 0
                if kind == "inlineStr":
                    child = c.find(_IS)
                    value = _inline(child) if child is not None else None
                else:
                    value = c.findtext(_V, None) or None
                    if value is not None:
                        if kind == "n":
                            value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                            if style in dates:
                                try:
                                    value = from_excel(value, epoch, timedelta=style in durations)
                                except (OverflowError, ValueError):
                                    value = "#VALUE!"
                        elif kind == "s":
                            value = strings[int(value)]
                        elif kind == "b":
                            value = bool(int(value))
                        elif kind == "d":
                            value = from_ISO8601(value)
                        elif kind not in ("str", "e"):
                            raise _Unknown
                cells[(row, col)] = value
            el.clear()
        elif tag == _MERGE:
            ref = el.get("ref") or ""
            first, _, last = ref.partition(":")
            a, b = _REF.match(first), _REF.match(last or first)
            if a is None or b is None:
                raise _Unknown
            r1, c1, r2, c2 = int(a.group(2)), _column(a.group(1)), int(b.group(2)), _column(b.group(1))
            merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return cells, merges


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _inline(node) -> str:
    """An inline string's text as openpyxl's Text.content gives it: its own t, then each run's t."""
    parts = []
    plain = node.find(_T)
    if plain is not None:
        parts.append(plain.text or "")
    for run in node.findall(_R):
        t = run.find(_T)
        if t is not None:
            parts.append(t.text or "")
    return "".join(parts)
