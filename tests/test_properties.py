"""Properties over generated catalogues (issue 8): validate never crashes, a public build never
shows anything of a non-public item, diff lists exactly the edits made, fmt is idempotent and
keeps the data, export → import round-trips.

The generated catalogues are valid (``test_generated_catalogues_are_valid`` checks the strategy
itself). Items that must stay private draw every text they own from an alphabet of rare
characters (``SECRET``) that nothing else in a catalogue, the templates or the code uses, and
their ids and private flows carry the marker ``ZQ``: so the confidentiality property is not
"this name is absent" but "not one character of any private text, and no private id, appears
anywhere in the public build", whatever the encoding (HTML entities, JSON \\u escapes, URL
escapes, base64 data URIs, ZIP members nested in ZIP members, gzip).
"""

from __future__ import annotations

import base64
import copy
import gzip
import html
import io
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CATALOG, FLOW, LAWS, PENALTY, Cat, dump, invoke, item
from quanli.loader.yamlparse import load_bytes

EPOCH = "1767225600"  # 2026-01-01
PUBLIC_SCOPES = ["社会公开", "依申请公开"]
PRIVATE_SCOPES = ["内部公开", "不予公开"]
CATEGORIES = [
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
    "公共服务",
]
PUBLIC_TEXT = "审批许可登记备案检查征收确认奖励裁决申请受理决定送达建设项目环境排污资料档案年度报告"
SECRET = "鼋鼍鼐鼒鼗鼙鼢鼣鼤鼥鼦鼧鼨鼩鼪鼫鼭鼮鼯鼰鼱鼲鼳鼴鼵鼶鼸鼹鼺"
PUBLIC_TAGS = "甲乙丙丁戊己庚辛"  # the last character of each name: names never collide
SECRET_TAGS = "齀齁齂齃齄齅齆齇"
SECRET_MARK = "ZQ"  # in private ids and private flow ids, nowhere else


def slow(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )


@pytest.fixture(autouse=True)
def _fixed_source_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


# ---- the strategy -------------------------------------------------------------------------------


def _text(alphabet: str, lo: int, hi: int):
    return st.text(alphabet=alphabet, min_size=lo, max_size=hi)


@st.composite
def item_specs(draw, index: int, scope: str):
    """One item's data and the flow it uses (None: the shared public flow XK-TY)."""
    public = scope in PUBLIC_SCOPES
    alpha = PUBLIC_TEXT if public else SECRET
    ident = f"T-{'XK' if public else SECRET_MARK}-{index + 1:03d}"
    name = draw(_text(alpha, 3, 9)) + (PUBLIC_TAGS if public else SECRET_TAGS)[index]
    category = draw(st.sampled_from(CATEGORIES))
    extra: dict = dict(PENALTY) if category == "行政处罚" else {}
    extra["category"] = category
    if category == "行政处罚":
        extra["penalty"] = dict(PENALTY["penalty"], behaviour=draw(_text(alpha, 2, 8)))
        extra["discretion"] = [
            dict(PENALTY["discretion"][0], circumstances=draw(_text(alpha, 2, 8))),
            dict(PENALTY["discretion"][1]),
        ]
    else:
        extra["conditions"] = draw(st.lists(_text(alpha, 2, 12), min_size=1, max_size=3, unique=True))
        extra["materials"] = [{"name": draw(_text(alpha, 2, 8)) + "表", "form": "原件", "copies": 1}]
    basis = [{"law": "环境影响评价法", "article": "第二十二条"}]
    if draw(st.booleans()):
        basis[0]["text"] = draw(_text(alpha, 4, 20))
    if draw(st.booleans()):
        basis.append({"law": "行政许可法", "article": "第二十九条"})
    extra["basis"] = basis
    statutory = draw(st.integers(5, 30))
    extra["time_limit"] = {
        "statutory": {"value": statutory, "unit": "工作日"},
        "promised": draw(st.integers(1, statutory)),
    }
    extra["department"] = draw(st.sampled_from(["审批科", "法制科"]))
    if public:
        extra["disclosure"] = {"scope": scope, "forms": ["门户网站"], "timing": "长期公开"}
    else:
        extra["disclosure"] = {"scope": scope, "reason": draw(_text(alpha, 2, 8)) + "涉及国家秘密（保守国家秘密法）"}
    if draw(st.booleans()):
        extra["remarks"] = draw(_text(alpha, 1, 12))
    flow_kind = draw(st.sampled_from(["shared", "own"] if public else ["shared", "own", "private-shared"]))
    flow = None
    if flow_kind == "own":
        flow = (
            f"XK-P{index:02d}" if public else f"{SECRET_MARK}-S{index:02d}",
            draw(_text(alpha, 3, 8)) + "流程图",
            draw(_text(alpha, 2, 6)) + "岗",
        )
    elif flow_kind == "private-shared":
        flow = (f"{SECRET_MARK}-SH", "鼹鼺齁共用流程图", "鼹鼺岗")
    extra["flow"] = flow[0] if flow else "XK-TY"
    return item(ident=ident, name=name, **extra), flow


