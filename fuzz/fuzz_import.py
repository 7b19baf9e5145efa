"""Fuzz ``quanli import``: reading XLSX, CSV and JSON tables from arbitrary bytes, and mapping
arbitrary cell values to item fields.

    python fuzz/fuzz_import.py -max_total_time=600 -timeout=10 -max_len=20000 /tmp/corpus-import

The first byte of an input picks the target, the second its options, the rest is the payload:

* 0 CSV, 1 JSON (or JSON Lines), 2 XLSX: the payload is the file, imported by the command's own
  function (``commands.migrate.import_``) either as a dry run (JSON or text report) or for real,
  into a new folder or into an existing catalogue with ``--update``.
* 3: a row of cells: the payload split at 0x1f into cells, each a typed value (first byte: s
  text, i integer, f float, b boolean, n empty, d date, l list, j object), each put in a column
  chosen by its second byte among the item fields and the header synonyms; mapped with
  ``importer.row_to_item``, completed and written as YAML with ``yamlfmt.dump_document``.

The only exceptions allowed are the project's ``QuanliError`` (a message and exit code 2) and
``ParseFailure``; anything else is a crasher. A hang is caught by libFuzzer's ``-timeout``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
import struct
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

INSTRUMENT = __name__ == "__main__" and common.atheris_wanted()  # never when a test imports this file
with common.instrumented(INSTRUMENT):
    from quanli.commands import migrate
    from quanli.loader import scaffold, yamlfmt
    from quanli.migrate import columns, export, importer, tables, values  # noqa: F401

from quanli.core.errors import QuanliError  # noqa: E402
from quanli.loader.yamlparse import ParseFailure, load_bytes  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="quanli-fuzz-import-"))
SUFFIX = {0: ".csv", 1: ".json", 2: ".xlsx"}
PATHS = sorted(set(columns.export_paths()) | set(columns.SYNONYMS)) + ["extra", "time_limit.note"]
HEADERS = [h for hs in columns.SYNONYMS.values() for h in hs]
BASE = WORK / "base"  # a catalogue to import into with --update (made on first use)


def table_file(kind: int, options: int, payload: bytes) -> None:
    suffix = SUFFIX[kind]
    if kind == 1 and options & 8:
        suffix = ".jsonl"
    source = WORK / f"in{suffix}"
    source.write_bytes(payload)
    dry_run = not options & 1
    fmt = "json" if options & 2 else "text"
    into = WORK / "into"
    if into.exists():
        shutil.rmtree(into)
    if options & 4:
        if not BASE.exists():
            scaffold.make_catalogue(BASE, "测试县生态环境局")
        shutil.copytree(BASE, into)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            migrate.import_(source, into, None, None, dry_run, bool(options & 4), None, fmt, "zh")
    except (QuanliError, ParseFailure):
        return
    if not dry_run:  # what was written reads back as YAML
        for path in sorted(into.rglob("*.yaml")):
            data, _ = load_bytes(path.read_bytes())
            assert isinstance(data, dict), path


def cell(blob: bytes, nested: bool = False):
    """A value as a table reader gives it: XLSX scalars (text, numbers, booleans, dates), or JSON
    values (lists and objects of JSON types: never a date inside them)."""
    kind, body = blob[:1], blob[1:]
    if nested and kind == b"d":
        kind = b"s"
    text = body.decode("utf-8", "replace")  # tables never give a lone surrogate (read_json replaces it)
    if kind == b"i":
        return int.from_bytes(body[:16], "little", signed=True)
    if kind == b"f":
        return struct.unpack("<d", (body + bytes(8))[:8])[0]  # NaN and infinities too
    if kind == b"b":
        return bool(body[:1] and body[0] & 1)
    if kind == b"n":
        return None
    if kind == b"d":
        n = int.from_bytes(body[:4], "little") % (3_000_000 * 86400)
        when = dt.datetime(1900, 1, 1) + dt.timedelta(seconds=n)
        return when.date() if body[4:5] == b"d" else when
    if kind == b"l":
        return [cell(part, True) for part in body.split(b"\x1e")]
    if kind == b"j":
        return {part.decode("utf-8", "replace"): cell(part, True) for part in body.split(b"\x1e")}
    return text


def row(options: int, payload: bytes) -> None:
    record_values, mapping = {}, {}
    for n, blob in enumerate(payload.split(b"\x1f")[:40]):
        if len(blob) < 2:
            continue
        choice = blob[0]
        if choice < 128:
            path = PATHS[choice % len(PATHS)]
            header = columns.export_header(path) if options & 1 else path  # exported (exact) or JSON key
        else:
            header = HEADERS[choice % len(HEADERS)]
            path = columns.resolve(header, {})
        header = f"{header}#{n}" if header in record_values else header
        record_values[header] = cell(blob[1:])
        if path:
            mapping[header] = path
    record = tables.Record(2, record_values, {h: tables.column_letter(i) for i, h in enumerate(record_values)})
    problems: list = []
    names = [name for _, name in __import__("quanli.core.model", fromlist=["x"]).NATIONAL_CATEGORIES]
    defaults = {"department": "办公室"} if options & 2 else {}
    data = importer.row_to_item(record, mapping, names, defaults, problems, csv_guard=bool(options & 4))
    for p in problems:
        assert isinstance(p.message, str) and p.message
    item = importer.complete(data, "XK-0001", "测试局", None if options & 8 else "社会公开")
    try:
        text = yamlfmt.dump_document(item, "item", "# fuzz")
    except yamlfmt.Unsafe:
        return  # the command turns this into a QuanliError (cannot write the item)
    back, _ = load_bytes(text.encode("utf-8"))
    assert isinstance(back, dict) and back.get("id") == "XK-0001"


def test_one(data: bytes) -> None:
    if len(data) < 2:
        return
    kind, options, payload = data[0] % 4, data[1], data[2:]
    if kind == 3:
        row(options, payload)
    else:
        table_file(kind, options, payload)


def seeds() -> list[bytes]:
    from quanli.loader.catalogue import load_catalogue

    out = []
    for sample in sorted(p for p in common.SAMPLES.iterdir() if p.is_dir()):
        items = [sf.data for sf in load_catalogue(sample, use_cache=False).items if sf.ok][:6]
        for kind, fmt in ((0, "csv"), (1, "json"), (2, "xlsx")):
            blob = export.render(items, fmt)
            out += [bytes([kind, 0]) + blob, bytes([kind, 7]) + blob]
    out.append(
        bytes([0, 2])
        + "事项名称,事项类型,设定依据,承诺时限,公开范围\r\n新增许可,行政许可,《示例条例》第三条,5个工作日,不予公开\r\n".encode(
            "gbk"
        )
    )
    out.append(
        bytes([1, 10])
        + '{"matter_name": "年检", "TASK_TYPE": "07", "handle_time": "1(工作日)"}\n{"matter_name": "乙"}\n'.encode()
    )
    out.append(
        bytes([3, 1])
        + b"\x1f".join(
            [
                b"\x05s\xe7\x94\xb3\xe8\xaf\xb7",
                b"\x90s20\xe4\xb8\xaa\xe5\xb7\xa5\xe4\xbd\x9c\xe6\x97\xa5",
                b"\x91f\x00\x00\x00\x00\x00\x00\x34\x40",
                b"\x92l1\x1e2",
                b"\x93j{}",
            ]
        )
    )
    fuzz_cases = common.ROOT / "tests" / "data" / "fuzz" / "import"
    for path in sorted(fuzz_cases.glob("*")) if fuzz_cases.is_dir() else []:
        out.append(path.read_bytes())
    return out


if __name__ == "__main__":
    try:
        common.run(test_one, seeds(), sys.argv)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
