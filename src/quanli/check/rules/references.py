"""QL111-QL119, QL122: identity, uniqueness and references between the files of a catalogue."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule
from quanli.core.model import DEFAULT_ID_PATTERN

if TYPE_CHECKING:
    from quanli.check.context import Context


def _str(value) -> str | None:
    return value if isinstance(value, str) else None


def _check_field(ctx, rule_id: str, field: str, known: set | list, zh, en) -> None:
    """Report every item whose text ``field`` is not among ``known``; zh/en build the messages."""
    for sf in ctx.items():
        value = _str(sf.data.get(field))
        if value is not None and value not in known:
            ctx.report(rule_id, sf, (field,), zh(value), en(value))


@catalogue_rule(
    "QL111",
    "id-matches-file",
    "error",
    "编号与文件名不一致",
    "id differs from the file name",
    "事项和流程图的编号就是它的文件名（items/<编号>.yaml），这样在文件夹里、在 git 历史里都能按编号找到它。"
    "编号改了而文件名没改（或反过来），引用和变更记录就会对不上。",
    "items/HB-XK-001.yaml:\nid: HB-XK-001\n",
    "items/HB-XK-001.yaml:\nid: HB-XK-002\n",
)
def id_matches_file(ctx: Context) -> None:
    for sf in ctx.items() + ctx.flows():
        ident = _str(sf.data.get("id"))
        if ident is not None and ident != sf.stem:
            what = "事项" if sf.kind == "item" else "流程图"
            ctx.report(
                "QL111",
                sf,
                ("id",),
                f"{what}编号“{ident}”与文件名“{sf.stem}”不一致。请把文件改名为 {ident}.yaml，或把编号改为 {sf.stem}。",
                f"id '{ident}' differs from the file name '{sf.stem}'; rename one of them.",
            )


@catalogue_rule(
    "QL112",
    "duplicate-id",
    "error",
    "编号重复",
    "duplicate id",
    "编号在一个目录内必须唯一，否则引用、对比和发布都无法确定指的是哪一个。"
    "只有大小写不同的编号也算重复：在 Windows 和 macOS 上它们是同一个文件。",
    "HB-XK-001.yaml 与 HB-XK-002.yaml",
    "HB-XK-001.yaml 与 hb-xk-001.yaml",
)
def duplicate_id(ctx: Context) -> None:
    for group in (ctx.items(), ctx.flows()):
        seen: dict[str, object] = {}
        for sf in group:
            ident = _str(sf.data.get("id"))
            if ident is None:
                continue
            first = seen.setdefault(ident.casefold(), sf)
            if first is not sf:
                ctx.report(
                    "QL112",
                    sf,
                    ("id",),
                    f"编号“{ident}”与 {first.rel} 重复（不区分大小写）。",
                    f"id '{ident}' duplicates {first.rel} (case-insensitively).",
                )


@catalogue_rule(
    "QL113",
    "duplicate-name",
    "error",
    "事项名称重复",
    "duplicate item name",
    "同一单位的目录中两个事项同名，公众无法区分，一表里也会出现两行相同的项目名称。"
    "确属不同的事项时，请在名称中写明区别（例如按对象或情形区分）。",
    "两个事项分别叫“……审批（新建）”和“……审批（变更）”",
    "两个事项都叫“建设项目环境影响报告书审批”",
)
def duplicate_name(ctx: Context) -> None:
    seen: dict[str, object] = {}
    for sf in ctx.items():
        name = _str(sf.data.get("name"))
        if not name:
            continue
        key = " ".join(name.split())
        first = seen.setdefault(key, sf)
        if first is not sf:
            ctx.report(
                "QL113",
                sf,
                ("name",),
                f"事项名称“{name}”与 {first.rel} 重复。",
                f"item name '{name}' duplicates {first.rel}.",
            )


@catalogue_rule(
    "QL114",
    "unknown-flow",
    "error",
    "引用的流程图不存在",
    "flow not found",
    "每个事项通过 flow 引用 flows/ 中的一个运行流程图（一图），多个事项可以共用一个。引用的流程图必须存在，否则一图缺失。"
    "flow 还是占位文字时（例如 quanli import 给没有流程图的事项填的 TODO）也由本规则报告，QL802 不再重复报告。",
    "flow: CF-YBCX   # flows/CF-YBCX.yaml 存在",
    "flow: CF-YBCX   # flows/ 中没有这个文件",
)
def unknown_flow(ctx: Context) -> None:
    from quanli.check.rules.hygiene import is_placeholder

    flows = known_flows(ctx)

    def zh(v):
        if is_placeholder(v):
            return f"还没有流程图：“{v}”是占位文字。请新建或选用流程图（quanli new flow）后把它的编号填在这里。"
        return f"引用的流程图“{v}”不存在（flows/{v}.yaml）。"

    def en(v):
        if is_placeholder(v):
            return (
                f"no flow yet: '{v}' is a placeholder; create or choose a flow (quanli new flow) and put its id here."
            )
        return f"flow '{v}' not found (flows/{v}.yaml)."

    _check_field(ctx, "QL114", "flow", flows, zh, en)


def known_flows(ctx) -> set:
    """The ids an item's flow may name: QL114 reports any other (QL802 leaves those to it)."""
    return ctx.catalogue.flow_ids() | {sf.stem for sf in ctx.catalogue.flows}


