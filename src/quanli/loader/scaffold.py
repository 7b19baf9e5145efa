"""Catalogue files made from the templates (``quanli init``, ``quanli new``, ``quanli import``): every
value quoted so that it reads back as given, in the form quanli fmt keeps, with the
``# yaml-language-server`` modeline pointing at the catalogue's schemas."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.core.fsutil import read_regular, write_atomic
from quanli.core.resources import SCHEMA_KINDS, schema_file, templates_dir
from quanli.dates import clock
from quanli.loader.catalogue import CATALOG_FILE
from quanli.loader.yamlparse import MAX_FILE_BYTES

LOCAL_SCHEMAS = ".quanli/schemas"
_MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S+)/catalog\.schema\.json")
_KIND_BY_CATEGORY = {"行政许可": "licence", "行政处罚": "penalty"}
_FLOW_BY_KIND = {"licence": "XK-TY", "penalty": "CF-YBCX", "other": "QT-TY"}


def render(template: str, **values) -> str:
    """A template with every value put in as a YAML double-quoted scalar (``_quoted``), whatever it
    holds; the schema folder of the modeline comment goes in as it is (``_Raw``)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_yaml_scalar,
    )
    return env.get_template(template).render(**values)


class _Raw(str):
    """A value put into a template unquoted: only the schema folder of the ``# yaml-language-server``
    comment, which ``_modeline_dir`` has checked holds no space, line break or control character."""


def _yaml_scalar(value):
    if isinstance(value, _Raw) or not isinstance(value, str):  # the modeline's folder; numbers (the year)
        return value
    return _quoted(value)


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that every YAML reader reads back as exactly ``text``:
    quotes and backslashes escaped, and every character outside printable ASCII and the plain
    printable rest of Unicode (controls, DEL, C1 controls with NEL, line and paragraph separators,
    BOM, noncharacters) written as an escape. Nothing else in it can end the scalar or start a
    comment, so ``#``, ``: ``, ``{``, ``[``, a leading ``-`` and the like stay text. quanli fmt then
    writes the canonical form (``canonical``)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code <= 0x7E or (code >= 0xA0 and code not in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)):
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    return '"' + "".join(out) + '"'


def check_text(value: str, what_zh: str, what_en: str) -> str:
    """A text from the command line that can be written to a UTF-8 file (not bytes of another encoding)."""
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise QuanliError(
            f"{what_zh}中有无法保存的字符（命令行传入的不是 UTF-8 文字，请检查终端的编码），没有新建文件。",
            f"the {what_en} holds characters that cannot be saved (not UTF-8 text: check the terminal's encoding); nothing created.",
        )
    controls = sorted(
        {f"U+{ord(ch):04X}" for ch in value if (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) and ch not in "\n\t"}
    )
    if controls:  # a name never holds them; NEL (U+0085) YAML 1.1 readers even take for a line break
        raise QuanliError(
            f"{what_zh}中有控制字符 {'、'.join(controls)}，请删除后再新建。",
            f"the {what_en} holds control characters {', '.join(controls)}; remove them first.",
        )
    return value


def readback(text: str, expected: dict, where: Path) -> None:
    """The file as written must read back with every value given (``{("unit", "name"): name}``): the
    last guard against a text lost on the way (cut at '#', split at ': ', read as a list or a number)."""
    from quanli.loader.yamlparse import ParseFailure, load_bytes

    try:
        data = load_bytes(text.encode("utf-8"))[0]
    except ParseFailure:
        data = None
    for path, value in expected.items():
        got = data
        for part in path:
            if isinstance(got, dict) and part in got:
                got = got[part]
            elif isinstance(got, list) and isinstance(part, int) and 0 <= part < len(got):
                got = got[part]
            else:
                got = _MISSING
                break
        if got != value:
            shown = "".join(ch if ch.isprintable() else "?" for ch in str(value))
            raise QuanliError(
                f"无法把“{shown}”写成 {where} 中能原样读回的 YAML，没有新建文件。请报告此问题。",
                f"cannot write '{shown}' into {where} so that it reads back unchanged; nothing created. Please report this.",
            )


