"""一盘's browsable part: an offline HTML site that works from file:// with no network.

index.html lists the items by category with counts, a category filter and a search box
(plain JavaScript inline, data inline: no external script, font or request); one page per
item carries its disclosure sheet and inline flowchart. Everything comes from the view,
so a public site cannot contain what the public view does not.
"""

from __future__ import annotations

import json
from html import escape

from quanli.render.view import CatalogueView, ItemView

FONT = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun, sans-serif'
CSS = """
body { font-family: %s; margin: 0 auto; max-width: 1100px; padding: 16px 24px; color: #222; line-height: 1.6; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 18px; margin: 20px 0 6px; border-bottom: 1px solid #ccc; }
.meta { color: #666; font-size: 13px; } .internal { color: #b00; font-weight: bold; border: 2px solid #b00; padding: 2px 8px; display: inline-block; }
.tools { margin: 12px 0; display: flex; gap: 12px; flex-wrap: wrap; } .tools input, .tools select { font: inherit; padding: 4px 8px; } .tools input { min-width: 24em; flex: 1 1 24em; }
ul.items { list-style: none; padding: 0; margin: 0; } ul.items li { padding: 4px 0; border-bottom: 1px dotted #ddd; }
ul.items .id { color: #888; font-size: 12px; margin-left: 8px; } .count { color: #666; font-weight: normal; font-size: 14px; }
nav a { margin-right: 16px; } .hidden { display: none; } svg { max-width: 100%%; height: auto; }
@media print { @page { size: A4; margin: 15mm; } .tools, nav { display: none; } body { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; } }
""" % FONT

SEARCH_JS = """
(function () {
  var data = JSON.parse(document.getElementById('quanli-data').textContent);
  var q = document.getElementById('q'), cat = document.getElementById('cat'), info = document.getElementById('shown');
  function apply() {
    var text = q.value.trim().toLowerCase(), c = cat.value, shown = 0;
    data.forEach(function (row) {
      var li = document.getElementById('i-' + row.k);
      var ok = (!c || row.c === c) && (!text || row.t.indexOf(text) !== -1);
      li.className = ok ? '' : 'hidden'; if (ok) shown++;
    });
    document.querySelectorAll('section[data-cat]').forEach(function (s) {
      s.className = s.querySelectorAll('li:not(.hidden)').length ? '' : 'hidden';
    });
    info.textContent = shown;
  }
  q.addEventListener('input', apply); cat.addEventListener('change', apply);
})();
"""


def page(title: str, body: str, view: CatalogueView, depth: int = 0) -> str:
    banner = '<p class="internal">内部资料 不得公开</p>' if view.internal else ""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
            f'<link rel="stylesheet" href="{"../" * depth}style.css">\n</head>\n<body>\n{banner}\n{body}\n</body>\n</html>\n')


def item_page(view: CatalogueView, item: ItemView, sheet: str, key: str) -> str:
    nav = f'<nav><a href="../index.html">返回目录</a><a href="../table.html">一表</a></nav>'
    return page(f"{item.name} - {view.heading}", f"{nav}\n{sheet}", view, depth=1)


def _entry(item: ItemView, stem: str, remembered) -> tuple[str, str, str]:
    """(file stem, line in the index, the lower-case text its search looks in) of an item:
    remembered between builds (see render.memo) with the stem it was made for."""
    known = remembered.get(item, "index") if remembered is not None else None
    if known is None or known[0] != stem:
        known = (stem, f'<li id="i-{escape(stem)}"><a href="items/{escape(stem)}.html">{escape(item.name)}</a>'
                       f'<span class="id">{escape(item.id)} · {escape(item.department)}</span></li>',
                 " ".join((item.name, item.id, item.department, item.subject, item.basis_text)).lower())
        if remembered is not None:
            remembered.put(item, "index", known)
    return known


def index(view: CatalogueView, keys: dict[str, str]) -> str:
    """``keys``: item id -> file stem of its page (safe for file names)."""
    sections, rows = [], []
    for category, items in view.categories:
        entries = [_entry(i, keys[i.id], view.remembered) for i in items]
        lis = "\n".join(line for _, line, _ in entries)
        sections.append(f'<section data-cat="{escape(category)}"><h2>{escape(category)} <span class="count">（{len(items)} 项）</span></h2>\n'
                        f'<ul class="items">\n{lis}\n</ul></section>')
        rows += [{"k": stem, "c": category, "t": text} for stem, _, text in entries]
    options = "".join(f'<option value="{escape(c)}">{escape(c)}（{len(items)}）</option>' for c, items in view.categories)
    # inline JSON: <, > and & as \u escapes, so no catalogue text can end or re-open the script element
    data = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    body = (f'<h1>{escape(view.heading)}</h1>\n'
            f'<p class="meta">{escape(view.version)} · {escape(view.date)} · 共 {len(view.items)} 项</p>\n'
            f'<nav><a href="table.html">一表（目录表）</a>' + ('<a href="register.html">重要权力动态运行情况登记表</a>' if view.register else "") + '</nav>\n'
            f'<div class="tools"><input id="q" type="search" placeholder="搜索名称、编号、承办机构、依据……" aria-label="搜索">'
            f'<select id="cat" aria-label="类别"><option value="">全部类别</option>{options}</select>'
            f'<span>显示 <b id="shown">{len(view.items)}</b> 项</span></div>\n'
            + "\n".join(sections)
            + f'\n<script type="application/json" id="quanli-data">{data}</script>\n<script>{SEARCH_JS}</script>')
    return page(view.heading, body, view)
