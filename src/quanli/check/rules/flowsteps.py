"""QL408-QL412: what each step of a flowchart must say: its post, the supervision and complaint
steps of the flow, how a decision is disclosed, a type that fits what the step does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quanli.check.flowgraph import (
    _is_terminal,
    _reach,
    flow_graph,
)
from quanli.check.registry import catalogue_rule

if TYPE_CHECKING:
    from quanli.check.context import Context


@catalogue_rule(
    "QL408",
    "step-without-post",
    "warning",
    "步骤没有承办岗位",
    "step without a post (承办岗位)",
    "流程图的每个办理步骤都要注明承办岗位（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2、金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号：流程图注明承办岗位、办理时限、监督制约环节），开始和结束的端点除外。",
    "- id: review\n  name: 审查\n  post: 审批科科员",
    "- id: review\n  name: 审查",
)
def step_without_post(ctx: Context) -> None:
    for sf in ctx.flows():
        graph = flow_graph(sf, ctx)
        for i, step in graph.steps:
            if not _is_terminal(step, graph) and not str(step.get("post") or "").strip():
                ctx.report(
                    "QL408",
                    sf,
                    ("steps", i, "id"),
                    f"步骤“{step.get('name', step['id'])}”没有写承办岗位（post）。",
                    f"step '{step['id']}' has no post.",
                )


@catalogue_rule(
    "QL409",
    "flow-without-supervision",
    "warning",
    "流程图没有监督制约环节",
    "flow without a supervision point",
    "“监督制约环节”是流程图必须标明的内容（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2、金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号），至少要有一个步骤写明监督制约措施（例如负责人审批、法制审核、集体讨论）。",
    "supervision: 法制审核",
    "（所有步骤都没有 supervision）",
)
def flow_without_supervision(ctx: Context) -> None:
    for sf in ctx.flows():
        graph = flow_graph(sf, ctx)
        if graph.steps and not any(str(s.get("supervision") or "").strip() for _, s in graph.steps):
            ctx.report(
                "QL409",
                sf,
                ("steps",),
                "流程图中没有任何步骤写明监督制约（supervision）。",
                "no step of the flow has a supervision point.",
                key=True,
            )


@catalogue_rule(
    "QL410",
    "flow-without-complaint",
    "warning",
    "流程图没有投诉举报途径",
    "flow without a complaint channel",
    "一图须标明投诉举报途径和方式（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2、金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号），画在流程图底部；请在流程图的 complaint 中写明电话或地址。",
    "complaint:\n  phone: 0519-82101099",
    "（没有 complaint）",
)
def flow_without_complaint(ctx: Context) -> None:
    for sf in ctx.flows():
        complaint = sf.data.get("complaint")
        if not (isinstance(complaint, dict) and any(str(v).strip() for v in complaint.values())):
            ctx.report(
                "QL410",
                sf,
                ("complaint",) if "complaint" in sf.data else ("name",),
                "流程图没有写投诉举报途径（complaint）。",
                "the flow has no complaint channel.",
                key=True,
            )


@catalogue_rule(
    "QL411",
    "decision-without-disclosure",
    "warning",
    "许可、处罚流程没有结果公开的说明",
    "licence/penalty flow without a disclosure note",
    "行政许可、行政处罚决定应在作出之日起 7 个工作日内公开（《鹤壁市人民政府办公室关于进一步做好全市政务公开工作的通知》鹤政办〔2019〕20号 二.(七)），流程图要在重要环节标明公开的范围、形式和时限（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2）。"
    "许可、处罚事项所用的流程图中，作出决定的步骤（名称含“决定”）或其后的步骤要写明 disclosure。",
    "- id: decide\n  disclosure: {scope: 社会, forms: [门户网站], timing: 7 个工作日内}",
    "（流程中没有任何 disclosure）",
)
def decision_without_disclosure(ctx: Context) -> None:
    for flow_id, items in sorted(ctx.items_by_flow.items()):
        sf = ctx.flows_by_id.get(flow_id)
        if sf is None or not any(i.data.get("category") in ("行政许可", "行政处罚") for i in items):
            continue
        graph = flow_graph(sf, ctx)
        deciding = [sid for sid, step in graph.by_id.items() if "决定" in str(step.get("name", ""))]
        if deciding:  # the decision, or a step after it (送达, 公开), must say how the result is published
            forward = {sid: [t for t in ts if (sid, t) not in graph.back_edges] for sid, ts in graph.succ.items()}
            candidates = _reach(deciding, forward)
        else:
            candidates = set(graph.by_id)
        if not any(
            isinstance(graph.by_id[sid].get("disclosure"), dict) and graph.by_id[sid]["disclosure"]
            for sid in candidates
        ):
            where = "作出决定的步骤及其后续步骤" if deciding else "任何步骤"
            ctx.report(
                "QL411",
                sf,
                ("steps", graph.index[deciding[0]], "id") if deciding else ("steps",),
                f"行政许可或行政处罚事项使用这张流程图，但{where}都没有写明结果公开（disclosure：范围、形式、时限，例如决定作出之日起 7 个工作日内公开）。",
                "licence/penalty items use this flow but the decision step and the steps after it carry no disclosure note.",
                key=not deciding,
            )


@catalogue_rule(
    "QL412",
    "step-type-mismatch",
    "warning",
    "步骤的图形与它在流程中的位置不符",
    "step type does not fit its place",
    "GB/T 1526：端点表示开始和结束，结束步骤没有下一步；写成 end 却还有下一步、写成 start 却不是开始，会画出误导读者的图。",
    "- id: close\n  type: end",
    "- id: close\n  type: end\n  next: [archive]",
)
def step_type_mismatch(ctx: Context) -> None:
    for sf in ctx.flows():
        graph = flow_graph(sf, ctx)
        for i, step in graph.steps:
            kind = step.get("type")
            if kind == "end" and graph.succ.get(step["id"]):
                ctx.report(
                    "QL412",
                    sf,
                    ("steps", i, "type"),
                    f"步骤“{step['id']}”标为结束（end），却还有下一步。",
                    f"step '{step['id']}' is an end but has next steps.",
                )
