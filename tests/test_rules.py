"""Every rule has a passing and a failing example, run against a real catalogue on disk.

Each case edits the small valid catalogue from conftest: the failing edit must produce
the rule's finding at the stated file and line; the passing edit is the nearest correct
variant and must leave the catalogue clean.
"""

from __future__ import annotations

import copy

import pytest

from quanli.check.registry import load_all
from conftest import CATALOG, FLOW, LAWS, item

RULES = load_all()


def flow(**changes):
    data = copy.deepcopy(FLOW)
    data.update(changes)
    return data


def steps(*spec):
    """steps(("a", ["b"]), ("b", [])) -> step dicts; first is typed start."""
    out = []
    for i, (sid, nxt) in enumerate(spec):
        step = {"id": sid, "name": f"步骤{sid}"}
        if nxt:
            step["next"] = nxt
        out.append(step)
    return out


def catalog(**changes):
    data = copy.deepcopy(CATALOG)
    data.update(changes)
    return data


# rule id -> (failing edit, passing edit, (file, line)) where line is a number or a text
# whose last occurrence in the edited file marks the line of the expected finding
CASES = {
    "QL100": (lambda c: c.write("items/T-XK-002.yaml", "id: T-XK-002\nname: 审批\n".encode("gbk")),
              lambda c: c.write("items/T-XK-002.yaml", "\ufeff" + (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8").replace("T-XK-001", "T-XK-002").replace("报告表", "报告书")),
              ("items/T-XK-002.yaml", 2)),
    "QL101": (lambda c: c.write("items/T-XK-001.yaml", "id: T-XK-001\nname: 审批: 许可\n"),
              lambda c: c.write("items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8").replace("name: 建设项目环境影响报告表审批", "name: '审批: 许可'")),
              ("items/T-XK-001.yaml", 2)),
    "QL102": (lambda c: c.write("items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "name: 另一个名称\n"),
              lambda c: c.write("items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "remarks: 另一个名称\n"),
              ("items/T-XK-001.yaml", "name: 另一个名称")),
    "QL103": (lambda c: c.write("items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8").replace("subject: 测试县生态环境局", "subject: &s 测试县生态环境局") + "remarks: *s\n"),
              lambda c: c.write("items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "remarks: 测试县生态环境局\n"),
              ("items/T-XK-001.yaml", "&s")),
    "QL104": (lambda c: c.write("flows/XK-TY.yaml", (c.root / "flows/XK-TY.yaml").read_text(encoding="utf-8") + "---\nid: X\n"),
              lambda c: c.write("flows/XK-TY.yaml", "---\n" + (c.root / "flows/XK-TY.yaml").read_text(encoding="utf-8") + "...\n"),
              ("flows/XK-TY.yaml", "---")),
    "QL105": (lambda c: c.write("items/T-XK-002.yaml", "# 待填写\n"), lambda c: None, ("items/T-XK-002.yaml", 1)),
    "QL106": (lambda c: c.write("items/T-XK-002.yaml", "remarks: " + "长" * 1_500_000 + "\n"),
              lambda c: c.item(ident="T-XK-002", name="长备注事项", remarks="长" * 100_000),
              ("items/T-XK-002.yaml", 1)),
    "QL107": (lambda c: c.write("items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "extra: " + "[" * 80 + "]" * 80 + "\n"),
              lambda c: c.write("items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "extra: {a: " + "[" * 20 + "]" * 20 + "}\n"),
              ("items/T-XK-001.yaml", "extra:")),
    "QL108": (lambda c: c.write("items/T-XK-002.yaml", "- id: T-XK-002\n"), lambda c: None, ("items/T-XK-002.yaml", 1)),
    "QL109": (lambda c: c.write("items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "remarks: !!python/name:os.system x\n"),
              lambda c: c.write("items/T-XK-001.yaml", (c.root / "items/T-XK-001.yaml").read_text(encoding="utf-8") + "remarks: !!str 010\n"),
              ("items/T-XK-001.yaml", "remarks: !!python")),
    "QL110": (lambda c: c.item(disclosure={"scope": "不予公开"}),
              lambda c: c.item(disclosure={"scope": "不予公开", "reason": "涉及国家秘密"}),
              ("items/T-XK-001.yaml", "disclosure:")),
    "QL111": (lambda c: c.write("items/T-XK-002.yaml", item(ident="T-XK-003", name="另一事项")),
              lambda c: c.write("items/T-XK-003.yaml", item(ident="T-XK-003", name="另一事项")),
              ("items/T-XK-002.yaml", "id: T-XK-003")),
    "QL112": (lambda c: (c.write("flows/xk-ty.yaml", flow(id="xk-ty"))),
              lambda c: (c.write("flows/XK-TZ.yaml", flow(id="XK-TZ"))),
              ("flows/xk-ty.yaml", "id: xk-ty")),
    "QL113": (lambda c: c.item(ident="T-XK-002"), lambda c: c.item(ident="T-XK-002", name="建设项目环境影响报告书审批"),
              ("items/T-XK-002.yaml", "name:")),
    "QL114": (lambda c: c.item(flow="XK-HP"), lambda c: c.write("flows/XK-HP.yaml", flow(id="XK-HP")) and c.item(flow="XK-HP"),
              ("items/T-XK-001.yaml", "flow: XK-HP")),
    "QL115": (lambda c: c.item(basis=[{"law": "环评法", "article": "第二十二条"}]),
              lambda c: c.item(basis=[{"law": "行政许可法", "article": "第二十九条"}]),
              ("items/T-XK-001.yaml", "law: 环评法")),
    "QL116": (lambda c: c.item(department="环评科"), lambda c: c.item(department="法制科"), ("items/T-XK-001.yaml", "department: 环评科")),
    "QL117": (lambda c: c.item(category="许可"),
              lambda c: c.write("catalog.yaml", catalog(settings={"categories": [{"name": "许可"}]})) and c.item(category="许可"),
              ("items/T-XK-001.yaml", "category: 许可")),
    "QL118": (lambda c: c.write("items/T-XK-001.yaml", item(ident="T-XK-001")) and c.write("catalog.yaml", catalog(settings={"id_pattern": "^HB-[A-Z]{2}-[0-9]{3}$"})),
              lambda c: c.write("catalog.yaml", catalog(settings={"id_pattern": "^T-[A-Z]{2}-[0-9]{3}$", "flow_id_pattern": "^[A-Z]{2}-[A-Z]{2}$"})),
              ("items/T-XK-001.yaml", "id: T-XK-001")),
    "QL119": (lambda c: c.item(duties=["ZZ-99"]), lambda c: c.item(duties=["ZZ-01", "ZZ-02"]), ("items/T-XK-001.yaml", "ZZ-99")),
    "QL120": (lambda c: (c.root / "laws.yaml").unlink(),
              lambda c: None, ("laws.yaml", 1)),
    "QL121": (lambda c: c.write("items/T-XK-002.docx", b"PK\x03\x04"), lambda c: c.write("items/.DS_Store", b"x"),
              ("items/T-XK-002.docx", 1)),
    "QL122": (lambda c: c.write("laws.yaml", {"schema_version": 1, "laws": LAWS["laws"] + [copy.deepcopy(LAWS["laws"][0])]}),
              lambda c: c.write("laws.yaml", {"schema_version": 1, "laws": LAWS["laws"] + [{"id": "行政处罚法", "name": "中华人民共和国行政处罚法"}]}),
              ("laws.yaml", "id: 行政许可法")),
    "QL401": (lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["c"]), ("b", ["c"]), ("c", [])))),
              lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b"]), ("b", ["c"]), ("c", [])))),
              ("flows/XK-TY.yaml", "id: b")),
    "QL402": (lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b"]), ("b", ["x"])))),
              lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b"]), ("b", [])))),
              ("flows/XK-TY.yaml", "- x")),
    "QL403": (lambda c: c.write("flows/XK-TY.yaml", flow(steps=[dict(s, type="start") if s["id"] == "a" else s for s in steps(("a", ["d"]), ("b", ["c"]), ("c", ["b", "d"]), ("d", []))])),
              lambda c: c.write("flows/XK-TY.yaml", flow(steps=[dict(s, type="start") if s["id"] == "a" else s for s in steps(("a", ["b"]), ("b", ["c"]), ("c", ["b", "d"]), ("d", []))])),
              ("flows/XK-TY.yaml", "id: b")),
    "QL404": (lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b", "d"]), ("b", ["c"]), ("c", ["b"]), ("d", [])))),
              lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b", "d"]), ("b", ["c"]), ("c", ["b", "d"]), ("d", [])))),
              ("flows/XK-TY.yaml", "id: b")),
    "QL405": (lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b"]), ("b", []), ("b", [])))),
              lambda c: c.write("flows/XK-TY.yaml", flow(steps=steps(("a", ["b", "c"]), ("b", []), ("c", [])))),
              ("flows/XK-TY.yaml", "id: b")),
}


def test_every_registered_rule_has_a_case_and_documentation():
    assert set(CASES) == set(RULES)
    for rule in RULES.values():
        assert rule.summary_zh and rule.summary_en and len(rule.rationale) > 30
        assert rule.passing and rule.failing, rule.id


def test_the_base_catalogue_is_clean(cat):
    assert cat.validate() == (0, [])


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_failing_example(cat, rule_id):
    fail, _, (rel, line) = CASES[rule_id]
    fail(cat)
    if isinstance(line, str):
        lines = (cat.root / rel).read_text(encoding="utf-8").splitlines()
        line = max(i for i, text in enumerate(lines, 1) if line in text)
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
    assert (code, findings) == (0, []), findings
