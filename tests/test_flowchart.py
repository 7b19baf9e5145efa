"""Flowchart (一图) layout, SVG and Mermaid: geometry checks on real and generated flows."""

from __future__ import annotations

import copy
import itertools
import random
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from quanli.render.flowchart import (
    NO_LINE_END,
    NO_LINE_START,
    PAD,
    PAGE_H,
    PAGE_W,
    SHEET_PAGE_H,
    layout,
    layout_pages,
    text_width,
    to_mermaid,
    to_print_html,
    to_svg,
    to_svg_pages,
    wrap_text,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(ROOT.glob("catalogs/*/flows/*.yaml"))
SVG = "{http://www.w3.org/2000/svg}"
EPS = 0.6


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def stress_flow() -> dict:
    """30 steps: a 21-step main line, 3 side branches that rejoin, 3 return loops, 3 exits."""
    main = [f"m{i}" for i in range(1, 22)]
    steps: dict[str, dict] = {}
    for i, sid in enumerate(main):
        step = {
            "id": sid,
            "name": f"第{i + 1}步办理环节" + ("（需要较长的名称以便换行显示）" if i % 5 == 2 else ""),
            "type": "process",
            "post": f"第{i % 4 + 1}科室承办人员",
            "time_limit": [0, 1, 3, {"value": 2, "unit": "自然日", "note": "可延长"}][i % 4],
            "supervision": "全过程留痕，负责人审核签字。" * (1 + i % 3),
            "next": [main[i + 1]] if i + 1 < len(main) else [],
        }
        steps[sid] = step
    steps["m1"]["type"] = "start"
    steps["m21"]["type"] = "end"
    # three decisions with a side branch rejoining further down (shorter than the main line)
    for dec, side, join in (("m4", ["b1", "b2"], "m9"), ("m10", ["b3", "b6"], "m14"), ("m15", ["b4", "b5"], "m20")):
        steps[dec]["type"] = "decision"
        steps[dec]["next"] = [
            {"to": steps[dec]["next"][0], "label": "符合条件"},
            {"to": side[0], "label": "需要补充核查"},
        ]
        for j, sid in enumerate(side):
            steps[sid] = {
                "id": sid,
                "name": f"分支环节{sid}",
                "post": "核查人员",
                "special": sid == "b3",
                "next": [side[j + 1] if j + 1 < len(side) else join],
            }
    # three return loops
    steps["m6"]["type"] = "decision"
    steps["m6"]["next"] = [
        {"to": "m7", "label": "齐全"},
        {"to": "m2", "label": "材料不齐，一次性告知补正", "return": True},
    ]
    steps["m12"]["type"] = "decision"
    steps["m12"]["next"] = [{"to": "m13", "label": "通过"}, {"to": "m8", "label": "退回重新审查"}]
    steps["m18"]["type"] = "decision"
    steps["m18"]["next"] = [{"to": "m19", "label": "同意"}, {"to": "m5", "label": "修改后再次提请", "return": True}]
    # three exits
    for dec, end in (("m3", "x1"), ("m16", "x2"), ("m19", "x3")):
        steps[dec]["type"] = "decision"
        steps[dec]["next"] = list(steps[dec]["next"]) + [{"to": end, "label": f"不予办理{end}"}]
        steps[end] = {"id": end, "name": f"终止办理{end}", "type": "end", "description": "书面告知理由和救济途径。"}
    flow = {
        "id": "STRESS",
        "name": "三十个环节的压力测试流程图",
        "steps": list(steps.values()),
        "complaint": {"phone": "12345"},
    }
    assert len(flow["steps"]) == 30
    return flow


SCRIPT = "<script>alert(1)</script>"

MALFORMED = {
    "unknown-target": {
        "id": "a",
        "name": "x",
        "steps": [{"id": "a", "name": "开始", "next": ["nowhere", {"to": "b"}]}, {"id": "b", "name": "结束"}],
    },
    "unreachable": {
        "id": "u",
        "name": "x",
        "steps": [
            {"id": "a", "name": "开始", "type": "start", "next": ["b"]},
            {"id": "b", "name": "结束", "type": "end"},
            {"id": "orphan", "name": "孤立环节", "next": ["orphan2", "b"]},
            {"id": "orphan2", "name": "孤立环节二"},
        ],
    },
    "cycle-unmarked": {
        "id": "c",
        "name": "x",
        "steps": [
            {"id": "a", "name": "甲", "next": ["b"]},
            {"id": "b", "name": "乙", "next": ["c"]},
            {"id": "c", "name": "丙", "next": ["a", "d"]},
            {"id": "d", "name": "丁"},
        ],
    },
    "all-cycle-no-start": {
        "id": "d",
        "name": "x",
        "steps": [
            {"id": "a", "name": "甲", "type": "process", "next": ["b"]},
            {"id": "b", "name": "乙", "type": "process", "next": ["a"]},
        ],
    },
    "self-loop": {
        "id": "e",
        "name": "x",
        "steps": [{"id": "a", "name": "甲", "next": ["a", "b"]}, {"id": "b", "name": "乙"}],
    },
    "forward-return": {
        "id": "f",
        "name": "x",
        "steps": [{"id": "a", "name": "甲", "next": [{"to": "b", "return": True}]}, {"id": "b", "name": "乙"}],
    },
    "junk": {
        "id": "g",
        "name": None,
        "steps": [
            None,
            "text",
            {"name": "无编号"},
            {"id": "a", "name": 12, "type": "diamond", "next": "b", "time_limit": "三天", "disclosure": "公开"},
            {"id": "a", "name": "重复编号", "next": [None, 3, {"label": {"x": 1}}, {"to": "b", "label": 5}]},
            {"id": "b", "name": "", "time_limit": {"value": "x"}, "special": "yes", "next": {"to": "a"}},
        ],
        "complaint": "拨打12345",
    },
    "no-steps": {"id": "h", "name": "空流程"},
    "steps-not-list": {"id": "i", "name": "x", "steps": {"a": 1}},
    "control-chars": {
        "id": "j",
        "name": "a\x00b",
        "steps": [{"id": "a", "name": "甲\x07乙\ud800", "next": [{"to": "a", "label": "\x1b退回"}]}],
    },
    "long-text": {
        "id": "k",
        "name": "x",
        "steps": [
            {"id": "a", "name": "很长" * 60, "description": "https://example.gov.cn/" + "a" * 200, "next": ["b"]},
            {"id": "b", "name": "ab cd " * 30},
        ],
    },
}


def all_flows() -> list[tuple[str, dict]]:
    return [(p.stem, load(p)) for p in SAMPLES] + [("STRESS", stress_flow())]


FLOWS = all_flows()
IDS = [name for name, _ in FLOWS]


# --------------------------------------------------------------------------- helpers


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


def on_boundary(box, p) -> bool:
    x, y = p
    if box.kind == "decision":
        v = abs(x - box.cx) / (box.w / 2) + abs(y - box.cy) / (box.h / 2)
        return abs(v - 1) < 0.02
    inside_x = box.x - EPS <= x <= box.x + box.w + EPS
    inside_y = box.y - EPS <= y <= box.y + box.h + EPS
    on_v = abs(x - box.x) < EPS or abs(x - box.x - box.w) < EPS
    on_h = abs(y - box.y) < EPS or abs(y - box.y - box.h) < EPS
    return inside_x and inside_y and (on_v or on_h)


def strictly_inside(box, p, margin=1.0) -> bool:
    x, y = p
    if box.kind == "decision":
        return abs(x - box.cx) / (box.w / 2 - margin) + abs(y - box.cy) / (box.h / 2 - margin) < 1
    return box.x + margin < x < box.x + box.w - margin and box.y + margin < y < box.y + box.h - margin


def overlap(a, b) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def rect(b) -> tuple[float, float, float, float]:
    return (b.x, b.y, b.w, b.h)


def check_geometry(lay, labels_off_lines: bool = True) -> None:
    boxes = {b.id: b for b in lay.boxes}
    for a, b in itertools.combinations(lay.boxes, 2):
        assert overlap(rect(a), rect(b)) == 0, (a.id, b.id)
    for n in lay.notes:
        for b in lay.boxes:
            assert overlap((n.x, n.y, n.w, n.h), rect(b)) == 0, (n.step, b.id)
    for a, b in itertools.combinations(lay.notes, 2):
        assert overlap((a.x, a.y, a.w, a.h), (b.x, b.y, b.w, b.h)) == 0
    for e in lay.edges:
        assert len(e.points) >= 2
        for (x1, y1), (x2, y2) in zip(e.points, e.points[1:]):
            assert x1 == x2 or y1 == y2, (e.src, e.dst, e.points)
        assert on_boundary(boxes[e.src], e.points[0]), (e.src, e.dst, e.points[0])
        assert on_boundary(boxes[e.dst], e.points[-1]), (e.src, e.dst, e.points[-1])
        # no line runs through a box (sampled every 2 px)
        for (x1, y1), (x2, y2) in zip(e.points, e.points[1:]):
            n = int(max(abs(x2 - x1), abs(y2 - y1)) // 2) + 1
            for i in range(n + 1):
                p = (x1 + (x2 - x1) * i / n, y1 + (y2 - y1) * i / n)
                for b in lay.boxes:
                    assert not strictly_inside(b, p), (e.src, e.dst, b.id, p)
    labels = [e.label_box for e in lay.edges if e.label]
    assert all(labels)
    for lab in labels:
        for b in lay.boxes:
            assert overlap(lab, rect(b)) == 0, (lab, b.id)
        for n in lay.notes:
            assert overlap(lab, (n.x, n.y, n.w, n.h)) == 0
    for a, b in itertools.combinations(labels, 2):
        assert overlap(a, b) == 0, (a, b)
    for lab in labels if labels_off_lines else []:  # a label sits beside its line, never on a line
        for e in lay.edges:
            for (x1, y1), (x2, y2) in zip(e.points, e.points[1:]):
                seg = (min(x1, x2) - 1, min(y1, y2) - 1, abs(x2 - x1) + 2, abs(y2 - y1) + 2)
                assert overlap(lab, seg) == 0, (lab, e.src, e.dst)
    for b in lay.boxes:
        assert b.x >= 0 and b.y >= 0 and b.x + b.w <= lay.width and b.y + b.h <= lay.height


# --------------------------------------------------------------------------- text


def test_text_width_estimate() -> None:
    assert text_width("审查", 10) == 20
    assert text_width("ab", 10) == pytest.approx(11)
    assert text_width("１", 10) == 10  # fullwidth digit


def test_wrap_respects_width_and_kinsoku() -> None:
    text = (
        "申请人提交材料不齐全的，应当当场或者在五日内一次性告知申请人需要补正的全部内容（《行政许可法》第三十二条）。"
    )
    for width in range(3, 20):
        lines = wrap_text(text, width * 12, 12)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in NO_LINE_START, lines
        for line in lines[:-1]:
            assert line[-1] not in NO_LINE_END, lines
        for line in lines:
            assert text_width(line.rstrip("".join(NO_LINE_START)), 12) <= width * 12 + 1e-6


def test_wrap_keeps_ascii_words() -> None:
    assert wrap_text("call 12345 now", 4 * 12, 12) == ["call", "12345", "now"]


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_box_lines_follow_kinsoku(name: str, flow: dict) -> None:
    for b in layout(flow).boxes:
        for prev, line in zip(b.lines, b.lines[1:]):
            if prev and line:
                assert line[0] not in NO_LINE_START, (b.id, b.lines)
                assert prev[-1] not in NO_LINE_END, (b.id, b.lines)


# --------------------------------------------------------------------------- SVG


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_every_step_name_is_drawn(name: str, flow: dict) -> None:
    svg = to_svg(flow)
    drawn = [compact(t) for t in texts(svg)]
    for step in flow["steps"]:
        assert any(compact(step["name"]) in t for t in drawn), step["name"]
    assert compact(flow["name"]) in drawn


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_shapes_follow_gb1526(name: str, flow: dict) -> None:
    root = ET.fromstring(to_svg(flow).encode("utf-8"))
    kinds = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        kind = g.get("data-kind")
        kinds[g.get("data-id")] = kind
        if kind == "decision":
            poly = g.find(f"{SVG}polygon")
            assert poly is not None and len(poly.get("points").split()) == 4
        else:
            r = g.find(f"{SVG}rect")
            assert r is not None
            if kind in ("start", "end"):
                assert float(r.get("rx")) > 0
            else:
                assert float(r.get("rx", "0")) == 0
    for step in flow["steps"]:
        assert kinds[step["id"]] == step.get("type", kinds[step["id"]])


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_geometry(name: str, flow: dict) -> None:
    check_geometry(layout(flow))


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_svg_polylines_are_orthogonal(name: str, flow: dict) -> None:
    root = ET.fromstring(to_svg(flow).encode("utf-8"))
    lines = [p for p in root.iter(f"{SVG}polyline") if "edge" in p.get("class", "")]
    assert len(lines) == len(layout(flow).edges)
    for p in lines:
        pts = [tuple(map(float, xy.split(","))) for xy in p.get("points").split()]
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            assert x1 == x2 or y1 == y2
        assert p.get("marker-end", "").startswith("url(#")


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_main_line_is_straight(name: str, flow: dict) -> None:
    """The longest path from the start is one vertical line of boxes."""
    lay = layout(flow)
    by_id = {b.id: b for b in lay.boxes}
    start = next(s["id"] for s in flow["steps"] if s.get("type") == "start")
    spine = [b for b in lay.boxes if b.col == 0 and by_id[start].rank <= b.rank]
    assert by_id[start].col == 0
    ranks = sorted(b.rank for b in spine)
    assert ranks == list(range(len(ranks)))  # one box per row, no gap
    assert len({b.cx for b in spine}) == 1
    assert len(ranks) == max(b.rank for b in lay.boxes) + 1  # it is the longest path
    for b in spine[:-1]:
        nxt = next(c for c in spine if c.rank == b.rank + 1)
        assert any(e.src == b.id and e.dst == nxt.id and len(e.points) == 2 for e in lay.edges)


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_return_loops_run_in_a_side_lane(name: str, flow: dict) -> None:
    lay = layout(flow)
    left = min(b.x for b in lay.boxes)
    right = max(b.x + b.w for b in lay.boxes)
    marked = [
        (s["id"], n["to"]) for s in flow["steps"] for n in s.get("next", []) if isinstance(n, dict) and n.get("return")
    ]
    returns = [e for e in lay.edges if e.is_return]
    assert {(e.src, e.dst) for e in returns} >= set(marked)
    for e in returns:
        xs = [x1 for (x1, y1), (x2, y2) in zip(e.points, e.points[1:]) if x1 == x2 and y1 != y2]
        assert any(x < left or x > right for x in xs), e.points


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_notes_beside_or_below_the_chart(name: str, flow: dict) -> None:
    """A narrow chart has its notes in a column on its right, aligned with the rows; a wider one
    has them in the 环节说明 table below it, one row per step in reading order, a page wide."""
    lay = layout(flow)
    by_id = {b.id: b for b in lay.boxes}
    assert len({n.x for n in lay.notes}) == 1
    if not lay.notes[0].split:  # the column
        assert min(n.x for n in lay.notes) > max(b.x + b.w for b in lay.boxes)
        assert lay.width <= PAGE_W
        rows: dict[int, list] = {}
        for n in lay.notes:
            rows.setdefault(by_id[n.step].rank, []).append(n)
        for rank, notes in rows.items():
            centre = (min(n.y for n in notes) + max(n.y + n.h for n in notes)) / 2
            for b in lay.boxes:
                if b.rank == rank:
                    assert abs(b.cy - centre) < 1.0
    else:  # the table
        assert lay.notes_y > max(b.y + b.h for b in lay.boxes)
        assert lay.notes[0].y > lay.notes_y
        for a, b in zip(lay.notes, lay.notes[1:]):
            assert b.y == pytest.approx(a.y + a.h)  # rows follow each other
            ka, kb = by_id[a.step], by_id[b.step]
            assert (ka.rank, ka.col) <= (kb.rank, kb.col)
        assert {n.w for n in lay.notes} == {PAGE_W - 2 * PAD}
    steps_with_post = {s["id"] for s in flow["steps"] if s.get("post")}
    assert steps_with_post <= {n.step for n in lay.notes}


def test_notes_column_for_a_narrow_chart_table_for_a_wide_one() -> None:
    narrow = {
        "id": "n",
        "name": "n",
        "steps": [
            {
                "id": f"s{i}",
                "name": f"环节{i}",
                "post": "科室",
                "supervision": "留痕。" * 10,
                "next": [f"s{i + 1}"] if i < 3 else [],
            }
            for i in range(4)
        ],
    }
    lay = layout(narrow)
    assert lay.notes and all(n.split == 0 for n in lay.notes) and lay.notes_y == 0
    assert lay.width <= PAGE_W
    wide = load(ROOT / "catalogs/county-amr/flows/CF-YBCX.yaml")
    lay = layout(wide)
    assert lay.notes and all(n.split > 0 for n in lay.notes) and lay.notes_y > 0
    assert "环节说明" in "".join(texts(to_svg(wide)))
    assert layout(narrow, notes=False).notes == [] and layout(wide, notes=False).notes == []


def test_notes_show_post_limit_supervision_disclosure() -> None:
    flow = load(ROOT / "catalogs/county-amr/flows/XK-SPJY.yaml")
    notes = {n.step: "".join(n.lines) for n in layout(flow).notes}
    assert "承办岗位：登记注册科" in notes["accept"]
    assert "办理时限：1个工作日" in notes["accept"]
    assert "监督制约：" in notes["accept"]
    assert "公开范围：申请人" in notes["accept"] and "公开形式：受理通知书、不予受理通知书" in notes["accept"]
    assert "公开时限：受理时当场告知" in notes["accept"]
    assert "办理时限：即办" in notes["apply"]
    flow = {
        "id": "t",
        "name": "t",
        "steps": [
            {"id": "a", "name": "甲", "time_limit": 5, "next": ["b"]},
            {"id": "b", "name": "乙", "time_limit": {"value": 2, "unit": "个月"}},
        ],
    }
    notes = {n.step: "".join(n.lines) for n in layout(flow).notes}
    assert "5个工作日" in notes["a"] and "2个月" in notes["b"]


def test_special_steps_are_dashed_and_marked() -> None:
    flow = load(ROOT / "catalogs/county-amr/flows/XK-SPJY.yaml")
    root = ET.fromstring(to_svg(flow).encode("utf-8"))
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node":
            shape = g[0]
            text = "".join(g.find(f"{SVG}text").itertext())
            special = g.get("data-id") == "hearing"
            assert (shape.get("stroke-dasharray") is not None) == special
            assert ("特别程序（不计时限）" in text) == special


def test_title_footer_and_internal_mark() -> None:
    flow = load(ROOT / "catalogs/county-amr/flows/CF-YBCX.yaml")
    drawn = "".join(texts(to_svg(flow)))
    assert "行政处罚一般程序流程图" in drawn
    assert "投诉举报途径" in drawn and "12315" in drawn and "jdts@amr.example.gov.cn" in drawn
    assert "内部资料" not in drawn
    drawn = "".join(texts(to_svg(flow, title="另一个标题", complaint={"phone": "110"}, internal=True)))
    assert "另一个标题" in drawn and "内部资料" in drawn and "110" in drawn and "12315" not in drawn
    svg = to_svg(flow)
    family = ET.fromstring(svg.encode()).get("font-family")
    assert family.startswith('"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun')


def test_text_from_the_flow_is_escaped() -> None:
    flow = {
        "id": "x",
        "name": f"{SCRIPT} & <b>",
        "steps": [
            {
                "id": "a",
                "name": SCRIPT,
                "type": "start",
                "post": '"><script>',
                "next": [{"to": "b", "label": "<i>&amp;"}],
            },
            {"id": "b", "name": "a & b < c", "type": "end"},
        ],
        "complaint": {"phone": "<script>x</script>"},
    }
    svg = to_svg(flow, title=SCRIPT)
    root = ET.fromstring(svg.encode("utf-8"))
    tags = {el.tag for el in root.iter()}
    assert f"{SVG}script" not in tags and "script" not in tags and f"{SVG}i" not in tags
    drawn = texts(svg)
    assert any(SCRIPT in compact(t) or SCRIPT.replace(" ", "") in compact(t) for t in drawn)
    assert any("<i>&amp;" in t for t in drawn)
    assert any("a & b < c" in t for t in drawn)


def test_determinism_and_no_mutation() -> None:
    for _, flow in FLOWS:
        before = copy.deepcopy(flow)
        assert to_svg(flow) == to_svg(copy.deepcopy(flow))
        assert to_mermaid(flow) == to_mermaid(copy.deepcopy(flow))
        assert flow == before


def test_all_sample_flows_render() -> None:
    assert len(SAMPLES) >= 10
    for path in SAMPLES:
        root = ET.fromstring(to_svg(load(path)).encode("utf-8"))
        assert root.tag == f"{SVG}svg"
        assert float(root.get("width")) > 0 and float(root.get("height")) > 0


def test_stress_flow_layout() -> None:
    flow = stress_flow()
    lay = layout(flow)
    assert len(lay.boxes) == 30
    check_geometry(lay)
    assert sum(e.is_return for e in lay.edges) == 3
    main = {b.id: b for b in lay.boxes if re.fullmatch(r"m\d+", b.id)}
    assert len({b.cx for b in main.values()}) == 1  # the main line is straight
    side = [b for b in lay.boxes if b.id[0] in "bx"]
    assert len(side) == 9
    assert all(b.col != 0 for b in side)
    # loops whose spans overlap run in different lanes, the longer one outside
    loops = []
    for e in lay.edges:
        if e.is_return:
            (lane,) = [x1 for (x1, y1), (x2, y2) in zip(e.points, e.points[1:]) if x1 == x2 and y1 != y2]
            ys = [p[1] for p in e.points]
            loops.append((min(ys), max(ys), lane))
    assert len(loops) == 3
    for (a0, a1, ax), (b0, b1, bx) in itertools.combinations(loops, 2):
        if a0 <= b1 and b0 <= a1:
            assert ax != bx
            assert (a1 - a0 > b1 - b0) == (ax < bx)  # left lanes: the longer loop is further out


def random_flow(seed: int) -> dict:
    """A dense random flow: 2-30 steps, up to 3 exits each, some loops (marked or not)."""
    rnd = random.Random(seed)
    n = rnd.randint(2, 30)
    names = ["受理", "审查", "决定是否给予行政处罚", "送达", "组织听证会并制作听证笔录"]
    labels = ["符合", "不符合，退回补正", "需要现场核查", "是", "否", "涉嫌犯罪或者不属本局管辖"]
    steps = []
    for i in range(n):
        nxt = []
        for _ in range(rnd.choice([0, 1, 1, 1, 2, 2, 3]) if i < n - 1 else 0):
            j = rnd.randint(i + 1, n - 1) if rnd.random() < 0.85 or i == 0 else rnd.randint(0, i)
            item: dict = {"to": f"s{j}"}
            if rnd.random() < 0.5:
                item["label"] = rnd.choice(labels)
            if j <= i and rnd.random() < 0.5:
                item["return"] = True
            nxt.append(item)
        step = {"id": f"s{i}", "name": rnd.choice(names) + str(i), "next": nxt, "post": "科室"}
        if i == 0:
            step["type"] = "start"
        steps.append(step)
    return {"id": "r", "name": "随机", "steps": steps}


@pytest.mark.parametrize("seed", range(80))
def test_random_flows_keep_geometry(seed: int) -> None:
    """Denser than any real flow: boxes, lines and labels still never collide."""
    flow = random_flow(seed)
    check_geometry(layout(flow), labels_off_lines=False)
    ET.fromstring(to_svg(flow).encode("utf-8"))


# --------------------------------------------------------------------------- malformed


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_flows_do_not_raise(name: str) -> None:
    flow = MALFORMED[name]
    svg = to_svg(flow)
    ET.fromstring(svg.encode("utf-8"))
    lay = layout(flow)
    check_geometry(lay)
    text = to_mermaid(flow)
    assert text.startswith("flowchart TD\n")


@pytest.mark.parametrize("value", [None, [], "text", 3, {"steps": None}])
def test_not_a_flow_does_not_raise(value) -> None:
    ET.fromstring(to_svg(value).encode("utf-8"))  # type: ignore[arg-type]
    assert to_mermaid(value).startswith("flowchart TD")  # type: ignore[arg-type]
    assert layout(value).boxes == []  # type: ignore[arg-type]


def test_unknown_targets_are_skipped() -> None:
    lay = layout(MALFORMED["unknown-target"])
    assert [(e.src, e.dst) for e in lay.edges] == [("a", "b")]


def test_unreachable_steps_go_to_the_bottom() -> None:
    lay = layout(MALFORMED["unreachable"])
    by_id = {b.id: b for b in lay.boxes}
    assert by_id["orphan"].y > by_id["b"].y + by_id["b"].h
    assert by_id["orphan2"].y > by_id["orphan"].y


def test_unmarked_cycle_is_drawn_as_a_loop() -> None:
    lay = layout(MALFORMED["cycle-unmarked"])
    (loop,) = [e for e in lay.edges if e.is_return]
    assert (loop.src, loop.dst) == ("c", "a")


def test_deep_chain_does_not_recurse() -> None:
    n = 1500
    steps = [{"id": f"s{i}", "name": f"环节{i}", "next": [f"s{i + 1}"] if i + 1 < n else []} for i in range(n)]
    lay = layout({"id": "deep", "name": "deep", "steps": steps})
    assert len(lay.boxes) == n


# --------------------------------------------------------------------------- A4 pages

A4_W_PT, A4_H_PT = 170 / 25.4 * 72, 257 / 25.4 * 72  # A4 portrait less 20 mm margins: 481.9 x 728.5 pt
SHEET_H_PT = 220 / 25.4 * 72  # the picture box of the 一件 DOCX's 附图 page
FRAME = {"unit": "示例县市场监督管理局", "version": "2024年第1版", "date": "2024-06-01"}
MADE_BY = "制图单位：示例县市场监督管理局　版本：2024年第1版　日期：2024-06-01"


def printed_text_pt(svg: str, height_pt: float = A4_H_PT) -> float:
    """The size 12 px body text prints at when the page is scaled to fit the printable area."""
    root = ET.fromstring(svg.encode("utf-8"))
    w_pt, h_pt = float(root.get("width")) * 0.75, float(root.get("height")) * 0.75
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    return 12 * 0.75 * min(A4_W_PT / w_pt, height_pt / h_pt)


def classed(svg: str, tag: str, cls: str) -> list:
    root = ET.fromstring(svg.encode("utf-8"))
    return [el for el in root.iter(f"{SVG}{tag}") if el.get("class") == cls]


def drawn_text(el) -> str:
    return compact("".join(el.itertext()))


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_pages_fit_a4_at_9pt(name: str, flow: dict) -> None:
    """Scaled to the printable area of A4 portrait (or the 一件 DOCX's picture box), every page
    prints its 12 px text at 9 pt or more."""
    for page_h, height_pt in ((PAGE_H, A4_H_PT), (SHEET_PAGE_H, SHEET_H_PT)):
        for notes in (True, False):
            pages = to_svg_pages(flow, page_h=page_h, notes=notes, **FRAME)
            for svg in pages:
                assert printed_text_pt(svg, height_pt) >= 9.0, (page_h, notes)
                assert float(ET.fromstring(svg.encode()).get("width")) == PAGE_W
    assert PAGE_W * 0.75 <= A4_W_PT < (PAGE_W + 1) * 0.75  # the page is as wide as it can be
    assert PAGE_H * 0.75 <= A4_H_PT < (PAGE_H + 1) * 0.75 and SHEET_PAGE_H * 0.75 <= SHEET_H_PT


def test_long_flows_take_several_pages() -> None:
    for flow in (load(ROOT / "catalogs/city-gov-office/flows/LC-ZDJC.yaml"), stress_flow()):
        assert printed_text_pt(to_svg(flow)) < 9  # drawn whole, it would print too small
        pages = to_svg_pages(flow, **FRAME)
        assert len(pages) >= 3
        assert all(printed_text_pt(svg) >= 9 for svg in pages)
    short = load(ROOT / "catalogs/county-amr/flows/FW-YSFW.yaml")
    assert to_svg_pages(short, **FRAME) == [to_svg(short, **FRAME)]  # one page: the whole chart


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_pages_keep_the_geometry(name: str, flow: dict) -> None:
    for page_h in (PAGE_H, SHEET_PAGE_H):
        for lay in layout_pages(flow, page_h=page_h, **FRAME):
            check_geometry(lay)
            assert lay.width <= PAGE_W


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_pages_draw_every_step_and_its_notes_once(name: str, flow: dict) -> None:
    pages = to_svg_pages(flow, **FRAME)
    drawn = {}
    for svg in pages:
        for g in classed(svg, "g", "node"):
            assert g.get("data-id") not in drawn
            drawn[g.get("data-id")] = drawn_text(g)
    assert sorted(drawn) == sorted(s["id"] for s in flow["steps"])
    for step in flow["steps"]:
        assert compact(step["name"]) in drawn[step["id"]]
    rows = [g.get("data-step") for svg in pages for g in classed(svg, "g", "note")]
    assert len(rows) == len(set(rows))
    assert {s["id"] for s in flow["steps"] if s.get("post")} <= set(rows)


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_lines_to_other_pages_end_at_connectors(name: str, flow: dict) -> None:
    """Every line of the flow is drawn: within a page, or as a line to a connector "转第N页" that
    names its step and one from a connector "接第M页" on that page; returns stay red both ways."""
    lays = layout_pages(flow, **FRAME)
    page_of = {b.id: k for k, lay in enumerate(lays) for b in lay.boxes if b.kind != "connector"}
    names = {s["id"]: compact(s["name"]) for s in flow["steps"]}
    for e in layout(flow).edges:
        pu, pv = page_of[e.src], page_of[e.dst]
        if pu == pv:
            assert [x.is_return for x in lays[pu].edges if (x.src, x.dst) == (e.src, e.dst)] == [e.is_return]
            continue
        conns = {b.id: compact("".join(b.lines)) for lay in lays for b in lay.boxes if b.kind == "connector"}
        out = [
            x
            for x in lays[pu].edges
            if x.src == e.src and f"转第{pv + 1}页" in conns.get(x.dst, "") and names[e.dst][:3] in conns[x.dst]
        ]
        assert len(out) == 1 and out[0].is_return == e.is_return and out[0].label == e.label, (e.src, e.dst)
        into = [
            x
            for x in lays[pv].edges
            if x.dst == e.dst and f"接第{pu + 1}页" in conns.get(x.src, "") and names[e.src][:3] in conns[x.src]
        ]
        assert len(into) == 1 and into[0].is_return == e.is_return, (e.src, e.dst)
        assert (e.label or "") in (into[0].label or "")
    for lay in lays:  # a connector holds one end of its lines, nothing else
        for b in lay.boxes:
            if b.kind == "connector":
                ends = [x for x in lay.edges if b.id in (x.src, x.dst)]
                assert ends and all(x.src == b.id for x in ends) != all(x.dst == b.id for x in ends)


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_pages_title_footer_and_page_numbers(name: str, flow: dict) -> None:
    pages = to_svg_pages(flow, **FRAME)
    n = len(pages)
    for k, svg in enumerate(pages):
        (title,) = classed(svg, "text", "title")
        assert drawn_text(title) == compact(flow["name"]) + ("（续）" if k else "")
        (made_by,) = classed(svg, "text", "made-by")
        assert drawn_text(made_by) == compact(MADE_BY)
        numbers = [drawn_text(t) for t in classed(svg, "text", "page-number")]
        assert numbers == ([f"第{k + 1}页共{n}页"] if n > 1 else [])
        assert len(classed(svg, "g", "footer")) == (k == n - 1)  # the complaint box ends the last page
    legend = "".join(drawn_text(t) for t in classed(pages[-1], "g", "footer"))
    linked = any(classed(svg, "g", "connector") for svg in pages)
    assert ("灰色框＝转至或接自其他页" in legend) == linked
    assert linked == any(b.kind == "connector" for lay in layout_pages(flow, **FRAME) for b in lay.boxes)


def test_footer_shows_unit_version_and_date() -> None:
    flow = load(ROOT / "catalogs/county-amr/flows/CF-YBCX.yaml")
    (made_by,) = classed(to_svg(flow, **FRAME), "text", "made-by")
    assert drawn_text(made_by) == compact(MADE_BY)
    assert classed(to_svg(flow), "text", "made-by") == []
    (made_by,) = classed(to_svg(flow, unit="某局", date="2024-01-02"), "text", "made-by")
    assert drawn_text(made_by) == "制图单位：某局日期：2024-01-02"
    svg = to_svg(flow, unit="<b>局</b>", version="v&1", date="x")
    assert "<b>" not in svg and "&lt;b&gt;局&lt;/b&gt;" in svg


def test_print_html_holds_every_page_once() -> None:
    flow = load(ROOT / "catalogs/city-gov-office/flows/LC-ZDJC.yaml")
    pages = to_svg_pages(flow, internal=True, **FRAME)
    doc = to_print_html(flow, internal=True, **FRAME)
    assert doc.count("<svg") == len(pages) > 1 and "<?xml" not in doc
    assert "@page { size: A4 portrait; margin: 20mm; }" in doc and "width: 170mm" in doc
    ids = re.findall(r' id="([^"]+)"', doc)
    assert len(ids) == len(set(ids)) == 2 * len(pages)  # each page's arrow markers are its own
    for svg in pages:
        assert svg[svg.index("<svg") :] in doc


def test_pages_are_deterministic() -> None:
    for _, flow in FLOWS:
        before = copy.deepcopy(flow)
        assert to_svg_pages(flow, **FRAME) == to_svg_pages(copy.deepcopy(flow), **FRAME)
        assert flow == before


@pytest.mark.parametrize("seed", range(0, 80, 5))
def test_random_flows_paginate(seed: int) -> None:
    flow = random_flow(seed)
    for lay in layout_pages(flow, page_h=SHEET_PAGE_H):
        check_geometry(lay, labels_off_lines=False)
    for svg in to_svg_pages(flow, page_h=SHEET_PAGE_H):
        ET.fromstring(svg.encode("utf-8"))


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_flows_paginate(name: str) -> None:
    for svg in to_svg_pages(MALFORMED[name], page_h=300):
        ET.fromstring(svg.encode("utf-8"))
    for lay in layout_pages(MALFORMED[name], page_h=300):
        check_geometry(lay)


# --------------------------------------------------------------------------- Mermaid

KEYWORDS = {
    "end",
    "graph",
    "flowchart",
    "subgraph",
    "style",
    "class",
    "classdef",
    "click",
    "linkstyle",
    "direction",
    "default",
}
NODE_DEF = re.compile(r"^    (\w+)(\(\[|\[|\{)\"")
EDGE = re.compile(r'^    (\w+) (-->|-\.->)(?:\|"[^"]*"\|)? (\w+)$')


def unescape_mermaid(s: str) -> str:
    s = s.replace("<br/>", "")
    for code, ch in (
        ("#quot;", '"'),
        ("#lt;", "<"),
        ("#gt;", ">"),
        ("#amp;", "&"),
        ("#96;", "`"),
        ("#124;", "|"),
        ("#35;", "#"),
    ):
        s = s.replace(code, ch)
    return s


@pytest.mark.parametrize("name,flow", FLOWS, ids=IDS)
def test_mermaid_is_well_formed(name: str, flow: dict) -> None:
    text = to_mermaid(flow)
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    ids = []
    edges = []
    for line in lines[1:]:
        assert line.count('"') % 2 == 0, line
        if m := NODE_DEF.match(line):
            ids.append(m.group(1))
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(2), m.group(3)))
        else:
            assert line.startswith(("    %%", "    classDef ", "    class ")), line
    assert len(ids) == len(flow["steps"]) == len(set(ids))
    assert not {i.lower() for i in ids} & KEYWORDS
    assert all(a in ids and b in ids for a, _, b in edges)
    body = unescape_mermaid(text)
    for step in flow["steps"]:
        assert compact(step["name"]) in compact(body)
    n_returns = sum(e.is_return for e in layout(flow).edges)
    assert sum(1 for _, arrow, _ in edges if arrow == "-.->") == n_returns


