"""Parse: one statement file's text → a `ParsedStatement` (`statement`), with the page
furniture removed (`furniture`), the paragraphs and their numbering (`paragraphs`), extraction
damage repaired (`seams` marks lost line-end hyphens, `repair` decides them and joins split
words, weighing the English lexicon and the archive's vocabulary: `lexicon`), citations found
(`citations`) and the public id (`ids`).

Pure functions over text: imports nothing of the app but `app.core` and knows no SQL or HTTP.
"""
