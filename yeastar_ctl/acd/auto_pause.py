"""Agent Auto Pause: pause an agent after N consecutive missed calls from a queue.

Seed: the threshold is set per queue and the feature does not apply with Ring All; "the missed
calls count for an agent will be cleared when ... the agent makes or answers a queue call, the
agent is paused or logged out, the PBX is rebooted" — so the counts live in memory only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

from yeastar_ctl.acd.model import QueuePolicy
from yeastar_ctl.acd.vocabulary import RingStrategy

# Ring results that count as the agent missing the call: it rang and nobody took it, or the
# agent declined it. A phone that could not be reached (failed) or a caller who left first
# (cancelled) is not the agent's miss.
MISSED_RESULTS = frozenset({"no_answer", "busy"})


@dataclass(frozen=True)
class MissCounts:
    counts: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (agent, queue) -> misses

    def of(self, agent: str, queue: str) -> int:
        return self.counts.get((agent, queue), 0)

    def after_ring(self, agent: str, queue: QueuePolicy, result: str) -> tuple["MissCounts", bool]:
        """Returns the new counts and whether the agent must be paused now."""
        if result not in MISSED_RESULTS or queue.auto_pause_threshold is None:
            return self, False
        # With skill-based routing the queue rings by its "Ring Strategy of Equal Skill Level".
        strategy = queue.equal_skill_strategy if queue.skill_based else queue.strategy
        if strategy == RingStrategy.RING_ALL:
            return self, False
        misses = self.of(agent, queue.number) + 1
        counts = dict(self.counts)
        if misses >= queue.auto_pause_threshold:
            counts.pop((agent, queue.number), None)
            return replace(self, counts=counts), True
        counts[(agent, queue.number)] = misses
        return replace(self, counts=counts), False

    def cleared(self, agent: str) -> "MissCounts":
        """The agent made or answered a queue call, was paused, or logged out."""
        return replace(self, counts={k: v for k, v in self.counts.items() if k[0] != agent})
