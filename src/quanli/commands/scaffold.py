"""``quanli init`` and ``quanli new``: create files from the templates, never overwriting."""

from __future__ import annotations

import re
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.core.fsutil import read_regular, write_atomic
from quanli.core.model import DEFAULT_ID_PATTERN
from quanli.dates import clock
from quanli.loader.catalogue import CATALOG_FILE, catalogue_root
from quanli.loader.scaffold import canonical, check_text, make_catalogue, readback, render, schema_dir_for
from quanli.loader.yamlparse import MAX_FILE_BYTES

_KIND_BY_CATEGORY = {"行政许可": "licence", "行政处罚": "penalty"}
_FLOW_BY_KIND = {"licence": "XK-TY", "penalty": "CF-YBCX", "other": "QT-TY"}


def _say(lang: str, zh: str, en: str) -> None:
    print(en if lang == "en" else zh)


def init(directory: Path, name: str, lang: str, quiet: bool = False) -> int:
    make_catalogue(directory, name)
    if quiet:
        return 0
    _say(
        lang,
        f"已新建目录 {directory}：catalog.yaml、laws.yaml、items/、flows/（含 3 个通用流程图）。\n"
        f"下一步：编辑 catalog.yaml，然后用 quanli new item <编号> --catalog {directory} 新建事项。",
        f"created catalogue {directory}. Next: edit catalog.yaml, then quanli new item <ID> --catalog {directory}.",
    )
    return 0


def _check_id(ident: str, what: str) -> None:
    from quanli.check.rules.files import windows_problem

    if not re.fullmatch(DEFAULT_ID_PATTERN.strip("^$"), ident):
        shown = "".join(ch if ch.isprintable() else "?" for ch in ident)
        raise QuanliError(
            f"{what}编号“{shown}”不合规：只能用字母、数字、连字符和下划线，以字母或数字开头，最长 64 个字符。",
            f"invalid id '{shown}': use letters, digits, '-' and '_' (max 64).",
        )
    problem = windows_problem(ident + ".yaml")  # what QL126 refuses: CON, aux, LPT1 … with any extension
    if problem is not None:
        raise QuanliError(
            f"{what}编号“{ident}”不能用作文件名：{problem[0]}。请换一个编号，没有新建文件。",
            f"id '{ident}' cannot name a file: {problem[1]}; choose another id. Nothing created.",
        )


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
                raise QuanliError(
                    f"{folder / other} 已存在，与 {target.name} 只差大小写：在 Windows 和 macOS 上它们是同一个文件，"
                    f"请换一个{what}编号，没有新建文件。",
                    f"{folder / other} exists and differs from {target.name} only by case (one file on Windows "
                    "and macOS); choose another id. Nothing created.",
                )


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
    check_text(name, "事项名称", "item name")
    check_text(category, "类别", "category")
    root = catalogue_root(catalog)
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
    text = render(
        "item.yaml.j2",
        schema_dir=schema_dir_for(root, root / "items"),
        id=ident,
        name=name,
        category=category,
        subject=subject,
        department=department,
        duty=duty,
        flow=flow,
        kind=kind,
        today=clock.today().isoformat(),
        law=law,
        known_law=known_law,
    )
    text = canonical(text, "item")
    readback(
        text,
        {
            ("id",): ident,
            ("name",): name,
            ("category",): category,
            ("subject",): subject,
            ("department",): department,
            ("duties", 0): duty,
            ("flow",): flow,
            ("basis", 0, "law"): law,
        },
        target,
    )
    write_atomic(target, text)
    _say(
        lang,
        f"已新建 {target}。请填写括号中的内容，然后运行 quanli validate。",
        f"created {target}. Fill in the bracketed hints, then run quanli validate.",
    )
    return 0


def new_flow(catalog: Path, ident: str, kind: str, name: str, lang: str) -> int:
    _check_id(ident, "流程图")
    check_text(name, "流程图名称", "flow name")
    root = catalogue_root(catalog)
    target = root / "flows" / f"{ident}.yaml"
    _check_free(target, "流程图")
    template_kind = "penalty" if kind in ("处罚", "penalty") else "licence"
    title = name or ("行政处罚一般程序流程图" if template_kind == "penalty" else "行政许可办理流程图")
    text = canonical(
        render(
            "flow.yaml.j2", schema_dir=schema_dir_for(root, root / "flows"), id=ident, name=title, kind=template_kind
        ),
        "flow",
    )
    readback(text, {("id",): ident, ("name",): title}, target)
    write_atomic(target, text)
    _say(lang, f"已新建 {target}。", f"created {target}.")
    return 0
