"""``quanli import FILE --into CATALOG`` and ``quanli export CATALOG --format xlsx|csv|json``."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from quanli.core.errors import QuanliError


class _NewCatalogue:
    """What ``quanli init`` would make, for planning an import before anything is written."""

    items: list = []

    def __init__(self, overrides: dict | None = None) -> None:
        self.settings = dict(overrides or {})

    def category_names(self):
        from quanli.core.model import NATIONAL_CATEGORIES

        return [name for _, name in NATIONAL_CATEGORIES]

    def category_codes(self):
        from quanli.core.model import NATIONAL_CATEGORIES

        return {name: code for code, name in NATIONAL_CATEGORIES}

    def law_entries(self):
        from quanli.loader import scaffold
        from quanli.loader.yamlparse import load_bytes

        data, _ = load_bytes(scaffold.render("laws.yaml.j2", schema_dir=".").encode("utf-8"))
        return [law for law in data.get("laws") or [] if isinstance(law, dict)]


PLACEHOLDER_UNIT = "（请填写单位名称）"
PLACEHOLDER_REGION = "（请填写行政区划）"
SHOWN_UNITS = 8  # units named in the message that asks for --unit or --split


def _fold(text: str) -> str:
    """Two spellings of one unit's name group together: NFKC (full-width brackets), runs of white space as one."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", text).split())


def _column_text(record, mapping: dict[str, str], path: str) -> str:
    """The first non-empty value a row gives for ``path`` (as row_to_item takes the first column), stripped."""
    from quanli.migrate import columns, values

    for header, raw in record.values.items():  # 无 is none, except in a column quanli export wrote (read as written)
        if mapping.get(header) == path and not (values.is_none(raw) and not columns.is_exact(header)):
            text = " ".join(values.text_of(raw).split())
            if text:
                return text
    return ""


class Units:
    """The 实施主体 (the unit exercising each item) of a table's rows, grouped as one unit's
    spellings: in the order the table first names them."""

    def __init__(self, table, mapping: dict[str, str], defaults: dict) -> None:
        default = defaults.get("subject") if isinstance(defaults.get("subject"), str) else ""
        self.of_row: dict[int, str] = {}  # index of the record -> folded key ("" none)
        self.spellings: dict[str, Counter] = {}
        self.first: dict[str, int] = {}
        self.rows: Counter = Counter()
        self.without: list[int] = []  # table rows without one
        for n, record in enumerate(table.records):
            text = _column_text(record, mapping, "subject") or " ".join(default.split())
            key = _fold(text) if text else ""
            self.of_row[n] = key
            if not key:
                self.without.append(record.row)
                continue
            self.spellings.setdefault(key, Counter())[text] += 1
            self.first.setdefault(key, n)
            self.rows[key] += 1

    def keys(self) -> list[str]:
        """Most rows first; ties in the table's order."""
        return sorted(self.rows, key=lambda k: (-self.rows[k], self.first[k]))

    def name(self, key: str) -> str:
        """The spelling the table uses most (first met on a tie)."""
        return max(self.spellings[key].items(), key=lambda kv: kv[1])[0]

    def listing(self, limit: int = SHOWN_UNITS) -> str:
        keys = self.keys()
        lines = [f"  {self.name(k)}：{self.rows[k]} 项" for k in keys[:limit]]
        if len(keys) > limit:
            lines.append(f"  ……另有 {len(keys) - limit} 个实施主体，共 {sum(self.rows[k] for k in keys[limit:])} 项")
        if self.without:
            lines.append(f"  （没有写实施主体的 {len(self.without)} 行）")
        return "\n".join(lines)


