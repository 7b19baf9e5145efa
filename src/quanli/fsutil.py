"""Writing files safely: atomically, and never over something that exists unless asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from quanli.errors import QuanliError


def umask() -> int:
    """The process umask (read without changing it for good)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: str | bytes, overwrite: bool = False) -> None:
    """Write to a temporary file beside ``path`` and rename it into place.

    Readers never see a half-written file; an existing file is kept unless ``overwrite``.
    """
    if not overwrite and path.exists():
        raise QuanliError(f"{path} 已存在，没有覆盖它。", f"{path} already exists; not overwritten.")
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes 0600; a new file gets the usual mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
