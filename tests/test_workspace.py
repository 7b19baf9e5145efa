"""Workspaces (quanli-workspace.yaml): the catalogues of many units checked and built together (issue 10)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from conftest import CATALOG, FLOW, LAWS, SAMPLES, Cat, invoke, item

CODE = "000123456000"
WORKSPACE = """\
schema_version: 1
name: 测试市行政权力清单汇编
region: 测试市
members:
- path: city
  region: 测试市
  level: 市级
- path: county
  region: 测试县
  level: 县级
  parent: city
- path: county-water
  region: 测试县
  level: 县级
"""


def member(root: Path, unit: str, level: str, items: list[dict]) -> Cat:
    c = Cat(root)
    c.write("catalog.yaml", dict(CATALOG, unit={"name": unit, "level": level}))
    c.write("laws.yaml", LAWS)
    c.write("flows/XK-TY.yaml", FLOW)
    for data in items:
        c.write(f"items/{data['id']}.yaml", data)
    return c


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A city bureau whose licence is exercised at county level too, its county counterpart, and
    a second county unit with a power of its own."""
    root = tmp_path / "ws"
    member(
        root / "city",
        "测试市生态环境局",
        "市级",
        [item(subject="测试市生态环境局", codes={"basic": CODE}, level=["市级", "县级"])],
    )
    member(
        root / "county",
        "测试县生态环境局",
        "县级",
        [
            item(subject="测试县生态环境局", codes={"basic": CODE}, level=["县级"]),
            item(
                "T-XK-002",
                "排污许可证核发",
                subject="测试县生态环境局",
                level=["县级"],
                disclosure={"scope": "不予公开", "reason": "涉及国家秘密（测试）"},
            ),
        ],
    )
    member(
        root / "county-water",
        "测试县水利局",
        "县级",
        [item("T-XK-003", "取水许可", subject="测试县水利局", level=["县级"])],
    )
    (root / "quanli-workspace.yaml").write_text(WORKSPACE, encoding="utf-8")
    return root


