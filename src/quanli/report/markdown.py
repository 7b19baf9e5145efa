"""``--format markdown``: for a pull-request comment or a job summary.

The findings counted by rule come first, then the findings grouped by rule. A comment holds at
most 65,536 characters, so the report stays under LIMIT: every rule shows as many of its
findings as fit (the same number for each), and a last line says how many were left out and
where the full report is (``validate --full-report``).
"""

from __future__ import annotations

from typing import IO

from quanli.core.findings import Severity
from quanli.report.text import _UNSAFE

_ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}
LIMIT = 60_000  # characters of a report meant for a comment (GitHub: at most 65,536)
_GROUPS_OPEN = 20  # up to this many findings, each rule's findings are shown as they are, not folded


def cell(text: str) -> str:
    """Text for a table cell; control, zero-width and bidirectional characters are spelled out as
    U+XXXX (in a pull-request comment they would make a name read as another)."""
    text = str(text)
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(lambda m: f"U+{ord(m.group()):04X}", text)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _docs(summary) -> str:
    return getattr(summary, "docs", None) or "docs/rules.md"


def summary_table(rows, summary, lang: str) -> list[str]:
    en = lang == "en"
    docs = _docs(summary)
    lines = [
        "| Rule | Name | Title | Level | Findings | Files |"
        if en
        else "| 规则 | 名称 | 说明 | 级别 | 问题数 | 文件数 |",
        "|---|---|---|---|---:|---:|",
    ]
    lines += [
        f"| [{r.rule}]({docs}#{r.rule.lower()}) | `{cell(r.name)}` | {cell(r.title(lang))} | "
        f"{_ICON[r.severity]} {r.severity.text(lang)} | {r.count} | {r.files} |"
        for r in rows
    ]
    return lines


def _row(f, lang: str, docs: str) -> str:
    return (
        f"| {_ICON[f.severity]} | `{cell(f.file)}` | {f.line or 1} | [{f.rule}]({docs}#{f.rule.lower()}) | "
        f"{cell(f.message(lang))} | {cell(f.item or '')} |"
    )


def _left_out(n: int, summary, lang: str) -> str:
    full = getattr(summary, "full_report", None)
    if lang == "en":
        where = (
            f"the full report is in `{cell(full)}`"
            if full
            else "save the full report with `quanli validate --full-report FILE`, or run `quanli validate` to see them all"
        )
        return f"{n} more finding(s) not listed; {where}."
    where = (
        f"完整报告见 `{cell(full)}`"
        if full
        else "完整报告可用 `quanli validate --full-report 文件名` 保存，或运行 `quanli validate` 查看全部"
    )
    return f"另有 {n} 条问题未列出，{where}。"


def table(findings, summary, lang: str, limit: int | None = LIMIT) -> str:
    """The report; ``limit`` characters at most (None: every finding, for the full report)."""
    from quanli.report import tally

    en = lang == "en"
    lines = ["### quanli validate", "", summary.text(lang), ""]
    if not findings:
        return "\n".join(lines) + "\n"
    rows = tally.by_rule(findings)
    lines += summary_table(rows, summary, lang) + [""]
    if getattr(summary, "only_summary", False):
        return _fit(lines, len(findings), summary, lang, limit)
    docs = _docs(summary)
    groups = {r.rule: [] for r in rows}
    for f in findings:
        groups[f.rule].append(_row(f, lang, docs))
    head = "| | File | Line | Rule | Message | Item |" if en else "| | 文件 | 行 | 规则 | 说明 | 事项 |"
    fold = len(findings) > _GROUPS_OPEN

    def body(shown: int | None, extra: int = 0) -> tuple[list[str], int]:
        """The groups, each with at most ``shown`` findings (the first ``extra`` groups one more)."""
        out, hidden = [], 0
        for i, r in enumerate(rows):
            cap = len(groups[r.rule]) if shown is None else shown + (1 if i < extra else 0)
            if cap <= 0:
                hidden += r.count
                continue
            title = (
                f"{_ICON[r.severity]} {r.rule} {cell(r.name)}：{cell(r.title(lang))}（{r.count} 条）"
                if not en
                else f"{_ICON[r.severity]} {r.rule} {cell(r.name)}: {cell(r.title(lang))} ({r.count})"
            )
            out += [f"<details><summary>{title}</summary>", ""] if fold else [f"#### {title}", ""]
            out += [head, "|---|---|---:|---|---|---|"] + groups[r.rule][:cap] + [""]
            if r.count > cap:
                hidden += r.count - cap
                out += [
                    f"{r.count - cap} more of this rule not listed."
                    if en
                    else f"本规则另有 {r.count - cap} 条未列出。",
                    "",
                ]
            if fold:
                out += ["</details>", ""]
        return out, hidden

    if limit is None:
        return "\n".join(lines + body(None)[0]).rstrip("\n") + "\n"
    size = len("\n".join(lines)) + 1

    def fits(shown: int, extra: int = 0) -> bool:
        out, hidden = body(shown, extra)
        tail = len(_left_out(hidden, summary, lang)) + 2 if hidden else 0
        return size + len("\n".join(out)) + tail < limit

    most = max(r.count for r in rows)
    if fits(most):
        return "\n".join(lines + body(None)[0]).rstrip("\n") + "\n"
    low, high = 0, most  # the most findings each rule may show: fits(low), not fits(high)
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    extra = 0  # what is left of the budget: one more finding for the first rules that have more
    while extra < len(rows) and fits(low, extra + 1):
        extra += 1
    out, hidden = body(low, extra)
    return _fit(lines + out, hidden, summary, lang, limit)


def _fit(lines: list[str], hidden: int, summary, lang: str, limit: int | None) -> str:
    """The lines and, when findings were left out, the line that says so, cut to ``limit`` characters."""
    tail = [_left_out(hidden, summary, lang)] if hidden else []
    text = "\n".join(lines).rstrip("\n") + "\n"
    if limit is not None and len(text) + sum(len(t) + 2 for t in tail) >= limit:  # only a huge summary table gets here
        room = limit - sum(len(t) + 2 for t in tail) - 2
        text = text[: text.rfind("\n", 0, room) + 1]
    return text + ("\n" + "\n".join(tail) + "\n" if tail else "")


def render(findings, summary, lang: str, stream: IO[str]) -> None:
    stream.write(table(findings, summary, lang))
