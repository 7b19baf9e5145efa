"""What a public edition may not publish: an item that still has placeholder text (QL802) or whose
content changed after its last sign-off (QL902), in the item itself, in the flowchart it uses, or
in the catalogue's own settings that every sheet prints (catalog.yaml, laws.yaml).

Both rules are warnings, so validate passes a catalogue that is still being written; a public
build and ``quanli release`` refuse such items instead, naming each (《中华人民共和国政府信息公开条例》
要求公开的信息准确；未经核定的内容不得公开). An internal build lists them and marks them.
Suppressing the rule on a line (``# quanli: disable=QL802``) is a decision a person made and
is respected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quanli.core.findings import Finding
from quanli.core.model import PUBLIC_SCOPES
from quanli.review.stages import DRAFT, WITHDRAWN, chain_of

BLOCKING = {
    "QL802": ("有未填写的占位文字", "has placeholder text"),
    "QL902": ("签署后内容有改动，未重新审核", "changed after its last sign-off"),
}


@dataclass(frozen=True)
class Held:
    """One reason an item may not be published: the finding, and the item it stops ("" when a
    catalogue-wide file stops every item)."""

    item: str
    finding: Finding

    def line(self, lang: str) -> str:
        f = self.finding
        zh, en = BLOCKING[f.rule]
        where = f"{f.file}:{f.line or 1}:{f.column or 1}"
        who = self.item or ("全部事项" if lang != "en" else "every item")
        return (
            f"  {where} {who}：{zh}（{f.rule}）：{f.message_zh}"
            if lang != "en"
            else f"  {where} {who}: {en} ({f.rule}): {f.message_en}"
        )


def published_ids(catalogue) -> set[str]:
    """The ids of the items a public build of ``catalogue`` shows (as render.view.build_view picks
    them: reviewed to publish_from, not withdrawn, disclosed to the public). Reads only what an
    item's check summary holds."""
    chain = chain_of(catalogue.catalog.data)
    out = set()
    for sf in catalogue.items:
        data = sf.data if sf.ok and isinstance(sf.data, dict) else None
        if data is None or data.get("status") in WITHDRAWN or not chain.published(data.get("status") or DRAFT):
            continue
        disclosure = data.get("disclosure") if isinstance(data.get("disclosure"), dict) else {}
        if disclosure.get("scope") in PUBLIC_SCOPES and isinstance(data.get("id"), str):
            out.add(data["id"])
    return out


def held(catalogue, findings: list[Finding], shown: set[str]) -> list[Held]:
    """Each reason an item in ``shown`` may not be published, in file order."""
    blocking = sorted((f for f in findings if f.rule in BLOCKING), key=Finding.sort_key)
    if not blocking:
        return []
    kinds: dict[str, tuple[str, object]] = {}
    wanted = {_key(f.abs_path) for f in blocking}  # resolving every file's path was 0.5 s at 10,000 items
    for sf in [catalogue.catalog, catalogue.laws, *catalogue.items, *catalogue.flows]:
        if sf is not None and (key := _key(sf.path)) in wanted:
            kinds[key] = (sf.kind, sf.data.get("id") if sf.ok and isinstance(sf.data, dict) else None)
    users: dict[object, list[str]] = {}
    for sf in catalogue.items:
        if sf.ok and isinstance(sf.data, dict) and sf.data.get("id") in shown:
            users.setdefault(sf.data.get("flow"), []).append(sf.data["id"])
    out = []
    for f in blocking:
        kind, ident = kinds.get(_key(f.abs_path), (None, None))
        if kind == "item" and ident in shown:
            out.append(Held(str(ident), f))
        elif kind == "flow":
            out += [Held(i, f) for i in sorted(users.get(ident, []))]
        elif kind in ("catalog", "laws") and shown:
            out.append(Held("", f))
    return out


def _key(path) -> str:
    return str(Path(path).resolve()) if path else ""


def refusal(found: list[Held], lang: str, what_zh: str = "公开版", what_en: str = "the public edition") -> str:
    """The message a public build or a release prints before it stops: every reason, one a line."""
    items = sorted({h.item for h in found if h.item})
    shown = found[:50]
    more = len(found) - len(shown)
    if lang == "en":
        head = (
            f"{what_en} may not publish {len(items)} item(s) yet"
            + (" (and catalogue-wide text)" if any(not h.item for h in found) else "")
            + ": nothing was written."
        )
        tail = (
            "Fill in the placeholders; an item changed after its sign-off is reviewed again from the first stage "
            "(quanli review ID --stage ...). An internal build (--audience internal) shows and marks them."
        )
        return "\n".join([head, *(h.line(lang) for h in shown), *([f"  … and {more} more"] if more else []), tail])
    head = (
        f"{what_zh}不能发布 {len(items)} 个事项"
        + ("（以及目录中每个事项都会印出的内容）" if any(not h.item for h in found) else "")
        + "，没有写入任何文件："
    )
    tail = (
        "请把占位文字换成实际内容；签署后有改动的事项，请从第一个审核环节重新审核（quanli review 事项编号 --stage …）。"
        "需要核对时可生成内部版（--audience internal），其中会列出并标出这些事项。"
    )
    return "\n".join([head, *(h.line(lang) for h in shown), *([f"  ……另有 {more} 处"] if more else []), tail])


def notice(found: list[Held], lang: str) -> str:
    """What an internal build says of the same items: they are in it, marked, and not yet publishable."""
    items = sorted({h.item for h in found if h.item})
    shown = "、".join(items[:10]) + (f" 等 {len(items)} 个" if len(items) > 10 else "")
    if lang == "en":
        return f"note: {len(items)} item(s) could not be published yet (placeholders or changes after sign-off): {', '.join(items[:10])}; marked in this internal edition."
    return f"注意：{len(items)} 个事项还不能公开发布（有占位文字或签署后有改动）：{shown}；内部版中已标出。"


def marks(found: list[Held]) -> dict[str, str]:
    """item id -> the mark an internal edition prints on it (为什么还不能公开)."""
    out: dict[str, list[str]] = {}
    for h in found:
        if h.item:
            reasons = out.setdefault(h.item, [])
            if BLOCKING[h.finding.rule][0] not in reasons:
                reasons.append(BLOCKING[h.finding.rule][0])
    return {k: "待完善：" + "；".join(v) for k, v in sorted(out.items())}


def held_in(root: Path) -> list[Held]:
    """``held`` for the catalogue in folder ``root``, checked as validate checks it (its settings,
    its suppressions, the check cache)."""
    from quanli.check.run import check_snapshot
    from quanli.core import config
    from quanli.loader.catalogue import read_catalogue

    cfg = config.resolve(root, None)
    snap = read_catalogue(root)
    checked = check_snapshot(snap, True, None, cfg.catalog, keep=True)
    catalogue = checked.catalogue
    if catalogue is None:  # the whole result came from the cache: the files, summaries enough
        from quanli.loader.catalogue import parse_snapshot

        catalogue = parse_snapshot(snap, use_cache=True)
    return held(catalogue, config.apply(checked.findings, cfg, [], []), published_ids(catalogue))
