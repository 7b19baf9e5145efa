"""Issue 21, point 5: click's and typer's own messages (unknown command or option, missing or
invalid values, the usage line, the help option) are in Chinese, English with --lang en."""

from __future__ import annotations

import pytest

from conftest import invoke
from quanli.core.clickzh import message_zh


def test_an_unknown_command_is_said_in_chinese_with_the_suggestion():
    result = invoke("buidl")
    assert result.exit_code == 2
    assert "没有命令“buidl”" in result.output and "您是不是要输入 'build'" in result.output
    assert "用法：quanli" in result.output and "运行“quanli -h”查看帮助" in result.output
    assert "Error" not in result.output and "Usage" not in result.output


@pytest.mark.parametrize(
    "args, words",
    [
        (["validate", "--bogus"], "没有选项 --bogus"),
        (["review", "T-XK-001"], "缺少选项 --stage"),
        (["validate", "--format", "foo"], "的值无效：“foo”不是"),
        (["validate", "--fail-level"], "选项 --fail-level 后面要写一个值"),
        (["workdays", "2026-01-05", "x"], "“x”不是整数"),
        (["workdays", "2026-01-05", "3", "z"], "多出了参数（z）"),
    ],
)
def test_usage_errors_are_said_in_chinese(args, words):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert words in result.output and "错误：" in result.output, result.output
    assert "Error" not in result.output


def test_english_when_asked():
    result = invoke("buidl", "--lang", "en")
    assert result.exit_code == 2 and "No such command 'buidl'" in result.output and "没有" not in result.output


def test_english_from_the_environment(monkeypatch):
    monkeypatch.setenv("QUANLI_LANG", "en")
    result = invoke("validate", "--bogus")
    assert result.exit_code == 2 and "No such option" in result.output


@pytest.mark.parametrize("args", [["-h"], ["validate", "-h"], ["new", "item", "-h"], ["records", "check", "-h"]])
def test_help_has_chinese_headings(args):
    result = invoke(*args)
    assert result.exit_code == 0
    assert result.output.startswith("用法：quanli") and "显示本帮助并退出。" in result.output
    assert "Show this message" not in result.output and "Usage:" not in result.output


def test_a_message_no_pattern_knows_stays_as_it_is():
    assert message_zh("something click says one day") == "something click says one day"


def test_rich_help_module_is_translated_when_typer_imports_it_late():
    # start-up does not import typer.rich_utils (it imports rich: 0.12 s); it must be patched when it comes
    import subprocess
    import sys

    code = (
        "import sys, quanli.cli.app\n"
        "assert 'typer.rich_utils' not in sys.modules, 'imported at start-up'\n"
        "import typer.rich_utils as r\n"
        "from quanli.core import clickzh\n"
        "assert r._ is clickzh.translate\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
