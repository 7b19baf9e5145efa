"""Hostile files (issue 27, class 3 and the import part of class 6).

Special files: a catalogue file, a setting file or a file to import that is a FIFO, a device or a
link to one is refused by name, never waited on (a FIFO) nor read without end (/dev/zero); files
over the caps are refused before they are read. Decompression bombs: an XLSX whose members
inflate to hundreds of megabytes, or say they are smaller than they are, is refused before
openpyxl opens it. Import keeps text as data: a key named twice in a JSON object is refused, and
text that looks like a formula never becomes one in an exported CSV or XLSX.

The FIFO and device cases run quanli as a real process with a timeout (in this process a hang
would hang the test run); they need POSIX.
"""

from __future__ import annotations

import csv
import io
import json
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import openpyxl
import pytest

from conftest import dump, invoke, item
from quanli.core import zipsafe
from quanli.core.fsutil import FileTooLarge, NotRegularFile, read_regular
from quanli.loader.yamlparse import MAX_FILE_BYTES, load_bytes
from quanli.migrate.tables import MAX_INPUT_BYTES

ROOT = Path(__file__).resolve().parents[1]
posix = pytest.mark.skipif(sys.platform == "win32" or not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX")
TIMEOUT = 30  # far more than any of these commands takes; a hang fails the test instead of blocking the run


def run(*args: str, cwd: Path | None = None, lang: str = "zh") -> subprocess.CompletedProcess:
    """quanli as a real process; a hang is a failure after TIMEOUT seconds."""
    env = dict(os.environ, QUANLI_LANG=lang, PYTHONPATH=str(ROOT / "src"))
    env.pop("QUANLI_DEBUG", None)
    try:
        return subprocess.run(
            [sys.executable, "-m", "quanli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"quanli {' '.join(args)} did not finish in {TIMEOUT} s (a hang)")


def clean(result) -> str:
    out = (
        result.stdout + result.stderr if hasattr(result, "stderr") and isinstance(result.stderr, str) else result.output
    )
    assert "Traceback" not in out and "内部错误" not in out, out
    return out


def fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    os.mkfifo(path)
    return path


def link_to_zero(path: Path) -> Path:
    if path.exists() or path.is_symlink():
        path.unlink()
    os.symlink("/dev/zero", path)
    return path


# ---- catalogue files that are FIFOs or devices -----------------------------------------------------


@posix
def test_validate_reports_a_fifo_catalog_yaml_and_returns(cat):
    fifo(cat.root / "catalog.yaml")
    result = run("validate", str(cat.root), "--no-cache")
    out = clean(result)
    assert result.returncode == 1
    assert "QL100" in out and "catalog.yaml 不是普通文件，而是命名管道（FIFO" in out
    english = run("validate", str(cat.root), "--no-cache", lang="en")
    assert english.returncode == 1 and "catalog.yaml: not a regular file but a named pipe (FIFO" in clean(english)


@posix
def test_build_stops_on_a_fifo_catalog_yaml(cat, tmp_path):
    fifo(cat.root / "catalog.yaml")
    result = run("build", str(cat.root), "--out", str(tmp_path / "dist"))
    out = clean(result)
    assert result.returncode == 1 and "catalog.yaml 不是普通文件" in out and "没有生成成果" in out
    assert not (tmp_path / "dist").exists()


@posix
def test_fmt_says_a_fifo_catalog_yaml_cannot_be_formatted_and_formats_the_rest(cat):
    before = load_bytes((cat.root / "items" / "T-XK-001.yaml").read_bytes())[0]
    fifo(cat.root / "catalog.yaml")
    for args in (("fmt", "--check", str(cat.root)), ("fmt", str(cat.root))):
        result = run(*args)
        out = clean(result)
        assert result.returncode == 2, out
        assert "catalog.yaml: 未格式化：不是普通文件，而是命名管道（FIFO" in out and "1 个文件无法格式化" in out
    assert load_bytes((cat.root / "items" / "T-XK-001.yaml").read_bytes())[0] == before  # formatted, same data
    assert (cat.root / "items" / "T-XK-001.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server")


@posix
def test_a_fifo_laws_yaml_is_reported_as_unreadable_not_as_missing(cat):
    fifo(cat.root / "laws.yaml")
    result = run("validate", str(cat.root), "--no-cache", "--format", "json")
    clean(result)
    findings = json.loads(result.stdout)
    laws = [f for f in findings if f["file"].endswith("laws.yaml")]
    assert result.returncode == 1
    assert [f["rule"] for f in laws] == ["QL100"] and "laws.yaml 不是普通文件" in laws[0]["message"]


@posix
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making a device node needs root")
def test_a_catalog_yaml_that_is_a_character_device_is_never_opened(cat):
    (cat.root / "catalog.yaml").unlink()
    os.mknod(cat.root / "catalog.yaml", 0o600 | __import__("stat").S_IFCHR, os.makedev(1, 5))  # /dev/zero's numbers
    result = run("validate", str(cat.root), "--no-cache")
    assert result.returncode == 1 and "catalog.yaml 不是普通文件，而是字符设备（例如 /dev/zero" in clean(result)


def test_an_item_over_the_cap_says_its_own_size_with_the_cache_on(cat):
    path = cat.root / "items" / "T-XK-002.yaml"
    path.write_bytes(b"a: " + b"x" * (MAX_FILE_BYTES + 10))
    first = invoke("validate", str(cat.root), "--format", "json")
    path.write_bytes(
        b"a: " + b"x" * (MAX_FILE_BYTES + 5000)
    )  # still too large, another size: not recalled from the cache
    second = invoke("validate", str(cat.root), "--format", "json")
    sizes = [[f["message"] for f in json.loads(r.stdout) if f["rule"] == "QL106"] for r in (first, second)]
    assert sizes == [
        [
            f"文件过大（{(MAX_FILE_BYTES + 13) // 1024} KB，上限 4 MB），拒绝读取。一个事项文件通常只有几 KB，请检查是否放错了文件。"
        ],
        [
            f"文件过大（{(MAX_FILE_BYTES + 5003) // 1024} KB，上限 4 MB），拒绝读取。一个事项文件通常只有几 KB，请检查是否放错了文件。"
        ],
    ]


# ---- settings files --------------------------------------------------------------------------------


@posix
def test_a_fifo_quanli_toml_is_a_configuration_error(cat):
    fifo(cat.root / "quanli.toml")
    result = run("validate", str(cat.root))
    assert result.returncode == 2
    assert f"无法读取配置文件 {cat.root / 'quanli.toml'}：不是普通文件，而是命名管道（FIFO" in clean(result)


@posix
def test_a_quanli_toml_linked_to_dev_zero_is_a_configuration_error(cat):
    link_to_zero(cat.root / "quanli.toml")
    result = run("validate", str(cat.root), lang="en")
    assert result.returncode == 2 and "not a regular file but a character device" in clean(result)
    given = run("validate", str(cat.root), "--config", "/dev/zero")
    assert given.returncode == 2 and "无法读取配置文件 /dev/zero：不是普通文件，而是字符设备" in clean(given)


@posix
def test_a_fifo_workspace_file_is_a_configuration_error(cat, tmp_path):
    fifo(tmp_path / "quanli-workspace.yaml")
    for command in ("validate", "build"):
        result = run(command, str(tmp_path), *(["--out", str(tmp_path / "dist")] if command == "build" else []))
        assert result.returncode == 2, result.stdout
        assert f"无法读取工作区文件 {tmp_path / 'quanli-workspace.yaml'}：不是普通文件" in clean(result)


@posix
def test_a_workspace_member_whose_catalog_yaml_is_a_fifo_is_reported_in_that_member(cat, tmp_path):
    (tmp_path / "quanli-workspace.yaml").write_text(
        "schema_version: 1\nmembers:\n- path: cat\n  region: 测试县\n  level: 县级\n", encoding="utf-8"
    )
    assert invoke("validate", str(tmp_path), "--no-cache").exit_code == 0  # the workspace is sound
    fifo(cat.root / "catalog.yaml")
    result = run("validate", str(tmp_path), "--no-cache")
    assert (
        result.returncode == 1
        and "QL100" in clean(result)
        and "catalog.yaml 不是普通文件，而是命名管道" in result.stdout
    )


@posix
def test_a_fifo_holidays_yaml_is_a_configuration_error(cat):
    fifo(cat.root / "holidays.yaml")
    result = run("workdays", "2027-01-04", "5", cwd=cat.root)
    assert (
        result.returncode == 2
        and "无法读取放假安排文件" in clean(result)
        and "holidays.yaml：不是普通文件" in result.stderr + result.stdout
    )
    given = run("workdays", "--year", "2027", "--holidays", "/dev/zero")
    assert given.returncode == 2 and "无法读取放假安排文件 /dev/zero：不是普通文件，而是字符设备" in clean(given)


# ---- files to import -----------------------------------------------------------------------------


@posix
def test_import_of_a_fifo_is_refused(tmp_path):
    result = run("import", str(fifo(tmp_path / "in.csv")), "--into", str(tmp_path / "c"))
    assert result.returncode == 2 and f"无法读取文件 {tmp_path / 'in.csv'}：不是普通文件，而是命名管道" in clean(result)
    assert not (tmp_path / "c").exists()


@posix
def test_import_of_a_link_to_dev_zero_is_refused(tmp_path):
    for name in ("in.json", "in.xlsx"):
        result = run("import", str(link_to_zero(tmp_path / name)), "--into", str(tmp_path / "c"))
        assert result.returncode == 2 and f"{tmp_path / name}：不是普通文件，而是字符设备" in clean(result)


@posix
def test_import_with_a_fifo_mapping_file_is_refused(tmp_path):
    (tmp_path / "in.csv").write_text("事项名称,事项类型\n甲,行政许可\n", encoding="utf-8")
    result = run(
        "import", str(tmp_path / "in.csv"), "--into", str(tmp_path / "c"), "--mapping", str(fifo(tmp_path / "map.yaml"))
    )
    assert (
        result.returncode == 2
        and "无法读取映射文件" in clean(result)
        and "不是普通文件" in result.stderr + result.stdout
    )


@posix
def test_import_into_a_catalogue_with_a_fifo_laws_yaml_is_refused(cat, tmp_path):
    (tmp_path / "in.csv").write_text("事项名称,事项类型,设定依据\n甲,行政许可,《某某条例》第三条\n", encoding="utf-8")
    fifo(cat.root / "laws.yaml")
    result = run("import", str(tmp_path / "in.csv"), "--into", str(cat.root))
    assert (
        result.returncode == 2
        and "laws.yaml 不是普通文件" in clean(result)
        and "没有导入" in result.stderr + result.stdout
    )
    assert sorted(p.name for p in (cat.root / "items").iterdir()) == ["T-XK-001.yaml"]


def test_import_into_a_catalogue_never_reads_or_replaces_a_linked_laws_yaml(cat, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text((cat.root / "laws.yaml").read_text(encoding="utf-8") + "# 目录之外的内容\n", encoding="utf-8")
    (cat.root / "laws.yaml").unlink()
    try:
        os.symlink(outside, cat.root / "laws.yaml")
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"symbolic links not supported here: {exc}")
    (tmp_path / "in.csv").write_text("事项名称,事项类型,设定依据\n甲,行政许可,《某某条例》第三条\n", encoding="utf-8")
    result = invoke("import", str(tmp_path / "in.csv"), "--into", str(cat.root))
    assert result.exit_code == 2 and "laws.yaml 是符号链接" in clean(result) and "没有导入" in result.output
    assert (cat.root / "laws.yaml").is_symlink() and outside.read_text(encoding="utf-8").endswith("# 目录之外的内容\n")


def test_import_of_a_file_over_the_cap_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:  # sparse: takes no disk
        fh.truncate(MAX_INPUT_BYTES + 1)
    start = time.perf_counter()
    result = invoke("import", str(big), "--into", str(tmp_path / "c"))
    assert result.exit_code == 2 and f"无法读取文件 {big}：文件过大（262144 KB，上限 256 MB）" in clean(result)
    assert time.perf_counter() - start < 5


def test_read_regular_never_reads_more_than_the_cap(tmp_path, monkeypatch):
    """A file that says it is empty but is not (as /proc files do, or one that grows): read up to the cap + 1, then refused."""
    path = tmp_path / "grows"
    path.write_bytes(b"x" * (10 * 1024 * 1024))
    read, real_read, real_fstat = [], os.read, os.fstat

    def counting_read(fd, n):
        data = real_read(fd, n)
        read.append(len(data))
        return data

    class Empty:
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 0

    monkeypatch.setattr("quanli.core.fsutil.os.read", counting_read)
    monkeypatch.setattr("quanli.core.fsutil.os.fstat", lambda fd: Empty(real_fstat(fd)))
    with pytest.raises(FileTooLarge):
        read_regular(path, 1_000_000)
    assert sum(read) == 1_000_001
    monkeypatch.undo()
    assert read_regular(path, 10 * 1024 * 1024) == b"x" * (10 * 1024 * 1024)


@posix
def test_read_regular_refuses_a_fifo_without_waiting(tmp_path):
    start = time.perf_counter()
    with pytest.raises(NotRegularFile):
        read_regular(fifo(tmp_path / "p"), 100, prestat=False)  # opened (O_NONBLOCK), then refused by fstat
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path / "p", 100)
    assert time.perf_counter() - start < 1


# ---- decompression bombs -------------------------------------------------------------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>事项名称</t></is></c><c r="B1" t="inlineStr"><is><t>事项类型</t></is></c></row>'
    '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>行政许可</t></is></c></row>'
    "</sheetData></worksheet>",
}
SST_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>'.encode()
SST_TAIL = b"</t></si></sst>"


def _deflated(*pieces: bytes) -> bytes:
    """Raw deflate of the pieces, each compressed on its own and full-flushed (so copies of one can be joined)."""
    out = b""
    for piece in pieces:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        out += packer.compress(piece) + packer.flush(zlib.Z_FULL_FLUSH)
    return out


def _padded_shared_string(text: str, megabytes: int) -> tuple[bytes, int, int]:
    """(deflate stream, CRC-32, size) of a sharedStrings.xml whose one string is ``text`` and
    ``megabytes`` MB of "A" (a 400 MB string takes 400 KB and a few hundred milliseconds)."""
    chunk = b"A" * (1 << 20)
    block = _deflated(chunk)
    head = SST_HEAD + text.encode()
    stream = _deflated(head) + block * megabytes + _deflated(SST_TAIL) + b"\x03\x00"  # an empty final block
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(SST_TAIL, crc)
    return stream, crc, len(head) + megabytes * len(chunk) + len(SST_TAIL)


def _zip(path: Path, members: list[tuple[str, int, bytes, int, int]]) -> Path:
    """A ZIP written by hand: (name, method, stored bytes, CRC-32, declared size) each; the
    declared size may lie."""
    body, directory = b"", b""
    for name, method, data, crc, size in members:
        raw = name.encode()
        directory += (
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0x800,
                method,
                0,
                0x5C21,
                crc,
                len(data),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                len(body),
            )
            + raw
        )
        body += (
            struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0x800, method, 0, 0x5C21, crc, len(data), size, len(raw), 0)
            + raw
            + data
        )
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


