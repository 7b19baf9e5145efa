"""Outputs cannot be turned against their readers: every name inside every ZIP quanli writes (the
bundle, each DOCX and XLSX) is a plain relative path, whatever the catalogue's ids hold."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest

from conftest import SAMPLES, item
from test_build import all_files, build


def _safe(name: str) -> bool:
    parts = name.split("/")
    return (
        bool(name)
        and not name.startswith("/")
        and "\\" not in name
        and ":" not in name
        and all(part not in ("", ".", "..") for part in parts)
        and not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name)
        and unicodedata.normalize("NFC", name) == name
    )


def _zip_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.namelist()


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_zip_member_name_is_relative_and_plain(tmp_path, monkeypatch, audience):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    out = tmp_path / audience
    assert build(SAMPLES / "city-gov-office", out, "--audience", audience).exit_code == 0
    files = all_files(out)
    zips = {name: data for name, data in files.items() if data[:4] == b"PK\x03\x04"}
    assert any(name.endswith(".zip") for name in zips) and any(name.endswith(".docx") for name in zips)
    for name, data in zips.items():
        members = _zip_names(data)
        assert members, name
        bad = [m for m in members if not _safe(m)]
        assert not bad, (name, bad)
    for name in files:
        assert _safe(name), name


def test_hostile_ids_never_make_a_path(cat, tmp_path, monkeypatch):
    """An id that looks like a path is refused by validate (QL111/QL118/QL126), so nothing is built;
    the file stems quanli makes from ids are plain names either way."""
    from quanli.build.single import safe_stem

    for ident in ("../../etc/passwd", "/abs/x", "C:\\x", "a/b", "..", "CON", "x\u202ey", "a\x00b"):
        stem = safe_stem(ident)
        assert _safe(stem + ".docx") and "/" not in stem and "\\" not in stem, (ident, stem)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    cat.write("items/T-XK-009.yaml", item(ident="../T-XK-009"))
    result = build(cat.root, tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
