"""Search on SQLite's FTS5: the service (`engine`), BM25 over highlighted text (`ranking`),
where each statement's paragraph ids lie (`timeline`), counts from samples (`estimate`) and the
index's write side (`index`)."""
