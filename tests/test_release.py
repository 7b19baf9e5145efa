"""quanli release and quanli changelog on real temporary git repositories."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from docx import Document

from conftest import LAWS, SIGNOFFS, invoke
from test_diff import git, repo  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make test repositories")


@pytest.fixture
def released(repo, cat, monkeypatch):
    """A repository whose first state is tagged v1, then three commits of real work."""
    monkeypatch.setenv("GIT_AUTHOR_NAME", "办事员")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "clerk@example.org")
    git(repo, "tag", "-a", "v1", "-m", "第一版")
    cat.item(ident="T-XK-002", name="新增的许可事项", change_reason="《示例条例》新设许可")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "新增许可事项")
    cat.item(time_limit={"statutory": {"value": 20, "unit": "工作日"}, "promised": 5})
    git(repo, "commit", "-qam", "压缩承诺时限")
    laws = json.loads(json.dumps(LAWS, ensure_ascii=False))
    laws["laws"][0]["status"] = "已修改"
    cat.write("laws.yaml", laws)
    git(repo, "commit", "-qam", "行政许可法修正")
    return repo


def commit_count(repo) -> int:
    return int(
        subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True, text=True).stdout
    )


def test_release_writes_the_note_commits_and_tags(released, cat):
    result = invoke("release", "v2", "--date", "2025-09-26")
    assert result.exit_code == 0, result.output
    assert "2025-10-30" in result.output  # 20th working day after 2025-09-26 across 国庆 (hand-counted)
    tag = subprocess.run(
        ["git", "-C", str(released), "cat-file", "-t", "v2"], capture_output=True, text=True
    ).stdout.strip()
    assert tag == "tag"  # annotated
    files = subprocess.run(
        ["git", "-c", "core.quotePath=false", "-C", str(released), "show", "--name-only", "--format=%s", "v2"],
        capture_output=True,
        text=True,
    ).stdout
    assert (
        "cat/CHANGELOG.md" in files
        and "cat/releases/v2/变更说明.docx" in files
        and "cat/releases/v2/变更说明.md" in files
    )
    status = subprocess.run(
        ["git", "-C", str(released), "status", "--porcelain"], capture_output=True, text=True
    ).stdout
    assert status == ""  # everything written was committed

    md = (cat.root / "releases" / "v2" / "变更说明.md").read_text(encoding="utf-8")
    assert md.startswith("# 测试县生态环境局行政职权目录和运行流程图变更说明")
    assert re.search(
        r"\| 1 \| T-XK-001 \| 建设项目环境影响报告表审批 \| 修改 \| 承诺办结时限：10(个工作日)? → 5(个工作日)? \| 压缩承诺时限 \|",
        md,
    )
    assert "| 2 | T-XK-002 | 新增的许可事项 | 新增 | 新增事项 | 《示例条例》新设许可 |" in md
    assert (
        "法律法规修改：行政许可法 中华人民共和国行政许可法（时效性：现行有效 → 已修改），涉及事项 T-XK-001、T-XK-002"
        in md
    )
    assert "time_limit" not in md and "status" not in md
    assert "报送期限：2025年10月30日" in md

    doc = Document(str(cat.root / "releases" / "v2" / "变更说明.docx"))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "测试县生态环境局行政职权目录和运行流程图变更说明"
    assert any("自上一版本 v1 以来共新增 1 项，修改 1 项" in p for p in paragraphs)
    assert any(p.startswith("报送期限：2025年10月30日") for p in paragraphs)
    [table] = doc.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "事项编号", "事项名称", "变化", "变更内容", "变更理由"]
    assert rows[1][:4] == ["1", "T-XK-001", "建设项目环境影响报告表审批", "修改"] and rows[1][5] == "压缩承诺时限"
    assert re.fullmatch("承诺办结时限：10(个工作日)? → 5(个工作日)?", rows[1][4])
    assert not [p for p in paragraphs if "time_limit" in p or "status" in p]
    assert rows[2][1:4] == ["T-XK-002", "新增的许可事项", "新增"]
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape

    log = (cat.root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert log.startswith("# 变更记录") and "## v2（2025-09-26）" in log
    # the next release puts its entry first and keeps the old one
    cat.item(
        ident="T-XK-002",
        name="新增的许可事项",
        status="停止行使",
        change_reason="《示例条例》废止",
        signoffs=SIGNOFFS + [{"stage": "停止行使", "name": "赵敏", "date": "2026-04-01"}],
    )  # as quanli review writes it
    git(released, "commit", "-qam", "停止行使")
    assert invoke("release", "v3", "--date", "2025-01-20").exit_code == 0
    log = (cat.root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert log.index("## v3") < log.index("## v2")
    v3 = (cat.root / "releases" / "v3" / "变更说明.md").read_text(encoding="utf-8")
    assert "| 1 | T-XK-002 | 新增的许可事项 | 停止行使 |" in v3 and "《示例条例》废止" in v3
    assert "报送期限：2025年2月21日" in v3  # across 春节 2025 with its 调休 Saturdays (hand-counted)


def test_release_refuses_a_dirty_tree_an_invalid_catalogue_and_a_used_tag(released, cat):
    before = commit_count(released)
    cat.item(name="未提交的修改")
    dirty = invoke("release", "v2")
    assert dirty.exit_code == 1 and "未提交" in dirty.output
    cat.item(flow="NO-SUCH-FLOW")
    git(released, "commit", "-qam", "引用不存在的流程图")
    invalid = invoke("release", "v2")
    assert invalid.exit_code == 1 and "QL" in invalid.output and "没有发布" in invalid.output
    assert not (cat.root / "releases").exists() and not (cat.root / "CHANGELOG.md").exists()
    assert invoke("release", "v1").exit_code == 2  # the tag exists
    assert invoke("release", "../evil").exit_code == 2  # not a version
    assert commit_count(released) == before + 1  # only the test's own commit


def test_nothing_changed_since_the_last_release(released, cat):
    assert invoke("release", "v2", "--date", "2025-09-26").exit_code == 0
    again = invoke("release", "v3")
    assert again.exit_code == 1 and "没有变化" in again.output
    assert invoke("release", "v3", "--allow-empty").exit_code == 0


def test_release_needs_an_identity(released, cat, monkeypatch):
    monkeypatch.delenv("GIT_AUTHOR_NAME")
    monkeypatch.delenv("GIT_AUTHOR_EMAIL")
    monkeypatch.setenv("HOME", str(released))  # no global git config
    monkeypatch.setenv("XDG_CONFIG_HOME", str(released))
    result = invoke("release", "v2")
    assert result.exit_code == 2 and "git config user.name" in result.output
    assert not (cat.root / "CHANGELOG.md").exists()


def test_changelog_prints_without_tagging(released, cat):
    result = invoke("changelog", "--date", "2025-09-26")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("## 未发布（2025-09-26）")
    assert (
        "上一版本：v1" in result.stdout and "| 1 | T-XK-001 |" in result.stdout and "期限 2025-10-30" in result.stdout
    )
    tags = subprocess.run(["git", "-C", str(released), "tag"], capture_output=True, text=True).stdout.split()
    assert tags == ["v1"]
    ranged = invoke("changelog", "v1", "HEAD~2").stdout
    assert "T-XK-002" in ranged and "T-XK-001 |" not in ranged


@pytest.mark.parametrize("version", ["v3..1", "v3.lock", "v3.", "-v3", "v 3", "v3/x"])
def test_a_version_git_cannot_tag_is_refused_before_anything_is_written(released, cat, version):
    before = commit_count(released)
    result = invoke("release", version)
    assert result.exit_code == 2 and "内部错误" not in result.output
    assert commit_count(released) == before and not (cat.root / "CHANGELOG.md").exists()


def test_a_refusing_pre_commit_hook_leaves_nothing_behind(released, cat):
    hook = released / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho 不许提交\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    before = commit_count(released)
    result = invoke("release", "v2")
    assert result.exit_code == 2 and "无法创建发布提交" in result.output and "内部错误" not in result.output
    assert commit_count(released) == before
    assert not (cat.root / "CHANGELOG.md").exists() and not (cat.root / "releases").exists()
    status = subprocess.run(
        ["git", "-C", str(released), "status", "--porcelain"], capture_output=True, text=True
    ).stdout
    assert status == ""
    hook.unlink()
    assert invoke("release", "v2").exit_code == 0  # the retry works


@pytest.mark.parametrize("lock", ["index.lock", "HEAD.lock", "refs/heads/main.lock", "refs/tags/v2.lock"])
def test_a_lock_file_git_left_behind_is_named_and_nothing_is_written(released, cat, lock):
    """A git (or quanli) killed while writing leaves a .lock file; every later git write fails. Release
    names the file and says what to do instead of half-committing or failing with dulwich's words."""
    git(released, "branch", "-m", "main")
    path = released / ".git" / lock
    path.write_bytes(b"")
    before = commit_count(released)
    result = invoke("release", "v2")
    assert result.exit_code == 2 and str(path) in result.output and "删除这个文件" in result.output, result.output
    tags = subprocess.run(["git", "-C", str(released), "tag"], capture_output=True, text=True).stdout.split()
    assert commit_count(released) == before and "v2" not in tags
    assert not (cat.root / "CHANGELOG.md").exists() and not (cat.root / "releases").exists()
    path.unlink()
    assert invoke("release", "v2").exit_code == 0


