"""SVG to EMF (Enhanced Metafile, [MS-EMF]) in pure Python: the flowchart for viewers without SVG.

The 一件 sheet embeds the flowchart as SVG the way Word 2016+ reads it, and needs a fallback
picture for LibreOffice, WPS and older Word. No raster renderer is available, so the fallback
is drawn again as vector records: this module reads the SVG that
:func:`quanli.render.flowchart.to_svg` writes (or any simple SVG) with ElementTree and writes
GDI records:

- ``rect`` (with ``rx``/``ry``) → EMR_RECTANGLE / EMR_ROUNDRECT; ``circle``/``ellipse`` →
  EMR_ELLIPSE; ``polygon``, ``polyline``, ``line`` and ``path`` (curves and arcs flattened) →
  EMR_POLYGON16 / EMR_POLYLINE16 / EMR_POLYPOLYGON16;
- ``stroke-dasharray`` is cut into dashes here (EMR_POLYPOLYLINE16), since viewers draw GDI
  dash styles at sizes of their own; ``marker-start``/``marker-end`` draw the marker's
  content (the arrowheads: filled triangles) at the line's end, turned along it;
- ``text``/``tspan`` → EMR_EXTCREATEFONTINDIRECTW (GB2312 charset, the SVG's first font
  family), EMR_SETTEXTALIGN (TA_BASELINE with TA_LEFT/TA_CENTER/TA_RIGHT from
  ``text-anchor``), EMR_SETTEXTCOLOR and EMR_EXTTEXTOUTW (UTF-16LE, no Dx array, so that
  the viewer spaces the glyphs with its own font);
- ``g``/``svg``/``a``/``use`` with ``transform`` (translate, scale, rotate, skew, matrix);
  colours as #rgb, #rrggbb, rgb() or names; ``fill-opacity``/``stroke-opacity``/``opacity``
  are blended against white (EMF has no alpha); ``style="..."`` declarations count as
  attributes. Unknown elements are ignored, ``defs``, ``marker``, ``title`` and the like are
  not drawn.

Coordinates: MM_TEXT (one logical unit = one device unit). The reference device has a whole
number of dots per millimetre, ``Device`` = ``Millimeters`` x that number exactly, and the
picture frame (0.01 mm) is the SVG's size at 96 px per inch, so viewers that map device units
through Device/Millimeters (LibreOffice) and those that scale the frame (Word) agree. The dot
density is chosen so that the picture stays inside the 16-bit coordinates of the ``...16``
records. Deterministic: the same SVG gives the same bytes.
"""

from __future__ import annotations

import math
import re
import struct
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["svg_to_emf"]

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

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
PX_MM = 25.4 / 96  # CSS pixel in millimetres
DEFAULT_FONT = "Microsoft YaHei"
GENERIC_FONTS = {"sans-serif": "Microsoft YaHei", "serif": "SimSun", "monospace": "SimSun", "system-ui": "Microsoft YaHei",
                 "cursive": "KaiTi", "fantasy": "Microsoft YaHei"}
MAX_DEVICE = 32000  # the picture's longest side in device units: 16-bit records stay in range
MAX_DOTS_PER_MM = 20  # 0.05 mm per device unit (a 1.4 px line is 7 units wide)
FLAT_STEPS = 12  # segments per curve when a path is flattened
MAX_NESTING = 200  # deeper elements are not drawn (no recursion error on hostile input)

_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, "q": 96 / 101.6}
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

