"""quanli fmt: one canonical form, comments kept, data never changed."""

from __future__ import annotations

import pytest

from conftest import ROOT, SAMPLES, invoke
from quanli.loader.yamlfmt import Unsafe, format_text, kind_of
from quanli.loader.yamlparse import load_bytes

MODELINE = "# yaml-language-server: $schema=../.quanli/schemas/item.schema.json"

MESSY = """name: 测试事项
id: T-XK-001
disclosure: {scope: 社会公开, forms: [门户网站]}
category: 行政许可
basis:
    -   article: 第十二条
        law: 行政许可法
time_limit:
  promised: 5
  statutory: {unit: 工作日, value: 20}
contact: {consult_phone: "0519-82101004", complaint_phone: '010'}
remarks: "no"
extra: {b: 1, a: 2}
"""

CANONICAL = """# yaml-language-server: $schema=../.quanli/schemas/item.schema.json
id: T-XK-001
name: 测试事项
category: 行政许可
basis:
- law: 行政许可法
  article: 第十二条
time_limit:
  statutory:
    value: 20
    unit: 工作日
  promised: 5
contact:
  consult_phone: 0519-82101004
  complaint_phone: '010'
disclosure:
  scope: 社会公开
  forms:
  - 门户网站
remarks: 'no'
extra:
  b: 1
  a: 2
"""


COMMENTED = """# 备注：这个文件是手写的
name: 测试事项   # 名称
# 编号是临时的
id: T-XK-001
time_limit: {promised: 5, statutory: 20}
contact:
    consult_phone: "0519-82101004"
"""


def test_comments_stay_where_their_author_put_them():
    out = format_text(COMMENTED, "item", MODELINE)
    assert out == (
        MODELINE + "\n# 备注：这个文件是手写的\nname: 测试事项   # 名称\n# 编号是临时的\nid: T-XK-001\n"
        "time_limit:\n  statutory: 20\n  promised: 5\ncontact:\n  consult_phone: 0519-82101004\n"
    )
    assert format_text(out, "item", MODELINE) == out


def test_messy_file_becomes_the_canonical_form():
    assert format_text(MESSY, "item", MODELINE) == CANONICAL
    assert (
        format_text(CANONICAL, "item", "# another modeline is not forced") == CANONICAL
    )  # idempotent, own modeline kept
    assert load_bytes(CANONICAL.encode())[0] == load_bytes(MESSY.encode())[0]


@pytest.mark.parametrize(
    "text",
    [
        "a: 010\n",
        "a: '12:30'\n",
        "a: 2026-01-01\n",
        "a: 'on'\n",
        "a: ''\n",
        "a: ~\n",
        "a: '0x1F'\n",
        "a: 1e3\n",
        'a: "多行\\n文本"\n',
        "a: ' 前后空格 '\n",
        "a: '#号'\n",
    ],
)
def test_scalars_keep_their_meaning(text):
    out = format_text(text, "item", MODELINE)
    assert load_bytes(out.encode())[0] == load_bytes(text.encode())[0]
    assert format_text(out, "item", MODELINE) == out


def test_every_sample_and_test_file_keeps_its_data_and_is_stable():
    roots = [*sorted(p for p in SAMPLES.iterdir() if p.is_dir()), ROOT / "tests" / "data" / "county-eeb-2026"]
    seen = 0
    for root in roots:
        for path in sorted(root.rglob("*.yaml")):
            kind = kind_of(path.relative_to(root).as_posix())
            if kind is None:
                continue
            text = path.read_text(encoding="utf-8")
            out = format_text(text, kind, "# x")
            assert load_bytes(out.encode())[0] == load_bytes(text.encode())[0], path
            assert format_text(out, kind, "# x") == out, path
            seen += 1
    assert seen > 100


def test_a_modeline_below_other_comments_is_not_added_twice():
    text = "# 第一行注释\n" + MODELINE + "\nid: T-XK-001\n"
    assert format_text(text, "item", MODELINE).count("yaml-language-server") == 1


def test_broken_file_is_refused():
    with pytest.raises(Unsafe):
        format_text("id: [\n", "item", MODELINE)


def test_cli_check_and_rewrite(cat):
    path = cat.write("items/T-XK-001.yaml", MESSY)
    before = path.read_bytes()
    result = invoke("fmt", "--check", str(cat.root))
    assert result.exit_code == 1 and "T-XK-001.yaml" in result.output
    assert path.read_bytes() == before  # --check writes nothing
    assert invoke("fmt", str(cat.root)).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=") and text.index("id: T-XK-001") < text.index(
        "name: 测试事项"
    )
    assert load_bytes(text.encode())[0] == load_bytes(MESSY.encode())[0]
    again = invoke("fmt", "--check", str(cat.root))
    assert again.exit_code == 0, again.output


