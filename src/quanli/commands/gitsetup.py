"""``quanli git-setup``: plain ``git diff`` and ``git log -p`` show catalogue files semantically.

Writes a marked block to the repository's ``.gitattributes`` (the catalogue files get
``diff=quanli``) and sets ``diff.quanli.textconv`` in the repository's own
``.git/config``; ``--undo`` removes both. Running it twice changes nothing.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from quanli.errors import QuanliError

BEGIN = "# >>> quanli: semantic diff of catalogue files (quanli git-setup; remove with quanli git-setup --undo)"
END = "# <<< quanli"
SECTION = (b"diff", b"quanli")


def textconv_command() -> str:
    """How git should call quanli: by name where it is on PATH, else through this Python."""
    if shutil.which("quanli"):
        return "quanli textconv"
    exe = Path(sys.executable).as_posix()
    return f'"{exe}" -m quanli textconv'


def _block(roots: list[str]) -> list[str]:
    lines = [BEGIN]
    for root in roots:
        prefix = "" if root == "." else root.replace(" ", "[[:space:]]") + "/"
        lines += [f"{prefix}{name} diff=quanli" for name in ("catalog.yaml", "laws.yaml", "items/*.yaml", "items/*.yml", "flows/*.yaml", "flows/*.yml")]
    return lines + [END]


def _without_block(text: str) -> list[str]:
    out, inside = [], False
    for line in text.splitlines():
        if line == BEGIN:
            inside = True
        elif inside and line == END:
            inside = False
        elif not inside:
            out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return out


def _roots_in(text: str) -> set[str]:
    inside, out = False, set()
    for line in text.splitlines():
        inside = (inside or line == BEGIN) and line != END
        if inside and line.endswith("catalog.yaml diff=quanli"):
            pattern = line[:-len("catalog.yaml diff=quanli")].rstrip("/")
            out.add(pattern.replace("[[:space:]]", " ") or ".")
    return out


def run(path: Path | None, undo: bool, lang: str) -> int:
    from quanli.fsutil import write_atomic
    from quanli.loader.catalogue import discover
    from quanli.vcs import Repository

    start = (path or Path.cwd()).resolve()
    repo = Repository(start if start.is_dir() else start.parent)
    attributes = repo.root / ".gitattributes"
    existing = attributes.read_text(encoding="utf-8") if attributes.is_file() else ""
    kept = _without_block(existing)
    config = repo.repo.get_config()
    en = lang == "en"
    if undo:
        if SECTION in config.sections():
            del config[SECTION]
            config.write_to_path()
        if existing:
            if any(line.strip() for line in kept):
                write_atomic(attributes, "\n".join(kept).rstrip("\n") + "\n", overwrite=True)
            else:
                attributes.unlink()
        print("Removed quanli's diff driver." if en else "已撤销 quanli 的 git 差异设置（.gitattributes 中的段落和 .git/config 中的 diff.quanli）。")
        return 0
    try:
        roots = [root for root, _ in discover([start])]
    except QuanliError:
        roots = []
    if not roots:
        raise QuanliError(f"{start} 中没有目录（找不到 catalog.yaml）。", f"no catalogue under {start}.")
    rel = {r.resolve().relative_to(repo.root).as_posix() if r.resolve() != repo.root else "." for r in roots}
    rel |= _roots_in(existing)  # catalogues set up before, outside ``start``, keep their lines
    rel = sorted(rel)
    text = "\n".join(kept + ([""] if any(line.strip() for line in kept) else []) + _block(rel)).lstrip("\n") + "\n"
    if text != existing:
        write_atomic(attributes, text, overwrite=True)
    command = textconv_command().encode()
    try:
        current = config.get(SECTION, b"textconv")
    except KeyError:
        current = None
    # no cachetextconv: git would then write notes commits, which fail where no identity is set (CI)
    if current != command:
        config.set(SECTION, b"textconv", command)
        config.write_to_path()
    if en:
        print(f"git diff and git log -p now show {len(rel)} catalogue(s) field by field (.gitattributes, .git/config). "
              "Commit .gitattributes; each clone runs quanli git-setup once. Undo with --undo.")
    else:
        print(f"已设置：git diff、git log -p 将按字段显示 {len(rel)} 个目录的变化（写入 .gitattributes 和 .git/config）。"
              "请提交 .gitattributes；其他人克隆后各运行一次 quanli git-setup。撤销：quanli git-setup --undo。")
    return 0


def textconv(file: Path) -> int:
    """Print a file's canonical text (git calls this with a temporary copy of a blob)."""
    from quanli.textconv import convert

    sys.stdout.buffer.write(convert(file.read_bytes()).encode("utf-8"))
    return 0
