"""Commands: working on the files: workdays, fmt, import, export, baseline."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from quanli.cli.app import Lang, LangOpt, app, default_lang, guard


@app.command()
def workdays(
    start: str | None = typer.Argument(None, help="起算日期 YYYY-MM-DD（从次日开始计算）。"),
    count: int | None = typer.Argument(None, help="工作日数，例如 20。"),
    year: int | None = typer.Option(
        None, "--year", help="列出这一年的放假和调休上班日期及其来源（公布、预估或本单位补充），不计算期限。"
    ),
    holidays: Path | None = typer.Option(
        None, "--holidays", help="补充节假日文件；默认使用当前目录所在目录的 holidays.yaml（如有）。"
    ),
    lang: Lang | None = LangOpt,
) -> None:
    """计算某日之后的第 N 个工作日（不含法定节假日，调休上班日计入），用于法定时限和公开时限。

    日历的来源依次为：目录（及所在工作区）的 holidays.yaml（本单位补充）、chinesecalendar 收录的国务院办公厅通知（公布）；
    尚未公布的年份按《全国年节及纪念日放假办法》推算（周末加法定节假日，不含调休），结果标“预估”。
    holidays.yaml 的格式：years: [2027]、holidays: [放假的工作日]、workdays: [调休上班的周末]、notice: 通知名称和文号（可选）。
    """
    from quanli.dates import workdays as cmd

    guard(lang, lambda lang: cmd.run(start, count, holidays, year, lang))


@app.command()
def fmt(
    paths: list[Path] | None = typer.Argument(
        None, help="目录文件夹、包含多个目录的文件夹，或单个文件；默认为当前文件夹。"
    ),
    check: bool = typer.Option(
        False, "--check", help="只检查不改写：有文件需要格式化时列出它们，退出码为 1（用于 CI 和 pre-commit）。"
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="不使用缓存（.quanli-cache/ 中记录的已是统一格式的文件）。"
    ),
    lang: Lang | None = LangOpt,
) -> None:
    """把目录的 YAML 文件改写成统一格式（键按规范顺序、统一缩进和引号、首行编辑器提示），保留注释，不改变数据。"""
    from quanli.commands import fmt as cmd

    guard(lang, lambda lang: cmd.run(paths or [], check, lang, use_cache=not no_cache))


class ImportFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="要导入的清单：.xlsx、.csv（UTF-8 或 GBK）、.json 或 .jsonl。"),
    into: Path = typer.Option(..., "--into", help="导入到这个目录（文件夹不存在或为空时新建目录）。"),
    sheet: str | None = typer.Option(None, "--sheet", help="Excel 工作表名称；默认自动选表头最像事项清单的工作表。"),
    mapping: Path | None = typer.Option(
        None, "--mapping", help="列映射文件（YAML）：columns: {表头: 字段}，可选 defaults: {department: 办公室}。"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示列的对应关系和前几个事项的预览，不写入任何文件。"),
    update: bool = typer.Option(
        False, "--update", help="已有的事项也更新（只改写有变化的字段，保留注释）；默认跳过已有的事项。"
    ),
    scope: str | None = typer.Option(None, "--scope", help="表中没有公开范围时新事项使用的公开范围（默认 社会公开）。"),
    unit: str | None = typer.Option(
        None,
        "--unit",
        help="新建目录的单位名称；不指定时取表中唯一的实施主体，表中有多个实施主体时必须指定（或用 --split）。",
    ),
    split: bool = typer.Option(
        False,
        "--split",
        help="表中有多个实施主体时，在 --into 的新文件夹中为每个实施主体各建一个目录，并写出 quanli-workspace.yaml。",
    ),
    format: ImportFormat = typer.Option(ImportFormat.text, "--format", "-f", help="报告格式：text（默认）或 json。"),
    lang: Lang | None = LangOpt,
) -> None:
    """从现有的 Excel、CSV 或 JSON 清单导入事项：自动识别表头，规范时限、类别、依据等，报告无法识别的值。"""
    from quanli.commands import migrate as cmd

    if scope is not None and scope not in ("社会公开", "依申请公开", "内部公开", "不予公开"):
        typer.echo(
            "错误：--scope 应为 社会公开、依申请公开、内部公开 或 不予公开。"
            if (lang or default_lang()).value == "zh"
            else "error: --scope must be 社会公开, 依申请公开, 内部公开 or 不予公开.",
            err=True,
        )
        raise typer.Exit(2) from None
    guard(
        lang,
        lambda lang: cmd.import_(
            file, into, sheet, mapping, dry_run, update, scope, format.value, lang, unit=unit, split=split
        ),
    )


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


@app.command()
def export(
    catalog: Path | None = typer.Argument(None, help="目录文件夹；默认为当前文件夹。"),
    format: ExportFormat = typer.Option(ExportFormat.xlsx, "--format", "-f", help="xlsx（默认）、csv 或 json。"),
    out: Path | None = typer.Option(None, "--out", "-o", help="输出文件；csv、json 不指定时输出到终端。"),
    force: bool = typer.Option(False, "--force", help="输出文件已存在时覆盖它。"),
    lang: Lang | None = LangOpt,
) -> None:
    """把目录的全部事项导出为一张平表（每个事项一行，每个字段一列）或 JSON；导出的文件可以再用 quanli import 导入。"""
    from quanli.commands import migrate as cmd

    guard(lang, lambda lang: cmd.export(catalog, format.value, out, force, lang))


@app.command()
def baseline(
    paths: list[Path] | None = typer.Argument(None, help="目录文件夹；默认为当前文件夹。"),
    config: Path | None = typer.Option(None, "--config", help="配置文件；默认从目录向上查找 quanli.toml。"),
    lang: Lang | None = LangOpt,
) -> None:
    """把目录现有的问题记入基线（quanli-baseline.json），此后 validate 只报告新出现的问题。"""
    from quanli.commands import validate as cmd

    guard(lang, lambda lang: cmd.record_baseline(paths or [], lang, config_path=config))
