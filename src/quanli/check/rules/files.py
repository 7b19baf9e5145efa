"""QL100-QL110, QL120-QL121, QL126-QL127: reading files, schema validity, the catalogue layout and
file names that another operating system cannot hold."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from quanli.check.registry import catalogue_rule, describe

if TYPE_CHECKING:
    from quanli.check.context import Context

describe(
    "QL100",
    "file-encoding",
    "error",
    "文件不是 UTF-8 文本",
    "file is not UTF-8 text",
    "quanli 只读取 UTF-8 编码的文本文件（可带 BOM）。GBK、UTF-16 文件或误放的 Word/Excel 文件会被拒绝并说明如何转换，"
    "以免乱码进入公开的目录。",
    "name: 建设项目环境影响报告书审批\n",
    "(GBK 编码保存的同一行)",
)
describe(
    "QL101",
    "yaml-syntax",
    "error",
    "YAML 语法错误",
    "YAML syntax error",
    "文件必须是合法的 YAML。错误信息指出出错的行和列，并用中文说明常见原因（Tab 缩进、未加引号的冒号、未闭合的引号）。",
    "name: 审批\n",
    "name: 审批: 许可\n",
)
describe(
    "QL102",
    "duplicate-key",
    "error",
    "同一层出现重复的键",
    "duplicate key",
    "普通 YAML 读取器遇到重复的键时会静默保留最后一个，前面填写的内容就丢了。quanli 把它报告为错误。",
    "name: 甲\nremarks: 乙\n",
    "name: 甲\nname: 乙\n",
)
describe(
    "QL103",
    "yaml-anchor",
    "error",
    "使用了锚点或别名",
    "anchor or alias used",
    "锚点（&）和别名（*）会让一个文件引用另一处内容，“十亿笑声”式的文件还能让程序耗尽内存。目录文件应当直接写出内容。",
    "name: 甲\n",
    "name: &n 甲\nremarks: *n\n",
)
describe(
    "QL104",
    "multiple-documents",
    "error",
    "一个文件有多个 YAML 文档",
    "several documents in one file",
    "每个事项、流程图各占一个文件，文件名就是编号；用 --- 分隔的多个文档会让编号和文件对不上。",
    "name: 甲\n",
    "name: 甲\n---\nname: 乙\n",
)
describe(
    "QL105",
    "empty-file",
    "error",
    "文件为空",
    "empty file",
    "空文件（或只有注释的文件）不是一个事项，多半是未写完或误建的文件。",
    "name: 甲\n",
    "# 只有注释\n",
)
describe(
    "QL106",
    "file-too-large",
    "error",
    "文件过大",
    "file too large",
    "单个文件超过 4 MB 时拒绝读取：一个事项文件通常只有几 KB，过大的文件多半是放错了，读取它会拖慢每次检查。",
    "name: 甲\n",
    "（超过 4 MB 的文件）",
)
describe(
    "QL107",
    "nesting-too-deep",
    "error",
    "嵌套层数过深",
    "nesting too deep",
    "超过 64 层的嵌套在目录中没有意义，却可能让程序耗尽资源，因此拒绝读取。",
    "a:\n  b: 1\n",
    "a: " + "[" * 70 + "]" * 70 + "\n",
)
describe(
    "QL108",
    "not-a-mapping",
    "error",
    "文件最外层不是映射",
    "top level is not a mapping",
    "每个目录文件的最外层都是“键: 值”形式的映射（事项的 id、name 等写在最外层）。整个文件写成列表或单个值，多半是缩进或复制粘贴出了错。",
    "name: 甲\n",
    "- 甲\n- 乙\n",
)
describe(
    "QL109",
    "yaml-tag",
    "error",
    "使用了 YAML 标签",
    "YAML tag used",
    "!!python/object 等标签可能让不安全的读取器执行代码；目录文件只需要文字、数字、列表和映射。",
    "name: 甲\n",
    "name: !!python/object 甲\n",
)
describe(
    "QL110",
    "schema",
    "error",
    "不符合格式规范（JSON Schema）",
    "does not match the schema",
    "每类文件都有一份 JSON Schema（schemas/ 目录），规定必填字段、取值范围和写法。编辑器装上 YAML 插件后会按同一份规范提示和补全。",
    "id: HB-XK-001\nname: 审批\ncategory: 行政许可\ndisclosure: {scope: 社会公开}\n",
    "id: HB-XK-001\nname: 审批\ncategory: 行政许可\ndisclosure: {scope: 不予公开}\n",
)


@catalogue_rule(
    "QL120",
    "missing-part",
    "error",
    "目录缺少必需的文件或文件夹",
    "catalogue is missing a required part",
    "一个目录由 catalog.yaml、laws.yaml、items/ 和 flows/ 组成。缺少 laws.yaml 时无法核对法律依据，缺少文件夹多半是路径放错了。",
    "catalog.yaml、laws.yaml、items/、flows/ 俱全",
    "缺少 laws.yaml",
)
def missing_part(ctx: Context) -> None:
    linked = _linked_folders(ctx)
    for rel in ctx.catalogue.missing:
        if rel in linked:
            ctx.report(
                "QL120",
                ctx.pseudo(rel.rstrip("/")),
                (),
                f"{rel.rstrip('/')} 是符号链接，为安全起见不会被读取（它可能指向目录之外）。请换成普通文件夹。",
                f"{rel.rstrip('/')} is a symbolic link and is not followed (it may lead out of the catalogue); use a regular folder.",
                line=1,
                column=1,
            )
            continue
        ctx.report(
            "QL120",
            ctx.pseudo(rel.rstrip("/")),
            (),
            f"目录缺少 {rel}。"
            + ("请新建它（可用 quanli init 生成的模板）。" if rel.endswith(".yaml") else "请新建这个文件夹。"),
            f"the catalogue has no {rel}.",
            line=1,
            column=1,
        )


def _linked_folders(ctx) -> set[str]:
    """items/ or flows/ that are symbolic links: reported once, as a missing part (QL120)."""
    return {s.rel + "/" for s in ctx.catalogue.strays if s.kind == "symlink" and "/" not in s.rel}


@catalogue_rule(
    "QL121",
    "stray-file",
    "warning",
    "items/ 或 flows/ 中有不属于目录的文件",
    "stray file in items/ or flows/",
    "items/ 和 flows/ 中只放 .yaml 文件，一个事项或流程图一个文件。其他文件、子文件夹和符号链接不会被读取（符号链接可能指向目录之外），"
    "放在这里容易让人以为它们是目录的一部分。",
    "items/HB-XK-001.yaml",
    "items/HB-XK-001.docx",
)
def stray_files(ctx: Context) -> None:
    linked = _linked_folders(ctx)
    for stray in ctx.catalogue.strays:
        if stray.rel + "/" in linked:
            continue
        if stray.kind == "symlink":
            zh, en = (
                f"{stray.rel} 是符号链接，为安全起见不会被读取（它可能指向目录之外）。请换成普通文件。",
                f"{stray.rel} is a symbolic link and is not followed.",
            )
        elif stray.kind == "special":
            zh, en = (
                f"{stray.rel} 不是普通文件（管道或设备），不会被读取。",
                f"{stray.rel} is not a regular file and is not read.",
            )
        elif stray.is_dir:
            zh, en = (
                f"{stray.rel} 是子文件夹，其中的文件不会被读取。事项和流程图请直接放在 items/、flows/ 中。",
                f"{stray.rel} is a folder; its files are not read.",
            )
        else:
            zh, en = (
                f"{stray.rel} 不是 .yaml 文件，不会被读取。请移出这个文件，或改成 .yaml 文件。",
                f"{stray.rel} is not a .yaml file and is not read; move it out.",
            )
        ctx.report("QL121", ctx.pseudo(stray.rel), (), zh, en, line=1, column=1)


# Windows refuses these names for a file, whatever the extension (CON.yaml, aux.txt.yaml), and
# these characters anywhere in a name; git on Windows then fails to check the file out.
WINDOWS_RESERVED = frozenset(
    {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        "CONIN$",
        "CONOUT$",
        *(f"COM{c}" for c in "0123456789¹²³"),
        *(f"LPT{c}" for c in "0123456789¹²³"),
    }
)
_WINDOWS_ILLEGAL = re.compile(r'[<>:"|?*\\\x00-\x1f]')


def windows_problem(name: str) -> tuple[str, str] | None:
    """Why ``name`` (one file name) cannot exist on Windows, in Chinese and English; None if it can."""
    bad = sorted(set(_WINDOWS_ILLEGAL.findall(name)))
    if bad:
        shown = " ".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
        return (
            f"含有 Windows 文件名中不允许的字符 {shown}",
            f"it contains characters Windows does not allow in file names: {shown}",
        )
    base = name.split(".", 1)[0].rstrip(" ").upper()
    if base in WINDOWS_RESERVED:
        return (
            f"“{base}”是 Windows 的保留设备名，不能作文件名（加上扩展名也不行）",
            f"'{base}' is a reserved device name on Windows, with any extension",
        )
    if name.endswith((" ", ".")):
        return "以空格或句点结尾，Windows 会把它去掉", "it ends with a space or a dot, which Windows drops"
    return None


@catalogue_rule(
    "QL126",
    "windows-file-name",
    "error",
    "文件名或编号在 Windows 上不能使用",
    "file name or id not allowed on Windows",
    "大多数单位用 Windows 办公。CON、PRN、AUX、NUL、COM0–COM9、LPT0–LPT9 是 Windows 的保留设备名（带扩展名也不行），"
    '< > : " / \\ | ? * 和控制字符不能出现在文件名中。这样的事项文件在 Windows 上无法检出（git clone 报错、解压时丢失），'
    "以编号命名的一件（sheets/<编号>.docx）、一图也无法生成。",
    "items/HB-XK-001.yaml",
    "items/CON.yaml（id: CON）",
)
def windows_file_name(ctx: Context) -> None:
    files = list(ctx.catalogue.items) + ([] if ctx.items_only else list(ctx.catalogue.flows))
    for sf in files:  # read or not: the file name alone decides
        name = sf.rel.rsplit("/", 1)[-1]
        ident = sf.get("id") if sf.ok else None
        problem = windows_problem(name)
        if problem is not None:
            ctx.report(
                "QL126",
                sf,
                ("id",) if ident == sf.stem else (),
                f"文件名“{name}”在 Windows 上不能使用：{problem[0]}。在 Windows 上检出或解压这个目录时这个文件会出错或丢失，请改名（编号也要一起改）。",
                f"file name '{name}' cannot be used on Windows: {problem[1]}; rename the file (and its id).",
            )
        elif isinstance(ident, str) and ident != sf.stem and (problem := windows_problem(ident + ".yaml")) is not None:
            ctx.report(
                "QL126",
                sf,
                ("id",),
                f"编号“{ident}”不能用作 Windows 上的文件名：{problem[0]}。以编号命名的事项文件、一件和一图在 Windows 上都无法创建，请换一个编号。",
                f"id '{ident}' cannot name a file on Windows: {problem[1]}; choose another id.",
            )
    if not ctx.items_only:
        for stray in ctx.catalogue.strays:
            name = stray.rel.rsplit("/", 1)[-1]
            problem = windows_problem(name)
            if problem is not None:
                ctx.report(
                    "QL126",
                    ctx.pseudo(stray.rel),
                    (),
                    f"“{stray.rel}”在 Windows 上不能使用：{problem[0]}。在 Windows 上检出或解压这个目录时它会出错或丢失，请改名或移走。",
                    f"'{stray.rel}' cannot exist on Windows: {problem[1]}; rename or move it.",
                    line=1,
                    column=1,
                )


def fold_name(name: str) -> str:
    """What Windows and macOS compare when they look up a file name: case and Unicode form ignored."""
    return unicodedata.normalize("NFC", name).casefold()


@catalogue_rule(
    "QL127",
    "case-collision",
    "error",
    "文件名只有大小写不同",
    "file names differ only by case",
    "Windows 和 macOS 的文件系统不区分大小写：items/HB-XK-001.yaml 和 items/hb-xk-001.yaml 在那里是同一个文件，"
    "检出时后一个会覆盖前一个，或者 git 一直显示文件被修改。编号相同（不区分大小写）时另由 QL112 报告。",
    "items/HB-XK-001.yaml 与 items/HB-XK-002.yaml",
    "items/HB-XK-001.yaml 与 items/hb-xk-001.yaml",
)
def case_collision(ctx: Context) -> None:
    cat = ctx.catalogue
    for folder, files in (("items/", cat.items), ("flows/", cat.flows)):
        entries = [(sf.rel, sf) for sf in files] + [(s.rel, None) for s in cat.strays if s.rel.startswith(folder)]
        seen: dict[str, tuple[str, object]] = {}
        for rel, sf in sorted(entries, key=lambda e: e[0]):
            first = seen.setdefault(fold_name(rel), (rel, sf))
            if first[0] == rel:
                continue
            other = first[1]
            if sf is not None and other is not None and sf.ok and other.ok:
                a, b = sf.get("id"), other.get("id")
                if isinstance(a, str) and isinstance(b, str) and a.casefold() == b.casefold():
                    continue  # the ids collide as well: QL112 says so
            name = rel.rsplit("/", 1)[-1]
            how_zh, how_en = (
                ("只有大小写不同", "only by case")
                if rel.casefold() == first[0].casefold()
                else (
                    "看起来相同（只是 Unicode 字符的组合方式不同）",
                    "only in how its characters are composed (Unicode normalisation)",
                )
            )
            ctx.report(
                "QL127",
                sf if sf is not None else ctx.pseudo(rel),
                (),
                f"文件名“{name}”与 {first[0]} {how_zh}。在 Windows 和 macOS 上它们是同一个文件，检出时只会留下一个。请改名或删除其中一个。",
                f"file name '{name}' differs from {first[0]} {how_en}: on Windows and macOS they are one file. Rename or delete one.",
                line=1,
                column=1,
            )
