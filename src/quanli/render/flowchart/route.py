"""The grid: ``_Router`` puts the main line in column 0 and every other step in a grid column left
or right of it, chosen greedily so that the channel from its first predecessor is free of boxes,
then routes each line with right angles through free cells (``_Grid`` records what each cell
holds), or through the gutters between rows and columns when no free route exists; return loops
run in lanes outside the columns, nested so that they do not cross. Grid positions only: the
coordinates come from ``geometry._geometry``."""

from __future__ import annotations

from quanli.render.flowchart.graph import _E, _N
from quanli.render.flowchart.metrics import _MAX_COL


class _Grid:
    """Which grid cells (rank, column) hold a box or a line.

    Entries are (kind, src, dst, anchor). A cell may hold lines of several edges when
    they cannot overlap: vertical lines (all at the column centre) only merge into the
    same target; horizontal lines run at the port height of their anchor node, so two of
    them may share a cell only when anchored at the same node (its ports get distinct
    offsets). A horizontal may meet a vertical in strict mode only where the vertical
    turns at a port of the same node (the port order then keeps them apart) or merges
    into the same target; loose mode allows plain crossings.
    """

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[str, int, int, int]]] = {}
        self.left_rows: dict[int, bool] = {}  # rows whose left side is kept for a loop

    def ok(self, r: int, c: int, kind: str, src: int, dst: int, anchor: int, strict: bool, turns: bool = False) -> bool:
        if strict and c < 0 and kind != "loop" and r in self.left_rows:
            return False
        kind = "h" if kind == "loop" else kind
        for k, _s, d, a in self.cells.get((r, c), ()):
            if k == "box":
                return False
            if k == kind == "v" and d != dst:
                return False
            if k == kind == "h" and a != anchor:
                return False
            # a horizontal meets a vertical: fine where the vertical turns at a port of
            # the same node (the port order keeps them apart), else only when loose
            if strict and k != kind and (a < 0 or a != anchor) and not (turns and d == dst):
                return False  # (turning into a line to the same target is a merge)
        return True

    def take(self, cells: list[tuple[int, int, str, int]], src: int, dst: int, strict: bool) -> bool:
        kind_of = lambda k: "h" if k == "loop" else k  # noqa: E731
        bends = {(r, c) for r, c, k, _ in cells if k == "v"} & {(r, c) for r, c, k, _ in cells if k != "v"}
        if not all(self.ok(r, c, k, src, dst, a, strict, (r, c) in bends) for r, c, k, a in cells):
            return False
        for r, c, k, a in cells:
            self.cells.setdefault((r, c), []).append((kind_of(k), src, dst, a))
        return True

    def box(self, r: int, c: int, node: int) -> None:
        self.cells.setdefault((r, c), []).append(("box", node, node, node))

    def free(self, r: int, c: int) -> bool:
        """No box, no line, and not a row side kept for a loop: a new box may go here."""
        return not self.cells.get((r, c)) and not (c < 0 and r in self.left_rows)

    def cols(self) -> tuple[int, int]:
        cs = [c for (_, c) in self.cells] or [0]
        return min(cs), max(cs)


def _between(a: int, b: int) -> list[int]:
    """Columns strictly between a and b."""
    lo, hi = min(a, b), max(a, b)
    return list(range(lo + 1, hi))


