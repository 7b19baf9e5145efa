"""一盘's package: manifest.json and a reproducible ZIP of every deliverable."""

from __future__ import annotations

import io
import json
import os
import struct
import time
import zipfile

# ZIP cannot store times before 1980; a fixed time keeps the archive reproducible.
ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z


def zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    return time.gmtime(max(epoch, ZIP_EPOCH_MIN))[:6]


class Bundle:
    """The 一盘 ZIP, written straight to its file by ``write_tree`` (never held in memory).

    ``previous``: (path, {member: sha256}) of the last build's ZIP, when that file is still
    what the last build wrote. A member whose SHA-256 is unchanged is copied from it as
    stored (compressed), with a fresh header; the result is the same bytes as compressing
    it again."""

    def __init__(
        self, files: dict, epoch: int, digests: dict[str, str], previous: tuple[str, dict] | None = None
    ) -> None:
        self.files, self.epoch, self.digests, self.previous = files, epoch, digests, previous

    def write(self, path: str) -> None:
        try:
            with open(path, "wb") as fh:
                gathered = Gather(fh)
                write_zip(gathered, self.files, self.epoch, self.digests, self.previous)
                gathered.flush()
        except (OSError, zipfile.BadZipFile, ValueError, EOFError):
            if self.previous is None:
                raise
            self.previous = None  # the previous bundle changed or is damaged: without it
            self.write(path)


class Gather:
    """A write-only file that passes its writes on in pieces of a megabyte: zipfile writes each
    member's directory entry in four small writes, 120,000 of them for a 10,000-item bundle."""

    PIECE = 1 << 20

    def __init__(self, fp) -> None:
        self.fp, self.parts, self.size, self.pos = fp, [], 0, fp.tell()

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        self.pos += len(data)
        if self.size >= self.PIECE:
            self.flush()
        return len(data)

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence != 0 or offset != self.pos:  # zipfile only "seeks" to where it is
            raise OSError("Gather cannot seek")
        return self.pos

    def flush(self) -> None:
        if self.parts:
            self.fp.write(b"".join(self.parts))
            self.parts.clear()
            self.size = 0
        self.fp.flush()


def _old_members(previous: tuple[str, dict] | None):
    """(open file, {name: ZipInfo}, {name: sha256}) of the previous ZIP, or None if unusable."""
    if previous is None:
        return None
    path, listing = previous
    try:
        fh = open(path, "rb")
    except OSError:
        return None
    try:
        infos = _directory(fh)
        if infos is None:  # ZIP64, a comment, or anything unusual: let zipfile read it
            with zipfile.ZipFile(fh) as zf:
                infos = {info.filename: info for info in zf.infolist()}
        return fh, infos, listing if isinstance(listing, dict) else {}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error, UnicodeDecodeError):
        fh.close()
        return None


class Entry:
    """What write_zip needs of a member of the previous bundle (the fields of a ZipInfo)."""

    __slots__ = (
        "filename",
        "header_offset",
        "compress_size",
        "file_size",
        "CRC",
        "compress_type",
        "date_time",
        "flag_bits",
    )

    def __init__(
        self,
        filename,
        header_offset,
        compress_size,
        file_size,
        CRC,
        compress_type,
        date_time,  # noqa: N803
        flag_bits,
    ) -> None:
        self.filename, self.header_offset, self.compress_size, self.file_size = (
            filename,
            header_offset,
            compress_size,
            file_size,
        )
        self.CRC, self.compress_type, self.date_time, self.flag_bits = CRC, compress_type, date_time, flag_bits


_CENTRAL = struct.Struct("<4s6H3L5H2L")  # a central directory entry, as zipfile's structCentralDir


