"""Writes the hostile-input corpus: ``files/`` (the bytes, exactly as a clerk would have them) and
``cases.toml`` (where each file goes in a small valid catalogue and what quanli must say about it).

    python tests/corpus/generate.py

The corpus is committed; this script documents how each file was made and is the one place
to add a case. ``tests/test_corpus.py`` runs every case. Files that cannot or should not be
committed (over 4 MB, symbolic links, FIFOs, names Windows cannot check out, names that differ
only by case) are made by the test at run time from a committed file or a ``make`` recipe.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from conftest import FLOW, dump, item  # noqa: E402

CASES: list[dict] = []
BLOBS: dict[str, bytes] = {}

B = dump(item(ident="T-XK-002", name="排污许可证核发"))  # a second valid item; line 2 is its name
ITEM = "items/T-XK-002.yaml"


def rep(old: str, new: str, text: str = B) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def case(id: str, category: str, note: str, put: dict | None = None, **expect) -> None:
    """put: catalogue path -> bytes or text (UTF-8) of a corpus file."""
    files = {}
    for n, (dest, content) in enumerate((put or {}).items()):
        data = content.encode("utf-8") if isinstance(content, str) else content
        suffix = ".bin" if b"\0" in data[:4096] or category == "binary" else ".yaml"
        name = f"{category}/{id}{'' if n == 0 else f'.{n}'}{suffix}"
        BLOBS[name] = data
        files[dest] = name
    CASES.append({"id": id, "category": category, "note": note, "put": files, **expect})


# ---- encodings ---------------------------------------------------------------------------
case(
    "gbk",
    "encoding",
    "an item saved as GBK (Notepad's ANSI on Chinese Windows)",
    {ITEM: B.encode("gbk")},
    exit=1,
    rule="QL100",
    line=2,
    column=7,
    zh="GBK",
    en="GBK",
)
case(
    "gb18030-four-byte",
    "encoding",
    "GB18030 with a four-byte character",
    {ITEM: rep("排污许可证核发", "𠀀排污许可证核发").encode("gb18030")},
    exit=1,
    rule="QL100",
    line=2,
    column=7,
)
case(
    "big5",
    "encoding",
    "traditional Chinese saved as Big5",
    {ITEM: "id: T-XK-002\nname: 排汙許可證核發\nsubject: 測試縣生態環境局\n".encode("big5")},
    exit=1,
    rule="QL100",
    line=2,
    column=7,
)
case(
    "latin1",
    "encoding",
    "Latin-1 text (an accented letter)",
    {ITEM: "id: T-XK-002\nname: Caf\xe9\n".encode("latin-1")},
    exit=1,
    rule="QL100",
    line=2,
    column=10,
)
case(
    "utf16-le-bom",
    "encoding",
    "UTF-16 LE with BOM (Notepad's 'Unicode')",
    {ITEM: "\ufeff".encode("utf-16-le") + B.encode("utf-16-le")},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="UTF-16",
    en="UTF-16",
)
case(
    "utf16-be-bom",
    "encoding",
    "UTF-16 BE with BOM",
    {ITEM: "\ufeff".encode("utf-16-be") + B.encode("utf-16-be")},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="UTF-16",
    en="UTF-16",
)
case(
    "utf16-le-no-bom",
    "encoding",
    "UTF-16 LE without BOM",
    {ITEM: B.encode("utf-16-le")},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="不带 BOM",
    en="without a BOM",
)
case(
    "utf16-be-no-bom",
    "encoding",
    "UTF-16 BE without BOM",
    {ITEM: B.encode("utf-16-be")},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="不带 BOM",
    en="without a BOM",
)
case(
    "utf32-le-bom",
    "encoding",
    "UTF-32 LE with BOM",
    {ITEM: "\ufeff".encode("utf-32-le") + B.encode("utf-32-le")},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="UTF-32",
    en="UTF-32",
)
case(
    "utf32-be-bom",
    "encoding",
    "UTF-32 BE with BOM",
    {ITEM: "\ufeff".encode("utf-32-be") + B.encode("utf-32-be")},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="UTF-32",
    en="UTF-32",
)
case(
    "utf32-le-no-bom",
    "encoding",
    "UTF-32 LE without BOM",
    {ITEM: B.encode("utf-32-le")},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
)
lines = B.encode("utf-8").split(b"\n")
lines[14] = "- 建设项目依法应当编制环境影响报告表".encode("gbk")
case(
    "mixed-utf8-gbk",
    "encoding",
    "UTF-8 file with one line pasted in GBK (line 15)",
    {ITEM: b"\n".join(lines)},
    exit=1,
    rule="QL100",
    line=15,
    column=3,
)
case(
    "invalid-utf8-continuation",
    "encoding",
    "a stray continuation byte 0x80 on line 4",
    {ITEM: rep("subject: 测试县", "subject: \x00测试县").encode().replace(b"\x00", b"\x80")},
    exit=1,
    rule="QL100",
    line=4,
    column=10,
)
case(
    "utf8-surrogate",
    "encoding",
    "a UTF-16 surrogate encoded in UTF-8 (CESU-8)",
    {ITEM: rep("排污许可证核发", "排污许可证核发\x00").encode().replace(b"\x00", b"\xed\xa0\x80")},
    exit=1,
    rule="QL100",
    line=2,
    column=14,
)
case(
    "utf8-overlong",
    "encoding",
    "an overlong UTF-8 encoding of '/'",
    {ITEM: rep("排污许可证核发", "排污许可证核发\x00").encode().replace(b"\x00", b"\xc0\xaf")},
    exit=1,
    rule="QL100",
    line=2,
    column=14,
)
case(
    "utf8-truncated",
    "encoding",
    "the file ends in the middle of a character",
    {ITEM: (B + "remarks: 审").encode()[:-1]},
    exit=1,
    rule="QL100",
    line=40,
    column=10,
)
case(
    "utf8-bom",
    "encoding",
    "UTF-8 with BOM (Notepad's 'UTF-8'): fine",
    {ITEM: b"\xef\xbb\xbf" + B.encode()},
    exit=0,
    clean=True,
)
case(
    "utf8-bom-crlf",
    "encoding",
    "UTF-8 with BOM and CRLF: fine",
    {ITEM: b"\xef\xbb\xbf" + B.replace("\n", "\r\n").encode()},
    exit=0,
    clean=True,
)
case(
    "utf8-double-bom",
    "encoding",
    "two BOMs: YAML skips a BOM at the start of a line, so the data is as meant",
    {ITEM: b"\xef\xbb\xbf\xef\xbb\xbf" + B.encode()},
    exit=0,
    clean=True,
)
case(
    "gbk-catalog",
    "encoding",
    "catalog.yaml saved as GBK",
    {
        "catalog.yaml": dump(
            {
                "schema_version": 1,
                "unit": {"name": "测试县生态环境局", "level": "县级"},
                "departments": [
                    {"name": "法制科"},
                    {"name": "审批科", "duties": [{"id": "ZZ-02", "text": "负责建设项目环境影响评价文件审批。"}]},
                ],
                "settings": {"id_pattern": "^T-[A-Z]{2}-[0-9]{3}$"},
            }
        ).encode("gbk")
    },
    exit=1,
    rule="QL100",
    at="catalog.yaml",
    line=3,
    column=9,
)
case(
    "utf16-laws",
    "encoding",
    "laws.yaml saved as UTF-16 LE with BOM",
    {"laws.yaml": "\ufeffschema_version: 1\nlaws: []\n".encode("utf-16-le")},
    exit=1,
    rule="QL100",
    at="laws.yaml",
    line=1,
    column=1,
)

# ---- binary files with a .yaml name --------------------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
case(
    "png",
    "binary",
    "a PNG picture saved as an item",
    {ITEM: PNG},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="PNG 图片",
    en="PNG",
)
ZIP = (
    b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xdf\xa4\xd2lZ\x01\x00\x00 \x05\x00\x00\x13\x00\x08\x02[Content_Types].xml \xa2\x04\x02("
    + bytes(range(256)) * 4
)
case(
    "docx",
    "binary",
    "a Word document (ZIP) renamed to .yaml",
    {ITEM: ZIP},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="ZIP",
    en="ZIP",
)
case(
    "xlsx-as-flow",
    "binary",
    "an Excel workbook (ZIP) saved as a flow",
    {"flows/XK-ZZ.yaml": ZIP[:40] + b"xl/workbook.xml" + bytes(600)},
    exit=1,
    rule="QL100",
    at="flows/XK-ZZ.yaml",
    line=1,
    column=1,
)
case(
    "pdf",
    "binary",
    "a PDF (no NUL bytes at the start, not UTF-8)",
    {ITEM: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="PDF",
    en="PDF",
)
case(
    "elf",
    "binary",
    "an executable",
    {ITEM: b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00>\x00\x01\x00\x00\x00" + bytes(200)},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="二进制",
    en="binary",
)
case(
    "old-excel",
    "binary",
    "an .xls workbook (OLE compound file) saved as an item",
    {ITEM: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "工作表".encode("utf-16-le")},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh=".xls",
    en=".xls",
)
case(
    "jpeg",
    "binary",
    "a photo of the paper catalogue",
    {ITEM: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256))},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="JPEG",
    en="JPEG",
)
case(
    "rtf",
    "binary",
    "an RTF document (ASCII text that is not YAML)",
    {ITEM: b"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl {\\f0 SimSun;}}\\f0 \\'c5\\'c5\\'ce\\'db}\n"},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
    zh="RTF",
    en="RTF",
)
case(
    "random-bytes",
    "binary",
    "random bytes (a fixed sequence)",
    {ITEM: bytes((i * 197 + 89) % 256 for i in range(3000))},
    exit=1,
    rule="QL100",
    line=1,
    column=1,
)

# ---- invalid YAML --------------------------------------------------------------------------
Y = "syntax"
case(
    "unclosed-double-quote",
    Y,
    "a double quote never closed",
    {ITEM: rep("name: 排污许可证核发", 'name: "排污许可证核发')},
    exit=1,
    rule="QL101",
    line=40,
    column=1,
    zh="引号没有闭合",
)
case(
    "unclosed-single-quote",
    Y,
    "a single quote never closed",
    {ITEM: rep("name: 排污许可证核发", "name: '排污许可证核发")},
    exit=1,
    rule="QL101",
    line=40,
    column=1,
    zh="引号没有闭合",
)
case(
    "unclosed-bracket",
    Y,
    "a [ list never closed",
    {ITEM: rep("duties:\n- ZZ-02\n", "duties: [ZZ-02\n")},
    exit=1,
    rule="QL101",
    line=7,
    column=5,
    zh="方括号",
)
case(
    "unclosed-brace",
    Y,
    "a { mapping never closed",
    {ITEM: rep("fee:\n  charged: false\n", "fee: {charged: false\n")},
    exit=1,
    rule="QL101",
    line=26,
    column=8,
    zh="花括号",
)  # found where the next key starts
case(
    "bad-indentation",
    Y,
    "a key indented one space less than its siblings",
    {ITEM: rep("  complaint_phone:", " complaint_phone:")},
    exit=1,
    rule="QL101",
    line=29,
    column=2,
    zh="缩进",
)
case(
    "tab-indentation",
    Y,
    "a nested key indented with a tab",
    {ITEM: rep("  consult_phone:", "\tconsult_phone:")},
    exit=1,
    rule="QL101",
    line=28,
    column=1,
    zh="Tab",
)
case(
    "key-colon-value",
    Y,
    "an unquoted ': ' inside a value",
    {ITEM: rep("name: 排污许可证核发", "name: 排污许可: 核发")},
    exit=1,
    rule="QL101",
    line=2,
    column=11,
    zh="键: 值",
)
case(
    "bad-escape",
    Y,
    "an unknown escape in double quotes",
    {ITEM: rep("name: 排污许可证核发", 'name: "排污\\q许可证核发"')},
    exit=1,
    rule="QL101",
    line=2,
    column=10,
    zh="转义",
)
case(
    "undefined-tag-handle",
    Y,
    "a tag with an undefined handle",
    {ITEM: rep("name: 排污许可证核发", "name: !e!x 排污许可证核发")},
    exit=1,
    rule="QL101",
    line=2,
    column=7,
    zh="标签",
)
case(
    "local-tag",
    Y,
    "a local tag !x",
    {ITEM: rep("name: 排污许可证核发", "name: !x 排污许可证核发")},
    exit=1,
    rule="QL109",
    line=2,
    column=7,
)
case(
    "python-tag",
    Y,
    "a PyYAML code-execution tag",
    {ITEM: B + "remarks: !!python/object/apply:os.system ['echo pwned']\n"},
    exit=1,
    rule="QL109",
    line=40,
    column=10,
)
case(
    "binary-tag",
    Y,
    "a !!binary tag",
    {ITEM: B + "remarks: !!binary aGVsbG8=\n"},
    exit=1,
    rule="QL109",
    line=40,
    column=10,
)
case(
    "at-start",
    Y,
    "a value starting with @",
    {ITEM: rep("name: 排污许可证核发", "name: @排污许可证核发")},
    exit=1,
    rule="QL101",
    line=2,
    column=7,
    zh="@",
)
case(
    "backtick-start",
    Y,
    "a value starting with a backtick",
    {ITEM: rep("name: 排污许可证核发", "name: `排污许可证核发`")},
    exit=1,
    rule="QL101",
    line=2,
    column=7,
    zh="`",
)
case(
    "percent-start",
    Y,
    "a value starting with %",
    {ITEM: rep("name: 排污许可证核发", "name: %排污许可证核发")},
    exit=1,
    rule="QL101",
    line=2,
    column=7,
)
case(
    "two-documents",
    Y,
    "two documents separated by ---",
    {ITEM: B + "---\nid: T-XK-003\n"},
    exit=1,
    rule="QL104",
    line=40,
    column=1,
)
case(
    "content-after-document-end",
    Y,
    "text after the ... end marker",
    {ITEM: B + "...\nremarks: 以后补充\n"},
    exit=1,
    rule="QL101",
    line=41,
    column=1,
    zh="文档结束标记",
)
case(
    "directive-after-content",
    Y,
    "a %YAML directive in the middle",
    {ITEM: B + "%YAML 1.2\n"},
    exit=1,
    rule="QL101",
    line=41,
    column=1,
)
case(
    "list-in-mapping",
    Y,
    "a '- ' list entry among the keys",
    {ITEM: rep("flow: XK-TY\n", "flow: XK-TY\n- XK-HP\n")},
    exit=1,
    rule="QL101",
    line=9,
    column=1,
)
case(
    "dash-after-key",
    Y,
    "a list started on the key's line",
    {ITEM: rep("duties:\n- ZZ-02\n", "duties: - ZZ-02\n")},
    exit=1,
    rule="QL101",
    line=6,
    column=9,
    zh="列表",
)
case(
    "complex-key", Y, "a ? complex key", {ITEM: B + "? [a, b]\n: c\n"}, exit=1, rule="QL101", line=40, column=3, zh="键"
)
case(
    "question-in-value",
    Y,
    "a value starting with '? '",
    {ITEM: rep("name: 排污许可证核发", "name: ? 排污许可证核发")},
    exit=1,
    rule="QL101",
    line=2,
    column=7,
    zh="?",
)
case(
    "block-scalar-header",
    Y,
    "text on the | line of a block scalar",
    {ITEM: B + "remarks: |备注\n  第二行\n"},
    exit=1,
    rule="QL101",
    line=40,
    column=11,
    zh="多行文字",
)
case(
    "stray-closing-bracket",
    Y,
    "a ] with no [ is text in a plain value: the flow id is then wrong",
    {ITEM: rep("flow: XK-TY", "flow: XK-TY]")},
    exit=1,
    rule="QL110",
    line=8,
    column=7,
    also=["QL114"],
)
case(
    "key-without-colon",
    Y,
    "a key with no colon at the end",
    {ITEM: B + "remarks\n"},
    exit=1,
    rule="QL101",
    line=41,
    column=1,
    zh="冒号",
)
case(
    "top-level-list",
    Y,
    "the item written as a list",
    {ITEM: "- id: T-XK-002\n- name: 排污许可证核发\n"},
    exit=1,
    rule="QL108",
    line=1,
    column=1,
)
case(
    "top-level-scalar",
    Y,
    "a file holding one line of text",
    {ITEM: "排污许可证核发\n"},
    exit=1,
    rule="QL108",
    line=1,
    column=1,
)
case("null-document", Y, "a document that is only ---", {ITEM: "---\n"}, exit=1, rule="QL108", line=1, column=1)

# ---- duplicate keys ------------------------------------------------------------------------
D = "duplicate"
case(
    "top-level",
    D,
    "name given twice",
    {ITEM: B + "name: 另一个名称\n"},
    exit=1,
    rule="QL102",
    line=40,
    column=1,
    zh="name",
)
case(
    "nested",
    D,
    "consult_phone twice in contact",
    {ITEM: rep("  complaint_phone:", "  consult_phone: 12345\n  complaint_phone:")},
    exit=1,
    rule="QL102",
    line=29,
    column=3,
    zh="consult_phone",
)
case(
    "flow-mapping",
    D,
    "charged twice in a flow mapping",
    {ITEM: rep("fee:\n  charged: false\n", "fee: {charged: false, charged: true}\n")},
    exit=1,
    rule="QL102",
    line=25,
    column=23,
)
case(
    "quoted-and-plain",
    D,
    "'name' quoted and name plain are the same key",
    {ITEM: B + '"name": 另一个名称\n'},
    exit=1,
    rule="QL102",
    line=40,
    column=1,
)
case(
    "in-a-list-entry",
    D,
    "law twice in one basis entry",
    {ITEM: rep("  article: 第二十二条\n", "  article: 第二十二条\n  law: 行政许可法\n")},
    exit=1,
    rule="QL102",
    line=12,
    column=3,
)
case(
    "empty-values",
    D,
    "a key repeated with empty values",
    {ITEM: B + "remarks:\nremarks:\n"},
    exit=1,
    rule="QL102",
    line=41,
    column=1,
)
case(
    "in-catalog",
    D,
    "unit twice in catalog.yaml",
    {
        "catalog.yaml": dump(
            {
                "schema_version": 1,
                "unit": {"name": "测试县生态环境局", "level": "县级"},
                "departments": [
                    {"name": "法制科"},
                    {"name": "审批科", "duties": [{"id": "ZZ-02", "text": "负责建设项目环境影响评价文件审批。"}]},
                ],
                "settings": {"id_pattern": "^T-[A-Z]{2}-[0-9]{3}$"},
            }
        )
        + "unit: {name: 另一个局}\n"
    },
    exit=1,
    rule="QL102",
    at="catalog.yaml",
    line=13,
    column=1,
)
case(
    "in-flow-step",
    D,
    "a step with two names",
    {"flows/XK-TY.yaml": rep("- id: accept\n  name: 受理\n", "- id: accept\n  name: 受理\n  name: 收件\n", dump(FLOW))},
    exit=1,
    rule="QL102",
    at="flows/XK-TY.yaml",
    line=13,
    column=3,
)
case(
    "differ-by-case",
    D,
    "Name and name are different keys: not a duplicate, an unknown field",
    {ITEM: B + "Name: 另一个名称\n"},
    exit=1,
    rule="QL110",
    line=40,
    column=1,
    absent=["QL102"],
)

# ---- YAML 1.1 surprises: they stay the text that was typed -----------------------------------
S = "yaml11"
case(
    "booleans",
    S,
    "yes/no/on/off/y/n stay text (and as keys)",
    {ITEM: B + "extra:\n  a: no\n  b: yes\n  c: on\n  d: off\n  e: y\n  f: N\n  g: Off\n  yes: 1\n  no: 2\n"},
    exit=0,
    clean=True,
    data={"extra": {"a": "no", "b": "yes", "c": "on", "d": "off", "e": "y", "f": "N", "g": "Off", "yes": 1, "no": 2}},
)
case(
    "numbers",
    S,
    "octal, hex, sexagesimal, underscores, .inf stay text",
    {
        ITEM: B
        + "extra:\n  octal: 010\n  hex: 0x1F\n  sexagesimal: 1:30\n  clock: 12:30:00\n  grouped: 1_000\n  octal12: 0o17\n  inf: .inf\n  nan: .NaN\n  exp: 1e3\n  plus: +12\n"
    },
    exit=0,
    clean=True,
    data={
        "extra": {
            "octal": "010",
            "hex": "0x1F",
            "sexagesimal": "1:30",
            "clock": "12:30:00",
            "grouped": "1_000",
            "octal12": "0o17",
            "inf": ".inf",
            "nan": ".NaN",
            "exp": "1e3",
            "plus": 12,
        }
    },
)
case(
    "dates",
    S,
    "dates and timestamps stay text (and so pass the date pattern)",
    {
        ITEM: B
        + "dates:\n  effective: 2024-01-05\n  updated: 2026-12-01\nextra:\n  stamp: 2001-12-14t21:59:43.10-05:00\n"
    },
    exit=0,
    clean=True,
    data={
        "dates": {"effective": "2024-01-05", "updated": "2026-12-01"},
        "extra": {"stamp": "2001-12-14t21:59:43.10-05:00"},
    },
)
case(
    "leading-zero-code",
    S,
    "a basic code with a leading zero is not an octal number",
    {ITEM: rep("flow: XK-TY\n", "flow: XK-TY\ncodes:\n  basic: 010000000001\n")},
    exit=0,
    clean=True,
    data={"codes": {"basic": "010000000001"}},
)
case(
    "charged-no",
    S,
    "fee.charged: no is the text 'no', not false: reported, not silently 'free'",
    {ITEM: rep("  charged: false", "  charged: no")},
    exit=1,
    rule="QL110",
    line=26,
    column=12,
    data={"fee": {"charged": "no"}},
)
case(
    "promised-sexagesimal",
    S,
    "promised: 1:30 is not 90 working days",
    {ITEM: rep("  promised: 10", "  promised: 1:30")},
    exit=1,
    rule="QL110",
    line=24,
    column=13,
    data={"time_limit": {"promised": "1:30"}},
)
case(
    "yaml-1.1-directive",
    S,
    "%YAML 1.1 does not turn 'no' into false",
    {ITEM: "%YAML 1.1\n---\n" + B + "extra:\n  a: no\n  b: 010\n"},
    exit=0,
    clean=True,
    data={"extra": {"a": "no", "b": "010"}},
)
case(
    "null-words",
    S,
    "~ and null are empty; 'None' and 'NULL ' are text",
    {ITEM: B + "extra:\n  a: ~\n  b: null\n  c: None\n"},
    exit=0,
    clean=True,
    data={"extra": {"a": None, "b": None, "c": "None"}},
)

# ---- anchors and aliases -------------------------------------------------------------------
A = "alias"
lol = "".join(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else '"lol"'] * 9) + "]\n" for i in range(10))
case(
    "billion-laughs",
    A,
    "the 'billion laughs' alias bomb",
    {ITEM: B + "extra:\n" + lol},
    exit=1,
    rule="QL103",
    line=41,
    column=7,
)
case(
    "anchor-only",
    A,
    "an anchor with no alias",
    {ITEM: rep("subject: 测试县生态环境局", "subject: &s 测试县生态环境局")},
    exit=1,
    rule="QL103",
    line=4,
    column=10,
    zh="锚点",
)
case(
    "merge-key",
    A,
    "a << merge key",
    {ITEM: B + "extra:\n  base: &b {x: 1}\n  copy:\n    <<: *b\n"},
    exit=1,
    rule="QL103",
    line=41,
    column=9,
)
case(
    "undefined-alias",
    A,
    "an alias to nothing",
    {ITEM: B + "remarks: *nothing\n"},
    exit=1,
    rule="QL103",
    line=40,
    column=10,
)
case(
    "alias-in-flow",
    A,
    "an anchored step reused in a flow",
    {"flows/XK-TY.yaml": rep("- id: deliver\n", "- &end\n  id: deliver\n", dump(FLOW)) + "extra: [*end]\n"},
    exit=1,
    rule="QL103",
    at="flows/XK-TY.yaml",
    column=3,
)

# ---- deep nesting --------------------------------------------------------------------------
N = "nesting"
case(
    "flow-sequences",
    N,
    "10,000 nested [ ]",
    {ITEM: B + "extra: " + "[" * 10000 + "]" * 10000 + "\n"},
    exit=1,
    rule="QL107",
    line=40,
)
case(
    "flow-mappings",
    N,
    "1,000 nested { }",
    {ITEM: B + "extra: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n"},
    exit=1,
    rule="QL107",
    line=40,
)
case(
    "block-mappings",
    N,
    "100 levels of indentation",
    {ITEM: B + "extra:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 100)) + "  " * 100 + "v: 1\n"},
    exit=1,
    rule="QL107",
)
case(
    "block-sequences",
    N,
    "100 nested '- ' lists",
    {ITEM: B + "extra:\n" + "".join("  " * i + "-\n" for i in range(1, 100)) + "  " * 100 + "- x\n"},
    exit=1,
    rule="QL107",
)
case(
    "within-limit",
    N,
    "50 levels are allowed",
    {ITEM: B + "extra: {a: " + "[" * 50 + "]" * 50 + "}\n"},
    exit=0,
    clean=True,
)

# ---- control characters --------------------------------------------------------------------
C = "control"
case(
    "bell",
    C,
    "a raw BEL (U+0007) in a name",
    {ITEM: rep("排污许可证核发", "排污许可\x07证核发")},
    exit=1,
    rule="QL101",
    line=2,
    column=11,
    zh="U+0007",
)
case(
    "escape-sequence",
    C,
    "a raw ANSI escape (ESC [31m) that would colour a terminal",
    {ITEM: rep("排污许可证核发", "\x1b[31m排污许可证核发\x1b[0m")},
    exit=1,
    rule="QL101",
    line=2,
    column=7,
    zh="U+001B",
)
case(
    "delete",
    C,
    "a raw DEL (U+007F)",
    {ITEM: rep("排污许可证核发", "排污许可证核发\x7f")},
    exit=1,
    rule="QL101",
    line=2,
    column=14,
)
case(
    "c1-csi",
    C,
    "a raw C1 control U+009B",
    {ITEM: rep("排污许可证核发", "排污\x9b许可证核发")},
    exit=1,
    rule="QL101",
    line=2,
    column=9,
)
case(
    "form-feed",
    C,
    "a form feed from a printout",
    {ITEM: rep("subject: ", "subject: \x0c")},
    exit=1,
    rule="QL101",
    line=4,
    column=10,
)
case(
    "nul-byte",
    C,
    "a raw NUL byte in a UTF-8 item",
    {ITEM: rep("排污许可证核发", "排污许可证核发\x00")},
    exit=1,
    rule="QL100",
)  # NUL bytes: read as a binary file
case(
    "escaped-bell",
    C,
    'an escaped "\\a" in double quotes',
    {ITEM: rep("name: 排污许可证核发", 'name: "排污许可证\\a核发"')},
    exit=1,
    rule="QL806",
    line=2,
    column=7,
)
case(
    "escaped-nul",
    C,
    'an escaped "\\0"',
    {ITEM: rep("name: 排污许可证核发", 'name: "排污许可证核发\\0"')},
    exit=1,
    rule="QL806",
    line=2,
    column=7,
)
case(
    "escaped-ansi",
    C,
    'an escaped "\\e[31m"',
    {ITEM: rep("subject: 测试县生态环境局", 'subject: "\\e[31m测试县生态环境局"')},
    exit=1,
    rule="QL806",
    line=4,
    column=10,
)
case(
    "next-line",
    C,
    "a raw NEL (U+0085), which YAML would read as a line break no editor shows",
    {ITEM: rep("排污许可证核发", "排污许可\x85证核发")},
    exit=1,
    rule="QL101",
    line=2,
    column=11,
    zh="U+0085",
)

# ---- zero-width and bidirectional characters (QL806) -----------------------------------------
I = "invisible"
case(
    "zero-width-space",
    I,
    "U+200B inside a name",
    {ITEM: rep("排污许可证核发", "排污许可\u200b证核发")},
    exit=1,
    rule="QL806",
    line=2,
    column=7,
    zh="U+200B",
)
case(
    "twin-names",
    I,
    "two items whose names differ only by a zero-width space: not a duplicate name, but reported",
    {ITEM: rep("排污许可证核发", "建设项目环境影响\u200b报告表审批")},
    exit=1,
    rule="QL806",
    line=2,
    column=7,
    absent=["QL113"],
)
case(
    "right-to-left-override",
    I,
    "U+202E reverses the text shown",
    {ITEM: rep("排污许可证核发", "排污许可证\u202e发核")},
    exit=1,
    rule="QL806",
    line=2,
    column=7,
    zh="U+202E",
)
case(
    "left-to-right-isolate",
    I,
    "U+2066 … U+2069",
    {ITEM: rep("排污许可证核发", "\u2066排污许可证核发\u2069")},
    exit=1,
    rule="QL806",
    line=2,
    column=7,
    zh="U+2066",
)
case(
    "zero-width-non-joiner",
    I,
    "U+200C",
    {ITEM: rep("排污许可证核发", "排污\u200c许可证核发")},
    exit=1,
    rule="QL806",
    line=2,
    column=7,
)
case(
    "word-joiner",
    I,
    "U+2060",
    {ITEM: rep("排污许可证核发", "排污许可证\u2060核发")},
    exit=1,
    rule="QL806",
    line=2,
    column=7,
)
case(
    "soft-hyphen",
    I,
    "U+00AD",
    {ITEM: rep("排污许可证核发", "排污许可\u00ad证核发")},
    exit=1,
    rule="QL806",
    line=2,
    column=7,
)
case(
    "bom-inside",
    I,
    "U+FEFF inside a name",
    {ITEM: rep("排污许可证核发", "排污许可证\ufeff核发")},
    exit=1,
    rule="QL806",
    line=2,
    column=7,
)
case(
    "escaped-override",
    I,
    'an escaped "\\u202e" in a department',
    {ITEM: rep("department: 审批科", 'department: "审批\\u202e科"')},
    exit=1,
    rule="QL806",
    line=5,
    column=13,
    also=["QL116"],
)
case(
    "zero-width-in-id",
    I,
    "U+200B in an id",
    {ITEM: rep("id: T-XK-002", "id: T-XK-\u200b002")},
    exit=1,
    rule="QL806",
    line=1,
    column=5,
    also=["QL110", "QL111"],
)
case(
    "zero-width-in-law",
    I,
    "U+200B in a law's name in laws.yaml",
    {
        "laws.yaml": "schema_version: 1\nlaws:\n- id: 行政许可法\n  name: 中华人民共和国\u200b行政许可法\n  level: 法律\n  status: 现行有效\n"
        "- id: 环境影响评价法\n  name: 中华人民共和国环境影响评价法\n  level: 法律\n  status: 现行有效\n"
    },
    exit=1,
    rule="QL806",
    at="laws.yaml",
    line=4,
    column=9,
)

# ---- newlines and tabs ---------------------------------------------------------------------
L = "newlines"
case("crlf", L, "Windows line endings: fine", {ITEM: B.replace("\n", "\r\n")}, exit=0, clean=True)
case(
    "crlf-finding",
    L,
    "CRLF: a finding keeps its line",
    {ITEM: rep("department: 审批科", "department: 环评科").replace("\n", "\r\n")},
    exit=1,
    rule="QL116",
    line=5,
    column=13,
)
case(
    "mixed-finding",
    L,
    "LF and CRLF mixed: a finding keeps its line",
    {
        ITEM: "\r\n".join(rep("department: 审批科", "department: 环评科").split("\n")[:10])
        + "\n"
        + "\n".join(B.split("\n")[10:])
    },
    exit=1,
    rule="QL116",
    line=5,
    column=13,
)
case(
    "cr-only",
    L,
    "old Mac line endings (CR only)",
    {ITEM: rep("department: 审批科", "department: 环评科").replace("\n", "\r")},
    exit=1,
    rule="QL116",
    line=5,
    column=13,
)
case(
    "crlf-syntax-error",
    L,
    "CRLF: a syntax error keeps its line",
    {ITEM: rep("name: 排污许可证核发", "name: 排污许可: 核发").replace("\n", "\r\n")},
    exit=1,
    rule="QL101",
    line=2,
    column=11,
)
case("no-final-newline", L, "no newline at the end: fine", {ITEM: B.rstrip("\n")}, exit=0, clean=True)
T = "tabs"
case(
    "tab-after-colon",
    T,
    "a tab after the colon: fine",
    {ITEM: rep("name: ", "name:\t")},
    exit=0,
    clean=True,
    data={"name": "排污许可证核发"},
)
case(
    "tab-inside-value",
    T,
    "a tab inside a value: read as typed",
    {ITEM: B + "remarks: 甲\t乙\n"},
    exit=0,
    clean=True,
    data={"remarks": "甲\t乙"},
)
case(
    "tab-before-dash",
    T,
    "a list entry indented with a tab",
    {ITEM: rep("- ZZ-02", "\t- ZZ-02")},
    exit=1,
    rule="QL101",
    line=7,
    column=1,
    zh="Tab",
)
case(
    "tab-only-line",
    T,
    "a line holding only a tab",
    {ITEM: rep("flow: XK-TY\n", "flow: XK-TY\n\t\n")},
    exit=1,
    rule="QL101",
    line=9,
    column=1,
)

# ---- empty files ---------------------------------------------------------------------------
E = "empty"
case("zero-bytes", E, "an empty item file", {ITEM: b""}, exit=1, rule="QL105", line=1, column=1)
case("whitespace", E, "spaces and newlines only", {ITEM: "   \n\n  \n"}, exit=1, rule="QL105", line=1, column=1)
case("comments", E, "comments only", {ITEM: "# 排污许可证核发\n# 待填写\n"}, exit=1, rule="QL105", line=1, column=1)
case("bom-only", E, "a UTF-8 BOM and nothing else", {ITEM: b"\xef\xbb\xbf"}, exit=1, rule="QL105", line=1, column=1)
case(
    "whitespace-with-tab",
    E,
    "whitespace including a tab",
    {ITEM: "  \n\t\n"},
    exit=1,
    rule="QL101",
    line=2,
    column=1,
    zh="Tab",
)
case(
    "empty-catalog",
    E,
    "an empty catalog.yaml",
    {"catalog.yaml": b""},
    exit=1,
    rule="QL105",
    at="catalog.yaml",
    line=1,
    column=1,
)
case("empty-laws", E, "an empty laws.yaml", {"laws.yaml": "\n"}, exit=1, rule="QL105", at="laws.yaml", line=1, column=1)
case(
    "empty-flow",
    E,
    "an empty flow",
    {"flows/XK-ZZ.yaml": b""},
    exit=1,
    rule="QL105",
    at="flows/XK-ZZ.yaml",
    line=1,
    column=1,
)

# ---- ids and references that look like paths ----------------------------------------------
P = "paths"
case(
    "id-traversal",
    P,
    "id: ../../etc/passwd",
    {ITEM: rep("id: T-XK-002", "id: ../../etc/passwd")},
    exit=1,
    rule="QL110",
    line=1,
    column=5,
    also=["QL111"],
)
case(
    "id-absolute",
    P,
    "id: /etc/passwd",
    {ITEM: rep("id: T-XK-002", "id: /etc/passwd")},
    exit=1,
    rule="QL110",
    line=1,
    column=5,
    also=["QL111"],
)
case(
    "id-windows-absolute",
    P,
    "id: 'C:\\x'",
    {ITEM: rep("id: T-XK-002", "id: 'C:\\x'")},
    exit=1,
    rule="QL110",
    line=1,
    column=5,
    also=["QL111"],
)
case(
    "flow-traversal",
    P,
    "flow: ../flows/XK-TY",
    {ITEM: rep("flow: XK-TY", "flow: ../flows/XK-TY")},
    exit=1,
    rule="QL110",
    line=8,
    column=7,
    also=["QL114"],
)
case(
    "flow-absolute",
    P,
    "flow: /etc/passwd",
    {ITEM: rep("flow: XK-TY", "flow: /etc/passwd")},
    exit=1,
    rule="QL110",
    line=8,
    column=7,
    also=["QL114"],
)
case(
    "flow-windows-path",
    P,
    "flow: 'C:\\Windows\\win.ini'",
    {ITEM: rep("flow: XK-TY", "flow: 'C:\\Windows\\win.ini'")},
    exit=1,
    rule="QL110",
    line=8,
    column=7,
    also=["QL114"],
)
case(
    "flow-unc",
    P,
    "flow: '\\\\server\\share'",
    {ITEM: rep("flow: XK-TY", "flow: '\\\\server\\share'")},
    exit=1,
    rule="QL110",
    line=8,
    column=7,
    also=["QL114"],
)
case(
    "flow-url",
    P,
    "flow: file:///etc/passwd",
    {ITEM: rep("flow: XK-TY", "flow: file:///etc/passwd")},
    exit=1,
    rule="QL110",
    line=8,
    column=7,
    also=["QL114"],
)
case(
    "law-traversal",
    P,
    "a basis law '../laws.yaml'",
    {ITEM: rep("- law: 行政许可法", "- law: ../laws.yaml")},
    exit=1,
    rule="QL115",
    line=12,
    column=8,
)
case(
    "duty-traversal",
    P,
    "a duty '../../ZZ-02'",
    {ITEM: rep("- ZZ-02", "- ../../ZZ-02")},
    exit=1,
    rule="QL119",
    line=7,
    column=3,
)
case(
    "department-absolute",
    P,
    "department: /etc",
    {ITEM: rep("department: 审批科", "department: /etc")},
    exit=1,
    rule="QL116",
    line=5,
    column=13,
)
case(
    "flow-id-dotdot",
    P,
    "a flow whose id is '..'",
    {"flows/XK-ZZ.yaml": rep("id: XK-TY", "id: '..'", dump(FLOW))},
    exit=1,
    rule="QL110",
    at="flows/XK-ZZ.yaml",
    line=1,
    column=5,
    also=["QL111"],
)
case(
    "step-next-traversal",
    P,
    "a step's next: ../../x",
    {"flows/XK-TY.yaml": rep("next:\n  - deliver", "next:\n  - ../../deliver", dump(FLOW))},
    exit=1,
    rule="QL110",
    at="flows/XK-TY.yaml",
)

# ---- names Windows cannot hold (made at test time: the corpus itself must check out on Windows)
W = "windows"
for dev in ("CON", "aux", "NUL", "COM1", "LPT1", "PRN"):
    case(
        f"reserved-{dev.lower()}",
        W,
        f"items/{dev}.yaml with id {dev}",
        {f"items/{dev}.yaml": rep("id: T-XK-002", f"id: {dev}")},
        exit=1,
        rule="QL126",
        at=f"items/{dev}.yaml",
        line=1,
        column=5,
        zh=dev.upper(),
        en=dev.upper(),
        posix=True,
    )
case(
    "reserved-with-extension",
    W,
    "items/con.txt.yaml (CON with any extension is reserved)",
    {"items/con.txt.yaml": B},
    exit=1,
    rule="QL126",
    at="items/con.txt.yaml",
    line=1,
    column=1,
    also=["QL111"],
    posix=True,
)
case(
    "reserved-id",
    W,
    "an id AUX in items/T-XK-002.yaml: renaming the file to the id would fail",
    {ITEM: rep("id: T-XK-002", "id: AUX")},
    exit=1,
    rule="QL126",
    line=1,
    column=5,
    also=["QL111"],
)
case(
    "reserved-flow",
    W,
    "flows/AUX.yaml used by an item",
    {"flows/AUX.yaml": rep("id: XK-TY", "id: AUX", dump(FLOW)), ITEM: rep("flow: XK-TY", "flow: AUX")},
    exit=1,
    rule="QL126",
    at="flows/AUX.yaml",
    line=1,
    column=5,
    posix=True,
)
for label, ch in (
    ("less-than", "<"),
    ("greater-than", ">"),
    ("colon", ":"),
    ("quote", '"'),
    ("pipe", "|"),
    ("question", "?"),
    ("star", "*"),
    ("backslash", "\\"),
):
    case(
        f"char-{label}",
        W,
        f"a file name with {ch}",
        {
            f"items/T-XK{ch}002.yaml": rep(
                "id: T-XK-002", f"id: 'T-XK{ch}002'" if ch not in "'\\" else f'id: "T-XK\\{ch}002"'
            )
        },
        exit=1,
        rule="QL126",
        at=f"items/T-XK{ch}002.yaml",
        line=1,
        column=5,
        also=["QL110"],
        zh=ch,
        posix=True,
    )
case(
    "char-control",
    W,
    "a file name with U+0001",
    {"items/T-XK-\x01002.yaml": B},
    exit=1,
    rule="QL126",
    at="items/T-XK-\x01002.yaml",
    line=1,
    column=1,
    zh="U+0001",
    posix=True,
)
case(
    "stray-name",
    W,
    "a stray note whose name Windows refuses",
    {"items/说明?.txt": "备注\n"},
    exit=1,
    rule="QL126",
    at="items/说明?.txt",
    line=1,
    column=1,
    also=["QL121"],
    posix=True,
)

# ---- names that differ only by case (made at test time) ----------------------------------------
K = "case"
case(
    "ids-differ-by-case",
    K,
    "items/t-xk-001.yaml beside items/T-XK-001.yaml",
    {"items/t-xk-001.yaml": rep("id: T-XK-002", "id: t-xk-001", rep("排污许可证核发", "另一事项"))},
    exit=1,
    rule="QL112",
    at="items/t-xk-001.yaml",
    line=1,
    column=5,
    absent=["QL127"],
    casefold=True,
)
case(
    "unreadable-twin",
    K,
    "an unreadable items/t-xk-001.yaml beside items/T-XK-001.yaml",
    {"items/t-xk-001.yaml": "id: [broken\n"},
    exit=1,
    rule="QL127",
    at="items/t-xk-001.yaml",
    line=1,
    column=1,
    also=["QL101"],
    casefold=True,
)
case(
    "stray-twin",
    K,
    "items/T-XK-001.YAML (not read) beside items/T-XK-001.yaml",
    {"items/T-XK-001.YAML": B},
    exit=1,
    rule="QL127",
    at="items/T-XK-001.yaml",
    line=1,
    column=1,
    also=["QL121"],
    casefold=True,
)
case(
    "flow-ids-differ-by-case",
    K,
    "flows/xk-ty.yaml beside flows/XK-TY.yaml",
    {"flows/xk-ty.yaml": rep("id: XK-TY", "id: xk-ty", dump(FLOW))},
    exit=1,
    rule="QL112",
    at="flows/xk-ty.yaml",
    line=1,
    column=5,
    casefold=True,
)
case(
    "id-differs-by-case",
    K,
    "id t-xk-001 in items/T-XK-002.yaml",
    {ITEM: rep("id: T-XK-002", "id: t-xk-001")},
    exit=1,
    rule="QL112",
    line=1,
    column=5,
    also=["QL111"],
    absent=["QL127"],
)
case(
    "unicode-forms",
    K,
    "the same accented name in NFC and NFD (one file on macOS)",
    {
        "items/Caf\u00e9.yaml": B,
        "items/Cafe\u0301.yaml": rep("排污许可证核发", "另一事项", rep("id: T-XK-002", "id: T-XK-003")),
    },
    exit=1,
    rule="QL127",
    line=1,
    column=1,
    also=["QL111"],
    casefold=True,
    zh="Unicode",
    en="Unicode",
)

# ---- links, folders and special files (made at test time) -----------------------------------
Z = "links"
for id, dest, target, rule, at, note in (
    ("item-to-etc-passwd", ITEM, "/etc/passwd", "QL121", ITEM, "an item that is a link to /etc/passwd"),
    ("item-to-outside", ITEM, "{outside}/secret.yaml", "QL121", ITEM, "an item linked to a file outside the catalogue"),
    (
        "item-traversal",
        ITEM,
        "../../outside/secret.yaml",
        "QL121",
        ITEM,
        "an item linked through ../../ out of the catalogue",
    ),
    ("item-to-inside", ITEM, "T-XK-001.yaml", "QL121", ITEM, "an item linked to another item"),
    ("item-dangling", ITEM, "does-not-exist.yaml", "QL121", ITEM, "a link to nothing"),
    ("item-loop", ITEM, "T-XK-002.yaml", "QL121", ITEM, "a link to itself"),
    ("item-to-dev-zero", ITEM, "/dev/zero", "QL121", ITEM, "a link to an endless device"),
    (
        "laws-to-outside",
        "laws.yaml",
        "{outside}/secret.yaml",
        "QL100",
        "laws.yaml",
        "laws.yaml linked outside the catalogue",
    ),
    (
        "catalog-to-outside",
        "catalog.yaml",
        "{outside}/catalog.yaml",
        "QL100",
        "catalog.yaml",
        "catalog.yaml linked outside the catalogue",
    ),
    ("items-folder-to-outside", "items", "{outside}", "QL120", "items", "items/ linked to a folder outside"),
    ("flows-folder-to-outside", "flows", "{outside}", "QL120", "flows", "flows/ linked to a folder outside"),
):
    CASES.append(
        {
            "id": id,
            "category": Z,
            "note": note,
            "put": {},
            "link": {dest: target},
            "exit": 1 if rule != "QL121" else 0,
            "rule": rule,
            "at": at,
            "line": 1,
            "column": 1,
            "secret": True,
        }
    )
CASES.append(
    {
        "id": "cache-folder-to-outside",
        "category": Z,
        "note": "a .quanli-cache committed as a link to a folder outside: never written through",
        "put": {},
        "link": {".quanli-cache": "{outside}"},
        "exit": 0,
        "clean": True,
    }
)
CASES.append(
    {
        "id": "folder-named-yaml",
        "category": Z,
        "note": "a folder named items/T-XK-009.yaml",
        "put": {},
        "mkdir": ["items/T-XK-009.yaml"],
        "exit": 0,
        "rule": "QL121",
        "at": "items/T-XK-009.yaml",
        "line": 1,
        "column": 1,
    }
)
case(
    "flow-folder-named-yaml",
    Z,
    "a folder named flows/XK-ZZ.yaml holding a flow",
    {"flows/XK-ZZ.yaml/XK-ZZ.yaml": "id: XK-ZZ\n"},
    exit=0,
    rule="QL121",
    at="flows/XK-ZZ.yaml",
    line=1,
    column=1,
)
CASES.append(
    {
        "id": "laws-is-a-folder",
        "category": Z,
        "note": "laws.yaml is a folder",
        "put": {},
        "remove": ["laws.yaml"],
        "mkdir": ["laws.yaml"],
        "exit": 1,
        "rule": "QL120",
        "at": "laws.yaml",
        "line": 1,
        "column": 1,
    }
)
CASES.append(
    {
        "id": "fifo",
        "category": Z,
        "note": "a named pipe called items/T-XK-002.yaml (reading it would block)",
        "put": {},
        "make": {ITEM: "fifo"},
        "exit": 0,
        "rule": "QL121",
        "at": ITEM,
        "line": 1,
        "column": 1,
        "posix": True,
    }
)
CASES.append(
    {
        "id": "uppercase-suffix",
        "category": Z,
        "note": "items/T-XK-002.YAML is not read (and says so)",
        "put": {"items/T-XK-002.YAML": "binary/png.bin"},
        "exit": 0,
        "rule": "QL121",
        "at": "items/T-XK-002.YAML",
        "line": 1,
        "column": 1,
        "casefold": True,
    }
)

# ---- huge files and strings (made at test time: not worth 4 MB in git) ------------------------
H = "huge"
for id, dest, recipe, exit, rule, note in (
    ("item-over-limit", ITEM, "over-limit", 1, "QL106", "an item of 4 MB and one byte"),
    ("laws-over-limit", "laws.yaml", "over-limit", 1, "QL106", "laws.yaml of 4 MB and one byte"),
    ("flow-over-limit", "flows/XK-ZZ.yaml", "over-limit", 1, "QL106", "a flow of 4 MB and one byte"),
    ("string-under-limit", ITEM, "long-remarks", 0, None, "a 3.9 MB remark: read, and nothing to report"),
    ("many-keys", ITEM, "many-keys", 0, None, "50,000 keys under extra"),
    ("long-line-name", ITEM, "long-name", 1, "QL110", "a name of 200,000 characters on one line"),
):
    CASES.append(
        {
            "id": id,
            "category": H,
            "note": note,
            "put": {},
            "make": {dest: recipe},
            "exit": exit,
            **({"rule": rule, "at": dest, "line": 1 if rule == "QL106" else 2} if rule else {"clean": True}),
        }
    )


def toml_value(v) -> str:
    import json

    if v is None:
        return '"<null>"'  # TOML has no null
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{toml_value(str(k))} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


HEADER = """\
# The hostile-input corpus: one [[case]] per case, run by tests/test_corpus.py.
# Written by generate.py (edit that, not this file).
#
# Each case starts from the small valid catalogue of tests/conftest.py (catalog.yaml,
# laws.yaml, flows/XK-TY.yaml, items/T-XK-001.yaml) and then:
#   put    = {catalogue path = corpus file under files/}, copied byte for byte
#   link   = {catalogue path = symlink target}; {outside} is a folder beside the catalogue
#   mkdir  = folders to create; remove = files to delete first
#   make   = {catalogue path = recipe}: fifo, over-limit, long-remarks, many-keys, long-name
# and expects from `quanli validate --format json --no-cache`:
#   exit; rule at file `at` (default: the first put), line, column; also = rules that must
#   appear too; absent = rules that must not; clean = no finding at all; zh/en = text in the
#   Chinese/English message; data = what the loader must read (YAML 1.1 cases; "<null>" is None).
#   posix = needs a POSIX file system; casefold = needs a case-sensitive one;
#   secret = the link target's content must not appear in any output.
"""


def main() -> None:
    files = HERE / "files"
    if files.exists():
        shutil.rmtree(files)
    for name, data in BLOBS.items():
        path = files / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    out = [HEADER]
    for c in CASES:
        out.append("\n[[case]]\n")
        for key in (
            "id",
            "category",
            "note",
            "put",
            "link",
            "mkdir",
            "remove",
            "make",
            "exit",
            "rule",
            "at",
            "line",
            "column",
            "also",
            "absent",
            "clean",
            "zh",
            "en",
            "data",
            "posix",
            "casefold",
            "secret",
        ):
            if key in c and c[key] not in ({}, None):
                out.append(f"{key} = {toml_value(c[key])}\n")
    (HERE / "cases.toml").write_text("".join(out), encoding="utf-8")
    (HERE / ".gitattributes").write_text(
        "# the corpus holds exact bytes (CRLF, CR, BOMs, GBK): git must not convert them\n* -text\n", encoding="utf-8"
    )
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case id"
    print(f"{len(CASES)} cases, {len(BLOBS)} files")


if __name__ == "__main__":
    main()
