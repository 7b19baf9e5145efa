"""``quanli validate``: load catalogues, run every check, report, return the exit code."""

from __future__ import annotations

import sys
import time
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from quanli import report
from quanli.check.run import check_snapshot, display_path, duplicates_across
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
    checked_paths: list[str] = field(default_factory=list)  # every file checked (absolute)
    docs: str | None = None  # base of help links (quanli.toml docs-url), else docs/rules.md
    members: list[tuple[str, int, int, int]] = field(default_factory=list)  # workspace: (unit, errors, warnings, infos)
    only_summary: bool = False  # --summary: the findings counted by rule, not the findings
    full_report: str | None = None  # --full-report: where the whole report was written (as the user named it)

    @property
    def checked(self) -> list[str]:
        """Every file checked, as shown to the user (only some formats need it: computed on demand)."""
        cwd = os.getcwd()
        return sorted({display_path(p, cwd) for p in self.checked_paths})

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def text(self, lang: str) -> str:
        e, w, i = (self.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        if lang == "en":
            head = "No problems found." if not self.findings else f"{e} error(s), {w} warning(s), {i} info."
            base = f" {self.baselined} known finding(s) hidden by the baseline." if self.baselined else ""
            return f"{head} Checked {self.catalogues} catalogue(s), {self.files} file(s) in {self.seconds:.2f} s.{base}" + self._members(lang)
        head = "没有发现问题。" if not self.findings else f"共 {e} 个错误、{w} 个警告、{i} 个提示。"
        base = f"另有 {self.baselined} 个已记入基线的问题未显示。" if self.baselined else ""
        return f"{head}检查了 {self.catalogues} 个目录、{self.files} 个文件，用时 {self.seconds:.2f} 秒。{base}" + self._members(lang)

    def _members(self, lang: str) -> str:
        """One line per workspace member: its own count of findings."""
        if not self.members:
            return ""
        if lang == "en":
            return "".join(f"\n  {unit}: " + (f"{e} error(s), {w} warning(s), {i} info" if e + w + i else "no problems")
                           for unit, e, w, i in self.members)
        return "".join(f"\n  {unit}：" + (f"{e} 个错误、{w} 个警告、{i} 个提示" if e + w + i else "没有问题")
                       for unit, e, w, i in self.members)


def run(paths: list[Path], fmt: str = "text", lang: str = "zh", fail_level: str | None = None,
        use_cache: bool = True, stream: IO[str] | None = None, select: list[str] | None = None,
        ignore: list[str] | None = None, config_path: Path | None = None, use_baseline: bool = True,
        only_summary: bool = False, full_report: Path | None = None) -> int:
    """Returns the exit code: 0 clean, 1 findings at or above the fail level.

    ``only_summary``: report the findings counted by rule only. ``full_report``: also write the
    whole report there (its format from its extension, see report.full_format), for when the
    report shown is cut short (markdown stays under markdown.LIMIT characters).
    Raises QuanliError (exit code 2) for paths that hold no catalogue or a bad configuration.
    """
    from quanli import baseline, config
    from quanli.check.registry import load_all
    from quanli.check.suppress import known

    if only_summary and fmt in ("sarif", "junit"):
        raise QuanliError(f"--summary 不能与 --format {fmt} 一起使用：只用于 text、markdown、json 和 github 格式。"
                          "如需 SARIF 或 JUnit 的完整报告，请去掉 --summary。",
                          f"--summary does not go with --format {fmt}: only with text, markdown, json and github.")
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
    checked_paths: list[str] = []
    configs = {}
    spaces, targets = _targets(paths)
    cross_inputs: dict[Path, tuple] = {}  # catalogue root -> (Checked, catalog.yaml data), for the cross-catalogue rules
    for root, selected in targets:
        cfg = config.resolve(root, config_path)
        configs[root] = cfg
        snap = read_catalogue(root)
        if selected is not None:
            known = {str(Path(sf.path).resolve()) for sf in snap.files} | {str((root / s.rel).resolve()) for s in snap.strays}
            outside = sorted(str(p) for p in selected if str(p) not in known)
            if outside:
                raise QuanliError(f"{outside[0]} 不属于目录 {root}：只检查 catalog.yaml、laws.yaml、items/*.yaml 和 flows/*.yaml。",
                                  f"{outside[0]} is not part of the catalogue {root} (catalog.yaml, laws.yaml, items/*.yaml, flows/*.yaml).")
        files += len(selected) if selected is not None else len(snap.files)
        checked = check_snapshot(snap, use_cache, selected, cfg.catalog, config.active_rules(cfg, select or [], ignore or []))
        results.append(checked)
        cross_inputs[root] = (checked, catalog_data(snap))
        checked_paths += [str(p) for p in selected] if selected is not None else [sf.path for sf in snap.files]
        found = config.apply(checked.findings, cfg, select or [], ignore or [])
        recorded = baseline.load(root) if use_baseline else None
        if recorded is not None:
            found, n = baseline.filter_new(found, root, recorded)
            covered += n
        threshold = Severity.parse(fail_level) if fail_level else (cfg.fail_level or Severity.ERROR)
        failing |= any(f.severity >= threshold for f in found)
        findings.extend(found)
    if spaces or len(results) > 1:
        cross = config.apply(_across(spaces, cross_inputs), configs[targets[0][0]], select or [], ignore or [])
        cross = _suppress_cross(cross)
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
    summary = Summary(len(targets), files, findings, time.perf_counter() - started, covered,
                      checked_paths=checked_paths,
                      docs=next((c.docs_url for c in configs.values() if c.docs_url), None),
                      members=_per_member(spaces, cross_inputs, findings), only_summary=only_summary)
    if full_report is not None:
        from dataclasses import replace

        from quanli.fsutil import write_atomic

        kind = report.full_format(full_report, fmt)
        write_atomic(Path(full_report), report.full_text(findings, replace(summary, only_summary=False), lang, kind), overwrite=True)
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


def _targets(paths: list[Path]) -> tuple[list, list[tuple[Path, set[Path] | None]]]:
    """The workspaces named on the command line, and every catalogue to check: each workspace's
    members in its order, then the catalogues found in the other paths."""
    from quanli import workspace

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


def _across(spaces: list, inputs: dict[Path, tuple]) -> list[Finding]:
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


def _per_member(spaces: list, inputs: dict[Path, tuple], findings: list[Finding]) -> list[tuple[str, int, int, int]]:
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


def _suppress_cross(findings: list[Finding]) -> list[Finding]:
    """Inline suppression for run-level findings (QL124), read from the files they point at."""
    from quanli.check import suppress

    by_file = {}
    for f in findings:
        if f.abs_path and f.abs_path not in by_file:
            try:
                with open(f.abs_path, "rb") as fh:
                    by_file[f.abs_path] = (f.file, suppress.parse(fh.read()))
            except OSError:
                by_file[f.abs_path] = (f.file, [])
    kept = []
    for f in findings:
        sups = by_file.get(f.abs_path, (None, []))[1]
        if not any((s.target is None or s.target == f.line) and any(suppress.matches(sel, f.rule) for sel in s.selectors) for s in sups):
            kept.append(f)
    return kept


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
