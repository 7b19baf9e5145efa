"""``--format github``: workflow-command annotations, plus the full table in the job summary.

GitHub shows at most 10 annotations of each level per step and 50 per job, so the report also
goes to $GITHUB_STEP_SUMMARY (when set) as markdown: the counts by rule, then as many findings
as fit in markdown.LIMIT characters (``validate --full-report`` keeps them all).
"""

from __future__ import annotations

import os
from typing import IO

from quanli.core.findings import Severity
from quanli.report.markdown import table

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings, summary, lang: str, stream: IO[str]) -> None:
    only = bool(getattr(summary, "only_summary", False))  # validate --summary: the counts, no annotations
    for f in [] if only else findings:
        path = f.file.replace("\\", "/")
        stream.write(
            f"::{_LEVEL[f.severity]} file={_escape_prop(path)},line={f.line or 1},col={f.column or 1},"
            f"title={_escape_prop(f.rule)}::{_escape_data(f.message(lang))}\n"
        )
    if only and findings:
        from quanli.report import tally

        stream.write("\n".join(tally.text_table(tally.by_rule(findings), lang)) + "\n")
    stream.write(summary.text(lang) + "\n")
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        try:
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(table(findings, summary, lang))
        except OSError:
            pass
