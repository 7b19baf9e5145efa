"""click's and typer's own words in Chinese: "Usage:", "Options", "No such command 'buidl'. Did you
mean 'build'?", "Missing argument" and the rest, for a clerk who reads Chinese. English with
``--lang en`` (or QUANLI_LANG=en), as every other message.

click and typer pass each of their messages through ``gettext`` (bound at import as ``_`` and
``ngettext`` in each of their modules); ``install`` puts ``translate`` in their place. A message
this table does not know stays English, so a newer click degrades to English, never to an error.
``Group`` reads ``--lang`` from the arguments before click parses them, since a usage error is
raised before any option has a value."""

from __future__ import annotations

import os
import re
import sys

import typer.core

ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Error: {message}": "错误：{message}",
    "No such command {name!r}.": "没有命令“{name}”。",
    "No such option: {name}": "没有选项 {name}。",
    "No such option {name!r}.": "没有选项 {name}。",
    "Did you mean {possibility}?": "您是不是要输入 {possibility}？",
    "(Possible options: {possibilities})": "（可能的选项：{possibilities}）",
    "(Did you mean one of: {possibilities}?)": "（您是不是要输入其中之一：{possibilities}？）",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing argument '{param_name}'.": "缺少参数 {param_name}。",
    "Missing option '{param_name}'.": "缺少选项 {param_name}。",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Missing {param_type} '{param_hint}'.": "缺少{param_type} {param_hint}。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Option {name!r} does not take a value.": "选项 {name} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name} 后面要写一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 后面要写 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 要写 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "{value!r} is not {choice}.": "“{value}”不是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不是 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} does not match the format {format}.": "“{value}”不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "“{value}”不符合格式 {formats}。",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件，不是文件夹。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是文件夹，不是文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”不可读。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”不可写。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "Aborted!": "已中止。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "integer": "整数",
    "float": "数",
}

_LANG: list[str] = []  # "en" or "zh" for this invocation; empty: from the environment


def lang() -> str:
    if _LANG:
        return _LANG[-1]
    return "en" if os.environ.get("QUANLI_LANG", "").lower().startswith("en") else "zh"


def translate(message: str) -> str:
    """``message`` in the language of this invocation. The Chinese texts quote with “” and use
    the plain fields (``{name}`` for the English ``{name!r}``), which str.format fills the same."""
    return message if lang() == "en" else ZH.get(message, message)


def ntranslate(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


_LATE = "typer.rich_utils"  # imports rich (0.12 s): patched when typer imports it, for help or an error


def install() -> None:
    """Put ``translate`` in place of gettext in click's and typer's modules (idempotent)."""
    import importlib

    for name in (
        "click.core",
        "click.exceptions",
        "click.parser",
        "click.formatting",
        "click.types",
        "click.decorators",
        "click.termui",
        "click.utils",
        "typer.core",
    ):
        try:
            _patch(importlib.import_module(name))
        except ImportError:  # pragma: no cover - typer vendors click as typer._click in some versions
            continue
    if _LATE in sys.modules:
        _patch(sys.modules[_LATE])
    elif not any(isinstance(f, _PatchOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport())


def _patch(module) -> None:
    if hasattr(module, "_"):
        module._ = translate
    if hasattr(module, "ngettext"):
        module.ngettext = ntranslate


class _PatchOnImport:
    """A meta path finder for ``typer.rich_utils`` alone: the usual spec, patched once executed."""

    def find_spec(self, name, path, target=None):
        if name != _LATE:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader)
        return spec


class _PatchingLoader:
    def __init__(self, inner) -> None:
        self.inner = inner

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module) -> None:
        self.inner.exec_module(module)
        _patch(module)