@st.composite
def catalogues(draw, min_items: int = 1, max_items: int = 8, need_both: bool = False):
    """(items, flows): items as data, flows as {id: data}; some items public and some not."""
    n = draw(st.integers(max(min_items, 2 if need_both else 1), max_items))
    scopes = draw(st.lists(st.sampled_from(PUBLIC_SCOPES + PRIVATE_SCOPES), min_size=n, max_size=n))
    if need_both:
        scopes[0] = draw(st.sampled_from(PUBLIC_SCOPES))
        scopes[-1] = draw(st.sampled_from(PRIVATE_SCOPES))
    items, flows = [], {"XK-TY": FLOW}
    for i, scope in enumerate(scopes):
        data, flow = draw(item_specs(i, scope))
        items.append(data)
        if flow:
            ident, name, post = flow
            steps = copy.deepcopy(FLOW["steps"])
            steps[1]["post"] = steps[2]["post"] = post
            flows[ident] = dict(copy.deepcopy(FLOW), id=ident, name=name, steps=steps)
    return items, flows


def write_catalogue(root: Path, items: list[dict], flows: dict[str, dict]) -> Cat:
    cat = Cat(root)
    cat.write("catalog.yaml", CATALOG)
    cat.write("laws.yaml", LAWS)
    for ident, flow in flows.items():
        cat.write(f"flows/{ident}.yaml", flow)
    for data in items:
        cat.write(f"items/{data['id']}.yaml", data)
    return cat


def is_public(data: dict) -> bool:
    return data["disclosure"]["scope"] in PUBLIC_SCOPES


@pytest.fixture
def scratch():
    """A fresh folder per example (hypothesis runs many examples in one test call)."""
    made = []

    def new() -> Path:
        made.append(Path(tempfile.mkdtemp(prefix="quanli-prop-")))
        return made[-1]

    yield new
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


@slow(20)
@given(catalogues())
def test_generated_catalogues_are_valid(scratch, spec):
    items, flows = spec
    cat = write_catalogue(scratch() / "cat", items, flows)
    code, findings = cat.validate()
    assert code == 0 and not [f for f in findings if f["severity"] == "error"], findings


# ---- (a) validate never crashes -------------------------------------------------------------------

