"""`yeastar-ctl report`: the printed table, the CSV file and refused input."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

sys.path.insert(0, str(Path(__file__).parent / "reports"))
from report_events import setup_center, support_day  # noqa: E402

from yeastar_ctl.cli import main  # noqa: E402


@pytest.fixture
async def center_url(session: AsyncSession, migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    await setup_center(session)
    await support_day(session)
    await session.commit()
    monkeypatch.setenv("YEASTAR_CTL_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("YEASTAR_CTL_TIMEZONE", "Europe/Berlin")
    return migrated_db_url


def test_prints_a_table(center_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "queue-performance", "--from", "2023-12-27", "--to", "2023-12-27", "--queue", "6401"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Queue Performance"
    assert lines[4].split() == ["6401-Support", "6", "4", "0", "2", "00:01:06", "00:00:08", "00:00:07", "00:00:15",
                                "00:00:58", "00:00:00", "66.67%", "0%", "33.33%", "66.67%"]


def test_writes_csv(center_url: str, tmp_path: Path) -> None:
    out = tmp_path / "agents.csv"
    assert main(["report", "agent-performance", "--from", "2023-12-27", "--to", "2023-12-27",
                 "--exclude-abandoned-within", "5", "--agent", "2004", "--csv", str(out)]) == 0
    assert out.read_bytes().decode().splitlines()[1:] == [
        "6401-Support,,5,4,0,1,00:00:08,00:00:08,00:00:15,00:00:58,00:03:51,0%",
        "6401-Support,2004-Troy Daniel,1,1,0,,00:00:07,,00:00:07,00:00:54,00:00:54,0%",
    ]


def test_refuses_a_bad_date(center_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "queue-performance", "--from", "yesterday", "--to", "2023-12-27"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
