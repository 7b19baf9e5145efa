"""Large catalogues: the findings counted by rule (validate --summary), a markdown report that fits
in a pull-request comment (validate --full-report keeps the rest), and one finding per cause."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

from conftest import invoke


def many(cat, n: int) -> None:
    """n items with three findings each: an unknown department (QL116), flow (QL114) and duty (QL119)."""
    for i in range(1, n + 1):
        cat.item(
            ident=f"T-XK-{i:03d}" if i < 1000 else f"T-XQ-{i - 999:03d}",
            name=f"测试审批事项{i}",
            department="环评科",
            flow="XK-HP",
            duties=["ZZ-02", "ZZ-99"],
        )


def validate(cat, *args):
    return invoke("validate", str(cat.root), "--no-cache", *args)


def test_summary_counts_equal_the_findings(cat):
    many(cat, 30)
    cat.item(ident="T-XK-099", name="另一个事项", subject="（实施主体）")  # one QL802 in a file of its own
    findings = json.loads(validate(cat, "--format", "json").stdout)
    result = validate(cat, "--format", "json", "--summary")
    assert result.exit_code == 1  # the verdict does not change with what is shown
    doc = json.loads(result.stdout)
    counts = Counter(f["rule"] for f in findings)
    files = defaultdict(set)
    for f in findings:
        files[f["rule"]].add(f["file"])
    assert {r["rule"]: r["count"] for r in doc["summary"]} == counts
    assert {r["rule"]: r["files"] for r in doc["summary"]} == {k: len(v) for k, v in files.items()}
    assert doc["findings"] == len(findings) == sum(counts.values())
    assert [r["count"] for r in doc["summary"]] == sorted(counts.values(), reverse=True)  # the most frequent first
    row = next(r for r in doc["summary"] if r["rule"] == "QL114")
    assert row == {
        "rule": "QL114",
        "name": "unknown-flow",
        "title": "引用的流程图不存在",
        "severity": "error",
        "count": 30,
        "files": 30,
    }
    assert doc["severity"] == {"error": 90, "warning": 1, "info": 0}


def test_text_ends_with_the_summary_when_long_and_summary_shows_only_that(cat):
    many(cat, 7)  # 21 findings: more than tally.SHOW_AFTER
    full = validate(cat).stdout
    assert "按规则统计（3 条规则）：" in full and full.count("引用的流程图“XK-HP”不存在") == 7
    table = full[full.index("按规则统计") :]
    assert re.search(r"QL114\s+unknown-flow\s+引用的流程图不存在\s+错误\s+7\s+7\n", table)
    short = validate(cat, "--summary")
    assert short.exit_code == 1
    assert "按规则统计（3 条规则）：" in short.stdout and "共 21 个错误" in short.stdout
    assert (
        "XK-HP" not in short.stdout and "T-XK-001" not in short.stdout and "^" not in short.stdout
    )  # no finding listed
    assert len(short.stdout.splitlines()) == 7  # heading, column titles, three rules, a blank line, the verdict
    en = validate(cat, "--summary", "--lang", "en").stdout
    assert "Findings by rule (3 rule(s)):" in en and re.search(
        r"QL116\s+unknown-department\s+department not in catalog.yaml\s+error\s+7\s+7", en
    )


def test_a_short_report_has_no_summary_table(cat):
    many(cat, 2)  # 6 findings
    assert "按规则统计" not in validate(cat).stdout
    assert "按规则统计（3 条规则）" in validate(cat, "--summary").stdout  # unless asked for


def test_markdown_of_3000_findings_fits_a_comment_and_the_full_report_holds_them_all(cat, tmp_path):
    many(cat, 1000)
    full = tmp_path / "report" / "quanli-full.md"
    result = validate(cat, "--format", "markdown", "--full-report", str(full))
    assert result.exit_code == 1
    out = result.stdout
    assert len(out) < 60_000
    assert out.index("| 规则 | 名称 | 说明 | 级别 | 问题数 | 文件数 |") < out.index(
        "<details>"
    )  # the summary comes first
    assert "| [QL114](docs/rules.md#ql114) | `unknown-flow` | 引用的流程图不存在 | ❌ 错误 | 1000 | 1000 |" in out
    shown = [l for l in out.splitlines() if l.startswith("| ❌ |")]
    per_rule = Counter(re.search(r"\[(QL\d+)\]", l).group(1) for l in shown)
    assert (
        set(per_rule) == {"QL114", "QL116", "QL119"} and max(per_rule.values()) - min(per_rule.values()) <= 1
    )  # fair shares
    left = re.search(r"另有 (\d+) 条问题未列出，完整报告见 `(.+)`。\n$", out)
    assert left and int(left.group(1)) == 3000 - len(shown) and left.group(2) == str(full)
    assert len(shown) > 100  # the budget is used, not wasted
    whole = full.read_text(encoding="utf-8")
    assert len([l for l in whole.splitlines() if l.startswith("| ❌ |")]) == 3000 and "未列出" not in whole
    assert whole.count("T-XK-999.yaml") == 3


def test_markdown_says_how_to_get_the_rest_without_a_full_report(cat):
    many(cat, 1000)
    out = validate(cat, "--format", "markdown", "--lang", "en").stdout
    assert len(out) < 60_000 and re.search(
        r"\n\d+ more finding\(s\) not listed; save the full report with `quanli validate --full-report FILE`", out
    )
    assert "<details>" in out and "more of this rule not listed" in out


def test_small_markdown_lists_every_finding_in_the_open(cat):
    many(cat, 2)
    out = validate(cat, "--format", "markdown").stdout
    assert (
        "<details>" not in out
        and "未列出" not in out
        and "#### ❌ QL114 unknown-flow：引用的流程图不存在（2 条）" in out
    )
    assert len([l for l in out.splitlines() if l.startswith("| ❌ |")]) == 6


def test_full_report_format_follows_the_extension(cat, tmp_path):
    many(cat, 3)
    target = tmp_path / "all.json"
    out = validate(cat, "--summary", "--full-report", str(target))
    assert f"完整报告已写入 {target}。" in out.stdout
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 9
    text = tmp_path / "all.txt"
    validate(cat, "--format", "json", "--full-report", str(text))
    assert "按规则统计" not in text.read_text(encoding="utf-8") and "T-XK-003.yaml" in text.read_text(encoding="utf-8")
    assert validate(cat, "--full-report", str(tmp_path)).exit_code == 2  # a folder: an I/O error, said plainly


def test_summary_refuses_formats_without_one(cat):
    for fmt in ("sarif", "junit"):
        result = validate(cat, "--format", fmt, "--summary")
        assert result.exit_code == 2 and "--summary" in result.output


def test_github_summary_has_no_annotations_and_a_bounded_step_summary(cat, tmp_path):
    from typer.testing import CliRunner

    from quanli.cli import app

    many(cat, 1000)
    step = tmp_path / "step.md"
    result = CliRunner().invoke(
        app, ["validate", str(cat.root), "--no-cache", "--format", "github"], env={"GITHUB_STEP_SUMMARY": str(step)}
    )
    assert result.stdout.count("::error") == 3000
    assert len(step.read_text(encoding="utf-8")) < 60_000
    result = CliRunner().invoke(
        app,
        ["validate", str(cat.root), "--no-cache", "--format", "github", "--summary"],
        env={"GITHUB_STEP_SUMMARY": ""},
    )
    assert "::error" not in result.stdout and "按规则统计" in result.stdout and result.exit_code == 1


# -- one finding per cause ----------------------------------------------------------------------------------------


def test_flow_todo_gives_one_finding(cat):
    """quanli import writes flow: TODO for an item without a flow: one error (QL114), not QL802 besides."""
    cat.item(flow="TODO")
    code, findings = cat.validate()
    assert code == 1
    assert [(f["rule"], f["path"]) for f in findings] == [("QL114", "$.flow")]
    assert "占位" in findings[0]["message"] and "quanli new flow" in findings[0]["message"]
    cat.item(flow="TBD")
    assert [f["rule"] for f in cat.validate()[1]] == ["QL114"]


def test_a_flow_really_named_like_a_placeholder_is_still_a_placeholder(cat):
    from conftest import FLOW

    cat.write("flows/TODO.yaml", dict(FLOW, id="TODO"))
    cat.item(flow="TODO")
    rules = [(f["rule"], f["file"].rsplit("/", 1)[-1], f["path"]) for f in cat.validate()[1]]
    assert ("QL802", "T-XK-001.yaml", "$.flow") in rules and not any(r[0] == "QL114" for r in rules)
