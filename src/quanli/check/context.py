"""What a rule sees: the catalogue, and a way to report a finding against a file and path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from quanli.check.registry import RULES
from quanli.core.findings import Finding
from quanli.core.model import Catalogue, SourceFile, item_flows

# what a context derives from the shared files only (flows, laws): the same in every context
# of one run over one catalogue, so computed once and handed on (see ``share``)
SHARED = ("flows_by_id", "laws_by_id", "flow_graphs", "longest_paths")


@dataclass
class Context:
    catalogue: Catalogue
    display: Callable[[SourceFile], str]  # how a file's path is shown to the user
    findings: list[Finding] = field(default_factory=list)
    items_only: bool = False  # rules see no flow files to check (the flows are still looked up by id)

    def share(self, other: Context) -> Context:
        """Take over what ``other`` already derived from the shared files; returns self."""
        for name in SHARED:
            if name in other.__dict__:
                self.__dict__[name] = other.__dict__[name]
        return self

    def report(
        self,
        rule_id: str,
        sf: SourceFile,
        path: tuple,
        zh: str,
        en: str,
        *,
        key: bool = False,
        item: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        rule = RULES[rule_id]
        if item is None and sf.kind in ("item", "flow"):  # an unreadable file is still about the item its name says
            item = sf.data.get("id") if isinstance(sf.data, dict) and isinstance(sf.data.get("id"), str) else sf.stem
        self.findings.append(
            Finding(
                rule=rule_id,
                severity=rule.severity,
                file=self.display(sf),
                message_zh=zh,
                message_en=en,
                path=tuple(path),
                item=item,
                line=line,
                column=column,
                key=key,
                abs_path=sf.path,
            )
        )

    def pseudo(self, rel: str) -> SourceFile:
        """A file that was not read (missing or stray), to report a finding against."""
        return SourceFile(path=str(self.catalogue.root / rel), rel=rel, kind="other")

    def items(self) -> list[SourceFile]:
        """Items that were read successfully (computed once: every rule asks)."""
        return self._ok_items

    def flows(self) -> list[SourceFile]:
        return [] if self.items_only else self._ok_flows

    def records(self) -> list[SourceFile]:
        """The operation register's cases that were read successfully (none where only items are checked)."""
        return [] if self.items_only else [sf for sf in self.catalogue.records if sf.ok]

    @cached_property
    def _ok_items(self) -> list[SourceFile]:
        return [sf for sf in self.catalogue.items if sf.ok]

    @cached_property
    def _ok_flows(self) -> list[SourceFile]:
        return [sf for sf in self.catalogue.flows if sf.ok]

    @cached_property
    def flows_by_id(self) -> dict[str, SourceFile]:
        return {sf.data["id"]: sf for sf in self._ok_flows if isinstance(sf.data.get("id"), str)}

    @cached_property
    def items_by_flow(self) -> dict[str, list[SourceFile]]:
        return item_flows(self.catalogue)

    @cached_property
    def laws_by_id(self) -> dict[str, dict]:
        return {law["id"]: law for law in self.catalogue.law_entries() if isinstance(law.get("id"), str)}

    def default_contact(self) -> dict:
        contact = self.catalogue.catalog.get("contact")
        return contact if isinstance(contact, dict) else {}

    @cached_property
    def flow_graphs(self) -> dict:
        """Flow id -> its graph, built once per run."""
        from quanli.check.flowgraph import FlowGraph

        return {fid: FlowGraph(sf) for fid, sf in self.flows_by_id.items()}

    @cached_property
    def longest_paths(self) -> dict:
        """Flow id -> (working days, step names) of its slowest path."""
        from quanli.check.flowgraph import longest_path

        return {fid: longest_path(graph) for fid, graph in self.flow_graphs.items()}

    @cached_property
    def limits(self) -> dict:
        """Item file path -> (time_limit dict, statutory TimeLimit, promised TimeLimit), read once."""
        from quanli.core.model import time_limit

        out = {}
        for sf in self.items():
            tl = sf.data.get("time_limit") if isinstance(sf.data.get("time_limit"), dict) else {}
            out[sf.path] = (tl, time_limit(tl.get("statutory")), time_limit(tl.get("promised")))
        return out
