"""Mermaid: ``to_mermaid`` writes a flow as ``flowchart TD`` text (ids s1, s2, … never clash with
keywords), its labels escaped with Mermaid's entity codes and wrapped between words, not inside one;
the steps a diff changed or removed get the classes ``changed`` and ``removed``."""

from __future__ import annotations

from quanli.render.flowchart.graph import SPECIAL_TEXT, _parse, _rank
from quanli.render.flowchart.metrics import NAME_PX
from quanli.render.flowchart.text import _XML_BAD, NO_LINE_END, NO_LINE_START, _clean, _wrap_even, text_width


def _mm(text: str) -> str:
    """Escape for a quoted Mermaid label with Mermaid's own entity codes."""
    text = _XML_BAD.sub("", text)
    text = text.replace("#", "#35;")
    for ch, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;"), ("|", "#124;")):
        text = text.replace(ch, code)
    return text


# A label runs up to this much wider than its width rather than break inside a clause: Mermaid
# sizes its boxes to the text, and a word cut in two ("符<br/>合法定形式") reads worse than a wide box.
_MM_SLACK = 1.5
_MM_BEFORE = frozenset("和与及或")  # a clause may break before these, keeping 或者, 及时 whole
_MM_AFTER = frozenset("的")
# words of the flowcharts a long clause is not cut inside (without a dictionary any two characters
# could be a word: these are the ones the charts use most)
_MM_WORDS = frozenset(
    """
申请 申请人 当事人 材料 符合 法定 形式 要求 是否 齐全 补正 一次性 告知 受理 不予 予以 审查 审核 审批 审定 核查 核实 决定
作出 准予 许可 行政 处罚 强制 检查 征收 给付 确认 裁决 奖励 备案 登记 变更 注销 撤销 延续 颁发 证照 证件 证书 送达
执行 办结 归档 立案 结案 调查 取证 听证 陈述 申辩 复议 诉讼 赔偿 依法 依据 规定 法律 法规 规章 部门 机关 单位 窗口
主管 上级 负责人 分管 局长 科室 岗位 人员 现场 勘验 检验 检测 鉴定 专家 评审 论证 公示 公告 公开 通知 通知书 说明
理由 出具 提交 提出 报送 报请 移送 流程 程序 标准 期限 时限 工作日 自然日 集体 讨论 签发 批准 组织 实施 监督 制约
申请材料 法定形式 工作人员 行政许可 行政处罚 受理通知书 决定书
""".split()
)


def _mm_pieces(text: str, level: int) -> list[str]:
    """``text`` cut where a line may break without splitting a word: after punctuation or a space, and
    before an opening bracket (level 0); after 的, before 和与及或 (level 1); between any two Chinese
    characters but inside one of ``_MM_WORDS`` (level 2). ASCII words and numbers stay whole."""
    inside = set()
    if level == 2:
        for size in (2, 3, 4, 5):
            for j in range(len(text) - size + 1):
                if text[j : j + size] in _MM_WORDS:
                    inside.update(range(j + 1, j + size))
    out, start = [], 0
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if a.isascii() and b.isascii() and not (a.isspace() or b.isspace()):
            continue  # inside 3.5, a,b, GB/T or a URL: never
        if b in NO_LINE_START or a in NO_LINE_END or b in _MM_AFTER:
            continue  # 避头尾, and no line starts with 的
        if level == 0:
            cut = a in NO_LINE_START or a.isspace() or b in NO_LINE_END
        elif level == 1:
            cut = (a in _MM_AFTER or b in _MM_BEFORE) and not a.isascii() and not b.isascii()
        else:
            cut = i not in inside
        if cut:
            out.append(text[start:i])
            start = i
    out.append(text[start:])
    return [p for p in out if p]


