"""The SVG tree drawn as EMF records: the walk over the elements and what each one draws.

_Converter maps the viewBox onto the device (uniformly, centred), walks the elements
(``g``, ``svg``, ``a``, ``use``; ``defs`` and the like are not drawn; nesting is bounded),
turns each shape into a fill and a stroke (native GDI records for rectangles and ellipses,
polygons and polylines otherwise, dashes cut here), draws the markers at a line's ends
turned along it, sets text through ``text.TextDrawing`` (EXTTEXTOUTW), and ends with
the header: bounds, the frame and the reference device.
"""

from __future__ import annotations

import math
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from quanli.render.emf.paths import _dashes, _path_points, _round_rect_points
from quanli.render.emf.records import (
    ALTERNATE,
    EMR_DELETEOBJECT,
    EMR_ELLIPSE,
    EMR_EOF,
    EMR_HEADER,
    EMR_POLYGON16,
    EMR_POLYLINE16,
    EMR_POLYPOLYGON16,
    EMR_POLYPOLYLINE16,
    EMR_RECTANGLE,
    EMR_ROUNDRECT,
    EMR_SELECTOBJECT,
    EMR_SETBKMODE,
    EMR_SETMAPMODE,
    EMR_SETPOLYFILLMODE,
    EMR_SETTEXTALIGN,
    MM_TEXT,
    NULL_BRUSH,
    NULL_PEN,
    PS_ENDCAP,
    PS_GEOMETRIC,
    PS_JOIN,
    PS_SOLID,
    TA_BASELINE,
    TA_LEFT,
    TRANSPARENT,
    WINDING,
    _colorref,
    _i32,
    _ints16,
    _Writer,
)
from quanli.render.emf.svgparse import (
    _XML_BAD,
    IDENTITY,
    INHERITED,
    PX_MM,
    XLINK_NS,
    Matrix,
    _apply,
    _axis_aligned,
    _blend,
    _colour,
    _length,
    _local,
    _mul,
    _numbers,
    _opacity,
    _scale_of,
    _style,
    _transform,
)
from quanli.render.emf.text import MAX_NESTING, TextDrawing

NOT_DRAWN = {
    "defs",
    "marker",
    "title",
    "desc",
    "metadata",
    "style",
    "script",
    "clipPath",
    "mask",
    "pattern",
    "symbol",
    "linearGradient",
    "radialGradient",
    "filter",
    "foreignObject",
    "image",
    "font",
    "view",
}


@dataclass
class _Paint:
    pen: tuple | None  # (colorref, width, style) or None
    brush: int | None  # colorref or None
    dashes: list[float] = field(default_factory=list)  # in device units
    dash_offset: float = 0.0