JUNK = st.one_of(
    st.binary(max_size=200),
    st.text(alphabet=st.sampled_from(list("ab: -'\"[]{}#&*!|>%@`,?\n\t\r中文\u200b\u202e\ufeff\x00\x07")), max_size=80),
    st.sampled_from(
        [
            "",
            "\n",
            "[]\n",
            "- a\n",
            "a: &x 1\nb: *x\n",
            "a: 1\na: 2\n",
            "---\na: 1\n---\nb: 2\n",
            "!!python/object:x {}\n",
            "id: [" * 100,
            "a:\n" + "  " * 70 + "b: 1\n",
        ]
    ).map(lambda s: s.encode("utf-8")),
)
WRONG = st.sampled_from([None, 0, -1, 1.5, True, "", "不存在的值", [], {}, [None], {"x": 1}, "../../etc/passwd", "CON"])
FIELDS = [
    "id",
    "name",
    "category",
    "subject",
    "department",
    "duties",
    "flow",
    "basis",
    "conditions",
    "materials",
    "time_limit",
    "fee",
    "contact",
    "responsibility",
    "disclosure",
    "penalty",
    "discretion",
    "level",
    "status",
    "dates",
    "important",
]


@st.composite
def damages(draw):
    """A list of (what, where, how) changes that may make the catalogue invalid in any way."""
    kind = st.sampled_from(["field", "drop", "junk", "junk-shared", "ref", "dup", "remove-shared", "stray", "nested"])
    return draw(st.lists(st.tuples(kind, st.integers(0, 7), st.sampled_from(FIELDS), WRONG, JUNK), max_size=4))


def damage(cat: Cat, items: list[dict], changes) -> None:
    for kind, n, fld, wrong, junk in changes:
        data = copy.deepcopy(items[n % len(items)])
        path = f"items/{data['id']}.yaml"
        if kind == "field":
            data[fld] = wrong
            cat.write(path, data)
        elif kind == "drop":
            data.pop(fld, None)
            cat.write(path, data)
        elif kind == "junk":
            cat.write(path, junk)
        elif kind == "junk-shared":
            cat.write(["catalog.yaml", "laws.yaml", "flows/XK-TY.yaml"][n % 3], junk)
        elif kind == "ref":
            data.update(
                flow="XK-NONE",
                department="不存在的科",
                duties=["ZZ-99"],
                basis=[{"law": "不存在的法", "article": "第一条"}],
            )
            cat.write(path, data)
        elif kind == "dup":
            cat.write(f"items/T-XK-9{n:02d}.yaml", data)  # the same id in a second file
        elif kind == "remove-shared":
            target = cat.root / ["laws.yaml", "flows/XK-TY.yaml", "flows"][n % 3]
            shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
        elif kind == "stray":
            cat.write(f"items/{['a.txt', 'CON.yaml', 'T-xk-001.yaml', '.hidden.yaml', 'sub/x.yaml'][n % 5]}", junk)
        elif kind == "nested":
            cat.write(path, "a:\n" + "".join("  " * d + "- x:\n" for d in range(1, 40 + n * 10)))


@slow(100)
@given(catalogues(max_items=4), damages())
def test_validate_never_crashes_and_gives_findings_or_a_clean_verdict(scratch, spec, changes):
    items, flows = spec
    cat = write_catalogue(scratch() / "cat", items, flows)
    damage(cat, items, changes)
    result = invoke("validate", str(cat.root), "--format", "json", "--no-cache")
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    findings = json.loads(result.stdout)
    assert isinstance(findings, list)
    for f in findings:
        assert re.fullmatch(r"QL\d{3}", f["rule"]) and f["severity"] in ("error", "warning", "info") and f["message"], f
    assert result.exit_code == (1 if any(f["severity"] == "error" for f in findings) else 0)
    if not changes:
        assert result.exit_code == 0, findings  # an undamaged catalogue is clean
    text = invoke("validate", str(cat.root), "--no-cache", "--lang", "en")  # the text report agrees
    assert text.exit_code == result.exit_code and "Traceback" not in text.output, text.output


# ---- (b) a public build never shows a non-public item ----------------------------------------------

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_DATA_URI = re.compile(r"data:[^;,\"'\s]*;base64,([A-Za-z0-9+/=]+)")


