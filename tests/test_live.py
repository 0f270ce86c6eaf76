"""The archive as `archive serve` runs it, over HTTP on a free port: it holds 64 connections of
never-seen searches and pages without a stall while /healthz stays quick, refuses an oversized
request head without blocking anyone, and Schemathesis (`--checks all`) finds nothing wrong
with what it answers. The full load test (64 and 256 connections for a minute each, with and
without an ingest running) is `make load-test` (BENCHMARKS.md)."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.web.protocol import MAX_HEAD_BYTES
from bench.generate_corpus import generate
from bench.load_test import HealthWatch, request_mix
from bench.serve import archive, serving, wrk
from tests.test_http_limits import get


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`archive serve` over 120 generated statements; yields its address and database."""
    folder = tmp_path_factory.mktemp("live")
    generate(folder / "statements", 120, seed=21)
    db = folder / "archive.db"
    archive(db, "ingest", str(folder / "statements"), check=True, capture_output=True)
    with serving(db, log=folder / "server.log") as (base, _pid):
        yield base, db


def port_of(base: str) -> int:
    port = urlsplit(base).port
    assert port is not None
    return port


def needs_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("wrk is not installed: CI must run the load check (.ci/run installs wrk)")
    pytest.skip("wrk is not installed (apt-get install wrk)")


def test_64_connections_are_served_without_a_stall(live: tuple[str, Path]) -> None:
    """Once: 0 requests in 8 s, then 503s, and /healthz 22 s, as 40 threads waited for 8
    database connections held by requests waiting for a thread."""
    needs_wrk()
    base, db = live
    paths = request_mix(db, random.Random(64), size=4000)  # searches never seen before
    with HealthWatch(base) as health:
        result = wrk(base, paths, seconds=5, connections=64, timeout=10)
    assert result.requests > 100, result.output
    assert (result.errors, result.non_2xx) == (0, 0), result.output
    assert health.failures == 0
    assert health.slowest < 1.0, f"/healthz took {health.slowest:.2f} s under load"


def test_an_oversized_head_is_refused_early_and_blocks_no_one(live: tuple[str, Path]) -> None:
    """A 60 MB header once held the event loop for 6.5 s: the server stops reading at
    MAX_HEAD_BYTES, answers 431 and closes, and answers others meanwhile."""
    port = port_of(live[0])
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ")
    sent, chunk = 0, b"a" * 65536
    answered_meanwhile = None
    try:
        while sent < 60_000_000:
            sock.sendall(chunk)
            sent += len(chunk)
            if answered_meanwhile is None and sent > 2 * MAX_HEAD_BYTES:
                answered_meanwhile = get(port, "/healthz")
    except OSError:
        pass  # the server closed the connection, as it should
    # The kernel's buffers take a few megabytes before the refusal arrives; never 60.
    assert sent < 16_000_000
    try:
        answer = sock.recv(200)
    except OSError:
        answer = b""  # the reset may beat the answer to the client
    sock.close()
    assert answer == b"" or answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large")
    assert answered_meanwhile is None or answered_meanwhile.startswith(b"HTTP/1.1 200")
    assert get(port, "/healthz").startswith(b"HTTP/1.1 200")


def test_schemathesis_checks_all_against_the_live_server(
    live: tuple[str, Path], tmp_path: Path
) -> None:
    """Every check, every operation, over the network: status codes, content types, headers
    and bodies as the OpenAPI document says, 405 with Allow, valid requests accepted."""
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),  # the 400s by design, each said why
        "run",
        "--checks",
        "all",
        "--max-examples",
        "15",
        "--seed",
        "14",
        "--generation-database",
        "none",
        f"{live[0]}/openapi.json",
    ]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failure" not in done.stdout.split("SUMMARY")[-1]
