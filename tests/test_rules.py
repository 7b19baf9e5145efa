"""Every rule has a passing and a failing example, run against a real catalogue on disk.

Each case edits the small valid catalogue from conftest: the failing edit must produce
the rule's finding at the stated file and line; the passing edit is the nearest correct
variant and must leave the catalogue clean.
"""

from __future__ import annotations

import copy

import pytest

from conftest import CATALOG, DROP, FLOW, LAWS, PENALTY, SIGNOFFS, item, without_dropped
from quanli.check.registry import load_all
from quanli.review import stages

RULES = load_all()


def flow(**changes):
    data = copy.deepcopy(FLOW)
    data.update(changes)
    return without_dropped(data)


def flow_steps(edit):
    """The base flow with ``edit(steps_by_id)`` applied."""
    data = copy.deepcopy(FLOW)
    edit({st["id"]: st for st in data["steps"]})
    return data


def laws(**status):
    """laws.yaml with per-law field overrides: laws(环境影响评价法={"status": "已废止"})."""
    data = copy.deepcopy(LAWS)
    for law in data["laws"]:
        law.update(status.get(law["id"], {}))
    return data


def steps(*spec):
    """steps(("a", ["b"]), ("b", [])) -> step dicts with posts and supervision.

    A step with several exits becomes a labelled decision; an exit to an earlier step is
    labelled 补正 (a marked return), so only the rule under test can fire.
    """
    order = [sid for sid, _ in spec]
    out = []
    for i, (sid, nxt) in enumerate(spec):
        step = {"id": sid, "name": f"步骤{sid}", "post": "承办人员", "supervision": "负责人审核"}
        if len(nxt) > 1:
            step["type"] = "decision"
        exits = []
        for t in nxt:
            back = t in order and order.index(t) <= i
            exits.append({"to": t, "label": "补正" if back else f"情形{t}"} if len(nxt) > 1 or back else t)
        if exits:
            step["next"] = exits
        out.append(step)
    return out


def catalog(**changes):
    data = copy.deepcopy(CATALOG)
    data.update(changes)
    return data


def duties_catalog(extra_duty: str | None = None, legal_duty: bool = False):
    data = copy.deepcopy(CATALOG)
    if extra_duty:
        data["departments"][1]["duties"].append({"id": extra_duty, "text": "负责环境影响评价文件的事中事后监管。"})
    if legal_duty:
        data["departments"][0]["duties"] = [{"id": "ZZ-01", "text": "负责行政处罚案件审核。"}]
    return data


def tl(statutory, promised, note=None):
    out = {"statutory": statutory, "promised": promised}
    if note:
        out["note"] = note
    return out


def pop_key(step, key):
    step.pop(key, None)


def record(**changes):
    """A closed case of T-XK-001 in the operation register."""
    data = {
        "case": "2026-XK-0001",
        "item": "T-XK-001",
        "applicant_type": "法人",
        "summary": "建设项目环境影响报告表审批申请",
        "accepted": {"date": "2026-03-02"},
        "decided": {"date": "2026-03-06", "method": "负责人审批"},
        "concluded": {"date": "2026-03-09", "outcome": "准予许可"},
        "published": {"date": "2026-03-10", "forms": ["门户网站"]},
    }
    data.update(changes)
    return without_dropped(data)


def signed(c, **extra):
    """The base item signed off with a fingerprint of its content (as quanli review writes it)."""
    data = item(**extra)
    fp = stages.fingerprint(data)
    data["signoffs"] = [{**s, "fingerprint": fp} for s in SIGNOFFS]
    return c.write("items/T-XK-001.yaml", data)


def special_flow():
    def edit(st):
        st["decide"]["special"] = True
        st["decide"]["name"] = "专家评审"

    return flow_steps(edit)


REC = "records/2026-XK-0001.yaml"


