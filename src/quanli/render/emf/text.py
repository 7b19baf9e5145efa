"""Text drawn as EMF records: a ``text`` element with its ``tspan`` runs laid out along the baseline
(x, y, dx, dy; white space collapsed and trimmed per chunk, as xml:space="default" says), each run set
as one EXTTEXTOUTW with its font, alignment and colour."""

from __future__ import annotations

import math
import re
import struct
import xml.etree.ElementTree as ET

from quanli.render.emf.records import (
    EMR_EXTTEXTOUTW,
    EMR_SETTEXTALIGN,
    EMR_SETTEXTCOLOR,
    GM_COMPATIBLE,
    TA_BASELINE,
    TA_CENTER,
    TA_LEFT,
    TA_RIGHT,
    TA_TOP,
    _colorref,
    _i32,
)
from quanli.render.emf.svgparse import (
    _XML_BAD,
    DEFAULT_FONT,
    Matrix,
    _apply,
    _blend,
    _colour,
    _first_length,
    _font_face,
    _font_weight,
    _local,
    _opacity,
    _scale_of,
    _style,
    _text_width,
)

MAX_NESTING = 200  # deeper elements are not drawn (no recursion error on hostile input)


class TextDrawing:
    """The text half of the converter (``draw._Converter``): it needs the converter's ``out`` (the
    record writer), ``vb`` (the viewBox), ``dots`` (device units per mm) and ``font_size``."""

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
        out.font(
            (
                height,
                _font_weight(st.get("font-weight", "normal")),
                italic,
                escapement,
                _font_face(st.get("font-family", DEFAULT_FONT)),
            )
        )
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
