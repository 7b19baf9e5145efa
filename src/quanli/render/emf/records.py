"""EMF records ([MS-EMF]): the record types and GDI constants, and the writer that lays them out.

_Writer appends records (each padded to four bytes), keeps the object table (pens, brushes
and fonts: created when first selected, deleted when no longer selected, handles reused),
skips a setting that would not change anything, and grows the bounds of what has been drawn.
_ints16 and _i32 clamp coordinates to the records' integer sizes; _colorref writes a colour
the GDI way.
"""

from __future__ import annotations

import math
import struct

# record types ([MS-EMF] 2.1.1)
EMR_HEADER = 1
EMR_POLYGON = 3
EMR_POLYLINE = 4
EMR_EOF = 14
EMR_SETMAPMODE = 17
EMR_SETBKMODE = 18
EMR_SETPOLYFILLMODE = 19
EMR_SETTEXTALIGN = 22
EMR_SETTEXTCOLOR = 24
EMR_SELECTOBJECT = 37
EMR_CREATEPEN = 38
EMR_CREATEBRUSHINDIRECT = 39
EMR_DELETEOBJECT = 40
EMR_ELLIPSE = 42
EMR_RECTANGLE = 43
EMR_ROUNDRECT = 44
EMR_EXTCREATEFONTINDIRECTW = 82
EMR_EXTTEXTOUTW = 84
EMR_POLYGON16 = 86
EMR_POLYLINE16 = 87
EMR_POLYPOLYLINE16 = 90
EMR_POLYPOLYGON16 = 91
EMR_EXTCREATEPEN = 95

MM_TEXT = 1
TRANSPARENT = 1
ALTERNATE, WINDING = 1, 2
TA_LEFT, TA_RIGHT, TA_CENTER, TA_TOP, TA_BASELINE = 0, 2, 6, 0, 24
GM_COMPATIBLE = 1
GB2312_CHARSET = 134
NULL_BRUSH = 0x80000005
NULL_PEN = 0x80000008
BS_SOLID = 0
PS_SOLID = 0
PS_GEOMETRIC = 0x00010000
PS_ENDCAP = {"round": 0x0000, "square": 0x0100, "butt": 0x0200}
PS_JOIN = {"round": 0x0000, "bevel": 0x1000, "miter": 0x2000}


def _colorref(rgb: tuple[int, int, int]) -> int:
    r, g, b = rgb
    return r | (g << 8) | (b << 16)


class _Writer:
    """Records, the object table, and the bounds of what has been drawn."""

    def __init__(self, width: int, height: int) -> None:
        self.records: list[bytes] = []
        self.width, self.height = width, height
        self.free = list(range(1, 64))
        self.current: dict[str, tuple] = {}  # kind -> (key, handle or None)
        self.handles = 1
        self.state: dict[str, object] = {}
        self.box = [math.inf, math.inf, -math.inf, -math.inf]

    def rec(self, kind: int, payload: bytes = b"") -> None:
        pad = (-len(payload)) % 4
        self.records.append(struct.pack("<II", kind, 8 + len(payload) + pad) + payload + b"\0" * pad)

    def setting(self, kind: int, value: int) -> None:
        if self.state.get(kind) != value:
            self.state[kind] = value
            self.rec(kind, struct.pack("<I", value))

    def _handle(self) -> int:
        h = self.free.pop(0) if self.free else 63
        self.handles = max(self.handles, h + 1)
        return h

    def select(self, kind: str, key: tuple | None, create) -> None:
        """Select the object ``key`` of ``kind`` (creating it), or the stock null object."""
        old = self.current.get(kind)
        if old is not None and old[0] == key:
            return
        if key is None:
            handle = None
            self.rec(EMR_SELECTOBJECT, struct.pack("<I", NULL_PEN if kind == "pen" else NULL_BRUSH))
        else:
            handle = self._handle()
            create(handle)
            self.rec(EMR_SELECTOBJECT, struct.pack("<I", handle))
        if old is not None and old[1] is not None:  # no longer selected: delete it
            self.rec(EMR_DELETEOBJECT, struct.pack("<I", old[1]))
            self.free.insert(0, old[1])
            self.free.sort()
        self.current[kind] = (key, handle)

    def pen(self, pen: tuple | None) -> None:
        def create(handle: int) -> None:
            colour, width, style = pen
            # LogPenEx: style, width, brush style, colour, hatch, no style entries
            self.rec(
                EMR_EXTCREATEPEN,
                struct.pack("<IIIII", handle, 0, 0, 0, 0)
                + struct.pack("<IIIIII", style, width, BS_SOLID, colour, 0, 0),
            )

        self.select("pen", pen, create)

    def brush(self, colour: int | None) -> None:
        def create(handle: int) -> None:
            self.rec(EMR_CREATEBRUSHINDIRECT, struct.pack("<IIII", handle, BS_SOLID, colour, 0))

        self.select("brush", None if colour is None else (colour,), create)

    def font(self, key: tuple) -> None:
        def create(handle: int) -> None:
            height, weight, italic, escapement, face = key
            name = face.encode("utf-16-le")[:62]
            self.rec(
                EMR_EXTCREATEFONTINDIRECTW,
                struct.pack("<I", handle)
                + struct.pack(
                    "<iiiiiBBBBBBBB",
                    -height,
                    0,
                    escapement,
                    escapement,
                    weight,
                    italic,
                    0,
                    0,
                    GB2312_CHARSET,
                    0,
                    0,
                    0,
                    0,
                )
                + name
                + b"\0" * (64 - len(name)),
            )

        self.select("font", key, create)

    def grow(self, xs: list[int], ys: list[int], margin: int = 0) -> None:
        if xs and ys:
            self.box = [
                min(self.box[0], min(xs) - margin),
                min(self.box[1], min(ys) - margin),
                max(self.box[2], max(xs) + margin),
                max(self.box[3], max(ys) + margin),
            ]


def _ints16(pts: list[tuple[float, float]]) -> list[int]:
    """Points as x0, y0, x1, y1, ... rounded to 16-bit integers."""
    flat = [round(c) for p in pts for c in p]
    if min(flat) < -32768 or max(flat) > 32767:
        flat = [max(-32768, min(32767, c)) for c in flat]
    return flat


def _i32(v: float) -> int:
    return max(-(2**31), min(2**31 - 1, round(v)))
