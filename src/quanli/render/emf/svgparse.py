"""What the SVG says, read for drawing: lengths, transforms, colours, styles and fonts.

Affine matrices (_mul, _apply) for ``transform``; lengths in user units with their units,
percentages and em (_length); paints as (r, g, b) from #rgb, rgb() or names (_colour) and
opacities (_blend: EMF has no alpha, colours are mixed with white); an element's presentation
properties, inherited, from attributes and ``style="..."`` (_style); the font's face and
weight, and an estimate of a text's width (_text_width); the root's size (_canvas).
"""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from functools import lru_cache

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
PX_MM = 25.4 / 96  # CSS pixel in millimetres
DEFAULT_FONT = "Microsoft YaHei"
GENERIC_FONTS = {
    "sans-serif": "Microsoft YaHei",
    "serif": "SimSun",
    "monospace": "SimSun",
    "system-ui": "Microsoft YaHei",
    "cursive": "KaiTi",
    "fantasy": "Microsoft YaHei",
}
_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, "q": 96 / 101.6}
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

NAMED_COLOURS = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "red": (255, 0, 0),
    "lime": (0, 255, 0),
    "green": (0, 128, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "cyan": (0, 255, 255),
    "aqua": (0, 255, 255),
    "magenta": (255, 0, 255),
    "fuchsia": (255, 0, 255),
    "silver": (192, 192, 192),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "maroon": (128, 0, 0),
    "olive": (128, 128, 0),
    "purple": (128, 0, 128),
    "teal": (0, 128, 128),
    "navy": (0, 0, 128),
    "orange": (255, 165, 0),
    "darkgray": (169, 169, 169),
    "darkgrey": (169, 169, 169),
    "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211),
    "dimgray": (105, 105, 105),
    "dimgrey": (105, 105, 105),
    "darkred": (139, 0, 0),
    "darkgreen": (0, 100, 0),
    "darkblue": (0, 0, 139),
    "brown": (165, 42, 42),
    "pink": (255, 192, 203),
    "gold": (255, 215, 0),
    "steelblue": (70, 130, 180),
    "whitesmoke": (245, 245, 245),
    "gainsboro": (220, 220, 220),
    "crimson": (220, 20, 60),
    "firebrick": (178, 34, 34),
    "orangered": (255, 69, 0),
    "darkorange": (255, 140, 0),
    "lightblue": (173, 216, 230),
    "lightyellow": (255, 255, 224),
    "lightgreen": (144, 238, 144),
    "beige": (245, 245, 220),
    "ivory": (255, 255, 240),
    "tomato": (255, 99, 71),
    "indigo": (75, 0, 130),
    "violet": (238, 130, 238),
    "slategray": (112, 128, 144),
    "slategrey": (112, 128, 144),
    "skyblue": (135, 206, 235),
    "khaki": (240, 230, 140),
}

# properties children inherit, with their initial values (SVG 1.1)
INHERITED = {
    "fill": "black",
    "fill-opacity": "1",
    "fill-rule": "nonzero",
    "stroke": "none",
    "stroke-width": "1",
    "stroke-opacity": "1",
    "stroke-dasharray": "none",
    "stroke-dashoffset": "0",
    "stroke-linecap": "butt",
    "stroke-linejoin": "miter",
    "font-size": "16",
    "font-weight": "normal",
    "font-style": "normal",
    "font-family": DEFAULT_FONT,
    "text-anchor": "start",
    "visibility": "visible",
    "color": "black",
    "dominant-baseline": "auto",
    "marker-start": "none",
    "marker-end": "none",
}


Matrix = tuple[float, float, float, float, float, float]  # a b c d e f: x' = a x + c y + e, y' = b x + d y + f
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m · n: n is applied first."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


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
        rest = text[text.find(")") + 1 :].strip()
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
