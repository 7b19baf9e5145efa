"""Commands: git history: diff, log, show, git-setup, textconv, release, changelog."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from quanli.cli.app import Format, Lang, LangOpt, app, guard


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def diff(
    revisions: list[str] | None = typer.Argument(
        None,
        metavar="[REV_A] [REV_B]",
        help="两个版本（提交、分支、标签，或 A..B；A...B 比较 B 与它和 A 的共同祖先，即分支自己的修改）；默认比较 HEAD 和工作区。",
    ),
    path: Path | None = typer.Option(
        None,
        "--path",
        "-p",
        help="只比较这个文件夹下的目录；工作区（含 quanli-workspace.yaml 的文件夹）则逐个成员在其所在仓库中比较；默认为当前文件夹。",
    ),
    format: DiffFormat = typer.Option(
        DiffFormat.text, "--format", "-f", help="text（默认）、markdown（合并请求评论）或 json。"
    ),
    exit_code: bool = typer.Option(False, "--exit-code", help="有变化时退出码为 1（用于脚本）。"),
    lang: Lang | None = LangOpt,
) -> None:
    """按事项、流程图、法律法规和处室显示两个版本之间的变化（字段级别）。"""
    from quanli.commands import diff as cmd

    guard(lang, lambda lang: cmd.run(revisions or [], path, format.value, lang, exit_code))


@app.command()
def log(
    item_id: str = typer.Argument(..., metavar="ITEM_ID", help="事项编号，例如 SJ-XK-001。"),
    path: Path | None = typer.Option(
        None, "--path", "-p", help="目录文件夹；默认为当前文件夹所在的目录（仓库中只有一个目录时可省略）。"
    ),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text（默认）或 json。"),
    lang: Lang | None = LangOpt,
) -> None:
    """事项的修改历史：每次提交的日期、作者、说明和字段变化（事项改编号后继续追溯）。"""
    from quanli.commands import history as cmd

    guard(lang, lambda lang: cmd.log(item_id, path, format.value, lang))


@app.command()
def show(
    spec: str = typer.Argument(
        ..., metavar="ITEM_ID@REV", help="事项编号@版本，例如 SJ-XK-001@v1.0、SJ-XK-001@HEAD~3；省略 @版本 时为 HEAD。"
    ),
    path: Path | None = typer.Option(None, "--path", "-p", help="目录文件夹；默认为当前文件夹所在的目录。"),
    lang: Lang | None = LangOpt,
) -> None:
    """显示事项在某个版本时的内容（原样输出当时的 YAML 文件）。"""
    from quanli.commands import history as cmd

    guard(lang, lambda lang: cmd.show(spec, path, lang))


@app.command("git-setup")
def git_setup(
    path: Path | None = typer.Argument(None, help="仓库中的文件夹；默认为当前文件夹。其中的所有目录都会设置。"),
    undo: bool = typer.Option(
        False, "--undo", help="撤销设置：删除 .gitattributes 中 quanli 的段落和 .git/config 中的 diff.quanli。"
    ),
    lang: Lang | None = LangOpt,
) -> None:
    """让 git diff、git log -p 按字段显示目录文件的变化（写入 .gitattributes 和本仓库的 git 配置；可重复运行，可撤销）。"""
    from quanli.commands import gitsetup as cmd

    guard(lang, lambda lang: cmd.run(path, undo, lang))


@app.command(hidden=True)
def textconv(file: Path = typer.Argument(..., help="文件。")) -> None:
    """git 的 textconv：把目录文件转换为逐字段的规范文本（由 git 调用）。"""
    from quanli.commands import gitsetup as cmd

    guard(None, lambda lang: cmd.textconv(file))


@app.command()
def release(
    version: str = typer.Argument(..., help="版本号，例如 v2026.1（用作 git 标签）。"),
    path: Path | None = typer.Option(None, "--path", "-p", help="目录文件夹；默认为当前文件夹所在的目录。"),
    date: str | None = typer.Option(
        None, "--date", help="发布日期 YYYY-MM-DD；默认今天（北京时间）。报送期限从它的次日起算。"
    ),
    allow_empty: bool = typer.Option(False, "--allow-empty", help="自上次发布以来没有变化时也发布。"),
    lang: Lang | None = LangOpt,
) -> None:
    """发布新版本：检查通过且工作区干净时，写入 CHANGELOG.md 和变更说明（DOCX、Markdown，含 20 个工作日的报送期限），提交并创建带说明的标签。"""
    from quanli.commands import release as cmd

    guard(lang, lambda lang: cmd.release(version, path, date, allow_empty, lang))


@app.command()
def changelog(
    rev_from: str | None = typer.Argument(None, metavar="[FROM]", help="起始版本；默认为上一个发布标签。"),
    rev_to: str | None = typer.Argument(None, metavar="[TO]", help="结束版本；默认 HEAD。"),
    path: Path | None = typer.Option(None, "--path", "-p", help="目录文件夹；默认为当前文件夹所在的目录。"),
    date: str | None = typer.Option(None, "--date", help="计算报送期限所用的日期；默认今天。"),
    lang: Lang | None = LangOpt,
) -> None:
    """显示两个版本之间的变更记录（与 release 写入的内容相同，Markdown），不创建标签。"""
    from quanli.commands import release as cmd

    guard(lang, lambda lang: cmd.changelog(rev_from, rev_to, path, date, lang))
