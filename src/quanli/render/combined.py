"""A workspace's own deliverables: the combined 一表 (a unit column, grouped by unit) and the
index of the combined bundle (by unit and by category), made from the members' views only,
so a public workspace build holds no more than its members' public builds do."""

from __future__ import annotations

import dataclasses
import json
from html import escape

from quanli.render import site, table
from quanli.render.view import CatalogueView


@dataclasses.dataclass
class MemberView:
    key: str  # the member's path in the workspace file
    slug: str  # its folder: members/<slug>/
    label: str  # the unit's name as shown
    region: str
    level: str
    view: CatalogueView
    stems: dict[str, str]  # item id -> file stem of its page


def combined_view(title: str, audience: str, members: list[MemberView]) -> CatalogueView:
    """One view of every member's items, grouped by unit, the unit in a column of its own."""
    items, groups, confidential = [], [], []
    for m in members:
        own = [dataclasses.replace(i, unit=m.label) for _, group in m.view.categories for i in group]
        items += own
        groups.append((m.label, own))
        confidential += [dataclasses.replace(i, unit=m.label) for i in m.view.confidential]
    date = max((m.view.date for m in members), default="")
    return CatalogueView(
        audience=audience,
        unit=title,
        title="",
        version="",
        date=date,
        items=items,
        categories=groups,
        confidential=confidential,
        columns=table.WORKSPACE_COLUMNS,
    )


def index(title: str, view: CatalogueView, members: list[MemberView]) -> str:
    """index.html of the combined bundle: the units (with their own deliverables) and every item by category."""
    units = "\n".join(
        f'<tr><td><a href="members/{escape(m.slug)}/site/index.html">{escape(m.label)}</a></td><td>{escape(m.region)}</td>'
        f'<td>{escape(m.level)}</td><td class="c">{len(m.view.items)}</td>'
        f'<td><a href="members/{escape(m.slug)}/site/table.html">一表</a></td></tr>'
        for m in members
    )
    by_category: dict[str, list[tuple[MemberView, object]]] = {}
    for m in members:
        for category, items in m.view.categories:
            by_category.setdefault(category, []).extend((m, i) for i in items)
    sections, rows = [], []
    for category in sorted(by_category, key=_category_order(members)):
        entries = by_category[category]
        lis = []
        for m, i in entries:
            k = f"{m.slug}-{m.stems[i.id]}"
            lis.append(
                f'<li id="i-{escape(k)}"><a href="members/{escape(m.slug)}/site/items/{escape(m.stems[i.id])}.html">{escape(i.name)}</a>'
                f'<span class="id">{escape(m.label)} · {escape(i.id)} · {escape(i.department)}</span></li>'
            )
            rows.append(
                {"k": k, "c": category, "t": " ".join((i.name, i.id, m.label, i.department, i.basis_text)).lower()}
            )
        sections.append(
            f'<section data-cat="{escape(category)}"><h2>{escape(category)} <span class="count">（{len(entries)} 项）</span></h2>\n'
            f'<ul class="items">\n' + "\n".join(lis) + "\n</ul></section>"
        )
    options = "".join(
        f'<option value="{escape(c)}">{escape(c)}（{len(by_category[c])}）</option>'
        for c in sorted(by_category, key=_category_order(members))
    )
    data = (
        json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    body = (
        f"<h1>{escape(title)}</h1>\n"
        f'<p class="meta">{escape(view.date)} · {len(members)} 个单位 · 共 {len(view.items)} 项</p>\n'
        '<nav><a href="table/workspace.html">汇总一表</a></nav>\n'
        '<h2>按单位</h2>\n<table class="units"><thead><tr><th>单位</th><th>行政区划</th><th>层级</th><th>事项数</th><th>目录表</th></tr></thead>\n'
        f"<tbody>\n{units}\n</tbody></table>\n"
        "<h2>按类别</h2>\n"
        f'<div class="tools"><input id="q" type="search" placeholder="搜索名称、编号、单位、承办机构、依据……" aria-label="搜索">'
        f'<select id="cat" aria-label="类别"><option value="">全部类别</option>{options}</select>'
        f'<span>显示 <b id="shown">{len(view.items)}</b> 项</span></div>\n'
        + "\n".join(sections)
        + f'\n<script type="application/json" id="quanli-data">{data}</script>\n<script>{site.SEARCH_JS}</script>'
    )
    return site.page(title, body, view)


UNITS_CSS = """
table.units { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; } table.units th, table.units td { border: 1px solid #999; padding: 4px 10px; text-align: left; }
table.units td.c { text-align: right; }
"""


def _category_order(members: list[MemberView]):
    """The national categories in their order (行政许可 first), then any other in the order the
    members' tables first show them."""
    from quanli.core.model import NATIONAL_CATEGORIES

    order: dict[str, int] = {name: n for n, (_, name) in enumerate(NATIONAL_CATEGORIES)}
    for m in members:
        for category, _ in m.view.categories:
            order.setdefault(category, len(order))
    return lambda c: order.get(c, len(order))


def table_page(view: CatalogueView) -> str:
    """table/workspace.html: the combined table as a standalone page."""
    return table.html(view)
