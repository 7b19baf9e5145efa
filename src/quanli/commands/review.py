"""``quanli review`` (record a sign-off) and ``quanli status`` (where every item stands)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.core.findings import Severity
from quanli.report.plain import table as plain_table
from quanli.review import stages
from quanli.review.standing import markdown_report, standing, text_report


@dataclass
class Loaded:
    root: Path
    catalogue: object
    chain: stages.Chain
    errors: dict[str, list]  # item file path -> its error findings
    placeholders: dict[str, list] = field(default_factory=dict)  # item id -> QL802 findings in it or in its flow


def _load(catalog: Path | None) -> Loaded:
    from quanli.check.run import check_snapshot
    from quanli.core import config
    from quanli.loader.catalogue import catalogue_root, parse_snapshot, read_catalogue

    root = catalogue_root((catalog or Path.cwd()).resolve())
    cfg = config.resolve(root, None)
    snap = read_catalogue(root)
    checked = check_snapshot(snap, True, None, cfg.catalog)
    from quanli.review import publishing

    errors: dict[str, list] = {}
    applied = config.apply(checked.findings, cfg, [], [])
    for f in applied:
        if f.severity >= Severity.ERROR and f.abs_path:
            errors.setdefault(f.abs_path, []).append(f)
    catalogue = parse_snapshot(snap, use_cache=True)
    catalogue.overrides = cfg.catalog
    ids = {sf.data["id"] for sf in catalogue.items if sf.ok and isinstance(sf.data.get("id"), str)}
    placeholders: dict[str, list] = {}
    for h in publishing.held(catalogue, [f for f in applied if f.rule == "QL802"], ids):
        if h.item:  # the item's own text or its flowchart's; catalog.yaml's is not the item's to sign
            placeholders.setdefault(h.item, []).append(h.finding)
    return Loaded(root, catalogue, stages.chain_of(catalogue.catalog.data), errors, placeholders)


def _date(text: str | None) -> str:
    from quanli.dates import clock

    return clock.given_or_today(text).isoformat()


def _pick(loaded: Loaded, idents: list[str], every: bool, department: str | None) -> list:
    items = {sf.data["id"]: sf for sf in loaded.catalogue.items if sf.ok and isinstance(sf.data.get("id"), str)}
    by_path = {str(Path(sf.path).resolve()): sf for sf in loaded.catalogue.items}
    if every:
        chosen = [sf for sf in loaded.catalogue.items if sf.ok]
    else:
        chosen = []
        for ident in idents:
            sf = items.get(ident) or by_path.get(str(Path(ident).resolve()))
            if sf is None:
                raise QuanliError(
                    f"目录中没有事项“{ident}”（按事项编码或 items/ 中的文件指定）。",
                    f"no item '{ident}' in the catalogue.",
                )
            if not sf.ok:
                raise QuanliError(
                    f"{sf.rel} 无法读取，请先改正（quanli validate）。", f"{sf.rel} cannot be read; fix it first."
                )
            chosen.append(sf)
    if department:
        chosen = [sf for sf in chosen if sf.data.get("department") == department]
    return chosen


def refusal(
    sf,
    stage: str,
    chain: stages.Chain,
    errors: list,
    force: bool,
    placeholders: list = (),
    flow_changed: dict | None = None,
) -> tuple[str, str] | None:
    """Why ``stage`` may not be signed for this item now (zh, en), or None when it may: out of
    order, errors, or placeholder text in the item or its flowchart (unless forced with a reason)."""
    state = sf.data.get("status") or stages.DRAFT
    ident = sf.data.get("id", sf.stem)
    if state not in chain.order() and state not in stages.WITHDRAWN:
        return (
            f"{ident}：状态“{state}”不是本目录的审核环节（{'、'.join(chain.order())}），请先改正 status。",
            f"{ident}: status '{state}' is not a stage of this catalogue.",
        )
    changed = stages.changed_since_signoff(sf.data) or (flow_changed if isinstance(flow_changed, dict) else None)
    if changed:
        allowed: tuple = (chain.first, *stages.WITHDRAWN)
    elif state in stages.WITHDRAWN:
        allowed = stages.allowed_stages(state, chain)  # reinstated through the whole chain again
    else:  # the next stage only: a new round from the first stage is for an item that changed
        allowed = tuple(s for s in (chain.next(state),) if s) + stages.WITHDRAWN
    if stage not in allowed:
        if stage == state and not changed:
            return f"{ident} 已经是“{stage}”，不需要再签署。", f"{ident} is already at '{stage}'."
        if changed:
            return (
                f"{ident} 在{stages.describe(changed)}之后有改动，要从“{chain.first}”重新审核。",
                f"{ident} changed after its last sign-off: review it again from '{chain.first}'.",
            )
        nxt = chain.next(state)
        want = f"下一环节是“{nxt}”" if nxt else "已经完成全部环节"
        return (
            f"{ident} 处于“{state}”，不能签署“{stage}”：{want}，不能跳过。",
            f"{ident} is at '{state}': it cannot be signed off at '{stage}' ({'next: ' + nxt if nxt else 'all stages done'}).",
        )
    if errors and stage not in stages.WITHDRAWN and not force:
        shown = "；".join(f"{f.line}:{f.column} {f.rule} {f.message_zh}" for f in errors[:3])
        more = f"（另有 {len(errors) - 3} 个）" if len(errors) > 3 else ""
        return (
            f"{ident} 有 {len(errors)} 个错误，不能签署：{shown}{more}。请先改正；确需签署时加 --force 并用 --remark 说明理由。",
            f"{ident} has {len(errors)} error(s); fix them first, or use --force with --remark.",
        )
    if placeholders and stage not in stages.WITHDRAWN and not force:  # a signer vouches for what will be published
        shown = "；".join(f"{Path(f.file).name}:{f.line}:{f.column} {f.message_zh}" for f in placeholders[:3])
        more = f"（另有 {len(placeholders) - 3} 处）" if len(placeholders) > 3 else ""
        return (
            f"{ident} 还有 {len(placeholders)} 处未填写的占位文字（QL802），不能签署：{shown}{more}。请先填写实际内容；"
            f"确需签署时加 --force 并用 --remark 说明理由。",
            f"{ident} still has {len(placeholders)} placeholder(s) (QL802); fill them in first, or use --force with --remark.",
        )
    return None


def review(
    idents: list[str],
    stage: str,
    by: str,
    lang: str,
    role: str | None = None,
    remark: str | None = None,
    date: str | None = None,
    force: bool = False,
    catalog: Path | None = None,
    every: bool = False,
    department: str | None = None,
) -> int:
    """Record one sign-off on each item (all or none: an item that may not be signed stops them all).
    The catalogue is locked from reading the items to writing them (lock.EditLock): two sign-offs
    at once are made one after the other, and both are kept."""
    from quanli.core.lock import EditLock
    from quanli.loader.catalogue import catalogue_root

    root = catalogue_root((catalog or Path.cwd()).resolve())
    with EditLock(root, lang):
        return _review(idents, stage, by, lang, role, remark, date, force, root, every, department)


def _review(
    idents: list[str],
    stage: str,
    by: str,
    lang: str,
    role: str | None,
    remark: str | None,
    date: str | None,
    force: bool,
    catalog: Path,
    every: bool,
    department: str | None,
) -> int:
    from quanli.core.fsutil import write_atomic
    from quanli.loader.scaffold import modeline_for
    from quanli.loader.yamlfmt import Unsafe, update_text

    if not idents and not every:
        raise QuanliError(
            "请指定要签署的事项编码，或用 --all 签署全部可签署的事项。", "name the items to sign off, or use --all."
        )
    if idents and every:
        raise QuanliError("事项编码和 --all 只能用一个。", "give item ids or --all, not both.")
    by = (by or "").strip()
    if not by:
        raise QuanliError("请用 --by 写明签署人姓名。", "give the signer's name with --by.")
    remark = (remark or "").strip() or None
    if force and not remark:
        raise QuanliError("强制签署（--force）必须用 --remark 说明理由。", "--force needs a reason in --remark.")
    loaded = _load(catalog)
    chain = loaded.chain
    if stage not in chain.stages and stage not in stages.WITHDRAWN:
        raise QuanliError(
            f"“{stage}”不是本目录的审核环节。可用的环节：{'、'.join(chain.stages + stages.WITHDRAWN)}。",
            f"'{stage}' is not a stage of this catalogue: {', '.join(chain.stages + stages.WITHDRAWN)}.",
        )
    if stage in stages.WITHDRAWN and not remark:
        raise QuanliError(
            f"{stage}要用 --remark 写明原因（会写入变更说明）。", f"{stage} needs the reason in --remark."
        )
    day = _date(date)
    chosen = _pick(loaded, idents, every, department)
    flow_data = {f.data.get("id"): f.data for f in loaded.catalogue.flows if f.ok and isinstance(f.data, dict)}
    refused, todo = [], []
    for sf in chosen:
        why = refusal(
            sf,
            stage,
            chain,
            loaded.errors.get(sf.path, []),
            force,
            loaded.placeholders.get(sf.data.get("id"), []),
            stages.flow_changed_since_signoff(sf.data, flow_data.get(sf.data.get("flow"))),
        )
        last = stages.last_signoff(sf.data)
        if why is None and last is not None and str(last.get("date") or "") > day:
            why = (
                f"{sf.data.get('id')}：签署日期 {day} 早于上一次签署（{last.get('date')}）。",
                f"the date {day} is before the last sign-off.",
            )
        (refused if why else todo).append((sf, why))
    if every:  # --all signs what may be signed and says how many were passed over
        passed = len(refused)
        refused = []
    else:
        passed = 0

    def say(zh: str, en: str) -> None:
        print(en if lang == "en" else zh)

    if refused:
        for _, (zh, en) in refused:
            print(en if lang == "en" else zh, file=sys.stderr)
        print(
            f"没有签署任何事项（{len(refused)} 个事项不能签署）。"
            if lang != "en"
            else f"nothing signed ({len(refused)} item(s) refused).",
            file=sys.stderr,
        )
        return 1
    if not todo:
        say(
            f"没有可以签署“{stage}”的事项。" + (f"（{passed} 个事项不在可签署的环节。）" if passed else ""),
            f"no item can be signed off at '{stage}'.",
        )
        return 0
    written = []
    flows = {sf.data.get("id"): sf.data for sf in loaded.catalogue.flows if sf.ok and isinstance(sf.data, dict)}
    for sf, _ in todo:
        changes: dict = {"status": stage}
        data = dict(sf.data)
        if stage in stages.WITHDRAWN:
            if not str(sf.data.get("change_reason") or "").strip():
                changes["change_reason"] = remark
            dates = sf.data.get("dates") if isinstance(sf.data.get("dates"), dict) else {}
            if not dates.get("expires"):
                changes["dates.expires"] = day
                data["dates"] = {**dates, "expires": day}
            if "change_reason" in changes:
                data["change_reason"] = remark
        entry = {
            "stage": stage,
            "role": role or (chain.role(stage) if stage in chain.stages else ""),
            "name": by,
            "date": day,
        }
        if not entry["role"]:
            del entry["role"]
        if remark:
            entry["remark"] = remark
        if force and (loaded.errors.get(sf.path) or loaded.placeholders.get(sf.data.get("id"))):
            entry["forced"] = True
        entry["fingerprint"] = stages.fingerprint(data)
        flow = flows.get(data.get("flow"))
        if flow is not None:  # a change of the flowchart calls for a new review too (QL902)
            entry["flow_fingerprint"] = stages.fingerprint(flow)
        old = sf.data.get("signoffs") if isinstance(sf.data.get("signoffs"), list) else []
        changes["signoffs"] = [*old, entry]
        path = Path(sf.path)
        try:
            text = path.read_bytes().decode("utf-8-sig")
            new = update_text(text, changes, "item", modeline_for(loaded.root, path, "item"))
        except (UnicodeDecodeError, Unsafe) as exc:
            raise QuanliError(
                f"{sf.rel} 无法安全地改写（{exc}），没有签署。请先运行 quanli fmt。",
                f"{sf.rel} cannot be rewritten safely ({exc}); run quanli fmt first.",
            ) from None
        written.append((path, new, sf))
    for path, new, _ in written:
        write_atomic(path, new, overwrite=True)
    who = " ".join(p for p in (role or (chain.role(stage) if stage in chain.stages else ""), by) if p)
    ids = "、".join(str(sf.data.get("id")) for _, _, sf in written[:10]) + (" 等" if len(written) > 10 else "")
    say(
        f"已签署“{stage}”（{who}，{day}）：{len(written)} 个事项（{ids}）。"
        + (f"另有 {passed} 个事项不在可签署的环节，未签署。" if passed else ""),
        f"signed off {len(written)} item(s) at '{stage}' ({who}, {day})."
        + (f" {passed} item(s) passed over." if passed else ""),
    )
    return 0


# ---- quanli status ---------------------------------------------------------------------------


def status(catalog: Path | None, lang: str, fmt: str = "text", use_git: bool = True) -> int:
    from quanli.loader import workspace

    place = catalog or Path.cwd()
    found = workspace.find(place) if place.exists() else None
    if found is not None:
        return _workspace_status(workspace.load(found), lang, fmt, use_git)
    loaded = _load(catalog)
    st = standing(loaded.root, loaded.catalogue, loaded.chain, use_git)
    if fmt == "json":
        sys.stdout.write(json.dumps(st.as_json(), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(markdown_report(st, lang))
    else:
        sys.stdout.write(text_report(st, lang))
    return 0


def _workspace_status(ws, lang: str, fmt: str, use_git: bool) -> int:
    """Every member's review progress, and one table of them all (a row per unit)."""
    rows = []
    for m in ws.members:
        loaded = _load(m.root)
        rows.append(
            (m, m.label(loaded.catalogue.catalog.data), standing(loaded.root, loaded.catalogue, loaded.chain, use_git))
        )
    if fmt == "json":
        data = {
            "workspace": ws.title(),
            "members": [{"path": m.key, "region": m.region, "level": m.level, **st.as_json()} for m, _, st in rows],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    stages_seen: list[str] = []
    for _, _, st in rows:
        stages_seen += [s for s in st.counts if (st.counts[s] or s in st.chain.order()) and s not in stages_seen]
    rank = {s: n for n, s in enumerate(stages.STATUSES)}
    stages_seen.sort(key=lambda s: rank.get(s, len(rank)))
    en = lang == "en"
    again, out_of = ("review again", "not public") if en else ("需重新审核", "不列入公开版")
    body = [
        [label] + [str(st.counts.get(s, 0)) for s in stages_seen] + [str(len(st.rereview)), str(st.unpublished)]
        for _, label, st in rows
    ]
    totals = [sum(int(r[k]) for r in body) for k in range(1, len(stages_seen) + 3)]
    if fmt == "markdown":
        from quanli.report.markdown import cell

        out = [
            f"## {cell(ws.title())}：审核进度" if not en else f"## {cell(ws.title())}: review progress",
            "",
            "| " + ("unit" if en else "单位") + " | " + " | ".join(stages_seen + [again, out_of]) + " |",
            "|---|" + "---:|" * (len(stages_seen) + 2),
        ]
        out += ["| " + " | ".join([cell(r[0])] + r[1:]) + " |" for r in body]
        out.append("| **" + ("total" if en else "合计") + "** | " + " | ".join(f"**{t}**" for t in totals) + " |")
        sys.stdout.write("\n".join(out) + "\n\n" + "\n".join(markdown_report(st, lang) for _, _, st in rows))
        return 0
    head = f"{ws.title()}: {len(rows)} catalogue(s)" if en else f"{ws.title()}：{len(rows)} 个目录"
    out = [head, ""] + plain_table(
        ["unit" if en else "单位"] + stages_seen + [again, out_of],
        body + [["total" if en else "合计"] + [str(t) for t in totals]],
    )
    sys.stdout.write(
        "\n".join(out) + "\n" + "".join("\n" + "─" * 40 + "\n" + text_report(st, lang) for _, _, st in rows)
    )
    return 0
