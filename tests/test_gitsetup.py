"""quanli git-setup: a real git repository shows catalogue files field by field."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import invoke
from test_diff import git, repo  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make test repositories")


def git_out(root: Path, *args: str) -> str:
    bindir = str(Path(sys.executable).parent)
    env = dict(os.environ, HOME=str(root), PATH=bindir + os.pathsep + os.environ.get("PATH", ""), GIT_PAGER="cat")
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


def test_setup_is_idempotent_shows_fields_and_undoes(repo, cat):
    attributes = repo / ".gitattributes"
    attributes.write_text("*.png binary\n", encoding="utf-8")
    assert invoke("git-setup").exit_code == 0
    first = attributes.read_text(encoding="utf-8")
    config = (repo / ".git" / "config").read_text(encoding="utf-8")
    assert first.startswith("*.png binary\n") and "cat/items/*.yaml diff=quanli" in first
    assert '[diff "quanli"]' in config and "textconv" in config
    assert invoke("git-setup").exit_code == 0  # twice: nothing changes
    assert attributes.read_text(encoding="utf-8") == first
    assert (repo / ".git" / "config").read_text(encoding="utf-8") == config

    cat.item(department="法制科")
    shown = git_out(repo, "diff", "cat/items/T-XK-001.yaml")
    assert "-department: 审批科" in shown and "+department: 法制科" in shown
    history = git_out(repo, "log", "-p", "--format=", "--", "cat/items/T-XK-001.yaml")
    assert "+basis[环境影响评价法,第二十二条].article: 第二十二条" in history

    assert invoke("git-setup", "--undo").exit_code == 0
    assert attributes.read_text(encoding="utf-8") == "*.png binary\n"
    assert '[diff "quanli"]' not in (repo / ".git" / "config").read_text(encoding="utf-8")
    plain = git_out(repo, "diff", "cat/items/T-XK-001.yaml")
    assert "-department: 审批科" in plain and "department: 法制科" in plain  # the raw YAML line, no textconv
    assert "basis[" not in plain


def test_reformatting_shows_no_textconv_difference(repo, cat):
    assert invoke("git-setup").exit_code == 0
    path = cat.root / "items" / "T-XK-001.yaml"
    path.write_text("# 只改排版\n" + path.read_text(encoding="utf-8").replace(": ", ":  "), encoding="utf-8")
    assert "@@" in git_out(repo, "diff", "--no-textconv", "cat/items/T-XK-001.yaml")  # the bytes did change
    assert "@@" not in git_out(repo, "diff", "cat/items/T-XK-001.yaml")  # the fields did not


def test_textconv_output_is_canonical(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("id: X\nname: 甲\nbasis:\n- law: L\n  article: 第一条\nconditions: [乙, 甲]\n", encoding="utf-8")
    b.write_text("conditions:\n  - 甲\n  - 乙\nbasis: [{article: 第一条, law: L}]\nname: 甲\nid: X\n", encoding="utf-8")
    outs = [invoke("textconv", str(p)).stdout for p in (a, b)]
    assert (
        outs[0]
        == outs[1]
        == (
            "# X 甲\nid: X\nname: 甲\nbasis[L,第一条].article: 第一条\nbasis[L,第一条].law: L\n"
            "conditions[]: 乙\nconditions[]: 甲\n"
        )
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [\n", encoding="utf-8")
    assert invoke("textconv", str(broken)).stdout == "id: [\n"  # shown as it is


def test_outside_a_repository_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("git-setup")
    assert result.exit_code == 2 and "git" in result.output


def test_other_content_of_both_files_is_kept_exactly(repo, cat):
    config = repo / ".git" / "config"
    config.write_bytes(config.read_bytes() + b"# my comment\n[alias]\n\tst = status # trailing\n")
    before_config = config.read_bytes()
    attributes = repo / ".gitattributes"
    attributes.write_bytes(b"# \xd6\xd0\xce\xc4 (GBK)\r\n*.pdf binary\r\n")
    before_attributes = attributes.read_bytes()
    assert invoke("git-setup").exit_code == 0
    assert config.read_bytes().startswith(before_config) and b'[diff "quanli"]' in config.read_bytes()
    text = attributes.read_bytes()
    assert text.startswith(before_attributes) and b"cat/items/*.yaml diff=quanli\r\n" in text  # CRLF kept
    assert invoke("git-setup", "--undo").exit_code == 0
    assert config.read_bytes() == before_config and attributes.read_bytes() == before_attributes


def test_an_unterminated_block_keeps_the_users_lines(repo, cat):
    from quanli.commands.gitsetup import BEGIN

    attributes = repo / ".gitattributes"
    attributes.write_text(f"{BEGIN}\ncat/items/*.yaml diff=quanli\n*.pdf binary\n", encoding="utf-8")
    assert invoke("git-setup", "--undo").exit_code == 0
    assert attributes.read_text(encoding="utf-8") == "*.pdf binary\n"


def test_folders_with_spaces_and_glob_characters_and_a_bare_path(repo, cat):
    odd = repo / "目录 [2024]"
    shutil.copytree(cat.root, odd)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "奇怪的文件夹名")
    assert invoke("git-setup").exit_code == 0
    attr = git_out(
        repo, "check-attr", "diff", "--", "目录 [2024]/items/T-XK-001.yaml", "cat/flows/XK-TY.yaml", "other.yaml"
    )
    assert attr.count(": diff: quanli") == 2 and "other.yaml: diff: unspecified" in attr
    (odd / "items" / "T-XK-001.yaml").write_text(
        (odd / "items" / "T-XK-001.yaml")
        .read_text(encoding="utf-8")
        .replace("department: 审批科", "department: 法制科"),
        encoding="utf-8",
    )
    env = dict(os.environ, HOME=str(repo), PATH="/usr/bin:/bin", GIT_PAGER="cat")  # no venv on PATH: a GUI tool's view
    shown = subprocess.run(["git", "-C", str(repo), "diff"], capture_output=True, text=True, env=env)
    assert (
        shown.returncode == 0
        and "+department: 法制科" in shown.stdout
        and " disclosure.scope: 社会公开" in shown.stdout
    )
