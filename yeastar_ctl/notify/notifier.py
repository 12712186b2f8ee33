"""From an event to emails, off the call path.

``publish`` only starts a background task and returns: a slow or unreachable mail server never
holds up a call, and a failure is logged, never raised into the telephony code.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yeastar_ctl.notify.events import SWITCHES, QueueEvent
from yeastar_ctl.notify.mailer import Mailer
from yeastar_ctl.notify.messages import render
from yeastar_ctl.notify.recipients import manager_addresses, queue_info

log = logging.getLogger(__name__)

Publish = Callable[[QueueEvent], None]


class EmailNotifier:
    """Emails each manager of the event's queue who asked for this kind of event."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], mailer: Mailer, default_zone: str) -> None:
        self._sessions = sessions
        self._mailer = mailer
        self._default_zone = default_zone

    async def notify(self, event: QueueEvent) -> int:
        """Send the emails; returns how many managers were written to."""
        async with self._sessions() as session:
            queue = await queue_info(session, event.queue, self._default_zone)
            to = await manager_addresses(session, event.queue, SWITCHES[type(event)]) if queue else []
        if queue is None or not to:
            return 0
        text = render(event, queue)
        # One message per manager: nobody learns who else manages the queue.
        for address in to:
            await self._mailer.send([address], text.subject, text.body)
        return len(to)


class BackgroundPublisher:
    """Runs ``notify`` for each published event in its own task and keeps the tasks referenced
    (the loop holds only weak references) until they finish."""

    def __init__(self, notifier: EmailNotifier) -> None:
        self._notifier = notifier
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self, event: QueueEvent) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, event: QueueEvent) -> None:
        try:
            await self._notifier.notify(event)
        except Exception:
            log.exception("notification %s for queue %s not sent", type(event).__name__, event.queue)

    async def drain(self) -> None:
        """Wait for the emails already under way (used at shutdown and by tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
