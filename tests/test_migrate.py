"""quanli import and quanli export: messy real-world lists in, flat lists out, round trips exact."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from conftest import SAMPLES, invoke
from quanli.loader.yamlparse import load_bytes
from quanli.migrate import values

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "gd-policy.jsonl"


def items_of(folder: Path) -> dict[str, dict]:
    return {p.stem: load_bytes(p.read_bytes())[0] for p in sorted((folder / "items").glob("*.yaml"))}


def report(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- values -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("20(工作日)", 20), ("20（工作日）", 20), ("20个工作日", 20), ("20工作日", 20), (20, 20), (20.0, 20), ("即办", 0),
    ("当场办结", 0), ("60日", {"value": 60, "unit": "自然日"}), ("3个月", {"value": 3, "unit": "个月"}),
    ("二十个工作日", 20), ("无", None), ("", None),
    ("20个工作日（不含现场核查时间）", {"value": 20, "unit": "工作日", "note": "20个工作日（不含现场核查时间）"}),
])
def test_time_limits(text, expected):
    assert values.time_limit(text) == (expected, None)


def test_time_limit_that_cannot_be_read_is_reported():
    value, problem = values.time_limit("视情况而定")
    assert value is None and "视情况而定" in problem


def test_categories_by_name_code_and_variant():
    names = ["行政许可", "行政处罚", "公共服务"]
    assert values.category("01", names) == ("行政许可", None)
    assert values.category("1", names) == ("行政许可", None)
    assert values.category("20", names) == ("公共服务", None)
    assert values.category("行政许可事项", names) == ("行政许可", None)
    assert values.category("许可", names) == ("行政许可", None)
    name, problem = values.category("行政检查", names)
    assert name == "行政检查" and "不在本目录的类别中" in problem


def test_law_citations_are_split():
    entries, problem = values.citations("《中华人民共和国行政许可法》第十二条第一款、《中华人民共和国食品安全法》第三十五条", "设定依据")
    assert problem is None and entries == [
        {"law": "中华人民共和国行政许可法", "article": "第十二条第一款", "kind": "设定依据"},
        {"law": "中华人民共和国食品安全法", "article": "第三十五条", "kind": "设定依据"}]
    assert values.law_id("中华人民共和国行政许可法") == "行政许可法"
    entries, problem = values.citations("依照有关规定办理")
    assert entries == [] and "找不到《法律法规名称》" in problem


def test_numbered_lists_become_entries():
    assert values.text_list("1.申请书；2.营业执照复印件；3.场所证明") == ["申请书", "营业执照复印件", "场所证明"]
    assert values.text_list("（一）申请书\n（二）身份证明\n") == ["申请书", "身份证明"]
    assert values.text_list("无") is None


# -- a messy spreadsheet -------------------------------------------------------------------------------

def messy_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "权力清单"
    ws.append(["测试县生态环境局行政职权目录（2024年版）"])
    ws.merge_cells("A1:J1")
    ws.append([None])
    ws.append(["序号", "职权名称", "子项名称", "权力类别", "法律依据", "承办科室", "法定办结时限", "承诺时限", "收费标准", "备注"])
    ws.append([1, "建设项目环境影响评价文件审批", "报告书审批", "01",
               "《中华人民共和国环境影响评价法》第二十二条第一款", "审批科", "60日", "20(工作日)", "无", "无"])
    ws.append([None, None, "报告表审批", "01", "《中华人民共和国环境影响评价法》第二十二条第一款", "审批科", "30日", "即办", "不收费", None])
    ws.merge_cells("B4:B5")
    ws.append([2, "排污许可证核发", None, "行政许可", "依照有关规定", "审批科", "二十个工作日", "视情况而定", None, "多行\n备注"])
    ws.append([None] * 10)
    ws.append([3, "对未批先建的处罚", None, "02", "《中华人民共和国环境影响评价法》第三十一条", "法制科", "无", "无", None, None])
    wb.save(path)
    return path


def test_messy_xlsx_is_imported_with_a_report(cat, tmp_path):
    source = messy_xlsx(tmp_path / "清单.xlsx")
    rep = report(invoke("import", str(source), "--into", str(cat.root), "--format", "json"))
    assert rep["sheet"] == "权力清单" and rep["header_row"] == 3 and rep["rows"] == 4
    assert rep["mapping"]["职权名称"] == "name" and rep["mapping"]["子项名称"] == "_sub_name" and rep["mapping"]["法律依据"] == "basis"
    assert rep["unmapped"] == ["序号"]
    assert rep["created"] == ["T-XK-002", "T-XK-003", "T-XK-004", "T-CF-001"]  # the catalogue's pattern, after T-XK-001
    problems = {(p["row"], p["column"], p["message"]) for p in rep["problems"]}
    assert (6, "E", "找不到《法律法规名称》：“依照有关规定”") in problems
    assert (6, "H", "无法识别的时限“视情况而定”") in problems
    assert rep["laws_added"] == []  # 环境影响评价法 is known by its full name
    items = items_of(cat.root)
    assert items["T-XK-002"]["name"] == "报告书审批" and items["T-XK-003"]["name"] == "报告表审批"
    assert items["T-XK-002"]["parent"] == items["T-XK-003"]["parent"] == "建设项目环境影响评价文件审批"  # merged cell filled down
    assert items["T-XK-003"]["time_limit"] == {"statutory": {"value": 30, "unit": "自然日"}, "promised": 0}
    assert items["T-XK-002"]["basis"] == [{"law": "环境影响评价法", "article": "第二十二条第一款"}]
    assert items["T-XK-002"]["time_limit"] == {"statutory": {"value": 60, "unit": "自然日"}, "promised": 20}
    assert "remarks" not in items["T-XK-002"] and "fee" not in items["T-XK-002"]
    assert items["T-XK-003"]["fee"] == {"standard": "不收费", "charged": False}
    assert items["T-XK-004"]["remarks"] == "多行\n备注" and items["T-XK-004"]["time_limit"] == {"statutory": 20}
    assert items["T-CF-001"]["category"] == "行政处罚" and items["T-CF-001"]["department"] == "法制科"
    assert items["T-XK-004"]["flow"] == "TODO"
    text = (cat.root / "items" / "T-XK-004.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=") and "flow: TODO  # 导入时没有流程图" in text
    code, findings = cat.validate()
    assert code == 1 and any(f["rule"] == "QL114" and f["item"] == "T-XK-004" for f in findings)  # the placeholder is reported


def test_sub_items_take_the_main_item_from_a_merged_cell(cat, tmp_path):
    rep = report(invoke("import", str(messy_xlsx(tmp_path / "a.xlsx")), "--into", str(cat.root), "--format", "json",
                        "--mapping", str(cat.write("map.yaml", "columns:\n  职权名称: parent\n  子项名称: name\n"))))
    items = items_of(cat.root)
    assert rep["created"][:2] == ["T-XK-002", "T-XK-003"]
    assert items["T-XK-002"]["name"] == "报告书审批" and items["T-XK-002"]["parent"] == "建设项目环境影响评价文件审批"
    assert items["T-XK-003"]["name"] == "报告表审批" and items["T-XK-003"]["parent"] == "建设项目环境影响评价文件审批"


def test_dry_run_writes_nothing(cat, tmp_path):
    before = sorted(p.name for p in (cat.root / "items").iterdir())
    result = invoke("import", str(messy_xlsx(tmp_path / "a.xlsx")), "--into", str(cat.root), "--dry-run")
    assert result.exit_code == 0 and "职权名称 → name" in result.output and "序号 → （不导入）" in result.output
    assert "未写入任何文件" in result.output and "name: 排污许可证核发" not in result.output.split("将新建")[1]
    assert sorted(p.name for p in (cat.root / "items").iterdir()) == before


def test_importing_twice_finds_every_row_and_update_rewrites_only_changes(cat, tmp_path):
    source = messy_xlsx(tmp_path / "a.xlsx")
    first = report(invoke("import", str(source), "--into", str(cat.root), "--format", "json"))
    again = report(invoke("import", str(source), "--into", str(cat.root), "--format", "json"))
    assert again["created"] == [] and again["skipped"] == first["created"]
    path = cat.root / "items" / "T-CF-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("department: 法制科", "department: 法制科  # 已核对"), encoding="utf-8")
    wb = openpyxl.load_workbook(source)
    wb.active["F8"] = "审批科"
    wb.save(source)
    updated = report(invoke("import", str(source), "--into", str(cat.root), "--format", "json", "--update"))
    assert updated["updated"] == ["T-CF-001"] and len(updated["unchanged"]) == 3
    text = path.read_text(encoding="utf-8")
    assert "department: 审批科" in text and load_bytes(text.encode())[0]["name"] == "对未批先建的处罚"


def test_the_same_file_gives_the_same_ids(tmp_path):
    source = messy_xlsx(tmp_path / "a.xlsx")
    a = report(invoke("import", str(source), "--into", str(tmp_path / "one"), "--format", "json"))
    b = report(invoke("import", str(source), "--into", str(tmp_path / "two"), "--format", "json"))
    assert a["created"] == b["created"] == ["XK-0001", "XK-0002", "XK-0003", "CF-0001"]
    assert items_of(tmp_path / "one") == items_of(tmp_path / "two")


def test_gbk_csv_and_json_lines(cat, tmp_path):
    csv_file = tmp_path / "清单.csv"
    csv_file.write_bytes("事项名称,事项类型,设定依据,承诺时限\r\n新增许可,行政许可,《示例条例》第三条,5个工作日\r\n".encode("gbk"))
    rep = report(invoke("import", str(csv_file), "--into", str(cat.root), "--format", "json"))
    assert rep["created"] == ["T-XK-002"] and rep["laws_added"] == ["示例条例"]
    item = items_of(cat.root)["T-XK-002"]
    assert item["basis"] == [{"law": "示例条例", "article": "第三条", "kind": "设定依据"}] and item["time_limit"] == {"promised": 5}
    laws = load_bytes((cat.root / "laws.yaml").read_bytes())[0]["laws"]
    assert laws[-1] == {"id": "示例条例", "name": "示例条例", "status": "未知"} and len(laws) == 3
    lines = tmp_path / "清单.jsonl"
    lines.write_text(json.dumps({"matter_name": "年检", "TASK_TYPE": "07", "handle_time": "1(工作日)"}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    catalog = cat.root / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("^T-[A-Z]{2}-[0-9]{3}$", "^T-{code}-[0-9]{3}$"), encoding="utf-8")
    rep = report(invoke("import", str(lines), "--into", str(cat.root), "--format", "json"))
    assert rep["created"] == ["T-07-001"]  # per-category prefixes with the national code


def test_bad_input_is_a_clear_error(cat, tmp_path):
    for name, content, words in (("missing.xlsx", None, "找不到文件"), ("old.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
                                 ("bad.json", b'[{"a": 1,}]', "bad.json:1:"), ("no-name.csv", "甲,乙\r\n1,2\r\n".encode(), "事项名称")):
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        result = invoke("import", str(path), "--into", str(cat.root))
        assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output, (name, result.output)
    assert invoke("import", str(tmp_path / "old.xls"), "--into", str(cat.root), "--scope", "公开").exit_code == 2


def test_importing_into_a_folder_that_is_not_a_catalogue(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "note.txt").write_text("x", encoding="utf-8")
    result = invoke("import", str(messy_xlsx(tmp_path / "a.xlsx")), "--into", str(tmp_path / "other"))
    assert result.exit_code == 2 and (tmp_path / "other" / "note.txt").read_text(encoding="utf-8") == "x"


# -- export and the round trip -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
@pytest.mark.parametrize("sample", ["county-amr", "city-gov-office"])
def test_export_then_import_gives_the_same_items(tmp_path, fmt, sample):
    out = tmp_path / f"export.{fmt}"
    assert invoke("export", str(SAMPLES / sample), "--format", fmt, "--out", str(out)).exit_code == 0
    rep = report(invoke("import", str(out), "--into", str(tmp_path / "again"), "--format", "json"))
    assert rep["problems"] == [] and rep["unmapped"] == []
    assert items_of(tmp_path / "again") == items_of(SAMPLES / sample)


def test_export_never_writes_a_formula(cat, tmp_path):
    cat.item(name="=HYPERLINK(\"http://evil\")", remarks="+1")
    xlsx = tmp_path / "e.xlsx"
    assert invoke("export", str(cat.root), "--out", str(xlsx)).exit_code == 0
    ws = openpyxl.load_workbook(xlsx).active
    headers = [c.value for c in ws[1]]
    name_cell = ws.cell(row=2, column=headers.index("项目名称（name）") + 1)
    assert name_cell.data_type == "s" and name_cell.value.startswith("=HYPERLINK")
    csv_text = invoke("export", str(cat.root), "--format", "csv").stdout
    assert "'=HYPERLINK" in csv_text and "'+1" in csv_text
    (tmp_path / "e.csv").write_text(csv_text, encoding="utf-8")
    invoke("import", str(tmp_path / "e.csv"), "--into", str(tmp_path / "back"))
    assert items_of(tmp_path / "back")["T-XK-001"]["name"] == "=HYPERLINK(\"http://evil\")"
    assert invoke("export", str(cat.root), "--out", str(xlsx)).exit_code == 2  # exists: not overwritten without --force
    assert invoke("export", str(cat.root), "--format", "xlsx").exit_code == 2  # XLSX needs a file


# -- the real published data -------------------------------------------------------------------------------------

@pytest.mark.skipif(not DATA.is_file(), reason="shared/data/gd-policy.jsonl is not beside the repository")
def test_the_real_gd_policy_data(tmp_path):
    target = tmp_path / "gd"
    rep = report(invoke("import", str(DATA), "--into", str(target), "--format", "json"))
    assert rep["rows"] == 2262 and len(rep["created"]) == 2262
    assert all("codes.local" in p["message"] for p in rep["problems"])  # only the 33-character sub-item codes
    result = invoke("validate", str(target), "--format", "json", "--no-cache")
    assert result.exit_code == 1  # missing elements are expected findings, not a crash
    findings = json.loads(result.stdout)
    assert {f["rule"] for f in findings} >= {"QL202", "QL114"}
    # a build of a part of it (the whole takes half a minute): the internal draft renders every item
    subset = tmp_path / "part.jsonl"
    subset.write_text("".join(DATA.read_text(encoding="utf-8").splitlines(keepends=True)[:120]), encoding="utf-8")
    assert invoke("import", str(subset), "--into", str(tmp_path / "part")).exit_code == 0
    assert invoke("build", str(tmp_path / "part"), "--out", str(tmp_path / "dist"), "--quiet").exit_code == 1  # errors refuse
    built = invoke("build", str(tmp_path / "part"), "--out", str(tmp_path / "dist"), "--audience", "internal", "--draft", "--quiet")
    assert built.exit_code == 0, built.output
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["items"] == 120 or manifest.get("item_count") == 120 or len(list((tmp_path / "dist" / "sheets").glob("*.docx"))) == 120
