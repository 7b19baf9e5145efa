"""Inline suppression comments, and QL130/QL131 for the ones that do nothing."""

from __future__ import annotations

from conftest import dump, item


def write_item(cat, text):
    cat.write("items/T-XK-001.yaml", text)


def base_text(**changes):
    return dump(item(**changes))


def rules(findings):
    return [f["rule"] for f in findings]


def test_disable_on_the_same_line(cat):
    write_item(cat, base_text(flow="XK-HP").replace("flow: XK-HP", "flow: XK-HP  # quanli: disable=QL114"))
    assert cat.validate() == (0, [])


def test_disable_on_its_own_line_applies_to_the_next_line(cat):
    write_item(
        cat, base_text(flow="XK-HP").replace("flow: XK-HP", "# quanli: disable=QL114\n# 流程图还在起草\nflow: XK-HP")
    )
    assert cat.validate() == (0, [])


def test_disable_does_not_reach_other_lines(cat):
    write_item(
        cat, base_text(flow="XK-HP", department="环评科").replace("flow: XK-HP", "flow: XK-HP  # quanli: disable=QL114")
    )
    assert rules(cat.validate()[1]) == ["QL116"]


def test_disable_file_applies_everywhere_and_accepts_groups_and_names(cat):
    write_item(cat, "# quanli: disable-file=QL11, unknown-flow\n" + base_text(flow="XK-HP", department="环评科"))
    assert cat.validate() == (0, [])


def test_unused_suppression_is_reported_at_the_comment(cat):
    write_item(cat, base_text().replace("flow: XK-TY", "flow: XK-TY  # quanli: disable=QL114"))
    code, findings = cat.validate()
    assert code == 0 and rules(findings) == ["QL130"]
    assert findings[0]["line"] == next(
        n
        for n, l in enumerate((cat.root / "items/T-XK-001.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if "quanli:" in l
    )
    assert cat.validate("--fail-level", "warning")[0] == 1


def test_unknown_rule_in_a_suppression_is_reported(cat):
    write_item(cat, base_text().replace("flow: XK-TY", "flow: XK-TY  # quanli: disable=QL9999"))
    assert rules(cat.validate()[1]) == ["QL131"]


def test_a_suppression_cannot_hide_itself(cat):
    write_item(cat, base_text().replace("flow: XK-TY", "flow: XK-TY  # quanli: disable=QL114,QL130"))
    assert "QL130" in rules(cat.validate()[1])
