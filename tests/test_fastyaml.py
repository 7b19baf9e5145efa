"""The fast reader (quanli.loader.fastyaml) either declines a text or reads it exactly as the
full reader does: same data, same types, same facts; and it declines every text the full
reader refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanli.loader import fastyaml, yamlparse
from quanli.loader.yamlparse import ParseFailure

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "catalogs").rglob("*.yaml"))


def typed(value):
    """Data with its types spelled out: True == 1 and 1 == 1.0 in Python, not here."""
    if isinstance(value, dict):
        return ("map", tuple((k, typed(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("seq", tuple(typed(v) for v in value))
    return (type(value).__name__, value)


def full(text: str):
    """The full reader's answer: (typed data, facts), or the failure's rule."""
    facts: list = []
    try:
        data, _ = yamlparse.parse(text, track=True, facts=facts)  # track=True never takes the fast path
    except ParseFailure as failure:
        return failure.rule
    return typed(data), facts


def agrees(text: str) -> bool:
    """True if the fast reader declined or matched the full reader; raises on disagreement."""
    facts: list = []
    fast = fastyaml.parse(text, facts)
    expected = full(text)
    if fast is None:
        return False
    assert not isinstance(expected, str), f"fast reader accepted a text the full reader refuses ({expected}): {text!r}"
    assert (typed(fast), facts) == expected, text
    return True


def test_sample_catalogue_files_are_read_fast_and_the_same():
    assert SAMPLES
    accepted = [path for path in SAMPLES if agrees(path.read_text(encoding="utf-8"))]
    # the samples are in the canonical shape (CI runs quanli fmt --check): nearly all must be ours,
    # or the fast path is silently declining and buys nothing
    assert len(accepted) >= 0.9 * len(SAMPLES), [p.name for p in SAMPLES if p not in accepted][:10]


ACCEPTED = [
    "id: A-1\nname: '事项（1）'\nlevel: [市级, 县级]\n",
    "a: 1\nb: 2\nc: 1.5\nd: 010\ne: 0x1F\nf: 12:30\ng: 2024-01-01\nh: no\ni: yes\nj: ~\nk: null\nl: True\n",
    "a:\n  b:\n    c: x\n  d: [1, '2', \"3\"]\ne: {v: 90, unit: 自然日}\n",
    "list:\n  - a\n  - 'b c'\n  - k: v\n    k2: w\n  - {x: 1}\n  - []\n  - {}\n",
    "a: x # comment\n# full line comment\n   # indented comment\nb: 'it''s' # c\n\n\nc:   spaced\n",
    "a: http://example.com/x?y=1#frag\nb: 08:30-12:00\nc: a#b\nd: '  padded  '\ne: [' x', 'y ']\n",
    "a:\nb: # nothing\nc:\n  - x\n",
    "seq:\n  - k:\n      deep: 1\n  - k:\n  - last\n",
    "a:\n- x\n- k: v\n  l:\n  - y\n  m: 1\nb:\n- z\nc: 2\n",
    "a: '020-12345'\nb: 12345\nc: 1234567890123456789012345678901234\nd: +1\ne: 1.\nf: .5\n",
    "a: 真\nb: 'x: y'\nc: \"x # y\"\nd: x, y\ne: [a b, c]\n",
]

DECLINED = [
    "",  # empty
    "# only a comment\n",
    "- a\n- b\n",  # not a mapping
    "plain text\n",
    "a: 1\na: 2\n",  # duplicate key: the full reader names it
    "a: {x: 1, x: 2}\n",
    "a: &anchor x\nb: *anchor\n",
    "a: !!str 1\n",
    "a: |\n  block\n",
    "a: >\n  folded\n",
    "a: multi\n  line plain\n",
    "a: 'multi\n  line quoted'\n",
    'a: "escape \\t"\n',
    "a: 1\n- x\n",
    "a:\n- x\n  b: 1\n",
    "a:\n  - x\n  b: 1\n",
    "a:\tb\n",  # tab
    "a: b\r\nc: d\r\n",  # CR
    "a: b\u2028c\n",  # Unicode line separator
    "a: x\ufeffy\n",
    "'quoted key': 1\n",
    "中文键: 1\n",
    "a: b: c\n",
    "a: b:\n",
    "a: 'x'y\n",
    "a: 'x'#y\n",
    "a: [x, [y]]\n",
    "a: [x, ]\n",
    "a: [x,, y]\n",
    "a: [x\n",
    "a: [x: y]\n",
    "a: {x: }\n",
    "a: -x\n",
    "a: -2\n",  # YAML reads a plain "-" start in several ways: all of them left to libyaml
    "a: ?x\n",
    "a: @x\n",
    "a: `x\n",
    "a: %x\n",
    "---\na: 1\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\n...\n",
    "  a: 1\n",  # root mapping indented
    "a:\n  b: 1\n c: 2\n",  # bad indent
    "a: 1\n  b: 2\n",
    "l:\n  - a\n  b: c\n",
    "l:\n  -  two spaces\n",
    "l:\n  -\n    - nested\n",
    "l:\n  - - x\n",
    "a:#c\n",
    "? a\n: b\n",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_plain_shapes_are_read_fast_and_the_same(text):
    assert agrees(text)


@pytest.mark.parametrize("text", DECLINED)
def test_other_shapes_go_to_the_full_reader(text):
    facts: list = []
    assert fastyaml.parse(text, facts) is None
    assert facts == []


def test_facts_name_the_quote_of_padded_text():
    facts: list = []
    text = "a: ' x'\nl:\n  - 'y '\nm: {k: v, w: ' z'}\n"
    fastyaml.parse(text, facts)
    assert facts == [("whitespace", 1, 4), ("whitespace", 3, 5), ("whitespace", 4, 14)]
    assert facts == full(text)[1]


def test_remembered_lines_give_each_document_its_own_data():
    """Lines repeat across files and are read once; a document's lists and mappings are its own,
    and a remembered line's facts carry the line number where it stands now."""
    text = "a: [x, y]\nb: {k: v}\nc:\n  - ' p'\n"
    first = fastyaml.parse(text)
    first["a"].append("z")
    first["b"]["k"] = "changed"
    first["c"].append("q")
    facts: list = []
    again = fastyaml.parse("z: 1\n" + text, facts)
    assert again == {"z": 1, "a": ["x", "y"], "b": {"k": "v"}, "c": [" p"]}
    assert facts == [("whitespace", 5, 5)] == full("z: 1\n" + text)[1]


