"""Finding catalogues on disk and loading them into the model."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quanli.core.errors import QuanliError
from quanli.core.fsutil import FileTooLarge, NotRegularFile, read_regular
from quanli.core.model import Catalogue, SourceFile, Stray
from quanli.core.resources import SCHEMA_KINDS
from quanli.loader.cache import CACHE_DIR, MISSING, ParseCache, digest
from quanli.loader.yamlparse import MAX_FILE_BYTES, ParseFailure, load_bytes, too_large

CATALOG_FILE = "catalog.yaml"
LAWS_FILE = "laws.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
SKIP_DIRS = {".git", CACHE_DIR, "node_modules", "__pycache__", ".venv", "venv"}
PARALLEL_THRESHOLD = 400  # below this, starting worker processes costs more than it saves


def find_catalogue_root(path: Path) -> Path | None:
    """The catalogue folder containing ``path`` (the nearest folder with catalog.yaml)."""
    path = path.resolve()
    for candidate in [path, *path.parents]:
        if (candidate / CATALOG_FILE).is_file():
            return candidate
    return None


def catalogue_root(path: Path) -> Path:
    """``find_catalogue_root``, or a QuanliError saying that ``path`` is in no catalogue."""
    root = find_catalogue_root(path)
    if root is None:
        raise QuanliError(
            f"{path} 不在任何目录中（找不到 {CATALOG_FILE}）。请用 --catalog 指定，或先运行 quanli init。",
            f"{path} is not inside a catalogue (no {CATALOG_FILE}); use --catalog or run quanli init.",
        )
    return root


def discover(paths: Iterable[Path]) -> list[tuple[Path, set[Path] | None]]:
    """Resolve command-line paths to catalogues.

    Returns (catalogue root, selected files or None for "the whole catalogue"). A path is
    a catalogue folder, a folder holding catalogues (searched recursively), or a file
    inside a catalogue. Raises QuanliError for paths that do not exist or hold nothing.
    """
    found: dict[Path, set[Path] | None] = {}
    for raw in paths:
        if not raw.exists():
            raise QuanliError(f"路径不存在：{raw}", f"path does not exist: {raw}")
        if raw.is_file():
            root = find_catalogue_root(raw.parent)
            if root is None:
                raise QuanliError(
                    f"{raw} 不在任何目录中（向上找不到 {CATALOG_FILE}）。",
                    f"{raw} is not inside a catalogue (no {CATALOG_FILE} above it).",
                )
            if root not in found:
                found[root] = set()
            selected = found[root]
            if selected is not None:
                selected.add(raw.resolve())
            continue
        roots = _catalogue_folders(raw.resolve())
        if not roots:
            inside = find_catalogue_root(raw)
            if inside is None:
                raise QuanliError(
                    f"在 {raw} 中没有找到目录（含 {CATALOG_FILE} 的文件夹）。可以用 quanli init 新建一个。",
                    f"no catalogue (a folder with {CATALOG_FILE}) found in {raw}. Create one with quanli init.",
                )
            roots = [inside]
        for root in roots:
            found[root] = None
    return sorted(found.items(), key=lambda kv: str(kv[0]))


def _catalogue_folders(top: Path) -> list[Path]:
    if (top / CATALOG_FILE).is_file():
        return [top]
    out = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        if CATALOG_FILE in filenames:
            out.append(Path(dirpath))
            dirnames[:] = []  # a catalogue does not nest catalogues
    return out


def _read(path: str, rel: str, prestat: bool = False) -> bytes | ParseFailure:
    """The file's bytes: one fstat and, for a file that does not change meanwhile, one read
    (os.open and os.read cost half what open() does, for 10,000 small files). Only a regular file
    is read, and never more than MAX_FILE_BYTES of it (fsutil.read_regular): a FIFO or a device
    is reported, not waited on or read without end. ``prestat``: look before opening (for the
    files os.scandir did not list as regular ones)."""
    try:
        return read_regular(path, MAX_FILE_BYTES, prestat=prestat)
    except FileTooLarge as exc:
        return too_large(exc.size)
    except NotRegularFile as exc:
        return ParseFailure(
            "QL100",
            1,
            1,
            f"{rel} {exc.zh}，不会被读取。请换成普通文件。",
            f"{rel}: {exc.en}; it is not read. Use a regular file.",
        )
    except OSError as exc:
        return ParseFailure("QL100", 1, 1, f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}")


Parsed = tuple  # (data, facts, failure, schema problems or None)
NOT_A_MAPPING = ParseFailure(
    "QL108",
    1,
    1,
    "文件的最外层应当是“键: 值”形式的映射，而不是列表或单个值。",
    "the top level of the file must be a mapping (key: value), not a list or a single value.",
)


def _parse_blob(blob: bytes, kind: str) -> Parsed:
    """Parse one file and check it against its schema. Validation also turns numbers typed where
    text is wanted back into text, so it belongs with reading: every later step sees the same data."""
    facts: list = []
    try:
        data, _ = load_bytes(blob, facts=facts)
    except ParseFailure as failure:
        return None, [], failure, None
    if not isinstance(data, dict):
        return data, facts, NOT_A_MAPPING, None
    problems = None
    if kind in SCHEMA_KINDS:
        from quanli.check import schema as schema_check

        problems = list(schema_check.validate(kind, data))
    return data, facts, None, problems


def _parse_chunk(work: list[tuple]) -> list[Parsed]:
    """Parse (blob, kind, …) work with the cyclic garbage collector paused: parsed documents hold
    no cycles, and at 100,000 files its repeated passes over the growing heap cost a quarter of the run."""
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        return [_parse_blob(w[0], w[1]) for w in work]
    finally:
        if paused:
            gc.enable()


def _pack_failure(failure: ParseFailure | None):
    return None if failure is None else (failure.rule, failure.line, failure.column, failure.zh, failure.en)


CHECK_SLICE = 2000  # items parsed, checked and summarised at a time (see _parse_checked)
Checked = tuple  # (the item's summary, failure, its parse-cache entry marshalled, or None)


def _parse_checked(work: list[tuple], check, pack: bool) -> tuple[list[Checked], dict[str, list]]:
    """Parse and check items a slice at a time, keeping of each only what the rest of the check
    reads: its summary (registry.summary, all the rules that compare items see), and for the
    parse cache (``pack``) the parsed document marshalled. The documents themselves are let go
    slice by slice: at 100,000 items they took 600 MB, their summaries and entries a third."""
    import marshal

    from quanli.check.registry import summary

    out: list[Checked] = []
    rows: dict[str, list] = {}
    for start in range(0, len(work), CHECK_SLICE):
        part = work[start : start + CHECK_SLICE]
        parsed = _parse_chunk(part)
        rows.update(check.rows_for(part, parsed))
        for data, facts, failure, problems in parsed:
            entry = marshal.dumps((data, facts, problems)) if pack and failure is None else None
            out.append((summary(data) if failure is None else data, failure, entry))
    return out, rows


def _parse_packed(work: list[tuple], check=None, pack: bool = False) -> bytes:
    """A worker's share, parsed (and checked and summarised, with ``check``), sent back as
    marshal bytes: several times cheaper than pickle both ways."""
    import marshal

    if check is not None:
        out, rows = _parse_checked(work, check, pack)
        return marshal.dumps(([(s, _pack_failure(x), e) for s, x, e in out], rows, check.screened))
    return marshal.dumps(([(d, f, _pack_failure(x), p) for d, f, x, p in _parse_chunk(work)], None, None))


def _unpack(packed: bytes, checked: bool = False) -> tuple[list, dict | None, dict | None]:
    import marshal

    parsed, rows, screened = marshal.loads(packed)
    if checked:
        return [(s, None if x is None else ParseFailure(*x), e) for s, x, e in parsed], rows, screened
    return [(d, f, None if x is None else ParseFailure(*x), p) for d, f, x, p in parsed], rows, screened


def _share(work: list[tuple], check, pack: bool) -> list:
    if check is None:
        return _parse_chunk(work)
    out, rows = _parse_checked(work, check, pack)
    check.found.update(rows)
    return out


def _parse_all(work: list[tuple], jobs: int, check=None, pack: bool = False) -> list:
    """Parse every (blob, kind, path, rel); with several cores, worker processes take a share and
    this process parses its own share meanwhile (receiving parsed documents costs about a quarter
    of parsing them, so workers alone would be slower than one process on two cores).

    ``check`` (see quanli.check.run.ItemCheck), when given, also checks each share of items where
    it was parsed; what it finds is collected in ``check.found``, and each item comes back as
    (summary, failure, parse-cache entry or None) instead of its document (see _parse_checked)."""
    if jobs <= 1 or len(work) < PARALLEL_THRESHOLD:
        return _share(work, check, pack)
    workers = min(jobs - 1, 60)  # Windows refuses more than 61 worker processes
    share = len(work) // jobs  # equal shares: a worker packs its result, this process starts the pool (measured)
    mine = len(work) - share * workers
    parts = [work[mine + i * share : mine + (i + 1) * share] for i in range(workers)]
    try:
        pool = ProcessPoolExecutor(max_workers=workers)
        try:
            futures = [pool.submit(_parse_packed, part, check, pack) for part in parts]
            own = _share(work[:mine], check, pack)
            for future in futures:
                parsed, rows, screened = _unpack(future.result(), check is not None)
                own += parsed
                if check is not None:
                    check.found.update(rows)
                    check.screened.update(screened)
            return own
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    except (OSError, RuntimeError):  # no process support (e.g. restricted sandbox): do it here
        if check is not None:
            check.found.clear()
            check.screened.clear()
        return _parse_all(work, 1, check, pack)


def _list_yaml(root: Path, sub: str, strays: list[Stray]) -> list[tuple[str, str]]:
    """(absolute path, relative posix path) of each YAML file directly in ``root/sub``."""
    folder = root / sub
    out = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return out
    for entry in entries:
        rel = f"{sub}/{entry.name}"
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            strays.append(Stray(rel, False, "symlink"))  # never followed: it may leave the catalogue
        elif entry.is_dir(follow_symlinks=False):
            strays.append(Stray(rel, True))
        elif not entry.is_file(follow_symlinks=False):
            strays.append(Stray(rel, False, "special"))  # a FIFO or device would block or never end
        elif entry.name.endswith(YAML_SUFFIXES):
            out.append((entry.path, rel))
        else:
            strays.append(Stray(rel, False))
    return out


@dataclass
class Snapshot:
    """A catalogue's files read from disk, not yet parsed."""

    root: Path
    files: list[SourceFile]
    blobs: list[bytes | None]  # None where reading failed
    digests: list[bytes]
    strays: list[Stray]
    missing: list[str]

    def key(self, extra: bytes = b"") -> bytes:
        """One digest for the whole catalogue's content and layout (and ``extra`` settings)."""
        h = hashlib.blake2b(digest_size=16)
        h.update(extra + b"\0")
        for sf, d in zip(self.files, self.digests):
            h.update(sf.rel.encode("utf-8", "surrogateescape") + b"\0" + d)
        for stray in self.strays:
            h.update(b"stray:" + stray.rel.encode("utf-8", "surrogateescape"))
        h.update("|".join(self.missing).encode())
        return h.digest()


