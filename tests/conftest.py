"""Shared helpers: build a small valid catalogue on disk, run the CLI, read findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from quanli.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "catalogs"

CATALOG = {
    "schema_version": 1,
    "unit": {"name": "测试县生态环境局", "level": "县级"},
    "departments": [
        {"name": "法制科", "duties": [{"id": "ZZ-01", "text": "负责行政处罚案件审核。"}]},
        {"name": "审批科", "duties": [{"id": "ZZ-02", "text": "负责建设项目环境影响评价文件审批。"}]},
    ],
    "settings": {"id_pattern": "^T-[A-Z]{2}-[0-9]{3}$"},
}
LAWS = {"schema_version": 1, "laws": [
    {"id": "行政许可法", "name": "中华人民共和国行政许可法", "level": "法律", "status": "现行有效"},
    {"id": "环境影响评价法", "name": "中华人民共和国环境影响评价法", "level": "法律", "status": "现行有效"},
]}
FLOW = {"id": "XK-TY", "name": "行政许可通用流程图", "steps": [
    {"id": "apply", "name": "申请", "type": "start", "next": ["accept"]},
    {"id": "accept", "name": "受理", "type": "decision",
     "next": [{"to": "decide", "label": "受理"}, {"to": "apply", "label": "补正"}]},
    {"id": "decide", "name": "决定", "next": ["deliver"]},
    {"id": "deliver", "name": "送达", "type": "end"},
]}


def item(ident: str = "T-XK-001", name: str = "建设项目环境影响报告表审批", **extra) -> dict:
    data = {
        "id": ident, "name": name, "category": "行政许可", "subject": "测试县生态环境局",
        "department": "审批科", "duties": ["ZZ-02"], "flow": "XK-TY",
        "basis": [{"law": "环境影响评价法", "article": "第二十二条"}],
        "time_limit": {"statutory": {"value": 20, "unit": "工作日"}, "promised": 10},
        "disclosure": {"scope": "社会公开", "forms": ["门户网站"], "timing": "长期公开"},
    }
    data.update(extra)
    return data


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
