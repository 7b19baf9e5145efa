"""Git edge cases on real temporary repositories: no repository, no git program, a shallow clone,
a partial clone, a detached HEAD, revisions that do not exist, a repository without commits.

Each gives a clear Chinese message and exit code 2, never a traceback; the commands that do not
need git (validate, build, fmt, export, new) work outside a repository and without git.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import invoke
from test_diff import git, repo  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make test repositories")
ROOT = Path(__file__).resolve().parents[1]
IDENTITY = {
    "GIT_AUTHOR_NAME": "办事员",
    "GIT_AUTHOR_EMAIL": "clerk@example.org",
    "GIT_COMMITTER_NAME": "办事员",
    "GIT_COMMITTER_EMAIL": "clerk@example.org",
}


def refused(result, *words: str) -> None:
    """Exit code 2, a message with all ``words``, and no traceback or internal error."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    for word in words:
        assert word in result.output, (word, result.output)


def works_without_git(cat, tmp_path: Path, runner) -> None:
    """validate, build, fmt --check, export and new all succeed (``runner(*args)`` -> (code, output))."""
    for args in (
        ["validate", str(cat.root)],
        ["build", str(cat.root), "--out", str(tmp_path / "dist"), "--quiet"],
        ["fmt", str(cat.root)],
        ["fmt", str(cat.root), "--check"],
        ["export", str(cat.root), "--format", "json", "--out", str(tmp_path / "out.json")],
        ["new", "item", "T-XK-050", "--catalog", str(cat.root)],
    ):
        code, output = runner(*args)
        assert code == 0, (args, output)
    assert (tmp_path / "dist" / "manifest.json").is_file() and (cat.root / "items" / "T-XK-050.yaml").is_file()


@pytest.fixture
def history(repo, cat):  # noqa: F811
    """Three commits: the first catalogue, an edit, a new item."""
    cat.item(name="改过名称的事项")
    git(repo, "commit", "-qam", "改名称")
    cat.item(ident="T-XK-002", name="第二个事项")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "新增事项")
    return repo


def test_outside_a_git_repository(cat, tmp_path, monkeypatch):
    monkeypatch.chdir(cat.root)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for args in (
        ["diff"],
        ["diff", "HEAD~1", "HEAD"],
        ["log", "T-XK-001"],
        ["show", "T-XK-001@HEAD"],
        ["changelog"],
        ["release", "v1"],
        ["git-setup"],
    ):
        refused(invoke(*args), "不在 git 仓库中")
    works_without_git(cat, tmp_path, lambda *a: (lambda r: (r.exit_code, r.output))(invoke(*a)))


