"""SQLite, the embedded default engine: connections and pragmas (`connect`), the archive's
version (`version`), the bulk loader (`bulk`) and file operations: checks, backups and
download snapshots (`maintenance`). Reached through `app.store.services` and `app.store.engine`.
"""
