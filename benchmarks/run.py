"""Run the quanli benchmarks and print a markdown section (issue 7).

Usage: python benchmarks/run.py [N ...] [--runs 3] [--build-max 10000] [--jsonschema-max 10000]
       [--diff-size 10000] [--migrate-size 10000] [--release] [--output FILE] [--quick]

Sizes default to 1000 10000 100000. For each size: ``quanli validate`` cold (no cache), warm
(nothing changed) and after one item changed; check-jsonschema on the same item files; and
``quanli build`` cold, again with nothing changed and after one item changed. Then
``quanli diff`` (benchmarks/diff.py), export/import/fmt (benchmarks/migrate.py) and start-up.
Every figure is the real command in a fresh process, start-up included, as a clerk
experiences it: the best of ``--runs`` runs, the runs of a size interleaved (one round runs
each command once) against noisy neighbours, unless the row says "one run". Peak memory is
the peak RSS of that command's process and the children it waited for (the largest of its runs).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

QUANLI = [sys.executable, "-m", "quanli"]
CHECK_JSONSCHEMA = [
    sys.executable,
    "-m",
    "check_jsonschema",
    "--schemafile",
    str(ROOT / "schemas" / "item.schema.json"),
]
# Installed packages have bytecode compiled at install time; some sandboxes set
# PYTHONDONTWRITEBYTECODE, which would make every run recompile quanli from source.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PACKAGES = [
    "quanli",
    "PyYAML",
    "jsonschema_rs",
    "openpyxl",
    "python-docx",
    "dulwich",
    "ruamel.yaml",
    "typer",
    "check-jsonschema",
]
VALIDATE = ["validate cold (no cache)", "validate warm (nothing changed)", "validate after one item changed"]
JSONSCHEMA = "check-jsonschema of the item files (same schema)"

Row = tuple[str, float, int | None]  # label, seconds, peak RSS in KB (None where unknown)


def run_child(args: list[str], cwd: Path | None = None) -> tuple[float, int | None, int, str]:
    """Wall seconds, peak RSS (KB), exit code and output of one run in a fresh process.

    The peak is the child's own (os.wait4: the child and the children it waited for), not
    the largest child so far; None where os.wait4 is missing (Windows)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=ENV, cwd=cwd)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes on macOS
        else:
            proc.wait()
            peak = None
        elapsed = time.perf_counter() - started
        out.seek(0)
        return elapsed, peak, proc.returncode, out.read().decode("utf-8", "replace")


def timed(args: list[str], cwd: Path | None = None, ok: tuple[int, ...] = (0, 1)) -> tuple[float, int | None]:
    """Wall seconds and peak RSS (KB) of one run; an exit code not in ``ok`` stops the benchmark (a
    build must exit 0: a public build that refuses to publish exits 1 at once, and timing it says nothing)."""
    seconds, peak, code, output = run_child(args, cwd)
    if code not in ok:
        raise SystemExit(f"{args[:6]} ... failed ({code}):\n{output[-3000:]}")
    return seconds, peak


def step(
    args: list[str], prepare: Callable[[], object] | None = None, ok: tuple[int, ...] = (0, 1)
) -> Callable[[], tuple[float, int | None]]:
    """A measurement for ``best``: ``prepare()`` (not timed), then one timed run of ``args``."""

    def measure() -> tuple[float, int | None]:
        if prepare:
            prepare()
        return timed(args, ok=ok)

    return measure


def best(cases: list[tuple[str, Callable[[], tuple[float, int | None]]]], runs: int = 3) -> list[Row]:
    """Rows of (label, best seconds, largest peak) of each measurement, in interleaved rounds."""
    results: dict[str, list[tuple[float, int | None]]] = {label: [] for label, _ in cases}
    for _ in range(runs):
        for label, measure in cases:
            results[label].append(measure())
    return [(label, min(s for s, _ in got), max_peak(p for _, p in got)) for label, got in results.items()]


def max_peak(peaks) -> int | None:
    known = [p for p in peaks if p is not None]
    return max(known) if known else None


