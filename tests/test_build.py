"""quanli build: the deliverables, the audience boundary, reproducibility and safe output."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CATALOG, FLOW, LAWS, SAMPLES, Cat, invoke, item

EPOCH = "1767225600"  # 2026-01-01


@pytest.fixture(autouse=True)
def _fixed_source_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def build(src: Path, out: Path, *extra: str):
    return invoke("build", str(src), "--out", str(out), "--quiet", *extra)


def all_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def every_text(out: Path) -> str:
    """All text of every output, Office files and ZIPs opened member by member."""
    chunks = []
    for name, data in all_files(out).items():
        chunks.append(name)
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                chunks += [n for n in zf.namelist()] + [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
        else:
            chunks.append(data.decode("utf-8", "replace"))
    return "\n".join(chunks)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("b") / "public"
    import os

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    result = build(SAMPLES / "city-gov-office", out)
    assert result.exit_code == 0, result.output
    return out


def test_public_build_writes_the_four_deliverables(city):
    names = set(all_files(city))
    assert {
        "table/catalog.xlsx",
        "table/catalog.csv",
        "table/catalog.html",
        "site/index.html",
        "manifest.json",
    } <= names
    assert any(n.startswith("flowcharts/") and n.endswith(".svg") for n in names)
    assert any(n.startswith("flowcharts/") and n.endswith(".mmd") for n in names)
    assert any(n.startswith("sheets/") and n.endswith(".docx") for n in names)
    assert any(n.endswith(".zip") for n in names)


def test_public_build_leaves_out_every_non_public_item(city):
    import yaml

    text = every_text(city)
    for path in (SAMPLES / "city-gov-office" / "items").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        # disclosed to society and signed off at 审定 or later (the sample's review.publish_from)
        public = data["disclosure"]["scope"] in ("社会公开", "依申请公开") and data.get("status") in ("审定", "公布")
        assert (data["id"] in text) == public, data["id"]
        if data["disclosure"]["scope"] not in (
            "社会公开",
            "依申请公开",
        ):  # a held-back draft's name may be another's words
            assert data["name"] not in text and (data["disclosure"].get("reason") or "\0") not in text


def test_manifest_hashes_match_and_zip_holds_everything(city):
    files = all_files(city)
    manifest = json.loads(files["manifest.json"])
    assert manifest["audience"] == "public" and manifest["items"] == 11  # 13 disclosed, 2 not yet signed off
    # laid out as json.dumps(indent=2) lays it out (the file list is written without it, see bundle.manifest)
    assert files["manifest.json"] == (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    bundle = next(n for n in files if n.endswith(".zip"))
    with zipfile.ZipFile(io.BytesIO(files[bundle])) as zf:
        assert set(zf.namelist()) == set(manifest["files"]) | {"manifest.json"}
        assert zf.namelist() == sorted(zf.namelist())


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])


def test_site_links_resolve_offline(city):
    site = city / "site"
    pages = list(site.rglob("*.html"))
    assert len(pages) == 11 + 3  # the items, index, table and the register
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.scripts == []
        for href in parser.links:
            assert not re.match(r"^[a-z]+://", href), href  # nothing from the network
            assert (page.parent / href.split("#")[0]).resolve().is_file(), (page, href)


def test_reproducible_byte_for_byte(city, tmp_path):
    again = tmp_path / "again"
    assert build(SAMPLES / "city-gov-office", again).exit_code == 0
    assert all_files(again) == all_files(city)


def test_internal_build_has_everything_and_says_internal(tmp_path):
    out = tmp_path / "internal"
    assert build(SAMPLES / "city-gov-office", out, "--audience", "internal").exit_code == 0
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO((out / "table/catalog.xlsx").read_bytes()))
    assert "涉密不宜公开权力目录" in wb.sheetnames
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"] == 20
    for page in (out / "site").rglob("*.html"):
        assert "内部资料" in page.read_text(encoding="utf-8"), page


def test_build_refuses_a_catalogue_with_errors(cat, tmp_path):
    cat.item(flow="XK-HP")
    result = build(cat.root, tmp_path / "out")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()


def test_build_refuses_a_foreign_non_empty_folder(cat, tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "我的文件.docx").write_text("clerk's own work", encoding="utf-8")
    result = build(cat.root, out)
    assert result.exit_code == 2 and (out / "我的文件.docx").read_text(encoding="utf-8") == "clerk's own work"
    assert build(cat.root, out, "--force").exit_code == 0 and (out / ".quanli-build").is_file()


def test_rebuild_replaces_the_previous_output_and_failure_keeps_it(cat, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    before = all_files(out)
    import quanli.render.table as table

    monkeypatch.setattr(table, "csv_bytes", lambda view: (_ for _ in ()).throw(RuntimeError("disk full")))
    result = build(cat.root, out, "--no-cache")  # force a real rebuild (nothing changed)
    assert result.exit_code == 2
    assert all_files(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_catalogue_text_is_escaped_everywhere(cat, tmp_path):
    cat.item(name="<script>alert(1)</script>审批", conditions=["<img src=x onerror=alert(1)>"])
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    for path in list(out.rglob("*.html")) + list(out.rglob("*.svg")):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, path


# ---- the confidentiality property, over generated catalogues -------------------------------

SCOPES = ["社会公开", "依申请公开", "内部公开", "不予公开"]
names = st.text(
    alphabet="审批许可登记备案检查处罚征收确认奖励裁决资产人事采购会议机密甲乙丙丁", min_size=4, max_size=12
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    st.lists(st.tuples(names, st.sampled_from(SCOPES), st.booleans()), min_size=1, max_size=6, unique_by=lambda t: t[0])
)
def test_public_build_never_contains_a_non_public_item(tmp_path_factory, specs):
    root = tmp_path_factory.mktemp("gen") / "cat"
    cat = Cat(root)
    cat.write("catalog.yaml", CATALOG)
    cat.write("laws.yaml", LAWS)
    cat.write("flows/XK-TY.yaml", FLOW)
    secrets, shown = [], []
    for i, (name, scope, own_flow) in enumerate(specs):
        ident = f"T-XK-{i:03d}"
        flow_id = "XK-TY"
        if own_flow:  # a flow used only by this item: private with it
            flow_id = f"XK-F{i:02d}"
            flow = dict(FLOW, id=flow_id, name=f"{name}流程")
            cat.write(f"flows/{flow_id}.yaml", flow)
        disclosure = (
            {"scope": scope, "forms": ["门户网站"], "timing": "长期公开"}
            if scope in SCOPES[:2]
            else {"scope": scope, "reason": f"{name}涉及国家秘密"}
        )
        cat.write(f"items/{ident}.yaml", item(ident=ident, name=name, flow=flow_id, disclosure=disclosure))
        (shown if scope in SCOPES[:2] else secrets).append((ident, name, flow_id if own_flow else None))
    out = root.parent / "out"
    result = build(root, out)
    assert result.exit_code == 0, result.output
    text = every_text(out)
    for ident, name, flow_id in secrets:
        assert ident not in text
        if not any(name in n for _, n, _ in shown):
            assert name not in text
        if flow_id:
            assert flow_id not in text
    for ident, name, _ in shown:
        assert ident in text and name in text


def test_nothing_changed_means_nothing_rebuilt(cat, tmp_path):
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    stamp = (out / "manifest.json").stat().st_mtime_ns
    result = invoke("build", str(cat.root), "--out", str(out))
    assert result.exit_code == 0 and "已是最新" in result.stdout
    assert (out / "manifest.json").stat().st_mtime_ns == stamp


def test_one_changed_item_is_rerendered_and_the_others_reused(cat, tmp_path, monkeypatch):
    cat.item(ident="T-XK-002", name="第二个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    import quanli.render.sheet as sheet

    rendered = []
    real = sheet.docx_members
    monkeypatch.setattr(
        sheet, "docx_members", lambda view, item, *rest: rendered.append(item.id) or real(view, item, *rest)
    )
    cat.item(ident="T-XK-002", name="第二个事项（已修改）")
    assert build(cat.root, out).exit_code == 0
    assert rendered == ["T-XK-002"]
    assert "第二个事项（已修改）" in every_text(out) and "建设项目环境影响报告表审批" in every_text(out)


def test_parallel_rendering_gives_the_same_files_as_serial(monkeypatch):
    import quanli.build.single as b
    from quanli.loader.catalogue import load_catalogue
    from quanli.render.view import build_view

    view = build_view(load_catalogue(SAMPLES / "county-amr"), "public", "2026-01-01")
    monkeypatch.setattr(b, "PARALLEL_ITEMS", 10**9)
    serial, _ = b.render_all(view, int(EPOCH))
    monkeypatch.setattr(b, "PARALLEL_ITEMS", 1)
    parallel, _ = b.render_all(view, int(EPOCH))
    assert serial == parallel and len(serial) > 100


def test_leak_scan_remembers_only_what_it_scanned_against_the_same_secrets(tmp_path):
    from quanli.build.leaks import leak_check
    from quanli.loader.cache import DigestSet

    files = {"a.html": "<p>公开事项</p>".encode(), "b.html": "<p>涉密的事项甲</p>".encode()}
    clean = DigestSet(tmp_path, "leakscan.marshal")
    assert leak_check(files, ["涉密的事项甲"], clean) == [("b.html", "涉密的事项甲")]
    clean.save()
    again = DigestSet(tmp_path, "leakscan.marshal")
    files["b.html"] = b"<p>changed</p>"
    assert leak_check(files, ["涉密的事项甲"], again) == []  # a.html known clean, b.html scanned anew
    again.save()
    later = DigestSet(tmp_path, "leakscan.marshal")
    assert leak_check(files, ["公开事项"], later) == [("a.html", "公开事项")]  # new secrets: everything scanned again


def test_leak_scan_memory_holds_across_processes(tmp_path):
    """The key must not depend on the order of a set (Python randomises string hashing per process)."""
    import os
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path\n"
        "from quanli.build.leaks import leak_check\n"
        "from quanli.loader.cache import DigestSet\n"
        "d = DigestSet(Path(sys.argv[1]), 'leakscan.marshal')\n"
        "hits = [0]; known = d.known\n"
        "d.known = lambda k: (hits.__setitem__(0, hits[0] + known(k)) or known(k))\n"
        "leak_check({'a.html': b'ok'}, ['secret-one', 'secret-two', 'abc', 'xyz', 'x' * 3], d); d.save(); print(hits[0])\n"
    )
    counts = []
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONHASHSEED=seed),
        )
        assert out.returncode == 0, out.stderr
        counts.append(int(out.stdout))
    assert counts == [0, 1]


def test_an_output_edited_by_hand_is_not_reused(cat, tmp_path):
    """A reused file must still be what the last build wrote: one touched since is rendered again."""
    cat.item(ident="T-XK-002", name="第二个事项")
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert build(cat.root, out).exit_code == 0
    edited = out / "sheets" / "T-XK-001.html"
    edited.write_bytes(edited.read_bytes().replace("建设项目".encode(), "手改过的".encode()))
    cat.item(ident="T-XK-002", name="第二个事项（已修改）")
    assert build(cat.root, out).exit_code == 0
    assert build(cat.root, fresh).exit_code == 0
    assert all_files(out) == all_files(fresh)


def test_unchanged_outputs_are_kept_without_reading_them(cat, tmp_path, monkeypatch):
    cat.item(ident="T-XK-002", name="第二个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    from quanli.render import outputs

    read = []
    real = outputs.Kept.read
    monkeypatch.setattr(outputs.Kept, "read", lambda self: read.append(Path(self.path).name) or real(self))
    from quanli.render import bundle

    copied = []
    real_zip = bundle.write_zip
    monkeypatch.setattr(bundle, "write_zip", lambda *a: copied.append(real_zip(*a)) or copied[-1])
    cat.item(ident="T-XK-002", name="第二个事项（已修改）")
    assert build(cat.root, out).exit_code == 0
    assert "T-XK-001.docx" not in read and "T-XK-001.html" not in read, read
    assert all(name.endswith(".svg") for name in read), read  # the flowcharts, embedded in the new sheet
    unchanged = len(
        [n for n in all_files(out) if "T-XK-002" not in n and n.startswith(("sheets/", "flowcharts/", "site/items/"))]
    )
    assert copied and copied[0] >= unchanged  # the ZIP copies what did not change
    fresh = tmp_path / "fresh"
    assert build(cat.root, fresh).exit_code == 0
    assert all_files(out) == all_files(fresh)  # and the result is the same bytes as a build from scratch
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(int(EPOCH) + 3600)
    )  # a later commit of the same day: outputs still reused
    cat.item(ident="T-XK-002", name="第二个事项（又改）")
    assert build(cat.root, out).exit_code == 0 and copied[-1] >= unchanged
    assert build(cat.root, fresh).exit_code == 0
    assert all_files(out) == all_files(fresh)


def test_an_update_removes_what_is_no_longer_built(cat, tmp_path):
    """The previous output is updated in place: a removed item's files go, nothing else is left over."""
    cat.item(ident="T-XK-002", name="第二个事项")
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert build(cat.root, out).exit_code == 0
    assert (out / "sheets" / "T-XK-002.docx").is_file()
    (cat.root / "items" / "T-XK-002.yaml").unlink()
    assert build(cat.root, out).exit_code == 0
    assert build(cat.root, fresh).exit_code == 0
    assert all_files(out) == all_files(fresh)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize("parallel", [False, True])
