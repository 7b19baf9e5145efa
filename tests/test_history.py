"""quanli log and quanli show over real temporary git repositories."""

from __future__ import annotations

import json

import pytest

from conftest import dump, invoke, item
from test_diff import git, repo  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(
    __import__("shutil").which("git") is None, reason="git is needed to make test repositories"
)


def commit(root, message):
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def test_log_follows_edits_and_an_id_change(repo, cat):
    cat.item(time_limit={"statutory": {"value": 20, "unit": "工作日"}, "promised": 8})
    commit(repo, "承诺时限压缩到 8 个工作日")
    cat.item(ident="T-XK-002", name="无关事项")
    commit(repo, "新增无关事项")
    git(repo, "mv", "cat/items/T-XK-001.yaml", "cat/items/T-XK-009.yaml")
    (cat.root / "items" / "T-XK-009.yaml").write_text(
        dump(item(ident="T-XK-009", time_limit={"statutory": {"value": 20, "unit": "工作日"}, "promised": 8})),
        encoding="utf-8",
    )
    commit(repo, "重新编号")
    cat.item(
        ident="T-XK-009", department="法制科", time_limit={"statutory": {"value": 20, "unit": "工作日"}, "promised": 8}
    )
    commit(repo, "调整承办机构")

    result = invoke("log", "T-XK-009", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["message"], r["change"], r["id"], r.get("old_id")) for r in rows] == [
        ("调整承办机构", "modified", "T-XK-009", None),
        ("重新编号", "renamed", "T-XK-009", "T-XK-001"),
        ("承诺时限压缩到 8 个工作日", "modified", "T-XK-001", None),
        ("初始目录", "added", "T-XK-001", None),
    ]
    assert rows[0]["fields"] == [{"path": "department", "title": "承办机构", "old": "审批科", "new": "法制科"}]
    assert rows[2]["fields"] == [{"path": "time_limit.promised", "title": "承诺办结时限", "old": 10, "new": 8}]
    assert all(r["author"].startswith("办事员") and len(r["commit"]) == 40 for r in rows)
    text = invoke("log", "T-XK-009").stdout
    assert "改编号 T-XK-001 → T-XK-009" in text and "承办机构：审批科 → 法制科" in text and "department" not in text
    assert invoke("log", "T-XK-404").stdout.strip() == "没有提交修改过事项 T-XK-404。"


def test_show_prints_the_item_as_it_was(repo, cat):
    original = (cat.root / "items" / "T-XK-001.yaml").read_text(encoding="utf-8")
    cat.item(name="改过的名称")
    commit(repo, "改名称")
    result = invoke("show", "T-XK-001@HEAD~1")
    assert result.exit_code == 0 and result.stdout == original
    assert "改过的名称" in invoke("show", "T-XK-001").stdout
    git(repo, "tag", "v1.0", "HEAD~1")
    assert invoke("show", "T-XK-001@v1.0").stdout == original
    missing = invoke("show", "T-XK-404@HEAD")
    assert missing.exit_code == 2 and "T-XK-404" in missing.output
    assert invoke("show", "T-XK-001@nosuch").exit_code == 2
    assert invoke("show", "@HEAD").exit_code == 2


def test_show_finds_an_item_whose_file_name_differs(repo, cat):
    (cat.root / "items" / "T-XK-001.yaml").rename(cat.root / "items" / "old-name.yaml")
    commit(repo, "文件改名")
    assert "建设项目环境影响报告表审批" in invoke("show", "T-XK-001@HEAD").stdout


def test_show_goes_by_id_when_two_files_are_swapped(repo, cat):
    cat.item(ident="T-XK-002", name="第二个")
    a, b = cat.root / "items" / "T-XK-001.yaml", cat.root / "items" / "T-XK-002.yaml"
    text_a, text_b = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    a.write_text(text_b, encoding="utf-8")
    b.write_text(text_a, encoding="utf-8")
    commit(repo, "两个文件互换")
    assert invoke("show", "T-XK-002").stdout == text_b
