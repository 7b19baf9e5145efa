"""QL401-QL405: a flowchart must be a sound graph: one start, every step reachable, every path ends."""

from __future__ import annotations

from quanli.check.registry import catalogue_rule
from quanli.core.model import RETURN_WORDS


def edges(step: dict) -> list[tuple[int, str]]:
    """(index in next, target id) for each exit of a step."""
    out = []
    nxt = step.get("next")
    if isinstance(nxt, str):  # a single id written without brackets (QL110 says so): follow it anyway
        nxt = [nxt]
    for i, entry in enumerate(nxt if isinstance(nxt, list) else []):
        target = entry.get("to") if isinstance(entry, dict) else entry
        if isinstance(target, str):
            out.append((i, target))
    return out


def _steps(sf) -> list[tuple[int, dict]]:
    steps = sf.data.get("steps")
    return [
        (i, s)
        for i, s in enumerate(steps if isinstance(steps, list) else [])
        if isinstance(s, dict) and isinstance(s.get("id"), str)
    ]


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
def duplicate_step(ctx):
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
def unknown_step(ctx):
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


class FlowGraph:
    """A flow's steps as a graph: ids, exits, the start, and which exits are loops back."""

    def __init__(self, sf) -> None:
        self.sf = sf
        self.steps = _steps(sf)
        self.by_id = {s["id"]: s for _, s in self.steps}
        self.index = {s["id"]: i for i, s in self.steps}
        self.succ = {s["id"]: [t for _, t in edges(s) if t in self.by_id] for _, s in self.steps}
        indeg = {sid: 0 for sid in self.succ}
        for targets in self.succ.values():
            for t in targets:
                indeg[t] += 1
        starts = start_steps(self.steps, indeg)
        self.start = starts[0][1]["id"] if len(starts) == 1 else None
        self.marked = {
            (s["id"], t)
            for _, s in self.steps
            for entry, t in _exits_with_entries(s)
            if t in self.by_id and _is_return(s, entry)
        }
        self.unmarked_loops = self._back_edges(self.marked)
        self.back_edges = self.marked | self.unmarked_loops

    def _back_edges(self, skip: set) -> set[tuple[str, str]]:
        """Edges that close a cycle once ``skip`` edges are left out (iterative depth-first search)."""
        back: set[tuple[str, str]] = set()
        if self.start is None:
            return back
        succ = {sid: [t for t in targets if (sid, t) not in skip] for sid, targets in self.succ.items()}
        state = {self.start: 1}  # 1 on the stack, 2 done
        stack = [(self.start, iter(succ[self.start]))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(succ[nxt])))
        return back

    def ends(self) -> list[str]:
        return [sid for sid, targets in self.succ.items() if not targets]


def _exits_with_entries(step: dict) -> list[tuple[object, str]]:
    nxt = step.get("next")
    if isinstance(nxt, str):
        nxt = [nxt]
    out = []
    for entry in nxt if isinstance(nxt, list) else []:
        target = entry.get("to") if isinstance(entry, dict) else entry
        if isinstance(target, str):
            out.append((entry, target))
    return out


def _is_return(step: dict, entry) -> bool:
    """An exit marked as a return (return: true), or labelled or named as one (补正, 退回 …)."""
    if isinstance(entry, dict) and entry.get("return") is True:
        return True
    said = (str(entry.get("label", "")) if isinstance(entry, dict) else "") + str(step.get("name", ""))
    return any(w in said for w in RETURN_WORDS)


def flow_graph(sf, ctx=None) -> FlowGraph:
    """The graph of a flow file, shared through the check context when there is one."""
    if ctx is not None and isinstance(sf.data.get("id"), str) and sf.data["id"] in ctx.flow_graphs:
        graph = ctx.flow_graphs[sf.data["id"]]
        if graph.sf is sf:
            return graph
    return FlowGraph(sf)