def test_detached_head_is_refused(released, cat):
    git(released, "checkout", "-q", "--detach")
    result = invoke("release", "v2")
    assert result.exit_code == 2 and "detached" in result.output


def test_a_shallow_clone_is_refused_with_advice(released, cat, tmp_path, monkeypatch):
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{released}", str(clone)], check=True, capture_output=True
    )
    monkeypatch.chdir(clone / "cat")
    for args in (["release", "v2"], ["changelog"], ["log", "T-XK-001"]):
        result = invoke(*args)
        assert result.exit_code == 2 and "git fetch --unshallow" in result.output, args
    assert not (clone / "cat" / "CHANGELOG.md").exists()


def test_each_catalogue_of_a_repository_has_its_own_releases(repo, cat, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_NAME", "办事员")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "clerk@example.org")
    shutil.copytree(cat.root, repo / "second")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "两个目录")
    assert invoke("release", "cat-v1", "--path", str(cat.root)).exit_code == 0
    second = invoke("release", "second-v1", "--path", str(repo / "second"))
    assert second.exit_code == 0, second.output
    note = (repo / "second" / "releases" / "second-v1" / "变更说明.md").read_text(encoding="utf-8")
    assert "本目录首次发布" in note and "新增 1 项" in note
    cat.item(name="只改第一个目录")
    git(repo, "commit", "-qam", "第一个目录改名")
    log = invoke("changelog", "--path", str(cat.root)).stdout
    assert "上一版本：cat-v1" in log and "只改第一个目录" in log


