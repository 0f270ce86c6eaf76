"""The `archive` command: ingest statement files, migrate the database, serve the web app."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.core.config import SEEDS_DIR, Archive, Settings, SettingsError, archive_location
from app.core.logs import printable
from app.ingest.progress import print_progress
from app.ingest.report import IngestReport

log = logging.getLogger("archive")


EXIT_UNUSABLE = 2
"""The archive's file (or a setting) cannot be used for what was asked."""
EXIT_BUSY = 75
"""Another ingest or analysis is writing the archive: try again later (sysexits' EX_TEMPFAIL)."""


def _db_path(args: argparse.Namespace) -> Archive:
    """The archive a command works on: --db, else ARCHIVE_DB (an SQLite file or a URL)."""
    return archive_location(args.db) if args.db else Settings.from_env().archive


def _unusable(db: Archive, *, created: bool = False, writes: bool = False) -> bool:
    """Say in one line why the archive `db` cannot be used, if it cannot; whether it cannot.
    `created`: a missing or empty file is fine (the command creates the archive); `writes`:
    the command writes, so a file this process may not write is no use either."""
    from app.store.maintenance import problem_with, read_only

    problem = problem_with(db, created=created)
    if problem is None and writes and read_only(db):
        problem = f"{db} is read-only here, and this command writes to the archive"
    if problem is not None:
        log.error("archive: %s", printable(problem))
    return problem is not None


def _reason(exc: BaseException) -> str:
    """What went wrong, from the database driver's own words when there are some."""
    return str(getattr(exc, "orig", None) or exc)


def cmd_migrate(args: argparse.Namespace) -> int:
    from app.store.engine import describe, migrate

    db = _db_path(args)
    if _unusable(db, created=True, writes=True):
        return EXIT_UNUSABLE
    migrate(db)
    log.info("database %s is at the latest schema", describe(db))
    return 0


@contextmanager
def _writing(db: Archive, what: str) -> Iterator[Engine]:
    """The archive's writer lock held (`ArchiveBusy` if another process holds it), its schema
    brought up to date, and an engine on it."""
    from app.store.engine import make_engine, migrate
    from app.store.maintenance import writing

    with writing(db, what):
        migrate(db)
        engine = make_engine(db)
        try:
            yield engine
        finally:
            engine.dispose()


def cmd_ingest(args: argparse.Namespace) -> int:
    from app.ingest.pipeline import ingest
    from app.store.engine import describe
    from app.store.maintenance import ArchiveBusy

    db = _db_path(args)
    paths = [Path(p) for p in args.paths] or [SEEDS_DIR]
    missing = [p for p in paths if not os.path.lexists(p)]
    for path in missing:
        log.error("%s: no such file or folder", printable(path))
    if missing and len(missing) == len(paths):
        return 2
    if _unusable(db, created=True, writes=True):
        return EXIT_UNUSABLE
    report = IngestReport()
    found = [p for p in paths if os.path.lexists(p)]
    try:
        with _writing(db, "ingest") as engine:
            ingest(engine, found, progress=print_progress, report=report)
    except ArchiveBusy as exc:
        log.error("archive: %s", exc)
        return EXIT_BUSY
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        log.error("%s", _what_failed(describe(db), report, _reason(exc)))
        return 1
    except KeyboardInterrupt:
        log.error("%s", _what_failed(describe(db), report, "interrupted"))
        return 130
    for outcome in report.outcomes:
        shown = printable(outcome.path)  # a file name may hold a line break
        if outcome.status == "failed":
            log.error("FAILED %s: %s", shown, outcome.reason)
        elif outcome.status == "duplicate":
            log.warning("second source %s: %s", shown, outcome.reason)
        elif args.verbose:
            log.info("%-9s %s -> %s", outcome.status, shown, outcome.statement_id)
    log.info(
        "ingest into %s: %s (%d files, %d paragraphs written, %.2f s: text and search index "
        "%.2f s, %d paragraphs analysed for citations and agreed language %.2f s)",
        describe(db),
        report.summary(),
        len(report.outcomes),
        report.paragraphs,
        report.seconds,
        report.write_seconds,
        report.analysed,
        report.analysis_seconds,
    )
    return 1 if report.failed or missing else 0