class _Router:
    def __init__(self, nodes: list[_N], edges: list[_E], spine: list[int]) -> None:
        self.nodes, self.edges, self.spine = nodes, edges, spine
        self.on_spine = [False] * len(nodes)
        for v in spine:
            self.on_spine[v] = True
        self.grid = _Grid()
        self.placed = [False] * len(nodes)
        self.rg_tracks: dict[int, int] = {}  # row gutter below rank g -> tracks used
        self.cg_tracks: dict[int, int] = {}  # column gutter right of column g -> tracks used
        self.lanes: list[tuple[_E, str, int, int]] = []  # edge, side, lo rank, hi rank
        self.lane_of: dict[int, int] = {}

    # -- cells of the route shapes (r, c, kind, anchor)
    def _h(self, r: int, cols: list[int], anchor: int, kind: str = "h") -> list[tuple[int, int, str, int]]:
        return [(r, c, kind, anchor) for c in cols]

    def _v(self, c: int, r0: int, r1: int, top: int = -1, bottom: int = -1) -> list[tuple[int, int, str, int]]:
        """A vertical line in column c over rows r0..r1; top/bottom: node whose port it turns at."""
        out = []
        for r in range(r0, r1 + 1):
            anchor = top if (r == r0 and top >= 0) else (bottom if r == r1 else -1)
            out.append((r, c, "v", anchor))
        return out

    def _try(self, e: _E, strict: bool, column: int | None = None) -> bool:
        """Route a forward edge between placed nodes through grid cells (A, B, C or D)."""
        u, v = self.nodes[e.src], self.nodes[e.dst]
        ru, cu, rv, cv = u.rank, u.col, v.rank, v.col
        g, s, d = self.grid, e.src, e.dst
        if column is None:
            if cu == cv:  # A: straight down
                if g.take(self._v(cu, ru + 1, rv - 1), s, d, strict):
                    e.route, e.side_u, e.side_v = ("A",), "B", "T"
                    return True
                return False
            toward = "R" if cv > cu else "L"
            # B: out of the side, along the row, down into the top
            cells = self._h(ru, _between(cu, cv), s) + [(ru, cv, "h", s)] + self._v(cv, ru, rv - 1, top=s)
            if g.take(cells, s, d, strict):
                e.route, e.side_u, e.side_v = ("B",), toward, "T"
                return True
            # C: out of the bottom, down the own column, along the row into the side
            cells = self._v(cu, ru + 1, rv, bottom=d) + [(rv, cu, "h", d)] + self._h(rv, _between(cu, cv), d)
            if g.take(cells, s, d, strict):
                e.route, e.side_u, e.side_v = ("C",), "B", ("L" if cu < cv else "R")
                return True
            return False
        c = column  # D: side, channel column c, side
        if c in (cu, cv):
            return False
        cells = (
            self._h(ru, _between(cu, c), s)
            + [(ru, c, "h", s)]
            + self._v(c, ru, rv, top=s, bottom=d)
            + [(rv, c, "h", d)]
            + self._h(rv, _between(c, cv), d)
        )
        if g.take(cells, s, d, strict):
            e.route = ("D", c)
            e.side_u = "R" if c > cu else "L"
            e.side_v = "R" if c > cv else "L"
            return True
        return False

    def _track(self, table: dict[int, int], key: int) -> int:
        k = table.get(key, 0)
        table[key] = k + 1
        return k

    def _gutter_route(self, e: _E) -> None:
        """E: bottom, row gutter, column gutter beside the target, into its side. Always works."""
        u, v = self.nodes[e.src], self.nodes[e.dst]
        side = "L" if u.col <= v.col else "R"
        gcol = v.col - 1 if side == "L" else v.col
        e.route = ("E", self._track(self.rg_tracks, u.rank), gcol, self._track(self.cg_tracks, gcol))
        e.side_u, e.side_v = "Bo", side

    def _order_cols(self, base: int, prefer_right: bool) -> list[int]:
        out = []
        for d in range(1, _MAX_COL + 1):
            pair = [base + d, base - d] if prefer_right else [base - d, base + d]
            out += pair
        return out

    def _side_pref(self, u: _N) -> bool:
        """True: try the right side first (loops live on the left)."""
        if u.col != 0:
            return u.col > 0
        right = sum(1 for e in u.outs if e.route and e.side_u == "R")
        left = sum(1 for e in u.outs if e.route and e.side_u == "L")
        return right <= left or u.rank in self.grid.left_rows

    def _place(self, e: _E) -> None:
        """Place the target of e (its first predecessor is e.src) and route e."""
        u, v = self.nodes[e.src], self.nodes[e.dst]
        g = self.grid
        cands = ([u.col] if not self.on_spine[u.idx] else []) + self._order_cols(u.col, self._side_pref(u))
        for c in cands:
            if not g.free(v.rank, c):
                continue
            v.col = c
            if self._try(e, True):
                g.box(v.rank, c, v.idx)
                self.placed[v.idx] = True
                return
        # F: out of the bottom, along the row gutter, down a free column into the top
        for c in cands + [g.cols()[1] + 1]:
            if not g.free(v.rank, c):
                continue
            if g.take(self._v(c, u.rank + 1, v.rank - 1), e.src, e.dst, True):
                v.col = c
                e.route = ("F", self._track(self.rg_tracks, u.rank))
                e.side_u, e.side_v = "Bo", "T"
                g.box(v.rank, c, v.idx)
                self.placed[v.idx] = True
                return
        c = g.cols()[1] + 1  # unreachable in practice: a fresh column on the right
        v.col = c
        g.box(v.rank, c, v.idx)
        self.placed[v.idx] = True
        self._gutter_route(e)

    def _place_root(self, v: _N) -> None:
        g = self.grid
        for c in [0] + self._order_cols(0, True) + [g.cols()[1] + 1]:
            if g.free(v.rank, c):
                v.col = c
                break
        else:
            v.col = g.cols()[1] + 1
        g.box(v.rank, v.col, v.idx)
        self.placed[v.idx] = True

    def _secondary(self, e: _E) -> None:
        u, v = self.nodes[e.src], self.nodes[e.dst]
        lo, hi = min(u.col, v.col), max(u.col, v.col)
        chans = sorted(
            (c for c in range(lo - _MAX_COL, hi + _MAX_COL + 1) if c not in (u.col, v.col)),
            key=lambda c: (abs(c - u.col) + abs(c - v.col), -c if self._side_pref(u) else c),
        )
        for strict in (True, False):
            if self._try(e, strict):
                return
            for c in chans:
                if self._try(e, strict, c):
                    return
            if strict and self.grid.take(self._v(v.col, u.rank + 1, v.rank - 1), e.src, e.dst, True):
                e.route = ("F", self._track(self.rg_tracks, u.rank))
                e.side_u, e.side_v = "Bo", "T"
                return
        self._gutter_route(e)

    def _loop(self, e: _E) -> None:
        u, v = self.nodes[e.src], self.nodes[e.dst]
        cmin, cmax = self.grid.cols()
        lo, hi = min(u.rank, v.rank), max(u.rank, v.rank)

        def crossings(side: str) -> int:  # loops already in lanes that this one would cross
            return sum(
                1 for _e, s2, lo2, hi2 in self.lanes if s2 == side and (lo < lo2 < hi < hi2 or lo2 < lo < hi2 < hi)
            )

        sides = sorted(("L", "R"), key=lambda sd: (crossings(sd), sd != "L"))
        for strict in (True, False):
            for side in sides:
                if side == "L":
                    cells = self._h(u.rank, list(range(cmin, u.col)), u.idx, "loop")
                    cells += self._h(v.rank, list(range(cmin, v.col)), v.idx, "loop")
                else:
                    cells = self._h(u.rank, list(range(u.col + 1, cmax + 1)), u.idx, "loop")
                    cells += self._h(v.rank, list(range(v.col + 1, cmax + 1)), v.idx, "loop")
                if u.idx == v.idx:
                    cells = cells[: len(cells) // 2]
                if self.grid.take(cells, e.src, e.dst, strict):
                    e.route, e.side_u, e.side_v = ("L", side), side, side
                    self.lanes.append((e, side, lo, hi))
                    return
        # LG: through the gutters beside the nodes and between the rows
        side = "L"
        g1 = u.col - 1
        g2 = v.col - 1
        if v.rank < u.rank:
            r1, r2 = u.rank - 1, v.rank
        elif v.rank > u.rank:
            r1, r2 = u.rank, v.rank - 1
        else:
            r1, r2 = u.rank - 1, v.rank - 1
        e.route = (
            "LG",
            side,
            g1,
            self._track(self.cg_tracks, g1),
            r1,
            self._track(self.rg_tracks, r1),
            r2,
            self._track(self.rg_tracks, r2),
            g2,
            self._track(self.cg_tracks, g2),
        )
        e.side_u, e.side_v = side, side
        self.lanes.append((e, side, lo, hi))

    def run(self) -> None:
        nodes, g = self.nodes, self.grid
        for v in self.spine:
            nodes[v].col = 0
            g.box(nodes[v].rank, 0, v)
            self.placed[v] = True
        for e in self.edges:  # keep the left side of loop rows free for the loop lines
            if e.lane and self.on_spine[e.src] and self.on_spine[e.dst]:
                g.left_rows[nodes[e.src].rank] = True
                g.left_rows[nodes[e.dst].rank] = True
        for u in sorted(nodes, key=lambda n: (n.rank, n.idx)):
            if not self.placed[u.idx]:
                self._place_root(u)
            fwd = [e for e in u.outs if not e.lane]
            fwd.sort(key=lambda e: (not (self.on_spine[e.src] and self.on_spine[e.dst]), nodes[e.dst].rank, e.order))
            for e in fwd:
                if self.placed[e.dst]:
                    self._secondary(e)
                else:
                    self._place(e)
        loops = [e for e in self.edges if e.lane]
        loops.sort(key=lambda e: (abs(nodes[e.src].rank - nodes[e.dst].rank), e.idx))
        for e in loops:
            self._loop(e)
        # lanes: short loops inside, long loops outside
        for side in ("L", "R"):
            taken: list[tuple[int, int, int]] = []
            for e, s, lo, hi in sorted(self.lanes, key=lambda t: (t[3] - t[2], t[0].idx)):
                if s != side:
                    continue
                k = 1 + max((kk for lo2, hi2, kk in taken if lo2 <= hi and lo <= hi2), default=-1)
                self.lane_of[e.idx] = k
                taken.append((lo, hi, k))
