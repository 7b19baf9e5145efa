"""Checking again only what changed: the item-local rules really are local, and a run that
recalls remembered findings reports exactly what a run from scratch reports."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from conftest import SAMPLES, invoke
from quanli.check.context import Context
from quanli.check.registry import RULES, SUMMARY_FIELDS, load_all, summary
from quanli.check.run import item_findings, shared_findings
from quanli.loader.catalogue import load_catalogue
from test_rules import CASES

load_all()
LOCAL = [rule for rule in RULES.values() if rule.check is not None and not rule.across_items]
ACROSS = [rule for rule in RULES.values() if rule.check is not None and rule.across_items]


def _rows(findings) -> list:
    return sorted((f.rule, f.abs_path, tuple(f.path), f.message_en, f.line, f.column) for f in findings)


def display(sf) -> str:
    return sf.path


def _run(catalogue, rule) -> list:
    ctx = Context(catalogue, display)
    rule.check(ctx)
    return ctx.findings


CASE_NAMES = sorted(CASES) + ["duplicate-item-id"]


def _scenario(cat, case: str) -> None:
    """A rule's failing example (or a duplicate item id), with two more items beside it."""
    from conftest import item

    cat.item(ident="T-XK-008", name="建设项目环境影响报告书审批")
    cat.item(ident="T-XK-009", name="排污许可证核发", flow="XK-TY")
    if case == "duplicate-item-id":
        cat.write("items/T-XK-007.yaml", item(ident="T-XK-001", name="另一个事项"))
    else:
        CASES[case][0](cat)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_item_local_rules_see_only_their_item(cat, case):
    """For every rule not in ACROSS_ITEMS: its findings on the whole catalogue are those on the
    shared files alone plus those on each item alone (the rule's own failing example, with two
    more items beside it)."""
    _scenario(cat, case)
    catalogue = load_catalogue(cat.root, use_cache=False)  # validated as it is read, as in a real run
    problems = {sf.path: sf.problems for sf in catalogue.files() if sf.ok}
    for rule in LOCAL:  # exactly the partition an incremental run uses
        whole = _run(catalogue, rule)
        parts = shared_findings(catalogue, display, problems, [rule], {rule.id}).findings
        for sf in catalogue.items:
            parts += item_findings(catalogue, [sf], display, problems, [rule], {rule.id})
        parts = [f for f in parts if f.rule == rule.id]  # not what reading the files found
        assert _rows(parts) == _rows(whole), (case, rule.id)


