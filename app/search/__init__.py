"""Search: the search box's query language (`query`), what a search answers (`results`), the
interfaces an engine implements (`interfaces`: `SearchService` to read, `SearchIndex` for the
ingest to write), the choice of implementation (`services`), caches kept per archive version
(`cache`) and the background warm-up (`warmup`). FTS5's implementation, with its ranking,
timeline and estimates, is `fts5/`: the only FTS5 SQL outside `app.store`.

May import `app.core`, `app.parse` and `app.store`; nothing of language, ingest or web.
"""
