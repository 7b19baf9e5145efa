"""Reading the lists units already have: XLSX, CSV (UTF-8 or GBK) and JSON / JSON Lines.

Every reader gives the same thing: a list of ``Record`` (a row's values by header, and
where each came from: the row number and the column letter or key), so the importer does
not care what the file was. Spreadsheets get their header row found (title rows and
merged cells above it are skipped) and vertically merged cells filled down.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quanli.core.errors import QuanliError

MAX_INPUT_BYTES = 256 << 20  # a file to import (XLSX as it is on disk; see zipsafe for what it inflates to)
MAX_HEADER_SCAN = 30  # rows searched for the header
MAX_DEPTH = 64  # nesting of a JSON value (the YAML reader's limit)
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Record:
    row: int  # 1-based row (line for JSON Lines, index + 1 for a JSON array)
    values: dict[str, Any]
    where: dict[str, str] = field(default_factory=dict)  # header -> column letter or key


@dataclass
class Table:
    headers: list[str]
    records: list[Record]
    header_row: int = 0  # 1-based, 0 for JSON
    sheet: str = ""


def column_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _clean_header(value: Any) -> str:
    return "".join(str(value).split()) if value is not None else ""


def _find_header(rows: list[list[Any]], known) -> int:
    """The index of the row that looks most like a header: most cells that are known headers."""
    best, best_score = 0, -1
    for n, row in enumerate(rows[:MAX_HEADER_SCAN]):
        cells = [_clean_header(c) for c in row if c not in (None, "")]
        score = sum(1 for c in cells if known(c)) * 10 + (len(set(cells)) if len(cells) >= 2 else 0)
        if score > best_score and len(cells) >= 2:
            best, best_score = n, score
    return best


def _table_from_rows(
    rows: list[list[Any]], known, merged_down: set[tuple[int, int]] | None = None, sheet: str = ""
) -> Table:
    if not rows:
        return Table([], [])
    h = _find_header(rows, known)
    headers = [_clean_header(c) for c in rows[h]]
    records = []
    previous: list[Any] = []
    for n, row in enumerate(rows[h + 1 :], start=h + 2):
        row = list(row) + [None] * (len(headers) - len(row))
        if merged_down:
            row = [previous[c] if (n, c) in merged_down and c < len(previous) else v for c, v in enumerate(row)]
        previous = row
        if all(v in (None, "") or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        values, where = {}, {}
        for c, header in enumerate(headers):
            if header and c < len(row):
                if header in values:  # the same header twice: keep both, the second numbered
                    header = f"{header}#{c + 1}"
                value = row[c]
                values[header] = (
                    str(value) if isinstance(value, float) and not math.isfinite(value) else value
                )  # NaN, inf: text
                where[header] = column_letter(c)
        records.append(Record(n, values, where))
    return Table([x for x in headers if x], records, h + 1, sheet)


def read_input(path: Path) -> bytes:
    """The bytes of a file to import: a regular file (a FIFO would hang, /dev/zero never end) of at
    most MAX_INPUT_BYTES; else a QuanliError naming it."""
    from quanli.core.fsutil import read_error, read_regular

    try:
        return read_regular(path, MAX_INPUT_BYTES)
    except OSError as exc:
        raise read_error("文件", "the file", path, exc) from None


def read_xlsx(path: Path, sheet: str | None, known) -> Table:
    import openpyxl

    from quanli.core import zipsafe

    raw = read_input(path)
    zipsafe.check(raw, path)  # a decompression bomb, or sizes that lie, is refused before openpyxl opens it
    fast = _read_xlsx_fast(raw, path, sheet, known)
    if fast is not None:
        return fast
    try:  # the bytes checked, not the file again (it may have been swapped meanwhile)
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=False, data_only=True)
    except Exception as exc:
        raise QuanliError(f"无法读取 Excel 文件 {path}：{exc}", f"cannot read the Excel file {path}: {exc}") from None
    names = [ws.title for ws in book.worksheets]  # worksheets only: a chart sheet has no cells
    if not names:
        raise QuanliError(f"{path} 中没有工作表（只有图表或为空），无法导入。", f"{path} holds no worksheet.")
    if sheet:
        if sheet not in names:
            raise QuanliError(
                f"{path} 中没有名为“{sheet}”的工作表。已有：{'、'.join(names)}。",
                f"no sheet '{sheet}' in {path}; sheets: {', '.join(names)}.",
            )
        ws = book[sheet]
    else:  # the sheet whose header row knows the most columns
        scored = []
        for ws in book.worksheets:
            rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=MAX_HEADER_SCAN, values_only=True)]
            h = _find_header(rows, known) if rows else 0
            scored.append(
                (sum(1 for c in (rows[h] if rows else []) if known(_clean_header(c))), -book.worksheets.index(ws), ws)
            )
        ws = max(scored, key=lambda t: (t[0], t[1]))[2]
    merged_down: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:  # cells under the top of a vertical merge take its value
        for r in range(rng.min_row + 1, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged_down.add((r, c - 1))
    rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
    return _table_from_rows(rows, known, merged_down, ws.title)


@contextlib.contextmanager
def _no_sheet_sizes():
    """While a read-only workbook opens: openpyxl reads each sheet's size up front, through the whole
    sheet when it has no <dimension> (as openpyxl's own files: 1 s for 10,000 rows); xlsxrows needs none."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    saved = ReadOnlyWorksheet.__dict__.get("_get_size")
    if saved is None:
        yield
        return
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = saved


def _read_xlsx_fast(raw: bytes, path: Path, sheet: str | None, known) -> Table | None:
    """read_xlsx through migrate.xlsxrows: the same table, three times faster; None when that
    reader cannot vouch for a sheet (then openpyxl reads the whole workbook as before)."""
    import openpyxl

    from quanli.migrate.xlsxrows import sheet_rows

    try:
        with _no_sheet_sizes():
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:
        return None  # the full reader says what is wrong with the file
    try:
        sheets = list(book.worksheets)
        if not sheets or (sheet and sheet not in [ws.title for ws in sheets]):
            return None  # the full reader's messages
        read = {}
        for ws in sheets if not sheet else [book[sheet]]:
            got = sheet_rows(book, ws)
            if got is None:
                return None
            read[ws.title] = got
        if sheet:
            chosen = sheet
        else:  # the sheet whose header row knows the most columns (as read_xlsx)
            scored = []
            for n, ws in enumerate(sheets):
                rows = read[ws.title][0][:MAX_HEADER_SCAN]
                h = _find_header(rows, known) if rows else 0
                scored.append((sum(1 for c in (rows[h] if rows else []) if known(_clean_header(c))), -n, ws.title))
            chosen = max(scored, key=lambda t: (t[0], t[1]))[2]
        rows, merges = read[chosen]
        merged_down = {
            (r, c - 1)
            for min_row, min_col, max_row, max_col in merges
            for r in range(min_row + 1, max_row + 1)
            for c in range(min_col, max_col + 1)
        }
        return _table_from_rows(rows, known, merged_down, chosen)
    finally:
        book.close()


def decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030 (which reads GBK and GB2312)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:  # an odd number of bytes, a broken surrogate pair
            raise QuanliError(
                f"{path} 以 UTF-16 的标记开头，但内容不是完整的 UTF-16 文本，无法读取。请另存为“CSV UTF-8”。",
                f"{path} starts like UTF-16 but is not valid UTF-16.",
            ) from None
    if len(raw) >= 4 and raw.count(b"\x00") * 3 > len(raw):  # UTF-16 without a BOM: every other byte is 0
        for codec in ("utf-16-le", "utf-16-be") if raw[1:2] == b"\x00" else ("utf-16-be", "utf-16-le"):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                continue
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise QuanliError(
            f"{path} 既不是 UTF-8 也不是 GBK 编码，无法读取。请用 Excel 或 WPS 另存为“CSV UTF-8”。",
            f"{path} is neither UTF-8 nor GBK.",
        ) from None


def read_csv(path: Path, known) -> Table:
    text = decode_text(read_input(path), path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)  # newline="": a lone CR ends a line, as in a file
    try:
        rows = [row for row in reader]
    except csv.Error as exc:  # a field over the csv module's size limit, a quote the dialect cannot close …
        raise QuanliError(
            f"{path}:{reader.line_num} CSV 格式错误：{exc}。请用 Excel 或 WPS 打开后另存为“CSV UTF-8”。",
            f"{path}:{reader.line_num} invalid CSV: {exc}.",
        ) from None
    return _table_from_rows(rows, known)


def read_json(path: Path) -> Table:
    text = decode_text(read_input(path), path)
    records: list[Record] = []
    stripped = text.lstrip()
    if stripped.startswith("[") or stripped.startswith("{") and not _is_json_lines(stripped):
        data = _loads(text, path)
        if isinstance(data, dict):  # {"items": [...]} or {"data": [...]} (a portal's envelope), else one item
            envelopes = [
                v
                for k, v in data.items()
                if k in ("items", "data", "list", "rows", "records", "result")
                and isinstance(v, list)
                and all(isinstance(x, dict) for x in v)
            ]
            data = envelopes[0] if len(envelopes) == 1 and len(data) <= 5 else [data]
        if not isinstance(data, list):
            raise QuanliError(
                f"{path} 应当是对象的数组或 JSON Lines。", f"{path} must be an array of objects or JSON Lines."
            )
        for n, obj in enumerate(data, 1):
            if isinstance(obj, dict):
                obj = _clean(obj, path)
                records.append(Record(n, obj, {k: k for k in obj}))
    else:
        for n, line in enumerate(text.split("\n"), 1):  # not splitlines(): U+2028 may sit inside a string
            if not line.strip():
                continue
            obj = _loads(line, path, n)
            if isinstance(obj, dict):
                obj = _clean(obj, path)
                records.append(Record(n, obj, {k: k for k in obj}))
    headers: list[str] = []
    for r in records:
        headers += [k for k in r.values if k not in headers]
    return Table(headers, records)


def _clean(value: Any, path: Path, depth: int = 0) -> Any:
    """A JSON value as the importer may take it: a lone surrogate ("\\ud800", a broken export) cannot
    be written as UTF-8 and becomes ? (as ``values.text_of`` does for other cells); NaN and
    infinities (Python's JSON reads them) become their text, which the importer reports; nesting
    deeper than any item field is refused."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8") if _SURROGATE.search(value) else value
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if depth > MAX_DEPTH and isinstance(value, (list, dict)):
        raise QuanliError(
            f"{path} 中的 JSON 嵌套超过 {MAX_DEPTH} 层，无法导入。",
            f"{path}: JSON nested deeper than {MAX_DEPTH} levels.",
        )
    if isinstance(value, list):
        return [_clean(v, path, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_clean(k, path, depth + 1): _clean(v, path, depth + 1) for k, v in value.items()}
    return value


class _Duplicate(Exception):
    """A JSON object names one key twice (raised by _pairs, located by _find_duplicate)."""


class _Found(Exception):
    def __init__(self, pos: int, key: str) -> None:
        self.pos, self.key = pos, key


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Duplicate
    return obj


def _find_duplicate(text: str) -> tuple[int, str] | None:
    """(offset, key) of the first key named twice in one object of the JSON ``text`` (valid JSON:
    json.loads read it). Walked here, values other than objects and arrays by the json module's own
    scanner, since json.loads tells no positions; only ever run when there is a duplicate."""
    from json.decoder import scanstring

    scan = json.JSONDecoder().scan_once
    space = re.compile(r"[ \t\n\r]*")

    def ws(pos: int) -> int:
        return space.match(text, pos).end()

    def value(pos: int) -> int:
        pos = ws(pos)
        opener = text[pos]
        if opener not in "{[":
            return scan(text, pos)[1]
        closer, seen = ("}", set()) if opener == "{" else ("]", None)
        pos = ws(pos + 1)
        if text[pos] == closer:
            return pos + 1
        while True:
            pos = ws(pos)
            if seen is not None:
                key, after = scanstring(text, pos + 1)
                if key in seen:
                    raise _Found(pos, key)
                seen.add(key)
                pos = ws(after) + 1  # the colon
            pos = ws(value(pos))
            if text[pos] == closer:
                return pos + 1
            pos += 1  # the comma

    try:
        value(0)
    except _Found as found:
        return found.pos, found.key
    except (RecursionError, IndexError, ValueError, StopIteration):
        return None
    return None


def _duplicate_error(text: str, path: Path, line: int | None) -> QuanliError:
    """The QuanliError for a key named twice, at its second place (line and column, as JSONDecodeError counts them)."""
    found = _find_duplicate(text)
    if found is None:  # nested too deep to walk: the file is still refused
        where = f"{path}:{line}" if line else f"{path}"
        return QuanliError(
            f"{where} JSON 中有同一个对象里重复出现的键，无法导入（JSON 读取器会静默保留最后一个值，前面填写的内容就丢了）。请删除或合并重复的键。",
            f"{where}: a JSON object names the same key twice; not imported. Remove or merge it.",
        )
    pos, key = found
    row = line or text.count("\n", 0, pos) + 1
    column = pos - text.rfind("\n", 0, pos)
    shown = json.dumps(key, ensure_ascii=False)[1:-1][:60]  # control characters spelled out
    return QuanliError(
        f"{path}:{row}:{column} JSON 中同一个对象里键“{shown}”出现了两次，无法导入：JSON 读取器会静默保留后一个值，"
        "前面填写的内容就丢了（YAML 中重复的键同样会被拒绝）。请删除或合并重复的键。",
        f"{path}:{row}:{column} the key '{shown}' appears twice in one JSON object; not imported (a JSON reader "
        "silently keeps the last value). Remove or merge the duplicate.",
    )


def _loads(text: str, path: Path, line: int | None = None) -> Any:
    """json.loads with every failure a QuanliError: bad syntax, a key named twice in one object
    (refused, as YAML's duplicate keys are, with its line and column), nesting too deep for the
    decoder, a number too long for Python to read."""
    try:
        return json.loads(text, object_pairs_hook=_pairs)
    except _Duplicate:
        raise _duplicate_error(text, path, line) from None
    except json.JSONDecodeError as exc:
        where = f"{path}:{line or exc.lineno}:{exc.colno}"
        raise QuanliError(f"{where} JSON 格式错误：{exc.msg}", f"{where} invalid JSON: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # 5,000-digit integers; [[[[… thousands deep
        where = f"{path}:{line}" if line else f"{path}"
        raise QuanliError(f"{where} JSON 无法读取：{exc}", f"{where} unreadable JSON: {exc}") from None


def _is_json_lines(text: str) -> bool:
    first = text.split("\n", 1)[0]
    try:
        json.loads(first)
        return "\n" in text.strip()
    except (ValueError, RecursionError):  # a bad first line, too deep, too many digits: read as one document
        return False


def read_table(path: Path, sheet: str | None, known) -> Table:
    from quanli.core.fsutil import present

    if not present(path):  # a FIFO or a device is refused by name when read (read_input)
        raise QuanliError(f"找不到文件：{path}", f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet, known)
    if suffix in (".csv", ".tsv", ".txt"):
        return read_csv(path, known)
    if suffix in (".json", ".jsonl", ".ndjson"):
        return read_json(path)
    if suffix == ".xls":
        raise QuanliError(
            f"{path} 是旧版 Excel（.xls）。请在 Excel 或 WPS 中另存为 .xlsx 后再导入。",
            f"{path} is an old .xls file: save it as .xlsx first.",
        )
    raise QuanliError(
        f"不支持的文件类型：{path.suffix}（支持 .xlsx、.csv、.json、.jsonl）。",
        f"unsupported file type {path.suffix} (.xlsx, .csv, .json, .jsonl).",
    )