def test_mermaid_shapes_and_escaping() -> None:
    flow = {
        "id": "m",
        "name": "m",
        "steps": [
            {"id": "end", "name": 'say "hi" #1 <b>', "type": "start", "next": [{"to": "graph", "label": 'a"b|c'}]},
            {"id": "graph", "name": "判断", "type": "decision", "next": [{"to": "end", "label": "退回补正"}, "x"]},
            {"id": "x", "name": "办结", "type": "end", "special": True},
        ],
    }
    text = to_mermaid(flow)
    assert 's1(["say #quot;hi#quot; #35;1 #lt;b#gt;"])' in text
    assert 's2{"判断"}' in text
    assert 's3(["办结<br/>特别程序（不计时限）"])' in text
    assert 's1 -->|"a#quot;b#124;c"| s2' in text
    assert 's2 -.->|"退回补正"| s1' in text
    assert "<b>" not in text and " end" not in text.replace("flowchart TD", "")
    assert "class s3 special" in text


@pytest.mark.skipif(shutil.which("mmdc") is None, reason="mermaid-cli (mmdc) is not installed")
def test_mermaid_cli_parses(tmp_path: Path) -> None:  # pragma: no cover - optional tool
    for name, flow in FLOWS:
        src = tmp_path / f"{name}.mmd"
        src.write_text(to_mermaid(flow), encoding="utf-8")
        subprocess.run(["mmdc", "-i", str(src), "-o", str(tmp_path / f"{name}.svg")], check=True, capture_output=True)
