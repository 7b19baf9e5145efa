"""Hostile values (issue 27): internal errors that must be messages (class 4), impossible or unsafe
values that must be refused (class 5), and scaffolding that must keep every text (class 6).

Every refusal is exit code 2 (or 1 for a finding), a Chinese message that names the thing (English
with --lang en), and no traceback or 内部错误.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CATALOG, FLOW, LAWS, SIGNOFFS, Cat, invoke
from quanli.core.errors import QuanliError
from quanli.dates import clock
from quanli.loader.yamlparse import load_bytes
from quanli.review import register
from test_diff import git

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make test repositories")


def clean(result) -> str:
    assert (
        "Traceback" not in result.output and "内部错误" not in result.output and "internal error" not in result.output
    ), result.output
    return result.output


def refused(result, *words: str, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    out = clean(result)
    for word in words:
        assert word in out, (word, out)
    return out


def catalogue(root: Path) -> Cat:
    c = Cat(root)
    c.write("catalog.yaml", CATALOG)
    c.write("laws.yaml", LAWS)
    c.write("flows/XK-TY.yaml", FLOW)
    c.item()
    return c


# ---- class 4: a workspace that lists itself, or another workspace ------------------------------------

MEMBER = "  region: 测试县\n  level: 县级\n"


def workspace(root: Path, *paths: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    text = "schema_version: 1\nmembers:\n" + "".join(f"- path: {p}\n{MEMBER}" for p in paths)
    (root / "quanli-workspace.yaml").write_text(text, encoding="utf-8")
    return root / "quanli-workspace.yaml"


@pytest.mark.parametrize("written", [".", "./", "../ws"])
def test_a_workspace_that_lists_itself_is_refused_at_its_line(tmp_path, written):
    ws = tmp_path / "ws"
    catalogue(ws)  # the folder is a catalogue too: before, build recursed into itself (RecursionError)
    file = workspace(ws, written)
    for args in (
        ["validate", str(ws)],
        ["build", str(ws), "--out", str(tmp_path / "dist")],
        ["status", str(ws)],
        ["records", "check", str(ws)],
    ):
        out = refused(invoke(*args), f"{file}:3:9", "工作区不能把自己列为成员")
    assert not (tmp_path / "dist").exists()
    refused(
        invoke("build", str(ws), "--out", str(tmp_path / "dist"), "--lang", "en"), f"{file}:3:9", "cannot list itself"
    )
    assert out.count("错误") == 1


def test_a_member_that_is_a_workspace_is_refused(tmp_path):
    outer = tmp_path / "city"
    catalogue(outer / "a")
    catalogue(outer / "inner" / "b")
    workspace(outer / "inner", "b")
    file = workspace(outer, "a", "inner")
    refused(invoke("validate", str(outer)), f"{file}:6:9", "成员文件夹 inner 本身是一个工作区", "不能嵌套")
    refused(invoke("build", str(outer), "--out", str(tmp_path / "dist")), f"{file}:6:9", "不能嵌套")


def test_two_workspaces_that_list_each_other_are_refused(tmp_path):
    for name, other in (("x", "../y"), ("y", "../x")):
        catalogue(tmp_path / name)
        workspace(tmp_path / name, other)
    for name in ("x", "y"):
        refused(
            invoke("build", str(tmp_path / name), "--out", str(tmp_path / f"dist-{name}")), ":3:9", "本身是一个工作区"
        )
        refused(invoke("diff", "--path", str(tmp_path / name)), ":3:9", "本身是一个工作区")


# ---- class 4: SOURCE_DATE_EPOCH ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("0", 0),
        ("1767225600", 1767225600),
        (" 1767225600\n", 1767225600),
        (str(clock.EPOCH_MAX), clock.EPOCH_MAX),
    ],
)
def test_source_epoch_reads_valid_values(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert clock.source_epoch() == expected
    assert clock.source_epoch(value) == expected if value is not None else True


@pytest.mark.parametrize(
    "value,why",
    [
        ("-1", "无效"),
        ("-86400", "无效"),
        ("1.5", "无效"),
        ("1e9", "无效"),
        ("+5", "无效"),
        ("abc", "无效"),
        ("0x10", "无效"),
        ("²", "无效"),
        ("١٢٣", "无效"),
        ("1 2", "无效"),
        (str(clock.EPOCH_MAX + 1), "超出范围"),
        ("253402300800", "超出范围"),
        ("253402300799", "超出范围"),
        ("9" * 30, "超出范围"),
        ("9" * 5000, "超出范围"),  # never int() of 5,000 digits (Python refuses above 4,300)
    ],
)
def test_source_epoch_refuses_what_a_build_cannot_honour(value, why):
    with pytest.raises(QuanliError) as info:
        clock.source_epoch(value)
    assert "SOURCE_DATE_EPOCH" in info.value.zh and why in info.value.zh and str(clock.EPOCH_MAX) in info.value.zh
    assert "SOURCE_DATE_EPOCH" in info.value.en and len(info.value.zh) < 300


def test_a_commit_time_is_clamped_to_what_a_build_can_stamp():
    assert clock.clamp_epoch(1767225600) == 1767225600
    assert (
        clock.clamp_epoch(7258118400) == clock.EPOCH_MAX
    )  # a commit dated 2200 (git takes GIT_COMMITTER_DATE=@7258118400)
    assert clock.clamp_epoch(-86400) == 0


def test_the_latest_source_epoch_builds(cat, tmp_path, monkeypatch):
    """EPOCH_MAX is what a build can really stamp: 2107-12-31 in Beijing, every ZIP member dated 2107-12-31."""
    import zipfile

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(clock.EPOCH_MAX))
    result = invoke("build", str(cat.root), "--out", str(tmp_path / "dist"), "--quiet")
    assert result.exit_code == 0, clean(result)
    bundle = next((tmp_path / "dist").glob("*.zip"))
    with zipfile.ZipFile(bundle) as zf:
        assert {info.date_time[:3] for info in zf.infolist()} == {(2107, 12, 31)}


@pytest.mark.parametrize("value", [str(clock.EPOCH_MAX + 1), "253402300800", "9" * 30, "-1", "²"])
def test_build_refuses_a_source_date_epoch_it_cannot_honour(cat, tmp_path, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    refused(invoke("build", str(cat.root), "--out", str(tmp_path / "dist")), "SOURCE_DATE_EPOCH")
    assert not (tmp_path / "dist").exists()


# ---- class 4: a damaged git repository -------------------------------------------------------------------


def _rev(root: Path, spec: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "rev-parse", spec], capture_output=True, text=True, check=True
    ).stdout.strip()


def _drop(root: Path, sha: str) -> None:
    (root / ".git" / "objects" / sha[:2] / sha[2:]).unlink()


def _garbage_object(root: Path, sha: str) -> None:
    path = root / ".git" / "objects" / sha[:2] / sha[2:]
    os.chmod(path, 0o644)
    path.write_bytes(b"not a zlib stream")


CORRUPTIONS = {  # name -> (damage, what the message says)
    "garbage HEAD": (lambda r: (r / ".git" / "HEAD").write_bytes(b"garbage\x00\xff not a ref\n"), "HEAD"),
    "no HEAD": (lambda r: (r / ".git" / "HEAD").unlink(), "缺少 HEAD"),
    "garbage branch": (lambda r: (r / ".git" / "refs" / "heads" / "main").write_text("zzzz\n"), "refs/heads/main"),
    "missing commit": (lambda r: _drop(r, _rev(r, "HEAD")), "缺少 git 对象"),
    "missing tree": (lambda r: _drop(r, _rev(r, "HEAD^{tree}")), "缺少 git 对象"),
    "missing blob": (lambda r: _drop(r, _rev(r, "HEAD:cat/items/T-XK-001.yaml")), "缺少 git 对象"),
    "damaged commit": (lambda r: _garbage_object(r, _rev(r, "HEAD")), "git 对象已损坏"),
    "no objects folder": (lambda r: shutil.rmtree(r / ".git" / "objects"), "不是完整的 git 仓库"),
    "garbage config": (lambda r: (r / ".git" / "config").write_text("[[[garbage\n"), ".git/config"),
    "garbage index": (
        lambda r: (r / ".git" / "index").write_bytes(b"DIRC\x00\x00\x00\x02" + b"\xde\xad" * 20),
        ".git/index",
    ),
    "random index": (lambda r: (r / ".git" / "index").write_bytes(bytes(range(256)) * 2), ".git/index"),
}
COMMANDS = {
    "status": ["status", "cat"],
    "release": ["release", "v9"],
    "diff": ["diff", "HEAD~1", "HEAD"],
    "log": ["log", "T-XK-001"],
    "changelog": ["changelog"],
    "show": ["show", "T-XK-001@HEAD"],
}
INDEX_ONLY = {"garbage index", "random index"}  # only release reads the index (its clean-tree check)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A repository of two commits (the catalogue, then an edit of its item), made once and copied."""
    root = tmp_path_factory.mktemp("pristine")
    c = catalogue(root / "cat")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "初始目录")
    c.item(name="改过名称的事项")
    git(root, "commit", "-qam", "改名称")
    return root


