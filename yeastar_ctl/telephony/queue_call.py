"""One caller's way through a queue: answer, music on hold, join (capacity checks), ring the
agents the distributor offers, bridge with the agent who answers, and record every step.

ARI events reach the flow through `agent_answered` and `channel_gone`; the distributor reaches it
through `ring` and `fail_over`. Waiting happens in the flow's own tasks, never in event handlers.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable, Protocol, Sequence

from yeastar_ctl.acd.vocabulary import FailoverReason
from yeastar_ctl.ari import AriClient, AriError, AriNotFound
from yeastar_ctl.telephony.distributor import Distributor, LiveEntry
from yeastar_ctl.telephony.hangup_causes import ring_result
from yeastar_ctl.telephony.ports import CallerInfo, CallRecorder, QueueRoute

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# ARI's own originate timeout normally ends an unanswered attempt; this is the margin after
# which the flow gives up on hearing about it.
RING_GRACE_SECONDS = 3.0


class CallTracker(Protocol):
    """The app-level registry that routes channel events to flows."""

    def track(self, channel_id: str, flow: "QueueCallFlow") -> None: ...

    def untrack(self, channel_id: str) -> None: ...


@dataclass
class _Attempt:
    agent: str
    channel_id: str
    attempt_id: int | None
    outcome: asyncio.Future[str]


@dataclass(eq=False)  # identity semantics: flows are registry entries
class QueueCallFlow:
    ari: AriClient
    recorder: CallRecorder
    distributor: Distributor
    tracker: CallTracker
    route: QueueRoute
    caller_channel_id: str
    caller: CallerInfo
    call_id: str
    app: str
    clock: Clock
    attempts: dict[str, _Attempt] = field(default_factory=dict)
    agent: str | None = None
    agent_channel_id: str | None = None
    bridge_id: str | None = None
    joined_at: datetime | None = None
    caller_gone: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    ended: bool = False
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    # -- ARI events ---------------------------------------------------------------------------

    def agent_answered(self, channel_id: str) -> bool:
        """An originated agent channel entered Stasis (it answered). False if it is not ours."""
        attempt = self.attempts.get(channel_id)
        if attempt is None or attempt.outcome.done() or self.agent is not None:
            return False
        attempt.outcome.set_result("answered")
        return True

    def channel_gone(self, channel_id: str, cause: int | None) -> None:
        if channel_id == self.caller_channel_id:
            self.caller_gone.set()
        elif channel_id in self.attempts and not self.attempts[channel_id].outcome.done():
            self.attempts[channel_id].outcome.set_result(ring_result(cause))
        elif channel_id == self.agent_channel_id:
            self.finished.set()

    # -- the distributor's orders ----------------------------------------------------------------

    def ring(self, agents: Sequence[str], timeout: int) -> None:
        self._spawn(self._ring(list(agents), timeout))

    def fail_over(self, reason: FailoverReason) -> None:
        self._spawn(self._fail_over(reason))

    # -- the flow -------------------------------------------------------------------------------

    async def run(self) -> None:
        self.tracker.track(self.caller_channel_id, self)
        try:
            await self._run()
        except Exception:
            log.exception("queue call %s failed; hanging up", self.call_id)
            if self.joined_at is not None:
                await self._end("missed", "system error")
        finally:
            self.distributor.leave(self.call_id)
            await self._cleanup()

    async def _run(self) -> None:
        try:
            await self.ari.channels.answer(self.caller_channel_id)
            await self.ari.channels.start_moh(self.caller_channel_id, self.route.music_on_hold or None)
        except AriNotFound:
            return  # the caller hung up before we could answer: nothing to record
        self.joined_at = self.clock()
        await self.recorder.joined(self.call_id, self.route, self.caller, self.caller_channel_id, self.joined_at)
        verdict = await self.distributor.join(LiveEntry(self.call_id, self, self.route.number, self.joined_at))
        if not verdict.allowed:
            assert verdict.reason is not None
            await self._fail_over(verdict.reason)
            return
        gone = asyncio.ensure_future(self.caller_gone.wait())
        done = asyncio.ensure_future(self.finished.wait())
        try:
            await asyncio.wait({gone, done}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
            done.cancel()
        if not self.finished.is_set():
            # The caller left while waiting (maybe while agents rang: their attempts end as cancelled).
            self.distributor.leave(self.call_id)
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
            if not self.finished.is_set():
                await self._end("abandoned", "caller hung up")
        else:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _ring(self, agents: list[str], timeout: int) -> None:
        loop = asyncio.get_running_loop()
        round_attempts: list[_Attempt] = []
        for agent in agents:
            channel_id = f"yc-{self.call_id}-{uuid.uuid4().hex[:8]}"
            attempt = _Attempt(agent, channel_id, None, loop.create_future())
            attempt.attempt_id = await self.recorder.ring_started(self.call_id, agent, self.clock())
            self.attempts[channel_id] = attempt
            self.tracker.track(channel_id, self)
            round_attempts.append(attempt)
            try:
                await self.ari.channels.originate(
                    f"PJSIP/{agent}", app=self.app, app_args=["agent", self.call_id],
                    caller_id=f'"{self.caller.name}" <{self.caller.number}>', timeout=timeout,
                    channel_id=channel_id,
                )
            except AriError as exc:
                log.warning("cannot ring agent %s for call %s: %s", agent, self.call_id, exc)
                if not attempt.outcome.done():
                    attempt.outcome.set_result("failed")
        winner = await self._first_answer(round_attempts, timeout + RING_GRACE_SECONDS)
        results: dict[str, str] = {}
        for attempt in round_attempts:
            if attempt is winner:
                result = "answered"
            elif attempt.outcome.done() and attempt.outcome.result() != "answered":
                result = attempt.outcome.result()
            else:
                # Still ringing: the caller left, another agent answered, or the ring timed out.
                result = "no_answer" if winner is None and not self.caller_gone.is_set() else "cancelled"
                await self._hangup(attempt.channel_id)
            results[attempt.agent] = result
            self.attempts.pop(attempt.channel_id, None)
            if attempt is not winner:
                self.tracker.untrack(attempt.channel_id)
            assert attempt.attempt_id is not None
            await self.recorder.ring_ended(attempt.attempt_id, result, self.clock())
        if winner is not None:
            await self._talk(winner)
        elif not self.caller_gone.is_set():
            self.distributor.ring_ended(self.call_id, results)

    async def _first_answer(self, attempts: list[_Attempt], timeout: float) -> _Attempt | None:
        """The attempt that answered first, or None when all ended, the caller left, or time ran out."""
        deadline = asyncio.get_running_loop().time() + timeout
        gone = asyncio.ensure_future(self.caller_gone.wait())
        try:
            pending: set[asyncio.Future[Any]] = {a.outcome for a in attempts}
            while pending:
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    return None
                done, pending = await asyncio.wait(pending | {gone}, timeout=left, return_when=asyncio.FIRST_COMPLETED)
                pending.discard(gone)
                if self.caller_gone.is_set():
                    return None
                for attempt in attempts:
                    if attempt.outcome in done and attempt.outcome.result() == "answered":
                        return attempt
            return None
        finally:
            gone.cancel()

    async def _talk(self, attempt: _Attempt) -> None:
        self.agent, self.agent_channel_id = attempt.agent, attempt.channel_id
        self.distributor.answered(self.call_id, attempt.agent)
        try:
            await self.ari.channels.stop_moh(self.caller_channel_id)
            bridge = await self.ari.bridges.create("mixing", name=f"queue-{self.call_id}")
            self.bridge_id = bridge.id
            await self.ari.bridges.add_channel(bridge.id, [self.caller_channel_id, attempt.channel_id])
        except AriNotFound:
            # The caller left in the instant the agent answered.
            self.distributor.talk_ended(attempt.agent, self.route.number)
            await self._end("abandoned", "caller hung up")
            self.finished.set()
            return
        await self.recorder.answered(self.call_id, attempt.agent, self.clock())
        gone = asyncio.ensure_future(self.caller_gone.wait())
        agent_gone = asyncio.ensure_future(self.finished.wait())
        try:
            await asyncio.wait({gone, agent_gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
            agent_gone.cancel()
        reason = "caller hung up" if self.caller_gone.is_set() else "agent hung up"
        await self._end("answered", reason)
        self.distributor.talk_ended(attempt.agent, self.route.number)
        self.finished.set()

    async def _fail_over(self, reason: FailoverReason) -> None:
        # The failover destinations arrive with the caller's-journey issue; until then: Hang up.
        await self._end("missed", reason.value)
        await self._hangup(self.caller_channel_id)
        self.finished.set()

    async def _end(self, status: str, reason: str) -> None:
        if not self.ended:
            self.ended = True
            await self.recorder.ended(self.call_id, status, self.clock(), reason)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _hangup(self, channel_id: str | None) -> None:
        if channel_id is None:
            return
        try:
            await self.ari.channels.hangup(channel_id)
        except AriError:
            pass  # already gone

    async def _cleanup(self) -> None:
        await self._hangup(self.caller_channel_id)
        await self._hangup(self.agent_channel_id)
        for attempt in list(self.attempts.values()):
            await self._hangup(attempt.channel_id)
        if self.bridge_id is not None:
            try:
                await self.ari.bridges.destroy(self.bridge_id)
            except AriError:
                pass
        self.tracker.untrack(self.caller_channel_id)
        if self.agent_channel_id is not None:
            self.tracker.untrack(self.agent_channel_id)
