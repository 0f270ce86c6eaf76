"""HTTP routes, one module per area of the site.

Handlers stay thin: they validate parameters with FastAPI types, call one function of
`app.store`, `app.search` or `app.language`, and render a template or return a model. No SQL
here (the architecture test checks it).
"""
