"""core.fsutil.write_many: write_atomic's promises for many files, with one sync for them all."""

from __future__ import annotations

import os

import pytest

from quanli.core.errors import QuanliError
from quanli.core.fsutil import umask, write_many


def test_every_file_is_written_whole_and_no_temporary_file_stays(tmp_path):
    writes = [(tmp_path / "items" / f"X-{n:03d}.yaml", f"id: X-{n:03d}\n", False) for n in range(40)]
    write_many(writes)
    for path, text, _ in writes:
        assert path.read_text(encoding="utf-8") == text
        assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask()
    assert sorted(p.name for p in (tmp_path / "items").iterdir()) == sorted(p.name for p, _, _ in writes)


def test_a_file_that_exists_stops_the_writes_before_any_is_renamed(tmp_path):
    writes = [(tmp_path / f"{n:03d}.yaml", "new\n", False) for n in range(40)]
    (tmp_path / "010.yaml").write_text("the user's\n", encoding="utf-8")
    with pytest.raises(QuanliError) as err:
        write_many(writes)
    assert "010.yaml" in err.value.zh and "没有覆盖" in err.value.zh
    assert sorted(p.name for p in tmp_path.iterdir()) == ["010.yaml"]  # no other file, no .tmp left
    assert (tmp_path / "010.yaml").read_text(encoding="utf-8") == "the user's\n"


def test_overwrite_replaces_and_keeps_the_files_mode(tmp_path):
    writes = []
    for n in range(20):
        path = tmp_path / f"{n:02d}.yaml"
        path.write_text("old\n", encoding="utf-8")
        path.chmod(0o640)
        writes.append((path, "new\n", True))
    write_many(writes)
    assert all(p.read_text(encoding="utf-8") == "new\n" and os.stat(p).st_mode & 0o777 == 0o640 for p, _, _ in writes)


@pytest.mark.skipif(not hasattr(os, "sync"), reason="without os.sync the files are written one by one")
def test_a_file_that_appears_while_the_others_are_staged_is_not_replaced(tmp_path, monkeypatch):
    """Between staging and renaming (the one sync), a clerk's editor saves a file of the same name:
    it is kept, the error names it, and no temporary file is left."""
    writes = [(tmp_path / f"{n:03d}.yaml", "new\n", False) for n in range(30)]
    real_sync = os.sync

    def sync_and_save():
        real_sync()
        (tmp_path / "020.yaml").write_text("the clerk's\n", encoding="utf-8")

    monkeypatch.setattr(os, "sync", sync_and_save)
    with pytest.raises(QuanliError) as err:
        write_many(writes)
    assert "020.yaml" in err.value.zh
    assert (tmp_path / "020.yaml").read_text(encoding="utf-8") == "the clerk's\n"
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"{n:03d}.yaml" for n in range(21)]  # those before it in place, none after, no .tmp
