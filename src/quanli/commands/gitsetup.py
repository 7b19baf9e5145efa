"""``quanli git-setup``: plain ``git diff`` and ``git log -p`` show catalogue files semantically.

Writes a marked block to the repository's ``.gitattributes`` (the catalogue files get
``diff=quanli``) and a ``[diff "quanli"]`` section with ``textconv`` to the repository's
own ``.git/config``; ``--undo`` removes both. Both files are edited as text, so everything
else in them (comments, other settings, line endings, encoding) stays as it was, and
running it twice changes nothing.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from quanli.core.errors import QuanliError

BEGIN = "# >>> quanli: semantic diff of catalogue files (quanli git-setup; remove with quanli git-setup --undo)"
END = "# <<< quanli"
ROOT_MARK = "# quanli-catalogue: "
SECTION_RE = re.compile(r'^\s*\[\s*diff\s+"quanli"\s*\]\s*(?:[#;].*)?$')
ANY_SECTION_RE = re.compile(r"^\s*\[")
PATTERNS = ("catalog.yaml", "laws.yaml", "items/*.yaml", "items/*.yml", "flows/*.yaml", "flows/*.yml")


def textconv_command() -> str:
    """How git calls quanli: by absolute path, so that GUI tools and shells outside the venv find it."""
    exe = shutil.which("quanli")
    if exe:
        return f"{_shell_word(Path(exe).resolve().as_posix())} textconv"
    return f"{_shell_word(Path(sys.executable).as_posix())} -m quanli textconv"


def _shell_word(text: str) -> str:
    return (
        text
        if re.fullmatch(r"[A-Za-z0-9_./:+-]+", text)
        else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    )


def _config_value(command: str) -> str:
    return command.replace("\\", "\\\\").replace('"', '\\"')


def _pattern(root: str, name: str) -> str:
    """A .gitattributes pattern for a file of a catalogue folder, glob characters in the folder escaped."""
    folder = "" if root == "." else "".join("\\" + ch if ch in "\\[]*?" else ch for ch in root) + "/"
    pattern = folder + name
    if " " in pattern or "\t" in pattern or pattern.startswith(('"', "#", "!")):
        pattern = '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return pattern


def _block(roots: list[str]) -> list[str]:
    lines = [BEGIN]
    for root in roots:
        lines.append(ROOT_MARK + root)
        lines += [f"{_pattern(root, name)} diff=quanli" for name in PATTERNS]
    return lines + [END]


def _split_block(lines: list[str]) -> tuple[list[str], set[str]]:
    """(the lines outside quanli's block, the catalogue folders the block named)."""
    out: list[str] = []
    roots: set[str] = set()
    inside = False
    held: list[str] = []  # lines of an open block that are not quanli's (kept if the block never ends)
    for line in lines:
        if line.rstrip("\r") == BEGIN:
            inside, held = True, []
        elif inside and line.rstrip("\r") == END:
            inside = False
        elif inside:
            text = line.rstrip("\r")
            if text.startswith(ROOT_MARK):
                roots.add(text[len(ROOT_MARK) :])
            elif not text.endswith(" diff=quanli"):
                held.append(line)
        else:
            out.append(line)
    out += held if inside else []
    while out and not out[-1].strip():
        out.pop()
    return out, roots


def _read_lines(path: Path) -> tuple[list[str], str, bool]:
    """(lines, newline, existed): bytes kept as they are (surrogateescape), the file's own newline."""
    if not path.is_file():
        return [], "\n", False
    raw = path.read_bytes()
    newline = "\r\n" if b"\r\n" in raw else "\n"
    text = raw.decode("utf-8", "surrogateescape")
    return (
        text.replace("\r\n", "\n").split("\n")[:-1] if text.endswith("\n") else text.replace("\r\n", "\n").split("\n"),
        newline,
        True,
    )


def _write_lines(path: Path, lines: list[str], newline: str) -> None:
    from quanli.core.fsutil import write_atomic

    write_atomic(path, (newline.join(lines) + newline).encode("utf-8", "surrogateescape"), overwrite=True)


def _without_section(lines: list[str]) -> list[str]:
    out, skipping = [], False
    for line in lines:
        if SECTION_RE.match(line):
            skipping = True
            continue
        if skipping and ANY_SECTION_RE.match(line):
            skipping = False
        if not skipping:
            out.append(line)
    return out


def run(path: Path | None, undo: bool, lang: str) -> int:
    from quanli.loader.catalogue import discover
    from quanli.versioning.vcs import Repository

    start = (path or Path.cwd()).resolve()
    repo = Repository(start if start.is_dir() else start.parent)
    attributes = repo.root / ".gitattributes"
    config = Path(repo.repo.controldir()) / "config"
    lines, newline, existed = _read_lines(attributes)
    kept, previous = _split_block(lines)
    config_lines, config_newline, _ = _read_lines(config)
    en = lang == "en"
    if undo:
        plain = _without_section(config_lines)
        if plain != config_lines:
            _write_lines(config, plain, config_newline)
        if existed and kept != lines:
            if any(line.strip() for line in kept):
                _write_lines(attributes, kept, newline)
            else:
                attributes.unlink()
        print(
            "Removed quanli's diff driver."
            if en
            else "已撤销 quanli 的 git 差异设置（.gitattributes 中的段落和 .git/config 中的 diff.quanli）。"
        )
        return 0
    try:
        roots = [root for root, _ in discover([start])]
    except QuanliError:
        roots = []
    if not roots:
        raise QuanliError(f"{start} 中没有目录（找不到 catalog.yaml）。", f"no catalogue under {start}.")
    found = {r.resolve().relative_to(repo.root).as_posix() if r.resolve() != repo.root else "." for r in roots}
    rel = sorted(found | previous)  # catalogues set up before, outside ``start``, keep their lines
    new_lines = kept + ([""] if any(line.strip() for line in kept) else []) + _block(rel)
    if new_lines != lines:
        _write_lines(attributes, new_lines, newline)
    section = ['[diff "quanli"]', f"\ttextconv = {_config_value(textconv_command())}"]
    plain = _without_section(config_lines)
    wanted = plain + section
    if wanted != config_lines:
        _write_lines(config, wanted, config_newline)
    if en:
        print(
            f"git diff and git log -p now show {len(rel)} catalogue(s) field by field (.gitattributes, .git/config). "
            "Commit .gitattributes; each clone runs quanli git-setup once. Undo with --undo."
        )
    else:
        print(
            f"已设置：git diff、git log -p 将按字段显示 {len(rel)} 个目录的变化（写入 .gitattributes 和 .git/config）。"
            "请提交 .gitattributes；其他人克隆后各运行一次 quanli git-setup。撤销：quanli git-setup --undo。"
        )
    return 0


def textconv(file: Path) -> int:
    """Print a file's canonical text (git calls this with a temporary copy of a blob)."""
    from quanli.versioning.textconv import convert

    sys.stdout.buffer.write(convert(file.read_bytes()).encode("utf-8"))
    return 0
