"""The HTTP connection as `archive serve` runs it: uvicorn's httptools protocol with two bounds
it lacks, on what a client may send before its request begins.

- **Size of a request's head** (request line and headers): at most `MAX_HEAD_BYTES`, else
  431 and the connection is closed. httptools sets no limit, and collects a header by
  appending to it, so a 60 MB header held the event loop for 6.5 s and every other request
  with it.
- **Time to send it**: `HEAD_SECONDS` from the connection's opening (or from the first byte of
  a later request on it), else the connection is closed. uvicorn only times out a connection
  that is idle after a response, so one that never sent a request held its socket for ever.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 64 * 1024
"""A request line and its headers (a search of 5,000 characters, percent-encoded, fits)."""
HEAD_SECONDS = 10.0


def _answer(status: str, message: str) -> bytes:
    body = message.encode()
    return (
        f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


TOO_LARGE = _answer(
    "431 Request Header Fields Too Large",
    f"The request's line and headers are longer than {MAX_HEAD_BYTES:,} bytes.",
)
TOO_SLOW = _answer("408 Request Timeout", f"No complete request came in {HEAD_SECONDS:g} s.")


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bounded request head (size and time)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reading_head = True
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._time_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._untime_head()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if self._reading_head:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._close_with(TOO_LARGE)
                return
            if self._head_timer is None:
                self._time_head()
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._head_bytes = 0
        self._untime_head()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # What comes next on this connection is the head of another request.
        self._reading_head = True
        self._head_bytes = 0

    def _time_head(self) -> None:
        self._untime_head()
        self._head_timer = self.loop.call_later(HEAD_SECONDS, self._head_too_slow)

    def _untime_head(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._reading_head and not self.transport.is_closing():
            # A connection that never began a request is closed without a word, as uvicorn
            # closes an idle one; one that began and stalled is told why.
            self._close_with(TOO_SLOW if self._head_bytes else b"")

    def _close_with(self, answer: bytes) -> None:
        self._untime_head()
        if answer:
            self.transport.write(answer)
        self.transport.close()