def test_a_leak_in_a_rendered_sheet_stops_the_build(cat, tmp_path, monkeypatch, parallel):
    """The scan runs where items are rendered (worker processes too): a non-public name that
    slips into a public sheet stops the build and nothing is written."""
    import quanli.build.single as b
    import quanli.render.sheet as sheet

    cat.item(
        ident="T-XK-002",
        name="涉密的审批事项",
        disclosure={"scope": "不予公开", "reason": "涉及国家秘密（保守国家秘密法）"},
    )
    real = sheet.html
    monkeypatch.setattr(
        sheet, "html", lambda view, item, *rest: real(view, item, *rest).replace("</body>", "涉密的审批事项</body>")
    )
    monkeypatch.setattr(b, "PARALLEL_ITEMS", 1 if parallel else 10**9)
    out = tmp_path / "out"
    result = build(cat.root, out)
    assert result.exit_code == 2 and "涉密的审批事项" in result.output
    assert not out.exists()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="甲乙丙审批a-1", min_size=3, max_size=6), min_size=1, max_size=8, unique=True),
    st.text(alphabet="甲乙丙审批a-1x", max_size=80),
)
def test_the_leak_pattern_finds_what_a_plain_alternation_finds(needles, text):
    from quanli.build.leaks import _any_of

    needles = sorted(needles, key=lambda n: (-len(n), n))
    plain = re.compile("|".join(re.escape(n) for n in needles)).search(text)
    grouped = _any_of(needles).search(text)
    assert (plain and (plain.start(), plain.group())) == (grouped and (grouped.start(), grouped.group()))