@pytest.fixture
def fresh_repo(pristine, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(pristine, root, symlinks=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "办事员")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "clerk@example.org")
    return root.resolve()


def _tags(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "tag"], capture_output=True, text=True).stdout


@needs_git
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_damaged_repository_is_a_message(fresh_repo, corruption, command):
    damage, said = CORRUPTIONS[corruption]
    damage(fresh_repo)
    result = invoke(*COMMANDS[command])
    if corruption in INDEX_ONLY and command != "release":
        assert result.exit_code == 0, clean(result)  # reading history needs no index (git log does not either)
        return
    refused(result, "无法读取 git 仓库", str(fresh_repo), said)
    if command == "status":
        assert "--no-git" in result.output
    if command == "release":  # nothing written, nothing tagged
        assert not (fresh_repo / "cat" / "releases").exists() and not (fresh_repo / "cat" / "CHANGELOG.md").exists()


@needs_git
@pytest.mark.parametrize("corruption", ["garbage HEAD", "missing tree", "garbage index"])
def test_a_damaged_repository_in_english(fresh_repo, corruption):
    CORRUPTIONS[corruption][0](fresh_repo)
    out = refused(invoke("release", "v9", "--lang", "en"), "cannot read the git repository", str(fresh_repo))
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in out), out


@needs_git
def test_a_damaged_index_names_the_fix(fresh_repo):
    CORRUPTIONS["garbage index"][0](fresh_repo)
    refused(invoke("release", "v9"), "暂存区文件 .git/index 已损坏", "git reset")


