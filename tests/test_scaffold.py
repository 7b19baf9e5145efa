"""init and new: valid files from templates, never overwriting what a clerk wrote."""

from __future__ import annotations

import json

import pytest

from conftest import invoke


@pytest.fixture
def fresh(tmp_path):
    root = tmp_path / "新目录"
    result = invoke("init", str(root), "--name", "示例县市场监督管理局")
    assert result.exit_code == 0, result.output
    return root


def validate(root):
    """(exit code, errors and warnings other than the placeholder reminders the templates are meant to raise)."""
    result = invoke("validate", str(root), "--format", "json", "--no-cache")
    findings = json.loads(result.stdout)
    return result.exit_code, [f for f in findings if f["rule"] != "QL802" and f["severity"] != "info"]


def placeholders_reported(root):
    """Every bracketed hint the templates leave is reported as QL802, at its own line."""
    result = invoke("validate", str(root), "--format", "json", "--no-cache")
    reported = {(f["file"], f["line"]) for f in json.loads(result.stdout) if f["rule"] == "QL802"}
    hints = set()
    for path in root.rglob("*.yaml"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.lstrip().startswith("#") and ": （" in line and line.rstrip().endswith("）"):
                hints.add((str(path), n))
    return hints and hints <= reported


def test_init_creates_a_clean_catalogue(fresh):
    assert {p.name for p in fresh.iterdir()} >= {"catalog.yaml", "laws.yaml", "items", "flows", ".quanli"}
    assert validate(fresh) == (0, [])
    assert placeholders_reported(fresh)
    assert "示例县市场监督管理局" in (fresh / "catalog.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("category", ["行政许可", "行政处罚", "行政检查", "公共服务"])
def test_new_item_is_valid_and_category_specific(fresh, category):
    """A new item guesses no fact: what only the law can say (a licence's time limits and fee) is
    left out and reported; every other gap is a bracketed hint (QL802)."""
    assert invoke("new", "item", "X-001", "-c", category, "--name", "新事项", "--catalog", str(fresh)).exit_code == 0
    text = (fresh / "items" / "X-001.yaml").read_text(encoding="utf-8")
    code, found = validate(fresh)
    if category == "行政许可":
        assert code == 1 and sorted(f["rule"] for f in found) == ["QL209", "QL210"], found
    else:
        assert (code, found) == (0, [])
    assert ("materials:" in text) == (category == "行政许可")
    assert ("discretion:" in text) == (category == "行政处罚")
    assert f"category: {category}" in text
    assert placeholders_reported(fresh)


def test_new_files_carry_a_working_schema_modeline(fresh):
    invoke("new", "item", "X-001", "--catalog", str(fresh))
    invoke("new", "flow", "F-001", "-k", "处罚", "--catalog", str(fresh))
    for rel, kind in (
        ("items/X-001.yaml", "item"),
        ("flows/F-001.yaml", "flow"),
        ("catalog.yaml", "catalog"),
        ("laws.yaml", "laws"),
    ):
        first = (fresh / rel).read_text(encoding="utf-8").splitlines()[0]
        target = ((fresh / rel).parent / first.split("$schema=", 1)[1]).resolve()
        assert target.name == f"{kind}.schema.json" and target.is_file()
    assert {f["rule"] for f in validate(fresh)[1]} <= {
        "QL209",
        "QL210",
    }  # a licence's time limits and fee: to be filled in


def test_new_never_overwrites(fresh):
    invoke("new", "item", "X-001", "--catalog", str(fresh))
    path = fresh / "items" / "X-001.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "remarks: 办事员写的内容\n", encoding="utf-8")
    result = invoke("new", "item", "X-001", "--catalog", str(fresh))
    assert result.exit_code == 2 and "已存在" in result.output
    assert "办事员写的内容" in path.read_text(encoding="utf-8")


def test_init_refuses_an_existing_catalogue(fresh):
    before = (fresh / "catalog.yaml").read_bytes()
    result = invoke("init", str(fresh))
    assert result.exit_code == 2 and (fresh / "catalog.yaml").read_bytes() == before


def test_new_outside_a_catalogue_is_exit_2(tmp_path):
    result = invoke("new", "item", "X-001", "--catalog", str(tmp_path))
    assert result.exit_code == 2 and "quanli init" in result.output


@pytest.mark.parametrize("bad", ["../evil", "a/b", "CON.yaml", "有中文", "-x"])
def test_new_rejects_unsafe_ids(fresh, bad):
    result = invoke("new", "item", bad, "--catalog", str(fresh))
    assert result.exit_code == 2
    assert not any(p.name != ".gitkeep" for p in (fresh / "items").iterdir())


@pytest.mark.parametrize("category", ["行政许可", "行政处罚", "公共服务"])
def test_a_new_item_states_no_fact_it_cannot_know(fresh, category):
    """Before, a licence came with 行政许可法第二十九条 as its basis, 申请书 原件 1 份, 不收费 and
    20/10 working days, which passed validate silently though nobody had checked them."""
    import yaml

    invoke("new", "item", "X-001", "-c", category, "--name", "新事项", "--catalog", str(fresh))
    data = yaml.safe_load((fresh / "items" / "X-001.yaml").read_text(encoding="utf-8"))
    assert "time_limit" not in data and "fee" not in data
    assert [b["article"] for b in data["basis"]] == ["（请填写条款）"] and not any("text" in b for b in data["basis"])
    assert all(m == {"name": "（申请材料名称）"} for m in data.get("materials", []))
    assert all(k.startswith("（") for k in (data.get("penalty") or {}).get("kinds", []))
