"""Store: the archive's tables (`models`), opening the engine named by `ARCHIVE_DB` (`engine`),
read functions for pages, the API and scripts (`queries`, `agenda`, `cited`), the catalogue
import (`catalogue`), and what differs between storage engines behind small interfaces
(`interfaces`, chosen by `services`; SQLite's implementations under `sqlite/`).

May import `app.core` and `app.parse`; nothing of search, language, ingest or web.
"""
