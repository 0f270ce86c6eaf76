"""The search box's query language, turned into a safe FTS5 expression.

What a user types never reaches FTS5 as syntax: every word becomes a quoted FTS5 string, so
`NEAR(`, `AND`, `:`, `^`, quotes and SQL-looking text are only ever words to look for.

- plain words: paragraphs holding all of them (`border management`);
- "a phrase" (straight or curly quotes): those words in that order;
- `OR` between words or phrases; `-word` or `-"a phrase"` to exclude; `word*` for a prefix.

Words are matched as written, without stemming: `organized` does not find `organize`, so a
drafter sees exactly the language that was agreed; `organi*` finds every form. Case,
diacritics, apostrophes and hyphens do not matter (`cross-border` finds "cross border").

A search's cost grows with what it asks for, so a query may hold at most `MAX_TERMS` words or
phrases to find and `MAX_EXCLUDED` to exclude; beyond that it is refused (`Query.refused` says
why), never cut short, which would change what it finds. The engines bound the rest (prefixes
standing for many words, the time a search may take) and refuse with `SearchRefused`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
MAX_TERMS = 30
"""Words or phrases to find in one query (all of them, or either side of an OR)."""
MAX_EXCLUDED = 30
"""Words or phrases to exclude in one query."""
# unicode61 splits on everything that is not a letter or a digit; so do we.
TOKEN_RE = re.compile(r"[^\W_]+")
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"'})
PRST_RE = re.compile(
    r"^\s*S\s*/\s*(?:PRST\s*/\s*(\d{4})\s*/\s*(\d{1,4})|(\d{4,6}))\s*\*?"
    r"(?:\s*\(\s*PRST\s*\))?"
    r"(?:\s*,?\s*(?:para(?:graph)?\.?|§|p\.?)\s*(\d{1,3}))?\s*\.?\s*$",
    re.IGNORECASE,
)
"""A statement's symbol typed in the box: S/PRST/2023/6, or an older statement's S/20554
(which the Library's tables write "S/20554 (PRST)"), optionally with ", para. 9"."""
RESOLUTION_RE = re.compile(
    r"^\s*(?:(?:S/RES/)|(?:(?:security\s+council\s+)?resolution\s+))?"
    r"(\d{1,4})\s*\(\s*(\d{4})\s*\)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Term:
    """One word or phrase to look for: its tokens, and whether the last one is a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False

    def fts(self, words: Mapping[str, Sequence[str]] | None = None) -> str:
        """This term as FTS5 syntax. A prefix listed in `words` becomes the words of the
        index that start with it, OR-ed (FTS5 then merges their lists lazily instead of
        building the whole prefix list up front)."""
        quoted = '"' + " ".join(self.tokens) + '"'
        if not self.prefix:
            return quoted
        expansion = (words or {}).get(self.tokens[-1])
        if not expansion:
            return quoted + "*"
        head = self.tokens[:-1]
        phrases = ['"' + " ".join((*head, word)) + '"' for word in expansion]
        return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"

    def display(self) -> str:
        text = " ".join(self.tokens) + ("*" if self.prefix else "")
        return f'"{text}"' if len(self.tokens) > 1 else text


@dataclass
class Query:
    """A parsed query: what to search, what it means in words, and what was not understood."""

    raw: str
    groups: list[list[Term]] = field(default_factory=list)
    """All groups must match; within a group any term may (OR)."""
    excluded: list[Term] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    symbol: str | None = None
    """A presidential statement's symbol typed in the box (S/PRST/2023/6, S/20554)."""
    paragraph: int | None = None
    resolution: str | None = None
    """A resolution typed in the box, as 2482 (2019)."""
    refused: str | None = None
    """Why the query is too broad to run, when it is (it is then not searched)."""

    @property
    def empty(self) -> bool:
        return not self.groups

    def prefixes(self) -> set[str]:
        """The word beginnings typed with `*`, in terms to find or to exclude."""
        return {t.tokens[-1] for t in self.terms() if t.prefix}

    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group] + self.excluded

    def fts(self, words: Mapping[str, Sequence[str]] | None = None) -> str | None:
        """The FTS5 MATCH expression, or None when there is nothing to look for.
        `words` may list, for a prefix, the indexed words that start with it."""
        if not self.groups:
            return None
        parts = []
        for group in self.groups:
            alternatives = " OR ".join(term.fts(words) for term in group)
            parts.append(f"({alternatives})" if len(group) > 1 else alternatives)
        expression = " AND ".join(parts)
        if self.excluded:
            # One NOT of all the exclusions OR-ed: FTS5's parser nests each NOT it reads, and
            # about a hundred in a row overflow its stack.
            excluded = " OR ".join(term.fts(words) for term in self.excluded)
            expression = f"({expression}) NOT " + (
                f"({excluded})" if len(self.excluded) > 1 else excluded
            )
        return expression

    def display(self) -> str:
        """What was searched, in the query language itself."""
        if self.symbol:
            return self.symbol
        parts = [" OR ".join(term.display() for term in group) for group in self.groups]
        parts += [f"-{term.display()}" for term in self.excluded]
        return " ".join(parts)


def _clean(text: str) -> tuple[str, list[str]]:
    notes = []
    # Compatibility forms as people paste them ("ﬁnancial", full-width letters) are the
    # letters the archive's text uses.
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    text = text.translate(QUOTES)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"Only the first {MAX_QUERY_CHARS} characters of the query were used.")
    return text.strip(), notes


