"""One whole validation (quanli validate, and quanli release before it tags): every catalogue named
checked, the rules across catalogues, the configuration and baseline applied, the report
written; returns the exit code."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import IO

from quanli import report
from quanli.check.members import check_all
from quanli.check.suppress import suppress_cross
from quanli.check.targets import across, per_member
from quanli.check.targets import targets as find_targets
from quanli.core.errors import QuanliError
from quanli.core.findings import Finding, Severity
from quanli.report.summary import Summary


def validate(
    paths: list[Path],
    fmt: str = "text",
    lang: str = "zh",
    fail_level: str | None = None,
    use_cache: bool = True,
    stream: IO[str] | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config_path: Path | None = None,
    use_baseline: bool = True,
    only_summary: bool = False,
    full_report: Path | None = None,
) -> int:
    """Returns the exit code: 0 clean, 1 findings at or above the fail level.

    ``only_summary``: report the findings counted by rule only. ``full_report``: also write the
    whole report there (its format from its extension, see report.full_format), for when the
    report shown is cut short (markdown stays under markdown.LIMIT characters).
    Raises QuanliError (exit code 2) for paths that hold no catalogue or a bad configuration.
    """
    from quanli.check import baseline
    from quanli.check.registry import load_all
    from quanli.check.suppress import known
    from quanli.core import config

    if only_summary and fmt in ("sarif", "junit"):
        raise QuanliError(
            f"--summary 不能与 --format {fmt} 一起使用：只用于 text、markdown、json 和 github 格式。"
            "如需 SARIF 或 JUnit 的完整报告，请去掉 --summary。",
            f"--summary does not go with --format {fmt}: only with text, markdown, json and github.",
        )
    load_all()
    for sel in (select or []) + (ignore or []):
        if not known(sel):
            raise QuanliError(
                f"“{sel}”不是已知的规则编号、组或名称（quanli rules 可列出全部规则）。",
                f"'{sel}' is not a known rule id, group or name (see quanli rules).",
            )
    stream = stream or sys.stdout
    started = time.perf_counter()
    findings: list[Finding] = []
    failing = False
    files = covered = 0
    results = []
    checked_paths: list[str] = []
    configs = {}
    spaces, targets = find_targets(paths)
    cross_inputs: dict[
        Path, tuple
    ] = {}  # catalogue root -> (Checked, catalog.yaml data), for the cross-catalogue rules
    for root, cfg, checked, data, found, n, fails, count, paths in check_all(
        targets, config_path, select or [], ignore or [], use_cache, use_baseline, fail_level
    ):
        configs[root] = cfg
        files += count
        results.append(checked)
        cross_inputs[root] = (checked, data)
        checked_paths += paths
        covered += n
        failing |= fails
        findings.extend(found)
    if spaces or len(results) > 1:
        cross = config.apply(across(spaces, cross_inputs), configs[targets[0][0]], select or [], ignore or [])
        cross = suppress_cross(cross)
        if use_baseline:
            for root, _ in targets:
                recorded = baseline.load(root)
                if recorded is not None:
                    inside = [f for f in cross if f.abs_path and Path(f.abs_path).resolve().is_relative_to(root)]
                    kept, n = baseline.filter_new(inside, root, recorded)
                    covered += n
                    cross = [f for f in cross if f not in inside] + kept
        findings.extend(cross)
        threshold = Severity.parse(fail_level) if fail_level else (configs[targets[0][0]].fail_level or Severity.ERROR)
        failing |= any(f.severity >= threshold for f in cross)
    findings.sort(key=Finding.sort_key)
    summary = Summary(
        len(targets),
        files,
        findings,
        time.perf_counter() - started,
        covered,
        checked_paths=checked_paths,
        docs=next((c.docs_url for c in configs.values() if c.docs_url), None),
        members=per_member(spaces, cross_inputs, findings),
        only_summary=only_summary,
    )
    if full_report is not None:
        from dataclasses import replace

        from quanli.core.fsutil import write_atomic

        kind = report.full_format(full_report, fmt)
        write_atomic(
            Path(full_report),
            report.full_text(findings, replace(summary, only_summary=False), lang, kind),
            overwrite=True,
        )
        summary.full_report = str(full_report)
    try:
        report.get(fmt)(findings, summary, lang, stream)
        stream.flush()
    except BrokenPipeError:  # the reader went away (`| head`): the verdict still stands
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
    return 1 if failing else 0
