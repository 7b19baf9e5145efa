"""Writing an import into one catalogue (``quanli import FILE --into CATALOG``): the table read and its
columns mapped, the rows planned against the catalogue (or the one ``quanli init`` would make), every
file rendered before any is written, then a new catalogue made, laws.yaml extended and the items written."""

from __future__ import annotations

import os
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.migrate.units import fold, unit_for_new


class NewCatalogue:
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


def read(file: Path, sheet: str | None, user_map: dict[str, str], options: dict):
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


def scopes(mapping: dict[str, str], defaults: dict, scope: str | None) -> tuple[bool, str | None]:
    """(whether the table has a scope column, the scope of new items when it has none)."""
    has_scope = any(p in ("disclosure.scope", "disclosure") for p in mapping.values())
    return has_scope, None if has_scope else (scope or defaults.get("disclosure.scope") or "社会公开")


def new_folder(into: Path) -> None:
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise QuanliError(
            f"{into} 不是目录（没有 catalog.yaml）且不是空文件夹，没有导入。请指定一个目录或一个新的文件夹。",
            f"{into} is not a catalogue (no catalog.yaml) and not empty: nothing imported.",
        )


def plan(
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


def render(
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


class Scaffold:
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


def write(
    into: Path,
    exists: bool,
    unit: str,
    facts: tuple[str | None, str | None],
    writes,
    new_laws,
    report,
    lang: str,
    made: Scaffold | None = None,
) -> None:
    """Write what render made: a new catalogue first (quanli init, then the unit's level and region
    where the table shows them; a copy of ``made`` when it has one), laws.yaml, then the items."""
    from quanli.core.fsutil import read_error, read_regular, write_atomic, write_many
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
    write_many(writes)


def open_target(
    file: Path, into: Path, exists: bool, table, mapping: dict[str, str], defaults: dict, report, unit_given
):
    """The catalogue an import plans against and its unit: ``into`` as it is (read in full: a
    catalog.yaml or laws.yaml that cannot be read stops the import), else the one ``quanli init``
    would make, for ``unit_given`` or the one 实施主体 of the table. (catalogue, unit)."""
    from quanli.core import config
    from quanli.loader import scaffold
    from quanli.loader.catalogue import load_catalogue

    overrides = (
        config.resolve(into, None).catalog
        if exists
        else config.resolve(into.parent if into.parent.exists() else Path.cwd(), None).catalog
    )
    if exists:
        catalogue = load_catalogue(into, use_cache=True)  # the parse cache is keyed by each file's bytes
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
        if unit_given is not None and fold(unit_given) != fold(unit):
            raise QuanliError(
                f"{into} 是“{unit or '（未写单位名称）'}”的目录，与 --unit “{unit_given}”不同，没有导入。"
                f"导入到已有目录时不用 --unit；要新建“{unit_given}”的目录，请用 --into 指定一个新的文件夹。",
                f"{into} is the catalogue of '{unit}', not '{unit_given}'; nothing imported.",
            )
    else:
        catalogue = NewCatalogue(overrides)
        unit = (
            scaffold.check_text(unit_given, "单位名称", "unit name")
            if unit_given is not None
            else unit_for_new(file, table, mapping, defaults, report)
        )
        scaffold.check_text(unit, "表中的实施主体", "the unit named in the table")
    return catalogue, unit