# rule id -> (failing edit, passing edit, (file, line)) where line is a number or a text
# whose last occurrence in the edited file marks the line of the expected finding
CASES = {
    "QL100": (
        lambda c: c.write("items/T-XK-002.yaml", "id: T-XK-002\nname: 审批\n".encode("gbk")),
        lambda c: c.write(
            "items/T-XK-002.yaml",
            "\ufeff"
            + (c.root / "items/T-XK-001.yaml")
            .read_text(encoding="utf-8")
            .replace("T-XK-001", "T-XK-002")
            .replace("报告表", "报告书"),
        ),
        ("items/T-XK-002.yaml", 2),
    ),
    "QL101": (
        lambda c: c.write("items/T-XK-001.yaml", "id: T-XK-001\nname: 审批: 许可\n"),
        lambda c: c.write(
            "items/T-XK-001.yaml",
            (c.root / "items/T-XK-001.yaml")
            .read_text(encoding="utf-8")
            .replace("name: 建设项目环境影响报告表审批", "name: '审批: 许可'"),
        ),
        ("items/T-XK-001.yaml", 2),
    ),
    "QL102": (
        lambda c: c.write(
            "items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "name: 另一个名称\n"
        ),
        lambda c: c.write(
            "items/T-XK-001.yaml",
            (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "remarks: 另一个名称\n",
        ),
        ("items/T-XK-001.yaml", "name: 另一个名称"),
    ),
    "QL103": (
        lambda c: c.write(
            "items/T-XK-001.yaml",
            (c.root / "items/T-XK-001.yaml")
            .read_text(encoding="utf-8")
            .replace("subject: 测试县生态环境局", "subject: &s 测试县生态环境局")
            + "remarks: *s\n",
        ),
        lambda c: c.write(
            "items/T-XK-001.yaml",
            (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "remarks: 测试县生态环境局\n",
        ),
        ("items/T-XK-001.yaml", "&s"),
    ),
    "QL104": (
        lambda c: c.write(
            "flows/XK-TY.yaml", (c.root / "flows/XK-TY.yaml").read_text(encoding="utf-8") + "---\nid: X\n"
        ),
        lambda c: c.write(
            "flows/XK-TY.yaml", "---\n" + (c.root / "flows/XK-TY.yaml").read_text(encoding="utf-8") + "...\n"
        ),
        ("flows/XK-TY.yaml", "---"),
    ),
    "QL105": (lambda c: c.write("items/T-XK-002.yaml", "# 待填写\n"), lambda c: None, ("items/T-XK-002.yaml", 1)),
    "QL106": (
        lambda c: c.write("items/T-XK-002.yaml", "remarks: " + "长" * 1_500_000 + "\n"),
        lambda c: c.item(ident="T-XK-002", name="长备注事项", remarks="长" * 100_000),
        ("items/T-XK-002.yaml", 1),
    ),
    "QL107": (
        lambda c: c.write(
            "items/T-XK-001.yaml",
            (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "extra: " + "[" * 80 + "]" * 80 + "\n",
        ),
        lambda c: c.write(
            "items/T-XK-001.yaml",
            (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "extra: {a: " + "[" * 20 + "]" * 20 + "}\n",
        ),
        ("items/T-XK-001.yaml", "extra:"),
    ),
    "QL108": (lambda c: c.write("items/T-XK-002.yaml", "- id: T-XK-002\n"), lambda c: None, ("items/T-XK-002.yaml", 1)),
    "QL109": (
        lambda c: c.write(
            "items/T-XK-001.yaml",
            (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "remarks: !!python/name:os.system x\n",
        ),
        lambda c: c.write(
            "items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "remarks: !!str 010\n"
        ),
        ("items/T-XK-001.yaml", "remarks: !!python"),
    ),
    "QL110": (
        lambda c: c.item(disclosure={"scope": "不予公开"}),
        lambda c: c.item(disclosure={"scope": "不予公开", "reason": "涉及国家秘密"}),
        ("items/T-XK-001.yaml", "disclosure:"),
    ),
    "QL111": (
        lambda c: c.write("items/T-XK-002.yaml", item(ident="T-XK-003", name="另一事项")),
        lambda c: c.write("items/T-XK-003.yaml", item(ident="T-XK-003", name="另一事项")),
        ("items/T-XK-002.yaml", "id: T-XK-003"),
    ),
    "QL112": (
        lambda c: c.write("flows/xk-ty.yaml", flow(id="xk-ty")),
        lambda c: c.write("flows/XK-TZ.yaml", flow(id="XK-TZ")),
        ("flows/xk-ty.yaml", "id: xk-ty"),
    ),
    "QL113": (
        lambda c: c.item(ident="T-XK-002"),
        lambda c: c.item(ident="T-XK-002", name="建设项目环境影响报告书审批"),
        ("items/T-XK-002.yaml", "name: 建设项目环境影响报告表审批"),
    ),
    "QL114": (
        lambda c: c.item(flow="XK-HP"),
        lambda c: c.write("flows/XK-HP.yaml", flow(id="XK-HP")) and c.item(flow="XK-HP"),
        ("items/T-XK-001.yaml", "flow: XK-HP"),
    ),
    "QL115": (
        lambda c: c.item(basis=[{"law": "环评法", "article": "第二十二条"}]),
        lambda c: c.item(basis=[{"law": "行政许可法", "article": "第二十九条"}]),
        ("items/T-XK-001.yaml", "law: 环评法"),
    ),
    "QL116": (
        lambda c: c.item(department="环评科"),
        lambda c: c.item(department="法制科"),
        ("items/T-XK-001.yaml", "department: 环评科"),
    ),
    "QL117": (
        lambda c: c.item(category="许可"),
        lambda c: (
            c.write("catalog.yaml", catalog(settings={"categories": [{"name": "许可"}]})) and c.item(category="许可")
        ),
        ("items/T-XK-001.yaml", "category: 许可"),
    ),
    "QL118": (
        lambda c: (
            c.write("items/T-XK-001.yaml", item(ident="T-XK-001"))
            and c.write("catalog.yaml", catalog(settings={"id_pattern": "^HB-[A-Z]{2}-[0-9]{3}$"}))
        ),
        lambda c: c.write(
            "catalog.yaml",
            catalog(settings={"id_pattern": "^T-[A-Z]{2}-[0-9]{3}$", "flow_id_pattern": "^[A-Z]{2}-[A-Z]{2}$"}),
        ),
        ("items/T-XK-001.yaml", "id: T-XK-001"),
    ),
    "QL119": (lambda c: c.item(duties=["ZZ-99"]), lambda c: c.item(duties=["ZZ-02"]), ("items/T-XK-001.yaml", "ZZ-99")),
    "QL120": (lambda c: (c.root / "laws.yaml").unlink(), lambda c: None, ("laws.yaml", 1)),
    "QL121": (
        lambda c: c.write("items/T-XK-002.docx", b"PK\x03\x04"),
        lambda c: c.write("items/.DS_Store", b"x"),
        ("items/T-XK-002.docx", 1),
    ),
    "QL122": (
        lambda c: c.write("laws.yaml", {"schema_version": 1, "laws": LAWS["laws"] + [copy.deepcopy(LAWS["laws"][0])]}),
        lambda c: c.write(
            "laws.yaml",
            {"schema_version": 1, "laws": LAWS["laws"] + [{"id": "行政处罚法", "name": "中华人民共和国行政处罚法"}]},
        ),
        ("laws.yaml", "id: 行政许可法"),
    ),
    "QL401": (
        lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["c"]), ("b", ["c"]), ("c", [])))),
        lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b"]), ("b", ["c"]), ("c", [])))),
        ("flows/XK-TY.yaml", "id: b"),
    ),
    "QL402": (
        lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b"]), ("b", ["x"])))),
        lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b"]), ("b", [])))),
        ("flows/XK-TY.yaml", "- x"),
    ),
    "QL403": (
        lambda c: c.write(
            "flows/XK-TY.yaml",
            flow(
                steps=[
                    dict(s, type="start") if s["id"] == "a" else s
                    for s in steps(("a", ["d"]), ("b", ["c"]), ("c", ["b", "d"]), ("d", []))
                ]
            ),
        ),
        lambda c: c.write(
            "flows/XK-TY.yaml",
            flow(
                steps=[
                    dict(s, type="start") if s["id"] == "a" else s
                    for s in steps(("a", ["b"]), ("b", ["c"]), ("c", ["b", "d"]), ("d", []))
                ]
            ),
        ),
        ("flows/XK-TY.yaml", "id: b"),
    ),
    "QL404": (
        lambda c: c.write(
            "flows/XK-TY.yaml", flow(steps=steps(("a", ["b", "d"]), ("b", ["c"]), ("c", ["b"]), ("d", [])))
        ),
        lambda c: c.write(
            "flows/XK-TY.yaml", flow(steps=steps(("a", ["b", "d"]), ("b", ["c"]), ("c", ["b", "d"]), ("d", [])))
        ),
        ("flows/XK-TY.yaml", "id: b"),
    ),
    "QL405": (
        lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b"]), ("b", []), ("b", [])))),
        lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b", "c"]), ("b", []), ("c", [])))),
        ("flows/XK-TY.yaml", "id: b"),
    ),
    # QL2xx elements
    "QL201": (lambda c: c.item(subject=DROP), lambda c: c.item(subject="测试县生态环境局"), ("items/T-XK-001.yaml", 1)),
    "QL202": (lambda c: c.item(department=DROP), lambda c: c.item(department="审批科"), ("items/T-XK-001.yaml", 1)),
    "QL203": (
        lambda c: c.item(basis=DROP),
        lambda c: c.item(
            basis=[{"law": "行政许可法", "article": "第二十九条"}, {"law": "环境影响评价法", "article": "第二十二条"}]
        ),
        ("items/T-XK-001.yaml", 1),
    ),
    "QL204": (
        lambda c: c.item(basis=[{"law": "行政许可法"}, {"law": "环境影响评价法", "article": "第二十二条"}]),
        lambda c: c.item(
            basis=[{"law": "行政许可法", "article": "第二十九条"}, {"law": "环境影响评价法", "article": "第二十二条"}]
        ),
        ("items/T-XK-001.yaml", "law: 行政许可法"),
    ),
    "QL205": (
        lambda c: c.write("flows/XK-TY.yaml", flow(complaint=DROP)) and c.item(contact=DROP),
        lambda c: c.item(contact=DROP),
        ("items/T-XK-001.yaml", 1),
    ),
    "QL206": (
        lambda c: c.item(responsibility=DROP),
        lambda c: c.item(responsibility={"duties": ["决定责任"], "accountability": ["滥用职权的"]}),
        ("items/T-XK-001.yaml", 1),
    ),
    "QL207": (
        lambda c: c.item(conditions=DROP),
        lambda c: c.item(conditions=DROP, category="行政检查"),
        ("items/T-XK-001.yaml", 1),
    ),
    "QL208": (
        lambda c: c.item(materials=[]),
        lambda c: c.item(materials=[{"name": "申请书"}]),
        ("items/T-XK-001.yaml", "materials:"),
    ),
    "QL209": (
        lambda c: c.item(time_limit={"statutory": 20}),
        lambda c: c.item(time_limit=tl(20, 10)),
        ("items/T-XK-001.yaml", "time_limit:"),
    ),
    "QL210": (
        lambda c: c.item(fee={"charged": True}),
        lambda c: c.item(fee={"charged": True, "basis": "国家发展改革委文件", "standard": "每件 10 元"}),
        ("items/T-XK-001.yaml", "fee:"),
    ),
    "QL211": (
        lambda c: c.item(**{**PENALTY, "discretion": PENALTY["discretion"][:1]}),
        lambda c: c.item(**PENALTY),
        ("items/T-XK-001.yaml", "discretion:"),
    ),
    "QL212": (
        lambda c: c.item(**{**PENALTY, "penalty": {"kinds": ["罚款"]}}),
        lambda c: c.item(**PENALTY),
        ("items/T-XK-001.yaml", "penalty:"),
    ),
    "QL213": (lambda c: c.item(flow=DROP), lambda c: c.item(flow="XK-TY"), ("items/T-XK-001.yaml", 1)),
    # QL3xx time limits
    "QL301": (
        lambda c: c.item(time_limit=tl(20, 25)),
        lambda c: c.item(time_limit=tl(20, 20)),
        ("items/T-XK-001.yaml", "promised:"),
    ),
    "QL302": (
        lambda c: c.item(time_limit=tl(20, 3)),
        lambda c: c.item(time_limit=tl(20, 4)),
        ("items/T-XK-001.yaml", "promised:"),
    ),
    "QL303": (
        lambda c: c.item(time_limit=tl(20, {"value": 10, "unit": "自然日"})),
        lambda c: c.item(time_limit=tl(20, {"value": 10, "unit": "工作日"})),
        ("items/T-XK-001.yaml", "promised:"),
    ),
    "QL304": (
        lambda c: c.item(time_limit=tl({"value": 60, "unit": "自然日"}, {"value": 30, "unit": "自然日"})),
        lambda c: c.item(
            time_limit=tl(
                {"value": 60, "unit": "自然日"},
                {"value": 30, "unit": "自然日"},
                note="环境影响评价法第二十二条规定六十日",
            )
        ),
        ("items/T-XK-001.yaml", "statutory:"),
    ),
    "QL126": (
        lambda c: c.write("items/CON.yaml", item(ident="CON", name="另一事项")),
        lambda c: c.write("items/T-XK-002.yaml", item(ident="T-XK-002", name="另一事项")),
        ("items/CON.yaml", "id: CON"),
    ),
    "QL127": (
        lambda c: c.write("items/t-xk-001.yaml", "id: [broken\n"),
        lambda c: c.write("items/T-XK-002.yaml", item(ident="T-XK-002", name="另一事项")),
        ("items/t-xk-001.yaml", 1),
    ),
    # QL4xx flows
    "QL406": (
        lambda c: c.write("flows/XK-TY.yaml", flow_steps(lambda st: st["accept"]["next"][1].update(label="其他"))),
        lambda c: c.write(
            "flows/XK-TY.yaml", flow_steps(lambda st: st["accept"]["next"][1].update(label="其他", **{"return": True}))
        ),
        ("flows/XK-TY.yaml", "to: apply"),
    ),
    "QL407": (
        lambda c: c.write("flows/XK-TY.yaml", flow_steps(lambda st: st["accept"].update(next=["decide"]))),
        lambda c: c.write(
            "flows/XK-TY.yaml", flow_steps(lambda st: st["accept"].update(next=["decide"], type="process"))
        ),
        ("flows/XK-TY.yaml", ("next:", 1)),
    ),
    "QL408": (
        lambda c: c.write("flows/XK-TY.yaml", flow_steps(lambda st: pop_key(st["decide"], "post"))),
        lambda c: c.write("flows/XK-TY.yaml", flow_steps(lambda st: pop_key(st["apply"], "post"))),
        ("flows/XK-TY.yaml", "id: decide"),
    ),
    "QL409": (
        lambda c: c.write("flows/XK-TY.yaml", flow_steps(lambda st: pop_key(st["accept"], "supervision"))),
        lambda c: c.write("flows/XK-TY.yaml", flow_steps(lambda st: st["decide"].update(supervision="集体讨论"))),
        ("flows/XK-TY.yaml", "steps:"),
    ),
    "QL410": (
        lambda c: c.write("flows/XK-TY.yaml", flow(complaint=DROP)),
        lambda c: c.write("flows/XK-TY.yaml", flow(complaint={"address": "示例县环城东路 88 号"})),
        ("flows/XK-TY.yaml", "name: 行政许可通用流程图"),
    ),
    "QL411": (
        lambda c: c.write("flows/XK-TY.yaml", flow_steps(lambda st: pop_key(st["decide"], "disclosure"))),
        lambda c: (
            c.write("flows/XK-TY.yaml", flow_steps(lambda st: pop_key(st["decide"], "disclosure")))
            and c.item(category="行政检查")
        ),
        ("flows/XK-TY.yaml", "id: decide"),
    ),
    "QL412": (
        lambda c: c.write("flows/XK-TY.yaml", flow_steps(lambda st: st["decide"].update(type="end"))),
        lambda c: c.write("flows/XK-TY.yaml", flow_steps(lambda st: st["decide"].update(type="process"))),
        ("flows/XK-TY.yaml", ("type: end", 0)),
    ),
    # QL5xx legal basis
    "QL501": (
        lambda c: c.write("laws.yaml", laws(环境影响评价法={"status": "已废止", "repealed": "2026-08-15"})),
        lambda c: c.write("laws.yaml", laws(环境影响评价法={"status": "现行有效"})),
        ("items/T-XK-001.yaml", "law: 环境影响评价法"),
    ),
    "QL502": (
        lambda c: c.write("laws.yaml", laws(环境影响评价法={"status": "已修改"})),
        lambda c: c.write("laws.yaml", laws(环境影响评价法={"status": "现行有效", "amended": "2018-12-29"})),
        ("items/T-XK-001.yaml", "article: 第二十二条"),
    ),
    "QL503": (
        lambda c: c.write("laws.yaml", laws(环境影响评价法={"status": "尚未生效", "effective": "2099-01-01"})),
        lambda c: c.write("laws.yaml", laws(环境影响评价法={"effective": "2003-09-01"})),
        ("items/T-XK-001.yaml", "law: 环境影响评价法"),
    ),
    "QL504": (
        lambda c: c.item(
            basis=[{"law": "环境影响评价法", "article": "22条"}, {"law": "行政许可法", "article": "第二十九条"}]
        ),
        lambda c: c.item(
            basis=[
                {"law": "环境影响评价法", "article": "第二十二条第一款、第二款"},
                {"law": "行政许可法", "article": "第二十九条"},
            ]
        ),
        ("items/T-XK-001.yaml", "article: 22条"),
    ),
    "QL505": (
        lambda c: c.write("laws.yaml", laws(行政许可法={"status": "未知"})),
        lambda c: c.write("laws.yaml", laws(行政许可法={"status": "现行有效"})),
        ("laws.yaml", "id: 行政许可法"),
    ),
    "QL506": (
        lambda c: c.write(
            "laws.yaml",
            {"schema_version": 1, "laws": LAWS["laws"] + [{"id": "行政处罚法", "name": "中华人民共和国行政处罚法"}]},
        ),
        lambda c: None,
        ("laws.yaml", "id: 行政处罚法"),
    ),
    # QL6xx disclosure
    "QL601": (
        lambda c: c.item(disclosure={"scope": "社会公开"}),
        lambda c: c.item(disclosure={"scope": "依申请公开"}),
        ("items/T-XK-001.yaml", "disclosure:"),
    ),
    "QL602": (
        lambda c: (
            c.item(
                ident="T-XK-002",
                name="干部任免酝酿",
                disclosure={"scope": "不予公开", "reason": "涉及个人隐私和干部考察信息"},
            )
            and c.write("flows/XK-TY.yaml", flow(description="参照干部任免酝酿的程序办理"))
        ),
        lambda c: (
            c.item(
                ident="T-XK-002",
                name="干部任免酝酿",
                disclosure={"scope": "不予公开", "reason": "涉及个人隐私和干部考察信息"},
            )
            and c.write("flows/XK-TY.yaml", flow(description="参照一般程序办理"))
        ),
        ("flows/XK-TY.yaml", "description:"),
    ),
    "QL603": (
        lambda c: c.item(
            disclosure={"scope": "社会公开", "forms": ["门户网站"], "timing": "决定后公开", "deadline": 15}
        ),
        lambda c: c.item(
            disclosure={"scope": "社会公开", "forms": ["门户网站"], "timing": "决定后公开", "deadline": 7}
        ),
        ("items/T-XK-001.yaml", "deadline:"),
    ),
    "QL604": (
        lambda c: c.item(disclosure={"scope": "不予公开", "reason": "无"}),
        lambda c: c.item(disclosure={"scope": "不予公开", "reason": "涉及国家秘密"}),
        ("items/T-XK-001.yaml", "reason:"),
    ),
    # a name written with a full-width space before it is still that name
    "QL606": (
        lambda c: (
            c.item(
                ident="T-XK-002",
                name="\u3000干部任免酝酿 ",
                disclosure={"scope": "不予公开", "reason": "涉及个人隐私和干部考察信息"},
            )
            and c.item(remarks="与干部任免 酝酿一并办理")
        ),
        lambda c: (
            c.item(
                ident="T-XK-002",
                name="\u3000干部任免酝酿 ",
                disclosure={"scope": "不予公开", "reason": "涉及个人隐私和干部考察信息"},
            )
            and c.item(remarks="按一般程序办理")
        ),
        ("items/T-XK-001.yaml", "remarks:"),
    ),
    "QL605": (
        lambda c: c.item(disclosure={"scope": "内部公开", "reason": "涉及内部管理信息", "forms": ["门户网站"]}),
        lambda c: c.item(disclosure={"scope": "内部公开", "reason": "涉及内部管理信息", "forms": ["内部文件"]}),
        ("items/T-XK-001.yaml", "forms:"),
    ),
    # QL7xx duties
    "QL701": (
        lambda c: c.item(duties=DROP),
        lambda c: c.item(duties=["ZZ-02"]),
        ("items/T-XK-001.yaml", "department:"),
    ),
    "QL702": (
        lambda c: c.write("catalog.yaml", duties_catalog("ZZ-03")),
        lambda c: c.write("catalog.yaml", duties_catalog("ZZ-03")) and c.item(duties=["ZZ-02", "ZZ-03"]),
        ("catalog.yaml", "id: ZZ-03"),
    ),
    "QL703": (
        lambda c: c.write("catalog.yaml", duties_catalog(legal_duty=True)) and c.item(duties=["ZZ-02", "ZZ-01"]),
        lambda c: (
            c.write("catalog.yaml", duties_catalog(legal_duty=True))
            and c.item(duties=["ZZ-02", "ZZ-01"], co_departments=["法制科"])
        ),
        ("items/T-XK-001.yaml", "- ZZ-01"),
    ),
    # QL8xx text hygiene
    "QL801": (
        lambda c: c.item(conditions=["依照中华人民共和国行政许可法第十二条应当取得许可"]),
        lambda c: c.item(conditions=["依照《中华人民共和国行政许可法》第十二条应当取得许可"]),
        ("items/T-XK-001.yaml", "依照"),
    ),
    "QL802": (
        lambda c: c.item(subject="（实施主体）"),
        lambda c: c.item(subject="测试县生态环境局（本级）"),
        ("items/T-XK-001.yaml", "subject:"),
    ),
    "QL803": (
        lambda c: c.item(contact={"consult_phone": "０５１９-82101004", "complaint_phone": "12369"}),
        lambda c: c.item(contact={"consult_phone": "0519-82101004", "complaint_phone": "12369"}),
        ("items/T-XK-001.yaml", "consult_phone:"),
    ),
    "QL804": (
        lambda c: c.item(name="建设项目环境影响报告表审批 "),
        lambda c: c.write(
            "items/T-XK-001.yaml",
            (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "remarks: |\n  第一行\n  第二行\n",
        ),
        ("items/T-XK-001.yaml", "name: '"),
    ),
    "QL805": (
        lambda c: c.item(contact={"complaint_phone": "0519-821010"}),
        lambda c: c.item(contact={"complaint_phone": "监督电话：0519-82101099（本局）；12369、13912345678"}),
        ("items/T-XK-001.yaml", "complaint_phone:"),
    ),
    "QL806": (
        lambda c: c.item(name="建设项目环境影响报告表\u200b审批"),
        lambda c: c.item(name="建设项目环境影响报告表审批"),
        ("items/T-XK-001.yaml", ("name: ", 0)),
    ),
    # identity
    "QL123": (
        lambda c: c.item(ident="T-XK-002", name="建设项目环境影响报告表的审批"),
        lambda c: c.item(ident="T-XK-002", name="建设项目环境影响报告书审批"),
        ("items/T-XK-002.yaml", "name: 建设项目环境影响报告表的审批"),
    ),
    "QL125": (
        lambda c: c.item(
            level=["县级"], codes={"basic": "440101007000", "implementation": "11440000006939756B2440101007001"}
        ),
        lambda c: c.item(
            level=["省级"], codes={"basic": "440101007000", "implementation": "11440000006939756B2440101007000"}
        ),
        ("items/T-XK-001.yaml", "implementation:"),
    ),
    # QL9xx review chain and operation register
    "QL901": (
        lambda c: c.item(status="审定", signoffs=[{"stage": "审定", "name": "王明", "date": "2026-03-02"}]),
        lambda c: c.item(status="初核", signoffs=[{"stage": "初核", "name": "王明", "date": "2026-03-02"}]),
        ("items/T-XK-001.yaml", "stage: 审定"),
    ),
    "QL902": (
        lambda c: signed(c) and c.item(signoffs=[{**s, "fingerprint": "0123456789abcdef"} for s in SIGNOFFS]),
        lambda c: signed(c),
        ("items/T-XK-001.yaml", "fingerprint:"),
    ),
    "QL903": (
        lambda c: c.item(signoffs=DROP),
        lambda c: c.item(status=DROP, signoffs=DROP),
        ("items/T-XK-001.yaml", "status:"),
    ),
    "QL904": (
        lambda c: c.item(
            status="停止行使", signoffs=SIGNOFFS + [{"stage": "停止行使", "name": "赵敏", "date": "2026-05-01"}]
        ),
        lambda c: c.item(
            status="停止行使",
            change_reason="法律依据已废止",
            signoffs=SIGNOFFS + [{"stage": "停止行使", "name": "赵敏", "date": "2026-05-01"}],
        ),
        ("items/T-XK-001.yaml", "status:"),
    ),
    "QL905": (
        lambda c: c.write("catalog.yaml", catalog(review={"stages": [{"stage": "审定"}, {"stage": "初核"}]})),
        lambda c: c.write(
            "catalog.yaml",
            catalog(
                review={
                    "stages": [{"stage": "初核"}, {"stage": "审核"}, {"stage": "审定"}, {"stage": "公布"}],
                    "publish_from": "公布",
                }
            ),
        ),
        ("catalog.yaml", "review:"),
    ),
    "QL951": (
        lambda c: c.write(REC, record(summary="申请人：张三，电话 13912345678")),
        lambda c: c.write(REC, record(summary="个体工商户申请食品经营许可")),
        (REC, "summary:"),
    ),
    "QL952": (lambda c: c.write(REC, record(item="T-XK-999")), lambda c: c.write(REC, record()), (REC, "item:")),
    "QL953": (
        lambda c: c.write(REC, record()),
        lambda c: c.item(important=True) and c.write(REC, record()),
        (REC, "item:"),
    ),
    "QL954": (
        lambda c: c.write(REC, record(accepted={"date": "2026-03-10"}, decided={"date": "2026-03-05"})),
        lambda c: c.write(REC, record()),
        (REC, "date: '2026-03-05'"),
    ),
    "QL955": (
        lambda c: c.write(REC, record(suspensions=[{"step": "等待材料", "from": "2026-03-03", "to": "2026-03-04"}])),
        lambda c: (
            c.write("flows/XK-TY.yaml", special_flow())
            and c.write(REC, record(suspensions=[{"step": "专家评审", "from": "2026-03-03", "to": "2026-03-04"}]))
        ),
        (REC, "step: 等待材料"),
    ),
    "QL956": (lambda c: c.write(REC, record(case="2026-XK-0002")), lambda c: c.write(REC, record()), (REC, "case:")),
}


TESTED_ELSEWHERE = {
    "QL124": "test_run_level.py",
    "QL975": "test_hostile_leaks.py",
    **{r: "test_workspace.py" for r in ("QL971", "QL972", "QL973", "QL974")},
    "QL130": "test_suppression.py",
    "QL131": "test_suppression.py",
    **{f"QL96{n}": "test_records.py" for n in range(1, 6)},
}  # found by quanli records check


def test_every_registered_rule_has_a_case_and_documentation():
    assert set(CASES) | set(TESTED_ELSEWHERE) == set(RULES)
    for rule in RULES.values():
        assert rule.summary_zh and rule.summary_en and len(rule.rationale) > 30
        assert rule.passing and rule.failing, rule.id


def test_the_base_catalogue_is_clean(cat):
    assert cat.validate() == (0, [])


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_failing_example(cat, rule_id):
    fail, _, (rel, line) = CASES[rule_id]
    fail(cat)
    if not isinstance(line, int):  # a text (its last occurrence) or (text, which occurrence)
        needle, which = (line, -1) if isinstance(line, str) else line
        lines = (cat.root / rel).read_text(encoding="utf-8").splitlines()
        line = [i for i, text in enumerate(lines, 1) if needle in text][which]
    code, findings = cat.validate()
    hits = [f for f in findings if f["rule"] == rule_id]
    assert hits, findings
    assert code == (1 if RULES[rule_id].severity.label == "error" else 0)
    assert any(f["file"].replace("\\", "/").endswith(rel) and f["line"] == line for f in hits), hits
    for f in hits:
        assert f["severity"] == RULES[rule_id].severity.label and f["message"] and f["column"] >= 1


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_passing_example(cat, rule_id):
    _, ok, _ = CASES[rule_id]
    ok(cat)
    code, findings = cat.validate()
    assert code == 0 and not [f for f in findings if f["rule"] == rule_id or f["severity"] == "error"], findings
