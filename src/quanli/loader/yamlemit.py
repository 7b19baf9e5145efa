"""The canonical YAML of plain data, written directly: keys in schema order, block style, two spaces.

It writes exactly what ``yamlfmt._fast_dump`` (PyYAML's C emitter behind its Python representer)
writes for the same ordered data, ten times faster, because the representer, not the emitter, was
the cost: about 0.4 ms an item of the 1.3 ms ``fmt --check`` and ``import`` spent on each. It knows
only the common case and says so: ``emit`` returns None for anything it does not write to the byte
(a multi-line string, a float in exponent form or not finite, a character libyaml escapes, a key that is not a simple name, a very
long string), and the caller then takes the C emitter's path. ``tests/test_yamlemit.py`` holds the
two to the same bytes on every sample and generated file and on a list of awkward strings.
"""

from __future__ import annotations

import re
from typing import Any

from quanli.loader.yamlfmt import _needs_quotes, _resolve

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# what libyaml prints as it is (allow_unicode): no control characters, no NEL, no line or paragraph
# separator (U+2028, U+2029: libyaml breaks lines there), no BOM, no U+FFFE/FFFF, nothing beyond U+FFFF
# (libyaml escapes what UTF-8 writes in four bytes)
_PRINTABLE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*\\Z")
_FIRST_INDICATOR = set("#,[]{}&*!|>'\"%@`")
_LONGEST = 100_000  # libyaml folds a line longer than its width: stay far below it


class _Unwritten(Exception):
    """Something emit does not write exactly as the C emitter does."""


class _Node:
    """A schema node as emit uses it: its key order and, resolved once, the node of each key and item."""

    __slots__ = ("order", "children", "item", "root", "kids", "each")

    def __init__(self, node: dict, root: dict) -> None:
        props = node.get("properties") or {}
        self.order = list(props) if isinstance(props, dict) else []
        self.children = (
            {k: v for k, v in props.items() if k != "extra"} if isinstance(props, dict) else {}
        )  # extra's contents follow no schema
        self.item = node.get("items") or {}
        self.root = root
        self.kids: dict[str, _Node] = {}
        self.each: _Node | None = None

    def child(self, key: str) -> _Node:
        kid = self.kids.get(key)
        if kid is None:
            kid = self.kids[key] = _plan(self.children.get(key, _EMPTY), self.root)
        return kid

    def items(self) -> _Node:
        if self.each is None:
            self.each = _plan(self.item, self.root)
        return self.each


_EMPTY: dict = {}
_PLANS: dict[int, tuple[dict, _Node]] = {}  # id(schema node) -> (the node, kept alive so the id stays its own; plan)


def _plan(node: dict, root: dict) -> _Node:
    known = _PLANS.get(id(node))
    if known is not None and known[0] is node:
        return known[1]
    plan = _Node(_resolve(node, root), root)
    _PLANS[id(node)] = (node, plan)
    return plan


def emit(data: Any, schema: dict) -> str | None:
    """The canonical text of ``data`` (a mapping or a list) in ``schema``'s key order, or None."""
    if not isinstance(data, (dict, list)) or not data:
        return None
    out: list[str] = []
    try:
        if isinstance(data, dict):
            _mapping(data, _plan(schema, schema), 0, out)
        else:
            _sequence(data, _plan(schema, schema), 0, out)
    except (_Unwritten, RecursionError):
        return None
    return "".join(out)


def _mapping(value: dict, node: _Node, indent: int, out: list[str], first_inline: bool = False) -> None:
    """Write the pairs of a non-empty mapping at ``indent``; with ``first_inline`` the first key
    follows a "- " already written."""
    keys = [k for k in node.order if k in value]
    if len(keys) != len(value):
        keys += [k for k in value if k not in node.children and k not in keys]
    pad = " " * indent
    for n, key in enumerate(keys):
        if key not in _GOOD_KEYS:
            if not isinstance(key, str) or not _KEY.match(key) or len(key) > 128 or _needs_quotes(key):
                raise _Unwritten
            _GOOD_KEYS.add(key)
        out.append((key if (first_inline and n == 0) else pad + key) + ":")
        _value(value[key], node.child(key), indent, out, True)


_GOOD_KEYS: set[str] = set()


def _sequence(value: list, node: _Node, indent: int, out: list[str], first_inline: bool = False) -> None:
    item = node.items()
    pad = " " * indent
    for n, entry in enumerate(value):
        out.append("-" if (first_inline and n == 0) else pad + "-")
        _value(entry, item, indent, out, False)


def _value(value: Any, node: _Node, indent: int, out: list[str], in_mapping: bool) -> None:
    """After "key:" (``in_mapping``) or "-": the value, to the end of its last line."""
    kind = type(value)
    if kind is str:
        text = _SCALARS.get(value)
        if text is None:
            text = _scalar(value)
            if len(_SCALARS) > 200_000:
                _SCALARS.clear()
            _SCALARS[value] = text
        out.append(text)
    elif kind is dict:
        if not value:
            out.append(" {}\n")
        elif in_mapping:
            out.append("\n")
            _mapping(value, node, indent + 2, out)
        else:
            out.append(" ")
            _mapping(value, node, indent + 2, out, first_inline=True)
    elif kind is list:
        if not value:
            out.append(" []\n")
        elif in_mapping:  # PyYAML writes a mapping's sequence at the mapping's own indent
            out.append("\n")
            _sequence(value, node, indent, out)
        else:
            out.append(" ")
            _sequence(value, node, indent + 2, out, first_inline=True)
    elif value is None:
        out.append("\n")
    elif value is True:
        out.append(" true\n")
    elif value is False:
        out.append(" false\n")
    elif kind is int:
        out.append(f" {value}\n")
    elif kind is float:  # SafeRepresenter: repr, lower case; .inf, .nan and exponents are left to it
        text = repr(value)
        if "e" in text or "n" in text:
            raise _Unwritten
        out.append(f" {text}\n")
    else:
        raise _Unwritten


_SCALARS: dict[str, str] = {}  # text -> " <its scalar>\n": names, units and forms repeat across items


def _scalar(text: str) -> str:
    if "\n" in text or len(text) > _LONGEST or not _PRINTABLE.match(text):
        raise _Unwritten
    if _needs_quotes(text) or not _plain_allowed(text):
        return " '" + text.replace("'", "''") + "'\n"
    return " " + text + "\n"


def _plain_allowed(text: str) -> bool:
    """libyaml's test of a block-context plain scalar (yaml_emitter_analyze_scalar) for a one-line,
    printable text that is not empty and has no space at either end."""
    if text.startswith(("---", "...")):
        return False
    first = text[0]
    if first in _FIRST_INDICATOR:
        return False
    if first in "?:-" and (len(text) == 1 or text[1] == " "):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    return True
