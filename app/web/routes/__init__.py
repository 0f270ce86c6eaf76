"""HTTP routes, one module per area; handlers stay thin and call `app.crud` or `app.search`."""
