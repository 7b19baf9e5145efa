"""Run every check on a loaded catalogue and place each finding at a line and column."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from quanli.check import schema as schema_check
from quanli.check.context import Context
from quanli.check.registry import RULES, load_all
from quanli.core.findings import Finding
from quanli.core.model import Catalogue, SourceFile
from quanli.loader.yamlparse import ParseFailure, load_bytes


def display_path(path: str, base: str | None = None) -> str:
    """A path as the user should see it: relative to the current folder when inside it."""
    base = base or os.getcwd()
    try:
        rel = os.path.relpath(path, base)
    except ValueError:  # another drive on Windows
        rel = str(path)
    shown = str(path) if rel.startswith("..") else rel
    # a file name that is not valid UTF-8 (unzipped on Chinese Windows) must still print
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@dataclass
class Checked:
    """One catalogue's findings (suppressions applied), and its item names for cross-catalogue checks."""

    root: Path
    findings: list[Finding]
    names_of: Callable[[], list]  # worked out only when asked: most runs check one catalogue
    # with check_snapshot(keep=True) and the check run (not recalled whole): the catalogue as
    # checked, each item holding its summary (see loader.catalogue._parse_checked), for a build
    catalogue: Any = None

    @cached_property
    def names(self) -> list[tuple[str, str, str, str]]:
        """(normalised name, name, file path, item id) of each item."""
        return [(n[0], n[1], os.path.join(str(self.root), n[2]), n[3]) for n in self.names_of()]

    @cached_property
    def profiles(self) -> list[tuple]:
        """Each item's names (as ``names``) followed by what the workspace rules compare: basic
        code, category, levels, the laws cited and status (see rules.workspace.profile)."""
        return [(n[0], n[1], os.path.join(str(self.root), n[2])) + tuple(n[3:]) for n in self.names_of()]


