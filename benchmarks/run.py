"""Time ``quanli validate`` on generated catalogues and print a markdown table.

Usage: python benchmarks/run.py [--no-build] [N ...]   (default: 1000 10000)

For each size: a cold run (no caches), a warm run (nothing changed since the last run),
and a run after one item changed. Each figure is the best of three runs of the real
command in a fresh process, so start-up time is included, as a clerk experiences it.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

QUANLI = [sys.executable, "-m", "quanli"]
# Installed packages have bytecode compiled at install time; some sandboxes set
# PYTHONDONTWRITEBYTECODE, which would make every run recompile quanli from source.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one run in a fresh process."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(args, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{args} failed:\n{proc.stderr}")
    return elapsed, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def best(args: list[str], prepare=None, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        if prepare:
            prepare()
        times.append(timed(args)[0])
    return min(times)


def bench(n: int) -> list[tuple[str, float]]:
    work = HERE / ".work" / f"n{n}"
    if not (work / "catalog.yaml").is_file():
        shutil.rmtree(work, ignore_errors=True)
        generate(n, work)
    cache = work / ".quanli-cache"
    target = work / "items" / sorted(os.listdir(work / "items"))[n // 2]
    original = target.read_text(encoding="utf-8")
    toggle = {"on": False}

    def clear():
        shutil.rmtree(cache, ignore_errors=True)

    def change():
        toggle["on"] = not toggle["on"]
        target.write_text(original + ("remarks: 基准测试修改\n" if toggle["on"] else ""), encoding="utf-8")

    validate = QUANLI + ["validate", str(work)]
    schema_only = validate + ["--select", "QL10,QL110"]  # reading and schema rules only
    # interleaved, best of five each: this machine class has noisy neighbours
    schema_times, all_times = [], []
    for _ in range(5):
        clear()
        schema_times.append(timed(schema_only)[0])
        clear()
        all_times.append(timed(validate)[0])
    rows = [("validate cold, schema rules only (--select QL10,QL110)", min(schema_times)),
            ("validate cold, all rules (no cache)", min(all_times))]
    rows.append(("ratio all rules / schema only", rows[1][1] / rows[0][1]))
    subprocess.run(validate, capture_output=True, env=ENV)
    rows.append(("validate warm (nothing changed)", best(validate)))
    rows.append(("validate after one item changed", best(validate, change)))
    target.write_text(original, encoding="utf-8")
    if BUILD:
        out = HERE / ".work" / f"dist{n}"
        build = QUANLI + ["build", str(work), "--out", str(out), "--quiet", "--force"]
        shutil.rmtree(out, ignore_errors=True)
        seconds, peak = timed(build)
        rows.append((f"build cold (peak memory {peak // 1024} MB)", seconds))
        rows.append(("build again, nothing changed", timed(build)[0]))
        target.write_text(original + "remarks: 基准测试修改（构建）\n", encoding="utf-8")
        rows.append(("build after one item changed", timed(build)[0]))
        target.write_text(original, encoding="utf-8")
    return rows


BUILD = True


def print_rows(sizes: list[int], bench) -> None:
    """A markdown table of (label, seconds, peak KB) rows from ``bench(n)`` for each size."""
    print("| items | command | seconds | peak memory |")
    print("|---:|---|---:|---:|")
    for n in sizes:
        for label, seconds, peak in bench(n):
            print(f"| {n:,} | {label} | {seconds:.2f} | {peak // 1024} MB |")


def main() -> None:
    global BUILD
    args = sys.argv[1:]
    if "--no-build" in args:
        BUILD = False
        args.remove("--no-build")
    sizes = [int(a) for a in args] or [1000, 10000]
    import jsonschema_rs  # noqa: F401  (versions for the record)
    import yaml

    print(f"- date: {time.strftime('%Y-%m-%d')}")
    print(f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
    print(f"- Python {platform.python_version()}, PyYAML {yaml.__version__} (libyaml {yaml.__with_libyaml__})")
    print()
    print("| items | command | seconds |")
    print("|---:|---|---:|")
    for n in sizes:
        for label, seconds in bench(n):
            print(f"| {n:,} | {label} | {seconds:.2f}{'×' if label.startswith('ratio') else ''} |")


if __name__ == "__main__":
    main()
