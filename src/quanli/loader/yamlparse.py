"""A strict YAML reader built on libyaml's event stream.

Why not ``yaml.load``: PyYAML's resolver applies YAML 1.1 typing (``no`` -> False,
``010`` -> 8, ``12:30`` -> 750, dates -> ``datetime.date``), accepts duplicate keys and
expands aliases; and its Python-level constructor is most of its cost. This module
turns libyaml's C parser events into plain dicts and lists itself, with a YAML 1.2
style resolver that keeps anything ambiguous as the string the clerk typed.

``parse(text, track=True)`` also returns source positions (1-based line and column for
each value and each mapping key, by JSON path). Positions are only requested for files
that have findings, so clean files are never parsed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from sys import intern
from typing import Any

import yaml
from yaml import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

try:  # libyaml is bundled with PyYAML's wheels on every platform we support
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - fallback for exotic builds
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
STR_TAG = "tag:yaml.org,2002:str"
SHARED_TEXT = 16  # texts this short are interned: a province's catalogue repeats them 100,000 times

Path = tuple  # a JSON path: tuple of str keys and int indexes


@dataclass
class ParseFailure(Exception):
    """A file that cannot be read as a catalogue document."""

    rule: str
    line: int  # 1-based
    column: int  # 1-based
    zh: str
    en: str

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.rule} {self.line}:{self.column} {self.en}"

    def __reduce__(self):  # picklable for worker processes (Exception's own pickling drops the fields)
        return (ParseFailure, (self.rule, self.line, self.column, self.zh, self.en))


@dataclass
class Positions:
    """Where each value (and each mapping key) of a document starts."""

    values: dict
    keys: dict

    def of(self, path: Path, key: bool = False) -> tuple[int, int] | None:
        """Best known position for ``path``: its key, its value, or its nearest parent."""
        path = tuple(path)
        while True:
            pos = (self.keys.get(path) if key else None) or self.values.get(path)
            if pos is not None:
                return pos
            if not path:
                return None
            path = path[:-1]
            key = True


_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+\Z")
_CONSTANTS = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_NUMERIC_START = frozenset("-+0123456789")
# U+0085 (NEL) too: YAML reads it as a line break that no editor shows, so the data and every
# position after it would differ from what the clerk sees (quanli's own writer escapes it as \N)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def resolve_plain(value: str) -> Any:
    """YAML 1.2 core-schema style resolution, stricter: no octal, no sexagesimal, no dates."""
    if value in _CONSTANTS:
        return _CONSTANTS[value]
    if value[0] in _NUMERIC_START and len(value) <= 30:  # longer digit runs (ids, codes) stay text
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            return float(value)
    return value


# files clerks save under a .yaml name by mistake, by their first bytes: named, not guessed at
_MAGIC = (
    (b"%PDF-", "PDF 文件", "a PDF file"),
    (
        b"PK\x03\x04",
        "ZIP 压缩包（Word 的 .docx、Excel 的 .xlsx 文件都是这种格式）",
        "a ZIP archive (Word .docx and Excel .xlsx files are ZIP archives)",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "旧版 Word 或 Excel 文件（.doc、.xls）",
        "an old Word or Excel file (.doc, .xls)",
    ),
    (b"\x89PNG\r\n\x1a\n", "PNG 图片", "a PNG picture"),
    (b"\xff\xd8\xff", "JPEG 图片", "a JPEG picture"),
    (b"Rar!\x1a\x07", "RAR 压缩包", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "a 7z archive"),
    (b"\x1f\x8b", "gzip 压缩文件", "a gzip file"),
    (b"{\\rtf", "RTF 文档（写字板、Word 另存的格式）", "an RTF document"),
)


def too_large(size: int) -> ParseFailure:
    """QL106 for a file of ``size`` bytes (over MAX_FILE_BYTES)."""
    return ParseFailure(
        "QL106",
        1,
        1,
        f"文件过大（{size // 1024} KB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB），拒绝读取。一个事项文件通常只有几 KB，请检查是否放错了文件。",
        f"file too large ({size // 1024} KB, limit {MAX_FILE_BYTES // 1024 // 1024} MB); refusing to read it. An item file is usually a few KB: check that this is the right file.",
    )


def decode(data: bytes) -> str:
    """Bytes -> text, UTF-8 only (BOM allowed). Raises ParseFailure with advice otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise too_large(len(data))
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        raise ParseFailure(
            "QL100",
            1,
            1,
            "文件是 UTF-32 编码。请另存为 UTF-8 编码（记事本：文件 → 另存为 → 编码选“UTF-8”）。",
            "the file is UTF-32 encoded. Save it as UTF-8.",
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ParseFailure(
            "QL100",
            1,
            1,
            "文件是 UTF-16 编码（记事本里的“Unicode”）。请另存为 UTF-8 编码（记事本：文件 → 另存为 → 编码选“UTF-8”）。",
            'the file is UTF-16 encoded (Notepad\'s "Unicode"). Save it as UTF-8 (Notepad: File > Save As > Encoding: UTF-8).',
        )
    for magic, zh, en in _MAGIC:
        if data.startswith(magic):
            raise ParseFailure(
                "QL100",
                1,
                1,
                f"这是{zh}，不是 YAML 文本（多半是存错了文件名或扩展名）。请用原来的程序打开它，或换成正确的 YAML 文件。",
                f"this is {en}, not YAML text (probably saved under the wrong name). Open it with its own program, or replace it with the right YAML file.",
            )
    head = data[:8192]
    if b"\x00" in head:
        odd, even = head[1::2], head[0::2]
        if (
            len(head) >= 16
            and max(odd.count(0) / max(len(odd), 1), even.count(0) / max(len(even), 1)) > 0.3
            and min(odd.count(0), even.count(0)) * 4 < len(head) // 2
        ):
            raise ParseFailure(
                "QL100",
                1,
                1,
                "文件看起来是不带 BOM 的 UTF-16 编码。请另存为 UTF-8 编码（记事本：文件 → 另存为 → 编码选“UTF-8”）。",
                "the file looks like UTF-16 without a BOM. Save it as UTF-8.",
            )
        raise ParseFailure(
            "QL100",
            1,
            1,
            "文件含有空字节，看起来是二进制文件（例如 Word 或 Excel 文件），不是 YAML 文本。",
            "the file contains NUL bytes: it looks like a binary file (e.g. Word or Excel), not YAML text.",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        column = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        guess_zh, guess_en = "", ""
        try:
            data.decode("gb18030")
            guess_zh, guess_en = (
                "看起来是 GBK/GB18030 编码（Windows 中文系统的默认编码）。",
                " It looks like GBK/GB18030 (the default on Chinese Windows).",
            )
        except UnicodeDecodeError:
            pass
        raise ParseFailure(
            "QL100",
            line,
            column,
            f"文件不是 UTF-8 编码，{guess_zh}请另存为 UTF-8 编码（记事本：文件 → 另存为 → 编码选“UTF-8”；WPS/VS Code 同理）。",
            f"the file is not UTF-8.{guess_en} Save it as UTF-8 (Notepad: File > Save As > Encoding: UTF-8).",
        ) from None


def _check_control(text: str) -> None:
    match = _CONTROL.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        code = f"U+{ord(match.group()):04X}"
        raise ParseFailure(
            "QL101",
            line,
            column,
            f"含有不可见的控制字符 {code}，请删除它（常见于从网页或 Word 复制的文字）。",
            f"contains the invisible control character {code}; delete it (often pasted from a web page or Word).",
        )


_TAB_ZH = "此处有制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。"
_PROBLEMS = [  # (needle in "context problem", Chinese explanation); first match wins
    (
        "quoted scalar found unexpected end of stream",
        "引号没有闭合：这段文字以引号开头，但直到文件末尾都没有对应的结束引号。",
    ),
    ("found unexpected end of stream", "文件意外结束：有没有闭合的引号或括号。"),
    (
        "mapping values are not allowed",
        "这里不能出现“键: 值”。常见原因：上一行缩进不对、少写了冒号，或者文字里有“: ”（冒号加空格）却没有加引号。",
    ),
    ("could not find expected ':'", "缺少冒号“:”。每个键后面要有“: ”（英文冒号加空格），或者这一行的缩进不对。"),
    ("did not find expected key", "缩进没有对齐：同一层的键必须左对齐，或者多写/少写了“- ”。"),
    ("did not find expected '-' indicator", "列表没有对齐：同一列表的“- ”必须左对齐，列表中间不能夹“键: 值”。"),
    ("found unknown escape character", "双引号里有无法识别的转义符“\\”。请改用单引号，或把“\\”写成“\\\\”。"),
    ("did not find expected ',' or ']'", "方括号列表 [...] 没有闭合，或元素之间缺少逗号。"),
    ("did not find expected ',' or '}'", "花括号 {...} 没有闭合，或元素之间缺少逗号。"),
    ("found character that cannot start any token", "这里的字符（如 @、`、%）不能出现在开头。请给这段文字加上引号。"),
    ("found undefined tag handle", "使用了未定义的标签（!xxx）。请删除感叹号开头的标签。"),
    ("expected <block end>, but found", "缩进没有对齐，或者在同一层混用了“键: 值”和“- 列表项”。"),
    ("found a tab character", _TAB_ZH),
    (
        "block sequence entries are not allowed in this context",
        "这里不能开始“- ”列表：列表要从下一行开始，比上一级的键多缩进，或者给这段文字加上引号。",
    ),
    (
        "mapping keys are not allowed in this context",
        "这里不能出现“? ”：它在 YAML 中表示复杂的键。请给这段文字加上引号。",
    ),
    (
        "did not find expected <document start>",
        "文档结束标记“...”或指令“%”之后还有内容。一个文件只能有一个文档：请删除“...”这一行，或拆成多个文件。",
    ),
    (
        "while scanning a block scalar",
        "“|”或“>”（多行文字）后面同一行只能写“-”“+”或缩进数字，文字要从下一行开始并缩进。",
    ),
]


def _translate(exc: yaml.MarkedYAMLError, text: str) -> ParseFailure:
    mark = exc.problem_mark or exc.context_mark
    both = f"{exc.context or ''} {exc.problem or ''}".strip()
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    if "maximum nesting depth" in both:  # newer libyaml stops deep nesting itself: the same finding as ours
        return ParseFailure(
            "QL107",
            line,
            column,
            f"嵌套层数超过 {MAX_DEPTH} 层，拒绝读取。",
            f"nesting deeper than {MAX_DEPTH} levels; refusing to read.",
        )
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        zh = _TAB_ZH
    else:
        zh = next((z for needle, z in _PROBLEMS if needle in both), None) or f"YAML 语法错误：{both}"
    return ParseFailure("QL101", line, column, zh, f"YAML syntax error: {both}")


def _fail(rule: str, event: Any, zh: str, en: str) -> ParseFailure:
    mark = event.start_mark
    return ParseFailure(rule, mark.line + 1, mark.column + 1, zh, en)


_NOKEY = object()


def parse(text: str, track: bool = False, facts: list | None = None) -> tuple[Any, Positions | None]:
    """Parse one YAML document into plain data. Raises ParseFailure.

    ``facts``, when given, receives (kind, line, column) notes about the source that the
    data cannot show: ("whitespace", …) for a quoted or block scalar with leading or
    trailing whitespace (plain scalars are trimmed by YAML itself).
    """
    _check_control(text)
    if not track:
        from quanli.loader import fastyaml  # the plain shape quanli fmt writes, read without libyaml

        found: list | None = [] if facts is not None else None
        data = fastyaml.parse(text, found)
        if data is not None:
            if found:
                facts.extend(found)  # type: ignore[union-attr]
            return data, None
    parser = _Parser(text)
    get = parser.get_event
    values: dict = {}
    keys: dict = {}
    try:
        get()  # StreamStart
        event = get()
        if type(event) is StreamEndEvent:
            raise ParseFailure(
                "QL105",
                1,
                1,
                "文件是空的（或只有注释）。请填写内容，或删除这个文件。",
                "the file is empty (or holds only comments). Fill it in or delete it.",
            )
        root: Any = None
        stack: list = []  # frames: [container, is_map, pending_key, path]
        container: Any = None
        is_map = False
        key: Any = _NOKEY
        path: tuple = ()
        while True:
            event = get()
            etype = type(event)
            if etype is ScalarEvent:
                if event.anchor is not None:
                    raise _fail(
                        "QL103",
                        event,
                        "不支持 YAML 锚点（&）和别名（*）。请把内容直接写出来。",
                        "YAML anchors (&) and aliases (*) are not supported; write the content out.",
                    )
                if is_map and key is _NOKEY:
                    k = intern(event.value)  # keys repeat in every file: one string each, not one per file
                    if k in container:
                        raise _fail(
                            "QL102",
                            event,
                            f"键“{k}”重复出现。同一层里每个键只能写一次，请合并或删除重复的一个。",
                            f"duplicate key '{k}': each key may appear only once at one level; merge or delete one.",
                        )
                    key = k
                    if track:
                        keys[path + (k,)] = (event.start_mark.line + 1, event.start_mark.column + 1)
                    continue
                tag = event.tag
                if tag is not None and tag != "!" and tag != STR_TAG:
                    raise _fail(
                        "QL109",
                        event,
                        f"不支持 YAML 标签“{tag}”。请删除它。",
                        f"YAML tag '{tag}' is not supported; remove it.",
                    )
                value = event.value if (tag is not None or not event.implicit[0]) else resolve_plain(event.value)
                if type(value) is str and len(value) <= SHARED_TEXT:
                    value = intern(value)  # 社会公开, 行政许可, department names …: shared, not copied
                if facts is not None and event.style and type(value) is str and value:
                    body = value[:-1] if event.style in ("|", ">") and value.endswith("\n") else value
                    if body != body.strip():
                        facts.append(("whitespace", event.start_mark.line + 1, event.start_mark.column + 1))
                if track:
                    sub = path + ((key,) if is_map else (len(container),)) if stack or container is not None else ()
                    values[sub] = (event.start_mark.line + 1, event.start_mark.column + 1)
                if container is None:
                    root = value
                elif is_map:
                    container[key] = value
                    key = _NOKEY
                else:
                    container.append(value)
            elif etype is MappingStartEvent or etype is SequenceStartEvent:
                if event.anchor is not None:
                    raise _fail(
                        "QL103",
                        event,
                        "不支持 YAML 锚点（&）和别名（*）。请把内容直接写出来。",
                        "YAML anchors (&) and aliases (*) are not supported; write the content out.",
                    )
                if event.tag is not None and event.tag not in ("!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                    raise _fail(
                        "QL109",
                        event,
                        f"不支持 YAML 标签“{event.tag}”。请删除它。",
                        f"YAML tag '{event.tag}' is not supported; remove it.",
                    )
                if is_map and key is _NOKEY:
                    raise _fail(
                        "QL101",
                        event,
                        "键必须是简单的文字，不能是列表或映射。",
                        "a key must be plain text, not a list or mapping.",
                    )
                if len(stack) >= MAX_DEPTH:
                    raise _fail(
                        "QL107",
                        event,
                        f"嵌套层数超过 {MAX_DEPTH} 层，拒绝读取。",
                        f"nesting deeper than {MAX_DEPTH} levels; refusing to read.",
                    )
                new: Any = {} if etype is MappingStartEvent else []
                if container is None:
                    root = new
                    sub = ()
                elif is_map:
                    container[key] = new
                    sub = path + (key,) if track else ()
                else:
                    sub = path + (len(container),) if track else ()
                    container.append(new)
                if track:  # a collection under a key is shown at its key (the value may start lines below)
                    values[sub] = keys.get(sub) or (event.start_mark.line + 1, event.start_mark.column + 1)
                stack.append((container, is_map, key, path))
                container, is_map, key, path = new, etype is MappingStartEvent, _NOKEY, sub
            elif etype is MappingEndEvent or etype is SequenceEndEvent:
                container, is_map, key, path = stack.pop()
                if is_map:
                    key = _NOKEY
            elif etype is AliasEvent:
                raise _fail(
                    "QL103",
                    event,
                    "不支持 YAML 锚点（&）和别名（*）。请把内容直接写出来。",
                    "YAML anchors (&) and aliases (*) are not supported; write the content out.",
                )
            elif etype is DocumentEndEvent:
                break
        event = get()
        if type(event) is DocumentStartEvent:
            raise _fail(
                "QL104",
                event,
                "一个文件只能有一个 YAML 文档（不能用“---”分隔多个）。请拆成多个文件。",
                "a file may hold only one YAML document (no '---' separated documents); split it into files.",
            )
    except yaml.MarkedYAMLError as exc:
        raise _translate(exc, text) from None
    except yaml.YAMLError as exc:  # reader errors without marks
        raise ParseFailure("QL101", 1, 1, f"YAML 读取错误：{exc}", f"YAML read error: {exc}") from None
    return root, (Positions(values, keys) if track else None)


def load_bytes(data: bytes, track: bool = False, facts: list | None = None) -> tuple[Any, Positions | None]:
    """Decode and parse; raises ParseFailure."""
    return parse(decode(data), track=track, facts=facts)
