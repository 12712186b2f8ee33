#!/usr/bin/env python3
"""Benchmark of one ACD decision pass: `yeastar_ctl.acd.engine.decide(snapshot)`.

Builds deterministic, realistic snapshots (50 queues with a mix of ring strategies, skills,
weights and acceleration; agents in 5 queues each, most of them busy on calls, some paused,
logged out, in wrap-up, offline, ringing; callers waiting, some ringing, some in their retry
interval, some callbacks) and times `decide` with time.perf_counter (and its CPU time with
time.process_time).

    .venv/bin/python scripts/bench/acd_pass.py            # the full sweep
    .venv/bin/python scripts/bench/acd_pass.py --quick    # fewer repetitions
    .venv/bin/python scripts/bench/acd_pass.py --profile 1000x500   # cProfile one size
    .venv/bin/python scripts/bench/acd_pass.py --save-decisions /tmp/before.pickle
    .venv/bin/python scripts/bench/acd_pass.py --compare-decisions /tmp/before.pickle

`--save-decisions` decides a fixed set of snapshots (see `equality_snapshots`) and saves every
decision in full (offers, failovers, each trace line, wake-up, priorities); after a change to
the core, `--compare-decisions` decides the same snapshots again and reports any difference.

Target (ACD issue): median pass under 5 ms at 1,000 waiting calls, and growth no worse than
linear in (waiting calls x agents). Results and analysis: docs/performance.md.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import math
import pickle
import platform
import pstats
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from dataclasses import replace
from typing import Any, Iterator, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from yeastar_ctl.acd.engine import decide  # noqa: E402
from yeastar_ctl.acd.model import Agent, Membership, QueuePolicy, Snapshot, WaitingEntry  # noqa: E402
from yeastar_ctl.acd.vocabulary import DeviceStatus, EmptyCondition, RingStrategy  # noqa: E402

NOW = datetime(2026, 1, 5, 10, 0, 0, tzinfo=timezone.utc)
QUEUES = 50
QUEUES_PER_AGENT = 5
TARGET_MS = 5.0
TARGET_CALLS = 1000

CALL_SWEEP = [250, 500, 1000, 2000, 5000, 10000]  # at 500 agents
AGENT_SWEEP = [100, 250, 500, 1000]  # at 1,000 calls


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


def build(calls: int, agents: int, *, seed: int = 1) -> Snapshot:
    """A contact centre under load: 50 queues, `agents` agents in 5 queues each, `calls` waiting."""
    rng = random.Random(seed)
    strategies = list(RingStrategy)
    queues: dict[str, QueuePolicy] = {}
    for i in range(QUEUES):
        number = str(6400 + i)
        queues[number] = QueuePolicy(
            number=number,
            strategy=strategies[i % len(strategies)],
            skill_based=i % 3 == 0,
            equal_skill_strategy=strategies[(i // 3) % len(strategies)],
            agent_timeout=rng.choice([15, 20, 30]),
            retry_interval=5,
            wrapup=rng.choice([0, 5, 10, 30]),
            ring_in_use=i % 5 == 0,
            max_wait=rng.choice([1800, 2400, 3600]),
            weight=rng.choice([1, 1, 2, 3, 5, 10]) if i % 10 else 50,  # every tenth queue is VIP
            acceleration=rng.choice([30, 60, 120, 300]) if i % 3 == 1 else None,
            leave_when_empty=frozenset({EmptyCondition.UNAVAILABLE}) if i % 10 == 5 else None,
        )
    numbers = list(queues)

    people: dict[str, Agent] = {}
    members: dict[str, list[str]] = {n: [] for n in numbers}
    for i in range(agents):
        extension = str(2000 + i)
        memberships = []
        for number in rng.sample(numbers, QUEUES_PER_AGENT):
            static = rng.random() < 0.7
            ended = ago(rng.uniform(0, 900)) if rng.random() < 0.6 else None
            memberships.append(Membership(
                number, static=static, position=rng.randint(1, 40), skill=rng.choice([1, 1, 2, 3, 5]),
                logged_in=static or rng.random() < 0.9, login_at=ago(rng.uniform(0, 8 * 3600)),
                paused=rng.random() < 0.08, pause_reason=rng.choice([None, "Lunch", "Break"]),
                last_call_ended_at=ended, calls_completed=rng.randint(0, 60),
            ))
            members[number].append(extension)
        device = rng.choices(
            [DeviceStatus.IN_USE, DeviceStatus.IDLE, DeviceStatus.RINGING, DeviceStatus.OFFLINE], [60, 30, 5, 5],
        )[0]
        people[extension] = Agent(extension, device, tuple(memberships), do_not_disturb=rng.random() < 0.02)

    entries: list[WaitingEntry] = []
    rung: set[str] = set()
    weights = [rng.uniform(0.2, 3.0) for _ in numbers]  # some queues are much busier than others
    for i in range(calls):
        number = rng.choices(numbers, weights)[0]
        joined = ago(rng.uniform(0, 1900))  # a few have waited past an 1800 s maximum
        ringing: frozenset[str] = frozenset()
        retry_until = None
        idle = [a for a in members[number] if a not in rung and people[a].device == DeviceStatus.IDLE]
        if idle and rng.random() < 0.05:
            ringing = frozenset({rng.choice(idle)})
            rung |= ringing
        elif rng.random() < 0.1:
            retry_until = NOW + timedelta(seconds=rng.uniform(0, 5))
        tried = frozenset(rng.sample(members[number], min(2, len(members[number])))) if rng.random() < 0.2 else frozenset()
        callback = rng.random() < 0.05
        entries.append(WaitingEntry(
            f"call-{i:05d}", number, joined, callback=callback, ringing=ringing, tried=tried, retry_until=retry_until,
        ))
    rr_last = {n: rng.choice(members[n]) for n in numbers if members[n]}
    return Snapshot(NOW, queues, people, tuple(entries), shared_wrapup=False, rr_last=rr_last, random_seed=seed)


def reps_for(calls: int, agents: int, scale: float) -> int:
    work = calls * agents
    base = 30 if work <= 1000 * 500 else 15 if work <= 2000 * 500 else 7 if work <= 5000 * 500 else 5
    return max(3, round(base * scale))


def measure(snapshot: Snapshot, reps: int) -> tuple[list[float], list[float]]:
    """Each pass's wall-clock time and CPU time (the process's), in ms. On a machine shared with
    other work the wall clock also counts the time the pass waited for a CPU; the CPU time does
    not, and is what the pass costs on a machine of its own."""
    decide(snapshot)  # warm-up
    times, cpu = [], []
    for _ in range(reps):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        decide(snapshot)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return times, cpu


def p90(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]


def slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of log(y) on log(x): the growth exponent."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


def describe(snapshot: Snapshot) -> str:
    d = decide(snapshot)
    idle = sum(1 for a in snapshot.agents.values() if a.device == DeviceStatus.IDLE)
    return f"{len(d.offers)} offers, {len(d.failovers)} failovers, {idle} idle agents"


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()} ({platform.python_implementation()}), {platform.platform()}"


def run(scale: float) -> None:
    print(f"machine: {machine()}")
    print(f"target: median < {TARGET_MS} ms at {TARGET_CALLS} calls x 500 agents; growth <= linear in calls x agents")
    rows: dict[tuple[int, int], tuple[list[float], list[float], str]] = {}
    sizes = [(c, 500) for c in CALL_SWEEP] + [(1000, a) for a in AGENT_SWEEP if a != 500]
    for calls, agents in sizes:
        print(f"  measuring {calls} calls x {agents} agents ...", file=sys.stderr, flush=True)
        snapshot = build(calls, agents)
        rows[(calls, agents)] = (*measure(snapshot, reps_for(calls, agents, scale)), describe(snapshot))

    base = statistics.median(rows[(1000, 500)][0])
    print()
    print(
        "| waiting calls | agents | memberships | reps | median ms | p90 ms | CPU median ms | vs 1k x 500 "
        "| us per call x agent | decision |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for (calls, agents), (times, cpu, what) in rows.items():
        median = statistics.median(times)
        print(
            f"| {calls:,} | {agents} | {agents * QUEUES_PER_AGENT:,} | {len(times)} | {median:.1f} | {p90(times):.1f} | "
            f"{statistics.median(cpu):.1f} | x{median / base:.2f} | {median * 1000 / (calls * agents):.3f} | {what} |"
        )
    print()

    def med(calls: int, agents: int, cpu: bool = False) -> float:
        times, cpu_times, _ = rows[(calls, agents)]
        return statistics.median(cpu_times if cpu else times)

    calls_y = [med(c, 500) for c in CALL_SWEEP]
    agents_y = [med(1000, a) for a in AGENT_SWEEP]
    at_target = med(TARGET_CALLS, 500)
    print(f"growth exponent vs waiting calls (500 agents) {slope(CALL_SWEEP, calls_y):.2f}, "
          f"vs agents (1,000 calls) {slope(AGENT_SWEEP, agents_y):.2f} "
          f"(CPU time: {slope(CALL_SWEEP, [med(c, 500, cpu=True) for c in CALL_SWEEP]):.2f} and "
          f"{slope(AGENT_SWEEP, [med(1000, a, cpu=True) for a in AGENT_SWEEP]):.2f}); "
          f"10k/1k calls x{med(10000, 500) / med(1000, 500):.1f} (linear: x10), "
          f"1000/100 agents x{med(1000, 1000) / med(1000, 100):.1f} (linear: x10); "
          f"median at 1,000 calls x 500 agents {at_target:.1f} ms: target {'MET' if at_target < TARGET_MS else 'NOT met'} "
          f"(CPU time: median {med(TARGET_CALLS, 500, cpu=True):.1f} ms); "
          f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3]) if Path('/proc/loadavg').exists() else 'unknown'}")


def equality_snapshots(examples: int) -> Iterator[tuple[str, Snapshot]]:
    """A fixed, named set of snapshots for `--save-decisions` / `--compare-decisions`: `examples`
    decoded from seeded random bytes by the property tests' decoder, each also with the edge
    cases the runtime can produce (a queue deleted while its callers wait and its agents still
    list it, an agent listed twice in a queue, a last Rrmemory agent who is not a member), and
    benchmark snapshots with and without shared wrap-up and Rrmemory memory."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "unit" / "acd"))
    from test_engine_properties import BLOB, decode_snapshot  # type: ignore[import-not-found]

    for i in range(examples):
        rng = random.Random(i)
        s = decode_snapshot(rng.randbytes(BLOB))
        yield f"decoded {i}", s
        if len(s.queues) > 1:
            gone = rng.choice(sorted(s.queues))
            yield f"decoded {i} without queue {gone}", replace(s, queues={n: q for n, q in s.queues.items() if n != gone})
        listed = [a for a in s.agents.values() if a.memberships]
        if listed:
            a = rng.choice(listed)
            twice = replace(rng.choice(a.memberships), position=rng.randint(1, 6), paused=not a.memberships[0].paused)
            doubled = {**s.agents, a.extension: replace(a, memberships=(*a.memberships, twice))}
            yield f"decoded {i} with {a.extension} twice in {twice.queue}", replace(s, agents=doubled)
        yield f"decoded {i} with a stranger last", replace(s, rr_last={n: "9999" for n in s.queues})
    for calls, agents in [(c, 500) for c in CALL_SWEEP if c <= 5000] + [(1000, a) for a in AGENT_SWEEP if a != 500]:
        for seed in (1, 2):
            s = build(calls, agents, seed=seed)
            yield f"bench {calls}x{agents} seed {seed}", s
            yield f"bench {calls}x{agents} seed {seed} shared wrap-up", replace(s, shared_wrapup=True)
            yield f"bench {calls}x{agents} seed {seed} no rr memory", replace(s, rr_last={})


