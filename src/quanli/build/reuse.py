"""What a build keeps from the last one: the keys its outputs were made from (content hashes of
their inputs and of quanli's own code), the files still as that build wrote them (``Reuse``), the
last ZIP, and the leak scan done where items are rendered (``Scan``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from quanli.render.outputs import Kept, kept


def cache_key(*parts) -> str:
    return _keyed(_key_start(), *parts).hexdigest()


def _key_start():
    from quanli.loader.cache import code_fingerprint

    return hashlib.blake2b(code_fingerprint().encode(), digest_size=16)


def _keyed(h, *parts):
    """``h`` (a blake2b) fed ``parts`` as _key feeds them: ``_keyed(_keyed(start, a).copy(), b)``
    is ``cache_key(a, b)``, so a prefix shared by 10,000 keys is hashed once."""
    for part in parts:
        h.update(b"\0" + (part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")))
    return h


class Reuse:
    """Files of the previous build whose inputs have not changed (the content-hash cache).

    A group (a flow's two files, an item's three) is reused only whole, and only if every
    file is still what that build wrote; reused files are not read (see ``Kept``)."""

    def __init__(self, out: Path, keys: dict[str, str], listing: dict, records: dict) -> None:
        self.out, self.keys = out, keys
        self.listing = listing if isinstance(listing, dict) else {}
        self.records = records if isinstance(records, dict) else {}

    def get(self, group: str, key: str, names: list[str]) -> dict[str, Kept] | None:
        if self.keys.get(group) != key:
            return None
        found = {}
        for name in names:
            old = kept(self.out, name, self.listing.get(name), self.records.get(name))
            if old is None:
                return None
            found[name] = old
        return found


class Scan:
    """The leak scan done where items are rendered (on every core): the secrets to look for, the
    files found clean there and what was found."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets, self.clean, self.leaks = secrets, set(), []

    def take(self, files: dict[str, bytes], leaks: list) -> None:
        if leaks:
            self.leaks += leaks
        else:
            self.clean.update(files)


def _previous_bundle(path: Path, reuse: Reuse | None, records) -> tuple[str, dict] | None:
    """The last build's ZIP and its members' digests, if the file is still what that build wrote."""
    from quanli.render.outputs import file_stat

    record = records.get(path.name) if reuse is not None and isinstance(records, dict) else None
    try:
        if not (isinstance(record, list) and len(record) == 2 and list(file_stat(str(path))) == record[1]):
            return None
    except OSError:
        return None
    return str(path), reuse.listing
