"""The Stasis application: routes ARI events to call flows and to the distributor.

Dialplan sends every call the control plane owns into `Stasis(<app>, <kind>, ...)`:
`queue,<number>` for a queue call, `feature,<dialed>` for a feature code, and the agent legs it
originates come back as `agent,<call id>` when they answer.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any, Callable

from yeastar_ctl.ari import AriClient, AriError, EventStream
from yeastar_ctl.telephony.blf_lamps import BlfLamps
from yeastar_ctl.telephony.devices import DeviceWatcher
from yeastar_ctl.telephony.distributor import Distributor
from yeastar_ctl.telephony.feature_codes import FeatureCodes
from yeastar_ctl.telephony.media import Prompts
from yeastar_ctl.telephony.online_status import OnlineStatus
from yeastar_ctl.telephony.ports import CallerInfo, CallRecorder, ContactLookup, QueueDirectory
from yeastar_ctl.telephony.queue_call import QueueCallFlow

log = logging.getLogger(__name__)

NOT_IN_SERVICE_PROMPT = "sound:ss-noservice"


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

    async def _on_connect(self) -> None:
        if not self._started:
            self._started = True
            await self._close_interrupted_calls()
        # Subscriptions die with the WebSocket (and lamps with an Asterisk restart): watch the
        # agents' phones again, set every BLF lamp, then re-decide.
        self._lamps.forget()
        await self._online.resync()
        await self._devices.resubscribe()
        try:
            await self.distributor.refresh_config()
        except Exception:
            log.exception("cannot load the routing configuration")

    async def _close_interrupted_calls(self) -> None:
        """A previous process stopped mid-call: its calls cannot be resumed (their flows are gone),
        so their rows are closed and their channels hung up rather than left waiting forever."""
        try:
            channels = await self._recorder.close_interrupted(self._clock())
        except Exception:
            log.exception("cannot close the calls a previous run left open")
            return
        for channel_id in channels:
            await self._hangup(channel_id)
        if channels:
            log.warning("closed %d queue call(s) left open by a previous run", len(channels))

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
        caller = channel.get("caller", {})
        flow = QueueCallFlow(
            ari=self.ari, recorder=self._recorder, distributor=self.distributor, tracker=self,
            route=route, caller_channel_id=channel_id,
            caller=CallerInfo(caller.get("number", ""), caller.get("name", "")),
            call_id=self._new_call_id(self._clock()), app=self.app_name, clock=self._clock,
            prompts=self.prompts, time_zone=self._time_zone, contacts=self._contacts,
        )
        self.track(channel_id, flow)
        self._spawn(flow.run())

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
