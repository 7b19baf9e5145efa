"""Issue 27, class 2: no command loses what the user wrote. Builds never write into, over or
around the catalogue, never delete a file quanli did not write (tests/test_build.py), and
commands that edit catalogue files take turns (lock.EditLock)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from conftest import DROP, invoke

QUANLI = [sys.executable, "-m", "quanli"]


def _signoffs(cat) -> list:
    return yaml.safe_load((cat.root / "items" / "T-XK-001.yaml").read_text(encoding="utf-8")).get("signoffs") or []


def test_two_sign_offs_at_once_are_made_one_after_the_other(cat):
    """Two clerks sign the same item at the same moment: each command that says it signed has its
    sign-off in the file (before: both said so, and one sign-off was lost, 10 of 10 runs)."""
    env = {**os.environ, "QUANLI_LANG": "zh"}
    for _ in range(4):
        cat.item(status=DROP, signoffs=DROP)
        runs = [
            subprocess.Popen(
                QUANLI
                + ["review", "T-XK-001", "--stage", "初核", "--by", who, "--date", "2026-03-02", "-C", str(cat.root)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
            for who in ("王明", "李华")
        ]
        codes = [p.wait(timeout=120) for p in runs]
        outputs = [
            p.stdout.read().decode("utf-8", "replace") + p.stderr.read().decode("utf-8", "replace") for p in runs
        ]
        assert sorted(codes) == [0, 1], outputs  # the second sees the first's sign-off and refuses to sign 初核 again
        assert [s["stage"] for s in _signoffs(cat)] == ["初核"] and "Traceback" not in "".join(outputs)


def test_a_sign_off_waits_for_the_lock_and_then_signs(cat, monkeypatch):
    from quanli.core.lock import EditLock

    cat.item(status=DROP, signoffs=DROP)
    monkeypatch.setenv("QUANLI_LOCK_WAIT", "0")
    with EditLock(cat.root):
        held = subprocess.run(
            QUANLI + ["review", "T-XK-001", "--stage", "初核", "--by", "王明", "-C", str(cat.root)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, "QUANLI_LOCK_WAIT": "0"},
        )
    assert held.returncode == 2 and "正在修改目录" in held.stderr and _signoffs(cat) == []
    assert invoke("review", "T-XK-001", "--stage", "初核", "--by", "王明", "-C", str(cat.root)).exit_code == 0
    assert [s["name"] for s in _signoffs(cat)] == ["王明"]
    assert not (cat.root / ".quanli-cache" / "edit.lock").exists()  # removed when released


def test_fmt_takes_the_same_lock(cat):
    from quanli.core.lock import EditLock

    path = cat.root / "items" / "T-XK-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: ", "name:   ", 1), encoding="utf-8")
    with EditLock(cat.root):
        held = subprocess.run(
            QUANLI + ["fmt", str(cat.root)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, "QUANLI_LOCK_WAIT": "0"},
        )
    assert held.returncode == 2 and "name:   " in path.read_text(encoding="utf-8")
    check = subprocess.run(QUANLI + ["fmt", "--check", str(cat.root)], capture_output=True, text=True, encoding="utf-8")
    assert check.returncode == 1  # --check reads only: it needs no lock
    assert invoke("fmt", str(cat.root)).exit_code == 0 and "name:   " not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("where", ["member", "workspace", "member-items"])
def test_a_workspace_build_never_writes_into_its_members(tmp_path, where):
    import shutil

    from conftest import SAMPLES

    ws = tmp_path / "catalogs"
    shutil.copytree(SAMPLES, ws, ignore=shutil.ignore_patterns(".quanli-cache"))
    before = sorted(p.relative_to(ws).as_posix() for p in ws.rglob("*") if ".quanli-cache" not in p.parts)
    out = {"member": ws / "city-amr", "workspace": ws, "member-items": ws / "city-amr" / "items" / "x"}[where]
    result = invoke("build", str(ws), "--out", str(out), "--force")
    assert result.exit_code == 2 and "没有写入" in result.output
    assert sorted(p.relative_to(ws).as_posix() for p in ws.rglob("*") if ".quanli-cache" not in p.parts) == before


def test_import_into_a_catalogue_takes_the_same_lock(cat, tmp_path, monkeypatch):
    """An import into a catalogue reads its items and writes new and changed ones: while another
    command edits the catalogue it waits, and then refuses without writing anything."""
    import quanli.core.lock
    from quanli.core.lock import EditLock
    from test_migrate import messy_xlsx

    monkeypatch.setattr(quanli.core.lock, "WAIT_SECONDS", 0)
    source = messy_xlsx(tmp_path / "清单.xlsx")
    before = sorted(p.name for p in (cat.root / "items").iterdir())
    with EditLock(cat.root):
        held = invoke("import", str(source), "--into", str(cat.root))
        dry = invoke("import", str(source), "--into", str(cat.root), "--dry-run")  # reads only: no lock
    assert held.exit_code == 2 and "正在修改目录" in held.output, held.output
    assert sorted(p.name for p in (cat.root / "items").iterdir()) == before
    assert dry.exit_code == 0, dry.output
    assert invoke("import", str(source), "--into", str(cat.root)).exit_code == 0
    assert len(list((cat.root / "items").iterdir())) > len(before)


def test_release_takes_the_same_lock(cat, monkeypatch):
    """A release checks the tree, validates, writes the note and commits: a review meanwhile would be
    committed half-done or left out. While another command edits the catalogue, release refuses."""
    import shutil

    import quanli.core.lock
    from quanli.core.lock import EditLock
    from test_diff import git

    if shutil.which("git") is None:
        pytest.skip("git is needed to make the test repository")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "办事员")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "clerk@example.org")
    repo = cat.root.parent
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "第一版")
    monkeypatch.chdir(repo)
    monkeypatch.setattr(quanli.core.lock, "WAIT_SECONDS", 0)
    with EditLock(cat.root):
        held = invoke("release", "v1", "--date", "2026-03-02")
    assert held.exit_code == 2 and "正在修改目录" in held.output, held.output
    assert not (cat.root / "releases").exists()
    tags = subprocess.run(["git", "-C", str(repo), "tag"], capture_output=True, text=True).stdout
    assert tags == ""
    done = invoke("release", "v1", "--date", "2026-03-02")
    assert done.exit_code == 0, done.output
    assert (cat.root / "releases" / "v1" / "变更说明.md").is_file()
