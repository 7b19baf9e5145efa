"""The operation register (issue 9): deadlines on the working-day calendar, quanli records check,
the personal-data rule, and the 《重要权力动态运行情况登记表》 in builds."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import openpyxl
import pytest
import yaml

from conftest import invoke
from quanli.dates.workdays import ESTIMATED, Calendar
from quanli.review import register

D = dt.date.fromisoformat
ITEM = {"time_limit": {"statutory": {"value": 20, "unit": "工作日"}, "promised": 5}, "category": "行政许可"}


def case(accepted: str, **more) -> dict:
    return {"case": "2026-XK-0001", "item": "T-XK-001", "accepted": {"date": accepted}, **more}


def test_deadline_skips_national_day_and_counts_the_make_up_saturday():
    # 2026: 10-01..10-07 off, 10-10 (Saturday) a working day; counting starts the next day
    assert register.deadline(case("2026-09-29"), ITEM, None).due == D("2026-10-12")
    assert register.deadline(case("2026-09-29"), ITEM, None).due == Calendar().add(D("2026-09-29"), 5)
    assert register.deadline(case("2026-09-29"), {"time_limit": {"statutory": 3}}, None).due == D("2026-10-09")


def test_suspended_days_do_not_count_and_an_open_suspension_stops_the_clock():
    paused = case("2026-09-29", suspensions=[{"step": "专家评审", "from": "2026-10-08", "to": "2026-10-09"}])
    assert register.deadline(paused, ITEM, None).due == D("2026-10-14")
    assert (
        register.deadline(case("2026-09-29", suspensions=[{"step": "听证", "from": "2026-10-08"}]), ITEM, None) is None
    )


def test_natural_days_ending_on_a_holiday_end_on_the_next_working_day():
    item = {"time_limit": {"promised": {"value": 7, "unit": "自然日"}}}
    assert register.deadline(case("2026-09-24"), item, None).due == D("2026-10-08")
    assert register.deadline(case("2026-03-02"), item, None).due == D("2026-03-09")


def test_without_item_limits_the_flow_steps_count_but_not_special_procedures():
    flow = {
        "steps": [
            {"id": "a", "name": "受理", "time_limit": 2},
            {"id": "b", "name": "专家评审", "time_limit": 30, "special": True},
            {"id": "c", "name": "决定", "time_limit": 3},
        ]
    }
    limit, basis = register.case_limit({}, flow)
    assert limit.value == 5 and "流程图" in basis


def test_a_deadline_in_a_year_nobody_has_published_is_estimated_and_marked():
    due = register.deadline(case("2098-12-20"), {"time_limit": {"promised": 10}}, None)
    # 2098-12-20 is a Saturday: 12-22 Mon .. 12-31 Wed are 8 working days; 2099-01-01 Thu 元旦;
    # 01-02 Fri the 9th, 01-05 Mon the 10th
    assert due.due == D("2099-01-05") and due.estimated and due.text() == "2099-01-05（预估）"
    known = register.deadline(case("2026-09-29"), ITEM, None)
    assert not known.estimated and known.text() == "2026-10-12"
    december = register.deadline(case("2026-12-20"), {"time_limit": {"promised": 10}}, None)
    assert december.estimated == (Calendar().source(2027) == ESTIMATED)  # no refusal in December, whatever is published


@pytest.mark.parametrize(
    "text,kind",
    [
        ("申请人身份证号 11010519491231002X", "身份证号"),
        ("联系电话 13912345678", "手机号码"),
        ("座机 0519-82101004", "电话号码"),
        ("邮箱 zhang.san@example.com", "电子邮箱"),
        ("申请人：张三", "申请人姓名"),
        ("经办人为李四", None),
        ("当事人：王先生", "姓名（先生、女士）"),
    ],
)
def test_personal_data_is_found_and_masked(text, kind):
    found = register.personal_data(text)
    if kind is None:  # "经办人为李四" has no colon: labelled names need one
        assert found == []
        return
    assert kind in [f[0] for f in found]
    value = text.split()[-1].split("：")[-1]
    assert all(value not in masked for _, _, masked in found)


@pytest.mark.parametrize(
    "text",
    [
        "申请人：某食品有限公司",
        "统一社会信用代码 91320412MA1XXXXX0Q",
        "11010519491231002Y 不是有效号码",
        "罚款人民币二万元",
        "12345 热线",
        "申请人类型：法人",
    ],
)
def test_what_is_not_personal_data(text):
    assert register.personal_data(text) == []


@pytest.fixture
def reg(cat):
    cat.item(important=True, time_limit={"statutory": {"value": 20, "unit": "工作日"}, "promised": 10})
    cases = {
        "2026-XK-0001": case("2026-11-02"),  # due 11-16: overdue on 12-02
        "2026-XK-0002": case("2026-11-20"),  # due 12-04: two working days left
        "2026-XK-0003": case("2026-11-25", suspensions=[{"step": "决定", "from": "2026-11-26"}]),  # paused
        "2026-XK-0004": case(
            "2026-10-12", decided={"date": "2026-10-20"}, concluded={"date": "2026-11-02", "outcome": "准予许可"}
        ),
        "2026-XK-0005": case(
            "2026-03-02",
            concluded={"date": "2026-03-10", "outcome": "准予许可", "note": "内部说明甲"},
            published={"date": "2026-03-12", "forms": ["门户网站"]},
            remarks="内部备注乙",
            summary="建设项目环评审批",
        ),
    }
    for name, data in cases.items():
        data["case"] = name
        cat.write(f"records/{name}.yaml", data)
    return cat


def test_records_check_reports_overdue_due_soon_and_unpublished_results(reg):
    result = invoke("records", "check", str(reg.root), "--today", "2026-12-02", "--format", "json")
    assert result.exit_code == 1, result.output
    found = {(f["rule"], f["file"].rsplit("/", 1)[-1]) for f in json.loads(result.stdout)}
    assert found == {("QL961", "2026-XK-0001.yaml"), ("QL962", "2026-XK-0002.yaml"), ("QL963", "2026-XK-0004.yaml")}
    text = invoke("records", "check", str(reg.root), "--today", "2026-12-02").stdout
    assert "已超过期限 2026-11-16（承诺时限 10 个工作日），超期 12 个工作日" in text
    assert "将于 2026-12-04 到期" in text and "还剩 2 个工作日" in text
    assert "审批科" in text.split("各承办机构案件情况")[1]  # the tally by department
    early = invoke("records", "check", str(reg.root), "--today", "2026-11-10", "--format", "json")
    assert early.exit_code == 0 and [f["rule"] for f in json.loads(early.stdout)] == ["QL964"]  # publication due 11-11
    assert invoke("records", "check", str(reg.root), "--today", "2026-11-10", "--fail-level", "warning").exit_code == 1
    assert (
        invoke(
            "records", "check", str(reg.root), "--today", "2026-11-10", "--within", "0", "--format", "json"
        ).stdout.strip()
        == "[]"
    )
    assert (
        "past its deadline" in invoke("records", "check", str(reg.root), "--today", "2026-12-02", "--lang", "en").stdout
    )
    bad = invoke("records", "check", str(reg.root), "--today", "2026-13-01")
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_records_check_marks_an_estimated_deadline_and_says_so_once(reg):
    reg.write("records/2098-XK-0009.yaml", case("2098-12-20", case="2098-XK-0009"))
    reg.write("records/2098-XK-0010.yaml", case("2098-12-22", case="2098-XK-0010"))
    result = invoke("records", "check", str(reg.root), "--today", "2099-01-06", "--format", "json")
    assert result.exit_code == 1
    mine = [f for f in json.loads(result.stdout) if "2098-XK-0009" in f["file"]]
    assert [f["rule"] for f in mine] == ["QL961"] and "2099-01-05（预估）" in mine[0]["message"]
    assert (
        result.stderr.count("年的法定节假日安排尚未公布") == 1
        and "2099 年" in result.stderr
        and "holidays.yaml" in result.stderr
    )
    text = invoke("records", "check", str(reg.root), "--today", "2099-01-06").stdout
    assert text.count("尚未公布") == 1 and "超期 1 个工作日（预估）" in text
    assert "QL965" not in text  # an estimate is never a refusal


def test_overdue_is_overdue_in_any_later_year(reg):
    """A deadline in a known year is overdue on every later day, whatever year today is in."""
    for today in ("2026-12-31", "2027-01-04", "2027-06-30", "2030-01-01", "2031-01-02", "2300-06-01"):
        result = invoke("records", "check", str(reg.root), "--today", today, "--format", "json")
        found = {(f["rule"], f["file"].rsplit("/", 1)[-1]) for f in json.loads(result.stdout)}
        assert result.exit_code == 1 and found == {
            ("QL961", "2026-XK-0001.yaml"),
            ("QL961", "2026-XK-0002.yaml"),
            ("QL963", "2026-XK-0004.yaml"),
        }, today


def test_the_samples_in_2030_have_every_open_case_overdue():
    from pathlib import Path

    samples = Path(__file__).resolve().parent.parent / "catalogs"
    result = invoke("records", "check", str(samples), "--today", "2030-01-01", "--format", "json")
    assert result.exit_code == 1
    late = {f["file"].rsplit("/", 1)[-1] for f in json.loads(result.stdout) if f["rule"] in ("QL961", "QL963")}
    open_cases = set()
    for path in samples.glob("*/records/*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        paused = any(isinstance(s, dict) and not s.get("to") for s in data.get("suspensions") or [])
        if data.get("accepted") and not data.get("published") and not paused:
            open_cases.add(path.name)
    assert open_cases and late == open_cases
    assert not [f for f in json.loads(result.stdout) if f["rule"] == "QL965"]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []

    def handle_data(self, data: str) -> None:
        self.cells.append(data)


def _sheet_text(path) -> list[list[str]]:
    ws = openpyxl.load_workbook(path).active
    return [[str(c) if c is not None else "" for c in row] for row in ws.iter_rows(values_only=True)]


def test_the_register_in_builds(reg, tmp_path):
    data = yaml.safe_load((reg.root / "catalog.yaml").read_text(encoding="utf-8"))
    data["records"] = {"publish": ["case", "name", "accepted", "concluded", "outcome", "on_time"]}
    reg.write("catalog.yaml", data)
    pub, internal = tmp_path / "pub", tmp_path / "int"
    assert invoke("build", str(reg.root), "-o", str(pub)).exit_code == 0
    assert invoke("build", str(reg.root), "-o", str(internal), "--audience", "internal").exit_code == 0
    rows = _sheet_text(pub / "register/register.xlsx")
    assert "重要权力动态运行情况登记表" in rows[0][0] and "共 5 件" in rows[1][0]
    assert rows[2] == ["序号", "案件编号", "权力名称", "受理日期", "办结日期", "办理结果", "是否按期"]
    by_case = {r[1]: r for r in rows[3:8]}
    assert by_case["2026-XK-0005"][5:] == ["准予许可", "是"] and by_case["2026-XK-0001"][6] == "办理中"
    everything = "".join(
        p.read_bytes().decode("utf-8", "replace")
        for p in pub.rglob("*")
        if p.is_file() and p.suffix in (".html", ".csv", ".json")
    )
    for secret in ("内部备注乙", "内部说明甲", "建设项目环评审批"):  # remarks, notes, and a column not published
        assert secret not in everything and secret not in "".join(map(str, rows))
    page = _Text()
    page.feed((pub / "site/register.html").read_text(encoding="utf-8"))
    assert "2026-XK-0003" in page.cells and "内部备注乙" not in "".join(page.cells)
    assert 'href="register.html"' in (pub / "site/index.html").read_text(encoding="utf-8")
    inner = _sheet_text(internal / "register/register.xlsx")
    assert "备注" in inner[2] and any("内部备注乙" in c and "内部说明甲" in c for r in inner for c in r)
    again = tmp_path / "again"
    assert invoke("build", str(reg.root), "-o", str(again)).exit_code == 0
    assert (again / "register/register.xlsx").read_bytes() == (pub / "register/register.xlsx").read_bytes()


def test_the_register_marks_deadlines_counted_on_an_estimated_year(reg, tmp_path):
    # accepted 2098-12-20, due 2099-01-05 (estimated, see above), concluded on the day
    reg.write(
        "records/2098-XK-0009.yaml",
        case("2098-12-20", case="2098-XK-0009", concluded={"date": "2099-01-05", "outcome": "准予许可"}),
    )
    internal = tmp_path / "int"
    result = invoke("build", str(reg.root), "-o", str(internal), "--audience", "internal")
    assert result.exit_code == 0 and result.stderr.count("尚未公布") == 1 and "2099" in result.stderr
    rows = _sheet_text(internal / "register/register.xlsx")
    header = rows[2]
    mine = next(r for r in rows if "2098-XK-0009" in r)
    assert mine[header.index("办结期限")] == "2099-01-05（预估）" and mine[header.index("是否按期")] == "是（预估）"
    known = next(r for r in rows if "2026-XK-0004" in r)
    assert "预估" not in "".join(known)
    page = _Text()
    page.feed((internal / "site/register.html").read_text(encoding="utf-8"))
    assert "2099-01-05（预估）" in page.cells


def test_cases_of_items_not_in_a_public_build_never_reach_it(reg, tmp_path):
    reg.item(
        ident="T-XK-002",
        name="涉密建设项目审批",
        important=True,
        disclosure={"scope": "不予公开", "reason": "涉及国家秘密（保守国家秘密法）"},
    )
    reg.item(
        ident="T-XK-003",
        name="排污许可证核发审批",
        important=True,
        status="审核",
        signoffs=[
            {"stage": "初核", "name": "王明", "date": "2026-03-02"},
            {"stage": "审核", "name": "李华", "date": "2026-03-03"},
        ],
    )
    reg.write("records/2026-XK-0101.yaml", case("2026-03-02", case="2026-XK-0101", item="T-XK-002"))
    reg.write("records/2026-XK-0102.yaml", case("2026-03-02", case="2026-XK-0102", item="T-XK-003"))
    out = tmp_path / "pub"
    assert invoke("build", str(reg.root), "-o", str(out)).exit_code == 0
    for path in out.rglob("*"):
        if path.is_file() and path.suffix != ".zip":
            body = path.read_bytes()
            if path.suffix == ".xlsx":
                body = "".join(map(str, _sheet_text(path))).encode()
            assert b"2026-XK-0101" not in body and b"2026-XK-0102" not in body, path
    internal = tmp_path / "int"
    assert invoke("build", str(reg.root), "-o", str(internal), "--audience", "internal").exit_code == 0
    assert "2026-XK-0101" in "".join(map(str, _sheet_text(internal / "register/register.xlsx")))
