"""``quanli rules``: the rule reference, from the registry."""

from __future__ import annotations

import json
import sys

from quanli.check.registry import load_all


def run(fmt: str, lang: str) -> int:
    rules = load_all()
    if fmt == "json":
        json.dump([{"id": r.id, "name": r.name, "severity": r.severity.label, "summary": r.summary_en if lang == "en" else r.summary_zh,
                    "rationale": r.rationale, "passing": r.passing, "failing": r.failing} for r in sorted(rules.values(), key=lambda r: r.id)],
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for r in sorted(rules.values(), key=lambda r: r.id):
        summary = r.summary_en if lang == "en" else r.summary_zh
        print(f"{r.id}  {r.name:<22} {r.severity.text(lang):<8} {summary}")
    return 0
