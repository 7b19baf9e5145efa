"""Reading and writing files safely: only regular files are read, never more than a cap; writes are
atomic, and never over something that exists unless asked."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path

from quanli.core.errors import QuanliError

SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
)  # Windows device names


def safe_stem(ident: str) -> str:
    """A file name that cannot leave the output folder or collide on case-insensitive disks."""
    if SAFE.match(ident) and ident.upper() not in RESERVED:
        return ident
    return "x-" + hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:16]


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
for _name, _zh, _en in (
    ("EDQUOT", "超出了磁盘配额", "disk quota exceeded"),
    ("EFBIG", "文件太大", "file too large"),
    ("ETXTBSY", "文件正被其他程序使用", "the file is in use"),
):
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


# ---- reading: regular files only, never more than a cap ------------------------------------------
# O_NONBLOCK: opening a named pipe (FIFO) with no writer returns at once instead of waiting for one
# (regular files ignore the flag); O_NOCTTY: a terminal device never becomes the controlling one.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_KINDS = (
    (stat.S_ISFIFO, "命名管道（FIFO，读取它会一直等待下去）", "a named pipe (FIFO: reading it would wait for ever)"),
    (
        stat.S_ISCHR,
        "字符设备（例如 /dev/zero，读取它可能永远读不完）",
        "a character device (such as /dev/zero: reading it may never end)",
    ),
    (stat.S_ISBLK, "块设备（磁盘）", "a block device (a disk)"),
    (stat.S_ISSOCK, "套接字", "a socket"),
)


class RefusedFile(OSError):
    """A file quanli does not read: not a regular file, or larger than the cap. An OSError, so that
    every ``except OSError`` already in place handles it; ``zh`` and ``en`` say why, without the path."""

    def __init__(self, path, zh: str, en: str) -> None:
        super().__init__(errno.EINVAL, en, str(path))
        self.zh, self.en = zh, en


class NotRegularFile(RefusedFile):
    """A FIFO, a device or a socket (reached directly or through a symbolic link)."""


class FileTooLarge(RefusedFile):
    def __init__(self, path, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(
            path,
            f"文件过大（{size // 1024} KB，上限 {size_text(limit)}）",
            f"file too large ({size // 1024} KB, limit {size_text(limit)})",
        )


def size_text(n: int) -> str:
    """A size for people: 4194304 -> '4 MB', 5000000 -> '4.8 MB', 3000 -> '2 KB', 12 -> '12 B'."""
    if n >= 1 << 20:
        return f"{n >> 20} MB" if n % (1 << 20) == 0 else f"{n / (1 << 20):.1f} MB"
    return f"{n // 1024} KB" if n >= 1024 else f"{n} B"


def _refuse_special(path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):  # as the OS says it when a folder is read
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    zh, en = next(((zh, en) for test, zh, en in _KINDS if test(mode)), ("特殊文件", "a special file"))
    raise NotRegularFile(path, f"不是普通文件，而是{zh}", f"not a regular file but {en}")


def present(path) -> bool:
    """Something that is not a folder is at ``path`` (a link followed): a file, or a FIFO, a device or a
    socket, which read_regular refuses with a message. A dangling link is absent."""
    return os.path.exists(path) and not os.path.isdir(path)


def read_reason(exc: OSError) -> tuple[str, str]:
    """(Chinese, English) for why a file could not be read, without the file name."""
    if isinstance(exc, RefusedFile):
        return exc.zh, exc.en
    # the write path's reasons, but a read misses a file, not a folder, and lacks read permission
    return {
        errno.ENOENT: ("文件不存在", "no such file"),
        errno.EACCES: ("没有读取权限", "permission denied"),
        errno.EPERM: ("没有读取权限", "operation not permitted"),
    }.get(exc.errno) or os_reason(exc)


def read_error(what_zh: str, what_en: str, path, exc: OSError) -> QuanliError:
    """A QuanliError (exit code 2) for a file that could not be read: ``无法读取{what_zh} {path}：why。``"""
    zh, en = read_reason(exc)
    return QuanliError(f"无法读取{what_zh} {path}：{zh}。", f"cannot read {what_en} {path}: {en}.")


def read_regular(path, limit: int, prestat: bool = True) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    A FIFO, a device or a socket (itself or behind a symbolic link) is refused with NotRegularFile,
    a file over ``limit`` bytes with FileTooLarge, both before anything is read: never a hang on a
    pipe nor a read without end from /dev/zero. ``prestat`` looks at the file before opening it (a
    device is never even opened: opening some has effects); callers that have just listed the file
    as a regular one (os.scandir) skip it. The opened descriptor is checked again (the file may have
    been swapped meanwhile), and no more than ``limit`` + 1 bytes are ever read, however the file
    grows. Other OS errors are raised as they are."""
    if prestat:
        _refuse_special(path, os.stat(path).st_mode)
    fd = os.open(path, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        _refuse_special(path, st.st_mode)
        if st.st_size > limit:
            raise FileTooLarge(path, st.st_size, limit)
        want = st.st_size + 1
        data = os.read(fd, want)
        if len(data) < want:  # a short read of a regular file: its end
            return data
        chunks, total = [data], len(data)
        while True:  # it grew since fstat (or says size 0, as /proc files do): read on, to the cap
            if total > limit:
                raise FileTooLarge(path, total, limit)
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)


