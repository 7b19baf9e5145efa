"""A fast reader for the plain shape of YAML that ``quanli fmt`` writes, which declines anything else.

libyaml, through PyYAML, builds a Python event and two position marks for every scalar, key and
collection: about 0.1 ms of a 0.14 ms parse of a typical item file. Catalogue files are kept
in one plain shape (block mappings with snake_case keys, block sequences, one-line scalars and
one-line flow collections of scalars), and this module reads exactly that shape line by line.

It returns ``None`` -- "not mine" -- for anything outside it: tabs, carriage returns, Unicode
line separators, comments in odd places, anchors, aliases, tags, directives, several
documents, multi-line or block scalars, escapes in double quotes, keys that are not
snake_case, duplicate keys, odd indentation, anything that might be an error. The caller then
parses the text with the full reader (``yamlparse.parse``), which gives the finding and its
position. Whenever this module answers, its answer equals the full reader's, types included
(tests compare the two on generated and mutated documents); it never reports errors itself.

Most lines of a catalogue repeat from file to file (``    form: 原件``, ``remedy:``, the same
legal basis), so what a line says is worked out once per process and remembered by its text
(``_LINES``, within a budget of characters); only the nesting is worked out again for each file.
A remembered flow collection is handed out as a fresh copy.
"""

from __future__ import annotations

import re
from sys import intern
from typing import Any

from quanli.loader.yamlparse import _NUMERIC_START, SHARED_TEXT, resolve_plain

# Anything but printable ASCII, the line feed and the plain BMP/astral text YAML reads
# as itself: tabs, CR, NEL, U+2028/2029 (YAML line breaks) and U+FEFF (libyaml skips it
# at the start of a line) send the file to the full reader.
_UNUSUAL = re.compile("[^\n\x20-\x7e\u00a0-\u2027\u202a-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# One line: its indent, then a blank or comment-only line, or an optional "- " (one space), an
# optional "key:" and a one-line value (single- or double-quoted, a flow collection, plain or
# nothing) with an optional comment. Anything else fails to match: the file is not ours.
_LINE = re.compile(
    r"""
(\ *)
(?:
  (?P<blank>(?:\#[^\n]*)?)(?=\n|\Z)
|
  (?P<dash>-\ (?!\ ))?
  (?:(?P<key>[A-Za-z_][A-Za-z0-9_]{0,99}):(?:\ +|(?=\n|\Z)))?
  (?:
    '(?P<sq>[^'\n]*(?:''[^'\n]*)*)'
  | "(?P<dq>[^"\\\n]*)"
  | (?P<flow>[\[{][^\n]*)
  | (?P<plain>[^-?:,\[\]{}\#&*!|>'"%@`\ \n][^\n:\#]*(?:(?::(?=[^\ \n])|(?<!\ )\#)[^\n:\#]*)*)
  )?
  \ *(?:(?<=\ )\#[^\n]*)?
)
(?:\n|\Z)""",
    re.X,
)
# one element of a one-line flow collection: a quoted scalar or a plain one without flow
# indicators, colons, quotes or comment signs, then a comma or the closing bracket
_FLOW_ITEM = re.compile(r""" *(?:'((?:[^']|'')*)'|"([^"\\]*)"|([^-?:,\[\]{}#&*!|>'"%@` ][^,\[\]{}:#'"]*?)) *([,\]}])""")
_FLOW_KEY = re.compile(r" *([A-Za-z_][A-Za-z0-9_]{0,99}): +")
_FLOW_EMPTY = re.compile(r" *[\]}]")
_FLOW_NEXT = re.compile(r" *[,\]}]")
_TRAILER = re.compile(r"(?: +#.*)? *\Z")
# a plain scalar may not start with an indicator (YAML allows some of these when followed by
# a non-space, e.g. -5 or :x; those rare cases go to the full reader)
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_SPECIAL = re.compile(r"['\"\[\]{}#]")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}\Z").match
MAX_DEPTH = 60