def texts_of(name: str, data: bytes, depth: int = 0):
    """Every readable form of an output: its name, its text decoded every way a reader's tool
    would (entities, \\u escapes, %-escapes, base64 data URIs), members of ZIPs (also nested,
    e.g. a DOCX inside the bundle) and gzip streams."""
    yield name
    yield unquote(name)
    if depth < 4 and data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                yield from texts_of(info.filename, zf.read(info), depth + 1)
        return
    if depth < 4 and data[:2] == b"\x1f\x8b":
        yield from texts_of(name + "|gunzip", gzip.decompress(data), depth + 1)
        return
    text = data.decode("utf-8", "replace")
    yield text
    yield html.unescape(text)
    yield _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    yield unquote(text)
    for m in _DATA_URI.finditer(text):
        try:
            inner = base64.b64decode(m.group(1))
        except ValueError:
            continue
        yield from texts_of(name + "|data-uri", inner, depth + 1)


def build(src: Path, out: Path, *extra: str):
    return invoke("build", str(src), "--out", str(out), "--quiet", *extra)


def output_texts(out: Path) -> list[tuple[str, str]]:
    found = []
    for path in sorted(out.rglob("*")):
        if path.is_file():
            rel = path.relative_to(out).as_posix()
            found += [(rel, t) for t in texts_of(rel, path.read_bytes())]
    return found


def private_flows(items: list[dict]) -> set[str]:
    """Flows that only non-public items use: private with them."""
    public = {i["flow"] for i in items if is_public(i)}
    return {i["flow"] for i in items if not is_public(i)} - public


@slow(15)
@given(catalogues(need_both=True))
def test_a_public_build_holds_nothing_of_a_non_public_item(scratch, spec):
    items, flows = spec
    root = scratch()
    cat = write_catalogue(root / "cat", items, flows)
    result = build(cat.root, root / "out")
    assert result.exit_code == 0, result.output
    texts = output_texts(root / "out")
    secret_chars = re.compile(f"[{SECRET}{SECRET_TAGS}]")
    for where, text in texts:
        m = secret_chars.search(text)
        assert m is None, (where, text[max(0, m.start() - 80) : m.end() + 80])
        assert SECRET_MARK not in text, (
            where,
            text[max(0, text.index(SECRET_MARK) - 80) : text.index(SECRET_MARK) + 80],
        )
    every = "\n".join(t for _, t in texts)
    for data in items:
        if is_public(data):  # and the build is not empty: every public item is there, by id and name
            assert data["id"] in every and data["name"] in every, data["id"]
    manifest = json.loads((root / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["audience"] == "public"
    assert not [n for n in manifest["files"] if SECRET_MARK in n]


def test_the_scan_would_see_private_text_in_an_internal_build(tmp_path):
    """The check above is not vacuous: an internal build of such a catalogue shows the private texts."""
    items, flows = _fixed_spec()
    cat = write_catalogue(tmp_path / "cat", items, flows)
    assert build(cat.root, tmp_path / "out", "--audience", "internal").exit_code == 0
    texts = output_texts(tmp_path / "out")
    every = "\n".join(t for _, t in texts)
    secret = next(i for i in items if not is_public(i))
    assert secret["id"] in every and secret["name"] in every
    assert any(SECRET_MARK + "-S" in name for name, _ in texts)  # its own flow's files


def _fixed_spec():
    items = [
        item(ident="T-XK-001", name="建设项目审批甲"),
        item(
            ident="T-ZQ-002",
            name="鼋鼍鼐鼒齁",
            flow="ZQ-S01",
            conditions=["鼗鼙鼢"],
            disclosure={"scope": "不予公开", "reason": "鼣鼤涉及国家秘密（保守国家秘密法）"},
        ),
    ]
    steps = copy.deepcopy(FLOW["steps"])
    steps[1]["post"] = "鼥鼦岗"
    return items, {"XK-TY": FLOW, "ZQ-S01": dict(copy.deepcopy(FLOW), id="ZQ-S01", name="鼧鼨流程图", steps=steps)}


# ---- (c) diff lists exactly the edits --------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env={
            "GIT_AUTHOR_NAME": "办事员",
            "GIT_AUTHOR_EMAIL": "clerk@example.org",
            "GIT_COMMITTER_NAME": "办事员",
            "GIT_COMMITTER_EMAIL": "clerk@example.org",
            "HOME": str(repo),
            "PATH": "/usr/bin:/bin",
        },
    ).stdout


