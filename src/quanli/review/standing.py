"""Where a catalogue's items stand in the review chain (``quanli status``): the counts, the items
waiting for each stage, those to review again, as JSON, text or Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from quanli.report.plain import table as plain_table
from quanli.review import stages


@dataclass
class Standing:
    """Where a catalogue's items stand in the review chain."""

    unit: str
    chain: stages.Chain
    counts: dict[str, int]
    by_department: dict[str, dict[str, int]]
    waiting: dict[str, list[tuple[str, str]]]  # next stage -> (id, name) of items waiting for it
    rereview: list[dict] = field(default_factory=list)  # id, name, signoff, how, commits
    unpublished: int = 0  # items a public build leaves out (not yet at publish_from)

    def as_json(self) -> dict:
        return {
            "unit": self.unit,
            "stages": list(self.chain.order()),
            "publish_from": self.chain.publish_from,
            "counts": self.counts,
            "by_department": self.by_department,
            "waiting": {k: [{"id": i, "name": n} for i, n in v] for k, v in self.waiting.items()},
            "needs_review_again": self.rereview,
            "not_in_public_build": self.unpublished,
        }


def standing(root: Path, catalogue, chain: stages.Chain, use_git: bool = True) -> Standing:
    """Counts by stage and department, the items waiting for each stage, those changed since their sign-off
    (by fingerprint, flowchart, or in git when ``use_git``) and how many a public build leaves out."""
    items = [sf for sf in catalogue.items if sf.ok]
    counts = stages.counts([sf.data for sf in items], chain)
    by_department: dict[str, dict[str, int]] = {}
    waiting: dict[str, list[tuple[str, str]]] = {s: [] for s in chain.stages}
    rereview = []
    unpublished = 0
    flow_data = {f.data.get("id"): f.data for f in catalogue.flows if f.ok and isinstance(f.data, dict)}
    for sf in sorted(items, key=lambda s: str(s.data.get("id"))):
        data = sf.data
        status = data.get("status") or stages.DRAFT
        dep = str(data.get("department") or "（未填承办机构）")
        row = by_department.setdefault(dep, {s: 0 for s in counts})
        row[status] = row.get(status, 0) + 1
        if status not in stages.WITHDRAWN and not chain.published(status):
            unpublished += 1
        changed, how = stages.changed_since_signoff(data), "fingerprint"
        if changed is None:
            changed, how = stages.flow_changed_since_signoff(data, flow_data.get(data.get("flow"))), "flow"
        if changed is not None:
            rereview.append(
                {
                    "id": data.get("id"),
                    "name": data.get("name"),
                    "signoff": stages.describe(changed),
                    "how": how,
                    "file": sf.path,
                }
            )
        elif status in stages.WITHDRAWN:
            continue
        else:
            nxt = chain.next(status)
            if nxt is not None:
                waiting[nxt].append((str(data.get("id")), str(data.get("name") or "")))
    if use_git:
        from quanli.review.stages_git import check

        rereview = check(root, items, rereview)
    for entry in rereview:
        entry.pop("file", None)
    unit = catalogue.name
    return Standing(unit, chain, counts, dict(sorted(by_department.items())), waiting, rereview, unpublished)


def text_report(st: Standing, lang: str) -> str:
    en = lang == "en"
    shown = [s for s in st.counts if st.counts[s] or s in st.chain.order()]
    total = sum(st.counts.values())
    out = [
        f"{st.unit}: {total} item(s)" if en else f"{st.unit}：共 {total} 个事项",
        ("review chain: " if en else "审核流程：")
        + " → ".join(st.chain.order())
        + (f" (public builds from {st.chain.publish_from})" if en else f"（{st.chain.publish_from}及以后列入公开版）"),
        "",
    ]
    out += plain_table(
        ["stage" if en else "环节", "items" if en else "事项数"], [[s, str(st.counts[s])] for s in shown]
    )
    out.append("")
    out += plain_table(
        ["department" if en else "承办机构"] + shown,
        [[d] + [str(row.get(s, 0)) for s in shown] for d, row in st.by_department.items()],
    )
    for stage, items in st.waiting.items():
        if items:
            out += ["", f"waiting for {stage} ({len(items)}):" if en else f"等待{stage}（{len(items)} 个）："]
            out += [f"  {i}  {n}" for i, n in items[:50]] + (
                [f"  … {len(items) - 50} more" if en else f"  …… 另有 {len(items) - 50} 个"] if len(items) > 50 else []
            )
    if st.rereview:
        out += [
            "",
            f"changed after sign-off, to review again ({len(st.rereview)}):"
            if en
            else f"签署后有改动、需要重新审核（{len(st.rereview)} 个）：",
        ]
        for r in st.rereview:
            commits = "；".join(f"{c['commit']} {c['date']} {c['author']}" for c in r.get("commits", [])[:3])
            out.append(
                f"  {r['id']}  {r['name']}  "
                + (f"after {r['signoff']}" if en else f"{r['signoff']}之后")
                + (f"：{commits}" if commits else "")
            )
    if st.unpublished:
        out += [
            "",
            f"{st.unpublished} item(s) are not yet at {st.chain.publish_from} and stay out of public builds."
            if en
            else f"{st.unpublished} 个事项尚未到“{st.chain.publish_from}”，不会列入公开版。",
        ]
    return "\n".join(out) + "\n"


def markdown_report(st: Standing, lang: str) -> str:
    from quanli.report.markdown import cell

    shown = [s for s in st.counts if st.counts[s] or s in st.chain.order()]
    out = [
        f"### {cell(st.unit)}：审核进度" if lang != "en" else f"### {cell(st.unit)}: review progress",
        "",
        "| 承办机构 | " + " | ".join(shown) + " |",
        "|---|" + "---:|" * len(shown),
    ]
    out += [
        f"| {cell(d)} | " + " | ".join(str(row.get(s, 0)) for s in shown) + " |" for d, row in st.by_department.items()
    ]
    out.append("| **合计** | " + " | ".join(f"**{st.counts[s]}**" for s in shown) + " |")
    if st.rereview:
        out += ["", "需要重新审核：" + "、".join(cell(str(r["id"])) for r in st.rereview)]
    return "\n".join(out) + "\n"
