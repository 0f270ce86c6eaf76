"""Web: the FastAPI app (`app`: the composition root), its routes (`routes/`), the Jinja
environment (`templating`), middleware and the page cache (`middleware`, `pagecache`), request
dependencies (`deps`), the API's JSON shapes (`schemas`) and chart geometry (`charts`).

May import `app.core`, `app.parse`, `app.store`, `app.search` and `app.language`; not `app.ingest`
or `app.cli`. Routes hold no SQL.
"""