def catalogue(n: int) -> Path:
    """The generated n-item catalogue in benchmarks/.work/n<N>, generated only if missing."""
    work = HERE / ".work" / f"n{n}"
    if not (work / "catalog.yaml").is_file():
        shutil.rmtree(work, ignore_errors=True)
        generate(n, work)
    return work


def check_jsonschema(work: Path, status: dict[int, str]) -> Callable[[], tuple[float, int | None]]:
    """A measurement: check-jsonschema on every item file, in as few processes as the argument
    list allows; ``status[number of files]`` says whether they passed, failed the schema, or it crashed."""
    names = sorted(os.listdir(work / "items"))
    # Windows limits a command line to 32,767 characters; POSIX counts each argument, its
    # terminating NUL and its pointer against ARG_MAX, shared with the environment.
    limit = 30_000 if os.name == "nt" else os.sysconf("SC_ARG_MAX") // 4
    chunks, size = [[]], 0
    for name in names:
        if size + len(name) + 9 > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(name)
        size += len(name) + 9

    def measure() -> tuple[float, int | None]:
        seconds, peaks, failed, crashed = 0.0, [], set(), ""
        for chunk in chunks:
            elapsed, peak, code, output = run_child(CHECK_JSONSCHEMA + chunk, cwd=work / "items")
            seconds += elapsed
            peaks.append(peak)
            lines = output.splitlines()
            found = {line.split("::")[0].strip() for line in lines if "::" in line}
            found |= {line.split("Failed to parse")[1].strip() for line in lines if "Failed to parse" in line}
            failed |= found
            if code != 0 and (code != 1 or not found or "Traceback" in output):  # not a plain schema failure
                crashed = f"exit code {code}: {lines[-1].strip() if lines else 'no output'}"
        status[len(names)] = (
            f"crashed: {crashed}"
            if crashed
            else f"{len(failed):,} of {len(names):,} files fail the schema"
            if failed
            else "all files pass"
        )
        return seconds, max_peak(peaks)

    return measure


