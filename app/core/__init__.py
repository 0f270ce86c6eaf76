"""The foundation every stage may use: settings read from the environment (`config`) and
worker processes that end with their parent (`workers`). Imports nothing else of the app."""