_MISSING = object()


def _modeline_dir(folder: str, fallback: str) -> _Raw:
    """The schema folder for a ``# yaml-language-server`` comment: one that would break the comment
    line (a space, a line break, a control character) is replaced by the catalogue's own copy."""
    if not folder or any(ch.isspace() or not ch.isprintable() for ch in folder):
        folder = fallback
    return _Raw(folder)


def canonical(text: str, kind: str) -> str:
    """A template's output in the form quanli fmt keeps (so a new file never shows up in fmt --check)."""
    from quanli.loader.yamlfmt import Unsafe, format_text

    try:
        return format_text(text, kind, "")
    except Unsafe:  # cannot happen for quanli's own templates; keep the template's text if it did
        return text


def schema_dir_for(root: Path, folder: Path) -> str:
    """The schemas folder as seen from ``folder``, following catalog.yaml's own modeline."""
    target = root / LOCAL_SCHEMAS
    try:
        # a regular file only (a FIFO would hang fmt, import and new), and never more than a catalogue file's cap
        first = read_regular(root / CATALOG_FILE, MAX_FILE_BYTES).decode("utf-8-sig").splitlines()[0]
        match = _MODELINE.search(first)
        if match and "://" not in match.group(1):
            target = (root / match.group(1)).resolve()
    except (OSError, IndexError, UnicodeDecodeError):
        pass
    fallback = Path(os.path.relpath(root / LOCAL_SCHEMAS, folder)).as_posix()
    return _modeline_dir(Path(os.path.relpath(target, folder)).as_posix(), fallback)


def modeline_for(root: Path, path: Path, kind: str) -> str:
    """The ``# yaml-language-server`` comment for the file ``path`` of kind ``kind`` in the catalogue ``root``."""
    return f"# yaml-language-server: $schema={schema_dir_for(root, path.parent)}/{kind}.schema.json"


def make_catalogue(directory: Path, name: str) -> None:
    """A new catalogue in ``directory`` (``quanli init``): catalog.yaml, laws.yaml, the schemas, items/ and
    flows/ with three general flowcharts. Refuses a folder that holds a catalog.yaml already."""
    check_text(name, "单位名称", "unit name")
    if (directory / CATALOG_FILE).exists():
        raise QuanliError(
            f"{directory / CATALOG_FILE} 已存在，没有改动任何文件。",
            f"{directory / CATALOG_FILE} already exists; nothing changed.",
        )
    directory.mkdir(parents=True, exist_ok=True)
    for kind in SCHEMA_KINDS:
        target = directory / LOCAL_SCHEMAS / f"{kind}.schema.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema_file(kind), target)
    for sub in ("items", "flows"):
        (directory / sub).mkdir(exist_ok=True)
    values = dict(schema_dir=_Raw(LOCAL_SCHEMAS), name=name, year=clock.today().year)
    catalog_text = canonical(render("catalog.yaml.j2", **values), "catalog")
    readback(catalog_text, {("unit", "name"): name}, directory / CATALOG_FILE)
    write_atomic(directory / "laws.yaml", canonical(render("laws.yaml.j2", **values), "laws"))
    write_atomic(directory / CATALOG_FILE, catalog_text)
    flow_dir = schema_dir_for(directory.resolve(), (directory / "flows").resolve())
    for kind, flow_id, title in (
        ("licence", "XK-TY", "行政许可通用流程图"),
        ("penalty", "CF-YBCX", "行政处罚一般程序流程图"),
        ("other", "QT-TY", "通用办理流程图"),
    ):
        write_atomic(
            directory / "flows" / f"{flow_id}.yaml",
            canonical(render("flow.yaml.j2", schema_dir=flow_dir, id=flow_id, name=title, kind=kind), "flow"),
        )
