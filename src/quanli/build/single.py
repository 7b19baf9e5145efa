"""One catalogue's build (``quanli build``): the 四个一 deliverables, public or internal.

Pipeline: check (errors refuse the build) → audience view → render every deliverable
in memory → for a public build, a last scan that no non-public item's id or name is in
any byte → manifest and ZIP → write into a temporary folder beside DIR and swap it in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

from quanli.build.leaks import EXTRA_SECRETS, LEAK_HINT, LEAK_HINT_EN, leak_check, member_text, secrets_of, shown_of
from quanli.build.outfolder import _refuse_leaking_theirs, prepare_out, say_theirs
from quanli.build.reuse import Reuse, Scan, _key_start, _keyed, _previous_bundle, cache_key
from quanli.core.errors import QuanliError
from quanli.core.findings import Severity
from quanli.core.fsutil import safe_stem
from quanli.render.outputs import (
    Kept,
    read_marker,
    sha256_of,
    theirs,
    up_to_date,
    write_tree,
)  # noqa: F401


def source_info(root: Path) -> dict:
    """The commit and time the build is reproducible from: SOURCE_DATE_EPOCH, else git HEAD."""
    from quanli.dates import clock

    info: dict = {"commit": None, "epoch": None}
    try:
        from dulwich.repo import Repo

        repo = Repo.discover(str(root))
        head = repo.head()
        commit = repo[head]
        if re.fullmatch(rb"[0-9a-f]{40}|[0-9a-f]{64}", head) and commit.type_name == b"commit":
            info["commit"], info["epoch"] = head.decode(), clock.clamp_epoch(commit.commit_time)
    except Exception:  # no repository, no commits yet, or an unreadable one: build without
        pass
    env = clock.source_epoch()  # a malformed or out-of-range value is a QuanliError (exit 2)
    if env is not None:
        info["epoch"] = env
    return info


def _date(epoch: int | None) -> str:
    if epoch is None:
        from quanli.dates import clock

        return clock.today().isoformat()
    moment = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()  # Beijing time


def render_all(
    view, epoch: int, progress=None, reuse: Reuse | None = None, scan: Scan | None = None
) -> tuple[dict[str, bytes | Kept], dict[str, str]]:
    """Every deliverable as (relative path -> bytes), and the key of each reusable group; with
    ``scan``, each newly rendered item's files are scanned for its secrets as they are made."""
    from quanli.render import flowchart, sheet, site, table

    files: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    header = (view.audience, view.unit, view.title, view.version, view.date, epoch)
    start = _keyed(_key_start(), header)  # every group's key begins with the header
    files["table/catalog.xlsx"] = table.xlsx_bytes(view, epoch)
    files["table/catalog.csv"] = table.csv_bytes(view)
    files["table/catalog.html"] = table.html(view).encode("utf-8")
    svgs: dict[str, str] = {}
    for flow_id, flow in view.flows.items():
        stem = safe_stem(flow_id)
        names = [f"flowcharts/{stem}.svg", f"flowcharts/{stem}.mmd", f"flowcharts/{stem}.print.html"]
        group, key = (
            f"flow:{flow_id}",
            _keyed(start.copy(), json.dumps(flow, ensure_ascii=False, sort_keys=True)).hexdigest(),
        )
        keys[group] = key
        old = reuse.get(group, key, names) if reuse else None
        if old:
            files.update(old)
            svgs[flow_id] = old[names[0]].read().decode("utf-8")  # the sheets embed it
            continue
        frame = {"internal": view.internal, "unit": view.unit, "version": view.version, "date": view.date}
        svgs[flow_id] = flowchart.to_svg(flow, **frame)
        files[names[0]] = svgs[flow_id].encode("utf-8")
        files[names[1]] = flowchart.to_mermaid(flow).encode("utf-8")
        files[names[2]] = flowchart.to_print_html(flow, **frame).encode("utf-8")  # A4 pages, text at 9 pt
    stems = {item.id: safe_stem(item.id) for item in view.items}
    todo = []
    for item in view.items:
        # the flow's key stands for its SVG (the SVG is made from exactly what that key covers)
        group, key = (
            f"item:{item.id}",
            _keyed(start.copy(), _item_digest(view, item), keys.get(f"flow:{item.flow_id}")).hexdigest(),
        )
        keys[group] = key
        old = reuse.get(group, key, _item_names(stems[item.id])) if reuse else None
        if old:
            files.update(old)
            if progress:
                progress()
        else:
            todo.append(item)
    for rendered, leaks in _render_items(view, todo, svgs, stems, epoch, scan.secrets if scan else []):
        files.update(rendered)
        if scan is not None:
            scan.take(rendered, leaks)
        if progress:
            progress()
    if view.register:  # 重要权力动态运行情况登记表: only when the catalogue keeps a register
        from quanli.render import register

        files["register/register.xlsx"] = register.xlsx_bytes(view, epoch)
        files["site/register.html"] = site.page(
            register.title(view), '<nav><a href="index.html">返回目录</a></nav>\n' + register.fragment(view), view
        ).encode("utf-8")
    files["site/index.html"] = site.index(view, stems).encode("utf-8")
    files["site/table.html"] = site.page(
        view.heading, table.table_fragment(view) + table.confidential_fragment(view), view
    ).encode("utf-8")
    files["site/style.css"] = (site.CSS + table.TABLE_CSS + sheet.CSS).encode("utf-8")
    return files, keys


