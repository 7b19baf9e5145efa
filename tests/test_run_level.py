"""Checks across the catalogues of one run (QL124), and the sample catalogues themselves."""

from __future__ import annotations

import json
import shutil

from conftest import SAMPLES, invoke


def test_same_item_name_in_two_catalogues_is_reported(cat, tmp_path):
    other = tmp_path / "second"
    shutil.copytree(cat.root, other)
    result = invoke("validate", str(tmp_path), "--format", "json", "--no-cache")
    findings = json.loads(result.stdout)
    assert result.exit_code == 0
    assert [f["rule"] for f in findings] == ["QL124"] and findings[0]["path"] == "$.name"
    assert findings[0]["line"] > 1
    (other / "items" / "T-XK-001.yaml").write_text(
        (other / "items" / "T-XK-001.yaml").read_text(encoding="utf-8").replace("报告表审批", "报告书审批"),
        encoding="utf-8",
    )
    assert json.loads(invoke("validate", str(tmp_path), "--format", "json").stdout) == []


def test_one_catalogue_alone_has_no_cross_catalogue_findings(cat):
    assert invoke("validate", str(cat.root), "--no-cache").exit_code == 0


def test_sample_catalogues_validate_without_errors_or_warnings():
    result = invoke("validate", str(SAMPLES), "--format", "json", "--no-cache")
    findings = json.loads(result.stdout)
    assert result.exit_code == 0
    assert [f for f in findings if f["severity"] != "info"] == []
