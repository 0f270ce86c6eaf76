"""Ingest: statement files in, the archive out. `pipeline` runs a job: find and parse files on
all cores (`prepare`), write them in one transaction (`writer`), then derive citations and
agreed language (`analysis`), telling the operator what happened (`report`, `progress`).

May import `app.core`, `app.parse`, `app.store`, `app.search` and `app.language`; nothing of web.
"""