def test_a_file_an_interrupted_build_left_is_removed_and_never_taken_as_up_to_date(cat, tmp_path):
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    # an update stopped after renaming a new file into place: its marker lists it (and has no build key)
    stray = out / "sheets" / "涉密事项.html"
    stray.write_text("<p>涉密</p>", encoding="utf-8")
    marker = json.loads((out / ".quanli-build").read_text(encoding="utf-8"))
    marker["files"]["sheets/涉密事项.html"] = None
    del marker["build"]
    (out / ".quanli-build").write_text(json.dumps(marker, ensure_ascii=False), encoding="utf-8")
    result = invoke("build", str(cat.root), "--out", str(out))
    assert result.exit_code == 0 and "已是最新" not in result.stdout
    assert not stray.exists()


def test_the_users_own_files_in_the_output_folder_are_kept(cat, tmp_path):
    """A clerk's note and a custom style sheet in the output folder survive every rebuild, of
    either audience, with or without the cache; the build says it left them alone."""
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    note, css = out / "我的笔记.txt", out / "site" / "custom.css"
    note.write_text("记得周五报送", encoding="utf-8")
    css.write_text("body { color: navy }", encoding="utf-8")
    cat.item(name="建设项目环境影响报告书审批")  # a change: the build rewrites the folder
    for args in ([], ["--no-cache"], ["--audience", "internal"], []):
        result = invoke("build", str(cat.root), "--out", str(out), *args)
        assert result.exit_code == 0, result.output
        assert (
            note.read_text(encoding="utf-8") == "记得周五报送"
            and css.read_text(encoding="utf-8") == "body { color: navy }"
        )
    assert "我的笔记.txt" in result.stderr and "原样保留" in result.stderr
    assert "我的笔记.txt" not in (out / "manifest.json").read_text(encoding="utf-8")
    # one with the name of an output is not overwritten unless --force says so
    (out / "table" / "catalog.csv").unlink()
    mine = out / "table" / "catalog.csv"
    marker = json.loads((out / ".quanli-build").read_text(encoding="utf-8"))
    del marker["files"]["table/catalog.csv"]
    (out / ".quanli-build").write_text(json.dumps(marker, ensure_ascii=False), encoding="utf-8")
    mine.write_text("我自己的表", encoding="utf-8")
    refused = invoke("build", str(cat.root), "--out", str(out), "--no-cache")
    assert (
        refused.exit_code == 2 and "catalog.csv" in refused.output and mine.read_text(encoding="utf-8") == "我自己的表"
    )
    assert invoke("build", str(cat.root), "--out", str(out), "--no-cache", "--force").exit_code == 0
    assert mine.read_text(encoding="utf-8") != "我自己的表" and note.exists()


