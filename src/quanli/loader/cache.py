"""A parse cache keyed by file content, so unchanged files are never parsed twice.

The cache lives in ``<catalogue>/.quanli-cache/`` (with its own ``.gitignore``) and maps
a BLAKE2 digest of a file's bytes to the parsed document. ``marshal`` is used because
parsed documents are plain dicts, lists, strings and numbers, and it loads several times
faster than pickle. A corrupt, foreign or unwritable cache is ignored, never fatal; every
cache file is sealed with a key of the user's (see ``_user_key``), so one that quanli did not
write for this user is never unmarshalled.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import marshal
import os
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from quanli import __version__

CACHE_DIR = ".quanli-cache"
MISSING = object()


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@cache
def code_fingerprint() -> str:
    """Changes whenever quanli's code, schemas or version change, so stale caches are never used."""
    from quanli.core.resources import SCHEMA_KINDS, schema_file

    h = hashlib.blake2b(digest_size=12)
    import zlib

    h.update(f"{__version__}/marshal-{marshal.version}/zlib-{zlib.ZLIB_RUNTIME_VERSION}".encode())
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
    _write_records(directory, file, [payload])


def _linked(directory: Path) -> bool:
    """A cache folder that is a symbolic link (committed to a repository, say) may lead anywhere:
    it is neither read nor written through."""
    return os.path.islink(directory)


SEAL = b"QLC1"  # then a keyed BLAKE2 digest of the rest, then the marshal records


@cache
def _user_key() -> bytes:
    """A random key of this user's, kept outside every catalogue (in the user's cache folder).

    Cache files are sealed with it, and a file whose seal does not match is never unmarshalled:
    a cache committed to a repository or planted in a shared folder (marshal is not safe on
    crafted data, and a forged parse or findings cache could make validate pass a bad item or a
    build show what it should not) is ignored like a foreign one. Where no key can be kept, a
    key for this process alone: caches work within the run, not across runs."""
    base = os.environ.get("LOCALAPPDATA") if os.name == "nt" else os.environ.get("XDG_CACHE_HOME")
    if not base:
        base = (
            os.path.join(os.path.expanduser("~"), "Library", "Caches")
            if sys.platform == "darwin"
            else os.path.join(os.path.expanduser("~"), ".cache")
        )
    path = os.path.join(base, "quanli", "cache-key")
    try:
        with open(path, "rb") as fh:
            key = fh.read()
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = os.urandom(32)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".cache-key-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        try:
            os.link(tmp, path)  # first writer wins: two processes starting at once agree on one key
        except FileExistsError:
            pass
        except OSError:
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        with open(path, "rb") as fh:
            stored = fh.read()
        return stored if len(stored) == 32 else key
    except OSError:
        return key


def _seal(body: bytes) -> bytes:
    return SEAL + hashlib.blake2b(body, key=_user_key(), digest_size=16).digest() + body


def _unseal(data: bytes) -> bytes | None:
    """The records of a sealed cache file, or None if it was not written by this user's quanli."""
    if len(data) < 20 or data[:4] != SEAL:
        return None
    body = data[20:]
    if not hmac.compare_digest(data[4:20], hashlib.blake2b(body, key=_user_key(), digest_size=16).digest()):
        return None
    return body


