"""Search on PostgreSQL: the service (`engine`) and the index's write side (`index`). The index
itself is the generated `paragraph.tsv` column and its GIN index (migration 0001)."""
