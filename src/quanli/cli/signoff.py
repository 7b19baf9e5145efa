"""Commands: the review chain and the operation register: review, status, records check."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path

import typer

from quanli.cli.app import Lang, LangOpt, Level, OutFormat, app, guard, records_app


@app.command()
def review(
    items: list[str] | None = typer.Argument(None, help="要签署的事项编码（或 items/ 中的文件），可写多个。"),
    stage: str = typer.Option(..., "--stage", help="签署的环节：初核、审核、审定、公布，或停止行使、已取消。"),
    by: str = typer.Option(..., "--by", help="签署人姓名。"),
    role: str | None = typer.Option(None, "--role", help="签署角色；默认取 catalog.yaml 中该环节的角色，例如党组。"),
    remark: str | None = typer.Option(None, "--remark", help="签署意见；停止行使、已取消和 --force 时必填。"),
    date: str | None = typer.Option(None, "--date", help="签署日期 YYYY-MM-DD，默认今天。"),
    force: bool = typer.Option(
        False, "--force", help="事项仍有错误时也签署（必须用 --remark 说明理由，记入签署记录）。"
    ),
    every: bool = typer.Option(False, "--all", help="签署所有处于上一环节的事项（可与 --department 同用）。"),
    department: str | None = typer.Option(None, "--department", help="只签署这个承办机构的事项。"),
    catalog: Path | None = typer.Option(None, "--catalog", "-C", help="目录文件夹；默认为当前文件夹所在的目录。"),
    lang: Lang | None = LangOpt,
) -> None:
    """记录审核签署：草稿 → 初核 → 审核 → 审定 → 公布，不能跳过环节；有错误的事项不能签署。退出码：0 已签署，1 有事项不能签署，2 用法错误。"""
    from quanli.commands import review as cmd

    guard(
        lang,
        lambda lang: cmd.review(
            items or [],
            stage,
            by,
            lang,
            role=role,
            remark=remark,
            date=date,
            force=force,
            catalog=catalog,
            every=every,
            department=department,
        ),
    )


class StatusFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def status(
    catalog: Path | None = typer.Argument(
        None,
        help="目录文件夹或工作区（含 quanli-workspace.yaml 的文件夹：每个单位一行汇总）；默认为当前文件夹所在的目录。",
    ),
    format: StatusFormat = typer.Option(
        StatusFormat.text, "--format", "-f", help="输出格式：text（默认）、json 或 markdown。"
    ),
    no_git: bool = typer.Option(False, "--no-git", help="不查 git 历史（只按内容指纹判断签署后是否有改动）。"),
    lang: Lang | None = LangOpt,
) -> None:
    """审核进度：各环节、各承办机构的事项数，等待各环节签署的事项，签署后有改动需要重新审核的事项。"""
    from quanli.commands import review as cmd

    guard(lang, lambda lang: cmd.status(catalog, lang, format.value, not no_git))


@records_app.command("check")
def records_check(
    paths: list[Path] | None = typer.Argument(
        None, help="目录文件夹或工作区（含 quanli-workspace.yaml 的文件夹）；默认为当前文件夹。"
    ),
    today: str | None = typer.Option(None, "--today", help="按这一天检查（YYYY-MM-DD），默认今天。"),
    within: int | None = typer.Option(
        None, "--within", help="离期限不超过这么多个工作日时预警；默认取 catalog.yaml 的 records.due_soon（3）。"
    ),
    format: OutFormat = typer.Option(
        OutFormat.text,
        "--format",
        "-f",
        help="输出格式，与 quanli validate 相同：text、json、github、sarif、junit、markdown 或 auto。",
    ),
    fail_level: Level | None = typer.Option(
        None,
        "--fail-level",
        "--fail-on",
        help="达到此级别的问题使退出码为 1：error（默认，超期）、warning（含临期）或 info。",
    ),
    lang: Lang | None = LangOpt,
) -> None:
    """检查在办案件：按工作日日历计算每件案件的办结期限和结果公开期限，报告超期（错误）和即将到期（警告），并按承办机构汇总。"""
    from quanli.commands import records as cmd

    fmt = format.value
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    guard(lang, lambda lang: cmd.check(paths or [], today, within, fmt, lang, fail_level.value if fail_level else None))
