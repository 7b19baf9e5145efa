"""A workspace (quanli-workspace.yaml): the catalogues of many units, checked and built together.

A city's 政务公开 office collects the catalogues its departments keep (folders of one
repository, git submodules or sibling checkouts) and publishes them as one; a province does
the same for its cities. The workspace file names each member's folder, region and level,
and optionally its higher-level counterpart (``parent``), which the cross-member rules need.
Reading it is strict: a bad workspace file is a configuration error (exit code 2) naming
the file, line and column, as a bad quanli.toml is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.core.fsutil import present

WORKSPACE_FILE = "quanli-workspace.yaml"
LEVELS = ("国家级", "省级", "市级", "县级", "镇（乡、街道）级", "村（社区）级")  # highest first
RANK = {level: n for n, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class Member:
    key: str  # the path as written in the workspace file (forward slashes)
    root: Path  # the catalogue folder, resolved
    region: str
    level: str
    parent: str | None
    name: str | None  # display name given in the workspace file
    slug: str  # its folder in a combined build (members/<slug>/)
    index: int  # its place in the list (0-based)

    def label(self, catalog: dict | None) -> str:
        """The unit's name as the combined deliverables show it."""
        if self.name:
            return self.name
        unit = catalog.get("unit") if isinstance(catalog, dict) else None
        if isinstance(unit, dict):
            for key in ("short_name", "name"):
                if isinstance(unit.get(key), str) and unit[key].strip():
                    return unit[key].strip()
        return self.key


@dataclass
class Workspace:
    file: Path  # quanli-workspace.yaml, resolved
    name: str | None
    region: str | None
    members: list[Member]
    blob: bytes = field(default=b"", repr=False)  # the file as read (part of a combined build's key)

    @property
    def root(self) -> Path:
        return self.file.parent

    def member(self, key: str) -> Member | None:
        return next((m for m in self.members if m.key == key), None)

    def title(self) -> str:
        return self.name or (f"{self.region}行政权力清单汇编" if self.region else "行政权力清单汇编")


def find(path: Path) -> Path | None:
    """The workspace file ``path`` names: the file itself, or the one directly inside the folder."""
    if present(path):
        return path.resolve() if path.name == WORKSPACE_FILE else None
    candidate = path / WORKSPACE_FILE
    return candidate.resolve() if present(candidate) else None  # a FIFO or a device too: load() refuses it by name


def _where(file: Path, pos: tuple[int, int] | None) -> str:
    line, column = pos or (1, 1)
    return f"{file}:{line}:{column}"


