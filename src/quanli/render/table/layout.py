"""The 一表 of a view: its rows, and the table as it is printed.

main_rows and conf_rows are the cells of the catalogue table and of the 涉密不宜公开 list;
print_layout is the table as the XLSX and HTML show it (the channels every item shares said
once under the title, an empty code column left out), with print_widths and print_heights.
Each is worked out once per view (view.memo), and an unchanged item's parts come from the
last build (view.remembered); _keyed serves the parts that depend on the layout only for the
same layout.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from quanli.render.table.cells import CODE, CONF_COLUMNS, CONTACT, Column, clean, columns_of, date_text
from quanli.render.table.sizes import CONF_WIDTH, TABLE_WIDTH, _heights, _remembered_widths
from quanli.render.view import CatalogueView, ItemView, channels, contact_text, says

MAX_CELL = 32767  # Excel's limit on characters in a cell


def meta_text(view: CatalogueView) -> str:
    parts = [
        f"版本：{view.version}" if view.version else "",
        f"日期：{date_text(view.date)}" if view.date else "",
        f"共 {len(table_items(view))} 项",
    ]
    return "　　".join(p for p in parts if p)


def table_items(view: CatalogueView) -> list[ItemView]:
    """The items in table order (by group); 序号 is the position in this list, in every format."""
    return [item for _, items in view.categories for item in items]


def _memo(view: CatalogueView, key: str, make):
    """``make()`` once per view: the XLSX, CSV and both HTML tables share rows and widths."""
    if key not in view.memo:
        view.memo[key] = make()
    return view.memo[key]


def main_rows(view: CatalogueView) -> list[list[str]]:
    return _memo(view, "rows", lambda: _rows(table_items(view), columns_of(view), view.remembered, "cells"))


def main_widths(view: CatalogueView) -> list[float]:
    """The widths of the table as the XLSX and HTML show it (print_layout)."""
    return print_widths(view)


@dataclass(frozen=True)
class Layout:
    """The table as the XLSX prints it: the consult numbers and complaint channels every item
    gives are said once, in ``note`` under the title, not in every row (in a workspace's table,
    grouped by unit: each unit's in ``group_notes``, after its group's heading); a code column
    no item fills is left out."""

    columns: tuple[Column, ...]
    rows: list[list[str]]
    note: str
    group_notes: tuple[str, ...] = ()  # one per group of view.categories ("" for none)

    @property
    def key(self) -> bytes:
        """What an item's row depends on besides the item: the columns and what is said once."""
        read = ([c.header for c in self.columns], self.note, self.group_notes)
        return hashlib.blake2b(repr(read).encode("utf-8", "surrogatepass"), digest_size=8).digest()


class _Keyed:
    """An item's remembered parts that depend on the layout as well: served only for the same
    layout (another item's edit can change what is said once, and so this item's row)."""

    def __init__(self, remembered, key: bytes) -> None:
        self.remembered, self.key = remembered, key

    def get(self, item: ItemView, part: str):
        known = self.remembered.get(item, part)
        return known[1] if isinstance(known, tuple) and len(known) == 2 and known[0] == self.key else None

    def put(self, item: ItemView, part: str, value) -> None:
        self.remembered.put(item, part, (self.key, value))


def _keyed(view: CatalogueView):
    """view.remembered for the parts of the layout's rows (None: nothing is remembered)."""
    return None if view.remembered is None else _Keyed(view.remembered, print_layout(view).key)


def print_layout(view: CatalogueView) -> Layout:
    return _memo(view, "print", lambda: _print_layout(view))


def print_widths(view: CatalogueView) -> list[float]:
    return _memo(
        view,
        "print_widths",
        lambda: _remembered_widths(view, print_layout(view).columns, print_layout(view).rows, TABLE_WIDTH),
    )


def print_heights(view: CatalogueView) -> list[float]:
    return _memo(
        view,
        "print_heights",
        lambda: _heights(table_items(view), print_layout(view).rows, print_widths(view), _keyed(view), "height"),
    )


def _contacts(view: CatalogueView) -> list[tuple[str, str]]:
    """(consult, complaint) of each item in table order, remembered between builds like its cells."""
    out = []
    remembered = view.remembered
    for item in table_items(view):
        known = remembered.get(item, "contact") if remembered is not None else None
        if known is None:
            known = (clean(item.consult), clean(item.complaint))
            if remembered is not None:
                remembered.put(item, "contact", known)
        out.append((known[0], known[1]))
    return out


