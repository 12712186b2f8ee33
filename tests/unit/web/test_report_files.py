"""Report files: listed newest first, opened and deleted by a safe name only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from yeastar_ctl.services.errors import NotFoundError
from yeastar_ctl.web.report_files import delete_report_file, list_report_files, report_file


def write(path: Path, text: str, mtime: int) -> None:
    path.write_text(text)
    os.utime(path, (mtime, mtime))


def test_lists_csv_files_newest_first_and_skips_partial_and_hidden(tmp_path: Path) -> None:
    write(tmp_path / "old_20260301-20260301.csv", "a", 1_000)
    write(tmp_path / "new_20260302-20260302.csv", "abc", 2_000)
    write(tmp_path / "half.partial", "x", 3_000)
    write(tmp_path / ".hidden.csv", "x", 3_000)
    (tmp_path / "dir.csv").mkdir()
    files = list_report_files(tmp_path)
    assert [(f.name, f.size) for f in files] == [("new_20260302-20260302.csv", 3), ("old_20260301-20260301.csv", 1)]
    assert list_report_files(tmp_path / "missing") == []


@pytest.mark.parametrize("name", ["../secrets.toml", "..", "a/b.csv", ".hidden.csv", "x.txt", "missing.csv",
                                  "dir.csv", "link.csv", "%2e%2e.csv"])
def test_anything_but_a_plain_csv_file_is_not_found(tmp_path: Path, name: str) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "dir.csv").mkdir()
    (tmp_path / "secrets.toml").write_text("secret")
    (downloads / "link.csv").symlink_to(tmp_path / "secrets.toml")
    with pytest.raises(NotFoundError):
        report_file(downloads, name)
    with pytest.raises(NotFoundError):
        delete_report_file(downloads, name)
    assert (tmp_path / "secrets.toml").exists()


def test_delete_removes_the_file(tmp_path: Path) -> None:
    write(tmp_path / "r.csv", "a", 1)
    assert report_file(tmp_path, "r.csv") == tmp_path / "r.csv"
    delete_report_file(tmp_path, "r.csv")
    assert not (tmp_path / "r.csv").exists()