def _directory(fh) -> dict[str, Entry] | None:
    """The central directory of a ZIP as our own writer lays it out (no ZIP64, no comment), read
    four times faster than zipfile reads it; None for any other layout."""
    fh.seek(0, 2)
    size = fh.tell()
    if size < 22:
        return None
    fh.seek(size - 22)
    end = fh.read(22)
    if end[:4] != b"PK\x05\x06":
        return None  # a comment after the end record, or not a ZIP: zipfile knows what to do
    _, disk, disk_dir, count, total, dir_size, dir_offset, comment = struct.unpack("<4s4H2LH", end)
    if disk or disk_dir or count != total or count == 0xFFFF or dir_offset == 0xFFFFFFFF or comment:
        return None
    if dir_offset + dir_size != size - 22:
        return None
    fh.seek(dir_offset)
    data = fh.read(dir_size)
    out: dict[str, Entry] = {}
    pos, unpack = 0, _CENTRAL.unpack_from
    for _ in range(count):
        (
            sig,
            _made,
            _need,
            flags,
            method,
            mtime,
            mdate,
            crc,
            csize,
            usize,
            nlen,
            xlen,
            clen,
            _disk,
            _iattr,
            _eattr,
            offset,
        ) = unpack(data, pos)
        if sig != b"PK\x01\x02" or 0xFFFFFFFF in (csize, usize, offset):
            return None
        start = pos + _CENTRAL.size
        raw = data[start : start + nlen]
        name = raw.decode("utf-8") if flags & 0x800 else raw.decode("cp437")
        when = (
            (mdate >> 9) + 1980,
            (mdate >> 5) & 0xF,
            mdate & 0x1F,
            mtime >> 11,
            (mtime >> 5) & 0x3F,
            (mtime & 0x1F) * 2,
        )
        out[name] = Entry(name, offset, csize, usize, crc, method, when, flags)
        pos = start + nlen + xlen + clen
    return out if pos == dir_size else None


def _raw(fh, info: zipfile.ZipInfo) -> bytes | None:
    """The stored (compressed) bytes of one member, or None if its header is not what we write."""
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04" or info.flag_bits & 0x08:
        return None
    name_len, extra_len = int.from_bytes(head[26:28], "little"), int.from_bytes(head[28:30], "little")
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    raw = fh.read(info.compress_size)
    return raw if len(raw) == info.compress_size else None


BIG_MEMBER = 1 << 20


def write_zip(
    fp, files: dict, epoch: int, digests: dict[str, str] | None = None, previous: tuple[str, dict] | None = None
) -> int:
    """Write the deterministic ZIP of ``files`` (bytes or Kept values) to ``fp``; returns how many
    members were copied from ``previous`` instead of being compressed again.

    A member whose content and time stamp are both unchanged is the same bytes, header
    included: runs of such members are copied from the previous ZIP in one piece."""
    import zlib

    from quanli.render.outputs import Kept, data_of

    stamp = zip_time(epoch)
    old = _old_members(previous) if digests is not None else None
    ends = _ends(old[1]) if old is not None else {}
    copied = 0
    run: list = []  # [old start, old end, new start] of bytes to copy as they are
    zf = ZipWriter(fp, stamp)

    def flush() -> None:
        if run:
            _copy(old[0], fp, run[0], run[1])
            run.clear()

    try:
        for name in sorted(files):
            value = files[name]
            raw = None
            prev = old[1].get(name) if old is not None else None
            if prev is not None and old[2].get(name) == digests.get(name) is not None:
                size = value.size if isinstance(value, Kept) else len(value)
                if prev.file_size == size and prev.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    copied += 1
                    if prev.date_time == stamp and ends.get(name) is not None:  # verbatim, header and all
                        if not run or run[1] != prev.header_offset:
                            flush()
                            run[:] = [prev.header_offset, prev.header_offset, fp.tell()]
                        zf.note(
                            name,
                            prev.compress_type,
                            prev.CRC,
                            prev.file_size,
                            prev.compress_size,
                            run[2] + (prev.header_offset - run[0]),
                        )
                        run[1] = ends[name]
                        continue
                    raw = _raw(old[0], prev)
                    if raw is not None:
                        flush()
                        zf.add(name, prev.compress_type, prev.CRC, prev.file_size, raw)
                        continue
                    copied -= 1
            flush()
            data = data_of(value)
            # Office files are ZIPs already: deflating them again costs time and saves nothing
            if data[:4] == b"PK\x03\x04":
                zf.add(name, zipfile.ZIP_STORED, zlib.crc32(data), len(data), data)
                continue
            # level 6, as zipfile does; level 1 for the few large whole-catalogue files
            # (tables, index, manifest): four times faster, a quarter larger
            packer = zlib.compressobj(1 if len(data) > BIG_MEMBER else 6, zlib.DEFLATED, -15)
            zf.add(name, zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data), packer.compress(data) + packer.flush())
        flush()
        zf.close()
    finally:
        if old is not None:
            old[0].close()
    return copied