def test_a_users_file_naming_a_secret_stops_a_public_build_beside_it(cat, tmp_path):
    cat.item(
        ident="T-XK-002",
        name="涉密的审批事项",
        disclosure={"scope": "不予公开", "reason": "涉及国家秘密（保守国家秘密法）"},
    )
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    (out / "site" / "草稿.html").write_text("<p>涉密的审批事项 的材料</p>", encoding="utf-8")
    cat.item(name="建设项目环境影响报告书审批")
    result = invoke("build", str(cat.root), "--out", str(out))
    assert result.exit_code == 2 and "草稿.html" in result.output and "移出" in result.output
    assert (out / "site" / "草稿.html").is_file()  # refused, not deleted
    assert invoke("build", str(cat.root), "--out", str(out), "--audience", "internal").exit_code == 0


@pytest.mark.parametrize("where", ["itself", "parent", "items", "git"])
def test_an_output_folder_that_is_or_holds_the_catalogue_is_refused(cat, tmp_path, where):
    (cat.root / ".git").mkdir(exist_ok=True)
    out = {
        "itself": cat.root,
        "parent": cat.root.parent,
        "items": cat.root / "items" / "out",
        "git": cat.root / ".git" / "out",
    }[where]
    before = sorted(p.relative_to(cat.root.parent).as_posix() for p in cat.root.parent.rglob("*"))
    for force in ([], ["--force"]):
        result = invoke("build", str(cat.root), "--out", str(out), *force)
        assert result.exit_code == 2 and "没有写入" in result.output and "Traceback" not in result.output
    assert sorted(p.relative_to(cat.root.parent).as_posix() for p in cat.root.parent.rglob("*")) == before
    assert invoke("build", str(cat.root), "--out", str(cat.root / "dist")).exit_code == 0  # dist/ beside items/ is fine


