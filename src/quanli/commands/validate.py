"""``quanli validate``: load catalogues, run every check, report, return the exit code."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from quanli import report
from quanli.check.run import check_snapshot, duplicates_across
from quanli.errors import QuanliError
from quanli.findings import Finding, Severity
from quanli.loader.catalogue import discover, read_catalogue


@dataclass
class Summary:
    catalogues: int
    files: int
    findings: list[Finding]
    seconds: float
    baselined: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def text(self, lang: str) -> str:
        e, w, i = (self.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        if lang == "en":
            head = "No problems found." if not self.findings else f"{e} error(s), {w} warning(s), {i} info."
            base = f" {self.baselined} known finding(s) hidden by the baseline." if self.baselined else ""
            return f"{head} Checked {self.catalogues} catalogue(s), {self.files} file(s) in {self.seconds:.2f} s.{base}"
        head = "没有发现问题。" if not self.findings else f"共 {e} 个错误、{w} 个警告、{i} 个提示。"
        base = f"另有 {self.baselined} 个已记入基线的问题未显示。" if self.baselined else ""
        return f"{head}检查了 {self.catalogues} 个目录、{self.files} 个文件，用时 {self.seconds:.2f} 秒。{base}"


def run(paths: list[Path], fmt: str = "text", lang: str = "zh", fail_level: str | None = None,
        use_cache: bool = True, stream: IO[str] | None = None, select: list[str] | None = None,
        ignore: list[str] | None = None, config_path: Path | None = None, use_baseline: bool = True) -> int:
    """Returns the exit code: 0 clean, 1 findings at or above the fail level.

    Raises QuanliError (exit code 2) for paths that hold no catalogue or a bad configuration.
    """
    from quanli import baseline, config
    from quanli.check.registry import load_all
    from quanli.check.suppress import known

    load_all()
    for sel in (select or []) + (ignore or []):
        if not known(sel):
            raise QuanliError(f"“{sel}”不是已知的规则编号、组或名称（quanli rules 可列出全部规则）。",
                              f"'{sel}' is not a known rule id, group or name (see quanli rules).")
    stream = stream or sys.stdout
    started = time.perf_counter()
    findings: list[Finding] = []
    failing = False
    files = covered = 0
    results = []
    configs = {}
    targets = discover(paths or [Path.cwd()])
    for root, selected in targets:
        cfg = config.resolve(root, config_path)
        configs[root] = cfg
        snap = read_catalogue(root)
        files += len(selected) if selected is not None else len(snap.files)
        checked = check_snapshot(snap, use_cache, selected, cfg.catalog, config.active_rules(cfg, select or [], ignore or []))
        results.append(checked)
        found = config.apply(checked.findings, cfg, select or [], ignore or [])
        recorded = baseline.load(root) if use_baseline else None
        if recorded is not None:
            found, n = baseline.filter_new(found, root, recorded)
            covered += n
        threshold = Severity.parse(fail_level) if fail_level else (cfg.fail_level or Severity.ERROR)
        failing |= any(f.severity >= threshold for f in found)
        findings.extend(found)
    if len(results) > 1:
        cross = config.apply(duplicates_across(results), configs[targets[0][0]], select or [], ignore or [])
        findings.extend(cross)
        threshold = Severity.parse(fail_level) if fail_level else (configs[targets[0][0]].fail_level or Severity.ERROR)
        failing |= any(f.severity >= threshold for f in cross)
    findings.sort(key=Finding.sort_key)
    summary = Summary(len(targets), files, findings, time.perf_counter() - started, covered)
    report.get(fmt)(findings, summary, lang, stream)
    return 1 if failing else 0


def record_baseline(paths: list[Path], lang: str, config_path: Path | None = None) -> int:
    """``quanli baseline``: write each catalogue's current findings to its quanli-baseline.json."""
    from quanli import baseline, config

    for root, _ in discover(paths or [Path.cwd()]):
        cfg = config.resolve(root, config_path)
        checked = check_snapshot(read_catalogue(root), True, None, cfg.catalog)
        found = config.apply(checked.findings, cfg, [], [])
        target = baseline.write(root, found)
        print(f"已把 {len(found)} 个现有问题记入 {target}。此后 quanli validate 只报告新问题。" if lang != "en"
              else f"recorded {len(found)} finding(s) in {target}; validate now reports only new ones.")
    return 0