def _xlsx(
    path: Path, text: str = "建设项目环境影响报告表审批", megabytes: int = 0, declared: int | None = None
) -> Path:
    members = []
    for name, xml in PARTS.items():
        data = xml.encode()
        members.append((name, 8, _deflated(data) + b"\x03\x00", zlib.crc32(data), len(data)))
    stream, crc, size = _padded_shared_string(text, megabytes)
    members.append(("xl/sharedStrings.xml", 8, stream, crc, size if declared is None else declared))
    return _zip(path, members)


def test_a_handmade_xlsx_imports(tmp_path):
    """The bombs below are made the same way: this one, with a short string, is read as any XLSX."""
    result = invoke("import", str(_xlsx(tmp_path / "ok.xlsx")), "--into", str(tmp_path / "c"), "--format", "json")
    assert result.exit_code == 0, result.output
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "c" / "items").glob("*.yaml")]
    assert len(texts) == 1 and "name: 建设项目环境影响报告表审批" in texts[0]


def test_a_400_mb_shared_string_is_refused_quickly_and_in_little_memory(tmp_path):
    bomb = _xlsx(tmp_path / "bomb.xlsx", megabytes=400)
    assert bomb.stat().st_size < 500 * 1024
    # the peak memory of the import alone: measured by a process whose only child it is
    probe = (
        (
            "import resource, subprocess, sys, time\nstart = time.perf_counter()\n"
            "r = subprocess.run([sys.executable, '-m', 'quanli', *sys.argv[1:]], capture_output=True, text=True)\n"
            "print(r.returncode, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "sys.stdout.write(r.stderr)\n"
        )
        if sys.platform != "win32"
        else None
    )
    if probe is None:
        result = invoke("import", str(bomb), "--into", str(tmp_path / "c"))
        assert result.exit_code == 2 and "xl/sharedStrings.xml" in clean(result)
        return
    env = dict(os.environ, QUANLI_LANG="zh", PYTHONPATH=str(ROOT / "src"))
    out = subprocess.run(
        [sys.executable, "-c", probe, "import", str(bomb), "--into", str(tmp_path / "c")],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
    ).stdout
    head, message = out.split("\n", 1)
    code, seconds, peak = head.split()
    assert "Traceback" not in message
    assert code == "2" and f"{bomb} 中的 xl/sharedStrings.xml 解压后有 400.0 MB，超过单个成员的上限 256 MB" in message
    assert "压缩炸弹" in message and "没有导入任何内容" in message
    assert float(seconds) < 10  # 28 s before
    peak_mb = int(peak) / (1024 * 1024 if sys.platform == "darwin" else 1024)
    assert peak_mb < 300, peak_mb  # 3.3 GB before; about 50 MB now
    assert not (tmp_path / "c").exists()


