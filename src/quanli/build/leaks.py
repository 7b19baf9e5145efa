"""The leak scan of a public build: no id or name of a non-public item (of this catalogue, or of the
other members of the workspace being built) may be in any byte of a public output, in any
spelling a reader reads as the same (quanli.core.textfold); Office files and ZIPs are searched member
by member, EMF pictures by their strings."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from functools import lru_cache

from quanli.render.outputs import Kept, data_of, sha256_of


def _texts_of(data: bytes) -> list[str]:
    """The text inside an output file: Office files and ZIPs are searched member by member."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return [member_text(zf.read(n)) for n in zf.namelist()]
        except zipfile.BadZipFile:
            pass
    return [member_text(data)]


def member_text(data: bytes) -> str:
    """What a reader can read of one file or package member: UTF-8 text, or the UTF-16 strings
    of an EMF picture (the 一件's flowchart fallback, render/emf/), followed by the bytes as
    UTF-8 all the same."""
    if data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF":
        from quanli.render.emf import text_of

        return text_of(data) + "\n" + data.decode("utf-8", "replace")
    return data.decode("utf-8", "replace")


def leak_check(
    files: dict[str, bytes | Kept],
    secrets: list[str],
    clean=None,
    digests: dict[str, str] | None = None,
    scanned: set[str] = frozenset(),
    texts: dict[str, list[str]] | None = None,
) -> list[tuple[str, str]]:
    """(file, secret) for every non-public string found in a public output, names included.

    ``clean`` (a DigestSet) remembers outputs already scanned against exactly these secrets:
    the key covers the whole list of secrets, the file's name and its SHA-256, so a changed
    file or a newly confidential item is always scanned again. ``scanned``: files already
    found clean against these secrets in this build (where they were rendered). ``texts``:
    the text of a file's members, where the caller still has it (a package not yet packed)."""
    if not secrets:
        return []
    from quanli.core.textfold import fold_markup

    pattern, against = _needles(tuple(secrets))
    found = []
    for name in sorted(files):
        key = None
        if clean is not None:
            digest = digests[name] if digests is not None else sha256_of(files[name])
            # the secrets' digest and the file's SHA-256 have fixed lengths: no separators needed
            key = hashlib.blake2b(
                against + digest.encode() + name.encode("utf-8", "surrogatepass"), digest_size=16
            ).digest()
            if clean.known(key):
                continue
            if name in scanned:
                clean.add(key)
                continue
        elif name in scanned:
            continue
        inside = texts.get(name) if texts is not None else None
        for text in [name] + (inside if inside is not None else _texts_of(data_of(files[name]))):
            m = pattern.search(fold_markup(text))
            if m:
                found.append((name, m.group()))
                break
        else:
            if key is not None:
                clean.add(key)
    return found


@lru_cache(maxsize=4)
def _needles(secrets: tuple[str, ...]) -> tuple[re.Pattern, bytes]:
    """The search for ``secrets`` in folded text (textfold: any spelling a reader reads as the
    same), and a digest of the whole list in a fixed order (the scan cache's key): made once per
    build, not once per file."""
    from quanli.core import textfold

    needles = textfold.needles(secrets)
    if not needles:
        return re.compile(r"(?!x)x"), b""
    return _any_of(needles), hashlib.blake2b(
        b"fold1\0" + "\0".join(needles).encode("utf-8", "surrogatepass"), digest_size=32
    ).digest()


def _any_of(needles: list[str]) -> re.Pattern:
    """One regular expression for the needles: textfold.any_of's trie (a 10,000-item public build
    spent 2 ms an item here with one group per first character)."""
    from quanli.core.textfold import any_of

    return any_of(needles)


LEAK_HINT = "检查规则 QL602、QL606、QL975 会指出是哪个事项的哪一处提到了它：若豁免了这些规则，请删去豁免并改正；否则请报告此问题。"
LEAK_HINT_EN = "Rules QL602, QL606 and QL975 point at the text that names it: if they are suppressed, remove that; else report this."

# names and ids a public build must not hold besides its own catalogue's (the other members of
# the workspace being built: quanli.build.workspace sets it in the process building a member)
EXTRA_SECRETS: list[str] = []


def shown_of(view) -> set[str]:
    return {s for i in view.items for s in (i.id, i.name)}


def secrets_of(catalogue, view) -> list[str]:
    """Ids and names of items a public build must not show (names only when distinctive: a name
    that is part of a public item's name, as folded, is that item's words too)."""
    from quanli.core.textfold import MIN_NEEDLE, fold

    public_ids = {i.id for i in view.items}
    shown = "\0".join(sorted({fold(i.name) for i in view.items}))  # one search of all names, not one per name
    out = []
    for sf in catalogue.items:
        if not sf.ok or sf.data.get("id") in public_ids:
            continue
        for key in ("id", "name"):
            value = sf.data.get(key)
            folded = fold(value) if isinstance(value, str) else ""
            if len(folded) >= MIN_NEEDLE and (key == "id" or folded not in shown):
                out.append(value)
    return out
