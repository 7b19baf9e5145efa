"""Issue 27, class 1: a public build never holds a non-public item's name or id in any spelling a
reader reads as the same, and a public item that mentions one is a finding at validate time
(QL606 for an item's own text, QL602 for a flow it uses), not a failed build."""

from __future__ import annotations

import zipfile

import pytest

from conftest import FLOW, dump, invoke, item

SECRET = {"scope": "不予公开", "reason": "涉及国家秘密（保守国家秘密法）"}
PLAIN = "排污许可证核发审批"

# how a clerk may have typed the confidential item's name (the YAML of items/T-XK-002.yaml)
SPELLINGS = {
    "ideographic-space": f'name: "\\u3000{PLAIN}"\n',
    "trailing-space": f"name: '{PLAIN} '\n",
    "block-scalar": f"name: |\n  {PLAIN}\n",
    "folded-in-two": "name: >-\n  排污许可证\n  核发审批\n",
    "zero-width": 'name: "排污\\u200b许可证核发审批"\n',
    "full-width-id": None,  # the id written in full-width letters in the public item
}


def _secret_item(cat, name_yaml: str) -> None:
    text = dump(item(ident="T-XK-002", name="占位", disclosure=SECRET))
    cat.write("items/T-XK-002.yaml", text.replace("name: 占位\n", name_yaml))


