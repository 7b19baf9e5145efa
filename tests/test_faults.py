"""Faults: kill -9 at random moments, a full disk, no permission, read-only files, two builds at once.

The kill tests start ``python -m quanli ...`` as a real process, SIGKILL it after a random delay
spread over the command's own duration (measured first), and then look at every file the
command writes: each must be exactly its old content or exactly its new content, and a build's
output folder must be exactly the previous complete build or exactly the new one. What the
killed processes left behind (hidden temporary files and folders) is kept across the runs, and
the commands must still work with it there.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import SAMPLES, invoke

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1767225600"  # 2026-01-01: builds are reproducible, so the expected new build can be made beforehand
posix_kill = pytest.mark.skipif(os.name == "nt" or not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


def env(**extra) -> dict:
    out = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, QUANLI_LANG="zh", PYTHONPATH=str(ROOT / "src"))
    out.pop("QUANLI_DEBUG", None)
    out.update(extra)
    return out


# A build spends most of its time rendering in memory and writes its ~120 files in a few tens of
# milliseconds at the end; random kills would hardly ever land there. An import writes its files
# (fsutil.write_many), syncs once and renames them all in a few milliseconds. For these tests each
# file write of a build and each rename of an import is preceded by a short sleep (nothing else
# changes: same code, same order of writes), so the window is wide enough for random kills to hit it often.
STRETCHED = (
    "import sys, time\nfrom quanli.render import outputs\nreal = outputs._write_one\n"
    "def slow(path, value):\n    time.sleep(0.004)\n    real(path, value)\n"
    "outputs._write_one = slow\n"
    "import quanli.core.fsutil as fs\nrename = fs._Staged.commit\n"
    "def slow_rename(self):\n    time.sleep(0.004)\n    rename(self)\n"
    "fs._Staged.commit = slow_rename\nsys.argv[0] = 'quanli'\nfrom quanli.cli import main\nmain()\n"
)


def quanli(*args: str, cwd: Path | None = None, stretch: bool = False, **popen) -> subprocess.Popen:
    start = [sys.executable, "-c", STRETCHED] if stretch else [sys.executable, "-m", "quanli"]
    return subprocess.Popen(
        [*start, *args], cwd=cwd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **popen
    )


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quanli", *args], cwd=cwd, env=env(), capture_output=True, text=True)


def copy_sample(to: Path) -> None:
    shutil.copytree(SAMPLES / "county-amr", to, ignore=shutil.ignore_patterns(".quanli-cache"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative posix path -> bytes), hidden ones included."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in snapshot(folder).items()}


def deliverables(out: Path, temps: list | None = None) -> dict[str, str]:
    """A build's files and their SHA-256; the marker ``.quanli-build`` is checked apart (it holds a key of
    quanli's own code, which changes when anyone edits the source while the tests run), and must list
    exactly the files in the folder."""
    found = digests(out)
    if temps is not None:  # an update in place writes each file beside its place first (.NAME.quanli-PID.tmp)
        temps += [k for k in found if re.fullmatch(r"\.[^/]+\.quanli-\d+\.tmp", k.rpartition("/")[2])]
        found = {k: v for k, v in found.items() if k not in temps}
    marker = json.loads(found.pop(".quanli-build") and (out / ".quanli-build").read_text(encoding="utf-8"))
    assert set(marker["files"]) == set(found), "the marker does not list the files in the folder"
    return found


def duration(args: list[str], reset, stretch: bool = False) -> float:
    """How long a complete run takes (the slower of two), to spread the kills over it."""
    times = []
    for _ in range(2):
        reset()
        start = time.perf_counter()
        proc = quanli(*args, stretch=stretch)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode("utf-8", "replace")
        times.append(time.perf_counter() - start)
    return max(times)


def kill_runs(
    args: list[str],
    runs: int,
    reset,
    check,
    seed: int,
    stretch: bool = False,
    start: float = 0.15,
    more=None,
    limit: int = 0,
) -> dict:
    """``runs`` times: reset, start the command, SIGKILL it after a random delay (``start`` to 1.05 times
    a complete run's duration: a kill after the end kills nothing), check the disk. While ``more(stats)``
    says the kills have not yet landed where the test needs them (a loaded machine shifts the timing),
    go on, up to ``limit`` runs in all."""
    rng = random.Random(seed)
    total = duration(args, reset, stretch)
    stats = {"runs": runs, "killed": 0, "finished": 0, "seconds": total}
    done = 0
    while done < runs or (more is not None and done < limit and more(stats)):
        done += 1
        stats["runs"] = done
        reset()
        proc = quanli(*args, stretch=stretch)
        time.sleep(rng.uniform(start, 1.05) * total)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        stats["killed" if proc.returncode == -signal.SIGKILL else "finished"] += 1
        check(stats)
    return stats


# -- quanli fmt ------------------------------------------------------------------------------


def _messy_catalogue(root: Path, copies: int) -> None:
    """The sample catalogue, every file dumped in another layout, items multiplied: fmt rewrites them all."""
    copy_sample(root)
    items = sorted((root / "items").glob("*.yaml"))
    datas = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in items]
    for n in range(copies):
        for data in datas:
            ident = data["id"][:-3] + f"{(n + 1) * 100 + int(data['id'][-3:]) % 100:03d}"
            (root / "items" / f"{ident}.yaml").write_text(
                yaml.safe_dump(
                    dict(data, id=ident, name=f"{data['name']}（{n}）"), allow_unicode=True, sort_keys=True, indent=4
                ),
                encoding="utf-8",
            )
    for p in sorted(root.rglob("*.yaml")):
        if p.parent.name != "items" or p in items:
            p.write_text(
                yaml.safe_dump(
                    yaml.safe_load(p.read_text(encoding="utf-8")), allow_unicode=True, sort_keys=True, indent=4
                ),
                encoding="utf-8",
            )


def _leftovers(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob(".*")
        if p.name != ".quanli-cache" and ".quanli-cache" not in p.parts
    )


@posix_kill
def test_fmt_killed_at_random_moments_leaves_each_file_old_or_new(tmp_path):
    cat = tmp_path / "cat"
    _messy_catalogue(cat, copies=2)
    old = snapshot(cat)
    expected = tmp_path / "expected"
    shutil.copytree(cat, expected)
    assert run("fmt", str(expected), "--no-cache").returncode == 0
    new = {k: v for k, v in snapshot(expected).items() if not k.startswith(".quanli-cache/")}
    assert sum(old[k] != new[k] for k in new) == len(new) > 100  # every file is rewritten

    def reset():
        for name, data in old.items():
            path = cat / name
            if path.read_bytes() != data:
                path.write_bytes(data)

    mixed = []

    def check(stats):
        now = {k: v for k, v in snapshot(cat).items() if not k.startswith(".quanli-cache/") and not _is_temp(k)}
        assert set(now) == set(old), "a file appeared or vanished"
        rewritten = 0
        for name, data in now.items():
            assert data in (old[name], new[name]), f"{name} is neither the old nor the new file (truncated or mixed)"
            rewritten += data == new[name] != old[name]
        if 0 < rewritten < len(new):
            mixed.append(rewritten)

    stats = kill_runs(
        ["fmt", str(cat), "--no-cache"],
        20,
        reset,
        check,
        seed=8,
        more=lambda st: not mixed or st["killed"] < 15,
        limit=60,
    )
    print("fmt", stats, "mixed:", len(mixed))
    assert stats["killed"] >= 15, stats
    assert mixed, "no kill landed while files were being rewritten: the test proves nothing"
    # what the killed runs left (hidden .NAME.*.tmp files) does not disturb the commands
    reset()
    assert run("validate", str(cat), "--no-cache", "--format", "json").returncode in (0, 1)
    findings = json.loads(run("validate", str(cat), "--no-cache", "--format", "json").stdout)
    assert not any(".tmp" in f["file"] for f in findings)
    assert run("fmt", str(cat)).returncode == 0
    assert {k: v for k, v in snapshot(cat).items() if not _is_temp(k) and not k.startswith(".quanli-cache/")} == new
    assert run("fmt", str(cat), "--check").returncode == 0


def _is_temp(name: str) -> bool:
    return Path(name).name.startswith(".") and name.endswith(".tmp")


# -- quanli import ---------------------------------------------------------------------------


@posix_kill
def test_import_killed_at_random_moments_leaves_whole_files(tmp_path):
    cat = tmp_path / "cat"
    copy_sample(cat)
    rows = ["事项名称,事项类型,实施主体,承办机构,设定依据,承诺时限,公开范围"]
    rows += [
        f"导入的第{i}个许可事项,行政许可,示例县市场监督管理局,行政审批科,《示例县第{i % 7}号管理条例》第{i}条,{i % 19 + 1}个工作日,社会公开"
        for i in range(1, 201)
    ]
    source = tmp_path / "清单.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    old = snapshot(cat)
    expected = tmp_path / "expected"
    shutil.copytree(cat, expected)
    done = run("import", str(source), "--into", str(expected))
    assert done.returncode == 0, done.stderr
    new = {k: v for k, v in snapshot(expected).items() if not k.startswith(".quanli-cache/")}
    created = sorted(set(new) - set(old))
    assert len(created) == 200 and new["laws.yaml"] != old["laws.yaml"]

    def reset():
        for name in set(snapshot(cat)) - set(old):
            if not _is_temp(name):
                (cat / name).unlink()
        (cat / "laws.yaml").write_bytes(old["laws.yaml"])

    partial = []

    def check(stats):
        now = {k: v for k, v in snapshot(cat).items() if not k.startswith(".quanli-cache/") and not _is_temp(k)}
        for name, data in old.items():
            if name != "laws.yaml":
                assert now[name] == data, f"{name} changed"
        assert now["laws.yaml"] in (old["laws.yaml"], new["laws.yaml"]), "laws.yaml is neither old nor new"
        made = [name for name in now if name not in old]
        for name in made:
            assert now[name] == new.get(name), f"{name} is not the file the import writes (truncated?)"
        if made:
            assert now["laws.yaml"] == new["laws.yaml"], "an item was written before the laws it cites"
        if 0 < len(made) < len(created):
            partial.append(len(made))

    stats = kill_runs(
        ["import", str(source), "--into", str(cat)],
        20,
        reset,
        check,
        seed=9,
        stretch=True,
        more=lambda st: not partial or st["killed"] < 15,
        limit=60,
    )
    print("import", stats, "partial:", len(partial))
    assert stats["killed"] >= 15, stats
    assert partial, "no kill landed while item files were being written"
    # an import killed half-way is finished by running it again: the rows already there are skipped
    reset()
    proc = quanli("import", str(source), "--into", str(cat))
    time.sleep(stats["seconds"] * 0.9)
    proc.kill()
    proc.communicate()
    assert run("import", str(source), "--into", str(cat)).returncode == 0
    names = {
        yaml.safe_load(data)["name"] for k, data in snapshot(cat).items() if k.startswith("items/") and not _is_temp(k)
    }
    assert {f"导入的第{i}个许可事项" for i in range(1, 201)} <= names
    assert len([k for k in snapshot(cat) if k.startswith("items/") and not _is_temp(k)]) == len(created) + 33


# -- quanli build ----------------------------------------------------------------------------


def _manifest_matches(out: Path) -> None:
    """Every file the manifest lists is there with that SHA-256, and nothing else is."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {
        k: v
        for k, v in deliverables(out).items()
        if k not in ("manifest.json", ".quanli-build") and not k.endswith(".zip")
    }
    assert on_disk == manifest["files"], "the output folder does not match its manifest"


