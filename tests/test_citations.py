"""Sources are cited by title and number (issue 21): a clerk cannot look up "seed 000".

The documents quanli rests on are listed in docs/sources.md; "seed 00x" was only the label of
the file a developer read them from.
"""

from __future__ import annotations

import re

from conftest import ROOT, invoke

SEED = re.compile(rb"seed\s*0", re.IGNORECASE)


def _files():
    for top in ("src", "schemas", "docs", "templates"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
                yield path
    yield ROOT / "README.md"


def test_no_seed_labels_in_sources_docs_or_readme() -> None:
    found = []
    for path in _files():
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            if SEED.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.decode('utf-8', 'replace').strip()[:120]}")
    assert not found, "cite the document by title and number (see docs/sources.md), not its seed file:\n" + "\n".join(
        found
    )


def test_rule_rationale_names_the_document() -> None:
    result = invoke("rules", "QL301")
    assert result.exit_code == 0, result.stdout
    assert "《银川市人民政府办公厅深化政务公开工作实施方案》" in result.stdout
    assert "seed" not in result.stdout.lower()


def test_sources_page_lists_every_document_number() -> None:
    text = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    for number in (
        "银政办内发〔2008〕48号",
        "坛环法〔2008〕第1号",
        "内政办发〔2010〕66号",
        "内政办发〔2015〕8号",
        "鹤政办〔2019〕20号",
    ):
        assert number in text
    assert "docs/sources.md" in (ROOT / "README.md").read_text(encoding="utf-8")
