"""QL606's screen (check/mentions.screen): before parsing, the names of every item whose file may
not be public are taken from the files' bytes, and the processes that parse the items search their
public ones at once, so QL606 searches again only the items with a hit. The screen may only save
time: with it or without it, QL606 finds the same."""

from __future__ import annotations

import pytest

from conftest import dump, item
from quanli.check import mentions
from quanli.loader.catalogue import read_catalogue

SECRET = {"scope": "不予公开", "reason": "涉及国家秘密（保守国家秘密法）"}
PLAIN = "排污许可证核发审批"


def _catalogue(cat, n: int, secret_remarks: str | None = None) -> set[str]:
    """``n`` public items, two of which name the secret item T-XK-002; returns those two files."""
    for i in range(n):
        cat.item(ident=f"T-XK-{i + 100:03d}", name=f"建设项目审批第{i}号")
    secret = item(ident="T-XK-002", name=PLAIN, disclosure=SECRET)
    if secret_remarks is not None:
        secret["remarks"] = secret_remarks
    cat.write("items/T-XK-002.yaml", dump(secret))
    cat.item(ident="T-XK-103", name="建设项目审批第3号", conditions=[f"与{PLAIN}一并办理"])
    cat.item(ident="T-XK-107", name="建设项目审批第7号", conditions=["与 Ｔ－ＸＫ－００２ 一并办理"])  # NFKC: T-XK-002
    return {"T-XK-103.yaml", "T-XK-107.yaml"}


def _ql606(cat) -> list[tuple]:
    code, findings = cat.validate()
    return sorted(
        (f["file"].replace("\\", "/").rsplit("/", 1)[-1], f["line"], f["column"], f["message"])
        for f in findings
        if f["rule"] == "QL606"
    )


def _without_screen(cat, monkeypatch) -> list[tuple]:
    with monkeypatch.context() as m:
        m.setattr(mentions, "screen", lambda snap, active=None: None)
        return _ql606(cat)


@pytest.mark.parametrize("n", [20, 450])  # in this process only; and with a worker process (400 or more)
def test_the_screen_finds_what_the_whole_search_finds(cat, monkeypatch, n):
    expected = _catalogue(cat, n)
    screen = mentions.screen(read_catalogue(cat.root))
    assert screen is not None and {"t-xk-002", "排污许可证核发审批"} <= screen[1]  # the screen is in use
    found = _ql606(cat)
    assert {f[0] for f in found} == expected
    assert found == _without_screen(cat, monkeypatch)


def test_a_secret_file_the_bytes_misjudge_is_still_found(cat, monkeypatch):
    # the non-public item's file holds a line like a public scope's (in a block of text), so its bytes look public
    expected = _catalogue(cat, 20, secret_remarks="旧稿写的是\nscope: 社会公开\n")
    screen = mentions.screen(read_catalogue(cat.root))
    assert screen is None or "t-xk-002" not in screen[1]  # the screen cannot know this name
    found = _ql606(cat)
    assert {f[0] for f in found} == expected
    assert found == _without_screen(cat, monkeypatch)


def test_no_screen_when_many_files_may_be_secret(cat):
    for i in range(5):
        cat.write(
            f"items/T-XK-{i + 300}.yaml", dump(item(ident=f"T-XK-{i + 300}", name=f"内部事项{i}", disclosure=SECRET))
        )
    assert mentions.screen(read_catalogue(cat.root)) is None  # 5 of 6 files: parsing them twice costs more
    assert mentions.screen(read_catalogue(cat.root), active={"QL101"}) is None  # QL606 not run


def test_a_secret_whose_name_says_a_public_scope_is_screened(cat):
    # 依申请公开 in a name is not a scope line: the item is still screened as possibly non-public
    cat.write("items/T-XK-009.yaml", dump(item(ident="T-XK-009", name="政府信息依申请公开复核", disclosure=SECRET)))
    for i in range(12):
        cat.item(ident=f"T-XK-{i + 100:03d}", name=f"建设项目审批第{i}号")
    screen = mentions.screen(read_catalogue(cat.root))
    assert screen is not None and {"t-xk-009", "政府信息依申请公开复核"} <= screen[1]
    assert "t-xk-001" not in screen[1]  # a public item's file, scope line and all
