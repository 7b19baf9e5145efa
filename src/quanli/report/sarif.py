"""``--format sarif``: SARIF 2.1.0, with every rule described and every result located."""

from __future__ import annotations

import json
from typing import IO

from quanli import __version__
from quanli.core.findings import Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(f) -> str:
    from pathlib import Path

    path = Path(f.file)
    if path.is_absolute():
        return path.as_uri()
    return f.file.replace("\\", "/")


def document(findings, lang: str, docs: str = "docs/rules.md") -> dict:
    from quanli.check.registry import load_all

    rules = sorted(load_all().values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    driver = {
        "name": "quanli",
        "version": __version__,
        "informationUri": "https://pypi.org/project/quanli/",
        "rules": [
            {
                "id": r.id,
                "name": r.name,
                "helpUri": f"{docs}#{r.id.lower()}",
                "shortDescription": {"text": r.summary_en if lang == "en" else r.summary_zh},
                "fullDescription": {"text": r.rationale},
                "help": {
                    "text": r.rationale,
                    "markdown": f"{r.rationale}\n\n```yaml\n# passing\n{r.passing}\n# failing\n{r.failing}\n```",
                },
                "defaultConfiguration": {"level": _LEVEL[r.severity]},
                "properties": {"tags": [r.id[:3]]},
            }
            for r in rules
        ],
    }
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index.get(f.rule, -1),
            "level": _LEVEL[f.severity],
            "message": {"text": f.message(lang)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f)},
                        "region": {"startLine": f.line or 1, "startColumn": f.column or 1},
                    },
                    "logicalLocations": [{"name": f.json_path, "fullyQualifiedName": f"{f.item or ''}{f.json_path}"}],
                }
            ],
            "partialFingerprints": {"quanliFinding/v1": f"{f.rule}:{f.file}:{f.json_path}"},
        }
        for f in findings
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results, "columnKind": "unicodeCodePoints"}],
    }


def render(findings, summary, lang: str, stream: IO[str]) -> None:
    document_ = document(findings, lang, getattr(summary, "docs", None) or "docs/rules.md")
    stream.write(json.dumps(document_, ensure_ascii=False, indent=2) + "\n")  # one write, not one a token
