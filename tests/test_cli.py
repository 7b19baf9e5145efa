"""The command line: exit codes, output formats, languages, paths, and no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import invoke


def test_clean_catalogue_exits_0_with_a_chinese_summary(cat):
    result = invoke("validate", str(cat.root), "--no-cache")
    assert result.exit_code == 0
    assert "没有发现问题" in result.stdout and "1 个目录" in result.stdout


def test_findings_exit_1_and_text_shows_file_line_source_and_caret(cat):
    cat.item(flow="XK-HP")
    result = invoke("validate", str(cat.root), "--no-cache")
    assert result.exit_code == 1
    out = result.stdout
    assert "items/T-XK-001.yaml" in out.replace("\\", "/")
    assert "QL114" in out and "流程图“XK-HP”不存在" in out
    lines = out.splitlines()
    src = next(i for i, l in enumerate(lines) if "| flow: XK-HP" in l)
    line = next(
        i
        for i, l in enumerate((cat.root / "items/T-XK-001.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if l.startswith("flow:")
    )
    assert lines[src].lstrip().startswith(f"{line} |")
    assert f"{line}:7" in out
    caret = lines[src + 1]
    assert caret.index("^") == lines[src].index("XK-HP")


def test_caret_accounts_for_wide_chinese_characters(cat):
    cat.item(department="环评科")
    lines = invoke("validate", str(cat.root), "--no-cache").stdout.splitlines()
    src = next(i for i, l in enumerate(lines) if "| department: 环评科" in l)
    assert lines[src + 1].index("^") == lines[src].index("环评科")


def test_english_messages(cat):
    cat.item(flow="XK-HP")
    result = invoke("validate", str(cat.root), "--no-cache", "--lang", "en")
    assert "flow 'XK-HP' not found" in result.stdout and "error" in result.stdout
    assert "1 error(s)" in result.stdout


def test_lang_from_environment(cat, monkeypatch):
    monkeypatch.setenv("QUANLI_LANG", "en")
    assert "No problems found" in invoke("validate", str(cat.root), "--no-cache").stdout


def test_json_output_shape(cat):
    cat.item(flow="XK-HP", department="环评科")
    code, findings = cat.validate()
    assert code == 1 and len(findings) == 2
    for f in findings:
        assert set(f) >= {"file", "line", "column", "rule", "severity", "message", "path", "item"}
        assert isinstance(f["line"], int) and f["line"] >= 1 and f["column"] >= 1
        assert f["item"] == "T-XK-001"
    assert [f["path"] for f in findings] == ["$.department", "$.flow"]
    assert findings == sorted(findings, key=lambda f: (f["file"], f["line"], f["column"]))


def test_fail_level_warning_turns_warnings_into_exit_1(cat):
    cat.write("items/notes.txt", "x")
    code, findings = cat.validate()
    assert code == 0 and [f["rule"] for f in findings] == ["QL121"] and findings[0]["severity"] == "warning"
    assert cat.validate("--fail-level", "warning")[0] == 1


def test_missing_path_is_a_usage_error_exit_2(tmp_path):
    result = invoke("validate", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "路径不存在" in result.output


def test_folder_without_catalogue_is_exit_2(tmp_path):
    result = invoke("validate", str(tmp_path))
    assert result.exit_code == 2 and "没有找到目录" in result.output


def test_bad_option_is_exit_2(cat):
    assert invoke("validate", str(cat.root), "--format", "xml").exit_code == 2


def test_single_file_reports_only_that_file_but_checks_references(cat):
    cat.item(ident="T-XK-002", name="第二个事项", flow="XK-HP")
    cat.item(ident="T-XK-003", name="第三个事项", department="无此科")
    result = invoke("validate", str(cat.root / "items" / "T-XK-002.yaml"), "--format", "json", "--no-cache")
    findings = json.loads(result.stdout)
    assert result.exit_code == 1 and [f["rule"] for f in findings] == ["QL114"]


def test_folder_holding_several_catalogues(cat, tmp_path):
    other = tmp_path / "cat" / ".." / "second"
    import shutil

    shutil.copytree(cat.root, other)
    (other / "items" / "T-XK-001.yaml").write_text("id: T-XK-001\n", encoding="utf-8")
    result = invoke("validate", str(tmp_path), "--format", "json", "--no-cache")
    findings = json.loads(result.stdout)
    assert result.exit_code == 1
    errors = [f for f in findings if f["severity"] == "error"]
    assert errors and {Path(f["file"]).parent.parent.name for f in errors} == {"second"}
    assert invoke("validate", str(tmp_path), "--no-cache").stdout.count("2 个目录") == 1


def test_default_path_is_the_current_folder(cat, monkeypatch):
    monkeypatch.chdir(cat.root / "items")
    result = invoke("validate", "--no-cache")
    assert result.exit_code == 0 and "1 个目录" in result.stdout


def test_file_paths_are_shown_relative_to_the_current_folder(cat, monkeypatch):
    cat.item(flow="XK-HP")
    monkeypatch.chdir(cat.root)
    code, findings = cat.validate()
    assert findings[0]["file"] == os.path.join("items", "T-XK-001.yaml")


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02\xff" * 100,
        b"id: [\n",
        "名称: 审批\n".encode("gbk"),
        b"- 1\n- 2\n",
        b"a: *x\n",
        b"\xef\xbb\xbf",
    ],
)
def test_garbage_never_produces_a_traceback(cat, content):
    cat.write("items/T-XK-001.yaml", content)
    result = invoke("validate", str(cat.root), "--no-cache")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_rules_command_lists_every_rule():
    from quanli.check.registry import load_all

    out = invoke("rules").stdout
    for rule_id in load_all():
        assert rule_id in out
    data = json.loads(invoke("rules", "--format", "json").stdout)
    assert {r["id"] for r in data} == set(load_all())


def test_installed_entry_point_runs(cat):
    """The real console script, in a separate process (what clerks and CI run)."""
    cat.item(flow="XK-HP")
    exe = [sys.executable, "-m", "quanli"]
    # decoded leniently: under PYTHONIOENCODING=gbk (.ci/run runs these tests so) the command writes GBK
    proc = subprocess.run(
        exe + ["validate", str(cat.root), "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    assert proc.returncode == 1 and json.loads(proc.stdout)[0]["rule"] == "QL114"
    assert "Traceback" not in proc.stderr
    help_proc = subprocess.run(exe + ["--help"], capture_output=True, text=True, encoding="utf-8", errors="replace")
    assert help_proc.returncode == 0 and "validate" in help_proc.stdout