def _run_without_git(*args: str, cwd: Path, empty: Path):
    """``python -m quanli`` with a PATH that holds no git program (python is called by its full path)."""
    empty.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(IDENTITY, PATH=str(empty), PYTHONPATH=str(ROOT / "src"), HOME=str(cwd), SOURCE_DATE_EPOCH="1767225600")
    result = subprocess.run([sys.executable, "-m", "quanli", *args], cwd=cwd, env=env, capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def test_git_not_installed(history, cat, tmp_path):
    """quanli reads git with dulwich: diff, log, show, changelog and even release work without the git program."""
    empty = tmp_path.parent / f"{tmp_path.name}-empty-path"
    code, output = _run_without_git("diff", "HEAD~2", "HEAD", "--format", "json", cwd=history, empty=empty)
    assert shutil.which("git", path=str(empty)) is None
    assert code == 0, output
    assert [c["id"] for c in json.loads(output)] == ["T-XK-001", "T-XK-002"]
    for args in (["log", "T-XK-001"], ["show", "T-XK-001@HEAD~2"], ["changelog"], ["diff"], ["release", "v1"]):
        code, output = _run_without_git(*args, cwd=history, empty=empty)
        assert code == 0 and "Traceback" not in output, (args, output)
    assert "v1" in subprocess.run(["git", "-C", str(history), "tag"], capture_output=True, text=True).stdout
    works_without_git(cat, tmp_path / "built", lambda *a: _run_without_git(*a, cwd=history, empty=empty))


def test_shallow_clone(history, cat, tmp_path, monkeypatch):
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{history}", str(clone)], check=True, capture_output=True
    )
    monkeypatch.chdir(clone)
    advice = ("浅克隆", "git fetch --unshallow", "fetch-depth: 0")
    refused(invoke("diff", "HEAD~1", "HEAD"), *advice)
    refused(invoke("diff", "HEAD~1"), *advice)
    refused(invoke("diff", "origin/main...HEAD"), *advice)  # what a pull-request job asks for
    refused(invoke("show", "T-XK-001@HEAD~1"), *advice)
    for args in (["log", "T-XK-001"], ["changelog"], ["release", "v1"]):
        refused(invoke(*args), *advice)
    refused(invoke("diff", "--lang", "en", "HEAD~1", "HEAD"), "git fetch --unshallow", "fetch-depth: 0")
    # what needs no earlier commit works: the working tree against HEAD, HEAD itself, and everything without git
    assert invoke("diff", "--exit-code").exit_code == 0
    assert invoke("diff", "HEAD", "HEAD").exit_code == 0
    assert invoke("show", "T-XK-002@HEAD").exit_code == 0
    shallow_cat = clone / "cat"
    assert invoke("validate", str(shallow_cat)).exit_code == 0
    assert invoke("build", str(shallow_cat), "--out", str(tmp_path / "dist"), "--quiet").exit_code == 0
    head = subprocess.run(["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert json.loads((tmp_path / "dist" / "manifest.json").read_text(encoding="utf-8"))["source_commit"] == head


def test_partial_clone_without_the_old_blobs(history, cat, tmp_path, monkeypatch):
    """git clone --filter=blob:none has the trees but not the old files: say so, do not crash with KeyError."""
    git(history, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "partial"
    made = subprocess.run(
        ["git", "clone", "-q", "--filter=blob:none", f"file://{history}", str(clone)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("this git cannot make a partial clone")
    monkeypatch.chdir(clone)
    refused(invoke("diff", "HEAD~2", "HEAD"), "部分克隆", "git fetch --refetch")
    refused(invoke("show", "T-XK-001@HEAD~2"), "部分克隆")
    assert invoke("diff").exit_code == 0  # HEAD's files were checked out, so this one can be answered


def test_detached_head(history, cat, tmp_path, monkeypatch):
    git(history, "checkout", "-q", "--detach", "HEAD~1")
    monkeypatch.chdir(history)
    diff = invoke("diff", "HEAD~1", "HEAD", "--format", "json")
    assert diff.exit_code == 0 and [c["name"] for c in json.loads(diff.stdout)] == ["改过名称的事项"]
    assert invoke("diff", "HEAD", "main", "--format", "json").exit_code == 0
    log = invoke("log", "T-XK-001")
    assert log.exit_code == 0 and "改名称" in log.stdout
    assert invoke("show", "T-XK-001@HEAD").exit_code == 0
    assert invoke("changelog").exit_code == 0
    assert invoke("build", str(cat.root), "--out", str(tmp_path / "dist"), "--quiet").exit_code == 0
    refused(invoke("release", "v1"), "detached HEAD", "git switch")


def test_revisions_that_do_not_exist(history, cat, monkeypatch):
    monkeypatch.chdir(history)
    for args, words in (
        (["diff", "nosuch"], ("找不到版本“nosuch”", "git log")),
        (["diff", "nosuch..HEAD"], ("找不到版本“nosuch”",)),
        (["diff", "HEAD", "v9"], ("找不到版本“v9”",)),
        (["diff", "v9...HEAD"], ("找不到版本“v9”",)),
        (["diff", "HEAD~99"], ("版本“HEAD~99”不存在",)),
        (["diff", "HEAD^3"], ("不存在",)),
        (["diff", "a", "b", "c"], ("最多给出两个版本",)),
        (["show", "T-XK-001@nosuch"], ("找不到版本“nosuch”",)),
        (["show", "T-XK-404@HEAD"], ("没有事项 T-XK-404",)),
        (["changelog", "nosuch"], ("找不到版本“nosuch”",)),
        (["changelog", "HEAD~1", "nosuch"], ("找不到版本“nosuch”",)),
    ):
        refused(invoke(*args), *words)
    refused(invoke("diff", "nosuch", "--lang", "en"), "unknown revision 'nosuch'")


def test_repository_without_commits(cat, tmp_path, monkeypatch):
    git(cat.root.parent, "init", "-q", "-b", "main")
    monkeypatch.chdir(cat.root.parent)
    for args in (["diff"], ["log", "T-XK-001"], ["show", "T-XK-001"], ["changelog"], ["release", "v1"]):
        refused(invoke(*args), "还没有任何提交")
    works_without_git(cat, tmp_path, lambda *a: (lambda r: (r.exit_code, r.output))(invoke(*a)))


def test_a_release_stopped_between_commit_and_tag_is_finished_by_running_it_again(history, cat, monkeypatch):
    monkeypatch.chdir(cat.root)
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)
    assert invoke("release", "v1", "--date", "2026-09-25").exit_code == 0
    tag = subprocess.run(["git", "-C", str(history), "cat-file", "-p", "v1"], capture_output=True, text=True).stdout
    git(history, "tag", "-d", "v1")  # as if the process had been killed after the commit
    again = invoke("release", "v1", "--date", "2026-09-25")
    assert again.exit_code == 0 and "已补上标签 v1" in again.output, again.output
    assert (
        subprocess.run(["git", "-C", str(history), "cat-file", "-p", "v1"], capture_output=True, text=True).stdout
        == tag
    )
    refused(invoke("release", "v1"), "已经存在")


def test_a_release_stopped_before_its_commit_says_how_to_undo_it(history, cat, monkeypatch):
    monkeypatch.chdir(cat.root)
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)
    (cat.root / "releases" / "v1").mkdir(parents=True)
    (cat.root / "releases" / "v1" / "变更说明.md").write_text("# 变更说明\n", encoding="utf-8")
    (cat.root / ".CHANGELOG.md.k2j3.tmp").write_text("# 变更", encoding="utf-8")
    result = invoke("release", "v1")
    assert (
        result.exit_code == 1
        and "上一次发布可能被中断了" in result.output
        and "git checkout -- cat/CHANGELOG.md" in result.output
    )
    (cat.root / "notes.txt").write_text("别的修改", encoding="utf-8")
    result = invoke("release", "v1")
    assert result.exit_code == 1 and "可能被中断" not in result.output and "请先提交或撤销" in result.output