def load(file: Path) -> Workspace:
    """Read and check a workspace file; every problem is a QuanliError naming line and column."""
    from quanli.check import schema as schema_check
    from quanli.core.fsutil import RefusedFile, read_error, read_regular
    from quanli.loader.yamlparse import MAX_FILE_BYTES, ParseFailure, load_bytes

    try:  # a regular file of sane size only: a FIFO would hang the command, /dev/zero fill the memory
        blob = read_regular(file, MAX_FILE_BYTES)
    except RefusedFile as exc:
        raise read_error("工作区文件", "the workspace file", file, exc) from None
    except OSError as exc:
        raise QuanliError(
            f"无法读取工作区文件 {file}：{exc.strerror}", f"cannot read the workspace file {file}: {exc.strerror}"
        ) from None
    try:
        data, positions = load_bytes(blob, track=True)
    except ParseFailure as exc:
        raise QuanliError(
            f"工作区文件 {file}:{exc.line}:{exc.column}：{exc.zh}",
            f"workspace file {file}:{exc.line}:{exc.column}: {exc.en}",
        ) from None
    if not isinstance(data, dict):
        raise QuanliError(
            f"工作区文件 {file}:1:1：应为映射（members: 等键），而不是空文件或列表。",
            f"workspace file {file}:1:1: expected a mapping with members:, not an empty file or a list.",
        )
    problems = list(schema_check.validate("workspace", data))
    if problems:
        path, at_key, zh, en = problems[0]
        where = _where(file, positions.of(path, key=at_key))
        more = f"（另有 {len(problems) - 1} 处）" if len(problems) > 1 else ""
        raise QuanliError(f"工作区文件 {where}：{zh}{more}", f"workspace file {where}: {en}")

    def fail(index: int, key: str, zh: str, en: str) -> QuanliError:
        where = _where(file, positions.of(("members", index, key)))
        return QuanliError(f"工作区文件 {where}：{zh}", f"workspace file {where}: {en}")

    members: list[Member] = []
    seen_roots: dict[Path, str] = {}
    slugs: set[str] = set()
    for index, entry in enumerate(data["members"]):
        key = entry["path"].replace("\\", "/").rstrip("/") or "."
        root = (file.parent / key).resolve()
        if root == file.parent.resolve():
            raise fail(
                index,
                "path",
                f"成员 {key} 就是工作区文件所在的文件夹：工作区不能把自己列为成员（成员应是其中各单位的目录文件夹）。",
                f"member {key} is the workspace's own folder: a workspace cannot list itself (list its units' folders).",
            )
        if (root / WORKSPACE_FILE).exists():
            raise fail(
                index,
                "path",
                f"成员文件夹 {key} 本身是一个工作区（含 {WORKSPACE_FILE}）：工作区不能嵌套，请直接列出它的各个成员。",
                f"member folder {key} is a workspace itself (it holds {WORKSPACE_FILE}): workspaces cannot nest; list its members instead.",
            )
        if not root.is_dir():
            raise fail(
                index,
                "path",
                f"成员文件夹 {key} 不存在（相对于 {file.parent}）。",
                f"member folder {key} does not exist (relative to {file.parent}).",
            )
        if not present(root / "catalog.yaml"):  # a FIFO or a device: the loader reports it (QL100)
            raise fail(
                index,
                "path",
                f"成员文件夹 {key} 中没有 catalog.yaml，不是一个目录（git 子模块是否已检出？git submodule update --init）。",
                f"member folder {key} has no catalog.yaml (a submodule not checked out? git submodule update --init).",
            )
        if root in seen_roots:
            raise fail(
                index,
                "path",
                f"成员 {key} 与 {seen_roots[root]} 是同一个文件夹，重复列出。",
                f"member {key} is the same folder as {seen_roots[root]}.",
            )
        if any(m.key == key for m in members):
            raise fail(index, "path", f"成员 {key} 重复列出。", f"member {key} is listed twice.")
        seen_roots[root] = key
        slug = _slug(key, slugs)
        members.append(
            Member(
                key=key,
                root=root,
                region=entry["region"],
                level=entry["level"],
                parent=entry["parent"].replace("\\", "/").rstrip("/") if "parent" in entry else None,
                name=entry.get("name"),
                slug=slug,
                index=index,
            )
        )
    keys = {m.key: m for m in members}
    for m in members:
        if m.parent is None:
            continue
        parent = keys.get(m.parent)
        if parent is None:
            raise fail(
                m.index,
                "parent",
                f"上级对口单位“{m.parent}”不是本工作区的成员（应写成员的 path）。",
                f"parent '{m.parent}' is not a member of this workspace (write its path).",
            )
        if RANK[parent.level] >= RANK[m.level]:
            raise fail(
                m.index,
                "parent",
                f"上级对口单位 {parent.key} 的层级是{parent.level}，不高于本单位的{m.level}。",
                f"parent {parent.key} is at level {parent.level}, not above this member's {m.level}.",
            )
    return Workspace(file=file, name=data.get("name"), region=data.get("region"), members=members, blob=blob)


def _slug(key: str, taken: set[str]) -> str:
    """A folder name for the member's deliverables: its path's plain parts, made safe and unique."""
    from quanli.core.fsutil import safe_stem

    parts = [p for p in key.split("/") if p not in ("", ".", "..")]
    base = safe_stem("-".join(parts) or "member")
    slug, n = base, 2
    while slug.casefold() in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug.casefold())
    return slug


def split(paths: list[Path]) -> tuple[list[Workspace], list[Path]]:
    """Command-line paths as workspaces (a workspace file, or a folder holding one) and the rest."""
    spaces, rest = [], []
    for raw in paths:
        found = find(raw) if raw.exists() else None
        if found is not None:
            if not any(ws.file == found for ws in spaces):
                spaces.append(load(found))
        else:
            rest.append(raw)
    return spaces, rest


def member_of(spaces: list[Workspace], root: Path) -> Member | None:
    root = Path(os.path.realpath(root))
    for ws in spaces:
        for m in ws.members:
            if m.root == root:
                return m
    return None
