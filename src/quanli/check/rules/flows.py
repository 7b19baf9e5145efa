"""QL401-QL407: a flowchart must be a sound graph: one start, every step reachable, every path ends,
loops back marked, decisions with two ways out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quanli.check.flowgraph import (
    _exit_entries,
    _exits_with_entries,
    _graph,
    _reach,
    _steps,
    edges,
    flow_graph,
    start_steps,
)
from quanli.check.registry import catalogue_rule

if TYPE_CHECKING:
    from quanli.check.context import Context


@catalogue_rule(
    "QL405",
    "duplicate-step",
    "error",
    "流程图中步骤编号重复",
    "duplicate step id",
    "步骤之间用编号连接（next），编号重复时无法确定箭头指向哪一步。",
    "steps:\n  - id: apply\n  - id: accept",
    "steps:\n  - id: apply\n  - id: apply",
)
def duplicate_step(ctx: Context) -> None:
    for sf in ctx.flows():
        seen = set()
        for i, step in _steps(sf):
            if step["id"] in seen:
                ctx.report(
                    "QL405",
                    sf,
                    ("steps", i, "id"),
                    f"步骤编号“{step['id']}”重复。",
                    f"step id '{step['id']}' is used twice.",
                )
            seen.add(step["id"])


@catalogue_rule(
    "QL402",
    "unknown-step",
    "error",
    "下一步指向不存在的步骤",
    "next points to an unknown step",
    "next 中的每个编号都必须是本流程图中的步骤，否则流程图上会出现指向空白的箭头。",
    "next: [accept]   # 有 id: accept 的步骤",
    "next: [acept]",
)
def unknown_step(ctx: Context) -> None:
    for sf in ctx.flows():
        ids = {s["id"] for _, s in _steps(sf)}
        for i, step in _steps(sf):
            for j, target in edges(step):
                if target not in ids:
                    ctx.report(
                        "QL402",
                        sf,
                        ("steps", i, "next", j),
                        f"步骤“{step['id']}”的下一步“{target}”不存在。",
                        f"step '{step['id']}' points to unknown step '{target}'.",
                    )


@catalogue_rule(
    "QL401",
    "flow-start",
    "error",
    "流程图没有唯一的开始步骤",
    "flow has no single start",
    "运行流程图从一个开始步骤（端点，例如“申请”或“立案”）出发。标为 type: start 的步骤是开始；没有标注时，"
    "没有任何箭头指向的步骤就是开始。有两个开始，说明有一个步骤漏连了。",
    "apply → accept → decide",
    "apply → decide，另有孤立的 review",
)
def flow_start(ctx: Context) -> None:
    for sf in ctx.flows():
        steps, succ, indeg = _graph(sf)
        if not steps:
            continue
        starts = start_steps(steps, indeg)
        if not starts:
            ctx.report(
                "QL401",
                sf,
                ("steps",),
                "没有开始步骤：每个步骤都有箭头指向它。请给开始步骤写上 type: start。",
                "no start step: every step has an incoming arrow; mark the start with type: start.",
                key=True,
            )
        elif len(starts) > 1:
            names = "、".join(f"“{s['id']}”" for _, s in starts)
            for i, s in starts[1:]:
                ctx.report(
                    "QL401",
                    sf,
                    ("steps", i, "id"),
                    f"有多个开始步骤（{names}），流程图只能有一个开始。请把“{s['id']}”连到流程中，或去掉多余的 type: start。",
                    f"several start steps ({', '.join(x['id'] for _, x in starts)}); a flow has one start. Connect '{s['id']}'.",
                )


@catalogue_rule(
    "QL403",
    "unreachable-step",
    "error",
    "有从开始步骤走不到的步骤",
    "step not reachable from the start",
    "流程图上的每一步都应当能从开始步骤走到，否则它是悬空的，读者不知道何时执行它。",
    "apply → accept → decide",
    "apply → decide；accept ⇄ review（与开始不连通）",
)
def unreachable_step(ctx: Context) -> None:
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
                ctx.report(
                    "QL403",
                    sf,
                    ("steps", i, "id"),
                    f"从开始步骤“{starts[0]}”走不到步骤“{s['id']}”。",
                    f"step '{s['id']}' cannot be reached from the start '{starts[0]}'.",
                )


@catalogue_rule(
    "QL404",
    "no-end",
    "error",
    "有走不到结束的路径",
    "a path never reaches an end",
    "每条路径最终都要走到一个结束步骤（没有下一步的端点，例如“送达”“归档”）。陷入循环、永远结束不了的路径说明流程图画错了。",
    "apply → accept → (补正 → apply) → decide（结束）",
    "accept → review → accept（无法结束）",
)
def no_end(ctx: Context) -> None:
    for sf in ctx.flows():
        steps, succ, indeg = _graph(sf)
        if not steps:
            continue
        ends = [sid for sid, targets in succ.items() if not targets]
        if not ends:
            ctx.report(
                "QL404",
                sf,
                ("steps",),
                "流程图没有结束步骤（没有下一步的步骤）。",
                "the flow has no end step (a step without next).",
                key=True,
            )
            continue
        pred: dict[str, list[str]] = {sid: [] for sid in succ}
        for sid, targets in succ.items():
            for t in targets:
                pred[t].append(sid)
        can_end = _reach(ends, pred)
        for i, s in steps:
            if s["id"] not in can_end:
                ctx.report(
                    "QL404",
                    sf,
                    ("steps", i, "id"),
                    f"从步骤“{s['id']}”出发走不到任何结束步骤（陷入循环）。",
                    f"no end can be reached from step '{s['id']}' (it loops forever).",
                )


@catalogue_rule(
    "QL406",
    "unmarked-loop",
    "error",
    "流程中有未标明为回退的循环",
    "a loop not marked as a return",
    "流程应当一路向前；只有补正、退回重办这类回退可以回到前面的步骤（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2：规范程序、简明清晰）。"
    "回退的出口要写成 {to: 步骤, label: 补正, return: true}，或在出口标签、步骤名称中写明补正、退回、修改。",
    "next:\n  - {to: apply, label: 补正, return: true}",
    "next: [apply]   # 回到开始，却没有标明为回退",
)
def unmarked_loop(ctx: Context) -> None:
    for sf in ctx.flows():
        graph = flow_graph(sf, ctx)
        for src, dst in sorted(graph.unmarked_loops):
            step = graph.by_id[src]
            j = next((k for k, (_, t) in enumerate(_exits_with_entries(step)) if t == dst), 0)
            ctx.report(
                "QL406",
                sf,
                ("steps", graph.index[src], "next", j),
                f"从“{step.get('name', src)}”回到“{graph.by_id[dst].get('name', dst)}”形成了循环，但没有标明为回退。若是补正、退回，请写成 {{to: {dst}, label: 补正, return: true}}。",
                f"the exit from '{src}' back to '{dst}' closes a loop but is not marked as a return (return: true).",
            )


@catalogue_rule(
    "QL407",
    "decision-exits",
    "error",
    "判断步骤的出口不足两个或没有标签",
    "decision without two labelled exits",
    "判断（菱形）只有一个入口，出口至少两个并各自标明条件（GB/T 1526）；有多个出口的步骤应当画成判断，读者才知道何时走哪一条。",
    "type: decision\nnext:\n  - {to: grant, label: 准予}\n  - {to: refuse, label: 不予}",
    "type: decision\nnext: [grant]",
)
def decision_exits(ctx: Context) -> None:
    for sf in ctx.flows():
        graph = flow_graph(sf, ctx)
        for i, step in graph.steps:
            exits = _exit_entries(step)
            unlabelled = [e for _, e in exits if not (isinstance(e, dict) and str(e.get("label", "")).strip())]
            if step.get("type") == "decision" and (len(exits) < 2 or unlabelled):
                ctx.report(
                    "QL407",
                    sf,
                    ("steps", i, "next") if exits else ("steps", i, "id"),
                    f"判断步骤“{step.get('name', step['id'])}”需要至少两个出口，并给每个出口写上标签（label），例如“符合”“不符合”。",
                    f"decision '{step['id']}' needs at least two exits, each with a label.",
                )
            elif step.get("type") != "decision" and len(exits) >= 2 and unlabelled:
                ctx.report(
                    "QL407",
                    sf,
                    ("steps", i, "next"),
                    f"步骤“{step.get('name', step['id'])}”有 {len(exits)} 个出口却没有全部标明条件。请把它设为判断（type: decision），并给每个出口写上标签。",
                    f"step '{step['id']}' has {len(exits)} exits without labels; make it a decision with labelled exits.",
                )
