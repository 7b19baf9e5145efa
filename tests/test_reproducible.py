"""Same input, same bytes, whatever the cache holds (issue 20): every sample catalogue and the
sample workspace, built with no cache, with a cold and a warm cache, after an edit (against a
build of the edited catalogue with no cache) and after the edit is reverted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import invoke

SAMPLES = Path(__file__).resolve().parent.parent / "catalogs"
CATALOGUES = sorted(p.parent.name for p in SAMPLES.glob("*/catalog.yaml"))


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".quanli" not in p.name
    }


def build(source: Path, out: Path, *more: str) -> dict[str, bytes]:
    result = invoke("build", str(source), "--out", str(out), *more)
    assert result.exit_code == 0, result.output
    return tree(out)


def same(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert sorted(a) == sorted(b)
    differ = [name for name in a if a[name] != b[name]]
    assert differ == []


def edit(path: Path) -> None:
    path.write_bytes(path.read_bytes() + "# 临时注释\n".encode())


@pytest.mark.dates
@pytest.mark.parametrize("name", CATALOGUES)
@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_catalogue_builds_to_the_same_bytes_whatever_the_cache_holds(name, audience, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01: the source's day, pinned
    source = tmp_path / name
    shutil.copytree(SAMPLES / name, source, ignore=shutil.ignore_patterns(".quanli-cache"))
    aud = ("--audience", audience)
    fresh = build(source, tmp_path / "fresh", *aud, "--no-cache")
    same(build(source, tmp_path / "cold", *aud), fresh)
    same(build(source, tmp_path / "warm", *aud), fresh)
    # a records-bearing item is edited (a comment: the same data): the first build after the edit
    # reads the unchanged items from the memo, the second reads them whole
    cased = (
        sorted(
            {
                p.read_text(encoding="utf-8").split("\nitem: ", 1)[1].split()[0].strip("'\"")
                for p in (source / "records").glob("*.yaml")
            }
        )
        if (source / "records").is_dir()
        else []
    )
    items = sorted((source / "items").glob("*.yaml"))
    target = next((p for p in items if p.stem not in cased), items[0])
    original = target.read_bytes()
    edit(target)
    after = build(source, tmp_path / "after", *aud)
    same(after, build(source, tmp_path / "after-again", *aud))
    same(after, build(source, tmp_path / "after-fresh", *aud, "--no-cache"))
    target.write_bytes(original)
    same(build(source, tmp_path / "reverted", *aud), fresh)
    same(build(source, tmp_path / "fresh", *aud), fresh)  # into the first folder again: up to date or rebuilt the same


@pytest.mark.dates
def test_the_workspace_builds_to_the_same_bytes_whatever_the_cache_holds(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    source = tmp_path / "catalogs"
    shutil.copytree(SAMPLES, source, ignore=shutil.ignore_patterns(".quanli-cache"))
    fresh = build(source, tmp_path / "fresh", "--no-cache")
    same(build(source, tmp_path / "cold"), fresh)
    same(build(source, tmp_path / "warm"), fresh)
    target = sorted((source / CATALOGUES[0] / "items").glob("*.yaml"))[0]
    original = target.read_bytes()
    edit(target)
    same(build(source, tmp_path / "after"), build(source, tmp_path / "after-fresh", "--no-cache"))
    target.write_bytes(original)
    same(build(source, tmp_path / "reverted"), fresh)
