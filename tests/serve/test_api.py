"""The REST API's answers over HTTP: lookups by content, Confluent's error bodies, the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("uvicorn")

from accord.registry import load_policy, load_registry
from accord.serve import Catalog, build_catalog
from accord.serve.server import BackgroundServer
from tests.support import REPO


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog(load_registry(REPO / "contracts"),
                         load_policy(REPO / "governance/policy.yaml"), "record")


@pytest.fixture(scope="module")
def url(catalog: Catalog) -> Iterator[str]:
    with BackgroundServer(catalog) as running:
        yield running.url


def _call(url: str, path: str, body: Any = None, method: str | None = None) -> tuple[int, Any]:
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def _shuffled(value: Any, draw: Any) -> Any:
    if isinstance(value, dict):
        keys = draw(st.permutations(list(value)))
        return {k: _shuffled(value[k], draw) for k in keys}
    if isinstance(value, list):
        return [_shuffled(v, draw) for v in value]
    return value


@settings(max_examples=30, deadline=None)
@given(data=st.data(), indent=st.sampled_from([None, 0, 2, 4]))
def test_a_lookup_matches_whatever_the_formatting(catalog: Catalog, data: st.DataObject,
                                                  indent: int | None) -> None:
    entry = data.draw(st.sampled_from([e for e in catalog.by_id.values() if not e.retired]))
    text = json.dumps(_shuffled(entry.schema, data.draw), indent=indent)
    status, body = catalog.lookup(entry.subject, json.dumps(
        {"schema": text, "schemaType": "JSON"}).encode(), deleted=False)
    assert status == 200
    assert json.loads(body)["id"] == entry.id


def test_a_changed_schema_is_not_found_even_by_one_keyword(catalog: Catalog) -> None:
    entry = next(e for e in catalog.by_id.values() if isinstance(e.schema, dict))
    changed = {**entry.schema, "minProperties": 0}
    status, body = catalog.lookup(entry.subject, json.dumps(
        {"schema": json.dumps(changed), "schemaType": "JSON"}).encode(), deleted=False)
    assert (status, json.loads(body)["error_code"]) == (404, 40403)


@pytest.mark.parametrize(("path", "body", "status", "code"), [
    ("/subjects/orders.OrderPlaced", b"not json", 422, 42201),
    ("/subjects/orders.OrderPlaced", {"schema": "{"}, 422, 42201),
    ("/subjects/orders.OrderPlaced", {"schema": "{}"}, 422, 42201),  # AVRO by default
    ("/subjects/orders.OrderPlaced", {"schema": "[]", "schemaType": "JSON"}, 422, 42201),
    ("/subjects/no.Such", {"schema": "{}", "schemaType": "JSON"}, 404, 40401),
    ("/subjects/orders.OrderPlaced/versions", {"schema": "{}", "schemaType": "JSON"}, 422,
     42205),
    ("/compatibility/subjects/orders.OrderPlaced/versions/9",
     {"schema": "{}", "schemaType": "JSON"}, 404, 40402),
    ("/compatibility/subjects/no.Such/versions/latest",
     {"schema": "{}", "schemaType": "JSON"}, 404, 40401),
])
def test_bad_requests_get_confluents_error_bodies(url: str, path: str, body: Any, status: int,
                                                  code: int) -> None:
    got_status, got = _call(url, path, body)
    assert (got_status, got["error_code"]) == (status, code)
    assert got["message"]


def test_writes_and_unknown_paths(url: str) -> None:
    status, body = _call(url, "/config", {"compatibility": "NONE"}, method="PUT")
    assert (status, body["error_code"]) == (422, 42205)
    assert "accord check" in body["message"]
    status, body = _call(url, "/subjects/orders.OrderPlaced", method="DELETE")
    assert (status, body["error_code"]) == (422, 42205)
    status, body = _call(url, "/nothing/here")
    assert (status, body["error_code"]) == (404, 404)


def test_a_huge_body_is_refused_not_buffered(url: str) -> None:
    status, _body = _call(url, "/subjects/orders.OrderPlaced", b"x" * (5 * 1024 * 1024))
    assert status == 413


def test_reads(url: str, catalog: Catalog) -> None:
    status, subjects = _call(url, "/subjects")
    assert status == 200 and "orders.OrderPlaced" in subjects
    assert _call(url, "/subjects/orders.OrderPlaced/versions") == (200, [1, 2])
    status, latest = _call(url, "/subjects/orders.OrderPlaced/versions/latest")
    assert latest["version"] == 2 and latest["schemaType"] == "JSON"
    assert _call(url, f"/schemas/ids/{latest['id']}/versions") == (
        200, [{"subject": "orders.OrderPlaced", "version": 2}])
    status, raw = _call(url, f"/schemas/ids/{latest['id']}/schema")
    assert raw == json.loads(latest["schema"])
    assert raw["$schema"]  # the draft is named for clients that assume another one
    assert _call(url, "/mode") == (200, {"mode": "READONLY"})
    assert _call(url, "/config/orders.OrderPlaced")[1]["compatibilityLevel"] == \
        catalog.policy.level_for(catalog.registry.get("orders.OrderPlaced"))


def test_the_command_serves_until_interrupted(tmp_path: Any) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "accord", "registry", "serve", "--port", "0"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        served = next(line for line in lines if "http://" in line)
        url = served.split("read-only: ")[1].split()[0]
        assert _call(url, "/schemas/types") == (200, ["JSON"])
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "Traceback" not in err
