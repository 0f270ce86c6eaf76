"""What reaches a log line from outside (a requested path, a file name) written so that it stays
on its line: control characters become visible escapes, so a `%0A` in a URL cannot forge a
second log line, and ESC or NUL cannot drive the terminal reading the log."""

from __future__ import annotations

import re

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")


def _escape(m: re.Match[str]) -> str:
    char = m.group(0)
    if char == "\\":
        return "\\\\"  # so that an escape in the log always means an escaped character
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """`text` on one line: control characters (CR, LF, ESC, NUL, DEL, C1, line and paragraph
    separators) as `\\xNN` or `\\uNNNN`, a backslash doubled; everything else as it is."""
    return _CONTROL_RE.sub(_escape, str(text))
