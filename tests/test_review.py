"""The review chain (issue 9): quanli review's stage machine, quanli status, re-review through
fingerprints and through git, and public builds holding only items signed off for publication."""

from __future__ import annotations

import json
import subprocess

import yaml

from conftest import DROP, SIGNOFFS, invoke
from quanli.loader.yamlparse import load_bytes
from quanli.review import stages


def _data(cat, ident="T-XK-001"):
    return load_bytes((cat.root / f"items/{ident}.yaml").read_bytes())[0]


def _review(cat, *args):
    return invoke("review", *args, "-C", str(cat.root))


def test_the_chain_is_signed_stage_by_stage_and_never_skipped(cat):
    cat.item(status=DROP, signoffs=DROP)
    path = cat.root / "items/T-XK-001.yaml"
    path.write_text("# 审批科起草\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    before = path.read_bytes()
    skipped = _review(cat, "T-XK-001", "--stage", "审核", "--by", "李华")
    assert skipped.exit_code == 1 and "下一环节是“初核”" in skipped.output
    assert path.read_bytes() == before  # refused: untouched
    for stage, who, day in (
        ("初核", "王明", "2026-03-02"),
        ("审核", "李华", "2026-03-09"),
        ("审定", "张强", "2026-03-16"),
    ):
        result = _review(cat, "T-XK-001", "--stage", stage, "--by", who, "--date", day, "--remark", "同意")
        assert result.exit_code == 0, result.output
    data = _data(cat)
    assert data["status"] == "审定"
    assert [(s["stage"], s["role"], s["name"], s["date"]) for s in data["signoffs"]] == [
        ("初核", "政务公开领导小组", "王明", "2026-03-02"),
        ("审核", "党组", "李华", "2026-03-09"),
        ("审定", "主任", "张强", "2026-03-16"),
    ]
    assert all(s["fingerprint"] == stages.fingerprint(data) for s in data["signoffs"])
    assert path.read_text(encoding="utf-8").count("# 审批科起草") == 1  # the clerk's comment is kept
    assert cat.validate() == (0, [])
    again = _review(cat, "T-XK-001", "--stage", "审定", "--by", "张强")
    assert again.exit_code == 1 and "已经是“审定”" in again.output
    back = _review(cat, "T-XK-001", "--stage", "审核", "--by", "李华", "--date", "2026-03-01")
    assert back.exit_code == 1


def test_an_item_with_errors_is_signed_only_by_force_with_a_reason(cat):
    cat.item(status=DROP, signoffs=DROP, flow="XK-无")  # QL114: an unknown flow
    refused = _review(cat, "T-XK-001", "--stage", "初核", "--by", "王明")
    assert refused.exit_code == 1 and "QL114" in refused.output and "status" not in _data(cat)
    assert _review(cat, "T-XK-001", "--stage", "初核", "--by", "王明", "--force").exit_code == 2  # no --remark
    forced = _review(cat, "T-XK-001", "--stage", "初核", "--by", "王明", "--force", "--remark", "流程图另行报批")
    assert forced.exit_code == 0, forced.output
    entry = _data(cat)["signoffs"][-1]
    assert entry["forced"] is True and entry["remark"] == "流程图另行报批"


def test_a_change_after_sign_off_needs_review_again_from_the_first_stage(cat):
    cat.item(status=DROP, signoffs=DROP)
    for stage, day in (("初核", "2026-03-02"), ("审核", "2026-03-03"), ("审定", "2026-03-04")):
        assert _review(cat, "T-XK-001", "--stage", stage, "--by", "王明", "--date", day).exit_code == 0
    path = cat.root / "items/T-XK-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("promised: 10", "promised: 8"), encoding="utf-8")
    code, findings = cat.validate()
    assert code == 0 and [f["rule"] for f in findings] == ["QL902"]
    assert _review(cat, "T-XK-001", "--stage", "公布", "--by", "赵敏", "--date", "2026-03-05").exit_code == 1
    assert _review(cat, "T-XK-001", "--stage", "初核", "--by", "王明", "--date", "2026-03-05").exit_code == 0
    assert _data(cat)["status"] == "初核" and cat.validate() == (0, [])
    st = json.loads(invoke("status", str(cat.root), "--format", "json", "--no-git").stdout)
    assert st["counts"]["初核"] == 1 and st["waiting"]["审核"] == [
        {"id": "T-XK-001", "name": "建设项目环境影响报告表审批"}
    ]


def test_withdrawal_needs_a_reason_and_leaves_every_build(cat, tmp_path):
    assert _review(cat, "T-XK-001", "--stage", "停止行使", "--by", "赵敏").exit_code == 2
    done = _review(
        cat, "T-XK-001", "--stage", "停止行使", "--by", "赵敏", "--remark", "法律依据已废止", "--date", "2026-06-01"
    )
    assert done.exit_code == 0, done.output
    data = _data(cat)
    assert (
        data["status"] == "停止行使"
        and data["change_reason"] == "法律依据已废止"
        and data["dates"]["expires"] == "2026-06-01"
    )
    out = tmp_path / "out"
    assert invoke("build", str(cat.root), "-o", str(out), "--audience", "internal").exit_code == 0
    assert "T-XK-001" not in (out / "table/catalog.csv").read_text(encoding="utf-8")


def test_all_or_nothing_and_all_with_a_department(cat):
    cat.item(status=DROP, signoffs=DROP)
    cat.item(ident="T-XK-002", name="建设项目环境影响报告书审批", status=DROP, signoffs=DROP)
    cat.item(ident="T-XK-003", name="排污许可证核发", status="初核", signoffs=[SIGNOFFS[0]])
    refused = _review(cat, "T-XK-001", "T-XK-003", "--stage", "初核", "--by", "王明")
    assert refused.exit_code == 1 and "status" not in _data(cat)  # T-XK-003 is past 初核: nothing signed
    every = _review(cat, "--all", "--department", "审批科", "--stage", "初核", "--by", "王明")
    assert every.exit_code == 0 and "2 个事项" in every.output and "另有 1 个" in every.output
    assert _data(cat)["status"] == _data(cat, "T-XK-002")["status"] == "初核"
    assert len(_data(cat, "T-XK-003")["signoffs"]) == 1
    assert _review(cat, "T-XK-404", "--stage", "初核", "--by", "王明").exit_code == 2
    assert _review(cat, "T-XK-001", "--stage", "复核", "--by", "王明").exit_code == 2


def test_status_counts_per_stage_and_department(cat):
    cat.item(ident="T-XK-002", name="建设项目环境影响报告书审批", status=DROP, signoffs=DROP)
    cat.item(ident="T-XK-003", name="排污许可证核发", department="法制科", status="审核", signoffs=SIGNOFFS[:2])
    st = json.loads(invoke("status", str(cat.root), "--format", "json").stdout)
    assert st["counts"] == {"草稿": 1, "初核": 0, "审核": 1, "审定": 0, "公布": 1, "停止行使": 0, "已取消": 0}
    assert st["by_department"]["法制科"]["审核"] == 1 and st["by_department"]["审批科"]["草稿"] == 1
    assert st["waiting"]["初核"][0]["id"] == "T-XK-002" and st["waiting"]["审定"][0]["id"] == "T-XK-003"
    assert st["not_in_public_build"] == 2
    text = invoke("status", str(cat.root)).stdout
    assert "等待初核（1 个）" in text and "2 个事项尚未到“审定”" in text
    assert "waiting for 初核" in invoke("status", str(cat.root), "--lang", "en").stdout


def test_custom_chain_and_publish_from(cat, tmp_path):
    data = yaml.safe_load((cat.root / "catalog.yaml").read_text(encoding="utf-8"))
    data["review"] = {
        "stages": [{"stage": "初核", "role": "领导小组"}, {"stage": "审定", "role": "主任"}, {"stage": "公布"}],
        "publish_from": "公布",
    }
    cat.write("catalog.yaml", data)
    cat.item(
        status="审定",
        signoffs=[
            {"stage": "初核", "name": "王明", "date": "2026-03-02"},
            {"stage": "审定", "name": "张强", "date": "2026-03-03"},
        ],
    )
    assert cat.validate() == (0, [])
    assert _review(cat, "T-XK-001", "--stage", "审核", "--by", "李华").exit_code == 2  # not a stage here
    out = tmp_path / "out"
    built = invoke("build", str(cat.root), "-o", str(out))
    assert built.exit_code == 0 and "T-XK-001" not in (out / "table/catalog.csv").read_text(encoding="utf-8")
    assert _review(cat, "T-XK-001", "--stage", "公布", "--by", "赵敏").exit_code == 0
    assert _data(cat)["signoffs"][-1]["role"] == "政务公开办公室"  # the default role of a stage named without one


def test_public_build_holds_only_signed_items_and_says_which_are_held(cat, tmp_path):
    cat.item(ident="T-XK-002", name="排污许可证核发审批", status="审核", signoffs=SIGNOFFS[:2])
    out = tmp_path / "pub"
    result = invoke("build", str(cat.root), "-o", str(out))
    assert result.exit_code == 0 and "T-XK-002（审核）" in result.output
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".html", ".svg", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "T-XK-002" not in text and "排污许可证核发审批" not in text, path
    internal = tmp_path / "int"
    built = invoke("build", str(cat.root), "-o", str(internal), "--audience", "internal")
    assert built.exit_code == 0, built.output
    assert "排污许可证核发审批" in (internal / "table/catalog.csv").read_text(encoding="utf-8")


def _git(root, *args):
    subprocess.run(
        ["git", "-c", "user.name=审核员", "-c", "user.email=r@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_git_finds_changes_after_a_sign_off_without_fingerprint(cat):
    _git(cat.root, "init", "-q")
    _git(cat.root, "add", "-A")
    _git(cat.root, "commit", "-qm", "签署公布")
    st = json.loads(invoke("status", str(cat.root), "--format", "json").stdout)
    assert st["needs_review_again"] == []
    path = cat.root / "items/T-XK-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("promised: 10", "promised: 5"), encoding="utf-8")
    _git(cat.root, "commit", "-qam", "缩短承诺时限")
    st = json.loads(invoke("status", str(cat.root), "--format", "json").stdout)
    [entry] = st["needs_review_again"]
    assert entry["id"] == "T-XK-001" and entry["how"] == "git"
    assert [c["message"] for c in entry["commits"]] == ["缩短承诺时限"] and entry["commits"][0]["author"] == "审核员"
    assert "缩短承诺时限" not in invoke("status", str(cat.root), "--no-git").stdout
    path.write_text(
        path.read_text(encoding="utf-8").replace("promised: 5", "promised: 10"), encoding="utf-8"
    )  # undone, uncommitted
    assert json.loads(invoke("status", str(cat.root), "--format", "json").stdout)["needs_review_again"] == []
