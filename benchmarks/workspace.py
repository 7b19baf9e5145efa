"""Benchmark a workspace (issue 10): 50 member catalogues of 200 generated items each.

Usage: python benchmarks/workspace.py [--members 50] [--items 200] [--runs 3] [--output FILE]

Each member is a county unit of its own region (so the generated items, which share names,
are not duty overlaps); the workspace is benchmarks/.work/ws<M>x<N>. Times ``quanli validate``
of the workspace cold, warm and after one item changed, and ``quanli build`` of it cold (one
run), with nothing changed and after one item of one member changed. Figures as in run.py:
fresh processes, start-up included, best of ``--runs`` interleaved runs, peak RSS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from run import QUANLI, best, header, step, table_line, timed  # noqa: E402


def workspace(members: int, items: int) -> Path:
    """The generated workspace (made only if missing): one generated catalogue copied per member."""
    root = HERE / ".work" / f"ws{members}x{items}"
    if (root / "quanli-workspace.yaml").is_file():
        return root
    shutil.rmtree(root, ignore_errors=True)
    base = root / ".base"
    generate(items, base)
    lines = ["schema_version: 1", "name: 基准测试省行政权力清单汇编", "region: 基准测试省", "members:"]
    for k in range(1, members + 1):
        folder = root / f"county-{k:02d}"
        shutil.copytree(base, folder)
        catalog = folder / "catalog.yaml"
        text = catalog.read_text(encoding="utf-8").replace("基准测试市人民政府", f"基准测试县{k:02d}人民政府", 1)
        catalog.write_text(text.replace("level: 市级", "level: 县级", 1), encoding="utf-8")
        lines += [f"- path: county-{k:02d}", f"  region: 基准测试县{k:02d}", "  level: 县级"]
    shutil.rmtree(base)
    (root / "quanli-workspace.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def bench(members: int, items: int, runs: int) -> list[tuple[str, float, int | None]]:
    root = workspace(members, items)
    member = root / f"county-{min(7, members):02d}"
    target = member / "items" / sorted(os.listdir(member / "items"))[items // 2]
    original = target.read_text(encoding="utf-8")
    toggle = {"on": False}

    def caches() -> None:
        for folder in [root] + [root / d for d in os.listdir(root)]:
            shutil.rmtree(folder / ".quanli-cache", ignore_errors=True)

    def restore() -> None:
        target.write_text(original, encoding="utf-8")
        toggle["on"] = False

    def change(tag: str) -> None:
        toggle["on"] = not toggle["on"]
        target.write_text(original + (f"remarks: 基准测试修改{tag}\n" if toggle["on"] else ""), encoding="utf-8")

    validate = QUANLI + ["validate", str(root)]
    out = HERE / ".work" / f"dist-ws{members}x{items}"
    build = QUANLI + ["build", str(root), "--out", str(out), "--quiet", "--force"]
    try:
        rows = best(
            [
                ("validate the workspace cold (no cache)", step(validate, lambda: (restore(), caches()))),
                ("validate the workspace warm (nothing changed)", step(validate)),
                ("validate after one item of one member changed", step(validate, lambda: change("（检查）"))),
            ],
            runs,
        )
        restore()
        caches()
        shutil.rmtree(out, ignore_errors=True)
        seconds, peak = timed(build, ok=(0,))
        rows.append(("build the workspace cold (no output, no cache; one run)", seconds, peak))
        rows += best(
            [
                ("build again, nothing changed", step(build, ok=(0,))),
                ("build after one item of one member changed", step(build, lambda: change("（构建）"), ok=(0,))),
            ],
            runs,
        )
    finally:
        restore()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    lines = header(sys.argv[1:])
    lines[0] = lines[0].replace("benchmarks/run.py", "benchmarks/workspace.py")
    lines += [
        "",
        f"A workspace of {args.members} members × {args.items} items ({args.members * args.items:,} items in all).",
        "",
        "| items | command | seconds | peak memory |",
        "|---:|---|---:|---:|",
    ]
    for line in lines:
        print(line, flush=True)
    for row in bench(args.members, args.items, args.runs):
        lines.append(table_line(args.members * args.items, *row))
        print(lines[-1], flush=True)
    if args.output:
        args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
