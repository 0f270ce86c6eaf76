"""PostgreSQL, the engine past one machine: connections, read-only replicas and translated
driver SQL (`connect`), the archive's version row (`version`) and the COPY loader (`bulk`).
Reached through `app.store.services` and `app.store.engine`."""
