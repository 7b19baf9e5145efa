"""一盘's package: manifest.json and a reproducible ZIP of every deliverable."""

from __future__ import annotations

import hashlib
import io
import json
import time
import zipfile

# ZIP cannot store times before 1980; a fixed time keeps the archive reproducible.
ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z


def zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    return time.gmtime(max(epoch, ZIP_EPOCH_MIN))[:6]


def deterministic_zip(files: dict[str, bytes], epoch: int) -> bytes:
    """Entries sorted by name, fixed timestamps and permissions, fixed compression."""
    buf = io.BytesIO()
    stamp = zip_time(epoch)
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            data = files[name]
            # Office files are ZIPs already: deflating them again costs time and saves nothing
            method = zipfile.ZIP_STORED if data[:4] == b"PK\x03\x04" else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever the building machine
            zf.writestr(info, data, compress_type=method, compresslevel=6 if method == zipfile.ZIP_DEFLATED else None)
    return buf.getvalue()


def rezip(data: bytes, epoch: int) -> bytes:
    """Rewrite an Office file (a ZIP) with sorted entries and fixed timestamps."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    # [Content_Types].xml first, as Office expects; the rest sorted
    order = sorted(members, key=lambda n: (n != "[Content_Types].xml", n))
    buf = io.BytesIO()
    stamp = zip_time(epoch)
    with zipfile.ZipFile(buf, "w") as out:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            out.writestr(info, members[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


def manifest(view, files: dict[str, bytes], source: dict, draft_errors: int = 0) -> bytes:
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
        "files": {name: hashlib.sha256(files[name]).hexdigest() for name in sorted(files)},
    }
    if draft_errors:  # built with --draft: a preview of a catalogue that does not validate
        data["draft"] = {"errors": draft_errors, "note": "草稿：目录检查未通过，不得作为正式版本公开"}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