NAMED_COLOURS = {
    "black": (0, 0, 0), "white": (255, 255, 255), "red": (255, 0, 0), "lime": (0, 255, 0), "green": (0, 128, 0),
    "blue": (0, 0, 255), "yellow": (255, 255, 0), "cyan": (0, 255, 255), "aqua": (0, 255, 255), "magenta": (255, 0, 255),
    "fuchsia": (255, 0, 255), "silver": (192, 192, 192), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "maroon": (128, 0, 0), "olive": (128, 128, 0), "purple": (128, 0, 128), "teal": (0, 128, 128), "navy": (0, 0, 128),
    "orange": (255, 165, 0), "darkgray": (169, 169, 169), "darkgrey": (169, 169, 169), "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211), "dimgray": (105, 105, 105), "dimgrey": (105, 105, 105), "darkred": (139, 0, 0),
    "darkgreen": (0, 100, 0), "darkblue": (0, 0, 139), "brown": (165, 42, 42), "pink": (255, 192, 203),
    "gold": (255, 215, 0), "steelblue": (70, 130, 180), "whitesmoke": (245, 245, 245), "gainsboro": (220, 220, 220),
    "crimson": (220, 20, 60), "firebrick": (178, 34, 34), "orangered": (255, 69, 0), "darkorange": (255, 140, 0),
    "lightblue": (173, 216, 230), "lightyellow": (255, 255, 224), "lightgreen": (144, 238, 144), "beige": (245, 245, 220),
    "ivory": (255, 255, 240), "tomato": (255, 99, 71), "indigo": (75, 0, 130), "violet": (238, 130, 238),
    "slategray": (112, 128, 144), "slategrey": (112, 128, 144), "skyblue": (135, 206, 235), "khaki": (240, 230, 140),
}

# properties children inherit, with their initial values (SVG 1.1)
INHERITED = {
    "fill": "black", "fill-opacity": "1", "fill-rule": "nonzero", "stroke": "none", "stroke-width": "1",
    "stroke-opacity": "1", "stroke-dasharray": "none", "stroke-dashoffset": "0", "stroke-linecap": "butt",
    "stroke-linejoin": "miter", "font-size": "16", "font-weight": "normal", "font-style": "normal",
    "font-family": DEFAULT_FONT, "text-anchor": "start", "visibility": "visible", "color": "black",
    "dominant-baseline": "auto", "marker-start": "none", "marker-end": "none",
}
NOT_DRAWN = {"defs", "marker", "title", "desc", "metadata", "style", "script", "clipPath", "mask", "pattern",
             "symbol", "linearGradient", "radialGradient", "filter", "foreignObject", "image", "font", "view"}

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f: x' = a x + c y + e, y' = b x + d y + f
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m · n: n is applied first."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2, a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _scale_of(m: Matrix) -> float:
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 0.0


def _axis_aligned(m: Matrix) -> bool:
    return abs(m[1]) < 1e-9 and abs(m[2]) < 1e-9 and m[0] > 0 and m[3] > 0


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""  # a comment or processing instruction
    return tag.rsplit("}", 1)[-1]


def _numbers(text: str | None) -> list[float]:
    out = []
    for tok in _NUM.findall(text or ""):
        try:
            value = float(tok)
        except ValueError:
            continue
        if math.isfinite(value):
            out.append(value)
    return out


@lru_cache(maxsize=4096)
def _length(text: str | None, default: float = 0.0, ref: float = 0.0, font: float = 16.0) -> float:
    """A length in user units (px); percentages of ``ref``; em of ``font``."""
    if text is None:
        return default
    m = re.match(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-zA-Z%]*)", str(text))
    if not m:
        return default
    try:
        value = float(m.group(1))
    except ValueError:
        return default
    unit = m.group(2).lower()
    if not math.isfinite(value):
        return default
    if unit == "%":
        return value / 100 * ref
    if unit == "em":
        return value * font
    if unit == "ex":
        return value * font / 2
    return value * _UNITS.get(unit, 1.0)


def _first_length(text: str | None, default: float = 0.0, ref: float = 0.0, font: float = 16.0) -> float:
    """The first of a list of lengths (x="10 20" on a tspan: the first character's)."""
    if text is None:
        return default
    head = re.split(r"[\s,]+", str(text).strip(), maxsplit=1)[0]
    return _length(head, default, ref, font)


