"""The control plane process: ARI events + REST, AMI, the Stasis app and the web server."""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from datetime import datetime

from aiohttp import web

from yeastar_ctl.ami.client import AmiClient, AmiError
from yeastar_ctl.ari import AriClient, EventStream
from yeastar_ctl.config import Settings
from yeastar_ctl.db.engine import make_engine, session_factory
from yeastar_ctl.notify.wiring import Notifications
from yeastar_ctl.services.call_ids import make_call_id
from yeastar_ctl.services.agent_commands import StateChange
from yeastar_ctl.telephony.app import StasisApp, utc_now
from yeastar_ctl.telephony.blf_lamps import BlfLamps
from yeastar_ctl.telephony.feature_codes import FeatureCodes
from yeastar_ctl.telephony.media import Prompts
from yeastar_ctl.telephony.online_status import OnlineStatus
from yeastar_ctl.telephony.devices import DeviceWatcher
from yeastar_ctl.telephony.distributor import Distributor
from yeastar_ctl.telephony.extension_calls import DbExtensionCalls, ExtensionCalls
from yeastar_ctl.db.row_writer import RowWriter
from yeastar_ctl.telephony.config_signal import ConfigChangeListener
from yeastar_ctl.telephony.service_ports import (
    DbAutoPause,
    DbCallRecorder,
    DbCallRecovery,
    DbContactLookup,
    load_routing_config,
)
from yeastar_ctl.lab.paths import generated_config_dir
from yeastar_ctl.web.app import Health, WebContext, build_web_app

log = logging.getLogger(__name__)
ARI_CONNECT_TIMEOUT_S = 30.0
ROW_WRITE_LINGER_S = 0.05  # event rows land within ~50 ms, after the calls that made them ring


async def run_control_plane(settings: Settings, stop: asyncio.Event) -> None:
    a = settings.asterisk
    engine = make_engine(settings.db_url)
    sessions = session_factory(engine)
    ari = AriClient(a.ari_url, a.ari_user, a.ari_password, a.app_name)
    # Retry within 2 s: after an Asterisk restart new calls must be routed again within seconds.
    events = EventStream(a.ari_url, a.ari_user, a.ari_password, a.app_name, backoff_max=2.0)
    rng = random.SystemRandom()
    notifications = Notifications(sessions, settings)
    devices = DeviceWatcher(ari, a.app_name, on_change=lambda: distributor.device_changed())
    distributor = Distributor(
        load_config=lambda: load_routing_config(sessions), devices=devices, clock=utc_now,
        random_seed=lambda: rng.getrandbits(32), auto_pause=notifications.auto_pause(DbAutoPause(sessions)),
    )
    lamps = BlfLamps(ari)
    distributor.on_config(lamps.show)
    prompts = Prompts(ari)

    async def agents_changed(changes: list[StateChange], at: datetime) -> None:
        distributor.agents_changed(changes, at)

    online = OnlineStatus(ari)
    rows = RowWriter(sessions, name="queue calls", linger=ROW_WRITE_LINGER_S)
    contacts = DbContactLookup(sessions)

    async def reload_config() -> None:
        contacts.forget()
        await distributor.refresh_config()

    async def config_changed() -> None:
        try:
            await reload_config()
        except Exception:
            # The change is saved; routing keeps the previous configuration until the next load.
            log.exception("cannot reload the routing configuration after a change")

    features = FeatureCodes(ari, sessions, prompts, clock=utc_now, on_changed=agents_changed)
    stasis = StasisApp(
        ari, events, app_name=a.app_name, directory=distributor,
        recorder=notifications.recorder(DbCallRecorder(sessions, rows)), recovery=DbCallRecovery(sessions, rows),
        distributor=distributor, devices=devices,
        features=features, lamps=lamps, prompts=prompts, online=online, new_call_id=lambda at: make_call_id(at, rng),
        time_zone=settings.timezone, contacts=contacts,
    )
    ami = AmiClient(a.host, a.ami_port, a.ami_user, a.ami_secret)
    config_listener = ConfigChangeListener(ami, reload_config)
    ami.on_event("ContactStatus", online.on_contact_status)
    direct_calls = ExtensionCalls(DbExtensionCalls(sessions), clock=utc_now)
    direct_calls.subscribe(ami.on_event)
    ami_task = asyncio.create_task(_keep_ami_connected(ami))

    web_app = build_web_app(WebContext(
        sessions=sessions, settings=settings, config_dir=generated_config_dir(settings), ami=ami,
        health=lambda: Health(events.connected, stasis.active_calls, rows.backlog),
        routing_view=distributor.routing_view, online_view=online.view,
        live_snapshot=distributor.snapshot, schedules_changed=notifications.jobs.sync,
        config_changed=config_changed,
    ))
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.web.host, settings.web.port)
    await site.start()

    await notifications.start()
    events_task = asyncio.create_task(events.run())
    try:
        await events.wait_connected(ARI_CONNECT_TIMEOUT_S)
        log.info("control plane ready: ARI app %s on %s, web on http://%s:%s",
                 a.app_name, a.ari_url, settings.web.host, settings.web.port)
    except asyncio.TimeoutError:
        log.error("ARI at %s not reachable after %.0fs; still retrying", a.ari_url, ARI_CONNECT_TIMEOUT_S)
    try:
        await stop.wait()
    finally:
        log.info("control plane stopping")
        await stasis.close()
        await rows.close()
        await config_listener.close()
        ami_task.cancel()
        await asyncio.gather(ami_task, return_exceptions=True)
        await notifications.close()
        await events.close()
        events_task.cancel()
        await asyncio.gather(events_task, return_exceptions=True)
        await ari.close()
        await ami.close()
        await direct_calls.close()
        await runner.cleanup()
        await engine.dispose()


async def _keep_ami_connected(ami: AmiClient) -> None:
    """Connect to AMI, retrying until Asterisk answers: the control plane hears `apply`'s
    configuration changes and the CDRs only while connected (panoramisk reconnects after that)."""
    delay = 1.0
    while not ami.connected:
        try:
            await ami.connect()
        except AmiError as exc:
            log.warning("AMI not available yet (%s); retrying in %.0fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


def run_forever(settings: Settings) -> None:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_control_plane(settings, stop)

    asyncio.run(main())
