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

The package, by job: ``records`` (the EMF record types and the writer of records and of the
object table), ``svgparse`` (lengths, transforms, colours, styles and fonts as the SVG gives
them), ``paths`` (outlines as points: path data, arcs, rounded corners, dashes), ``draw``
(the walk over the SVG tree and the records each element draws). Here: :func:`svg_to_emf`
and :func:`text_of`.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

from quanli.render.emf.draw import _Converter
from quanli.render.emf.records import EMR_EOF, EMR_EXTTEXTOUTW
from quanli.render.emf.svgparse import _XML_BAD, PX_MM, SVG_NS, _canvas, _local

__all__ = ["svg_to_emf"]

MAX_DEVICE = 32000  # the picture's longest side in device units: 16-bit records stay in range
MAX_DOTS_PER_MM = 20  # 0.05 mm per device unit (a 1.4 px line is 7 units wide)


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
                out.append(data[start : start + 2 * chars].decode("utf-16-le", "replace"))
        if kind == EMR_EOF:
            break
        pos += size
    return "".join(out)