@lru_cache(maxsize=4096)
def _transform(text: str | None) -> Matrix:
    m = IDENTITY
    for name, args in re.findall(r"([a-zA-Z]+)\s*\(([^)]*)\)", text or ""):
        v = _numbers(args)
        name = name.lower()
        if name == "translate" and v:
            n = (1.0, 0.0, 0.0, 1.0, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale" and v:
            n = (v[0], 0.0, 0.0, v[1] if len(v) > 1 else v[0], 0.0, 0.0)
        elif name == "rotate" and v:
            r = math.radians(v[0])
            n = (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0.0, 0.0)
            if len(v) >= 3:
                n = _mul(_mul((1.0, 0.0, 0.0, 1.0, v[1], v[2]), n), (1.0, 0.0, 0.0, 1.0, -v[1], -v[2]))
        elif name == "skewx" and v:
            n = (1.0, 0.0, math.tan(math.radians(v[0])), 1.0, 0.0, 0.0)
        elif name == "skewy" and v:
            n = (1.0, math.tan(math.radians(v[0])), 0.0, 1.0, 0.0, 0.0)
        elif name == "matrix" and len(v) >= 6:
            n = (v[0], v[1], v[2], v[3], v[4], v[5])
        else:
            continue
        m = _mul(m, n)
    return m


@lru_cache(maxsize=4096)
def _colour(value: str | None, current: str = "black") -> tuple[int, int, int] | None:
    """An SVG paint as (r, g, b), or None for none/transparent/unknown."""
    if value is None:
        return None
    text = value.strip().lower()
    if text.startswith("url("):  # a gradient or pattern: its fallback colour, if given
        rest = text[text.find(")") + 1:].strip()
        return _colour(rest, current) if rest else None
    if text in ("", "none", "transparent"):
        return None
    if text == "currentcolor":
        return _colour(current, "black") if current.strip().lower() != "currentcolor" else (0, 0, 0)
    if text.startswith("#"):
        digits = text[1:]
        if re.fullmatch(r"[0-9a-f]{3,4}", digits):
            return tuple(int(ch * 2, 16) for ch in digits[:3])  # type: ignore[return-value]
        if re.fullmatch(r"[0-9a-f]{6}([0-9a-f]{2})?", digits):
            return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
        return None
    m = re.fullmatch(r"rgba?\(([^)]*)\)", text)
    if m:
        parts = [p.strip() for p in re.split(r"[\s,/]+", m.group(1).strip()) if p.strip()]
        out = []
        for p in parts[:3]:
            try:
                out.append(float(p[:-1]) * 2.55 if p.endswith("%") else float(p))
            except ValueError:
                return None
        if len(out) != 3 or not all(math.isfinite(c) for c in out):
            return None
        return tuple(max(0, min(255, round(c))) for c in out)  # type: ignore[return-value]
    return NAMED_COLOURS.get(text)


@lru_cache(maxsize=4096)
def _opacity(value: str | None) -> float:
    try:
        v = float(str(value).strip().rstrip("%")) / (100 if str(value).strip().endswith("%") else 1)
    except (TypeError, ValueError):
        return 1.0
    return max(0.0, min(1.0, v)) if math.isfinite(v) else 1.0


def _blend(rgb: tuple[int, int, int], alpha: float) -> tuple[int, int, int]:
    """The colour as seen over white paper at ``alpha`` (EMF records have no alpha)."""
    return tuple(round(alpha * c + (1 - alpha) * 255) for c in rgb)  # type: ignore[return-value]


def _colorref(rgb: tuple[int, int, int]) -> int:
    r, g, b = rgb
    return r | (g << 8) | (b << 16)


def _style(el: ET.Element, parent: dict[str, str]) -> dict[str, str]:
    """The element's presentation properties: inherited ones, its attributes, then style="..."."""
    st = {k: v for k, v in parent.items() if k in INHERITED}
    st["opacity"] = "1"
    st["display"] = "inline"
    for key, value in el.attrib.items():
        name = _local(key)
        if name in INHERITED or name in ("opacity", "display"):
            st[name] = value
    style = el.get("style")
    if style:
        for decl in style.split(";"):
            if ":" in decl:
                key, value = decl.split(":", 1)
                key = key.strip().lower()
                if key in INHERITED or key in ("opacity", "display"):
                    st[key] = value.replace("!important", "").strip()
    for key, value in list(st.items()):
        if value.strip() == "inherit":
            st[key] = parent.get(key, INHERITED.get(key, ""))
    # group opacity is approximated by multiplying it into the children's fill and stroke
    st["group-opacity"] = str(_opacity(parent.get("group-opacity", "1")) * _opacity(st["opacity"]))
    return st


@lru_cache(maxsize=4096)
def _font_face(family: str) -> str:
    for name in family.split(","):
        name = name.strip().strip("'\"").strip()
        if not name:
            continue
        return GENERIC_FONTS.get(name.lower(), name)[:31]
    return DEFAULT_FONT


@lru_cache(maxsize=4096)
def _font_weight(value: str) -> int:
    value = value.strip().lower()
    if value in ("bold", "bolder"):
        return 700
    if value in ("normal", "lighter", ""):
        return 400
    try:
        return max(100, min(900, int(float(value))))
    except ValueError:
        return 400


@lru_cache(maxsize=4096)
def _char_em(ch: str) -> float:
    if unicodedata.combining(ch):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.55


def _text_width(text: str, size: float) -> float:
    return sum(_char_em(ch) for ch in text) * size


# --------------------------------------------------------------------------- path data


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
                    x1, y1 = (2 * x - last_ctrl[0], 2 * y - last_ctrl[1]) if last_ctrl and last_cmd.upper() in "CS" else (x, y)
                x2, y2 = num() + ox, num() + oy
                ex, ey = num() + ox, num() + oy
                if not pts:
                    pts = [(x, y)]
                for k in range(1, FLAT_STEPS + 1):
                    t = k / FLAT_STEPS
                    u = 1 - t
                    pts.append((u ** 3 * x + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t ** 3 * ex,
                                u ** 3 * y + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t ** 3 * ey))
                last_ctrl = (x2, y2)
                x, y = ex, ey
            elif c in "QT":
                if c == "Q":
                    x1, y1 = num() + ox, num() + oy
                else:
                    x1, y1 = (2 * x - last_ctrl[0], 2 * y - last_ctrl[1]) if last_ctrl and last_cmd.upper() in "QT" else (x, y)
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


def _arc(x1: float, y1: float, rx: float, ry: float, rot: float, large: bool, sweep: bool,
         x2: float, y2: float) -> list[tuple[float, float]]:
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
        out.append((cx + rx * math.cos(t) * cos - ry * math.sin(t) * sin, cy + rx * math.cos(t) * sin + ry * math.sin(t) * cos))
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


def _dashes(subpaths: list[tuple[list[tuple[float, float]], bool]], pattern: list[float],
            offset: float) -> list[list[tuple[float, float]]]:
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


# --------------------------------------------------------------------------- the metafile


@dataclass
class _Paint:
    pen: tuple | None  # (colorref, width, style) or None
    brush: int | None  # colorref or None
    dashes: list[float] = field(default_factory=list)  # in device units
    dash_offset: float = 0.0


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
            self.rec(EMR_EXTCREATEPEN, struct.pack("<IIIII", handle, 0, 0, 0, 0)
                     + struct.pack("<IIIIII", style, width, BS_SOLID, colour, 0, 0))

        self.select("pen", pen, create)

    def brush(self, colour: int | None) -> None:
        def create(handle: int) -> None:
            self.rec(EMR_CREATEBRUSHINDIRECT, struct.pack("<IIII", handle, BS_SOLID, colour, 0))

        self.select("brush", None if colour is None else (colour,), create)

    def font(self, key: tuple) -> None:
        def create(handle: int) -> None:
            height, weight, italic, escapement, face = key
            name = face.encode("utf-16-le")[:62]
            self.rec(EMR_EXTCREATEFONTINDIRECTW, struct.pack("<I", handle)
                     + struct.pack("<iiiiiBBBBBBBB", -height, 0, escapement, escapement, weight, italic, 0, 0,
                                   GB2312_CHARSET, 0, 0, 0, 0)
                     + name + b"\0" * (64 - len(name)))

        self.select("font", key, create)

    def grow(self, xs: list[int], ys: list[int], margin: int = 0) -> None:
        if xs and ys:
            self.box = [min(self.box[0], min(xs) - margin), min(self.box[1], min(ys) - margin),
                        max(self.box[2], max(xs) + margin), max(self.box[3], max(ys) + margin)]


def _ints16(pts: list[tuple[float, float]]) -> list[int]:
    """Points as x0, y0, x1, y1, ... rounded to 16-bit integers."""
    flat = [round(c) for p in pts for c in p]
    if min(flat) < -32768 or max(flat) > 32767:
        flat = [max(-32768, min(32767, c)) for c in flat]
    return flat


def _i32(v: float) -> int:
    return max(-(2 ** 31), min(2 ** 31 - 1, round(v)))


class _Converter:
    def __init__(self, root: ET.Element, width: float, height: float, vb: tuple[float, float, float, float],
                 dots_per_mm: int) -> None:
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
                style = (PS_GEOMETRIC | PS_SOLID | PS_ENDCAP.get(st.get("stroke-linecap", "butt").strip(), 0x0200)
                         | PS_JOIN.get(st.get("stroke-linejoin", "miter").strip(), 0x2000))
                pen = (_colorref(_blend(stroke, alpha)), max(1, round(width)), style)
                values = [_length(v, 0.0, font=self.font_size(st)) * scale
                          for v in re.split(r"[\s,]+", st.get("stroke-dasharray", "none").strip()) if v and v != "none"]
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
            out.grow([round(x) for pts, _ in subpaths for x, _ in pts], [round(y) for pts, _ in subpaths for _, y in pts],
                     margin)
        filled = [(pts, closed) for pts, closed in subpaths if len(pts) >= 3]
        if native is not None:
            pass  # filled above; the dashes follow
        elif paint.brush is not None and filled and all(closed for _, closed in subpaths) and solid_pen is not None \
                and len(filled) == 1:
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
        self.out.rec(kind, struct.pack(f"<iiiiII{len(polys)}I{len(flat)}h", min(xs), min(ys), max(xs), max(ys), len(polys),
                                       len(xs), *(len(pts) for pts in polys), *flat))

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
            units = _length(st.get("stroke-width"), 1.0) if (marker.get("markerUnits") or "strokeWidth") == "strokeWidth" else 1.0
            inner: Matrix = IDENTITY
            vb = _numbers(marker.get("viewBox"))
            if len(vb) == 4 and vb[2] > 0 and vb[3] > 0:
                s = min(mw / vb[2], mh / vb[3])
                inner = (s, 0.0, 0.0, s, -vb[0] * s + (mw - vb[2] * s) / 2, -vb[1] * s + (mh - vb[3] * s) / 2)
            rx, ry = _apply(inner, _length(marker.get("refX"), 0.0), _length(marker.get("refY"), 0.0))
            cos, sin = math.cos(angle), math.sin(angle)
            place: Matrix = _mul(_mul((1.0, 0.0, 0.0, 1.0, vx, vy), (cos, sin, -sin, cos, 0.0, 0.0)),
                                 (units, 0.0, 0.0, units, 0.0, 0.0))
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

    def text(self, el: ET.Element, st: dict[str, str], m: Matrix) -> None:
        size = self.font_size(st)
        pos = [_first_length(el.get("x"), 0.0, self.vb[2], size), _first_length(el.get("y"), 0.0, self.vb[3], size)]
        pos[0] += _first_length(el.get("dx"), 0.0, font=size)
        pos[1] += _first_length(el.get("dy"), 0.0, font=size)
        pieces: list[tuple[str, dict[str, str], float, float, bool]] = []  # text, style, x, y, starts a chunk

        def visit(node: ET.Element, nst: dict[str, str], top: bool, level: int = 0) -> None:
            if level > MAX_NESTING:
                return
            if not top:
                nsize = self.font_size(nst)
                new = False
                if node.get("x") is not None:
                    pos[0] = _first_length(node.get("x"), pos[0], self.vb[2], nsize)
                    new = True
                if node.get("y") is not None:
                    pos[1] = _first_length(node.get("y"), pos[1], self.vb[3], nsize)
                    new = True
                pos[0] += _first_length(node.get("dx"), 0.0, font=nsize)
                pos[1] += _first_length(node.get("dy"), 0.0, font=nsize)
                if new:
                    pieces.append(("", nst, pos[0], pos[1], True))
            add(node.text, nst)
            for child in node:
                name = _local(child.tag)
                if name in ("tspan", "a", "textPath"):
                    cst = _style(child, nst)
                    if cst.get("display", "").strip() != "none":
                        visit(child, cst, False, level + 1)
                elif name == "tref":
                    pass
                add(child.tail, nst)

        def add(raw: str | None, nst: dict[str, str]) -> None:
            if not raw:
                return
            text = _XML_BAD.sub("", re.sub(r"[\t\n\r ]+", " ", raw))
            if not text:
                return
            pieces.append((text, nst, pos[0], pos[1], False))
            pos[0] += _text_width(text, self.font_size(nst))

        visit(el, st, True)
        # whitespace at the start and end of each chunk is dropped (xml:space="default")
        chunks: list[list[list]] = []
        for text, nst, x, y, starts in pieces:
            if starts or not chunks:
                chunks.append([])
            if text:
                chunks[-1].append([text, nst, x, y])
        for chunk in chunks:
            if not chunk:
                continue
            chunk[0][0] = chunk[0][0].lstrip(" ")
            chunk[-1][0] = chunk[-1][0].rstrip(" ")
            for text, nst, x, y in chunk:
                if text.strip():
                    self.draw_text(text, nst, m, x, y)

    def draw_text(self, text: str, st: dict[str, str], m: Matrix, x: float, y: float) -> None:
        if st.get("visibility", "visible").strip() in ("hidden", "collapse"):
            return
        size = self.font_size(st)
        fill = _colour(st.get("fill"), st.get("color", "black"))
        if fill is None or size <= 0:
            return
        alpha = _opacity(st.get("fill-opacity")) * _opacity(st.get("group-opacity"))
        if alpha <= 0.01:
            return
        baseline = st.get("dominant-baseline", "auto").strip()
        align = TA_BASELINE
        if baseline in ("middle", "central"):
            y += size * 0.35
        elif baseline in ("hanging", "text-before-edge"):
            align = TA_TOP
        elif baseline in ("text-after-edge", "ideographic"):
            y -= size * 0.12
        anchor = st.get("text-anchor", "start").strip()
        align |= {"middle": TA_CENTER, "end": TA_RIGHT}.get(anchor, TA_LEFT)
        out = self.out
        dev = _apply(m, x, y)
        height = max(1, round(size * _scale_of(m)))
        angle = math.degrees(math.atan2(m[1], m[0]))
        escapement = -round(angle * 10) if abs(angle) > 0.05 else 0
        italic = 1 if st.get("font-style", "normal").strip() in ("italic", "oblique") else 0
        out.font((height, _font_weight(st.get("font-weight", "normal")), italic, escapement,
                  _font_face(st.get("font-family", DEFAULT_FONT))))
        out.setting(EMR_SETTEXTALIGN, align)
        out.setting(EMR_SETTEXTCOLOR, _colorref(_blend(fill, alpha)))
        data = text.encode("utf-16-le", "surrogatepass")
        chars = len(data) // 2
        rx, ry = _i32(dev[0]), _i32(dev[1])
        # bounds: an estimate (viewers ignore this field); the drawing's bounds grow by it
        w = _text_width(text, size) * _scale_of(m)
        horizontal = align & TA_CENTER  # TA_RIGHT's bit is one of TA_CENTER's
        left = rx - (w / 2 if horizontal == TA_CENTER else w if horizontal == TA_RIGHT else 0)
        box = (_i32(left), _i32(ry - height), _i32(left + w), _i32(ry + height * 0.3))
        if escapement == 0:
            out.grow([box[0], box[2]], [box[1], box[3]])
        else:
            out.grow([rx], [ry], height)
        off_string = 76
        body = struct.pack("<iiiiIff", *box, GM_COMPATIBLE, 100 / self.dots, 100 / self.dots)
        body += struct.pack("<iiIIIiiiiI", rx, ry, chars, off_string, 0, 0, 0, -1, -1, 0)
        body += data
        out.rec(EMR_EXTTEXTOUTW, body)

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
            pts = [(cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a))) for a in range(0, 360, 10)]
            native = None
            if _axis_aligned(m):
                (x1, y1), (x2, y2) = _apply(m, cx - rx, cy - ry), _apply(m, cx + rx, cy + ry)
                native = (EMR_ELLIPSE, [_i32(x1), _i32(y1), _i32(x2), _i32(y2)])
            self.shape(self.paint(st, m), [(dev(pts), True)], native)
        elif name == "line":
            pts = [(_length(el.get("x1"), 0.0, vw, size), _length(el.get("y1"), 0.0, vh, size)),
                   (_length(el.get("x2"), 0.0, vw, size), _length(el.get("y2"), 0.0, vh, size))]
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
            self.shape(self.paint(st, m), [(dev(pts), closed) for pts, closed in subpaths], rule=st.get("fill-rule", "nonzero"))
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
            bounds = (max(0, int(out.box[0])), max(0, int(out.box[1])), min(w - 1, int(out.box[2])), min(h - 1, int(out.box[3])))
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


