"""Catalogue changes across git history: between two revisions, and commit by commit.

Only the files git reports as changed are parsed. A flow or law change still names every
item that uses it: those items are found on demand by a byte search of that side's item
files, and only the files that mention the id are parsed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from quanli.versioning.compare import Change, State, compare, sort_key
from quanli.versioning.vcs import WORKTREE, FileChange, Repository, guarded, reading


def parse_blob(data: bytes) -> Any:
    """A file's data, or None when it cannot be read (validate reports those)."""
    from quanli.loader.yamlparse import ParseFailure, load_bytes

    try:
        return load_bytes(data)[0]
    except ParseFailure:
        return None


def document(repo: Repository, sha: bytes, path: str | None = None) -> Any:
    """A blob's data, parsed once per command: blobs are named by their content, so the same id is the same data."""
    cache = repo.__dict__.setdefault("_documents", {})
    if sha not in cache:
        cache[sha] = parse_blob(repo.blob(sha, path))
    return cache[sha]


def _put(state: State, rel: str, data: Any) -> None:
    if not isinstance(data, dict):
        return
    if rel == "laws.yaml":
        laws = data.get("laws")
        state.laws = (
            {law["id"]: law for law in laws if isinstance(law, dict) and isinstance(law.get("id"), str)}
            if isinstance(laws, list)
            else {}
        )
    elif rel == "catalog.yaml":
        deps = data.get("departments")
        state.departments = (
            {d["name"]: d for d in deps if isinstance(d, dict) and isinstance(d.get("name"), str)}
            if isinstance(deps, list)
            else {}
        )
        state.catalog = {"catalog.yaml": {k: v for k, v in data.items() if k != "departments"}}
    elif isinstance(data.get("id"), str):
        (state.items if rel.startswith("items/") else state.flows)[data["id"]] = data


class _Side:
    """One side of a comparison: a commit's tree, or the working tree (tree None).

    Its item files are read once, on the first question, and each is parsed at most once,
    however many flows and laws ask which items mention them (a first release asks for all).
    """

    def __init__(self, repo: Repository, tree: bytes | None) -> None:
        self.repo, self.tree = repo, tree
        self._blobs: dict[str, dict[str, tuple[bytes, bytes]]] = {}  # catalogue root -> {path: (blob id, bytes)}

    def _items(self, root: str) -> dict[str, tuple[bytes, bytes]]:
        if root not in self._blobs:
            prefix = "" if root == "." else root + "/"
            files = (
                self.repo.tree_files(self.tree, prefix + "items/")
                if self.tree is not None
                else self.repo.disk_files(prefix + "items")
            )
            self._blobs[root] = {
                path: (sha, self.repo.blob(sha, path if self.tree is None else None)) for path, sha in files.items()
            }
        return self._blobs[root]

    def items_mentioning(self, root: str):
        def find(needle: str) -> dict[str, dict]:
            out = {}
            key = needle.encode("utf-8")
            for path, (sha, blob) in self._items(root).items():
                if key in blob:
                    data = document(self.repo, sha, path if self.tree is None else None)
                    if isinstance(data, dict) and isinstance(data.get("id"), str):
                        out[data["id"]] = data
            return out

        return find


def _kind_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if name == "laws.yaml":
        return "law"
    if name == "catalog.yaml":
        return "catalog"
    return "flow" if "/flows/" in "/" + path else "item"


def _unreadable(path: str, side: str, other: Any) -> Change:
    ident = other.get("id") if isinstance(other, dict) and isinstance(other.get("id"), str) else path.rsplit("/", 1)[-1]
    name = str(other.get("name", "")) if isinstance(other, dict) else ""
    return Change(_kind_of(path), ident, "unreadable", name, path=path, side=side)


