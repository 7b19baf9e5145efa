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


@pytest.mark.parametrize(
    "text, expected",
    [
        ("20(工作日)", 20),
        ("20（工作日）", 20),
        ("20个工作日", 20),
        ("20工作日", 20),
        (20, 20),
        (20.0, 20),
        ("即办", 0),
        ("当场办结", 0),
        ("60日", {"value": 60, "unit": "自然日"}),
        ("3个月", {"value": 3, "unit": "个月"}),
        ("二十个工作日", 20),
        ("无", None),
        ("", None),
        ("20个工作日（不含现场核查时间）", {"value": 20, "unit": "工作日", "note": "20个工作日（不含现场核查时间）"}),
    ],
)
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
    entries, problem = values.citations(
        "《中华人民共和国行政许可法》第十二条第一款、《中华人民共和国食品安全法》第三十五条", "设定依据"
    )
    assert problem is None and entries == [
        {"law": "中华人民共和国行政许可法", "article": "第十二条第一款", "kind": "设定依据"},
        {"law": "中华人民共和国食品安全法", "article": "第三十五条", "kind": "设定依据"},
    ]
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
    ws.append(
        [
            "序号",
            "职权名称",
            "子项名称",
            "权力类别",
            "法律依据",
            "承办科室",
            "法定办结时限",
            "承诺时限",
            "收费标准",
            "备注",
        ]
    )
    ws.append(
        [
            1,
            "建设项目环境影响评价文件审批",
            "报告书审批",
            "01",
            "《中华人民共和国环境影响评价法》第二十二条第一款",
            "审批科",
            "60日",
            "20(工作日)",
            "无",
            "无",
        ]
    )
    ws.append(
        [
            None,
            None,
            "报告表审批",
            "01",
            "《中华人民共和国环境影响评价法》第二十二条第一款",
            "审批科",
            "30日",
            "即办",
            "不收费",
            None,
        ]
    )
    ws.merge_cells("B4:B5")
    ws.append(
        [
            2,
            "排污许可证核发",
            None,
            "行政许可",
            "依照有关规定",
            "审批科",
            "二十个工作日",
            "视情况而定",
            None,
            "多行\n备注",
        ]
    )
    ws.append([None] * 10)
    ws.append(
        [
            3,
            "对未批先建的处罚",
            None,
            "02",
            "《中华人民共和国环境影响评价法》第三十一条",
            "法制科",
            "无",
            "无",
            None,
            None,
        ]
    )
    wb.save(path)
    return path


def test_messy_xlsx_is_imported_with_a_report(cat, tmp_path):
    source = messy_xlsx(tmp_path / "清单.xlsx")
    rep = report(invoke("import", str(source), "--into", str(cat.root), "--format", "json"))
    assert rep["sheet"] == "权力清单" and rep["header_row"] == 3 and rep["rows"] == 4
    assert (
        rep["mapping"]["职权名称"] == "name"
        and rep["mapping"]["子项名称"] == "_sub_name"
        and rep["mapping"]["法律依据"] == "basis"
    )
    assert rep["unmapped"] == ["序号"]
    assert rep["created"] == ["T-XK-002", "T-XK-003", "T-XK-004", "T-CF-001"]  # the catalogue's pattern, after T-XK-001
    problems = {(p["row"], p["column"], p["message"]) for p in rep["problems"]}
    assert (6, "E", "找不到《法律法规名称》：“依照有关规定”") in problems
    assert (6, "H", "无法识别的时限“视情况而定”（请写成如 20 个工作日、60 日、即办）") in problems
    assert rep["laws_added"] == []  # 环境影响评价法 is known by its full name
    items = items_of(cat.root)
    assert items["T-XK-002"]["name"] == "报告书审批" and items["T-XK-003"]["name"] == "报告表审批"
    assert (
        items["T-XK-002"]["parent"] == items["T-XK-003"]["parent"] == "建设项目环境影响评价文件审批"
    )  # merged cell filled down
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
    assert code == 1 and any(
        f["rule"] == "QL114" and f["item"] == "T-XK-004" for f in findings
    )  # the placeholder is reported


