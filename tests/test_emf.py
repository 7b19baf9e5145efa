"""SVG to EMF (quanli.render.emf): the flowchart drawn again as metafile records, read back here
with a small [MS-EMF] record reader, standalone and inside the 一件 DOCX."""

from __future__ import annotations

import io
import math
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from lxml import etree

from quanli.loader.catalogue import load_catalogue
from quanli.render import emf, sheet
from quanli.render.flowchart import layout, to_svg
from quanli.render.view import build_view

ROOT = Path(__file__).resolve().parents[1]
FLOW_FILES = sorted(ROOT.glob("catalogs/*/flows/*.yaml"))
DATE = "2026-11-23"
A_MAIN = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SVG_MAIN = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"

HEADER, POLYGON, POLYLINE, EOF = 1, 3, 4, 14
SETPOLYFILLMODE, SETTEXTALIGN, SETTEXTCOLOR, SETBKMODE, SETMAPMODE = 19, 22, 24, 18, 17
SELECTOBJECT, CREATEPEN, CREATEBRUSHINDIRECT, DELETEOBJECT = 37, 38, 39, 40
ELLIPSE, RECTANGLE, ROUNDRECT = 42, 43, 44
EXTCREATEFONTINDIRECTW, EXTTEXTOUTW = 82, 84
POLYGON16, POLYLINE16, POLYPOLYLINE16, POLYPOLYGON16, EXTCREATEPEN = 86, 87, 90, 91, 95
SHAPES = {RECTANGLE, ROUNDRECT, ELLIPSE, POLYGON16, POLYPOLYGON16, POLYGON}
STOCK = 0x80000000


# --- a small EMF reader ------------------------------------------------------------------


@dataclass
class Header:
    bounds: tuple[int, int, int, int]
    frame: tuple[int, int, int, int]
    signature: int
    version: int
    size: int
    records: int
    handles: int
    description: str
    device: tuple[int, int]
    millimeters: tuple[int, int]


@dataclass
class Metafile:
    header: Header
    records: list[tuple[int, bytes]]  # (type, payload after type and size)

    def of(self, kind: int) -> list[bytes]:
        return [data for t, data in self.records if t == kind]

    def texts(self) -> list[str]:
        out = []
        for data in self.of(EXTTEXTOUTW):
            # Bounds(16) iGraphicsMode(4) exScale(4) eyScale(4), then EmrText: Reference(8) Chars offString ...
            chars, off_string = struct.unpack_from("<II", data, 36)
            start = off_string - 8  # offsets count from the record's start
            out.append(data[start : start + 2 * chars].decode("utf-16-le"))
        return out

    def polys(self, kind: int) -> list[list[tuple[int, int]]]:
        out = []
        for data in self.of(kind):
            (count,) = struct.unpack_from("<I", data, 16)
            flat = struct.unpack_from(f"<{2 * count}h", data, 20)
            out.append(list(zip(flat[0::2], flat[1::2])))
        return out


def read_emf(data: bytes) -> Metafile:
    assert len(data) % 4 == 0 and len(data) >= 108
    kind, size = struct.unpack_from("<II", data, 0)
    assert kind == HEADER and size >= 108 and size % 4 == 0
    bounds = struct.unpack_from("<4i", data, 8)
    frame = struct.unpack_from("<4i", data, 24)
    signature, version, total, count, handles, reserved, n_desc, off_desc, n_pal = struct.unpack_from(
        "<IIIIHHIII", data, 40
    )
    device = struct.unpack_from("<2i", data, 72)
    millimeters = struct.unpack_from("<2i", data, 80)
    assert reserved == 0 and n_pal == 0
    description = data[off_desc : off_desc + 2 * n_desc].decode("utf-16-le") if n_desc else ""
    header = Header(bounds, frame, signature, version, total, count, handles, description, device, millimeters)
    records = []
    pos = size
    while pos < len(data):
        kind, rsize = struct.unpack_from("<II", data, pos)
        assert rsize >= 8 and rsize % 4 == 0 and pos + rsize <= len(data), (pos, kind, rsize)
        records.append((kind, data[pos + 8 : pos + rsize]))
        pos += rsize
    return Metafile(header, records)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def flows() -> list[tuple[str, dict]]:
    return [(f"{p.parent.parent.name}/{p.stem}", yaml.safe_load(p.read_text(encoding="utf-8"))) for p in FLOW_FILES]