class _Converter(TextDrawing):
    def __init__(
        self, root: ET.Element, width: float, height: float, vb: tuple[float, float, float, float], dots_per_mm: int
    ) -> None:
        self.root = root
        self.ids = {el.get("id"): el for el in root.iter() if el.get("id")}
        vx, vy, vw, vh = vb
        # user units -> device units: the viewBox fills width x height px (uniformly, centred)
        k_px = min(width / vw, height / vh)
        k = k_px * PX_MM * dots_per_mm
        self.width_d = max(1, round(width * PX_MM * dots_per_mm))
        self.height_d = max(1, round(height * PX_MM * dots_per_mm))
        ox = (self.width_d - vw * k) / 2
        oy = (self.height_d - vh * k) / 2
        self.base: Matrix = (k, 0.0, 0.0, k, ox - vx * k, oy - vy * k)
        self.vb = vb
        self.dots = dots_per_mm
        self.out = _Writer(self.width_d, self.height_d)
        self.depth = 0  # markers and <use> inside markers and <use>
        self.level = 0  # nested elements
        self._parents: dict[ET.Element, ET.Element] | None = None
        self._marker_styles: dict[int, dict[str, str]] = {}

    # ---------------------------------------------------------------- drawing

    def paint(self, st: dict[str, str], m: Matrix, fill_ok: bool = True) -> _Paint:
        group = _opacity(st.get("group-opacity"))
        current = st.get("color", "black")
        fill = _colour(st.get("fill"), current) if fill_ok else None
        brush = None
        if fill is not None:
            alpha = _opacity(st.get("fill-opacity")) * group
            if alpha > 0.01:
                brush = _colorref(_blend(fill, alpha))
        pen = None
        dashes: list[float] = []
        offset = 0.0
        stroke = _colour(st.get("stroke"), current)
        scale = _scale_of(m)
        width = _length(st.get("stroke-width"), 1.0, font=self.font_size(st)) * scale
        if stroke is not None and width > 0:
            alpha = _opacity(st.get("stroke-opacity")) * group
            if alpha > 0.01:
                style = (
                    PS_GEOMETRIC
                    | PS_SOLID
                    | PS_ENDCAP.get(st.get("stroke-linecap", "butt").strip(), 0x0200)
                    | PS_JOIN.get(st.get("stroke-linejoin", "miter").strip(), 0x2000)
                )
                pen = (_colorref(_blend(stroke, alpha)), max(1, round(width)), style)
                values = [
                    _length(v, 0.0, font=self.font_size(st)) * scale
                    for v in re.split(r"[\s,]+", st.get("stroke-dasharray", "none").strip())
                    if v and v != "none"
                ]
                if values and all(v >= 0 for v in values) and sum(values) > 0:
                    dashes = values * 2 if len(values) % 2 else values
                    offset = _length(st.get("stroke-dashoffset"), 0.0) * scale
        return _Paint(pen, brush, dashes, offset)

    def font_size(self, st: dict[str, str]) -> float:
        return max(0.0, _length(st.get("font-size"), 16.0, font=16.0))

    def shape(self, paint: _Paint, outline, native=None, rule: str = "nonzero") -> None:
        """Fill and stroke a shape: ``outline`` gives its subpaths in device units, as
        [(points, closed)] or a function returning them (called only when needed); ``native``:
        (record, ints) drawing the same shape as one GDI record (rectangle, rounded rectangle,
        ellipse), used unless the stroke is dashed."""
        out = self.out
        if paint.pen is None and paint.brush is None:
            return
        margin = (paint.pen[1] + 1) // 2 if paint.pen else 0
        dashed = paint.pen is not None and bool(paint.dashes)
        solid_pen = paint.pen if not dashed else None
        if native is not None:
            box = native[1]
            out.grow([box[0], box[2]], [box[1], box[3]], margin)
            if paint.brush is not None or solid_pen is not None:
                out.pen(solid_pen)
                out.brush(paint.brush)
                out.rec(native[0], struct.pack(f"<{len(box)}i", *box))
            if not dashed:
                return
        subpaths = outline() if callable(outline) else outline
        subpaths = [(pts, closed) for pts, closed in subpaths if pts]
        if not subpaths:
            return
        if native is None:
            out.grow(
                [round(x) for pts, _ in subpaths for x, _ in pts],
                [round(y) for pts, _ in subpaths for _, y in pts],
                margin,
            )
        filled = [(pts, closed) for pts, closed in subpaths if len(pts) >= 3]
        if native is not None:
            pass  # filled above; the dashes follow
        elif (
            paint.brush is not None
            and filled
            and all(closed for _, closed in subpaths)
            and solid_pen is not None
            and len(filled) == 1
        ):
            out.pen(solid_pen)
            out.brush(paint.brush)
            out.setting(EMR_SETPOLYFILLMODE, ALTERNATE if rule.strip() == "evenodd" else WINDING)
            self.poly(EMR_POLYGON16, filled[0][0])
        else:
            if paint.brush is not None and filled:
                out.pen(None)
                out.brush(paint.brush)
                out.setting(EMR_SETPOLYFILLMODE, ALTERNATE if rule.strip() == "evenodd" else WINDING)
                if len(filled) == 1:
                    self.poly(EMR_POLYGON16, filled[0][0])
                else:
                    self.polypoly(EMR_POLYPOLYGON16, [pts for pts, _ in filled])
            if solid_pen is not None:
                out.pen(solid_pen)
                out.brush(None)
                lines = [pts + [pts[0]] if closed and pts[0] != pts[-1] else pts for pts, closed in subpaths]
                lines = [pts for pts in lines if len(pts) >= 2]
                if len(lines) == 1:
                    self.poly(EMR_POLYLINE16, lines[0])
                elif lines:
                    self.polypoly(EMR_POLYPOLYLINE16, lines)
        if dashed:
            pieces = _dashes(subpaths, paint.dashes, paint.dash_offset)
            if pieces:
                out.pen(paint.pen)
                out.brush(None)
                self.polypoly(EMR_POLYPOLYLINE16, pieces)

    def poly(self, kind: int, pts: list[tuple[float, float]]) -> None:
        """EMR_POLYGON16 / EMR_POLYLINE16: bounds, count, 16-bit points."""
        flat = _ints16(pts)
        xs, ys = flat[0::2], flat[1::2]
        self.out.rec(kind, struct.pack(f"<iiiiI{len(flat)}h", min(xs), min(ys), max(xs), max(ys), len(xs), *flat))

    def polypoly(self, kind: int, polys: list[list[tuple[float, float]]]) -> None:
        """EMR_POLYPOLYGON16 / EMR_POLYPOLYLINE16: bounds, polygons, points, counts, 16-bit points."""
        flat = _ints16([p for pts in polys for p in pts])
        xs, ys = flat[0::2], flat[1::2]
        self.out.rec(
            kind,
            struct.pack(
                f"<iiiiII{len(polys)}I{len(flat)}h",
                min(xs),
                min(ys),
                max(xs),
                max(ys),
                len(polys),
                len(xs),
                *(len(pts) for pts in polys),
                *flat,
            ),
        )

    def markers(self, el: ET.Element, st: dict[str, str], m: Matrix, pts: list[tuple[float, float]]) -> None:
        """marker-start and marker-end: the marker's content at the first and last vertex, turned
        along the line (orient="auto"), e.g. a filled triangle for an arrowhead."""
        if len(pts) < 2:
            return
        for prop, (px, py), (qx, qy) in (("marker-start", pts[0], pts[1]), ("marker-end", pts[-2], pts[-1])):
            ref = st.get(prop, "none")
            mm = re.match(r"\s*url\(\s*['\"]?#([^)'\"]+)['\"]?\s*\)", ref)
            marker = self.ids.get(mm.group(1)) if mm else None
            if marker is None or _local(marker.tag) != "marker":
                continue
            vx, vy = (px, py) if prop == "marker-start" else (qx, qy)
            # the direction of the segment at this end (skip zero-length segments)
            seq = pts if prop == "marker-start" else pts[::-1]
            angle = 0.0
            for a, b in zip(seq, seq[1:]):
                if a != b:
                    dx, dy = (b[0] - a[0], b[1] - a[1]) if prop == "marker-start" else (a[0] - b[0], a[1] - b[1])
                    angle = math.atan2(dy, dx)
                    break
            orient = (marker.get("orient") or "0").strip()
            if orient == "auto-start-reverse" and prop == "marker-start":
                angle += math.pi
            elif orient not in ("auto", "auto-start-reverse"):
                nums = _numbers(orient)
                angle = math.radians(nums[0]) if nums else 0.0
            mw = _length(marker.get("markerWidth"), 3.0)
            mh = _length(marker.get("markerHeight"), 3.0)
            if mw <= 0 or mh <= 0:
                continue
            units = (
                _length(st.get("stroke-width"), 1.0)
                if (marker.get("markerUnits") or "strokeWidth") == "strokeWidth"
                else 1.0
            )
            inner: Matrix = IDENTITY
            vb = _numbers(marker.get("viewBox"))
            if len(vb) == 4 and vb[2] > 0 and vb[3] > 0:
                s = min(mw / vb[2], mh / vb[3])
                inner = (s, 0.0, 0.0, s, -vb[0] * s + (mw - vb[2] * s) / 2, -vb[1] * s + (mh - vb[3] * s) / 2)
            rx, ry = _apply(inner, _length(marker.get("refX"), 0.0), _length(marker.get("refY"), 0.0))
            cos, sin = math.cos(angle), math.sin(angle)
            place: Matrix = _mul(
                _mul((1.0, 0.0, 0.0, 1.0, vx, vy), (cos, sin, -sin, cos, 0.0, 0.0)), (units, 0.0, 0.0, units, 0.0, 0.0)
            )
            mat = _mul(_mul(m, _mul(place, (1.0, 0.0, 0.0, 1.0, -rx, -ry))), inner)
            # marker content inherits from the marker's ancestors, not from the line
            base = self.chain_style(marker)
            if self.depth < 8:
                self.depth += 1
                for child in marker:
                    self.walk(child, base, mat)
                self.depth -= 1

    def chain_style(self, target: ET.Element) -> dict[str, str]:
        known = self._marker_styles.get(id(target))
        if known is not None:
            return known
        if self._parents is None:
            self._parents = {c: p for p in self.root.iter() for c in p}
        parents = self._parents
        chain = [target]
        while chain[-1] in parents:
            chain.append(parents[chain[-1]])
        st = dict(INHERITED)
        for el in reversed(chain):
            st = _style(el, st)
        self._marker_styles[id(target)] = st
        return st

    # ---------------------------------------------------------------- tree walk

    def walk(self, el: ET.Element, parent: dict[str, str], m: Matrix) -> None:
        name = _local(el.tag)
        if not name or name in NOT_DRAWN or self.level > MAX_NESTING:
            return
        self.level += 1
        try:
            self._walk(el, name, parent, m)
        finally:
            self.level -= 1

    def _walk(self, el: ET.Element, name: str, parent: dict[str, str], m: Matrix) -> None:
        st = _style(el, parent)
        if st.get("display", "").strip() == "none":
            return
        if el.get("transform"):
            m = _mul(m, _transform(el.get("transform")))
        hidden = st.get("visibility", "visible").strip() in ("hidden", "collapse")
        if name in ("g", "a", "switch", "svg"):
            if name == "svg" and el is not self.root:
                m = _mul(m, (1.0, 0.0, 0.0, 1.0, _length(el.get("x")), _length(el.get("y"))))
            for child in el:
                self.walk(child, st, m)
            return
        if name == "use":
            href = el.get(f"{{{XLINK_NS}}}href") or el.get("href") or ""
            target = self.ids.get(href[1:]) if href.startswith("#") else None
            if target is not None and self.depth < 8 and target is not el:
                self.depth += 1
                self.walk(target, st, _mul(m, (1.0, 0.0, 0.0, 1.0, _length(el.get("x")), _length(el.get("y")))))
                self.depth -= 1
            return
        if name == "text":
            self.text(el, st, m)
            return
        if hidden:
            return
        size = self.font_size(st)
        vw, vh = self.vb[2], self.vb[3]
        dev = lambda pts: [_apply(m, x, y) for x, y in pts]  # noqa: E731
        if name == "rect":
            x, y = _length(el.get("x"), 0.0, vw, size), _length(el.get("y"), 0.0, vh, size)
            w, h = _length(el.get("width"), 0.0, vw, size), _length(el.get("height"), 0.0, vh, size)
            if w <= 0 or h <= 0:
                return
            rx_attr, ry_attr = el.get("rx"), el.get("ry")
            rx = _length(rx_attr, 0.0, vw, size) if rx_attr is not None else None
            ry = _length(ry_attr, 0.0, vh, size) if ry_attr is not None else None
            rx = ry if rx is None else rx
            ry = rx if ry is None else ry
            rx = max(0.0, min(rx or 0.0, w / 2))
            ry = max(0.0, min(ry or 0.0, h / 2))
            paint = self.paint(st, m)
            native = None
            if _axis_aligned(m):
                (x1, y1), (x2, y2) = _apply(m, x, y), _apply(m, x + w, y + h)
                box = [_i32(x1), _i32(y1), _i32(x2), _i32(y2)]
                if rx > 0 and ry > 0:
                    native = (EMR_ROUNDRECT, box + [_i32(2 * rx * m[0]), _i32(2 * ry * m[3])])
                else:
                    native = (EMR_RECTANGLE, box)
            self.shape(paint, lambda: [(dev(_round_rect_points(x, y, w, h, rx, ry)), True)], native)
        elif name in ("circle", "ellipse"):
            cx, cy = _length(el.get("cx"), 0.0, vw, size), _length(el.get("cy"), 0.0, vh, size)
            if name == "circle":
                rx = ry = _length(el.get("r"), 0.0, min(vw, vh), size)
            else:
                rx, ry = _length(el.get("rx"), 0.0, vw, size), _length(el.get("ry"), 0.0, vh, size)
            if rx <= 0 or ry <= 0:
                return
            pts = [
                (cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a))) for a in range(0, 360, 10)
            ]
            native = None
            if _axis_aligned(m):
                (x1, y1), (x2, y2) = _apply(m, cx - rx, cy - ry), _apply(m, cx + rx, cy + ry)
                native = (EMR_ELLIPSE, [_i32(x1), _i32(y1), _i32(x2), _i32(y2)])
            self.shape(self.paint(st, m), [(dev(pts), True)], native)
        elif name == "line":
            pts = [
                (_length(el.get("x1"), 0.0, vw, size), _length(el.get("y1"), 0.0, vh, size)),
                (_length(el.get("x2"), 0.0, vw, size), _length(el.get("y2"), 0.0, vh, size)),
            ]
            self.shape(self.paint(st, m, fill_ok=False), [(dev(pts), False)])
            self.markers(el, st, m, pts)
        elif name in ("polyline", "polygon"):
            v = _numbers(el.get("points"))
            pts = [(v[i], v[i + 1]) for i in range(0, len(v) - 1, 2)]
            if len(pts) < 2:
                return
            self.shape(self.paint(st, m), [(dev(pts), name == "polygon")], rule=st.get("fill-rule", "nonzero"))
            self.markers(el, st, m, pts + [pts[0]] if name == "polygon" else pts)
        elif name == "path":
            subpaths = _path_points(el.get("d") or "")
            if not subpaths:
                return
            self.shape(
                self.paint(st, m), [(dev(pts), closed) for pts, closed in subpaths], rule=st.get("fill-rule", "nonzero")
            )
            first, last = subpaths[0][0], subpaths[-1][0]
            self.markers(el, st, m, first[:2] + last[-2:] if len(subpaths) > 1 else first)

    # ---------------------------------------------------------------- output

    def run(self) -> bytes:
        out = self.out
        out.rec(EMR_SETMAPMODE, struct.pack("<I", MM_TEXT))
        out.setting(EMR_SETBKMODE, TRANSPARENT)
        out.setting(EMR_SETPOLYFILLMODE, WINDING)
        out.setting(EMR_SETTEXTALIGN, TA_BASELINE | TA_LEFT)
        self.walk(self.root, dict(INHERITED), self.base)
        for kind in ("pen", "brush", "font"):  # leave nothing behind in the viewer's object table
            cur = out.current.get(kind)
            if cur is not None and cur[1] is not None:
                stock = {"pen": NULL_PEN, "brush": NULL_BRUSH, "font": 0x8000000D}[kind]  # SYSTEM_FONT
                out.rec(EMR_SELECTOBJECT, struct.pack("<I", stock))
                out.rec(EMR_DELETEOBJECT, struct.pack("<I", cur[1]))
        out.rec(EMR_EOF, struct.pack("<III", 0, 16, 20))
        return self.header() + b"".join(out.records)

    def header(self) -> bytes:
        out = self.out
        w, h = self.width_d, self.height_d
        if out.box[0] <= out.box[2] and out.box[1] <= out.box[3]:
            bounds = (
                max(0, int(out.box[0])),
                max(0, int(out.box[1])),
                min(w - 1, int(out.box[2])),
                min(h - 1, int(out.box[3])),
            )
            if bounds[0] > bounds[2] or bounds[1] > bounds[3]:
                bounds = (0, 0, w - 1, h - 1)
        else:
            bounds = (0, 0, w - 1, h - 1)
        # the frame: the whole picture, in 0.01 mm (inclusive-inclusive)
        frame = (0, 0, round(w * 100 / self.dots) - 1, round(h * 100 / self.dots) - 1)
        mm_w, mm_h = max(1, math.ceil(w / self.dots)), max(1, math.ceil(h / self.dots))
        title = ""
        for el in self.root:
            if _local(el.tag) == "title":
                title = re.sub(r"\s+", " ", "".join(el.itertext())).strip()[:200]
                break
        desc = ("quanli\0" + _XML_BAD.sub("", title) + "\0\0").encode("utf-16-le", "surrogatepass")
        desc += b"\0" * ((-len(desc)) % 4)
        size = 108 + len(desc)
        total = size + sum(len(r) for r in out.records)
        count = 1 + len(out.records)
        body = struct.pack("<iiii", *bounds) + struct.pack("<iiii", *frame)
        body += struct.pack("<IIIIHHIII", 0x464D4520, 0x00010000, total, count, out.handles, 0, len(desc) // 2, 108, 0)
        body += struct.pack("<iiii", mm_w * self.dots, mm_h * self.dots, mm_w, mm_h)
        body += struct.pack("<III", 0, 0, 0)  # no pixel format, no OpenGL
        body += struct.pack("<II", mm_w * 1000, mm_h * 1000)  # the reference device in micrometres
        return struct.pack("<II", EMR_HEADER, size) + body + desc
