"""One build at a time per output folder: a lock file beside the folder, and the leftovers of killed builds.

The lock is an OS lock on ``.<folder>.quanli-lock`` beside the output folder (``fcntl.flock``
on POSIX, ``msvcrt.locking`` on Windows). The OS drops it when the holder ends, however it
ends (kill -9, power cut), so a dead build never blocks the next one: there is no stale lock
to detect. The file holds the holder's process id, for the message. A second build waits
(saying so) for up to ``WAIT_SECONDS`` and then refuses.

While it holds the lock, a build also clears what killed builds left beside the folder
(see ``render/outputs.py`` write_tree: ``.<folder>.building-*`` is a new build being
written, ``.<folder>.old-<pid>`` the previous one being swapped out): nobody else can be
writing them. If the folder itself is missing and an ``.old-`` one is there, the build was
killed between the two renames of the swap, and the previous build is put back.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from quanli.core.errors import QuanliError


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("QUANLI_LOCK_WAIT", "600")))
    except ValueError:
        return 600.0


WAIT_SECONDS = _wait_seconds()  # how long a second build waits; a build of 100,000 items takes minutes
POLL_SECONDS = 0.1


def lock_path(out: Path) -> Path:
    out = out.resolve()
    return out.parent / f".{out.name}.quanli-lock"


def _try_lock(fd: int) -> bool:
    if os.name == "nt":
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # byte 0; the process id is written after it
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except (BlockingIOError, PermissionError):
        return False


def _unlock(fd: int) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass


def _holder(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(1)
            return fh.read(64).decode("ascii", "replace").strip()
    except OSError:  # on Windows the locked byte cannot be read, the rest can
        return ""


class OutputLock:
    """``with OutputLock(out, lang):`` holds the lock of output folder ``out``."""

    def __init__(self, out: Path, lang: str = "zh", quiet: bool = False, wait: float | None = None) -> None:
        self.out, self.lang, self.quiet = out.resolve(), lang, quiet
        self.wait = WAIT_SECONDS if wait is None else wait
        self.path = lock_path(out)
        self.fd: int | None = None

    def __enter__(self) -> OutputLock:
        from quanli.core.fsutil import write_error

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(self.out, exc) from None
        deadline = time.monotonic() + self.wait
        said = False
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise write_error(
                    self.path,
                    exc,
                    "这是防止两个生成同时写入同一文件夹的锁文件。",
                    "(the lock file that keeps two builds out of one folder)",
                ) from None
            if _try_lock(fd):
                try:  # the file may have been removed by the holder we waited for: then lock the new one
                    same = os.path.samestat(os.fstat(fd), os.stat(self.path))
                except OSError:
                    same = False
                if same:
                    break
                _unlock(fd)
            os.close(fd)
            who = _holder(self.path)
            if time.monotonic() >= deadline:
                raise self._gave_up(who)
            if not said and not self.quiet:
                print(self._waiting(who), file=sys.stderr, flush=True)
                said = True
            time.sleep(POLL_SECONDS)
        self.fd = fd
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"\n{os.getpid()}\n".encode("ascii"))
        except OSError:
            pass  # the id is only for the message
        try:
            self._locked()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _locked(self) -> None:
        clear_leftovers(self.out)

    def _gave_up(self, who: str) -> QuanliError:
        pid = f"（进程 {who}）" if who else ""
        return QuanliError(
            f"另一个 quanli build{pid}正在写入 {self.out}，等了 {self.wait:.0f} 秒仍未结束，没有生成。"
            f"请等它结束后再运行；如果没有其他 quanli 在运行，请删除 {self.path} 后重试。",
            f"another quanli build{' (process ' + who + ')' if who else ''} is writing {self.out}; "
            f"waited {self.wait:.0f} s, nothing built. Retry when it has finished.",
        )

    def _waiting(self, who: str) -> str:
        pid = f"（进程 {who}）" if who else ""
        return (
            f"另一个 quanli build{pid}正在写入 {self.out}，等待它结束……"
            if self.lang != "en"
            else f"another quanli build{' (process ' + who + ')' if who else ''} is writing {self.out}; waiting for it…"
        )

    def __exit__(self, *exc) -> None:
        fd, self.fd = self.fd, None
        if fd is None:
            return
        if os.name != "nt":  # removed while still held, so a waiting build sees the change and locks afresh
            try:
                os.unlink(self.path)
            except OSError:
                pass
        _unlock(fd)
        os.close(fd)
        if os.name == "nt":  # fails while another build has it open; then it stays, which is harmless
            try:
                os.unlink(self.path)
            except OSError:
                pass


EDIT_LOCK = "edit.lock"


class EditLock(OutputLock):
    """``with EditLock(catalogue_root):`` one command at a time edits a catalogue's files (review,
    fmt, import into it, release): each reads, changes and writes files, and two at once would
    each write what it read, losing the other's change. The lock file is in the catalogue's
    .quanli-cache/ (already kept out of git); a second command waits for the first."""

    def __init__(self, root: Path, lang: str = "zh", quiet: bool = False, wait: float | None = None) -> None:
        super().__init__(root, lang, quiet, wait)
        from quanli.loader.cache import CACHE_DIR

        self.path = self.out / CACHE_DIR / EDIT_LOCK

    def _locked(self) -> None:
        pass

    def _gave_up(self, who: str) -> QuanliError:
        pid = f"（进程 {who}）" if who else ""
        return QuanliError(
            f"另一个 quanli 命令{pid}正在修改目录 {self.out} 的文件，等了 {self.wait:.0f} 秒仍未结束，没有修改。"
            f"请等它结束后再运行；如果没有其他 quanli 在运行，请删除 {self.path} 后重试。",
            f"another quanli command{' (process ' + who + ')' if who else ''} is changing the files of {self.out}; "
            f"waited {self.wait:.0f} s, nothing changed.",
        )

    def _waiting(self, who: str) -> str:
        pid = f"（进程 {who}）" if who else ""
        return (
            f"另一个 quanli 命令{pid}正在修改目录 {self.out} 的文件，等待它结束……"
            if self.lang != "en"
            else f"another quanli command{' (process ' + who + ')' if who else ''} is changing {self.out}; waiting for it…"
        )


def clear_leftovers(out: Path) -> list[str]:
    """Remove what killed builds into ``out`` left beside it; put the previous build back if a
    build was killed half-way through swapping the folders. Call only while holding the lock."""
    parent, name = out.parent, out.name
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    building = [e.path for e in entries if e.name.startswith(f".{name}.building-")]
    old = sorted(
        (e for e in entries if e.name.startswith(f".{name}.old-") and e.is_dir(follow_symlinks=False)),
        key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns,
    )
    removed = []
    if old and not os.path.lexists(out):
        newest = old.pop()
        os.replace(newest.path, out)  # killed between the two renames: the previous build comes back
        removed.append(newest.path)
    for path in building + [e.path for e in old]:
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed
