"""Run every check on a loaded catalogue and place each finding at a line and column."""

from __future__ import annotations

import os
from collections import defaultdict
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
        return str(path)
    return str(path) if rel.startswith("..") else rel


def check_snapshot(snap, use_cache: bool = True, selected: set[Path] | None = None) -> list[Finding]:
    """Check a catalogue as read from disk, reusing the last run's findings if nothing changed."""
    from quanli.loader.cache import CACHE_DIR, ResultCache
    from quanli.loader.catalogue import parse_snapshot

    results = ResultCache(snap.root / CACHE_DIR if use_cache else None)
    key = snap.key()
    rows = results.get(key)
    if rows is None:
        findings = check_catalogue(parse_snapshot(snap, use_cache=use_cache), display=lambda sf: sf.path)
        results.put(key, [f.to_row() for f in findings])
    else:
        findings = [Finding.from_row(row) for row in rows]
    cwd = os.getcwd()
    for f in findings:
        f.file = display_path(f.abs_path, cwd) if f.abs_path else f.file
    if selected is not None:
        chosen = {str(p) for p in selected}
        findings = [f for f in findings if f.abs_path is not None and str(Path(f.abs_path).resolve()) in chosen]
    return findings


def check_catalogue(catalogue: Catalogue, selected: set[Path] | None = None,
                    display: Callable[[SourceFile], str] | None = None) -> list[Finding]:
    load_all()
    cwd = os.getcwd()
    ctx = Context(catalogue, display or (lambda sf: display_path(sf.path, cwd)))
    for sf in catalogue.files():
        if sf.failure is not None:
            f = sf.failure
            ctx.report(f.rule, sf, (), f.zh, f.en, line=f.line, column=f.column)
        elif sf.ok:
            for path, at_key, zh, en in schema_check.validate(sf.kind, sf.data):
                ctx.report("QL110", sf, path, zh, en, key=at_key)
    for rule in RULES.values():
        if rule.check is not None:
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
