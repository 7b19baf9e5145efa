"""One canonical form for catalogue YAML, with comments kept (``quanli fmt``, and files ``import`` writes).

The form: the ``# yaml-language-server`` line first; keys in the order the schema lists
them (unknown keys after, in their own order); two-space indentation with list dashes at
the key's column; no line folding; strings plain unless YAML 1.1, YAML 1.2 or quanli would
read them as something else (``no``, ``010``, ``12:30``, ``2026-01-01``), then single-quoted;
texts with line breaks as literal blocks. Comments travel with the key they follow.

A formatted file must load to exactly the data the original loads to (quanli's own
loader, both times); a file where that would not hold is left alone and reported.
"""

from __future__ import annotations

import io
import json
import re
from functools import cache, lru_cache
from typing import Any

MODELINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=\S+\s*$")
KIND_OF_FILE = {"catalog.yaml": "catalog", "laws.yaml": "laws"}


class Unsafe(Exception):
    """Formatting would change the data, or the file cannot be read."""


def kind_of(rel: str) -> str | None:
    """The schema kind of a catalogue file from its path inside the catalogue."""
    if rel in KIND_OF_FILE:
        return KIND_OF_FILE[rel]
    if re.fullmatch(r"items/[^/]+\.ya?ml", rel):
        return "item"
    if re.fullmatch(r"flows/[^/]+\.ya?ml", rel):
        return "flow"
    if re.fullmatch(r"records/[^/]+\.ya?ml", rel):
        return "record"
    return None


@cache
def _schema(kind: str) -> dict:
    from quanli.core.resources import schema_file

    return json.loads(schema_file(kind).read_text(encoding="utf-8"))


def _resolve(node: Any, root: dict) -> dict:
    """Follow $ref and pick the object alternative of oneOf/anyOf: the part that orders keys."""
    for _ in range(10):
        if not isinstance(node, dict):
            return {}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = target
            continue
        for alt in ("oneOf", "anyOf"):
            for option in node.get(alt) or []:
                option = _resolve(option, root)
                if "properties" in option or "items" in option:
                    return option
        return node
    return {}


def _inner_comments(mapping) -> bool:
    """Does a value of this mapping end with a comment that really sits before the next key?"""
    return any(_ends_with_comment(v) for v in mapping.values())


def _ends_with_comment(v) -> bool:
    """A comment held by the last key or entry of ``v``, or of its last entry's last entry …: after
    ``- {law: a}`` the comment is the list's, after ``- law: a`` (the same list once formatted) it is
    the entry's; both sit before the next key, or formatting twice would not give the same text."""
    if hasattr(v, "keys") and len(v):
        last = list(v.keys())[-1]
    elif isinstance(v, list) and v:
        last = len(v) - 1
    else:
        return False
    ca = getattr(v, "ca", None)
    if ca is not None and last in ca.items:
        return True
    return _ends_with_comment(v[last])


def _order(value: Any, node: dict, root: dict) -> Any:
    """Reorder mapping keys (recursively) as the schema lists them; lists keep their order."""
    from ruamel.yaml.comments import CommentedMap

    node = _resolve(node, root)
    fa = getattr(value, "fa", None)
    if fa is not None:  # flow style ({a: 1}, [x]) becomes block style: one form for every file
        fa.set_block_style()
    if isinstance(value, dict):
        props = node.get("properties") or {}
        known = [k for k in props if k in value]
        rest = [k for k in value if k not in props]
        for key in list(value):
            value[key] = _order(value[key], props.get(key, {}) if key != "extra" else {}, root)
        if isinstance(value, CommentedMap):
            # a comment between keys is held by the key before it, so reordering would carry it elsewhere:
            # a mapping that holds comments keeps the order its author gave it
            if not value.ca.items and not _inner_comments(value):
                for key in known + rest:
                    value.move_to_end(key)
        else:
            ordered = {k: value[k] for k in known + rest}
            value.clear()
            value.update(ordered)
        return value
    if isinstance(value, list):
        item = node.get("items") or {}
        for n, entry in enumerate(value):
            value[n] = _order(entry, item, root)
    return value


