"""quanli.toml and the command-line selection options."""

from __future__ import annotations

import json

import pytest

from conftest import invoke


def run(cat, *args):
    result = invoke("validate", str(cat.root), "--format", "json", "--no-cache", *args)
    return result.exit_code, json.loads(result.stdout) if result.exit_code in (0, 1) else result.output


def rules(findings):
    return sorted(f["rule"] for f in findings)


def test_config_found_upwards_changes_severity_and_disables(cat):
    cat.item(flow="XK-HP", department="环评科")
    (cat.root.parent / "quanli.toml").write_text('[rules]\nQL114 = "warning"\nQL116 = "off"\n', encoding="utf-8")
    code, findings = run(cat)
    assert code == 0 and [(f["rule"], f["severity"]) for f in findings] == [("QL114", "warning")]


def test_specific_rule_beats_group_in_config(cat):
    cat.item(flow="XK-HP")
    (cat.root / "quanli.toml").write_text('[rules]\nQL1 = "off"\nQL114 = "info"\n', encoding="utf-8")
    assert [(f["rule"], f["severity"]) for f in run(cat)[1]] == [("QL114", "info")]


def test_fail_level_from_config_and_command_line(cat):
    cat.write("items/notes.txt", "x")
    (cat.root / "quanli.toml").write_text('fail-level = "warning"\n', encoding="utf-8")
    assert run(cat)[0] == 1
    assert run(cat, "--fail-on", "error")[0] == 0


def test_select_and_ignore(cat):
    cat.item(flow="XK-HP", department="环评科")
    assert rules(run(cat, "--select", "QL114")[1]) == ["QL114"]
    assert rules(run(cat, "--ignore", "QL11")[1]) == []
    assert rules(run(cat, "--select", "unknown-department")[1]) == ["QL116"]
    (cat.root / "quanli.toml").write_text('ignore = ["QL116"]\n', encoding="utf-8")
    assert rules(run(cat)[1]) == ["QL114"]


def test_exclude_paths(cat):
    cat.item(ident="T-XK-002", name="草稿事项", flow="XK-HP")
    (cat.root / "quanli.toml").write_text('exclude = ["items/T-XK-002.yaml"]\n', encoding="utf-8")
    assert run(cat) == (0, [])


def test_catalog_settings_from_config(cat):
    (cat.root / "quanli.toml").write_text(
        '[catalog]\nid-pattern = "^HB-[0-9]+$"\ncategories = ["许可"]\n', encoding="utf-8"
    )
    assert rules(run(cat)[1]) == ["QL117", "QL118"]


def test_per_category_id_prefixes(cat):
    (cat.root / "quanli.toml").write_text(
        '[catalog]\nid-pattern = "^T-{code}-[0-9]{3}$"\n'
        'categories = [{name = "行政许可", code = "XK"}, {name = "行政检查", code = "JC"}]\n',
        encoding="utf-8",
    )
    assert run(cat) == (0, [])
    cat.item(ident="T-XK-002", name="第二项", category="行政检查", conditions=["x"])
    findings = run(cat)[1]
    assert rules(findings) == ["QL118"] and "^T-JC-[0-9]{3}$" in findings[0]["message"]


@pytest.mark.parametrize(
    "text,needle",
    [
        ('fail-level = "loud"\n', "fail-level"),
        ("colour = true\n", "colour"),
        ('[rules]\nQL999 = "off"\n', "QL999"),
        ("select = [QL1]\n", ":1:"),
    ],
)
def test_bad_config_is_exit_2_with_a_clear_message(cat, text, needle):
    (cat.root / "quanli.toml").write_text(text, encoding="utf-8")
    code, output = run(cat)
    assert code == 2 and needle in output and "quanli.toml" in output and "Traceback" not in output


def test_unknown_rule_on_the_command_line_is_exit_2(cat):
    assert run(cat, "--select", "QL999")[0] == 2


def test_explicit_config_path(cat, tmp_path):
    cat.item(flow="XK-HP")
    other = tmp_path / "strict.toml"
    other.write_text('[rules]\nQL114 = "off"\n', encoding="utf-8")
    assert run(cat, "--config", str(other)) == (0, [])
    assert run(cat, "--config", str(tmp_path / "missing.toml"))[0] == 2
