"""A catalogue file as canonical lines, for git's textconv (``quanli git-setup``).

Each leaf value becomes one line ``path: value``; mapping keys are sorted (id and name first),
list entries are named by what identifies them (a basis by law and article, a step by id)
and lists of texts are sorted, so that ``git diff`` and ``git log -p`` show a changed field
as one removed and one added line, and reordering keys or reformatting shows nothing.
"""

from __future__ import annotations

import json
from typing import Any

from quanli.versioning.compare import IDENTITY, _generic, _label


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\n", "\\n")
    return json.dumps(value, ensure_ascii=False)


def lines(value: Any, path: str = "") -> list[str]:
    if isinstance(value, dict):
        if not value:
            return [f"{path}: {{}}"]
        out = []
        for key in sorted(value, key=lambda k: (k not in ("id", "name"), k != "id", str(k))):
            out += lines(value[key], f"{path}.{key}" if path else str(key))
        return out
    if isinstance(value, list):
        if not value:
            return [f"{path}: []"]
        keys = IDENTITY.get(_generic(path))
        if keys is None and all(not isinstance(v, (dict, list)) for v in value):
            return [f"{path}[]: {_scalar(v)}" for v in sorted(value, key=_scalar)]
        if keys is None:
            return [line for n, v in enumerate(value) for line in lines(v, f"{path}[{n}]")]
        # entries keep the file's order (steps read top to bottom) under their identity
        return [line for v in value for line in lines(v, f"{path}[{_label(v, keys)}]")]
    return [f"{path}: {_scalar(value)}"]


def convert(data: bytes) -> str:
    """The canonical text of a file; a file that cannot be read is shown as it is."""
    from quanli.versioning.history import parse_blob

    doc = parse_blob(data)
    if doc is None:
        return data.decode("utf-8", "replace")
    head = []
    if isinstance(doc, dict) and isinstance(doc.get("id"), str):
        head = [f"# {doc['id']} {doc.get('name', '')}".rstrip()]
    return "\n".join(head + lines(doc)) + "\n"