EDITS = st.sampled_from(["name", "department", "promised", "conditions", "remarks", "remove", "renumber"])


@st.composite
def edit_plans(draw, n_items: int):
    """{item index: [edits]} for some items, and how many new items to add."""
    chosen = draw(st.lists(st.integers(0, n_items - 1), unique=True, max_size=min(n_items, 4)))
    plan = {}
    for i in chosen:
        edits = draw(st.lists(EDITS, min_size=1, max_size=3, unique=True))
        if "remove" in edits:
            edits = ["remove"]
        if (
            "renumber" in edits
        ):  # a rename is found by name and content: a renumbered item keeps its name, one more edit at most
            edits = ["renumber"] + [e for e in edits if e not in ("renumber", "name")][:1]
        plan[i] = edits
    return plan, draw(st.integers(0, 2))


def _apply(data: dict, edit: str, n: int) -> tuple[dict, list[dict]]:
    """The edited data and the field changes diff must report."""
    new = copy.deepcopy(data)
    if edit == "name":
        new["name"] = data["name"] + "（已修改）"
        return new, [{"path": "name", "title": "项目名称", "old": data["name"], "new": new["name"]}]
    if edit == "department":
        new["department"] = "法制科" if data["department"] == "审批科" else "审批科"
        return new, [{"path": "department", "title": "承办机构", "old": data["department"], "new": new["department"]}]
    if edit == "promised":
        old = data["time_limit"]["promised"]
        new["time_limit"]["promised"] = old + 1 if old < data["time_limit"]["statutory"]["value"] else old - 1 or 2
        return new, [
            {"path": "time_limit.promised", "title": "承诺办结时限", "old": old, "new": new["time_limit"]["promised"]}
        ]
    if edit == "conditions":
        if "conditions" not in data:
            new["conditions"] = ["新增的受理条件"]
            return new, [{"path": "conditions", "title": "受理条件", "old": None, "new": ["新增的受理条件"]}]
        new["conditions"] = data["conditions"][1:] + ["新增的受理条件"]
        return new, [
            {"path": "conditions", "title": "受理条件", "old": data["conditions"][:1], "new": ["新增的受理条件"]}
        ]
    if edit == "remarks":
        new["remarks"] = f"第{n}次修改的备注"
        return new, [{"path": "remarks", "title": "备注", "old": data.get("remarks"), "new": new["remarks"]}]
    raise AssertionError(edit)