def test_sub_items_take_the_main_item_from_a_merged_cell(cat, tmp_path):
    rep = report(
        invoke(
            "import",
            str(messy_xlsx(tmp_path / "a.xlsx")),
            "--into",
            str(cat.root),
            "--format",
            "json",
            "--mapping",
            str(cat.write("map.yaml", "columns:\n  职权名称: parent\n  子项名称: name\n")),
        )
    )
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
    path.write_text(
        path.read_text(encoding="utf-8").replace("department: 法制科", "department: 法制科  # 已核对"), encoding="utf-8"
    )
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
    csv_file.write_bytes(
        "事项名称,事项类型,设定依据,承诺时限\r\n新增许可,行政许可,《示例条例》第三条,5个工作日\r\n".encode("gbk")
    )
    rep = report(invoke("import", str(csv_file), "--into", str(cat.root), "--format", "json"))
    assert rep["created"] == ["T-XK-002"] and rep["laws_added"] == ["示例条例"]
    item = items_of(cat.root)["T-XK-002"]
    assert item["basis"] == [{"law": "示例条例", "article": "第三条", "kind": "设定依据"}] and item["time_limit"] == {
        "promised": 5
    }
    laws = load_bytes((cat.root / "laws.yaml").read_bytes())[0]["laws"]
    assert laws[-1] == {"id": "示例条例", "name": "示例条例", "status": "未知"} and len(laws) == 3
    lines = tmp_path / "清单.jsonl"
    lines.write_text(
        json.dumps({"matter_name": "年检", "TASK_TYPE": "07", "handle_time": "1(工作日)"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    catalog = cat.root / "catalog.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("^T-[A-Z]{2}-[0-9]{3}$", "^T-{code}-[0-9]{3}$"), encoding="utf-8"
    )
    rep = report(invoke("import", str(lines), "--into", str(cat.root), "--format", "json"))
    assert rep["created"] == ["T-07-001"]  # per-category prefixes with the national code


def test_bad_input_is_a_clear_error(cat, tmp_path):
    for name, content, words in (
        ("missing.xlsx", None, "找不到文件"),
        ("old.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
        ("bad.json", b'[{"a": 1,}]', "bad.json:1:"),
        ("no-name.csv", "甲,乙\r\n1,2\r\n".encode(), "事项名称"),
    ):
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        result = invoke("import", str(path), "--into", str(cat.root))
        assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output, (
            name,
            result.output,
        )
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
    cat.item(name='=HYPERLINK("http://evil")', remarks="+1")
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
    assert items_of(tmp_path / "back")["T-XK-001"]["name"] == '=HYPERLINK("http://evil")'
    assert invoke("export", str(cat.root), "--out", str(xlsx)).exit_code == 2  # exists: not overwritten without --force
    assert invoke("export", str(cat.root), "--format", "xlsx").exit_code == 2  # XLSX needs a file


# -- the real published data -------------------------------------------------------------------------------------


@pytest.mark.skipif(not DATA.is_file(), reason="shared/data/gd-policy.jsonl is not beside the repository")
def test_the_real_gd_policy_data(tmp_path):
    target = tmp_path / "gd"
    rep = report(
        invoke("import", str(DATA), "--into", str(target), "--format", "json", "--unit", "广东省政务服务事项汇编")
    )
    assert rep["rows"] == 2262 and len(rep["created"]) == 2262
    assert all("codes.local" in p["message"] for p in rep["problems"])  # only the 33-character sub-item codes
    result = invoke("validate", str(target), "--format", "json", "--no-cache")
    assert result.exit_code == 1  # missing elements are expected findings, not a crash
    findings = json.loads(result.stdout)
    assert {f["rule"] for f in findings} >= {"QL202", "QL114"}
    # a build of a part of it (the whole takes half a minute): the internal draft renders every item
    subset = tmp_path / "part.jsonl"
    subset.write_text("".join(DATA.read_text(encoding="utf-8").splitlines(keepends=True)[:120]), encoding="utf-8")
    assert invoke("import", str(subset), "--into", str(tmp_path / "part"), "--unit", "广东省部分事项").exit_code == 0
    assert (
        invoke("build", str(tmp_path / "part"), "--out", str(tmp_path / "dist"), "--quiet").exit_code == 1
    )  # errors refuse
    built = invoke(
        "build", str(tmp_path / "part"), "--out", str(tmp_path / "dist"), "--audience", "internal", "--draft", "--quiet"
    )
    assert built.exit_code == 0, built.output
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert (
        manifest["items"] == 120
        or manifest.get("item_count") == 120
        or len(list((tmp_path / "dist" / "sheets").glob("*.docx"))) == 120
    )


# -- regressions from review ------------------------------------------------------------------------------------


def test_a_scope_that_is_not_plainly_public_is_never_taken_for_public(cat, tmp_path):
    source = tmp_path / "s.csv"
    source.write_text(
        "事项名称,事项类型,公开范围\n甲,行政许可,不予以公开\n乙,行政许可,内部\n丙,行政许可,随便写的\n丁,行政许可,\n",
        encoding="utf-8",
    )
    rep = report(invoke("import", str(source), "--into", str(cat.root), "--format", "json"))
    items = items_of(cat.root)
    scopes = {items[i]["name"]: (items[i].get("disclosure") or {}).get("scope") for i in rep["created"]}
    assert scopes == {"甲": "不予公开", "乙": "内部公开", "丙": None, "丁": None}
    assert any("随便写的" in p["message"] and "没有当作公开" in p["message"] for p in rep["problems"])
    code, findings = cat.validate()
    assert code == 1  # the ones without a scope cannot be built


def test_update_merges_only_the_given_sub_fields_and_never_touches_the_scope(cat, tmp_path):
    cat.item(
        disclosure={"scope": "内部公开", "reason": "涉及内部管理", "forms": ["内部通报"]},
        contact={"consult_phone": "0519-1", "complaint_phone": "0519-2", "location": "一楼"},
    )
    source = tmp_path / "u.csv"
    source.write_text(
        "事项名称,实施主体,事项类型,咨询电话,公开方式\n建设项目环境影响报告表审批,测试县生态环境局,行政许可,0519-9,门户网站\n",
        encoding="utf-8",
    )
    rep = report(invoke("import", str(source), "--into", str(cat.root), "--format", "json", "--update"))
    assert rep["updated"] == ["T-XK-001"]
    item = items_of(cat.root)["T-XK-001"]
    assert item["contact"] == {"consult_phone": "0519-9", "complaint_phone": "0519-2", "location": "一楼"}
    assert item["disclosure"] == {"scope": "内部公开", "reason": "涉及内部管理", "forms": ["门户网站"]}


def test_rows_and_settings_that_used_to_crash(cat, tmp_path):
    rows = tmp_path / "n.csv"
    rows.write_text("事项名称,事项类型\n甲,行政许可\n,行政许可\n", encoding="utf-8")
    rep = report(invoke("import", str(rows), "--into", str(tmp_path / "o"), "--format", "json"))
    assert len(rep["created"]) == 1 and any("没有事项名称" in p["message"] for p in rep["problems"])
    for mapping in (
        "defaults: {disclosure: 内部公开}\n",
        "colums: {甲: name}\n",
        "defaults: {departmnet: 办公室}\n",
        "defaults: {disclosure.scope: 秘密}\n",
        "defaults: {department: [1, 2]}\n",
    ):
        bad = cat.write("map.yaml", mapping)
        result = invoke("import", str(rows), "--into", str(cat.root), "--mapping", str(bad))
        assert result.exit_code == 2 and "map.yaml" in result.output and "内部错误" not in result.output, mapping
    surrogate = tmp_path / "s.json"
    surrogate.write_text('[{"事项名称": "a\\ud800", "事项类型": "行政许可"}]', encoding="utf-8")
    assert invoke("import", str(surrogate), "--into", str(tmp_path / "p")).exit_code == 0


def test_json_shapes(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(
        json.dumps(
            {"事项名称": "甲", "事项类型": "行政许可", "申请材料": ["申请书"], "备注": {"a": 1}, "是否收费": True},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    rep = report(invoke("import", str(one), "--into", str(tmp_path / "a"), "--format", "json"))
    [item] = items_of(tmp_path / "a").values()
    assert rep["created"] == ["XK-0001"] and item["name"] == "甲" and item["materials"] == [{"name": "申请书"}]
    assert item["remarks"] == '{"a": 1}' and item["fee"] == {"charged": True}
    lines = tmp_path / "l.jsonl"
    lines.write_text(
        json.dumps({"事项名称": "乙\u2028丙", "事项类型": "行政许可"}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    assert invoke("import", str(lines), "--into", str(tmp_path / "b")).exit_code == 0


def test_sub_items_of_two_main_items_are_four_items(tmp_path):
    source = tmp_path / "subs.csv"
    source.write_text(
        "主项名称,子项名称,事项类型\n食品经营许可,新办,行政许可\n食品经营许可,变更,行政许可\n"
        "药品经营许可,新办,行政许可\n药品经营许可,变更,行政许可\n",
        encoding="utf-8",
    )
    rep = report(invoke("import", str(source), "--into", str(tmp_path / "c"), "--format", "json"))
    assert len(rep["created"]) == 4
    assert sorted((i["parent"], i["name"]) for i in items_of(tmp_path / "c").values()) == [
        ("药品经营许可", "变更"),
        ("药品经营许可", "新办"),
        ("食品经营许可", "变更"),
        ("食品经营许可", "新办"),
    ]


@pytest.mark.parametrize("text", ["30分钟", "1年", "2周", "3-5个工作日", "12:30:00"])
def test_time_limits_in_other_units_are_reported_not_guessed(text):
    value, problem = values.time_limit(text)
    assert value is None and text in problem


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_texts_that_start_with_an_apostrophe_survive_the_round_trip(cat, tmp_path, fmt):
    cat.item(name="'=已经加了引号", remarks="''+两个")
    out = tmp_path / f"e.{fmt}"
    assert invoke("export", str(cat.root), "--format", fmt, "--out", str(out)).exit_code == 0
    invoke("import", str(out), "--into", str(tmp_path / "back"))
    item = items_of(tmp_path / "back")["T-XK-001"]
    assert item["name"] == "'=已经加了引号" and item["remarks"] == "''+两个"


def test_laws_are_not_doubled_and_forms_are_not_laws(cat, tmp_path):
    source = tmp_path / "l.csv"
    source.write_text(
        "事项名称,事项类型,设定依据\n甲,行政许可,《中华人民共和国食品安全法》第三十五条\n"
        "乙,行政许可,《食品安全法》第三十六条\n丙,行政许可,《食品经营许可申请书》\n",
        encoding="utf-8",
    )
    rep = report(invoke("import", str(source), "--into", str(cat.root), "--format", "json"))
    assert rep["laws_added"] == ["食品安全法"]
    items = {i["name"]: i for i in items_of(cat.root).values()}
    assert items["甲"]["basis"][0]["law"] == items["乙"]["basis"][0]["law"] == "食品安全法"
    assert "basis" not in items["丙"] and any("不是法律法规" in p["message"] for p in rep["problems"])


def test_the_id_pattern_of_quanli_toml_is_followed(cat, tmp_path):
    (cat.root / "quanli.toml").write_text('[catalog]\nid-pattern = "^Q-[A-Z]{2}-\\\\d{4}$"\n', encoding="utf-8")
    source = tmp_path / "a.csv"
    source.write_text("事项名称,事项类型\n甲,行政许可\n", encoding="utf-8")
    rep = report(invoke("import", str(source), "--into", str(cat.root), "--format", "json"))
    assert rep["created"] == ["Q-XK-0001"]


def test_export_says_when_an_item_could_not_be_read(cat, tmp_path):
    cat.write("items/T-XK-002.yaml", "id: [\n")
    result = invoke("export", str(cat.root), "--format", "json")
    assert result.exit_code == 1 and "T-XK-002.yaml" in result.output


def test_export_of_a_control_character_to_xlsx_says_so(cat, tmp_path):
    """A double-quoted escape can put a control character into a text; XLSX cannot hold it: a
    clear refusal (exit 2) naming the item, not an internal error, and JSON still exports it."""
    cat.write(
        "items/T-XK-001.yaml",
        (cat.root / "items" / "T-XK-001.yaml").read_text(encoding="utf-8") + 'remarks: "响铃\\a字符"\n',
    )
    xlsx = tmp_path / "e.xlsx"
    result = invoke("export", str(cat.root), "--out", str(xlsx))
    assert result.exit_code == 2 and "U+0007" in result.output and "T-XK-001" in result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output and not xlsx.exists()
    data = json.loads(invoke("export", str(cat.root), "--format", "json").stdout)
    assert any(
        "\a" in str(entry.get("remarks")) for entry in (data if isinstance(data, list) else data.get("items", []))
    )


# -- the unit of a new catalogue: taken from the table, never guessed (issue 25) ---------------------------------


def units_csv(
    path: Path, rows: list[tuple[str, ...]], header: str = "事项名称,实施主体,事项类型,行使层级,行政区划"
) -> Path:
    path.write_text(header + "\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def catalog_of(folder: Path) -> dict:
    return load_bytes((folder / "catalog.yaml").read_bytes())[0]


def test_a_table_of_one_unit_names_the_new_catalogue(tmp_path):
    source = units_csv(
        tmp_path / "one.csv",
        [
            ("甲许可", "测试市司法局", "行政许可", "市级", "测试市"),
            ("乙处罚", " 测试市司法局 ", "行政处罚", "市级", "测试市"),
        ],
    )
    rep = report(invoke("import", str(source), "--into", str(tmp_path / "c"), "--format", "json"))
    assert len(rep["created"]) == 2 and rep["mapping"]["行政区划"] == "_region"
    unit = catalog_of(tmp_path / "c")["unit"]
    assert unit["name"] == "测试市司法局" and unit["level"] == "市级" and unit["region"] == "测试市"
    assert {i["subject"] for i in items_of(tmp_path / "c").values()} == {"测试市司法局"}
    assert all("_region" not in i and "region" not in i for i in items_of(tmp_path / "c").values())
    assert any("测试市司法局" in n and "取自表中" in n for n in rep["notes"])


def test_a_table_without_a_unit_column_keeps_the_placeholder_and_says_so(tmp_path):
    source = units_csv(tmp_path / "n.csv", [("甲许可", "行政许可")], header="事项名称,事项类型")
    rep = report(invoke("import", str(source), "--into", str(tmp_path / "c"), "--format", "json"))
    assert catalog_of(tmp_path / "c")["unit"]["name"] == "（请填写单位名称）"
    assert any("--unit" in n for n in rep["notes"])


def test_a_table_of_several_units_is_not_guessed(tmp_path):
    rows = [
        (f"事项{n}", unit, "行政许可", "省级", "测试省")
        for n, unit in enumerate(
            ["测试省司法厅"] * 3 + ["测试省教育厅"] * 2 + ["测试省水利厅"] + [f"测试省第{k}局" for k in range(8)]
        )
    ]
    source = units_csv(tmp_path / "many.csv", rows)
    result = invoke("import", str(source), "--into", str(tmp_path / "c"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (
        "11 个实施主体" in result.output
        and "测试省司法厅：3 项" in result.output
        and "测试省教育厅：2 项" in result.output
    )
    assert "另有 3 个实施主体，共 3 项" in result.output  # the first eight are named, most items first
    assert "--unit" in result.output and "--split" in result.output
    assert not (tmp_path / "c").exists()
    assert (
        invoke("import", str(source), "--into", str(tmp_path / "c"), "--dry-run").exit_code == 2
    )  # as the import would
    english = invoke("import", str(source), "--into", str(tmp_path / "c"), "--lang", "en")
    assert english.exit_code == 2 and "--unit NAME" in english.output and "测试省司法厅" in english.output


def test_the_unit_given_is_used(tmp_path, cat):
    source = units_csv(
        tmp_path / "two.csv",
        [
            ("甲许可", "测试省司法厅", "行政许可", "省级", "测试省"),
            ("乙许可", "测试省教育厅", "行政许可", "省级", "测试省"),
        ],
    )
    rep = report(
        invoke(
            "import", str(source), "--into", str(tmp_path / "c"), "--unit", " 测试省政务服务汇编 ", "--format", "json"
        )
    )
    assert len(rep["created"]) == 2
    unit = catalog_of(tmp_path / "c")["unit"]
    assert unit["name"] == "测试省政务服务汇编" and unit["level"] == "省级" and unit["region"] == "测试省"
    assert sorted(i["subject"] for i in items_of(tmp_path / "c").values()) == sorted(
        ["测试省教育厅", "测试省司法厅"]
    )  # each row's own
    assert invoke("import", str(source), "--into", str(tmp_path / "d"), "--unit", "  ").exit_code == 2
    # an existing catalogue is its unit's: --unit may only say the same
    other = invoke("import", str(source), "--into", str(cat.root), "--unit", "别的单位")
    assert other.exit_code == 2 and "测试县生态环境局" in other.output and "别的单位" in other.output
    assert report(
        invoke("import", str(source), "--into", str(cat.root), "--unit", "测试县生态环境局", "--format", "json")
    )["created"]


def test_split_makes_a_workspace_of_one_catalogue_per_unit(tmp_path):
    rows = [
        ("甲许可", "测试省司法厅", "行政许可", "省级", "测试省"),
        ("乙许可", "测试省司法厅", "行政许可", "省级", "测试省"),
        ("丙处罚", "测试市司法局", "行政处罚", "市级", "测试省测试市"),
        ("丁许可", "测试省教育厅", "行政许可", "省级", "测试省"),
        ("戊许可", "CON", "行政许可", "省级", "测试省"),
        ("己许可", "测试省（试点）/ 窗口:一", "行政许可", "省级", "测试省"),
        ("庚许可", "测试省(试点)/ 窗口:一", "行政许可", "省级", "测试省"),  # the same unit, half-width brackets
        ("辛许可", "ABC局", "行政许可", "省级", "测试省"),
        ("壬许可", "abc局", "行政许可", "省级", "测试省"),
        ("癸确认", "测试省教育厅", "行政确认", "省级、市级", "测试省"),
    ]
    source = units_csv(tmp_path / "many.csv", rows)
    out = tmp_path / "ws"
    rep = report(invoke("import", str(source), "--into", str(out), "--split", "--format", "json"))
    members = rep["members"]
    folders = [m["path"] for m in members]
    assert folders == [
        "测试省司法厅",
        "测试省教育厅",
        "测试省（试点）_ 窗口_一",
        "测试市司法局",
        "_CON",
        "ABC局",
        "abc局-2",
    ]
    assert [m["rows"] for m in members] == [2, 2, 2, 1, 1, 1, 1] and sum(len(m["created"]) for m in members) == 10
    from quanli.check.rules.files import windows_problem
    from quanli.loader.workspace import load

    assert all(windows_problem(f) is None for f in folders)
    ws = load(out / "quanli-workspace.yaml")
    assert [m.key for m in ws.members] == folders
    assert {m.key: (m.level, m.region) for m in ws.members}["测试市司法局"] == ("市级", "测试省测试市")
    names = {"测试省（试点）_ 窗口_一": "测试省（试点）/ 窗口:一", "_CON": "CON", "abc局-2": "abc局"}
    for m in members:
        folder = out / m["path"]
        unit = catalog_of(folder)["unit"]
        assert unit["name"] == names.get(m["path"], m["path"]) == m["unit"]
        assert (unit["level"], unit["region"]) == (
            {x.key: x.level for x in ws.members}[m["path"]],
            {x.key: x.region for x in ws.members}[m["path"]],
        )
        own = [r for r in rows if _key(r[1]) == _key(unit["name"])]
        assert sorted(i["name"] for i in items_of(folder).values()) == sorted(r[0] for r in own)  # only its own items
    assert {i["subject"] for i in items_of(out / "测试省（试点）_ 窗口_一").values()} == {
        "测试省（试点）/ 窗口:一",
        "测试省(试点)/ 窗口:一",
    }
    result = invoke("validate", str(out), "--format", "json", "--no-cache")
    assert result.exit_code in (0, 1), (
        result.output
    )  # the workspace and every member read; missing elements are findings
    findings = json.loads(result.stdout)
    assert not [f for f in findings if f["rule"].startswith("QL97") and f["severity"] == "error"]
    assert not [f for f in findings if f["rule"] == "QL974"]  # levels and regions agree with the catalogues
    errors = [f for f in findings if f["severity"] == "error"]
    assert errors and all(
        f["item"] and "/items/" in f["file"].replace("\\", "/") for f in errors
    )  # only the items' missing elements
    text = invoke("import", str(source), "--into", str(tmp_path / "again"), "--split")
    assert text.exit_code == 0 and "7 个目录" in text.output and "测试省司法厅/" in text.output
    assert all(
        a.read_bytes() == b.read_bytes()
        for a, b in zip(sorted(out.rglob("*.yaml")), sorted((tmp_path / "again").rglob("*.yaml")))
    )


def _key(name: str) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", name).split())


def test_split_refuses_what_it_cannot_do(tmp_path, cat):
    source = units_csv(
        tmp_path / "a.csv",
        [("甲许可", "测试省司法厅", "行政许可", "省级", "测试省"), ("乙许可", "", "行政许可", "省级", "测试省")],
    )
    result = invoke("import", str(source), "--into", str(tmp_path / "ws"), "--split")
    assert (
        result.exit_code == 2
        and "1 行没有写实施主体" in result.output
        and "第 3 行" in result.output
        and not (tmp_path / "ws").exists()
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("defaults:\n  subject: 测试省教育厅\n", encoding="utf-8")
    rep = report(
        invoke(
            "import",
            str(source),
            "--into",
            str(tmp_path / "ws"),
            "--split",
            "--mapping",
            str(mapping),
            "--format",
            "json",
        )
    )
    assert [m["path"] for m in rep["members"]] == ["测试省司法厅", "测试省教育厅"]
    for extra in (["--unit", "某单位"], []):
        result = invoke("import", str(source), "--into", str(cat.root), "--split", *extra)
        assert result.exit_code == 2 and "Traceback" not in result.output
    no_unit = units_csv(tmp_path / "n.csv", [("甲许可", "行政许可")], header="事项名称,事项类型")
    assert invoke("import", str(no_unit), "--into", str(tmp_path / "n"), "--split").exit_code == 2
    dry = invoke(
        "import", str(source), "--into", str(tmp_path / "dry"), "--split", "--mapping", str(mapping), "--dry-run"
    )
    assert (
        dry.exit_code == 0
        and "未写入任何文件" in dry.output
        and "测试省司法厅/" in dry.output
        and not (tmp_path / "dry").exists()
    )


@pytest.mark.skipif(not DATA.is_file(), reason="shared/data/gd-policy.jsonl is not beside the repository")
def test_the_real_data_without_a_unit_asks_and_split_makes_177_catalogues(tmp_path):
    asked = invoke("import", str(DATA), "--into", str(tmp_path / "one"))
    assert asked.exit_code == 2 and "177 个实施主体" in asked.output and "广东省司法厅：289 项" in asked.output
    rep = report(invoke("import", str(DATA), "--into", str(tmp_path / "ws"), "--split", "--format", "json"))
    members = rep["members"]
    assert len(members) == 177 and sum(len(m["created"]) for m in members) == 2262
    assert members[0]["path"] == "广东省司法厅" and len(members[0]["created"]) == 289
    assert {(m["level"], m["region"]) for m in members} == {("省级", "广东省"), ("市级", "广东省广州市")}
    justice = items_of(tmp_path / "ws" / "广州市司法局")
    assert len(justice) == 37 and {i["subject"] for i in justice.values()} == {"广州市司法局"}
    result = invoke("validate", str(tmp_path / "ws"), "--format", "json", "--no-cache")
    assert result.exit_code == 1  # missing elements, as a single catalogue of it has
    assert not [
        f
        for f in json.loads(result.stdout)
        if f["rule"] == "QL974" or (f["rule"].startswith("QL97") and f["severity"] == "error")
    ]


@pytest.mark.parametrize("sample", ["county-amr", "city-amr"])
def test_the_fast_xlsx_rows_are_openpyxls_bytes(monkeypatch, sample):
    """export writes the body rows itself (export._rows_xml): the same bytes openpyxl writes cell by
    cell, for the samples and for text that needs escaping, preserved spaces and characters past U+FFFF."""
    from quanli.loader.catalogue import load_catalogue
    from quanli.migrate import export

    items = [sf.data for sf in load_catalogue(SAMPLES / sample).items if sf.ok]
    headers, rows = export.table(items)
    rows = rows + [
        [" 前后空格 ", "a & b < c > d", "回车\r换行\n制表\t", "\U0001f600 表情", "引号 \" 和 '"]
        + [None] * (len(headers) - 5)
    ]
    called = []
    real = export._rows_xml
    monkeypatch.setattr(export, "_rows_xml", lambda *a: called.append(1) or real(*a))
    fast = export._xlsx(headers, rows)
    assert called, "the fast path was not taken"
    monkeypatch.setattr(export, "FAST_ROWS", False)
    assert fast == export._xlsx(headers, rows)
