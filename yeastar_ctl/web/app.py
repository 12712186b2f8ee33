"""The control plane's web application. The admin portal and JSON API grow here (portal issue);
today it serves the health check that `scripts/run` and the tests wait on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from aiohttp import web


@dataclass(frozen=True)
class Health:
    ari_connected: bool
    active_calls: int


HEALTH_KEY: web.AppKey[Callable[[], Health]] = web.AppKey("health")


async def healthz(request: web.Request) -> web.Response:
    health = request.app[HEALTH_KEY]()
    status = 200 if health.ari_connected else 503
    return web.json_response(
        {"status": "ok" if health.ari_connected else "degraded",
         "ari_connected": health.ari_connected, "active_calls": health.active_calls},
        status=status,
    )


def build_web_app(health: Callable[[], Health]) -> web.Application:
    app = web.Application()
    app[HEALTH_KEY] = health
    app.router.add_get("/healthz", healthz)
    return app