def _item_digest(view, item) -> bytes:
    """A digest of everything an item's view holds (remembered with it between builds)."""
    remembered = view.remembered
    known = remembered.get(item, "repr") if remembered is not None else None
    if known is None:
        known = hashlib.blake2b(repr(item).encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if remembered is not None:
            remembered.put(item, "repr", known)
    if item.pending:  # set by this build (publishing.marks), not by the item's file: never remembered
        return hashlib.blake2b(known + item.pending.encode("utf-8"), digest_size=16).digest()
    return known


def _item_names(stem: str) -> list[str]:
    return [f"sheets/{stem}.docx", f"sheets/{stem}.html", f"site/items/{stem}.html"]


def _render_item(view, item, svg, stem: str, epoch: int, secrets: list[str]) -> tuple[dict[str, bytes], list]:
    """An item's three files, and what a leak scan of them finds (nothing, unless quanli is wrong).
    The DOCX is scanned member by member before it is packed (the same text, not unpacked again)."""
    from quanli.render import sheet, site
    from quanli.render.bundle import Packed, write_package

    names = _item_names(stem)
    members = sheet.docx_members(view, item, svg)
    fragment = sheet.sheet_fragment(view, item, svg)
    files = {
        names[0]: write_package(members, epoch),
        names[1]: sheet.html(view, item, svg, fragment).encode("utf-8"),
        names[2]: site.item_page(view, item, fragment, stem).encode("utf-8"),
    }
    if not secrets:
        return files, []
    # the members every sheet of a kind shares (styles, fonts, a flow's pictures) are scanned once a
    # process while they are clean; the item's own members every time
    clean = _CLEAN_SHARED.setdefault(tuple(secrets), {})
    fresh = [m for m in members.values() if not isinstance(m, Packed)]
    shared = [m for m in members.values() if isinstance(m, Packed) and id(m) not in clean]
    for m in shared:
        if not leak_check({names[0]: b""}, secrets, texts={names[0]: [member_text(m.data)]}):
            clean[id(m)] = m  # kept, so that its id is not reused by another object
    texts = {names[0]: [member_text(m) for m in fresh] + [member_text(m.data) for m in shared if id(m) not in clean]}
    return files, leak_check(files, secrets, texts=texts)


_CLEAN_SHARED: dict[tuple[str, ...], dict[int, object]] = {}  # secrets -> shared package members found clean


def _render_chunk(args) -> list[tuple[dict[str, bytes], list]]:
    view, batch, epoch, secrets = args
    return [_render_item(view, item, svg, stem, epoch, secrets) for item, svg, stem in batch]


PARALLEL_ITEMS = 200  # below this, starting worker processes costs more than it saves


def _render_items(view, items, svgs, stems, epoch: int, secrets: list[str]):
    """Per-item deliverables, on every core when there are many (the view header only is sent)."""
    import dataclasses

    jobs = min(os.cpu_count() or 1, 61)  # Windows refuses more than 61 worker processes
    work = [(item, svgs.get(item.flow_id), stems[item.id]) for item in items]
    if jobs <= 1 or len(work) < PARALLEL_ITEMS:
        for item, svg, stem in work:
            yield _render_item(view, item, svg, stem, epoch, secrets)
        return
    light = dataclasses.replace(view, items=[], categories=[], confidential=[])  # the sheets need view.flows
    size = max(20, len(work) // (jobs * 8))
    chunks = [(light, work[i : i + size], epoch, secrets) for i in range(0, len(work), size)]
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for part in pool.map(_render_chunk, chunks):
                yield from part
    except (OSError, RuntimeError):  # no process support here: render in this process
        for item, svg, stem in work:
            yield _render_item(view, item, svg, stem, epoch, secrets)


def run(
    catalog: Path | None,
    out: Path,
    audience: str = "public",
    force: bool = False,
    quiet: bool = False,
    lang: str = "zh",
    use_cache: bool = True,
    draft: bool = False,
) -> int:
    """``build`` while holding the output folder's lock (a second build into it waits, see quanli.core.lock)."""
    from quanli.core.lock import OutputLock

    with OutputLock(out, lang, quiet):
        return build(catalog, out, audience, force, quiet, lang, use_cache, draft)


def build(
    catalog: Path | None, out: Path, audience: str, force: bool, quiet: bool, lang: str, use_cache: bool, draft: bool
) -> int:
    from quanli.check.run import check_snapshot
    from quanli.core import config
    from quanli.loader.catalogue import discover, read_catalogue
    from quanli.render.bundle import Bundle, manifest

    started = time.perf_counter()
    if draft and audience != "internal":
        raise QuanliError(
            "草稿（--draft）只能生成内部版：请同时加 --audience internal。有错误的目录不得生成公开版。",
            "--draft builds the internal edition only: add --audience internal.",
        )
    targets = discover([catalog or Path.cwd()])
    if len(targets) != 1:
        raise QuanliError(
            f"找到了 {len(targets)} 个目录，quanli build 一次生成一个，请指定其中一个目录文件夹。",
            f"found {len(targets)} catalogues; build one at a time: name its folder.",
        )
    root = targets[0][0]
    prepare_out(out, force, [root])
    cfg = config.resolve(root, None)
    snap = read_catalogue(root)
    checked = check_snapshot(snap, use_cache, None, cfg.catalog, keep=True)
    applied = config.apply(checked.findings, cfg, [], [])
    errors = [f for f in applied if f.severity >= Severity.ERROR]
    if errors and draft:
        if not quiet:
            print(
                (
                    f"目录有 {len(errors)} 个错误：按 --draft 生成内部草稿（每页标“内部资料”），供核对，不得对外公开。"
                    if lang != "en"
                    else f"the catalogue has {len(errors)} errors: building an internal draft (--draft), not for publication."
                ),
                file=sys.stderr,
            )
    elif errors:
        from quanli.report import get
        from quanli.report.summary import Summary

        get("text")(errors[:20], Summary(1, len(snap.files), errors, time.perf_counter() - started), lang, sys.stderr)
        print(
            (
                "目录中有错误，没有生成成果。请先改正（quanli validate 可查看全部问题）。"
                if lang != "en"
                else "the catalogue has errors; nothing was built. Fix them first (see quanli validate)."
            ),
            file=sys.stderr,
        )
        return 1
    source = source_info(root)
    # the outputs depend on the source's day (view.date, the packages' stamps), not its second: a
    # catalogue outside git (no commit time, no SOURCE_DATE_EPOCH) is still up to date all day
    day = _date(source["epoch"])
    from quanli.dates import workdays

    # the register's deadlines are counted on the calendar: its holidays.yaml files, the notices
    # chinesecalendar knows and the estimate's rules are part of the key
    calendar_key = workdays.for_catalogue(Path(root)).fingerprint()
    settings = json.dumps(cfg.catalog, ensure_ascii=False, sort_keys=True).encode() + calendar_key
    build_key = cache_key(snap.key(settings), audience, day, source["commit"], bool(draft and errors))
    previous = read_marker(out) if use_cache else {}
    if previous.get("build") == build_key and up_to_date(out, previous.get("files")):
        if not quiet:
            print(
                f"成果已是最新（目录没有变化），没有重新生成：{out}"
                if lang != "en"
                else f"up to date: nothing changed since the last build in {out}"
            )
        return 0
    catalogue, view, memo = view_of(snap, cfg, audience, source, use_cache, checked.catalogue)
    if not _publishable(catalogue, view, applied, audience, quiet, lang):  # before anything is written
        return 1
    from quanli.loader.cache import CACHE_DIR, read_payload, write_payload

    cache_dir = Path(root) / CACHE_DIR
    if audience == "public" and not quiet:
        say_held_back(catalogue, lang)
    if view.estimated_years and not quiet:
        print(workdays.Calendar.warning_for(set(view.estimated_years), lang), file=sys.stderr)
    # the time stamp inside the packages (ZIP, DOCX, XLSX): the source's day, not its second, so
    # that builds of two commits of one day reuse every output the second did not change
    stamp = calendar.timegm(dt.date.fromisoformat(view.date).timetuple())
    from quanli.render.outputs import records_name

    records_file = records_name(out)
    records = read_payload(cache_dir / records_file) if use_cache else None
    reuse = (
        Reuse(out, previous.get("groups", {}), previous.get("files"), records)
        if previous.get("audience") == audience
        else None
    )
    scan = Scan(
        secrets_of(catalogue, view) + [s for s in EXTRA_SECRETS if s not in shown_of(view)]
        if audience == "public"
        else []
    )
    files, groups = _render_with_progress(view, stamp, quiet, lang, reuse, scan)
    digests = {name: sha256_of(value) for name, value in files.items()}
    if audience == "public":
        from quanli.loader.cache import DigestSet

        clean = DigestSet(cache_dir, "leakscan.marshal") if use_cache else None
        leaks = scan.leaks + leak_check(files, scan.secrets, clean, digests, scan.clean)
        if clean is not None and not leaks:
            clean.save()
        if leaks:  # should be impossible: the view holds no such item. Refuse rather than publish.
            name, secret = leaks[0]
            raise QuanliError(
                f"公开成果 {name} 中出现了不公开事项的内容“{secret}”，已停止生成，没有写入任何文件。{LEAK_HINT}",
                f"public output {name} contains non-public content '{secret}'; build stopped, nothing written. {LEAK_HINT_EN}",
            )
    files["manifest.json"] = manifest(view, digests, source, len(errors) if draft else 0)
    digests["manifest.json"] = sha256_of(files["manifest.json"])
    bundle_name = f"quanli-{safe_stem(Path(root).name)}-{audience}.zip"
    files[bundle_name] = Bundle(dict(files), stamp, digests, _previous_bundle(out / bundle_name, reuse, records))
    digests[bundle_name] = None  # written last, straight to disk; never reused whole
    users = sorted(theirs(out) - set(files))
    if users and audience == "public" and scan.secrets:
        _refuse_leaking_theirs(out, users, scan.secrets)
    records = write_tree(
        out,
        files,
        {"tool": "quanli", "audience": audience, "build": build_key, "groups": groups},
        digests,
        update=previous.get("audience") == audience and isinstance(previous.get("files"), dict),
        replace_theirs=force,
    )
    if users and not quiet:
        say_theirs(out, users, lang)
    if use_cache:
        write_payload(cache_dir, cache_dir / records_file, records)
        memo.save()
    if not quiet:
        seconds = time.perf_counter() - started
        print(
            f"已生成{'内部' if audience == 'internal' else '公开'}版“四个一”：{len(view.items)} 个事项、{len(view.flows)} 张流程图，"
            f"共 {len(files)} 个文件，写入 {out}（用时 {seconds:.1f} 秒）。"
            if lang != "en"
            else f"built the {audience} deliverables: {len(view.items)} items, {len(view.flows)} flows, {len(files)} files in {out} ({seconds:.1f} s)."
        )
    return 0


def _publishable(catalogue, view, findings, audience: str, quiet: bool, lang: str) -> bool:
    """False (and every reason said) when a public build would publish an item with placeholder
    text or one changed after its sign-off (quanli.review.publishing); an internal build says which and
    marks each in its 一件 (a 待完善 row)."""
    from quanli.review import publishing

    found = publishing.held(catalogue, findings, publishing.published_ids(catalogue))
    if not found:
        return True
    if audience == "public":
        print(publishing.refusal(found, lang), file=sys.stderr)
        return False
    marks = publishing.marks(found)
    for item in view.items:
        if item.id in marks:
            item.pending = marks[item.id]
    if not quiet:
        print(publishing.notice(found, lang), file=sys.stderr)
    return True


def view_of(snap, cfg, audience: str, source: dict, use_cache: bool, checked=None):
    """(catalogue, its view for ``audience``, the render memo): unchanged items come from the memo.

    ``checked``: the catalogue as the check left it (check_snapshot(keep=True)), each item holding
    its summary; only the items the memo does not know get their whole documents back (a build
    after one edit parses nothing twice and reads nothing of the parse cache but that item)."""
    from quanli.loader.cache import CACHE_DIR
    from quanli.loader.catalogue import fill_documents, parse_snapshot
    from quanli.render.memo import RenderMemo
    from quanli.render.view import build_view

    memo = RenderMemo(Path(snap.root) / CACHE_DIR if use_cache else None)
    shared = b"".join(
        d for sf, d in zip(snap.files, snap.digests) if sf.kind in ("catalog", "laws")
    )  # what a view reads
    sources = {sf.rel: RenderMemo.key(shared, d) for sf, d in zip(snap.files, snap.digests) if sf.kind == "item"}
    if checked is not None:  # a summary is all build_view reads of an item whose view is remembered,
        catalogue = checked  # but the register counts a case's deadline on its item's time limit
        cased = {sf.data.get("item") for sf in catalogue.records if sf.ok and isinstance(sf.data, dict)}
        fill_documents(
            snap,
            [
                sf
                for sf in catalogue.items
                if sf.ok and (memo.get(sources[sf.rel], "view") is None or sf.data.get("id") in cased)
            ],
            use_cache,
        )
    else:
        catalogue = parse_snapshot(snap, use_cache=use_cache)
    catalogue.overrides = cfg.catalog
    return catalogue, build_view(catalogue, audience, _date(source["epoch"]), memo=memo, sources=sources), memo


def say_held_back(catalogue, lang: str, who: str = "") -> None:
    """Tell the clerk which items the public edition leaves out until they are signed off."""
    from quanli.render.view import held_back
    from quanli.review.stages import chain_of

    held = held_back(catalogue)
    if not held:
        return
    stage = chain_of(catalogue.catalog.data).publish_from
    shown = "、".join(f"{i}（{s}）" for i, s in held[:10]) + (f" 等 {len(held)} 个" if len(held) > 10 else "")
    print(
        f"注意：{who}{len(held)} 个事项尚未审核到“{stage}”，没有列入公开版：{shown}。quanli status 可查看审核进度。"
        if lang != "en"
        else f"note: {who}{len(held)} item(s) are not yet signed off at '{stage}' and are left out of the public edition.",
        file=sys.stderr,
    )


def _render_with_progress(view, epoch: int, quiet: bool, lang: str, reuse: Reuse | None, scan: Scan | None = None):
    if quiet or not sys.stderr.isatty() or len(view.items) < 200:
        return render_all(view, epoch, reuse=reuse, scan=scan)
    from rich.progress import Progress

    with Progress(transient=True, console=None) as bar:
        task = bar.add_task("生成事项成果" if lang != "en" else "rendering items", total=len(view.items))
        return render_all(view, epoch, progress=lambda: bar.advance(task), reuse=reuse, scan=scan)
