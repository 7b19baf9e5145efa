"""The review chain (银政办内发〔2008〕48号 四.(二).1, 内政办发〔2010〕66号 二.(二)): each item's status and its sign-off history.

处室 drafts an item (草稿), the 领导小组 checks it (初核), the 党组 reviews it (审核), the director
signs it (审定) and it is published (公布); "未经核定备案的行政权力事项均不得行使". A catalogue may
leave stages out and name the role of each in catalog.yaml::

    review:
      stages:
        - {stage: 初核, role: 政务公开领导小组}
        - {stage: 审核, role: 党组}
        - {stage: 审定, role: 主任}
        - {stage: 公布, role: 政务公开办公室}
      publish_from: 审定        # public builds hold items at this stage or later

An item's ``signoffs`` list records each sign-off (stage, role, name, date, remark) and the
fingerprint of the item's content when it was signed; an item whose content has changed since
its last sign-off needs review again, starting from the first stage. 停止行使 and 已取消 end the
chain (a withdrawn item may start it again from the first stage).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

DRAFT = "草稿"
CHAIN = ("初核", "审核", "审定", "公布")  # the order of 银政办内发〔2008〕48号; a catalogue may leave stages out
WITHDRAWN = ("停止行使", "已取消")
STATUSES = (DRAFT, *CHAIN, *WITHDRAWN)
DEFAULT_ROLES = {"初核": "政务公开领导小组", "审核": "党组", "审定": "主任", "公布": "政务公开办公室"}
DEFAULT_PUBLISH_FROM = "审定"
# what a sign-off does not cover: the review record itself
UNSIGNED_FIELDS = ("status", "signoffs")


@dataclass(frozen=True)
class Chain:
    """A catalogue's stages in order, the role that signs each, and where publication starts."""

    stages: tuple[str, ...] = CHAIN
    roles: tuple[tuple[str, str], ...] = tuple(DEFAULT_ROLES.items())
    publish_from: str = DEFAULT_PUBLISH_FROM

    @property
    def first(self) -> str:
        return self.stages[0]

    def role(self, stage: str) -> str:
        return dict(self.roles).get(stage, "")

    def order(self) -> tuple[str, ...]:
        """Every status an item can be in on the way to publication, 草稿 first."""
        return (DRAFT, *self.stages)

    def next(self, status: str | None) -> str | None:
        """The stage after ``status`` (None at the last stage, or for a status not in the chain)."""
        order = self.order()
        current = status or DRAFT
        if current not in order:
            return None
        i = order.index(current)
        return order[i + 1] if i + 1 < len(order) else None

    def published(self, status: str | None) -> bool:
        """May an item with this status appear in a public build?"""
        order = self.order()
        return status in order and order.index(status) >= order.index(self.publish_from)


def chain_of(catalog: dict | None) -> Chain:
    """The chain catalog.yaml describes (that document's chain where it says nothing, or says it badly:
    rule QL905 reports a review block that cannot be used)."""
    review = catalog.get("review") if isinstance(catalog, dict) else None
    if not isinstance(review, dict):
        return Chain()
    entries = review.get("stages")
    stages: list[str] = []
    roles: list[tuple[str, str]] = []
    if isinstance(entries, list) and entries:
        for entry in entries:
            name = entry.get("stage") if isinstance(entry, dict) else entry
            if name not in CHAIN or name in stages:
                return Chain()
            stages.append(name)
            role = (
                entry.get("role")
                if isinstance(entry, dict) and isinstance(entry.get("role"), str)
                else DEFAULT_ROLES[name]
            )
            roles.append((name, role))
        if [s for s in CHAIN if s in stages] != stages:
            return Chain()
    else:
        stages, roles = list(CHAIN), list(DEFAULT_ROLES.items())
    publish_from = review.get("publish_from", DEFAULT_PUBLISH_FROM if DEFAULT_PUBLISH_FROM in stages else stages[-1])
    if publish_from not in stages:
        return Chain()
    return Chain(tuple(stages), tuple(roles), publish_from)


def chain_problem(catalog: dict | None) -> tuple[str, str] | None:
    """(zh, en) when catalog.yaml's review block cannot be used as written, else None."""
    review = catalog.get("review") if isinstance(catalog, dict) else None
    if review is None:
        return None
    if not isinstance(review, dict):
        return "review 应为映射（stages、publish_from）。", "review must be a mapping (stages, publish_from)."
    entries = review.get("stages")
    names = []
    for entry in entries if isinstance(entries, list) else []:
        name = entry.get("stage") if isinstance(entry, dict) else entry
        if name not in CHAIN:
            return (
                f"审核环节“{name}”不是 {'、'.join(CHAIN)} 之一。",
                f"review stage '{name}' is not one of {', '.join(CHAIN)}.",
            )
        if name in names:
            return f"审核环节“{name}”重复。", f"review stage '{name}' is listed twice."
        names.append(name)
    if names and [s for s in CHAIN if s in names] != names:
        return (
            f"审核环节要按 {' → '.join(CHAIN)} 的顺序排列。",
            f"review stages must follow the order {' → '.join(CHAIN)}.",
        )
    stages = names or list(CHAIN)
    publish_from = review.get("publish_from")
    if publish_from is not None and publish_from not in stages:
        return (
            f"publish_from“{publish_from}”不是本目录的审核环节（{'、'.join(stages)}）。",
            f"publish_from '{publish_from}' is not one of this catalogue's stages ({', '.join(stages)}).",
        )
    return None


