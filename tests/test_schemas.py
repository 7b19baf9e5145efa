"""The schemas: valid draft 2020-12, documented in Chinese, closed, and usable by third-party tools."""

from __future__ import annotations

import json
import shutil
import subprocess

import jsonschema
import pytest
import yaml

from conftest import ROOT, SAMPLES

KINDS = ["catalog", "laws", "item", "flow"]


def load(kind):
    return json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


def walk(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key != "if":  # the condition of an if/then is not a property definition
                yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}/{i}")


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_2020_12_with_id_and_chinese_title(kind):
    schema = load(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"] and schema["description"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_a_chinese_title_and_description(kind):
    for path, node in walk(load(kind)):
        for name, prop in node.get("properties", {}).items() if path.split("/")[-1] != "properties" else []:
            assert prop.get("title") and prop.get("description"), f"{kind}{path}/properties/{name}"
            assert any("\u4e00" <= ch <= "\u9fff" for ch in prop["title"] + prop["description"]), name


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_is_closed(kind):
    for path, node in walk(load(kind)):
        if node.get("type") == "object" and "properties" in node and path.split("/")[-1] != "extra":
            assert node.get("additionalProperties") is False, f"{kind}{path}"


def test_item_disclosure_requires_a_reason_when_not_public():
    validator = jsonschema.Draft202012Validator(load("item"))
    base = {"id": "A-1", "name": "甲", "category": "行政许可"}
    assert not validator.is_valid({**base, "disclosure": {"scope": "不予公开"}})
    assert not validator.is_valid({**base, "disclosure": {"scope": "内部公开"}})
    assert validator.is_valid({**base, "disclosure": {"scope": "不予公开", "reason": "涉及国家秘密"}})
    assert validator.is_valid({**base, "disclosure": {"scope": "社会公开"}})


def sample_files():
    for path in (
        sorted(SAMPLES.glob("*/*.yaml"))
        + sorted(SAMPLES.glob("*/items/*.yaml"))
        + sorted(SAMPLES.glob("*/flows/*.yaml"))
    ):
        kind = {"catalog.yaml": "catalog", "laws.yaml": "laws"}.get(path.name) or (
            "item" if path.parent.name == "items" else "flow"
        )
        yield path, kind


def test_samples_exist():
    assert len(list(sample_files())) > 40


def test_samples_validate_with_the_reference_python_validator():
    """python-jsonschema (not the validator quanli uses) accepts every sample file."""
    validators = {k: jsonschema.Draft202012Validator(load(k), format_checker=jsonschema.FormatChecker()) for k in KINDS}
    for path, kind in sample_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validators[kind].iter_errors(data)]
        assert not errors, (path, errors)


def test_sample_files_point_editors_at_the_schemas():
    for path, kind in sample_files():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (ROOT / "schemas" / f"{kind}.schema.json").resolve(), path


@pytest.mark.skipif(shutil.which("check-jsonschema") is None, reason="check-jsonschema not installed")
@pytest.mark.parametrize("kind", KINDS)
def test_samples_pass_check_jsonschema(kind):
    files = [str(p) for p, k in sample_files() if k == kind]
    proc = subprocess.run(
        ["check-jsonschema", "--schemafile", str(ROOT / "schemas" / f"{kind}.schema.json"), *files],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_packaged_schemas_are_the_repository_schemas():
    from quanli.core.resources import schema_file

    for kind in KINDS:
        assert schema_file(kind).read_bytes() == (ROOT / "schemas" / f"{kind}.schema.json").read_bytes()
