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
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False, finalize=_yaml_scalar)
    return env.get_template(template).render(**values)


_PLAIN = re.compile(r"[A-Za-z0-9_\-\u4e00-\u9fff（）【】、，。·]+")


def _yaml_scalar(value):
    """Values put into a template stay plain when YAML reads them back unchanged, else are quoted:
    a name may hold ': ', '#', quotes or newlines, or look like a number."""
    import json

    from quanli.loader.yamlparse import resolve_plain

    if not isinstance(value, str) or "/" in value:  # numbers, and the schema paths of the modelines
        return value
    if _PLAIN.fullmatch(value) and resolve_plain(value) == value and not value.startswith("-"):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


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
    return Path(os.path.relpath(target, folder)).as_posix()


def _check_id(ident: str, what: str) -> None:
    if not re.fullmatch(DEFAULT_ID_PATTERN.strip("^$"), ident):
        raise QuanliError(f"{what}编号“{ident}”不合规：只能用字母、数字、连字符和下划线，以字母或数字开头，最长 64 个字符。",
                          f"invalid id '{ident}': use letters, digits, '-' and '_' (max 64).")


def init(directory: Path, name: str, lang: str, quiet: bool = False) -> int:
    if (directory / CATALOG_FILE).exists():
        raise QuanliError(f"{directory / CATALOG_FILE} 已存在，没有改动任何文件。", f"{directory / CATALOG_FILE} already exists; nothing changed.")
    directory.mkdir(parents=True, exist_ok=True)
    for kind in SCHEMA_KINDS:
        target = directory / LOCAL_SCHEMAS / f"{kind}.schema.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema_file(kind), target)
    for sub in ("items", "flows"):
        (directory / sub).mkdir(exist_ok=True)
    values = dict(schema_dir=LOCAL_SCHEMAS, name=name, year=clock.today().year)
    write_atomic(directory / "laws.yaml", _canonical(_render("laws.yaml.j2", **values), "laws"))
    write_atomic(directory / CATALOG_FILE, _canonical(_render("catalog.yaml.j2", **values), "catalog"))
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
    root = _catalogue_root(catalog)
    target = root / "items" / f"{ident}.yaml"
    kind = _KIND_BY_CATEGORY.get(category, "other")
    subject, department, duty = _first_department_and_duty(root)
    flows, laws, by_category = _existing(root)
    flow = _FLOW_BY_KIND[kind]
    if flow not in flows:  # the catalogue's own habit for this category, else any flow it has
        flow = by_category.get(category) or (sorted(flows)[0] if flows else flow)
    law = {"licence": "行政许可法", "penalty": "行政处罚法"}.get(kind, "政府信息公开条例")
    text = _render("item.yaml.j2", schema_dir=_schema_dir_for(root, root / "items"), id=ident, name=name,
                   category=category, subject=subject, department=department, duty=duty,
                   flow=flow, kind=kind, today=clock.today().isoformat(),
                   law=law if (law in laws or not laws) else laws[0], known_law=law in laws or not laws)
    write_atomic(target, _canonical(text, "item"))
    _say(lang, f"已新建 {target}。请填写括号中的内容，然后运行 quanli validate。",
         f"created {target}. Fill in the bracketed hints, then run quanli validate.")
    return 0


def new_flow(catalog: Path, ident: str, kind: str, name: str, lang: str) -> int:
    _check_id(ident, "流程图")
    root = _catalogue_root(catalog)
    target = root / "flows" / f"{ident}.yaml"
    template_kind = "penalty" if kind in ("处罚", "penalty") else "licence"
    title = name or ("行政处罚一般程序流程图" if template_kind == "penalty" else "行政许可办理流程图")
    write_atomic(target, _canonical(_render("flow.yaml.j2", schema_dir=_schema_dir_for(root, root / "flows"), id=ident,
                                            name=title, kind=template_kind), "flow"))
    _say(lang, f"已新建 {target}。", f"created {target}.")
    return 0
