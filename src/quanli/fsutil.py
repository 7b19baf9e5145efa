"""Writing files safely: atomically, and never over something that exists unless asked."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from quanli.errors import QuanliError

# What an OS error means, for a clerk: (Chinese, English) by errno
_REASONS = {
    errno.ENOSPC: ("磁盘空间不足", "no space left on the disk"),
    errno.EACCES: ("没有写入权限", "permission denied"),
    errno.EPERM: ("没有写入权限", "operation not permitted"),
    errno.EROFS: ("磁盘或文件夹是只读的", "read-only file system"),
    errno.ENOENT: ("文件夹不存在", "no such file or folder"),
    errno.ENOTDIR: ("路径中有一部分不是文件夹", "a part of the path is not a folder"),
    errno.EISDIR: ("这是一个文件夹，不是文件", "is a folder, not a file"),
    errno.ENAMETOOLONG: ("文件名太长", "file name too long"),
    errno.EIO: ("磁盘读写出错", "input/output error on the disk"),
    errno.EBUSY: ("文件正被其他程序使用", "the file is in use"),
    errno.EMFILE: ("打开的文件太多", "too many open files"),
}
for _name, _zh, _en in (("EDQUOT", "超出了磁盘配额", "disk quota exceeded"), ("EFBIG", "文件太大", "file too large"),
                        ("ETXTBSY", "文件正被其他程序使用", "the file is in use")):
    if hasattr(errno, _name):
        _REASONS[getattr(errno, _name)] = (_zh, _en)


def os_reason(exc: OSError) -> tuple[str, str]:
    """(Chinese, English) for what went wrong, without the file name."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    if getattr(exc, "winerror", None) == 32:  # ERROR_SHARING_VIOLATION: open in Excel or Word
        return "文件正被其他程序使用（例如在 Excel 或 Word 中打开着）", "the file is open in another program"
    detail = exc.strerror or str(exc) or type(exc).__name__
    return f"系统错误：{detail}", detail


def write_error(path: Path | str, exc: OSError, zh_after: str = "", en_after: str = "") -> QuanliError:
    """A QuanliError (exit code 2) that names ``path`` (the file meant, not a temporary one) and says why."""
    zh, en = os_reason(exc)
    hint_zh = {errno.ENOSPC: "请腾出磁盘空间后重试。", errno.EACCES: "请检查文件和文件夹的权限，或换一个文件夹。",
               errno.EPERM: "请检查文件和文件夹的权限，或换一个文件夹。", errno.EROFS: "请换一个可以写入的位置。"}.get(exc.errno, "")
    return QuanliError(f"无法写入 {path}：{zh}。{zh_after}{hint_zh}", f"cannot write {path}: {en}. {en_after}".rstrip())


def umask() -> int:
    """The process umask (read without changing it for good)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_only(path: Path) -> bool:
    """An existing file nobody may write (``chmod a-w``, or Windows' read-only attribute).

    The mode bits are read rather than ``os.access``: root may write anything, and a rename
    replaces a read-only file on POSIX without asking, so this is the only way to honour it."""
    try:
        return not (os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    except OSError:
        return False


def write_atomic(path: Path, data: str | bytes, overwrite: bool = False) -> None:
    """Write to a temporary file beside ``path`` and rename it into place.

    Readers never see a half-written file, and a process killed at any moment leaves either
    the old file or the new one (and perhaps a hidden ``.NAME.*.tmp`` beside it, which no
    command reads). An existing file is kept unless ``overwrite``; a read-only one is never
    replaced. An OS error (disk full, no permission) becomes a QuanliError naming ``path``,
    with the old file as it was."""
    if not overwrite and path.exists():
        raise QuanliError(f"{path} 已存在，没有覆盖它。", f"{path} already exists; not overwritten.")
    if overwrite and read_only(path):
        raise QuanliError(f"{path} 是只读文件，没有改写它。如需改写，请先去掉只读属性（chmod u+w 或在文件属性中取消“只读”）。",
                          f"{path} is read-only; not rewritten. Make it writable first.")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if overwrite else None
    except OSError:
        mode = None
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            os.chmod(tmp, mode if mode is not None else 0o666 & ~umask())  # mkstemp makes 0600: keep the file's mode
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
            tmp = None
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise write_error(path, exc, "原文件没有改动。" if overwrite and path.exists() else "",
                          "The file was left as it was." if overwrite and path.exists() else "") from None