def _ends(infos: dict[str, zipfile.ZipInfo]) -> dict[str, int | None]:
    """Where each member of the previous ZIP ends, for members laid out as we write them: a
    30-byte header, the name, no extra field, the data, no descriptor (else None)."""
    order = sorted(infos.values(), key=lambda i: i.header_offset)
    out: dict[str, int | None] = {}
    for info, nxt in zip(order, order[1:] + [None]):
        end = info.header_offset + 30 + len(info.filename.encode("utf-8")) + info.compress_size
        plain = (
            not info.flag_bits & 0x08
            and info.file_size <= zipfile.ZIP64_LIMIT
            and info.compress_size <= zipfile.ZIP64_LIMIT
        )
        out[info.filename] = end if plain and (nxt is None or nxt.header_offset == end) else None
    return out


def _copy(src, dst, start: int, end: int) -> None:
    if isinstance(dst, Gather) and hasattr(os, "copy_file_range"):
        try:  # Linux: the kernel copies (or shares) the bytes, without a pass through Python
            dst.flush()
            out, at, left = dst.fp.fileno(), start, end - start
            while left > 0:
                n = os.copy_file_range(src.fileno(), out, left, at)
                if n <= 0:
                    raise OSError("the previous bundle is shorter than its directory says")
                at, left = at + n, left - n
            dst.pos += end - start
            dst.fp.seek(dst.pos)
            return
        except (OSError, ValueError, io.UnsupportedOperation) as exc:
            if isinstance(exc, OSError) and "shorter" in str(exc):
                raise
            dst.fp.seek(dst.pos)  # not on this file system: copy through Python from where we are
            dst.fp.truncate()
    src.seek(start)
    left = end - start
    while left > 0:
        chunk = src.read(min(left, 1 << 20))
        if not chunk:
            raise OSError("the previous bundle is shorter than its directory says")
        dst.write(chunk)
        left -= len(chunk)


_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_CENTRAL_OUT = struct.Struct("<4s4B4HL2L5H2L")  # zipfile's structCentralDir
_LIMIT = zipfile.ZIP64_LIMIT


class ZipWriter:
    """A ZIP written member by member from bytes already compressed, laid out byte for byte as
    ``zipfile.ZipFile.writestr`` lays it out (a header with the final CRC and sizes, no data
    descriptor, ZIP64 fields exactly where zipfile puts them, one time stamp, mode 0644, made on
    unix): about five times faster than zipfile for the bundle's 50,000 small members."""

    def __init__(self, fp, stamp: tuple[int, ...]) -> None:
        self.fp, self.entries = fp, []
        self.time, self.date = (
            stamp[3] << 11 | stamp[4] << 5 | stamp[5] // 2,
            (stamp[0] - 1980) << 9 | stamp[1] << 5 | stamp[2],
        )

    def add(self, name: str, method: int, crc: int, size: int, raw: bytes) -> None:
        """A member whose stored bytes (deflated or not, as ``method`` says) are ready."""
        encoded, flags = _encode(name)
        version, extra, sizes = 20, b"", (len(raw), size)
        if size * 1.05 > _LIMIT:  # zipfile's rule for a ZIP64 header when the size is known
            version, extra, sizes = 45, struct.pack("<HHQQ", 1, 16, size, len(raw)), (0xFFFFFFFF, 0xFFFFFFFF)
        self.entries.append((encoded, flags, method, crc, len(raw), size, self.fp.tell(), version))
        self.fp.write(
            _LOCAL.pack(
                b"PK\x03\x04", version, 0, flags, method, self.time, self.date, crc, *sizes, len(encoded), len(extra)
            )
            + encoded
            + extra
        )
        self.fp.write(raw)

    def note(self, name: str, method: int, crc: int, size: int, compressed: int, offset: int) -> None:
        """A member the caller has written itself, header and all, at ``offset`` (a verbatim copy)."""
        encoded, flags = _encode(name)
        self.entries.append((encoded, flags, method, crc, compressed, size, offset, 20))

    def close(self) -> None:
        """The central directory and the end records (ZIP64 ones where zipfile writes them)."""
        start, parts, pack = self.fp.tell(), [], _CENTRAL_OUT.pack
        for encoded, flags, method, crc, compressed, size, offset, version in self.entries:
            big = [size, compressed] if size > _LIMIT or compressed > _LIMIT else []
            if big:
                size = compressed = 0xFFFFFFFF
            if offset > _LIMIT:
                big.append(offset)
                offset = 0xFFFFFFFF
            extra = struct.pack("<HH" + "Q" * len(big), 1, 8 * len(big), *big) if big else b""
            if big:
                version = max(version, 45)
            parts.append(
                pack(
                    b"PK\x01\x02",
                    version,
                    3,
                    version,
                    0,
                    flags,
                    method,
                    self.time,
                    self.date,
                    crc,
                    compressed,
                    size,
                    len(encoded),
                    len(extra),
                    0,
                    0,
                    0,
                    0o644 << 16,
                    offset,
                )
                + encoded
                + extra
            )
        directory = b"".join(parts)
        self.fp.write(directory)
        count, size = len(self.entries), len(directory)
        if count > zipfile.ZIP_FILECOUNT_LIMIT or start > _LIMIT or size > _LIMIT:
            self.fp.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, start))
            self.fp.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, start + size, 1))
            count, size, start = min(count, 0xFFFF), min(size, 0xFFFFFFFF), min(start, 0xFFFFFFFF)
        self.fp.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))


