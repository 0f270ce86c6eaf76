"""Parse: one statement file's text → a `ParsedStatement` (`statement`), with the page
furniture removed (`furniture`), the paragraphs and their numbering (`paragraphs`), extraction
damage repaired (`repair`), citations found (`citations`) and the public id (`ids`).

Pure functions over text: imports nothing of the app but `app.core` and knows no SQL or HTTP.
"""