@lru_cache(maxsize=65536)
def _needs_quotes(text: str) -> bool:
    """Would a plain scalar with this text be read back as something other than this text?"""
    import yaml

    from quanli.loader.yamlparse import resolve_plain

    if text == "" or text != text.strip() or "\n" in text:
        return True
    if resolve_plain(text) != text:  # quanli's own reading
        return True
    if _YAML12_NOT_STR.match(text):  # YAML 1.2 readers (editors, ruamel): 1e5, 0o17, .inf, True …
        return True
    tag = _resolver().resolve(yaml.ScalarNode, text, (True, False))  # YAML 1.1 readers (PyYAML and others)
    return tag != "tag:yaml.org,2002:str"


_YAML12_NOT_STR = re.compile(
    r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|null|Null|NULL|~)$"
)


@lru_cache(maxsize=1)
def _resolver():
    import yaml

    return yaml.resolver.Resolver()


def _yaml():
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        pass

    def represent_str(self, data: str):
        if (
            "\n" in data
            and not any(ch in data for ch in "\r\t")
            and data == data.rstrip(" ")
            and not data.startswith(" ")
        ):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="|")
        style = "'" if _needs_quotes(data) else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Representer.add_representer(str, represent_str)
    y = YAML(typ="rt")
    y.Representer = Representer
    y.indent(mapping=2, sequence=2, offset=0)
    y.width = 1 << 20  # never fold long texts
    y.allow_unicode = True
    y.preserve_quotes = False
    return y


