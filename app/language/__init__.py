"""Agreed language: where a paragraph's wording was agreed before.

`shingles` (hashes and the exact measure, pure), `reuse` (candidates from the fingerprint index,
confirmed), `precedents` (read functions: related paragraphs, where language started), `diff`
(word-level comparison). The index's storage is behind `interfaces.FingerprintIndex`, SQLite's
in `sqlite`, chosen by `services`.

May import `app.core`, `app.parse` and `app.store`; nothing of search, ingest or web.
"""