def shared_note(asked: list[str], told: list[str], whose: str = "各事项") -> str:
    """What the table says once for the consult numbers and complaint channels every item gives,
    each said once: 各事项共用的咨询电话：…；投诉渠道：…."""
    both = [t for t in told if any(says(t, a) for a in asked)]
    parts = [
        ("咨询电话", [a for a in asked if not any(says(t, a) for t in both)]),
        ("咨询、投诉电话", both),
        ("投诉渠道", [t for t in told if t not in both]),
    ]
    return f"{whose}共用的" + "；".join(f"{title}：{'；'.join(texts)}" for title, texts in parts if texts)


def _shared(contacts: list[tuple[list[str], list[str]]]) -> tuple[list[str], list[str]]:
    """The consult numbers and complaint channels that each of these (two or more) items gives."""
    if len(contacts) < 2:
        return [], []
    return (
        [c for c in contacts[0][0] if all(c in other for other, _ in contacts)],
        [p for p in contacts[0][1] if all(p in other for _, other in contacts)],
    )


def _print_layout(view: CatalogueView) -> Layout:
    columns, rows = columns_of(view), main_rows(view)
    headers = [c.header for c in columns]
    cells: dict[int, tuple[Column, list[str]] | None] = {}  # column index -> its new header and texts; None: left out
    note, group_notes = "", ()
    if CONTACT in headers and rows:
        k = headers.index(CONTACT)
        contacts = [(channels(c), channels(p)) for c, p in _contacts(view)]
        # what every item (in a workspace: every item of a unit) gives is said once; each cell keeps the item's own
        if "单位" in headers:
            spans, done = [], 0
            for _, items in view.categories:
                spans.append((done, done + len(items)))
                done += len(items)
            shared = [_shared(contacts[a:b]) for a, b in spans]
            group_notes = tuple(shared_note(*sh, whose="本单位各事项") if sh[0] or sh[1] else "" for sh in shared)
            mine = [sh for (a, b), sh in zip(spans, shared) for _ in range(a, b)]
        else:
            everyone = _shared(contacts)
            note = shared_note(*everyone) if everyone[0] or everyone[1] else ""
            mine = [everyone] * len(contacts)
        if note or any(group_notes):
            own = [
                ([c for c in a if c not in sa], [p for p in t if p not in st])
                for (a, t), (sa, st) in zip(contacts, mine)
            ]
            if not any(a or t for a, t in own):
                cells[k] = None
            elif not any(t for _, t in own):
                cells[k] = (Column("咨询电话", lambda i: i.consult, 10, 16), ["；".join(a) for a, _ in own])
            elif not any(a for a, _ in own):
                cells[k] = (Column("投诉电话", lambda i: i.complaint, 10, 24), ["；".join(t) for _, t in own])
            else:
                cells[k] = (columns[k], [contact_text("；".join(a), "；".join(t)) for a, t in own])
    if CODE in headers and not any(r[headers.index(CODE)] for r in rows):
        cells[headers.index(CODE)] = None  # nobody gave a code: no empty column on paper
    if not cells:
        return Layout(columns, rows, note, group_notes)
    keep = [k for k in range(len(columns)) if cells.get(k, ...) is not None]
    new_columns = tuple(cells[k][0] if k in cells else columns[k] for k in keep)  # type: ignore[index]
    new_rows = [[cells[k][1][n] if k in cells else row[k] for k in keep] for n, row in enumerate(rows)]  # type: ignore[index]
    return Layout(new_columns, new_rows, note, group_notes)


def conf_rows(view: CatalogueView) -> list[list[str]]:
    return _memo(view, "conf_rows", lambda: _rows(view.confidential, CONF_COLUMNS, view.remembered, "conf_cells"))


def conf_widths(view: CatalogueView) -> list[float]:
    return _memo(view, "conf_widths", lambda: _remembered_widths(view, CONF_COLUMNS, conf_rows(view), CONF_WIDTH))


def conf_heights(view: CatalogueView) -> list[float]:
    return _memo(
        view,
        "conf_heights",
        lambda: _heights(view.confidential, conf_rows(view), conf_widths(view), view.remembered, "conf_height"),
    )


def _rows(view_items: list[ItemView], columns: tuple[Column, ...], remembered=None, part: str = "") -> list[list[str]]:
    """Text of each row; 序号 (first column) numbered from 1. With ``remembered``, an item's
    other cells come from an earlier build when its source is unchanged."""
    rows = []
    for n, item in enumerate(view_items, 1):
        cells = remembered.get(item, part) if remembered is not None else None
        if cells is None:
            cells = [clean(col.value(item))[:MAX_CELL] for col in columns[1:]]
            if remembered is not None:
                remembered.put(item, part, cells)
        rows.append([str(n)] + cells)
    return rows
