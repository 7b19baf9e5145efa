"""``quanli import FILE --into FOLDER --split``: a table of several units' items imported as one new
catalogue per 实施主体 (unit), in a new workspace folder with its quanli-workspace.yaml."""

from __future__ import annotations

from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.migrate.into import NewCatalogue, Scaffold, new_folder, plan, read, render, scopes, write
from quanli.migrate.units import PLACEHOLDER_REGION, Units, unit_facts

DEFAULT_LEVEL = "县级"  # quanli init's, when the table does not show a unit's level
MAX_FOLDER = 40  # characters of a member's folder name (Windows paths are short)


def folder_name(name: str, taken: set[str]) -> str:
    """A member's folder, named after its unit: no character Windows refuses (nor a path separator),
    no reserved device name, no trailing dot or space, no leading dot, unique ignoring case."""
    import re

    from quanli.check.rules.files import windows_problem

    text = " ".join(re.sub(r'[<>:"/\\|?*\x00-\x1f\x7f]', "_", name).split())[:MAX_FOLDER].rstrip(" .").lstrip(". ")
    if text and windows_problem(text) is not None:
        text = "_" + text
    if not text or windows_problem(text) is not None:
        text = "unit"
    base, n = text, 2
    while text.casefold() in taken:
        text, n = f"{base}-{n}", n + 1
    taken.add(text.casefold())
    return text


def split(
    file: Path,
    into: Path,
    sheet: str | None,
    mapping_file: Path | None,
    dry_run: bool,
    scope: str | None,
    lang: str,
    unit_given: str | None,
):
    """Import a table of several units' items as one new catalogue per 实施主体 in a new folder,
    with the quanli-workspace.yaml that checks and builds them together: (the report of the whole
    table, the members as (folder, unit, rows, planned, writes, laws, report, (level, region))."""
    import dataclasses
    import shutil

    from quanli.core import config
    from quanli.core.fsutil import write_atomic
    from quanli.core.resources import schema_file
    from quanli.loader import scaffold
    from quanli.loader.workspace import WORKSPACE_FILE
    from quanli.loader.yamlfmt import dump_document
    from quanli.migrate import columns, importer

    if unit_given is not None:
        raise QuanliError(
            "--split 按表中的实施主体分别建目录，不能同时用 --unit。", "--split and --unit cannot be used together."
        )
    if (into / "catalog.yaml").is_file() or (into / WORKSPACE_FILE).is_file():
        raise QuanliError(
            f"{into} 已经是目录或工作区：--split 会新建一个工作区和其中的各个目录，请用 --into 指定一个新的（或空的）文件夹。",
            f"{into} is a catalogue or a workspace already: --split needs a new (or empty) folder.",
        )
    new_folder(into)
    user_map, options = columns.load_mapping(mapping_file)
    table, mapping, report = read(file, sheet, user_map, options)
    defaults = dict(options.get("defaults") or {})
    has_scope, default_scope = scopes(mapping, defaults, scope)
    units = Units(table, mapping, defaults)
    if not units.rows:
        raise QuanliError(
            f"{file} 中没有“实施主体”列（或全部为空），无法按单位分开导入，没有导入。"
            f"请用 --mapping 指明哪一列是实施主体（columns: {{列名: subject}}），或不用 --split、用 --unit 指定单位。",
            f"{file} names no unit (no 实施主体 column): --split cannot tell the units apart; nothing imported.",
        )
    if units.without:
        shown = "、".join(str(r) for r in units.without[:10]) + ("……" if len(units.without) > 10 else "")
        raise QuanliError(
            f"{file} 中有 {len(units.without)} 行没有写实施主体（第 {shown} 行），--split 不知道它们属于哪个单位，没有导入。"
            f"请在表中补上，或在映射文件中用 defaults: {{subject: 单位名称}} 指定。",
            f"{len(units.without)} rows of {file} name no unit (rows {shown}); nothing imported.",
        )
    overrides = config.resolve(into.parent if into.parent.exists() else Path.cwd(), None).catalog
    taken: set[str] = set()
    members = []  # (folder, unit, rows, planned, writes, laws, report, (level, region))
    for key in units.keys():
        unit = scaffold.check_text(units.name(key), "表中的实施主体", "the unit named in the table")
        rows = [n for n, k in units.of_row.items() if k == key]
        part = dataclasses.replace(table, records=[table.records[n] for n in rows])
        own = importer.Report(
            str(file), table.sheet, table.header_row, len(rows), mapping=mapping, unmapped=report.unmapped
        )
        folder = folder_name(unit, taken)
        planned, new_laws = plan(
            file, part, mapping, NewCatalogue(overrides), defaults, False, own, unit, has_scope, scope
        )
        level, region = unit_facts(planned, part, mapping)
        writes = [] if dry_run else render(file, into / folder, False, planned, unit, default_scope, own)
        members.append((folder, unit, len(rows), planned, writes, new_laws, own, (level, region)))
    for *_, own, _ in members:  # the problems of all rows, in the table's order; each note once
        report.problems += own.problems
        report.notes += [n for n in own.notes if n not in report.notes]
    report.problems.sort(key=lambda p: p.row)
    regions = {facts[1] for *_, facts in members}
    if any(level is None for *_, (level, _) in members):
        report.notes.append(
            f"有的单位在表中看不出层级（事项的行使层级不止一级或没有写），暂按“{DEFAULT_LEVEL}”：请核对 {WORKSPACE_FILE} 和各目录的 catalog.yaml。"
        )
    if None in regions:
        report.notes.append(
            f"有的单位在表中看不出行政区划（没有“行政区划”列），暂写“{PLACEHOLDER_REGION}”：请在 {WORKSPACE_FILE} 和各目录的 catalog.yaml 中填写。"
        )
    report.notes.append(f"上下级对口关系（parent）无法从表中看出，没有填写；需要时在 {WORKSPACE_FILE} 中补上。")
    entries = [
        {"path": folder, "region": facts[1] or PLACEHOLDER_REGION, "level": facts[0] or DEFAULT_LEVEL}
        for folder, *_, facts in members
    ]
    workspace = {
        "schema_version": 1,
        **({"region": next(iter(regions))} if len(regions) == 1 and None not in regions else {}),
        "members": entries,
        "remarks": f"由 quanli import --split 从 {file.name} 按实施主体导入：{len(members)} 个单位，{len(table.records)} 行。",
    }
    ws_text = dump_document(
        workspace, "workspace", f"# yaml-language-server: $schema={scaffold.LOCAL_SCHEMAS}/workspace.schema.json"
    )
    if not dry_run:
        made = Scaffold()
        for folder, unit, _, _planned, writes, new_laws, own, facts in members:
            notes = len(own.notes)
            write(into / folder, False, unit, facts, writes, new_laws, own, lang, made)
            del own.notes[notes:]  # "made with quanli init": said once for all, below
        (into / scaffold.LOCAL_SCHEMAS).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema_file("workspace"), into / scaffold.LOCAL_SCHEMAS / "workspace.schema.json")
        write_atomic(into / WORKSPACE_FILE, ws_text)
    return report, members
