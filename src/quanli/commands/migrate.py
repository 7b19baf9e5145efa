"""``quanli import FILE --into CATALOG`` and ``quanli export CATALOG --format xlsx|csv|json``."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from quanli.errors import QuanliError


class _NewCatalogue:
    """What ``quanli init`` would make, for planning an import before anything is written."""

    items: list = []

    def __init__(self, overrides: dict | None = None) -> None:
        self.settings = dict(overrides or {})

    def category_names(self):
        from quanli.model import NATIONAL_CATEGORIES

        return [name for _, name in NATIONAL_CATEGORIES]

    def category_codes(self):
        from quanli.model import NATIONAL_CATEGORIES

        return {name: code for code, name in NATIONAL_CATEGORIES}

    def law_entries(self):
        from quanli.commands import scaffold
        from quanli.loader.yamlparse import load_bytes

        data, _ = load_bytes(scaffold._render("laws.yaml.j2", schema_dir=".").encode("utf-8"))
        return [law for law in data.get("laws") or [] if isinstance(law, dict)]


def _unit_name(table, mapping: dict[str, str]) -> str:
    subjects = Counter(str(r.values[h]).strip() for r in table.records for h, p in mapping.items()
                       if p == "subject" and r.values.get(h) not in (None, ""))
    return subjects.most_common(1)[0][0] if subjects else "（请填写单位名称）"


def import_(file: Path, into: Path, sheet: str | None, mapping_file: Path | None, dry_run: bool, update: bool,
            scope: str | None, fmt: str, lang: str) -> int:
    """Import a table into a catalogue. Into an existing one, the catalogue is locked from reading its
    items to writing them (lock.EditLock): a review or fmt meanwhile would lose its change or ours."""
    from quanli.lock import EditLock

    if dry_run or not (into / "catalog.yaml").is_file():
        return _import(file, into, sheet, mapping_file, dry_run, update, scope, fmt, lang)
    with EditLock(into.resolve(), lang):
        return _import(file, into, sheet, mapping_file, dry_run, update, scope, fmt, lang)


def _import(file: Path, into: Path, sheet: str | None, mapping_file: Path | None, dry_run: bool, update: bool,
            scope: str | None, fmt: str, lang: str) -> int:
    from quanli import config
    from quanli.commands import scaffold
    from quanli.commands.fmt import modeline_for
    from quanli.fsutil import read_error, read_regular, write_atomic
    from quanli.loader.catalogue import load_catalogue
    from quanli.loader.yamlparse import MAX_FILE_BYTES
    from quanli.migrate import columns, importer
    from quanli.migrate.tables import read_table
    from quanli.yamlfmt import Unsafe, append_laws, dump_document, update_text

    user_map, options = columns.load_mapping(mapping_file)
    exists = (into / "catalog.yaml").is_file()
    if not exists and into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise QuanliError(f"{into} 不是目录（没有 catalog.yaml）且不是空文件夹，没有导入。请指定一个目录或一个新的文件夹。",
                          f"{into} is not a catalogue (no catalog.yaml) and not empty: nothing imported.")
    table = read_table(file, sheet or options.get("sheet"), lambda h: columns.resolve(h, user_map) is not None)
    if not table.records:
        raise QuanliError(f"{file} 中没有找到数据行。", f"no data rows in {file}.")
    report = importer.Report(str(file), table.sheet, table.header_row, len(table.records))
    mapping: dict[str, str] = {}
    for record in [None, *table.records]:  # the header row, then keys some JSON records have and others lack
        for header in (table.headers if record is None else record.values):
            if header in mapping or header in report.unmapped:
                continue
            path = columns.resolve(header, user_map) or (columns.resolve(header.split("#")[0], user_map) if "#" in header else None)
            if path:
                mapping[header] = path
            else:
                report.unmapped.append(header)
    report.mapping = mapping
    missing = [h for h in user_map if h not in mapping and user_map[h]]
    if missing:
        report.notes.append(f"映射文件中的列“{'、'.join(missing)}”在表中不存在。")
    if "name" not in mapping.values():
        raise QuanliError(f"{file} 中找不到事项名称列（例如“事项名称”“职权名称”）。请用 --mapping 指定，例如 columns: {{名称列: name}}。"
                          f"表头：{'、'.join(table.headers[:20])}",
                          f"no item-name column in {file}; give one with --mapping.")
    defaults = dict(options.get("defaults") or {})
    has_scope = any(p in ("disclosure.scope", "disclosure") for p in mapping.values())
    default_scope = None if has_scope else (scope or defaults.get("disclosure.scope") or "社会公开")

    overrides = config.resolve(into, None).catalog if exists else config.resolve(into.parent if into.parent.exists() else Path.cwd(), None).catalog
    if exists:
        catalogue = load_catalogue(into, use_cache=False)
        for sf in (catalogue.catalog, catalogue.laws):  # planned against them, laws.yaml rewritten: they must be read
            if sf is not None and sf.failure is not None:
                f = sf.failure
                raise QuanliError(f"{into / sf.rel}:{f.line}:{f.column} {f.zh}没有导入。请先改正（quanli validate 可查看全部问题）。",
                                  f"{into / sf.rel}:{f.line}:{f.column} {f.en} Nothing imported; fix it first (see quanli validate).")
        catalogue.overrides = {**catalogue.overrides, **overrides}
        unit_data = catalogue.catalog.get("unit") if isinstance(catalogue.catalog.get("unit"), dict) else {}
        unit = str(unit_data.get("name") or "")
    else:
        catalogue = _NewCatalogue(overrides)
        unit = _unit_name(table, mapping)
    planned = importer.plan(table, mapping, catalogue, defaults, update, report, unit, csv_guard=file.suffix.lower() in (".csv", ".tsv", ".txt"))
    new_laws, law_ids = importer.law_entries(planned, catalogue.law_entries())
    for p in planned:
        importer.apply_law_ids(p.data, law_ids)
    importer.settle(planned)
    report.laws_added = [law["id"] for law in new_laws]
    if not has_scope and not scope:
        report.notes.append("表中没有“公开范围”列：新事项都按“社会公开”导入。其中如有不公开的事项，请改为“内部公开”或“不予公开”并写明理由，"
                            "或导入时用 --scope 指定。已有事项的公开范围不会改动。")
    if dry_run:
        return _dry_run(report, planned, unit, default_scope, fmt, lang)

    # everything is rendered first: a row that cannot be written stops the import before any file changes
    writes: list[tuple[Path, str, bool]] = []  # (path, text, overwrite)
    items_dir = into / "items"
    for p in planned:
        try:
            if p.action == "create":
                data = importer.complete(p.data, p.id, unit, default_scope)
                target = items_dir / f"{p.id}.yaml"
                text = dump_document(data, "item", modeline_for(into, target, "item") if exists
                                     else f"# yaml-language-server: $schema=../{scaffold.LOCAL_SCHEMAS}/item.schema.json")
                text = text.replace(f"\nflow: {importer.PLACEHOLDER_FLOW}\n",
                                    f"\nflow: {importer.PLACEHOLDER_FLOW}  # {importer.PLACEHOLDER_NOTE}\n", 1)
                writes.append((target, text, False))
                report.created.append(p.id)
            elif p.action == "update":
                text = update_text(p.existing.read_text(encoding="utf-8"), importer.changes_of(p), "item",
                                   modeline_for(into, p.existing, "item"))
                writes.append((p.existing, text, True))
                report.updated.append(p.id)
            elif p.action == "skip":
                report.skipped.append(p.id)
            else:
                report.unchanged.append(p.id)
        except (Unsafe, UnicodeDecodeError, OSError) as exc:
            raise QuanliError(f"{file}:{p.record.row}：无法写出事项 {p.id}（{exc}），没有导入任何事项。",
                              f"{file}:{p.record.row}: cannot write item {p.id} ({exc}); nothing imported.") from None
    if not exists:
        scaffold.init(into, unit, lang, quiet=True)
        report.notes.append(f"{into} 中原来没有目录，已用 quanli init 新建（请补全 catalog.yaml 中的单位信息和处室）。")
    if new_laws:  # laws first: an item never cites a law that laws.yaml lacks, even if writing stops half-way
        laws_path = into / "laws.yaml"
        try:  # read as the loader read it: a regular file, not through a link, at most MAX_FILE_BYTES
            old = read_regular(laws_path, MAX_FILE_BYTES).decode("utf-8") if os.path.lexists(laws_path) else ""
        except (OSError, UnicodeDecodeError) as exc:
            raise (read_error("法律法规文件", "the laws file", laws_path, exc) if isinstance(exc, OSError) else
                   QuanliError(f"{laws_path} 不是 UTF-8 编码，没有导入。", f"{laws_path} is not UTF-8; nothing imported.")) from None
        try:
            write_atomic(laws_path, append_laws(old, new_laws, modeline_for(into, laws_path, "laws")), overwrite=True)
        except Unsafe as exc:
            raise QuanliError(f"无法把新的法律法规写入 {laws_path}（{exc}），没有导入任何事项。",
                              f"could not add laws to {laws_path} ({exc}); nothing imported.") from None
    for path, text, overwrite in writes:
        write_atomic(path, text, overwrite=overwrite)
    _print_report(report, fmt, lang)
    return 0


def _dry_run(report, planned, unit: str, default_scope, fmt: str, lang: str) -> int:
    from quanli.migrate import importer
    from quanli.yamlfmt import Unsafe, dump_document

    if fmt == "json":
        out = report.to_dict()
        out["dry_run"] = True
        out["preview"] = [importer.complete(p.data, p.id, unit, default_scope) for p in planned[:3]]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return 0
    en = lang == "en"
    print(f"{'Column mapping' if en else '列的对应关系'}（{report.file}{'，工作表 ' + report.sheet if report.sheet else ''}"
          f"{'，表头在第 ' + str(report.header_row) + ' 行' if report.header_row else ''}）：")
    for header, path in report.mapping.items():
        print(f"  {header} → {path}")
    for header in report.unmapped:
        print(f"  {header} → {'(not imported)' if en else '（不导入）'}")
    print()
    for p in planned[:3]:
        print(f"# {'row' if en else '第'} {p.record.row}{'' if en else ' 行'}：{p.action}")
        try:
            print(dump_document(importer.complete(p.data, p.id, unit, default_scope), "item", "# ...").split("\n", 1)[1])
        except Unsafe as exc:  # as the import itself would say (e.g. a 40-digit number cannot be written as YAML)
            raise QuanliError(f"{report.file}:{p.record.row}：无法写出事项 {p.id}（{exc}），导入时不会导入任何事项。",
                              f"{report.file}:{p.record.row}: cannot write item {p.id} ({exc}); an import would import nothing.") from None
    counts = Counter(p.action for p in planned)
    print(("Would create {c}, update {u}, skip {s}." if en else "将新建 {c} 项，更新 {u} 项，跳过已有的 {s} 项。").format(
        c=counts["create"], u=counts["update"], s=counts["skip"] + counts["unchanged"]))
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
            print(f"  … {'and' if en else '另有'} {len(report.problems) - limit} {'more (see --format json)' if en else '处（见 --format json）'}")
    for note in report.notes:
        print(f"{'Note' if en else '注意'}：{note}")


def _print_report(report, fmt: str, lang: str) -> None:
    from quanli.migrate.importer import dump_json_report

    if fmt == "json":
        sys.stdout.write(dump_json_report(report))
        return
    en = lang == "en"
    if report.sheet:
        print(f"{'Sheet' if en else '工作表'}：{report.sheet}（{'header on row' if en else '表头在第'} {report.header_row}{'' if en else ' 行'}）")
    if en:
        print(f"Read {report.rows} rows: created {len(report.created)}, updated {len(report.updated)}, "
              f"skipped {len(report.skipped) + len(report.unchanged)} already there; {len(report.laws_added)} laws added to laws.yaml.")
    else:
        print(f"读取 {report.rows} 行：新建 {len(report.created)} 项，更新 {len(report.updated)} 项，"
              f"已有而跳过 {len(report.skipped) + len(report.unchanged)} 项；laws.yaml 新增 {len(report.laws_added)} 部法律法规（时效性“未知”，请核实）。")
    if report.unmapped:
        print(f"{'Columns not imported' if en else '没有导入的列'}：{'、'.join(report.unmapped)}")
    _problems(report, lang)
    print("Next: quanli validate" if en else "下一步：运行 quanli validate，按提示补全要素（没有流程图的事项引用了占位的 TODO）。")


def export(catalog: Path | None, fmt: str, out: Path | None, force: bool, lang: str) -> int:
    from quanli.fsutil import write_atomic
    from quanli.loader.catalogue import find_catalogue_root, load_catalogue
    from quanli.migrate import export as flat

    root = find_catalogue_root(catalog or Path.cwd())
    if root is None:
        raise QuanliError(f"{catalog or Path.cwd()} 不在任何目录中（找不到 catalog.yaml）。", "not inside a catalogue (no catalog.yaml).")
    catalogue = load_catalogue(root, use_cache=True)
    unreadable = [sf.path for sf in catalogue.items if not sf.ok]
    items = [sf.data for sf in sorted(catalogue.items, key=lambda sf: str(sf.data.get("id", "")) if sf.ok else "") if sf.ok]
    data = flat.render(items, fmt)
    if out is None:
        if fmt == "xlsx":
            raise QuanliError("XLSX 不能输出到终端，请用 --out 指定文件，例如 --out 目录.xlsx。", "XLSX needs --out FILE.")
        sys.stdout.buffer.write(data)
    else:
        write_atomic(out, data, overwrite=force)
        print(f"Exported {len(items)} items to {out}." if lang == "en" else f"已导出 {len(items)} 个事项到 {out}。")
    if unreadable:
        print(("Not exported (cannot be read, see quanli validate): " if lang == "en" else "无法读取而没有导出的文件（见 quanli validate）：")
              + "、".join(unreadable), file=sys.stderr)
        return 1
    return 0
