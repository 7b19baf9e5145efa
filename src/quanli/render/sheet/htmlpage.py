"""一件 as HTML: the sheet as a page of its own and as a fragment for the site."""

from __future__ import annotations

from html import escape

from quanli.render.sheet.content import (
    INTERNAL_MARK,
    SHEET_NAME,
    Block,
    Grid,
    Numbered,
    Text,
    figure_caption,
    rows,
    subtitle,
)
from quanli.render.view import CatalogueView, ItemView

FONT = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", SimSun, sans-serif'

CSS = """
.ql-sheet { font-family: %(font)s; color: #111; font-size: 14px; line-height: 1.6; max-width: 820px; margin: 0 auto; }
.ql-sheet h1 { font-size: 22px; line-height: 1.4; text-align: center; margin: 8px 0 2px; border: 0; }
.ql-sheet .ql-sub { text-align: center; color: #555; font-size: 13px; margin: 0 0 12px; }
.ql-sheet table { border-collapse: collapse; width: 100%%; table-layout: fixed; }
.ql-sheet th, .ql-sheet td { border: 1px solid #444; padding: 5px 8px; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
.ql-fields > tbody > tr > th { width: 7.5em; background: #e8e8e8; text-align: center; vertical-align: middle; font-weight: bold; }
.ql-sheet p { margin: 0; } .ql-sheet p + p { margin-top: 2px; } .ql-sheet td p, .ql-sheet li { white-space: pre-line; }
.ql-sheet .ql-strong { font-weight: bold; } .ql-sheet .ql-note { color: #444; font-size: 12.5px; }
.ql-sheet ol { margin: 0; padding-left: 1.8em; }
.ql-grid { margin: 4px 0; font-size: 12.5px; line-height: 1.5; }
.ql-grid th { background: #f2f2f2; text-align: center; font-weight: bold; }
.ql-grid th, .ql-grid td { padding: 3px 5px; border-color: #777; }
.ql-grid td.ql-c { text-align: center; } .ql-grid .ql-note { font-size: 11.5px; color: #555; }
.ql-flow { margin: 20px 0 8px; text-align: center; } .ql-flow svg { max-width: 100%%; height: auto; }
.ql-flow figcaption { font-size: 17px; font-weight: bold; margin-bottom: 8px; }
.ql-internal { color: #b00; font-weight: bold; border: 2px solid #b00; padding: 2px 8px; display: inline-block; }
@media print {
  @page { size: A4 portrait; margin: 15mm 14mm; }
  .ql-sheet { max-width: none; font-size: 10.5pt; }
  .ql-grid { font-size: 9pt; }
  .ql-grid thead { display: table-header-group; }
  .ql-grid tr, .ql-flow { break-inside: avoid; }
  .ql-flow { break-before: page; margin-top: 0; } .ql-flow svg { max-height: 250mm; }
  .ql-internal { position: fixed; top: 0; right: 0; }
}
""" % {"font": FONT}


def _html_lines(lines: tuple[str, ...]) -> str:
    return "".join(("<p>" if i == 0 else '<p class="ql-note">') + escape(t) + "</p>" for i, t in enumerate(lines))


def _svg_inline(svg: str) -> str:
    """The SVG document without its XML declaration and doctype, ready to inline."""
    start = svg.find("<svg")
    return svg[start:].strip() if start >= 0 else ""


def _html_block(block: Block, svg: str | None) -> str:
    if isinstance(block, Text):
        cls = f' class="ql-{block.style}"' if block.style else ""
        return f"<p{cls}>{escape(block.text)}</p>"
    if isinstance(block, Numbered):
        return "<ol>" + "".join(f"<li>{escape(t)}</li>" for t in block.items) + "</ol>"
    if isinstance(block, Grid):
        total = sum(block.widths)
        cols = "".join(f'<col style="width:{w / total * 100:.1f}%">' for w in block.widths)
        head = "".join(f"<th>{escape(h)}</th>" for h in block.headers)
        body = "".join(
            "<tr>"
            + "".join(
                ('<td class="ql-c">' if c in block.centered else "<td>") + _html_lines(cell) + "</td>"
                for c, cell in enumerate(row)
            )
            + "</tr>"
            for row in block.rows
        )
        return f'<table class="ql-grid"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    raise TypeError(block)


def sheet_fragment(view: CatalogueView, item: ItemView, svg: str | None = None) -> str:
    """The sheet as an HTML fragment (``<article class="ql-sheet">``) for a page that
    includes :data:`CSS`; the site bundle reuses it inside its own pages."""
    figure = ""
    if svg:
        figure = (
            f'<figure class="ql-flow"><figcaption>附图　{escape(figure_caption(view, item))}</figcaption>\n'
            f"{_svg_inline(svg)}\n</figure>\n"
        )
    body = "\n".join(
        f'<tr><th scope="row">{escape(label)}</th><td>{"".join(_html_block(b, svg) for b in blocks)}</td></tr>'
        for label, blocks in rows(view, item, svg)
    )
    return (
        f'<article class="ql-sheet">\n<h1>{escape(item.name)}</h1>\n'
        f'<p class="ql-sub">{escape(subtitle(view))}</p>\n'
        f'<table class="ql-fields"><tbody>\n{body}\n</tbody></table>\n{figure}</article>\n'
    )


def html(view: CatalogueView, item: ItemView, svg: str | None = None, fragment: str | None = None) -> str:
    """The sheet as a standalone offline HTML page (inline CSS and SVG, no external asset);
    ``fragment``: its :func:`sheet_fragment`, when the caller has made it already."""
    banner = f'<p class="ql-internal">{INTERNAL_MARK}</p>\n' if view.internal else ""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(item.name)} - {SHEET_NAME}</title>\n"
        f"<style>\nbody {{ margin: 0; padding: 16px 24px; background: #fff; }}\n"
        f"@media print {{ body {{ padding: 0; }} }}\n{CSS}</style>\n</head>\n<body>\n"
        f"{banner}{sheet_fragment(view, item, svg) if fragment is None else fragment}</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------
