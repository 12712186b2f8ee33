"""Golden files: the database below must render exactly to tests/unit/dialplan/golden/.
Regenerate after an intended template change with YEASTAR_CTL_REGOLD=1."""

import os
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.db.engine import make_engine, session_factory
from yeastar_ctl.db.migrate import upgrade_async
from yeastar_ctl.dialplan.generator import render_generated, write_generated
from yeastar_ctl.services.config_snapshot import load_config_snapshot
from yeastar_ctl.services.extensions import create_extension
from yeastar_ctl.services.queues import create_queue, set_members

GOLDEN = Path(__file__).parent / "golden"


async def golden_database(tmp_path: Path) -> async_sessionmaker[AsyncSession]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'golden.db'}"
    await upgrade_async(url)
    sessions = session_factory(make_engine(url))
    async with sessions.begin() as session:
        # Created out of order: the files list numbers in numeric order regardless.
        await create_extension(session, "1002", 'Terrell "T" Smith', sip_secret="secret-1002")
        await create_extension(session, "1001", "Phillip Huff", sip_secret="secret-1001")
        await create_extension(session, "1000", "Leo Ball", sip_secret="secret-1000")
        await create_queue(session, "6401", "Sales")
        await create_queue(session, "6400", "Support")
        await set_members(session, "6400", static=[("1001", 1), ("1002", 2)], dynamic=[("1000", 1)])
    return sessions


async def render(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    async with sessions() as session:
        return render_generated(await load_config_snapshot(session), "yeastar_ctl")


async def test_the_database_renders_to_the_golden_files(tmp_path: Path) -> None:
    files = await render(await golden_database(tmp_path))
    if os.environ.get("YEASTAR_CTL_REGOLD"):
        write_generated(files, GOLDEN)
    for name, text in files.items():
        assert text == (GOLDEN / name).read_text(), f"{name} differs from its golden file"


async def test_rendering_twice_is_byte_identical_and_rewrites_nothing(tmp_path: Path) -> None:
    sessions = await golden_database(tmp_path)
    first, second = await render(sessions), await render(sessions)
    assert first == second
    out = tmp_path / "out"
    assert write_generated(first, out) == ["extensions.conf", "pjsip.conf", "voicemail.conf"]
    assert write_generated(second, out) == []


async def test_queue_numbers_go_to_stasis_and_feature_codes_to_the_app(tmp_path: Path) -> None:
    files = await render(await golden_database(tmp_path))
    dialplan = files["extensions.conf"]
    assert "exten => 6400,1,Stasis(yeastar_ctl,queue,6400)" in dialplan
    assert "exten => _*.,1,Stasis(yeastar_ctl,feature,${EXTEN})" in dialplan
    assert 'callerid = "Terrell T Smith" <1002>' in files["pjsip.conf"]
    assert "direct_media = no" in files["pjsip.conf"]
