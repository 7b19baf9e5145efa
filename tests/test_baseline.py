"""quanli baseline: adopt a legacy catalogue, fail only on new problems."""

from __future__ import annotations

import json

from conftest import invoke


def run(cat, *args):
    result = invoke("validate", str(cat.root), "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_baseline_hides_known_findings_and_shows_new_ones(cat):
    cat.item(flow="XK-HP")
    assert run(cat)[0] == 1
    result = invoke("baseline", str(cat.root))
    assert result.exit_code == 0 and "1 个" in result.stdout
    data = json.loads((cat.root / "quanli-baseline.json").read_text(encoding="utf-8"))
    assert data["findings"] == [{"rule": "QL114", "file": "items/T-XK-001.yaml", "path": "$.flow"}]
    assert run(cat) == (0, [])
    assert "1 个已记入基线" in invoke("validate", str(cat.root)).stdout
    cat.item(flow="XK-HP", department="环评科")  # a new problem in the same file
    code, findings = run(cat)
    assert code == 1 and [f["rule"] for f in findings] == ["QL116"]
    assert sorted(f["rule"] for f in run(cat, "--no-baseline")[1]) == ["QL114", "QL116"]


def test_baseline_survives_edits_that_move_lines(cat):
    cat.item(flow="XK-HP")
    invoke("baseline", str(cat.root))
    path = cat.root / "items" / "T-XK-001.yaml"
    path.write_text("# 新加的说明\n# 第二行\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert run(cat) == (0, [])


def test_baseline_counts_occurrences(cat):
    cat.item(flow="XK-HP")
    invoke("baseline", str(cat.root))
    cat.item(ident="T-XK-002", name="第二项", flow="XK-HP")
    assert [f["item"] for f in run(cat)[1]] == ["T-XK-002"]


def test_baseline_output_is_deterministic(cat):
    cat.item(flow="XK-HP", department="环评科")
    invoke("baseline", str(cat.root))
    first = (cat.root / "quanli-baseline.json").read_bytes()
    invoke("baseline", str(cat.root))
    assert (cat.root / "quanli-baseline.json").read_bytes() == first


def test_corrupt_baseline_is_exit_2(cat):
    (cat.root / "quanli-baseline.json").write_text("{not json", encoding="utf-8")
    result = invoke("validate", str(cat.root))
    assert result.exit_code == 2 and "基线" in result.output