def diff_json(*args: str) -> list[dict]:
    result = invoke("diff", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    out = [{k: v for k, v in c.items() if k != "catalogue"} for c in json.loads(result.stdout)]
    for change in out:
        if "fields" in change:
            change["fields"] = sorted(change["fields"], key=lambda f: f["path"])
    return sorted(out, key=lambda c: (c["kind"], c["id"]))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make test repositories")
@slow(30)
@given(st.data())
def test_diff_of_a_revision_with_itself_is_empty_and_lists_exactly_the_edits(scratch, monkeypatch, data):
    items, flows = data.draw(catalogues(min_items=2, max_items=6))
    plan, added = data.draw(edit_plans(len(items)))
    repo = scratch()
    cat = write_catalogue(repo / "cat", items, flows)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A")
    monkeypatch.chdir(repo)
    expected = []
    for i, edits in sorted(plan.items()):
        data_i = items[i]
        path = cat.root / "items" / f"{data_i['id']}.yaml"
        if edits == ["remove"]:
            git(repo, "rm", "-q", str(path.relative_to(repo)))
            expected.append({"kind": "item", "id": data_i["id"], "change": "removed", "name": data_i["name"]})
            continue
        new, fields = data_i, []
        for n, edit in enumerate(e for e in edits if e != "renumber"):
            new, more = _apply(new, edit, n)
            fields += more
        ident = data_i["id"]
        if "renumber" in edits:  # the same item under a new id: a rename, with its other edits
            ident = data_i["id"].replace("-0", "-5", 1)
            git(repo, "mv", str(path.relative_to(repo)), f"cat/items/{ident}.yaml")
            path = cat.root / "items" / f"{ident}.yaml"
            new = dict(new, id=ident)
        path.write_text(dump(new), encoding="utf-8")
        change = {
            "kind": "item",
            "id": ident,
            "change": "renamed" if ident != data_i["id"] else "modified",
            "name": new["name"],
        }
        if ident != data_i["id"]:
            change["old_id"] = data_i["id"]
        if fields:
            change["fields"] = sorted(fields, key=lambda f: f["path"])
        expected.append(change)
    for k in range(added):  # new items, different enough from every removed one not to be taken for a rename
        new = item(
            ident=f"T-XK-7{k:02d}",
            name=f"新增的事项{'甲乙'[k]}",
            category="公共服务",
            department="法制科",
            conditions=[f"新增条件{k}"],
            remarks="新增",
            time_limit={"statutory": 3, "promised": 1},
        )
        cat.write(f"items/{new['id']}.yaml", new)
        expected.append({"kind": "item", "id": new["id"], "change": "added", "name": new["name"]})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "B")
    assert diff_json("HEAD~1", "HEAD~1") == []
    assert diff_json("HEAD", "HEAD") == []
    assert diff_json("HEAD~1", "HEAD") == sorted(expected, key=lambda c: (c["kind"], c["id"]))


# ---- (d) fmt is idempotent and keeps the data ------------------------------------------------------


@st.composite
def messy_dumps(draw, data: dict) -> str:
    """The same data as a clerk might have typed it: keys in any order, flow or block style, any
    indent, comments."""
    keys = draw(st.permutations(list(data)))
    shuffled = {k: data[k] for k in keys}
    text = yaml.safe_dump(
        shuffled,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=draw(st.sampled_from([False, None])),
        indent=draw(st.integers(2, 6)),
        width=draw(st.sampled_from([20, 80, 10**6])),
    )
    if draw(st.booleans()):
        lines = text.split("\n")
        at = draw(st.integers(0, len(lines) - 1))
        if not lines[at].startswith(" "):  # a comment line between top-level entries
            lines.insert(at, "# 手写的注释")
        text = "\n".join(lines)
    return text


@slow(40)
@given(st.data())
def test_fmt_is_idempotent_and_never_changes_the_data(scratch, data):
    items, flows = data.draw(catalogues(max_items=4))
    cat = write_catalogue(scratch() / "cat", items, flows)
    for doc in items:
        cat.write(f"items/{doc['id']}.yaml", data.draw(messy_dumps(doc)))
    cat.write("flows/XK-TY.yaml", data.draw(messy_dumps(FLOW)))
    files = sorted(p for p in cat.root.rglob("*.yaml") if ".quanli" not in p.parts)
    before = {p: load_bytes(p.read_bytes())[0] for p in files}
    result = invoke("fmt", str(cat.root), "--no-cache")
    assert result.exit_code == 0, result.output
    once = {p: p.read_bytes() for p in files}
    for p in files:
        assert load_bytes(once[p])[0] == before[p], p
    again = invoke("fmt", "--check", str(cat.root), "--no-cache")
    assert again.exit_code == 0, again.output
    assert invoke("fmt", str(cat.root), "--no-cache").exit_code == 0
    assert {p: p.read_bytes() for p in files} == once  # a second run changes nothing