FLOWS = flows()
IDS = [name for name, _ in FLOWS]


def check_structure(mf: Metafile, data: bytes) -> None:
    """Header fields match the records; objects are created before use and deleted once."""
    h = mf.header
    assert h.signature == 0x464D4520 and h.version == 0x00010000
    assert h.size == len(data) and h.records == len(mf.records) + 1
    assert mf.records[-1][0] == EOF and [t for t, _ in mf.records].count(EOF) == 1
    alive: set[int] = set()
    created: set[int] = set()
    for kind, payload in mf.records:
        if kind in (CREATEPEN, CREATEBRUSHINDIRECT, EXTCREATEFONTINDIRECTW, EXTCREATEPEN):
            (handle,) = struct.unpack_from("<I", payload)
            assert 0 < handle < h.handles and handle not in alive
            alive.add(handle)
            created.add(handle)
        elif kind == SELECTOBJECT:
            (handle,) = struct.unpack_from("<I", payload)
            assert handle & STOCK or handle in alive
        elif kind == DELETEOBJECT:
            (handle,) = struct.unpack_from("<I", payload)
            assert handle in alive
            alive.remove(handle)
    assert not alive  # everything created is deleted by the end


# --- the converter on the real flowcharts -------------------------------------------------


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_every_step_name_is_drawn_as_text(name: str, flow: dict) -> None:
    svg = to_svg(flow)
    data = emf.svg_to_emf(svg)
    mf = read_emf(data)
    check_structure(mf, data)
    drawn = compact("".join(mf.texts()))  # a wrapped name is drawn line by line, in order
    steps = [s for s in flow["steps"] if isinstance(s, dict)]
    for step in steps:
        assert compact(str(step["name"])) in drawn, step["name"]
    assert compact(flow["name"]) in drawn
    shapes = sum(1 for t, _ in mf.records if t in SHAPES)
    assert shapes >= len(steps)
    assert len(mf.of(ROUNDRECT)) >= 2  # start and end: rounded boxes
    assert len(mf.of(RECTANGLE)) >= 1
    h = mf.header
    assert h.bounds[2] > h.bounds[0] and h.bounds[3] > h.bounds[1]
    assert h.frame[2] > h.frame[0] and h.frame[3] > h.frame[1]


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_frame_device_and_millimetres_agree(name: str, flow: dict) -> None:
    """The frame is the SVG's size at 96 px/in; device units map to 0.01 mm the same way
    through Device/Millimeters (LibreOffice) and through Bounds/Frame (Word)."""
    svg = to_svg(flow)
    root = etree.fromstring(svg.encode("utf-8"))
    width, height = float(root.get("width")), float(root.get("height"))
    h = read_emf(emf.svg_to_emf(svg)).header
    dots_x, dots_y = h.device[0] / h.millimeters[0], h.device[1] / h.millimeters[1]
    assert dots_x == dots_y and dots_x == int(dots_x) >= 1
    # the frame is a whole number of device units: within one of the exact size
    assert abs((h.frame[2] + 1) - width * 2540 / 96) <= 100 / dots_x + 1
    assert abs((h.frame[3] + 1) - height * 2540 / 96) <= 100 / dots_x + 1
    assert (
        abs((h.bounds[2] + 1) * 100 / dots_x - (h.frame[2] + 1)) <= 100 / dots_x + 1
    )  # the background fills the frame
    assert max(h.bounds[2], h.bounds[3]) <= 32767  # the 16-bit records reach everything
    assert "quanli" in h.description and flow["name"] in h.description