@catalogue_rule(
    "QL115",
    "unknown-law",
    "error",
    "引用的法规不在 laws.yaml 中",
    "law not in laws.yaml",
    "行使依据中的每部法规都登记在 laws.yaml 中（名称、效力层级、时效性），这样法规修改或废止时能找出所有受影响的事项。",
    "basis:\n  - law: 行政许可法   # laws.yaml 中有 id: 行政许可法",
    "basis:\n  - law: 许可法   # laws.yaml 中没有",
)
def unknown_law(ctx: Context) -> None:
    if ctx.catalogue.laws is None or not ctx.catalogue.laws.ok:
        return  # reported as a missing or unreadable laws.yaml
    laws = ctx.catalogue.law_ids()
    for sf in ctx.items():
        basis = sf.data.get("basis")
        for i, entry in enumerate(basis if isinstance(basis, list) else []):
            law = _str(entry.get("law")) if isinstance(entry, dict) else None
            if law is not None and law not in laws:
                ctx.report(
                    "QL115",
                    sf,
                    ("basis", i, "law"),
                    f"法规“{law}”没有登记在 laws.yaml 中。请在 laws.yaml 中添加它，或改用已登记的编号。",
                    f"law '{law}' is not registered in laws.yaml.",
                )


@catalogue_rule(
    "QL116",
    "unknown-department",
    "error",
    "承办机构不在内设处室中",
    "department not in catalog.yaml",
    "承办机构必须是 catalog.yaml 中登记的内设处室（来自三定方案），这样才能核对“权力对应处室职责”，也能按处室统计。",
    "department: 法制宣教科   # catalog.yaml departments 中有",
    "department: 法制科   # catalog.yaml 中没有",
)
def unknown_department(ctx: Context) -> None:
    if not ctx.catalogue.catalog.ok:
        return
    names = ctx.catalogue.department_names()
    listed = "、".join(sorted(names)) or "（尚未登记任何处室）"
    _check_field(
        ctx,
        "QL116",
        "department",
        names,
        lambda v: f"承办机构“{v}”不在 catalog.yaml 的内设处室中。已登记：{listed}。",
        lambda v: f"department '{v}' is not listed in catalog.yaml departments.",
    )


@catalogue_rule(
    "QL117",
    "unknown-category",
    "error",
    "类别不在本目录的类别设置中",
    "category not in the catalogue's set",
    "事项按类别编制一表（按照类别编制）。类别必须来自本目录的类别设置（catalog.yaml 的 settings.categories，默认是全国通用的十类及公共服务）。",
    "category: 行政许可",
    "category: 许可",
)
def unknown_category(ctx: Context) -> None:
    if not ctx.catalogue.catalog.ok:
        return
    names = ctx.catalogue.category_names()
    _check_field(
        ctx,
        "QL117",
        "category",
        names,
        lambda v: f"类别“{v}”不在本目录的类别中。可选：{'、'.join(names)}。",
        lambda v: f"category '{v}' is not one of: {', '.join(names)}.",
    )


def _compile(ctx, key: str, default: str, code: str | None = None):
    pattern = ctx.catalogue.settings.get(key) or default
    try:
        if "{code}" in str(pattern):
            return re.compile(str(pattern).replace("{code}", re.escape(code) if code is not None else "(?!)"))
        return re.compile(pattern)
    except (re.error, TypeError) as exc:
        ctx.report(
            "QL118",
            ctx.catalogue.catalog,
            ("settings", key),
            f"编号规则“{pattern}”不是有效的正则表达式：{exc}。",
            f"'{pattern}' is not a valid regular expression: {exc}.",
        )
        return None