def _build_states(tmp_path: Path) -> tuple[Path, Path, dict, dict]:
    """A catalogue, its build A in dist, the catalogue edited, and what its build B must be."""
    cat = tmp_path / "cat"
    copy_sample(cat)
    out = tmp_path / "dist"
    assert run("build", str(cat), "--out", str(out), "--quiet").returncode == 0
    a = deliverables(out)
    saved = tmp_path / "dist-a"
    shutil.copytree(out, saved)
    catalog = cat / "catalog.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("version: 2026 版", "version: 2026 年第二版"), encoding="utf-8"
    )
    first = sorted((cat / "items").glob("*.yaml"))[0]
    _edit_signed(first, "\nname: ", "\nname: 修订后的")
    other = tmp_path / "dist-b"
    assert run("build", str(cat), "--out", str(other), "--quiet", "--no-cache").returncode == 0
    b = deliverables(other)
    assert a != b and a.keys() == b.keys()
    return cat, out, a, b


def _edit_signed(path: Path, old: str, new: str) -> None:
    """Edit a signed item as a clerk would and have it signed again (its sign-offs' fingerprint
    follows the content), so that the public build publishes it (quanli.review.publishing)."""
    import yaml

    from quanli.review import stages

    text = path.read_text(encoding="utf-8")
    before = stages.fingerprint(yaml.safe_load(text))
    text = text.replace(old, new, 1)
    path.write_text(text.replace(before, stages.fingerprint(yaml.safe_load(text))), encoding="utf-8")