def _unit_for_new(file: Path, table, mapping: dict[str, str], defaults: dict, report) -> str:
    """The unit of a catalogue an import makes: the one 实施主体 the table names; never a guess
    among several (the clerk gives --unit, or --split makes one catalogue each)."""
    units = Units(table, mapping, defaults)
    keys = units.keys()
    if len(keys) > 1:
        raise QuanliError(
            f"{file} 中的事项属于 {len(keys)} 个实施主体，无法确定新目录的单位名称，没有导入：\n{units.listing()}\n"
            f"请用 --unit 单位名称 指定新目录的单位（全部事项导入这一个目录），"
            f"或用 --split 为每个实施主体各建一个目录，组成一个工作区（quanli-workspace.yaml）。",
            f"the items of {file} belong to {len(keys)} units ({', '.join(units.name(k) for k in keys[:SHOWN_UNITS])}"
            f"{', ...' if len(keys) > SHOWN_UNITS else ''}); nothing imported. Name the new catalogue's unit with --unit NAME, "
            f"or use --split to make one catalogue per unit in a workspace.",
        )
    if not keys:
        report.notes.append(
            f"表中没有“实施主体”列（或全部为空），新目录的单位名称暂为“{PLACEHOLDER_UNIT}”："
            "请在 catalog.yaml 中填写，或重新导入时用 --unit 指定。"
        )
        return PLACEHOLDER_UNIT
    if units.without:
        report.notes.append(f"{len(units.without)} 行没有写实施主体，按本目录的单位“{units.name(keys[0])}”导入。")
    return units.name(keys[0])


def _unit_facts(
    planned, table, mapping: dict[str, str], rows: list[int] | None = None
) -> tuple[str | None, str | None]:
    """(level, region) of a new catalogue's unit when its table shows one, else None: the one
    行使层级 its items are exercised at (those given one level only), the one value of a 行政区划 column."""
    from quanli.loader.workspace import LEVELS
    from quanli.migrate import columns

    levels = set()
    for p in planned:
        level = p.data.get("level")
        if isinstance(level, list) and len(level) == 1 and level[0] in LEVELS:
            levels.add(level[0])
    records = table.records if rows is None else [table.records[n] for n in rows]
    regions = {r for r in (_column_text(rec, mapping, columns.REGION) for rec in records) if r}
    return (levels.pop() if len(levels) == 1 else None), (regions.pop() if len(regions) == 1 else None)


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
        return _split(file, into, sheet, mapping_file, dry_run, scope, fmt, lang, unit)
    if dry_run or not (into / "catalog.yaml").is_file():
        return _import(file, into, sheet, mapping_file, dry_run, update, scope, fmt, lang, unit)
    with EditLock(into.resolve(), lang):
        return _import(file, into, sheet, mapping_file, dry_run, update, scope, fmt, lang, unit)


def _read(file: Path, sheet: str | None, user_map: dict[str, str], options: dict):
    """The table, its column mapping and the report begun: (table, mapping, report)."""
    from quanli.migrate import columns, importer
    from quanli.migrate.tables import read_table

    table = read_table(file, sheet or options.get("sheet"), lambda h: columns.resolve(h, user_map) is not None)
    if not table.records:
        raise QuanliError(f"{file} 中没有找到数据行。", f"no data rows in {file}.")
    report = importer.Report(str(file), table.sheet, table.header_row, len(table.records))
    mapping: dict[str, str] = {}
    for record in [None, *table.records]:  # the header row, then keys some JSON records have and others lack
        for header in table.headers if record is None else record.values:
            if header in mapping or header in report.unmapped:
                continue
            path = columns.resolve(header, user_map) or (
                columns.resolve(header.split("#")[0], user_map) if "#" in header else None
            )
            if path:
                mapping[header] = path
            else:
                report.unmapped.append(header)
    report.mapping = mapping
    missing = [h for h in user_map if h not in mapping and user_map[h]]
    if missing:
        report.notes.append(f"映射文件中的列“{'、'.join(missing)}”在表中不存在。")
    if "name" not in mapping.values():
        raise QuanliError(
            f"{file} 中找不到事项名称列（例如“事项名称”“职权名称”）。请用 --mapping 指定，例如 columns: {{名称列: name}}。"
            f"表头：{'、'.join(table.headers[:20])}",
            f"no item-name column in {file}; give one with --mapping.",
        )
    return table, mapping, report


def _scopes(mapping: dict[str, str], defaults: dict, scope: str | None) -> tuple[bool, str | None]:
    """(whether the table has a scope column, the scope of new items when it has none)."""
    has_scope = any(p in ("disclosure.scope", "disclosure") for p in mapping.values())
    return has_scope, None if has_scope else (scope or defaults.get("disclosure.scope") or "社会公开")


def _new_folder(into: Path) -> None:
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise QuanliError(
            f"{into} 不是目录（没有 catalog.yaml）且不是空文件夹，没有导入。请指定一个目录或一个新的文件夹。",
            f"{into} is not a catalogue (no catalog.yaml) and not empty: nothing imported.",
        )


