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
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable, Protocol, Sequence

from yeastar_ctl.acd.time_condition import HolidaySpan, Period, classify
from yeastar_ctl.acd.vocabulary import FailoverReason
from yeastar_ctl.ari import AriBadRequest, AriClient, AriError, AriNotFound
from yeastar_ctl.db.enums import CallbackMethod, CallbackTimeoutMode, DestinationType
from yeastar_ctl.dialplan.contexts import INTERNAL_CONTEXT
from yeastar_ctl.telephony.callback_prompts import ACCEPTED_MEDIA, INVALID_MEDIA, OFFER_MEDIA, collect_number
from yeastar_ctl.telephony.destinations import Destination, send_to
from yeastar_ctl.telephony.distributor import Distributor, LiveEntry
from yeastar_ctl.telephony.hangup_causes import ring_result
from yeastar_ctl.telephony.media import Prompts, media_uri
from yeastar_ctl.telephony.ports import CallerInfo, CallRecorder, ContactLookup, QueueRoute
from yeastar_ctl.telephony.waiting import WaitingMedia

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# ARI's own originate timeout normally ends an unanswered attempt; this is the margin after
# which the flow gives up on hearing about it.
RING_GRACE_SECONDS = 3.0
SURVEY_KEY_TIMEOUT_S = 10.0
CUSTOMER_RING_SECONDS = 30  # how long the callback rings the customer
# Every channel the flow originates (agent rings, the callback's customer leg) has an id with
# this prefix, so a restarted control plane knows them as its own.
AGENT_LEG_PREFIX = "yc-"
# Core sounds stand in until custom prompts are uploaded: a beep asks for the key (the seed's
# default wording needs a recorded prompt), "goodbye" ends it.
DEFAULT_SURVEY_PROMPT = "beep"
DEFAULT_SURVEY_END_PROMPT = "vm-goodbye"