@needs_git
def test_status_without_git_works_in_a_damaged_repository(fresh_repo):
    CORRUPTIONS["missing commit"][0](fresh_repo)
    assert invoke("status", "cat", "--no-git").exit_code == 0


@needs_git
@pytest.mark.parametrize("corruption", ["garbage branch", "missing commit", "damaged commit"])
def test_a_build_in_a_damaged_repository_records_no_commit(fresh_repo, tmp_path, corruption):
    """The build needs no history: it builds, and its manifest names no commit it could not read."""
    CORRUPTIONS[corruption][0](fresh_repo)
    result = invoke("build", "cat", "--out", str(tmp_path / "dist"), "--quiet")
    assert result.exit_code == 0, clean(result)
    manifests = list((tmp_path / "dist").rglob("manifest.json"))
    assert manifests
    for path in manifests:
        assert json.loads(path.read_text(encoding="utf-8")).get("source_commit") is None


@needs_git
def test_log_of_a_commit_dated_after_the_year_9999(fresh_repo):
    """git takes any commit time; the log shows '?' for a date no calendar holds."""
    (fresh_repo / "cat" / "items" / "T-XK-001.yaml").write_text(
        (fresh_repo / "cat" / "items" / "T-XK-001.yaml")
        .read_text(encoding="utf-8")
        .replace("改过名称的事项", "又改的名称"),
        encoding="utf-8",
    )
    subprocess.run(
        ["git", "-C", str(fresh_repo), "commit", "-qam", "远未来"],
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_COMMITTER_NAME": "x",
            "GIT_COMMITTER_EMAIL": "x@x",
            "GIT_AUTHOR_NAME": "x",
            "GIT_AUTHOR_EMAIL": "x@x",
            "GIT_AUTHOR_DATE": "@253402300800 +0000",
            "GIT_COMMITTER_DATE": "@253402300800 +0000",
        },
    )
    result = invoke("log", "T-XK-001")
    assert result.exit_code == 0, clean(result)
    assert "远未来" in result.output and "?" in result.output