def _build_kills(tmp_path: Path, extra: list[str], runs: int, seed: int, strict: bool) -> dict:
    cat, out, a, b = _build_states(tmp_path)
    saved = tmp_path / "dist-a"

    def reset():
        shutil.rmtree(out)
        shutil.copytree(saved, out, copy_function=shutil.copy2)

    seen = {"a": 0, "b": 0, "mixed": 0, "building": 0, "temps": []}

    def check(stats):
        assert out.is_dir(), "the output folder is gone"
        now = deliverables(out, None if strict else seen["temps"])
        assert now.keys() == a.keys(), "a file of the build is missing, or a stray file is in the folder"
        for name, digest in now.items():
            assert digest in (a[name], b[name]), f"{name} is neither the previous file nor the new one (truncated?)"
        seen["a" if now == a else "b" if now == b else "mixed"] += 1
        if now not in (a, b):  # killed among the renames: the marker says the update is unfinished
            from quanli.render.outputs import read_marker

            assert "build" not in read_marker(out), "a half-updated folder whose marker claims a finished build"
        if strict:
            assert now in (a, b), "the output folder is neither the previous build nor the new one"
            _manifest_matches(out)
        seen["building"] += any(p.name.startswith(".dist.building-") for p in tmp_path.iterdir())

    stats = kill_runs(
        ["build", str(cat), "--out", str(out), "--quiet", *extra],
        runs,
        reset,
        check,
        seed,
        stretch=True,
        start=0.4,
        more=lambda st: st["killed"] < runs * 2 // 3 or (strict and not (seen["a"] and seen["building"])),
        limit=runs * 3,
    )
    stats.update(seen, temps=len(seen["temps"]))
    assert stats["killed"] >= runs * 2 // 3, stats
    # the next build is not disturbed by what the last killed one left (perhaps half an update), and clears it away
    done = run("build", str(cat), "--out", str(out), "--quiet", *extra)
    assert done.returncode == 0, done.stderr
    assert deliverables(out) == b
    _manifest_matches(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat", "dist", "dist-a", "dist-b"]
    assert run("validate", str(cat), "--format", "json").returncode == 0
    return stats


@posix_kill
def test_build_killed_at_random_moments_leaves_the_old_or_the_new_build(tmp_path):
    """A fresh build (written into a folder beside the old one, then swapped in): after every kill the
    folder is exactly the previous build or exactly the new one, and matches its manifest."""
    stats = _build_kills(tmp_path, ["--no-cache"], 14, seed=10, strict=True)
    print("build --no-cache", stats)
    assert stats["a"] and stats["building"], stats  # some kills landed mid-build


@posix_kill
def test_build_update_killed_at_random_moments(tmp_path):
    """A build over the previous one (reusing what did not change) writes every changed file beside
    its place and renames them into place at the end, the marker last (render/outputs.py _update):
    after every kill each file is whole, the previous one or the new one; a kill among the renames
    (a window of milliseconds, hit or missed by timing) leaves some of each under a marker that
    says the update is unfinished, and the next build completes it."""
    stats = _build_kills(tmp_path, [], 12, seed=11, strict=False)
    print("build (update in place)", stats)
    assert stats["killed"], stats


def test_leftovers_of_a_killed_swap_are_cleared_and_the_old_build_restored(tmp_path):
    """Killed between the two renames of the swap: no output folder, the old one under another name."""
    from quanli.core.lock import OutputLock

    cat = tmp_path / "cat"
    copy_sample(cat)
    out = tmp_path / "dist"
    assert invoke("build", str(cat), "--out", str(out), "--quiet").exit_code == 0
    before = deliverables(out)
    os.replace(out, tmp_path / ".dist.old-99999")
    (tmp_path / ".dist.building-abc").mkdir()
    (tmp_path / ".dist.building-abc" / "half.docx").write_bytes(b"PK")
    with OutputLock(out):
        assert deliverables(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat", "dist"]


# -- disk full, no permission, read-only ---------------------------------------------------


def _fail_with(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    "code, words", [(errno.ENOSPC, "磁盘空间不足"), (errno.EACCES, "没有写入权限"), (errno.EROFS, "只读")]
)
def test_fmt_on_a_full_disk_or_without_permission(tmp_path, monkeypatch, code, words):
    cat = tmp_path / "cat"
    _messy_catalogue(cat, copies=0)
    before = snapshot(cat)
    monkeypatch.setattr(os, "fsync", _fail_with(code))
    result = invoke("fmt", str(cat), "--no-cache")
    assert result.exit_code == 2, result.output
    assert words in result.output and "原文件没有改动" in result.output and "Traceback" not in result.output
    named = [p for p in before if f"{cat / p}" in result.output]
    assert named, result.output  # the file meant, not a temporary file
    assert ".tmp" not in result.output
    assert {k: v for k, v in snapshot(cat).items() if not k.startswith(".quanli-cache/")} == {
        k: v for k, v in before.items() if not k.startswith(".quanli-cache/")
    }  # no file changed, no temporary file left


def test_permission_error_from_the_write_path(tmp_path, monkeypatch):
    cat = tmp_path / "cat"
    _messy_catalogue(cat, copies=0)
    before = snapshot(cat)

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(args[0]) if args else None)

    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = invoke("fmt", str(cat), "--no-cache")
    assert result.exit_code == 2 and "没有写入权限" in result.output and str(cat) in result.output, result.output
    assert snapshot(cat) == before
    result = invoke("new", "item", "SJ-XK-099", "--catalog", str(cat), "--lang", "en")
    assert result.exit_code == 2 and "permission denied" in result.output and "SJ-XK-099.yaml" in result.output
    assert snapshot(cat) == before


def test_read_only_file_is_not_rewritten(tmp_path):
    """chmod a-w: a rename would replace it silently on POSIX (even for root); quanli refuses instead."""
    cat = tmp_path / "cat"
    _messy_catalogue(cat, copies=0)
    target = cat / "laws.yaml"
    target.chmod(0o444)
    try:
        before = snapshot(cat)
        result = invoke("fmt", str(cat), "--no-cache")
        assert result.exit_code == 2 and "只读" in result.output and str(target) in result.output, result.output
        assert target.read_bytes() == before["laws.yaml"] and os.stat(target).st_mode & 0o777 == 0o444
    finally:
        target.chmod(0o644)
    assert invoke("fmt", str(cat), "--no-cache").exit_code == 0


@pytest.mark.skipif(
    os.name == "nt" or (hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="root may write anywhere; chmod cannot take the permission away (POSIX, not root)",
)
def test_a_folder_without_write_permission(tmp_path):
    cat = tmp_path / "cat"
    _messy_catalogue(cat, copies=0)
    before = snapshot(cat)
    (cat / "items").chmod(0o555)
    try:
        result = run("fmt", str(cat), "--no-cache")
        assert result.returncode == 2 and "没有写入权限" in result.stderr and "Traceback" not in result.stderr, (
            result.stderr
        )
        assert snapshot(cat) == before
        out = tmp_path / "locked"
        out.mkdir(mode=0o555)
        result = run("build", str(SAMPLES / "county-amr"), "--out", str(out / "dist"))
        assert result.returncode == 2 and "没有写入权限" in result.stderr, result.stderr
    finally:
        (cat / "items").chmod(0o755)
        (tmp_path / "locked").chmod(0o755)


@pytest.mark.parametrize("cache", [True, False])
def test_build_on_a_full_disk(tmp_path, monkeypatch, cache):
    """The new build cannot be written: a clear message, exit code 2, the catalogue untouched;
    a fresh build leaves the previous one as it was, and the next build after the fault is complete."""
    from quanli.render import outputs

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    cat, out, a, b = _build_states(tmp_path)
    sources = snapshot(cat)
    real = outputs._write_one
    count = {"n": 0}

    def filling(path, value):
        count["n"] += 1
        if count["n"] > 40:
            raise OSError(errno.ENOSPC, "No space left on device", path)
        real(path, value)

    monkeypatch.setattr(outputs, "_write_one", filling)
    result = invoke("build", str(cat), "--out", str(out), "--quiet", *([] if cache else ["--no-cache"]))
    assert result.exit_code == 2 and "磁盘空间不足" in result.output and str(out) in result.output, result.output
    assert ".building-" not in result.output and "Traceback" not in result.output
    assert {k: v for k, v in snapshot(cat).items() if not k.startswith(".quanli-cache/")} == {
        k: v for k, v in sources.items() if not k.startswith(".quanli-cache/")
    }
    if not cache:
        assert "上一次的成果没有改动" in result.output and deliverables(out) == a
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat", "dist", "dist-a", "dist-b"]
    monkeypatch.setattr(outputs, "_write_one", real)
    assert invoke("build", str(cat), "--out", str(out), "--quiet").exit_code == 0
    assert deliverables(out) == b


# -- two builds at once ---------------------------------------------------------------------


def test_two_builds_into_one_folder_at_once(tmp_path):
    """Real processes, started together, again and again: each one waits for the other, both
    finish, and the folder is one complete build; no lock or temporary folder stays behind."""
    cat = tmp_path / "cat"
    copy_sample(cat)
    out = tmp_path / "dist"
    waited = 0
    for round_ in range(4):
        flags = [[], ["--no-cache"]] if round_ % 2 else [[], []]
        procs = [quanli("build", str(cat), "--out", str(out), *extra) for extra in flags]
        results = [p.communicate(timeout=120) for p in procs]
        errs = [err.decode("utf-8") for _, err in results]
        assert [p.returncode for p in procs] == [0, 0], errs
        assert all("Traceback" not in e and "内部错误" not in e for e in errs), errs
        waited += sum("正在写入" in e for e in errs)
        _manifest_matches(out)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["cat", "dist"]
    assert waited, "the builds never overlapped"


def test_a_build_waits_for_the_lock_and_a_dead_holder_does_not_block(tmp_path):
    cat = tmp_path / "cat"
    copy_sample(cat)
    out = tmp_path / "dist"
    hold = [
        sys.executable,
        "-c",
        "import sys, time; from pathlib import Path; from quanli.core.lock import OutputLock\n"
        "with OutputLock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(float(sys.argv[2]))",
        str(out),
    ]
    holder = subprocess.Popen(hold + ["1.5"], env=env(), stdout=subprocess.PIPE)
    assert holder.stdout.readline().strip() == b"held"
    start = time.perf_counter()
    done = run("build", str(cat), "--out", str(out))
    assert done.returncode == 0 and "正在写入" in done.stderr and f"进程 {holder.pid}" in done.stderr, done.stderr
    assert time.perf_counter() - start > 1.0  # it waited for the holder
    holder.wait()
    # a holder killed with -9 leaves its lock file; the OS has dropped the lock, so the next build goes on at once
    holder = subprocess.Popen(hold + ["60"], env=env(), stdout=subprocess.PIPE)
    assert holder.stdout.readline().strip() == b"held"
    holder.kill()
    holder.wait()
    start = time.perf_counter()
    done = run("build", str(cat), "--out", str(out))
    assert done.returncode == 0 and "正在写入" not in done.stderr, done.stderr
    assert time.perf_counter() - start < 30


def test_a_build_that_waits_too_long_refuses(tmp_path, monkeypatch):
    from quanli.core import lock

    cat = tmp_path / "cat"
    copy_sample(cat)
    out = tmp_path / "dist"
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.3)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from quanli.core.lock import OutputLock\n"
            "with OutputLock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)",
            str(out),
        ],
        env=env(),
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"held"
        result = invoke("build", str(cat), "--out", str(out))
        assert (
            result.exit_code == 2 and "另一个 quanli build" in result.output and f"进程 {holder.pid}" in result.output
        ), result.output
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()