def test_cli_leaves_an_unreadable_file_alone(cat):
    bad = cat.write("items/T-XK-002.yaml", "id: T-XK-002\nname: [\n")
    before = bad.read_bytes()
    result = invoke("fmt", str(cat.root))
    assert result.exit_code == 2 and "T-XK-002.yaml" in result.output and "Traceback" not in result.output
    assert bad.read_bytes() == before


def test_samples_are_in_canonical_form():
    result = invoke("fmt", "--check", str(SAMPLES))
    assert result.exit_code == 0, result.output


def test_new_files_are_already_canonical(tmp_path):
    target = tmp_path / "新目录"
    assert invoke("init", str(target), "--name", "测试局").exit_code == 0
    assert invoke("new", "item", "T-CF-001", "-c", "行政处罚", "--catalog", str(target)).exit_code == 0
    assert invoke("new", "flow", "CF-AB", "-k", "处罚", "--catalog", str(target)).exit_code == 0
    result = invoke("fmt", "--check", str(target))
    assert result.exit_code == 0, result.output


def test_files_outside_a_catalogue_are_ignored(cat, tmp_path):
    workflow = tmp_path / "ci.yaml"
    workflow.write_text("on: push\n", encoding="utf-8")
    item = cat.root / "items" / "T-XK-001.yaml"
    result = invoke("fmt", "--check", str(workflow), str(item))
    assert result.exit_code == 1 and "T-XK-001.yaml" in result.output and "ci.yaml" not in result.output
    assert workflow.read_text(encoding="utf-8") == "on: push\n"


def test_the_fast_emitter_writes_what_the_ruamel_path_writes():
    """Files without comments take PyYAML's C emitter; it must agree byte for byte with ruamel's."""
    import json as _json

    from quanli.loader import yamlfmt

    roots = [*sorted(p for p in SAMPLES.iterdir() if p.is_dir()), ROOT / "tests" / "data" / "county-eeb-2026"]
    for root in roots:
        for path in sorted(root.rglob("*.yaml")):
            kind = kind_of(path.relative_to(root).as_posix())
            if kind is None:
                continue
            data = load_bytes(path.read_bytes())[0]
            schema = yamlfmt._schema(kind)
            ordered = yamlfmt._order(_json.loads(_json.dumps(data, ensure_ascii=False)), schema, schema)
            assert yamlfmt._fast_dump(ordered) == yamlfmt._dump(ordered), path


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st

TEXT = st.text(alphabet=st.sampled_from(list("ab01 :#'\"-?|>{}[],&*!%@`.eE+_~中文《》（）\n\t")), max_size=12)
SCALAR = st.one_of(
    TEXT,
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.sampled_from(
        [
            "no",
            "on",
            "010",
            "0x1F",
            "1e5",
            "12:30",
            "2026-01-01",
            ".inf",
            "1_000",
            "null",
            "~",
            "True",
            " a",
            "a ",
            "多行\n文本",
            "- x",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["name", "remarks", "x", "extra", "id"]),
        st.one_of(SCALAR, st.lists(SCALAR, max_size=3)),
        min_size=1,
    )
)
def test_any_data_survives_both_emitters_and_formats_stably(data):
    import json as _json

    from quanli.loader import yamlfmt

    schema = yamlfmt._schema("item")
    ordered = yamlfmt._order(_json.loads(_json.dumps(data)), schema, schema)
    fast, slow = yamlfmt._fast_dump(ordered), yamlfmt._dump(ordered)
    assert load_bytes(fast.encode())[0] == data
    assert load_bytes(slow.encode())[0] == data
    # the two may quote an odd string differently ("'" vs '"'); what matters is that each path is stable
    once = format_text(fast, "item", MODELINE)
    assert format_text(once, "item", MODELINE) == once


def test_a_second_check_reads_only_what_changed(cat, monkeypatch):
    from quanli.loader import yamlfmt

    assert invoke("fmt", str(cat.root)).exit_code == 0
    calls = []
    real = yamlfmt.format_text
    monkeypatch.setattr(yamlfmt, "format_text", lambda *a: calls.append(a) or real(*a))
    assert invoke("fmt", "--check", str(cat.root)).exit_code == 0
    assert calls == []  # every file known canonical from the run before
    path = cat.root / "items" / "T-XK-001.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("name: 建设项目环境影响报告表审批", "name: 新名称"), encoding="utf-8"
    )
    assert invoke("fmt", "--check", str(cat.root)).exit_code == 0
    assert len(calls) == 1
    path.write_text(path.read_text(encoding="utf-8") + "extra:   {a: 1}\n", encoding="utf-8")
    assert invoke("fmt", "--check", str(cat.root)).exit_code == 1  # a changed file is never served from the cache