def findings(path: Path, *args: str) -> tuple[int, list[dict]]:
    result = invoke("validate", str(path), "--format", "json", *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def across(found: list[dict]) -> list[dict]:
    return [f for f in found if f["rule"].startswith("QL97")]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---------------------------------------------------------------- validate


def test_a_consistent_workspace_has_no_cross_member_findings(ws):
    code, found = findings(ws, "--no-cache")
    assert code == 0 and across(found) == []
    result = invoke("validate", str(ws), "--no-cache")
    assert "测试市生态环境局（city）：没有问题" in result.stdout
    assert "测试县水利局（county-water）" in result.stdout
    # the workspace file, or the folder holding it: the same
    assert findings(ws / "quanli-workspace.yaml", "--no-cache")[1] == found


def test_duty_overlap_same_region_and_level(ws):  # QL971
    edit(ws / "county-water" / "items" / "T-XK-003.yaml", "取水许可", "建设项目环境影响报告表审批")
    found = across(findings(ws, "--no-cache")[1])
    assert [f["rule"] for f in found] == ["QL971"]
    assert (
        found[0]["file"].endswith(os.path.join("county-water", "items", "T-XK-003.yaml"))
        and found[0]["path"] == "$.name"
    )
    assert "职责交叉" in found[0]["message"] and found[0]["line"] > 1


def test_same_name_across_levels_is_no_overlap(ws):  # QL971 passing: city and county share the name
    assert across(findings(ws, "--no-cache")[1]) == []


def test_power_required_below_but_missing(ws):  # QL972
    (ws / "county" / "items" / "T-XK-001.yaml").unlink()
    found = across(findings(ws, "--no-cache")[1])
    assert [f["rule"] for f in found] == ["QL972"]
    assert found[0]["file"].endswith(os.path.join("county", "catalog.yaml"))
    assert "建设项目环境影响报告表审批" in found[0]["message"] and CODE in found[0]["message"]


def test_required_below_matched_by_name_without_a_code(ws):  # QL972 passing by name
    edit(ws / "county" / "items" / "T-XK-001.yaml", f"basic: '{CODE}'", "local: X1")
    assert across(findings(ws, "--no-cache")[1]) == []


def test_inconsistent_name_category_and_basis_across_levels(ws):  # QL973
    path = ws / "county" / "items" / "T-XK-001.yaml"
    edit(path, "name: 建设项目环境影响报告表审批", "name: 环评报告表审批")
    found = across(findings(ws, "--no-cache")[1])
    assert [(f["rule"], f["path"]) for f in found] == [("QL973", "$.name")]
    assert "环评报告表审批" in found[0]["message"] and "建设项目环境影响报告表审批" in found[0]["message"]
    edit(path, "name: 环评报告表审批", "name: 建设项目环境影响报告表审批")
    edit(path, "category: 行政许可", "category: 行政确认")
    edit(path, "law: 环境影响评价法", "law: 行政许可法")
    found = across(findings(ws, "--no-cache")[1])
    assert sorted((f["rule"], f["path"]) for f in found) == [("QL973", "$.basis"), ("QL973", "$.category")]
    assert any("环境影响评价法" in f["message"] for f in found)


def test_member_level_contradicting_its_catalog(ws):  # QL974
    edit(
        ws / "quanli-workspace.yaml",
        "- path: county-water\n  region: 测试县\n  level: 县级",
        "- path: county-water\n  region: 测试县\n  level: 市级",
    )
    found = across(findings(ws, "--no-cache")[1])
    assert [f["rule"] for f in found] == ["QL974"]
    assert found[0]["file"].endswith("quanli-workspace.yaml") and found[0]["line"] == 14 and found[0]["column"] == 10


def test_cross_member_finding_can_be_suppressed_inline(ws):
    path = ws / "county" / "items" / "T-XK-001.yaml"
    edit(path, "name: 建设项目环境影响报告表审批", "name: 环评报告表审批  # quanli: disable=QL973")
    assert across(findings(ws, "--no-cache")[1]) == []


def test_cached_runs_compare_unchanged_members_from_their_summaries(ws):
    assert across(findings(ws)[1]) == []  # fills every member's cache
    assert across(findings(ws)[1]) == []  # everything recalled
    edit(ws / "county-water" / "items" / "T-XK-003.yaml", "取水许可", "建设项目环境影响报告表审批")
    warm = findings(ws)[1]  # one item parsed again, the others from their summaries
    assert [f["rule"] for f in across(warm)] == ["QL971"]
    assert warm == findings(ws, "--no-cache")[1]


@pytest.mark.parametrize(
    "text, where, words",
    [
        (WORKSPACE.replace("path: county-water", "path: county-gone"), ":12:9", "不存在"),
        (WORKSPACE.replace("level: 县级\n  parent", "level: 区级\n  parent"), ":10:10", "层级"),
        (WORKSPACE.replace("parent: city", "parent: province"), ":11:11", "不是本工作区的成员"),
        (WORKSPACE.replace("level: 市级", "level: 县级", 1), ":11:11", "不高于"),
        (WORKSPACE.replace("- path: county-water", "- path: county"), ":12:9", "重复"),
        (WORKSPACE.replace("members:", "members: [", 1), ":", "quanli-workspace.yaml"),
    ],
)
def test_a_bad_workspace_file_is_a_clear_configuration_error(ws, text, where, words):
    (ws / "quanli-workspace.yaml").write_text(text, encoding="utf-8")
    for command in (["validate", str(ws)], ["build", str(ws), "--out", str(ws.parent / "out")], ["status", str(ws)]):
        result = invoke(*command)
        assert result.exit_code == 2, result.output
        assert "quanli-workspace.yaml" + where in result.stderr and words in result.stderr, result.stderr
        assert "Traceback" not in result.output
    assert not (ws.parent / "out").exists()
    english = invoke("validate", str(ws), "--lang", "en")
    assert english.exit_code == 2 and "workspace file" in english.stderr


def test_sample_catalogues_are_a_workspace():
    assert (SAMPLES / "quanli-workspace.yaml").is_file()
    result = invoke("validate", str(SAMPLES), "--no-cache")
    assert result.exit_code == 0
    for folder in (p for p in SAMPLES.iterdir() if (p / "catalog.yaml").is_file()):
        assert f"（{folder.name}）：" in result.stdout  # every sample unit is a member


# ---------------------------------------------------------------- build


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.sections: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs["href"])
        if tag == "section":
            self.sections.append(attrs["data-cat"])


