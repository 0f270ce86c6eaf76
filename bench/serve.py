"""Shared by the benchmarks: build an archive, start `archive serve` on loopback, drive wrk."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
"""The real statements beside the checkout (absent on some machines)."""
COMMON_WORDS = [
    "peace",
    "security",
    "council",
    "international",
    "states",
    "support",
    "calls",
    "welcomes",
    "reaffirms",
    "stresses",
    "condemns",
    "humanitarian",
    "government",
    "political",
    "process",
    "united",
    "nations",
    "members",
    "region",
    "women",
    "children",
    "violence",
    "efforts",
    "mission",
    "continue",
    "parties",
    "situation",
    "rights",
    "law",
    "cooperation",
    "terrorism",
    "crime",
    "border",
    "sanctions",
    "elections",
    "dialogue",
    "africa",
    "development",
    "protection",
]
"""Words common in the statements, for searches the benchmarks make up."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def archive(db: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "--db", str(db), *args],
        cwd=ROOT,
        **kwargs,  # type: ignore[call-overload]
    )


@contextmanager
def serving(
    db: Path, workers: int | None = None, log: Path | None = None
) -> Iterator[tuple[str, int]]:
    """`archive serve` as `make run` starts it (its default workers unless told), on a free
    loopback port, its log written to `log` if given; yields the base URL and the server's pid."""
    port = free_port()
    args = [sys.executable, "-m", "app.cli", "--db", str(db), "serve", "--port", str(port)]
    if workers:
        args += ["--workers", str(workers)]
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115  (closed below)
    proc = subprocess.Popen(args, cwd=ROOT, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("archive serve did not start")
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a server stuck in its requests does not stop
            proc.kill()
            proc.wait()
        if log:
            output.close()  # type: ignore[union-attr]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn workers), in MB."""
    total = 0
    pids = [pid]
    try:
        children = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
        pids += [int(c) for c in children]
    except FileNotFoundError:
        pass
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        m = re.search(r"VmRSS:\s+(\d+) kB", status)
        if m:
            total += int(m.group(1))
    return total / 1024


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int
    output: str = ""
    """What wrk printed."""


def _ms(text: str) -> float:
    """Milliseconds of a wrk duration ("850.00us", "12.5ms", "1.2s", "1.00m")."""
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(
    base: str,
    paths: list[str],
    *,
    seconds: int,
    connections: int,
    threads: int = 2,
    timeout: int = 2,
) -> WrkResult:
    """A bounded wrk run (fixed duration and connections) cycling through `paths`; a request
    slower than `timeout` seconds counts as an error."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    lua_paths = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    script = (
        f"local paths = {{{lua_paths}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\n"
        "end\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        done = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                f"--timeout={timeout}s",
                "--latency",
                "-s",
                fh.name,
                base,
            ],
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(fh.name)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed (exit {done.returncode}): {done.stderr or done.stdout}")
    out = done.stdout
    requests = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))  # type: ignore[union-attr]
    duration = _ms(re.search(r"requests in ([\d.]+\w+)", out).group(1)) / 1000  # type: ignore[union-attr]
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(
        requests=requests,
        seconds=duration,
        rps=requests / duration if duration else 0.0,
        p50_ms=p50,
        p99_ms=p99,
        errors=errors,
        non_2xx=int(non.group(1)) if non else 0,
        output=out,
    )
