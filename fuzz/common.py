"""Shared parts of the fuzz harnesses: the failure classes that are answers, not bugs, seed files,
and a small runner that works with atheris (coverage-guided) and without it (random mutation of
the seeds, for machines where atheris does not install)."""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "catalogs"
SEP = b"\n#=====\n"  # separates the files of one catalogue in a folder-shaped input


def seed_dir(corpus: Path, seeds: list[bytes]) -> None:
    """Write the seeds into an empty corpus folder (an existing corpus is kept: it has grown)."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    import hashlib

    for blob in seeds:
        (corpus / hashlib.sha1(blob).hexdigest()).write_bytes(blob)


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*.yaml"))


def _mutate(rng: random.Random, blob: bytes, pool: list[bytes]) -> bytes:
    data = bytearray(blob)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            del data[pos : pos + rng.randint(1, 16)]
        elif op == 1:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2:
            data[pos:pos] = rng.choice(
                [
                    b"\t",
                    b"\r\n",
                    b": ",
                    b"- ",
                    b"'",
                    b'"',
                    b"[",
                    b"{",
                    b"}",
                    b"]",
                    b"#",
                    b"&a ",
                    b"*a",
                    b"!!str ",
                    b"---\n",
                    b"...\n",
                    b"\xef\xbb\xbf",
                    b"\xff\xfe",
                    b"\x00",
                    b"\xe2\x80\xae",
                    b"|\n",
                    b">-\n",
                    b"\n  ",
                    b"? ",
                    b"%YAML 1.1\n",
                    b"\\u0000",
                    "中文".encode(),
                    b"=1+1",
                    b'"""',
                    b",",
                    b";",
                    b"\n,\n",
                    b"1e400",
                    b"9" * 40,
                ]
            )
        elif op == 3 and pool:
            other = rng.choice(pool)
            a = rng.randrange(len(other) + 1)
            data[pos:pos] = other[a : a + rng.randint(1, 200)]
        elif op == 4 and data:
            a = rng.randrange(len(data))
            data[a] = rng.randrange(256)
        elif op == 5 and data:
            a = rng.randrange(len(data))
            piece = bytes(data[a : a + rng.randint(1, 64)])
            data[pos:pos] = piece * rng.randint(1, 50)
    return bytes(data)


def _counted(test_one):
    """Count executions into the file FUZZ_STATS names (a running total across restarts, written
    every 200 runs: a crash loses at most 199)."""
    stats = os.environ.get("FUZZ_STATS")
    if not stats:
        return test_one
    path = Path(stats)
    try:
        total = int(path.read_text() or 0)
    except (OSError, ValueError):
        total = 0
    box = [total]

    def counted(data: bytes) -> None:
        box[0] += 1
        if box[0] % 200 == 0:
            path.write_text(str(box[0]))
        test_one(data)

    return counted


def atheris_wanted() -> bool:
    """atheris is used when it is installed, unless FUZZ_PLAIN is set."""
    if os.environ.get("FUZZ_PLAIN"):
        return False
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def instrumented(on: bool):
    """atheris's import instrumentation of quanli's modules, or nothing."""
    import contextlib

    if not on:
        return contextlib.nullcontext()
    import atheris

    return atheris.instrument_imports(include=["quanli"])


def run(test_one, seeds: list[bytes], argv: list[str]) -> None:
    """``python fuzz/X.py [libFuzzer flags] CORPUS``: atheris when it is installed, else a plain
    random mutator over the seeds (``-max_total_time=N`` is honoured by both)."""
    corpus = next((Path(a) for a in argv[1:] if not a.startswith("-")), None)
    if corpus is not None:
        seed_dir(corpus, seeds)
    test_one = _counted(test_one)
    if atheris_wanted():
        import atheris

        atheris.Setup(argv, test_one)
        atheris.Fuzz()
        return
    limit = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("-max_total_time=")), 60)
    rng = random.Random(int(os.environ.get("FUZZ_SEED", "0")) or None)
    pool = list(seeds) + ([p.read_bytes() for p in corpus.iterdir()] if corpus else [])
    start, n = time.monotonic(), 0
    while time.monotonic() - start < limit:
        blob = _mutate(rng, rng.choice(pool), pool)
        try:
            test_one(blob)
        except BaseException:
            crash = Path(f"crash-{n}")
            crash.write_bytes(blob)
            print(f"crasher written to {crash}", file=sys.stderr)
            raise
        n += 1
    print(f"#{n} DONE in {time.monotonic() - start:.0f}s (plain mutator)", file=sys.stderr)
