"""QL901-QL905: the review chain (银政办内发〔2008〕48号 四.(二).1: 处室起草 → 领导小组初核 → 党组审核 → 主任签署 → 上报公布;
内政办发〔2010〕66号 二.(二): 未经核定备案的行政权力事项均不得行使)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule
from quanli.review import stages

if TYPE_CHECKING:
    from quanli.check.context import Context


def _chain(ctx) -> stages.Chain:
    cached = ctx.__dict__.get("_review_chain")
    if cached is None:
        cached = ctx.__dict__["_review_chain"] = stages.chain_of(ctx.catalogue.catalog.data)
    return cached


@catalogue_rule(
    "QL901",
    "signoff-out-of-order",
    "error",
    "签署记录不符合审核流程",
    "sign-offs out of order",
    "审核要按 草稿 → 初核 → 审核 → 审定 → 公布 逐级进行，不能跳过环节（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).1：处室起草、领导小组初核、党组审核、主任签署）；"
    "内容改动后要从第一个环节重新审核。status 要与最后一次签署一致，签署日期不能倒退。用 quanli review 签署可以避免这些问题。",
    "status: 初核, signoffs: [{stage: 初核, name: 王明, date: '2026-03-02'}]",
    "status: 审定, signoffs: [{stage: 审定, name: 王明, date: '2026-03-02'}]（跳过了初核、审核）",
)
def signoff_out_of_order(ctx: Context) -> None:
    chain = _chain(ctx)
    for sf in ctx.items():
        if "signoffs" not in sf.data:
            continue
        for index, zh, en in stages.chain_errors(sf.data, chain):
            path = ("status",) if index is None else ("signoffs", index, "stage")
            ctx.report("QL901", sf, path, zh, en)


@catalogue_rule(
    "QL902",
    "changed-after-signoff",
    "warning",
    "签署后内容又有改动，需要重新审核",
    "changed after its last sign-off",
    "签署只对签署时的内容有效：之后改动了事项（哪怕只改一个字）或它使用的流程图，就要从第一个环节重新审核，否则公开的内容未经核定"
    "（《内蒙古自治区政府办公厅关于推进行政权力公开透明运行的意见》内政办发〔2010〕66号 二.(二)：未经核定备案的行政权力事项均不得行使）。quanli review 签署时记下内容指纹（fingerprint），据此发现改动；"
    "没有指纹的签署由 quanli status 通过 git 历史判断。",
    "签署后没有改动事项内容（只运行了 quanli fmt）",
    "审定后又把承诺时限从 15 改为 10 个工作日",
)
def changed_after_signoff(ctx: Context) -> None:
    chain = _chain(ctx)
    for sf in ctx.items():
        if "signoffs" not in sf.data or sf.data.get("status") in stages.WITHDRAWN:
            continue
        last = stages.changed_since_signoff(sf.data)
        again = f"quanli review {sf.data.get('id', sf.stem)} --stage {chain.first} --by 姓名"
        if last is not None:
            ctx.report(
                "QL902",
                sf,
                ("signoffs", len(stages.signoffs(sf.data)) - 1, "fingerprint"),
                f"{stages.describe(last)}之后事项内容有改动，需要重新审核：{again}",
                f"the item changed after its sign-off at {last.get('stage')}; review it again from {chain.first}.",
            )
            continue
        flow_id = sf.data.get("flow")
        flow = ctx.flows_by_id.get(flow_id) if isinstance(flow_id, str) else None
        last = stages.flow_changed_since_signoff(sf.data, flow.data if flow is not None else None)
        if last is not None:
            ctx.report(
                "QL902",
                sf,
                ("signoffs", len(stages.signoffs(sf.data)) - 1, "flow_fingerprint"),
                f"{stages.describe(last)}之后事项使用的流程图 {flow_id} 有改动（环节或说明变了），需要重新审核：{again}",
                f"flowchart {flow_id} changed after the item's sign-off at {last.get('stage')}; review it again from {chain.first}.",
            )


@catalogue_rule(
    "QL903",
    "status-without-signoff",
    "warning",
    "状态没有签署记录",
    "status without a sign-off",
    "事项的状态要有签署记录作依据：谁在什么时候签署了哪个环节（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).1 的审核流程）。"
    "从旧清单导入的已公布事项，可以由负责人用 quanli review 补签，或记入基线（quanli baseline）。",
    "status: 初核, signoffs: [{stage: 初核, role: 政务公开领导小组, name: 王明, date: '2026-03-02'}]",
    "status: 审定（没有 signoffs）",
)
def status_without_signoff(ctx: Context) -> None:
    for sf in ctx.items():
        status = sf.data.get("status")
        if isinstance(status, str) and status != stages.DRAFT and not stages.signoffs(sf.data):
            ctx.report(
                "QL903",
                sf,
                ("status",),
                f"状态为“{status}”，但没有签署记录（signoffs）。请用 quanli review 签署。",
                f"status '{status}' has no sign-off; record one with quanli review.",
            )


@catalogue_rule(
    "QL904",
    "withdrawn-without-reason",
    "warning",
    "停止行使或取消的事项没有说明原因",
    "withdrawn without a reason",
    "停止行使、取消的事项要在变更说明中写明原因（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2：职权目录和流程图发生变更时，应按程序及时修订、公布，并在20个工作日内……作出说明）。请在 change_reason 中写明，"
    "或签署时用 --remark 说明。",
    "status: 停止行使, change_reason: 法律依据已废止",
    "status: 停止行使（没有 change_reason）",
)
def withdrawn_without_reason(ctx: Context) -> None:
    for sf in ctx.items():
        status = sf.data.get("status")
        if status not in stages.WITHDRAWN:
            continue
        last = stages.last_signoff(sf.data)
        reason = sf.data.get("change_reason")
        if not (isinstance(reason, str) and reason.strip()) and not (
            last and last.get("stage") == status and str(last.get("remark") or "").strip()
        ):
            ctx.report(
                "QL904",
                sf,
                ("status",),
                f"事项已{status}，请在 change_reason 中写明原因（会写入变更说明）。",
                f"the item is {status}: give the reason in change_reason.",
            )


@catalogue_rule(
    "QL905",
    "review-settings",
    "error",
    "审核流程设置有误",
    "invalid review settings",
    "catalog.yaml 的 review 列出本目录的审核环节（初核、审核、审定、公布中的若干个，按这个顺序）和公开起始环节 publish_from，"
    "publish_from 必须是列出的环节之一。设置有误时 quanli 按默认流程检查。",
    "review: {stages: [{stage: 初核}, {stage: 审定}], publish_from: 审定}",
    "review: {stages: [{stage: 审定}, {stage: 初核}]}",
)
def review_settings(ctx: Context) -> None:
    if ctx.items_only or not ctx.catalogue.catalog.ok:
        return
    problem = stages.chain_problem(ctx.catalogue.catalog.data)
    if problem is not None:
        ctx.report("QL905", ctx.catalogue.catalog, ("review",), *problem, key=True)
