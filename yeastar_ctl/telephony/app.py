"""The Stasis application: routes ARI events to call flows and to the distributor.

Dialplan sends every call the control plane owns into `Stasis(<app>, <kind>, ...)`:
`queue,<number>` for a queue call, `feature,<dialed>` for a feature code, and the agent legs it
originates come back as `agent,<call id>` when they answer.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
from typing import Any, Callable

from yeastar_ctl.ari import AriClient, AriError, EventStream
from yeastar_ctl.telephony.blf_lamps import BlfLamps
from yeastar_ctl.telephony.devices import DeviceWatcher
from yeastar_ctl.telephony.distributor import Distributor
from yeastar_ctl.telephony.feature_codes import FeatureCodes
from yeastar_ctl.telephony.media import Prompts
from yeastar_ctl.telephony.online_status import OnlineStatus
from yeastar_ctl.ari.models import Bridge, Channel
from yeastar_ctl.services.call_recovery import RecordedCall
from yeastar_ctl.telephony.ports import CallerInfo, CallRecorder, CallRecovery, ContactLookup, QueueDirectory, QueueRoute
from yeastar_ctl.telephony.queue_call import AGENT_LEG_PREFIX, QueueCallFlow, ResumedCall

log = logging.getLogger(__name__)

NOT_IN_SERVICE_PROMPT = "sound:ss-noservice"
RESTART_REASON = "control plane restarted"
ASTERISK_RESTART_REASON = "Asterisk restarted"


def _stasis_args(channel: Channel, app_name: str) -> list[str] | None:
    """The Stasis arguments of a channel in this application (e.g. ["queue", "6400"]), or None."""
    if channel.app_name.lower() != "stasis":
        return None
    app, *args = channel.app_data.split(",")
    return args if app == app_name else None


def _channel_json(channel: Channel) -> dict[str, Any]:
    """The parts of ARI's channel JSON a StasisStart handler reads."""
    return {"id": channel.id, "name": channel.name,
            "caller": {"number": channel.caller_number, "name": channel.caller_name}}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class StasisApp:
    def __init__(
        self,
        ari: AriClient,
        events: EventStream,
        *,
        app_name: str,
        directory: QueueDirectory,
        recorder: CallRecorder,
        recovery: CallRecovery,
        distributor: Distributor,
        devices: DeviceWatcher,
        features: FeatureCodes,
        lamps: BlfLamps,
        prompts: Prompts,
        online: OnlineStatus,
        new_call_id: Callable[[datetime], str],
        clock: Callable[[], datetime] = utc_now,
        time_zone: str = "UTC",
        contacts: ContactLookup | None = None,
    ) -> None:
        self._time_zone = time_zone
        self._contacts = contacts
        self._started = False
        self.ari = ari
        self.app_name = app_name
        self.distributor = distributor
        self._directory = directory
        self._recorder = recorder
        self._recovery = recovery
        self._devices = devices
        self._features = features
        self._lamps = lamps
        self._online = online
        self._new_call_id = new_call_id
        self._clock = clock
        self._flows: dict[str, QueueCallFlow] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.prompts = prompts
        events.on("StasisStart", self._on_stasis_start)
        events.on("StasisEnd", self._on_channel_gone)
        events.on("ChannelDestroyed", self._on_channel_gone)
        events.on("PlaybackFinished", self.prompts.on_playback_finished)
        events.on("DeviceStateChanged", devices.on_device_state_changed)
        events.on("ChannelDtmfReceived", self._on_dtmf)
        events.on("ChannelHold", self._on_hold)
        events.on("ChannelUnhold", self._on_hold)
        events.on_connect = self._on_connect
        events.on_disconnect = self._on_disconnect
        self._lost_at: datetime | None = None  # when the events connection last dropped
        self._asterisk_started = ""  # Asterisk's start-up time as last seen: a change is a restart

    def _on_disconnect(self) -> None:
        self._lost_at = self._clock()

    async def _on_connect(self) -> None:
        first = not self._started
        self._started = True
        restarted = await self._asterisk_restarted()
        # Subscriptions die with the WebSocket (and lamps with an Asterisk restart): watch the
        # agents' phones again, set every BLF lamp, then re-decide.
        self._lamps.forget()
        await self._online.resync()
        await self._devices.resubscribe()
        try:
            await self.distributor.refresh_config()
        except Exception:
            log.exception("cannot load the routing configuration")
        try:
            await self._take_stock(first, restarted)
        except Exception:
            log.exception("cannot take stock of the calls in Asterisk")

    async def _asterisk_restarted(self) -> bool:
        try:
            started = (await self.ari.asterisk.info()).startup_time
        except AriError as exc:
            log.warning("cannot read Asterisk's start-up time: %s", exc)
            return False
        restarted = bool(self._asterisk_started) and started != self._asterisk_started
        self._asterisk_started = started
        return restarted

    async def _take_stock(self, first: bool, restarted: bool = False) -> None:
        """Match what Asterisk has against what this process knows: at start-up pick up every
        call a previous process left (callers keep their place, talks stay bridged) and end the
        rest; after a reconnect end the flows whose channels went while events were not heard
        (an Asterisk restart ends them all) and take the callers that arrived meanwhile."""
        channels = await self.ari.channels.list()
        present = {c.id for c in channels}
        for channel_id, flow in list(self._flows.items()):
            if channel_id not in present:
                if restarted and self._lost_at is not None:
                    # Nobody hung up: Asterisk went down with the call, when the events stopped.
                    flow.cut_off(ASTERISK_RESTART_REASON, self._lost_at)
                flow.channel_gone(channel_id, None)
        ours = [c for c in channels if c.id not in self._flows and _stasis_args(c, self.app_name) is not None]
        recorded = await self._recovery.calls_on_channels([c.id for c in ours]) if ours else {}
        bridges = await self.ari.bridges.list() if recorded else []
        now = self._clock()
        if first:
            history = await self._recovery.routing_history(self._start_of_day(now))
            self.distributor.restore(history.last_end, history.completed, history.rr_last)
        resumed = 0
        for channel in ours:
            args = _stasis_args(channel, self.app_name) or []
            call = recorded.get(channel.id)
            if call is None and args[:1] == ["queue"] and len(args) >= 2:
                # Entered the queue while this process did not hear: a new caller like any other.
                await self._start_queue_call(_channel_json(channel), args[1])
            elif call is not None and not call.ended and await self._resume(call, bridges):
                resumed += 1
            elif channel.id not in self._flows and not channel.id.startswith(AGENT_LEG_PREFIX):
                await self._hangup(channel.id)  # a feature code or survey cut short: nothing to resume
        if first:
            kept = {flow.call_id for flow in self._flows.values()}
            ended = await self._recovery.close_calls_not_kept(kept, now, RESTART_REASON)
            if resumed or ended:
                log.warning("start-up: picked up %d queue call(s) a previous run left, ended %d whose caller "
                            "had gone", resumed, ended)
        for channel in channels:
            # Rings in progress are decided again; agent legs no call owns any more end.
            if channel.id.startswith(AGENT_LEG_PREFIX) and channel.id not in self._flows:
                await self._hangup(channel.id)

    def _start_of_day(self, now: datetime) -> datetime:
        """Fewest Calls counts the calls answered since the start of the day (system time zone)."""
        local = now.astimezone(ZoneInfo(self._time_zone))
        return local.replace(hour=0, minute=0, second=0, microsecond=0)

    async def _resume(self, call: RecordedCall, bridges: list[Bridge]) -> bool:
        """Pick up a queue call from its row; False when it cannot go on (its queue is gone, or
        its agent hung up while this process was away)."""
        assert call.channel_id is not None
        route = await self._directory.queue_route(call.queue_number)
        if route is None:
            return False
        if call.agent_extension is None:
            state = ResumedCall(call.joined_at)
        else:
            bridge = next((b for b in bridges if call.channel_id in b.channels and len(b.channels) == 2), None)
            if bridge is None:
                return False
            agent_channel = next(c for c in bridge.channels if c != call.channel_id)
            state = ResumedCall(call.joined_at, call.agent_extension, call.answered_at, agent_channel, bridge.id)
        flow = self._new_flow(call.channel_id, route, CallerInfo(call.caller_number, call.caller_name or ""), call.id)
        if state.agent_channel_id is not None:
            self.track(state.agent_channel_id, flow)  # now, so the agent's leg is not taken for a stray
        self._spawn(flow.run(state))
        return True

    # -- CallTracker ---------------------------------------------------------------------------

    def track(self, channel_id: str, flow: QueueCallFlow) -> None:
        self._flows[channel_id] = flow

    def untrack(self, channel_id: str) -> None:
        self._flows.pop(channel_id, None)

    @property
    def active_calls(self) -> int:
        return len({id(flow) for flow in self._flows.values()})

    # -- events --------------------------------------------------------------------------------

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _on_stasis_start(self, event: dict[str, Any]) -> None:
        channel = event.get("channel", {})
        channel_id = channel.get("id", "")
        args = list(event.get("args") or [])
        kind = args[0] if args else ""
        if kind == "queue" and len(args) >= 2:
            await self._start_queue_call(channel, args[1])
        elif kind == "agent":
            flow = self._flows.get(channel_id)
            if flow is None or not flow.agent_answered(channel_id):
                # Answered too late (the caller left, another agent answered, or time ran out).
                await self._hangup(channel_id)
        elif kind == "callback":
            flow = self._flows.get(channel_id)
            if flow is None or not flow.customer_answered(channel_id):
                await self._hangup(channel_id)
        elif kind == "feature" and len(args) >= 2:
            self._spawn(self._features.handle(channel, args[1]))
        else:
            log.warning("StasisStart with unknown arguments %r on %s", args, channel_id)
            await self._hangup(channel_id)

    async def _start_queue_call(self, channel: dict[str, Any], number: str) -> None:
        channel_id = channel.get("id", "")
        route = await self._directory.queue_route(number)
        if route is None:
            log.warning("call %s for unknown queue %s", channel_id, number)
            self._spawn(self._reject(channel_id, NOT_IN_SERVICE_PROMPT))
            return
        if channel_id in self._flows:
            return  # already picked up by the stock-taking after a (re)connect
        caller = channel.get("caller", {})
        flow = self._new_flow(channel_id, route, CallerInfo(caller.get("number", ""), caller.get("name", "")),
                              self._new_call_id(self._clock()))
        self._spawn(flow.run())

    def _new_flow(self, channel_id: str, route: QueueRoute, caller: CallerInfo, call_id: str) -> QueueCallFlow:
        flow = QueueCallFlow(
            ari=self.ari, recorder=self._recorder, distributor=self.distributor, tracker=self,
            route=route, caller_channel_id=channel_id, caller=caller, call_id=call_id, app=self.app_name,
            clock=self._clock, prompts=self.prompts, time_zone=self._time_zone, contacts=self._contacts,
        )
        self.track(channel_id, flow)
        return flow

    async def _on_dtmf(self, event: dict[str, Any]) -> None:
        channel_id = event.get("channel", {}).get("id", "")
        flow = self._flows.get(channel_id)
        if flow is not None and channel_id == flow.caller_channel_id:
            flow.dtmf(str(event.get("digit", "")))

    async def _on_hold(self, event: dict[str, Any]) -> None:
        channel_id = event.get("channel", {}).get("id", "")
        flow = self._flows.get(channel_id)
        if flow is not None:
            flow.hold_changed(channel_id, event.get("type") == "ChannelHold")

    async def _on_channel_gone(self, event: dict[str, Any]) -> None:
        channel_id = event.get("channel", {}).get("id", "")
        flow = self._flows.get(channel_id)
        if flow is not None:
            flow.channel_gone(channel_id, event.get("cause"))

    async def _reject(self, channel_id: str, prompt: str) -> None:
        try:
            await self.ari.channels.answer(channel_id)
        except AriError:
            return
        await self.prompts.play(channel_id, prompt, timeout=15)
        await self._hangup(channel_id)

    async def _hangup(self, channel_id: str) -> None:
        try:
            await self.ari.channels.hangup(channel_id)
        except AriError:
            pass

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.distributor.close()
