"""QL951-QL956: the operation register of important powers (records/, 银政办内发〔2008〕48号 附件3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule, describe
from quanli.check.rules.hygiene import strings
from quanli.review import register

if TYPE_CHECKING:
    from quanli.check.context import Context


def _items_by_id(ctx) -> dict:
    cached = ctx.__dict__.get("_items_by_id")
    if cached is None:
        cached = ctx.__dict__["_items_by_id"] = {
            sf.data["id"]: sf for sf in ctx.items() if isinstance(sf.data.get("id"), str)
        }
    return cached


@catalogue_rule(
    "QL951",
    "personal-data-in-record",
    "error",
    "登记表中有个人信息",
    "personal data in the register",
    "《重要权力动态运行情况登记表》要报送备案（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 附件3），并可能公开，不能写入申请人、当事人的姓名、身份证号、"
    "电话、电子邮箱等个人信息（个人信息保护法）。登记申请人类型（自然人、法人……）即可；需要联系时查业务系统。"
    "消息中只显示部分字符，以免个人信息进入检查日志。",
    "summary: 个体工商户申请食品经营许可",
    "summary: 申请人：张三，电话 13912345678",
)
def personal_data_in_record(ctx: Context) -> None:
    for sf in ctx.records():
        for path, text in strings(sf.data):
            for zh, en, masked in register.personal_data(text):
                ctx.report(
                    "QL951",
                    sf,
                    path,
                    f"疑似{zh}“{masked}”：登记表会报送备案并公开，不能写入个人信息，请删除。",
                    f"looks like {en} ('{masked}'): the register is filed and published; remove personal data.",
                )


@catalogue_rule(
    "QL952",
    "record-unknown-item",
    "error",
    "登记的案件引用了不存在的事项",
    "record of an unknown item",
    "每件登记的案件都要对应目录中的一项权力（item 写事项编码），否则无法计算办结期限，也无法汇总到登记表。",
    "item: T-XK-001",
    "item: T-XK-999",
)
def record_unknown_item(ctx: Context) -> None:
    items = _items_by_id(ctx)
    for sf in ctx.records():
        ident = sf.data.get("item")
        if isinstance(ident, str) and ident not in items:
            ctx.report(
                "QL952",
                sf,
                ("item",),
                f"事项“{ident}”不在目录中（items/{ident}.yaml）。",
                f"item '{ident}' is not in the catalogue.",
            )


@catalogue_rule(
    "QL953",
    "record-item-not-important",
    "warning",
    "登记的事项没有标为重要权力",
    "record of an item not marked important",
    "动态运行情况登记针对重要权力（人、财、物管理和重大决策等，《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(一).1、附件3）。登记了案件的事项应当标明 important: true，"
    "这样一表和登记表才一致。",
    "important: true",
    "important: false（却在 records/ 中登记了案件）",
)
def record_item_not_important(ctx: Context) -> None:
    items = _items_by_id(ctx)
    for sf in ctx.records():
        item = items.get(sf.data.get("item"))
        if item is not None and item.data.get("important") is not True:
            ctx.report(
                "QL953",
                sf,
                ("item",),
                f"事项“{sf.data['item']}”登记了运行情况，但没有标为重要权力（important: true）。",
                f"item '{sf.data['item']}' has records but is not marked important.",
            )


@catalogue_rule(
    "QL954",
    "record-dates-out-of-order",
    "error",
    "登记的环节日期先后不对",
    "record steps out of order",
    "受理、决策、执行、结果、公开要按先后顺序登记，日期不能倒退；没有受理就不能登记后面的环节；不计时段要在受理和办结之间。",
    "accepted: {date: '2026-03-02'}, decided: {date: '2026-03-10'}",
    "accepted: {date: '2026-03-10'}, decided: {date: '2026-03-02'}",
)
def record_dates_out_of_order(ctx: Context) -> None:
    for sf in ctx.records():
        for path, zh, en in register.date_problems(sf.data):
            ctx.report("QL954", sf, path, zh, en)


@catalogue_rule(
    "QL955",
    "suspension-not-special",
    "warning",
    "不计时段不是流程图中的特别程序",
    "suspension is not a special procedure",
    "只有听证、检验、检测、鉴定、专家评审等特别程序的时间可以不计入办理期限（行政许可法第四十五条）；"
    "流程图中这样的步骤标为 special: true，登记的不计时段要写它的名称。",
    "suspensions: [{step: 专家评审, from: '2026-03-05', to: '2026-03-12'}]（流程图中专家评审为特别程序）",
    "suspensions: [{step: 等待材料, from: '2026-03-05'}]",
)
def suspension_not_special(ctx: Context) -> None:
    items = _items_by_id(ctx)
    flows = ctx.flows_by_id
    for sf in ctx.records():
        entries = sf.data.get("suspensions")
        item = items.get(sf.data.get("item"))
        if not isinstance(entries, list) or item is None:
            continue
        flow = flows.get(item.data.get("flow"))
        steps = flow.data.get("steps") if flow is not None and isinstance(flow.data.get("steps"), list) else []
        special = {
            str(s.get(k)) for s in steps if isinstance(s, dict) and s.get("special") for k in ("name", "id") if s.get(k)
        }
        for i, entry in enumerate(entries):
            if isinstance(entry, dict) and isinstance(entry.get("step"), str) and entry["step"] not in special:
                known = "、".join(sorted(special)) or "（没有）"
                ctx.report(
                    "QL955",
                    sf,
                    ("suspensions", i, "step"),
                    f"“{entry['step']}”不是流程图 {item.data.get('flow')} 中的特别程序（特别程序：{known}），这段时间应当计入期限。",
                    f"'{entry['step']}' is not a special procedure of flow {item.data.get('flow')}; its days count.",
                )


@catalogue_rule(
    "QL956",
    "record-case-file-name",
    "error",
    "案件编号与文件名不一致",
    "case number differs from the file name",
    "每件案件一个文件，文件名就是案件编号（records/2026-XK-0001.yaml 中 case: 2026-XK-0001），这样案件编号不会重复，也便于查找。",
    "records/2026-XK-0001.yaml: case: 2026-XK-0001",
    "records/2026-XK-0001.yaml: case: 2026-XK-0002",
)
def record_case_file_name(ctx: Context) -> None:
    for sf in ctx.records():
        case = sf.data.get("case")
        if isinstance(case, str) and case != sf.stem:
            ctx.report(
                "QL956",
                sf,
                ("case",),
                f"案件编号“{case}”与文件名“{sf.stem}”不一致。",
                f"case '{case}' differs from the file name '{sf.stem}'.",
            )


# What quanli records check finds (quanli/commands/records.py): described here, in the one registry
# (quanli rules lists them), and found by that command only: they depend on today's date, which validate must not.
for _args in (
    (
        "QL961",
        "case-overdue",
        "error",
        "在办案件已超过办结期限",
        "open case past its deadline",
        "从受理次日起按工作日（不含法定节假日，调休上班日计入）计算办结期限：有承诺时限按承诺时限，否则按法定时限，都没有时按流程图各步骤时限之和；"
        "特别程序（听证、专家评审等）的不计时段不计入（行政许可法第四十五条、第八十二条）。超期的案件要立即督办（电子监察：实时监控、预警纠错，《内蒙古自治区政府办公厅关于推进行政权力公开透明运行的意见》内政办发〔2010〕66号 二.(五)）。"
        "工作日日历的来源依次为：目录及所在工作区的 holidays.yaml（本单位补充）、chinesecalendar 收录的国务院办公厅通知（公布）；"
        "尚未公布的年份按《全国年节及纪念日放假办法》（2024年修订）推算，不含调休，这样算出的期限标“预估”（quanli workdays --year 可核对）。"
        "期限已过的案件在以后任何一天都是超期。",
        "受理 2026-11-02，承诺 10 个工作日，11-16 前办结",
        "受理 2026-11-02，承诺 10 个工作日，到 12-02 仍未办结",
    ),
    (
        "QL962",
        "case-due-soon",
        "warning",
        "在办案件即将到期",
        "open case due soon",
        "离办结期限不超过若干个工作日（catalog.yaml 的 records.due_soon，默认 3；命令行 --within 可改）时提前预警，留出督办的时间。",
        "期限还有 10 个工作日",
        "期限只剩 2 个工作日",
    ),
    (
        "QL963",
        "result-publication-overdue",
        "error",
        "办理结果超过公开时限仍未公开",
        "result not published in time",
        "行政许可、行政处罚决定应自作出之日起 7 个工作日内公开，其他决定 20 个工作日内（《鹤壁市人民政府办公室关于进一步做好全市政务公开工作的通知》鹤政办〔2019〕20号 二.(七)）。办结后请及时公开并登记公开日期（published）。",
        "办结 2026-11-02，11-09 公开",
        "办结 2026-11-02（行政处罚），到 12-02 仍未登记公开",
    ),
    (
        "QL964",
        "result-publication-due-soon",
        "warning",
        "办理结果即将超过公开时限",
        "result publication due soon",
        "离结果公开期限不超过若干个工作日时提前预警（与 QL962 同一设置）。",
        "公开期限还有 6 个工作日",
        "公开期限只剩 1 个工作日",
    ),
    (
        "QL965",
        "deadline-unknown",
        "warning",
        "无法计算办结期限",
        "deadline cannot be computed",
        "事项没有办结时限（也没有流程图步骤时限），就无法计算期限、无法预警。请填写事项的 time_limit（承诺时限或法定时限）。"
        "期限落在节假日安排尚未公布的年份时不报告本规则：期限按预估日历计算并标“预估”。",
        "time_limit: {promised: 10}",
        "事项没有 time_limit，流程图步骤也没有时限",
    ),
):
    describe(*_args)
