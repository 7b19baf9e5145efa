"""``--format junit``: one test case per file, one failure per finding (errors and warnings)."""

from __future__ import annotations

from collections import defaultdict
from typing import IO
from xml.sax.saxutils import quoteattr, escape

from quanli.findings import Severity


def render(findings, summary, lang: str, stream: IO[str]) -> None:
    by_file = defaultdict(list)
    for f in findings:
        by_file[f.file].append(f)
    failing = {file: [f for f in group if f.severity >= Severity.WARNING] for file, group in by_file.items()}
    total_failures = sum(1 for group in failing.values() if group)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(f'<testsuites name="quanli" tests="{max(summary.files, len(by_file))}" failures="{total_failures}">\n')
    stream.write(f'  <testsuite name="quanli validate" tests="{max(summary.files, len(by_file))}" failures="{total_failures}" errors="0">\n')
    for file in sorted(by_file):
        stream.write(f"    <testcase classname=\"quanli\" name={quoteattr(file)}>\n")
        for f in by_file[file]:
            text = f"{f.file}:{f.line}:{f.column} {f.rule} {f.message(lang)}"
            if f.severity >= Severity.WARNING:
                stream.write(f"      <failure type={quoteattr(f.rule)} message={quoteattr(f.message(lang))}>{escape(text)}</failure>\n")
            else:
                stream.write(f"      <system-out>{escape(text)}</system-out>\n")
        stream.write("    </testcase>\n")
    stream.write("  </testsuite>\n</testsuites>\n")
