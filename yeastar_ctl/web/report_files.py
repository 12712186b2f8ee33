"""The scheduled reports' CSV files in the downloads directory: list, open and delete by name.

A name from a URL is only ever a single file name of safe characters ending in ``.csv`` (the
names ``report_delivery.file_name`` makes), checked before the directory is touched, so no
``..``, slash or hidden file reaches the file system; half-written ``.partial`` files are not
listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from yeastar_ctl.services.errors import NotFoundError

SAFE_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.csv")


@dataclass(frozen=True)
class ReportFile:
    name: str
    size: int  # bytes
    modified_at: datetime  # UTC


def report_file(downloads: Path, name: str) -> Path:
    """The file called ``name`` in ``downloads``; NotFoundError for anything else."""
    if not SAFE_NAME.fullmatch(name):
        raise NotFoundError("report file", name)
    path = downloads / name
    if not path.is_file() or path.is_symlink():
        raise NotFoundError("report file", name)
    return path


def list_report_files(downloads: Path) -> list[ReportFile]:
    """Newest first."""
    if not downloads.is_dir():
        return []
    files = []
    for path in downloads.iterdir():
        if SAFE_NAME.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            stat = path.stat()
            files.append(ReportFile(path.name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)))
    return sorted(files, key=lambda f: (f.modified_at, f.name), reverse=True)


def delete_report_file(downloads: Path, name: str) -> None:
    report_file(downloads, name).unlink()
