"""The static site's index: the search box (every word of the query, ASCII case folded, a
message when nothing matches, ?q= in the address) and the page it is part of.

The script is run under node when this machine has it (no JavaScript engine is a dependency
of quanli), with a small stand-in for the DOM built from the page's own HTML; without node
those tests are skipped and the HTML checks still run."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import SAMPLES, invoke

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed: the site's script is not run")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample workspace built: (the combined index, city-amr's index) as text."""
    out = tmp_path_factory.mktemp("site") / "dist"
    result = invoke("build", str(SAMPLES), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return (out / "index.html").read_text(encoding="utf-8"), (
        out / "members" / "city-amr" / "site" / "index.html"
    ).read_text(encoding="utf-8")


class Page(HTMLParser):
    """What the stand-in DOM needs of an index page: its elements by id (tag, class, text),
    its sections and their counts, the category options, the inline data and script."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: dict[str, dict] = {}
        self.items: list[str] = []
        self.sections: list[dict] = []
        self.options: list[str] = []
        self.scripts: list[tuple[str, str]] = []  # (id, text)
        self.tools = False
        self._open: list[tuple[str, dict]] = []  # (tag, the element record or {})
        self._script: tuple[str, list[str]] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rec: dict = {}
        if tag == "script":
            self._script = (a.get("id") or "", [])
            return
        if "id" in a:
            outer = self._innermost()
            if outer is not None:
                outer["parts"].append({"ref": a["id"]})
            rec = self.elements[a["id"]] = {
                "tag": tag,
                "class": a.get("class") or "",
                "text": "",
                "attrs": a,
                "parts": [],
            }
            if tag == "li" and a["id"].startswith("i-"):
                self.items.append(a["id"])
        if tag == "section" and "data-cat" in a:
            rec = {"cat": a["data-cat"], "count": "", "tag": "section"}
            self.sections.append(rec)
        if tag == "span" and "count" in (a.get("class") or "").split() and self.sections:
            rec = {"count_of": self.sections[-1]}
        if tag == "option":
            self.options.append(a.get("value") or "")
        if tag == "div" and "tools" in (a.get("class") or "").split():
            self.tools = True
        if tag not in ("input", "meta", "link", "br", "img"):
            self._open.append((tag, rec))

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
            return
        while self._open:
            t, _ = self._open.pop()
            if t == tag:
                break

    def _innermost(self) -> dict | None:
        return next((rec for _, rec in reversed(self._open) if "parts" in rec), None)

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
            return
        inner = self._innermost()
        if inner is not None:
            inner["parts"].append(data)
        for _, rec in self._open:
            if "text" in rec:
                rec["text"] += data
            if "count_of" in rec:
                rec["count_of"]["count"] += data

    @property
    def data(self) -> list[dict]:
        return json.loads(next(text for sid, text in self.scripts if sid == "quanli-data"))

    @property
    def script(self) -> str:
        return next(text for sid, text in self.scripts if not sid)


# A stand-in for the few DOM calls the index's script makes, built from the page as Page read it;
# it runs the script, then each query given, and prints what each one shows.
HARNESS = r"""
const fs = require('fs');
const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
function el(id, tag, cls, text, parts) {
  // parts: the element's text as the page has it, a string or {ref: id} of an element inside it
  const e = {id: id, tagName: (tag || 'div').toUpperCase(), className: cls || '', attrs: {},
    parts: parts || [text || ''], listeners: {}, children: [], parentNode: null, value: '', options: [],
    get textContent() { return this.parts.map(p => typeof p === 'string' ? p : (byId[p.ref] ? byId[p.ref].textContent : '')).join('')
                               + this.children.map(c => c.textContent).join(''); },
    set textContent(v) { this.parts = [String(v)]; this.children = []; },
    addEventListener(name, f) { (this.listeners[name] = this.listeners[name] || []).push(f); },
    fire(name) { (this.listeners[name] || []).forEach(f => f({type: name})); },
    getAttribute(n) { return Object.prototype.hasOwnProperty.call(this.attrs, n) ? this.attrs[n] : null; },
    setAttribute(n, v) { this.attrs[n] = String(v); },
    appendChild(c) { c.parentNode = this; this.children.push(c); if (c.id) byId[c.id] = c; return c; },
    insertBefore(c, ref) { c.parentNode = this; this.children.push(c); if (c.id) byId[c.id] = c; return c; },
    querySelector(sel) { return sel === '.count' ? (this.count || null) : null; },
    focus() {},
  };
  return e;
}
const byId = {};
for (const [id, e] of Object.entries(spec.elements)) byId[id] = el(id, e.tag, e.class, e.text, e.parts);
byId['quanli-data'] = el('quanli-data', 'script', '', spec.data);
byId.cat.options = spec.options.map(v => ({value: v}));
let catValue = '';
Object.defineProperty(byId.cat, 'value', {get() { return catValue; },
  set(v) { catValue = spec.options.includes(v) ? v : ''; }});
const sections = spec.sections.map(s => { const e = el('', 'section'); e.attrs['data-cat'] = s.cat;
  e.count = el('', 'span', 'count', s.count); return e; });
const body = el('', 'body');
const tools = spec.tools ? body.appendChild(el('', 'div', 'tools')) : null;
const replaced = [];
global.window = {location: {search: spec.search || '', pathname: '/index.html', hash: ''},
                 history: {replaceState(a, b, url) { replaced.push(url); }}};
global.document = {
  getElementById: id => byId[id] || null,
  querySelectorAll: sel => { if (sel !== 'section[data-cat]') throw new Error('unexpected selector ' + sel); return sections; },
  querySelector: sel => { if (sel !== '.tools') throw new Error('unexpected selector ' + sel); return tools; },
  createElement: tag => el('', tag),
  createTextNode: text => el('', '#text', '', text),
};
function state() {
  return {shown: byId.shown.textContent,
          visible: spec.items.filter(id => byId[id].className.split(' ').indexOf('hidden') < 0).map(id => id.slice(2)),
          sections: sections.filter(s => s.className.indexOf('hidden') < 0).map(s => [s.attrs['data-cat'], s.count.textContent]),
          none: byId.none ? {hidden: byId.none.className.split(' ').indexOf('hidden') >= 0, text: byId.none.textContent} : null,
          query: byId.q.value};
}
eval(spec.script);
const out = {initial: state(), results: [], replaced: replaced};
for (const step of spec.steps) {
  if (step.clear) byId.clear.fire('click');
  else { byId.q.value = step.q; if (step.cat !== undefined) { byId.cat.value = step.cat; byId.cat.fire('change'); } byId.q.fire('input'); }
  out.results.push(state());
}
process.stdout.write(JSON.stringify(out));
"""


def run(html: str, tmp_path: Path, steps: list[dict], search: str = "") -> dict:
    page = Page(html)
    spec = {
        "elements": {k: v for k, v in page.elements.items() if not k.startswith("i-")}
        | {k: page.elements[k] for k in page.items},
        "items": page.items,
        "sections": [{"cat": s["cat"], "count": s["count"]} for s in page.sections],
        "options": page.options,
        "tools": page.tools,
        "script": page.script,
        "data": next(text for sid, text in page.scripts if sid == "quanli-data"),
        "search": search,
        "steps": steps,
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "harness.js").write_text(HARNESS, encoding="utf-8")
    done = subprocess.run(
        [NODE, str(tmp_path / "harness.js"), str(tmp_path / "spec.json")],
        capture_output=True,
        timeout=60,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def expected(html: str, query: str, cat: str = "") -> list[str]:
    """The items a query should show, worked out here from the page's data: every word in the text."""
    words = unicodedata.normalize("NFKC", query).lower().split()
    return [
        row["k"]
        for row in Page(html).data
        if (not cat or row["c"] == cat) and all(w in unicodedata.normalize("NFKC", row["t"]).lower() for w in words)
    ]


# ---- the page itself (no script run) ---------------------------------------------------------


def test_the_index_has_a_hidden_no_match_message(built):
    _, member = built
    page = Page(member)
    none = page.elements["none"]
    assert "hidden" in none["class"].split()
    assert none["text"].startswith("没有找到与“") and "相符的事项" in none["text"]
    assert page.elements["clear"]["tag"] == "button" and page.elements["clear"]["attrs"].get("type") == "button"
    for needed in ("q", "cat", "shown", "none-q", "none-cat"):
        assert needed in page.elements
    # every row of the data names an item of the page, and an item's codes and category are searched
    assert [f"i-{row['k']}" for row in page.data] == page.items
    row = next(r for r in page.data if r["k"] == "SS-XK-001")
    assert "000122101000" in row["t"] and "行政许可" in row["t"] and "ss-xk-001" in row["t"]


def test_the_script_splits_on_ascii_and_ideographic_space(built):
    _, member = built
    script = Page(member).script
    assert r"[\s\u3000]+" in script and "normalize('NFKC')" in script and "toLowerCase" in script
    assert "</script" not in script.lower()


# ---- the script, run under node --------------------------------------------------------------


@needs_node
def test_two_words_find_the_items_holding_both(built, tmp_path):
    _, member = built
    out = run(
        member, tmp_path, [{"q": "食品 许可"}, {"q": "食品\u3000许可"}, {"q": "  许可   食品 "}, {"q": "食品许可"}]
    )
    both = expected(member, "食品 许可")
    assert {"SS-XK-001", "SS-XK-002"} <= set(both) and len(both) < len(Page(member).items)
    for result in out["results"][:3]:
        assert result["visible"] == both and result["shown"] == str(len(both))
        assert result["none"]["hidden"]
    # the words joined are one word: no name says 食品许可
    assert out["results"][3]["visible"] == expected(member, "食品许可") == []
    assert not out["results"][3]["none"]["hidden"]


@needs_node
def test_one_word_and_ascii_case(built, tmp_path):
    _, member = built
    out = run(
        member,
        tmp_path,
        [{"q": "处罚"}, {"q": "ss-xk-001"}, {"q": "SS-XK-001"}, {"q": "ＳＳ－ＸＫ－００１"}, {"q": "000122101000"}],
    )
    assert out["results"][0]["visible"] == expected(member, "处罚") and out["results"][0]["visible"]
    for result in out["results"][1:]:
        assert result["visible"] == ["SS-XK-001"], result
    # the heading of a category shows how many of its items the search shows
    assert out["results"][1]["sections"] == [["行政许可", "（共 2 项，显示 1 项）"]]


@needs_node
def test_no_match_says_so_and_clearing_shows_everything_again(built, tmp_path):
    _, member = built
    every = Page(member).items
    out = run(
        member,
        tmp_path,
        [
            {"q": "没有这个事项"},
            {"q": ""},
            {"q": "食品 没有"},
            {"clear": True},
            {"q": "食品", "cat": "行政处罚"},
            {"q": "许可证", "cat": "行政检查"},
        ],
    )
    nothing, cleared, nothing2, reset, in_cat, none_in_cat = out["results"]
    assert nothing["visible"] == [] and nothing["shown"] == "0" and nothing["sections"] == []
    assert not nothing["none"]["hidden"]
    assert nothing["none"]["text"].startswith("没有找到与“没有这个事项”相符的事项")
    assert nothing["query"] == "没有这个事项"  # the box keeps what was typed
    for result in (cleared, reset):
        assert result["visible"] == [i[2:] for i in every] and result["none"]["hidden"]
        assert all("显示" not in count for _, count in result["sections"])
    assert not nothing2["none"]["hidden"] and reset["query"] == ""
    assert in_cat["visible"] == expected(member, "食品", "行政处罚") and in_cat["visible"]
    assert "（类别：行政检查）" in none_in_cat["none"]["text"] and not none_in_cat["none"]["hidden"]
    # the address follows the search (a link to it can be shared); clearing drops it
    assert out["replaced"][0] == "/index.html?q=" + "%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA%E4%BA%8B%E9%A1%B9"
    assert out["replaced"][1] == "/index.html"


@needs_node
def test_a_query_in_the_address_opens_the_page_searched(built, tmp_path):
    _, member = built
    out = run(
        member, tmp_path, [], search="?q=%E9%A3%9F%E5%93%81+%E8%AE%B8%E5%8F%AF&cat=%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF"
    )
    assert out["initial"]["query"] == "食品 许可"
    assert out["initial"]["visible"] == expected(member, "食品 许可", "行政许可") == ["SS-XK-001", "SS-XK-002"]
    assert out["replaced"] == []  # opening the page does not rewrite its address
    bad = run(
        member, tmp_path, [], search="?q=%E9%A3%9&cat=%E4%B8%8D%E5%AD%98%E5%9C%A8"
    )  # broken escape, unknown category
    assert bad["initial"]["visible"] == [i[2:] for i in Page(member).items]


@needs_node
def test_the_combined_index_searches_the_same_way(built, tmp_path):
    combined, _ = built
    out = run(combined, tmp_path, [{"q": "食品 许可"}, {"q": "zzz 没有"}, {"clear": True}])
    found, nothing, reset = out["results"]
    assert found["visible"] == expected(combined, "食品 许可") and found["visible"]
    assert not nothing["none"]["hidden"] and "没有找到与“zzz 没有”相符的事项" in nothing["none"]["text"]
    assert len(reset["visible"]) == len(Page(combined).items)
