"""The render memo: per-item parts of the whole-catalogue outputs remembered between builds
(quanli.render.memo). A build that uses it writes the same bytes as one that does not, and
nothing it remembers outlives a change of the item, of catalog.yaml or of laws.yaml."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from conftest import LAWS, SAMPLES
from quanli.loader.catalogue import load_catalogue
from quanli.render import memo as remember
from quanli.render.memo import NAME, SHARDS, RenderMemo
from quanli.render.view import build_view
from test_build import all_files, build


@pytest.fixture(autouse=True)
def _fixed_source_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def test_a_packed_view_comes_back_the_same():
    catalogue = load_catalogue(SAMPLES / "city-gov-office", use_cache=False)
    view = build_view(catalogue, "internal", "2026-01-01")
    assert view.items
    for item in view.items:
        back = remember.unpack(remember.pack(item))
        assert back == item and repr(back) == repr(item)  # repr is part of the reuse key


def test_the_key_covers_the_item_and_the_shared_files():
    keys = {
        RenderMemo.key(b"catalog+laws", b"item"),
        RenderMemo.key(b"catalog+laws", b"item2"),
        RenderMemo.key(b"catalog+laws2", b"item"),
    }
    assert len(keys) == 3


def _fresh(cat, tmp_path: Path, name: str) -> dict[str, bytes]:
    out = tmp_path / name
    assert build(cat.root, out, "--no-cache").exit_code == 0
    return all_files(out)


def test_builds_with_the_memo_write_what_builds_without_it_write(cat, tmp_path):
    cat.item(ident="T-XK-002", name="第二个事项")
    cat.item(ident="T-XK-003", name="第三个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    assert any((cat.root / ".quanli-cache" / NAME.format(f"{n:x}")).is_file() for n in range(SHARDS))

    # an item edited: its row changes, the others come from the memo
    cat.item(ident="T-XK-002", name="第二个事项（已修改）")
    assert build(cat.root, out).exit_code == 0
    assert all_files(out) == _fresh(cat, tmp_path, "fresh1")
    assert "第二个事项（已修改）".encode() in all_files(out)["table/catalog.csv"]

    # laws.yaml edited: every item's 依据 column shows the new law name, none is served stale
    laws = copy.deepcopy(LAWS)
    laws["laws"][0]["name"] = "中华人民共和国行政许可法（修订）"
    cat.write("laws.yaml", laws)
    assert build(cat.root, out).exit_code == 0
    files = all_files(out)
    assert files == _fresh(cat, tmp_path, "fresh2")
    assert "行政许可法（修订）".encode() in files["table/catalog.csv"]

    # a cell that must be written as quoted text: a style the workbook had not registered yet
    # (the remembered rows hold style ids; they must still be the ids a fresh build gives)
    cat.item(ident="T-XK-002", name="=SUM(A1)审批")
    assert build(cat.root, out).exit_code == 0
    assert all_files(out) == _fresh(cat, tmp_path, "fresh3")
    cat.item(ident="T-XK-002", name="第二个事项")
    assert build(cat.root, out).exit_code == 0
    assert all_files(out) == _fresh(cat, tmp_path, "fresh4")


def test_a_damaged_memo_is_ignored(cat, tmp_path):
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    for n in range(SHARDS):
        (cat.root / ".quanli-cache" / NAME.format(f"{n:x}")).write_bytes(b"\x00not marshal")
    cat.item(ident="T-XK-004", name="第四个事项")
    assert build(cat.root, out).exit_code == 0
    assert all_files(out) == _fresh(cat, tmp_path, "fresh")


def test_an_edit_rewrites_a_few_shards_of_the_memo(cat, tmp_path):
    for n in range(2, 40):
        cat.item(ident=f"T-XK-{n:03d}", name=f"第{n}个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    cache = cat.root / ".quanli-cache"
    before = {p.name: p.stat().st_mtime_ns for p in cache.glob("render-memo-*.marshal")}
    assert len(before) > 8
    cat.item(ident="T-XK-002", name="第2个项目")  # as long as before: no column widths, no row heights change
    assert build(cat.root, out).exit_code == 0
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("render-memo-*.marshal")}
    # the shard of the item's new source key and the shard that drops its old one; here every row is
    # among those the column widths are measured on, so the widths' new and old keys make two more
    assert 1 <= sum(before[name] != after.get(name) for name in before) <= 4


def test_the_memo_keeps_only_what_the_last_build_used(cat, tmp_path):
    cat.item(ident="T-XK-002", name="第二个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    before = len(RenderMemo(cat.root / ".quanli-cache")._old)
    (cat.root / "items" / "T-XK-002.yaml").unlink()
    assert build(cat.root, out).exit_code == 0
    assert len(RenderMemo(cat.root / ".quanli-cache")._old) == before - 1


def test_the_table_rows_are_taken_from_the_memo_when_the_item_is_unchanged(cat, tmp_path, monkeypatch):
    cat.item(ident="T-XK-002", name="第二个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    import quanli.render.table as table
    import quanli.render.view as view

    made, rows = [], []
    real_item, real_height = view._item, table.sizes._row_height
    monkeypatch.setattr(view, "_item", lambda data, *rest: made.append(data["id"]) or real_item(data, *rest))
    monkeypatch.setattr(
        table.sizes, "_row_height", lambda cells, *rest: rows.append(cells[1]) or real_height(cells, *rest)
    )
    cat.item(ident="T-XK-002", name="第二个项目")  # as long as before: the column widths stay
    assert build(cat.root, out).exit_code == 0
    assert made == ["T-XK-002"]  # the unchanged items' views came from the memo
    assert rows == ["第二个项目"]  # so did their row heights (worked out for the same widths)


def test_row_heights_are_worked_out_again_when_the_widths_change(cat, tmp_path, monkeypatch):
    cat.item(ident="T-XK-002", name="第二个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    import quanli.render.table as table

    rows = []
    real_height = table.sizes._row_height
    monkeypatch.setattr(
        table.sizes, "_row_height", lambda cells, *rest: rows.append(cells[1]) or real_height(cells, *rest)
    )
    cat.item(ident="T-XK-002", name="第二个事项" * 12)  # a long name widens its column
    assert build(cat.root, out).exit_code == 0
    assert len(rows) == 2


def test_column_widths_are_remembered_for_the_rows_they_were_measured_on(cat, tmp_path, monkeypatch):
    cat.item(ident="T-XK-002", name="第二个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    import quanli.render.table as table

    measured = []
    real = table.sizes._widths
    monkeypatch.setattr(
        table.sizes, "_widths", lambda columns, rows, budget: measured.append(len(rows)) or real(columns, rows, budget)
    )
    # materials are not in the table: the rows are the same, the widths come from the memo
    cat.item(ident="T-XK-002", name="第二个事项", materials=[{"name": "申请书", "form": "原件", "copies": 2}])
    assert build(cat.root, out).exit_code == 0
    assert measured == []
    assert all_files(out) == _fresh(cat, tmp_path, "fresh1")
    # a name in the table changed: measured again (and the fresh build, without the memo, agrees)
    measured.clear()
    cat.item(ident="T-XK-002", name="第二个事项" * 6)
    assert build(cat.root, out).exit_code == 0
    assert measured == [2]
    assert all_files(out) == _fresh(cat, tmp_path, "fresh2")


def test_a_build_after_one_edit_parses_that_item_once_and_looks_up_no_other(cat, tmp_path, monkeypatch):
    """The build takes the catalogue as its check left it (each item's summary): only an item the
    memo has no view of gets its whole document back, from the parse cache the check filled."""
    for n in range(2, 7):
        cat.item(ident=f"T-XK-{n:03d}", name=f"第{n}个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    import quanli.loader.catalogue as loader
    from quanli.loader.cache import ParseCache

    parsed, looked_up = [], []
    real_parse, real_get = loader._parse_blob, ParseCache.get
    monkeypatch.setattr(loader, "_parse_blob", lambda blob, kind: parsed.append(kind) or real_parse(blob, kind))
    monkeypatch.setattr(ParseCache, "get", lambda self, key: looked_up.append(key) or real_get(self, key))
    cat.item(ident="T-XK-004", name="第四个事项（已修改）")
    assert build(cat.root, out).exit_code == 0
    assert parsed.count("item") == 1
    items = [key for key in looked_up if key.endswith(b"item")]
    assert len(items) == 2 and len(set(items)) == 1  # the check's look-up (a miss), then the build's (a hit)
    assert all_files(out) == _fresh(cat, tmp_path, "fresh")