def _canvas(root: ET.Element) -> tuple[float, float, tuple[float, float, float, float]]:
    """(width px, height px, viewBox) of the root svg element, with sensible defaults."""
    vb = _numbers(root.get("viewBox"))
    width = _length(root.get("width"), 0.0) if root.get("width") and "%" not in root.get("width", "") else 0.0
    height = _length(root.get("height"), 0.0) if root.get("height") and "%" not in root.get("height", "") else 0.0
    if len(vb) == 4 and vb[2] > 0 and vb[3] > 0:
        box = (vb[0], vb[1], vb[2], vb[3])
        if width <= 0 and height <= 0:
            width, height = vb[2], vb[3]
        elif width <= 0:
            width = height * vb[2] / vb[3]
        elif height <= 0:
            height = width * vb[3] / vb[2]
    else:
        width = width if width > 0 else 720.0
        height = height if height > 0 else 540.0
        box = (0.0, 0.0, width, height)
    return width, height, box


def svg_to_emf(svg_text: str) -> bytes:
    """The SVG document drawn as an EMF metafile (bytes). Anything it cannot read gives an
    empty white picture of the SVG's size (or 720 x 540 px), never an exception."""
    root = None
    try:
        root = ET.fromstring(_XML_BAD.sub("", str(svg_text)).encode("utf-8"))
    except (ET.ParseError, ValueError):
        root = None
    if root is None or _local(root.tag) != "svg":
        root = ET.Element(f"{{{SVG_NS}}}svg", {"width": "720", "height": "540"})
    width, height, vb = _canvas(root)
    width, height = min(width, 1e6), min(height, 1e6)
    longest_mm = max(width, height) * PX_MM
    dots = max(1, min(MAX_DOTS_PER_MM, int(MAX_DEVICE / max(longest_mm, 1e-6))))
    return _Converter(root, width, height, vb, dots).run()


def text_of(data: bytes) -> str:
    """Every string of an EMF's EMR_EXTTEXTOUTW records, in drawing order, joined without a
    separator (a name wrapped over two lines reads as one): what the public build's leak scan
    reads of the picture, since its UTF-16 text is not seen by a UTF-8 scan."""
    out, pos, end = [], 0, len(data)
    while pos + 8 <= end:
        kind, size = struct.unpack_from("<II", data, pos)
        if size < 8 or pos + size > end:
            break
        if kind == EMR_EXTTEXTOUTW and size >= 76:
            chars, off = struct.unpack_from("<II", data, pos + 44)
            start = pos + off
            if off >= 76 and start + 2 * chars <= pos + size:
                out.append(data[start:start + 2 * chars].decode("utf-16-le", "replace"))
        if kind == EMR_EOF:
            break
        pos += size
    return "".join(out)