def build(ws: Path, out: Path, *args: str):
    result = invoke("build", str(ws), "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return result


def test_build_makes_every_member_and_the_combined_deliverables(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")
    out = tmp_path / "dist"
    build(ws, out)
    for slug in ("city", "county", "county-water"):
        assert (out / "members" / slug / "table" / "catalog.xlsx").is_file()
        assert (out / "members" / slug / "manifest.json").is_file()
    # the combined 一表: a unit column, grouped by unit, public items only
    sheet = openpyxl.load_workbook(out / "table" / "workspace.xlsx").active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "测试市行政权力清单汇编"
    assert rows[2][:3] == ("序号", "单位", "项目名称")
    units = [(r[1], r[2]) for r in rows[3:] if isinstance(r[0], int)]
    assert units == [
        ("测试市生态环境局", "建设项目环境影响报告表审批"),
        ("测试县生态环境局", "建设项目环境影响报告表审批"),
        ("测试县水利局", "取水许可"),
    ]
    assert [r[0] for r in rows[3:] if isinstance(r[0], str)] == [
        "一、测试市生态环境局（1项）",
        "二、测试县生态环境局（1项）",
        "三、测试县水利局（1项）",
    ]
    table_csv = list(csv.reader(io.StringIO((out / "table" / "workspace.csv").read_text(encoding="utf-8-sig"))))
    assert table_csv[0][:3] == ["序号", "单位", "项目名称"] and len(table_csv) == 4
    # the index: by unit (each member's site) and by category (each item's page)
    page = Links()
    page.feed((out / "index.html").read_text(encoding="utf-8"))
    assert "members/county-water/site/index.html" in page.links and "table/workspace.html" in page.links
    assert page.sections == ["行政许可"]
    for link in page.links:
        assert (out / link).is_file(), link
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(m["path"], m["level"], m["items"]) for m in manifest["members"]] == [
        ("city", "市级", 1),
        ("county", "县级", 1),
        ("county-water", "县级", 1),
    ]
    with zipfile.ZipFile(out / "quanli-workspace-public.zip") as zf:
        names = zf.namelist()
        assert zf.testzip() is None
    assert "table/workspace.xlsx" in names and "members/county/sheets/T-XK-001.docx" in names
    assert not [
        n for n in names if n.startswith("members/") and n.endswith(".zip")
    ]  # the members' own ZIPs are not nested


def test_a_public_workspace_build_never_holds_a_confidential_item(ws, tmp_path):
    out = tmp_path / "dist"
    build(ws, out)
    with zipfile.ZipFile(out / "quanli-workspace-public.zip") as zf:
        blobs = [zf.read(n) for n in zf.namelist()]
    for path in out.rglob("*"):
        if path.is_file():
            blobs.append(path.read_bytes())
            assert "T-XK-002" not in path.name
    for blob in blobs:
        texts = [blob]
        if blob[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(blob)) as inner:
                texts = [inner.read(n) for n in inner.namelist()]
        for text in texts:
            assert "排污许可证核发".encode() not in text and b"T-XK-002" not in text
    internal = tmp_path / "internal"
    build(ws, internal, "--audience", "internal")
    sheet = openpyxl.load_workbook(internal / "table" / "workspace.xlsx")
    assert any(
        "排污许可证核发" in str(c) for ws_ in sheet.worksheets for r in ws_.iter_rows(values_only=True) for c in r
    )


def test_workspace_builds_are_reproducible(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")
    build(ws, tmp_path / "a")
    build(ws, tmp_path / "b", "--no-cache")
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b


def test_rebuild_reuses_unchanged_members(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")
    out = tmp_path / "dist"
    build(ws, out)
    assert "已是最新" in build(ws, out).stdout
    untouched = out / "members" / "city" / "sheets" / "T-XK-001.docx"
    before = os.stat(untouched)
    edit(ws / "county-water" / "items" / "T-XK-003.yaml", "name: 取水许可", "name: 取水许可（新办）")
    result = build(ws, out)
    assert "2 个目录没有变化" in result.stdout
    after = os.stat(untouched)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert "取水许可（新办）" in (out / "table" / "workspace.csv").read_text(encoding="utf-8-sig")
    with zipfile.ZipFile(out / "quanli-workspace-public.zip") as zf:
        assert "取水许可（新办）" in zf.read("table/workspace.csv").decode("utf-8-sig")
        assert zf.testzip() is None
    fresh = tmp_path / "fresh"
    build(ws, fresh, "--no-cache")
    assert (out / "quanli-workspace-public.zip").read_bytes() == (fresh / "quanli-workspace-public.zip").read_bytes()


def test_a_member_with_an_error_builds_nothing(ws, tmp_path):
    edit(ws / "county-water" / "items" / "T-XK-003.yaml", "flow: XK-TY", "flow: XK-NONE")
    out = tmp_path / "dist"
    result = invoke("build", str(ws), "--out", str(out))
    assert result.exit_code == 1
    assert "county-water" in result.stderr and "QL114" in result.stderr
    assert not out.exists()


def test_a_member_taken_out_leaves_nothing_behind(ws, tmp_path):
    out = tmp_path / "dist"
    build(ws, out)
    assert (out / "members" / "county-water").is_dir()
    (ws / "quanli-workspace.yaml").write_text(WORKSPACE.split("- path: county-water")[0], encoding="utf-8")
    build(ws, out)
    assert not (out / "members" / "county-water").exists()
    assert "测试县水利局" not in (out / "index.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "quanli-workspace-public.zip") as zf:
        assert not [n for n in zf.namelist() if "county-water" in n]


def test_build_refuses_a_foreign_output_folder(ws, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = invoke("build", str(ws), "--out", str(out))
    assert result.exit_code == 2 and (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


# ---------------------------------------------------------------- status, records, diff


def test_status_of_a_workspace_lists_every_unit(ws):
    result = invoke("status", str(ws), "--no-git")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "测试市行政权力清单汇编：3 个目录"
    assert any(line.startswith("测试县水利局") for line in lines) and any(line.startswith("合计") for line in lines)
    data = json.loads(invoke("status", str(ws), "--no-git", "--format", "json").stdout)
    assert [(m["path"], m["counts"]["公布"]) for m in data["members"]] == [
        ("city", 1),
        ("county", 2),
        ("county-water", 1),
    ]


def test_records_check_of_a_workspace_checks_every_member(ws):
    Cat(ws / "county").write(
        "records/2026-XK-0001.yaml",
        {"case": "2026-XK-0001", "item": "T-XK-001", "accepted": {"date": "2026-11-02", "by": "窗口"}},
    )
    result = invoke("records", "check", str(ws), "--today", "2026-12-01", "--format", "json")
    found = json.loads(result.stdout)
    assert result.exit_code == 1 and [f["rule"] for f in found] == ["QL961"]
    assert os.path.join("county", "records") in found[0]["file"]
    text = invoke("records", "check", str(ws), "--today", "2026-12-01").stdout
    assert "测试县生态环境局（county）：1 个错误" in text


def test_diff_of_a_workspace_lists_changes_by_member(ws):
    def git(*args: str) -> None:
        subprocess.run(
            ["git", *args],
            cwd=ws,
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@example.com",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.com",
            },
        )

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "first")
    edit(ws / "county-water" / "items" / "T-XK-003.yaml", "name: 取水许可", "name: 取水许可（新办）")
    result = invoke("diff", "--path", str(ws), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(Path(r["catalogue"]).name, r["id"]) for r in rows] == [("county-water", "T-XK-003")]
    missing = invoke("diff", "nosuch", "--path", str(ws))
    assert missing.exit_code == 2 and "成员 city" in missing.stderr


def test_members_may_be_sibling_checkouts(ws, tmp_path):
    """A member kept in its own repository beside the workspace's (../county-water)."""
    (ws / "county-water").rename(tmp_path / "county-water")
    (ws / "quanli-workspace.yaml").write_text(
        WORKSPACE.replace("path: county-water", "path: ../county-water"), encoding="utf-8"
    )
    result = invoke("validate", str(ws), "--no-cache")
    assert result.exit_code == 0 and "测试县水利局（../county-water）" in result.stdout
    out = tmp_path / "dist"
    build(ws, out)
    assert (out / "members" / "county-water" / "table" / "catalog.xlsx").is_file()


def test_the_workspaces_holidays_file_is_shared_by_its_members_in_sibling_checkouts_too(ws, tmp_path):
    """holidays.yaml beside quanli-workspace.yaml describes a year for every member; a member
    checked alone below the workspace finds it too. There 2099-03-05 is a day off."""
    (ws / "county-water").rename(tmp_path / "county-water")
    (ws / "quanli-workspace.yaml").write_text(
        WORKSPACE.replace("path: county-water", "path: ../county-water"), encoding="utf-8"
    )
    case = {"case": "2099-XK-0001", "item": "T-XK-003", "accepted": {"date": "2099-03-02"}}
    Cat(tmp_path / "county-water").write("records/2099-XK-0001.yaml", case)
    Cat(ws / "county").write("records/2099-XK-0001.yaml", {**case, "item": "T-XK-001"})

    def found(path) -> list:
        result = invoke(
            "records", "check", str(path), "--today", "2099-03-17", "--format", "json", "--fail-level", "warning"
        )
        return [(f["rule"], "预估" in f["message"]) for f in json.loads(result.stdout)]

    # estimated (no holiday in March): 03-03..03-06, 03-09..03-13, 03-16 the 10th; overdue on 03-17
    assert found(ws) == [("QL961", True), ("QL961", True)]
    (ws / "holidays.yaml").write_text("notice: 测试通知\nyears: [2099]\nholidays: ['2099-03-05']\n", encoding="utf-8")
    # the workspace's calendar: 03-05 off, due 03-17, due today, exact
    assert found(ws) == [("QL962", False), ("QL962", False)]
    assert found(ws / "county") == [("QL962", False)]  # alone, below the workspace


def _members_on(cores: int, monkeypatch) -> None:
    """Check the members on ``cores`` processes: the fixture's three small members (2, 3 and 2
    files) are split between processes once the threshold is below their total and above each."""
    from quanli.loader import catalogue

    monkeypatch.setattr(catalogue, "PARALLEL_THRESHOLD", 4)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)


def test_members_checked_on_every_core_find_exactly_what_one_process_finds(ws, monkeypatch):
    from quanli.check import members

    city = ws / "city" / "items" / "T-XK-001.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "remarks: 与排污许可证核发一并办理\n", encoding="utf-8")  # QL975
    edit(ws / "county" / "items" / "T-XK-001.yaml", "name: 建设项目环境影响报告表审批", "name: 环评报告表审批")  # QL973
    _members_on(1, monkeypatch)
    assert members._shares([(ws / m, None) for m in ("city", "county", "county-water")]) is None
    serial = findings(ws, "--no-cache")
    _members_on(2, monkeypatch)
    shares = members._shares([(ws / m, None) for m in ("city", "county", "county-water")])
    assert shares is not None and len(shares) == 2 and sorted(sum(shares, [])) == [0, 1, 2]
    parallel = findings(ws, "--no-cache")
    assert parallel == serial
    files = {f["file"].replace("\\", "/").split("/")[-3] for f in parallel[1]}
    assert {"city", "county"} <= files  # findings of members checked in both processes
    # the rules across members saw the members of both processes
    assert {"QL973", "QL975"} <= {f["rule"] for f in parallel[1]}


def test_members_checked_on_every_core_stop_at_the_first_members_error(ws, monkeypatch):
    _members_on(2, monkeypatch)
    for name in ("county", "county-water"):  # the second and the third member: both broken
        (ws / name / "quanli.toml").write_text(f"fail_level = [  # {name}\n", encoding="utf-8")
    result = invoke("validate", str(ws))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "county" + os.sep + "quanli.toml" in result.stderr, result.stderr
    assert "county-water" not in result.stderr


def test_ql975_scans_the_members_on_every_core_as_in_one_process(ws, monkeypatch):
    from quanli.check.rules import workspace as rules
    from quanli.core.textfold import fold

    city = ws / "city" / "items" / "T-XK-001.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "remarks: 与排污许可证核发一并办理\n", encoding="utf-8")
    water = ws / "county-water" / "items" / "T-XK-003.yaml"
    water.write_text(water.read_text(encoding="utf-8") + "# 排污许可证核发（注释不算）\n", encoding="utf-8")
    work = [
        ([fold("排污许可证核发"), fold("T-XK-002")], [(str(city), "T-XK-001")]),
        ([fold("排污许可证核发")], [(str(water), "T-XK-003")]),
    ]
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    serial = rules._scan_all(work)
    from quanli.loader import catalogue

    monkeypatch.setattr(catalogue, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert rules._scan_all(work) == serial
    assert [[(ident, needle) for _, ident, needle, _, _ in hits] for hits in serial] == [
        [("T-XK-001", fold("排污许可证核发"))],
        [],
    ]