def _texts(out) -> str:
    parts = []
    for p in out.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            if zipfile.is_zipfile(p):
                with zipfile.ZipFile(p) as zf:
                    parts += [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
            else:
                parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_a_public_item_naming_a_secret_in_another_spelling_is_found_at_validate(cat, spelling, tmp_path):
    if SPELLINGS[spelling] is None:
        _secret_item(cat, f"name: {PLAIN}\n")
        cat.item(conditions=["与 Ｔ－ＸＫ－００２ 一并办理"])  # NFKC: T-XK-002
        needle = "T-XK-002"
    else:
        _secret_item(cat, SPELLINGS[spelling])
        cat.item(conditions=[f"与{PLAIN}一并办理"])  # published in the 一件
        needle = PLAIN
    code, findings = cat.validate()
    hits = [f for f in findings if f["rule"] == "QL606"]
    assert code == 1 and hits and hits[0]["file"].endswith("T-XK-001.yaml"), findings
    result = invoke("build", str(cat.root), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "QL606" in result.output and "请报告" not in result.output
    assert not (tmp_path / "out").exists()
    # suppressed (a clerk silencing the rule) the build's own scan still refuses: nothing written
    path = cat.root / "items" / "T-XK-001.yaml"
    path.write_text("# quanli: disable-file=QL606\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    other = cat.root / "items" / "T-XK-002.yaml"  # and the invisible character in the secret's own name (QL806)
    other.write_text("# quanli: disable-file=QL806\n" + other.read_text(encoding="utf-8"), encoding="utf-8")
    stopped = invoke("build", str(cat.root), "--out", str(tmp_path / "out"))
    assert stopped.exit_code == 2 and not (tmp_path / "out").exists(), stopped.output
    assert needle in stopped.output or "不公开事项" in stopped.output


def test_a_shared_flow_naming_a_secret_in_another_spelling_is_found_at_validate(cat, tmp_path):
    _secret_item(cat, SPELLINGS["ideographic-space"])
    flow = dict(FLOW, description=f"参照{PLAIN[:5]} {PLAIN[5:]}的程序办理")
    cat.write("flows/XK-TY.yaml", flow)
    code, findings = cat.validate()
    assert code == 1 and [f["rule"] for f in findings if f["severity"] == "error"] == ["QL602"], findings


def test_a_name_wrapped_over_lines_of_the_flowchart_is_still_found_by_the_build_scan(cat, tmp_path):
    """The backstop: with the rules silenced, a secret drawn in a public flowchart (where long
    names wrap over several SVG text lines) stops the build."""
    long_name = "建设项目环境影响评价文件涉密部分审查审批"
    _secret_item(cat, f"name: {long_name}\n")
    steps = [dict(s) for s in FLOW["steps"]]
    steps[2] = dict(steps[2], name=long_name)
    cat.write("flows/XK-TY.yaml", "# quanli: disable-file=QL602\n" + dump(dict(FLOW, steps=steps)))
    result = invoke("build", str(cat.root), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and not (tmp_path / "out").exists(), result.output


def test_a_clean_public_build_holds_no_spelling_of_the_secret(cat, tmp_path):
    _secret_item(cat, SPELLINGS["block-scalar"])
    out = tmp_path / "out"
    assert invoke("build", str(cat.root), "--out", str(out)).exit_code == 0
    from quanli.core.textfold import fold_markup

    assert fold_markup(PLAIN) not in fold_markup(_texts(out)) and "t-xk-002" not in fold_markup(_texts(out))
    inner = tmp_path / "internal"
    assert invoke("build", str(cat.root), "--out", str(inner), "--audience", "internal").exit_code == 0
    assert fold_markup(PLAIN) in fold_markup(_texts(inner))  # the internal edition has it: the check above can fail


# ---- workspaces: one member's public item naming another member's secret ----------------------


def test_a_member_naming_another_members_secret_is_found_and_never_published(tmp_path):
    from test_workspace import WORKSPACE, member
    from test_workspace import item as ws_item

    root = tmp_path / "ws"
    member(root / "city", "测试市生态环境局", "市级", [ws_item(subject="测试市生态环境局", level=["市级", "县级"])])
    member(
        root / "county",
        "测试县生态环境局",
        "县级",
        [
            ws_item(subject="测试县生态环境局", level=["县级"]),
            ws_item(
                "T-XK-002",
                "\u3000排污许可证核发",
                subject="测试县生态环境局",
                level=["县级"],
                disclosure={"scope": "不予公开", "reason": "涉及国家秘密（测试）"},
            ),
        ],
    )
    water = member(
        root / "county-water",
        "测试县水利局",
        "县级",
        [
            ws_item(
                "T-XK-003", "取水许可", subject="测试县水利局", level=["县级"], conditions=["已办理排污许可证 核发手续"]
            )
        ],
    )
    (root / "quanli-workspace.yaml").write_text(WORKSPACE, encoding="utf-8")
    import json

    result = invoke("validate", str(root), "--format", "json", "--no-cache")
    hits = [f for f in json.loads(result.stdout) if f["rule"] == "QL975"]
    assert (
        result.exit_code == 1 and len(hits) == 1 and hits[0]["file"].endswith("T-XK-003.yaml") and hits[0]["line"] > 1
    ), result.stdout
    assert "county" in hits[0]["message"] and "T-XK-002" in hits[0]["message"]
    out = tmp_path / "dist"
    assert invoke("build", str(root), "--out", str(out)).exit_code == 1 and not (out / "members").exists()
    # silenced, the member's own build still refuses: its scan knows the other members' secrets
    path = water.root / "items" / "T-XK-003.yaml"
    path.write_text("# quanli: disable-file=QL975\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    county = root / "county" / "items" / "T-XK-002.yaml"
    county.write_text("# quanli: disable-file=QL804\n" + county.read_text(encoding="utf-8"), encoding="utf-8")
    stopped = invoke("build", str(root), "--out", str(out))
    assert stopped.exit_code == 2 and "T-XK-003" in stopped.output and "QL975" in stopped.output, stopped.output
    assert not any("排污许可证核发" in p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*.html"))


def test_a_name_public_in_one_member_may_be_written_in_another(tmp_path):
    """QL975's passing case: the county keeps its 排污许可证核发 back, but the city publishes an
    item of that name, so the water bureau may mention it; and nobody mentions a secret."""
    import json

    from test_workspace import WORKSPACE, member
    from test_workspace import item as ws_item

    root = tmp_path / "ws"
    member(
        root / "city",
        "测试市生态环境局",
        "市级",
        [
            ws_item(subject="测试市生态环境局", level=["市级", "县级"]),
            ws_item("T-XK-009", "排污许可证核发", subject="测试市生态环境局", level=["市级"]),
        ],
    )
    member(
        root / "county",
        "测试县生态环境局",
        "县级",
        [
            ws_item(subject="测试县生态环境局", level=["县级"]),
            ws_item(
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
        [
            ws_item(
                "T-XK-003", "取水许可", subject="测试县水利局", level=["县级"], conditions=["已办理排污许可证核发手续"]
            )
        ],
    )
    (root / "quanli-workspace.yaml").write_text(WORKSPACE, encoding="utf-8")
    result = invoke("validate", str(root), "--format", "json", "--no-cache")
    assert [f for f in json.loads(result.stdout) if f["rule"] in ("QL975", "QL606")] == []


def test_the_leak_scan_reads_the_text_of_the_flowchart_picture():
    """The 一件's EMF fallback holds its text as UTF-16 records, one per line: the scan reads them,
    joined, so a name wrapped over two lines of a box is still found (the SVG beside it is scanned
    too, but the picture must not depend on that)."""
    import io
    import zipfile

    from quanli.build.leaks import leak_check
    from quanli.render import emf

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120"><text x="10" y="30" font-size="12">'
        '<tspan x="10" y="30">涉密的排污许可</tspan><tspan x="10" y="50">证核发审批</tspan></text></svg>'
    )
    picture = emf.svg_to_emf(svg)
    assert "涉密的排污许可证核发审批" in emf.text_of(picture)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/media/image1.emf", picture)
    assert leak_check({"sheets/x.docx": buf.getvalue()}, ["排污许可证核发审批"]) == [
        ("sheets/x.docx", "排污许可证核发审批")
    ]
    assert leak_check({"sheets/x.docx": buf.getvalue()}, ["取水许可证核发"]) == []
