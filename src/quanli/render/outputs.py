"""The set of files a build produces, and writing it out.

A build's files map a relative path to its bytes, or to a ``Kept`` file: an output of the
previous build whose inputs have not changed and which is still exactly what that build
wrote (same SHA-256 in the output's marker, and the same size, modification time and file
id as recorded in the catalogue's cache: the marker itself holds no disk details, so two
builds of the same catalogue are byte for byte the same, marker included). A kept file
is not read unless something needs its bytes; it is hard-linked into the new output
folder (copied where the disk has no hard links), and its recorded SHA-256 stands in for
its content in the manifest and the leak-scan memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.core.fsutil import umask

MARKER = ".quanli-build"


class Kept:
    """A kept file (see above); a plain slotted class, made 50,000 times a rebuild."""

    __slots__ = ("path", "sha256", "size", "stat")

    def __init__(self, path: str, sha256: str, size: int, stat: tuple) -> None:
        self.path = path  # in the previous output folder
        self.sha256, self.size, self.stat = sha256, size, stat  # stat: file_stat() as recorded

    def __repr__(self) -> str:
        return f"Kept({self.path!r})"

    def read(self) -> bytes:
        with open(self.path, "rb") as fh:
            return fh.read()


def data_of(value: bytes | Kept) -> bytes:
    return value.read() if isinstance(value, Kept) else value


def sha256_of(value: bytes | Kept) -> str:
    return value.sha256 if isinstance(value, Kept) else hashlib.sha256(value).hexdigest()


def file_stat(path: str) -> tuple:
    """What identifies a file's state on disk: size, modification time, file id, and the inode
    change time (on POSIX every write changes it and nobody can set it back)."""
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def kept(out: Path, name: str, sha256, record) -> Kept | None:
    """The previous build's ``name`` if it is still the file recorded: ``sha256`` from the marker,
    ``record`` (sha256, stat) from the cache, written together by that build."""
    if not (
        isinstance(record, list)
        and len(record) == 2
        and isinstance(sha256, str)
        and record[0] == sha256
        and isinstance(record[1], list)
    ):
        return None
    path = f"{out}{os.sep}{name}"  # os.path.join's checks cost a third of the time, 50,000 times a build
    try:
        st = os.stat(path)
    except OSError:
        return None
    now = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]  # as file_stat, as the record keeps it
    if now != record[1]:
        return None  # edited, replaced or touched since that build: render it again
    return Kept(path, record[0], now[0], tuple(now))


def read_marker(out: Path) -> dict:
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _safe_name(name: str) -> bool:
    """A relative path of plain parts: nothing that could leave the output folder."""
    if not name or name.startswith("/") or "\\" in name or ":" in name or "\0" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


LEFTOVER = re.compile(r"\..+\.quanli-\d+\.tmp")  # a file an interrupted write left beside its place


def _leftover(name: str) -> bool:
    return bool(LEFTOVER.fullmatch(name.rpartition("/")[2]))


def theirs(out: Path, foreign: tuple[str, ...] = ()) -> set[str]:
    """The files in ``out`` that quanli did not write: neither listed in the marker of the build
    that made the folder nor left by an interrupted one. quanli never deletes or overwrites them."""
    if not out.is_dir():
        return set()
    listing = read_marker(out).get("files") if (out / MARKER).is_file() else None
    listed = set(listing) if isinstance(listing, dict) else set()
    return {name for name in on_disk(out, foreign) if name not in listed and not _leftover(name)}


def up_to_date(out: Path, listing, foreign: tuple[str, ...] = ()) -> bool:
    """Every file the last build listed is there, and nothing an interrupted build left."""
    if not isinstance(listing, dict):
        return False
    found = on_disk(out, foreign)
    return set(listing) <= found and not any(_leftover(name) for name in found - set(listing))


def write_tree(
    out: Path,
    files: dict,
    marker: dict,
    digests: dict[str, str],
    update: bool = False,
    foreign: tuple[str, ...] = (),
    replace_theirs: bool = False,
) -> dict[str, list]:
    """Write the build's files to ``out``; returns each file's [SHA-256, (size, mtime, inode)], for
    the caller to keep, so the next build can keep a file without reading it.

    ``files`` values are bytes, Kept files, or objects that write themselves (``.write(path)``,
    digest None). The marker (written last) lists each file's SHA-256.

    ``update`` (``out`` holds the previous build): kept files stay where they are, every other
    file is written beside its place and renamed over it, files no longer built are removed.
    Otherwise everything is written into a new folder beside ``out``, swapped in at the end.
    ``foreign``: folders (``members/``) that other builds own; an update leaves them alone.

    Files quanli did not write (``theirs``) stay as they are, whichever way the folder is written;
    one with the name of a file this build writes stops it, unless ``replace_theirs`` (--force)."""
    out = out.resolve()
    for name in files:
        if not _safe_name(name):
            raise QuanliError(
                f"输出文件名“{name}”会写到输出文件夹之外，已停止。", f"output name '{name}' escapes the output folder."
            )
    listing = {name: digests[name] for name in files}
    kept_theirs = theirs(out, foreign)
    clash = sorted(kept_theirs & set(files))
    if clash and not replace_theirs:
        shown = "、".join(clash[:3]) + (f" 等 {len(clash)} 个文件" if len(clash) > 3 else "")
        raise QuanliError(
            f"输出文件夹 {out} 中的 {shown} 不是 quanli 生成的，本次生成要写入同名文件，为免覆盖，没有写入。"
            f"请把它们移走，或加 --force 允许替换。",
            f"{out} holds {', '.join(clash[:3])}, which quanli did not write and this build would overwrite; "
            f"nothing written. Move them away, or use --force to replace them.",
        )
    kept_theirs -= set(clash)
    # a folder holding the user's files is updated in place, never swapped out whole
    if (update or kept_theirs) and out.is_dir():
        try:
            return _update(out, files, dict(marker, files=listing), digests, foreign, kept_theirs)
        except OSError as exc:
            raise _write_failed(
                exc,
                out,
                out,
                "成果文件夹中可能已有一部分文件更新、一部分仍是上一次的；问题解决后重新运行 quanli build 即可补全。",
                "Some files may be updated and some not; run quanli build again once fixed.",
            ) from None
    tmp = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    except OSError as exc:
        raise _write_failed(exc, out, out, "", "") from None
    old = None
    try:
        os.chmod(tmp, 0o777 & ~umask())  # mkdtemp makes 0700; the output is an ordinary folder
        records = _write_files(tmp, files, digests, link=True)
        (tmp / MARKER).write_text(
            json.dumps(dict(marker, files=listing), ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.is_dir() and not os.path.lexists(out):
            try:  # stopped between the two renames: the previous build goes back
                os.replace(old, out)
            except OSError:
                pass  # the next build's lock puts it back (quanli.core.lock.clear_leftovers)
        if isinstance(exc, OSError):
            raise _write_failed(
                exc,
                tmp,
                out,
                "上一次的成果没有改动。" if out.is_dir() else "",
                "The previous build was left as it was." if out.is_dir() else "",
            ) from None
        raise
    return records


def _write_failed(exc: OSError, folder: Path, out: Path, zh_after: str, en_after: str) -> QuanliError:
    """A write error naming the output file meant (not the temporary folder it was written in)."""
    from quanli.core.fsutil import write_error

    target: Path | str = out
    if exc.filename:
        try:
            rel = Path(os.fsdecode(exc.filename)).resolve().relative_to(folder.resolve())
            own = re.fullmatch(r"\.(.+)\.quanli-\d+\.tmp", rel.name)  # the file beside its place (see _write_files)
            target = (out / rel.parent / own.group(1) if own else out / rel) if str(rel) != "." else out
        except ValueError:
            target = os.fsdecode(exc.filename)
    return write_error(target, exc, zh_after, en_after)


def _write_files(folder: Path, files: dict, digests: dict[str, str], link: bool) -> dict[str, list]:
    """Write every file under ``folder``; Kept files are hard-linked there (``link``) or left as they are."""
    records: dict[str, list] = {}
    made: set[str] = set()
    staged: list[tuple[str, str, str]] = []  # in place: (name, temporary file, target), renamed at the end
    try:
        _write_all(folder, files, digests, link, records, made, staged)
    except BaseException:
        for _, tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
    # every new file is written beside its place; only now are they renamed over the old ones, one
    # after another in a moment, so a build stopped while writing leaves the previous build whole
    for name, tmp, target in staged:
        os.replace(tmp, target)
        records[name] = [digests[name], list(file_stat(target))]
    return records


def _write_all(
    folder: Path, files: dict, digests: dict[str, str], link: bool, records: dict, made: set, staged: list
) -> None:
    for name in sorted(files):
        value = files[name]
        if isinstance(value, Kept) and not link:
            records[name] = [value.sha256, list(value.stat)]
            continue
        parent, _, _ = name.rpartition("/")
        if parent and parent not in made:
            os.makedirs(folder / parent, exist_ok=True)
            made.add(parent)
        target = os.path.join(folder, name)
        if isinstance(value, Kept):
            try:
                os.link(value.path, target)
                records[name] = [value.sha256, list(value.stat)]
                continue
            except OSError:  # FAT, exFAT, some network shares: copy instead
                shutil.copyfile(value.path, target)
        elif link:
            _write_one(target, value)
        else:  # in place: beside it, renamed over it once every file is written
            tmp = os.path.join(folder, parent, f".{os.path.basename(name)}.quanli-{os.getpid()}.tmp")
            staged.append((name, tmp, target))
            _write_one(tmp, value)
            continue
        records[name] = [digests[name], list(file_stat(target))]


def _write_one(path: str, value) -> None:
    if isinstance(value, (bytes, bytearray)):
        with open(path, "wb") as fh:
            fh.write(value)
    else:  # written by itself, straight to the file (the bundle ZIP)
        value.write(path)


def on_disk(out: Path, foreign: tuple[str, ...] = ()) -> set[str]:
    """Every file under ``out`` (relative posix names), the marker and ``foreign`` folders left out."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(out):
        rel = os.path.relpath(dirpath, out).replace(os.sep, "/")
        if foreign:
            dirnames[:] = [d for d in dirnames if (d if rel == "." else f"{rel}/{d}") + "/" not in foreign]
        for name in filenames:
            found.add(name if rel == "." else f"{rel}/{name}")
    found.discard(MARKER)
    return found


