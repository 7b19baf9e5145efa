"""The public data of a laid-out chart: ``Box`` (a step), ``Edge`` (a right-angled line with its
label), ``Note`` (an entry of the notes column or of the 环节说明 table) and ``Layout`` (all of
them, as drawn below the title)."""

from __future__ import annotations

from dataclasses import dataclass, field

from quanli.render.flowchart.metrics import NOTE_HEAD_W


@dataclass
class Box:
    """One step: its shape at (x, y) top-left, w x h, and its wrapped text lines."""

    id: str
    name: str
    kind: str  # start | process | decision | end
    x: float
    y: float
    w: float
    h: float
    lines: list[str]
    styles: list[str]  # per line: name | special | text
    special: bool = False
    rank: int = 0
    col: int = 0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Edge:
    """A right-angled flow line from box src to box dst."""

    src: str
    dst: str
    points: list[tuple[float, float]]
    label: str | None
    is_return: bool
    label_box: tuple[float, float, float, float] | None = None  # x, y, w, h
    label_lines: list[str] = field(default_factory=list)


@dataclass
class Note:
    """The notes-column entry of one step (承办岗位, 办理时限, 监督制约, 公开)."""

    step: str
    x: float
    y: float
    w: float
    h: float
    lines: list[str]
    styles: list[str]  # head (the step name, left cell) | text (right cell)
    split: float = NOTE_HEAD_W  # width of the left cell


@dataclass
class Layout:
    """Everything drawn below the title: the chart, then the 环节说明 table (its heading at notes_y).
    Boxes of kind ``connector`` are the ends of lines to and from other pages."""

    width: float
    height: float
    boxes: list[Box]
    edges: list[Edge]
    notes: list[Note]
    notes_y: float = 0.0
    notes_title: str = "环节说明"
