"""Findings counted by rule: the summary table that ends a long report (``validate --summary``)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from quanli.core.findings import Finding, Severity

# text output ends with the summary table when it lists more findings than this (always with --summary)
SHOW_AFTER = 20


@dataclass
class RuleCount:
    rule: str
    name: str
    title_zh: str
    title_en: str
    severity: Severity  # the highest severity among the rule's findings (quanli.toml may change a rule's)
    count: int
    files: int

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def to_dict(self, lang: str) -> dict:
        return {
            "rule": self.rule,
            "name": self.name,
            "title": self.title(lang),
            "severity": self.severity.label,
            "count": self.count,
            "files": self.files,
        }


def by_rule(findings: list[Finding]) -> list[RuleCount]:
    """One row per rule that found something, the most frequent first (then the most severe, then by id)."""
    from quanli.check.registry import RULES

    counts: dict[str, int] = {}
    files: dict[str, set] = {}
    worst: dict[str, Severity] = {}
    for f in findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
        files.setdefault(f.rule, set()).add(f.file)
        if f.rule not in worst or f.severity > worst[f.rule]:
            worst[f.rule] = f.severity
    rows = []
    for rule_id, n in counts.items():
        rule = RULES.get(rule_id)
        rows.append(
            RuleCount(
                rule_id,
                rule.name if rule else "",
                rule.summary_zh if rule else "",
                rule.summary_en if rule else "",
                worst[rule_id],
                n,
                len(files[rule_id]),
            )
        )
    rows.sort(key=lambda r: (-r.count, -int(r.severity), r.rule))
    return rows


def width(text: str) -> int:
    """Terminal cells: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, cells: int, right: bool = False) -> str:
    gap = " " * max(cells - width(text), 0)
    return gap + text if right else text + gap


def text_table(rows: list[RuleCount], lang: str) -> list[str]:
    """The summary as aligned lines of plain text (no trailing spaces)."""
    from quanli.report.text import _safe

    en = lang == "en"
    head = f"Findings by rule ({len(rows)} rule(s)):" if en else f"按规则统计（{len(rows)} 条规则）："
    labels = (
        ("Rule", "Name", "Title", "Level", "Findings", "Files")
        if en
        else ("规则", "名称", "说明", "级别", "问题数", "文件数")
    )
    table = [labels] + [
        (r.rule, r.name, _safe(r.title(lang)), r.severity.text(lang), str(r.count), str(r.files)) for r in rows
    ]
    widths = [max(width(line[i]) for line in table) for i in range(len(labels))]
    out = [head]
    for line in table:
        cells = [_pad(v, widths[i], right=i >= 4) for i, v in enumerate(line)]
        out.append(("  " + "  ".join(cells)).rstrip())
    return out