def test_arrowheads_are_filled_triangles_at_the_line_ends() -> None:
    flow = next(f for name, f in FLOWS if name.endswith("XK-SPJY"))
    svg = to_svg(flow)
    mf = read_emf(emf.svg_to_emf(svg))
    lay = layout(flow)
    triangles = [p for p in mf.polys(POLYGON16) if len(p) == 3]
    assert len(triangles) == len(lay.edges)
    lines = mf.polys(POLYLINE16)
    ends = [line[-1] for line in lines]
    for line_end in ends:  # every solid line ends at a triangle's tip
        assert any(min(math.dist(line_end, corner) for corner in tri) <= 2 for tri in triangles), line_end
    # the return edges are dashed: cut into dashes here, drawn as one poly-polyline each
    returns = [e for e in lay.edges if e.is_return]
    assert returns and len(mf.of(POLYPOLYLINE16)) >= len(returns)


def test_fonts_colours_and_alignment() -> None:
    flow = FLOWS[0][1]
    mf = read_emf(emf.svg_to_emf(to_svg(flow)))
    faces, heights, weights = set(), set(), set()
    for data in mf.of(EXTCREATEFONTINDIRECTW):
        height, _w, _e, _o, weight, _i, _u, _s, charset = struct.unpack_from("<iiiiiBBBB", data, 4)
        assert charset == 134  # GB2312_CHARSET
        faces.add(data[4 + 28 : 4 + 28 + 64].decode("utf-16-le").rstrip("\0"))
        heights.add(height)
        weights.add(weight)
    assert faces == {"Microsoft YaHei"}
    assert all(h < 0 for h in heights) and len(heights) >= 2  # character heights: 22, 14 and 12 px
    assert weights == {400, 700}
    aligns = {struct.unpack("<I", d)[0] for d in mf.of(SETTEXTALIGN)}
    assert aligns >= {24 | 6, 24}  # TA_BASELINE | TA_CENTER (box names), TA_BASELINE | TA_LEFT (notes)
    assert struct.unpack("<I", mf.of(SETBKMODE)[0])[0] == 1  # TRANSPARENT
    colours = {struct.unpack("<I", d)[0] for d in mf.of(SETTEXTCOLOR)}
    assert 0x1A1A1A in colours  # #1a1a1a as COLORREF 0x00BBGGRR
    brushes = {struct.unpack_from("<III", d)[2] for d in mf.of(CREATEBRUSHINDIRECT)}
    assert 0xDAEFE2 in brushes and 0xF7EBDE in brushes  # #e2efda (start), #deebf7 (process)


def test_same_svg_same_bytes() -> None:
    svg = to_svg(FLOWS[1][1])
    assert emf.svg_to_emf(svg) == emf.svg_to_emf(svg)
    assert emf.svg_to_emf(svg) != emf.svg_to_emf(to_svg(FLOWS[2][1]))


# --- any SVG ---------------------------------------------------------------------------------