def write_error(path: Path | str, exc: OSError, zh_after: str = "", en_after: str = "") -> QuanliError:
    """A QuanliError (exit code 2) that names ``path`` (the file meant, not a temporary one) and says why."""
    zh, en = os_reason(exc)
    hint_zh = {
        errno.ENOSPC: "请腾出磁盘空间后重试。",
        errno.EACCES: "请检查文件和文件夹的权限，或换一个文件夹。",
        errno.EPERM: "请检查文件和文件夹的权限，或换一个文件夹。",
        errno.EROFS: "请换一个可以写入的位置。",
    }.get(exc.errno, "")
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
    staged = _stage(path, data, overwrite, flush=True)
    staged.commit()


def write_many(writes) -> None:
    """``write_atomic(path, data, overwrite)`` for each of ``writes`` (in order), with the same
    promises, but one flush to disk for them all instead of one a file: every temporary file is
    written, then the disk is synced once, then each is renamed into place. A crash leaves each
    file old or new and whole, as write_atomic does; 10,000 new files take about 2 s, not 7 s of
    fsync after fsync (threads did not help: the staging is CPU-bound on two cores). A new file
    is linked into place, so one that appeared meanwhile is never replaced. The first error stops
    the writes: the files already in place stay, the other temporary files are removed, and the
    error names its file."""
    writes = list(writes)
    if len(writes) < 16 or not hasattr(os, "sync"):  # few files, or no sync() (Windows): one by one
        for path, data, overwrite in writes:
            write_atomic(path, data, overwrite=overwrite)
        return
    staged: list[_Staged] = []
    try:
        for path, data, overwrite in writes:
            staged.append(_stage(path, data, overwrite, flush=False))
        os.sync()  # every temporary file on the disk before the first rename
        for one in staged:
            one.commit()
    finally:
        for left in staged:
            left.discard()  # those not committed: an error stopped the writes


class _Staged:
    """A temporary file written beside its target, waiting to be renamed into place."""

    __slots__ = ("path", "tmp", "overwrite")

    def __init__(self, path: Path, tmp: str, overwrite: bool) -> None:
        self.path, self.tmp, self.overwrite = path, tmp, overwrite

    def commit(self) -> None:
        try:
            if not self.overwrite and self._linked():
                return
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise _write_failed(self.path, exc, self.overwrite) from None
        self.tmp = None

    def _linked(self) -> bool:
        """A new file: linked into place, which fails if a file of that name appeared since it was
        staged (a rename would replace it); False where the file system has no links."""
        try:
            os.link(self.tmp, self.path)
        except FileExistsError:
            self.discard()
            raise QuanliError(
                f"{self.path} 已存在，没有覆盖它。", f"{self.path} already exists; not overwritten."
            ) from None
        except (OSError, NotImplementedError, AttributeError):
            if self.path.exists():  # no links here: the check write_atomic makes
                self.discard()
                raise QuanliError(
                    f"{self.path} 已存在，没有覆盖它。", f"{self.path} already exists; not overwritten."
                ) from None
            return False
        self.discard()  # the name in place, the temporary name removed
        return True

    def discard(self) -> None:
        if self.tmp is not None:
            Path(self.tmp).unlink(missing_ok=True)
            self.tmp = None


def _stage(path: Path, data: str | bytes, overwrite: bool, flush: bool) -> _Staged:
    """The checks of write_atomic, then ``data`` in a temporary file beside ``path`` (fsynced when ``flush``)."""
    if not overwrite and path.exists():
        raise QuanliError(f"{path} 已存在，没有覆盖它。", f"{path} already exists; not overwritten.")
    if overwrite and read_only(path):
        raise QuanliError(
            f"{path} 是只读文件，没有改写它。如需改写，请先去掉只读属性（chmod u+w 或在文件属性中取消“只读”）。",
            f"{path} is read-only; not rewritten. Make it writable first.",
        )
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
                if flush:
                    fh.flush()
                    os.fsync(fh.fileno())
            staged, tmp = _Staged(path, tmp, overwrite), None
            return staged
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise _write_failed(path, exc, overwrite) from None


def _write_failed(path: Path, exc: OSError, overwrite: bool) -> QuanliError:
    return write_error(
        path,
        exc,
        "原文件没有改动。" if overwrite and path.exists() else "",
        "The file was left as it was." if overwrite and path.exists() else "",
    )
