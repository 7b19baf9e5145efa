"""一件: the disclosure sheet (权力运行公开表) of one item, as DOCX and as HTML.

Both renderers walk the same list of rows built by :func:`rows` (label → blocks), so
the Word sheet and the web sheet always carry the same content. Rows with nothing to
show are left out. Everything comes from an :class:`ItemView` of a :class:`CatalogueView`
(already filtered by audience); the flowchart arrives as a finished SVG document from
the flowchart module and is trusted, everything else is text from the catalogue and is
escaped.

DOCX notes (see ``shared/engineering.md``):

- Chinese fonts are set with ``w:eastAsia`` in ``w:rFonts`` on the document defaults, on
  every style used and on every run (``run.font.name`` alone only sets Latin fonts), and
  the theme-font attributes that would override them are removed.
- LibreOffice ignores table widths unless the grid and every cell have a width: both
  are always written, and tables use the fixed layout.
- The flowchart follows the table as 附图 on a page of its own (the 办理流程 row lists the
  steps and points to it): a tall picture inside a table row pushes the rest of the row
  to the next page and leaves most of a page empty. It is embedded the way Word 2016+
  embeds SVG: an ``a:blip`` pointing at a fallback picture with an ``asvg:svgBlip``
  extension pointing at the SVG part. The fallback is the same chart drawn as an EMF
  metafile (``quanli.render.emf``: vector records, text as text), which LibreOffice, WPS
  and Word before 2016 show; python-docx does not know EMF, so its part and relationship
  are added by hand.
- python-docx prepares, once per process, the empty sheet of each kind (styles, fonts,
  page setup, header and footer, the picture's relationships): its members are compressed once
  and shared by every sheet. Each sheet's own XML (document.xml, core.xml) is written as
  text by ``quanli.render.wordml``: python-docx's paragraph and table API costs about 50x
  more, lxml elements 5x more.
- Reproducible: core properties come from ``view.date``, the ZIP has sorted entries and
  fixed timestamps, so the same view gives the same bytes.

Modules: ``content`` (the rows and their blocks, shared), ``htmlpage`` (the HTML page and the site's
fragment), ``wordfile`` (the DOCX and its 附图 pages), ``wordstyles`` (page, fonts, styles, footer).
"""

from __future__ import annotations

from quanli.render.sheet.content import (
    INNER_CM,
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
from quanli.render.sheet.htmlpage import CSS, FONT, html, sheet_fragment
from quanli.render.sheet.wordfile import (
    EMF_PART,
    FIGURE_NOTE,
    SVG_PART,
    core_xml,
    docx_bytes,
    docx_members,
    fallback_emf,
    figure_pages,
    package_members,
    picture_parts,
    svg_aspect,
)
from quanli.render.sheet.wordstyles import (
    FIG_H_CM,
    FIG_W_CM,
    MARGIN_LR,
    PAGE_H,
    PAGE_W,
    TEXT_W,
    _base_docx,
    _para,
    footer_xml,
    xml_safe,
)

__all__ = [
    "CSS",
    "EMF_PART",
    "FIG_H_CM",
    "FIG_W_CM",
    "FIGURE_NOTE",
    "FONT",
    "INNER_CM",
    "INTERNAL_MARK",
    "MARGIN_LR",
    "PAGE_H",
    "PAGE_W",
    "SHEET_NAME",
    "SVG_PART",
    "TEXT_W",
    "Block",
    "Grid",
    "Numbered",
    "Text",
    "_base_docx",
    "_para",
    "core_xml",
    "docx_bytes",
    "docx_members",
    "fallback_emf",
    "figure_caption",
    "figure_pages",
    "footer_xml",
    "html",
    "package_members",
    "picture_parts",
    "rows",
    "sheet_fragment",
    "subtitle",
    "svg_aspect",
    "xml_safe",
]