def _term(text: str, *, prefix: bool = False) -> Term | None:
    tokens = tuple(t.lower() for t in TOKEN_RE.findall(text))
    return Term(tokens, prefix) if tokens else None


def parse_query(raw: str) -> Query:
    """Parse what the user typed. Never raises: what is not understood is noted and dropped."""
    text, notes = _clean(raw)
    query = Query(raw=raw, notes=notes)

    if m := PRST_RE.match(text):
        year, number, old = m.group(1), m.group(2), m.group(3)
        query.symbol = f"S/PRST/{year}/{int(number)}" if year else f"S/{int(old)}"
        query.paragraph = int(m.group(4)) if m.group(4) else None
        # Where the archive does not hold it, the paragraphs that cite it: the symbol as one
        # phrase, not its pieces anywhere in a paragraph.
        term = _term(query.symbol)
        assert term is not None
        query.groups.append([term])
        return query
    if m := RESOLUTION_RE.match(text):
        query.resolution = f"{int(m.group(1))} ({m.group(2)})"
        query.groups.append([Term((str(int(m.group(1))), m.group(2)))])
        return query

    if text.count('"') % 2:
        notes.append("A quotation mark was not closed; it was ignored.")
        last = text.rfind('"')
        text = text[:last] + " " + text[last + 1 :]

    pending_or = pending_not = False
    for m in re.finditer(r'(-?)"([^"]*)"(\*?)|(\S+)', text):
        negate, phrase, star, word = m.group(1), m.group(2), m.group(3), m.group(4)
        if word is not None:
            if word == "OR":
                pending_or = bool(query.groups)
                continue
            if word == "AND":  # what plain words mean anyway
                continue
            if word == "NOT":
                pending_not = True
                continue
            negate = "-" if word.startswith("-") else ""
            word = word.lstrip("-")
            prefix = word.endswith("*")
            term = _term(word, prefix=prefix)
            if term is None:
                if word.strip("*-") == "":
                    notes.append(f"“{m.group(0)}” on its own means nothing to search; ignored.")
                else:
                    notes.append(f"“{word}” holds no letters or digits; ignored.")
                continue
            if word.startswith("*"):
                notes.append(
                    f"A * stands for the end of a word (organi*), not its start: “{word}” was "
                    f"searched as {term.display()}."
                )
        else:
            term = _term(phrase, prefix=bool(star))
            if term is None:
                notes.append("An empty phrase was ignored.")
                continue
        if negate or pending_not:
            query.excluded.append(term)
        elif pending_or and query.groups:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        pending_or = pending_not = False

    if query.excluded and not query.groups:
        notes.append("A search needs at least one word to find, not only words to exclude.")
        query.excluded = []
    if not query.groups and text and not notes:
        notes.append("The query holds only operators (AND, OR, NOT); there is nothing to find.")
    query.refused = _too_broad(query)
    return query


def _too_broad(query: Query) -> str | None:
    wanted = sum(len(group) for group in query.groups)
    if wanted > MAX_TERMS:
        return (
            f"This search is too broad to answer: it asks for {wanted} words or phrases at once, "
            f"and a search may hold {MAX_TERMS}. Keep the words that matter most, or use a "
            "phrase in quotation marks."
        )
    if len(query.excluded) > MAX_EXCLUDED:
        return (
            f"This search is too broad to answer: it excludes {len(query.excluded)} words or "
            f"phrases, and a search may exclude {MAX_EXCLUDED}."
        )
    return None
