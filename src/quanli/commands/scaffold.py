"""``quanli init`` and ``quanli new``: create files from the templates, never overwriting."""

from __future__ import annotations

from quanli import clock
import os
import re
import shutil
from pathlib import Path

from quanli.errors import QuanliError
from quanli.fsutil import read_regular, write_atomic
from quanli.loader.catalogue import CATALOG_FILE, find_catalogue_root
from quanli.loader.yamlparse import MAX_FILE_BYTES
from quanli.model import DEFAULT_ID_PATTERN
from quanli.resources import SCHEMA_KINDS, schema_file, templates_dir

LOCAL_SCHEMAS = ".quanli/schemas"
_MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S+)/catalog\.schema\.json")
_KIND_BY_CATEGORY = {"行政许可": "licence", "行政处罚": "penalty"}
_FLOW_BY_KIND = {"licence": "XK-TY", "penalty": "CF-YBCX", "other": "QT-TY"}


def _render(template: str, **values) -> str:
    """A template with every value put in as a YAML double-quoted scalar (``_quoted``), whatever it
    holds; the schema folder of the modeline comment goes in as it is (``_Raw``)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False, finalize=_yaml_scalar)
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
    writes the canonical form (``_canonical``)."""
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


def _check_text(value: str, what_zh: str, what_en: str) -> str:
    """A text from the command line that can be written to a UTF-8 file (not bytes of another encoding)."""
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise QuanliError(f"{what_zh}中有无法保存的字符（命令行传入的不是 UTF-8 文字，请检查终端的编码），没有新建文件。",
                          f"the {what_en} holds characters that cannot be saved (not UTF-8 text: check the terminal's encoding); nothing created.")
    controls = sorted({f"U+{ord(ch):04X}" for ch in value if (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) and ch not in "\n\t"})
    if controls:  # a name never holds them; NEL (U+0085) YAML 1.1 readers even take for a line break
        raise QuanliError(f"{what_zh}中有控制字符 {'、'.join(controls)}，请删除后再新建。",
                          f"the {what_en} holds control characters {', '.join(controls)}; remove them first.")
    return value


def _readback(text: str, expected: dict, where: Path) -> None:
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
            raise QuanliError(f"无法把“{shown}”写成 {where} 中能原样读回的 YAML，没有新建文件。请报告此问题。",
                              f"cannot write '{shown}' into {where} so that it reads back unchanged; nothing created. Please report this.")


_MISSING = object()


def _modeline_dir(folder: str, fallback: str) -> _Raw:
    """The schema folder for a ``# yaml-language-server`` comment: one that would break the comment
    line (a space, a line break, a control character) is replaced by the catalogue's own copy."""
    if not folder or any(ch.isspace() or not ch.isprintable() for ch in folder):
        folder = fallback
    return _Raw(folder)


def _canonical(text: str, kind: str) -> str:
    """A template's output in the form quanli fmt keeps (so a new file never shows up in fmt --check)."""
    from quanli.yamlfmt import Unsafe, format_text

    try:
        return format_text(text, kind, "")
    except Unsafe:  # cannot happen for quanli's own templates; keep the template's text if it did
        return text


def _say(lang: str, zh: str, en: str) -> None:
    print(en if lang == "en" else zh)


def _schema_dir_for(root: Path, folder: Path) -> str:
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


def _check_id(ident: str, what: str) -> None:
    from quanli.check.rules.files import windows_problem

    if not re.fullmatch(DEFAULT_ID_PATTERN.strip("^$"), ident):
        shown = "".join(ch if ch.isprintable() else "?" for ch in ident)
        raise QuanliError(f"{what}编号“{shown}”不合规：只能用字母、数字、连字符和下划线，以字母或数字开头，最长 64 个字符。",
                          f"invalid id '{shown}': use letters, digits, '-' and '_' (max 64).")
    problem = windows_problem(ident + ".yaml")  # what QL126 refuses: CON, aux, LPT1 … with any extension
    if problem is not None:
        raise QuanliError(f"{what}编号“{ident}”不能用作文件名：{problem[0]}。请换一个编号，没有新建文件。",
                          f"id '{ident}' cannot name a file: {problem[1]}; choose another id. Nothing created.")