def _quoted(value: str, facts: list | None, line: int, column: int) -> str:
    if facts is not None and value and value != value.strip():
        facts.append(("whitespace", line, column))
    return intern(value) if len(value) <= SHARED_TEXT else value


_DECLINE = object()
_SHORT: dict = {}  # short plain text -> its value: department names, 原件, 1 … repeat in every file


def _plain(text: str) -> Any:
    """A plain scalar's value (``text`` trimmed, not empty)."""
    if len(text) > SHARED_TEXT:
        return resolve_plain(text) if text[0] in _NUMERIC_START else text
    value = _SHORT.get(text, _DECLINE)
    if value is _DECLINE:
        value = resolve_plain(text)
        if type(value) is str:
            value = intern(value)
        if len(_SHORT) > 100_000:
            _SHORT.clear()
        _SHORT[text] = value
    return value


def _simple_flow(rest: str, is_map: bool) -> Any:
    """``[a, b]`` or ``{k: v, l: w}`` of plain scalars only, the common case, by splitting; None
    when the collection holds anything else (or is empty), for ``_flow`` to read."""
    close = rest.find("}" if is_map else "]")
    if close < 0 or not _TRAILER.match(rest, close + 1):
        return None
    inner = rest[1:close]
    if _FLOW_SPECIAL.search(inner) or not inner.strip(" "):
        return None
    if is_map:
        out: Any = {}
        for part in inner.split(","):
            key, colon, text = part.partition(": ")
            key, text = key.lstrip(" "), text.strip(" ")
            if not colon or not text or ":" in text or text[0] in _PLAIN_START or not _KEY(key) or key in out:
                return None
            out[intern(key)] = _plain(text)
        return out
    out = []
    for part in inner.split(","):
        text = part.strip(" ")
        if not text or ":" in text or text[0] in _PLAIN_START:
            return None
        out.append(_plain(text))
    return out


def _flow(rest: str, line: int, column: int, facts: list | None) -> Any:
    """``[a, 'b']`` or ``{k: v, k2: 'w'}`` of scalars on one line (``rest`` runs to the end of
    the line, ``column`` is where it starts); ``_DECLINE`` for anything else."""
    is_map = rest[0] == "{"
    simple = _simple_flow(rest, is_map)
    if simple is not None:
        return simple
    close = "}" if is_map else "]"
    m = _FLOW_EMPTY.match(rest, 1)
    if m is not None:  # [] or {}
        if rest[m.end() - 1] != close or not _TRAILER.match(rest, m.end()):
            return _DECLINE
        return {} if is_map else []
    out: Any = {} if is_map else []
    pos = 1
    while True:
        key = None
        if is_map:
            k = _FLOW_KEY.match(rest, pos)
            if k is None:
                return _DECLINE
            key = intern(k.group(1))
            if key in out:
                return _DECLINE
            pos = k.end()
        m = _FLOW_ITEM.match(rest, pos)
        if m is None:
            return _DECLINE
        single, double, plain, end = m.groups()
        if plain is not None:
            value = _plain(plain)
        elif single is not None:
            value = _quoted(single.replace("''", "'"), facts, line, column + m.start(1) - 1)
        else:
            value = _quoted(double, facts, line, column + m.start(2) - 1)
        if is_map:
            out[key] = value
        else:
            out.append(value)
        pos = m.end()
        if end != ",":
            if end != close or not _TRAILER.match(rest, pos):
                return _DECLINE
            return out
        if _FLOW_NEXT.match(rest, pos):  # [a, ] or [a,,b]: leave those to libyaml
            return _DECLINE


_BLANK = ()
_LINES: dict = {}  # a line's text -> what it says (see _read_line): most lines repeat across files
_LINES_BUDGET = 4_000_000  # characters of line text kept in _LINES before it starts afresh
_kept = [0]


