"""quanli diff over real temporary git repositories with several commits."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import LAWS, dump, invoke, item

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make test repositories")


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "办事员", "GIT_AUTHOR_EMAIL": "clerk@example.org", "GIT_COMMITTER_NAME": "办事员",
                        "GIT_COMMITTER_EMAIL": "clerk@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(cat, monkeypatch):
    root = cat.root.parent
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "初始目录")
    monkeypatch.chdir(root)
    return root


def changes(*args):
    result = invoke("diff", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [{k: v for k, v in c.items() if k != "catalogue"} for c in json.loads(result.stdout)]


def test_history_of_edits_renames_flows_and_laws(repo, cat):
    cat.item(ident="T-XK-002", name="第二个事项")
    git(repo, "add", "-A"); git(repo, "commit", "-q", "-m", "新增事项")
    cat.item(time_limit={"statutory": {"value": 20, "unit": "工作日"}, "promised": 5})
    git(repo, "mv", "cat/items/T-XK-002.yaml", "cat/items/T-XK-003.yaml")
    (cat.root / "items" / "T-XK-003.yaml").write_text(dump(item(ident="T-XK-003", name="第二个事项")), encoding="utf-8")
    laws = json.loads(json.dumps(LAWS, ensure_ascii=False))
    laws["laws"][1].update(status="已废止", repealed="2026-08-15")
    cat.write("laws.yaml", laws)
    git(repo, "add", "-A"); git(repo, "commit", "-q", "-m", "修改时限，改编号，环评法废止")
    assert changes("HEAD~1", "HEAD") == [
        {"kind": "item", "id": "T-XK-001", "change": "modified", "name": "建设项目环境影响报告表审批",
         "fields": [{"path": "time_limit.promised", "old": 10, "new": 5}]},
        {"kind": "item", "id": "T-XK-003", "change": "renamed", "name": "第二个事项", "old_id": "T-XK-002"},
        {"kind": "law", "id": "环境影响评价法", "change": "modified", "name": "中华人民共和国环境影响评价法",
         "fields": [{"path": "repealed", "old": None, "new": "2026-08-15"}, {"path": "status", "old": "现行有效", "new": "已废止"}],
         "affects": ["T-XK-001", "T-XK-003"]},
    ]
    assert changes("HEAD~2..HEAD")[1] == {"kind": "item", "id": "T-XK-003", "change": "added", "name": "第二个事项"}
    assert changes("HEAD~1", "HEAD~1") == []


def test_default_compares_head_with_the_working_tree(repo, cat):
    assert changes() == []
    (cat.root / "items" / "T-XK-001.yaml").unlink()
    assert changes() == [{"kind": "item", "id": "T-XK-001", "change": "removed", "name": "建设项目环境影响报告表审批"}]


def test_reformatting_is_not_a_change(repo, cat):
    path = cat.root / "items" / "T-XK-001.yaml"
    data = item()
    path.write_text("# 重新排版\n" + dump(dict(reversed(list(data.items())))).replace(": ", ":   "), encoding="utf-8")
    assert changes() == []


def test_exit_code_and_markdown(repo, cat):
    assert invoke("diff", "--exit-code").exit_code == 0
    cat.item(department="法制科")
    assert invoke("diff", "--exit-code").exit_code == 1
    md = invoke("diff", "--format", "markdown").stdout
    assert "| 事项 | `T-XK-001` |" in md and "`department`" in md and "审批科" in md and "法制科" in md


def test_outside_a_repository_or_unknown_revision_is_exit_2(tmp_path, repo, monkeypatch):
    assert invoke("diff", "nosuchrev").exit_code == 2
    monkeypatch.chdir(tmp_path.parent)
    outside = tmp_path.parent / "plain"
    outside.mkdir(exist_ok=True)
    result = invoke("diff", "--path", str(outside))
    assert result.exit_code == 2 and "git" in result.output
