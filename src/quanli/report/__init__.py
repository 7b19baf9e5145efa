"""Output formats, chosen by name from one registry and imported only when used."""

from __future__ import annotations

import importlib
from collections.abc import Callable

# name -> "module:function"; each function is render(findings, summary, lang, stream)
FORMATS: dict[str, str] = {
    "text": "quanli.report.text:render",
    "json": "quanli.report.jsonfmt:render",
    "github": "quanli.report.github:render",
    "sarif": "quanli.report.sarif:render",
    "junit": "quanli.report.junit:render",
    "markdown": "quanli.report.markdown:render",
}


def get(name: str) -> Callable:
    module, func = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), func)


# ``validate --full-report FILE``: the file's extension picks its format; any other extension
# gets the format of the report on screen (github's annotations: its markdown)
_BY_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".sarif": "sarif",
    ".xml": "junit",
    ".txt": "text",
}


def full_format(path, fmt: str) -> str:
    from pathlib import Path

    by_suffix = _BY_SUFFIX.get(Path(path).suffix.lower())
    return by_suffix or ("markdown" if fmt == "github" else fmt)


def full_text(findings, summary, lang: str, fmt: str) -> str:
    """The whole report in ``fmt``, every finding listed (no colour, no length limit)."""
    import io

    out = io.StringIO()
    if fmt == "markdown":
        from quanli.report.markdown import table

        out.write(table(findings, summary, lang, limit=None))
    elif fmt == "text":
        from quanli.report.text import _plain

        _plain(findings, summary, lang, out)
    else:
        get(fmt)(findings, summary, lang, out)
    return out.getvalue()
