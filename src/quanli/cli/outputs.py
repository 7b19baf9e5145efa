"""Commands: what the catalogue makes: build, init, new item/flow, rules."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from quanli.cli.app import Lang, LangOpt, app, guard, new_app


class Audience(str, Enum):
    public = "public"
    internal = "internal"


@app.command(short_help="生成“四个一”：一表、一图、一件、一盘（公开版或内部版）。")
def build(
    catalog: Path | None = typer.Argument(
        None,
        help="目录文件夹，或工作区（含 quanli-workspace.yaml 的文件夹：生成每个成员的成果和汇总一表、索引、ZIP）；默认为当前文件夹。",
    ),
    out: Path = typer.Option(
        Path("dist"), "--out", "-o", help="输出文件夹（默认 dist）。只写入空文件夹或 quanli 生成过的文件夹。"
    ),
    audience: Audience = typer.Option(
        Audience.public,
        "--audience",
        help="public（默认）：只含公开事项；internal：全部事项和《涉密不宜公开权力目录》，每页标“内部资料”。",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="允许写入一个不是 quanli 生成的非空文件夹，并替换其中与成果同名的文件；其他文件原样保留。输出文件夹不能是目录本身或包含目录。",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度和完成信息（用于 CI）。"),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用缓存。"),
    draft: bool = typer.Option(
        False, "--draft", help="目录有错误时也生成（仅限 --audience internal），用于核对刚导入、尚未补全的目录。"
    ),
    lang: Lang | None = LangOpt,
) -> None:
    """生成“四个一”：一表（XLSX/CSV/HTML）、一图（SVG/Mermaid）、一件（DOCX/HTML）、一盘（离线网站、manifest.json 和 ZIP）。"""
    from quanli.commands import build as cmd

    guard(lang, lambda lang: cmd.run(catalog, out, audience.value, force, quiet, lang, not no_cache, draft=draft))


@app.command()
def init(
    directory: Path = typer.Argument(..., help="新目录的文件夹（不存在时新建；已有 catalog.yaml 时拒绝覆盖）。"),
    name: str = typer.Option("（请填写单位名称）", "--name", help="单位名称。"),
    lang: Lang | None = LangOpt,
) -> None:
    """新建一个空目录：catalog.yaml、laws.yaml、items/、flows/ 和编辑器用的 JSON Schema。"""
    from quanli.commands import scaffold

    guard(lang, lambda lang: scaffold.init(directory, name, lang))


@new_app.command("item")
def new_item(
    item_id: str = typer.Argument(..., metavar="ID", help="事项编号，例如 HB-XK-001。"),
    category: str = typer.Option(
        "行政许可", "--category", "-c", help="类别，例如 行政许可、行政处罚；决定模板中预先填好的要素。"
    ),
    name: str = typer.Option("（请填写项目名称）", "--name", help="项目名称。"),
    catalog: Path = typer.Option(
        Path("."), "--catalog", help="目录文件夹，默认为当前文件夹（或其上级中含 catalog.yaml 的文件夹）。"
    ),
    lang: Lang | None = LangOpt,
) -> None:
    """新建一个事项文件 items/<ID>.yaml（按类别填好要素的模板）。"""
    from quanli.commands import scaffold

    guard(lang, lambda lang: scaffold.new_item(catalog, item_id, category, name, lang))


@new_app.command("flow")
def new_flow(
    flow_id: str = typer.Argument(..., metavar="ID", help="流程图编号，例如 XK-TY。"),
    kind: str = typer.Option(
        "许可", "--kind", "-k", help="模板：许可（申请-受理-审查-决定-送达）或 处罚（处罚一般程序）。"
    ),
    name: str = typer.Option("", "--name", help="流程图名称。"),
    catalog: Path = typer.Option(Path("."), "--catalog", help="目录文件夹，默认为当前文件夹。"),
    lang: Lang | None = LangOpt,
) -> None:
    """新建一个流程图文件 flows/<ID>.yaml。"""
    from quanli.commands import scaffold

    guard(lang, lambda lang: scaffold.new_flow(catalog, flow_id, kind, name, lang))


class RulesFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def rules(
    rule: str | None = typer.Argument(None, help="只显示这一条规则的详细说明，例如 QL114 或 unknown-flow。"),
    format: RulesFormat = typer.Option(
        RulesFormat.text, "--format", "-f", help="输出格式：text、json 或 markdown（即 docs/rules.md）。"
    ),
    lang: Lang | None = LangOpt,
) -> None:
    """列出全部检查规则，或详细说明一条规则：编号、名称、级别、依据和例子。"""
    from quanli.commands import rules as cmd

    guard(lang, lambda lang: cmd.run(format.value, lang, rule))
