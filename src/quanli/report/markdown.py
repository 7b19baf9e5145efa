"""``--format markdown``: a summary and a table, for a pull-request comment or a job summary."""

from __future__ import annotations

from typing import IO

from quanli.findings import Severity
from quanli.report.text import _UNSAFE

_ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}


def cell(text: str) -> str:
    """Text for a table cell; control, zero-width and bidirectional characters are spelled out as
    U+XXXX (in a pull-request comment they would make a name read as another)."""
    text = str(text)
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(lambda m: f"U+{ord(m.group()):04X}", text)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def table(findings, summary, lang: str) -> str:
    en = lang == "en"
    lines = ["### quanli validate", "", summary.text(lang), ""]
    if not findings:
        return "\n".join(lines) + "\n"
    head = "| | File | Line | Rule | Message | Item |" if en else "| | 文件 | 行 | 规则 | 说明 | 事项 |"
    lines += [head, "|---|---|---:|---|---|---|"]
    for f in findings:
        lines.append(f"| {_ICON[f.severity]} | `{cell(f.file)}` | {f.line or 1} | [{f.rule}](docs/rules.md#{f.rule.lower()}) | "
                     f"{cell(f.message(lang))} | {cell(f.item or '')} |")
    return "\n".join(lines) + "\n"


def render(findings, summary, lang: str, stream: IO[str]) -> None:
    stream.write(table(findings, summary, lang))