def compare_changes(
    repo: Repository,
    changes: list[FileChange],
    old_tree: bytes | None,
    new_tree: bytes | None,
    new_is_worktree: bool = False,
) -> dict[str, list[Change]]:
    """{catalogue folder: its semantic changes} for a set of changed files."""
    by_root: dict[str, list[FileChange]] = {}
    for fc in changes:
        by_root.setdefault(fc.root, []).append(fc)
    old_side = _Side(repo, old_tree) if old_tree is not None else None
    new_side = _Side(repo, None if new_is_worktree else new_tree) if (new_tree is not None or new_is_worktree) else None
    prefix = lambda root: "" if root == "." else root + "/"  # noqa: E731
    out: dict[str, list[Change]] = {}
    for root, files in sorted(by_root.items()):
        before = State(items_mentioning=old_side.items_mentioning(root) if old_side else (lambda _n: {}))
        after = State(items_mentioning=new_side.items_mentioning(root) if new_side else (lambda _n: {}))
        unreadable: list[Change] = []
        for fc in files:
            old_doc = document(repo, fc.old_sha) if fc.old_path is not None else None
            new_doc = (
                document(repo, fc.new_sha, prefix(root) + fc.new_path if new_is_worktree else None)
                if fc.new_path is not None
                else None
            )
            for side, path, doc, other in (
                ("old", fc.old_path, old_doc, new_doc),
                ("new", fc.new_path, new_doc, old_doc),
            ):
                if path is not None and doc is None:
                    # a file that cannot be read on one side is said so, and counts as unchanged there:
                    # it is not reported as removed (or added), and what uses it is not touched
                    unreadable.append(_unreadable(prefix(root) + path, side, other))
                    if side == "old":
                        old_doc = other
                    else:
                        new_doc = other
            if fc.old_path is not None:
                _put(before, fc.old_path, old_doc)
            if fc.new_path is not None:
                _put(after, fc.new_path, new_doc)
        result = sorted(unreadable, key=sort_key) + compare(before, after)
        if result:
            out[root] = result
    return out


def diff(
    repo: Repository, rev_a: str, rev_b: str | None, under: str = "", merge_base: bool = False
) -> dict[str, list[Change]]:
    """Semantic changes from ``rev_a`` to ``rev_b`` (None: the working tree); with ``merge_base``, from
    the common ancestor of the two (``A...B``: what a branch changed since it left the other)."""
    old = repo.merge_base(rev_a, rev_b or "HEAD") if merge_base else repo.commit(rev_a)
    new = repo.commit(rev_b) if rev_b is not WORKTREE else None
    return compare_changes(
        repo,
        repo.changes(old, new if new is not None else WORKTREE, under),
        old.tree,
        new.tree if new is not None else None,
        new_is_worktree=new is None,
    )


@dataclass
class Entry:
    """One commit that changed an item."""

    commit: str
    date: int  # seconds since the epoch
    tz: int  # offset in seconds
    author: str
    message: str
    change: Change


def commits(repo: Repository, head: bytes, stop: bytes | None = None) -> Iterator[Any]:
    """Commits reachable from ``head`` but not from ``stop``, newest first, merge commits left out
    (what a merge brings in is seen in the branch's own commits, as ``git log`` shows it).

    Refuses a shallow clone: its history stops early, and a release or a log would be wrong without saying so.
    """
    repo.require_history()
    with reading(repo):  # a commit missing from the walk, or a damaged one: a message, not a traceback
        walker = repo.repo.get_walker(include=[head], exclude=[stop] if stop is not None else None, order="topo")
        for entry in walker:
            if len(entry.commit.parents) <= 1:
                yield entry.commit


@guarded
def item_changes_in(repo: Repository, commit, root: str, focus: str | None = None) -> list[Change]:
    """The item changes one commit made to one catalogue (against its first parent).

    With ``focus`` (an item id), only the files that can concern that item are parsed: its own
    file (or, when no changed file has its name, the files that mention the id), and the files
    the commit removed when it added that item's file (an id change pairs them).
    """
    prefix = "" if root == "." else root + "/"
    parent_tree = (
        repo.repo[commit.parents[0]].tree if commit.parents and commit.parents[0] in repo.repo.object_store else None
    )
    files = [
        fc
        for fc in repo.commit_changes(parent_tree, commit.tree, prefix)
        if fc.root == root and ((fc.old_path or "").startswith("items/") or (fc.new_path or "").startswith("items/"))
    ]
    if focus is not None and files:
        names = {f"items/{focus}.yaml", f"items/{focus}.yml"}
        mine = [fc for fc in files if fc.old_path in names or fc.new_path in names]
        if not mine:
            key = focus.encode("utf-8")
            mine = [
                fc
                for fc in files
                if (fc.old_sha is not None and key in repo.blob(fc.old_sha))
                or (fc.new_sha is not None and key in repo.blob(fc.new_sha))
            ]
        if any(fc.old_path is None for fc in mine):  # added here: perhaps renumbered from a removed item
            mine += [fc for fc in files if fc.new_path is None and fc not in mine]
        files = mine
    if not files:
        return []
    return [c for c in compare_changes(repo, files, parent_tree, commit.tree).get(root, []) if c.kind == "item"]