def bench(
    n: int, runs: int = 3, jsonschema: bool = False, build: bool = False, status: dict[int, str] | None = None
) -> list[Row]:
    """Validate cold, warm and after one change (and check-jsonschema), interleaved; then build."""
    work = catalogue(n)
    cache = work / ".quanli-cache"
    target = work / "items" / sorted(os.listdir(work / "items"))[n // 2]
    original = target.read_text(encoding="utf-8")
    toggle = {"on": False}

    def restore() -> None:
        target.write_text(original, encoding="utf-8")
        toggle["on"] = False

    def cold() -> None:
        restore()
        shutil.rmtree(cache, ignore_errors=True)

    def change(tag: str = "") -> None:
        toggle["on"] = not toggle["on"]
        target.write_text(original + (f"remarks: 基准测试修改{tag}\n" if toggle["on"] else ""), encoding="utf-8")

    validate = QUANLI + ["validate", str(work)]
    cases = [
        (VALIDATE[0], step(validate, cold)),
        (VALIDATE[1], step(validate)),
        (VALIDATE[2], step(validate, lambda: change("（检查）"))),
    ]
    if jsonschema:
        cases.append((JSONSCHEMA, check_jsonschema(work, status if status is not None else {})))
    try:
        rows = best(cases, runs)
        if build:
            out = HERE / ".work" / f"dist{n}"
            command = QUANLI + ["build", str(work), "--out", str(out), "--quiet", "--force"]
            cold()
            shutil.rmtree(out, ignore_errors=True)
            seconds, peak = timed(command, ok=(0,))
            rows.append(("build cold (no output folder, no .quanli-cache; one run)", seconds, peak))
            # each change toggles the remark on or off: every run after the first sees one item changed
            rows += best(
                [
                    ("build again, nothing changed", step(command, ok=(0,))),
                    ("build after one item changed", step(command, lambda: change("（构建）"), ok=(0,))),
                ],
                runs,
            )
    finally:
        restore()
    return rows


def startup(runs: int) -> list[Row]:
    item = sorted((catalogue(1000) / "items").iterdir())[0]
    return best(
        [
            ("quanli --help", step(QUANLI + ["--help"])),
            ("validate one item file (of the 1,000-item catalogue)", step(QUANLI + ["validate", str(item)])),
        ],
        runs,
    )


def table_line(n: int | None, label: str, seconds: float, peak: int | None) -> str:
    return f"| {f'{n:,}' if n else '–'} | {label} | {seconds:.2f} | {f'{peak // 1024:,} MB' if peak else '–'} |"


TABLE_HEAD = ["| items | command | seconds | peak memory |", "|---:|---|---:|---:|"]


def print_rows(sizes: list[int], bench: Callable[[int], list[Row]], out: Callable[[str], None] = print) -> None:
    """A markdown table of (label, seconds, peak KB) rows from ``bench(n)`` for each size."""
    for line in TABLE_HEAD:
        out(line)
    for n in sizes:
        for row in bench(n):
            out(table_line(n, *row))


def growth(times: dict[int, float]) -> float:
    """Least-squares slope of log(seconds) against log(items)."""
    xs, ys = [math.log(n) for n in times], [math.log(t) for t in times.values()]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


SPEED_CHECK = """
import marshal, math, time
def loop():
    total = 0
    for i in range(10_000_000):
        total += i
def objects():
    marshal.loads(marshal.dumps([{"id": str(i), "name": "事项" + str(i) * 3, "v": [i, str(i)]} for i in range(200_000)]))
figures = []
for work in (loop, objects):
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    figures.append(best)
print(f"{figures[0]:.2f} s for 10,000,000 additions in a loop, {figures[1]:.2f} s to build and marshal 200,000 small dicts")
"""


REAL_DATA = HERE.parents[1] / "shared" / "data" / "gd-policy.jsonl"


def real_data(runs: int) -> list[tuple]:
    """Validate the real published items, imported as they are (thousands of findings): the cost of a
    catalogue with many findings, against a clean one's. Skipped when the data is not beside the project."""
    if not REAL_DATA.is_file():
        return []
    work = HERE / ".work" / "real"
    if not (work / "catalog.yaml").is_file():
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(
            QUANLI
            + ["import", str(REAL_DATA), "--into", str(work), "--unit", "广东省政务服务数据", "--format", "json"],
            capture_output=True,
            text=True,
            env=ENV,
        )
    if not work.exists():
        return []
    items = len(os.listdir(work / "items")) if (work / "items").is_dir() else 0
    validate = QUANLI + ["validate", str(work), "--format", "json"]

    def cold() -> None:
        shutil.rmtree(work / ".quanli-cache", ignore_errors=True)

    return [
        (items, label, seconds, peak)
        for label, seconds, peak in best(
            [("validate the real items cold (many findings)", step(validate, cold))],
            runs,
        )
    ]


def speed_check() -> str:
    """How fast the machine is right now (best of three): a pure-Python loop, and building and
    marshalling small dicts and strings (what quanli's work is made of; on a shared machine the
    second slows by a factor of two or three when the neighbours are busy, the first hardly).
    In a child process: this one's memory would count in the peak of every command it starts
    (a forked child's peak RSS includes its parent's pages before the exec)."""
    done = subprocess.run([sys.executable, "-c", SPEED_CHECK], capture_output=True, text=True, encoding="utf-8")
    return done.stdout.strip() or f"speed check failed: {done.stderr.strip()[-200:]}"


def header(argv: list[str]) -> list[str]:
    cpu = ""
    try:
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in open("/proc/cpuinfo", encoding="utf-8")
                if line.startswith("model name")
            ),
            "",
        )
    except OSError:
        pass
    commit = (
        subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
        ).stdout.strip()
        if shutil.which("git")
        else ""
    )
    import yaml

    versions = ", ".join(
        f"{p} {version(p)}" + (f" (libyaml {yaml.__with_libyaml__})" if p == "PyYAML" else "") for p in PACKAGES
    )
    return [
        f"## {time.strftime('%Y-%m-%d')}, quanli {version('quanli')}: `python benchmarks/run.py {' '.join(argv)}`".rstrip(),
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M %z')}" + (f"; quanli commit {commit}" if commit else ""),
        f"- machine: {platform.machine()}, {os.cpu_count()} cores{f', {cpu}' if cpu else ''}, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()})",
        f"- {versions}",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="catalogue sizes (default: 1000 10000 100000)")
    parser.add_argument("--runs", type=int, default=3, help="best of RUNS runs (default: 3)")
    parser.add_argument("--build-max", type=int, default=10000, help="build only at sizes up to this (default: 10000)")
    parser.add_argument(
        "--jsonschema-max", type=int, default=10000, help="check-jsonschema only at sizes up to this (default: 10000)"
    )
    parser.add_argument(
        "--diff-size", type=int, default=10000, help="size for diff.py's benchmark, 0 to skip (default: 10000)"
    )
    parser.add_argument(
        "--migrate-size", type=int, default=10000, help="size for migrate.py's benchmark, 0 to skip (default: 10000)"
    )
    parser.add_argument("--release", action="store_true", help="also time diff.py's first `quanli release` (slow)")
    parser.add_argument(
        "--workspace",
        type=int,
        nargs=2,
        default=(50, 200),
        metavar=("MEMBERS", "ITEMS"),
        help="workspace.py's benchmark of MEMBERS catalogues of ITEMS items (default: 50 200); 0 0 to skip",
    )
    parser.add_argument(
        "--no-real-data",
        dest="real_data",
        action="store_false",
        help="skip validating the 2,262 real items imported from ../shared/data/gd-policy.jsonl (many findings)",
    )
    parser.add_argument("--output", type=Path, help="also write the markdown section to this file")
    parser.add_argument(
        "--quick", action="store_true", help="try the script: 1000 items, one run, diff and migrate at 1000"
    )
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.runs, args.diff_size, args.migrate_size = [1000], 1, 1000, 1000
        args.workspace = (5, 20)
    sizes = args.sizes or [1000, 10000, 100000]

    lines: list[str] = []

    def out(line: str = "") -> None:
        lines.append(line)
        print(line, flush=True)

    shown = sys.argv[1:]
    if "--output" in shown:  # the title shows how to repeat the run, not where it was written
        del shown[shown.index("--output") : shown.index("--output") + 2]
    for line in header(shown)[:-1]:
        out(line)
    out(
        f"- speed check at the start: {speed_check()} (the same check at the end is below; larger figures, a slower machine)"
    )
    out()
    out(
        (f"Best of {args.runs} runs unless the row says one run" if args.runs > 1 else "One run each")
        + "; seconds include start-up; peak memory is that command's peak RSS (the largest of its runs)."
    )
    out()
    for line in TABLE_HEAD:
        out(line)
    validated: dict[str, dict[int, float]] = {label: {} for label in VALIDATE + [JSONSCHEMA]}
    status: dict[int, str] = {}
    for row in startup(args.runs):
        out(table_line(None, *row))
    for n in sizes:
        for row in bench(n, args.runs, jsonschema=n <= args.jsonschema_max, build=n <= args.build_max, status=status):
            out(table_line(n, *row))
            if row[0] in validated:
                validated[row[0]][n] = row[1]
    if args.diff_size:
        import diff

        for row in diff.bench(args.diff_size, args.runs, release=args.release):
            out(table_line(args.diff_size, *row))
    if args.migrate_size:
        import migrate

        for row in migrate.bench(args.migrate_size):
            out(table_line(args.migrate_size, *row))
    if args.workspace and args.workspace[0]:
        import workspace

        members, each = args.workspace
        for label, seconds, peak in workspace.bench(members, each, args.runs):
            out(table_line(members * each, f"workspace {members} × {each}: {label}", seconds, peak))
    if args.real_data:
        for row in real_data(args.runs):
            out(table_line(row[0], *row[1:]))
    out()
    for n, seconds in validated[JSONSCHEMA].items():
        out(
            f"- check-jsonschema / quanli validate cold at {n:,} items: {seconds / validated[VALIDATE[0]][n]:.1f}× "
            f"({status[n]})"
        )
    for label in VALIDATE:
        times = validated[label]
        out(
            f"- {label.split(' (')[0]} grows as n^{growth(times):.2f} ({', '.join(f'{n:,}' for n in times)} items)"
            if len(times) > 1
            else f"- {label.split(' (')[0]}: growth exponent needs two sizes or more"
        )
    out(f"- speed check at the end: {speed_check()}")
    if args.output:
        args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
