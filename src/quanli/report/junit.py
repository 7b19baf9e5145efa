"""``--format junit``: one test case per file, one failure per finding (errors and warnings)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from quanli.core.findings import Severity

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _safe(text: str) -> str:
    return _XML_BAD.sub("\ufffd", text)


def render(findings, summary, lang: str, stream: IO[str]) -> None:
    by_file = defaultdict(list)
    for f in findings:
        by_file[f.file].append(f)
    files = sorted(set(summary.checked) | set(by_file))
    failing = {file for file, group in by_file.items() if any(f.severity >= Severity.WARNING for f in group)}
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(f'<testsuites name="quanli" tests="{len(files)}" failures="{len(failing)}">\n')
    stream.write(f'  <testsuite name="quanli validate" tests="{len(files)}" failures="{len(failing)}" errors="0">\n')
    for file in files:
        group = by_file.get(file, [])
        lines = [_safe(f"{f.file}:{f.line}:{f.column} {f.severity.label} {f.rule} {f.message(lang)}") for f in group]
        stream.write(f'    <testcase classname="quanli" name={quoteattr(_safe(file))}>\n')
        if file in failing:
            worst = max(group, key=lambda f: f.severity)
            stream.write(
                f"      <failure type={quoteattr(worst.rule)} message={quoteattr(_safe(worst.message(lang)))}>"
                f"{escape(chr(10).join(lines))}</failure>\n"
            )
        elif lines:
            stream.write(f"      <system-out>{escape(chr(10).join(lines))}</system-out>\n")
        stream.write("    </testcase>\n")
    stream.write("  </testsuite>\n</testsuites>\n")
