"""The 变更说明 and quanli diff speak the clerk's words: fields by their Chinese titles, entries and
steps by their names, no YAML key or path; the Mermaid charts mark what changed and keep words whole."""

from __future__ import annotations

import copy
import json
import re
import shutil

import pytest
from docx import Document

from conftest import FLOW, LAWS, invoke, item
from quanli.render.flowchart import _mm_wrap, to_mermaid
from quanli.report.changes import field_label, short
from quanli.versioning.compare import State, changed_steps, compare, path_title
from test_diff import git, repo  # noqa: F401  (fixture)

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make test repositories")
ASCII_WORD = re.compile(r"[a-z_]{2,}")  # a YAML key or path (ids and codes, T-XK-001 and XK-TY, are in capitals)


def promised(value):
    return {"statutory": {"value": 20, "unit": "工作日"}, "promised": value}


# ---- titles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path,title",
    [
        ("time_limit.promised", "承诺办结时限"),
        ("time_limit.promised.value", "承诺办结时限"),  # 办结时限 › 承诺办结时限 › 数值: the time limit itself
        ("time_limit.promised.unit", "承诺办结时限单位"),
        ("time_limit.note", "时限说明"),
        ("fee.note", "收费说明"),  # 说明 alone says little: after its parent's title
        ("codes.basic", "基本编码"),
        ("materials[营业执照].copies", "申请材料“营业执照”的份数"),
        ("materials[营业执照]", "申请材料“营业执照”"),
        ("basis[行政许可法,第二十九条].text", "行使依据《行政许可法》第二十九条的条文摘录"),
        ("special_procedures[听证].limit.value", "特别程序“听证”的时限"),
        ("duties[ZZ-02]", "对应职责“ZZ-02”"),
    ],
)
def test_a_path_alone_gets_its_title(path, title):
    assert field_label(path) == title == path_title("item", path)


def test_titles_and_values_in_the_documents_own_terms():
    before = State(items={"T-XK-001": item()}, flows={"XK-TY": FLOW})
    changed = item(
        time_limit=promised({"value": 3, "unit": "自然日"}),
        fee={"charged": True},
        materials=[
            {"name": "环境影响报告表", "form": "原件", "copies": 2},
            {"name": "营业执照", "form": "复印件", "copies": 1},
        ],
    )
    flow = copy.deepcopy(FLOW)
    flow["steps"][1]["type"] = "process"
    flow["steps"][2]["time_limit"] = {"value": 2, "unit": "自然日"}
    after = State(items={"T-XK-001": changed}, flows={"XK-TY": flow})
    item_change, flow_change = compare(before, after)
    assert [f.line() for f in item_change.fields] == [
        "是否收费：否 → 是",
        "申请材料“环境影响报告表”的份数：1 → 2",
        "新增申请材料“营业执照”（材料形式：复印件，份数：1）",
        "承诺办结时限：10个工作日 → 3个自然日",
    ]
    assert flow_change.summary == ["步骤“受理”的图形：判断 → 处理", "步骤“决定”的办理时限：3个工作日 → 2个自然日"]
    for change in (item_change, flow_change):
        assert all(f.path and f.title and not ASCII_WORD.search(f.title) for f in change.fields)


def test_values_without_their_field_are_said_in_words():
    assert short(True) == "是" and short(["甲", "乙"]) == "甲、乙"
    assert short({"value": 5, "unit": "自然日"}) == "5个自然日" and short({"value": 0}) == "即办"
    assert short({"name": "营业执照", "copies": 1}) == "营业执照（份数：1）"


# ---- quanli diff, quanli changelog and the 变更说明 ------------------------------------------------------


@needs_git
def test_diff_and_the_note_of_a_promised_limit_change_say_its_title(repo, cat):
    git(repo, "tag", "v1")
    cat.item(time_limit=promised(3))
    git(repo, "commit", "-qam", "压缩承诺时限")
    text = invoke("diff", "HEAD~1", "HEAD").stdout
    assert "· 承诺办结时限：10个工作日 → 3个工作日" in text and "time_limit" not in text
    md = invoke("diff", "HEAD~1", "HEAD", "--format", "markdown").stdout
    assert "| 承诺办结时限 | 10个工作日 | 3个工作日 |" in md and "time_limit" not in md
    [row] = json.loads(invoke("diff", "HEAD~1", "HEAD", "--format", "json").stdout)
    assert row["fields"] == [
        {"path": "time_limit.promised", "title": "承诺办结时限", "old": 10, "new": 3}
    ]  # machines keep the path
    note = invoke("changelog", "--date", "2025-09-26").stdout
    assert (
        re.search("承诺办结时限：10(个工作日)? → 3(个工作日)?", note) and "time_limit" not in note
    )  # units once release.py says f.line()