def plain_decision(snapshot: Snapshot) -> tuple[Any, ...]:
    """The decision as plain values, traces and priorities with their order."""
    d = decide(snapshot)
    return (d.offers, d.failovers, list(d.traces.items()), d.next_wakeup, list(d.priorities.items()))


def save_decisions(path: str, examples: int) -> None:
    saved = {name: plain_decision(s) for name, s in equality_snapshots(examples)}
    with open(path, "wb") as f:
        pickle.dump(saved, f)
    lines = sum(len(t) for d in saved.values() for _, t in d[2])
    print(f"saved {len(saved)} decisions ({sum(len(d[0]) for d in saved.values())} offers, {lines} trace lines) to {path}")


def compare_decisions(path: str, examples: int) -> None:
    with open(path, "rb") as f:
        saved = pickle.load(f)
    checked, differ = 0, []
    for name, s in equality_snapshots(examples):
        checked += 1
        if plain_decision(s) != saved[name]:
            differ.append(name)
    if checked != len(saved):
        differ.append(f"{len(saved)} decisions saved, {checked} snapshots decided: not the same set")
    print(f"{checked} snapshots decided, {len(differ)} differ from {path}")
    for name in differ[:20]:
        print(f"  differs: {name}")
    if differ:
        sys.exit(1)


def profile(size: str, top: int) -> None:
    calls, agents = (int(x) for x in size.split("x"))
    snapshot = build(calls, agents)
    decide(snapshot)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        decide(snapshot)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a third of the repetitions")
    parser.add_argument("--profile", metavar="CALLSxAGENTS", help="cProfile three passes of one size instead")
    parser.add_argument("--top", type=int, default=25, help="rows of the profile to print")
    parser.add_argument("--save-decisions", metavar="FILE", help="save the decisions of the equality snapshots")
    parser.add_argument("--compare-decisions", metavar="FILE", help="compare decisions with those saved in FILE")
    parser.add_argument("--examples", type=int, default=2000, help="decoded snapshots for the two above")
    args = parser.parse_args()
    if args.save_decisions:
        save_decisions(args.save_decisions, args.examples)
    elif args.compare_decisions:
        compare_decisions(args.compare_decisions, args.examples)
    elif args.profile:
        profile(args.profile, args.top)
    else:
        run(1 / 3 if args.quick else 1.0)


if __name__ == "__main__":
    main()