def _read_line(line: str) -> tuple | None:
    """What one line says, whatever its place: (indent, dash, key, value, copy, facts) -- the
    value is ``_DECLINE`` after a bare "key:" or "- ", ``copy`` is true for a flow collection
    (handed out as a fresh copy each time), ``facts`` are (name, column) pairs; ``_BLANK`` for a
    blank or comment line, None for a line not of our shape."""
    m = _LINE.match(line)
    if m is None:
        return None
    kind = m.lastgroup
    if kind == "blank":
        return _BLANK
    spaces, _, dash, key, sq, dq, flow, plain = m.groups()
    found: list = []
    if kind == "plain":
        value = _plain(plain.rstrip(" ") if plain[-1] == " " else plain)
    elif kind == "sq":
        value = _quoted(sq.replace("''", "'") if "''" in sq else sq, found, 0, m.start(kind))
    elif kind == "dq":
        value = _quoted(dq, found, 0, m.start(kind))
    elif kind == "flow":
        value = _flow(flow, 0, m.start(kind) + 1, found)
        if value is _DECLINE:
            return None
    else:
        value = _DECLINE  # nothing after "key:" or "- "
    return (
        len(spaces),
        dash is not None,
        None if key is None else intern(key),
        value,
        kind == "flow",
        tuple((f[0], f[2]) for f in found),
    )


def parse(text: str, facts: list | None = None) -> dict | None:
    """The document as plain data (always a mapping), or None when the full reader must read it."""
    if _UNUSUAL.search(text):
        return None
    root: dict = {}
    # the innermost open collection (indent, container, is_map), and the ones around it
    indent_at, container, is_map = -1, None, True
    stack: list = []
    pending = None  # (indent, mapping, key): a key whose value may be the block below it
    memo = _LINES
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the text's final line feed
    number = 0
    for line in lines:
        number += 1
        said = memo.get(line)
        if said is None:
            said = _read_line(line)
            if said is None:
                return None
            _kept[0] += len(line) + 40
            if _kept[0] > _LINES_BUDGET:
                memo.clear()
                _kept[0] = len(line) + 40
            memo[line] = said
        if said is _BLANK:
            continue
        indent, dash, key, value, copy, found = said
        if pending is not None:
            p_indent, p_map, p_key = pending
            pending = None
            # the key's value is the block that starts here; a sequence may sit at the key's
            # own indent ("key:\n- a", as quanli fmt writes it)
            if indent > p_indent or (dash and indent == p_indent):
                if len(stack) >= MAX_DEPTH:
                    return None
                stack.append((indent_at, container, is_map))
                container = [] if dash else {}
                p_map[p_key] = container
                indent_at, is_map = indent, not dash
        elif container is None:
            if indent or dash:
                return None
            indent_at, container = 0, root
        while indent_at > indent:
            indent_at, container, is_map = stack.pop()
        if not dash and not is_map and stack and stack[-1][0] == indent:
            indent_at, container, is_map = stack.pop()  # a key after a sequence at its mapping's indent
        if indent_at != indent:
            return None
        if copy:
            value = value.copy()  # a flow collection of scalars: each document gets its own
        if found and facts is not None:
            facts.extend((name, number, column) for name, column in found)
        if dash:
            if is_map:
                return None
            if key is None:  # "- value"
                if value is _DECLINE:  # "-" alone: a nested block or null; not our shape
                    return None
                container.append(value)
                continue
            # "- key: ...": a mapping whose keys sit two columns in
            if len(stack) >= MAX_DEPTH:
                return None
            new: dict = {}
            container.append(new)
            stack.append((indent_at, container, is_map))
            indent_at, container, is_map = indent + 2, new, True
        elif not is_map or key is None:
            return None
        if key in container:
            return None
        if value is _DECLINE:  # "key:" (maybe with a comment): null, or the block on the lines below
            container[key] = None
            pending = (indent_at, container, key)
        else:
            container[key] = value
    if container is None:
        return None  # empty, or only comments
    return root
