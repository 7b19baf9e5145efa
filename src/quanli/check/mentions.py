"""QL606: a public item's own text names a non-public item.

Everything a public item says is published (its 一件, its page, the 一表), so a non-public
item's name or id in it would publish that item. Names are compared as a reader reads them
(textfold: NFKC, white space and invisible characters dropped, case folded), in the item's
file as written, so a name with a leading U+3000, a trailing space, or wrapped in a block
scalar is still found; comment lines are not published and are not searched.

It compares items, so it runs on the whole catalogue after the other rules, on the files'
bytes (an unchanged item's summary is not enough). A memory of items found clean against the
current list of names (.quanli-cache/mentions.marshal) keeps a warm run from searching again.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from quanli.check.registry import RULES, describe
from quanli.core.findings import Finding
from quanli.core.model import PUBLIC_SCOPES, is_public
from quanli.core.textfold import any_of, fold, needles

describe(
    "QL606",
    "public-item-mentions-confidential",
    "error",
    "公开事项中提到了不公开的事项",
    "a public item mentions a non-public item",
    "不予公开、内部公开（以及尚未确定公开范围）的事项不得以任何形式出现在公开的目录中（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 附件4）。公开事项的全部内容都会发布"
    "（一件、网页、一表），其中不能出现不公开事项的名称或编号；备注等不发布的字段也一并检查，以免日后改为发布时泄露。比较时按读者看到的文字：全角半角、空格、全角空格、零宽字符和换行不影响结果。",
    "公开事项的办理条件只写本事项的要求",
    "公开事项的备注写着“与 T-XK-002 排污许可证核发（涉密）一并办理”",
)

_COMMENT = re.compile(r"^\s*#")
# a file with a line that looks like a public scope (an item whose name says 依申请公开 is not one)
_PUBLIC_SCOPE = re.compile(
    rb"scope[\x22']?[ \t]*:[ \t]*[\x22']?(?:"
    + b"|".join(re.escape(v.encode()) for v in PUBLIC_SCOPES)
    + rb")[\x22']?[ \t]*(?:[,}\r\n]|$)"
)


def secret_needles(items: list) -> dict[str, tuple[str, str]]:
    """Folded id or name -> (the id of the non-public item it belongs to, the id or name as
    written, stripped); names that are part of a
    public item's name (folded) are left out: they are that item's words too."""
    public_names = "\0".join(
        sorted(fold(sf.data["name"]) for sf in items if is_public(sf.data) and isinstance(sf.data.get("name"), str))
    )
    out: dict[str, tuple[str, str]] = {}
    for sf in items:
        if is_public(sf.data):
            continue
        ident = sf.data.get("id") if isinstance(sf.data.get("id"), str) else sf.stem
        for key in ("id", "name"):
            for needle in needles([sf.data.get(key)]):
                if key == "name" and needle in public_names:
                    continue
                out.setdefault(needle, (ident, " ".join(str(sf.data.get(key)).split())))
    return out


def pattern_of(found: dict) -> re.Pattern:
    """One regular expression for all the names: at each place the longest name that starts there
    (textfold.any_of: a trie, not an alternation of every name)."""
    return any_of(found)


def locate(text: str, needle: str) -> tuple[int, int]:
    """(line, column), 1-based, where ``needle`` (folded) starts in ``text``; comment lines skipped.
    A needle that runs over several lines (a block scalar) is placed at its first line."""
    lines = [("" if _COMMENT.match(line) else line) for line in text.splitlines()]
    for i, line in enumerate(lines):  # on one line
        if needle in fold(line):
            for col in range(len(line)):
                if fold(line[col:]).startswith(needle):
                    return i + 1, col + 1
    for i in range(len(lines)):  # over several: the first line it starts on
        for span in range(2, 8):
            window = "".join(lines[i : i + span])
            if needle in fold(window):
                if needle in fold("".join(lines[i + 1 : i + span])):
                    break  # it starts on a later line
                return i + 1, 1
    return 1, 1


def folded(blob: bytes) -> str:
    """What a reader reads of an item's file (its lines that are not comments), folded."""
    text = blob.decode("utf-8-sig", "replace")
    # str.lstrip drops what \s matches: the same test as _COMMENT, without a regular expression a line
    return fold("\n".join(line for line in text.splitlines() if "#" not in line or not line.lstrip().startswith("#")))


def screen(snap, active=None) -> tuple[re.Pattern, set[str]] | None:
    """Before the items are parsed: the names of every item that may not be public, found from the
    files' bytes (an item whose file has no line like ``scope: 社会公开``), so the processes
    that parse the items can each search their public ones at once (ItemCheck.screen) and QL606
    searches again only those with a hit. ``find`` uses the screen only when its names hold every
    name of the parsed catalogue's non-public items, so a file the bytes misjudge costs time,
    never a finding. None when there is nothing to gain (QL606 not run, or many such files)."""
    if active is not None and "QL606" not in active:
        return None
    from quanli.loader.catalogue import _parse_blob

    maybe = [b for sf, b in zip(snap.files, snap.blobs) if sf.kind == "item" and b and not _PUBLIC_SCOPE.search(b)]
    if len(maybe) * 10 > len(snap.blobs):  # parsing them twice would cost more than it saves
        return None
    names: set[str] = set()
    for blob in maybe:
        data = _parse_blob(blob, "item")[0]
        if isinstance(data, dict):
            names.update(needles([data.get("id"), data.get("name")]))
    return any_of(names), names


def find(catalogue, display, cache_dir: Path | None, active=None, screened=None) -> list[Finding]:
    """QL606's findings for ``catalogue`` (see the module's docstring). ``screened``: the names
    of ``screen`` and, per item file the parsing processes searched, whether they found one."""
    if active is not None and "QL606" not in active:
        return []
    items = [sf for sf in catalogue.items if sf.ok and isinstance(sf.data, dict)]
    found = secret_needles(items)
    public = [sf for sf in items if is_public(sf.data) and sf.blob]
    if not found or not public:
        return []
    pattern = pattern_of(found)
    against = hashlib.blake2b("\0".join(sorted(found)).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    clean = None
    if cache_dir is not None:
        from quanli.loader.cache import DigestSet

        clean = DigestSet(cache_dir, "mentions.marshal")
    out = []
    sure = screened is not None and set(found) <= screened[0]  # the screen searched for every name
    for sf in public:
        key = hashlib.blake2b(against + sf.blob + sf.rel.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if clean is not None and clean.known(key):
            continue
        hits = [] if sure and screened[1].get(sf.path) is False else sorted(set(pattern.findall(folded(sf.blob))))
        if not hits:
            if clean is not None:
                clean.add(key)
            continue
        text = sf.blob.decode("utf-8-sig", "replace")
        for needle in hits:
            line, column = locate(text, needle)
            ident, written = found[needle]
            out.append(
                Finding(
                    rule="QL606",
                    severity=RULES["QL606"].severity,
                    file=display(sf),
                    item=sf.data.get("id"),
                    line=line,
                    column=column,
                    message_zh=f"公开事项中提到了不公开的事项“{written}”（{ident}）：公开发布时会泄露它，请删去或改写。",
                    message_en=f"this public item mentions the non-public item {ident} ('{written}'); it would be published.",
                    abs_path=sf.path,
                )
            )
    if clean is not None:
        clean.save()
    return out
