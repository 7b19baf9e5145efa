"""Errors that stop a command: they carry a bilingual message and an exit code."""

from __future__ import annotations


class QuanliError(Exception):
    """A problem the user must fix before the command can run (exit code 2 by default)."""

    def __init__(self, zh: str, en: str, exit_code: int = 2) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.exit_code = exit_code

    def __reduce__(self):  # picklable, so a worker process can raise it (Exception keeps only args)
        return (type(self), (self.zh, self.en, self.exit_code))

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh
