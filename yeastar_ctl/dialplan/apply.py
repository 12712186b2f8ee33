"""`apply`: render the database into Asterisk config and reload only what changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.ami.client import AmiClient, AmiError
from yeastar_ctl.dialplan.generator import render_generated, write_generated
from yeastar_ctl.services.config_snapshot import load_config_snapshot

# The module that reads each generated file: only the modules whose file changed are reloaded.
# AMI Reload (not Command "dialplan reload") answers when the reload is done and answers with an
# error when it failed.
RELOAD_MODULES = {
    "pjsip.conf": "res_pjsip.so",
    "extensions.conf": "pbx_config.so",
    "voicemail.conf": "app_voicemail.so",
}
# Long enough for a big reload on a busy machine (200 agents x 40 queues reloads in well under a
# second since BLF keys are pattern hints), short enough that a hung Asterisk is reported.
RELOAD_TIMEOUT_S = 60.0


@dataclass
class ApplyResult:
    changed: list[str]
    reloaded: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    error: str | None = None

    def describe(self) -> str:
        lines = [f"changed: {', '.join(self.changed) or 'nothing'}"]
        if self.reloaded:
            lines.append(f"reloaded: {'; '.join(self.reloaded)}")
        lines.extend(f"  {line}" for line in self.output if line.strip())
        if self.error:
            lines.append(f"error: {self.error}")
        return "\n".join(lines)


async def apply_config(
    sessions: async_sessionmaker[AsyncSession],
    directory: Path,
    app_name: str,
    ami: AmiClient | None,
    *,
    force_reload: bool = False,
) -> ApplyResult:
    async with sessions() as session:
        snapshot = await load_config_snapshot(session)
    changed = write_generated(render_generated(snapshot, app_name), directory)
    result = ApplyResult(changed)
    to_reload = sorted(RELOAD_MODULES) if force_reload else changed
    if not to_reload or ami is None:
        return result
    try:
        for name in to_reload:
            module = RELOAD_MODULES[name]
            answer = await ami.reload(module, timeout=RELOAD_TIMEOUT_S)
            result.output.append(f"{module}: {answer}")
            result.reloaded.append(module)
    except AmiError as exc:
        result.error = f"{exc}; the files are written and load when Asterisk starts"
    return result
