"""The parse and result caches: same verdict warm and cold, changes always seen, damage ignored."""

from __future__ import annotations

import json

from conftest import invoke


def run(cat, *extra):
    result = invoke("validate", str(cat.root), "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)


def test_warm_run_gives_the_same_findings_as_cold(cat):
    cat.item(ident="T-XK-002", name="第二项", flow="XK-HP")
    cold = run(cat)
    assert list((cat.root / ".quanli-cache").glob("parse-*.marshal"))
    assert (cat.root / ".quanli-cache" / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")
    assert run(cat) == cold == run(cat, "--no-cache")
    assert cold[0] == 1


def test_a_changed_file_is_seen_on_the_next_run(cat):
    assert run(cat) == (0, [])
    cat.item(flow="XK-HP")
    code, findings = run(cat)
    assert code == 1 and findings[0]["rule"] == "QL114"
    cat.item()
    assert run(cat) == (0, [])


def test_an_added_or_removed_file_is_seen(cat):
    assert run(cat) == (0, [])
    cat.write("items/T-XK-002.yaml", "# 空\n")
    assert run(cat)[1][0]["rule"] == "QL105"
    (cat.root / "items" / "T-XK-002.yaml").unlink()
    assert run(cat) == (0, [])


def test_a_corrupt_cache_is_ignored(cat):
    run(cat)
    for f in (cat.root / ".quanli-cache").glob("*.marshal"):
        f.write_bytes(b"\x00garbage")
    assert run(cat) == (0, [])
    cat.item(flow="XK-HP")
    assert run(cat)[0] == 1


def test_no_cache_writes_nothing(cat):
    run(cat, "--no-cache")
    assert not (cat.root / ".quanli-cache").exists()


def test_cached_data_is_not_mutated_across_runs(cat):
    """A phone typed as a number is turned into text as the file is read and validated; a warm run,
    reading the cached result, must see the same text and give the same verdict."""
    cat.item(contact={"consult_phone": 12345})
    assert run(cat) == (0, []) == run(cat)


def test_after_one_edit_only_its_shard_of_the_parse_cache_is_written(cat):
    for n in range(2, 40):
        cat.item(ident=f"T-XK-{n:03d}", name=f"第{n}个事项")
    run(cat)
    shards = {p.name: p.stat().st_mtime_ns for p in (cat.root / ".quanli-cache").glob("parse-*.marshal")}
    assert len(shards) > 8
    cat.item(ident="T-XK-007", name="第7个事项（改）")
    run(cat)
    changed = [p.name for p in (cat.root / ".quanli-cache").glob("parse-*.marshal") if p.stat().st_mtime_ns != shards.get(p.name)]
    assert len(changed) in (1, 2)  # the new content's shard, and the old content's if it differs
