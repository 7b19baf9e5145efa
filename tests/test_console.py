"""Consoles that cannot show every character (a Chinese Windows code page, an ASCII terminal, the
C locale): the real command, in a separate process, prints what it can and never crashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# 𠀀 (CJK extension B) and ✓ are not in GBK; ✓ and every Chinese character are not in ASCII
ODD_NAME = "𠀀建设项目✓审批"

CONSOLES = [
    {"PYTHONIOENCODING": "gbk"},
    {"PYTHONIOENCODING": "ascii"},
    {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": ""},
    {"PYTHONIOENCODING": "cp936"},
]


def run(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LANG", "LC_ALL", "PYTHONUTF8")}
    env.update({k: v for k, v in env_extra.items() if v})
    return subprocess.run([sys.executable, "-m", "quanli", *args], capture_output=True, env=env, timeout=120)


@pytest.mark.parametrize("console", CONSOLES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_findings_with_characters_the_console_lacks(cat, console):
    cat.item(name=ODD_NAME, flow="XK-HP")  # an unknown flow: QL114, with the name in the report
    proc = run(["validate", str(cat.root), "--no-cache"], console)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, err
    assert b"Traceback" not in proc.stderr and b"Traceback" not in proc.stdout
    assert b"QL114" in proc.stdout
    json_proc = run(["validate", str(cat.root), "--no-cache", "--format", "json"], console)
    assert json_proc.returncode == 1 and b"Traceback" not in json_proc.stderr
    assert json.loads(json_proc.stdout.decode("utf-8", "replace"))[0]["rule"] == "QL114"


@pytest.mark.parametrize("console", CONSOLES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_help_rules_and_errors_print_on_any_console(cat, console):
    for args, code in (
        (["--help"], 0),
        (["rules"], 0),
        (["rules", "QL114"], 0),
        (["validate", str(cat.root / "nowhere")], 2),
        (["build", str(cat.root), "--out", str(cat.root / "items")], 2),
    ):
        proc = run(args, console)
        assert proc.returncode == code, (args, proc.stderr.decode("utf-8", "replace"))
        assert b"Traceback" not in proc.stderr and b"Traceback" not in proc.stdout, args
        assert proc.stdout or proc.stderr


def test_a_catalogue_in_a_folder_with_chinese_and_spaces(cat, tmp_path):
    """Paths as clerks name folders on Windows: Chinese characters and spaces, in the catalogue's
    path and the output's; validate, fmt --check and build work, through the real command."""
    import shutil

    home = tmp_path / "市场监管局 权力清单" / "2026 年 目录"
    shutil.copytree(cat.root, home)
    for args, code in (
        (["validate", str(home), "--no-cache"], 0),
        (["fmt", "--check", str(home)], None),
        (["build", str(home), "--out", str(tmp_path / "成果 输出"), "--quiet"], 0),
    ):
        proc = run(args, {"PYTHONIOENCODING": "gbk"})
        assert b"Traceback" not in proc.stderr, args
        if code is not None:
            assert proc.returncode == code, (args, proc.stderr.decode("utf-8", "replace"))
    assert (tmp_path / "成果 输出" / "manifest.json").is_file()