def test_fmt_twice_is_fmt_once_with_a_comment_after_a_flow_list():
    """Found by the property above: ``- {law: a}`` then a comment is held by the list; once formatted
    (``- law: a``) by the entry, and the second run used to reorder the keys the first had kept."""
    from quanli.loader.yamlfmt import format_text

    modeline = "# yaml-language-server: $schema=../.quanli/schemas/item.schema.json"
    text = (
        "id: T-XK-001\nname: 甲\nconditions: [乙]\nbasis:\n- {law: 环境影响评价法, article: 第二十二条}\n# 手写的注释\n"
        "duties: [ZZ-02]\nfee: {charged: false}\nflow: XK-TY\n"
    )
    once = format_text(text, "item", modeline)
    assert format_text(once, "item", modeline) == once
    assert load_bytes(once.encode())[0] == load_bytes(text.encode())[0]


def test_fmt_twice_is_fmt_once_with_a_comment_between_flow_entries():
    """Found by the property above (second session): a comment between two ``- {…}`` entries kept
    the first run from reordering the keys; the second run then reordered them."""
    from quanli.loader.yamlfmt import format_text

    modeline = "# yaml-language-server: $schema=../.quanli/schemas/item.schema.json"
    text = (
        "id: T-XK-001\nname: 甲\nmaterials:\n- {name: 表, form: 原件, copies: 1}\nflow: XK-TY\nbasis:\n"
        "- {law: 环境影响评价法, article: 第二十二条}\n# 手写的注释\n- {law: 行政许可法, article: 第二十九条}\n"
        "subject: 测试县生态环境局\ndepartment: 审批科\n"
    )
    once = format_text(text, "item", modeline)
    assert format_text(once, "item", modeline) == once
    assert load_bytes(once.encode())[0] == load_bytes(text.encode())[0]
    assert "# 手写的注释" in once


# ---- (e) export -> import round-trips ----------------------------------------------------------------

TRICKY = st.one_of(
    st.text(alphabet=st.sampled_from(list("=+-@'\" \t\n\r0１无/，,;：:#《》{}[]审批1.")), min_size=1, max_size=12),
    st.sampled_from(
        ["无", "010", "1e5", "'=已经加了引号", "=SUM(A1)", "[1, 2]", '{"a": 1}', "是", "null", " 前后空格 "]
    ),
)


@slow(25)
@given(catalogues(max_items=5), st.sampled_from(["xlsx", "csv", "json"]), st.lists(TRICKY, max_size=3), st.data())
def test_export_then_import_gives_the_same_items(scratch, spec, fmt, tricky, data):
    items, flows = spec
    for k, text in enumerate(tricky):  # texts that look like formulas, numbers, 无, JSON, lists …
        target = items[k % len(items)]
        field = data.draw(st.sampled_from(["remarks", "name", "conditions", "subject"]))
        if field == "name" and any(other is not target and other.get("name") == text for other in items):
            field = "remarks"  # two items of one name make an invalid catalogue (QL113): not this property
        if field == "conditions":
            target["conditions"] = [text, "第二条" + text]
        else:
            target[field] = text
    root = scratch()
    cat = write_catalogue(root / "cat", items, flows)
    before = {p.stem: load_bytes(p.read_bytes())[0] for p in sorted((cat.root / "items").glob("*.yaml"))}
    out = root / f"export.{fmt}"
    assert invoke("export", str(cat.root), "--format", fmt, "--out", str(out)).exit_code == 0
    result = invoke("import", str(out), "--into", str(root / "again"), "--unit", "测试县生态环境局", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["problems"] == [] and report["unmapped"] == [], report
    after = {p.stem: load_bytes(p.read_bytes())[0] for p in sorted((root / "again" / "items").glob("*.yaml"))}
    assert after == before
