"""Fuzz the YAML loader: ``yamlparse.load_bytes`` (and through it the fast path ``fastyaml``) and
the catalogue loader on a folder.

    python fuzz/fuzz_loader.py -max_total_time=600 -timeout=10 -max_len=20000 /tmp/corpus-loader

The first byte of an input picks the target, the rest is its payload:

* 0, 1: one file's bytes. ``load_bytes`` may only answer data or raise ``ParseFailure``; when the
  fast reader answers, its answer (data, types and facts) must be the full reader's, and a text
  the full reader refuses must never be read by the fast one.
* 2: a catalogue folder: the payload split at ``#=====`` lines into catalog.yaml, laws.yaml, one
  item and one flow, loaded with ``load_catalogue`` (schema checks included) and then checked as
  ``quanli validate`` checks it (set ``FUZZ_NO_CHECK=1`` to load only). Nothing may raise: every
  problem of a file is a finding.

Anything else that is raised is a crasher (atheris writes it as ``crash-*``); a hang is caught by
libFuzzer's ``-timeout``.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

INSTRUMENT = __name__ == "__main__" and common.atheris_wanted()  # never when a test imports this file
with common.instrumented(INSTRUMENT):
    import quanli.check.run  # noqa: F401
    from quanli.check.registry import load_all
    from quanli.loader import catalogue, fastyaml, yamlparse

    load_all()  # the rules are imported lazily: import them here so that they are instrumented

from quanli.loader.yamlparse import ParseFailure  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="quanli-fuzz-loader-"))
CHECK = not os.environ.get("FUZZ_NO_CHECK")
_FOLDERS = [0]


def typed(value):
    if isinstance(value, dict):
        return ("map", tuple((k, typed(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("seq", tuple(typed(v) for v in value))
    return (type(value).__name__, value)


def one_file(data: bytes) -> None:
    facts: list = []
    try:
        got, _ = yamlparse.load_bytes(data, facts=facts)  # the fast path first, as catalogues are read
    except ParseFailure as failure:
        assert failure.rule.startswith("QL") and failure.line >= 1 and failure.column >= 1, failure
        got = failure
    full_facts: list = []
    try:
        full, positions = yamlparse.load_bytes(data, track=True, facts=full_facts)  # never the fast path
    except ParseFailure as failure:
        full = failure
    if isinstance(got, ParseFailure) or isinstance(full, ParseFailure):
        assert type(got) is type(full), (got, full)  # both refuse, or neither
        return
    assert (typed(got), facts) == (typed(full), full_facts), "the fast reader and the full reader disagree"
    if positions is not None:
        positions.of(())  # positions of the root exist for any answer
    try:
        text = yamlparse.decode(data)
    except ParseFailure:
        return
    fast = fastyaml.parse(text, [])
    if fast is not None:
        assert typed(fast) == typed(full)


def folder(data: bytes) -> None:
    root = WORK / "cat"
    if root.exists():
        shutil.rmtree(root)
    (root / "items").mkdir(parents=True)
    (root / "flows").mkdir()
    parts = data.split(common.SEP)
    names = ["catalog.yaml", "laws.yaml", "items/T-XK-001.yaml", "flows/XK-TY.yaml", "items/T-XK-002.yaml"]
    for name, blob in zip(names, parts):
        (root / name).write_bytes(blob)
    if len(parts) < 2:
        (root / "laws.yaml").write_bytes(b"schema_version: 1\nlaws: []\n")
    loaded = catalogue.load_catalogue(root, use_cache=False, jobs=1)
    for sf in [loaded.catalog, *loaded.items, *loaded.flows]:
        assert sf.failure is None or isinstance(sf.failure, ParseFailure)
    if CHECK:
        from quanli.check.run import check_snapshot

        checked = check_snapshot(catalogue.read_catalogue(root), use_cache=False)
        for finding in checked.findings:
            assert finding.rule and finding.message("zh") and finding.message("en"), finding


def test_one(data: bytes) -> None:
    if not data:
        return
    target, payload = data[0] % 3, data[1:]
    if target == 2:
        folder(payload)
        # parse_snapshot parses with the collector paused and ends with gc.freeze() (right for a
        # command that ends soon after): in a loop of many inputs the garbage cycles of earlier ones
        # would be kept for ever (3 GB in ten minutes, libFuzzer's out-of-memory stop)
        gc.unfreeze()
        _FOLDERS[0] += 1
        if _FOLDERS[0] % 20 == 0:
            gc.collect()
    else:
        one_file(payload)


def seeds() -> list[bytes]:
    out = []
    for path in common.sample_files():
        out.append(b"\x00" + path.read_bytes())
    for sample in sorted(p for p in common.SAMPLES.iterdir() if p.is_dir()):
        items = sorted((sample / "items").glob("*.yaml"))
        flows = sorted((sample / "flows").glob("*.yaml"))
        for item, flow in list(zip(items, flows * len(items)))[:6]:
            files = [sample / "catalog.yaml", sample / "laws.yaml", item, flow]
            out.append(b"\x02" + common.SEP.join(p.read_bytes() for p in files))
    corpus = common.ROOT / "tests" / "corpus" / "files"
    for path in sorted(corpus.rglob("*")) if corpus.is_dir() else []:
        if path.is_file() and path.stat().st_size < 20000:
            out.append(b"\x01" + path.read_bytes())
    fuzz_cases = common.ROOT / "tests" / "data" / "fuzz" / "loader"
    for path in sorted(fuzz_cases.glob("*")) if fuzz_cases.is_dir() else []:
        out.append(path.read_bytes())
    return out


if __name__ == "__main__":
    try:
        common.run(test_one, seeds(), sys.argv)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
