"""The crashers the fuzzers (fuzz/) found, kept: each input under tests/data/fuzz/ is replayed
through its harness, which allows no exception but the project's own (ParseFailure,
QuanliError); and the user-visible ones once more through the command line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import SAMPLES, invoke
from quanli.loader.yamlparse import load_bytes

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "fuzz"


@pytest.fixture(scope="module")
def harness():
    sys.path.insert(0, str(ROOT / "fuzz"))
    try:
        import fuzz_import
        import fuzz_loader
    finally:
        sys.path.remove(str(ROOT / "fuzz"))
    yield {"loader": fuzz_loader, "import": fuzz_import}
    for module in (fuzz_loader, fuzz_import):
        shutil.rmtree(module.WORK, ignore_errors=True)


@pytest.mark.parametrize(
    "case", sorted(p for p in CASES.rglob("*") if p.is_file()), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_a_found_crasher_is_answered_without_a_traceback(harness, case, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    harness[case.parent.name].test_one(case.read_bytes())


def test_the_cases_are_there():
    assert len(list((CASES / "import").iterdir())) >= 10


# -- the same through the command line ----------------------------------------------------------


def _import(source: Path, into: Path, *extra: str):
    result = invoke("import", str(source), "--into", str(into), *extra)
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    return result


def _items(folder: Path) -> dict:
    return {p.stem: load_bytes(p.read_bytes())[0] for p in sorted((folder / "items").glob("*.yaml"))}


def test_a_lone_surrogate_in_an_exported_json_column_becomes_a_question_mark(tmp_path):
    source = tmp_path / "s.json"
    source.write_text(
        '[{"id": "XK-0001", "name": "a\\ud800b", "category": "行政许可", "basis": [{"law": "\\udc00法"}]}]',
        encoding="utf-8",
    )
    assert _import(source, tmp_path / "o").exit_code == 0
    [data] = _items(tmp_path / "o").values()
    assert data["name"] == "a?b" and data["basis"][0]["law"] == "?法"


def test_a_date_typed_into_an_exported_spreadsheet_is_imported_as_its_text(tmp_path):
    out = tmp_path / "e.xlsx"
    assert invoke("export", str(SAMPLES / "county-amr"), "--out", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("项目名称（name）") + 1).value = dt.datetime(2024, 1, 5)  # Excel's own doing
    sheet.cell(row=3, column=headers.index("项目名称（name）") + 1).value = dt.time(12, 30)
    book.save(out)
    assert _import(out, tmp_path / "o").exit_code == 0
    names = {d["name"] for d in _items(tmp_path / "o").values()}
    assert {"2024-01-05", "12:30:00"} <= names


def test_csv_with_old_mac_line_ends_and_bare_carriage_returns(tmp_path):
    source = tmp_path / "mac.csv"
    source.write_bytes("事项名称,事项类型\r甲,行政许可\r乙,行政许可\r".encode())
    result = _import(source, tmp_path / "o", "--format", "json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)["created"]) == 2


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("deep.json", b"[" * 100000 + b"]" * 100000, "JSON"),
        ("deep-cell.json", b'[{"name": ' + b"[" * 500 + b"]" * 500 + b"}]", "64"),
        ("digits.json", b'[{"name": ' + b"1" * 5000 + b"}]", "JSON"),
        ("odd.csv", b"\xff\xfe\x41", "UTF-16"),
        ("big.csv", "事项名称,事项类型\n".encode() + b'"' + b"x" * 200000 + b'",a\n', "CSV"),
    ],
)
def test_unreadable_tables_are_a_clear_error(tmp_path, name, content, words):
    source = tmp_path / name
    source.write_bytes(content)
    result = _import(source, tmp_path / "o")
    assert result.exit_code == 2 and words in result.output and name in result.output, result.output
    assert not (tmp_path / "o").exists()


def test_nan_and_infinity_in_json_are_reported_not_written(tmp_path):
    source = tmp_path / "n.json"
    source.write_text(
        '[{"事项名称": "甲", "事项类型": "行政许可", "承诺时限": Infinity, "法定时限": NaN}]', encoding="utf-8"
    )
    result = _import(source, tmp_path / "o", "--format", "json")
    assert result.exit_code == 0
    problems = [p["message"] for p in json.loads(result.stdout)["problems"]]
    assert any("inf" in p for p in problems) and any("nan" in p for p in problems)


def test_a_number_yaml_cannot_hold_stops_a_dry_run_as_it_stops_the_import(tmp_path):
    source = tmp_path / "n.json"
    source.write_text('[{"name": ' + "1" * 40 + ', "category": "行政许可"}]', encoding="utf-8")
    for extra in ((), ("--dry-run",)):
        result = _import(source, tmp_path / "o", *extra)
        assert result.exit_code == 2 and "无法写出事项" in result.output, result.output
    assert not (tmp_path / "o").exists()


def test_a_basis_column_holding_texts_is_imported_for_validate_to_report(tmp_path):
    source = tmp_path / "b.json"
    source.write_text(
        '[{"name": "甲", "category": "行政许可", "basis": ["《行政许可法》第十二条", 5], "conditions": [1, "《行政许可法》"]}]',
        encoding="utf-8",
    )
    assert _import(source, tmp_path / "o").exit_code == 0
    result = invoke("validate", str(tmp_path / "o"), "--format", "json", "--no-cache")
    assert result.exit_code == 1 and "内部错误" not in result.output


def test_a_workbook_without_a_worksheet_is_a_clear_error(tmp_path):
    source = tmp_path / "charts.xlsx"
    source.write_bytes(
        (CASES / "import" / "xlsx-without-a-worksheet").read_bytes()[2:]
    )  # the harness's two option bytes off
    result = _import(source, tmp_path / "o")
    assert result.exit_code == 2 and "没有工作表" in result.output, result.output


def test_json_text_in_a_cell_with_lone_surrogates_or_too_deep(tmp_path):
    source = tmp_path / "c.csv"
    deep = "[" * 5000 + "]" * 5000
    source.write_text(
        "项目名称（name）,类别（category）,行使依据（basis）,受理条件（conditions）\n"
        f'甲,行政许可,"[{{""law"": ""\\ud800法""}}]",{deep}\n',
        encoding="utf-8",
    )
    result = _import(source, tmp_path / "o", "--format", "json")
    assert result.exit_code == 0, result.output
    [data] = _items(tmp_path / "o").values()
    assert data["basis"] == [{"law": "?法"}]
