"""One caller's way through a queue: answer, music on hold, ring agents one after another, bridge
with the agent who answers, and record every step.

Events reach the flow through `agent_answered` and `channel_gone`; the flow's own task does the
waiting, so event handlers never block.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Protocol

from yeastar_ctl.acd.selection import MemberAvailability, next_agent
from yeastar_ctl.ari import AriClient, AriError, AriNotFound
from yeastar_ctl.telephony.hangup_causes import ring_result
from yeastar_ctl.telephony.ports import AgentPresence, CallerInfo, CallRecorder, QueueRoute

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# ARI's own originate timeout normally ends an unanswered attempt; this is the margin after
# which the flow gives up on hearing about it.
RING_GRACE_SECONDS = 3.0


class CallTracker(Protocol):
    """The app-level registry that routes channel events to flows."""

    def track(self, channel_id: str, flow: "QueueCallFlow") -> None: ...

    def untrack(self, channel_id: str) -> None: ...

    def engaged_agents(self) -> set[str]: ...


@dataclass
class _Attempt:
    agent: str
    channel_id: str
    attempt_id: int
    outcome: asyncio.Future[str]


@dataclass(eq=False)  # identity semantics: flows are registry entries
class QueueCallFlow:
    ari: AriClient
    recorder: CallRecorder
    presence: AgentPresence
    tracker: CallTracker
    route: QueueRoute
    caller_channel_id: str
    caller: CallerInfo
    call_id: str
    app: str
    clock: Clock
    attempt: _Attempt | None = None
    agent: str | None = None
    agent_channel_id: str | None = None
    bridge_id: str | None = None
    joined_at: datetime | None = None
    caller_gone: asyncio.Event = field(default_factory=asyncio.Event)
    talk_over: asyncio.Event = field(default_factory=asyncio.Event)

    # -- events -----------------------------------------------------------------------------

    def agent_answered(self, channel_id: str) -> bool:
        """An originated agent channel entered Stasis (it answered). False if it is not ours."""
        if self.attempt is None or self.attempt.channel_id != channel_id or self.attempt.outcome.done():
            return False
        self.attempt.outcome.set_result("answered")
        return True

    def channel_gone(self, channel_id: str, cause: int | None) -> None:
        if channel_id == self.caller_channel_id:
            self.caller_gone.set()
            self.talk_over.set()
        elif self.attempt is not None and channel_id == self.attempt.channel_id and not self.attempt.outcome.done():
            self.attempt.outcome.set_result(ring_result(cause))
        elif channel_id == self.agent_channel_id:
            self.talk_over.set()

    def engaged_agent(self) -> str | None:
        if self.attempt is not None:
            return self.attempt.agent
        return self.agent

    # -- the flow -----------------------------------------------------------------------------

    async def run(self) -> None:
        self.tracker.track(self.caller_channel_id, self)
        try:
            await self._run()
        except Exception:
            log.exception("queue call %s failed; hanging up", self.call_id)
            await self._hangup(self.caller_channel_id)
            if self.joined_at is not None:
                await self.recorder.ended(self.call_id, "missed", self.clock(), "system error")
        finally:
            await self._cleanup()

    async def _run(self) -> None:
        try:
            await self.ari.channels.answer(self.caller_channel_id)
            await self.ari.channels.start_moh(self.caller_channel_id, self.route.music_on_hold or None)
        except AriNotFound:
            return  # the caller hung up before we could answer: nothing to record
        self.joined_at = self.clock()
        await self.recorder.joined(self.call_id, self.route, self.caller, self.caller_channel_id, self.joined_at)
        outcome = await self._distribute()
        if outcome == "answered":
            await self._talk()
        elif outcome == "abandoned":
            await self.recorder.ended(self.call_id, "abandoned", self.clock(), "caller hung up")
        else:
            # Maximum Waiting Time reached; the failover destinations arrive with the caller's
            # journey issue, until then the failover is "Hang up".
            await self.recorder.ended(self.call_id, "missed", self.clock(), "timed out")
            await self._hangup(self.caller_channel_id)

    def _seconds_left(self) -> float:
        assert self.joined_at is not None
        waited = (self.clock() - self.joined_at).total_seconds()
        return self.route.max_wait_seconds - waited

    async def _distribute(self) -> str:
        tried: set[str] = set()
        while True:
            if self.caller_gone.is_set():
                return "abandoned"
            left = self._seconds_left()
            if left <= 0:
                return "timeout"
            agent = await self._pick(frozenset(tried))
            if agent is None and tried:
                # Every free agent was tried this round: start a new round after the retry interval.
                tried.clear()
            if agent is None:
                await self._wait_caller(min(self.route.retry_interval_seconds, left) or 1)
                continue
            tried.add(agent)
            result = await self._ring(agent, min(self.route.agent_timeout_seconds, max(1, int(left))))
            if result == "answered":
                return "answered"

    async def _pick(self, tried: frozenset[str]) -> str | None:
        engaged = self.tracker.engaged_agents()
        extensions = [m.extension for m in self.route.members]
        availability = await self.presence.availability(extensions)
        members = [
            MemberAvailability(
                m.extension, m.kind, m.position,
                online=availability.get(m.extension, (False, False))[0],
                busy=m.extension in engaged or availability.get(m.extension, (False, False))[1],
            )
            for m in self.route.members
        ]
        return next_agent(members, exclude=tried)

    async def _wait_caller(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.caller_gone.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    async def _ring(self, agent: str, timeout: int) -> str:
        loop = asyncio.get_running_loop()
        channel_id = f"yc-{self.call_id}-{uuid.uuid4().hex[:8]}"
        attempt_id = await self.recorder.ring_started(self.call_id, agent, self.clock())
        attempt = _Attempt(agent, channel_id, attempt_id, loop.create_future())
        self.attempt = attempt
        self.tracker.track(channel_id, self)
        try:
            await self.ari.channels.originate(
                f"PJSIP/{agent}",
                app=self.app,
                app_args=["agent", self.call_id],
                caller_id=f'"{self.caller.name}" <{self.caller.number}>',
                timeout=timeout,
                channel_id=channel_id,
            )
        except AriError as exc:
            log.warning("cannot ring agent %s for call %s: %s", agent, self.call_id, exc)
            if not attempt.outcome.done():
                attempt.outcome.set_result("failed")
        caller_gone = asyncio.ensure_future(self.caller_gone.wait())
        try:
            done, _ = await asyncio.wait(
                {attempt.outcome, caller_gone}, timeout=timeout + RING_GRACE_SECONDS,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            caller_gone.cancel()
        if attempt.outcome.done() and attempt.outcome.result() == "answered" and not self.caller_gone.is_set():
            result = "answered"
        elif attempt.outcome.done() and attempt.outcome.result() != "answered":
            result = attempt.outcome.result()
        else:
            result = "cancelled" if self.caller_gone.is_set() else "no_answer"
            await self._hangup(channel_id)
        self.attempt = None
        await self.recorder.ring_ended(attempt_id, result, self.clock())
        if result == "answered":
            self.agent, self.agent_channel_id = agent, channel_id
        else:
            self.tracker.untrack(channel_id)
        return result

    async def _talk(self) -> None:
        assert self.agent is not None and self.agent_channel_id is not None
        try:
            await self.ari.channels.stop_moh(self.caller_channel_id)
            bridge = await self.ari.bridges.create("mixing", name=f"queue-{self.call_id}")
            self.bridge_id = bridge.id
            await self.ari.bridges.add_channel(bridge.id, [self.caller_channel_id, self.agent_channel_id])
        except AriNotFound:
            # The caller left in the instant the agent answered.
            await self.recorder.ended(self.call_id, "abandoned", self.clock(), "caller hung up")
            return
        await self.recorder.answered(self.call_id, self.agent, self.clock())
        await self.talk_over.wait()
        reason = "caller hung up" if self.caller_gone.is_set() else "agent hung up"
        await self.recorder.ended(self.call_id, "answered", self.clock(), reason)

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
        if self.bridge_id is not None:
            try:
                await self.ari.bridges.destroy(self.bridge_id)
            except AriError:
                pass
        self.tracker.untrack(self.caller_channel_id)
        if self.agent_channel_id is not None:
            self.tracker.untrack(self.agent_channel_id)