def _write_records(directory: Path, file: Path, records: list) -> None:
    """Marshal ``records`` one after another into ``file``, sealed, atomically (temporary file, rename)."""
    if _linked(directory):
        raise OSError(f"{directory} is a symbolic link: the cache is not written through it")
    directory.mkdir(exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# created by quanli: caches, safe to delete\n*\n", encoding="utf-8")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".cache-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            # marshal.dump(x, fh) builds the same bytes first anyway
            fh.write(_seal(b"".join(marshal.dumps(record) for record in records)))
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(file: Path | None) -> object:
    if file is None or _linked(file.parent) or not file.is_file():
        return None
    try:
        with open(file, "rb") as fh:
            body = _unseal(fh.read())
        if body is None:
            return None
        header, payload = marshal.loads(body)  # marshal.load(fh) reads in small pieces: 3x slower
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
    """The findings of the last run, keyed by the digests of every file of the catalogue.

    The file holds two marshal records, (code fingerprint, key) then the findings, so a run
    whose key differs unmarshals a few bytes, not the whole list (after checking the seal)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.file = directory / "results.marshal" if directory else None

    def get(self, key: bytes) -> list | None:
        if self.file is None or _linked(self.file.parent) or not self.file.is_file():
            return None
        try:
            with open(self.file, "rb") as fh:
                body = _unseal(fh.read())
            if body is None:
                return None
            records = io.BytesIO(body)
            if marshal.load(records) != (code_fingerprint(), key):
                return None
            payload = marshal.loads(records.read())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        return payload if isinstance(payload, list) else None

    def put(self, key: bytes, rows: list) -> None:
        if self.file is None or self.directory is None:
            return
        try:
            _write_records(self.directory, self.file, [(code_fingerprint(), key), rows])
        except (OSError, ValueError):
            pass


class ParseCache:
    """Parsed documents by content digest, in shards read only when asked for: items in SHARDS
    files by digest, the shared files (catalogue, laws, flows) in one of their own. After an
    edit only the shard holding the changed file is read and written again (one file of 11 MB
    at 10,000 items took 0.1 s each way)."""

    SHARDS = 16

    def __init__(self, directory: Path | None, complete: bool = True) -> None:
        self.directory = directory
        self.complete = complete  # this run asks for every file: entries not asked for are stale
        self._old: dict[int, dict[bytes, Any]] = {}
        self._new: dict[int, dict[bytes, Any]] = {}
        self._dirty: set[int] = set()

    def _shard(self, key: bytes) -> int:
        return key[0] % self.SHARDS if key.endswith(b"item") else self.SHARDS  # keys: digest + kind

    def _file(self, shard: int) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / (f"parse-{shard:x}.marshal" if shard < self.SHARDS else "parse-shared.marshal")

    def _load(self, shard: int) -> dict[bytes, Any]:
        old = self._old.get(shard)
        if old is None:
            entries = _read(self._file(shard)) if self.directory else None
            old = self._old[shard] = entries if isinstance(entries, dict) else {}
            self._new[shard] = {}
        return old

    def get(self, key: bytes) -> Any:
        shard = self._shard(key)
        old = self._load(shard)
        entry = self._new[shard].get(key, MISSING)
        if entry is MISSING:
            entry = old.get(key, MISSING)
            if entry is MISSING:
                return MISSING
            self._new[shard][key] = entry
        try:
            return marshal.loads(entry)
        except (EOFError, ValueError, TypeError):
            return MISSING

    def put(self, key: bytes, value: Any) -> None:
        self.put_packed(key, marshal.dumps(value))

    def put_packed(self, key: bytes, entry: bytes) -> None:
        """An entry already marshalled (where it was parsed, see loader.catalogue._parse_checked).
        Entries are kept marshalled: a shard loads fast, and holds a document in a third of the
        memory its objects take; each is unmarshalled when it is asked for."""
        shard = self._shard(key)
        self._load(shard)
        self._new[shard][key] = entry
        self._dirty.add(shard)

    def save(self) -> None:
        """Write the shards that changed, atomically, keeping the entries used in this run (and, when
        the run did not ask for every file, the others too). A shard not read is left as it is."""
        if self.directory is None:
            return
        for shard, new in self._new.items():
            if not self.complete:
                new = {**self._old[shard], **new}
            if shard not in self._dirty and len(new) == len(self._old[shard]):
                continue
            try:
                _write(self.directory, self._file(shard), (code_fingerprint(), new))
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
        return hashlib.blake2b(
            b"".join(len(part).to_bytes(8, "little") + part for part in parts), digest_size=16
        ).digest()

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
