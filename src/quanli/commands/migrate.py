"""``quanli import FILE --into CATALOG`` and ``quanli export CATALOG --format xlsx|csv|json``."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from quanli.core.errors import QuanliError


def import_(
    file: Path,
    into: Path,
    sheet: str | None,
    mapping_file: Path | None,
    dry_run: bool,
    update: bool,
    scope: str | None,
    fmt: str,
    lang: str,
    unit: str | None = None,
    split: bool = False,
) -> int:
    """Import a table into a catalogue. Into an existing one, the catalogue is locked from reading its
    items to writing them (lock.EditLock): a review or fmt meanwhile would lose its change or ours.
    ``unit``: the new catalogue's unit (else the one 实施主体 of the table); ``split``: one new
    catalogue per 实施主体, in a new workspace folder (nothing there yet to lock)."""
    from quanli.core.lock import EditLock

    if unit is not None:
        unit = " ".join(unit.split())
        if not unit:
            raise QuanliError(
                "--unit 不能为空：请写单位的全称，例如 --unit 广东省司法厅。", "--unit must not be empty."
            )
    if split:
        from quanli.migrate.split import split as split_import

        report, members = split_import(file, into, sheet, mapping_file, dry_run, scope, lang, unit)
        return _split_report(file, into, report, members, dry_run, fmt, lang)
    if dry_run or not (into / "catalog.yaml").is_file():
        return _import(file, into, sheet, mapping_file, dry_run, update, scope, fmt, lang, unit)
    with EditLock(into.resolve(), lang):
        return _import(file, into, sheet, mapping_file, dry_run, update, scope, fmt, lang, unit)


def _import(
    file: Path,
    into: Path,
    sheet: str | None,
    mapping_file: Path | None,
    dry_run: bool,
    update: bool,
    scope: str | None,
    fmt: str,
    lang: str,
    unit_given: str | None = None,
) -> int:
    from quanli.migrate import columns
    from quanli.migrate.into import new_folder, open_target, plan, read, render, scopes, write
    from quanli.migrate.units import unit_facts

    user_map, options = columns.load_mapping(mapping_file)
    exists = (into / "catalog.yaml").is_file()
    if not exists:
        new_folder(into)
    table, mapping, report = read(file, sheet, user_map, options)
    defaults = dict(options.get("defaults") or {})
    has_scope, default_scope = scopes(mapping, defaults, scope)

    catalogue, unit = open_target(file, into, exists, table, mapping, defaults, report, unit_given)
    planned, new_laws = plan(file, table, mapping, catalogue, defaults, update, report, unit, has_scope, scope)
    if dry_run:
        return _dry_run(report, planned, unit, default_scope, fmt, lang)
    writes = render(file, into, exists, planned, unit, default_scope, report)
    write(into, exists, unit, unit_facts(planned, table, mapping), writes, new_laws, report, lang)
    _print_report(report, fmt, lang)
    return 0


def _split_report(file: Path, into: Path, report, members, dry_run: bool, fmt: str, lang: str) -> int:
    from quanli.loader.workspace import WORKSPACE_FILE
    from quanli.migrate.split import DEFAULT_LEVEL

    made = [
        {
            "path": folder,
            "unit": unit,
            "rows": rows,
            "level": facts[0],
            "region": facts[1],
            "created": own.created if not dry_run else [],
            "laws_added": own.laws_added,
            **({"would_create": sum(1 for p in planned if p.action == "create")} if dry_run else {}),
        }
        for folder, unit, rows, planned, _, _, own, facts in members
    ]
    if fmt == "json":
        out = report.to_dict()
        for key in ("created", "updated", "skipped", "unchanged", "laws_added"):
            out.pop(key, None)
        out.update({"workspace": str(into / WORKSPACE_FILE), "members": made, "dry_run": dry_run})
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return 0
    en = lang == "en"
    items = sum(len(m["created"]) if not dry_run else m["would_create"] for m in made)
    if report.sheet:
        print(
            f"{'Sheet' if en else '工作表'}：{report.sheet}（{'header on row' if en else '表头在第'} {report.header_row}{'' if en else ' 行'}）"
        )
    if en:
        print(
            f"Read {report.rows} rows of {len(made)} units: {'would make' if dry_run else 'made'} the workspace {into / WORKSPACE_FILE} "
            f"with {len(made)} catalogues, {items} items:"
        )
    else:
        print(
            f"读取 {report.rows} 行，属于 {len(made)} 个实施主体：{'将' if dry_run else '已'}在 {into} 新建工作区（{WORKSPACE_FILE}）"
            f"和 {len(made)} 个目录，共 {items} 个事项："
        )
    import unicodedata

    def cells(text: str) -> int:  # a terminal's columns: CJK characters take two
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    width = min(max(cells(m["path"]) for m in made) + 1, 40)
    levels = Counter(m["level"] or DEFAULT_LEVEL for m in made)
    for m in made:
        count = m["would_create"] if dry_run else len(m["created"])
        where = "、".join(t for t in (m["level"], m["region"]) if t)
        print(
            f"  {m['path']}/{' ' * max(width - cells(m['path']) - 1, 0)}  {count:>5} {'items' if en else '项'}"
            + (f"（{where}）" if where else "")
            + (f"  {m['unit']}" if m["unit"] != m["path"] else "")
        )
    print(
        ("Levels: " if en else "层级：")
        + "，".join(f"{lv} {n}" for lv, n in sorted(levels.items(), key=lambda kv: -kv[1]))
        + (
            f"; laws added: {sum(len(m['laws_added']) for m in made)}"
            if en
            else f"；各目录 laws.yaml 共新增 {sum(len(m['laws_added']) for m in made)} 部法律法规（时效性“未知”，请核实）。"
        )
    )
    if report.unmapped:
        print(f"{'Columns not imported' if en else '没有导入的列'}：{'、'.join(report.unmapped)}")
    _problems(report, lang)
    if dry_run:
        print("Nothing was written (--dry-run)." if en else "未写入任何文件（--dry-run）。")
    else:
        print(
            f"Next: quanli validate {into}"
            if en
            else f"下一步：运行 quanli validate {into} 检查整个工作区，按提示补全各目录的要素（没有流程图的事项引用了占位的 TODO）。"
        )
    return 0


def _dry_run(report, planned, unit: str, default_scope, fmt: str, lang: str) -> int:
    from quanli.loader.yamlfmt import Unsafe, dump_document
    from quanli.migrate import importer

    if fmt == "json":
        out = report.to_dict()
        out["dry_run"] = True
        out["preview"] = [importer.complete(p.data, p.id, unit, default_scope) for p in planned[:3]]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return 0
    en = lang == "en"
    print(
        f"{'Column mapping' if en else '列的对应关系'}（{report.file}{'，工作表 ' + report.sheet if report.sheet else ''}"
        f"{'，表头在第 ' + str(report.header_row) + ' 行' if report.header_row else ''}）："
    )
    for header, path in report.mapping.items():
        print(f"  {header} → {path}")
    for header in report.unmapped:
        print(f"  {header} → {'(not imported)' if en else '（不导入）'}")
    print()
    for p in planned[:3]:
        print(f"# {'row' if en else '第'} {p.record.row}{'' if en else ' 行'}：{p.action}")
        try:
            print(
                dump_document(importer.complete(p.data, p.id, unit, default_scope), "item", "# ...").split("\n", 1)[1]
            )
        except Unsafe as exc:  # as the import itself would say (e.g. a 40-digit number cannot be written as YAML)
            raise QuanliError(
                f"{report.file}:{p.record.row}：无法写出事项 {p.id}（{exc}），导入时不会导入任何事项。",
                f"{report.file}:{p.record.row}: cannot write item {p.id} ({exc}); an import would import nothing.",
            ) from None
    counts = Counter(p.action for p in planned)
    print(
        ("Would create {c}, update {u}, skip {s}." if en else "将新建 {c} 项，更新 {u} 项，跳过已有的 {s} 项。").format(
            c=counts["create"], u=counts["update"], s=counts["skip"] + counts["unchanged"]
        )
    )
    _problems(report, lang)
    print("Nothing was written (--dry-run)." if en else "未写入任何文件（--dry-run）。")
    return 0


def _problems(report, lang: str, limit: int = 30) -> None:
    en = lang == "en"
    if report.problems:
        print(f"{'Values not understood' if en else '无法识别的值'}（{len(report.problems)}）：")
        for p in report.problems[:limit]:
            where = f"{report.file}:{p.row}" + (f":{p.column}" if p.column else "")
            print(f"  {where} {p.header + '：' if p.header else ''}{p.message}")
        if len(report.problems) > limit:
            print(
                f"  … {'and' if en else '另有'} {len(report.problems) - limit} {'more (see --format json)' if en else '处（见 --format json）'}"
            )
    for note in report.notes:
        print(f"{'Note' if en else '注意'}：{note}")


def _print_report(report, fmt: str, lang: str) -> None:
    from quanli.migrate.importer import dump_json_report

    if fmt == "json":
        sys.stdout.write(dump_json_report(report))
        return
    en = lang == "en"
    if report.sheet:
        print(
            f"{'Sheet' if en else '工作表'}：{report.sheet}（{'header on row' if en else '表头在第'} {report.header_row}{'' if en else ' 行'}）"
        )
    if en:
        print(
            f"Read {report.rows} rows: created {len(report.created)}, updated {len(report.updated)}, "
            f"skipped {len(report.skipped) + len(report.unchanged)} already there; {len(report.laws_added)} laws added to laws.yaml."
        )
    else:
        print(
            f"读取 {report.rows} 行：新建 {len(report.created)} 项，更新 {len(report.updated)} 项，"
            f"已有而跳过 {len(report.skipped) + len(report.unchanged)} 项；laws.yaml 新增 {len(report.laws_added)} 部法律法规（时效性“未知”，请核实）。"
        )
    if report.unmapped:
        print(f"{'Columns not imported' if en else '没有导入的列'}：{'、'.join(report.unmapped)}")
    _problems(report, lang)
    print(
        "Next: quanli validate"
        if en
        else "下一步：运行 quanli validate，按提示补全要素（没有流程图的事项引用了占位的 TODO）。"
    )


def export(catalog: Path | None, fmt: str, out: Path | None, force: bool, lang: str) -> int:
    from quanli.core.fsutil import write_atomic
    from quanli.loader.catalogue import find_catalogue_root, load_catalogue
    from quanli.migrate import export as flat

    root = find_catalogue_root(catalog or Path.cwd())
    if root is None:
        raise QuanliError(
            f"{catalog or Path.cwd()} 不在任何目录中（找不到 catalog.yaml）。",
            "not inside a catalogue (no catalog.yaml).",
        )
    catalogue = load_catalogue(root, use_cache=True)
    unreadable = [sf.path for sf in catalogue.items if not sf.ok]
    items = [
        sf.data for sf in sorted(catalogue.items, key=lambda sf: str(sf.data.get("id", "")) if sf.ok else "") if sf.ok
    ]
    data = flat.render(items, fmt)
    if out is None:
        if fmt == "xlsx":
            raise QuanliError(
                "XLSX 不能输出到终端，请用 --out 指定文件，例如 --out 目录.xlsx。", "XLSX needs --out FILE."
            )
        sys.stdout.buffer.write(data)
    else:
        write_atomic(out, data, overwrite=force)
        print(f"Exported {len(items)} items to {out}." if lang == "en" else f"已导出 {len(items)} 个事项到 {out}。")
    if unreadable:
        print(
            (
                "Not exported (cannot be read, see quanli validate): "
                if lang == "en"
                else "无法读取而没有导出的文件（见 quanli validate）："
            )
            + "、".join(unreadable),
            file=sys.stderr,
        )
        return 1
    return 0