def _encode(name: str) -> tuple[bytes, int]:
    """A member's name as zipfile stores it: ASCII, or UTF-8 with the language flag (bit 11)."""
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), 0x800


def rezip(data: bytes, epoch: int) -> bytes:
    """Rewrite an Office file (a ZIP) with sorted entries and fixed timestamps."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    return write_package(members, epoch)


class Packed:
    """A package member compressed once and written into many packages (the parts every
    sheet shares): its CRC and deflated bytes, exactly what compressing it again gives."""

    __slots__ = ("data", "crc", "raw")

    def __init__(self, data: bytes) -> None:
        import zlib

        # level 6, as zipfile.writestr does; level 1 for a large part (the catalogue table's sheet:
        # 10 MB at 10,000 items), as for the bundle's large members: three times faster, a fifth larger
        packer = zlib.compressobj(1 if len(data) > BIG_MEMBER else 6, zlib.DEFLATED, -15)
        self.data, self.crc, self.raw = data, zlib.crc32(data), packer.compress(data) + packer.flush()


def write_package(members: dict, epoch: int) -> bytes:
    """An Office package (a ZIP) of ``members`` (bytes or Packed): [Content_Types].xml first, as
    Office expects, the rest sorted; fixed timestamps and attributes; deflated as Packed deflates."""
    order = sorted(members, key=lambda n: (n != "[Content_Types].xml", n))
    buf = io.BytesIO()
    out = ZipWriter(buf, zip_time(epoch))
    for name in order:
        value = members[name]
        packed = value if isinstance(value, Packed) else Packed(value)
        out.add(name, zipfile.ZIP_DEFLATED, packed.crc, len(packed.data), packed.raw)
    out.close()
    return buf.getvalue()


def manifest(view, digests: dict[str, str], source: dict, draft_errors: int = 0) -> bytes:
    """What was built from what, with the SHA-256 of every file (``digests``: name -> hex)."""
    data = {
        "tool": "quanli",
        "catalogue": view.heading,
        "unit": view.unit,
        "audience": view.audience,
        "version": view.version,
        "date": view.date,
        "source_commit": source.get("commit"),
        "items": len(view.items),
        "flows": len(view.flows),
        "files": FILES,
    }
    if draft_errors:  # built with --draft: a preview of a catalogue that does not validate
        data["draft"] = {"errors": draft_errors, "note": "草稿：目录检查未通过，不得作为正式版本公开"}
    # what json.dumps(indent=2) writes for the file list, without its pure-Python indenting
    # encoder (ten times slower than the C one, 50,000 lines for a 10,000-item catalogue)
    from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) writes for a string

    listing = (
        (
            "{\n"
            + ",\n".join(
                f"    {encode_basestring(name)}: {'null' if digests[name] is None else encode_basestring(digests[name])}"
                for name in sorted(digests)
            )
            + "\n  }"
        )
        if digests
        else "{}"
    )
    head, _, tail = json.dumps(data, ensure_ascii=False, indent=2).rpartition(
        json.dumps(FILES)
    )  # the last: only "draft" follows
    return (head + listing + tail + "\n").encode("utf-8")


FILES = "\0files\0"  # stands for the file list in manifest()