async def first_of(*events: asyncio.Event) -> None:
    """Wait until any of the events is set."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


@dataclass(frozen=True)
class ResumedCall:
    """Where a queue call stood when the previous process stopped (from its row and ARI)."""

    joined_at: datetime
    agent: str | None = None  # set: caller and agent talk in `bridge_id`
    answered_at: datetime | None = None
    agent_channel_id: str | None = None
    bridge_id: str | None = None


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
    prompts: Prompts
    time_zone: str = "UTC"  # the system's, for queues without their own
    contacts: ContactLookup | None = None
    # Seed, Company Contacts matching: the agents' phones show the contact's name when one matches.
    agent_caller_name: str | None = None
    media: WaitingMedia | None = None
    media_task: asyncio.Task[None] | None = None
    redirected: bool = False  # the caller went on in the dialplan: not ours to hang up
    leaving: bool = False  # on the way to a destination (key press, failover, time condition)
    keys: asyncio.Queue[str] | None = None  # set while a dialog (survey, callback) reads keys
    callback_number: str | None = None  # the caller asked to be called back here and hung up
    callback_request_id: int | None = None
    customer_answer: asyncio.Future[str] | None = None  # the callback's call to the customer
    hold_started: datetime | None = None
    answering: asyncio.Future[None] | None = None  # Asterisk's answer to the caller, under way
    answered_at: datetime | None = None  # when the agent's answer was recorded
    cut: tuple[str, datetime] | None = None  # (reason, when): the call died with Asterisk
    gone: set[str] = field(default_factory=set)  # channels Asterisk said are gone
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

    def customer_answered(self, channel_id: str) -> bool:
        """The callback's call to the customer was answered."""
        if channel_id != self.caller_channel_id or self.customer_answer is None or self.customer_answer.done():
            return False
        self.customer_answer.set_result("answered")
        return True

    def hold_changed(self, channel_id: str, on_hold: bool) -> None:
        """The agent put the caller on hold (or resumed): the caller hears the queue's music on
        hold meanwhile, and the hold time counts for the reports (AVG Hold Time)."""
        if channel_id != self.agent_channel_id or self.bridge_id is None or self.ended:
            return
        self._spawn(self._hold(on_hold))

    async def _hold(self, on_hold: bool) -> None:
        assert self.bridge_id is not None
        try:
            if on_hold and self.hold_started is None:
                self.hold_started = self.clock()
                await self.ari.bridges.remove_channel(self.bridge_id, self.caller_channel_id)
                await self.ari.channels.start_moh(self.caller_channel_id, self.route.settings.music_on_hold or None)
            elif not on_hold and self.hold_started is not None:
                held, self.hold_started = self.clock() - self.hold_started, None
                await self.ari.channels.stop_moh(self.caller_channel_id)
                await self.ari.bridges.add_channel(self.bridge_id, [self.caller_channel_id])
                await self.recorder.held(self.call_id, round(held.total_seconds()))
        except AriError as exc:
            log.debug("hold on call %s: %s", self.call_id, exc)

    def channel_gone(self, channel_id: str, cause: int | None) -> None:
        self.gone.add(channel_id)
        if channel_id == self.caller_channel_id:
            if self.customer_answer is not None and not self.customer_answer.done():
                self.customer_answer.set_result(ring_result(cause))
            elif self.callback_number is not None and self.customer_answer is None:
                return  # the caller hung up after asking for a callback: expected
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

    async def run(self, resumed: ResumedCall | None = None) -> None:
        """Carry the call from its StasisStart to its end, or from where a previous process
        left it (`resumed`)."""
        self.tracker.track(self.caller_channel_id, self)
        try:
            if resumed is None:
                await self._run()
            elif resumed.agent is None:
                await self._resume_waiting(resumed)
            else:
                await self._resume_talking(resumed)
        except Exception:
            log.exception("queue call %s failed; hanging up", self.call_id)
            if self.joined_at is not None:
                await self._end("missed", "system error")
        finally:
            self.distributor.leave(self.call_id)
            await self._cleanup()

    async def _run(self) -> None:
        settings = self.route.settings
        # The agents ring first and the caller is answered meanwhile: routing never waits for
        # Asterisk's answer (app_queue does the same; ringback or music start once answered).
        self.joined_at = self.clock()
        await self.recorder.joined(self.call_id, self.route, self.caller, self.caller_channel_id, self.joined_at)
        answering = self.answering = asyncio.ensure_future(self._answer_caller())
        if settings.time_condition_enabled and self._period() != Period.OPEN:
            await answering
            await self._closed()
            return
        await self._match_contact()
        self.media = WaitingMedia(self.ari, self.prompts, self.caller_channel_id, settings, self._position)
        if settings.play_full_join_announcement:
            await answering
            if not self.caller_gone.is_set():
                await self.media.join_announcement()
            if self.caller_gone.is_set():
                await self._end("abandoned", "caller hung up")
                return
        verdict = await self.distributor.join(LiveEntry(self.call_id, self, self.route.number, self.joined_at))
        if not verdict.allowed:
            assert verdict.reason is not None
            await answering
            await self._fail_over(verdict.reason)
            return
        await self._wait_in_queue(answering, join_announcement=not settings.play_full_join_announcement)

    async def _wait_in_queue(self, answering: asyncio.Future[None] | None, *, join_announcement: bool) -> None:
        """Music, announcements and callback offers until an agent answers or the caller leaves."""
        settings = self.route.settings
        self.media_task = asyncio.ensure_future(self._wait_with_media(join_announcement, answering))
        if settings.callback_enabled and settings.callback_method == CallbackMethod.AUTO_TIMEOUT:
            self._spawn(self._offer_callback_later())
        await first_of(self.caller_gone, self.finished)
        if not self.finished.is_set():
            # The caller left while waiting (maybe while agents rang: their attempts end as cancelled).
            self.distributor.leave(self.call_id)
            await self._stop_media()
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
            if not self.finished.is_set():
                await self._end("abandoned", "caller hung up")
        else:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _resume_waiting(self, resumed: ResumedCall) -> None:
        """The caller waited when the previous process stopped: back in line at the original
        join time (so with the priority it had earlier), with the music again."""
        self.joined_at = resumed.joined_at
        if not await self._still_there(self.caller_channel_id):
            return
        await self._match_contact()
        self.media = WaitingMedia(self.ari, self.prompts, self.caller_channel_id, self.route.settings, self._position)
        self.distributor.rejoin(LiveEntry(self.call_id, self, self.route.number, self.joined_at))
        await self._wait_in_queue(None, join_announcement=False)

    async def _resume_talking(self, resumed: ResumedCall) -> None:
        """Caller and agent talked when the previous process stopped: they stay bridged, and
        the call is recorded when one of them hangs up (talk time from the recorded answer)."""
        assert resumed.agent is not None and resumed.agent_channel_id is not None
        self.joined_at = resumed.joined_at
        self.agent, self.agent_channel_id, self.bridge_id = resumed.agent, resumed.agent_channel_id, resumed.bridge_id
        self.answered_at = resumed.answered_at
        self.tracker.track(self.agent_channel_id, self)
        self.distributor.talking(self.agent)
        for channel_id in (self.caller_channel_id, self.agent_channel_id):
            await self._still_there(channel_id)
        await self._converse(self.agent)

    async def _still_there(self, channel_id: str) -> bool:
        """A channel picked up again may have hung up before it was tracked (its event then went
        unheard): look once more now that its events reach this flow."""
        try:
            await self.ari.channels.get(channel_id)
        except AriNotFound:
            self.channel_gone(channel_id, None)
            return False
        return True

    async def _answer_caller(self) -> None:
        try:
            await self.ari.channels.answer(self.caller_channel_id)
        except AriNotFound:
            self.caller_gone.set()  # hung up before the answer: an abandoned call like any other

    async def _match_contact(self) -> None:
        if self.contacts is None:
            return
        try:
            name = await self.contacts(self.caller.number)
        except Exception:
            # The phones then show the caller ID as it came: not worth failing the call for.
            log.exception("cannot match call %s against the company contacts", self.call_id)
            return
        # A '"' would end the quoted name in the caller ID string.
        self.agent_caller_name = name.replace('"', "'") if name else None

    async def _wait_with_media(self, join_announcement: bool, answering: Awaitable[None] | None = None) -> None:
        assert self.media is not None
        if answering is not None:
            await asyncio.shield(answering)  # stopping the music must not cancel the answer
            if self.caller_gone.is_set():
                return
        if join_announcement:
            await self.media.join_announcement()
        await self.media.start_hold_audio()
        await self.media.run()

    async def _stop_media(self) -> None:
        if self.media_task is not None:
            self.media_task.cancel()
            await asyncio.gather(self.media_task, return_exceptions=True)
            self.media_task = None
        if self.media is not None:
            await self.media.stop_hold_audio()

    def _position(self) -> tuple[int, float | None]:
        return self.distributor.position(self.call_id)

    def _classify(self) -> tuple[Period, HolidaySpan | None]:
        s = self.route.settings
        return classify(
            self.clock(), s.time_zone or self.time_zone, self.route.hours, self.route.holidays,
            ignore_holidays=s.ignore_holiday_destination,
        )

    def _period(self) -> Period:
        return self._classify()[0]

    async def _closed(self) -> bool:
        """Seed, Time Condition: outside business hours or on a holiday the caller goes to that
        destination instead of joining. Returns whether the caller was sent away."""
        s = self.route.settings
        period, holiday = self._classify()
        if period == Period.OPEN:
            return False
        if period == Period.HOLIDAY:
            if s.play_holiday_prompt and holiday is not None and holiday.prompt:
                await self.prompts.play(self.caller_channel_id, media_uri(holiday.prompt), lang=s.prompt_language,
                                        timeout=120)
            destination = Destination(s.holiday_dest_type, s.holiday_dest_target)
        else:
            destination = Destination(s.outside_hours_dest_type, s.outside_hours_dest_target)
        await self._leave_for(destination, f"{period.value}: {destination.describe()}")
        return True

    def dtmf(self, digit: str) -> None:
        """A key the caller pressed: a survey answer, or while waiting the Key Press Event."""
        if self.keys is not None:
            self.keys.put_nowait(digit)
            return
        s = self.route.settings
        if s.callback_enabled and digit == s.callback_digit and self._may_request_callback():
            self.leaving = True  # no key press or failover while the caller talks to us
            self._spawn(self._request_callback())
            return
        if self.agent is not None or self.leaving or not s.key_press_key or digit != s.key_press_key:
            return
        destination = Destination(s.key_press_dest_type, s.key_press_dest_target)
        self.distributor.leave(self.call_id)
        self._spawn(self._leave_for(destination, f"key press {digit}: {destination.describe()}"))

    async def _leave_for(self, destination: Destination, reason: str) -> None:
        """The caller exits the queue to `destination`; the call counts as missed with `reason`."""
        if self.leaving:
            return  # a key pressed twice, or a failover racing a key press: the first one wins
        self.leaving = True
        await self._stop_media()
        await self._end("missed", reason)
        self.redirected = await send_to(
            self.ari, self.prompts, self.caller_channel_id, destination, lang=self.route.settings.prompt_language,
        )
        if not self.redirected:
            await self._hangup(self.caller_channel_id)
        self.finished.set()

    async def _ring(self, agents: list[str], timeout: int) -> None:
        loop = asyncio.get_running_loop()
        round_attempts: list[_Attempt] = []
        for agent in agents:
            channel_id = f"{AGENT_LEG_PREFIX}{self.call_id}-{uuid.uuid4().hex[:8]}"
            attempt = _Attempt(agent, channel_id, None, loop.create_future())
            attempt.attempt_id = await self.recorder.ring_started(self.call_id, agent, self.clock())
            self.attempts[channel_id] = attempt
            self.tracker.track(channel_id, self)
            round_attempts.append(attempt)
        # Ring All rings everyone at once, not one phone after another.
        await asyncio.gather(*(self._originate(attempt, timeout) for attempt in round_attempts))
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

    async def _originate(self, attempt: _Attempt, timeout: int) -> None:
        try:
            await self.ari.channels.originate(
                f"PJSIP/{attempt.agent}", app=self.app, app_args=["agent", self.call_id],
                caller_id=f'"{self.agent_caller_name or self.caller.name}" <{self.caller.number}>', timeout=timeout,
                channel_id=attempt.channel_id, variables=self._ring_variables(),
            )
        except AriError as exc:
            log.warning("cannot ring agent %s for call %s: %s", attempt.agent, self.call_id, exc)
            if not attempt.outcome.done():
                attempt.outcome.set_result("failed")

    def _ring_variables(self) -> dict[str, str] | None:
        # Seed, Queue Alert Info: phones pick a distinctive ring tone from the INVITE's Alert-Info.
        alert = self.route.settings.alert_info
        return {"PJSIP_HEADER(add,Alert-Info)": alert} if alert else None

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
        await self._stop_media()
        if self.answering is not None:
            await asyncio.shield(self.answering)  # the caller joins the bridge answered
        if self.callback_number is not None and not await self._call_customer(attempt):
            return
        s = self.route.settings
        try:
            if s.agent_announcement:
                # The agent hears the queue's announcement while the caller keeps the hold music.
                await self.ari.channels.start_moh(self.caller_channel_id, s.music_on_hold or None)
                await self.prompts.play(attempt.channel_id, media_uri(s.agent_announcement), lang=s.prompt_language)
                await self.ari.channels.stop_moh(self.caller_channel_id)
            bridge = await self.ari.bridges.create("mixing", name=f"queue-{self.call_id}")
            self.bridge_id = bridge.id
            await self.ari.bridges.add_channel(bridge.id, [self.caller_channel_id, attempt.channel_id])
            if s.agent_id_announcement:
                # Seed, Agent ID Announcement: both sides hear the agent's number.
                await self.ari.bridges.play(bridge.id, f"digits:{attempt.agent}", lang=s.prompt_language)
            if s.record_calls:
                await self._record(bridge.id)
        except (AriNotFound, AriBadRequest) as exc:
            if isinstance(exc, AriBadRequest) and "not found" not in str(exc).lower():
                raise
            # The caller left in the instant the agent answered (adding a channel that is gone
            # to a bridge is a 400 "Channel not found", not a 404).
            self.distributor.talk_ended(attempt.agent, self.route.number)
            await self._end("abandoned", "caller hung up")
            self.finished.set()
            return
        self.answered_at = self.clock()
        await self.recorder.answered(self.call_id, attempt.agent, self.answered_at)
        if self.callback_request_id is not None:
            await self.recorder.callback_ended(self.callback_request_id, "succeeded", self.clock(), None, attempt.agent)
        await self._converse(attempt.agent)

    async def _converse(self, agent: str) -> None:
        """Caller and agent are bridged: until one hangs up, then the survey if the queue has one."""
        await first_of(self.caller_gone, self.finished)  # the caller or the agent hangs up
        caller_left = self.caller_gone.is_set()
        if self.hold_started is not None:
            await self.recorder.held(self.call_id, round((self.clock() - self.hold_started).total_seconds()))
            self.hold_started = None
        await self._end("answered", "caller hung up" if caller_left else "agent hung up")
        self.distributor.talk_ended(agent, self.route.number)
        if not caller_left and self.route.settings.survey_enabled:
            await self._survey(agent)
        self.finished.set()

    async def _record(self, bridge_id: str) -> None:
        name = f"queue-{self.call_id}"
        try:
            await self.ari.bridges.record(bridge_id, name, "wav", if_exists="overwrite")
        except AriNotFound:
            raise
        except AriError as exc:
            # A call that cannot be recorded still goes on; the missing file shows in the log.
            log.error("cannot record queue call %s: %s", self.call_id, exc)
            return
        await self.recorder.recording(self.call_id, name)

    async def _survey(self, agent: str) -> None:
        """Seed, Satisfaction Survey: after the agent hangs up the caller rates the call with a key;
        each key is worth the queue's points for it."""
        s = self.route.settings
        self.keys = asyncio.Queue()
        await self.prompts.play(self.caller_channel_id, media_uri(s.survey_prompt or DEFAULT_SURVEY_PROMPT),
                                lang=s.prompt_language, timeout=60)
        try:
            key = await asyncio.wait_for(self.keys.get(), SURVEY_KEY_TIMEOUT_S)
        except asyncio.TimeoutError:
            return
        finally:
            self.keys = None
        points = dict(s.survey_points).get(key)
        if points is None:
            return
        await self.recorder.survey(self.call_id, self.route.number, agent, self.caller.number, key, points, self.clock())
        await self.prompts.play(self.caller_channel_id, media_uri(s.survey_end_prompt or DEFAULT_SURVEY_END_PROMPT),
                                lang=s.prompt_language, timeout=30)

    # -- callback (seed, "Allow Users to Request a Callback in a Queue") ---------------------------

    def _may_request_callback(self) -> bool:
        return self.agent is None and not self.leaving and self.callback_number is None and self.joined_at is not None

    async def _offer_callback_later(self) -> None:
        """Auto triggered after the timeout (counted from joining): offer the callback key."""
        s = self.route.settings
        assert self.joined_at is not None
        waited = (self.clock() - self.joined_at).total_seconds()
        await asyncio.sleep(max(0.0, s.callback_auto_timeout_seconds - waited))
        if not self._may_request_callback() or self.caller_gone.is_set():
            return
        await self._stop_media()
        for item in OFFER_MEDIA:
            await self.prompts.play(self.caller_channel_id, item.format(digit=s.callback_digit), lang=s.prompt_language)
        self._resume_media()

    def _resume_media(self) -> None:
        if self.media_task is None and self.media is not None and not self.finished.is_set():
            self.media_task = asyncio.ensure_future(self._wait_with_media(False))

    async def _request_callback(self) -> None:
        s = self.route.settings
        await self._stop_media()
        self.keys = asyncio.Queue()
        try:
            number = await collect_number(self.prompts, self.caller_channel_id, self.caller.number, self.keys,
                                          lang=s.prompt_language)
        finally:
            self.keys = None
        if self.caller_gone.is_set():
            return
        if number is None:
            await self.recorder.callback_requested(self.call_id, self.route.number, self.caller.number, self.clock(),
                                                   failed_reason="Invalid callback number")
            await self.prompts.play(self.caller_channel_id, INVALID_MEDIA, lang=s.prompt_language)
            self.leaving = False
            self._resume_media()
            return
        self.callback_number = number
        self.callback_request_id = await self.recorder.callback_requested(
            self.call_id, self.route.number, number, self.clock(),
        )
        deadline = None
        if s.callback_timeout_mode == CallbackTimeoutMode.CUSTOM and s.callback_timeout_seconds:
            assert self.joined_at is not None
            deadline = self.joined_at + timedelta(seconds=s.callback_timeout_seconds)
        self.distributor.to_callback(self.call_id, deadline)
        self.leaving = False
        await self.prompts.play(self.caller_channel_id, ACCEPTED_MEDIA, lang=s.prompt_language)
        await self._hangup(self.caller_channel_id)

    async def _call_customer(self, attempt: _Attempt) -> bool:
        """The agent answered a callback: now call the customer through the callback outbound
        prefix, and bridge them. Returns whether the customer answered."""
        s = self.route.settings
        assert self.callback_number is not None
        number = f"{s.callback_outbound_prefix or ''}{self.callback_number}"
        customer = f"{AGENT_LEG_PREFIX}{self.call_id}-cb"
        loop = asyncio.get_running_loop()
        self.customer_answer = loop.create_future()
        self.caller_channel_id = customer
        self.caller_gone = asyncio.Event()
        self.tracker.track(customer, self)
        await self.ari.channels.ring(attempt.channel_id)  # the agent hears ringback meanwhile
        try:
            await self.ari.channels.originate(
                f"Local/{number}@{INTERNAL_CONTEXT}", app=self.app, app_args=["callback", self.call_id],
                caller_id=f'"{self.route.name}" <{self.route.number}>', timeout=CUSTOMER_RING_SECONDS,
                channel_id=customer,
            )
        except AriError as exc:
            log.warning("cannot call back %s for %s: %s", number, self.call_id, exc)
            self.customer_answer.set_result("failed")
        agent_gone: asyncio.Future[Any] = asyncio.ensure_future(self.finished.wait())
        waiting: set[asyncio.Future[Any]] = {self.customer_answer, agent_gone}
        try:
            await asyncio.wait(waiting, timeout=CUSTOMER_RING_SECONDS + RING_GRACE_SECONDS,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            agent_gone.cancel()
        answered = self.customer_answer.done() and self.customer_answer.result() == "answered"
        if answered and not self.finished.is_set():
            try:
                await self.ari.channels.ring_stop(attempt.channel_id)
            except AriError:
                pass
            return True
        reason = "Hang up by the agent" if self.finished.is_set() else "Customer no answer"
        await self._hangup(customer)
        await self._callback_failed(reason)
        self.distributor.talk_ended(attempt.agent, self.route.number)
        self.finished.set()
        return False

    async def _callback_failed(self, reason: str) -> None:
        if self.callback_request_id is not None:
            await self.recorder.callback_ended(self.callback_request_id, "failed", self.clock(), reason, self.agent)
        await self._end("missed", f"callback failed: {reason}")

    async def _fail_over(self, reason: FailoverReason) -> None:
        """Maximum Waiting Time, a full or empty queue: the failover destination, after the
        failover prompt when one is set."""
        s = self.route.settings
        if self.callback_number is not None:
            await self._callback_failed("No available agents")
            self.finished.set()
            return
        destination = Destination(s.failover_type, s.failover_target)
        if s.failover_prompt:
            await self._stop_media()
            await self.prompts.play(self.caller_channel_id, media_uri(s.failover_prompt), lang=s.prompt_language,
                                    timeout=120)
        text = reason.value if s.failover_type == DestinationType.HANGUP else f"{reason.value}: {destination.describe()}"
        await self._leave_for(destination, text)

    def cut_off(self, reason: str, at: datetime) -> None:
        """Asterisk went away with this call's channels at `at`: the row ends then, saying so,
        whatever hang-up the flow then sees."""
        if self.cut is None:
            self.cut = (reason, at)

    async def _end(self, status: str, reason: str) -> None:
        if not self.ended:
            self.ended = True
            at = self.clock()
            if self.cut is not None:
                reason = self.cut[0]
                at = max(t for t in (self.cut[1], self.joined_at, self.answered_at) if t is not None)
            await self.recorder.ended(self.call_id, status, at, reason)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(self._guarded(coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, coro: Awaitable[None]) -> None:
        """A failure in one of the call's tasks ends the call cleanly instead of leaving it hanging."""
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("queue call %s failed; ending it", self.call_id)
            await self._end("answered" if self.answered_at else "missed", "system error")
            self.finished.set()

    async def _hangup(self, channel_id: str | None) -> None:
        if channel_id is None or channel_id in self.gone:
            return  # a request saved: every call's cleanup met a caller already gone
        try:
            await self.ari.channels.hangup(channel_id)
        except AriError:
            pass  # already gone

    async def _cleanup(self) -> None:
        await self._stop_media()
        if not self.redirected:
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
