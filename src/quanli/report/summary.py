"""The summary under a report (quanli validate, quanli records check): what was checked, how long it
took, the findings counted by severity and, for a workspace, member by member. Every report
format gets one; the check fills it in."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from quanli.core.findings import Finding, Severity


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
        from quanli.check.run import display_path

        cwd = os.getcwd()
        return sorted({display_path(p, cwd) for p in self.checked_paths})

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def text(self, lang: str) -> str:
        e, w, i = (self.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        if lang == "en":
            head = "No problems found." if not self.findings else f"{e} error(s), {w} warning(s), {i} info."
            base = f" {self.baselined} known finding(s) hidden by the baseline." if self.baselined else ""
            return (
                f"{head} Checked {self.catalogues} catalogue(s), {self.files} file(s) in {self.seconds:.2f} s.{base}"
                + self._members(lang)
            )
        head = "没有发现问题。" if not self.findings else f"共 {e} 个错误、{w} 个警告、{i} 个提示。"
        base = f"另有 {self.baselined} 个已记入基线的问题未显示。" if self.baselined else ""
        return (
            f"{head}检查了 {self.catalogues} 个目录、{self.files} 个文件，用时 {self.seconds:.2f} 秒。{base}"
            + self._members(lang)
        )

    def _members(self, lang: str) -> str:
        """One line per workspace member: its own count of findings."""
        if not self.members:
            return ""
        if lang == "en":
            return "".join(
                f"\n  {unit}: " + (f"{e} error(s), {w} warning(s), {i} info" if e + w + i else "no problems")
                for unit, e, w, i in self.members
            )
        return "".join(
            f"\n  {unit}：" + (f"{e} 个错误、{w} 个警告、{i} 个提示" if e + w + i else "没有问题")
            for unit, e, w, i in self.members
        )
