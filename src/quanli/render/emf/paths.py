"""SVG outlines as points: path data, arcs, rounded rectangles and dashes.

_path_points reads ``d`` (every command, relative or absolute; curves flattened into
FLAT_STEPS segments, arcs by SVG's endpoint-to-centre conversion) into subpaths, drawing up
to the first error as SVG does; _round_rect_points gives a rectangle's outline with its
corners; _dashes cuts outlines into the dashes of a ``stroke-dasharray``, in device units.
"""

from __future__ import annotations

import math
import re

FLAT_STEPS = 12  # segments per curve when a path is flattened


def _path_points(d: str) -> list[tuple[list[tuple[float, float]], bool]]:
    """Subpaths of SVG path data as (points, closed), curves and arcs flattened."""
    tokens = re.findall(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", d or "")
    out: list[tuple[list[tuple[float, float]], bool]] = []
    pts: list[tuple[float, float]] = []
    i, cmd = 0, ""
    x = y = sx = sy = 0.0
    last_ctrl: tuple[float, float] | None = None
    last_cmd = ""

    def num() -> float:
        nonlocal i
        if i >= len(tokens) or tokens[i].isalpha():
            raise ValueError("number expected")
        value = float(tokens[i])
        i += 1
        if not math.isfinite(value):
            raise ValueError("not finite")
        return value

    def flush(closed: bool) -> None:
        nonlocal pts
        if len(pts) >= 2 or (closed and pts):
            out.append((pts, closed))
        pts = []

    def flags() -> tuple[bool, bool]:
        """The arc's two flags, which may be written together (``a5 5 0 0110 10``)."""
        nonlocal i
        got = []
        while len(got) < 2:
            if i >= len(tokens) or tokens[i].isalpha():
                raise ValueError("flag expected")
            tok = tokens[i].lstrip("+")
            if tok[:1] in "01" and len(tok) >= 1:
                got.append(tok[0] == "1")
                rest = tok[1:]
                if rest:
                    tokens[i] = rest
                else:
                    i += 1
            else:
                raise ValueError("bad flag")
        return got[0], got[1]

    try:
        while i < len(tokens):
            tok = tokens[i]
            if tok.isalpha():
                cmd = tok
                i += 1
                if cmd in "Zz":
                    if pts:
                        flush(True)
                    x, y = sx, sy
                    last_cmd, last_ctrl = cmd, None
                    continue
            elif not cmd or cmd in "Zz":
                break
            rel = cmd.islower()
            c = cmd.upper()
            ox, oy = (x, y) if rel else (0.0, 0.0)
            if c == "M":
                nx, ny = num() + ox, num() + oy
                flush(False)
                x, y = sx, sy = nx, ny
                pts = [(x, y)]
                cmd = "l" if rel else "L"  # further pairs are line-tos
                last_ctrl = None
            elif c == "L":
                x, y = num() + ox, num() + oy
                pts.append((x, y))
                last_ctrl = None
            elif c == "H":
                x = num() + ox
                pts.append((x, y))
                last_ctrl = None
            elif c == "V":
                y = num() + (y if rel else 0.0)
                pts.append((x, y))
                last_ctrl = None
            elif c in "CS":
                if c == "C":
                    x1, y1 = num() + ox, num() + oy
                else:
                    x1, y1 = (
                        (2 * x - last_ctrl[0], 2 * y - last_ctrl[1])
                        if last_ctrl and last_cmd.upper() in "CS"
                        else (x, y)
                    )
                x2, y2 = num() + ox, num() + oy
                ex, ey = num() + ox, num() + oy
                if not pts:
                    pts = [(x, y)]
                for k in range(1, FLAT_STEPS + 1):
                    t = k / FLAT_STEPS
                    u = 1 - t
                    pts.append(
                        (
                            u**3 * x + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * ex,
                            u**3 * y + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * ey,
                        )
                    )
                last_ctrl = (x2, y2)
                x, y = ex, ey
            elif c in "QT":
                if c == "Q":
                    x1, y1 = num() + ox, num() + oy
                else:
                    x1, y1 = (
                        (2 * x - last_ctrl[0], 2 * y - last_ctrl[1])
                        if last_ctrl and last_cmd.upper() in "QT"
                        else (x, y)
                    )
                ex, ey = num() + ox, num() + oy
                if not pts:
                    pts = [(x, y)]
                for k in range(1, FLAT_STEPS + 1):
                    t = k / FLAT_STEPS
                    u = 1 - t
                    pts.append((u * u * x + 2 * u * t * x1 + t * t * ex, u * u * y + 2 * u * t * y1 + t * t * ey))
                last_ctrl = (x1, y1)
                x, y = ex, ey
            elif c == "A":
                rx, ry, rot = abs(num()), abs(num()), num()
                large, sweep = flags()
                ex, ey = num() + ox, num() + oy
                if not pts:
                    pts = [(x, y)]
                pts.extend(_arc(x, y, rx, ry, rot, large, sweep, ex, ey))
                x, y = ex, ey
                last_ctrl = None
            else:
                break
            last_cmd = cmd
    except (ValueError, IndexError, OverflowError):
        pass  # SVG: draw the path up to the first error
    flush(False)
    return out


def _arc(
    x1: float, y1: float, rx: float, ry: float, rot: float, large: bool, sweep: bool, x2: float, y2: float
) -> list[tuple[float, float]]:
    """An elliptical arc as points (SVG implementation notes F.6.5), end point included."""
    if rx == 0 or ry == 0 or (x1 == x2 and y1 == y2):
        return [(x2, y2)]
    phi = math.radians(rot % 360)
    cos, sin = math.cos(phi), math.sin(phi)
    dx, dy = (x1 - x2) / 2, (y1 - y2) / 2
    xp, yp = cos * dx + sin * dy, -sin * dx + cos * dy
    lam = (xp / rx) ** 2 + (yp / ry) ** 2
    if lam > 1:
        rx, ry = rx * math.sqrt(lam), ry * math.sqrt(lam)
    num = rx * rx * ry * ry - rx * rx * yp * yp - ry * ry * xp * xp
    den = rx * rx * yp * yp + ry * ry * xp * xp
    coef = math.sqrt(max(0.0, num / den)) if den else 0.0
    if large == sweep:
        coef = -coef
    cxp, cyp = coef * rx * yp / ry, -coef * ry * xp / rx
    cx, cy = cos * cxp - sin * cyp + (x1 + x2) / 2, sin * cxp + cos * cyp + (y1 + y2) / 2

    def angle(ux: float, uy: float, vx: float, vy: float) -> float:
        a = math.atan2(ux * vy - uy * vx, ux * vx + uy * vy)
        return a

    t1 = angle(1, 0, (xp - cxp) / rx, (yp - cyp) / ry)
    dt = angle((xp - cxp) / rx, (yp - cyp) / ry, (-xp - cxp) / rx, (-yp - cyp) / ry)
    if not sweep and dt > 0:
        dt -= 2 * math.pi
    elif sweep and dt < 0:
        dt += 2 * math.pi
    steps = max(4, int(abs(dt) / (math.pi / 12)) + 1)
    out = []
    for k in range(1, steps + 1):
        t = t1 + dt * k / steps
        out.append(
            (cx + rx * math.cos(t) * cos - ry * math.sin(t) * sin, cy + rx * math.cos(t) * sin + ry * math.sin(t) * cos)
        )
    out[-1] = (x2, y2)
    return out


def _round_rect_points(x: float, y: float, w: float, h: float, rx: float, ry: float) -> list[tuple[float, float]]:
    """A (rounded) rectangle's outline, clockwise from the top left, corners as short arcs."""
    if rx <= 0 or ry <= 0:
        return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    pts = []
    corners = ((x + w - rx, y + ry, -90), (x + w - rx, y + h - ry, 0), (x + rx, y + h - ry, 90), (x + rx, y + ry, 180))
    for cx, cy, start in corners:
        for k in range(7):
            t = math.radians(start + 15 * k)
            pts.append((cx + rx * math.cos(t), cy + ry * math.sin(t)))
    return pts


def _dashes(
    subpaths: list[tuple[list[tuple[float, float]], bool]], pattern: list[float], offset: float
) -> list[list[tuple[float, float]]]:
    """The dashes of the outlines (in device units), the pattern running on across corners."""
    total = sum(pattern)
    out: list[list[tuple[float, float]]] = []
    for pts, closed in subpaths:
        if closed and pts and pts[0] != pts[-1]:
            pts = pts + [pts[0]]
        pos = offset % total if total else 0.0
        idx = 0
        while pos >= pattern[idx]:
            pos -= pattern[idx]
            idx = (idx + 1) % len(pattern)
        left = pattern[idx] - pos  # what is left of the current dash or gap
        on = idx % 2 == 0
        cur: list[tuple[float, float]] = [pts[0]] if on and pts else []
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            seg = math.hypot(x2 - x1, y2 - y1)
            done = 0.0
            while seg - done > left:
                done += left
                t = done / seg
                p = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
                if on:
                    cur.append(p)
                    out.append(cur)
                    cur = []
                else:
                    cur = [p]
                on = not on
                idx = (idx + 1) % len(pattern)
                left = pattern[idx]
            left -= seg - done
            if on:
                cur.append((x2, y2))
        if on and len(cur) >= 2:
            out.append(cur)
    return [d for d in out if len(d) >= 2]