def _update(
    out: Path,
    files: dict,
    marker: dict,
    digests: dict[str, str],
    foreign: tuple[str, ...] = (),
    keep: set[str] = frozenset(),
) -> dict[str, list]:
    """Bring the previous build in ``out`` up to date: every changed file written beside its place,
    then renamed into place one after another (a kill among them leaves whole files, some old, some
    new); the marker goes last, so an interrupted update is noticed (its files no longer match the
    records) and redone. What
    else quanli wrote there (an older build's files, what an interrupted one left) is removed: a file
    that cannot be removed stops the build, since it may be what a public build must not hold.
    ``keep``: the files quanli did not write, left alone.

    Before any file is renamed into place the marker lists the old and the new files (and no
    build key): a file an interrupted update put there is known as quanli's, and removed by
    the next build, never mistaken for the user's."""
    before = read_marker(out)
    listed = before.get("files") if isinstance(before.get("files"), dict) else {}
    intent = {k: v for k, v in before.items() if k != "build"}
    intent["files"] = {**{name: None for name in files}, **listed}
    _write_marker(out, intent)
    records = _write_files(out, files, digests, link=False)
    gone = sorted(on_disk(out, foreign) - set(files) - set(keep))
    for name in gone:
        try:
            os.unlink(out / name)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise QuanliError(
                f"无法删除上次生成的文件 {out / name}（{exc.strerror}），已停止：它可能是不应出现在本次成果中的内容。请关闭打开它的程序后重试。",
                f"cannot remove {out / name} from the last build ({exc.strerror}); stopped. Close the program using it and retry.",
            ) from None
    for folder in sorted({name.rpartition("/")[0] for name in gone if "/" in name}, key=len, reverse=True):
        try:
            os.rmdir(out / folder)  # only if it is empty now
        except OSError:
            pass
    _write_marker(out, marker)
    return records


def _write_marker(out: Path, marker: dict) -> None:
    tmp = out / f".{MARKER}.quanli-{os.getpid()}.tmp"
    tmp.write_text(json.dumps(marker, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, out / MARKER)


def records_name(out: Path) -> str:
    """The cache file holding the disk records of the build in ``out`` (one per output folder)."""
    return (
        "outputs-"
        + hashlib.blake2b(str(out.resolve()).encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
        + ".marshal"
    )
