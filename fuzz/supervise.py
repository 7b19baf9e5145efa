"""Run a fuzz harness for a total time, restarting it after each crasher (libFuzzer stops at the
first), and say what it found.

    python fuzz/supervise.py fuzz/fuzz_loader.py --minutes 12 --work /tmp/fuzz-loader

The corpus, the crashers (``crash-*``), the log and the execution count (``execs``) are kept in
the work folder; a restarted run starts from the grown corpus and picks up fixed code.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("harness")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take (a hang)")
    args = parser.parse_args()
    work = args.work.resolve()
    (work / "corpus").mkdir(parents=True, exist_ok=True)
    stats = work / "execs"
    end = time.monotonic() + args.minutes * 60
    log = open(work / "log.txt", "a", encoding="utf-8")
    started, runs = time.time(), 0
    while (left := int(end - time.monotonic())) > 5:
        runs += 1
        before = set(work.glob("crash-*")) | set(work.glob("timeout-*")) | set(work.glob("oom-*"))
        cmd = [
            sys.executable,
            str(Path(args.harness).resolve()),
            f"-max_total_time={left}",
            f"-timeout={args.timeout}",
            "-max_len=20000",
            "-rss_limit_mb=3072",
            "-print_final_stats=1",
            f"-artifact_prefix={work}/",
            str(work / "corpus"),
        ]
        code = subprocess.call(cmd, stdout=log, stderr=log, env=dict(os.environ, FUZZ_STATS=str(stats)), cwd=work)
        found = (set(work.glob("crash-*")) | set(work.glob("timeout-*")) | set(work.glob("oom-*"))) - before
        log.write(f"\n== run {runs} exited {code}; new artifacts: {sorted(p.name for p in found)}\n")
        log.flush()
        if code != 0 and not found:
            time.sleep(2)
    minutes = (time.time() - started) / 60
    execs = stats.read_text() if stats.exists() else "?"
    artifacts = sorted(p.name for p in work.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-")))
    summary = f"{Path(args.harness).name}: {minutes:.1f} minutes, about {execs} executions, {runs} runs, artifacts: {artifacts}"
    log.write(summary + "\n")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
