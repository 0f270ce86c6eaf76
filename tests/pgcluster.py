"""PostgreSQL servers for the tests and benchmarks: a primary, and hot standbys made from it.

Debian's server binaries (`/usr/lib/postgresql/<version>/bin`) run on loopback ports from a
temporary folder, with trust authentication on loopback only. The server refuses to run as
root, so under root every command runs as the `postgres` user (`runuser`), and the folders are
handed to that user. Everything here is test support: the archive itself only needs a URL.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FAST_BUT_UNSAFE = {
    # A test server that loses its data on a crash is fine: it is thrown away anyway.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL server can be started here (binaries missing, or they failed)."""


def bin_dir() -> Path:
    roots = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
    found = [r for r in roots if (r / "initdb").exists() and (r / "pg_ctl").exists()]
    if found:
        return found[-1]
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise ClusterUnavailable(
        "PostgreSQL's server binaries are not installed (apt-get install postgresql)"
    )


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterUnavailable("running as root and there is no postgres user") from None
    return ["runuser", "-u", "postgres", "--"]


def _hand_over(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(path, entry.pw_uid, entry.pw_gid)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*_as_server_user(), *args], capture_output=True, text=True, check=False, **kwargs
    )  # type: ignore[call-overload]
    if done.returncode != 0:
        raise ClusterUnavailable(f"{Path(args[0]).name} failed: {done.stderr.strip()[-800:]}")
    return done


@dataclass
class Server:
    """One running PostgreSQL server on a loopback port."""

    data: Path
    port: int
    standby: bool = False
    folder: Path = field(default_factory=Path)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        log = self.folder / f"{self.data.name}.log"
        _run(
            [
                str(bin_dir() / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(log),
                "-o",
                f"-p {self.port} -k {self.folder}",
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def stop(self) -> None:
        with contextlib.suppress(ClusterUnavailable):
            _run([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def psql(self, sql: str, database: str = "postgres") -> str:
        psql = bin_dir() / "psql"
        if not psql.exists():
            psql = Path(shutil.which("psql") or "psql")
        done = _run(
            [str(psql), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
             "-v", "ON_ERROR_STOP=1", "-Atc", sql]
        )  # fmt: skip
        return done.stdout.strip()

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE) on `postgres`."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def make_standby(self, name: str = "standby") -> Server:
        """A hot standby of this server (`pg_basebackup -R`: it streams from here)."""
        data = self.folder / name
        _run(
            [str(bin_dir() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", "-D", str(data), "-R", "-X", "stream", "-c", "fast"]
        )  # fmt: skip
        standby = Server(data, free_port(), standby=True, folder=self.folder)
        standby.start()
        return standby

    def wait_for_replay(self, standby: Server, timeout: float = 30) -> None:
        """Wait until the standby has replayed everything this primary has written."""
        target = self.psql("SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            caught_up = standby.psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if caught_up == "t":
                return
            time.sleep(0.05)
        raise TimeoutError(f"the standby did not replay up to {target} in {timeout} s")


def start_primary(folder: Path | None = None, *, settings: dict[str, str] | None = None) -> Server:
    """Initialise and start a primary in a new temporary folder."""
    folder = folder or Path(tempfile.mkdtemp(prefix="archive-pg-"))
    _hand_over(folder)
    data = folder / "primary"
    _run(
        [str(bin_dir() / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
         "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]
    )  # fmt: skip
    conf = {
        "listen_addresses": "'127.0.0.1'",
        "max_connections": "200",
        "shared_buffers": "'128MB'",
        "wal_level": "replica",
        "max_wal_senders": "10",
        "hot_standby": "on",
        **{k: v for k, v in FAST_BUT_UNSAFE.items()},
        **(settings or {}),
    }
    with (data / "postgresql.conf").open("a") as out:
        out.writelines(f"{k} = {v}\n" for k, v in conf.items())
    server = Server(data, free_port(), folder=folder)
    server.start()
    return server


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