def fingerprint(data: dict) -> str:
    """The content a sign-off covers: the item without its review record, independent of key
    order, quoting and layout (quanli fmt does not change it)."""
    content = {k: v for k, v in data.items() if k not in UNSIGNED_FIELDS}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def signoffs(data: dict) -> list[dict]:
    """The item's sign-offs that are mappings, in the order written."""
    entries = data.get("signoffs")
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def last_signoff(data: dict) -> dict | None:
    entries = signoffs(data)
    return entries[-1] if entries else None


def changed_since_signoff(data: dict) -> dict | None:
    """The last sign-off, when the item's content differs from what it covered (by its fingerprint;
    a sign-off without one is judged through git by quanli status)."""
    last = last_signoff(data)
    if last is None or last.get("stage") in WITHDRAWN or not isinstance(last.get("fingerprint"), str):
        return None
    return last if last["fingerprint"] != fingerprint(data) else None


def flow_changed_since_signoff(data: dict, flow: dict | None) -> dict | None:
    """The last sign-off, when it recorded the fingerprint of the item's flowchart and the flowchart
    is no longer what it covered (a step renamed, added, removed; or the flow gone)."""
    last = last_signoff(data)
    if last is None or last.get("stage") in WITHDRAWN or not isinstance(last.get("flow_fingerprint"), str):
        return None
    current = fingerprint(flow) if isinstance(flow, dict) else None
    return last if last["flow_fingerprint"] != current else None


def chain_errors(data: dict, chain: Chain) -> list[tuple[int | None, str, str]]:
    """(sign-off index or None for the status, zh, en) for every step of the history the chain does
    not allow: an unknown stage, a skipped stage, dates going back, a status that is not where the
    sign-offs lead."""
    out: list[tuple[int | None, str, str]] = []
    state = DRAFT
    last_date = ""
    for i, entry in enumerate(signoffs(data)):
        stage = entry.get("stage")
        date = entry.get("date") if isinstance(entry.get("date"), str) else ""
        if date and last_date and date < last_date:
            out.append(
                (
                    i,
                    f"签署日期 {date} 早于上一次签署（{last_date}）。",
                    f"sign-off date {date} is before the previous one ({last_date}).",
                )
            )
        last_date = date or last_date
        allowed = allowed_stages(state, chain)
        if stage not in allowed:
            if stage not in chain.order() and stage not in WITHDRAWN:
                out.append(
                    (
                        i,
                        f"“{stage}”不是本目录的审核环节（{'、'.join(chain.stages)}）。",
                        f"'{stage}' is not one of this catalogue's stages ({', '.join(chain.stages)}).",
                    )
                )
            else:
                want = "、".join(s for s in allowed if s not in WITHDRAWN) or "（无）"
                out.append(
                    (
                        i,
                        f"处于“{state}”的事项不能直接签署“{stage}”：下一环节应为 {want}，不能跳过。",
                        f"an item at '{state}' cannot be signed off at '{stage}': the next stage is {want}; stages cannot be skipped.",
                    )
                )
        state = stage if isinstance(stage, str) else state
    status = data.get("status")
    if status is not None and signoffs(data) and status != state:
        out.append(
            (
                None,
                f"状态“{status}”与最后一次签署（{state}）不一致。",
                f"status '{status}' does not match the last sign-off ({state}).",
            )
        )
    return out


def allowed_stages(state: str | None, chain: Chain) -> tuple[str, ...]:
    """What may be signed next from ``state``: the next stage, the first stage again (a new round
    after a change), or a withdrawal."""
    state = state or DRAFT
    if state in WITHDRAWN:
        return (chain.first, "已取消") if state == "停止行使" else (chain.first,)
    out = []
    nxt = chain.next(state)
    if nxt is not None:
        out.append(nxt)
    if state != DRAFT and chain.first not in out:
        out.append(chain.first)
    return (*out, *WITHDRAWN)


def describe(entry: dict) -> str:
    """A sign-off as a clerk reads it: 审定（主任 王明，2026-03-02）."""
    who = " ".join(str(entry.get(k)) for k in ("role", "name") if entry.get(k))
    when = str(entry.get("date") or "")
    inner = "，".join(p for p in (who, when) if p)
    return f"{entry.get('stage')}（{inner}）" if inner else str(entry.get("stage"))


def counts(items: list[Any], chain: Chain) -> dict[str, int]:
    """Status -> number of items, every status of the chain listed (0 where none)."""
    out = {s: 0 for s in (*chain.order(), *WITHDRAWN)}
    for data in items:
        status = data.get("status") or DRAFT
        out[status] = out.get(status, 0) + 1
    return out
