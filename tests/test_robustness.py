"""Wrong-typed or hostile input never crashes a rule: findings and exit 0/1/2, no internal error.

Each case comes from a review that found it crashing; the run must end with a verdict.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

from conftest import dump, invoke, item


def verdict(cat, *extra):
    result = invoke("validate", str(cat.root), "--format", "json", "--no-cache", *extra)
    assert result.exit_code in (0, 1), result.output
    assert "内部错误" not in result.output and "Traceback" not in result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "field,value",
    [
        ("department", ["执法大队", "法规科"]),
        ("flow", ["XK-TY"]),
        ("flow", {"a": 1}),
        ("basis", [{"law": ["a"], "article": "第一条"}]),
        ("duties", [["ZZ-02"]]),
        ("level", [["县级"]]),
        ("basis", 5),
        ("time_limit", {"statutory": {"value": -1}}),
        ("disclosure", []),
        ("name", 12345),
        ("codes", {"basic": "440101007000", "implementation": "11440000006939756B2440101007000"}),
    ],
)
def test_wrong_types_in_an_item(cat, field, value):
    data = item(**{field: value})
    if field == "codes":
        data["level"] = [["县级"]]
    cat.write("items/T-XK-001.yaml", data)
    verdict(cat)


@pytest.mark.parametrize(
    "laws",
    [
        "schema_version: 1\n",
        "schema_version: 1\nlaws:\n",
        "schema_version: 1\nlaws: 5\n",
        "schema_version: 1\nlaws: [1, x]\n",
    ],
)
def test_broken_laws_file(cat, laws):
    cat.write("laws.yaml", laws)
    assert verdict(cat)


def test_departments_of_the_wrong_shape(cat):
    cat.write(
        "catalog.yaml",
        dump({"schema_version": 1, "unit": {"name": "x"}, "departments": [{"name": "审批科", "duties": 5}, "x"]}),
    )
    assert verdict(cat)


def test_flow_steps_of_the_wrong_shape(cat):
    cat.write(
        "flows/XK-TY.yaml",
        dump(
            {
                "id": "XK-TY",
                "name": "x",
                "steps": [{"id": "a", "name": "a", "next": "b"}, {"id": "b", "name": "b", "next": 7}, 5],
            }
        ),
    )
    findings = verdict(cat)
    assert not [
        f for f in findings if f["rule"] == "QL403"
    ]  # `next: b` is followed, not a cascade of unreachable steps


def test_a_huge_integer_is_kept_as_text(cat):
    cat.write("items/T-XK-001.yaml", dump(item()) + "extra: {n: " + "9" * 5000 + "}\n")
    assert verdict(cat) == []


def test_non_utf8_config_is_a_clear_error(cat):
    (cat.root / "quanli.toml").write_bytes('# 配置\nfail-level = "error"\n'.encode("gbk"))
    result = invoke("validate", str(cat.root))
    assert result.exit_code == 2 and "UTF-8" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")
def test_special_files_are_never_read(cat):
    os.mkfifo(cat.root / "items" / "F.yaml")
    os.symlink("/dev/zero", cat.root / "items" / "Z.yaml")
    result = invoke("validate", str(cat.root), "--no-cache")
    assert result.exit_code == 0 and result.stdout.count("QL121") == 2
    assert "符号链接" in result.stdout and "不是普通文件" in result.stdout


def test_a_moved_catalogue_reports_its_new_paths(cat, tmp_path):
    cat.item(flow="XK-HP")
    invoke("validate", str(cat.root))  # fills the cache
    moved = tmp_path / "moved"
    shutil.move(str(cat.root), moved)
    findings = json.loads(invoke("validate", str(moved / "items" / "T-XK-001.yaml"), "--format", "json").stdout)
    assert (
        [f["rule"] for f in findings] == ["QL114"]
        and str(moved) in f"{findings[0]['file']}"
        or findings[0]["file"].startswith(str(moved))
    )


def test_results_do_not_depend_on_selection(cat):
    cat.item(contact={"complaint_phone": 123})
    assert [f["rule"] for f in verdict(cat)] == ["QL805"]
    assert [f["rule"] for f in verdict(cat, "--select", "QL805")] == ["QL805"]


def test_escaped_bidi_and_control_characters_are_reported(cat):
    text = dump(item()).replace("name: 建设项目环境影响报告表审批", 'name: "建设项目\\u202e环境\\x07审批"')
    cat.write("items/T-XK-001.yaml", text)
    assert "QL806" in [f["rule"] for f in verdict(cat)]


def test_file_outside_the_layout_is_a_usage_error(cat):
    cat.write("notes.yaml", "id: [broken\n")
    result = invoke("validate", str(cat.root / "notes.yaml"))
    assert result.exit_code == 2 and "不属于目录" in result.output


def test_reading_failures_are_never_hidden_by_selection(cat):
    cat.write("items/T-XK-002.yaml", "id: [broken\n")
    findings = verdict(cat, "--select", "QL4")
    assert [f["rule"] for f in findings] == ["QL101"]
