"""``quanli validate``: load catalogues, run every check, report, return the exit code."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from quanli import report
from quanli.check.run import check_snapshot
from quanli.findings import Finding, Severity
from quanli.loader.catalogue import discover, read_catalogue


@dataclass
class Summary:
    catalogues: int
    files: int
    findings: list[Finding]
    seconds: float

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def text(self, lang: str) -> str:
        e, w, i = (self.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        if lang == "en":
            head = "No problems found." if not self.findings else f"{e} error(s), {w} warning(s), {i} info."
            return f"{head} Checked {self.catalogues} catalogue(s), {self.files} file(s) in {self.seconds:.2f} s."
        head = "没有发现问题。" if not self.findings else f"共 {e} 个错误、{w} 个警告、{i} 个提示。"
        return f"{head}检查了 {self.catalogues} 个目录、{self.files} 个文件，用时 {self.seconds:.2f} 秒。"


def run(paths: list[Path], fmt: str = "text", lang: str = "zh", fail_level: str = "error",
        use_cache: bool = True, stream: IO[str] | None = None) -> int:
    """Returns the exit code: 0 clean, 1 findings at or above ``fail_level``.

    Raises QuanliError (exit code 2) for paths that hold no catalogue.
    """
    stream = stream or sys.stdout
    started = time.perf_counter()
    threshold = Severity.parse(fail_level)
    findings: list[Finding] = []
    files = 0
    targets = discover(paths or [Path.cwd()])
    for root, selected in targets:
        snap = read_catalogue(root)
        files += len(selected) if selected is not None else len(snap.files)
        findings.extend(check_snapshot(snap, use_cache, selected))
    summary = Summary(len(targets), files, findings, time.perf_counter() - started)
    report.get(fmt)(findings, summary, lang, stream)
    return 1 if any(f.severity >= threshold for f in findings) else 0
