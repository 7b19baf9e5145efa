"""Output formats, chosen by name from one registry and imported only when used."""

from __future__ import annotations

import importlib
from typing import Callable

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
