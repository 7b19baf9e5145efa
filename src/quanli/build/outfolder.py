"""The output folder of a build: file names that stay inside it, the folders it may not be (a
catalogue, or one of its own folders), what must hold before a build replaces what is in it, and the
user's own files a build leaves beside its outputs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from quanli.build.leaks import leak_check
from quanli.core.errors import QuanliError
from quanli.render.outputs import MARKER

# what a catalogue folder holds besides its YAML files at the top: an output folder may not be in them
SOURCE_PARTS = ("items", "flows", "records", "releases", "schemas", ".git", ".quanli", ".quanli-cache")


def refuse_source(out: Path, sources: list[Path], lang: str = "zh") -> None:
    """An output folder must not be a source folder, hold one, or lie in a source's own folders
    (items/, flows/, .git/…): a build replaces what is in it. ``dist/`` beside items/ is fine."""
    target = Path(os.path.realpath(out))
    for source in sources:
        src = Path(os.path.realpath(source))
        inside = target == src or src in target.parents
        within = None
        if target != src and src in target.parents:
            within = target.relative_to(src).parts[0]
        if target == src or target in src.parents:
            what = "就是" if target == src else "包含了"
            raise QuanliError(
                f"输出文件夹 {out} {what}目录 {source}：生成会替换其中的内容，没有写入。请换一个输出文件夹，例如 {source}/dist。",
                f"the output folder {out} {'is' if target == src else 'contains'} the catalogue {source}; "
                f"nothing written. Choose another folder, e.g. {source}/dist.",
            )
        if inside and within is not None and (within in SOURCE_PARTS or (src / within).is_file()):
            raise QuanliError(
                f"输出文件夹 {out} 在目录 {source} 的 {within} 中，生成会改写目录自己的文件，没有写入。请换一个输出文件夹，例如 {source}/dist。",
                f"the output folder {out} lies in {within} of the catalogue {source}; nothing written. Use e.g. {source}/dist.",
            )


def prepare_out(out: Path, force: bool, sources: list[Path] | None = None) -> None:
    refuse_source(out, sources or [])
    if out.exists() and not out.is_dir():
        raise QuanliError(f"{out} 是一个文件，不是文件夹。", f"{out} is a file, not a folder.")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not force:
        raise QuanliError(
            f"{out} 不是空文件夹，也不是 quanli 生成的，为免覆盖其中的文件，没有写入。请换一个文件夹，或加 --force。",
            f"{out} is not empty and was not made by quanli; refusing to overwrite it. Use another folder or --force.",
        )


def _refuse_leaking_theirs(out: Path, users: list[str], secrets: list[str]) -> None:
    """The user's own files stay in a public output folder only if they name no non-public item."""
    texts = {}
    for name in users:
        try:
            texts[name] = (out / name).read_bytes()
        except OSError:
            continue
    leaks = leak_check(texts, secrets)
    if leaks:
        name, secret = leaks[0]
        raise QuanliError(
            f"输出文件夹中的 {out / name} 不是 quanli 生成的，其中有不公开事项的内容“{secret}”：公开版不能与它放在一起，没有生成。"
            f"请把它移出 {out}。",
            f"{out / name}, which quanli did not write, holds non-public content '{secret}': a public build cannot sit "
            f"beside it; nothing built. Move it out of {out}.",
        )


def say_theirs(out: Path, users: list[str], lang: str) -> None:
    shown = "、".join(users[:3]) + (f" 等 {len(users)} 个文件" if len(users) > 3 else "")
    print(
        f"提示：输出文件夹中的 {shown} 不是 quanli 生成的，已原样保留；它们不在 manifest.json 和 ZIP 中。"
        if lang != "en"
        else f"note: {', '.join(users[:3])} in {out} were not written by quanli and were left as they are (not in the manifest or the ZIP).",
        file=sys.stderr,
    )
