"""`yeastar-ctl schedule add|list|delete|run-now`."""

from __future__ import annotations

from pathlib import Path

import pytest

from yeastar_ctl.cli import main


@pytest.fixture
def db(migrated_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("YEASTAR_CTL_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("YEASTAR_CTL_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("YEASTAR_CTL_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("YEASTAR_CTL_SMTP_HOST", "")  # email off: run-now only writes the file
    return tmp_path


def test_add_list_run_now_delete(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", "add", "Support weekly", "--type", "queue-performance", "--frequency", "weekly",
                 "--weekday", "mon", "--time", "07:30", "--to", "boss@example.com", "--queue", "6400",
                 "--filters", '{"exclude_abandoned_within": 5}']) == 0
    assert "scheduled report 1 (Support weekly) added" in capsys.readouterr().out
    assert main(["schedule", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Support weekly" in listed and "weekly mon 07:30" in listed and "last run never" in listed
    assert main(["schedule", "run-now", "Support weekly"]) == 0
    out = capsys.readouterr().out
    assert "Queue Performance: " in out and "(email is off)" in out
    [written] = (db / "downloads").iterdir()
    assert written.read_text().startswith("Queue,Total Calls,")
    assert main(["schedule", "delete", "1"]) == 0
    capsys.readouterr()
    assert main(["schedule", "list"]) == 0
    assert capsys.readouterr().out == ""


def test_refused_input_is_reported(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", "add", "x", "--type", "queue-calls", "--frequency", "monthly", "--time", "25:00",
                 "--to", "boss@example.com"]) == 2
    assert "time_of_day" in capsys.readouterr().err
    assert main(["schedule", "add", "x", "--type", "queue-calls", "--frequency", "daily", "--time", "08:00",
                 "--to", "boss@example.com", "--filters", "[1]"]) == 2
    assert "JSON object" in capsys.readouterr().err
    assert main(["schedule", "run-now", "nothing"]) == 2
    assert "does not exist" in capsys.readouterr().err