class Watched(dict):
    """An item's summary that fails the test when a rule asks for a field the summary leaves out."""

    def __init__(self, data: dict, allowed) -> None:
        super().__init__(data)
        self.allowed = allowed

    def _check(self, key):
        assert key in self.allowed, f"a rule across items reads '{key}', which registry.summary() leaves out"

    def get(self, key, default=None):
        self._check(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._check(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._check(key)
        return super().__contains__(key)


def _watched(data: dict) -> Watched:
    out = {}
    for key, value in summary(data).items():
        inner = SUMMARY_FIELDS[key]
        if inner is not None and isinstance(value, dict):
            value = Watched(value, inner)
        elif inner is not None and isinstance(value, list):
            value = [Watched(e, inner) if isinstance(e, dict) else e for e in value]
        out[key] = value
    return Watched(out, set(SUMMARY_FIELDS))


@pytest.mark.parametrize("case", CASE_NAMES)
def test_rules_across_items_read_only_the_summary(cat, case):
    """An unchanged item is recalled as its summary: the rules that compare items must find the
    same with it, and must not even ask for anything else."""
    _scenario(cat, case)
    catalogue = load_catalogue(cat.root, use_cache=False)
    slim = dataclasses.replace(
        catalogue, items=[dataclasses.replace(sf, data=_watched(sf.data)) if sf.ok else sf for sf in catalogue.items]
    )
    for rule in ACROSS:
        assert _rows(_run(slim, rule)) == _rows(_run(catalogue, rule)), (case, rule.id)


def _verdict(root, *extra) -> list:
    result = invoke("validate", str(root), "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.output
    return sorted(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in json.loads(result.stdout))


EDITS = [  # (file, old text, new text): each applied on top of the previous ones
    ("items/SJ-CF-001.yaml", "\nname: ", "\nremarks: 待定\nname: "),  # a new finding in one item
    ("laws.yaml", "status: 现行有效", "status: 已废止"),  # a shared file: items citing the law change
    ("items/SJ-CF-001.yaml", "remarks: 待定\n", ""),  # and back
    ("catalog.yaml", "- name: 法规科", "- name: 法制科"),  # a department renamed: its item no longer matches
]


def test_recalled_findings_are_those_of_a_run_from_scratch(tmp_path):
    root = tmp_path / "amr"
    shutil.copytree(SAMPLES / "county-amr", root, ignore=shutil.ignore_patterns(".quanli-cache"))
    assert _verdict(root) == _verdict(root, "--no-cache")
    items = sorted((root / "items").iterdir())
    second = (root / "items" / items[3].name).read_text(encoding="utf-8")
    first_name = next(
        line
        for line in (root / "items" / items[2].name).read_text(encoding="utf-8").splitlines()
        if line.startswith("name: ")
    )
    own_name = next(line for line in second.splitlines() if line.startswith("name: "))
    for rel, old, new in EDITS + [(f"items/{items[3].name}", own_name, first_name)]:  # a duplicate name: across items
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        assert _verdict(root) == _verdict(root, "--no-cache"), rel


def test_after_one_edit_only_that_item_is_checked_again(tmp_path, monkeypatch):
    root = tmp_path / "amr"
    shutil.copytree(SAMPLES / "county-amr", root, ignore=shutil.ignore_patterns(".quanli-cache"))
    assert invoke("validate", str(root)).exit_code in (0, 1)
    seen = []
    rule = RULES["QL201"]
    real = rule.check
    monkeypatch.setattr(rule, "check", lambda ctx: seen.append(len(ctx.catalogue.items)) or real(ctx))
    target = sorted((root / "items").iterdir())[5]
    target.write_text(target.read_text(encoding="utf-8") + "remarks: 改了一处\n", encoding="utf-8")
    assert invoke("validate", str(root)).exit_code in (0, 1)
    assert sorted(seen) == [0, 1]  # the shared files alone, then the one changed item


def test_items_checked_in_worker_processes_give_the_same_findings(tmp_path, monkeypatch):
    """Cold runs check the items where they are parsed, part of them in a worker process."""
    import quanli.loader.catalogue as loader

    root = tmp_path / "amr"
    shutil.copytree(SAMPLES / "county-amr", root, ignore=shutil.ignore_patterns(".quanli-cache"))
    target = sorted((root / "items").iterdir())[7]
    target.write_text(
        target.read_text(encoding="utf-8").replace("\nname: ", "\nname: 待定", 1), encoding="utf-8"
    )  # a finding in a worker's share
    monkeypatch.setattr(loader, "PARALLEL_THRESHOLD", 10**9)
    alone = _verdict(root, "--no-cache")
    monkeypatch.setattr(loader, "PARALLEL_THRESHOLD", 2)
    assert _verdict(root) == alone  # cold, with the cache being filled
    assert _verdict(root, "--no-cache") == alone
    assert any('"QL802"' in f for f in alone)


def test_a_spawned_worker_gets_everything_it_needs(tmp_path):
    """Windows and macOS start workers by spawning a fresh interpreter: what is sent must pickle
    and the worker must load the rules itself. Parse and check a share there, as Windows would."""
    import marshal
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from quanli.check.registry import summary
    from quanli.check.run import ItemCheck
    from quanli.loader.catalogue import _parse_chunk, _parse_packed, _unpack, read_catalogue

    root = tmp_path / "amr"
    shutil.copytree(SAMPLES / "county-amr", root, ignore=shutil.ignore_patterns(".quanli-cache"))
    (root / "flows" / "BROKEN.yaml").write_text("id: [\n", encoding="utf-8")  # a shared file that failed to parse
    target = sorted((root / "items").iterdir())[3]
    target.write_text(target.read_text(encoding="utf-8").replace("\nname: ", "\nname: 待定", 1), encoding="utf-8")
    snap = read_catalogue(root)
    shared = [sf for sf in snap.files if sf.kind != "item"]
    for sf, (data, facts, failure, problems) in zip(shared, _parse_chunk([(sf.blob, sf.kind) for sf in shared])):
        sf.data, sf.facts, sf.failure, sf.problems = data, facts, failure, problems
    work = [(sf.blob, sf.kind, sf.path, sf.rel) for sf in snap.files if sf.kind == "item"]
    check = ItemCheck(snap.root, {}, None, snap.strays, snap.missing, shared=shared)
    here = check.rows_for(work, _parse_chunk(work))
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        parsed, rows, _ = _unpack(pool.submit(_parse_packed, work, check, True).result(), True)
    assert rows == here and any(rows.values())
    # each item back as its summary and its parse-cache entry (the document, marshalled)
    assert [p[0] for p in parsed] == [summary(p[0]) for p in _parse_chunk(work)]
    assert [marshal.loads(p[2])[0] for p in parsed] == [p[0] for p in _parse_chunk(work)]


def test_the_item_names_for_cross_catalogue_checks_are_remembered(cat, monkeypatch):
    """Each item's row of Checked.names (what QL124 and the workspace rules compare) is kept with its
    findings: after an edit only the changed item's row is worked out again, and the rows are right."""
    from quanli.check import run
    from quanli.check.rules import workspace
    from quanli.loader.catalogue import read_catalogue

    for n in range(2, 6):
        cat.item(ident=f"T-XK-{n:03d}", name=f"第{n}个事项")
    first = run.check_snapshot(read_catalogue(cat.root)).profiles
    made = []
    real = workspace.profile
    monkeypatch.setattr(workspace, "profile", lambda data, laws: made.append(data["id"]) or real(data, laws))
    cat.item(ident="T-XK-003", name="第三个事项（已修改）")
    after = run.check_snapshot(read_catalogue(cat.root)).profiles
    assert made == ["T-XK-003"]
    assert [p for p in after if "T-XK-003" not in p[2]] == [p for p in first if "T-XK-003" not in p[2]]
    assert any(p[1] == "第三个事项（已修改）" for p in after)