def test_a_member_that_inflates_more_than_it_declares_is_refused(tmp_path):
    """The central directory says 1 KB; the stream gives 300 MB. Readers that trust the size would
    inflate it all at once (zipfile.read does) before cutting it to 1 KB."""
    liar = _xlsx(tmp_path / "liar.xlsx", megabytes=300, declared=1024)
    start = time.perf_counter()
    result = invoke("import", str(liar), "--into", str(tmp_path / "c"))
    assert result.exit_code == 2
    assert f"{liar} 中的 xl/sharedStrings.xml 实际解压后比文件中记载的大小（1 KB）更大：文件已损坏或被篡改" in clean(
        result
    )
    assert time.perf_counter() - start < 5


def test_a_member_with_a_bomb_s_compression_ratio_is_refused(tmp_path):
    """20 MB from 20 KB: under the size caps, but no spreadsheet part compresses a thousand times."""
    result = invoke(
        "import", str(_xlsx(tmp_path / "dense.xlsx", megabytes=20)), "--into", str(tmp_path / "c"), "--lang", "en"
    )
    assert (
        result.exit_code == 2
        and "xl/sharedStrings.xml in" in clean(result)
        and f"more than {zipsafe.MAX_RATIO} times" in result.output
    )


def test_a_zip_of_too_many_members_is_refused(tmp_path):
    members = [(f"m{n}.xml", 0, b"", 0, 0) for n in range(zipsafe.MAX_MEMBERS + 1)]
    result = invoke("import", str(_zip(tmp_path / "many.xlsx", members)), "--into", str(tmp_path / "c"))
    assert result.exit_code == 2 and f"中有 {zipsafe.MAX_MEMBERS + 1} 个压缩成员，超过上限" in clean(result)


