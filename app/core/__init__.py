"""The foundation every stage may use: settings read from the environment (`config`) and
worker processes that end with their parent (`workers`), and text from outside made safe for a
log line (`logs`). Imports nothing else of the app."""