def longest_path(graph: FlowGraph) -> tuple[float, list[str]]:
    """The slowest way from the start to an end, in working days, ignoring loops back and special steps."""
    from quanli.core.model import time_limit

    if graph.start is None:
        return 0.0, []
    cost = {}
    for sid, step in graph.by_id.items():
        limit = time_limit(step.get("time_limit"))
        cost[sid] = 0.0 if (step.get("special") is True or limit is None) else limit.working_days()
    forward = {sid: [t for t in targets if (sid, t) not in graph.back_edges] for sid, targets in graph.succ.items()}
    reachable = _reach([graph.start], forward)
    indeg = {sid: 0 for sid in reachable}
    for sid in reachable:
        for t in forward[sid]:
            indeg[t] += 1
    order, ready = [], [sid for sid in reachable if indeg[sid] == 0]
    while ready:  # Kahn's algorithm: a topological order of the loop-free part
        node = ready.pop()
        order.append(node)
        for t in forward[node]:
            indeg[t] -= 1
            if indeg[t] == 0:
                ready.append(t)
    best: dict[str, tuple[float, list[str]]] = {}
    for node in reversed(order):  # successors before predecessors
        tails = [best[n] for n in forward[node] if n in best]
        tail = max(tails, key=lambda t: t[0]) if tails else (0.0, [])
        best[node] = (cost[node] + tail[0], [graph.by_id[node].get("name", node)] + tail[1])
    return best.get(graph.start, (0.0, []))


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
def flow_start(ctx):
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
def no_end(ctx):
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


def _exit_entries(step: dict) -> list[tuple[int, object]]:
    nxt = step.get("next")
    return list(enumerate(nxt)) if isinstance(nxt, list) else []


def _is_terminal(step: dict, graph: FlowGraph) -> bool:
    return step.get("type") in ("start", "end") or step["id"] == graph.start or not graph.succ.get(step["id"])


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
def unmarked_loop(ctx):
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
def decision_exits(ctx):
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


@catalogue_rule(
    "QL408",
    "step-without-post",
    "warning",
    "步骤没有承办岗位",
    "step without a post (承办岗位)",
    "流程图的每个办理步骤都要注明承办岗位（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2、金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号：流程图注明承办岗位、办理时限、监督制约环节），开始和结束的端点除外。",
    "- id: review\n  name: 审查\n  post: 审批科科员",
    "- id: review\n  name: 审查",
)
def step_without_post(ctx):
    for sf in ctx.flows():
        graph = flow_graph(sf, ctx)
        for i, step in graph.steps:
            if not _is_terminal(step, graph) and not str(step.get("post") or "").strip():
                ctx.report(
                    "QL408",
                    sf,
                    ("steps", i, "id"),
                    f"步骤“{step.get('name', step['id'])}”没有写承办岗位（post）。",
                    f"step '{step['id']}' has no post.",
                )


@catalogue_rule(
    "QL409",
    "flow-without-supervision",
    "warning",
    "流程图没有监督制约环节",
    "flow without a supervision point",
    "“监督制约环节”是流程图必须标明的内容（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2、金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号），至少要有一个步骤写明监督制约措施（例如负责人审批、法制审核、集体讨论）。",
    "supervision: 法制审核",
    "（所有步骤都没有 supervision）",
)
def flow_without_supervision(ctx):
    for sf in ctx.flows():
        graph = flow_graph(sf, ctx)
        if graph.steps and not any(str(s.get("supervision") or "").strip() for _, s in graph.steps):
            ctx.report(
                "QL409",
                sf,
                ("steps",),
                "流程图中没有任何步骤写明监督制约（supervision）。",
                "no step of the flow has a supervision point.",
                key=True,
            )


