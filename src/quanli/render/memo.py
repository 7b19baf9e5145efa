"""Per-item parts of the whole-catalogue outputs, remembered from one build to the next.

A build after one edit still writes the table (XLSX, CSV, HTML) of every item, and the
view of every item behind it. What each item contributes -- its view, its table cells, its
row height -- depends only on the item's file, the shared files (catalog.yaml, laws.yaml)
and quanli's code. This memo keeps those parts under a digest of exactly that, in
``.quanli-cache/render-memo-*.marshal``, so an unchanged item is not worked out again. A
changed file has another digest and is never served; the file is dropped whole when the
code changes (the cache's code fingerprint), and entries not used by a build are dropped.
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path

from quanli.render.view import ItemView, LawRef, Material

NAME = "render-memo-{}.marshal"  # sixteen shards by key: one edit rewrites one of them
SHARDS = 16


class RenderMemo:
    """Parts by (source key, part name); ``directory`` None remembers nothing between runs."""

    def __init__(self, directory: Path | None) -> None:
        from quanli.loader.cache import read_payload

        self.directory = directory
        self._old: dict = {}
        for shard in range(SHARDS):
            old = read_payload(directory / NAME.format(f"{shard:x}")) if directory is not None else None
            if isinstance(old, dict):
                self._old.update(old)
        self._new: dict = {}
        self._dirty: set[int] = set()

    @staticmethod
    def key(shared: bytes, item: bytes) -> bytes:
        """The source key of an item: its file's digest and the shared files' digest."""
        return hashlib.blake2b(shared + b"\0" + item, digest_size=16).digest()

    def get(self, key: bytes, part: str):
        entry = self._new.get(key)
        if entry is None:
            entry = self._old.get(key)
            if entry is None:
                return None
            self._new[key] = entry
        return entry.get(part)

    def put(self, key: bytes, part: str, value) -> None:
        entry = self._new.get(key)
        if entry is None:
            entry = self._new[key] = dict(self._old.get(key) or {})
        entry[part] = value
        self._dirty.add(key[0] % SHARDS)

    def save(self) -> None:
        """Keep what this build used, atomically, rewriting only the shards that changed (or lost
        entries this build did not use); unwritable caches are not an error."""
        from quanli.loader.cache import write_payload

        if self.directory is None:
            return
        shards: list[dict] = [{} for _ in range(SHARDS)]
        for key, entry in self._new.items():
            shards[key[0] % SHARDS][key] = entry
        counts = [0] * SHARDS
        for key in self._old:
            counts[key[0] % SHARDS] += 1
        for shard, entries in enumerate(shards):
            if shard in self._dirty or len(entries) != counts[shard]:
                write_payload(self.directory, self.directory / NAME.format(f"{shard:x}"), entries)


class Remembered:
    """A view's link to the memo: the source key of each of its items (by object identity)."""

    def __init__(self, memo: RenderMemo, keys: dict[int, bytes]) -> None:
        self.memo, self.keys = memo, keys

    def get(self, item: ItemView, part: str):
        key = self.keys.get(id(item))
        return None if key is None else self.memo.get(key, part)

    def put(self, item: ItemView, part: str, value) -> None:
        key = self.keys.get(id(item))
        if key is not None:
            self.memo.put(key, part, value)


def pack(item: ItemView) -> tuple:
    """An ItemView as plain marshal-able data: the fields every build reads of every item, and
    the others marshalled into one bytes object (unpacked only when a field of them is read)."""
    values = {name: getattr(item, name) for name in FIELDS}
    values["basis"] = [(r.title, r.article, r.kind, r.text) for r in item.basis]
    values["materials"] = [(m.name, m.form, m.copies, m.required, m.note) for m in item.materials]
    values["discretion"] = [tuple(d) for d in item.discretion]
    return tuple(values[name] for name in HEAD), marshal.dumps(tuple(values[name] for name in REST))


def unpack(data: tuple) -> ItemView:
    """The ItemView of ``pack``: its HEAD fields set, the rest left packed (see ItemView.__getattr__)."""
    head, rest = data
    item = object.__new__(ItemView)
    item.__dict__.update(zip(HEAD, head))
    item.__dict__["_packed"] = rest
    return item


def unpack_rest(packed: bytes) -> dict:
    values = dict(zip(REST, marshal.loads(packed)))
    values["basis"] = [LawRef(*r) for r in values["basis"]]
    values["materials"] = [Material(*m) for m in values["materials"]]
    values["discretion"] = [tuple(d) for d in values["discretion"]]
    return values


FIELDS = tuple(ItemView.__dataclass_fields__)
# what a build reads of every item, changed or not: the table order, the groups, the flows, the leak
# scan's names (the table's cells, heights and index lines of an unchanged item come from the memo)
HEAD = ("id", "name", "category", "flow_id", "public", "unit", "pending")  # pending: set by each build, after the memo
REST = tuple(name for name in FIELDS if name not in HEAD)