def _what_failed(db: str, report: IngestReport, reason: str) -> str:
    """What a failed ingest left, exactly: nothing, or its text with the analysis pending."""
    if not report.text_committed:
        return f"ingest into {db} failed; the archive is unchanged: {reason}"
    written = sum(1 for o in report.outcomes if o.status in ("added", "updated"))
    return (
        f"ingest into {db} stopped after its text was committed: {report.summary()} "
        f"({written} statements, {report.paragraphs} paragraphs written, searchable now); the "
        f"citations and agreed language of new paragraphs are still pending: {reason}. "
        "Once the cause is fixed, `archive analyse` (or `archive ingest` again) finishes them; "
        "`archive check` counts them."
    )


def cmd_analyse(args: argparse.Namespace) -> int:
    from app.ingest.analysis import analyse_pending
    from app.store.engine import describe
    from app.store.maintenance import ArchiveBusy

    db = _db_path(args)
    if _unusable(db, writes=True):
        return EXIT_UNUSABLE
    try:
        with _writing(db, "analyse") as engine:
            report = analyse_pending(engine, progress=print_progress)
    except ArchiveBusy as exc:
        log.error("archive: %s", exc)
        return EXIT_BUSY
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        log.error(
            "analysis of %s stopped: %s. What was analysed is kept (it is committed batch by "
            "batch); `archive analyse` finishes the rest.",
            describe(db),
            _reason(exc),
        )
        return 1
    log.info(
        "%s: %d paragraphs analysed (%d citations, %d agreed-language pairs)",
        describe(db),
        report.paragraphs,
        report.citations,
        report.reuse_pairs,
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.store.engine import describe, migrate, schema_is_current
    from app.web.protocol import BoundedHttpToolsProtocol

    settings = Settings.from_env()
    db = _db_path(args)
    # A missing file is refused rather than created empty: an archive that serves nothing is
    # more likely a wrong path than an intention (`archive migrate` makes an empty one).
    if _unusable(db):
        return EXIT_UNUSABLE
    try:
        if not schema_is_current(db):  # (a read-only archive at the latest schema is served)
            migrate(db)
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        log.error(
            "archive: %s cannot be brought to the current schema: %s", describe(db), _reason(exc)
        )
        return EXIT_UNUSABLE
    if not _statements_in(db):
        log.warning(
            "the archive %s holds no statements yet: /healthz answers 503 until "
            "`archive ingest` loads some",
            describe(db),
        )
    host = args.host or settings.host
    port = args.port or settings.port
    # Workers are separate processes: they learn the database, and the address they serve
    # (which absolute links name unless ARCHIVE_BASE_URL is set), from the environment.
    os.environ["ARCHIVE_DB"] = str(db.resolve()) if isinstance(db, Path) else db
    os.environ["ARCHIVE_HOST"] = host
    os.environ["ARCHIVE_PORT"] = str(port)
    uvicorn.run(
        "app.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers or settings.workers,
        log_level="info",
        access_log=False,  # app.web.middleware logs each request with its duration
        http=BoundedHttpToolsProtocol,  # a request's head bounded in size and time
        timeout_keep_alive=5,  # seconds an idle connection stays open after a response
        timeout_graceful_shutdown=10,
        # No address or scheme is taken from X-Forwarded-* headers: whoever sends them, links
        # name ARCHIVE_BASE_URL and redirects are relative (app.web.middleware).
        proxy_headers=False,
    )
    return 0


def _statements_in(db: Archive) -> int:
    from sqlmodel import Session

    from app.store import queries
    from app.store.engine import make_engine

    engine = make_engine(db, readonly=True)
    try:
        with Session(engine) as session:
            return queries.count_statements(session)
    finally:
        engine.dispose()


def cmd_check(args: argparse.Namespace) -> int:
    from app.store.engine import describe
    from app.store.maintenance import check

    db = archive_location(args.path) if args.path else _db_path(args)
    if _unusable(db):
        return EXIT_UNUSABLE
    try:
        report = check(db)
    except (sqlite3.Error, OSError) as exc:
        log.error("archive: %s cannot be checked: %s", describe(db), _reason(exc))
        return EXIT_UNUSABLE
    for problem in report.problems:
        log.error("PROBLEM %s", problem)
    for skipped in report.skipped:
        log.warning("not checked: %s", skipped)
    if report.unanalysed:
        log.warning(
            "%d paragraphs are not analysed yet for citations and agreed language; "
            "`archive analyse` finishes them",
            report.unanalysed,
        )
    log.info(
        "%s: %s (%d statements, %d paragraphs, %d indexed)",
        describe(db),
        "ok" if report.ok else f"{len(report.problems)} problem(s)",
        report.statements,
        report.paragraphs,
        report.indexed,
    )
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from app.store.maintenance import NotOnThisEngine, backup, check

    db = _db_path(args)
    target = Path(args.target)
    if _unusable(db):
        return EXIT_UNUSABLE
    try:
        pages = backup(db, target)
    except (FileExistsError, NotOnThisEngine) as exc:
        log.error("%s", exc)
        return 2
    except (sqlite3.Error, OSError) as exc:
        log.error("archive: backup of %s to %s failed: %s", db, target, _reason(exc))
        return 1
    report = check(target)
    log.info(
        "backed up %s to %s (%d pages); check: %s",
        db,
        target,
        pages,
        "ok" if report.ok else "; ".join(report.problems),
    )
    return 0 if report.ok else 1


def cmd_repairs(args: argparse.Namespace) -> int:
    from app.ingest.pipeline import ingest
    from app.ingest.repair_report import repair_report
    from app.store.engine import make_engine, migrate

    paths = [Path(p) for p in args.paths]
    for path in paths:
        if not path.exists():
            log.error("%s: no such file or folder", path)
            return 2
    with tempfile.TemporaryDirectory(prefix="archive-repairs-") as scratch:
        # Files given: ingested into a scratch archive of their own; else the archive itself.
        db = Path(scratch) / "repairs.db" if paths else _db_path(args)
        if isinstance(db, Path) and not db.exists() and not paths:
            log.error("%s: no such archive", db)
            return 2
        migrate(db)
        engine = make_engine(db)
        try:
            if paths:
                ingest(engine, paths)
            for line in repair_report(engine).lines():
                log.info("%s", line)
        finally:
            engine.dispose()
    return 0


def cmd_catalogue(args: argparse.Namespace) -> int:
    from app.store.catalogue import CatalogueError, import_catalogue
    from app.store.engine import make_engine, migrate

    db = _db_path(args)
    if _unusable(db, created=True, writes=True):
        return EXIT_UNUSABLE
    migrate(db)
    engine = make_engine(db)
    try:
        report = import_catalogue(engine, Path(args.path))
    except CatalogueError as exc:
        log.error("catalogue not imported; the archive is unchanged: %s", exc)
        return 1
    finally:
        engine.dispose()
    log.info(
        "catalogue %s: %d added, %d updated, %d unchanged",
        args.path,
        report.added,
        report.updated,
        report.unchanged,
    )
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from app.language.draft import DraftError
    from app.store.engine import make_engine
    from app.web import drafts

    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            log.error("%s: cannot be read: %s", args.file, exc.strerror or exc)
            return 2
    db = _db_path(args)
    if isinstance(db, Path) and not db.exists():
        log.error("no archive at %s: run `archive ingest` first", db)
        return 2
    engine = make_engine(db, readonly=True)
    try:
        with Session(engine) as session:
            report = drafts.check(session, text, exact=args.exact)
    except (DraftError, drafts.DraftUnavailable) as exc:
        log.error("%s: %s", args.file, exc)
        return 1
    finally:
        engine.dispose()
    # The report is the command's output (stdout, to read or to pipe); messages go to the log.
    if args.json:
        sys.stdout.write(drafts.to_json(report).model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(drafts.to_text(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive",
        description="Archive of UN Security Council presidential statements.",
    )
    db_help = (
        "the archive: an SQLite file or a postgresql+psycopg:// URL "
        "(default: $ARCHIVE_DB, else archive.db in the project)"
    )
    parser.add_argument("--db", metavar="PATH", help=db_help)
    parser.add_argument("-v", "--verbose", action="store_true", help="say more")
    # The same options after the command (`archive ingest --db x.db`); SUPPRESS keeps a value
    # given before the command when none is given after it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="say more"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "ingest",
        parents=[common],
        help="load statement files into the archive",
        description="Load statement files (or folders, recursively) into the archive: their "
        "text and search index in one transaction, then the citations and agreed language of "
        "the new paragraphs. Unchanged files are skipped; a file that cannot be parsed is "
        "reported and skipped while the rest load; the exit code is 1 if any file failed.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: seeds/)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser(
        "analyse",
        parents=[common],
        help="finish the analysis of paragraphs not yet analysed",
        description="Find the citations and agreed language of every paragraph not analysed "
        "yet (after an interrupted ingest, or a migration that reset the analysis), committing "
        "batch by batch. `archive ingest` does this itself after writing the text.",
    )
    p.set_defaults(func=cmd_analyse)

    p = sub.add_parser(
        "serve",
        parents=[common],
        help="serve the web archive",
        description="Migrate the database if needed, then serve the archive with uvicorn.",
    )
    p.add_argument("--host", help="interface to listen on (default: $ARCHIVE_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: $ARCHIVE_PORT or 8000)")
    p.add_argument("--workers", type=int, help="worker processes (default: $ARCHIVE_WORKERS or 1)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "migrate",
        parents=[common],
        help="create or upgrade the database schema",
        description="Create the database if needed and apply every Alembic migration.",
    )
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "repairs",
        parents=[common],
        help="list the repairs of extraction damage, and the words still damaged",
        description="List every word repaired from PDF-extraction damage (printed form, "
        "repaired form, context) and every word that still looks damaged. With PATHs, the "
        "files are ingested into a scratch archive of their own first (the archive is not "
        "touched); without, the archive is read.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="statement files or folders")
    p.set_defaults(func=cmd_repairs)

    p = sub.add_parser(
        "catalogue",
        parents=[common],
        help="import a catalogue of statements known to exist",
        description="Import a CSV catalogue (columns symbol, year, and optionally date, "
        "meeting_record, topic) so the archive knows which statements exist, text or not.",
    )
    p.add_argument("path", metavar="PATH", help="CSV file")
    p.set_defaults(func=cmd_catalogue)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="verify the database and its search index",
        description="Run SQLite's integrity and foreign-key checks and compare the FTS5 index "
        "with the paragraph table. Exit code 1 if anything disagrees.",
    )
    p.add_argument("path", nargs="?", help="database file to check (default: the archive's)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "backup",
        parents=[common],
        help="make a consistent copy of the archive while it serves",
        description="Copy the database with SQLite's online backup, safe while the app serves "
        "or an ingest runs, then check the copy.",
    )
    p.add_argument("target", metavar="PATH", help="new file to write")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "draft",
        parents=[common],
        help="check a draft: where each paragraph's language was agreed before",
        description="Check a draft statement against the archive: for each paragraph, its "
        "closest precedents, the share of agreed language (runs of at least 7 words found in "
        "the archive) with each run's first and latest use, a word-level comparison with the "
        "closest precedent, and the new language. The draft is read, never stored.",
    )
    p.add_argument("file", metavar="FILE", help="a text file (UTF-8), or - for standard input")
    p.add_argument("--json", action="store_true", help="the report as JSON (as /api/draft)")
    p.add_argument(
        "--exact",
        action="store_true",
        help="phrase-search the runs the fingerprint index cannot date (short ones, formula), "
        "so every run's first and latest use are exact; seconds on a large archive",
    )
    p.set_defaults(func=cmd_draft)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        # A server's log is read afterwards: each line says when; a command's output is read now.
        format="%(asctime)s %(message)s" if args.command == "serve" else "%(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        Settings.from_env()  # a bad ARCHIVE_* variable is named before any work begins
        return int(args.func(args))
    except SettingsError as exc:
        log.error("archive: a setting cannot be used: %s", exc)
        return 2
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