def _from_args(args) -> str | None:
    """The --lang of a command line, read before click parses it."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if str(args[i + 1]).lower().startswith("en") else "zh"
        if isinstance(arg, str) and arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1].lower().startswith("en") else "zh"
    return None


_MESSAGES = [  # (English as click writes it, Chinese): the final messages, whatever built them
    (r"No such command '(?P<a>.+?)'\.?", "没有命令“{a}”。"),
    (r"No such option: (?P<a>\S+)", "没有选项 {a}。"),
    (r"No such option '(?P<a>.+?)'\.?", "没有选项 {a}。"),
    (r"Missing option '(?P<a>.+?)'\.?", "缺少选项 {a}。"),
    (r"Missing argument '(?P<a>.+?)'\.?", "缺少参数 {a}。"),
    (r"Missing parameter: (?P<a>.+)", "缺少参数 {a}。"),
    (r"Missing command\.?", "缺少命令。"),
    (r"Option '(?P<a>.+?)' requires an argument\.?", "选项 {a} 后面要写一个值。"),
    (r"Option '(?P<a>.+?)' requires (?P<b>\d+) arguments\.?", "选项 {a} 后面要写 {b} 个值。"),
    (r"Option '(?P<a>.+?)' does not take a value\.?", "选项 {a} 不带值。"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((?P<a>.*)\)", "多出了参数（{a}）。"),
    (r"Invalid value for (?P<a>.+?): (?P<b>.+)", "{a} 的值无效：{b}"),
    (r"Invalid value: (?P<b>.+)", "值无效：{b}"),
    (r"'(?P<a>.*?)' is not one of (?P<b>.+?)\.", "“{a}”不是 {b} 之一。"),
    (r"'(?P<a>.*?)' is not (?P<b>'.+?')\.", "“{a}”不是 {b}。"),
    (r"'(?P<a>.*?)' is not a valid int(?:eger)?(?: range)?\.", "“{a}”不是整数。"),
    (r"'(?P<a>.*?)' is not a valid float(?: range)?\.", "“{a}”不是数。"),
    (r"(?P<a>.+?) is not in the range (?P<b>.+?)\.", "{a} 不在范围 {b} 内。"),
    (r"'(?P<a>.*?)' does not match the formats? (?P<b>.+?)\.", "“{a}”不符合格式 {b}。"),
    (r"(?P<a>File|Directory|Path) '(?P<b>.*?)' does not exist\.", "{a}“{b}”不存在。"),
    (r"(?P<a>File|Directory|Path) '(?P<b>.*?)' is a directory\.", "{a}“{b}”是文件夹，不是文件。"),
    (r"(?P<a>File|Directory|Path) '(?P<b>.*?)' is a file\.", "{a}“{b}”是文件，不是文件夹。"),
]
_KINDS = {"File": "文件", "Directory": "文件夹", "Path": "路径"}
_SUGGEST = re.compile(r"\s*\(?(?:Did you mean (?:one of: )?(?P<s>.+?)\?\)?|\(Possible options: (?P<p>.+?)\))\s*$")


def message_zh(message: str) -> str:
    """click's error message in Chinese; a message no pattern knows stays as it is."""
    suggestion = ""
    m = _SUGGEST.search(message)
    if m:
        suggestion = f"您是不是要输入 {m.group('s') or m.group('p')}？"
        message = message[: m.start()].rstrip().rstrip(".")
    for pattern, zh in _MESSAGES:
        hit = re.fullmatch(pattern, message.strip(), re.S)
        if hit:
            parts = {k: _KINDS.get(v, v) for k, v in hit.groupdict().items() if v is not None}
            if "b" in parts and zh.startswith("{a} 的值无效") or zh.startswith("值无效"):
                parts["b"] = message_zh(parts["b"])
            return zh.format(**parts) + suggestion
    return message + ("" if not suggestion else ("" if message.endswith("。") else "。") + suggestion)


def _exceptions(name: str) -> tuple:
    """The click exception class ``name`` of click and of the copy typer may carry inside it."""
    import importlib

    found = []
    for module in ("click.exceptions", "typer._click.exceptions"):
        try:
            cls = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if cls is not None and cls not in found:
            found.append(cls)
    return tuple(found)


def _usage_error(exc) -> str:
    """A usage error as click shows it (usage line, where help is, the error), in Chinese."""
    ctx = getattr(exc, "ctx", None)
    out = []
    if ctx is not None:
        out.append(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            out.append(f"运行“{ctx.command_path} {ctx.help_option_names[0]}”查看帮助。")
        out.append("")
    out.append("错误：" + message_zh(exc.format_message()))
    return "\n".join(out)


class _Chinese:
    """Usage line and help option of a command, in the invocation's language."""

    def format_usage(self, ctx, formatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Usage: " if lang() == "en" else "用法：")

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Show this message and exit." if lang() == "en" else "显示本帮助并退出。"
        return option


class Command(_Chinese, typer.core.TyperCommand):
    pass


class Group(_Chinese, typer.core.TyperGroup):
    """The command group: reads ``--lang`` first, then runs click with its own error display
    replaced by one in that language (click's is English, and typer's copy of click has no
    translations at all)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        chosen = _from_args(sys.argv[1:] if args is None else args)
        _LANG.append(chosen or ("en" if os.environ.get("QUANLI_LANG", "").lower().startswith("en") else "zh"))
        try:
            if not standalone_mode or lang() == "en":
                return super().main(args, prog_name, complete_var, standalone_mode, **extra)
            try:
                code = super().main(args, prog_name, complete_var, False, **extra)
            except _exceptions("NoArgsIsHelpError") as exc:
                exc.show()
                sys.exit(exc.exit_code)
            except _exceptions("UsageError") as exc:
                print(_usage_error(exc), file=sys.stderr)
                sys.exit(exc.exit_code)
            except _exceptions("ClickException") as exc:
                print("错误：" + message_zh(exc.format_message()), file=sys.stderr)
                sys.exit(exc.exit_code)
            except _exceptions("Abort"):
                print("已中止。", file=sys.stderr)
                sys.exit(1)
            sys.exit(code if isinstance(code, int) else 0)
        finally:
            _LANG.pop()


def chinese_commands(*apps) -> None:
    """Give every command of these typer apps the Chinese usage line and help option."""
    for app in apps:
        for info in app.registered_commands:
            if info.cls in (None, typer.core.TyperCommand):
                info.cls = Command