def _check_free(target: Path, what: str) -> None:
    """Refuse a file that exists, or whose name differs from an existing one only by case (rule QL127:
    on Windows and macOS the two are one file)."""
    if target.exists():
        raise QuanliError(f"{target} 已存在，没有改动任何文件。", f"{target} already exists; nothing changed.")
    folder = target.parent
    if folder.is_dir():
        import unicodedata

        mine = unicodedata.normalize("NFC", target.name).casefold()
        for other in sorted(p.name for p in folder.iterdir()):
            if unicodedata.normalize("NFC", other).casefold() == mine:
                raise QuanliError(f"{folder / other} 已存在，与 {target.name} 只差大小写：在 Windows 和 macOS 上它们是同一个文件，"
                                  f"请换一个{what}编号，没有新建文件。",
                                  f"{folder / other} exists and differs from {target.name} only by case (one file on Windows "
                                  "and macOS); choose another id. Nothing created.")


def init(directory: Path, name: str, lang: str, quiet: bool = False) -> int:
    _check_text(name, "单位名称", "unit name")
    if (directory / CATALOG_FILE).exists():
        raise QuanliError(f"{directory / CATALOG_FILE} 已存在，没有改动任何文件。", f"{directory / CATALOG_FILE} already exists; nothing changed.")
    directory.mkdir(parents=True, exist_ok=True)
    for kind in SCHEMA_KINDS:
        target = directory / LOCAL_SCHEMAS / f"{kind}.schema.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema_file(kind), target)
    for sub in ("items", "flows"):
        (directory / sub).mkdir(exist_ok=True)
    values = dict(schema_dir=_Raw(LOCAL_SCHEMAS), name=name, year=clock.today().year)
    catalog_text = _canonical(_render("catalog.yaml.j2", **values), "catalog")
    _readback(catalog_text, {("unit", "name"): name}, directory / CATALOG_FILE)
    write_atomic(directory / "laws.yaml", _canonical(_render("laws.yaml.j2", **values), "laws"))
    write_atomic(directory / CATALOG_FILE, catalog_text)
    flow_dir = _schema_dir_for(directory.resolve(), (directory / "flows").resolve())
    for kind, flow_id, title in (("licence", "XK-TY", "行政许可通用流程图"), ("penalty", "CF-YBCX", "行政处罚一般程序流程图"),
                                 ("other", "QT-TY", "通用办理流程图")):
        write_atomic(directory / "flows" / f"{flow_id}.yaml",
                     _canonical(_render("flow.yaml.j2", schema_dir=flow_dir, id=flow_id, name=title, kind=kind), "flow"))
    if quiet:
        return 0
    _say(lang, f"已新建目录 {directory}：catalog.yaml、laws.yaml、items/、flows/（含 3 个通用流程图）。\n"
               f"下一步：编辑 catalog.yaml，然后用 quanli new item <编号> --catalog {directory} 新建事项。",
         f"created catalogue {directory}. Next: edit catalog.yaml, then quanli new item <ID> --catalog {directory}.")
    return 0


def _catalogue_root(path: Path) -> Path:
    root = find_catalogue_root(path)
    if root is None:
        raise QuanliError(f"{path} 不在任何目录中（找不到 {CATALOG_FILE}）。请用 --catalog 指定，或先运行 quanli init。",
                          f"{path} is not inside a catalogue (no {CATALOG_FILE}); use --catalog or run quanli init.")
    return root


