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
CSS = (
    """
body { font-family: %s; margin: 0 auto; max-width: 1100px; padding: 16px 24px; color: #222; line-height: 1.6; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 18px; margin: 20px 0 6px; border-bottom: 1px solid #ccc; }
.meta { color: #666; font-size: 13px; } .internal { color: #b00; font-weight: bold; border: 2px solid #b00; padding: 2px 8px; display: inline-block; }
.tools { margin: 12px 0; display: flex; gap: 12px; flex-wrap: wrap; } .tools input, .tools select { font: inherit; padding: 4px 8px; } .tools input { min-width: 24em; flex: 1 1 24em; }
ul.items { list-style: none; padding: 0; margin: 0; } ul.items li { padding: 4px 0; border-bottom: 1px dotted #ddd; }
ul.items .id { color: #888; font-size: 12px; margin-left: 8px; } .count { color: #666; font-weight: normal; font-size: 14px; }
nav a { margin-right: 16px; } .hidden { display: none; }
p.none { margin: 16px 0; padding: 12px 16px; background: #fff8e1; border: 1px solid #e0c060; } p.none button { font: inherit; margin-left: 12px; } svg { max-width: 100%%; height: auto; }
@media print { @page { size: A4; margin: 15mm; } .tools, nav { display: none; } body { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; } }
"""
    % FONT
)

SEARCH_JS = """
(function () {
  // The index's search: the query split on white space (ASCII and the ideographic space U+3000);
  // an item is shown when its text holds every word (NFKC-folded, so full-width letters and digits
  // match, and case-insensitive). ?q=...&cat=... in the address opens the page already searched.
  var data = JSON.parse(document.getElementById('quanli-data').textContent);
  var q = document.getElementById('q'), cat = document.getElementById('cat'), info = document.getElementById('shown');
  var none = document.getElementById('none');
  if (!none) {  // a page made without the message element (an older template): make it here
    none = document.createElement('p'); none.id = 'none'; none.className = 'none hidden';
    none.appendChild(document.createTextNode('没有找到与“'));
    var nq = document.createElement('span'); nq.id = 'none-q'; none.appendChild(nq);
    none.appendChild(document.createTextNode('”相符的事项'));
    var nc = document.createElement('span'); nc.id = 'none-cat'; none.appendChild(nc);
    none.appendChild(document.createTextNode('。'));
    var nb = document.createElement('button'); nb.type = 'button'; nb.id = 'clear';
    nb.textContent = '清除搜索，显示全部事项'; none.appendChild(nb);
    var tools = document.querySelector('.tools');
    if (tools && tools.parentNode) tools.parentNode.insertBefore(none, tools.nextSibling);
  }
  var noneQ = document.getElementById('none-q') || none, noneCat = document.getElementById('none-cat');
  var clear = document.getElementById('clear');
  function norm(s) {
    s = String(s == null ? '' : s);
    if (s.normalize) s = s.normalize('NFKC');
    return s.toLowerCase();
  }
  function words(s) {
    return norm(s).split(/[\\s\\u3000]+/).filter(function (w) { return w !== ''; });
  }
  var rows = data.map(function (row) {
    return {li: document.getElementById('i-' + row.k), c: row.c, t: norm(row.t)};
  });
  var sections = Array.prototype.slice.call(document.querySelectorAll('section[data-cat]'));
  function param(name) {
    var search = (window.location && window.location.search) || '';
    var parts = search.replace(/^\\?/, '').split('&');
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('='), key = eq < 0 ? parts[i] : parts[i].slice(0, eq);
      if (key === name) {
        try { return decodeURIComponent(parts[i].slice(eq + 1).replace(/\\+/g, ' ')); } catch (e) { return ''; }
      }
    }
    return '';
  }
  function remember(text, c) {  // the address shows the search, so a clerk can copy it as a link
    try {
      var query = [];
      if (text) query.push('q=' + encodeURIComponent(text));
      if (c) query.push('cat=' + encodeURIComponent(c));
      window.history.replaceState(null, '', window.location.pathname + (query.length ? '?' + query.join('&') : '') + window.location.hash);
    } catch (e) { /* file:// in some browsers: the page works, the address stays */ }
  }
  function apply(keep) {
    var text = q.value.trim(), ws = words(text), c = cat.value, shown = 0, per = {};
    rows.forEach(function (row) {
      var ok = !c || row.c === c;
      for (var i = 0; ok && i < ws.length; i++) ok = row.t.indexOf(ws[i]) !== -1;
      if (row.li) row.li.className = ok ? '' : 'hidden';
      if (ok) { shown++; per[row.c] = (per[row.c] || 0) + 1; }
    });
    sections.forEach(function (s) {
      var n = per[s.getAttribute('data-cat')] || 0, count = s.querySelector('.count');
      s.className = n ? '' : 'hidden';
      if (count) {  // the heading's count: how many of the category's items the search shows
        if (count.getAttribute('data-all') == null) count.setAttribute('data-all', count.textContent);
        var all = count.getAttribute('data-all'), total = all.replace(/[^0-9]/g, '');
        count.textContent = n === +total ? all : '（共 ' + total + ' 项，显示 ' + n + ' 项）';
      }
    });
    info.textContent = shown;
    var nothing = shown === 0 && (ws.length > 0 || c !== '');
    noneQ.textContent = text;
    if (noneCat) noneCat.textContent = c ? '（类别：' + c + '）' : '';
    none.className = nothing ? 'none' : 'none hidden';
    if (!keep) remember(text, c);
  }
  q.addEventListener('input', function () { apply(false); });
  cat.addEventListener('change', function () { apply(false); });
  if (clear) clear.addEventListener('click', function () { q.value = ''; cat.value = ''; apply(false); q.focus(); });
  var q0 = param('q'), c0 = param('cat');
  if (q0) q.value = q0;
  if (c0) {
    for (var i = 0; i < cat.options.length; i++) if (cat.options[i].value === c0) cat.value = c0;
  }
  if (q0 || c0) apply(true);
})();
"""


