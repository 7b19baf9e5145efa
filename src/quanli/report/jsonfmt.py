"""``--format json``: a JSON array of findings, one object each, stable key order.

With ``validate --summary`` an object instead: the findings counted by rule, and by severity.
"""

from __future__ import annotations

import json
from typing import IO


def render(findings, summary, lang: str, stream: IO[str]) -> None:
    if getattr(summary, "only_summary", False):
        json.dump(counts(findings, lang), stream, ensure_ascii=False, indent=2)
        stream.write("\n")
        return
    rows = [f.to_dict(lang) for f in findings]
    if getattr(summary, "docs", None):
        for row in rows:
            row["help"] = f"{summary.docs}#{row['rule'].lower()}"
    json.dump(rows, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def counts(findings, lang: str) -> dict:
    from quanli.core.findings import Severity
    from quanli.report import tally

    return {
        "summary": [r.to_dict(lang) for r in tally.by_rule(findings)],
        "findings": len(findings),
        "severity": {
            s.label: sum(1 for f in findings if f.severity == s)
            for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        },
    }
