"""The control plane's web application. The admin portal and JSON API grow here (portal issue);
today it serves the health check and the live routing view (waiting calls with the ACD's trace)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from aiohttp import web


@dataclass(frozen=True)
class Health:
    ari_connected: bool
    active_calls: int


HEALTH_KEY: web.AppKey[Callable[[], Health]] = web.AppKey("health")
ROUTING_KEY: web.AppKey[Callable[[], dict[str, Any]]] = web.AppKey("routing")
ONLINE_KEY: web.AppKey[Callable[[], dict[str, Any]]] = web.AppKey("online")


async def healthz(request: web.Request) -> web.Response:
    health = request.app[HEALTH_KEY]()
    status = 200 if health.ari_connected else 503
    return web.json_response(
        {"status": "ok" if health.ari_connected else "degraded",
         "ari_connected": health.ari_connected, "active_calls": health.active_calls},
        status=status,
    )


async def routing(request: web.Request) -> web.Response:
    """Waiting calls in routing order, each with its priority and the routing trace in words."""
    return web.json_response(request.app[ROUTING_KEY]())


async def online_status(request: web.Request) -> web.Response:
    """Per extension: online when any endpoint is registered, and 0/1 per endpoint kind."""
    return web.json_response(request.app[ONLINE_KEY]())


def build_web_app(
    health: Callable[[], Health],
    routing_view: Callable[[], dict[str, Any]],
    online_view: Callable[[], dict[str, Any]],
) -> web.Application:
    app = web.Application()
    app[HEALTH_KEY] = health
    app[ROUTING_KEY] = routing_view
    app[ONLINE_KEY] = online_view
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/api/v1/routing", routing)
    app.router.add_get("/api/v1/online-status", online_status)
    return app
