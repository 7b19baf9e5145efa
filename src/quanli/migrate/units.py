"""The units (实施主体) a table's rows belong to: grouped across spellings, the one unit of a new
catalogue, and the level and region a table shows for a unit (``quanli import``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from quanli.core.errors import QuanliError

PLACEHOLDER_UNIT = "（请填写单位名称）"
PLACEHOLDER_REGION = "（请填写行政区划）"
SHOWN_UNITS = 8  # units named in the message that asks for --unit or --split


def fold(text: str) -> str:
    """Two spellings of one unit's name group together: NFKC (full-width brackets), runs of white space as one."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", text).split())


def column_text(record, mapping: dict[str, str], path: str) -> str:
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
            text = column_text(record, mapping, "subject") or " ".join(default.split())
            key = fold(text) if text else ""
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


def unit_for_new(file: Path, table, mapping: dict[str, str], defaults: dict, report) -> str:
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


def unit_facts(planned, table, mapping: dict[str, str], rows: list[int] | None = None) -> tuple[str | None, str | None]:
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
    regions = {r for r in (column_text(rec, mapping, columns.REGION) for rec in records) if r}
    return (levels.pop() if len(levels) == 1 else None), (regions.pop() if len(regions) == 1 else None)
