"""``--format json``: a JSON array of findings, one object each, stable key order."""

from __future__ import annotations

import json
from typing import IO


def render(findings, summary, lang: str, stream: IO[str]) -> None:
    json.dump([f.to_dict(lang) for f in findings], stream, ensure_ascii=False, indent=2)
    stream.write("\n")