# ---- class 5: impossible dates ------------------------------------------------------------------------------


def _signoff_dated(cat: Cat, day: str) -> None:
    signoffs = [dict(s) for s in SIGNOFFS]
    signoffs[0]["date"] = day
    cat.item(signoffs=signoffs)


def _qlfindings(cat: Cat, *args: str) -> tuple[int, list[dict]]:
    code, found = cat.validate(*args)
    return code, [f for f in found if f["rule"] == "QL110"]


@pytest.mark.parametrize(
    "day,words",
    [
        ("0000-01-01", ("0000-01-01", "不是有效的日期", "没有公元 0000 年")),
        ("0000-12-31", ("没有公元 0000 年",)),
        ("2026-02-30", ("2026-02-30", "不是有效的日期")),
        ("2025-02-29", ("不是有效的日期",)),
        ("2026-13-01", ("不是有效的日期",)),
        ("2026-04-31", ("不是有效的日期",)),
        ("2026-00-10", ("不是有效的日期",)),
    ],
)
def test_an_impossible_signoff_date_is_a_finding(cat, day, words):
    _signoff_dated(cat, day)
    code, found = _qlfindings(cat)
    assert code == 1 and len(found) == 1, found
    f = found[0]
    lines = (cat.root / "items" / "T-XK-001.yaml").read_text(encoding="utf-8").splitlines()
    assert (
        f["file"].endswith("T-XK-001.yaml")
        and day in lines[f["line"] - 1]
        and lines[f["line"] - 1].index(day) >= f["column"] - 2
    )
    for word in words:
        assert word in f["message"], f
    _, english = _qlfindings(cat, "--lang", "en")
    assert "not a valid date" in english[0]["message"]