def test_a_merged_branch_gives_its_own_messages_as_reasons(released, cat):
    git(released, "checkout", "-q", "-b", "feature")
    cat.item(name="分支上改名")
    git(released, "commit", "-qam", "《示例条例》修正，事项改名")
    git(released, "checkout", "-q", "main")
    git(released, "merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature")
    out = invoke("changelog").stdout
    assert "《示例条例》修正，事项改名" in out and "Merge branch" not in out
    log = json.loads(invoke("log", "T-XK-001", "--format", "json").stdout)
    assert log[0]["message"] == "《示例条例》修正，事项改名"


def test_hand_written_changelog_keeps_newest_first(released, cat):
    (cat.root / "CHANGELOG.md").write_text("## 2024 版\n\n手写的记录。\n", encoding="utf-8")
    git(released, "add", "-A")
    git(released, "commit", "-q", "-m", "手写记录")
    assert invoke("release", "v2", "--date", "2025-09-26").exit_code == 0
    text = (cat.root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (
        text.startswith("## v2（2025-09-26）")
        and text.index("## v2") < text.index("## 2024 版")
        and "手写的记录。" in text
    )


def test_changelog_of_a_tagged_head_is_titled_by_its_tag(released, cat):
    assert invoke("release", "v2", "--date", "2025-09-26").exit_code == 0
    out = invoke("changelog", "--date", "2025-09-26").stdout
    assert out.startswith("## v2（2025-09-26）") and "上一版本：v1" in out


def test_a_release_in_december_marks_a_deadline_counted_on_an_estimated_year(released, cat):
    """Released on 2026-12-07: the 20th working day lies in 2027. While no notice for 2027 is
    published (or typed into holidays.yaml) the deadline is marked 预估 in the note, the DOCX,
    the CHANGELOG and the output, with one warning; with holidays.yaml it is exact."""
    from quanli.dates.workdays import ESTIMATED, Calendar

    estimated = Calendar().source(2027) == ESTIMATED
    result = invoke("release", "v2", "--date", "2026-12-07")
    assert result.exit_code == 0, result.output
    md = (cat.root / "releases" / "v2" / "变更说明.md").read_text(encoding="utf-8")
    paragraphs = [p.text for p in Document(str(cat.root / "releases" / "v2" / "变更说明.docx")).paragraphs]
    log = (cat.root / "CHANGELOG.md").read_text(encoding="utf-8")
    line = next(p for p in paragraphs if p.startswith("报送期限："))
    assert line.startswith("报送期限：2027年1月")  # 2026-12-08 .. 12-31 are 18 working days
    assert ("（预估）" in line) == estimated and ("（预估）" in md) == estimated and ("（预估）" in log) == estimated
    assert ("（预估）" in result.stdout) == estimated and (result.stderr.count("尚未公布") == (1 if estimated else 0))


def test_a_units_holidays_file_makes_the_december_deadline_exact(released, cat):
    # a unit types the notice for 2027 (here: 元旦 01-01 only, no 调休) and commits it
    cat.write("holidays.yaml", "notice: 示例通知\nyears: [2027]\nholidays: ['2027-01-01']\n")
    git(released, "add", "-A")
    git(released, "commit", "-qm", "2027 年节假日安排")
    result = invoke("release", "v2", "--date", "2026-12-07")
    assert result.exit_code == 0, result.output
    md = (cat.root / "releases" / "v2" / "变更说明.md").read_text(encoding="utf-8")
    # 18 working days to 12-31, 01-01 off, 01-04 (Mon) the 19th, 01-05 the 20th
    assert "报送期限：2027年1月5日（" in md and "预估" not in md and "尚未公布" not in result.stderr
