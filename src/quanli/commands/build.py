"""``quanli build``: the 四个一 deliverables of one catalogue (quanli.build.single) or of a whole
workspace (quanli.build.workspace), written while the output folder's lock is held."""

from __future__ import annotations

from pathlib import Path


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
    """Build while holding the output folder's lock (a second build into it waits, see quanli.core.lock).
    A workspace (quanli-workspace.yaml, or the folder holding it) is built member by member."""
    from quanli.build import single
    from quanli.core.lock import OutputLock
    from quanli.loader import workspace

    place = catalog or Path.cwd()
    found = workspace.find(place) if place.exists() else None
    if found is not None:
        from quanli.build import workspace as combined

        with OutputLock(out, lang, quiet):
            return combined.build(workspace.load(found), out, audience, force, quiet, lang, use_cache, draft)
    return single.run(catalog, out, audience, force, quiet, lang, use_cache, draft)
