"""Operator tasks on a PostgreSQL archive: the consistency check. Copies of a server's
archive are the server's business (`pg_dump`, `pg_basebackup`, replicas), not the archive's."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from app.store.interfaces import CheckReport


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
