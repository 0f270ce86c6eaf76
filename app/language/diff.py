"""Word-level comparison of two paragraphs: which words were kept, deleted or inserted.

Words are compared folded (case and accents ignored, as reuse detection does), so "UN" and "Un"
count as the same word; punctuation is a token of its own, so a dropped comma shows. Each
token keeps the spaces before it, so the pieces joined back give each text exactly as written.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from app.parse.text import fold

TOKEN_RE = re.compile(r"\s*(?:\w+(?:[’'-]\w+)*|[^\w\s])")

Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class Piece:
    """A stretch of text: kept in both ("equal"), only in the old text or only in the new."""

    op: Op
    text: str

    @property
    def lead(self) -> str:
        """The whitespace before the piece (kept outside <ins>/<del> when shown)."""
        return self.text[: len(self.text) - len(self.text.lstrip())]

    @property
    def body(self) -> str:
        return self.text.lstrip()


def tokens(text: str) -> list[str]:
    """Words and punctuation marks of `text`, each with the whitespace before it."""
    return TOKEN_RE.findall(text)


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn `old` into `new`; a replacement is a deletion then an insertion.

    Joining the "equal" and "insert" pieces gives `new` (stripped); "equal" and "delete" give
    `old` with the shared words spelt as `new` has them (they differ at most in case or accents).
    """
    a, b = tokens(old.strip()), tokens(new.strip())
    matcher = difflib.SequenceMatcher(
        None, [fold(t.strip()) for t in a], [fold(t.strip()) for t in b], autojunk=False
    )
    pieces: list[Piece] = []

    def add(op: Op, parts: list[str]) -> None:
        if not parts:
            return
        chunk = "".join(parts)
        if pieces and pieces[-1].op == op:
            pieces[-1] = Piece(op, pieces[-1].text + chunk)
        else:
            pieces.append(Piece(op, chunk))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", b[j1:j2])  # the new text's spelling of the shared words
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return pieces


def changed_words(pieces: list[Piece], op: Op) -> list[str]:
    """The words (not punctuation) of every piece with the given op, in order."""
    return [w for p in pieces if p.op == op for w in re.findall(r"\w+(?:[’'-]\w+)*", p.text)]