def test_the_line_memory_stays_within_its_budget(monkeypatch):
    monkeypatch.setattr(fastyaml, "_LINES_BUDGET", 2_000)
    for i in range(200):
        assert fastyaml.parse(f"k{i}: '{'长' * 50}{i}'\n") == {f"k{i}": "长" * 50 + str(i)}
    assert 0 < len(fastyaml._LINES) <= 2_000 // 50
    assert fastyaml._kept[0] <= 2_000


def test_deep_nesting_is_left_to_the_full_reader():
    text = "".join(" " * (2 * i) + f"k{i}:\n" for i in range(100)) + " " * 200 + "x: 1\n"
    assert fastyaml.parse(text) is None


# An alphabet of everything that changes YAML's reading, and a little text (the text more often)
ALPHABET = list("ab:#'\" -[]{},&*!|>%@`?\t\n\r\\") + [
    "  ",
    "\n  ",
    "\n- ",
    ": ",
    " #",
    "''",
    "真",
    "\u3000",
    "1",
    "0",
    ".",
]
CHARS = list("abcxyz真实1.0 ") * 6 + [
    ": ",
    " #",
    "#",
    ":",
    "'",
    '"',
    "-",
    ",",
    "[",
    "]",
    "{",
    "}",
    "\t",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "?",
    "\\",
    "\u3000",
    "~",
    "''",
    "\r",
    "\ufeff",
]
WORD = st.lists(st.sampled_from(CHARS), max_size=6).map("".join)
KEY = st.sampled_from(["a", "b", "c", "id", "name", "k_1", "a b", "真"])
VALUE = st.one_of(
    WORD,
    WORD.map(lambda w: f"'{w}'"),
    WORD.map(lambda w: f'"{w}"'),
    st.lists(st.one_of(WORD, WORD.map(lambda w: f"'{w}'")), max_size=3).map(lambda ws: "[" + ", ".join(ws) + "]"),
    st.lists(st.tuples(KEY, WORD), max_size=3).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
    st.sampled_from(["", " # note", "1", "-1", "010", "no", "~", "2024-01-01", "12:30", "|", "&x y", "*x"]),
)


@st.composite
def documents(draw, depth: int = 0, indent: int = 0, in_list: bool = False) -> str:
    """A block mapping written the ways people and quanli fmt write one, with risky scalars."""
    lines = []
    for n, key in enumerate(draw(st.lists(KEY, min_size=1, max_size=4))):
        pad = " " * (indent + 2 if in_list and n else indent)
        kind = draw(st.sampled_from(["scalar", "scalar", "map", "list"] if depth < 3 else ["scalar"]))
        if kind == "scalar":
            lines.append(f"{pad}{key}: {draw(VALUE)}{draw(st.sampled_from(['', '', ' ', ' # c']))}")
        elif kind == "map":
            lines.append(f"{pad}{key}:")
            lines.append(draw(documents(depth + 1, len(pad) + draw(st.sampled_from([2, 2, 4, 1, 0])))))
        else:
            lines.append(f"{pad}{key}:")
            at = len(pad) + draw(st.sampled_from([0, 0, 2, 4, 1]))
            for _ in range(draw(st.integers(1, 3))):
                if draw(st.booleans()):
                    lines.append(f"{' ' * at}- {draw(VALUE)}")
                else:
                    lines.append(f"{' ' * at}- " + draw(documents(depth + 1, at, in_list=True)).lstrip(" "))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "# comment", "  # comment", "   "])))
    return "\n".join(lines)


LINES = st.one_of(
    documents().map(lambda text: text + "\n"),
    st.lists(
        st.tuples(
            st.sampled_from(["", "", "", "  ", "  ", "    ", " ", "      "]),
            st.sampled_from(["", "", "", "- ", "- ", "-", "- - ", "-  "]),
            st.one_of(KEY.map(lambda k: k + ": "), KEY.map(lambda k: k + ":"), st.just("")),
            VALUE,
            st.sampled_from(["", "", "", " ", " # c", "#c"]),
        ),
        min_size=1,
        max_size=10,
    ).map(lambda lines: "".join("".join(parts) + "\n" for parts in lines)),
)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES)
def test_generated_documents_agree(text):
    agrees(text)


def _mutations():
    base = [p.read_text(encoding="utf-8") for p in SAMPLES[:40]]
    return st.tuples(
        st.sampled_from(base),
        st.lists(
            st.tuples(st.integers(0, 10_000), st.integers(0, 3), st.sampled_from(ALPHABET)), min_size=1, max_size=4
        ),
    )


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_mutated_catalogue_files_agree(case):
    text, edits = case
    for where, cut, insert in edits:
        where %= len(text) + 1
        text = text[:where] + insert + text[where + cut :]
    agrees(text)
