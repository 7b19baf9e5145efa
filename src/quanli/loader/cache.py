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

from quanli import __version__

CACHE_DIR = ".quanli-cache"
FORMAT = f"quanli-parse-1/{__version__}/marshal-{marshal.version}"
MISSING = object()


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class ParseCache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.file = directory / "parse.marshal" if directory else None
        self._old: dict[bytes, Any] = {}
        self._new: dict[bytes, Any] = {}
        self._dirty = False
        if self.file is not None and self.file.is_file():
            try:
                with open(self.file, "rb") as fh:
                    header, entries = marshal.load(fh)
                if header == FORMAT and isinstance(entries, dict):
                    self._old = entries
            except (OSError, EOFError, ValueError, TypeError):
                self._old = {}

    def get(self, key: bytes) -> Any:
        value = self._new.get(key, MISSING)
        if value is MISSING:
            value = self._old.get(key, MISSING)
            if value is not MISSING:
                self._new[key] = value
        return value

    def put(self, key: bytes, value: Any) -> None:
        self._new[key] = value
        self._dirty = True

    def save(self) -> None:
        """Write the entries used in this run (older ones are dropped), atomically."""
        if self.file is None or self.directory is None:
            return
        if not self._dirty and len(self._new) == len(self._old):
            return
        try:
            self.directory.mkdir(exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by quanli: parse cache, safe to delete\n*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".parse-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    marshal.dump((FORMAT, self._new), fh)
                os.replace(tmp, self.file)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except (OSError, ValueError):
            pass  # a read-only checkout still validates, only slower next time
