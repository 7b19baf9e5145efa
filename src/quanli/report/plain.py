"""Plain-text tables for the terminal (quanli status, quanli records check): each column as wide
as its widest cell, a wide (CJK) character counted as two columns."""

from __future__ import annotations


def width(text: str) -> int:
    """The columns ``text`` takes on a terminal."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    """The lines of a table: ``head``, then ``rows``, columns two spaces apart, no trailing spaces."""
    widths = [max(width(r[i]) for r in [head] + rows) for i in range(len(head))]
    return ["  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in [head] + rows]