@catalogue_rule(
    "QL118",
    "id-pattern",
    "error",
    "编号不符合本目录的编号规则",
    "id does not follow the catalogue's pattern",
    "catalog.yaml 的 settings.id_pattern（或 quanli.toml 的 [catalog] id-pattern）规定事项编号的写法，例如 ^HB-[A-Z]{2}-[0-9]{3}$；"
    "写成 ^HB-{code}-[0-9]{3}$ 时，{code} 换成事项所属类别的代码（settings.categories[].code），即按类别分前缀。统一的编号便于排序、查找和导入导出。",
    "id: HB-XK-001",
    "id: HBXK1",
)
def id_pattern(ctx: Context) -> None:
    if not ctx.catalogue.catalog.ok:
        return
    codes = ctx.catalogue.category_codes()
    for key, group, what in (("id_pattern", ctx.items(), "事项"), ("flow_id_pattern", ctx.flows(), "流程图")):
        pattern = ctx.catalogue.settings.get(key) or DEFAULT_ID_PATTERN
        per_category = "{code}" in str(pattern)
        shared = _compile(ctx, key, DEFAULT_ID_PATTERN, "X")  # also validates a per-category pattern, once
        if shared is None:
            continue
        for sf in group:
            ident = _str(sf.data.get("id"))
            if ident is None:
                continue
            regex = (
                _compile(ctx, key, DEFAULT_ID_PATTERN, codes.get(sf.data.get("category"))) if per_category else shared
            )
            if regex is not None and not regex.search(ident):
                shown = (
                    str(pattern).replace("{code}", codes.get(sf.data.get("category"), "{code}"))
                    if per_category
                    else regex.pattern
                )
                ctx.report(
                    "QL118",
                    sf,
                    ("id",),
                    f"{what}编号“{ident}”不符合本目录的编号规则 {shown}。",
                    f"id '{ident}' does not match the catalogue's pattern {shown}.",
                )


@catalogue_rule(
    "QL119",
    "unknown-duty",
    "error",
    "对应职责不存在",
    "duty not found",
    "事项的 duties 列出它对应的处室职责（catalog.yaml departments[].duties[].id），用于核查“权力与职责对应”。引用的职责编号必须存在。",
    "duties: [ZZ-01]   # catalog.yaml 中有 id: ZZ-01",
    "duties: [ZZ-99]",
)
def unknown_duty(ctx: Context) -> None:
    if not ctx.catalogue.catalog.ok:
        return
    duties = ctx.catalogue.duty_ids()
    for sf in ctx.items():
        refs = sf.data.get("duties")
        for i, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, str) and ref not in duties:
                ctx.report(
                    "QL119",
                    sf,
                    ("duties", i),
                    f"职责编号“{ref}”不在 catalog.yaml 的处室职责中。",
                    f"duty '{ref}' is not defined in catalog.yaml.",
                )


@catalogue_rule(
    "QL122",
    "duplicate-definition",
    "error",
    "法规、处室或职责重复登记",
    "law, department or duty defined twice",
    "laws.yaml 中的法规编号、catalog.yaml 中的处室名称和职责编号都被事项引用，重复登记会让引用指向不明。",
    "laws:\n  - id: 行政许可法\n  - id: 行政处罚法",
    "laws:\n  - id: 行政许可法\n  - id: 行政许可法",
)
def duplicate_definition(ctx: Context) -> None:
    cat = ctx.catalogue
    groups = []
    if cat.laws is not None and cat.laws.ok and isinstance(cat.laws.data.get("laws"), list):
        groups.append(
            (
                cat.laws,
                [(("laws", i, "id"), e.get("id")) for i, e in enumerate(cat.laws.data["laws"]) if isinstance(e, dict)],
                "法规编号",
                "law id",
            )
        )
    if cat.catalog.ok and isinstance(cat.catalog.data.get("departments"), list):
        deps = cat.catalog.data["departments"]
        groups.append(
            (
                cat.catalog,
                [(("departments", i, "name"), d.get("name")) for i, d in enumerate(deps) if isinstance(d, dict)],
                "处室名称",
                "department name",
            )
        )
        duties = []
        for i, d in enumerate(deps):
            if isinstance(d, dict) and isinstance(d.get("duties"), list):
                duties += [
                    (("departments", i, "duties", j, "id"), u.get("id"))
                    for j, u in enumerate(d["duties"])
                    if isinstance(u, dict)
                ]
        groups.append((cat.catalog, duties, "职责编号", "duty id"))
    for sf, entries, what_zh, what_en in groups:
        seen = set()
        for path, value in entries:
            if not isinstance(value, str):
                continue
            if value in seen:
                ctx.report("QL122", sf, path, f"{what_zh}“{value}”重复登记。", f"{what_en} '{value}' is defined twice.")
            seen.add(value)