def _mm_wrap(text: str, em: int = 12) -> list[str]:
    """A label as lines of about ``em`` characters that break between words, not inside one: at
    punctuation first, then at 的/和/与/及/或, then between characters outside the known words;
    only an ASCII run longer than the slack allows is cut, by ``_wrap_even``."""
    width = em * NAME_PX
    out: list[str] = []
    for para in _XML_BAD.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        para = para.strip()
        if not para:
            continue
        if text_width(para, NAME_PX) <= width:
            out.append(para)
            continue
        pieces: list[str] = []
        for clause in _mm_pieces(para, 0):
            if text_width(clause, NAME_PX) <= width * _MM_SLACK:
                pieces.append(clause)
                continue
            for part in _mm_pieces(clause, 1):
                if text_width(part, NAME_PX) <= width:
                    pieces.append(part)
                    continue
                for bit in _mm_pieces(part, 2):  # a long URL or code: the existing wrapper's hard breaks
                    pieces += (
                        [bit] if text_width(bit, NAME_PX) <= width * _MM_SLACK else _wrap_even(bit, width, NAME_PX)
                    )
        out += _mm_pack(pieces, width)
    return out


def _mm_pack(pieces: list[str], width: float) -> list[str]:
    """Pieces joined into the fewest lines no wider than ``width`` (a wider piece is a line of its own),
    and of those the most even: the widest line as narrow as it can be."""
    n = len(pieces)
    widths = [text_width(p, NAME_PX) for p in pieces]
    best: list[tuple[int, float, int]] = [(0, 0.0, 0)] + [
        (n + 1, 0.0, 0)
    ] * n  # (lines, widest, start of the last line)
    for end in range(1, n + 1):
        run = 0.0
        for start in range(end - 1, -1, -1):
            run += widths[start]
            if run > width and start < end - 1:
                break
            lines, widest, _ = best[start]
            cand = (lines + 1, max(widest, run), start)
            if cand[:2] < best[end][:2]:
                best[end] = cand
    out, end = [], n
    while end > 0:
        start = best[end][2]
        out.append("".join(pieces[start:end]).strip())
        end = start
    return [line for line in reversed(out) if line]


def _mm_lines(text: str, em: int = 12) -> str:
    return "<br/>".join(_mm(t) for t in _mm_wrap(text, em) if t)


MM_CHANGED = "classDef changed fill:#fff3cd,stroke:#d4a017,stroke-width:2px"
MM_REMOVED = "classDef removed fill:#f8d7da,stroke:#c0392b,stroke-width:2px"


def to_mermaid(
    flow: dict,
    *,
    changed: list[str] | tuple[str, ...] | set[str] = (),
    removed: list[str] | tuple[str, ...] | set[str] = (),
) -> str:
    """One flow as Mermaid ``flowchart TD`` text (ids s1, s2, … never clash with keywords).

    The steps whose ids are in ``changed`` get the class ``changed`` (yellow), those in ``removed``
    the class ``removed`` (red): a diff marks what it changed in the charts before and after."""
    nodes, edges = _parse(flow)
    if nodes:
        _rank(nodes, edges)  # marks the unmarked cycles as return loops
    ids = {n.idx: f"s{n.idx + 1}" for n in nodes}
    out = ["flowchart TD"]
    name = _clean(flow.get("name")) if isinstance(flow, dict) else ""
    if name:
        out.append(f"    %% 流程图：{name.replace(chr(10), ' ')}")
    for n in nodes:
        label = _mm_lines(n.name) or _mm(n.id)
        if n.special:
            label += "<br/>" + _mm(SPECIAL_TEXT)
        if n.kind in ("start", "end"):
            shape = f'(["{label}"])'
        elif n.kind == "decision":
            shape = f'{{"{label}"}}'
        else:
            shape = f'["{label}"]'
        out.append(f"    {ids[n.idx]}{shape}")
    for e in edges:
        arrow = "-.->" if e.ret else "-->"
        if e.label:
            out.append(f'    {ids[e.src]} {arrow}|"{_mm_lines(e.label, 10)}"| {ids[e.dst]}')
        else:
            out.append(f"    {ids[e.src]} {arrow} {ids[e.dst]}")
    specials = [ids[n.idx] for n in nodes if n.special]
    if specials:
        out.append("    classDef special stroke-dasharray: 5 5")
        out.append(f"    class {','.join(specials)} special")
    for wanted, style, cls in ((set(changed), MM_CHANGED, "changed"), (set(removed), MM_REMOVED, "removed")):
        marked = [ids[n.idx] for n in nodes if n.id in wanted]
        if marked:
            out.append(f"    {style}")
            out.append(f"    class {','.join(marked)} {cls}")
    return "\n".join(out) + "\n"