@needs_git
def test_the_docx_note_has_no_key_or_path(repo, cat, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_NAME", "办事员")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "clerk@example.org")
    git(repo, "tag", "-a", "v1", "-m", "第一版")
    cat.item(
        time_limit=promised(5),
        fee={"charged": False, "note": "依法不收费"},
        materials=[
            {"name": "环境影响报告表", "form": "原件", "copies": 2},
            {"name": "营业执照", "form": "复印件", "copies": 1},
        ],
        basis=[
            {"law": "环境影响评价法", "article": "第二十二条", "text": "新的摘录"},
            {"law": "行政许可法", "article": "第三十条"},
        ],
    )
    flow = copy.deepcopy(FLOW)
    flow["steps"][2]["post"] = "分管副局长"
    flow["steps"].insert(3, {"id": "notify", "name": "告知", "post": "窗口人员", "next": ["deliver"]})
    flow["steps"][2]["next"] = ["notify"]
    cat.write("flows/XK-TY.yaml", flow)
    laws = copy.deepcopy(LAWS)
    laws["laws"][0].update(status="已修改", amended="2025-06-01")
    cat.write("laws.yaml", laws)
    git(repo, "commit", "-qam", "调整时限、材料、流程和依据")
    result = invoke("release", "v2", "--date", "2025-09-26")
    assert result.exit_code == 0, result.output
    doc = Document(str(cat.root / "releases" / "v2" / "变更说明.docx"))
    texts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    leaks = [t for t in texts if ASCII_WORD.search(t)]
    assert leaks == []
    said = "\n".join(texts)
    assert re.search("承诺办结时限：10(个工作日)? → 5(个工作日)?", said)
    assert "申请材料“环境影响报告表”的份数：1 → 2" in said and "收费说明：（无） → 依法不收费" in said
    assert (
        "步骤“决定”的承办岗位：局长 → 分管副局长" in said
        and "新增步骤“告知”" in said
        and "时效性：现行有效 → 已修改" in said
    )
    md = (cat.root / "releases" / "v2" / "变更说明.md").read_text(encoding="utf-8")
    assert (
        "| 1 | T-XK-001 | 建设项目环境影响报告表审批 | 修改 | 行使依据《环境影响评价法》第二十二条的条文摘录：（无） → 新的摘录<br>"
        in md
    )
    md = md.replace("<br>", "\n")  # the table's line breaks
    assert not ASCII_WORD.search(md), ASCII_WORD.findall(md)


# ---- Mermaid -----------------------------------------------------------------------------------------


def class_lines(chart: str) -> list[str]:
    return [line.strip() for line in chart.splitlines() if line.strip().startswith("class ")]


def test_the_after_chart_marks_exactly_the_changed_step():
    flow = copy.deepcopy(FLOW)
    flow["steps"][2]["post"] = "分管副局长"  # decide, the third step: s3
    [change] = compare(State(flows={"XK-TY": FLOW}), State(flows={"XK-TY": flow}))
    added, modified, removed = changed_steps(change)
    assert (added, modified, removed) == ([], ["decide"], [])
    after = to_mermaid(change.after, changed=added + modified)
    assert class_lines(after) == ["class s3 changed"]
    assert "    classDef changed fill:#fff3cd,stroke:#d4a017,stroke-width:2px" in after.splitlines()
    assert to_mermaid(FLOW) == to_mermaid(FLOW, changed=[], removed=[])  # nothing marked: the chart as before


def test_removed_steps_are_marked_in_the_chart_before():
    flow = copy.deepcopy(FLOW)
    del flow["steps"][2]  # decide
    flow["steps"][1]["next"][0]["to"] = "deliver"
    [change] = compare(State(flows={"XK-TY": FLOW}), State(flows={"XK-TY": flow}))
    added, modified, removed = changed_steps(change)
    assert removed == ["decide"] and modified == ["accept"] and added == []
    before = to_mermaid(change.before, changed=modified, removed=removed)
    assert class_lines(before) == ["class s2 changed", "class s3 removed"]
    assert "classDef removed" in before


@pytest.mark.parametrize(
    "name",
    [
        "申请材料符合法定形式",
        "申请材料符合法定形式的予以受理",
        "申请材料是否符合法定形式要求",
        "申请材料是否齐全、符合法定形式的予以受理",
        "申请人提交的申请材料符合法定形式或者按要求提交全部补正材料",
        "窗口工作人员对申请材料符合法定形式的当场出具受理通知书",
    ],
)
def test_no_label_breaks_a_word(name):
    flow = {
        "id": "m",
        "name": "m",
        "steps": [{"id": "a", "name": name, "next": [{"to": "b", "label": name}]}, {"id": "b", "name": "办结"}],
    }
    text = to_mermaid(flow)
    for word in ("符合", "申请", "材料", "法定", "形式", "受理", "补正"):
        assert not re.search("<br/>".join(word), text), (word, text)
    assert all("".join(_mm_wrap(name, em)) == name for em in (8, 10, 12))


def test_labels_break_after_punctuation_and_keep_ascii_words():
    assert _mm_wrap("申请材料是否齐全、符合法定形式的予以受理") == ["申请材料是否齐全、", "符合法定形式的予以受理"]
    assert _mm_wrap("受理审查（一次性告知补正）") == ["受理审查", "（一次性告知补正）"]
    lines = _mm_wrap("依据GB/T 1526-1989标准绘制流程图并报送上级主管部门审核备案")
    assert "GB/T" in lines[0] and any("1526-1989" in line for line in lines)
    assert _mm_wrap("申请") == ["申请"]
