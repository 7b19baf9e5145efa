"""loader.yamlemit writes what PyYAML's C emitter writes (the canonical form fmt and import have always
written), byte for byte, or declines: on every sample and generated file and on awkward strings."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from quanli.loader import yamlemit, yamlfmt
from quanli.loader.yamlparse import load_bytes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def reference(data, schema) -> str:
    """The old path: ordered by the schema, then PyYAML's C emitter."""
    return yamlfmt._fast_dump(yamlfmt._order(json.loads(json.dumps(data, ensure_ascii=False)), schema, schema))


def catalogue_files(root: Path):
    for path in sorted(root.rglob("*.yaml")):
        kind = {"items": "item", "flows": "flow"}.get(path.parent.name)
        if kind:
            yield path, kind


def test_every_sample_file_is_written_to_the_byte():
    checked = 0
    for path, kind in catalogue_files(ROOT / "catalogs"):
        data = load_bytes(path.read_bytes())[0]
        schema = yamlfmt._schema(kind)
        got = yamlemit.emit(data, schema)
        assert got is not None, f"{path}: the sample files are the common case and must not fall back"
        assert got == reference(data, schema), path
        checked += 1
    assert checked > 50


def test_generated_items_from_the_real_data_are_written_to_the_byte(tmp_path):
    from generate import generate

    generate(400, tmp_path / "cat")
    fallback = 0
    for path, kind in catalogue_files(tmp_path / "cat"):
        data = load_bytes(path.read_bytes())[0]
        schema = yamlfmt._schema(kind)
        got = yamlemit.emit(data, schema)
        if got is None:
            fallback += 1
        else:
            assert got == reference(data, schema), path
    assert fallback <= 4


AWKWARD = [
    "",
    " x",
    "x ",
    "it's",
    "-",
    "-x",
    "- x",
    "?x",
    "? x",
    ":x",
    "x:",
    "a: b",
    "a:b",
    "x #y",
    "x#y",
    "#x",
    "[x",
    "x]",
    "a,b",
    "{a}",
    "&a",
    "*a",
    "!a",
    "|a",
    ">a",
    "'a'",
    '"a"',
    "%a",
    "@a",
    "`a",
    "---",
    "---x",
    "...",
    "true",
    "True",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "~",
    "1e5",
    "0o17",
    "0x1F",
    ".inf",
    "-.inf",
    ".nan",
    "1_000",
    "12:30",
    "2024-01-01",
    "+1",
    "-0",
    "0.5",
    "=",
    "<<",
    "a\tb",
    "a\nb",
    "a\u0085b",
    "a\u2028b",
    "\ufeffa",
    "a\ufffeb",
    "\U0001f600",
    "é",
    "\xa0x",
    "x\u3000",
    "（投诉电话）",
    "第一条：内容",
    "《条例》第3条",
    "x" * 200,
]


@pytest.mark.parametrize("text", AWKWARD, ids=range(len(AWKWARD)))
def test_awkward_strings_are_written_as_the_c_emitter_writes_them_or_declined(text):
    for data in ({"name": text}, {"steps": [{"name": text, "next": [text]}]}, {"level": [text, None, True]}):
        got = yamlemit.emit(data, {})
        if got is not None:
            assert got == reference(data, {}), repr(text)


def test_random_documents_are_written_to_the_byte_or_declined():
    rng = random.Random(7)
    alphabet = list("ab -:#?,[]{}&*!|>'\"%@`.~=+01eE_x/\\") + ["中", "：", "\u3000", "\xa0", "é", "\t", "\U0001f600"]

    def text():
        if rng.random() < 0.3:
            return rng.choice(AWKWARD)
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))

    def value(depth=0):
        r = rng.random()
        if depth > 3 or r < 0.5:
            return rng.choice(
                [
                    text,
                    text,
                    lambda: rng.randint(-5, 10**20),
                    lambda: rng.choice([0.5, -2.25, 1e-7, 3.0]),
                    lambda: None,
                    lambda: True,
                ]
            )()
        if r < 0.75:
            return {rng.choice(["a", "b", "c_d", "yes", "null"]): value(depth + 1) for _ in range(rng.randint(0, 3))}
        return [value(depth + 1) for _ in range(rng.randint(0, 3))]

    written = 0
    for _ in range(3000):
        data = {f"k{i}": value() for i in range(rng.randint(1, 4))}
        got = yamlemit.emit(data, {})
        if got is not None:
            assert got == reference(data, {}), repr(data)
            written += 1
    assert written > 1000


def test_quoted_and_plain_strings_are_written_not_declined():
    for text in ("", " x", "it's", "-", "a: b", "x #y", "[x", "true", "1e5", "12:30", "（投诉电话）", "x" * 200):
        assert yamlemit.emit({"name": text}, {}) is not None, repr(text)


def test_what_it_does_not_know_it_declines():
    assert yamlemit.emit({"a": 1e20}, {}) is None and yamlemit.emit({"a": float("inf")}, {}) is None
    assert yamlemit.emit({"a": "x\ny"}, {}) is None  # block scalars
    assert yamlemit.emit({"中文": 1}, {}) is None  # keys that are not simple names
    assert yamlemit.emit({1: "a"}, {}) is None
    assert yamlemit.emit({}, {}) is None and yamlemit.emit("x", {}) is None


def test_keys_follow_the_schema_then_the_authors_order():
    schema = yamlfmt._schema("item")
    got = yamlemit.emit({"zeta": 1, "name": "n", "id": "A-1", "alpha": 2}, schema)
    assert got == "id: A-1\nname: n\nzeta: 1\nalpha: 2\n"