def check_snapshot(
    snap,
    use_cache: bool = True,
    selected: set[Path] | None = None,
    overrides: dict | None = None,
    active: set[str] | None = None,
    keep: bool = False,
) -> Checked:
    """Check a catalogue as read from disk, reusing the last run's findings if nothing changed.

    ``active``: the rule ids to run (None: all); rules not run cost nothing. ``keep``: return
    the checked catalogue too (``Checked.catalogue``), so a build need not parse it again.
    """
    import json

    from quanli.check import suppress
    from quanli.check.rules.identity import normalise_name
    from quanli.check.rules.workspace import law_names, profile
    from quanli.loader.cache import CACHE_DIR, ResultCache
    from quanli.loader.catalogue import parse_snapshot

    overrides = overrides or {}
    results = ResultCache(snap.root / CACHE_DIR if use_cache else None)
    from quanli.dates import clock

    # today's date is part of the key: whether a law is in force yet (QL503) depends on it
    extra = json.dumps(
        [overrides, sorted(active) if active is not None else None, clock.today().isoformat()],
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    key = snap.key(extra)
    cached = results.get(key)
    if cached is None:
        memory = FindingMemory(snap.root / CACHE_DIR if use_cache else None, extra, snap)
        given = memory.recalled(snap)  # unchanged items: their summary, not parsed again
        from quanli.check import mentions

        screen = mentions.screen(snap, active)
        check = ItemCheck(snap.root, overrides, active, snap.strays, snap.missing)  # items checked where parsed
        check.screen = screen and screen[0]
        catalogue = parse_snapshot(snap, use_cache=use_cache, given=given, check=check)
        catalogue.overrides = overrides
        findings = check_catalogue(catalogue, memory, display=lambda sf: sf.path, active=active, known=check.found)
        findings += mentions.find(
            catalogue,
            lambda sf: sf.path,
            snap.root / CACHE_DIR if use_cache else None,
            active,
            screened=screen and (screen[1], check.screened),
        )
        sups = {sf.path: (sf.path, suppress.parse(blob)) for sf, blob in zip(snap.files, snap.blobs) if blob}
        findings = suppress.apply(findings, {k: v for k, v in sups.items() if v[1]}, active)
        findings.sort(key=Finding.sort_key)
        items = catalogue.items

        laws = law_names(catalogue)

        def names_of() -> list:
            return [
                memory.name_row(
                    sf,
                    lambda sf: (
                        (normalise_name(sf.data["name"]), sf.data["name"], sf.rel, str(sf.data.get("id")))
                        + profile(sf.data, laws)
                    ),
                )
                for sf in items
                if sf.ok and isinstance(sf.data.get("name"), str)
            ]

        if results.file is not None:
            names = names_of()
            rel: dict = {}  # many findings share a file: one relpath each
            results.put(key, [[_relative(f.to_row(), snap.root, rel) for f in findings], names])
            names_of = lambda: names  # noqa: E731
        memory.save()  # after the names: they are remembered with each item's findings
    else:
        rows, names = cached
        findings = [Finding.from_row(_absolute(row, snap.root)) for row in rows]
        names_of = lambda: names  # noqa: E731
        catalogue = None
    # the cache holds paths relative to the catalogue, so a moved or copied catalogue stays right
    cwd, shown = os.getcwd(), {}
    for f in findings:
        if f.abs_path:
            where = shown.get(f.abs_path)
            if where is None:  # 14,000 findings of 2,300 files: one relpath a file
                where = shown[f.abs_path] = display_path(f.abs_path, cwd)
            f.file = where
    if selected is not None:
        chosen = {str(p) for p in selected}
        findings = [f for f in findings if f.abs_path is not None and str(Path(f.abs_path).resolve()) in chosen]
    return Checked(snap.root, findings, names_of, catalogue if keep else None)


def _relative(row: tuple, root: Path, known: dict | None = None) -> tuple:
    abs_path = row[-1]
    if not abs_path:
        return row[:-1] + (None,)
    rel = known.get(abs_path) if known is not None else None
    if rel is None:
        rel = os.path.relpath(abs_path, root)
        if known is not None:
            known[abs_path] = rel
    return row[:-1] + (rel,)


def _absolute(row: tuple, root: Path) -> tuple:
    rel = row[-1]
    return row[:-1] + ((os.path.join(str(root), rel) if rel else None),)


def duplicates_across(checked: list[Checked]) -> list[Finding]:
    """QL124: the same (normalised) item name in two catalogues of one run."""
    from quanli.check.registry import RULES

    first: dict[str, tuple[Checked, tuple]] = {}
    out = []
    for result in checked:
        for entry in result.names:
            norm, name, path, ident = entry
            prev = first.get(norm)
            if prev is None:
                first[norm] = (result, entry)
            elif prev[0] is not result:
                other = display_path(prev[1][2])
                out.append(
                    Finding(
                        rule="QL124",
                        severity=RULES["QL124"].severity,
                        file=display_path(path),
                        message_zh=f"事项名称“{name}”与另一个目录的 {other}（{prev[1][3]}）相同，可能是职责交叉。",
                        message_en=f"item name '{name}' also appears in another catalogue: {other}.",
                        path=("name",),
                        item=ident,
                        key=True,
                        abs_path=path,
                    )
                )
    place(out)
    return out


def check_catalogue(
    catalogue: Catalogue,
    memory: FindingMemory,
    display: Callable[[SourceFile], str] | None = None,
    active: set[str] | None = None,
    known: dict | None = None,
) -> list[Finding]:
    """Every finding about the catalogue. Items whose content and shared files are unchanged
    since a run ``memory`` remembers are not checked again (their findings are recalled);
    ``known``: item path -> finding rows of the item-local rules, already found (by ItemCheck)."""
    load_all()
    cwd = os.getcwd()
    display = display or (lambda sf: display_path(sf.path, cwd))
    # every file is validated: it also turns numbers typed where text is wanted back into text,
    # which every other rule relies on; the loader does it as it reads
    problems = {
        sf.path: sf.problems if sf.problems is not None else list(schema_check.validate(sf.kind, sf.data))
        for sf in catalogue.files()
        if sf.ok
    }
    rules = [rule for rule in RULES.values() if rule.check is not None and (active is None or rule.id in active)]
    findings = _incremental(catalogue, display, active, problems, rules, memory, known or {})
    findings.sort(key=Finding.sort_key)
    return findings


def _file_findings(ctx: Context, files: list[SourceFile], problems: dict, active: set[str] | None) -> None:
    """What reading (QL100-QL109) and the schema (QL110) found in each of ``files``."""
    for sf in files:
        if sf.failure is not None:
            f = sf.failure
            ctx.report(f.rule, sf, (), f.zh, f.en, line=f.line, column=f.column)
        elif sf.ok and (active is None or "QL110" in active):
            for path, at_key, zh, en in problems.get(sf.path, ()):
                ctx.report("QL110", sf, path, zh, en, key=at_key)


def shared_findings(catalogue: Catalogue, display, problems: dict, local: list, active) -> Context:
    """The item-local rules on the shared files alone (catalog.yaml, laws.yaml, flows): no items."""
    import dataclasses

    ctx = Context(dataclasses.replace(catalogue, items=[]), display)
    _file_findings(ctx, [sf for sf in catalogue.files() if sf.kind != "item"], problems, active)
    for rule in local:
        rule.check(ctx)
    return ctx


def item_findings(
    catalogue: Catalogue,
    items: list[SourceFile],
    display,
    problems: dict,
    local: list,
    active,
    shared: Context | None = None,
) -> list[Finding]:
    """What the item-local rules find about ``items``, with the shared files but no other item;
    the flow files themselves are not checked here (``shared_findings`` does that)."""
    import dataclasses

    ctx = Context(dataclasses.replace(catalogue, items=items), display, items_only=True)
    if shared is not None:
        ctx.share(shared)
    _file_findings(ctx, items, problems, active)
    for rule in local:
        rule.check(ctx)
    paths = {sf.path for sf in items}
    return [f for f in ctx.findings if f.abs_path in paths]


def _incremental(
    catalogue: Catalogue, display, active, problems: dict, rules: list, memory: FindingMemory, known: dict
) -> list[Finding]:
    """The same findings as a full run, checking again only the items the memory does not know.

    Item-local rules run twice, on small catalogues: the shared files alone, and the changed
    items with the shared files; rules that compare items (ACROSS_ITEMS) run on the whole, where
    an unchanged item holds only its summary."""
    from quanli.check.registry import summary

    root = catalogue.root
    keeps = memory.keeps  # with --no-cache nothing is remembered: no keys, no summaries
    recalled: list[Finding] = []
    todo: list[SourceFile] = []
    for sf in catalogue.items:
        entry = memory.get(sf) if keeps else None
        if entry is not None:
            recalled += [Finding.from_row(_absolute(row, root)) for row in entry[0]]
        elif sf.path in known:  # checked as it was parsed
            recalled += [Finding.from_row(_absolute(row, root)) for row in known[sf.path]]
            if keeps:  # checked where parsed: its data is its summary already (loader.catalogue._parse_checked)
                memory.put(sf, known[sf.path], sf.data if sf.ok else None)
        else:
            todo.append(sf)
    local = [rule for rule in rules if not rule.across_items]
    bare = shared_findings(catalogue, display, problems, local, active)
    fresh = item_findings(catalogue, todo, display, problems, local, active, bare) if todo else []
    whole = Context(catalogue, display).share(bare)
    for rule in rules:
        if rule.across_items:
            rule.check(whole)
    place(fresh + bare.findings + whole.findings, {sf.path: sf.blob for sf in catalogue.files() if sf.blob is not None})
    by_item: dict[str, list] = {sf.path: [] for sf in todo}
    rel: dict = {}
    for f in fresh:
        by_item[f.abs_path].append(_relative(f.to_row(), root, rel))
    if keeps:
        for sf in todo:
            memory.put(sf, by_item[sf.path], summary(sf.data) if sf.ok else None)
    return recalled + fresh + bare.findings + whole.findings


@dataclass
class ItemCheck:
    """The item-local rules, run on a share of items right where they were parsed (a worker
    process or this one), against the shared files parsed first. Picklable; ``rows_for`` returns
    item path -> finding rows (positions placed, paths relative to the catalogue)."""

    root: Path
    overrides: dict
    active: set[str] | None
    strays: list
    missing: list
    shared: list = field(default_factory=list)  # catalog.yaml, laws.yaml, flows: set by the loader
    found: dict = field(default_factory=dict)
    screen: Any = None  # QL606's names found before parsing (mentions.screen), or None
    screened: dict = field(default_factory=dict)  # public item path -> whether the screen found a name

    def __getstate__(self) -> dict:
        return {**self.__dict__, "found": {}, "screened": {}}  # a worker starts empty; what it finds comes back

    def rows_for(self, work: list[tuple], parsed: list) -> dict[str, list]:
        load_all()
        items = []
        for (blob, kind, path, rel), (data, facts, failure, problems) in zip(work, parsed):
            items.append(
                SourceFile(
                    path=path, rel=rel, kind=kind, data=data, failure=failure, blob=blob, facts=facts, problems=problems
                )
            )
        shared = self.shared
        catalogue = Catalogue(
            root=self.root,
            catalog=shared[0],
            laws=next((f for f in shared if f.kind == "laws"), None),
            items=items,
            flows=[f for f in shared if f.kind == "flow"],
            strays=self.strays,
            missing=self.missing,
            overrides=self.overrides,
        )
        rules = [
            r
            for r in RULES.values()
            if r.check is not None and not r.across_items and (self.active is None or r.id in self.active)
        ]
        problems = {sf.path: sf.problems or [] for sf in items if sf.ok}
        fresh = item_findings(catalogue, items, lambda sf: sf.path, problems, rules, self.active)
        place(fresh, {sf.path: sf.blob for sf in items if sf.blob is not None})
        out: dict[str, list] = {sf.path: [] for sf in items}
        rel: dict = {}
        for f in fresh:
            out[f.abs_path].append(_relative(f.to_row(), self.root, rel))
        if self.screen is not None:
            from quanli.check.mentions import folded
            from quanli.core.model import is_public

            for sf in items:
                if sf.ok and isinstance(sf.data, dict) and sf.blob and is_public(sf.data):
                    self.screened[sf.path] = self.screen.search(folded(sf.blob)) is not None
        return out


class FindingMemory:
    """For each item, what the item-local rules found in it and its summary (see registry.summary),
    keyed by the item's content and path and by everything else those findings may depend on:
    the shared files, settings, rule choice and date (``extra``). Kept in
    ``.quanli-cache/findings.marshal`` for this code version."""

    def __init__(self, directory: Path | None, extra: bytes, snap) -> None:
        import hashlib

        from quanli.loader.cache import read_payload

        self.directory = directory
        self.file = directory / "findings.marshal" if directory else None
        old = read_payload(self.file) if self.file else None
        self._old: dict = old if isinstance(old, dict) else {}
        self._new: dict = {}
        self.digests = {sf.path: d for sf, d in zip(snap.files, snap.digests)}
        h = hashlib.blake2b(extra, digest_size=16)
        for sf, d in zip(snap.files, snap.digests):
            if sf.kind not in ("item", "record"):  # catalog.yaml, laws.yaml and every flow, in catalogue order
                h.update(b"\0" + sf.rel.encode("utf-8", "surrogateescape") + b"\0" + d)
        h.update(b"\0laws" if any(sf.kind == "laws" for sf in snap.files) else b"\0no-laws")
        self.shared = h.digest()

    def key(self, sf: SourceFile) -> bytes:
        import hashlib

        return hashlib.blake2b(
            self.shared + sf.rel.encode("utf-8", "surrogateescape") + b"\0" + self.digests.get(sf.path, b"unread"),
            digest_size=16,
        ).digest()

    def get(self, sf: SourceFile) -> tuple | None:
        key = self.key(sf)
        entry = self._new.get(key)
        if entry is None:
            entry = self._old.get(key)
            if entry is not None:
                self._new[key] = entry
        return entry

    @property
    def keeps(self) -> bool:
        """False with --no-cache: nothing to recall, nothing worth remembering."""
        return self.file is not None

    def recalled(self, snap) -> dict[int, dict | None]:
        """File index -> summary, for every item already known."""
        out: dict[int, dict | None] = {}
        if not self._old:
            return out
        for index, sf in enumerate(snap.files):
            if sf.kind == "item" and snap.blobs[index] is not None:
                entry = self.get(sf)
                if entry is not None:
                    out[index] = entry[1]
        return out

    def put(self, sf: SourceFile, rows: list, summary: dict | None) -> None:
        self._new[self.key(sf)] = (rows, summary)

    def name_row(self, sf: SourceFile, make: Callable[[SourceFile], tuple]) -> tuple:
        """``make(sf)``, the item's row of Checked.names (made of its summary), remembered with its
        findings: after an edit only the changed item's row is worked out again."""
        key = self.key(sf) if self.keeps else None
        entry = self._new.get(key) if key is not None else None
        if entry is not None and len(entry) > 2:
            return tuple(entry[2])
        row = make(sf)
        if entry is not None:
            self._new[key] = (entry[0], entry[1], row)
        return row

    def save(self) -> None:
        """Keep the entries of this run (older ones are dropped)."""
        from quanli.loader.cache import write_payload

        if self.directory is not None and self.file is not None and self._new != self._old:
            write_payload(self.directory, self.file, self._new)


def place(findings: Iterable[Finding], blobs: dict[str, bytes] | None = None) -> None:
    """Fill in line and column, parsing each affected file once more with position tracking
    (from ``blobs``, the bytes checked, where given: the file may have changed since)."""
    todo: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.line is None and f.abs_path is not None:
            todo[f.abs_path].append(f)
    for path, group in todo.items():
        positions = None
        try:
            blob = blobs.get(path) if blobs else None
            if blob is None:
                with open(path, "rb") as fh:
                    blob = fh.read()
            _, positions = load_bytes(blob, track=True)
        except (OSError, ParseFailure):
            pass
        for f in group:
            pos = positions.of(f.path, key=f.key) if positions else None
            f.line, f.column = pos or (1, 1)
