"""QL100-QL110, QL120-QL121: reading files, schema validity and the catalogue layout."""

from __future__ import annotations

from quanli.check.registry import catalogue_rule, describe

describe("QL100", "file-encoding", "error", "文件不是 UTF-8 文本", "file is not UTF-8 text",
         "quanli 只读取 UTF-8 编码的文本文件（可带 BOM）。GBK、UTF-16 文件或误放的 Word/Excel 文件会被拒绝并说明如何转换，"
         "以免乱码进入公开的目录。",
         "name: 建设项目环境影响报告书审批\n", "(GBK 编码保存的同一行)")
describe("QL101", "yaml-syntax", "error", "YAML 语法错误", "YAML syntax error",
         "文件必须是合法的 YAML。错误信息指出出错的行和列，并用中文说明常见原因（Tab 缩进、未加引号的冒号、未闭合的引号）。",
         "name: 审批\n", "name: 审批: 许可\n")
describe("QL102", "duplicate-key", "error", "同一层出现重复的键", "duplicate key",
         "普通 YAML 读取器遇到重复的键时会静默保留最后一个，前面填写的内容就丢了。quanli 把它报告为错误。",
         "name: 甲\nremarks: 乙\n", "name: 甲\nname: 乙\n")
describe("QL103", "yaml-anchor", "error", "使用了锚点或别名", "anchor or alias used",
         "锚点（&）和别名（*）会让一个文件引用另一处内容，“十亿笑声”式的文件还能让程序耗尽内存。目录文件应当直接写出内容。",
         "name: 甲\n", "name: &n 甲\nremarks: *n\n")
describe("QL104", "multiple-documents", "error", "一个文件有多个 YAML 文档", "several documents in one file",
         "每个事项、流程图各占一个文件，文件名就是编号；用 --- 分隔的多个文档会让编号和文件对不上。",
         "name: 甲\n", "name: 甲\n---\nname: 乙\n")
describe("QL105", "empty-file", "error", "文件为空", "empty file",
         "空文件（或只有注释的文件）不是一个事项，多半是未写完或误建的文件。", "name: 甲\n", "# 只有注释\n")
describe("QL106", "file-too-large", "error", "文件过大", "file too large",
         "单个文件超过 4 MB 时拒绝读取：一个事项文件通常只有几 KB，过大的文件多半是放错了，读取它会拖慢每次检查。",
         "name: 甲\n", "（超过 4 MB 的文件）")
describe("QL107", "nesting-too-deep", "error", "嵌套层数过深", "nesting too deep",
         "超过 64 层的嵌套在目录中没有意义，却可能让程序耗尽资源，因此拒绝读取。", "a:\n  b: 1\n", "a: " + "[" * 70 + "]" * 70 + "\n")
describe("QL108", "not-a-mapping", "error", "文件最外层不是映射", "top level is not a mapping",
         "每个目录文件的最外层都是“键: 值”形式的映射（事项的 id、name 等写在最外层）。整个文件写成列表或单个值，多半是缩进或复制粘贴出了错。", "name: 甲\n", "- 甲\n- 乙\n")
describe("QL109", "yaml-tag", "error", "使用了 YAML 标签", "YAML tag used",
         "!!python/object 等标签可能让不安全的读取器执行代码；目录文件只需要文字、数字、列表和映射。",
         "name: 甲\n", "name: !!python/object 甲\n")
describe("QL110", "schema", "error", "不符合格式规范（JSON Schema）", "does not match the schema",
         "每类文件都有一份 JSON Schema（schemas/ 目录），规定必填字段、取值范围和写法。编辑器装上 YAML 插件后会按同一份规范提示和补全。",
         "id: HB-XK-001\nname: 审批\ncategory: 行政许可\ndisclosure: {scope: 社会公开}\n",
         "id: HB-XK-001\nname: 审批\ncategory: 行政许可\ndisclosure: {scope: 不予公开}\n")


@catalogue_rule("QL120", "missing-part", "error", "目录缺少必需的文件或文件夹", "catalogue is missing a required part",
                "一个目录由 catalog.yaml、laws.yaml、items/ 和 flows/ 组成。缺少 laws.yaml 时无法核对法律依据，缺少文件夹多半是路径放错了。",
                "catalog.yaml、laws.yaml、items/、flows/ 俱全", "缺少 laws.yaml")
def missing_part(ctx):
    for rel in ctx.catalogue.missing:
        ctx.report("QL120", ctx.pseudo(rel.rstrip("/")), (),
                   f"目录缺少 {rel}。" + ("请新建它（可用 quanli init 生成的模板）。" if rel.endswith(".yaml") else "请新建这个文件夹。"),
                   f"the catalogue has no {rel}.", line=1, column=1)


@catalogue_rule("QL121", "stray-file", "warning", "items/ 或 flows/ 中有不属于目录的文件", "stray file in items/ or flows/",
                "items/ 和 flows/ 中只放 .yaml 文件，一个事项或流程图一个文件。其他文件、子文件夹和符号链接不会被读取（符号链接可能指向目录之外），"
                "放在这里容易让人以为它们是目录的一部分。",
                "items/HB-XK-001.yaml", "items/HB-XK-001.docx")
def stray_files(ctx):
    for stray in ctx.catalogue.strays:
        if stray.kind == "symlink":
            zh, en = f"{stray.rel} 是符号链接，为安全起见不会被读取（它可能指向目录之外）。请换成普通文件。", f"{stray.rel} is a symbolic link and is not followed."
        elif stray.kind == "special":
            zh, en = f"{stray.rel} 不是普通文件（管道或设备），不会被读取。", f"{stray.rel} is not a regular file and is not read."
        elif stray.is_dir:
            zh, en = f"{stray.rel} 是子文件夹，其中的文件不会被读取。事项和流程图请直接放在 items/、flows/ 中。", f"{stray.rel} is a folder; its files are not read."
        else:
            zh, en = f"{stray.rel} 不是 .yaml 文件，不会被读取。请移出这个文件，或改成 .yaml 文件。", f"{stray.rel} is not a .yaml file and is not read; move it out."
        ctx.report("QL121", ctx.pseudo(stray.rel), (), zh, en, line=1, column=1)
