"""A workspace's build (``quanli build WORKSPACE``): every member's deliverables, built in parallel, and the combined ones.

    <out>/index.html, style.css          the combined bundle's index: by unit and by category
    <out>/table/workspace.xlsx|csv|html  the combined 一表: a unit column, grouped by unit
    <out>/manifest.json                  the members, and the SHA-256 of every combined file
    <out>/quanli-workspace-<audience>.zip  all of the above and every member's deliverables
    <out>/members/<slug>/                each member exactly as ``quanli build <member>`` makes it

Every member is checked before anything is written: an error in one builds nothing. Each
member is its own build into its own folder (its own marker, reuse and leak scan), so a
rebuild reuses every unchanged member whole; the combined files are made from the members'
views only and scanned against every member's non-public items before they are written.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import io
import json
import os
import shutil
import sys
import time
from pathlib import Path

from quanli.build import leaks, single
from quanli.core.errors import QuanliError
from quanli.core.findings import Severity

FOREIGN = ("members/",)  # the members' own builds: the combined build leaves them to them


def build(ws, out: Path, audience: str, force: bool, quiet: bool, lang: str, use_cache: bool, draft: bool) -> int:
    from quanli.render.outputs import MARKER, read_marker, up_to_date

    started = time.perf_counter()
    if draft and audience != "internal":
        raise QuanliError(
            "草稿（--draft）只能生成内部版：请同时加 --audience internal。有错误的目录不得生成公开版。",
            "--draft builds the internal edition only: add --audience internal.",
        )
    single.prepare_out(out, force, [ws.root] + [m.root for m in ws.members])
    failing, others = _check_members(ws, use_cache, lang, quiet, draft)
    if failing or not _publishable(ws, audience, lang, quiet):
        return 1
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARKER).is_file():  # the folder is quanli's from now on, even if this build is stopped
        (out / MARKER).write_text(
            json.dumps({"tool": "quanli", "workspace": True, "audience": audience, "files": {}}), encoding="utf-8"
        )
    members_dir = out / "members"
    _remove_gone(members_dir, {m.slug for m in ws.members})
    before = {m.slug: read_marker(members_dir / m.slug).get("build") for m in ws.members}
    _build_members(ws, members_dir, audience, lang, use_cache, draft, quiet, others if audience == "public" else {})
    keys = {m.slug: read_marker(members_dir / m.slug).get("build") for m in ws.members}
    reused = sum(1 for m in ws.members if before[m.slug] is not None and before[m.slug] == keys[m.slug])
    ws_key = single.cache_key(b"workspace", ws.blob, audience, [(m.key, m.slug, keys[m.slug]) for m in ws.members])
    previous = read_marker(out) if use_cache else {}
    if previous.get("build") == ws_key and up_to_date(out, previous.get("files"), FOREIGN):
        if not quiet:
            print(
                f"成果已是最新（工作区的 {len(ws.members)} 个目录都没有变化），没有重新生成：{out}"
                if lang != "en"
                else f"up to date: none of the {len(ws.members)} catalogues changed since the last build in {out}"
            )
        return 0
    count, files = _combined(ws, out, audience, use_cache, lang, quiet, ws_key, previous, force)
    if not quiet:
        seconds = time.perf_counter() - started
        kept = f"其中 {reused} 个目录没有变化，沿用了上次的成果；" if reused else ""
        print(
            f"已生成工作区{'内部' if audience == 'internal' else '公开'}版“四个一”：{len(ws.members)} 个目录、{count} 个事项，"
            f"{kept}汇总成果 {files} 个文件，写入 {out}（用时 {seconds:.1f} 秒）。"
            if lang != "en"
            else f"built the workspace's {audience} deliverables: {len(ws.members)} catalogues, {count} items "
            f"({reused} unchanged, reused), {files} combined files in {out} ({seconds:.1f} s)."
        )
    return 0


def _publishable(ws, audience: str, lang: str, quiet: bool) -> bool:
    """Every member's items that a public build may not publish yet (quanli.review.publishing), said
    member by member before anything is written: False stops a public build of the workspace."""
    from quanli.review import publishing

    said, ok = [], True
    for m in ws.members:
        found = publishing.held_in(m.root)
        if not found:
            continue
        label = f"{m.key}：" if lang != "en" else f"{m.key}: "
        if audience == "public":
            said.append(label + publishing.refusal(found, lang))
            ok = False
        elif not quiet:
            said.append(label + publishing.notice(found, lang))
    if said:
        print("\n".join(said), file=sys.stderr)
    return ok


def _check_members(ws, use_cache: bool, lang: str, quiet: bool, draft: bool) -> tuple[bool, dict]:
    """Check every member; True (and the errors shown) if any has an error and this is no draft;
    and for each member the other members' non-public names and ids its public build must not
    hold (rules.workspace.secrets_across: QL975 at validate, the leak scan's backstop here)."""
    from quanli.check.rules.workspace import secrets_across
    from quanli.check.run import check_snapshot
    from quanli.core import config
    from quanli.loader.catalogue import read_catalogue
    from quanli.report import get
    from quanli.report.summary import Summary

    started = time.perf_counter()
    errors, units, files = [], [], 0
    from quanli.check.rules import workspace as cross
    from quanli.check.suppress import suppress_cross
    from quanli.check.targets import catalog_data

    profiles, results, catalogs = {}, {}, {}
    for m in ws.members:
        cfg = config.resolve(m.root, None)
        snap = read_catalogue(m.root)
        files += len(snap.files)
        checked = check_snapshot(snap, use_cache, None, cfg.catalog)
        profiles[m], results[m], catalogs[m] = checked.profiles, checked, catalog_data(snap)
        found = [f for f in config.apply(checked.findings, cfg, [], []) if f.severity >= Severity.ERROR]
        if found:
            errors += found
            units.append(f"{m.key}（{len(found)} 个）" if lang != "en" else f"{m.key} ({len(found)})")
    # the errors among the rules across members (QL975: one member naming another's secret)
    for f in suppress_cross(cross.check(ws, results, catalogs)):
        if f.severity >= Severity.ERROR:
            errors.append(f)
            owner = next(
                (m.key for m in ws.members if f.abs_path and Path(f.abs_path).resolve().is_relative_to(m.root)),
                ws.root.name,
            )
            units.append(f"{owner}（{f.rule}）" if lang != "en" else f"{owner} ({f.rule})")
    others = {
        m.slug: sorted({v for entry in found.values() for v in entry[1:]})
        for m, found in secrets_across(ws, profiles).items()
    }
    if not errors:
        return False, others
    if draft:
        if not quiet:
            print(
                f"工作区的目录有 {len(errors)} 个错误（{'、'.join(units)}）：按 --draft 生成内部草稿，不得对外公开。"
                if lang != "en"
                else f"the workspace's catalogues have {len(errors)} errors ({', '.join(units)}): building internal drafts (--draft).",
                file=sys.stderr,
            )
        return False, others
    get("text")(errors[:20], Summary(len(ws.members), files, errors, time.perf_counter() - started), lang, sys.stderr)
    print(
        (
            f"工作区中这些目录有错误：{'、'.join(units)}。没有生成任何成果。请先改正（quanli validate {ws.root} 可查看全部问题）。"
            if lang != "en"
            else f"these catalogues have errors: {', '.join(units)}. Nothing was built; fix them first (see quanli validate)."
        ),
        file=sys.stderr,
    )
    return True, others


def _remove_gone(members_dir: Path, slugs: set[str]) -> None:
    """A member no longer in the workspace leaves nothing behind (it may have become confidential)."""
    if not members_dir.is_dir():
        return
    from quanli.render.outputs import MARKER

    for entry in members_dir.iterdir():
        if entry.name in slugs or entry.name.startswith("."):
            continue
        if entry.is_symlink() or not (entry / MARKER).is_file():
            continue  # not a member's build: the user's, left alone
        try:
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        except OSError as exc:
            raise QuanliError(
                f"无法删除已不在工作区中的成员成果 {entry}（{exc.strerror}），已停止。",
                f"cannot remove {entry}, the output of a former member ({exc.strerror}); stopped.",
            ) from None


def _build_members(
    ws,
    members_dir: Path,
    audience: str,
    lang: str,
    use_cache: bool,
    draft: bool,
    quiet: bool,
    others: dict | None = None,
) -> None:
    """Each member into members/<slug>, two at a time (the largest first); a member built alone
    keeps its own parallel rendering."""
    others = others or {}
    jobs = [
        (str(m.root), str(members_dir / m.slug), audience, lang, use_cache, draft, str(ws.root), others.get(m.slug, []))
        for m in ws.members
    ]
    sizes = [_size(m.root) for m in ws.members]
    order = sorted(range(len(jobs)), key=lambda k: (-sizes[k], k))
    workers = min(os.cpu_count() or 1, 61, len(jobs))
    done = 0

    def report(k: int, code: int, said: str) -> None:
        nonlocal done
        done += 1
        if code not in (0, None):  # checked above, so only a write or lock problem lands here
            raise QuanliError(
                f"成员 {ws.members[k].key} 没有生成：{said.strip()}",
                f"member {ws.members[k].key} was not built: {said.strip()}",
            )
        if not quiet and sys.stderr.isatty():
            print(f"\r已生成 {done}/{len(jobs)} 个目录", end="", file=sys.stderr, flush=True)

    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {k: pool.submit(member_job, jobs[k] + (False,)) for k in order}
                for k in order:
                    report(k, *futures[k].result())
            _end_progress(quiet)
            return
        except (OSError, RuntimeError):  # no process support here: one after another
            pass
    for k in order:
        report(k, *member_job(jobs[k] + (True,)))
    _end_progress(quiet)


def _end_progress(quiet: bool) -> None:
    if not quiet and sys.stderr.isatty():
        print(file=sys.stderr)


def _size(root: Path) -> int:
    try:
        return len(os.listdir(root / "items"))
    except OSError:
        return 0


def member_job(args) -> tuple[int, str]:
    """One member's build (in a worker process, or here): its exit code and what it said."""
    from quanli.dates import workdays

    root, dest, audience, lang, use_cache, draft, ws_root, others, alone = args
    workdays.SHARED[Path(root)] = Path(ws_root)  # the workspace's holidays.yaml, for a member in a sibling checkout too
    leaks.EXTRA_SECRETS[:] = others  # the other members' non-public names: not in this member's public build either
    if not alone:  # the members are spread over the cores already
        from quanli.loader import catalogue

        single.PARALLEL_ITEMS = catalogue.PARALLEL_THRESHOLD = 1 << 60
    said = io.StringIO()
    try:
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            code = single.run(Path(root), Path(dest), audience, True, True, lang, use_cache, draft)
    finally:
        leaks.EXTRA_SECRETS[:] = []
        # the command line collects garbage rarely (cli.main), which suits one build per process; a
        # worker builds many members one after another and would keep each one's garbage (4 GB for 25)
        import gc

        gc.collect()
    return code, said.getvalue()


def _combined(
    ws,
    out: Path,
    audience: str,
    use_cache: bool,
    lang: str,
    quiet: bool,
    ws_key: str,
    previous: dict,
    force: bool = False,
) -> tuple[int, int]:
    """Write the combined files; returns (items in view, files written)."""
    from quanli.core import config
    from quanli.dates import workdays
    from quanli.loader.cache import CACHE_DIR, read_payload, write_payload
    from quanli.loader.catalogue import read_catalogue
    from quanli.render import combined, sheet, site, table
    from quanli.render.bundle import Bundle
    from quanli.render.outputs import Kept, file_stat, read_marker, records_name, sha256_of, write_tree

    members, secrets = [], []
    for m in ws.members:
        workdays.SHARED[m.root] = ws.root
        cfg = config.resolve(m.root, None)
        snap = read_catalogue(m.root)
        catalogue, view, memo = single.view_of(snap, cfg, audience, single.source_info(m.root), use_cache)
        label = m.label(catalogue.catalog.data)
        members.append(
            combined.MemberView(
                m.key, m.slug, label, m.region, m.level, view, {i.id: single.safe_stem(i.id) for i in view.items}
            )
        )
        if audience == "public":
            secrets += leaks.secrets_of(catalogue, view)
            if not quiet:
                single.say_held_back(catalogue, lang, f"{label}（{m.key}）" + ("：" if lang != "en" else ": "))
        if use_cache:
            memo.save()
    title = ws.title()
    view = combined.combined_view(title, audience, members)
    stamp = calendar.timegm(dt.date.fromisoformat(view.date).timetuple()) if view.date else 0
    files: dict = {
        "index.html": combined.index(title, view, members).encode("utf-8"),
        "style.css": (site.CSS + table.TABLE_CSS + sheet.CSS + combined.UNITS_CSS).encode("utf-8"),
        "table/workspace.xlsx": table.xlsx_bytes(view, stamp),
        "table/workspace.csv": table.csv_bytes(view),
        "table/workspace.html": combined.table_page(view).encode("utf-8"),
    }
    if secrets:
        # another unit may publish what this one keeps back under the same name: that is not a leak
        shown = {s for i in view.items for s in (i.id, i.name)}
        leaked = leaks.leak_check(files, sorted({s for s in secrets if s not in shown}))
        if leaked:
            name, secret = leaked[0]
            raise QuanliError(
                f"汇总成果 {name} 中出现了不公开事项的内容“{secret}”，已停止生成，汇总成果没有写入。{leaks.LEAK_HINT}",
                f"combined output {name} contains non-public content '{secret}'; stopped, nothing combined was written.",
            )
    digests = {name: sha256_of(value) for name, value in files.items()}
    files["manifest.json"] = _manifest(ws, title, view, members, digests, out, audience)
    digests["manifest.json"] = sha256_of(files["manifest.json"])
    # the ZIP: the combined files and every member's deliverables (not the members' own ZIPs)
    bundled: dict[str, str] = {}
    packed: dict = dict(files)
    for m in members:
        listing = read_marker(out / "members" / m.slug).get("files")
        for name, sha in sorted(listing.items()) if isinstance(listing, dict) else ():
            if sha is None or (name.startswith("quanli-") and name.endswith(".zip")):
                continue
            path = str(out / "members" / m.slug / name)
            stat = file_stat(path)
            full = f"members/{m.slug}/{name}"
            packed[full] = Kept(path, sha, stat[0], stat)
            bundled[full] = sha
    zip_name = f"quanli-workspace-{audience}.zip"
    cache_dir = ws.root / CACHE_DIR
    records = read_payload(cache_dir / records_name(out)) if use_cache else None
    files[zip_name] = Bundle(
        packed, stamp, {**digests, **bundled}, _previous_zip(out / zip_name, previous, records, audience)
    )
    digests[zip_name] = None
    records = write_tree(
        out,
        files,
        {"tool": "quanli", "workspace": True, "audience": audience, "build": ws_key, "bundled": bundled},
        digests,
        update=True,
        foreign=FOREIGN,
        replace_theirs=force,
    )
    if use_cache:
        write_payload(cache_dir, cache_dir / records_name(out), records)
    return len(view.items), len(files)


def _previous_zip(path: Path, previous: dict, records, audience: str) -> tuple[str, dict] | None:
    """The last combined ZIP and its members' digests, if the file is still what that build wrote."""
    from quanli.render.outputs import file_stat

    record = records.get(path.name) if isinstance(records, dict) else None
    if previous.get("audience") != audience or not (isinstance(record, list) and len(record) == 2):
        return None
    try:
        if list(file_stat(str(path))) != record[1]:
            return None
    except OSError:
        return None
    listing = {**(previous.get("bundled") or {}), **(previous.get("files") or {})}
    return str(path), listing


def _manifest(ws, title: str, view, members, digests: dict[str, str], out: Path, audience: str) -> bytes:
    """What the combined bundle holds: each member (with its own manifest's SHA-256) and the combined files."""
    import hashlib

    rows = []
    for m in members:
        try:
            own = hashlib.sha256((out / "members" / m.slug / "manifest.json").read_bytes()).hexdigest()
        except OSError:
            own = None
        rows.append(
            {
                "path": m.key,
                "folder": f"members/{m.slug}",
                "unit": m.label,
                "region": m.region,
                "level": m.level,
                "items": len(m.view.items),
                "date": m.view.date,
                "manifest": own,
            }
        )
    data = {
        "tool": "quanli",
        "workspace": title,
        "region": ws.region,
        "audience": audience,
        "date": view.date,
        "items": len(view.items),
        "members": rows,
        "files": {name: digests[name] for name in sorted(digests)},
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
