"""QL401-QL405: a flowchart must be a sound graph: one start, every step reachable, every path ends."""

from __future__ import annotations

from quanli.check.registry import catalogue_rule


def edges(step: dict) -> list[tuple[int, str]]:
    """(index in next, target id) for each exit of a step."""
    out = []
    nxt = step.get("next")
    for i, entry in enumerate(nxt if isinstance(nxt, list) else []):
        target = entry.get("to") if isinstance(entry, dict) else entry
        if isinstance(target, str):
            out.append((i, target))
    return out


def _steps(sf) -> list[tuple[int, dict]]:
    steps = sf.data.get("steps")
    return [(i, s) for i, s in enumerate(steps if isinstance(steps, list) else [])
            if isinstance(s, dict) and isinstance(s.get("id"), str)]


@catalogue_rule("QL405", "duplicate-step", "error", "流程图中步骤编号重复", "duplicate step id",
                "步骤之间用编号连接（next），编号重复时无法确定箭头指向哪一步。",
                "steps:\n  - id: apply\n  - id: accept", "steps:\n  - id: apply\n  - id: apply")
def duplicate_step(ctx):
    for sf in ctx.flows():
        seen = set()
        for i, step in _steps(sf):
            if step["id"] in seen:
                ctx.report("QL405", sf, ("steps", i, "id"), f"步骤编号“{step['id']}”重复。", f"step id '{step['id']}' is used twice.")
            seen.add(step["id"])


@catalogue_rule("QL402", "unknown-step", "error", "下一步指向不存在的步骤", "next points to an unknown step",
                "next 中的每个编号都必须是本流程图中的步骤，否则流程图上会出现指向空白的箭头。",
                "next: [accept]   # 有 id: accept 的步骤", "next: [acept]")
def unknown_step(ctx):
    for sf in ctx.flows():
        ids = {s["id"] for _, s in _steps(sf)}
        for i, step in _steps(sf):
            for j, target in edges(step):
                if target not in ids:
                    ctx.report("QL402", sf, ("steps", i, "next", j),
                               f"步骤“{step['id']}”的下一步“{target}”不存在。", f"step '{step['id']}' points to unknown step '{target}'.")


def _graph(sf):
    steps = _steps(sf)
    ids = {s["id"] for _, s in steps}
    succ = {s["id"]: [t for _, t in edges(s) if t in ids] for _, s in steps}
    indeg = {sid: 0 for sid in succ}
    for targets in succ.values():
        for t in targets:
            indeg[t] += 1
    return steps, succ, indeg


def start_steps(steps, indeg) -> list[tuple[int, dict]]:
    """Steps typed ``start``, or else the steps nothing points to."""
    declared = [(i, s) for i, s in steps if s.get("type") == "start"]
    return declared or [(i, s) for i, s in steps if indeg[s["id"]] == 0]


def _reach(start: list[str], succ: dict[str, list[str]]) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        for nxt in succ.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@catalogue_rule("QL401", "flow-start", "error", "流程图没有唯一的开始步骤", "flow has no single start",
                "运行流程图从一个开始步骤（端点，例如“申请”或“立案”）出发。标为 type: start 的步骤是开始；没有标注时，"
                "没有任何箭头指向的步骤就是开始。有两个开始，说明有一个步骤漏连了。",
                "apply → accept → decide", "apply → decide，另有孤立的 review")
def flow_start(ctx):
    for sf in ctx.flows():
        steps, succ, indeg = _graph(sf)
        if not steps:
            continue
        starts = start_steps(steps, indeg)
        if not starts:
            ctx.report("QL401", sf, ("steps",), "没有开始步骤：每个步骤都有箭头指向它。请给开始步骤写上 type: start。",
                       "no start step: every step has an incoming arrow; mark the start with type: start.", key=True)
        elif len(starts) > 1:
            names = "、".join(f"“{s['id']}”" for _, s in starts)
            for i, s in starts[1:]:
                ctx.report("QL401", sf, ("steps", i, "id"),
                           f"有多个开始步骤（{names}），流程图只能有一个开始。请把“{s['id']}”连到流程中，或去掉多余的 type: start。",
                           f"several start steps ({', '.join(x['id'] for _, x in starts)}); a flow has one start. Connect '{s['id']}'.")


@catalogue_rule("QL403", "unreachable-step", "error", "有从开始步骤走不到的步骤", "step not reachable from the start",
                "流程图上的每一步都应当能从开始步骤走到，否则它是悬空的，读者不知道何时执行它。",
                "apply → accept → decide", "apply → decide；accept ⇄ review（与开始不连通）")
def unreachable_step(ctx):
    for sf in ctx.flows():
        steps, succ, indeg = _graph(sf)
        if not steps:
            continue
        starts = [s["id"] for _, s in start_steps(steps, indeg)]
        if len(starts) != 1:
            continue  # QL401 already says what is wrong; avoid a cascade
        reached = _reach(starts, succ)
        for i, s in steps:
            if s["id"] not in reached:
                ctx.report("QL403", sf, ("steps", i, "id"), f"从开始步骤“{starts[0]}”走不到步骤“{s['id']}”。",
                           f"step '{s['id']}' cannot be reached from the start '{starts[0]}'.")


@catalogue_rule("QL404", "no-end", "error", "有走不到结束的路径", "a path never reaches an end",
                "每条路径最终都要走到一个结束步骤（没有下一步的端点，例如“送达”“归档”）。陷入循环、永远结束不了的路径说明流程图画错了。",
                "apply → accept → (补正 → apply) → decide（结束）", "accept → review → accept（无法结束）")
def no_end(ctx):
    for sf in ctx.flows():
        steps, succ, indeg = _graph(sf)
        if not steps:
            continue
        ends = [sid for sid, targets in succ.items() if not targets]
        if not ends:
            ctx.report("QL404", sf, ("steps",), "流程图没有结束步骤（没有下一步的步骤）。", "the flow has no end step (a step without next).", key=True)
            continue
        pred: dict[str, list[str]] = {sid: [] for sid in succ}
        for sid, targets in succ.items():
            for t in targets:
                pred[t].append(sid)
        can_end = _reach(ends, pred)
        for i, s in steps:
            if s["id"] not in can_end:
                ctx.report("QL404", sf, ("steps", i, "id"), f"从步骤“{s['id']}”出发走不到任何结束步骤（陷入循环）。",
                           f"no end can be reached from step '{s['id']}' (it loops forever).")
