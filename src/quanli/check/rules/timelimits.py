"""QL301-QL304: time limits are consistent with each other, with the flow and with the law.

Legal time limits are counted in working days excluding statutory holidays (行政许可法
第八十二条); a licence decision takes 20 working days, extendable by 10 with the head's
approval, and longer only where a law or regulation says so (行政许可法 第四十二条).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule

if TYPE_CHECKING:
    from quanli.check.context import Context

_CITES_LAW = re.compile(r"《[^》]+》|法|条例|规定|办法|第[〇零一二三四五六七八九十百千两0-9]+条")


def _limits(ctx, sf):
    return ctx.limits[sf.path]


@catalogue_rule(
    "QL301",
    "promised-exceeds-statutory",
    "error",
    "承诺时限超过法定时限",
    "promised limit exceeds the statutory limit",
    "承诺办结时限是在法定时限内作出的提速承诺，不能长于法定时限（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2：流程图载明办理时限；金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号：职权目录注明服务承诺；行政许可法第四十二条）。单位不同时按 5 个工作日折合 7 个自然日比较。",
    "statutory: 20\npromised: 10",
    "statutory: 20\npromised: 25",
)
def promised_exceeds(ctx: Context) -> None:
    for sf in ctx.items():
        _, statutory, promised = _limits(ctx, sf)
        if statutory and promised and promised.working_days() > statutory.working_days() + 1e-9:
            ctx.report(
                "QL301",
                sf,
                ("time_limit", "promised"),
                f"承诺办结时限（{promised.text()}）超过了法定办结时限（{statutory.text()}）。",
                f"promised limit ({promised.value:g} {promised.unit}) exceeds the statutory limit ({statutory.value:g} {statutory.unit}).",
            )


@catalogue_rule(
    "QL302",
    "flow-exceeds-promised",
    "warning",
    "流程各步骤时限之和超过承诺时限",
    "flow steps take longer than the promised limit",
    "流程图上最长路径各步骤的办理时限之和（不含特别程序，不含补正等回退）应当能在承诺办结时限内完成，否则流程图与承诺自相矛盾（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2：一图须标明办理时限）。",
    "promised: 10，流程各步骤合计 8 个工作日",
    "promised: 5，流程各步骤合计 8 个工作日",
)
def flow_exceeds_promised(ctx: Context) -> None:
    for sf in ctx.items():
        tl, statutory, promised = _limits(ctx, sf)
        limit = promised or statutory
        flow = ctx.flows_by_id.get(sf.data.get("flow")) if isinstance(sf.data.get("flow"), str) else None
        if limit is None or flow is None:
            continue
        total, path = ctx.longest_paths[flow.data["id"]]
        if total > limit.working_days() + 1e-9:
            which = "promised" if promised else "statutory"
            if len(path) > 8:
                path = path[:4] + ["…"] + path[-3:]
            ctx.report(
                "QL302",
                sf,
                ("time_limit", which),
                f"流程图“{flow.data['id']}”最长路径（{'→'.join(path)}）的步骤时限合计约 {total:g} 个工作日，超过了{'承诺' if promised else '法定'}时限（{limit.text()}）。",
                f"the longest path of flow '{flow.data['id']}' ({' > '.join(path)}) takes about {total:g} working days, more than the {which} limit.",
            )


@catalogue_rule(
    "QL303",
    "time-unit-mismatch",
    "warning",
    "时限单位不一致",
    "inconsistent time units",
    "同一事项的法定时限和承诺时限应使用同一单位（工作日或自然日），否则公众无法比较；法定时限以工作日计算，不含法定节假日（行政许可法第八十二条，行政强制法第六十九条）。",
    "statutory: {value: 20, unit: 工作日}\npromised: {value: 10, unit: 工作日}",
    "statutory: {value: 20, unit: 工作日}\npromised: {value: 10, unit: 自然日}",
)
def unit_mismatch(ctx: Context) -> None:
    for sf in ctx.items():
        _, statutory, promised = _limits(ctx, sf)
        if statutory and promised and statutory.unit != promised.unit and 0 not in (statutory.value, promised.value):
            ctx.report(
                "QL303",
                sf,
                ("time_limit", "promised"),
                f"法定时限以“{statutory.unit}”计，承诺时限却以“{promised.unit}”计，请统一单位。",
                f"statutory limit in {statutory.unit} but promised limit in {promised.unit}; use one unit.",
            )


@catalogue_rule(
    "QL304",
    "licence-limit-without-basis",
    "warning",
    "许可法定时限超过 20 个工作日但没有写明依据",
    "licence limit over 20 working days without a basis",
    "行政许可法第四十二条：除当场作出的外，应当自受理之日起二十日内作出决定，经本机关负责人批准可以延长十日；法律、法规另有规定的，依照其规定。"
    "超过 20 个工作日的法定时限须在 time_limit.note 或法定时限的 note 中写明所依据的法律、法规条款。",
    "statutory: {value: 60, unit: 自然日, note: 环境影响评价法第二十二条}",
    "statutory: {value: 60, unit: 自然日}",
)
def licence_limit_basis(ctx: Context) -> None:
    for sf in ctx.items():
        if sf.data.get("category") != "行政许可":
            continue
        tl, statutory, _ = _limits(ctx, sf)
        if statutory is None or statutory.working_days() <= 20 + 1e-9:
            continue
        notes = [tl.get("note"), tl.get("statutory", {}).get("note") if isinstance(tl.get("statutory"), dict) else None]
        if not any(isinstance(n, str) and _CITES_LAW.search(n) for n in notes):
            ctx.report(
                "QL304",
                sf,
                ("time_limit", "statutory"),
                f"行政许可的法定时限为 {statutory.text()}，超过 20 个工作日，须有法律、法规的规定（行政许可法第四十二条）。请在时限说明（note）中写明依据。",
                "a licence limit over 20 working days needs a law or regulation (行政许可法 art. 42); cite it in the note.",
            )