def read_catalogue(root: Path) -> Snapshot:
    """List and read every file of one catalogue (cheap: no parsing)."""
    root = root.resolve()
    strays: list[Stray] = []
    missing: list[str] = []
    # plain strings, not Path objects: pathlib costs ~40 us a file, a third of a warm run
    plan: list[tuple[str, str, str]] = [(str(root / CATALOG_FILE), CATALOG_FILE, "catalog")]
    if (
        (root / LAWS_FILE).is_file()
        or os.path.lexists(root / LAWS_FILE)
        and not (root / LAWS_FILE).is_dir()
        or os.path.islink(root / LAWS_FILE)
    ):  # a FIFO or a device is reported when read
        plan.append((str(root / LAWS_FILE), LAWS_FILE, "laws"))
    else:
        missing.append(LAWS_FILE)
    for sub, kind in (("items", "item"), ("flows", "flow"), ("records", "record")):
        optional = kind == "record"  # the operation register: only units with important powers keep one
        if os.path.islink(root / sub):  # never followed: it may lead out of the catalogue
            strays.append(Stray(sub, True, "symlink"))
            if not optional:
                missing.append(sub + "/")
            continue
        if not (root / sub).is_dir():
            if not optional:
                missing.append(sub + "/")
            continue
        plan.extend((path, rel, kind) for path, rel in _list_yaml(root, sub, strays))
    files, blobs, digests = [], [], []
    for path, rel, kind in plan:
        sf = SourceFile(path=path, rel=rel, kind=kind)
        # catalog.yaml and laws.yaml, like the items, are never read through a symbolic link
        shared = kind in ("catalog", "laws")  # not listed by os.scandir: looked at before being opened
        blob = _linked(rel) if shared and os.path.islink(path) else _read(path, rel, prestat=shared)
        if isinstance(blob, ParseFailure):
            sf.failure = blob
            blobs.append(None)
            digests.append(digest(f"unreadable\0{blob.rule}\0{blob.zh}".encode()))  # a file too large: its size
        else:
            sf.blob = blob
            blobs.append(blob)
            digests.append(digest(blob))
        files.append(sf)
    return Snapshot(root, files, blobs, digests, strays, missing)


