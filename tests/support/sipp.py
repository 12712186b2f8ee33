"""Run SIPp (Debian's sip-tester) against the lab: phones that register, answer, ring, call.

Scenario files live beside this module. Values that SIPp cannot take as `-key` in attributes
(pause lengths, timeouts) are substituted into a copy of the scenario before it runs.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

from dtmf_pcap import write_dtmf_pcap

SCENARIOS = Path(__file__).parent / "sipp"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_media_ports(avoid: int | None = None) -> int:
    """A base port for SIPp's media: it binds audio RTP/RTCP and video RTP/RTCP at the base and
    the next three ports, so all four must be free (one taken port fails the whole run), and
    none may be `avoid`, the SIP port the same SIPp binds first (free while this checks)."""
    for _ in range(50):
        base = free_udp_port()
        if base + 3 > 65535 or (avoid is not None and base <= avoid <= base + 3):
            continue
        sockets: list[socket.socket] = []
        try:
            for port in range(base, base + 4):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no four free UDP ports in a row for SIPp's media")


def sipp_binary() -> str:
    found = shutil.which("sipp")
    if not found:
        raise RuntimeError("sipp is not installed: apt-get install sip-tester (scripts/test does this)")
    return found


@dataclass
class SippRun:
    name: str
    process: asyncio.subprocess.Process
    log_dir: Path
    output: str = field(default="")

    async def wait(self, timeout: float) -> int:
        try:
            out, _ = await asyncio.wait_for(self.process.communicate(), timeout)
        except asyncio.TimeoutError:
            self.process.kill()
            out, _ = await self.process.communicate()
            self.output = out.decode(errors="replace")
            raise AssertionError(f"sipp {self.name} did not finish within {timeout}s\n{self.errors()}") from None
        self.output = out.decode(errors="replace")
        return self.process.returncode or 0

    async def expect_success(self, timeout: float) -> None:
        code = await self.wait(timeout)
        if code != 0:
            raise AssertionError(f"sipp {self.name} failed with exit {code}\n{self.errors()}")

    def stop(self) -> None:
        if self.process.returncode is None:
            self.process.kill()

    def sent_messages(self) -> str:
        """The SIP messages this SIPp sent, as its message log shows them."""
        log = self.log_dir / "messages.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return "\n".join(part for part in text.split("-----") if "message sent" in part)

    def errors(self) -> str:
        texts = [self.output[-2000:]]
        for log in sorted(self.log_dir.glob("*errors.log")) + sorted(self.log_dir.glob("*messages.log")):
            texts.append(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}")
        return "\n".join(texts)


class Sipp:
    def __init__(self, host: str, sip_port: int, workdir: Path) -> None:
        self.host = host
        self.sip_port = sip_port
        self.workdir = workdir
        self._count = 0

    def _scenario(self, name: str, values: dict[str, str | int]) -> Path:
        text = (SCENARIOS / f"{name}.xml").read_text()
        for key, value in values.items():
            text = text.replace(f"[{key}]", str(value))
        self._count += 1
        path = self.workdir / f"{self._count:03d}-{name}.xml"
        path.write_text(text)
        return path

    async def start(
        self,
        scenario: str,
        *,
        service: str,
        local_port: int | None = None,
        auth: tuple[str, str] | None = None,
        values: dict[str, str | int] | None = None,
        server: bool = False,
        keys: list[tuple[int, str]] | None = None,
        calls: int | None = 1,
        rate: float | None = None,
        limit: int | None = None,
        injection: list[str] | None = None,
        stats: Path | None = None,
    ) -> SippRun:
        """`keys`: (pause ms, digit) pairs the scenario's [keys] sends as RFC 2833 events.

        For a run of many calls: `calls` in all (None: until stopped, for a UAS), `rate` new calls
        per second, at most `limit` at once, `injection` lines used in turn as [field0];..., and
        SIPp's statistics CSV (its last line holds the totals) in `stats`. Messages are traced
        (messages.log) for single calls only."""
        values = dict(values or {})
        if keys:
            pcap = self.workdir / f"keys-{self._count + 1:03d}.pcap"
            write_dtmf_pcap(pcap, [(0, keys[0][1])] + keys[1:])
            values["keys"] = (
                f'  <pause milliseconds="{keys[0][0]}"/>\n'
                f'  <nop><action><exec play_pcap_audio="{pcap}"/></action></nop>'
            )
        path = self._scenario(scenario, values)
        log_dir = path.with_suffix("")
        log_dir.mkdir()
        args = [
            sipp_binary(), f"{self.host}:{self.sip_port}",
            "-sf", str(path), "-i", "127.0.0.1", "-p", str(sip_port := local_port or free_udp_port()),
            "-mi", "127.0.0.1", "-mp", str(free_media_ports(avoid=sip_port)),
            "-s", service, "-nostdin",
            "-trace_err", "-error_file", str(log_dir / "errors.log"),
        ]
        if calls == 1:
            args += ["-trace_msg", "-message_file", str(log_dir / "messages.log")]
        if calls is not None:
            args += ["-m", str(calls)]
        if rate is not None:
            args += ["-r", str(rate)]
        if limit is not None:
            args += ["-l", str(limit)]
        if injection is not None:
            inf = log_dir / "injection.csv"
            inf.write_text("SEQUENTIAL\n" + "".join(f"{line};\n" for line in injection))
            args += ["-inf", str(inf)]
        if stats is not None:
            args += ["-trace_stat", "-stf", str(stats), "-fd", "1"]
        if auth:
            args += ["-au", auth[0], "-ap", auth[1]]
        if server:
            # A UAS waits for the INVITE; -rsa is where its in-dialog requests go back to.
            args += ["-rsa", f"{self.host}:{self.sip_port}"]
        process = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT, cwd=log_dir,
        )
        return SippRun(scenario, process, log_dir)
