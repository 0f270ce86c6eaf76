"""Operator tasks on a PostgreSQL archive: the consistency check and the writers' lock.
Copies of a server's archive are the server's business (`pg_dump`, `pg_basebackup`,
replicas), not the archive's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from app.store.interfaces import ArchiveBusy, CheckReport


class NotOnThisEngine(RuntimeError):
    """What was asked is done by PostgreSQL's own tools on a PostgreSQL archive."""


def check(url: str) -> CheckReport:
    """Counts, and the search index against the paragraphs: every paragraph has its tsvector
    (a generated column, so a missing one means a damaged table)."""
    from app.store.postgres.connect import make_engine

    report = CheckReport(url)
    engine = make_engine(url, readonly=True)
    try:
        with engine.connect() as conn:
            one = lambda sql: int(conn.exec_driver_sql(sql).scalar() or 0)  # noqa: E731
            report.statements = one("SELECT count(*) FROM statement")
            report.paragraphs = one("SELECT count(*) FROM paragraph")
            report.indexed = one("SELECT count(*) FROM paragraph WHERE tsv IS NOT NULL")
            if report.indexed != report.paragraphs:
                report.problems.append(
                    f"the search index holds {report.indexed} paragraphs, "
                    f"the table {report.paragraphs}"
                )
            report.unanalysed = one(
                "SELECT count(*) FROM paragraph WHERE id NOT IN "
                "(SELECT paragraph_id FROM analysed_paragraph)"
            )
    except SQLAlchemyError as exc:
        report.problems.append(f"the archive cannot be read: {getattr(exc, 'orig', exc)}")
    finally:
        engine.dispose()
    return report


def backup(url: str, target: object) -> int:
    raise NotOnThisEngine(
        "a PostgreSQL archive is copied with PostgreSQL's tools: pg_dump for a file, "
        "pg_basebackup (or a streaming replica) for a server"
    )


WRITER_LOCK = 0x50525354_0001
"""The advisory lock an archive's writer holds (`PRST`, 1)."""


@contextmanager
def writing(url: str, what: str) -> Iterator[None]:
    """Hold the archive's writer lock while the block runs: a session-level advisory lock on a
    connection of its own, which the server releases when that session ends however it ends.
    `ArchiveBusy` naming the server process of the session that holds it, if one does."""
    from app.store.postgres.connect import driver_url

    engine = create_engine(driver_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            key = {"key": WRITER_LOCK}
            if not conn.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar():
                holder = conn.execute(
                    text(
                        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                        "(classid::bigint << 32) | objid::bigint = :key"
                    ),
                    key,
                ).scalar()
                raise ArchiveBusy(
                    f"another ingest or analysis of this archive is running (server process "
                    f"{holder}); try again when it has finished"
                )
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)
                conn.commit()
    finally:
        engine.dispose()
