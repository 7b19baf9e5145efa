"""The hostile-input corpus (tests/corpus/cases.toml): every broken, hostile or surprising file a
clerk's catalogue may hold gets the right finding at the right place, in Chinese and English,
the right exit code, no traceback, and leaves every file on disk as it was.

The cases are data: add one in tests/corpus/generate.py and run it. Cases that need what git
cannot or should not hold (symbolic links, FIFOs, files over 4 MB, names Windows refuses or
that differ only by case) are made here at run time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import CATALOG, ROOT, dump, invoke, item

try:
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from quanli.loader.cache import CACHE_DIR
from quanli.loader.yamlparse import MAX_FILE_BYTES, load_bytes

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES: list[dict] = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]
BY_ID = {c["id"]: c for c in CASES}
SECRET = "机密-SECRET-7f3a"  # what files outside the catalogue hold: it must never be shown
CJK = re.compile("[\u4e00-\u9fff]")
CHINESE_PUNCTUATION = re.compile("[，。；：]")
MARKS = ("Traceback", "内部错误", "internal error")
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _case_insensitive(folder: Path) -> bool:
    probe = folder / "CaseProbe"
    probe.write_text("x", encoding="utf-8")
    try:
        return (folder / "caseprobe").exists()
    finally:
        probe.unlink()


def _recipe(name: str) -> bytes:
    base = dump(item(ident="T-XK-002", name="排污许可证核发"))
    if name == "over-limit":
        return ("remarks: " + "长" * (MAX_FILE_BYTES // 3 + 1) + "\n").encode()
    if name == "long-remarks":
        return (base + "remarks: " + "长" * 1_300_000 + "\n").encode()
    if name == "many-keys":
        return (base + "extra:\n" + "".join(f"  k{i}: 值{i}\n" for i in range(50_000))).encode()
    if name == "long-name":
        return base.replace("排污许可证核发", "审" * 200_000).encode()
    raise AssertionError(f"unknown recipe {name}")


def build(case: dict, cat, tmp_path: Path) -> Path:
    """Apply the case to the base catalogue; returns the folder outside the catalogue."""
    if case.get("posix") and sys.platform == "win32":
        pytest.skip("needs a POSIX file system")
    if case.get("casefold") and _case_insensitive(tmp_path):
        pytest.skip("needs a case-sensitive file system")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"id: T-XK-002\nname: {SECRET}\n", encoding="utf-8")
    (outside / "catalog.yaml").write_text(dump({**CATALOG, "unit": {"name": SECRET}}), encoding="utf-8")
    root = cat.root
    for rel in case.get("remove", []):
        (root / rel).unlink()
    for rel in case.get("mkdir", []):
        (root / rel).mkdir(parents=True)
    for rel, source in case.get("put", {}).items():
        cat.write(rel, (CORPUS / "files" / source).read_bytes())
    for rel, recipe in case.get("make", {}).items():
        if recipe == "fifo":
            os.mkfifo(root / rel)
        else:
            cat.write(rel, _recipe(recipe))
    for rel, target in case.get("link", {}).items():
        path = root / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        try:
            os.symlink(target.replace("{outside}", str(outside)), path, target_is_directory=target == "{outside}")
        except (OSError, NotImplementedError) as exc:  # Windows without developer mode
            pytest.skip(f"symbolic links not supported here: {exc}")
    return outside


def snapshot(*folders: Path) -> dict:
    """Every entry under the folders (links not followed, .quanli-cache left out): its content's hash."""
    out = {}
    for top in folders:
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if d != CACHE_DIR]
            for name in dirnames + filenames:
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode):
                    out[path] = "link:" + os.readlink(path)
                elif stat.S_ISREG(st.st_mode):
                    with open(path, "rb") as fh:
                        out[path] = hashlib.sha256(fh.read()).hexdigest()
                else:
                    out[path] = stat.S_IFMT(st.st_mode)
    return out


