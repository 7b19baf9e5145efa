"""Output formats for CI: each is parsed the way its consumer parses it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from conftest import ROOT, invoke


def broken(cat):
    cat.item(flow="XK-HP", department="环评科", name="建设项目：审批, 含 100% 逗号")
    cat.write("items/notes.txt", "x")


def run(cat, fmt, *extra, env=None):
    from typer.testing import CliRunner

    from quanli.cli import app

    return CliRunner().invoke(app, ["validate", str(cat.root), "--format", fmt, "--no-cache", *extra], env=env)


def test_github_annotations_and_step_summary(cat, tmp_path):
    broken(cat)
    summary = tmp_path / "summary.md"
    result = run(cat, "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    lines = [l for l in result.stdout.splitlines() if l.startswith("::")]
    assert len(lines) == 3
    pattern = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),title=(QL\d+)::(.+)$")
    parsed = [pattern.match(l) for l in lines]
    assert all(parsed) and {m.group(5) for m in parsed} == {"QL114", "QL116", "QL121"}
    assert {m.group(1) for m in parsed} == {"error", "warning"}
    assert "| ❌ |" in summary.read_text(encoding="utf-8") and "QL114" in summary.read_text(encoding="utf-8")


def test_auto_picks_github_under_github_actions(cat):
    broken(cat)
    assert run(cat, "auto", env={"GITHUB_ACTIONS": "true"}).stdout.startswith("::")
    assert not run(cat, "auto", env={"GITHUB_ACTIONS": ""}).stdout.startswith("::")


def test_sarif_describes_rules_and_locates_results(cat):
    from quanli.check.registry import load_all

    broken(cat)
    doc = json.loads(run(cat, "sarif").stdout)
    assert doc["version"] == "2.1.0"
    driver = doc["runs"][0]["tool"]["driver"]
    assert {r["id"] for r in driver["rules"]} == set(load_all())
    for r in driver["rules"]:
        assert r["name"] and r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = doc["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"QL114", "QL116", "QL121"}
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_junit_has_one_testcase_per_file(cat):
    broken(cat)
    root = ET.fromstring(run(cat, "junit").stdout)
    cases = {c.get("name").replace("\\", "/").rsplit("/", 2)[-1]: c for c in root.findall(".//testcase")}
    assert {"catalog.yaml", "laws.yaml", "XK-TY.yaml", "T-XK-001.yaml", "notes.txt"} <= set(cases)  # clean files pass
    assert cases["catalog.yaml"].findall("failure") == []
    failure = cases["T-XK-001.yaml"].findall("failure")
    assert len(failure) == 1 and "QL114" in failure[0].text and "QL116" in failure[0].text
    assert cases["notes.txt"].find("failure").get("type") == "QL121"


def test_markdown_table_escapes_pipes(cat):
    cat.item(department="环|评科")
    out = run(cat, "markdown").stdout
    rows = [l for l in out.splitlines() if l.startswith("| ❌")]
    assert len(rows) == 1 and "环\\|评科" in rows[0] and "[QL116](docs/rules.md#ql116)" in rows[0]
    assert len(re.split(r"(?<!\\)\|", rows[0])) == 8  # six cells between the outer pipes


def test_docs_rules_md_is_generated_from_the_registry():
    generated = invoke("rules", "--format", "markdown").stdout
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == generated, (
        "run: quanli rules --format markdown > docs/rules.md"
    )


def test_rules_explains_one_rule():
    out = invoke("rules", "QL114").stdout
    assert "unknown-flow" in out and "通过的例子" in out and "docs/rules.md#ql114" in out
    assert invoke("rules", "unknown-flow").stdout == out
    assert invoke("rules", "QL999").exit_code == 2


def test_pre_commit_hook_definition():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "quanli-validate" and hooks[0]["entry"].startswith("quanli validate")


def test_markdown_spells_out_invisible_and_bidi_characters():
    """A pull-request comment must not show a name reordered by U+202E or two names as one."""
    from quanli.report.markdown import cell

    assert cell("审批\u202e科") == "审批U+202E科"
    assert cell("名\u200b称") == "名U+200B称"
    assert cell("a|b\nc") == "a\\|b c"
