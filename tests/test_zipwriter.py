"""bundle.ZipWriter: the ZIP quanli writes itself is laid out byte for byte as zipfile lays it out."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from quanli.render import bundle

STAMP = (2026, 3, 14, 15, 9, 26)
MEMBERS = {
    "manifest.json": b'{"a": 1}\n' * 40,
    "sheets/T-XK-001.docx": b"PK\x03\x04" + bytes(range(256)) * 4,  # stored, as the bundle stores Office files
    "site/items/许可事项.html": "<p>行政许可</p>\n".encode() * 30,
    "empty.txt": b"",
    "near-the-limit.txt": b"q" * 290,  # under the lowered limit, but not by 5%: a ZIP64 header all the same
}


def _zipfile_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_STORED if data[:4] == b"PK\x03\x04" else zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def _ours(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    out = bundle.ZipWriter(buf, STAMP)
    for name, data in members.items():
        if data[:4] == b"PK\x03\x04":
            out.add(name, zipfile.ZIP_STORED, zlib.crc32(data), len(data), data)
        else:
            packed = bundle.Packed(data)
            out.add(name, zipfile.ZIP_DEFLATED, packed.crc, len(data), packed.raw)
    out.close()
    return buf.getvalue()


@pytest.mark.parametrize("large", [False, True], ids=["plain", "zip64"])
def test_zip_writer_writes_what_zipfile_writes(monkeypatch, large):
    if large:  # ZIP64 headers, offsets and end records, without writing gigabytes: lower the limits
        monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 300)
        monkeypatch.setattr(bundle, "_LIMIT", 300)
        monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    ours = _ours(MEMBERS)
    assert ours == _zipfile_bytes(MEMBERS)
    if large:
        assert b"PK\x06\x06" in ours and b"PK\x06\x07" in ours  # the ZIP64 end records were written
    with zipfile.ZipFile(io.BytesIO(ours)) as zf:
        assert zf.testzip() is None
        assert {n: zf.read(n) for n in zf.namelist()} == MEMBERS
        names = {i.filename: i.flag_bits & 0x800 for i in zf.infolist()}
        assert names["site/items/许可事项.html"] and not names["manifest.json"]  # UTF-8 names flagged, ASCII not


def _write(path, files: dict, digests: dict, previous=None) -> int:
    with open(path, "wb") as fh:
        gathered = bundle.Gather(fh)
        copied = bundle.write_zip(gathered, files, 1_700_000_000, digests, previous)
        gathered.flush()
    return copied


def test_a_bundle_over_its_predecessor_is_the_bytes_of_a_fresh_one(tmp_path):
    """Members copied verbatim from the previous ZIP get the right offsets in the new directory."""

    def digests(files):
        return {n: str(zlib.crc32(d)) for n, d in files.items()}

    first = dict(MEMBERS)
    old, copied_into, fresh = tmp_path / "old.zip", tmp_path / "copied.zip", tmp_path / "fresh.zip"
    assert _write(old, first, digests(first)) == 0
    second = dict(first, **{"manifest.json": b'{"a": 2}\n' * 41, "a-new.txt": b"new"})
    assert _write(copied_into, second, digests(second), (str(old), digests(first))) == len(first) - 1
    assert _write(fresh, second, digests(second)) == 0
    assert copied_into.read_bytes() == fresh.read_bytes()
    with zipfile.ZipFile(copied_into) as zf:
        assert zf.testzip() is None and {n: zf.read(n) for n in zf.namelist()} == second
