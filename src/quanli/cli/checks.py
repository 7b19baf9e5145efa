"""Commands: validate: the command CI and clerks run most."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from quanli.cli.app import Lang, LangOpt, Level, OutFormat, app, guard, split_values


@app.command()
def validate(
    paths: list[Path] | None = typer.Argument(
        None,
        help="目录文件夹、包含多个目录的文件夹、工作区（quanli-workspace.yaml 或含它的文件夹，另查跨单位规则 QL971-QL974），或单个文件；默认为当前文件夹。",
    ),
    format: OutFormat = typer.Option(
        OutFormat.text,
        "--format",
        "-f",
        help="输出格式：text（默认）、json、github（GitHub Actions 注释）、sarif、junit、markdown，或 auto（在 GitHub Actions 中用 github，否则 text）。",
    ),
    fail_level: Level | None = typer.Option(
        None, "--fail-level", "--fail-on", help="达到此级别的问题使退出码为 1：error（默认）、warning 或 info。"
    ),
    select: list[str] | None = typer.Option(
        None, "--select", help="只运行这些规则（编号、组或名称，可用逗号分隔或重复），例如 QL1,QL401。"
    ),
    ignore: list[str] | None = typer.Option(None, "--ignore", help="不运行这些规则，例如 QL702。"),
    config: Path | None = typer.Option(None, "--config", help="配置文件；默认从目录向上查找 quanli.toml。"),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="不使用 quanli-baseline.json，显示全部问题。"),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用解析缓存（.quanli-cache/）。"),
    summary: bool = typer.Option(
        False,
        "--summary",
        help="只显示按规则统计的问题数（规则、名称、说明、级别、问题数、文件数），不逐条列出；问题超过 20 条时文本输出末尾总会附上这张表。",
    ),
    full_report: Path | None = typer.Option(
        None,
        "--full-report",
        metavar="FILE",
        help="另把完整报告写入这个文件（格式按扩展名：.md、.json、.sarif、.xml 为 JUnit、.txt；其他同 --format）。markdown 报告限 60,000 字，放不下的问题见此文件。",
    ),
    lang: Lang | None = LangOpt,
) -> None:
    """检查目录：格式规范、文件之间的引用、流程图和各项业务规则。退出码：0 通过，1 有问题，2 用法、配置或读写错误。"""
    from quanli.commands import validate as cmd

    fmt = format.value
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    guard(
        lang,
        lambda lang: cmd.run(
            paths or [],
            fmt,
            lang,
            fail_level.value if fail_level else None,
            not no_cache,
            select=split_values(select),
            ignore=split_values(ignore),
            config_path=config,
            use_baseline=not no_baseline,
            only_summary=summary,
            full_report=full_report,
        ),
    )
