#!/usr/bin/env python3
"""Benchmark of building the ACD's input in the running system: `Distributor.snapshot()`, which
turns the routing configuration (member lists, agents' states, phones) into agents with their
memberships before every decision pass.

    .venv/bin/python scripts/bench/distributor_snapshot.py [--agents 500] [--runs 50]

50 queues, each agent in 5 of them (as in scripts/bench/acd_pass.py). Prints the median and
the median CPU time in ms. Results: docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from yeastar_ctl.acd.model import QueuePolicy  # noqa: E402
from yeastar_ctl.acd.vocabulary import DeviceStatus  # noqa: E402
from yeastar_ctl.db.enums import MemberKind  # noqa: E402
from yeastar_ctl.services.agent_state import AgentQueueState  # noqa: E402
from yeastar_ctl.services.config_snapshot import MemberConfig  # noqa: E402
from yeastar_ctl.telephony.distributor import Distributor, RoutingConfig  # noqa: E402

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
QUEUES = 50
QUEUES_PER_AGENT = 5


class Phones:
    def status(self, extension: str) -> DeviceStatus:
        return DeviceStatus.IDLE

    async def watch(self, extensions: set[str]) -> None:
        return None


def config(agents: int) -> RoutingConfig:
    members: dict[str, list[MemberConfig]] = {f"{6400 + q}": [] for q in range(QUEUES)}
    states: dict[tuple[str, str], AgentQueueState] = {}
    for a in range(agents):
        extension = str(1000 + a)
        for k in range(QUEUES_PER_AGENT):
            queue = f"{6400 + (a + k * 7) % QUEUES}"
            kind = MemberKind.DYNAMIC if a % 2 else MemberKind.STATIC
            members[queue].append(MemberConfig(extension, kind, 1 + a % 3, len(members[queue]) + 1))
            if kind == MemberKind.DYNAMIC:
                states[(extension, queue)] = AgentQueueState(logged_in=True, login_at=NOW, paused=a % 10 == 1)
    return RoutingConfig(
        queues={q: QueuePolicy(q) for q in members}, members={q: tuple(m) for q, m in members.items()},
        agent_states=states, pause_names={}, shared_wrapup=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    routing = config(args.agents)

    async def load() -> RoutingConfig:
        return routing

    async def auto_pause(agent: str, queue: str, at: datetime) -> None:
        return None

    distributor = Distributor(load_config=load, devices=Phones(), clock=lambda: NOW,
                              random_seed=lambda: 1, auto_pause=auto_pause)
    distributor._config = routing  # what refresh_config loads, without an event loop
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        distributor.snapshot()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    print(f"snapshot of {args.agents} agents x {QUEUES_PER_AGENT} queues ({QUEUES} queues): "
          f"median {statistics.median(walls):.2f} ms, CPU {statistics.median(cpus):.2f} ms")


if __name__ == "__main__":
    main()
