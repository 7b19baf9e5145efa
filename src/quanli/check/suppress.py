"""Inline suppression in YAML comments.

    name: 某事项  # quanli: disable=QL802          (this line)
    # quanli: disable=QL406,QL407                  (on its own line: the next line)
    # quanli: disable-file=QL205                   (the whole file)

Ids may be rule ids (QL802), groups (QL8) or rule names (placeholder-text). A suppression
that suppresses nothing is reported (QL130), and so is one naming no known rule (QL131).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quanli.check.registry import RULES, describe
from quanli.core.findings import Finding

describe(
    "QL130",
    "unused-suppression",
    "warning",
    "抑制注释没有抑制任何问题",
    "suppression comment suppresses nothing",
    "“# quanli: disable=…”是对某个问题的有意豁免；问题改好之后注释还留着，就会悄悄豁免以后新出现的同类问题。不再需要的抑制注释请删除。",
    "flow: XK-HP  # quanli: disable=QL114   （XK-HP 确实不存在）",
    "flow: XK-TY  # quanli: disable=QL114   （XK-TY 存在，注释多余）",
)
describe(
    "QL131",
    "unknown-suppression",
    "warning",
    "抑制注释中的规则不存在",
    "suppression names an unknown rule",
    "抑制注释写错了规则编号，就什么也没有抑制，还会让人以为问题已被豁免。可以写规则编号（QL802）、组（QL8）或名称（placeholder-text）。",
    "# quanli: disable=QL802",
    "# quanli: disable=QL9999",
)

RUN_LEVEL = {"QL124", "QL971", "QL972", "QL973", "QL974"}  # found across catalogues, after the per-catalogue pass
_COMMENT = re.compile(rb"#\s*quanli:\s*(disable-file|disable)\s*=\s*([A-Za-z0-9_,\s-]+)")


@dataclass
class Suppression:
    line: int  # line of the comment
    column: int
    target: int | None  # line it applies to; None for the whole file
    selectors: list[str]
    used: set = field(default_factory=set)


def parse(blob: bytes) -> list[Suppression]:
    """Find suppression comments (a quick byte scan first: most files have none)."""
    if b"quanli:" not in blob:
        return []
    out = []
    lines = blob.split(b"\n")
    for n, raw in enumerate(lines, 1):
        m = _COMMENT.search(raw)
        if not m:
            continue
        selectors = [s.strip() for s in m.group(2).decode("ascii", "replace").split(",") if s.strip()]
        column = len(raw[: m.start()].decode("utf-8", "replace")) + 1
        if m.group(1) == b"disable-file":
            target = None
        elif raw[: m.start()].strip():
            target = n
        else:  # a comment on its own line applies to the next line that is not a comment
            target = next(
                (
                    k
                    for k in range(n + 1, len(lines) + 1)
                    if lines[k - 1].strip() and not lines[k - 1].lstrip().startswith(b"#")
                ),
                n,
            )
        out.append(Suppression(n, column, target, selectors))
    return out


def matches(selector: str, rule_id: str) -> bool:
    rule = RULES.get(rule_id)
    sel = selector.upper()
    return (
        rule_id == sel
        or (len(sel) < len(rule_id) and rule_id.startswith(sel))
        or (rule is not None and rule.name == selector)
    )


def known(selector: str) -> bool:
    return any(matches(selector, rid) for rid in RULES)


def apply(
    findings: list[Finding], by_file: dict[str, tuple[str, list[Suppression]]], active: set[str] | None = None
) -> list[Finding]:
    """Drop suppressed findings; add QL130/QL131 findings. ``by_file``: abs path -> (display, suppressions).

    A suppression of rules that did not run in this pass (``active``) is not called unused.
    """
    kept = []
    for f in findings:
        sups = by_file.get(f.abs_path, (None, []))[1] if f.abs_path else []
        hit = next(
            (
                s
                for s in sups
                if (s.target is None or s.target == f.line) and any(matches(sel, f.rule) for sel in s.selectors)
            ),
            None,
        )
        if hit is None or f.rule in ("QL130", "QL131"):
            kept.append(f)
        else:
            hit.used.update(sel for sel in hit.selectors if matches(sel, f.rule))
    for abs_path, (display, sups) in by_file.items():
        for s in sups:
            for sel in s.selectors:
                if not known(sel):
                    kept.append(
                        _meta(
                            "QL131",
                            display,
                            abs_path,
                            s,
                            f"抑制注释中的“{sel}”不是已知的规则编号、组或名称。",
                            f"'{sel}' is not a known rule id, group or name.",
                        )
                    )
                elif (
                    sel not in s.used
                    and (active is None or any(matches(sel, rid) for rid in active))
                    and not all(rid in RUN_LEVEL for rid in RULES if matches(sel, rid))
                ):
                    kept.append(
                        _meta(
                            "QL130",
                            display,
                            abs_path,
                            s,
                            f"抑制注释“{sel}”没有抑制任何问题，请删除。",
                            f"suppression '{sel}' suppresses nothing; remove it.",
                        )
                    )
    return kept


def _meta(rule: str, display: str, abs_path: str, s: Suppression, zh: str, en: str) -> Finding:
    return Finding(
        rule=rule,
        severity=RULES[rule].severity,
        file=display,
        message_zh=zh,
        message_en=en,
        line=s.line,
        column=s.column,
        abs_path=abs_path,
    )


def suppress_cross(findings: list[Finding]) -> list[Finding]:
    """Inline suppression for run-level findings (QL124), read from the files they point at."""
    by_file = {}
    for f in findings:
        if f.abs_path and f.abs_path not in by_file:
            try:
                with open(f.abs_path, "rb") as fh:
                    by_file[f.abs_path] = (f.file, parse(fh.read()))
            except OSError:
                by_file[f.abs_path] = (f.file, [])
    kept = []
    for f in findings:
        sups = by_file.get(f.abs_path, (None, []))[1]
        if not any(
            (s.target is None or s.target == f.line) and any(matches(sel, f.rule) for sel in s.selectors) for s in sups
        ):
            kept.append(f)
    return kept
