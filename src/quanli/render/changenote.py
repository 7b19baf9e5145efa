"""The 变更说明 (to the supervising office) and the CHANGELOG entry, as markdown and DOCX."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from quanli.report.markdown import cell
from quanli.versioning.release import REPORT_WORKDAYS, Note

TITLE = "行政职权目录和运行流程图变更说明"
ORDER = ["新增", "删除", "修改", "改编号", "停止行使", "取消"]
HEADERS = ["序号", "事项编号", "事项名称", "变化", "变更内容", "变更理由"]


def _zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def tally(note: Note) -> str:
    counts = note.counts()
    parts = [f"{kind} {counts[kind]} 项" for kind in ORDER if counts.get(kind)]
    return "，".join(parts) if parts else "事项没有变化"


def intro(note: Note) -> str:
    since = f"自上一版本 {note.previous} 以来" if note.previous else "本目录首次发布，"
    return (
        f"根据法律法规的立改废和职责调整情况，{note.unit}对行政职权目录和运行流程图进行了修订，形成 {note.version} 版，"
        f"于 {_zh_date(note.date)} 发布。{since}共{tally(note)}。现将变更情况说明如下："
    )


def deadline_line(note: Note) -> str:
    estimate = ""
    if note.estimated:
        years = "、".join(str(y) for y in note.estimated)
        estimate = (
            f"{years} 年的法定节假日安排尚未公布，此期限按《全国年节及纪念日放假办法》预估，不含调休，"
            f"通知公布后请以实际安排为准"
        )
    return (
        f"报送期限：{_zh_date(note.deadline)}{'（预估）' if note.estimated else ''}（{note.date.isoformat()} 发布，"
        f"依规定在 {REPORT_WORKDAYS} 个工作日内作出说明，自次日起算，不含法定节假日{'；' + estimate if estimate else ''}）。"
    )


def changelog_entry(note: Note) -> str:
    """The CHANGELOG.md entry: heading, counts, the table and other changes."""
    lines = [
        f"## {note.version}（{note.date.isoformat()}）",
        "",
        f"{note.unit}。{('上一版本：' + note.previous + '。') if note.previous else '首次发布。'}{tally(note)}。"
        f"变更说明报送{note.report_to}，期限 {note.deadline_text()}。",
        "",
    ]
    lines += _table(note)
    if note.others:
        lines += ["其他变化：", ""] + [f"- {cell(o)}" for o in note.others] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _table(note: Note) -> list[str]:
    if not note.rows:
        return []
    out = ["| " + " | ".join(HEADERS) + " |", "|---:|---|---|---|---|---|"]
    for n, row in enumerate(note.rows, 1):
        ident = f"{row.old_id} → {row.id}" if row.old_id else row.id
        out.append(
            f"| {n} | {cell(ident)} | {cell(row.name)} | {row.change} | {'<br>'.join(cell(w) for w in row.what)} | {cell(row.reason)} |"
        )
    return out + [""]


def markdown(note: Note) -> str:
    """The 变更说明 as markdown."""
    lines = [f"# {note.unit}{TITLE}", "", f"{note.report_to}：", "", intro(note), ""]
    lines += _table(note) or ["（事项没有变化。）", ""]
    if note.others:
        lines += ["流程图、法律法规和处室的变化：", ""] + [f"- {cell(o)}" for o in note.others] + [""]
    lines += ["特此说明。", "", note.unit, "", _zh_date(note.date), "", f"> {deadline_line(note)}"]
    return "\n".join(lines) + "\n"


def docx(note: Note) -> bytes:
    """The 变更说明 as DOCX: A4 landscape, 宋体/黑体, a fixed-grid table; same input, same bytes."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Twips

    from quanli.render import sheet, wordml
    from quanli.render.bundle import rezip

    doc = Document(BytesIO(sheet._base_docx()))
    when = dt.datetime(max(note.date.year, 1980), note.date.month, note.date.day, tzinfo=dt.timezone.utc)
    props = doc.core_properties
    props.title = sheet.xml_safe(f"{note.unit}{TITLE}")[:255]
    props.subject = TITLE
    props.author = sheet.xml_safe(note.unit)[:255]
    props.last_modified_by = "quanli"
    props.identifier = sheet.xml_safe(note.version)[:255]
    props.version = sheet.xml_safe(note.version)[:255]
    props.comments = props.keywords = props.category = ""
    props.language = "zh-CN"
    props.revision = 1
    props.created = props.modified = props.last_printed = when.replace(tzinfo=None)

    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Twips(sheet.PAGE_H), Twips(sheet.PAGE_W)
    text_w = sheet.PAGE_H - 2 * sheet.MARGIN_LR
    footer = sec.footer._element
    for p in list(footer):
        footer.remove(p)
    footer.extend(wordml.elements(sheet.footer_xml()))

    para, safe = sheet._para, sheet.xml_safe
    parts = [
        para("QLTitle", safe(f"{note.unit}{TITLE}"), keep_next=True),
        para("QLSubtitle", safe(f"版本 {note.version}　发布日期 {note.date.isoformat()}"), keep_next=True),
        para("QLBody", safe(f"{note.report_to}：")),
        para("QLBody", safe("　　" + intro(note))),
        para("QLNote"),
    ]
    if note.rows:
        shares = [0.05, 0.13, 0.2, 0.07, 0.33, 0.22]
        widths = [int(text_w * s) for s in shares]
        widths[-1] = text_w - sum(widths[:-1])
        rows = [
            wordml.row(
                "".join(
                    wordml.cell(w, para("QLGridHead", head), "D9D9D9", "center") for w, head in zip(widths, HEADERS)
                ),
                cant_split=True,
                header=True,
            )
        ]
        for n, row in enumerate(note.rows, 1):
            ident = f"{row.old_id} → {row.id}" if row.old_id else row.id
            values = [[str(n)], [ident], [row.name], [row.change], row.what or [""], [row.reason or "（未说明）"]]
            rows.append(
                wordml.row(
                    "".join(
                        wordml.cell(w, "".join(para("QLGrid", safe(text)) for text in texts), valign="center")
                        for w, texts in zip(widths, values)
                    ),
                    cant_split=True,
                )
            )
        parts += [wordml.table(widths, 80, 40, "".join(rows), center=True), para("QLNote")]
    else:
        parts.append(para("QLBody", "　　本次发布事项没有变化。"))
    if note.others:
        parts.append(para("QLStrong", "流程图、法律法规和处室的变化", keep_next=True))
        parts += [para("QLBody", safe(f"{n}.\t{other}"), hanging=340) for n, other in enumerate(note.others, 1)]
        parts.append(para("QLNote"))
    parts += [para("QLBody", "　　特此说明。"), para("QLNote")]
    parts += [para("QLBody", safe(text), align="right") for text in (note.unit, _zh_date(note.date))]
    parts += [para("QLNote"), para("QLNote", safe(deadline_line(note)))]
    body = doc.element.body
    sect = body.sectPr
    body.extend(wordml.elements("".join(parts)))
    body.append(sect)  # sectPr goes last
    out = BytesIO()
    doc.save(out)
    return rezip(out.getvalue(), int(when.timestamp()))
