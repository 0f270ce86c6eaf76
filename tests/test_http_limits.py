"""HTTP as `archive serve` speaks it: a request's head bounded in size and time, no address taken
from the client (Host, X-Forwarded-*), and nothing a client sends can forge a log line."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from app.cli import main
from app.core.logs import printable
from app.web import protocol
from app.web.app import create_app
from app.web.protocol import BoundedHttpToolsProtocol
from bench.serve import free_port


@pytest.fixture
def serve_env() -> Iterator[None]:
    """`archive serve` writes ARCHIVE_DB, _HOST and _PORT for its workers: undone after."""
    names = ("ARCHIVE_DB", "ARCHIVE_HOST", "ARCHIVE_PORT")
    saved = {name: os.environ.get(name) for name in names}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def server(seeded_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The app under uvicorn with the serving protocol, in this process, its head timeout one
    second (`archive serve`'s own settings are checked below); yields the port."""
    monkeypatch.setattr(protocol, "HEAD_SECONDS", 1.0)
    port = free_port()
    config = uvicorn.Config(
        create_app(seeded_db),
        port=port,
        http=BoundedHttpToolsProtocol,
        log_level="warning",
        proxy_headers=False,
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield port
    running.should_exit = True
    thread.join(timeout=10)


def get(port: int, path: str, headers: str = "") -> bytes:
    """The head of a plain HTTP/1.1 answer, over a socket of its own."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += s.recv(65536)
        return answer


def test_a_connection_that_sends_no_request_is_closed(server: int) -> None:
    """Idle connections once stayed open for ever (500 held their sockets)."""
    idle = [socket.create_connection(("127.0.0.1", server), timeout=5) for _ in range(20)]
    slow = socket.create_connection(("127.0.0.1", server), timeout=5)
    slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the end of the head
    for sock in idle:
        assert sock.recv(100) == b""  # closed by the server after HEAD_SECONDS
    assert slow.recv(100).startswith(b"HTTP/1.1 408 Request Timeout")
    for sock in [*idle, slow]:
        sock.close()
    assert get(server, "/healthz").startswith(b"HTTP/1.1 200")


def test_archive_serve_runs_with_these_bounds(
    seeded_db: Path, monkeypatch: pytest.MonkeyPatch, serve_env: None
) -> None:
    ran: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: ran.update(kwargs, app=app))
    assert main(["--db", str(seeded_db), "serve", "--port", "8123"]) == 0
    assert ran["http"] is BoundedHttpToolsProtocol
    assert ran["proxy_headers"] is False
    assert ran["timeout_keep_alive"] > 0 and ran["timeout_graceful_shutdown"] > 0


def test_serving_an_archive_without_statements_warns(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    serve_env: None,
) -> None:
    from app.store.engine import migrate

    db = tmp_path / "empty.db"
    migrate(db)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: None)
    assert main(["--db", str(db), "serve"]) == 0
    assert "holds no statements yet: /healthz answers 503" in caplog.text


@pytest.mark.parametrize(
    "headers",
    [{"Host": "evil.example"}, {"Host": "evil.example", "X-Forwarded-Proto": "https"}],
)
def test_redirects_never_name_the_host_a_client_sent(
    client: TestClient, headers: dict[str, str]
) -> None:
    """Starlette's trailing-slash redirect built its Location from the Host header."""
    for path, target in [
        ("/statements/", "/statements"),
        ("/search/?q=crime", "/search?q=crime"),
        ("/statements/s-prst-2012-16", "/statements/S-PRST-2012-16"),
    ]:
        r = client.get(path, headers=headers, follow_redirects=False)
        assert r.is_redirect, path
        assert r.headers["location"] == target, path


def test_control_characters_cannot_forge_a_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="archive.http")
    client.get("/statements/x%0A2026-01-01 GET /admin 200 1.0ms%1B[31m%00")
    lines = [r.getMessage() for r in caplog.records if r.name == "archive.http"]
    assert len(lines) == 1 and "\n" not in lines[0] and "\x1b" not in lines[0]
    assert "/statements/x\\x0a2026-01-01 GET /admin 200 1.0ms\\x1b[31m\\x00 404" in lines[0]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\r\nb", "a\\x0d\\x0ab"),
        ("\x1b[2J\x00", "\\x1b[2J\\x00"),
        ("C:\\path", "C:\\\\path"),
        ("line\u2028sep\x85", "line\\u2028sep\\x85"),
        ("Côte d’Ivoire", "Côte d’Ivoire"),
    ],
)
def test_printable_keeps_text_on_one_line(raw: str, shown: str) -> None:
    assert printable(raw) == shown
