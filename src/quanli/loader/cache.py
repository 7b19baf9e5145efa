"""A parse cache keyed by file content, so unchanged files are never parsed twice.

The cache lives in ``<catalogue>/.quanli-cache/`` (with its own ``.gitignore``) and maps
a BLAKE2 digest of a file's bytes to the parsed document. ``marshal`` is used because
parsed documents are plain dicts, lists, strings and numbers, and it loads several times
faster than pickle. A corrupt, foreign or unwritable cache is ignored, never fatal.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

from functools import lru_cache

from quanli import __version__

CACHE_DIR = ".quanli-cache"
MISSING = object()


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """Changes whenever quanli's code, schemas or version change, so stale caches are never used."""
    from quanli.resources import SCHEMA_KINDS, schema_file

    h = hashlib.blake2b(digest_size=12)
    h.update(f"{__version__}/marshal-{marshal.version}".encode())
    package = Path(__file__).resolve().parents[1]
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                st = os.stat(os.path.join(dirpath, name))
                h.update(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    for kind in SCHEMA_KINDS:
        h.update(schema_file(kind).read_bytes())
    return h.hexdigest()


def _write(directory: Path, file: Path, payload: object) -> None:
    directory.mkdir(exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# created by quanli: caches, safe to delete\n*\n", encoding="utf-8")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".cache-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(payload, fh)
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(file: Path | None) -> object:
    if file is None or not file.is_file():
        return None
    try:
        with open(file, "rb") as fh:
            header, payload = marshal.loads(fh.read())  # marshal.load(fh) reads in small pieces: 3x slower
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return payload if header == code_fingerprint() else None


def read_payload(file: Path) -> object:
    """What ``write_payload`` stored for this code version, or None."""
    return _read(file)


def write_payload(directory: Path, file: Path, payload: object) -> None:
    """Store ``payload`` (marshal-able) atomically; an unwritable cache is not an error."""
    try:
        _write(directory, file, (code_fingerprint(), payload))
    except (OSError, ValueError):
        pass


class ResultCache:
    """The findings of the last run, keyed by the digests of every file of the catalogue."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.file = directory / "results.marshal" if directory else None

    def get(self, key: bytes) -> list | None:
        payload = _read(self.file)
        if isinstance(payload, tuple) and len(payload) == 2 and payload[0] == key:
            return payload[1]
        return None

    def put(self, key: bytes, rows: list) -> None:
        if self.file is None or self.directory is None:
            return
        try:
            _write(self.directory, self.file, (code_fingerprint(), (key, rows)))
        except (OSError, ValueError):
            pass


class ParseCache:
    """Parsed documents by content digest, in SHARDS files, so that after an edit only the shard
    holding the changed file is written again (one file of 11 MB at 10,000 items took 0.1 s)."""

    SHARDS = 16

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._old: list[dict[bytes, Any]] = []
        for shard in range(self.SHARDS):
            entries = _read(self._file(shard)) if directory else None
            self._old.append(entries if isinstance(entries, dict) else {})
        self._new: list[dict[bytes, Any]] = [{} for _ in range(self.SHARDS)]
        self._dirty = [False] * self.SHARDS

    def _file(self, shard: int) -> Path | None:
        return self.directory / f"parse-{shard:x}.marshal" if self.directory else None

    def get(self, key: bytes) -> Any:
        shard = key[0] % self.SHARDS
        value = self._new[shard].get(key, MISSING)
        if value is MISSING:
            value = self._old[shard].get(key, MISSING)
            if value is not MISSING:
                self._new[shard][key] = value
        return value

    def put(self, key: bytes, value: Any) -> None:
        shard = key[0] % self.SHARDS
        self._new[shard][key] = value
        self._dirty[shard] = True

    def save(self) -> None:
        """Write the shards that changed, keeping the entries used in this run, atomically."""
        if self.directory is None:
            return
        for shard in range(self.SHARDS):
            if not self._dirty[shard] and len(self._new[shard]) == len(self._old[shard]):
                continue
            try:
                _write(self.directory, self._file(shard), (code_fingerprint(), self._new[shard]))
            except (OSError, ValueError):
                return  # a read-only checkout still validates, only slower next time
        try:
            (self.directory / "parse.marshal").unlink(missing_ok=True)  # the single file of earlier versions
        except OSError:
            pass


class DigestSet:
    """A remembered set of digests: things already judged (a file found canonical by ``fmt``, an
    output found clean by the build's leak scan), valid for this code version only. Each key
    is a digest of everything the judgement depended on, so a changed input is never served."""

    def __init__(self, directory: Path | None, name: str) -> None:
        self.directory = directory
        self.file = directory / name if directory else None
        old = _read(self.file)
        self._old: set[bytes] = old if isinstance(old, set) else set()
        self._new: set[bytes] = set()

    @staticmethod
    def key(*parts: bytes) -> bytes:
        h = hashlib.blake2b(digest_size=16)
        for part in parts:
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return h.digest()

    def known(self, key: bytes) -> bool:
        if key in self._old:
            self._new.add(key)
            return True
        return False

    def add(self, key: bytes) -> None:
        self._new.add(key)

    def save(self) -> None:
        """Keep what this run used or found (older entries are dropped), atomically."""
        if self.file is None or self.directory is None or self._new == self._old:
            return
        try:
            _write(self.directory, self.file, (code_fingerprint(), self._new))
        except (OSError, ValueError):
            pass