def _linked(rel: str) -> ParseFailure:
    return ParseFailure(
        "QL100",
        1,
        1,
        f"{rel} 是符号链接，为安全起见不会被读取（它可能指向目录之外）。请换成普通文件。",
        f"{rel} is a symbolic link and is not followed (it may lead out of the catalogue); use a regular file.",
    )


# an item whose findings were recalled and which could not be read then either
RECALLED_FAILURE = ParseFailure("QL100", 1, 1, "（沿用上次的检查结果）", "(recalled from the last run)")


def parse_snapshot(
    snap: Snapshot, use_cache: bool = True, jobs: int | None = None, given: dict[int, Any] | None = None, check=None
) -> Catalogue:
    """Parse what was read (through the parse cache); reading problems become ``SourceFile.failure``.

    ``given``: file index -> data to use instead of parsing (a recalled summary; None for a file
    that could not be read), for files whose findings are already known. ``check``: checks the
    items parsed here as they are parsed, in the same processes (see ``_parse_all``)."""
    import gc

    paused = gc.isenabled()
    gc.disable()  # see _parse_chunk: loading the cache's documents and parsing make no cycles
    try:
        _parse_into(snap, use_cache, jobs, given or {}, check)
    finally:
        if paused:
            gc.enable()
    gc.freeze()  # the catalogue lives until the command ends: later collections need not walk it
    files = snap.files
    return Catalogue(
        root=snap.root,
        catalog=files[0],
        laws=next((f for f in files if f.kind == "laws"), None),
        items=[f for f in files if f.kind == "item"],
        flows=[f for f in files if f.kind == "flow"],
        strays=snap.strays,
        missing=snap.missing,
        records=[f for f in files if f.kind == "record"],
    )