# -- quanli release ----------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env(HOME=str(repo), **RELEASER)
    ).stdout


RELEASER = {
    "GIT_AUTHOR_NAME": "办事员",
    "GIT_AUTHOR_EMAIL": "clerk@example.org",
    "GIT_COMMITTER_NAME": "办事员",
    "GIT_COMMITTER_EMAIL": "clerk@example.org",
}


@posix_kill
@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make test repositories")
def test_release_killed_at_random_moments_can_always_be_finished(tmp_path, monkeypatch):
    """After each kill the release documents are absent or whole; running release again finishes it
    (it adds a missing tag itself, or says the files are an interrupted release's and how to undo them),
    and the finished release is exactly the one an uninterrupted run makes."""
    repo = tmp_path / "repo"
    copy_sample(repo / "cat")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "初始目录")
    base = _git(repo, "rev-parse", "HEAD").strip()
    args = ["release", "v2", "--date", "2026-09-25"]
    monkeypatch.setitem(os.environ, "HOME", str(repo))
    for key, value in RELEASER.items():
        monkeypatch.setenv(key, value)

    def release(*extra):
        return subprocess.run(
            [sys.executable, "-m", "quanli", *args, *extra],
            cwd=repo / "cat",
            capture_output=True,
            text=True,
            env=env(HOME=str(repo), **RELEASER),
        )

    def reset():
        _git(repo, "reset", "-q", "--hard", base)
        if "v2" in _git(repo, "tag").split():
            _git(repo, "tag", "-d", "v2")
        _git(repo, "clean", "-qfd")

    done = release()
    assert done.returncode == 0, done.stdout + done.stderr
    final = {
        name: (repo / "cat" / name).read_bytes()
        for name in ("CHANGELOG.md", "releases/v2/变更说明.md", "releases/v2/变更说明.docx")
    }
    release_commit = _git(repo, "rev-parse", "v2^{commit}").strip()
    reset()
    rng = random.Random(12)
    # as for build: each write, the commit and the tag are preceded by a short sleep, so that random kills land among them
    slowed = (
        "import sys, time\nfrom dulwich import porcelain\nimport quanli.core.fsutil as f\n"
        "def slow(fn):\n    def run(*a, **k):\n        time.sleep(0.1)\n        return fn(*a, **k)\n    return run\n"
        "f.write_atomic = slow(f.write_atomic)\nporcelain.commit = slow(porcelain.commit)\n"
        "porcelain.tag_create = slow(porcelain.tag_create)\nsys.argv[0] = 'quanli'\nfrom quanli.cli import main\nmain()\n"
    )

    def killable():
        return subprocess.Popen(
            [sys.executable, "-c", slowed, *args],
            cwd=repo / "cat",
            env=env(HOME=str(repo), **RELEASER),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    start = time.perf_counter()
    assert killable().wait() == 0
    total = time.perf_counter() - start
    outcomes = {"nothing": 0, "locked": 0, "interrupted": 0, "untagged": 0, "done": 0}
    for _ in range(8):
        reset()
        proc = killable()
        time.sleep(rng.uniform(0.4, 1.05) * total)
        proc.kill()
        proc.wait()
        for name, data in final.items():
            path = repo / "cat" / name
            assert not path.exists() or path.read_bytes() == data, f"{name} is half-written"
        again = release()
        if again.returncode == 2 and "锁文件" in again.stderr:  # killed inside a git write: the lock is named
            outcomes["locked"] += 1
            named = [p for p in (repo / ".git").rglob("*.lock") if str(p) in again.stderr]
            assert named, again.stderr
            for lock in named:  # what the message asks the clerk to do
                lock.unlink()
            again = release()
        if again.returncode == 1 and "可能被中断" in again.stdout + again.stderr:
            outcomes["interrupted"] += 1
            _git(repo, "reset", "-q")
            _git(repo, "checkout", "-q", "--", ".")
            _git(repo, "clean", "-qfd")
            again = release()
        elif "已补上标签" in again.stdout:
            outcomes["untagged"] += 1
        elif "已经存在" in again.stdout + again.stderr:
            outcomes["done"] += 1
        else:
            outcomes["nothing"] += 1
        assert again.returncode in (0, 2) and "Traceback" not in again.stderr, again.stdout + again.stderr
        assert "v2" in _git(repo, "tag").split()
        assert (
            _git(repo, "rev-parse", "v2^{commit}").strip() == release_commit
        )  # the same commit an uninterrupted run makes
        assert {name: (repo / "cat" / name).read_bytes() for name in final} == final
        assert _git(repo, "status", "--porcelain") == ""
    print("release", outcomes)
