"""The one registry of rules.

A rule has a stable id, a kebab-case name, a default severity, a bilingual summary, a
rationale and a passing and a failing example (both are also tests). Rules that look at
a whole catalogue are functions registered with ``@catalogue_rule``; rules about reading
files (QL100-QL109) and schema validity (QL110) are produced by the loader and the
schema checker and only described here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from quanli.core.findings import Severity


@dataclass
class Rule:
    id: str
    name: str
    severity: Severity
    summary_zh: str
    summary_en: str
    rationale: str
    passing: str = ""
    failing: str = ""
    check: Callable | None = field(default=None, repr=False)

    @property
    def across_items(self) -> bool:
        """True if what the rule finds about one file depends on the other items (see ACROSS_ITEMS)."""
        return self.id in ACROSS_ITEMS


RULES: dict[str, Rule] = {}

# Rules whose findings depend on several items at once: duplicates, near-duplicates, and
# findings on a flow, laws.yaml or catalog.yaml that depend on which items use it. Every
# other rule is item-local: what it finds about an item depends only on that item and the
# shared files (catalog.yaml, laws.yaml, the flows, the settings, today's date), so after
# an edit only the changed items are checked again (check/run.py). tests/test_incremental.py
# proves this on every rule's failing example; a new rule that compares items must be listed here.
# QL952, QL953 and QL955 are findings on the register (records/) that depend on the items it names.
ACROSS_ITEMS = frozenset(
    {"QL112", "QL113", "QL123", "QL127", "QL411", "QL506", "QL602", "QL702", "QL952", "QL953", "QL955"}
)


# what rules in ACROSS_ITEMS may read of an item: field -> the keys they may read inside each
# entry (a list of mappings) or inside the mapping, or None for the whole value
SUMMARY_FIELDS: dict[str, frozenset | None] = {
    "id": None,
    "name": None,
    "flow": None,
    "category": None,
    "duties": None,
    "basis": frozenset({"law"}),
    "disclosure": frozenset({"scope"}),
    "important": None,
    # read by the workspace rules (rules/workspace.py), which compare items of many catalogues
    "codes": frozenset({"basic"}),
    "level": None,
    "status": None,
}


def summary(data: dict) -> dict:
    """The part of an item that rules in ACROSS_ITEMS may read: an unchanged item is not parsed
    again after an edit, this is recalled instead (tests/test_incremental.py holds the rules to it)."""
    out = {}
    for key, inner in SUMMARY_FIELDS.items():
        if key not in data:
            continue
        value = data[key]
        if inner is not None and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k in inner}
        elif inner is not None and isinstance(value, list):
            value = [{k: v for k, v in e.items() if k in inner} if isinstance(e, dict) else e for e in value]
        out[key] = value
    return out


def register(rule: Rule) -> Rule:
    if rule.id in RULES:  # pragma: no cover - programming error
        raise ValueError(f"duplicate rule id {rule.id}")
    RULES[rule.id] = rule
    return rule


def describe(
    id: str, name: str, severity: str, zh: str, en: str, rationale: str, passing: str = "", failing: str = ""
) -> Rule:
    return register(Rule(id, name, Severity.parse(severity), zh, en, rationale, passing, failing))


def catalogue_rule(
    id: str, name: str, severity: str, zh: str, en: str, rationale: str, passing: str = "", failing: str = ""
) -> Callable:
    """Register ``fn(ctx)`` as a catalogue-level rule: it reports its findings through ``ctx.report``
    (quanli.check.context.Context) and returns nothing."""

    def wrap(fn: Callable[..., Iterator]) -> Callable:
        register(Rule(id, name, Severity.parse(severity), zh, en, rationale, passing, failing, fn))
        return fn

    return wrap


def load_all() -> dict[str, Rule]:
    """Import every rule module so the registry is complete."""
    from quanli.check import mentions, suppress  # noqa: F401  (QL606; QL130, QL131)
    from quanli.check.rules import (  # noqa: F401
        basis,
        disclosure,
        duties,
        elements,
        files,
        flows,
        flowsteps,
        hygiene,
        identity,
        records,
        references,
        review,
        timelimits,
        workspace,
    )

    return RULES
