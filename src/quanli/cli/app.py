"""The typer application, the options every command shares, and the one place a command's result or error
becomes a message and an exit code."""

from __future__ import annotations

import os
import sys
from enum import Enum

import typer

from quanli.core import clickzh

clickzh.install()
app = typer.Typer(
    name="quanli",
    cls=clickzh.Group,
    help="quanli：以 YAML + git 管理行政权力目录（权力清单），检查并生成“四个一”。\n\n"
    "Power catalogues (行政权力清单) as YAML in git: validate them and build the deliverables.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
new_app = typer.Typer(
    help="新建事项或流程图模板。Create an item or flow from a template.", no_args_is_help=True, cls=clickzh.Group
)
app.add_typer(new_app, name="new")
records_app = typer.Typer(
    help="重要权力动态运行情况登记（records/）：检查在办案件的期限。Operation register of important powers.",
    cls=clickzh.Group,
    no_args_is_help=True,
)
app.add_typer(records_app, name="records")


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class Format(str, Enum):
    text = "text"
    json = "json"


class Level(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


def default_lang() -> Lang:
    return Lang.en if os.environ.get("QUANLI_LANG", "").lower().startswith("en") else Lang.zh


LangOpt = typer.Option(None, "--lang", help="消息语言：zh（默认）或 en。也可设环境变量 QUANLI_LANG。Message language.")


def guard(lang: Lang | None, fn, *args, **kwargs) -> None:
    """Run a command; user errors become a message and exit code 2, never a traceback."""
    from quanli.core.errors import QuanliError

    chosen = (lang or default_lang()).value
    try:
        code = fn(*args, lang=chosen, **kwargs)
    except QuanliError as exc:
        typer.echo(("错误：" if chosen == "zh" else "error: ") + exc.message(chosen), err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except BrokenPipeError:  # the reader went away (e.g. `quanli validate | head`): nothing to say
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        raise typer.Exit(1) from None
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(
            ("无法读写文件：" if chosen == "zh" else "I/O error: ") + where + (exc.strerror or str(exc)), err=True
        )
        raise typer.Exit(2) from None
    except Exception as exc:  # a bug in quanli: say so plainly, keep the details for the report
        if os.environ.get("QUANLI_DEBUG"):
            raise
        msg = (
            "quanli 内部错误（这是 quanli 的缺陷，不是您的错误）：" if chosen == "zh" else "internal error in quanli: "
        )
        typer.echo(
            f"{msg}{type(exc).__name__}: {exc}\n"
            + (
                "设置环境变量 QUANLI_DEBUG=1 可查看详细信息，请把它附在问题报告中。"
                if chosen == "zh"
                else "Set QUANLI_DEBUG=1 for details and include them in a bug report."
            ),
            err=True,
        )
        raise typer.Exit(2) from None
    raise typer.Exit(code or 0)


class OutFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"
    markdown = "markdown"
    auto = "auto"


def split_values(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


@app.callback(invoke_without_command=True)
def _root(version: bool = typer.Option(False, "--version", help="显示版本号。")) -> None:
    if version:
        from quanli import __version__

        typer.echo(f"quanli {__version__}")
        raise typer.Exit(0)


def main() -> None:
    import gc

    # A short-lived command holding a catalogue's worth of small objects: collect young objects
    # a hundred times less often (as mypy does); the default made 100,000 items 20 % slower.
    gc.set_threshold(70_000, 20, 20)
    # Chinese messages must survive a console that cannot show every character (a legacy Windows
    # code page, PYTHONIOENCODING=gbk, an ASCII terminal): what it cannot show becomes "?"
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # type: ignore[attr-defined]
        except (AttributeError, ValueError, OSError):
            pass
    try:
        app()
    except SystemExit as exc:
        _leave(exc.code)
    _leave(0)


def _leave(code) -> None:
    """End the process without freeing every object of the catalogue one by one (as mypy does:
    0.1-0.2 s of a build of 10,000 items, more at 100,000). Output is flushed first; every file
    quanli writes is complete and renamed into place before this point."""
    import threading

    if threading.active_count() > 1 or sys.getprofile() or sys.gettrace() or "coverage" in sys.modules:
        raise SystemExit(code)  # a thread still working, or a profiler or coverage that saves at exit
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (quanli validate | head): nothing more to say
            pass
    os._exit(code)
