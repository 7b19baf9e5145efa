"""A flowchart as a graph: its steps, their exits, the start, the loops back and the slowest path.
The QL4xx rules (rules/flows.py, rules/flowsteps.py) and the check context share it."""

from __future__ import annotations

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


def _exit_entries(step: dict) -> list[tuple[int, object]]:
    nxt = step.get("next")
    return list(enumerate(nxt)) if isinstance(nxt, list) else []


def _is_terminal(step: dict, graph: FlowGraph) -> bool:
    return step.get("type") in ("start", "end") or step["id"] == graph.start or not graph.succ.get(step["id"])
