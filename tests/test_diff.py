"""quanli diff over real temporary git repositories with several commits."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from conftest import CATALOG, FLOW, LAWS, dump, invoke, item

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make test repositories")


def git(repo, *args):
    subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "办事员",
            "GIT_AUTHOR_EMAIL": "clerk@example.org",
            "GIT_COMMITTER_NAME": "办事员",
            "GIT_COMMITTER_EMAIL": "clerk@example.org",
            "HOME": str(repo),
            "PATH": "/usr/bin:/bin",
        },
    )


@pytest.fixture
def repo(cat, monkeypatch):
    root = cat.root.parent
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "初始目录")
    monkeypatch.chdir(root)
    return root


def changes(*args):
    result = invoke("diff", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [{k: v for k, v in c.items() if k != "catalogue"} for c in json.loads(result.stdout)]


def test_history_of_edits_renames_flows_and_laws(repo, cat):
    cat.item(ident="T-XK-002", name="第二个事项")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "新增事项")
    cat.item(time_limit={"statutory": {"value": 20, "unit": "工作日"}, "promised": 5})
    git(repo, "mv", "cat/items/T-XK-002.yaml", "cat/items/T-XK-003.yaml")
    (cat.root / "items" / "T-XK-003.yaml").write_text(dump(item(ident="T-XK-003", name="第二个事项")), encoding="utf-8")
    laws = json.loads(json.dumps(LAWS, ensure_ascii=False))
    laws["laws"][1].update(status="已废止", repealed="2026-08-15")
    cat.write("laws.yaml", laws)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "修改时限，改编号，环评法废止")
    assert changes("HEAD~1", "HEAD") == [
        {
            "kind": "item",
            "id": "T-XK-001",
            "change": "modified",
            "name": "建设项目环境影响报告表审批",
            "fields": [{"path": "time_limit.promised", "title": "承诺办结时限", "old": 10, "new": 5}],
        },
        {"kind": "item", "id": "T-XK-003", "change": "renamed", "name": "第二个事项", "old_id": "T-XK-002"},
        {
            "kind": "law",
            "id": "环境影响评价法",
            "change": "modified",
            "name": "中华人民共和国环境影响评价法",
            "fields": [
                {"path": "repealed", "title": "废止日期", "old": None, "new": "2026-08-15"},
                {"path": "status", "title": "时效性", "old": "现行有效", "new": "已废止"},
            ],
            "affects": ["T-XK-001", "T-XK-003"],
            "summary": ["废止日期：（无） → 2026-08-15", "时效性：现行有效 → 已废止"],
        },
    ]
    assert changes("HEAD~2..HEAD")[1] == {"kind": "item", "id": "T-XK-003", "change": "added", "name": "第二个事项"}
    assert changes("HEAD~1", "HEAD~1") == []


def test_default_compares_head_with_the_working_tree(repo, cat):
    assert changes() == []
    (cat.root / "items" / "T-XK-001.yaml").unlink()
    assert changes() == [{"kind": "item", "id": "T-XK-001", "change": "removed", "name": "建设项目环境影响报告表审批"}]


def test_reformatting_is_not_a_change(repo, cat):
    path = cat.root / "items" / "T-XK-001.yaml"
    data = item()
    path.write_text("# 重新排版\n" + dump(dict(reversed(list(data.items())))).replace(": ", ":   "), encoding="utf-8")
    assert changes() == []


def test_exit_code_and_markdown(repo, cat):
    assert invoke("diff", "--exit-code").exit_code == 0
    cat.item(department="法制科")
    assert invoke("diff", "--exit-code").exit_code == 1
    md = invoke("diff", "--format", "markdown").stdout
    assert "| 事项 | `T-XK-001` |" in md and "| 承办机构 | 审批科 | 法制科 |" in md and "department" not in md
    text = invoke("diff").stdout
    assert "· 承办机构：审批科 → 法制科" in text and "department" not in text
    assert "department: 审批科 → 法制科" in invoke("diff", "--lang", "en").stdout  # developers keep the paths


def test_outside_a_repository_or_unknown_revision_is_exit_2(tmp_path, repo, monkeypatch):
    assert invoke("diff", "nosuchrev").exit_code == 2
    monkeypatch.chdir(tmp_path.parent)
    outside = tmp_path.parent / "plain"
    outside.mkdir(exist_ok=True)
    result = invoke("diff", "--path", str(outside))
    assert result.exit_code == 2 and "git" in result.output


MERMAID_LINE = re.compile(
    r'^    (?:%% .*|s\d+(?:\(\["[^"]*"\]\)|\["[^"]*"\]|\{"[^"]*"\})'
    r'|s\d+ (?:-->|-\.->)(?:\|"[^"|]*"\|)? s\d+|classDef \w+ .+|class s\d+(?:,s\d+)* \w+)$'
)


def mermaid_blocks(markdown: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.S)


def test_flow_changes_in_words_and_mermaid_before_after(repo, cat):
    flow = json.loads(json.dumps(FLOW, ensure_ascii=False))
    steps = flow["steps"]
    steps[1]["name"] = "受理审查"  # renamed step
    steps[2]["post"] = "分管副局长"  # post changed
    steps[2]["time_limit"] = 5  # time limit changed
    steps[2]["next"] = ["notify"]  # edge changed: decide -> notify
    steps.insert(3, {"id": "notify", "name": "告知", "next": ["deliver"]})  # step added
    cat.write("flows/XK-TY.yaml", flow)
    [change] = changes()
    assert change["kind"] == "flow" and change["change"] == "modified" and change["affects"] == ["T-XK-001"]
    assert {
        (f["path"], json.dumps(f["old"], ensure_ascii=False), json.dumps(f["new"], ensure_ascii=False))
        for f in change["fields"]
    } == {
        ("steps[accept].name", '"受理"', '"受理审查"'),
        ("steps[decide].post", '"局长"', '"分管副局长"'),
        ("steps[decide].time_limit", "3", "5"),
        ("steps[decide].next[deliver]", '"deliver"', "null"),
        ("steps[decide].next[notify]", "null", '"notify"'),
        ("steps[notify]", "null", '{"id": "notify", "name": "告知", "next": ["deliver"]}'),
    }
    assert {f["path"]: f["title"] for f in change["fields"]}["steps[decide].post"] == "步骤“决定”的承办岗位"
    assert change["summary"] == [
        "步骤改名：“受理” → “受理审查”",
        "删除连线：决定 → 送达",
        "新增连线：决定 → 告知",
        "步骤“决定”的承办岗位：局长 → 分管副局长",
        "步骤“决定”的办理时限：3个工作日 → 5个工作日",
        "新增步骤“告知”",
    ]
    md = invoke("diff", "--format", "markdown").stdout
    before, after = mermaid_blocks(md)
    for block in (before, after):
        lines = block.rstrip("\n").split("\n")
        assert lines[0] == "flowchart TD"
        assert all(MERMAID_LINE.match(line) for line in lines[1:]), [l for l in lines[1:] if not MERMAID_LINE.match(l)]
    assert '{"受理"}' in before and '{"受理审查"}' in after
    assert "受理审查" in after and "告知" in after and "告知" not in before
    assert "- 新增步骤“告知”" in md
    # after: accept (s2, renamed), decide (s3) and the new notify (s4) marked; before: the steps changed, none removed
    assert "    class s2,s3,s4 changed" in after and "classDef changed fill:#fff3cd" in after and "removed" not in after
    assert "    class s2,s3 changed" in before and "removed" not in before
    assert "图例：黄色底纹为新增或修改的步骤" in md
    for word in ("accept", "notify", "decide", "steps", "time_limit", "post"):  # no id or key outside the charts' code
        assert word not in re.sub(r"```mermaid\n.*?```", "", md, flags=re.S), word


@pytest.mark.skipif(shutil.which("mmdc") is None, reason="mermaid-cli (mmdc) is not installed")
def test_markdown_mermaid_renders_with_mermaid_cli(repo, cat, tmp_path):  # pragma: no cover - optional tool
    flow = json.loads(json.dumps(FLOW, ensure_ascii=False))
    flow["steps"][1]["name"] = "受理审查"
    cat.write("flows/XK-TY.yaml", flow)
    for n, block in enumerate(mermaid_blocks(invoke("diff", "--format", "markdown").stdout)):
        (tmp_path / f"{n}.mmd").write_text(block, encoding="utf-8")
        subprocess.run(
            ["mmdc", "-i", str(tmp_path / f"{n}.mmd"), "-o", str(tmp_path / f"{n}.svg")],
            check=True,
            capture_output=True,
        )


def test_only_changed_files_are_parsed(repo, cat, monkeypatch):
    for n in range(2, 12):
        cat.item(ident=f"T-XK-{n:03d}", name=f"事项{n}")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "十个事项")
    cat.item(ident="T-XK-005", name="事项五（改）")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "改一个")
    from quanli.versioning import history

    parsed = []
    real = history.parse_blob
    monkeypatch.setattr(history, "parse_blob", lambda data: parsed.append(data) or real(data))
    assert [c["id"] for c in changes("HEAD~1", "HEAD")] == ["T-XK-005"]
    assert len(parsed) == 2  # the old and the new blob of the one changed file
    parsed.clear()
    assert [c["id"] for c in changes()] == []  # HEAD against an unchanged working tree parses nothing
    assert parsed == []


def test_law_repeal_finds_items_that_did_not_change(repo, cat):
    cat.item(ident="T-XK-002", name="第二个事项", basis=[{"law": "行政许可法", "article": "第二十九条"}])
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "第二个事项")
    laws = json.loads(json.dumps(LAWS, ensure_ascii=False))
    laws["laws"][1]["status"] = "已废止"
    cat.write("laws.yaml", laws)
    [change] = changes()
    assert change["kind"] == "law" and change["affects"] == ["T-XK-001"]  # T-XK-002 does not cite it


def test_a_repository_with_several_catalogues_and_a_subfolder(repo, cat, monkeypatch):
    other = repo / "second"
    shutil.copytree(cat.root, other)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "第二个目录")
    (other / "items" / "T-XK-001.yaml").unlink()
    cat.item(name="改名后的事项")
    result = invoke("diff", "--format", "json")
    rows = json.loads(result.stdout)
    assert sorted((r["catalogue"], r["id"], r["change"]) for r in rows) == [
        ("cat", "T-XK-001", "modified"),
        ("second", "T-XK-001", "removed"),
    ]
    monkeypatch.chdir(other / "items")  # from a folder inside one catalogue: only that one
    assert [(r["catalogue"], r["change"]) for r in json.loads(invoke("diff", "--format", "json").stdout)] == [
        ("second", "removed")
    ]


def test_shallow_clone_says_how_to_fetch_more(repo, cat, tmp_path, monkeypatch):
    cat.item(name="第二版")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "第二版")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True, capture_output=True
    )
    monkeypatch.chdir(clone)
    result = invoke("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 2 and "fetch-depth: 0" in result.output and "Traceback" not in result.output


def test_a_range_of_commits_gives_exactly_these_changes(repo, cat):
    """Additions, a deletion, an id change, a flow change, a law repeal and a department, across several commits."""
    cat.item(ident="T-XK-002", name="将被删除的事项")
    cat.item(ident="T-XK-003", name="将被改编号的事项", conditions=["条件甲", "条件乙"])
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "基线")
    git(repo, "tag", "base")
    (cat.root / "items" / "T-XK-002.yaml").unlink()
    git(repo, "commit", "-qam", "删除")
    git(repo, "mv", "cat/items/T-XK-003.yaml", "cat/items/T-XK-013.yaml")
    cat.write(
        "items/T-XK-013.yaml",
        item(ident="T-XK-013", name="将被改编号的事项", conditions=["条件乙", "条件甲", "条件丙"]),
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "改编号并加条件")
    cat.item(ident="T-XK-004", name="新事项", category="行政确认")
    flow = json.loads(json.dumps(FLOW, ensure_ascii=False))
    flow["steps"][2]["post"] = "分管副局长"
    cat.write("flows/XK-TY.yaml", flow)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "新增事项，调整岗位")
    laws = json.loads(json.dumps(LAWS, ensure_ascii=False))
    laws["laws"][1]["status"] = "已废止"
    cat.write("laws.yaml", laws)
    catalog = json.loads(json.dumps(CATALOG, ensure_ascii=False))
    catalog["departments"].append({"name": "执法大队"})
    cat.write("catalog.yaml", catalog)
    git(repo, "commit", "-qam", "环评法废止，新设执法大队")
    assert changes("base..HEAD") == [
        {"kind": "item", "id": "T-XK-002", "change": "removed", "name": "将被删除的事项"},
        {"kind": "item", "id": "T-XK-004", "change": "added", "name": "新事项"},
        {
            "kind": "item",
            "id": "T-XK-013",
            "change": "renamed",
            "name": "将被改编号的事项",
            "old_id": "T-XK-003",
            "fields": [{"path": "conditions", "title": "受理条件", "old": None, "new": ["条件丙"]}],
        },
        {
            "kind": "flow",
            "id": "XK-TY",
            "change": "modified",
            "name": "行政许可通用流程图",
            "fields": [
                {"path": "steps[decide].post", "title": "步骤“决定”的承办岗位", "old": "局长", "new": "分管副局长"}
            ],
            "affects": ["T-XK-001", "T-XK-004", "T-XK-013"],
            "summary": ["步骤“决定”的承办岗位：局长 → 分管副局长"],
        },
        {
            "kind": "law",
            "id": "环境影响评价法",
            "change": "modified",
            "name": "中华人民共和国环境影响评价法",
            "fields": [{"path": "status", "title": "时效性", "old": "现行有效", "new": "已废止"}],
            "affects": ["T-XK-001", "T-XK-004", "T-XK-013"],
            "summary": ["时效性：现行有效 → 已废止"],
        },
        {"kind": "department", "id": "执法大队", "change": "added", "name": "执法大队"},
    ]
    assert changes("base", "base") == [] and changes("HEAD", "HEAD") == []


def test_unit_and_settings_changes_in_catalog_yaml(repo, cat):
    catalog = json.loads(json.dumps(CATALOG, ensure_ascii=False))
    catalog["unit"]["report_to"] = "测试县政务公开联席会议办公室"
    cat.write("catalog.yaml", catalog)
    assert changes() == [
        {
            "kind": "catalog",
            "id": "catalog.yaml",
            "change": "modified",
            "name": "",
            "fields": [
                {
                    "path": "unit.report_to",
                    "title": "变更说明报送机关",
                    "old": None,
                    "new": "测试县政务公开联席会议办公室",
                }
            ],
            "summary": ["变更说明报送机关：（无） → 测试县政务公开联席会议办公室"],
        }
    ]
    text = invoke("diff").stdout
    assert "修改   目录信息\n      · 变更说明报送机关：（无） → 测试县政务公开联席会议办公室" in text
    assert "catalog.yaml" not in text and "report_to" not in text


def test_a_catalogue_deleted_in_the_working_tree_is_listed(repo, cat):
    shutil.rmtree(cat.root)
    assert [(c["kind"], c["id"], c["change"]) for c in changes()] == [
        ("item", "T-XK-001", "removed"),
        ("flow", "XK-TY", "removed"),
        ("law", "环境影响评价法", "removed"),
        ("law", "行政许可法", "removed"),
        ("department", "审批科", "removed"),
        ("department", "法制科", "removed"),
        ("catalog", "catalog.yaml", "removed"),
    ]


def test_inside_a_catalogue_subfolder_the_whole_catalogue_is_compared(repo, cat, monkeypatch):
    flow = json.loads(json.dumps(FLOW, ensure_ascii=False))
    flow["name"] = "改名的流程图"
    cat.write("flows/XK-TY.yaml", flow)
    monkeypatch.chdir(cat.root / "items")
    assert [(c["kind"], c["change"]) for c in changes()] == [("flow", "modified")]


def test_a_file_that_cannot_be_read_is_said_so_not_removed(repo, cat):
    path = cat.root / "items" / "T-XK-001.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  bad: [unclosed\n", encoding="utf-8")
    (cat.root / "flows" / "XK-TY.yaml").write_bytes(b"\x00\x01binary")
    assert changes() == [
        {
            "kind": "item",
            "id": "T-XK-001",
            "change": "unreadable",
            "name": "建设项目环境影响报告表审批",
            "path": "cat/items/T-XK-001.yaml",
            "side": "new",
        },
        {
            "kind": "flow",
            "id": "XK-TY",
            "change": "unreadable",
            "name": "行政许可通用流程图",
            "path": "cat/flows/XK-TY.yaml",
            "side": "new",
        },
    ]
    text = invoke("diff").stdout
    assert "无法读取" in text and "quanli validate" in text and "删除" not in text


def test_revision_suffixes_and_the_merge_base(repo, cat):
    cat.item(name="第二版")
    git(repo, "commit", "-qam", "第二版")
    assert changes("HEAD~1^0", "HEAD~1") == [] and changes("HEAD^{}", "HEAD") == []
    assert [c["id"] for c in changes("HEAD^", "HEAD")] == ["T-XK-001"]
    git(repo, "checkout", "-q", "-b", "feature", "HEAD~1")
    cat.item(ident="T-XK-007", name="分支上的新事项")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "分支")
    # main moved on after the branch left it: A..B would show main's change reverted, A...B does not
    assert sorted(c["id"] for c in changes("main", "feature")) == ["T-XK-001", "T-XK-007"]
    assert [c["id"] for c in changes("main...feature")] == ["T-XK-007"]
