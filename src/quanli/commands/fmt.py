"""``quanli fmt [PATH] [--check]``: rewrite catalogue YAML into its one canonical form."""

from __future__ import annotations

import os
from pathlib import Path

from quanli.core.errors import QuanliError


def catalogue_files(root: Path) -> list[Path]:
    """The catalogue's YAML files; symbolic links are never followed (validate reports them)."""
    # a catalog.yaml or laws.yaml that is a FIFO or a device is listed, to be refused when read (see _run)
    out = [
        root / name
        for name in ("catalog.yaml", "laws.yaml")
        if os.path.lexists(root / name) and not (root / name).is_symlink() and not (root / name).is_dir()
    ]
    for sub in ("items", "flows", "records"):
        folder = root / sub
        if folder.is_dir() and not folder.is_symlink():
            with os.scandir(folder) as entries:  # one directory read; DirEntry knows a link without a stat
                names = sorted(
                    (
                        e.name
                        for e in entries
                        if os.path.splitext(e.name)[1] in (".yaml", ".yml") and e.is_file(follow_symlinks=False)
                    ),
                    key=os.path.normcase,  # as Path sorts: without case on Windows
                )
            out += [folder / name for name in names]
    return out


def run(paths: list[Path], check: bool, lang: str, use_cache: bool = True) -> int:
    from quanli.loader.catalogue import discover, find_catalogue_root

    en = lang == "en"
    # files named one by one (pre-commit passes every staged YAML file): those outside a catalogue are not ours
    paths = [p for p in paths if not (p.is_file() and find_catalogue_root(p.parent) is None)] if paths else [Path.cwd()]
    targets: list[tuple[Path, Path, bool]] = []  # (catalogue, file, listed as a regular file)
    for root, selected in discover(paths) if paths else []:
        if selected:
            targets += [(root, f, False) for f in sorted(selected)]
        else:
            # files of items/, flows/, records/ were listed as regular files; catalog.yaml may be a FIFO
            targets += [(root, f, f.parent != root) for f in catalogue_files(root)]
    if not check:  # rewriting: no other quanli command edits these catalogues meanwhile (lock.EditLock)
        import contextlib

        from quanli.core.lock import EditLock

        with contextlib.ExitStack() as held:
            for root in sorted({root.resolve() for root, _, _ in targets}):
                held.enter_context(EditLock(root, lang))
            return _run(targets, check, lang, use_cache, en)
    return _run(targets, check, lang, use_cache, en)


def _run(targets: list[tuple[Path, Path, bool]], check: bool, lang: str, use_cache: bool, en: bool) -> int:
    from quanli.core.fsutil import read_reason, read_regular, write_atomic
    from quanli.loader.cache import CACHE_DIR, DigestSet
    from quanli.loader.scaffold import modeline_for
    from quanli.loader.yamlfmt import Unsafe, format_text, kind_of
    from quanli.loader.yamlparse import MAX_FILE_BYTES

    changed, failed = [], []
    caches: dict[Path, DigestSet] = {}  # per catalogue: files found canonical (key: path inside it + content)
    real: dict[Path, str] = {}  # folder -> its resolved path: one realpath a folder, not one a file
    modelines: dict[tuple[Path, Path, str], str] = {}  # (catalogue, folder, kind) -> the modeline its files carry
    for root, path, listed in targets:
        try:  # a file named on the command line may be a link, or be reached through one
            if not listed and path.is_symlink():
                rel = None
            else:
                for folder in (root, path.parent):
                    if folder not in real:
                        real[folder] = os.path.join(folder.resolve(), "")  # with a trailing separator
                inside, top = real[path.parent], real[root]
                rel = (
                    inside[len(top) :].replace(os.sep, "/") + path.name
                    if os.path.normcase(inside).startswith(os.path.normcase(top))
                    else None
                )
        except ValueError:
            rel = None
        if rel is None:
            failed.append(
                (
                    path,
                    "是符号链接或在目录之外，不会改写"
                    if not en
                    else "a symbolic link or outside the catalogue: not rewritten",
                )
            )
            continue
        kind = kind_of(rel)
        if kind is None:
            continue
        try:  # a regular file only, of a size a catalogue file can have: never a hang on a FIFO
            raw = read_regular(path, MAX_FILE_BYTES, prestat=not listed)
        except OSError as exc:
            why = read_reason(exc)
            failed.append((path, why[1] if en else why[0]))
            continue
        if root not in caches:
            caches[root] = DigestSet(root / CACHE_DIR if use_cache else None, "canonical.marshal")
        cache = caches[root]
        key = cache.key(rel.encode("utf-8", "surrogatepass"), raw)
        if cache.known(key):
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            failed.append((path, "不是 UTF-8 编码" if not en else "not UTF-8"))
            continue
        try:
            where = (root, path.parent, kind)
            if where not in modelines:
                modelines[where] = modeline_for(root, path, kind)
            result = format_text(text, kind, modelines[where])
        except Unsafe as exc:
            failed.append((path, str(exc)))
            continue
        if result.encode("utf-8") != raw:
            changed.append(path)
            if not check:
                write_atomic(path, result, overwrite=True)
                cache.add(cache.key(rel.encode("utf-8", "surrogatepass"), result.encode("utf-8")))
        else:
            cache.add(key)
    for cache in caches.values():
        cache.save()
    for path, why in failed:
        print(f"{path}: {'not formatted: ' if en else '未格式化：'}{why}")
    if check:
        for path in changed:
            print(f"{path}: {'would be reformatted' if en else '格式不规范，quanli fmt 会改写它'}")
        if en:
            print(f"{len(changed)} of {len(targets)} files would be reformatted.")
        else:
            print(
                f"共 {len(targets)} 个文件，{len(changed)} 个需要格式化。"
                + ("运行 quanli fmt 改写。" if changed else "")
            )
    else:
        print(
            f"Reformatted {len(changed)} of {len(targets)} files."
            if en
            else f"共 {len(targets)} 个文件，已格式化 {len(changed)} 个。"
        )
    if failed:
        raise QuanliError(
            f"{len(failed)} 个文件无法格式化（见上），已保持原样。请先运行 quanli validate 修正。",
            f"{len(failed)} file(s) could not be formatted (see above) and were left as they are.",
        )
    return 1 if check and changed else 0
