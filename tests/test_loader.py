"""The strict loader: every strictness case of the format contract, with positions."""

from __future__ import annotations

import time

import pytest

from quanli.loader.yamlparse import MAX_FILE_BYTES, ParseFailure, load_bytes, parse


def fails(text: str | bytes) -> ParseFailure:
    with pytest.raises(ParseFailure) as info:
        load_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return info.value


def test_plain_mapping_loads():
    assert parse("name: 审批\nsteps:\n  - id: a\n    next: [b]\n")[0] == {
        "name": "审批",
        "steps": [{"id": "a", "next": ["b"]}],
    }


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("yes", "yes"),
        ("y", "y"),
        ("010", "010"),
        ("0o10", "0o10"),
        ("0x1F", "0x1F"),
        ("12:30", "12:30"),
        ("2024-01-05", "2024-01-05"),
        ("1_000", "1_000"),
        (".5", ".5"),
        ("1e3", "1e3"),
        ("+.inf", "+.inf"),
        ("20", 20),
        ("0", 0),
        ("-3", -3),
        ("2.5", 2.5),
        ("true", True),
        ("false", False),
        ("~", None),
        ("null", None),
        ("", None),
    ],
)
def test_yaml_11_surprises_are_not_applied(typed, expected):
    value = parse(f"v: {typed}\n")[0]["v"]
    assert value == expected and type(value) is type(expected)


def test_quoted_scalars_stay_strings():
    assert parse("a: '20'\nb: \"true\"\n")[0] == {"a": "20", "b": "true"}


def test_utf8_bom_is_accepted():
    assert load_bytes(b"\xef\xbb\xbfname: \xe5\xae\xa1\n")[0] == {"name": "审"}


def test_gbk_file_gets_advice_with_position():
    f = fails("id: X\nname: 建设项目审批\n".encode("gbk"))
    assert f.rule == "QL100" and (f.line, f.column) == (2, 7)
    assert "GBK" in f.zh and "UTF-8" in f.zh and "另存为" in f.zh


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_refused(codec):
    f = fails("name: 审批\n".encode(codec))
    assert f.rule == "QL100" and "UTF-8" in f.zh


def test_binary_file_is_refused():
    assert fails(b"PK\x03\x04\x00\x00binary").rule == "QL100"


def test_duplicate_key_is_an_error_at_the_second_key():
    f = fails("id: A\nname: 甲\nremarks: x\nname: 乙\n")
    assert f.rule == "QL102" and (f.line, f.column) == (4, 1) and "name" in f.zh


def test_nested_duplicate_key():
    f = fails("a:\n  b: 1\n  b: 2\n")
    assert f.rule == "QL102" and (f.line, f.column) == (3, 3)


def test_same_key_in_sibling_mappings_is_fine():
    assert parse("- a: 1\n- a: 2\n")[0] == [{"a": 1}, {"a": 2}]


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "a: &x [1]\n", "a: &x {b: 1}\n"])
def test_anchors_and_aliases_are_rejected(text):
    assert fails(text).rule == "QL103"


def test_billion_laughs_fails_fast():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(ord("b"), ord("j")):
        prev = chr(i - 1)
        lines.append(f"{chr(i)}: &{chr(i)} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    assert fails("\n".join(lines) + "\n").rule == "QL103"
    assert time.perf_counter() - started < 1.0


def test_oversized_file_is_refused_before_parsing():
    f = fails(b"a: " + b"x" * (MAX_FILE_BYTES + 1))
    assert f.rule == "QL106" and "MB" in f.zh


def test_several_documents_are_an_error():
    f = fails("a: 1\n---\nb: 2\n")
    assert f.rule == "QL104" and f.line == 2


def test_document_end_marker_alone_is_fine():
    assert parse("---\na: 1\n...\n")[0] == {"a": 1}


@pytest.mark.parametrize("text", ["", "   \n\n", "# 只有注释\n"])
def test_empty_file_is_a_clear_error(text):
    f = fails(text)
    assert f.rule == "QL105" and "空" in f.zh


def test_tab_indentation_is_explained():
    f = fails("a:\n\tb: 1\n")
    assert f.rule == "QL101" and (f.line, f.column) == (2, 1) and "Tab" in f.zh


def test_unquoted_colon_is_explained():
    f = fails("name: 审批: 许可\n")
    assert f.rule == "QL101" and f.line == 1 and "冒号" in f.zh


def test_unclosed_quote_is_explained():
    f = fails("name: '审批\nb: 1\n")
    assert f.rule == "QL101" and "引号" in f.zh


def test_control_character_is_reported_with_position():
    f = fails("id: A\nname: 审\x07批\n")
    assert f.rule == "QL101" and (f.line, f.column) == (2, 8) and "U+0007" in f.zh


def test_deep_nesting_is_refused_without_recursion_error():
    f = fails("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert f.rule == "QL107"


def test_tags_are_rejected_but_str_tag_is_allowed():
    assert fails("a: !!python/object:os.system x\n").rule == "QL109"
    assert parse("a: !!str 010\n")[0] == {"a": "010"}


def test_complex_keys_are_rejected():
    assert fails("? [a, b]\n: 1\n").rule == "QL101"


def test_keys_are_always_strings():
    assert parse("1: a\nno: b\n")[0] == {"1": "a", "no": "b"}


def test_positions_are_one_based_and_cover_keys_values_and_list_entries():
    text = "id: A\nbasis:\n  - law: 行政许可法\n    article: 第十二条\nname: 名称\n"
    data, pos = parse(text, track=True)
    assert pos.of(("id",)) == (1, 5)
    assert pos.of(("basis", 0, "law")) == (3, 10)
    assert pos.of(("basis", 0, "article"), key=True) == (4, 5)
    assert pos.of(("name",), key=True) == (5, 1)
    # a path that does not exist falls back to its nearest parent's key
    assert pos.of(("basis", 0, "missing")) == (3, 5)


def test_positions_count_characters_not_bytes():
    _, pos = parse("名称: 行政许可\n", track=True)
    assert pos.of(("名称",)) == (1, 5)
