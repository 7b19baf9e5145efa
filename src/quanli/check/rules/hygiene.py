"""QL801-QL806: text a clerk typed that will embarrass the published catalogue.

One pass over every string of every file; a cheap pre-filter keeps the cost near a
single regular-expression search per string.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule

if TYPE_CHECKING:
    from quanli.check.context import Context

_PLACEHOLDER = re.compile(r"待定|待补充|待完善|XXX|xxx|ＸＸＸ|TODO|TBD|暂无|^（[^（）]*）$|^\([^()]*\)$|^[？?]+$")
_FULLWIDTH_DIGIT = re.compile("[０-９]")


def is_placeholder(text: str) -> bool:
    """Whether QL802 reads ``text`` as a placeholder: other rules then leave it to QL802 (one finding per cause)."""
    return bool(_PLACEHOLDER.search(text.strip()))


_INVISIBLE = re.compile(
    "[\u200b\u200c\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
)
_SUSPECT = re.compile(
    "待|XXX|xxx|ＸＸＸ|TODO|TBD|暂无|^[（(？?]|[０-９]|[\u200b\u200c\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|^\\s|\\s$"
)
_SKIP_PLACEHOLDER = {"remarks", "extra", "note"}
PHONE_FIELDS = {"consult_phone", "complaint_phone", "phone"}
_PHONE = re.compile(
    r"(?:\(?0\d{2,3}\)?[-– ]?)?(?:\d{7,8}|12\d{3}|9[56]\d{3,4})(?:(?:[-–]|转)\d{1,6}){0,3}"
    r"|1[3-9]\d{9}|[48]00[-– ]?\d{3}[-– ]?\d{4}"
)
_SIMPLE_PHONES = re.compile(r"[0-9()\-–、；;，,/ ]+")
_TOKEN_LABEL = re.compile(r"^[\u4e00-\u9fff]+:?")  # 广州：020-…, 拨打12348
_TOKEN_TAIL = re.compile(r"[。.，,；;]+$")
_PHONE_SPLIT = re.compile(r"[、；;，,/／\s]+|或")
_PHONE_LABEL = re.compile(r"^[^0-9０-９(（]*[：:]")
_PHONE_NOTE = re.compile(r"\([^()]*[\u4e00-\u9fff][^()]*\)")  # (本局监督投诉), after NFKC


def strings(node, path=()):
    """(path, text) for every string in a document, iteratively (no recursion limit)."""
    stack = [(path, node)]
    while stack:
        p, n = stack.pop()
        if isinstance(n, str):
            yield p, n
        elif isinstance(n, dict):
            stack.extend((p + (k,), v) for k, v in reversed(list(n.items())))
        elif isinstance(n, list):
            stack.extend((p + (i,), v) for i, v in reversed(list(enumerate(n))))


# What a suspect string can look like in a file's source text. Most files contain none of
# these; every pattern starts with a rare character so one scan of the text is cheap
# (surrounding whitespace is reported by the loader instead, see QL804).
_RAW_WORDS = re.compile("待定|待补充|待完善|XXX|xxx|ＸＸＸ|TODO|TBD|暂无|？")  # literal branches: fast
_RAW_CHARS = re.compile("[０-９\u200b\u200c\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069\u00ad]")
_VALUE_START = (": ", "- ", ": '", "- '", ': "', '- "')


def _raw_suspect(text: str) -> bool:
    if _RAW_WORDS.search(text) or _RAW_CHARS.search(text) or "?\n" in text or "?'\n" in text or '?"\n' in text:
        return True
    if "\\" in text:  # escapes in double quotes can make any character, invisible ones included
        return True
    for bracket in ("（", "("):  # a value that starts with a bracket may be a template hint
        i = text.find(bracket)
        while i != -1:
            j = i - 1
            while j >= 0 and text[j] in " \t'\"":
                j -= 1
            if j < 0 or text[j] in ":-[,\n":
                return True
            i = text.find(bracket, i + 1)
    return False


def _files(ctx):
    cat = ctx.catalogue
    return [sf for sf in [cat.catalog, cat.laws] + cat.items + cat.flows if sf is not None and sf.ok]


def _text(sf) -> str:
    return sf.blob.decode("utf-8", "replace") if sf.blob is not None else ""


def _suspects(ctx):
    """Strings that may break a hygiene rule, computed once for all of QL802-QL804 and QL806."""
    cached = getattr(ctx, "_hygiene_suspects", None)
    if cached is None:
        cached = []
        search = _SUSPECT.search
        for sf in _files(ctx):
            if sf.blob is not None and not _raw_suspect(_text(sf)):
                continue
            for path, text in strings(sf.data):
                if search(text):
                    cached.append((sf, path, text))
        ctx._hygiene_suspects = cached
    return cached


def _phones(sf):
    """(path, text) of the phone fields of a catalogue, item or flow file."""
    data = sf.data
    holders = []
    if sf.kind == "item" or sf.kind == "catalog":
        holders.append((("contact",), data.get("contact")))
    if sf.kind == "catalog":
        holders.append((("unit",), data.get("unit")))
        deps = data.get("departments")
        holders += [(("departments", i), d) for i, d in enumerate(deps if isinstance(deps, list) else [])]
    if sf.kind == "flow":
        holders.append((("complaint",), data.get("complaint")))
    for path, holder in holders:
        if isinstance(holder, dict):
            for key in PHONE_FIELDS:
                if isinstance(holder.get(key), str):
                    yield path + (key,), holder[key]


@catalogue_rule(
    "QL801",
    "law-name-without-brackets",
    "warning",
    "法律法规名称没有加书名号",
    "law name without 《》",
    "公文中法律法规名称要加书名号（《党政机关公文格式》及公文写作规范），一表、一件中引用依据时统一写成《中华人民共和国行政许可法》。"
    "laws.yaml 的 name 写全称但不加书名号（输出时由 quanli 加上）；事项文字中出现法规全称时要加书名号。",
    "text: 依照《中华人民共和国行政许可法》第四十二条",
    "text: 依照中华人民共和国行政许可法第四十二条",
)
def law_name_brackets(ctx: Context) -> None:
    laws = ctx.catalogue.laws
    names = []
    entries = laws.get("laws") if laws is not None and laws.ok else None
    for i, law in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(law, dict) and isinstance(law.get("name"), str):
            if "《" in law["name"] or "》" in law["name"]:
                ctx.report(
                    "QL801",
                    laws,
                    ("laws", i, "name"),
                    f"laws.yaml 中的名称“{law['name']}”不要带书名号，输出时会自动加上。",
                    "write law names in laws.yaml without 《》; quanli adds them.",
                )
            elif len(law["name"]) >= 4:
                names.append(law["name"])
    if not names:
        return
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    for sf in ctx.items() + ctx.flows():
        if sf.blob is not None and not pattern.search(_text(sf)):
            continue  # the file never mentions a registered law by its full name
        for path, text in strings(sf.data):
            if path and path[-1] == "law" or not ("法" in text or "条例" in text or "规定" in text or "办法" in text):
                continue
            for m in pattern.finditer(text):
                if not (m.start() > 0 and text[m.start() - 1] == "《" and text[m.end() : m.end() + 1] == "》"):
                    ctx.report(
                        "QL801", sf, path, f"“{m.group()}”要加书名号：《{m.group()}》。", f"'{m.group()}' needs 《》."
                    )
                    break


@catalogue_rule(
    "QL802",
    "placeholder-text",
    "warning",
    "还有未填写的占位文字",
    "placeholder text left in",
    "“待定”“XXX”“暂无”以及模板中括号里的填写提示不能出现在发布的目录中；quanli new 生成的模板用这种提示标出要填写的地方。"
    "事项的 flow 是占位文字（如导入时的 TODO）时，由 QL114 作为错误报告（没有流程图）。",
    "subject: 示例县生态环境局",
    "subject: （实施主体）",
)
def placeholder_text(ctx: Context) -> None:
    flows = None
    for sf, path, text in _suspects(ctx):
        if any(isinstance(p, str) and p in _SKIP_PLACEHOLDER for p in path):
            continue
        m = _PLACEHOLDER.search(text.strip())
        if m and sf.kind == "item" and path == ("flow",):
            if flows is None:
                from quanli.check.rules.references import known_flows

                flows = known_flows(ctx)
            if text not in flows:
                continue  # flow: TODO names no flow: QL114 reports it, as an error (one finding per cause)
        if m:
            ctx.report(
                "QL802",
                sf,
                path,
                f"“{text.strip()[:40]}”是占位文字，请填写实际内容。",
                f"'{text.strip()[:40]}' is a placeholder; fill in the real content.",
            )


@catalogue_rule(
    "QL803",
    "fullwidth-digits",
    "warning",
    "混用了全角数字",
    "full-width digits",
    "全角数字（１２３）与半角数字（123）混用，会让检索、排序和电话号码识别出错，打印出来也参差不齐。请统一用半角数字。",
    "consult_phone: 0519-82101004",
    "consult_phone: ０５１９-82101004",
)
def fullwidth_digits(ctx: Context) -> None:
    for sf, path, text in _suspects(ctx):
        if _FULLWIDTH_DIGIT.search(text):
            fixed = unicodedata.normalize("NFKC", text) if len(text) < 60 else None
            hint = f"应为“{fixed}”。" if fixed else "请改为半角数字。"
            ctx.report("QL803", sf, path, f"含有全角数字，{hint}", "contains full-width digits; use ASCII digits.")


@catalogue_rule(
    "QL804",
    "surrounding-whitespace",
    "warning",
    "文字前后有多余的空白",
    "leading or trailing whitespace",
    "加了引号的文字前后多出的空格、换行会原样进入一表和一件，造成对不齐，也会让相同的名称比较起来不同。",
    "name: '建设项目审批'",
    "name: '建设项目审批 '",
)
def surrounding_whitespace(ctx: Context) -> None:
    from quanli.loader.yamlparse import ParseFailure, load_bytes

    for sf in _files(ctx):
        spots = [(line, column) for kind, line, column in sf.facts if kind == "whitespace"]
        if not spots:
            continue
        paths = {}
        try:  # find the JSON path of each spot (rare: only files with such values are parsed again)
            _, positions = load_bytes(sf.blob if sf.blob is not None else open(sf.path, "rb").read(), track=True)
            paths = {pos: path for path, pos in positions.values.items()}
        except (OSError, ParseFailure):
            pass
        for line, column in spots:
            ctx.report(
                "QL804",
                sf,
                paths.get((line, column), ()),
                "文字前后有多余的空格或换行，请删除。",
                "remove the leading/trailing whitespace.",
                line=line,
                column=column,
            )


@catalogue_rule(
    "QL805",
    "phone-format",
    "warning",
    "电话号码格式不对",
    "malformed phone number",
    "咨询、投诉电话要能直接拨打：固定电话写成 0519-82101004，手机 11 位，服务热线如 12345、12369；多个号码用顿号或分号分开。",
    "complaint_phone: 0519-82101099；12369",
    "complaint_phone: 8210109",
)
def phone_format(ctx: Context) -> None:
    for sf in _files(ctx):
        for path, text in _phones(sf):
            if _SIMPLE_PHONES.fullmatch(text):  # digits and separators only: the common case
                tokens = [t for t in _PHONE_SPLIT.split(text) if t]
                if tokens and all(_PHONE.fullmatch(t) for t in tokens):
                    continue
            if _PLACEHOLDER.search(text.strip()):
                continue  # QL802 already asks for the real number
            value = unicodedata.normalize("NFKC", text.strip())  # （0662） -> (0662); QL803 reports full-width digits
            value = _PHONE_NOTE.sub(" ", _PHONE_LABEL.sub("", value)).replace("- ", "-")
            tokens = [_TOKEN_TAIL.sub("", _TOKEN_LABEL.sub("", t)) for t in _PHONE_SPLIT.split(value) if t]
            tokens = [t for t in tokens if t]
            bad = [t for t in tokens if not _PHONE.fullmatch(t)]
            if bad or not tokens:
                ctx.report(
                    "QL805",
                    sf,
                    path,
                    f"电话号码“{text.strip()}”格式不对（{'、'.join(bad) or '没有号码'}）。例如 0519-82101004、12345。",
                    f"phone number '{text.strip()}' is malformed.",
                )


@catalogue_rule(
    "QL806",
    "invisible-characters",
    "error",
    "含有零宽或控制文字方向的不可见字符",
    "invisible or bidirectional control characters",
    "零宽字符、文字方向控制符和控制字符看不见，却会让两个看起来完全相同的名称不同，或让显示的文字与实际内容不一致（Trojan Source 式欺骗），"
    "常见于从网页或聊天软件复制的文字，也可能由双引号中的转义（如 \\u202e）写出。",
    "name: 建设项目审批",
    "name: 建设项目\u200b审批（含零宽空格）",
)
def invisible_characters(ctx: Context) -> None:
    for sf, path, text in _suspects(ctx):
        m = _INVISIBLE.search(text)
        if m:
            ctx.report(
                "QL806",
                sf,
                path,
                f"含有不可见字符 U+{ord(m.group()):04X}（第 {m.start() + 1} 个字符处），请删除。",
                f"contains the invisible character U+{ord(m.group()):04X}; delete it.",
            )
