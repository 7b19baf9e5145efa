"""Locating the schemas and templates that ship with quanli.

In a wheel they live in ``quanli/_data/``; in a source checkout (editable install) they
are the top-level ``schemas/`` and ``templates/`` folders of the repository.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SCHEMA_KINDS = ("catalog", "laws", "item", "flow", "record")
_HERE = Path(__file__).resolve().parents[1]  # the quanli package (this file is in quanli/core/)


def _data_dir(name: str) -> Path:
    packaged = _HERE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _HERE.parents[1] / name  # source checkout: src/quanli -> repository root


def schemas_dir() -> Path:
    return _data_dir("schemas")


def templates_dir() -> Path:
    return _data_dir("templates")


def schema_file(kind: str) -> Path:
    return schemas_dir() / f"{kind}.schema.json"


@cache
def schema(kind: str) -> dict:
    with open(schema_file(kind), encoding="utf-8") as fh:
        return json.load(fh)
