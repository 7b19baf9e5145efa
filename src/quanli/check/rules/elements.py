"""QL201-QL213: the elements every item needs, and those its category needs.

Sources: the Inner Mongolia notice on power catalogues (内政办发〔2015〕8号) names 权力名称、设定依据、实施主体 as the basic
elements and adds 运行程序、法律责任、监督管理、服务指南、流程图; the service catalogue's
“八公开” (a 南宁 城区's 2012 一服务两公开 plan) requires 申请条件、申报材料、办理时限、收费依据及标准 to be public; 内政办发〔2010〕66号
requires 裁量基准 (分档设限，明确标准) for enforcement powers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule
from quanli.core.model import time_limit

if TYPE_CHECKING:
    from quanli.check.context import Context

LICENCE = "行政许可"
PENALTY = "行政处罚"


def _blank(value) -> bool:
    if value is None:
        return True
    if value.__class__ is str:
        return not value or value.isspace()
    if isinstance(value, (list, dict)):
        return not value
    return False


def _lacking(ctx, rule_id: str, sf, holder: str, wanted: dict[str, str], present, zh_what: str) -> None:
    """Report the sub-fields of ``holder`` (key -> Chinese name) for which ``present(key)`` is false."""
    lacking = [k for k in wanted if not present(k)]
    if lacking:
        names = "、".join(wanted[k] for k in lacking)
        ctx.report(
            rule_id,
            sf,
            (holder,) if holder in sf.data else (),
            f"{zh_what}缺少{names}。",
            f"missing {holder} {', '.join(lacking)}.",
            key=True,
        )


def _missing(ctx, rule_id: str, field: str, zh: str, en: str, category: str | None = None) -> None:
    for sf in ctx.items():
        if category is not None and sf.data.get("category") != category:
            continue
        if _blank(sf.data.get(field)):
            ctx.report(rule_id, sf, (field,) if field in sf.data else (), zh, en, key=field in sf.data)


@catalogue_rule(
    "QL201",
    "missing-subject",
    "error",
    "缺少实施主体",
    "missing subject (实施主体)",
    "实施主体是权力清单的三项基本要素之一（权力名称、设定依据、实施主体；《内蒙古自治区人民政府办公厅关于加快推进盟市、旗县行政权力清单制度建设工作的通知》内政办发〔2015〕8号 一.(一)）。",
    "subject: 示例县生态环境局",
    "（没有 subject）",
)
def missing_subject(ctx: Context) -> None:
    _missing(
        ctx,
        "QL201",
        "subject",
        "缺少实施主体（subject）：请填写依法行使该权力的机关全称。",
        "missing subject: the body that exercises the power.",
    )


@catalogue_rule(
    "QL202",
    "missing-department",
    "error",
    "缺少承办机构",
    "missing department (承办机构)",
    "一表的“承办机构”列（金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号：逐项列明承办部门）和“四个对应”（与处室职责相对应，《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).1）都需要知道由哪个处室承办。",
    "department: 法制宣教科",
    "（没有 department）",
)
def missing_department(ctx: Context) -> None:
    _missing(
        ctx,
        "QL202",
        "department",
        "缺少承办机构（department）：请填写承办的内设处室。",
        "missing department: the internal office that handles it.",
    )


@catalogue_rule(
    "QL203",
    "missing-basis",
    "error",
    "缺少行使依据",
    "missing legal basis",
    "设定依据是权力清单的基本要素；没有法律依据的权力不得行使（“四个对应”之一：与法律法规相对应，《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).1）。",
    "basis:\n  - law: 行政许可法\n    article: 第二十九条",
    "（没有 basis）",
)
def missing_basis(ctx: Context) -> None:
    _missing(
        ctx,
        "QL203",
        "basis",
        "缺少行使依据（basis）：请列出设定和实施该权力的法律法规及条款。",
        "missing basis: list the laws and articles.",
    )


@catalogue_rule(
    "QL204",
    "basis-without-article",
    "error",
    "行使依据没有写明条款",
    "legal basis without an article",
    "一表的“行使依据”列要写到具体条款（金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号：逐项列明行使依据），只写法规名称无法核对权力是否确有依据。",
    "- law: 行政许可法\n  article: 第二十九条",
    "- law: 行政许可法",
)
def basis_without_article(ctx: Context) -> None:
    for sf in ctx.items():
        basis = sf.data.get("basis")
        for i, entry in enumerate(basis if isinstance(basis, list) else []):
            if isinstance(entry, dict) and _blank(entry.get("article")):
                ctx.report(
                    "QL204",
                    sf,
                    ("basis", i),
                    f"依据“{entry.get('law')}”没有写明条款（article），例如“第十二条”。",
                    f"basis '{entry.get('law')}' has no article.",
                )


@catalogue_rule(
    "QL205",
    "missing-complaint-channel",
    "warning",
    "没有投诉举报途径",
    "no complaint channel",
    "流程图和事项都要写明投诉举报途径和方式（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2：一图须载明“投诉举报途径和方式”）。可以写在事项的 contact、目录的默认 contact 或所用流程图的 complaint 中。",
    "contact:\n  complaint_phone: 0519-82101099",
    "（事项、目录、流程图都没有投诉方式）",
)
def missing_complaint(ctx: Context) -> None:
    default = ctx.default_contact()
    has_default = not _blank(default.get("complaint_phone")) or not _blank(default.get("complaint_other"))
    for sf in ctx.items():
        contact = sf.data.get("contact") if isinstance(sf.data.get("contact"), dict) else {}
        flow = ctx.flows_by_id.get(sf.data.get("flow")) if isinstance(sf.data.get("flow"), str) else None
        on_flow = flow is not None and not _blank(flow.data.get("complaint"))
        if (
            has_default
            or on_flow
            or not _blank(contact.get("complaint_phone"))
            or not _blank(contact.get("complaint_other"))
        ):
            continue
        ctx.report(
            "QL205",
            sf,
            ("contact",) if "contact" in sf.data else (),
            "没有投诉举报途径：请在 contact.complaint_phone 填写投诉电话，或在所用流程图的 complaint 中写明。",
            "no complaint channel on the item, the catalogue or its flow.",
            key=True,
        )


@catalogue_rule(
    "QL206",
    "missing-responsibility",
    "warning",
    "没有责任事项或追责情形",
    "no responsibilities or accountability",
    "权责清单要求每项权力列明责任事项和追责情形（《内蒙古自治区人民政府办公厅关于加快推进盟市、旗县行政权力清单制度建设工作的通知》内政办发〔2015〕8号 一.(二)：权力清单的完整要素包括运行程序、法律责任、监督管理）。",
    "responsibility:\n  duties: [受理责任]\n  accountability: [超过法定期限作出决定的]",
    "（没有 responsibility）",
)
def missing_responsibility(ctx: Context) -> None:
    for sf in ctx.items():
        resp = sf.data.get("responsibility") if isinstance(sf.data.get("responsibility"), dict) else {}
        _lacking(
            ctx,
            "QL206",
            sf,
            "responsibility",
            {"duties": "责任事项（duties）", "accountability": "追责情形（accountability）"},
            lambda k, resp=resp: not _blank(resp.get(k)),
            "",
        )


@catalogue_rule(
    "QL207",
    "licence-missing-conditions",
    "error",
    "行政许可事项没有受理条件",
    "licence without conditions",
    "行政许可法第十八条要求规定许可的条件；服务事项“八公开”要求公开申请条件（南宁市某城区《2012年政务服务政务公开政府信息公开工作计划》）。",
    "conditions: [具有相应资质]",
    "（行政许可事项没有 conditions）",
)
def licence_conditions(ctx: Context) -> None:
    _missing(
        ctx,
        "QL207",
        "conditions",
        "行政许可事项缺少受理条件（conditions）。",
        "a licence item needs conditions.",
        LICENCE,
    )


@catalogue_rule(
    "QL208",
    "licence-missing-materials",
    "error",
    "行政许可事项没有申请材料",
    "licence without materials",
    "行政许可法第三十条要求公示需要提交的全部材料目录；“八公开”要求公开申报材料（南宁市某城区《2012年政务服务政务公开政府信息公开工作计划》）。",
    "materials:\n  - name: 申请书",
    "（行政许可事项没有 materials）",
)
def licence_materials(ctx: Context) -> None:
    _missing(
        ctx, "QL208", "materials", "行政许可事项缺少申请材料（materials）。", "a licence item needs materials.", LICENCE
    )


@catalogue_rule(
    "QL209",
    "licence-missing-time-limits",
    "error",
    "行政许可事项没有法定或承诺办结时限",
    "licence without statutory and promised limits",
    "行政许可法第四十二条规定许可决定的期限；“八公开”要求公开办理时限（南宁市某城区《2012年政务服务政务公开政府信息公开工作计划》）。许可事项应同时写明法定办结时限和承诺办结时限。",
    "time_limit:\n  statutory: 20\n  promised: 10",
    "time_limit:\n  statutory: 20",
)
def licence_limits(ctx: Context) -> None:
    for sf in ctx.items():
        if sf.data.get("category") != LICENCE:
            continue
        tl = sf.data.get("time_limit") if isinstance(sf.data.get("time_limit"), dict) else {}
        _lacking(
            ctx,
            "QL209",
            sf,
            "time_limit",
            {"statutory": "法定办结时限", "promised": "承诺办结时限"},
            lambda k, tl=tl: time_limit(tl.get(k)) is not None,
            "行政许可事项",
        )


@catalogue_rule(
    "QL210",
    "licence-missing-fee",
    "error",
    "行政许可事项没有收费信息",
    "licence without fee information",
    "一表有“收费依据和标准”一列（金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号）；行政许可法第五十八条规定收费须有法律、行政法规依据。不收费也要写明（fee.charged: false）。",
    "fee:\n  charged: false",
    "（行政许可事项没有 fee）",
)
def licence_fee(ctx: Context) -> None:
    for sf in ctx.items():
        if sf.data.get("category") != LICENCE:
            continue
        fee = sf.data.get("fee") if isinstance(sf.data.get("fee"), dict) else {}
        if not isinstance(fee.get("charged"), bool):
            ctx.report(
                "QL210",
                sf,
                ("fee",) if "fee" in sf.data else (),
                "行政许可事项要写明是否收费（fee.charged: true 或 false）。",
                "a licence item must say whether it charges a fee (fee.charged).",
                key=True,
            )
        elif fee["charged"] and (_blank(fee.get("basis")) or _blank(fee.get("standard"))):
            ctx.report(
                "QL210",
                sf,
                ("fee",),
                "收费的事项要写明收费依据（fee.basis）和收费标准（fee.standard）。",
                "a charged fee needs fee.basis and fee.standard.",
                key=True,
            )


@catalogue_rule(
    "QL211",
    "penalty-missing-discretion",
    "error",
    "行政处罚事项没有裁量基准",
    "penalty without discretion tiers",
    "行政处罚应当细化量化裁量基准，“分档设限，明确标准”（《内蒙古自治区政府办公厅关于推进行政权力公开透明运行的意见》内政办发〔2010〕66号 二.(二)；行政处罚法第三十四条）。至少分两档，并写明适用情形和标准。",
    "discretion:\n  - {tier: 一般, circumstances: ..., standard: ...}\n  - {tier: 严重, circumstances: ..., standard: ...}",
    "discretion:\n  - {tier: 一般}",
)
def penalty_discretion(ctx: Context) -> None:
    for sf in ctx.items():
        if sf.data.get("category") != PENALTY:
            continue
        tiers = sf.data.get("discretion") if isinstance(sf.data.get("discretion"), list) else []
        complete = [
            t
            for t in tiers
            if isinstance(t, dict) and not _blank(t.get("circumstances")) and not _blank(t.get("standard"))
        ]
        if len(complete) < 2:
            ctx.report(
                "QL211",
                sf,
                ("discretion",) if "discretion" in sf.data else (),
                f"行政处罚事项需要至少两档写明适用情形（circumstances）和标准（standard）的裁量基准，现有 {len(complete)} 档。",
                f"a penalty item needs at least two discretion tiers with circumstances and standard; found {len(complete)}.",
                key=True,
            )


@catalogue_rule(
    "QL212",
    "penalty-missing-content",
    "error",
    "行政处罚事项没有写明违法行为、处罚种类或幅度",
    "penalty without behaviour, kinds or range",
    "处罚事项要列明“处罚的行为、种类、幅度”（行政处罚法第十一条至第十四条：给予行政处罚的行为、种类和幅度），这是对外公开和裁量的基础。",
    "penalty: {behaviour: ..., kinds: [罚款], range: 处一万元以上十万元以下罚款}",
    "penalty: {kinds: [罚款]}",
)
def penalty_content(ctx: Context) -> None:
    for sf in ctx.items():
        if sf.data.get("category") != PENALTY:
            continue
        penalty = sf.data.get("penalty") if isinstance(sf.data.get("penalty"), dict) else {}
        _lacking(
            ctx,
            "QL212",
            sf,
            "penalty",
            {"behaviour": "违法行为", "kinds": "处罚种类", "range": "处罚幅度"},
            lambda k, penalty=penalty: not _blank(penalty.get(k)),
            "行政处罚事项",
        )


@catalogue_rule(
    "QL213",
    "missing-flow",
    "error",
    "事项没有运行流程图",
    "item without a flow",
    "“四个一”要求每项权力有一张运行流程图（一图，《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2）。多个事项可以共用一张标准流程图。",
    "flow: CF-YBCX",
    "（没有 flow）",
)
def missing_flow(ctx: Context) -> None:
    _missing(
        ctx,
        "QL213",
        "flow",
        "缺少运行流程图（flow）：请引用 flows/ 中的流程图编号。",
        "missing flow: reference a flow in flows/.",
    )
