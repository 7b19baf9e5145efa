"""Run every check on a loaded catalogue and place each finding at a line and column."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from quanli.check import schema as schema_check
from quanli.check.context import Context
from quanli.check.registry import RULES, load_all
from quanli.findings import Finding
from quanli.loader.yamlparse import ParseFailure, load_bytes
from quanli.model import Catalogue, SourceFile


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
    names: list[tuple[str, str, str, str]]  # (normalised name, name, file path, item id)


def check_snapshot(snap, use_cache: bool = True, selected: set[Path] | None = None, overrides: dict | None = None,
                   active: set[str] | None = None) -> Checked:
    """Check a catalogue as read from disk, reusing the last run's findings if nothing changed.

    ``active``: the rule ids to run (None: all); rules not run cost nothing.
    """
    import json

    from quanli.check import suppress
    from quanli.check.rules.identity import normalise_name
    from quanli.loader.cache import CACHE_DIR, ResultCache
    from quanli.loader.catalogue import parse_snapshot

    overrides = overrides or {}
    results = ResultCache(snap.root / CACHE_DIR if use_cache else None)
    import datetime as dt

    # today's date is part of the key: whether a law is in force yet (QL503) depends on it
    key = snap.key(json.dumps([overrides, sorted(active) if active is not None else None, dt.date.today().isoformat()],
                              ensure_ascii=False, sort_keys=True).encode())
    cached = results.get(key)
    if cached is None:
        catalogue = parse_snapshot(snap, use_cache=use_cache)
        catalogue.overrides = overrides
        findings = check_catalogue(catalogue, display=lambda sf: sf.path, active=active)
        sups = {sf.path: (sf.path, suppress.parse(blob)) for sf, blob in zip(snap.files, snap.blobs) if blob}
        findings = suppress.apply(findings, {k: v for k, v in sups.items() if v[1]}, active)
        findings.sort(key=Finding.sort_key)
        names = [(normalise_name(sf.data["name"]), sf.data["name"], sf.rel, str(sf.data.get("id")))
                 for sf in catalogue.items if sf.ok and isinstance(sf.data.get("name"), str)]
        results.put(key, [[_relative(f.to_row(), snap.root) for f in findings], names])
    else:
        rows, names = cached
        findings = [Finding.from_row(_absolute(row, snap.root)) for row in rows]
    # the cache holds paths relative to the catalogue, so a moved or copied catalogue stays right
    names = [(n[0], n[1], os.path.join(str(snap.root), n[2]), n[3]) for n in names]
    cwd = os.getcwd()
    for f in findings:
        f.file = display_path(f.abs_path, cwd) if f.abs_path else f.file
    if selected is not None:
        chosen = {str(p) for p in selected}
        findings = [f for f in findings if f.abs_path is not None and str(Path(f.abs_path).resolve()) in chosen]
    return Checked(snap.root, findings, names)


def _relative(row: tuple, root: Path) -> tuple:
    abs_path = row[-1]
    return row[:-1] + ((os.path.relpath(abs_path, root) if abs_path else None),)


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
                out.append(Finding(rule="QL124", severity=RULES["QL124"].severity, file=display_path(path),
                                   message_zh=f"事项名称“{name}”与另一个目录的 {other}（{prev[1][3]}）相同，可能是职责交叉。",
                                   message_en=f"item name '{name}' also appears in another catalogue: {other}.",
                                   path=("name",), item=ident, key=True, abs_path=path))
    place(out)
    return out


def check_catalogue(catalogue: Catalogue, selected: set[Path] | None = None,
                    display: Callable[[SourceFile], str] | None = None, active: set[str] | None = None) -> list[Finding]:
    load_all()
    cwd = os.getcwd()
    ctx = Context(catalogue, display or (lambda sf: display_path(sf.path, cwd)))
    for sf in catalogue.files():
        if sf.failure is not None:
            f = sf.failure
            ctx.report(f.rule, sf, (), f.zh, f.en, line=f.line, column=f.column)
        elif sf.ok:
            # always validate: it also turns numbers typed where text is wanted back into text,
            # which every other rule relies on; only the findings depend on QL110 being selected
            problems = schema_check.validate(sf.kind, sf.data)
            for path, at_key, zh, en in problems:
                if active is None or "QL110" in active:
                    ctx.report("QL110", sf, path, zh, en, key=at_key)
    for rule in RULES.values():
        if rule.check is not None and (active is None or rule.id in active):
            rule.check(ctx)
    findings = ctx.findings
    if selected is not None:
        chosen = {str(p) for p in selected}
        findings = [f for f in findings if f.abs_path is not None and str(Path(f.abs_path).resolve()) in chosen]
    place(findings)
    findings.sort(key=Finding.sort_key)
    return findings


def place(findings: Iterable[Finding]) -> None:
    """Fill in line and column, parsing each affected file once more with position tracking."""
    todo: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.line is None and f.abs_path is not None:
            todo[f.abs_path].append(f)
    for path, group in todo.items():
        positions = None
        try:
            with open(path, "rb") as fh:
                _, positions = load_bytes(fh.read(), track=True)
        except (OSError, ParseFailure):
            pass
        for f in group:
            pos = positions.of(f.path, key=f.key) if positions else None
            f.line, f.column = pos or (1, 1)