def test_a_public_build_over_an_internal_one_keeps_nothing_of_it(cat, tmp_path):
    cat.item(
        ident="T-XK-002",
        name="涉密的审批事项",
        disclosure={"scope": "不予公开", "reason": "涉及国家秘密（保守国家秘密法）"},
    )
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert build(cat.root, out, "--audience", "internal").exit_code == 0
    assert "涉密的审批事项" in every_text(out)
    assert build(cat.root, out).exit_code == 0
    assert build(cat.root, fresh).exit_code == 0
    assert all_files(out) == all_files(fresh) and "涉密的审批事项" not in every_text(out)


def test_a_previous_bundle_that_cannot_be_copied_from_is_not_needed(cat, tmp_path, monkeypatch):
    from quanli.render import bundle

    cat.item(ident="T-XK-002", name="第二个事项")
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert build(cat.root, out).exit_code == 0
    monkeypatch.setattr(bundle, "_copy", lambda *a: (_ for _ in ()).throw(OSError("shorter than its directory says")))
    monkeypatch.setattr(bundle, "_raw", lambda *a: (_ for _ in ()).throw(OSError("unreadable")))
    cat.item(ident="T-XK-002", name="第二个事项（已修改）")
    assert build(cat.root, out).exit_code == 0
    assert build(cat.root, fresh).exit_code == 0
    assert all_files(out) == all_files(fresh)