@lru_cache(maxsize=1)
def _fast_dumper():
    """PyYAML's C emitter set up to write what the ruamel path writes for a document without
    comments (tests hold the two to the same bytes); it is about thirty times faster."""
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[misc, valid-type]
        pass

    def represent_str(dumper, data: str):
        if (
            "\n" in data
            and not any(ch in data for ch in "\r\t")
            and data == data.rstrip(" ")
            and not data.startswith(" ")
        ):
            return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="'" if _needs_quotes(data) else None)

    Dumper.add_representer(str, represent_str)
    Dumper.add_representer(type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", ""))
    return Dumper


def _fast_dump(data: Any) -> str:
    import yaml

    return yaml.dump(
        data,
        Dumper=_fast_dumper(),
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 20,
        indent=2,
    )


def _canonical(data: Any, schema: dict) -> str:
    """The canonical text of plain data: written directly (loader.yamlemit) where that is exact,
    else through PyYAML's C emitter; the two give the same bytes."""
    from quanli.loader.yamlemit import emit

    text = emit(data, schema)
    if text is None:
        text = _fast_dump(_order(json.loads(json.dumps(data, ensure_ascii=False)), schema, schema))
    return text


def _has_comment(body: str) -> bool:
    """Could the text (without its modeline) hold a comment? Any # at all: a cheap, safe over-estimate."""
    return "#" in body


def _load_quanli(text: str) -> Any:
    from quanli.loader.yamlparse import ParseFailure, load_bytes

    try:
        return load_bytes(text.encode("utf-8"))[0]
    except ParseFailure as failure:
        raise Unsafe(f"{failure.line}:{failure.column} {failure.zh}") from None


def _dump(doc: Any) -> str:
    out = io.StringIO()
    _yaml().dump(doc, out)
    return _NULL_ENTRY.sub(r"\1-", out.getvalue())  # "- " for an empty entry, as the C emitter writes it: "-"


_NULL_ENTRY = re.compile(r"^( *)- $", re.M)


def _split_modeline(text: str) -> tuple[str | None, str]:
    """(the file's own modeline, the rest): the modeline may sit anywhere in the comments that open the file."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        if MODELINE.match(stripped):
            return stripped, "\n".join(lines[:n] + lines[n + 1 :])
    return None, text


def format_text(text: str, kind: str, modeline: str) -> str:
    """The canonical form of a file's text; raises Unsafe when it cannot be read or would change."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    expected = _load_quanli(text)
    own, body = _split_modeline(text)
    schema = _schema(kind)
    if not _has_comment(body) and isinstance(expected, (dict, list)):  # nothing to keep but the data: the fast path
        fast = (own or modeline) + "\n" + _canonical(expected, schema)
        if fast == text or _load_quanli(fast) == expected:  # unchanged text needs no second reading
            return fast
    result = (own or modeline) + "\n" + _commented(body, schema)
    # where comments sit decides what may move, and the first pass can move a comment from one
    # holder to another (after "- {law: a}" it is the list's, after "- law: a" the entry's): run
    # again until the text stands still, so fmt --check passes after fmt
    for _ in range(3):
        again = (own or modeline) + "\n" + _commented(_split_modeline(result)[1], schema)
        if again == result:
            break
        result = again
    if _load_quanli(result) != expected:
        raise Unsafe("格式化会改变数据，已保持原样")
    return result


def _commented(body: str, schema: dict) -> str:
    """One formatting pass of a text that may hold comments, through ruamel (which keeps them)."""
    try:
        doc = _yaml().load(body)
    except Exception as exc:  # ruamel reads what quanli read: this is a disagreement, not the user's error
        raise Unsafe(f"无法安全地格式化（{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}）") from None
    try:
        return _dump(_order(doc, schema, schema))
    except Exception as exc:  # ruamel refuses something quanli accepted (e.g. keys 1 and true)
        raise Unsafe(f"无法安全地格式化（{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}）") from None


def dump_document(data: dict, kind: str, modeline: str) -> str:
    """New data (from import) in the canonical form."""
    schema = _schema(kind)
    text = modeline + "\n" + _canonical(data, schema)
    if _load_quanli(text) != json.loads(json.dumps(data, ensure_ascii=False)):
        raise Unsafe("写出的 YAML 读回后与原数据不同")
    return text


def update_text(text: str, changes: dict, kind: str, modeline: str) -> str:
    """A file with some fields replaced (``{"contact.consult_phone": …, "name": …}``), everything
    else (other sub-fields, comments, key order) kept."""
    from ruamel.yaml.comments import CommentedMap

    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    expected = _load_quanli(text)
    if not isinstance(expected, dict):
        raise Unsafe("最外层不是映射")
    own, body = _split_modeline(text)
    try:
        doc = _yaml().load(body)
    except Exception as exc:
        raise Unsafe(f"无法读取：{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    plain = json.loads(json.dumps(changes, ensure_ascii=False))
    for path, value in plain.items():
        head, _, rest = path.partition(".")
        if rest:
            if not isinstance(doc.get(head), dict):
                doc[head] = CommentedMap()
            if not isinstance(expected.get(head), dict):
                expected[head] = {}
            doc[head][rest] = value
            expected[head][rest] = value
        else:
            doc[head] = value
            expected[head] = value
    schema = _schema(kind)
    try:
        doc = _order(doc, schema, schema)
        result = (own or modeline) + "\n" + _dump(doc)
    except Exception as exc:
        raise Unsafe(f"无法写出：{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    if _load_quanli(result) != expected:
        raise Unsafe("改写后的数据与预期不同")
    return result


def append_laws(text: str, laws: list[dict], modeline: str) -> str:
    """laws.yaml with entries added at the end of its list, everything else kept."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    expected = _load_quanli(text) if text.strip() else {}
    if not isinstance(expected, dict):
        raise Unsafe("最外层不是映射")
    own, body = _split_modeline(text)
    doc = _yaml().load(body) if body.strip() else None
    if doc is None:
        from ruamel.yaml.comments import CommentedMap

        doc = CommentedMap(schema_version=1)
    plain = json.loads(json.dumps(laws, ensure_ascii=False))
    if not isinstance(doc.get("laws"), list):
        doc["laws"] = []
    doc["laws"].extend(plain)
    expected.setdefault("schema_version", 1)
    expected["laws"] = (expected.get("laws") if isinstance(expected.get("laws"), list) else []) + plain
    schema = _schema("laws")
    doc = _order(doc, schema, schema)
    result = (own or modeline) + "\n" + _dump(doc)
    if _load_quanli(result) != expected:
        raise Unsafe("改写后的数据与预期不同")
    return result
