"""Semantic comparison of two catalogue states (the core of quanli diff)."""

from __future__ import annotations

import copy

from conftest import FLOW, item
from quanli.versioning.compare import State, compare, diff_values


def state(*items, flows=None, laws=None):
    return State(
        items={i["id"]: i for i in items},
        flows={f["id"]: f for f in (flows or [FLOW])},
        laws={
            law["id"]: law
            for law in (
                laws or [{"id": "行政许可法", "status": "现行有效"}, {"id": "环境影响评价法", "status": "现行有效"}]
            )
        },
    )


def as_dicts(changes):
    return [c.to_dict() for c in changes]


def test_nothing_changed():
    a = state(item())
    assert compare(a, copy.deepcopy(a)) == []


def test_reordered_keys_and_list_entries_are_not_changes():
    a = state(item())
    moved = dict(reversed(list(item().items())))
    moved["basis"] = list(reversed(moved["basis"]))
    moved["conditions"] = list(reversed(moved["conditions"] + ["第二个条件"]))
    b = state(moved)
    a.items["T-XK-001"]["conditions"] = a.items["T-XK-001"]["conditions"] + ["第二个条件"]
    assert compare(a, b) == []


def test_added_removed_and_modified_items_with_field_paths():
    a = state(item(), item(ident="T-XK-002", name="乙"))
    changed = item(
        time_limit={"statutory": {"value": 20, "unit": "工作日"}, "promised": 5},
        basis=[{"law": "环境影响评价法", "article": "第二十二条"}, {"law": "行政许可法", "article": "第三十条"}],
    )
    b = state(
        changed,
        item(
            ident="T-XK-003",
            name="丙（全新的事项，内容完全不同）",
            category="行政检查",
            subject="另一个单位",
            conditions=["完全不同"],
            materials=[],
            basis=[],
        ),
    )
    assert as_dicts(compare(a, b)) == [
        {
            "kind": "item",
            "id": "T-XK-001",
            "change": "modified",
            "name": "建设项目环境影响报告表审批",
            "fields": [
                {
                    "path": "basis[行政许可法,第二十九条]",
                    "title": "行使依据《行政许可法》第二十九条",
                    "old": {"law": "行政许可法", "article": "第二十九条"},
                    "new": None,
                },
                {
                    "path": "basis[行政许可法,第三十条]",
                    "title": "行使依据《行政许可法》第三十条",
                    "old": None,
                    "new": {"law": "行政许可法", "article": "第三十条"},
                },
                {"path": "time_limit.promised", "title": "承诺办结时限", "old": 10, "new": 5},
            ],
        },
        {"kind": "item", "id": "T-XK-002", "change": "removed", "name": "乙"},
        {"kind": "item", "id": "T-XK-003", "change": "added", "name": "丙（全新的事项，内容完全不同）"},
    ]


def test_an_id_change_with_the_same_content_is_a_rename():
    a = state(item(ident="T-XK-001"))
    b = state(item(ident="T-XK-009"))
    assert as_dicts(compare(a, b)) == [
        {
            "kind": "item",
            "id": "T-XK-009",
            "change": "renamed",
            "name": "建设项目环境影响报告表审批",
            "old_id": "T-XK-001",
        }
    ]


def test_a_rename_with_a_small_edit_keeps_its_field_changes():
    a = state(item(ident="T-XK-001"))
    b = state(item(ident="T-XK-009", category="行政确认"))
    (change,) = compare(a, b)
    assert change.change == "renamed" and change.old_id == "T-XK-001"
    assert [f.to_dict() for f in change.fields] == [
        {"path": "category", "title": "类别", "old": "行政许可", "new": "行政确认"}
    ]


def test_flow_changes_name_the_items_that_use_the_flow():
    flow = copy.deepcopy(FLOW)
    flow["steps"][2]["post"] = "分管局长"
    flow["steps"][1]["next"][1]["label"] = "一次性告知补正"
    flow["steps"].append({"id": "archive", "name": "归档"})
    flow["steps"][3]["next"] = ["archive"]
    a = state(item(), item(ident="T-XK-002", name="乙"))
    b = state(item(), item(ident="T-XK-002", name="乙"), flows=[flow])
    (change,) = compare(a, b)
    assert change.kind == "flow" and change.change == "modified" and change.affects == ["T-XK-001", "T-XK-002"]
    assert [f.to_dict() for f in change.fields] == [
        {
            "path": "steps[accept].next[apply].label",
            "title": "步骤“受理”的下一步“申请”的出口标签",
            "old": "补正",
            "new": "一次性告知补正",
        },
        {"path": "steps[decide].post", "title": "步骤“决定”的承办岗位", "old": "局长", "new": "分管局长"},
        {"path": "steps[deliver].next", "title": "步骤“送达”的下一步", "old": None, "new": ["archive"]},
        {"path": "steps[archive]", "title": "步骤“归档”", "old": None, "new": {"id": "archive", "name": "归档"}},
    ]
    assert change.summary == [
        "连线“受理 → 申请”的标签：补正 → 一次性告知补正",
        "步骤“决定”的承办岗位：局长 → 分管局长",
        "步骤“送达”的下一步：（无） → 归档",
        "新增步骤“归档”",
    ]


def test_a_repealed_law_names_the_items_that_cite_it():
    laws_before = [{"id": "行政许可法", "status": "现行有效"}, {"id": "环境影响评价法", "status": "现行有效"}]
    laws_after = [
        {"id": "行政许可法", "status": "现行有效"},
        {"id": "环境影响评价法", "status": "已废止", "repealed": "2026-08-15"},
    ]
    a = state(
        item(),
        item(ident="T-XK-002", name="乙", basis=[{"law": "行政许可法", "article": "第二十九条"}]),
        laws=laws_before,
    )
    b = state(
        item(),
        item(ident="T-XK-002", name="乙", basis=[{"law": "行政许可法", "article": "第二十九条"}]),
        laws=laws_after,
    )
    assert as_dicts(compare(a, b)) == [
        {
            "kind": "law",
            "id": "环境影响评价法",
            "change": "modified",
            "name": "",
            "fields": [
                {"path": "repealed", "title": "废止日期", "old": None, "new": "2026-08-15"},
                {"path": "status", "title": "时效性", "old": "现行有效", "new": "已废止"},
            ],
            "affects": ["T-XK-001"],
            "summary": ["废止日期：（无） → 2026-08-15", "时效性：现行有效 → 已废止"],
        }
    ]


def test_lists_of_texts_report_what_came_and_went():
    assert [
        f.to_dict() for f in diff_values({"forms": ["门户网站", "公开栏"]}, {"forms": ["公开栏", "政务服务网"]})
    ] == [{"path": "forms", "old": ["门户网站"], "new": ["政务服务网"]}]


def test_two_items_from_one_template_are_not_a_rename():
    """Deleting one item and adding another in the same range: similar fields, different names."""
    a = state(item(ident="T-XK-002", name="甲事项"))
    b = state(item(ident="T-XK-004", name="乙事项", category="行政确认"))
    assert [(c["id"], c["change"]) for c in as_dicts(compare(a, b))] == [("T-XK-002", "removed"), ("T-XK-004", "added")]
    renamed = state(item(ident="T-XK-004", name="甲事项", category="行政确认"))  # same name: an id change with an edit
    assert [(c["id"], c["change"], c.get("old_id")) for c in as_dicts(compare(a, renamed))] == [
        ("T-XK-004", "renamed", "T-XK-002")
    ]