def _existing(root: Path) -> tuple[set[str], list[str], dict[str, str]]:
    """Flow ids, law ids, and the flow most used by each category, of an existing catalogue."""
    from collections import Counter

    from quanli.loader.catalogue import load_catalogue

    try:
        cat = load_catalogue(root, use_cache=False)
    except OSError:
        return set(), [], {}
    flows = cat.flow_ids()
    laws = [law["id"] for law in cat.law_entries() if isinstance(law.get("id"), str)]
    usage: dict[str, Counter] = {}
    for sf in cat.items:
        if sf.ok and isinstance(sf.data.get("category"), str) and sf.data.get("flow") in flows:
            usage.setdefault(sf.data["category"], Counter())[sf.data["flow"]] += 1
    return flows, laws, {c: counts.most_common(1)[0][0] for c, counts in usage.items()}


def _first_department_and_duty(root: Path) -> tuple[str, str, str]:
    from quanli.loader.yamlparse import ParseFailure, load_bytes

    try:
        data, _ = load_bytes(read_regular(root / CATALOG_FILE, MAX_FILE_BYTES))
    except (OSError, ParseFailure):
        data = None
    subject, department, duty = "（实施主体）", "（承办机构）", "（职责编号）"
    if isinstance(data, dict):
        unit = data.get("unit")
        if isinstance(unit, dict) and isinstance(unit.get("name"), str):
            subject = unit["name"]
        deps = data.get("departments")
        if isinstance(deps, list) and deps and isinstance(deps[0], dict):
            department = str(deps[0].get("name", department))
            duties = deps[0].get("duties")
            if isinstance(duties, list) and duties and isinstance(duties[0], dict):
                duty = str(duties[0].get("id", duty))
    return subject, department, duty


def new_item(catalog: Path, ident: str, category: str, name: str, lang: str) -> int:
    _check_id(ident, "事项")
    _check_text(name, "事项名称", "item name")
    _check_text(category, "类别", "category")
    root = _catalogue_root(catalog)
    target = root / "items" / f"{ident}.yaml"
    _check_free(target, "事项")
    kind = _KIND_BY_CATEGORY.get(category, "other")
    subject, department, duty = _first_department_and_duty(root)
    flows, laws, by_category = _existing(root)
    flow = _FLOW_BY_KIND[kind]
    if flow not in flows:  # the catalogue's own habit for this category, else any flow it has
        flow = by_category.get(category) or (sorted(flows)[0] if flows else flow)
    law = {"licence": "行政许可法", "penalty": "行政处罚法"}.get(kind, "政府信息公开条例")
    known_law = law in laws or not laws
    law = law if known_law else laws[0]
    text = _render("item.yaml.j2", schema_dir=_schema_dir_for(root, root / "items"), id=ident, name=name,
                   category=category, subject=subject, department=department, duty=duty,
                   flow=flow, kind=kind, today=clock.today().isoformat(), law=law, known_law=known_law)
    text = _canonical(text, "item")
    _readback(text, {("id",): ident, ("name",): name, ("category",): category, ("subject",): subject,
                     ("department",): department, ("duties", 0): duty, ("flow",): flow, ("basis", 0, "law"): law}, target)
    write_atomic(target, text)
    _say(lang, f"已新建 {target}。请填写括号中的内容，然后运行 quanli validate。",
         f"created {target}. Fill in the bracketed hints, then run quanli validate.")
    return 0


def new_flow(catalog: Path, ident: str, kind: str, name: str, lang: str) -> int:
    _check_id(ident, "流程图")
    _check_text(name, "流程图名称", "flow name")
    root = _catalogue_root(catalog)
    target = root / "flows" / f"{ident}.yaml"
    _check_free(target, "流程图")
    template_kind = "penalty" if kind in ("处罚", "penalty") else "licence"
    title = name or ("行政处罚一般程序流程图" if template_kind == "penalty" else "行政许可办理流程图")
    text = _canonical(_render("flow.yaml.j2", schema_dir=_schema_dir_for(root, root / "flows"), id=ident,
                              name=title, kind=template_kind), "flow")
    _readback(text, {("id",): ident, ("name",): title}, target)
    write_atomic(target, text)
    _say(lang, f"已新建 {target}。", f"created {target}.")
    return 0