def test_generic_svg_elements() -> None:
    svg = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200mm" height="100mm"
      viewBox="0 0 400 200" style="font-family: SimSun, serif">
      <defs><g id="dot"><circle cx="0" cy="0" r="4" fill="red"/></g>
        <marker id="m" markerWidth="4" markerHeight="4" refX="2" refY="2" orient="auto"><polygon points="0,0 4,2 0,4" fill="blue"/></marker>
      </defs>
      <unknown-element><rect width="10" height="10"/></unknown-element>
      <g transform="translate(10 20) scale(2)">
        <rect x="0" y="0" width="20" height="10" style="fill: rgb(255, 0, 0); stroke: #00f; stroke-width: 0.5"/>
        <ellipse cx="40" cy="5" rx="6" ry="3" fill="green" fill-opacity="0.5"/>
        <line x1="0" y1="20" x2="50" y2="20" stroke="black" marker-end="url(#m)"/>
      </g>
      <path d="M10 150 C 40 100, 65 100, 95 150 S 150 200, 180 150 A 20 20 0 0 1 220 150 Q 240 120 260 150 T 300 150 Z"
            fill="none" stroke="purple" stroke-width="2" stroke-dasharray="5,3"/>
      <polyline points="300,20 350,20 350,60" fill="none" stroke="teal" stroke-width="3"/>
      <use xlink:href="#dot" x="380" y="180"/>
      <g transform="rotate(90 200 100)"><rect x="190" y="90" width="20" height="20" fill="orange"/></g>
      <text x="200" y="190" text-anchor="end" font-size="12"><tspan font-weight="bold">粗体</tspan>与常规 mixed 𠀋</text>
      <g display="none"><rect width="400" height="200" fill="black"/></g>
      <rect width="0" height="5" fill="black"/>
    </svg>"""
    data = emf.svg_to_emf(svg)
    mf = read_emf(data)
    check_structure(mf, data)
    assert mf.header.frame[2] + 1 == 20000 and mf.header.frame[3] + 1 == 10000  # 200 mm x 100 mm
    kinds = [t for t, _ in mf.records]
    assert kinds.count(RECTANGLE) == 1  # the red box; the rotated one is a polygon; hidden and empty ones are not drawn
    assert kinds.count(ELLIPSE) == 2  # the ellipse and the <use>d dot
    assert POLYPOLYLINE16 in kinds  # the dashed path
    texts = mf.texts()
    assert texts[0] == "粗体" and "".join(texts) == "粗体与常规 mixed 𠀋"
    (chars,) = struct.unpack_from("<I", mf.of(EXTTEXTOUTW)[1], 36)
    assert chars == len("与常规 mixed 𠀋") + 1  # a character outside the BMP is two UTF-16 units
    brushes = {struct.unpack_from("<III", d)[2] for d in mf.of(CREATEBRUSHINDIRECT)}
    assert 0x0000FF in brushes  # rgb(255, 0, 0)
    assert 0x80C080 in brushes  # green at half opacity, over white
    assert 0xFF0000 in brushes  # the marker's blue triangle
    assert 0x00A5FF in brushes  # the rotated orange square
    fonts = [d[4 + 28 : 4 + 28 + 64].decode("utf-16-le").rstrip("\0") for d in mf.of(EXTCREATEFONTINDIRECTW)]
    assert set(fonts) == {"SimSun"}
    aligns = {struct.unpack("<I", d)[0] for d in mf.of(SETTEXTALIGN)}
    assert 24 | 2 in aligns  # TA_BASELINE | TA_RIGHT


@pytest.mark.parametrize(
    "svg",
    [
        "",
        "not xml",
        "<html/>",
        "<svg/>",
        "<svg xmlns='http://www.w3.org/2000/svg' width='-5' height='abc'/>",
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 0 0'><rect width='1e400' height='nan'/></svg>",
        "<svg xmlns='http://www.w3.org/2000/svg'><path d='M 1 2 L'/><path d='Z Z M'/><polyline points='1'/>"
        "<text>  </text><text x='1e9' y='-1e9'>远处</text><rect width='1e9' height='1e9' fill='#zzz' stroke='url(#x)'/></svg>",
        "<svg xmlns='http://www.w3.org/2000/svg' width='100000' height='50'><rect width='100000' height='50' fill='red'/></svg>",
        "<svg xmlns='http://www.w3.org/2000/svg'><g id='a'><use href='#a'/></g><marker id='m'/>"
        "<line x2='5' y2='5' stroke='red' marker-end='url(#m)' marker-start='url(#nowhere)'/></svg>",
    ],
)
def test_anything_gives_a_valid_metafile(svg: str) -> None:
    data = emf.svg_to_emf(svg)
    mf = read_emf(data)
    check_structure(mf, data)
    h = mf.header
    assert h.frame[2] > 0 and h.frame[3] > 0 and h.bounds[2] >= h.bounds[0]
    for pts in mf.polys(POLYGON16) + mf.polys(POLYLINE16):
        assert all(-32768 <= c <= 32767 for p in pts for c in p)


def test_deep_nesting_is_cut_off_not_an_error() -> None:
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg'><rect width='5' height='5' fill='red'/>"
        + "<g>" * 5000
        + "<rect width='5' height='5'/>"
        + "</g>" * 5000
        + "<text>"
        + "<tspan>" * 3000
        + "x"
        + "</tspan>" * 3000
        + "</text></svg>"
    )
    mf = read_emf(emf.svg_to_emf(svg))
    assert len(mf.of(RECTANGLE)) == 1 and not mf.texts()  # the shallow rectangle only


def test_wide_picture_stays_in_16_bit_coordinates() -> None:
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='20000' height='400'>"
        "<polygon points='0,0 20000,200 0,400' fill='red'/></svg>"
    )
    mf = read_emf(emf.svg_to_emf(svg))
    (tri,) = mf.polys(POLYGON16)
    assert max(x for x, _ in tri) - 1 <= mf.header.bounds[2] <= 32767
    assert abs((mf.header.frame[2] + 1) - 20000 * 2540 / 96) <= 100


# --- inside the sheet's DOCX --------------------------------------------------------------------


@pytest.fixture(scope="module")
def amr():
    return build_view(load_catalogue(ROOT / "catalogs" / "county-amr"), "public", DATE)


def fallbacks_of(data: bytes) -> list[tuple[str, bytes, str]]:
    """Each picture of the sheet: the part its a:blip points at (name, bytes), and its svgBlip's part name."""
    z = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(z.read("word/document.xml"))
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(z.read("word/_rels/document.xml.rels"))}
    out = []
    for blip in root.iter(f"{{{A_MAIN}}}blip"):
        target = "word/" + rels[blip.get(f"{{{R_NS}}}embed")]
        svg_blip = blip.find(f"{{{A_MAIN}}}extLst/{{{A_MAIN}}}ext/{{{SVG_MAIN}}}svgBlip")
        out.append((target, z.read(target), "word/" + rels[svg_blip.get(f"{{{R_NS}}}embed")]))
    return out


