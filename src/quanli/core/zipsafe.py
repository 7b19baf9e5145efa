"""Reading ZIP files (XLSX) a user gives without letting them take the memory or the time.

A decompression bomb is a small ZIP whose members inflate to hundreds of megabytes or more
(deflate inflates up to about 1,000 times): a 400 KB XLSX with one 400 MB shared string took
3.3 GB and 28 s to import. ``check`` looks at the ZIP before any reader opens it: every member's
declared size, their total, their compression ratio and their number are capped, only the
methods Office uses are accepted, and, since the declared sizes are only what the file says,
every deflated member is inflated once here, a megabyte at a time into nothing, to prove it
is no larger than it says (so a reader that trusts the sizes reads no more than the caps).
Every refusal is a QuanliError (exit code 2) naming the file and the member.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.core.fsutil import size_text

MAX_MEMBER_BYTES = 256 << 20  # one member inflated: a 10,000-item export's sheet is about 130 MB
MAX_TOTAL_BYTES = 512 << 20  # all members inflated
MAX_MEMBERS = 10_000  # an Office file has tens
MAX_RATIO = 200  # inflated / compressed, for members over RATIO_FROM (XML sheets: 5-20)
RATIO_FROM = 16 << 20
_LOCAL = struct.Struct("<4s5H3L2H")  # a local file header: signature … name length, extra length
_PIECE = 1 << 20  # inflated at a time
_FEED = 1 << 16  # compressed bytes fed at a time


def _refuse(path: Path | str, member: str, zh: str, en: str) -> QuanliError:
    return QuanliError(
        f"{path} 中的 {member} {zh}为安全起见没有读取它（没有导入任何内容）。",
        f"{member} in {path} {en}; not read, for safety (nothing imported).",
    )


def check(data: bytes, path: Path | str) -> None:
    """Raise QuanliError if the ZIP in ``data`` (the file ``path``) is a decompression bomb or
    lies about its sizes. A ZIP that zipfile cannot open at all is left to the reader, which says so."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - not a ZIP, a version zipfile cannot read …: openpyxl says what it says
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise QuanliError(
                f"{path} 中有 {len(infos)} 个压缩成员，超过上限 {MAX_MEMBERS}：这不像一个 Excel 文件，为安全起见没有读取它。",
                f"{path} holds {len(infos)} members (limit {MAX_MEMBERS}): not read, for safety.",
            )
        total = 0
        for info in infos:
            size, packed = info.file_size, info.compress_size
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _refuse(
                    path,
                    info.filename,
                    f"使用了 Excel 不用的压缩方式（{info.compress_type}），",
                    f"uses a compression method Excel does not use ({info.compress_type})",
                )
            if size > MAX_MEMBER_BYTES:
                raise _refuse(
                    path,
                    info.filename,
                    f"解压后有 {size_text(size)}，超过单个成员的上限 {size_text(MAX_MEMBER_BYTES)}"
                    f"（很小的文件解压后极大，多半是“压缩炸弹”），",
                    f"inflates to {size_text(size)}, over the limit of {size_text(MAX_MEMBER_BYTES)} a member (a decompression bomb?)",
                )
            if size > RATIO_FROM and size > packed * MAX_RATIO:
                raise _refuse(
                    path,
                    info.filename,
                    f"从 {size_text(packed)} 解压为 {size_text(size)}，压缩比超过 {MAX_RATIO} 倍（多半是“压缩炸弹”），",
                    f"inflates from {size_text(packed)} to {size_text(size)}, more than {MAX_RATIO} times (a decompression bomb?)",
                )
            total += size
            if total > MAX_TOTAL_BYTES:
                raise _refuse(
                    path,
                    info.filename,
                    f"使解压后的总大小超过上限 {size_text(MAX_TOTAL_BYTES)}（多半是“压缩炸弹”），",
                    f"takes the inflated total over the limit of {size_text(MAX_TOTAL_BYTES)} (a decompression bomb?)",
                )
        for info in infos:
            if (
                info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x1
            ):  # encrypted: the reader refuses it
                _inflate_within(data, info, path)


def _inflate_within(data: bytes, info: zipfile.ZipInfo, path: Path | str) -> None:
    """Inflate one member's stored bytes (where zipfile reads them) a piece at a time, keeping
    nothing: refuse it if it gives more than its declared size."""
    start = info.header_offset
    try:
        head = _LOCAL.unpack_from(data, start)
    except struct.error:
        return  # zipfile will say the file is damaged
    if head[0] != b"PK\x03\x04":
        return
    begin = start + _LOCAL.size + head[-2] + head[-1]
    stream = memoryview(data)[begin : begin + info.compress_size]
    inflater = zlib.decompressobj(-15)
    out = 0

    def count(piece: bytes) -> None:
        nonlocal out
        out += len(piece)
        if out > info.file_size:
            raise _refuse(
                path,
                info.filename,
                f"实际解压后比文件中记载的大小（{size_text(info.file_size)}）更大：文件已损坏或被篡改，",
                f"inflates to more than the {size_text(info.file_size)} the file declares: damaged or forged",
            )

    try:
        for at in range(0, len(stream), _FEED):  # fed in small pieces: what is left over is copied each round
            chunk = stream[at : at + _FEED]
            while chunk and not inflater.eof:
                piece = inflater.decompress(chunk, _PIECE)
                count(piece)
                chunk = inflater.unconsumed_tail
            if inflater.eof:
                return
        while not inflater.eof:  # output still held back when the input ran out
            piece = inflater.decompress(b"", _PIECE)
            if not piece:
                return
            count(piece)
    except zlib.error:
        return  # damaged data: the reader says so
