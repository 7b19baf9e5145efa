"""The package's layout: no command module imports another (issue 21). What two commands share
lives in the package it belongs to (build/, check/, loader/, report/ …), never in commands/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

COMMANDS = Path(__file__).resolve().parents[1] / "src" / "quanli" / "commands"


def _imports_of_commands(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for every import of quanli.commands in ``tree``, at module level or inside a function."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name)
                for alias in node.names
                if alias.name == "quanli.commands" or alias.name.startswith("quanli.commands.")
            ]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # a relative import inside commands/ names a sibling command (or the package)
                found.append((node.lineno, "." * node.level + module))
            elif module == "quanli.commands" or module.startswith("quanli.commands."):
                found.append((node.lineno, module))
    return found


@pytest.mark.parametrize("path", sorted(COMMANDS.glob("*.py")), ids=lambda p: p.name)
def test_no_command_imports_another(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert _imports_of_commands(tree) == [], f"{path.name} imports a command module: move what it shares into a package"


def test_the_check_sees_every_kind_of_import():
    tree = ast.parse(
        "import quanli.commands.build\nfrom quanli.commands import fmt\n"
        "def f():\n    from quanli.commands.review import x\n    from . import scaffold\n"
        "import quanli.commandsx\nfrom quanli.check import run\n"
    )
    assert [line for line, _ in _imports_of_commands(tree)] == [1, 2, 4, 5]


SRC = COMMANDS.parent
MAX_LINES = 500


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: p.relative_to(SRC).as_posix())
def test_no_module_is_over_500_lines(path):
    """A module a reader can hold in mind (issue 21): split along its own steps when it grows past this."""
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(SRC)} has {lines} lines: split it along its own steps"


def test_the_top_level_holds_only_packages():
    loose = sorted(p.name for p in SRC.iterdir() if p.suffix == ".py" and p.name not in ("__init__.py", "__main__.py"))
    assert loose == [], f"modules outside a package: {loose}"