def _parse_into(snap: Snapshot, use_cache: bool, jobs: int | None, given: dict[int, Any], check) -> None:
    cache = ParseCache(snap.root / CACHE_DIR if use_cache else None, complete=not given)
    files = snap.files
    todo: list[int] = []
    keys = [d + sf.kind.encode() for sf, d in zip(files, snap.digests)]  # the schema depends on the kind
    for index, (sf, blob) in enumerate(zip(files, snap.blobs)):
        if blob is None:
            continue
        if index in given:
            sf.data, sf.problems = given[index], []
            if sf.data is None:
                sf.failure = RECALLED_FAILURE
            continue
        cached = cache.get(keys[index])
        if cached is MISSING:
            todo.append(index)
        else:
            sf.data, sf.facts, sf.problems = cached
    # the shared files first, here: the items are checked against them as they are parsed
    for batch in ([i for i in todo if files[i].kind != "item"], [i for i in todo if files[i].kind == "item"]):
        if not batch:
            continue
        items = files[batch[0]].kind == "item"
        if items and check is not None:
            check.shared = [sf for sf in files if sf.kind not in ("item", "record")]
        work = [(snap.blobs[i], files[i].kind, files[i].path, files[i].rel) for i in batch]
        checked = items and check is not None  # checked where parsed: summaries come back (see _parse_checked)
        results = _parse_all(
            work,
            (jobs or os.cpu_count() or 1) if items else 1,
            check if items else None,
            pack=cache.directory is not None,
        )
        for index, result in zip(batch, results):
            sf = files[index]
            if checked:
                sf.data, sf.failure, entry = result
                sf.facts, sf.problems = [], []  # what the item-local rules needed is used up
                if entry is not None:
                    cache.put_packed(keys[index], entry)
                continue
            sf.data, sf.facts, sf.failure, sf.problems = result
            if sf.failure is None:
                cache.put(keys[index], (sf.data, sf.facts, sf.problems))
    cache.save()


def fill_documents(snap: Snapshot, files: list[SourceFile], use_cache: bool = True, jobs: int | None = None) -> None:
    """Give ``files`` of ``snap`` (items a check left holding their summaries) their whole parsed
    documents again: from the parse cache, where the check put them, else parsed once more."""
    cache = ParseCache(snap.root / CACHE_DIR if use_cache else None, complete=False)
    digests = {id(sf): d for sf, d in zip(snap.files, snap.digests)}
    todo = []
    for sf in files:
        if sf.blob is None:
            continue
        key = digests[id(sf)] + sf.kind.encode()
        cached = cache.get(key)
        if cached is MISSING:
            todo.append((sf, key))
        else:
            sf.data, sf.facts, sf.problems = cached
    if todo:
        work = [(sf.blob, sf.kind, sf.path, sf.rel) for sf, _ in todo]
        for (sf, key), (data, facts, failure, problems) in zip(todo, _parse_all(work, jobs or os.cpu_count() or 1)):
            sf.data, sf.facts, sf.failure, sf.problems = data, facts, failure, problems
            if failure is None:
                cache.put(key, (data, facts, problems))
        cache.save()


def load_catalogue(root: Path, use_cache: bool = True, jobs: int | None = None) -> Catalogue:
    """Read and parse one catalogue."""
    return parse_snapshot(read_catalogue(root), use_cache=use_cache, jobs=jobs)