def _plan(
    file: Path,
    table,
    mapping: dict[str, str],
    catalogue,
    defaults: dict,
    update: bool,
    report,
    unit: str,
    has_scope: bool,
    scope: str | None,
):
    """The rows as planned items, law names made ids: (planned, laws to add)."""
    from quanli.migrate import importer

    planned = importer.plan(
        table,
        mapping,
        catalogue,
        defaults,
        update,
        report,
        unit,
        csv_guard=file.suffix.lower() in (".csv", ".tsv", ".txt"),
    )
    new_laws, law_ids = importer.law_entries(planned, catalogue.law_entries())
    for p in planned:
        importer.apply_law_ids(p.data, law_ids)
    importer.settle(planned)
    report.laws_added = [law["id"] for law in new_laws]
    if not has_scope and not scope:
        report.notes.append(
            "表中没有“公开范围”列：新事项都按“社会公开”导入。其中如有不公开的事项，请改为“内部公开”或“不予公开”并写明理由，"
            "或导入时用 --scope 指定。已有事项的公开范围不会改动。"
        )
    return planned, new_laws


def _render(
    file: Path, into: Path, exists: bool, planned, unit: str, default_scope, report
) -> list[tuple[Path, str, bool]]:
    """Every item file the import writes, rendered: a row that cannot be written stops the import
    before any file changes. (path, text, overwrite)."""
    from quanli.loader import scaffold
    from quanli.loader.scaffold import modeline_for
    from quanli.loader.yamlfmt import Unsafe, dump_document, update_text
    from quanli.migrate import importer

    writes: list[tuple[Path, str, bool]] = []
    items_dir = into / "items"
    for p in planned:
        try:
            if p.action == "create":
                data = importer.complete(p.data, p.id, unit, default_scope)
                target = items_dir / f"{p.id}.yaml"
                text = dump_document(
                    data,
                    "item",
                    modeline_for(into, target, "item")
                    if exists
                    else f"# yaml-language-server: $schema=../{scaffold.LOCAL_SCHEMAS}/item.schema.json",
                )
                text = text.replace(
                    f"\nflow: {importer.PLACEHOLDER_FLOW}\n",
                    f"\nflow: {importer.PLACEHOLDER_FLOW}  # {importer.PLACEHOLDER_NOTE}\n",
                    1,
                )
                writes.append((target, text, False))
                report.created.append(p.id)
            elif p.action == "update":
                text = update_text(
                    p.existing.read_text(encoding="utf-8"),
                    importer.changes_of(p),
                    "item",
                    modeline_for(into, p.existing, "item"),
                )
                writes.append((p.existing, text, True))
                report.updated.append(p.id)
            elif p.action == "skip":
                report.skipped.append(p.id)
            else:
                report.unchanged.append(p.id)
        except (Unsafe, UnicodeDecodeError, OSError) as exc:
            raise QuanliError(
                f"{file}:{p.record.row}：无法写出事项 {p.id}（{exc}），没有导入任何事项。",
                f"{file}:{p.record.row}: cannot write item {p.id} ({exc}); nothing imported.",
            ) from None
    return writes