def run(root: Path, *args: str):
    result = invoke("validate", str(root), *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for mark in MARKS:
        assert mark not in result.output, result.output[-2000:]
    return result


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _data(expected):
    if expected == "<null>":
        return None
    if isinstance(expected, dict):
        return {k: _data(v) for k, v in expected.items()}
    return expected


def _where(f: dict) -> tuple:
    return (f["rule"], f["file"].replace(os.sep, "/"), f["line"], f["column"])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(cat, tmp_path, case):
    outside = build(case, cat, tmp_path)
    root = cat.root
    before = snapshot(root, outside)

    zh = run(root, "--format", "json", "--no-cache")
    assert zh.exit_code == case["exit"], zh.output[-3000:]
    findings = json.loads(zh.stdout)
    en = run(root, "--format", "json", "--no-cache", "--lang", "en")
    assert en.exit_code == case["exit"]
    english = json.loads(en.stdout)
    text = run(root)  # the default text report, with the cache in use
    assert text.exit_code == case["exit"]
    assert not TERMINAL_UNSAFE.search(text.stdout), (
        "a control or bidirectional character from the file reached the terminal"
    )

    for f in findings:
        assert f["message"] and CJK.search(f["message"]), f
        assert "YAML 语法错误：" not in f["message"], f"libyaml's English reached a Chinese message: {f}"
    for f in english:
        assert f["message"] and not CHINESE_PUNCTUATION.search(f["message"]), f
    assert [_where(f) for f in english] == [_where(f) for f in findings]
    rules = {f["rule"] for f in findings}

    if case.get("clean"):
        assert findings == [], findings
    if "rule" in case:
        at = case.get("at") or next(iter(case.get("put") or case.get("make") or case.get("link")))
        hits = [
            (f, e)
            for f, e in zip(findings, english)
            if f["rule"] == case["rule"] and f["file"].replace(os.sep, "/").endswith(at)
        ]
        assert hits, (case["rule"], at, [_where(f) for f in findings])
        if "line" in case:
            hits = [(f, e) for f, e in hits if f["line"] == case["line"]]
            assert hits, ("line", case["line"], [_where(f) for f in findings])
        if "column" in case:
            hits = [(f, e) for f, e in hits if f["column"] == case["column"]]
            assert hits, ("column", case["column"], [_where(f) for f in findings])
        for f, e in hits:
            assert e["message"] != f["message"], "the English message is the Chinese one"
        if "zh" in case:
            assert any(case["zh"] in f["message"] for f, _ in hits), [f["message"] for f, _ in hits]
        if "en" in case:
            assert any(case["en"] in e["message"] for _, e in hits), [e["message"] for _, e in hits]
    for rule in case.get("also", []):
        assert rule in rules, (rule, sorted(rules))
    for rule in case.get("absent", []):
        assert rule not in rules, (rule, [_where(f) for f in findings])

    if "data" in case:
        blob = (root / next(iter(case["put"]))).read_bytes()
        data, _ = load_bytes(blob)
        for key, value in _data(case["data"]).items():
            assert data[key] == value if not isinstance(value, dict) else {k: data[key][k] for k in value} == value, (
                key,
                data.get(key),
            )

    if case.get("secret"):
        for result in (zh, en, text):
            assert SECRET not in result.output, "a file outside the catalogue was read and shown"

    assert snapshot(root, outside) == before, "validate changed files on disk"


def test_the_corpus_covers_every_category():
    counts = Counter(c["category"] for c in CASES)
    assert len(CASES) >= 60
    for category in (
        "encoding",
        "binary",
        "syntax",
        "duplicate",
        "yaml11",
        "alias",
        "nesting",
        "control",
        "invisible",
        "newlines",
        "tabs",
        "empty",
        "paths",
        "windows",
        "case",
        "links",
        "huge",
    ):
        assert counts[category] >= 3, (category, counts[category])


def test_every_corpus_file_belongs_to_a_case():
    used = {source for c in CASES for source in c.get("put", {}).values()}
    on_disk = {p.relative_to(CORPUS / "files").as_posix() for p in (CORPUS / "files").rglob("*") if p.is_file()}
    assert used == on_disk
    assert len(BY_ID) == len(CASES), "two cases share an id"


SUBPROCESS_CASES = [
    "gbk",
    "utf16-le-bom",
    "billion-laughs",
    "flow-sequences",
    "python-tag",
    "escape-sequence",
    "right-to-left-override",
    "escaped-override",
    "char-control",
    "item-to-etc-passwd",
    "laws-to-outside",
    "reserved-con",
    "item-over-limit",
]


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_a_real_process_prints_no_traceback(cat, tmp_path, case_id):
    """The same cases through `python -m quanli`: what reaches stderr is a verdict, never a traceback."""
    case = BY_ID[case_id]
    outside = build(case, cat, tmp_path)
    before = snapshot(cat.root, outside)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("QUANLI_DEBUG", None)
    for args in ([], ["--format", "json", "--lang", "en"]):
        proc = subprocess.run(
            [sys.executable, "-m", "quanli", "validate", str(cat.root), "--no-cache", *args],
            capture_output=True,
            env=env,
            timeout=120,
            cwd=tmp_path,
        )
        out, err = _text(proc.stdout), _text(proc.stderr)
        assert proc.returncode == case["exit"], (out[-2000:], err[-2000:])
        for mark in MARKS:
            assert mark not in out and mark not in err, err[-2000:]
        if not args:  # the text report: what a clerk's terminal shows
            assert not TERMINAL_UNSAFE.search(out), (
                "a control or bidirectional character from the file reached the terminal"
            )
        assert case["rule"] in out
        if case.get("secret"):
            assert SECRET not in out and SECRET not in err
    assert snapshot(cat.root, outside) == before


@pytest.mark.parametrize(
    "name,refused",
    [
        ("T-XK-001.yaml", False),
        ("CONSOLE.yaml", False),
        ("COMX.yaml", False),
        ("说明.txt", False),
        ("CON.yaml", True),
        ("nul.yaml", True),
        ("con.txt.yaml", True),
        ("AUX .yaml", True),
        ("COM0.yaml", True),
        ("LPT9.yaml", True),
        ("COM¹.yaml", True),
        ("CONIN$.yaml", True),
        ("a:b.yaml", True),
        ("a?b", True),
        ("a\\b.yaml", True),
        ("tab\t.yaml", True),
        ("ends-with-dot.", True),
        ("ends-with-space ", True),
    ],
)
def test_windows_file_names(name, refused):
    from quanli.check.rules.files import windows_problem

    problem = windows_problem(name)
    assert (problem is not None) == refused
    if problem:
        zh, en = problem
        assert CJK.search(zh) and en and not CJK.search(en.replace(name, ""))


FORMAT_CASES = [
    "gbk",
    "png",
    "escape-sequence",
    "escaped-override",
    "zero-width-in-id",
    "char-control",
    "char-quote",
    "stray-name",
    "unicode-forms",
    "billion-laughs",
    "flow-sequences",
    "item-to-etc-passwd",
    "items-folder-to-outside",
    "long-line-name",
    "crlf-finding",
    "cr-only",
]


@pytest.mark.parametrize("case_id", FORMAT_CASES)
def test_every_output_format_survives(cat, tmp_path, monkeypatch, case_id):
    """SARIF and JSON parse as JSON, JUnit as XML, whatever the files held (control characters
    in names, quotes, bidi characters); GitHub annotations stay one line each."""
    import xml.etree.ElementTree as ET

    case = BY_ID[case_id]
    outside = build(case, cat, tmp_path)
    before = snapshot(cat.root, outside)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    for fmt in ("json", "sarif", "junit", "github", "markdown", "text"):
        for lang in ("zh", "en"):
            result = run(cat.root, "--format", fmt, "--lang", lang, "--no-cache")
            assert result.exit_code == case["exit"], (fmt, result.output[-2000:])
            out = result.stdout
            if fmt in ("json", "sarif"):
                json.loads(out)
            elif fmt == "junit":
                ET.fromstring(out.encode("utf-8"))
            elif fmt == "github":
                assert all(line.startswith("::") for line in out.splitlines() if line and "::" in line[:12])
            assert case["rule"] in out
    assert snapshot(cat.root, outside) == before


@pytest.mark.parametrize("case_id", [c["id"] for c in CASES if c.get("link")])
def test_fmt_never_writes_through_a_link(cat, tmp_path, case_id):
    """`quanli fmt` rewrites the catalogue's files, never a file a link leads to (and does not crash on one)."""
    case = BY_ID[case_id]
    outside = build(case, cat, tmp_path)
    before = snapshot(outside)
    links = {str(cat.root / rel): os.readlink(cat.root / rel) for rel in case["link"]}
    named = [str(cat.root / rel) for rel in case["link"] if (cat.root / rel).is_file()]  # the link itself, named
    for args in ([str(cat.root), "--check"], [str(cat.root)], *([named] if named else [])):
        result = invoke("fmt", *args)
        assert result.exit_code in (0, 1, 2), result.output
        for mark in MARKS:
            assert mark not in result.output, result.output
        assert SECRET not in result.output
    assert snapshot(outside) == before, "fmt wrote through a symbolic link"
    assert {p: os.readlink(p) for p in links} == links
