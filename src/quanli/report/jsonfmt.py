"""``--format json``: a JSON array of findings, one object each, stable key order."""

from __future__ import annotations

import json
from typing import IO


def render(findings, summary, lang: str, stream: IO[str]) -> None:
    rows = [f.to_dict(lang) for f in findings]
    if getattr(summary, "docs", None):
        for row in rows:
            row["help"] = f"{summary.docs}#{row['rule'].lower()}"
    json.dump(rows, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
