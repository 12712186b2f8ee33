#!/usr/bin/env python3
"""Benchmark the reports on a year of a busy call center (issue 6).

Generates (once, cached at --db) 1,000,000 finished queue calls over 2023 for 20 queues with 10
agents each (200 agents): 80 % answered, 10 % abandoned, 10 % missed, one to three ring
attempts per call, written in join order as the call plane writes them. A database generated
before migration 0008 lacks the report indexes: delete it to regenerate. Then times, each in a fresh process so peak memory is the scenario's own:
Queue Performance and Agent Performance for one month and for the year, and the CSV export of
the year's calls (queue-calls). Prints medians of --runs runs (wall clock and the process's CPU
time, which a busy shared machine disturbs less) and the peak RSS.

    .venv/bin/python scripts/bench/reports.py [--calls N] [--db PATH] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from sqlalchemy import create_engine, insert

from yeastar_ctl.db.engine import make_engine, session_factory
from yeastar_ctl.db.enums import CallStatus, RingResult
from yeastar_ctl.db.migrate import upgrade
from yeastar_ctl.db.models import Extension, Queue, QueueCall, RingAttempt
from yeastar_ctl.reports.catalog import ReportKind, build_report
from yeastar_ctl.reports.csv_export import csv_chunks
from yeastar_ctl.reports.filters import ReportFilter
from yeastar_ctl.services.call_events import is_agent_miss

QUEUES: Final = 20
AGENTS_PER_QUEUE: Final = 10
YEAR_START: Final = datetime(2023, 1, 1, tzinfo=UTC)
YEAR_END: Final = datetime(2024, 1, 1, tzinfo=UTC)
MONTH: Final = (datetime(2023, 6, 1, tzinfo=UTC), datetime(2023, 7, 1, tzinfo=UTC))
BATCH: Final = 20_000
SCENARIOS: Final = {
    "queue-performance month": (ReportKind.QUEUE_PERFORMANCE, MONTH),
    "queue-performance year": (ReportKind.QUEUE_PERFORMANCE, (YEAR_START, YEAR_END)),
    "agent-performance month": (ReportKind.AGENT_PERFORMANCE, MONTH),
    "agent-performance year": (ReportKind.AGENT_PERFORMANCE, (YEAR_START, YEAR_END)),
    "queue-calls CSV year": (ReportKind.QUEUE_CALLS, (YEAR_START, YEAR_END)),
}


def _call_rows(n: int, calls: int, rng: random.Random) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    queue = rng.randrange(QUEUES)
    agents = [f"{2000 + queue * AGENTS_PER_QUEUE + a}" for a in range(AGENTS_PER_QUEUE)]
    # Calls are written as they happen, so the table is in join order, as a real one is.
    joined = YEAR_START + timedelta(seconds=int((n + rng.random()) * (YEAR_END - YEAR_START).total_seconds() / calls))
    wait = rng.randrange(1, 120)
    roll = rng.random()
    status = CallStatus.ANSWERED if roll < 0.8 else CallStatus.ABANDONED if roll < 0.9 else CallStatus.MISSED
    talk = rng.randrange(10, 600) if status == CallStatus.ANSWERED else 0
    rung = rng.sample(agents, rng.randint(1, 3))
    answered_by = rung[-1] if status == CallStatus.ANSWERED else None
    call_id = f"{joined:%Y%m%d%H%M%S}{n:012x}"
    call = {
        "id": call_id, "queue_id": queue + 1, "queue_number": str(6400 + queue),
        "caller_number": f"1588{rng.randrange(10**7):07d}", "caller_name": None, "joined_at": joined,
        "answered_at": joined + timedelta(seconds=wait) if answered_by else None,
        "ended_at": joined + timedelta(seconds=wait + talk), "agent_extension": answered_by, "status": status,
        "ring_seconds": wait, "talk_seconds": talk, "hold_seconds": 0, "reason": None, "channel_id": None,
        "is_callback": False, "recording_file": None,
    }
    attempts = []
    for agent in rung:
        result = RingResult.ANSWERED if agent == answered_by else RingResult.NO_ANSWER
        attempts.append({
            "queue_call_id": call_id, "queue_number": call["queue_number"], "joined_at": joined,
            "agent_extension": agent, "started_at": joined, "ended_at": joined + timedelta(seconds=wait),
            "result": result, "missed": is_agent_miss(result, status),
        })
    return call, attempts


def generate(db: Path, calls: int) -> None:
    url = f"sqlite+aiosqlite:///{db}"
    upgrade(url)
    engine = create_engine(f"sqlite:///{db}")
    rng = random.Random(6)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(Queue), [{"number": str(6400 + q), "name": f"Queue {q}"} for q in range(QUEUES)])
        connection.execute(insert(Extension), [
            {"number": str(2000 + a), "name": f"Agent {a}", "sip_secret": "x" * 16, "created_at": YEAR_START}
            for a in range(QUEUES * AGENTS_PER_QUEUE)
        ])
    for offset in range(0, calls, BATCH):
        batch = [_call_rows(n, calls, rng) for n in range(offset, min(calls, offset + BATCH))]
        with engine.begin() as connection:
            connection.execute(insert(QueueCall), [call for call, _ in batch])
            connection.execute(insert(RingAttempt), [a for _, attempts in batch for a in attempts])
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(f"generated {calls} calls in {time.perf_counter() - started:.0f} s", file=sys.stderr)


async def measure(db: Path, name: str) -> dict[str, float]:
    kind, (start, end) = SCENARIOS[name]
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    rows = 0
    began, began_cpu = time.perf_counter(), time.process_time()
    async with session_factory(engine)() as session:
        table = await build_report(session, kind, ReportFilter(start=start, end=end), UTC, YEAR_END)
        if name.endswith("CSV year"):
            sink = io.BytesIO()
            async for chunk in csv_chunks(table):
                rows += chunk.count(b"\r\n")
                sink.seek(0)
                sink.write(chunk)  # written and dropped, as a file or an HTTP response would
        else:
            rows = len([row async for row in table.rows])
    seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    await engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "rows": rows, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("var/bench-reports.db"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.db, args.measure))))
        return
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        generate(args.db, args.calls)
    print("| scenario | median s | median CPU s | rows | rows/s | peak RSS MB |\n|---|---|---|---|---|---|")
    for name in SCENARIOS:
        runs = [
            json.loads(subprocess.run(
                [sys.executable, __file__, "--db", str(args.db), "--measure", name],
                check=True, capture_output=True, text=True,
            ).stdout)
            for _ in range(args.runs)
        ]
        median = statistics.median(r["seconds"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        rows = int(runs[0]["rows"])
        peak = max(r["peak_mb"] for r in runs)
        print(f"| {name} | {median:.2f} | {cpu:.2f} | {rows:,} | {rows / median:,.0f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()
