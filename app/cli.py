"""The `archive` command: ingest statement files, migrate the database, serve the web app."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from app.config import SEEDS_DIR, Settings

log = logging.getLogger("archive")


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else Settings.from_env().db_path


def cmd_migrate(args: argparse.Namespace) -> int:
    from app.db import migrate

    db = _db_path(args)
    migrate(db)
    log.info("database %s is at the latest schema", db)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from app.db import make_engine, migrate
    from app.ingest import ingest, print_progress

    db = _db_path(args)
    paths = [Path(p) for p in args.paths] or [SEEDS_DIR]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        log.error("%s: no such file or folder", path)
    if missing and len(missing) == len(paths):
        return 2
    migrate(db)
    engine = make_engine(db)
    report = ingest(engine, [p for p in paths if p.exists()], progress=print_progress)
    engine.dispose()
    for outcome in report.outcomes:
        if outcome.status == "failed":
            log.error("FAILED %s: %s", outcome.path, outcome.reason)
        elif outcome.status == "duplicate":
            log.warning("second source %s: %s", outcome.path, outcome.reason)
        elif args.verbose:
            log.info("%-9s %s -> %s", outcome.status, outcome.path, outcome.statement_id)
    log.info(
        "ingest into %s: %s (%d files, %d paragraphs written, %.2f s)",
        db,
        report.summary(),
        len(report.outcomes),
        report.paragraphs,
        report.seconds,
    )
    return 1 if report.failed or missing else 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.db import migrate

    settings = Settings.from_env()
    db = _db_path(args)
    migrate(db)
    # Workers are separate processes: they learn the database from the environment.
    os.environ["ARCHIVE_DB"] = str(db.resolve())
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
        log_level="info",
        access_log=True,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive",
        description="Archive of UN Security Council presidential statements.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="SQLite database file (default: $ARCHIVE_DB, else archive.db in the project)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="say more")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "ingest",
        help="load statement files into the archive",
        description="Load statement files (or folders, recursively) into the archive in one "
        "transaction. Unchanged files are skipped; a file that cannot be parsed is reported "
        "and skipped while the rest load; the exit code is 1 if any file failed.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: seeds/)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser(
        "serve",
        help="serve the web archive",
        description="Migrate the database if needed, then serve the archive with uvicorn.",
    )
    p.add_argument("--host", help="interface to listen on (default: $ARCHIVE_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: $ARCHIVE_PORT or 8000)")
    p.add_argument("--workers", type=int, help="worker processes (default: $ARCHIVE_WORKERS or 1)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "migrate",
        help="create or upgrade the database schema",
        description="Create the database if needed and apply every Alembic migration.",
    )
    p.set_defaults(func=cmd_migrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        log.error("interrupted; the archive is unchanged")
        return 130


if __name__ == "__main__":
    sys.exit(main())