class _Scaffold:
    """What quanli init writes, made once and copied for each further catalogue of a --split (quanli
    init formats every file anew: 0.4 s a catalogue, a minute for a province's 177 units); only the
    unit's lines of catalog.yaml differ, and are checked by reading the file back."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] | None = None  # relative path -> content, as quanli init wrote them
        self.catalog: dict | None = None

    def keep(self, root: Path) -> None:
        from quanli.loader.yamlparse import load_bytes

        self.files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
        self.catalog = load_bytes(self.files["catalog.yaml"])[0]

    def catalog_text(self, unit: str, facts: tuple[str | None, str | None]) -> str | None:
        """catalog.yaml for ``unit`` with its level and region: None when the lines cannot be
        swapped safely (then quanli init makes it)."""
        import copy

        from quanli.loader.yamlfmt import _fast_dump
        from quanli.loader.yamlparse import ParseFailure, load_bytes

        if self.files is None or self.catalog is None:
            return None
        values = {
            "name": unit,
            **({"level": facts[0]} if facts[0] else {}),
            **({"region": facts[1]} if facts[1] else {}),
        }
        lines = self.files["catalog.yaml"].decode("utf-8").split("\n")
        try:
            start = lines.index("unit:")
        except ValueError:
            return None
        done = set()
        for n in range(start + 1, len(lines)):
            if not lines[n].startswith("  "):
                break
            key = lines[n][2:].split(":", 1)[0]
            if key in values and lines[n].startswith(f"  {key}: "):
                line = _fast_dump({key: values[key]}).rstrip("\n")
                if "\n" in line:
                    return None
                lines[n] = "  " + line
                done.add(key)
        if done != set(values):
            return None
        text = "\n".join(lines)
        expected = copy.deepcopy(self.catalog)
        expected["unit"].update(values)
        try:
            return text if load_bytes(text.encode("utf-8"))[0] == expected else None
        except ParseFailure:
            return None


def _write(
    into: Path,
    exists: bool,
    unit: str,
    facts: tuple[str | None, str | None],
    writes,
    new_laws,
    report,
    lang: str,
    made: _Scaffold | None = None,
) -> None:
    """Write what _render made: a new catalogue first (quanli init, then the unit's level and region
    where the table shows them; a copy of ``made`` when it has one), laws.yaml, then the items."""
    from quanli.core.fsutil import read_error, read_regular, write_atomic
    from quanli.loader import scaffold
    from quanli.loader.scaffold import modeline_for
    from quanli.loader.yamlfmt import Unsafe, append_laws, update_text
    from quanli.loader.yamlparse import MAX_FILE_BYTES

    if not exists:
        level, region = facts
        text = made.catalog_text(unit, facts) if made is not None else None
        if text is not None:
            for rel, blob in made.files.items():
                (into / rel).parent.mkdir(parents=True, exist_ok=True)
                write_atomic(into / rel, text if rel == "catalog.yaml" else blob)
            for sub in ("items", "flows"):
                (into / sub).mkdir(exist_ok=True)
        else:
            scaffold.make_catalogue(into, unit)
            if made is not None and made.files is None:
                made.keep(into)
            changes = {**({"unit.level": level} if level else {}), **({"unit.region": region} if region else {})}
            if changes:
                catalog = into / "catalog.yaml"
                write_atomic(
                    catalog,
                    update_text(
                        catalog.read_text(encoding="utf-8"), changes, "catalog", modeline_for(into, catalog, "catalog")
                    ),
                    overwrite=True,
                )
        told = "、".join(t for t in (f"层级“{level}”" if level else "", f"行政区划“{region}”" if region else "") if t)
        report.notes.append(
            f"{into} 中原来没有目录，已用 quanli init 新建，单位为“{unit}”"
            + (f"，{told}取自表中" if told else "")
            + "（请补全 catalog.yaml 中的单位信息和处室"
            + ("" if level and region else "，核对单位的层级和行政区划")
            + "）。"
        )
    if new_laws:  # laws first: an item never cites a law that laws.yaml lacks, even if writing stops half-way
        laws_path = into / "laws.yaml"
        try:  # read as the loader read it: a regular file, not through a link, at most MAX_FILE_BYTES
            old = read_regular(laws_path, MAX_FILE_BYTES).decode("utf-8") if os.path.lexists(laws_path) else ""
        except (OSError, UnicodeDecodeError) as exc:
            raise (
                read_error("法律法规文件", "the laws file", laws_path, exc)
                if isinstance(exc, OSError)
                else QuanliError(
                    f"{laws_path} 不是 UTF-8 编码，没有导入。", f"{laws_path} is not UTF-8; nothing imported."
                )
            ) from None
        try:
            write_atomic(laws_path, append_laws(old, new_laws, modeline_for(into, laws_path, "laws")), overwrite=True)
        except Unsafe as exc:
            raise QuanliError(
                f"无法把新的法律法规写入 {laws_path}（{exc}），没有导入任何事项。",
                f"could not add laws to {laws_path} ({exc}); nothing imported.",
            ) from None
    for path, text, overwrite in writes:
        write_atomic(path, text, overwrite=overwrite)


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
    from quanli.core import config
    from quanli.loader import scaffold
    from quanli.loader.catalogue import load_catalogue
    from quanli.migrate import columns

    user_map, options = columns.load_mapping(mapping_file)
    exists = (into / "catalog.yaml").is_file()
    if not exists:
        _new_folder(into)
    table, mapping, report = _read(file, sheet, user_map, options)
    defaults = dict(options.get("defaults") or {})
    has_scope, default_scope = _scopes(mapping, defaults, scope)

    overrides = (
        config.resolve(into, None).catalog
        if exists
        else config.resolve(into.parent if into.parent.exists() else Path.cwd(), None).catalog
    )
    if exists:
        catalogue = load_catalogue(into, use_cache=False)
        for sf in (catalogue.catalog, catalogue.laws):  # planned against them, laws.yaml rewritten: they must be read
            if sf is not None and sf.failure is not None:
                f = sf.failure
                raise QuanliError(
                    f"{into / sf.rel}:{f.line}:{f.column} {f.zh}没有导入。请先改正（quanli validate 可查看全部问题）。",
                    f"{into / sf.rel}:{f.line}:{f.column} {f.en} Nothing imported; fix it first (see quanli validate).",
                )
        catalogue.overrides = {**catalogue.overrides, **overrides}
        unit_data = catalogue.catalog.get("unit") if isinstance(catalogue.catalog.get("unit"), dict) else {}
        unit = str(unit_data.get("name") or "")
        if unit_given is not None and _fold(unit_given) != _fold(unit):
            raise QuanliError(
                f"{into} 是“{unit or '（未写单位名称）'}”的目录，与 --unit “{unit_given}”不同，没有导入。"
                f"导入到已有目录时不用 --unit；要新建“{unit_given}”的目录，请用 --into 指定一个新的文件夹。",
                f"{into} is the catalogue of '{unit}', not '{unit_given}'; nothing imported.",
            )
    else:
        catalogue = _NewCatalogue(overrides)
        unit = (
            scaffold.check_text(unit_given, "单位名称", "unit name")
            if unit_given is not None
            else _unit_for_new(file, table, mapping, defaults, report)
        )
        scaffold.check_text(unit, "表中的实施主体", "the unit named in the table")
    planned, new_laws = _plan(file, table, mapping, catalogue, defaults, update, report, unit, has_scope, scope)
    if dry_run:
        return _dry_run(report, planned, unit, default_scope, fmt, lang)
    writes = _render(file, into, exists, planned, unit, default_scope, report)
    _write(into, exists, unit, _unit_facts(planned, table, mapping), writes, new_laws, report, lang)
    _print_report(report, fmt, lang)
    return 0


# -- --split: one catalogue per 实施主体, in a workspace ----------------------------------------------------

DEFAULT_LEVEL = "县级"  # quanli init's, when the table does not show a unit's level
MAX_FOLDER = 40  # characters of a member's folder name (Windows paths are short)


def _folder_name(name: str, taken: set[str]) -> str:
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


def _split(
    file: Path,
    into: Path,
    sheet: str | None,
    mapping_file: Path | None,
    dry_run: bool,
    scope: str | None,
    fmt: str,
    lang: str,
    unit_given: str | None,
) -> int:
    """Import a table of several units' items as one new catalogue per 实施主体 in a new folder,
    with the quanli-workspace.yaml that checks and builds them together."""
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
    _new_folder(into)
    user_map, options = columns.load_mapping(mapping_file)
    table, mapping, report = _read(file, sheet, user_map, options)
    defaults = dict(options.get("defaults") or {})
    has_scope, default_scope = _scopes(mapping, defaults, scope)
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
        folder = _folder_name(unit, taken)
        planned, new_laws = _plan(
            file, part, mapping, _NewCatalogue(overrides), defaults, False, own, unit, has_scope, scope
        )
        level, region = _unit_facts(planned, part, mapping)
        writes = [] if dry_run else _render(file, into / folder, False, planned, unit, default_scope, own)
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
        made = _Scaffold()
        for folder, unit, _, _planned, writes, new_laws, own, facts in members:
            notes = len(own.notes)
            _write(into / folder, False, unit, facts, writes, new_laws, own, lang, made)
            del own.notes[notes:]  # "made with quanli init": said once for all, below
        (into / scaffold.LOCAL_SCHEMAS).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema_file("workspace"), into / scaffold.LOCAL_SCHEMAS / "workspace.schema.json")
        write_atomic(into / WORKSPACE_FILE, ws_text)
    return _split_report(file, into, report, members, dry_run, fmt, lang)


def _split_report(file: Path, into: Path, report, members, dry_run: bool, fmt: str, lang: str) -> int:
    from quanli.loader.workspace import WORKSPACE_FILE

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