def item_log(repo: Repository, item_id: str, head: bytes, root: str) -> list[Entry]:
    """The commits that changed one item, newest first, following id changes (renames) back in time."""
    current = item_id
    out: list[Entry] = []
    for commit in commits(repo, head):
        for change in item_changes_in(repo, commit, root, focus=current):
            if change.id == current:
                out.append(
                    Entry(
                        commit.id.decode(),
                        commit.commit_time,
                        commit.commit_timezone,
                        commit.author.decode("utf-8", "replace"),
                        commit.message.decode("utf-8", "replace").strip(),
                        change,
                    )
                )
                if change.change == "renamed" and change.old_id:
                    current = change.old_id
                break
    return out


@guarded
def tags_by_commit(repo: Repository) -> dict[bytes, list[str]]:
    """{commit id: tag names} (annotated tags peeled to their commit)."""
    from dulwich.objects import Tag

    out: dict[bytes, list[str]] = {}
    for name, sha in repo.repo.refs.as_dict(b"refs/tags").items():
        try:
            obj = repo.repo[sha]
            while isinstance(obj, Tag):
                obj = repo.repo[obj.object[1]]
        except KeyError:
            continue
        out.setdefault(obj.id, []).append(name.decode("utf-8", "replace"))
    return out


def _catalogue_count(repo: Repository, tree: bytes) -> int:
    return sum(1 for path in repo.tree_files(tree) if path.rsplit("/", 1)[-1] == "catalog.yaml")


@guarded
def previous_release(repo: Repository, head: bytes, root: str, skip_head: bool = False) -> tuple[str, bytes] | None:
    """The nearest release of one catalogue among the ancestors of ``head`` (itself included unless ``skip_head``).

    In a repository with one catalogue every tag is a release; with several, a tag is a release of
    the catalogue whose ``releases/<tag>/`` folder it holds (quanli release writes it), so each
    catalogue has its own history of releases.
    """
    repo.require_history()
    tags = tags_by_commit(repo)
    if not tags:
        return None
    prefix = "" if root == "." else root + "/"
    several = _catalogue_count(repo, repo.repo[head].tree) > 1
    for entry in repo.repo.get_walker(include=[head], order="topo"):
        commit = entry.commit
        if skip_head and commit.id == head:
            continue
        names = [
            t
            for t in sorted(tags.get(commit.id, []))
            if not several or repo.path_at(commit, f"{prefix}releases/{t}/变更说明.md") is not None
        ]
        if names:
            return names[-1], commit.id
    return None


def item_messages(repo: Repository, head: bytes, stop: bytes | None, root: str) -> dict[str, list[str]]:
    """{item id: first lines of the commit messages that changed it}, oldest first, from ``stop`` (excluded) to ``head``."""
    out: dict[str, list[str]] = {}
    for commit in commits(repo, head, stop):
        first = commit.message.decode("utf-8", "replace").strip().splitlines()
        message = first[0].strip() if first else ""
        for change in item_changes_in(repo, commit, root):
            for ident in filter(None, (change.id, change.old_id)):
                out.setdefault(ident, []).insert(0, message)
    return out


@guarded
def changes_since(repo: Repository, base: bytes | None, head: bytes, root: str) -> list[Change]:
    """The semantic changes of one catalogue from commit ``base`` (None: nothing) to ``head``."""
    prefix = "" if root == "." else root + "/"
    old_tree = repo.repo[base].tree if base is not None else None
    new_tree = repo.repo[head].tree
    files = [fc for fc in repo.commit_changes(old_tree, new_tree, prefix) if fc.root == root]
    return compare_changes(repo, files, old_tree, new_tree).get(root, [])
