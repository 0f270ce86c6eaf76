"""Database size against its floor: where the archive's bytes go, table by table.

The floor is the least a searchable copy of the same files needs: the files parsed by the
archive's own parser into one table of paragraph text (`id INTEGER PRIMARY KEY, text`) and one
FTS5 index over it (external content, the archive's tokenizer, built with one 'rebuild'),
VACUUMed. The archive is measured as it is (VACUUMed into a temporary copy first, so that free
pages left by earlier writes do not count). Sizes come from SQLite's `dbstat` table (each table
or index and its pages); the ratio is of the two files' sizes.

    python bench/bench_size.py --db ARCHIVE --corpus FOLDER [--db OTHER ...]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.parse.statement import ParsedStatement, decode, parse_document  # noqa: E402

GROUPS = {
    "paragraph text": ("paragraph", "sqlite_autoindex_paragraph_1", "ix_paragraph_statement_pk"),
    "full-text index": ("paragraph_fts_data", "paragraph_fts_docsize", "paragraph_fts_idx"),
    "statements (with source files)": ("statement",),
    "agreed language: pairs": ("paragraph_reuse", "ix_paragraph_reuse_other_id"),
    "agreed language: n-grams": ("paragraph_grams",),
    "agreed language: fingerprints": (
        "reuse_fingerprint",
        "ix_reuse_fingerprint_paragraph_id",
        "reuse_hash",
        "pending_prints",
    ),
    "citations": ("citation", "ix_citation_kind_key", "ix_citation_paragraph_id"),
}


def _paragraphs(path: Path) -> list[str]:
    try:
        parsed = parse_document(decode(path.read_bytes()))
    except ValueError:
        return []
    return [p.text for p in parsed.paragraphs] if isinstance(parsed, ParsedStatement) else []


def build_floor(corpus: Path, db: Path) -> int:
    """The floor database for the statement files under `corpus`; its paragraph count."""
    files = sorted(p for p in corpus.rglob("*.txt") if p.is_file())
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE paragraph (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    conn.execute(
        "CREATE VIRTUAL TABLE paragraph_fts USING fts5(text, content='paragraph', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    count = 0
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        for texts in pool.map(_paragraphs, files, chunksize=64):
            conn.executemany("INSERT INTO paragraph (text) VALUES (?)", ((t,) for t in texts))
            count += len(texts)
    conn.execute("INSERT INTO paragraph_fts(paragraph_fts) VALUES ('rebuild')")
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    return count


def sizes(db: Path) -> dict[str, int]:
    """Bytes of each table and index (its pages), by name."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
    finally:
        conn.close()


def grouped(by_name: dict[str, int]) -> dict[str, int]:
    out = {group: sum(by_name.get(n, 0) for n in names) for group, names in GROUPS.items()}
    known = {n for names in GROUPS.values() for n in names}
    out["other tables and indexes"] = sum(v for n, v in by_name.items() if n not in known)
    return out


def vacuumed_copy(db: Path, folder: Path) -> Path:
    copy = folder / f"{db.stem}.vacuumed.db"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.execute("VACUUM INTO ?", (str(copy),))
    conn.close()
    return copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, action="append", required=True, help="an archive")
    parser.add_argument("--corpus", type=Path, required=True, help="the files it was built from")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        floor_db = folder / "floor.db"
        paragraphs = build_floor(args.corpus, floor_db)
        floor_size = floor_db.stat().st_size
        floor_groups = grouped(sizes(floor_db))
        columns = [(f"floor ({paragraphs:,} paragraphs)", floor_groups, floor_size)]
        for db in args.db:
            copy = vacuumed_copy(db, folder)
            columns.append((db.name, grouped(sizes(copy)), copy.stat().st_size))
            copy.unlink()
    print("| MB | " + " | ".join(name for name, _, _ in columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for group in [*GROUPS, "other tables and indexes"]:
        cells = [f"{g[group] / 1e6:,.1f}" for _, g, _ in columns]
        print(f"| {group} | " + " | ".join(cells) + " |")
    print("| **file** | " + " | ".join(f"**{s / 1e6:,.1f}**" for _, _, s in columns) + " |")
    print(
        "| **x floor** | " + " | ".join(f"**{s / floor_size:.2f}x**" for _, _, s in columns) + " |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
