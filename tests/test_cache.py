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
    changed = [
        p.name
        for p in (cat.root / ".quanli-cache").glob("parse-*.marshal")
        if p.stat().st_mtime_ns != shards.get(p.name)
    ]
    assert len(changed) in (1, 2)  # the new content's shard, and the old content's if it differs


def test_a_cache_quanli_did_not_write_for_this_user_is_never_read(cat):
    """A forged cache (committed to the repository, say) that says "no findings" for a bad item,
    or that holds a different parse of it, is ignored: caches are sealed with the user's key."""
    import marshal

    from quanli.loader import cache

    cat.item(ident="T-XK-002", name="第二项", flow="XK-HP")  # an unknown flow: QL114
    bad = run(cat)
    assert bad[0] == 1
    folder = cat.root / ".quanli-cache"
    sealed = {f: f.read_bytes() for f in folder.glob("*.marshal")}
    assert sealed and all(data[:4] == cache.SEAL for data in sealed.values())
    for f, data in sealed.items():  # the same records, unsealed: what a forger can write
        f.write_bytes(data[20:])
    assert run(cat) == bad
    for f, data in sealed.items():  # sealed with another user's key
        f.write_bytes(data[:4] + bytes(16) + data[20:])
    assert run(cat) == bad
    # a forged verdict: the results record of this very catalogue, saying nothing was found
    results = folder / "results.marshal"
    body = cache._unseal(sealed[results])
    import io

    records = io.BytesIO(body)
    header = marshal.load(records)
    results.write_bytes(marshal.dumps(header) + marshal.dumps([[], []]))
    assert run(cat) == bad
    results.write_bytes(cache._seal(marshal.dumps(header) + marshal.dumps([[], []])))  # only quanli itself can seal
    assert run(cat) == (0, [])


def test_the_user_key_is_kept_outside_the_catalogue(cat, tmp_path, monkeypatch):
    from quanli.loader import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "keys"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "keys"))
    cache._user_key.cache_clear()
    try:
        first = cache._user_key()
        cache._user_key.cache_clear()
        assert cache._user_key() == first and len(first) == 32
        assert (tmp_path / "keys" / "quanli" / "cache-key").read_bytes() == first
        assert not list(cat.root.rglob("cache-key"))
    finally:
        cache._user_key.cache_clear()