def test_sheet_docx_fallback_is_the_flowchart_as_emf(amr) -> None:
    """Every page of every sample flow, as the 一件 embeds it: an EMF of the page beside its SVG,
    all steps drawn across the pages, the picture in the page's proportions."""
    checked = 0
    for item in amr.items:
        flow = amr.flows.get(item.flow_id)
        if not flow:
            continue
        svg = to_svg(flow, internal=amr.internal)
        pages = sheet.figure_pages(amr, item, svg)
        data = sheet.docx_bytes(amr, item, svg)
        pictures = fallbacks_of(data)
        assert len(pictures) == len(pages) >= 1
        z = zipfile.ZipFile(io.BytesIO(data))
        types = etree.fromstring(z.read("[Content_Types].xml"))
        assert any(t.get("Extension") == "emf" and t.get("ContentType") == "image/x-emf" for t in types)
        extents = etree.fromstring(z.read("word/document.xml")).findall(
            ".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
        )
        drawn, shapes = "", 0
        for (name, picture, svg_name), page, extent in zip(pictures, pages, extents):
            assert name.endswith(".emf") and svg_name.endswith(".svg")
            assert z.read(svg_name).decode("utf-8") == page  # Word 2016+ still shows the SVG
            assert not picture.startswith(b"\x89PNG")  # not the old grey placeholder panel
            mf = read_emf(picture)
            check_structure(mf, picture)
            drawn += compact("".join(mf.texts()))
            shapes += sum(1 for t, _ in mf.records if t in SHAPES)
            cx, cy = int(extent.get("cx")), int(extent.get("cy"))
            fw, fh = mf.header.frame[2] + 1, mf.header.frame[3] + 1
            assert abs(cy / cx - fh / fw) < 0.01  # the picture keeps the page's proportions
        steps = [s for s in flow["steps"] if isinstance(s, dict)]
        for step in steps:
            assert compact(step["name"]) in drawn, (item.id, step["name"])
        assert shapes >= len(steps)
        checked += 1
    assert checked >= 10