def test_possible_dates_stay_valid(cat):
    for day in ("2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "2026-03-02"):
        _signoff_dated(cat, day)
        assert _qlfindings(cat)[1] == [], day


RECORD = {
    "case": "2026-XK-0001",
    "item": "T-XK-001",
    "accepted": {"date": "2026-03-02"},
    "concluded": {"date": "2026-03-10", "outcome": "准予许可"},
}


@pytest.mark.parametrize("where", [("accepted",), ("concluded",), ("suspensions", 0, "from"), ("suspensions", 0, "to")])
@pytest.mark.parametrize("day", ["0000-01-01", "2026-02-30"])
def test_an_impossible_record_date_is_a_finding(cat, where, day):
    cat.item(important=True)
    data = json.loads(json.dumps(RECORD))
    data["suspensions"] = [{"step": "决定", "from": "2026-03-03", "to": "2026-03-04"}]
    if where[0] == "suspensions":
        data["suspensions"][0][where[2]] = day
    else:
        data[where[0]]["date"] = day
    cat.write("records/2026-XK-0001.yaml", data)
    code, found = _qlfindings(cat)
    assert code == 1 and len(found) == 1 and found[0]["file"].endswith("2026-XK-0001.yaml"), found
    assert day in found[0]["message"] and "不是有效的日期" in found[0]["message"]
    path = (where[0], "date") if where[0] != "suspensions" else where
    assert register.unreadable_dates(data) == [(path, day)]


def test_a_law_dated_in_the_year_0000_is_a_finding(cat):
    laws = json.loads(json.dumps(LAWS, ensure_ascii=False))
    laws["laws"][0]["effective"] = "0000-01-01"
    cat.write("laws.yaml", laws)
    code, found = _qlfindings(cat)
    assert code == 1 and found and found[0]["file"].endswith("laws.yaml") and "没有公元 0000 年" in found[0]["message"]


def test_records_check_says_it_cannot_count_a_case_with_an_impossible_date(cat):
    cat.item(important=True)
    cat.write(
        "records/2026-XK-0001.yaml", {"case": "2026-XK-0001", "item": "T-XK-001", "accepted": {"date": "0000-01-01"}}
    )
    result = invoke("records", "check", str(cat.root), "--today", "2026-12-02", "--format", "json")
    clean(result)
    found = json.loads(result.stdout)
    assert [f["rule"] for f in found] == ["QL965"] and "0000-01-01" in found[0]["message"]


# ---- class 5: release names git or Windows would misread ---------------------------------------------------


@needs_git
@pytest.mark.parametrize(
    "version,words",
    [
        ("HEAD", ("git 的特殊名称",)),
        ("head", ("git 的特殊名称",)),
        ("FETCH_HEAD", ("git 的特殊名称",)),
        ("ORIG_HEAD", ("git 的特殊名称",)),
        ("0123456789abcdef0123456789abcdef01234567", ("提交编号",)),
        ("refs", ("引用",)),
        ("refs.1", ("引用",)),
        ("CON", ("releases/CON/", "保留设备名")),
        ("con", ("保留设备名",)),
        ("Con.1", ("保留设备名",)),
        ("PRN", ("保留设备名",)),
        ("AUX", ("保留设备名",)),
        ("NUL", ("保留设备名",)),
        ("nul.txt", ("保留设备名",)),
        ("COM1", ("保留设备名",)),
        ("com9.2026", ("保留设备名",)),
        ("LPT1", ("保留设备名",)),
        ("lpt9", ("保留设备名",)),
        ("v1.", ("版本号",)),
        ("v1.lock", ("版本号",)),
        ("@", ("版本号",)),
        ("v1@{0}", ("版本号",)),
        ("refs/tags/v1", ("版本号",)),
        ("v1 ", ("版本号",)),
        (" v1", ("版本号",)),
        ("v1..2", ("版本号",)),
        ("_v1", ("版本号",)),
    ],
)
def test_release_refuses_a_version_git_or_windows_would_misread(fresh_repo, version, words):
    out = refused(invoke("release", version), "版本号", *words)
    assert version.strip() in out
    assert _tags(fresh_repo) == "" and not (fresh_repo / "cat" / "releases").exists()
    assert (
        "cannot be used" in invoke("release", version, "--lang", "en").output
        or "invalid version" in invoke("release", version, "--lang", "en").output
    )


@needs_git
def test_release_refuses_a_tag_that_differs_only_by_case(fresh_repo):
    git(fresh_repo, "tag", "V9")
    refused(invoke("release", "v9"), "已有标签 V9", "只差大小写")
    assert _tags(fresh_repo).split() == ["V9"]


@needs_git
def test_release_refuses_the_name_of_a_branch(fresh_repo):
    refused(invoke("release", "main"), "已有同名分支 main")
    assert _tags(fresh_repo) == ""


@needs_git
def test_release_still_takes_ordinary_versions(fresh_repo):
    result = invoke("release", "v2026.1-rc_2")
    assert result.exit_code == 0, clean(result)
    assert _tags(fresh_repo).split() == ["v2026.1-rc_2"]


# ---- class 5: new item / new flow with names Windows cannot hold ------------------------------------------


@pytest.mark.parametrize("ident", ["CON", "con", "Aux", "NUL", "PRN", "COM1", "com0", "LPT9", "lpt1"])
@pytest.mark.parametrize("what", ["item", "flow"])
def test_new_refuses_a_windows_device_name(cat, what, ident):
    folder = "items" if what == "item" else "flows"
    before = sorted(p.name for p in (cat.root / folder).iterdir())
    refused(invoke("new", what, ident, "--catalog", str(cat.root)), f"编号“{ident}”不能用作文件名", "保留设备名")
    refused(invoke("new", what, ident, "--catalog", str(cat.root), "--lang", "en"), "reserved device name")
    assert sorted(p.name for p in (cat.root / folder).iterdir()) == before


def test_new_refuses_an_id_that_differs_from_a_file_only_by_case(cat):
    refused(invoke("new", "item", "t-xk-001", "--catalog", str(cat.root)), "T-XK-001.yaml", "只差大小写")
    refused(invoke("new", "flow", "xk-ty", "--catalog", str(cat.root)), "XK-TY.yaml", "只差大小写")
    assert sorted(p.name for p in (cat.root / "items").iterdir()) == ["T-XK-001.yaml"]


def test_new_refuses_an_existing_file(cat):
    before = (cat.root / "items" / "T-XK-001.yaml").read_bytes()
    refused(invoke("new", "item", "T-XK-001", "--catalog", str(cat.root)), "已存在")
    assert (cat.root / "items" / "T-XK-001.yaml").read_bytes() == before


@pytest.mark.parametrize("name", ["a\x00b", "响铃\x07", "回车\r换行", "\x1b[31m红色", "NEL\u0085下一行", "\x7f删除"])
def test_new_refuses_control_characters_in_a_name(cat, name):
    refused(invoke("new", "item", "T-XK-002", "--catalog", str(cat.root), "--name", name), "事项名称中有控制字符", "U+")
    assert not (cat.root / "items" / "T-XK-002.yaml").exists()


# ---- class 6: scaffolding keeps every text ---------------------------------------------------------------------

HOSTILE = [
    "许可/备案: 变更",
    "示例县/市场监管局 #旧称",
    "名称#紧贴",
    "# 开头就是井号",
    "a #b",
    "{流程}",
    "[清单]",
    "{a: 1}",
    "[1, 2]",
    "- 开头的横线",
    "-",
    "--- 文档分隔",
    "...",
    "单引号'在中间",
    "'整个单引号'",
    '双引号"在中间',
    '"整个双引号"',
    "'",
    '"',
    "两行\n名称",
    "末尾换行\n",
    "  前后空格  ",
    " 前空格",
    "后空格 ",
    "yes",
    "no",
    "on",
    "010",
    "0x1F",
    "1e5",
    "1:30",
    "2026-01-01",
    "null",
    "~",
    "true",
    "*别名",
    "&锚点",
    "!标签",
    "!!str 010",
    "%百分号",
    "@at",
    "`反引号",
    "|",
    "|-",
    ">",
    "?",
    "? 问号",
    ":",
    ": 冒号",
    "a: b: c",
    "键: 值\n其他: 1",
    "制表\t符",
    "行分隔\u2028符",
    "\ufeff字节序标记",
    "零宽\u200b空格",
    "😀表情",
    "反斜杠\\n不是换行",
    "\\",
    "<script>alert(1)</script>",
    "=SUM(A1)",
    "名称" * 200,
]


def _read_name(path: Path, *keys):
    data = load_bytes(path.read_bytes())[0]
    for key in keys:
        data = data[key]
    return data


def _parses_and_formats(root: Path, rel: str) -> None:
    result = invoke("validate", str(root), "--format", "json", "--no-cache")
    clean(result)
    unreadable = [
        f
        for f in json.loads(result.stdout)
        if f["file"].replace("\\", "/").endswith(rel) and f["rule"] in {f"QL1{n:02d}" for n in range(10)}
    ]
    assert unreadable == [], unreadable  # QL100-QL109: the file cannot be read as YAML
    check = invoke("fmt", str(root / rel), "--check")
    assert check.exit_code == 0, clean(check)


@pytest.mark.parametrize("name", HOSTILE, ids=range(len(HOSTILE)))
def test_new_item_keeps_the_name_exactly(cat, name):
    result = invoke("new", "item", "T-XK-002", "--catalog", str(cat.root), "--name", name)
    assert result.exit_code == 0, clean(result)
    assert _read_name(cat.root / "items" / "T-XK-002.yaml", "name") == name
    _parses_and_formats(cat.root, "items/T-XK-002.yaml")


@pytest.mark.parametrize("name", [n for n in HOSTILE if n], ids=range(len([n for n in HOSTILE if n])))
def test_new_flow_keeps_the_name_exactly(cat, name):
    result = invoke("new", "flow", "XK-XY", "--catalog", str(cat.root), "--name", name)
    assert result.exit_code == 0, clean(result)
    assert _read_name(cat.root / "flows" / "XK-XY.yaml", "name") == name
    _parses_and_formats(cat.root, "flows/XK-XY.yaml")


INIT_NAMES = [
    "示例县/市场监管局 #旧称",
    "许可/备案: 变更",
    "{单位}",
    "- 单位",
    "单位'甲'",
    '单位"乙"',
    "两行\n单位",
    "  单位  ",
    "2026",
    "null",
    "*单位",
    "单位: 科室 #1",
]


@pytest.mark.parametrize("name", INIT_NAMES, ids=range(len(INIT_NAMES)))
def test_init_keeps_the_unit_name_exactly(tmp_path, name):
    root = tmp_path / "新目录"
    result = invoke("init", str(root), "--name", name)
    assert result.exit_code == 0, clean(result)
    assert _read_name(root / "catalog.yaml", "unit", "name") == name
    _parses_and_formats(root, "catalog.yaml")


def test_new_item_keeps_hostile_texts_it_takes_from_the_catalogue(cat):
    """The subject, department and duty come from catalog.yaml, the flow and law from their files:
    they go into the new item as they are, whatever they hold."""
    unit = dict(
        CATALOG,
        unit={"name": "测试县/生态环境局 #旧称", "level": "县级"},
        departments=[{"name": "审批科: 一组", "duties": [{"id": "ZZ-#1", "text": "负责审批。"}]}],
    )
    cat.write("catalog.yaml", unit)
    laws = json.loads(json.dumps(LAWS, ensure_ascii=False))
    laws["laws"] = [dict(laws["laws"][0], id="法规: {甲}")]
    cat.write("laws.yaml", laws)
    result = invoke("new", "item", "T-XK-002", "-c", "行政检查", "--catalog", str(cat.root))
    assert result.exit_code == 0, clean(result)
    data = load_bytes((cat.root / "items" / "T-XK-002.yaml").read_bytes())[0]
    assert data["subject"] == "测试县/生态环境局 #旧称" and data["department"] == "审批科: 一组"
    assert data["duties"] == ["ZZ-#1"] and data["basis"][0]["law"] == "法规: {甲}"
    assert invoke("fmt", str(cat.root / "items" / "T-XK-002.yaml"), "--check").exit_code == 0


def test_a_hostile_category_stays_text(cat):
    result = invoke("new", "item", "T-XK-002", "-c", "许可: #其他", "--catalog", str(cat.root))
    assert result.exit_code == 0, clean(result)
    assert _read_name(cat.root / "items" / "T-XK-002.yaml", "category") == "许可: #其他"
    code, found = cat.validate()
    assert code == 1 and any(
        f["rule"] == "QL117" and "许可: #其他" in f["message"] for f in found
    )  # not a category: said so


def test_the_templates_leave_no_value_unescaped(cat):
    """Every value in the raw template output is a double-quoted scalar (before quanli fmt's form)."""
    from quanli.loader import scaffold

    text = scaffold.render(
        "item.yaml.j2",
        schema_dir=scaffold._Raw("../.quanli/schemas"),
        id="A #1",
        name="b: c",
        category="d",
        subject="e",
        department="f",
        duty="g",
        flow="h",
        kind="other",
        today="2026-01-01",
        law="i",
        known_law=False,
    )
    assert 'name: "b: c"' in text and 'id: "A #1"' in text and "$schema=../.quanli/schemas/item.schema.json" in text
    assert load_bytes(text.encode())[0]["name"] == "b: c"
    assert scaffold._quoted('\u2028\u0085\ufeff\x00"\\') == '"\\u2028\\x85\\ufeff\\x00\\"\\\\"'


def test_the_modeline_folder_cannot_break_its_comment(tmp_path):
    from quanli.loader import scaffold

    assert scaffold._modeline_dir("../x y\nid: 1", "../.quanli/schemas") == "../.quanli/schemas"
    assert scaffold._modeline_dir("../../schemas", "../.quanli/schemas") == "../../schemas"
