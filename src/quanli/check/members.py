"""Each catalogue of one validation checked: its configuration, its findings (configuration and
baseline applied) and what the rules across catalogues need of it.

Many small catalogues (a workspace of 50 members of 200 items) are checked on every core, a
share of the catalogues in each process: a catalogue of fewer than PARALLEL_THRESHOLD files
is parsed in one process, so checked one after another they used one core of two. Results
come back in the order the catalogues were named, and the first error (exit code 2) raised
is the first catalogue's, as when they were checked one after another."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from quanli.core.errors import QuanliError
from quanli.core.findings import Severity

# (root, config, Checked, catalog.yaml data, findings, findings the baseline covered, failing,
#  files counted, paths checked)
Result = tuple


def check_all(
    targets: list, config_path, select: list[str], ignore: list[str], use_cache: bool, use_baseline: bool, fail_level
) -> list[Result]:
    """Every (root, selected) of ``targets`` checked; see the module's docstring."""
    options = (config_path, select, ignore, use_cache, use_baseline, fail_level)
    shares = _shares(targets)
    if shares is None:
        return [check_one(root, selected, *options) for root, selected in targets]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        pool = ProcessPoolExecutor(max_workers=len(shares) - 1)
    except (OSError, RuntimeError, NotImplementedError):  # no process support here
        return [check_one(root, selected, *options) for root, selected in targets]
    done: dict[int, Result] = {}
    failed: list[tuple[int, QuanliError]] = []
    with pool:
        futures = [
            (share, pool.submit(_check_share, [(i, targets[i]) for i in share], options)) for share in shares[1:]
        ]
        for i in shares[0]:
            try:
                done[i] = check_one(*targets[i], *options)
            except QuanliError as exc:
                failed.append((i, exc))
                break
        for share, future in futures:
            try:
                back = future.result()
            except BrokenProcessPool:  # a worker died (out of memory, killed): its share here
                back = _check_share([(i, targets[i]) for i in share], options, pool=False)
            for i, result in back:
                if isinstance(result, QuanliError):
                    failed.append((i, result))
                else:
                    done[i] = _restored(result)
    if failed:
        raise min(failed, key=lambda f: f[0])[1]  # the first catalogue's, as one after another
    return [done[i] for i in range(len(targets))]


def _shares(targets: list) -> list[list[int]] | None:
    """The catalogues (by index) each process checks, or None to check them in this one: one
    catalogue, one core, too little work, or a catalogue large enough to use every core itself."""
    from quanli.loader.catalogue import PARALLEL_THRESHOLD

    jobs = min(os.cpu_count() or 1, 61)  # Windows refuses more than 61 worker processes
    if len(targets) < 2 or jobs < 2:
        return None
    sizes = [_size(root) for root, _ in targets]
    if sum(sizes) < PARALLEL_THRESHOLD or max(sizes) >= PARALLEL_THRESHOLD:
        return None
    jobs = min(jobs, len(targets))
    shares: list[list[int]] = [[] for _ in range(jobs)]
    loads = [0] * jobs
    for i in sorted(range(len(targets)), key=lambda i: -sizes[i]):  # the largest first, to the lightest share
        k = loads.index(min(loads))
        shares[k].append(i)
        loads[k] += sizes[i]
    return [sorted(share) for share in shares]


def _size(root: Path) -> int:
    total = 0
    for folder in ("items", "flows", "records"):
        try:
            total += len(os.listdir(Path(root) / folder))
        except OSError:
            pass
    return total


def _check_share(work: list[tuple[int, tuple]], options: tuple, pool: bool = True) -> list[tuple[int, object]]:
    """A worker's share: each catalogue in one process (no pool of its own: it has one core);
    a catalogue's QuanliError ends the share and comes back in its place."""
    if pool:
        from quanli.loader import catalogue

        catalogue.PARALLEL_THRESHOLD = 1 << 60
    out: list[tuple[int, object]] = []
    for i, (root, selected) in work:
        try:
            result = check_one(root, selected, *options)
        except QuanliError as exc:
            out.append((i, exc))
            break
        checked = result[2]
        names = checked.names_of()  # a closure cannot be sent back; the names it gives can
        out.append((i, result[:2] + ((checked.root, checked.findings, names),) + result[3:]))
    return out


def _restored(result: tuple) -> Result:
    from quanli.check.run import Checked

    root, findings, names = result[2]
    return result[:2] + (Checked(root, findings, functools.partial(list, names)),) + result[3:]


def check_one(
    root: Path, selected, config_path, select: list[str], ignore: list[str], use_cache, use_baseline, fail_level
) -> Result:
    """One catalogue: read, checked, its configuration and baseline applied."""
    from quanli.check import baseline
    from quanli.check.run import check_snapshot
    from quanli.check.targets import catalog_data
    from quanli.core import config
    from quanli.loader.catalogue import read_catalogue

    cfg = config.resolve(root, config_path)
    snap = read_catalogue(root)
    if selected is not None:
        known = {str(Path(sf.path).resolve()) for sf in snap.files} | {
            str((root / s.rel).resolve()) for s in snap.strays
        }
        outside = sorted(str(p) for p in selected if str(p) not in known)
        if outside:
            raise QuanliError(
                f"{outside[0]} 不属于目录 {root}：只检查 catalog.yaml、laws.yaml、items/*.yaml 和 flows/*.yaml。",
                f"{outside[0]} is not part of the catalogue {root} (catalog.yaml, laws.yaml, items/*.yaml, flows/*.yaml).",
            )
    files = len(selected) if selected is not None else len(snap.files)
    checked = check_snapshot(snap, use_cache, selected, cfg.catalog, config.active_rules(cfg, select, ignore))
    paths = [str(p) for p in selected] if selected is not None else [sf.path for sf in snap.files]
    found = config.apply(checked.findings, cfg, select, ignore)
    covered = 0
    recorded = baseline.load(root) if use_baseline else None
    if recorded is not None:
        found, covered = baseline.filter_new(found, root, recorded)
    threshold = Severity.parse(fail_level) if fail_level else (cfg.fail_level or Severity.ERROR)
    failing = any(f.severity >= threshold for f in found)
    return root, cfg, checked, catalog_data(snap), found, covered, failing, files, paths
