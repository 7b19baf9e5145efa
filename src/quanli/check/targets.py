"""What a check covers: the catalogues and workspaces named on the command line, catalog.yaml's
data as checked, the rules across catalogues, and the findings counted member by member."""

from __future__ import annotations

from pathlib import Path

from quanli.check.run import duplicates_across
from quanli.core.findings import Finding
from quanli.loader.catalogue import discover


def targets(paths: list[Path]) -> tuple[list, list[tuple[Path, set[Path] | None]]]:
    """The workspaces named on the command line, and every catalogue to check: each workspace's
    members in its order, then the catalogues found in the other paths."""
    from quanli.loader import workspace

    spaces, rest = workspace.split(list(paths) or [Path.cwd()])
    targets: list[tuple[Path, set[Path] | None]] = [(m.root, None) for ws in spaces for m in ws.members]
    if rest:
        members = {root for root, _ in targets}
        targets += [t for t in discover(rest) if t[0] not in members]
    return spaces, targets


def catalog_data(snap) -> dict:
    """catalog.yaml's data, read from the bytes just checked ({} if it cannot be read)."""
    from quanli.loader.yamlparse import ParseFailure, load_bytes

    for sf, blob in zip(snap.files, snap.blobs):
        if sf.kind == "catalog" and blob:
            try:
                data, _ = load_bytes(blob)
            except ParseFailure:
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def across(spaces: list, inputs: dict[Path, tuple]) -> list[Finding]:
    """Rules that compare catalogues: QL971-QL974 within each workspace, QL124 among the
    catalogues of the run that belong to no workspace named."""
    from quanli.check.rules import workspace as rules

    out: list[Finding] = []
    inside: set[Path] = set()
    for ws in spaces:
        members = [m for m in ws.members if m.root in inputs]
        inside |= {m.root for m in members}
        out += rules.check(ws, {m: inputs[m.root][0] for m in members}, {m: inputs[m.root][1] for m in members})
    loose = [checked for root, (checked, _) in inputs.items() if root not in inside]
    if len(loose) > 1:
        out += duplicates_across(loose)
    return out


def per_member(spaces: list, inputs: dict[Path, tuple], findings: list[Finding]) -> list[tuple[str, int, int, int]]:
    """(unit, errors, warnings, infos) for each workspace member, and for the workspace files."""
    if not spaces:
        return []
    rows = []
    for ws in spaces:
        for m in ws.members:
            label = f"{m.label(inputs.get(m.root, (None, {}))[1])}（{m.key}）"
            rows.append((label, m.root, [0, 0, 0]))
        rows.append((str(ws.file.name), ws.file, [0, 0, 0]))
    for f in findings:
        if not f.abs_path:
            continue
        where = Path(f.abs_path).resolve()
        for _, root, counts in rows:
            if where == root or where.is_relative_to(root) and root.is_dir():
                counts[3 - int(f.severity)] += 1
                break
    return [(label, *counts) for label, root, counts in rows if root.is_dir() or any(counts)]
