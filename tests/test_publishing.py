"""Issue 25, points 2 and 3: what is published is finished and signed. A public build and a
release refuse an item with placeholder text (QL802) or one changed after its last sign-off
(QL902), in the item or in the flowchart it uses; review refuses to sign placeholders; a change
of a flowchart calls for a new review of every item that uses it."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess

import pytest
import yaml

from conftest import DROP, FLOW, SIGNOFFS, invoke
from quanli.review import stages


def _data(cat, ident="T-XK-001") -> dict:
    return yaml.safe_load((cat.root / "items" / f"{ident}.yaml").read_text(encoding="utf-8"))


def _build(cat, out, *args):
    return invoke("build", str(cat.root), "--out", str(out), *args)


def _signed(cat, **extra):
    """T-XK-001 signed through the whole chain by quanli review (with fingerprints)."""
    cat.item(status=DROP, signoffs=DROP, **extra)
    for stage, who in (("初核", "王明"), ("审核", "李华"), ("审定", "张强"), ("公布", "赵敏")):
        result = invoke(
            "review", "T-XK-001", "--stage", stage, "--by", who, "--date", "2026-03-02", "-C", str(cat.root)
        )
        assert result.exit_code == 0, result.output


def test_a_public_build_refuses_a_published_item_with_placeholder_text(cat, tmp_path):
    cat.item(contact={"consult_phone": "（咨询电话）", "complaint_phone": "0519-82101099"})
    assert cat.validate()[0] == 0  # a warning: validate passes a catalogue still being written
    result = _build(cat, tmp_path / "pub")
    assert result.exit_code == 1, result.output
    assert (
        "公开版不能发布 1 个事项" in result.output and "T-XK-001" in result.output and "（咨询电话）" in result.output
    )
    assert "items/T-XK-001.yaml:" in result.output.replace("\\", "/")  # file and line, to go and fix it
    assert not (tmp_path / "pub").exists()  # nothing written


def _sheet_rows(path) -> dict[str, str]:
    from docx import Document

    table = Document(str(path)).tables[0]
    return {row.cells[0].text: row.cells[-1].text for row in table.rows}


def test_an_internal_build_shows_them_marked_and_says_so(cat, tmp_path):
    cat.item(contact={"consult_phone": "（咨询电话）", "complaint_phone": "0519-82101099"})
    cat.item(ident="T-XK-002", name="填写完整的事项")
    result = _build(cat, tmp_path / "int", "--audience", "internal")
    assert result.exit_code == 0, result.output
    assert "还不能公开发布" in result.output and "T-XK-001" in result.output
    assert "建设项目环境影响报告表审批" in (tmp_path / "int" / "table" / "catalog.csv").read_text(encoding="utf-8")
    marked = _sheet_rows(next((tmp_path / "int" / "sheets").glob("T-XK-001*.docx")))
    assert marked.get("待完善") == "待完善：有未填写的占位文字"
    assert "待完善" not in _sheet_rows(next((tmp_path / "int" / "sheets").glob("T-XK-002*.docx")))
    html = next((tmp_path / "int" / "sheets").glob("T-XK-001*.html")).read_text(encoding="utf-8")
    assert "待完善：有未填写的占位文字" in html
    # filled in, the next internal build (the render memo on) drops the mark
    cat.item()
    assert _build(cat, tmp_path / "int", "--audience", "internal").exit_code == 0
    assert "待完善" not in _sheet_rows(next((tmp_path / "int" / "sheets").glob("T-XK-001*.docx")))


def test_an_item_not_yet_published_does_not_stop_the_public_build(cat, tmp_path):
    """A draft with placeholders is held back from the public edition anyway (view.held_back)."""
    cat.item(ident="T-XK-002", name="起草中的事项", status="草稿", signoffs=DROP, conditions=["（申请条件）"])
    result = _build(cat, tmp_path / "pub")
    assert result.exit_code == 0, result.output
    assert "起草中的事项" not in (tmp_path / "pub" / "table" / "catalog.csv").read_text(encoding="utf-8")


def test_a_confidential_item_with_placeholders_does_not_stop_the_public_build(cat, tmp_path):
    cat.item(
        ident="T-XK-002",
        name="内部事项",
        disclosure={"scope": "不予公开", "reason": "涉及国家秘密"},
        conditions=["（申请条件）"],
    )
    assert _build(cat, tmp_path / "pub").exit_code == 0


def test_placeholder_text_in_the_flowchart_stops_every_item_using_it(cat, tmp_path):
    flow = copy.deepcopy(FLOW)
    flow["complaint"] = {"phone": "（投诉电话）"}  # printed in the chart's footer
    cat.write("flows/XK-TY.yaml", flow)
    cat.item(ident="T-XK-002", name="第二个许可事项")
    result = _build(cat, tmp_path / "pub")
    assert result.exit_code == 1 and "公开版不能发布 2 个事项" in result.output, result.output
    assert "flows/XK-TY.yaml" in result.output.replace("\\", "/")


def test_a_suppressed_placeholder_is_a_decision_and_is_published(cat, tmp_path):
    path = cat.item(conditions=["（无）"])
    text = path.read_text(encoding="utf-8").replace("- （无）", "- （无）  # quanli: disable=QL802", 1)
    path.write_text(text, encoding="utf-8")
    assert _build(cat, tmp_path / "pub").exit_code == 0


def test_an_item_changed_after_its_sign_off_is_not_published(cat, tmp_path):
    _signed(cat)
    assert _build(cat, tmp_path / "pub").exit_code == 0
    path = cat.root / "items" / "T-XK-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("promised: 10", "promised: 3"), encoding="utf-8")
    result = _build(cat, tmp_path / "pub")
    assert result.exit_code == 1 and "签署后内容有改动" in result.output and "QL902" in result.output, result.output
    assert "promised: 10" not in json.dumps(_data(cat), ensure_ascii=False)
    csv = (tmp_path / "pub" / "table" / "catalog.csv").read_text(encoding="utf-8")
    assert "10" in csv  # the previous public build stays as it was: nothing of the unsigned change
    # reviewed again from the first stage, it is published
    for stage, who in (("初核", "王明"), ("审核", "李华"), ("审定", "张强"), ("公布", "赵敏")):
        assert (
            invoke(
                "review", "T-XK-001", "--stage", stage, "--by", who, "--date", "2026-03-20", "-C", str(cat.root)
            ).exit_code
            == 0
        )
    assert _build(cat, tmp_path / "pub").exit_code == 0


def test_a_sign_off_records_the_flowchart_and_a_flow_change_flags_every_item_using_it(cat, tmp_path):
    _signed(cat)
    last = _data(cat)["signoffs"][-1]
    assert last["flow_fingerprint"] == stages.fingerprint(FLOW)
    assert cat.validate() == (0, [])
    flow = copy.deepcopy(FLOW)
    flow["steps"][2]["name"] = "审查决定"  # a step renamed
    cat.write("flows/XK-TY.yaml", flow)
    code, found = cat.validate()
    assert [(f["rule"], f["item"]) for f in found] == [("QL902", "T-XK-001")]
    assert "流程图 XK-TY 有改动" in found[0]["message"]
    result = _build(cat, tmp_path / "pub")
    assert result.exit_code == 1 and "T-XK-001" in result.output
    # review refuses to carry on from 公布: the flow change needs a new round from 初核
    again = invoke("review", "T-XK-001", "--stage", "公布", "--by", "赵敏", "-C", str(cat.root))
    assert again.exit_code == 1 and "重新审核" in again.output
    assert invoke("review", "T-XK-001", "--stage", "初核", "--by", "王明", "-C", str(cat.root)).exit_code == 0
    assert _data(cat)["signoffs"][-1]["flow_fingerprint"] == stages.fingerprint(flow)


def test_a_sign_off_without_a_flow_fingerprint_is_not_judged_by_the_flow(cat):
    """Sign-offs written before quanli recorded the flowchart (or by hand) are judged as before."""
    cat.item(signoffs=[dict(s) for s in SIGNOFFS])  # as in the fixture: no fingerprints
    flow = copy.deepcopy(FLOW)
    flow["steps"][2]["name"] = "审查决定"
    cat.write("flows/XK-TY.yaml", flow)
    assert cat.validate() == (0, [])


def test_review_refuses_to_sign_placeholder_text_unless_forced_with_a_reason(cat):
    cat.item(status=DROP, signoffs=DROP, conditions=["（申请人应当具备的条件）"])
    refused = invoke("review", "T-XK-001", "--stage", "初核", "--by", "王明", "-C", str(cat.root))
    assert refused.exit_code == 1 and "占位文字" in refused.output and "（申请人应当具备的条件）" in refused.output
    assert "signoffs" not in _data(cat)
    forced = invoke(
        "review",
        "T-XK-001",
        "--stage",
        "初核",
        "--by",
        "王明",
        "--force",
        "--remark",
        "条件待法制科确认",
        "-C",
        str(cat.root),
    )
    assert forced.exit_code == 0, forced.output
    assert _data(cat)["signoffs"][-1]["forced"] is True


def test_review_refuses_an_item_whose_flowchart_has_placeholders(cat):
    flow = copy.deepcopy(FLOW)
    flow["steps"][1]["post"] = "（承办岗位）"
    cat.write("flows/XK-TY.yaml", flow)
    cat.item(status=DROP, signoffs=DROP)
    refused = invoke("review", "T-XK-001", "--stage", "初核", "--by", "王明", "-C", str(cat.root))
    assert refused.exit_code == 1 and "XK-TY.yaml" in refused.output and "（承办岗位）" in refused.output


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make the test repository")
def test_release_refuses_what_a_public_build_refuses(cat, monkeypatch):
    from test_diff import git

    monkeypatch.setenv("GIT_AUTHOR_NAME", "办事员")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "clerk@example.org")
    cat.item(contact={"consult_phone": "（咨询电话）", "complaint_phone": "0519-82101099"})
    repo = cat.root.parent
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "第一版")
    monkeypatch.chdir(repo)
    result = invoke("release", "v1", "--date", "2026-03-02")
    assert result.exit_code == 1 and "本次发布不能发布 1 个事项" in result.output and "（咨询电话）" in result.output, (
        result.output
    )
    assert subprocess.run(["git", "-C", str(repo), "tag"], capture_output=True, text=True).stdout == ""
    assert not (cat.root / "releases").exists()


def test_a_public_workspace_build_refuses_a_members_placeholder_before_writing_anything(tmp_path):
    from conftest import item
    from test_workspace import WORKSPACE, member

    root = tmp_path / "ws"
    member(root / "city", "测试市生态环境局", "市级", [item(subject="测试市生态环境局")])
    member(
        root / "county",
        "测试县生态环境局",
        "县级",
        [item("T-XK-003", "取水许可", subject="测试县生态环境局", contact={"consult_phone": "（咨询电话）"})],
    )
    member(root / "county-water", "测试县水利局", "县级", [item("T-XK-004", "取水许可证核发", subject="测试县水利局")])
    (root / "quanli-workspace.yaml").write_text(WORKSPACE, encoding="utf-8")
    result = invoke("build", str(root), "--out", str(tmp_path / "pub"))
    assert result.exit_code == 1 and "county" in result.output and "T-XK-003" in result.output, result.output
    assert not (tmp_path / "pub").exists()
    internal = invoke("build", str(root), "--out", str(tmp_path / "int"), "--audience", "internal")
    assert internal.exit_code == 0 and "还不能公开发布" in internal.output, internal.output


def test_a_placeholder_that_comes_with_the_flowchart_marks_the_unchanged_item_next_build(cat, tmp_path):
    """The item's file does not change, its flowchart does: the memo must not hand back the old sheet."""
    assert _build(cat, tmp_path / "int", "--audience", "internal").exit_code == 0
    assert "待完善" not in _sheet_rows(next((tmp_path / "int" / "sheets").glob("T-XK-001*.docx")))
    flow = copy.deepcopy(FLOW)
    flow["complaint"] = {"phone": "（投诉电话）"}
    cat.write("flows/XK-TY.yaml", flow)
    assert _build(cat, tmp_path / "int", "--audience", "internal").exit_code == 0
    assert (
        _sheet_rows(next((tmp_path / "int" / "sheets").glob("T-XK-001*.docx"))).get("待完善")
        == "待完善：有未填写的占位文字"
    )
