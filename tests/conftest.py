"""Shared helpers: build a small valid catalogue on disk, run the CLI, read findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from quanli.cli import app

# the key that seals cache files (quanli.loader.cache._user_key) lives in the user's cache folder:
# the tests, and the commands they start, keep theirs in a folder of their own
_KEYS = Path(__import__("tempfile").mkdtemp(prefix="quanli-test-keys-"))
__import__("atexit").register(__import__("shutil").rmtree, _KEYS, True)
os.environ["XDG_CACHE_HOME"] = str(_KEYS)
os.environ["LOCALAPPDATA"] = str(_KEYS)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "catalogs"

# ---- today, pinned ----------------------------------------------------------------------------
# QUANLI_TEST_TODAY=YYYY-MM-DD runs the suite as if the wall clock said that day (10:00 in Beijing):
# time-machine moves the clock of this process, QUANLI_TODAY tells the commands the tests start.
# .ci/run runs the tests marked "dates" (DATE_FILES below and tests marked by hand) under several
# todays, so that no test and no command depends on the day CI happens to run on.
DATE_FILES = {
    "test_release.py",
    "test_records.py",
    "test_review.py",
    "test_workdays.py",
    "test_git_edges.py",
    "test_workspace.py",
    "test_build.py",
    "test_incremental.py",
    "test_reproducible.py",
    "test_clock.py",
}
DATE_TESTS = ("QL503",)  # tests elsewhere whose outcome depends on today (a law not yet in force)
_PINNED = os.environ.get("QUANLI_TEST_TODAY", "").strip()
if _PINNED:
    import datetime as _dt

    import time_machine

    _day = _dt.date.fromisoformat(_PINNED)
    _moment = _dt.datetime.combine(_day, _dt.time(10), _dt.timezone(_dt.timedelta(hours=8)))
    time_machine.travel(_moment, tick=True).start()
    os.environ["QUANLI_TODAY"] = _PINNED

DROP = object()  # marks a key to remove from a test document


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in DATE_FILES or any(t in item.nodeid for t in DATE_TESTS):
            item.add_marker(pytest.mark.dates)


def pytest_report_header(config):
    return f"today pinned to {_PINNED} (QUANLI_TEST_TODAY)" if _PINNED else None


CATALOG = {
    "schema_version": 1,
    "unit": {"name": "测试县生态环境局", "level": "县级"},
    "departments": [
        {"name": "法制科"},
        {"name": "审批科", "duties": [{"id": "ZZ-02", "text": "负责建设项目环境影响评价文件审批。"}]},
    ],
    "settings": {"id_pattern": "^T-[A-Z]{2}-[0-9]{3}$"},
}
LAWS = {
    "schema_version": 1,
    "laws": [
        {"id": "行政许可法", "name": "中华人民共和国行政许可法", "level": "法律", "status": "现行有效"},
        {"id": "环境影响评价法", "name": "中华人民共和国环境影响评价法", "level": "法律", "status": "现行有效"},
    ],
}
FLOW = {
    "id": "XK-TY",
    "name": "行政许可通用流程图",
    "complaint": {"phone": "0519-82101099"},
    "steps": [
        {"id": "apply", "name": "申请", "type": "start", "next": ["accept"]},
        {
            "id": "accept",
            "name": "受理",
            "type": "decision",
            "post": "窗口受理人员",
            "time_limit": 1,
            "supervision": "一次性告知补正",
            "next": [{"to": "decide", "label": "受理"}, {"to": "apply", "label": "补正"}],
        },
        {
            "id": "decide",
            "name": "决定",
            "post": "局长",
            "time_limit": 3,
            "disclosure": {"scope": "社会", "forms": ["门户网站"], "timing": "7 个工作日内"},
            "next": ["deliver"],
        },
        {"id": "deliver", "name": "送达", "type": "end"},
    ],
}


SIGNOFFS = [
    {"stage": "初核", "role": "政务公开领导小组", "name": "王明", "date": "2026-03-02"},
    {"stage": "审核", "role": "党组", "name": "李华", "date": "2026-03-09"},
    {"stage": "审定", "role": "局长", "name": "张强", "date": "2026-03-16"},
    {"stage": "公布", "role": "办公室", "name": "赵敏", "date": "2026-03-18"},
]


def item(ident: str = "T-XK-001", name: str = "建设项目环境影响报告表审批", **extra) -> dict:
    data = {
        "id": ident,
        "name": name,
        "category": "行政许可",
        "subject": "测试县生态环境局",
        "department": "审批科",
        "duties": ["ZZ-02"],
        "flow": "XK-TY",
        "basis": [{"law": "环境影响评价法", "article": "第二十二条"}, {"law": "行政许可法", "article": "第二十九条"}],
        "conditions": ["建设项目依法应当编制环境影响报告表"],
        "materials": [{"name": "环境影响报告表", "form": "原件", "copies": 1}],
        "time_limit": {"statutory": {"value": 20, "unit": "工作日"}, "promised": 10},
        "fee": {"charged": False},
        "contact": {"consult_phone": "0519-82101004", "complaint_phone": "0519-82101099"},
        "responsibility": {"duties": ["审查责任"], "accountability": ["超过法定期限作出决定的"]},
        "disclosure": {"scope": "社会公开", "forms": ["门户网站"], "timing": "长期公开"},
        # signed through the whole chain (no fingerprint: a later edit by a test is not a finding)
        "status": "公布",
        "signoffs": [dict(s) for s in SIGNOFFS],
    }
    data.update(extra)
    return without_dropped(data)


def without_dropped(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not DROP}


PENALTY = dict(
    category="行政处罚",
    flow="XK-TY",
    conditions=DROP,
    materials=DROP,
    fee=DROP,
    penalty={"behaviour": "未批先建", "kinds": ["罚款"], "range": "总投资额百分之一以上百分之五以下"},
    discretion=[
        {"tier": "一般", "circumstances": "未投产", "standard": "百分之一至百分之三"},
        {"tier": "严重", "circumstances": "已投产", "standard": "百分之三至百分之五"},
    ],
)


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


class Cat:
    """A catalogue folder under tmp_path that tests edit file by file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, content) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content if isinstance(content, str) else dump(content), encoding="utf-8")
        return path

    def item(self, **kw) -> Path:
        data = item(**kw)
        return self.write(f"items/{data['id']}.yaml", data)

    def validate(self, *args: str) -> tuple[int, list[dict]]:
        result = CliRunner().invoke(app, ["validate", str(self.root), "--format", "json", "--no-cache", *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def cat(tmp_path: Path) -> Cat:
    c = Cat(tmp_path / "cat")
    c.write("catalog.yaml", CATALOG)
    c.write("laws.yaml", LAWS)
    c.write("flows/XK-TY.yaml", FLOW)
    c.item()
    return c


def rules_of(findings: list[dict]) -> list[str]:
    return sorted(f["rule"] for f in findings)


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)
