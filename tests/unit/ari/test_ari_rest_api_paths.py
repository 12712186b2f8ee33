"""Every endpoint the ARI client calls exists in Asterisk's own Swagger description,
with the same method, and every query/body key it sends is declared there."""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

import pytest

from yeastar_ctl.ari import ENDPOINTS, Endpoint
from yeastar_ctl.ari.events import events_url

SwaggerOps = dict[tuple[str, str], dict[str, set[str]]]


def _rest_api_dir() -> Path:
    root = Path(os.environ.get("YEASTAR_CTL_LAB_ROOT", "~/.cache/yeastar_ctl/root")).expanduser()
    directory = root / "usr/share/asterisk/rest-api"
    if not sorted(directory.glob("*.json")):
        pytest.fail(
            f"Asterisk's ARI Swagger files are missing ({directory}); "
            "run `yeastar-ctl lab up` to install the lab Asterisk."
        )
    return directory


def _normalise(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", template)


# A cached function, not a fixture: a missing lab must make each test FAIL, and
# pytest.fail() inside a fixture would only report errors.
@functools.cache
def load_swagger() -> SwaggerOps:
    """(METHOD, normalised path) -> {"query": names, "body": names, "path": names}."""
    operations: SwaggerOps = {}
    for file in sorted(_rest_api_dir().glob("*.json")):
        # resources.json is only an index: its entries have no "operations".
        for api in json.loads(file.read_text()).get("apis", []):
            for op in api.get("operations", []):
                by_kind: dict[str, set[str]] = {"query": set(), "body": set(), "path": set()}
                for param in op.get("parameters", []):
                    by_kind.setdefault(param["paramType"], set()).add(param["name"])
                operations[(op["httpMethod"], _normalise(api["path"]))] = by_kind
    return operations


def _id(endpoint: Endpoint) -> str:
    return f"{endpoint.method} {endpoint.template}"


ALL = sorted(ENDPOINTS, key=_id)


def test_the_client_declares_endpoints() -> None:
    assert len(ALL) > 40


@pytest.mark.parametrize("endpoint", ALL, ids=_id)
def test_endpoint_exists_in_swagger(endpoint: Endpoint) -> None:
    swagger = load_swagger()
    key = (endpoint.method, _normalise(endpoint.template))
    assert key in swagger, f"{_id(endpoint)} is not an ARI operation"


@pytest.mark.parametrize("endpoint", ALL, ids=_id)
def test_path_placeholders_match_swagger(endpoint: Endpoint) -> None:
    swagger = load_swagger()
    declared = swagger[(endpoint.method, _normalise(endpoint.template))]["path"]
    assert set(re.findall(r"\{([^}]+)\}", endpoint.template)) == declared


@pytest.mark.parametrize("endpoint", ALL, ids=_id)
def test_query_and_body_names_are_declared(endpoint: Endpoint) -> None:
    swagger = load_swagger()
    declared = swagger[(endpoint.method, _normalise(endpoint.template))]
    assert endpoint.query <= declared["query"], endpoint.query - declared["query"]
    assert endpoint.body <= declared["body"], endpoint.body - declared["body"]


def test_events_websocket_query_is_declared() -> None:
    swagger = load_swagger()
    url = events_url("http://127.0.0.1:8088/ari", "app", "u", "p", subscribe_all=True)
    assert ("GET", _normalise(url.path.removeprefix("/ari"))) in swagger
    # api_key is ARI's generic authentication parameter, not part of any operation.
    sent = set(url.query) - {"api_key"}
    assert sent == {"app", "subscribeAll"}
    assert sent <= swagger[("GET", "/events")]["query"]
