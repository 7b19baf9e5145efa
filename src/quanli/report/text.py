"""``--format text``: findings grouped by file, each with its source line and a caret."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from typing import IO

from quanli.core.findings import Finding, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
# what must not reach a terminal as itself: control characters (an ESC sequence from a file would
# recolour or rewrite the screen) and bidirectional or zero-width characters (they make the shown
# line differ from the file); each is shown as U+FFFD, one cell wide, so the caret stays aligned
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _safe(text: str) -> str:
    return _UNSAFE.sub("\ufffd", text) if _UNSAFE.search(text) else text


def _source_lines(path) -> list[str] | None:
    """The file's lines, only for a regular file of sane size that is not a symbolic link."""
    import stat

    from quanli.loader.yamlparse import MAX_FILE_BYTES

    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None


def _caret_pad(text: str, column: int) -> str:
    """Spaces that reach ``column`` under ``text``, counting CJK characters as two cells."""
    from rich.cells import cell_len

    return " " * cell_len(text[: max(column - 1, 0)].replace("\t", " "))


def _lines(findings: list[Finding], summary, lang: str):
    """The report as lines of (text, style) pieces; style None is plain.

    A long report (more than tally.SHOW_AFTER findings) ends with the findings counted by rule;
    with ``validate --summary`` (summary.only_summary) that table is all there is."""
    from quanli.report import tally

    only = bool(getattr(summary, "only_summary", False))
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in [] if only else findings:
        by_file[f.file].append(f)
    for file, group in by_file.items():
        yield [(_safe(file), "bold underline")]
        lines = _source_lines(group[0].abs_path) if group[0].abs_path else None
        for f in group:
            style = _STYLE[f.severity]
            where = f"{f.line}:{f.column}"
            ident = f" ({f.item} {f.json_path})" if f.item else (f" ({f.json_path})" if f.path else "")
            yield [
                (f"  {where:<8} ", None),
                (f.severity.text(lang), style),
                (" ", None),
                (f.rule, "dim"),
                (_safe(f"  {f.message(lang)}"), None),
                (_safe(ident), "dim"),
            ]
            if lines and f.line and 0 < f.line <= len(lines):
                src = _safe(lines[f.line - 1])
                gutter = f"{f.line:>6} | "
                yield [(gutter, "dim"), (src, None)]
                yield [(" " * (len(gutter) - 2) + "| " + _caret_pad(src, f.column), None), ("^", style)]
        yield []
    if findings and (only or len(findings) > tally.SHOW_AFTER):
        head, *rows = tally.text_table(tally.by_rule(findings), lang)
        yield [(head, "bold")]
        if rows:
            yield [(rows[0], "dim")]
        for row in rows[1:]:
            yield [(row, None)]
        yield []
    yield [(summary.text(lang), None)]
    full = getattr(summary, "full_report", None)
    if full:
        yield [(_safe(f"Full report written to {full}." if lang == "en" else f"完整报告已写入 {full}。"), None)]


def render(findings: list[Finding], summary, lang: str, stream: IO[str]) -> None:
    if not _may_colour(stream):  # not a terminal: plain text without even importing rich
        _plain(findings, summary, lang, stream)
        return
    from rich.console import Console

    console = Console(file=stream, highlight=False, soft_wrap=True, emoji=False)
    if console.color_system is None:  # a pipe, a file, CI without colour: plain text, no rich machinery
        _plain(findings, summary, lang, stream)
        return
    from rich.text import Text

    for line in _lines(findings, summary, lang):
        text = Text()
        for piece, style in line:
            text.append(piece, style=style)
        console.print(text)


def _may_colour(stream: IO[str]) -> bool:
    """False when rich would surely print without colour: not a terminal, and colour not forced."""
    if any(os.environ.get(name) for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _plain(findings: list[Finding], summary, lang: str, stream: IO[str]) -> None:
    stream.write("".join("".join(text for text, _ in line) + "\n" for line in _lines(findings, summary, lang)))