@catalogue_rule(
    "QL410",
    "flow-without-complaint",
    "warning",
    "流程图没有投诉举报途径",
    "flow without a complaint channel",
    "一图须标明投诉举报途径和方式（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2、金坛市环境保护局《全面推进行政职权公开运行工作的实施方案》坛环法〔2008〕第1号），画在流程图底部；请在流程图的 complaint 中写明电话或地址。",
    "complaint:\n  phone: 0519-82101099",
    "（没有 complaint）",
)
def flow_without_complaint(ctx):
    for sf in ctx.flows():
        complaint = sf.data.get("complaint")
        if not (isinstance(complaint, dict) and any(str(v).strip() for v in complaint.values())):
            ctx.report(
                "QL410",
                sf,
                ("complaint",) if "complaint" in sf.data else ("name",),
                "流程图没有写投诉举报途径（complaint）。",
                "the flow has no complaint channel.",
                key=True,
            )


@catalogue_rule(
    "QL411",
    "decision-without-disclosure",
    "warning",
    "许可、处罚流程没有结果公开的说明",
    "licence/penalty flow without a disclosure note",
    "行政许可、行政处罚决定应在作出之日起 7 个工作日内公开（《鹤壁市人民政府办公室关于进一步做好全市政务公开工作的通知》鹤政办〔2019〕20号 二.(七)），流程图要在重要环节标明公开的范围、形式和时限（《银川市人民政府办公厅深化政务公开工作实施方案》银政办内发〔2008〕48号 四.(二).2）。"
    "许可、处罚事项所用的流程图中，作出决定的步骤（名称含“决定”）或其后的步骤要写明 disclosure。",
    "- id: decide\n  disclosure: {scope: 社会, forms: [门户网站], timing: 7 个工作日内}",
    "（流程中没有任何 disclosure）",
)
def decision_without_disclosure(ctx):
    for flow_id, items in sorted(ctx.items_by_flow.items()):
        sf = ctx.flows_by_id.get(flow_id)
        if sf is None or not any(i.data.get("category") in ("行政许可", "行政处罚") for i in items):
            continue
        graph = flow_graph(sf, ctx)
        deciding = [sid for sid, step in graph.by_id.items() if "决定" in str(step.get("name", ""))]
        if deciding:  # the decision, or a step after it (送达, 公开), must say how the result is published
            forward = {sid: [t for t in ts if (sid, t) not in graph.back_edges] for sid, ts in graph.succ.items()}
            candidates = _reach(deciding, forward)
        else:
            candidates = set(graph.by_id)
        if not any(
            isinstance(graph.by_id[sid].get("disclosure"), dict) and graph.by_id[sid]["disclosure"]
            for sid in candidates
        ):
            where = "作出决定的步骤及其后续步骤" if deciding else "任何步骤"
            ctx.report(
                "QL411",
                sf,
                ("steps", graph.index[deciding[0]], "id") if deciding else ("steps",),
                f"行政许可或行政处罚事项使用这张流程图，但{where}都没有写明结果公开（disclosure：范围、形式、时限，例如决定作出之日起 7 个工作日内公开）。",
                "licence/penalty items use this flow but the decision step and the steps after it carry no disclosure note.",
                key=not deciding,
            )


@catalogue_rule(
    "QL412",
    "step-type-mismatch",
    "warning",
    "步骤的图形与它在流程中的位置不符",
    "step type does not fit its place",
    "GB/T 1526：端点表示开始和结束，结束步骤没有下一步；写成 end 却还有下一步、写成 start 却不是开始，会画出误导读者的图。",
    "- id: close\n  type: end",
    "- id: close\n  type: end\n  next: [archive]",
)
def step_type_mismatch(ctx):
    for sf in ctx.flows():
        graph = flow_graph(sf, ctx)
        for i, step in graph.steps:
            kind = step.get("type")
            if kind == "end" and graph.succ.get(step["id"]):
                ctx.report(
                    "QL412",
                    sf,
                    ("steps", i, "type"),
                    f"步骤“{step['id']}”标为结束（end），却还有下一步。",
                    f"step '{step['id']}' is an end but has next steps.",
                )