@pytest.mark.parametrize("kernel_copy", ["works", "refused"])
def test_the_bundle_copied_from_the_last_one_is_the_bundle_made_afresh(cat, tmp_path, monkeypatch, kernel_copy):
    import os

    import quanli.render.bundle as bundle

    cat.item(ident="T-XK-002", name="第二个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    cat.item(ident="T-XK-002", name="第二个事项（已修改）")
    if kernel_copy == "refused" or not hasattr(os, "copy_file_range"):

        def refuse(*args):
            raise OSError(18, "Invalid cross-device link")

        monkeypatch.setattr(bundle.os, "copy_file_range", refuse, raising=False)
    assert build(cat.root, out).exit_code == 0
    fresh = tmp_path / "fresh"
    assert build(cat.root, fresh, "--no-cache").exit_code == 0
    name = "quanli-cat-public.zip"
    assert (out / name).read_bytes() == (fresh / name).read_bytes()
    with zipfile.ZipFile(out / name) as zf:
        assert zf.testzip() is None


def test_the_previous_bundle_directory_is_read_as_zipfile_reads_it(cat, tmp_path):
    from quanli.render.bundle import _directory

    cat.item(ident="T-XK-002", name="第二个事项")
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    path = out / "quanli-cat-public.zip"
    with open(path, "rb") as fh:
        ours = _directory(fh)
    with zipfile.ZipFile(path) as zf:
        theirs = {info.filename: info for info in zf.infolist()}
    assert ours is not None and set(ours) == set(theirs)
    for name, info in theirs.items():
        for field in ("header_offset", "compress_size", "file_size", "CRC", "compress_type", "date_time", "flag_bits"):
            assert getattr(ours[name], field) == getattr(info, field), (name, field)
    # a layout our writer never makes is left to zipfile
    commented = tmp_path / "commented.zip"
    with zipfile.ZipFile(commented, "w") as zf:
        zf.writestr("a.txt", "x")
        zf.comment = b"hello"
    with open(commented, "rb") as fh:
        assert _directory(fh) is None
    with open(tmp_path / "empty.zip", "wb") as fh:
        fh.write(b"")
    with open(tmp_path / "empty.zip", "rb") as fh:
        assert _directory(fh) is None


def test_a_catalogue_outside_git_is_up_to_date_all_day(cat, tmp_path, monkeypatch):
    """No commit time and no SOURCE_DATE_EPOCH: the outputs carry today's date, so a second build
    (seconds later) has nothing to do; it once keyed the build on the second and rebuilt every time."""
    import time

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(time, "time", lambda: 1764633600.0)  # two builds seconds apart (the day itself is the real one)
    out = tmp_path / "out"
    assert build(cat.root, out).exit_code == 0
    monkeypatch.setattr(time, "time", lambda: 1764633600.0 + 7)
    result = invoke("build", str(cat.root), "--out", str(out))
    assert result.exit_code == 0 and "已是最新" in result.stdout