def test_a_member_compressed_in_a_way_excel_never_uses_is_refused(tmp_path):
    import bz2

    data = b"<x/>" * 1000
    members = [
        (name, 8, _deflated(xml.encode()) + b"\x03\x00", zlib.crc32(xml.encode()), len(xml.encode()))
        for name, xml in PARTS.items()
    ]
    members.append(("xl/sharedStrings.xml", 12, bz2.compress(data), zlib.crc32(data), len(data)))
    result = invoke("import", str(_zip(tmp_path / "bz.xlsx", members)), "--into", str(tmp_path / "c"))
    assert result.exit_code == 2 and "xl/sharedStrings.xml 使用了 Excel 不用的压缩方式（12）" in clean(result)


def test_the_own_export_of_a_catalogue_passes_the_zip_checks(cat, tmp_path):
    out = tmp_path / "e.xlsx"
    assert invoke("export", str(cat.root), "--out", str(out)).exit_code == 0
    zipsafe.check(out.read_bytes(), out)  # no exception
    result = invoke("import", str(out), "--into", str(cat.root), "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["skipped"] == ["T-XK-001"]


# ---- JSON: a key named twice ---------------------------------------------------------------------


def test_a_json_key_named_twice_is_refused_with_line_and_column(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('[{"事项名称": "甲",\n  "事项类型": "行政许可", "事项名称": "乙"}]\n', encoding="utf-8")
    result = invoke("import", str(path), "--into", str(tmp_path / "c"))
    assert result.exit_code == 2
    assert '  "事项类型": "行政许可", "事项名称"'.index('"事项名称"') + 1 == 19
    assert f"{path}:2:19 JSON 中同一个对象里键“事项名称”出现了两次，无法导入" in clean(result)
    assert not (tmp_path / "c").exists()
    english = invoke("import", str(path), "--into", str(tmp_path / "c"), "--lang", "en")
    assert (
        english.exit_code == 2 and f"{path}:2:19 the key '事项名称' appears twice in one JSON object" in english.output
    )


def test_a_nested_duplicate_in_json_lines_is_refused_on_its_line(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text(
        '{"事项名称": "甲", "事项类型": "行政许可"}\n'
        '{"事项名称": "乙", "extra": {"a": [1, {"k": 1, "k\\u0000": 2, "\\u006b": 3}]}}\n',
        encoding="utf-8",
    )
    result = invoke("import", str(path), "--into", str(tmp_path / "c"))
    column = path.read_text(encoding="utf-8").split("\n")[1].index('"\\u006b"') + 1
    assert result.exit_code == 2 and f"{path}:2:{column} JSON 中同一个对象里键“k”出现了两次" in clean(result)


def test_the_same_key_in_different_objects_is_no_duplicate(tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(
        json.dumps(
            [
                {"事项名称": "甲", "事项类型": "行政许可", "x": {"事项名称": 1}},
                {"事项名称": "乙", "事项类型": "行政许可"},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = invoke("import", str(path), "--into", str(tmp_path / "c"), "--format", "json")
    assert result.exit_code == 0, result.output


# ---- formulas: text in, text out -----------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil","点击")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "=1+1", "'=already quoted"]


def _exported(folder: Path, tmp_path: Path) -> tuple[list[list[str]], list]:
    csv_out, xlsx_out = tmp_path / "out.csv", tmp_path / "out.xlsx"
    assert invoke("export", str(folder), "--format", "csv", "--out", str(csv_out)).exit_code == 0
    assert invoke("export", str(folder), "--out", str(xlsx_out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"), newline="")))
    cells = [c for row in openpyxl.load_workbook(xlsx_out).active.iter_rows() for c in row if c.value is not None]
    return rows, cells


def _never_a_formula(rows: list[list[str]], cells: list) -> None:
    for row in rows:
        for text in row:
            assert not text.startswith(("=", "+", "-", "@", "\t", "\r")), text
    for c in cells:
        assert c.data_type != "f", (c.coordinate, c.value)


def test_formula_text_imported_from_csv_is_never_a_formula_in_an_export(tmp_path):
    source = io.StringIO(newline="")
    writer = csv.writer(source)
    writer.writerow(["事项名称", "事项类型", "备注"])
    for n, text in enumerate(FORMULAS):
        writer.writerow([text, "行政许可", f"备注{n}" if n % 2 else text])
    (tmp_path / "in.csv").write_text(source.getvalue(), encoding="utf-8")
    assert invoke("import", str(tmp_path / "in.csv"), "--into", str(tmp_path / "c")).exit_code == 0
    rows, cells = _exported(tmp_path / "c", tmp_path)
    _never_a_formula(rows, cells)
    name = rows[0].index("项目名称（name）")
    assert sorted(r[name] for r in rows[1:]) == sorted("'" + t for t in FORMULAS)  # ' before, as OWASP says
    assert sorted(c.value for c in cells if c.column == name + 1 and c.row > 1) == sorted(
        FORMULAS
    )  # text cells, as typed
    # and read back, the texts are as they were (the guard comes off again)
    again = invoke("import", str(tmp_path / "out.csv"), "--into", str(tmp_path / "d"))
    assert again.exit_code == 0
    names = sorted(
        line.split(": ", 1)[1]
        for p in (tmp_path / "d" / "items").glob("*.yaml")
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.startswith("name: ")
    )
    assert len(names) == len(FORMULAS)


def test_formula_text_imported_from_json_is_never_a_formula_in_an_export(tmp_path):
    (tmp_path / "in.json").write_text(
        json.dumps([{"事项名称": t, "事项类型": "行政许可"} for t in FORMULAS], ensure_ascii=False), encoding="utf-8"
    )
    assert invoke("import", str(tmp_path / "in.json"), "--into", str(tmp_path / "c")).exit_code == 0
    _never_a_formula(*_exported(tmp_path / "c", tmp_path))


def test_formula_text_in_an_item_is_never_a_formula_in_the_built_table(cat, tmp_path):
    cat.write("items/T-XK-001.yaml", dump(item(name=FORMULAS[0], remarks=FORMULAS[1])))
    result = invoke("build", str(cat.root), "--out", str(tmp_path / "dist"))
    assert result.exit_code == 0, result.output
    rows = list(
        csv.reader(
            io.StringIO((tmp_path / "dist" / "table" / "catalog.csv").read_text(encoding="utf-8-sig"), newline="")
        )
    )
    _never_a_formula(
        rows,
        [
            c
            for row in openpyxl.load_workbook(tmp_path / "dist" / "table" / "catalog.xlsx").active.iter_rows()
            for c in row
            if c.value is not None
        ],
    )
    assert "'" + FORMULAS[0] in rows[1]
