"""Baselines: record today's findings so a legacy catalogue fails only on new problems.

``quanli baseline`` writes ``quanli-baseline.json`` in each catalogue folder. A finding
is matched by rule, file (relative to the catalogue) and JSON path, not by line, so
editing elsewhere in the file does not bring baselined findings back; each entry
absorbs as many findings as it was recorded with.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from quanli import __version__
from quanli.core.errors import QuanliError
from quanli.core.findings import Finding
from quanli.core.fsutil import write_atomic

BASELINE_FILE = "quanli-baseline.json"


def _key(f: Finding, root: Path) -> tuple[str, str, str]:
    rel = Path(os.path.relpath(f.abs_path, root)).as_posix() if f.abs_path else f.file
    return f.rule, rel, f.json_path


def write(root: Path, findings: list[Finding]) -> Path:
    entries = sorted(_key(f, root) for f in findings)
    data = {
        "tool": "quanli",
        "version": 1,
        "generated_by": __version__,
        "findings": [{"rule": r, "file": p, "path": j} for r, p, j in entries],
    }
    target = root / BASELINE_FILE
    write_atomic(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n", overwrite=True)
    return target


def load(root: Path) -> Counter | None:
    path = root / BASELINE_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Counter((e["rule"], e["file"], e["path"]) for e in data["findings"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise QuanliError(
            f"基线文件 {path} 无法读取：{exc}。可以删除它后重新运行 quanli baseline。",
            f"baseline {path} is unreadable: {exc}. Delete it and run quanli baseline again.",
        ) from None


def filter_new(findings: list[Finding], root: Path, baseline: Counter) -> tuple[list[Finding], int]:
    """Findings not covered by the baseline, and how many were covered."""
    budget = Counter(baseline)
    kept, covered = [], 0
    for f in findings:
        key = _key(f, root)
        if budget[key] > 0:
            budget[key] -= 1
            covered += 1
        else:
            kept.append(f)
    return kept, covered
