"""The command line: thin typer commands that parse options, call one function, map the result to an exit code."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path

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


def _default_lang() -> Lang:
    return Lang.en if os.environ.get("QUANLI_LANG", "").lower().startswith("en") else Lang.zh


LangOpt = typer.Option(None, "--lang", help="消息语言：zh（默认）或 en。也可设环境变量 QUANLI_LANG。Message language.")


def _guard(lang: Lang | None, fn, *args, **kwargs) -> None:
    """Run a command; user errors become a message and exit code 2, never a traceback."""
    from quanli.core.errors import QuanliError

    chosen = (lang or _default_lang()).value
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


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


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
    _guard(
        lang,
        lambda lang: cmd.run(
            paths or [],
            fmt,
            lang,
            fail_level.value if fail_level else None,
            not no_cache,
            select=_split(select),
            ignore=_split(ignore),
            config_path=config,
            use_baseline=not no_baseline,
            only_summary=summary,
            full_report=full_report,
        ),
    )


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

    _guard(lang, lambda lang: cmd.run(revisions or [], path, format.value, lang, exit_code))


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

    _guard(lang, lambda lang: cmd.log(item_id, path, format.value, lang))


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

    _guard(lang, lambda lang: cmd.show(spec, path, lang))


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

    _guard(lang, lambda lang: cmd.run(path, undo, lang))


@app.command(hidden=True)
def textconv(file: Path = typer.Argument(..., help="文件。")) -> None:
    """git 的 textconv：把目录文件转换为逐字段的规范文本（由 git 调用）。"""
    from quanli.commands import gitsetup as cmd

    _guard(None, lambda lang: cmd.textconv(file))


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

    _guard(lang, lambda lang: cmd.release(version, path, date, allow_empty, lang))


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

    _guard(lang, lambda lang: cmd.changelog(rev_from, rev_to, path, date, lang))


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

    _guard(lang, lambda lang: cmd.run(start, count, holidays, year, lang))


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

    _guard(lang, lambda lang: cmd.run(paths or [], check, lang, use_cache=not no_cache))


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
            if (lang or _default_lang()).value == "zh"
            else "error: --scope must be 社会公开, 依申请公开, 内部公开 or 不予公开.",
            err=True,
        )
        raise typer.Exit(2) from None
    _guard(
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

    _guard(lang, lambda lang: cmd.export(catalog, format.value, out, force, lang))


@app.command()
def baseline(
    paths: list[Path] | None = typer.Argument(None, help="目录文件夹；默认为当前文件夹。"),
    config: Path | None = typer.Option(None, "--config", help="配置文件；默认从目录向上查找 quanli.toml。"),
    lang: Lang | None = LangOpt,
) -> None:
    """把目录现有的问题记入基线（quanli-baseline.json），此后 validate 只报告新出现的问题。"""
    from quanli.commands import validate as cmd

    _guard(lang, lambda lang: cmd.record_baseline(paths or [], lang, config_path=config))


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

    _guard(
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

    _guard(lang, lambda lang: cmd.status(catalog, lang, format.value, not no_git))


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
    _guard(
        lang, lambda lang: cmd.check(paths or [], today, within, fmt, lang, fail_level.value if fail_level else None)
    )


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

    _guard(lang, lambda lang: cmd.run(catalog, out, audience.value, force, quiet, lang, not no_cache, draft=draft))


@app.command()
def init(
    directory: Path = typer.Argument(..., help="新目录的文件夹（不存在时新建；已有 catalog.yaml 时拒绝覆盖）。"),
    name: str = typer.Option("（请填写单位名称）", "--name", help="单位名称。"),
    lang: Lang | None = LangOpt,
) -> None:
    """新建一个空目录：catalog.yaml、laws.yaml、items/、flows/ 和编辑器用的 JSON Schema。"""
    from quanli.commands import scaffold

    _guard(lang, lambda lang: scaffold.init(directory, name, lang))


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

    _guard(lang, lambda lang: scaffold.new_item(catalog, item_id, category, name, lang))


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

    _guard(lang, lambda lang: scaffold.new_flow(catalog, flow_id, kind, name, lang))


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

    _guard(lang, lambda lang: cmd.run(format.value, lang, rule))


@app.callback(invoke_without_command=True)
def _root(version: bool = typer.Option(False, "--version", help="显示版本号。")) -> None:
    if version:
        from quanli import __version__

        typer.echo(f"quanli {__version__}")
        raise typer.Exit(0)


clickzh.chinese_commands(app, new_app, records_app)


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
