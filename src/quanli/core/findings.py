"""A Finding is plain data: everything user-visible about one problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    def text(self, lang: str) -> str:
        if lang == "en":
            return self.label
        return {Severity.INFO: "提示", Severity.WARNING: "警告", Severity.ERROR: "错误"}[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        return cls[value.strip().upper()]


@dataclass
class Finding:
    rule: str  # stable id, e.g. "QL114"
    severity: Severity
    file: str  # path as shown to the user
    message_zh: str
    message_en: str
    path: tuple = ()  # JSON path inside the file
    item: str | None = None  # item (or flow) id the finding is about
    line: int | None = None  # 1-based; filled in from source positions
    column: int | None = None
    key: bool = False  # position at the mapping key of ``path`` rather than its value
    abs_path: Any = field(default=None, repr=False, compare=False)  # for reading the source line

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh

    @property
    def json_path(self) -> str:
        out = "$"
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else f".{part}"
        return out

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0, self.rule, self.message_en)

    def to_row(self) -> tuple:
        """A plain tuple for the result cache (marshal-able)."""
        return (
            self.rule,
            int(self.severity),
            self.file,
            self.message_zh,
            self.message_en,
            tuple(self.path),
            self.item,
            self.line,
            self.column,
            self.key,
            None if self.abs_path is None else str(self.abs_path),
        )

    @classmethod
    def from_row(cls, row: tuple) -> Finding:
        rule, sev, file, zh, en, path, item, line, column, key, abs_path = row
        return cls(rule, Severity(sev), file, zh, en, tuple(path), item, line, column, key, abs_path)

    def to_dict(self, lang: str) -> dict:
        from quanli.check.registry import RULES

        rule = RULES.get(self.rule)
        return {
            "file": self.file,
            "line": self.line or 1,
            "column": self.column or 1,
            "rule": self.rule,
            "name": rule.name if rule else None,
            "severity": self.severity.label,
            "message": self.message(lang),
            "path": self.json_path,
            "item": self.item,
            "help": f"docs/rules.md#{self.rule.lower()}",
        }