def page(title: str, body: str, view: CatalogueView, depth: int = 0) -> str:
    banner = '<p class="internal">内部资料 不得公开</p>' if view.internal else ""
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
        f'<link rel="stylesheet" href="{"../" * depth}style.css">\n</head>\n<body>\n{banner}\n{body}\n</body>\n</html>\n'
    )


def item_page(view: CatalogueView, item: ItemView, sheet: str, key: str) -> str:
    nav = '<nav><a href="../index.html">返回目录</a><a href="../table.html">一表</a></nav>'
    return page(f"{item.name} - {view.heading}", f"{nav}\n{sheet}", view, depth=1)


def _entry(item: ItemView, stem: str, remembered) -> tuple[str, str, str]:
    """(file stem, line in the index, the lower-case text its search looks in) of an item:
    remembered between builds (see render.memo) with the stem it was made for."""
    known = remembered.get(item, "index") if remembered is not None else None
    if known is None or known[0] != stem:
        known = (
            stem,
            f'<li id="i-{escape(stem)}"><a href="items/{escape(stem)}.html">{escape(item.name)}</a>'
            f'<span class="id">{escape(item.id)}{" · " + escape(item.department) if item.department else ""}</span></li>',
            search_text(item),
        )
        if remembered is not None:
            remembered.put(item, "index", known)
    return known


def search_text(item: ItemView, *more: str) -> str:
    """What the index's search looks in for an item: its name, id, codes, department, subject,
    category and legal basis (and ``more``, e.g. the unit), lower case; the page's script folds
    it (NFKC) and looks for every word of the query in it."""
    parts = (
        item.name,
        item.id,
        *(code for _, code in item.codes),
        *more,
        item.department,
        item.subject,
        item.category,
        item.basis_text,
    )
    return " ".join(p for p in parts if p).lower()


NO_MATCH = (
    '<p id="none" class="none hidden" role="status">没有找到与“<span id="none-q"></span>”相符的事项'
    '<span id="none-cat"></span>。<button type="button" id="clear">清除搜索，显示全部事项</button></p>'
)


def index(view: CatalogueView, keys: dict[str, str]) -> str:
    """``keys``: item id -> file stem of its page (safe for file names)."""
    sections, rows = [], []
    for category, items in view.categories:
        entries = [_entry(i, keys[i.id], view.remembered) for i in items]
        lis = "\n".join(line for _, line, _ in entries)
        sections.append(
            f'<section data-cat="{escape(category)}"><h2>{escape(category)} <span class="count">（{len(items)} 项）</span></h2>\n'
            f'<ul class="items">\n{lis}\n</ul></section>'
        )
        rows += [{"k": stem, "c": category, "t": text} for stem, _, text in entries]
    options = "".join(
        f'<option value="{escape(c)}">{escape(c)}（{len(items)}）</option>' for c, items in view.categories
    )
    # inline JSON: <, > and & as \u escapes, so no catalogue text can end or re-open the script element
    data = (
        json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    body = (
        f"<h1>{escape(view.heading)}</h1>\n"
        f'<p class="meta">{escape(view.version)} · {escape(view.date)} · 共 {len(view.items)} 项</p>\n'
        f'<nav><a href="table.html">一表（目录表）</a>'
        + ('<a href="register.html">重要权力动态运行情况登记表</a>' if view.register else "")
        + "</nav>\n"
        f'<div class="tools"><input id="q" type="search" placeholder="搜索名称、编号、承办机构、依据……" aria-label="搜索">'
        f'<select id="cat" aria-label="类别"><option value="">全部类别</option>{options}</select>'
        f'<span>显示 <b id="shown">{len(view.items)}</b> 项</span></div>\n{NO_MATCH}\n'
        + "\n".join(sections)
        + f'\n<script type="application/json" id="quanli-data">{data}</script>\n<script>{SEARCH_JS}</script>'
    )
    return page(view.heading, body, view)
