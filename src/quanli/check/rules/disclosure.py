"""QL601-QL605: what is published, how, when, and what must never be published."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule
from quanli.check.rules.elements import _blank
from quanli.check.rules.hygiene import strings
from quanli.core.model import PUBLIC_SCOPES, time_limit

if TYPE_CHECKING:
    from quanli.check.context import Context

NON_PUBLIC = ("内部公开", "不予公开")
PUBLIC_MEDIA = (
    "门户网站",
    "政务服务网",
    "公开栏",
    "宣传册",
    "办事手册",
    "新闻发布会",
    "报刊",
    "广播电视",
    "政务新媒体",
)
_PLACEHOLDER_REASONS = {"无", "暂无", "待定", "不公开", "不予公开", "内部", "其他", "略"}


def _disclosure(sf) -> dict:
    d = sf.data.get("disclosure")
    return d if isinstance(d, dict) else {}


@catalogue_rule(
    "QL601",
    "public-without-forms-or-timing",
    "error",
    "社会公开的事项没有公开形式或公开时限",
    "public item without forms or timing",
    "一表要列出每项权力的公开形式和公开时限（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2 及附件2、金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号：逐项列明公开形式、范围、时间）。",
    "disclosure: {scope: 社会公开, forms: [门户网站], timing: 长期公开}",
    "disclosure: {scope: 社会公开}",
)
def public_forms_timing(ctx: Context) -> None:
    for sf in ctx.items():
        d = _disclosure(sf)
        if d.get("scope") == "社会公开":
            lacking = [k for k in ("forms", "timing") if _blank(d.get(k))]
            if lacking:
                names = "、".join({"forms": "公开形式（forms）", "timing": "公开时限（timing）"}[k] for k in lacking)
                ctx.report(
                    "QL601",
                    sf,
                    ("disclosure",),
                    f"社会公开的事项缺少{names}。",
                    f"a public item needs disclosure {', '.join(lacking)}.",
                    key=True,
                )


@catalogue_rule(
    "QL602",
    "public-flow-mentions-confidential",
    "error",
    "公开事项的流程图提到了不公开的事项",
    "a public item's flow mentions a confidential item",
    "不予公开、内部公开的事项不得以任何形式出现在公开的目录中（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 附件4：依法不能公开的权力单独填入《涉密不宜公开权力目录》，不在公开目录中发布）。"
    "公开事项所用的流程图会随公开目录发布，其中不能出现不公开事项的名称或编号。",
    "公开事项的流程图只写通用步骤",
    "公开事项的流程图中写着“参照 BGS-RS-003 干部任免酝酿”",
)
def public_flow_mentions_confidential(ctx: Context) -> None:
    from quanli.check.mentions import pattern_of, secret_needles
    from quanli.core.textfold import fold

    found = secret_needles(ctx.items())  # compared as a reader reads them (textfold)
    if not found:
        return
    pattern = pattern_of(found)
    for flow_id, items in sorted(ctx.items_by_flow.items()):
        flow = ctx.flows_by_id.get(flow_id)
        if flow is None or not any(_disclosure(i).get("scope") in PUBLIC_SCOPES for i in items):
            continue
        for path, text in strings(flow.data):
            for needle in sorted(set(pattern.findall(fold(text)))):
                ident, written = found[needle]
                ctx.report(
                    "QL602",
                    flow,
                    path,
                    f"公开事项使用这张流程图，但其中提到了不公开的事项“{written}”（{ident}）。公开发布时会泄露它，请删去。",
                    f"this flow is used by public items but mentions the confidential item '{ident}'.",
                )


@catalogue_rule(
    "QL603",
    "disclosure-deadline-too-long",
    "warning",
    "结果公开期限超过规定",
    "disclosure deadline longer than required",
    "行政许可、行政处罚决定应自作出之日起 7 个工作日内公开，其他行政执法决定 20 个工作日内公开（《鹤壁市人民政府办公室关于进一步做好全市政务公开工作的通知》鹤政办〔2019〕20号 二.(七)）。",
    "disclosure: {deadline: 7}",
    "disclosure: {deadline: 15}   # 行政处罚",
)
def deadline_too_long(ctx: Context) -> None:
    for sf in ctx.items():
        deadline = time_limit(_disclosure(sf).get("deadline"))
        if deadline is None:
            continue
        limit = 7 if sf.data.get("category") in ("行政许可", "行政处罚") else 20
        if deadline.working_days() > limit + 1e-9:
            ctx.report(
                "QL603",
                sf,
                ("disclosure", "deadline"),
                f"{sf.data.get('category')}决定应在 {limit} 个工作日内公开，这里写的是 {deadline.text()}。",
                f"decisions of this category must be published within {limit} working days.",
            )


@catalogue_rule(
    "QL604",
    "weak-nondisclosure-reason",
    "error",
    "不公开的理由不充分",
    "reason for not disclosing is empty or vague",
    "不予公开或内部公开的事项要逐项说明理由（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 附件4“不公开理由”，金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号：对不能公开的提供依据、说明理由），例如涉及国家秘密、商业秘密、个人隐私，并写明依据。",
    "reason: 涉及国家秘密（保守国家秘密法第二条）",
    "reason: 无",
)
def weak_reason(ctx: Context) -> None:
    for sf in ctx.items():
        d = _disclosure(sf)
        if d.get("scope") in NON_PUBLIC:
            reason = d.get("reason")
            text = reason.strip() if isinstance(reason, str) else ""
            if not text:
                ctx.report(
                    "QL604",
                    sf,
                    ("disclosure", "reason") if "reason" in d else ("disclosure",),
                    "不公开的理由是空白，请写明具体理由和依据。",
                    "the reason for not disclosing is blank.",
                    key="reason" not in d,
                )
            elif text in _PLACEHOLDER_REASONS or len(text) < 4:
                ctx.report(
                    "QL604",
                    sf,
                    ("disclosure", "reason"),
                    f"不公开的理由“{text}”太笼统，请说明具体理由和依据（例如涉及国家秘密、商业秘密、个人隐私）。",
                    f"the reason '{text}' is too vague; give the concrete ground and its basis.",
                )


@catalogue_rule(
    "QL605",
    "nonpublic-with-public-forms",
    "error",
    "不公开的事项却写了公开载体",
    "non-public item lists public media",
    "公开范围与公开形式必须一致：不予公开或内部公开的事项若写着“门户网站”“公开栏”等面向社会的载体，会让人误以为可以公开发布。",
    "disclosure: {scope: 内部公开, forms: [内部文件]}",
    "disclosure: {scope: 不予公开, forms: [门户网站]}",
)
def nonpublic_public_forms(ctx: Context) -> None:
    for sf in ctx.items():
        d = _disclosure(sf)
        if d.get("scope") in NON_PUBLIC and isinstance(d.get("forms"), list):
            bad = [f for f in d["forms"] if isinstance(f, str) and f in PUBLIC_MEDIA]
            if bad:
                ctx.report(
                    "QL605",
                    sf,
                    ("disclosure", "forms"),
                    f"公开范围是“{d['scope']}”，公开形式却有面向社会的“{'、'.join(bad)}”。",
                    f"scope is {d['scope']} but forms include public media: {', '.join(bad)}.",
                )
