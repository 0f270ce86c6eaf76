"""Repairs of PDF-extraction damage. The source file keeps the damage exactly as extracted;
the text shown and searched gets the Council's word back, so "in order to" finds a paragraph
printed "in ord er to". Only spaces and hyphens are ever changed, never a letter.

Three kinds of damage:

- **Split words** ("ord er", "o f", "Secur ity", "reconcil iation", "decisio n-making"):
  pdftotext cuts words at kerning gaps. `join_splits` reads each run of pieces the way a
  unigram word segmenter does (SymSpell's word segmentation, restricted to removing spaces):
  the pieces joined are one word when that word's probability, times the prior chance that a
  space is extraction damage (`DAMAGE`), beats the product of the pieces' probabilities.
  Probabilities come from the English lexicon and the archive's vocabulary
  (`app.parse.lexicon`). So "in formal", "road map" and "any one" stay two words (both pieces
  are common words), while "ord er" becomes "order" ("ord" and "er" are rare on their own). A
  joined word must be known; a piece after the first must start in lower case (names are
  never run together). A join that wins only narrowly ("re main" reads like "road map"), or
  whose pieces put a stray letter beside a word of its own ("a s", "it s", "a n"), is made
  only when the archive writes the joined word beside the same neighbour ("to remain", "as
  the", "its call") and, for a narrow win, the pieces apart nowhere else: a list label "a n"
  and the archive's own "road map" stay as printed.
- **Hyphens lost at a line end** ("postconflict", "genderbased"): marked at parse time by
  `app.parse.seams` (where a line was glued to the next); decided here by `resolve_seams`
  from the archive's usage ("long-term" in other statements), else the lexicon (a run-together
  word English does not know, made of two words it does).
- **Capitalised words run together** ("SecretaryGeneral") are decided as a seam is, when
  both halves are common words.

`repairs_between` recovers, from the printed and the repaired text, which words were
repaired: what the statement page marks and the API lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import pairwise

from app.parse.lexicon import ARCHIVE_MIN, UNKNOWN, Evidence, zipf

SEAM_HYPHEN = "\ue000"
"""Where parsing put back a hyphen lost at a line end on the statement's own evidence."""
SEAM = "\ue001"
"""Where parsing found a line end inside a word whose hyphen only the archive or the lexicon
can decide; `resolve_seams` turns it into a hyphen or nothing."""
MARKS = SEAM_HYPHEN + SEAM

DAMAGE = -5.0
"""log10 of the prior chance that a space between two pieces was put there by extraction: a
join must make the text this much likelier (a hundred thousand times) to be made."""
MAX_PIECES = 4
"""A word is cut into at most this many pieces ("servic e s")."""
MAX_JOINED = 30
"""Letters in a joined word at most."""
KNOWN_ZIPF = 1.5
"""A joined word must be at least this common in English (Zipf scale), or held by the archive."""
OWN_WORD_ZIPF = 3.0
"""A piece this common in English is a word of its own ("a", "it", "take")."""
NEW_WORD_ZIPF = 2.0
"""A word run together at a line end that English uses less than this is a compound whose
hyphen was lost ("postconflict", "selfdefence"), when the archive does not say otherwise."""
BORDER = -3.0
"""A join gaining between this and 0 is made only when the archive's phrases agree."""
ELISIONS = ("’", "'")
"""What follows an elided word ("l’Accord"): no piece of a split word."""
SHORT_PIECE = 3
"""A run of pieces goes on past a piece only this short."""
CONJUNCTIONS = ("and", "or")
"""After a hyphen at a line end, and before a hyphenated word, the sign of a suspended hyphen
("short- and long-term")."""
USAGE = 2
"""A word the archive holds this often is not a suspect of the report."""

WORD_RE = re.compile(r"[^\W\d_]+")
HEAD_RE = re.compile(r"^[^\W\d_]+")
TAIL_RE = re.compile(r"[^\W\d_]+$")
OPENERS = '([“‘"-/'
"""What may stand before a piece that ends a token: not an apostrophe ("Council’s")."""
BARE_LETTER_RE = re.compile(r"(?:^|(?<=\s))[b-z](?=\s|$)")
"""A lower-case letter other than "a" standing alone between spaces: a fragment ("obligation
s", "access t o"), never a word."""
STRAY_LETTER_RE = re.compile(r"(?:^|(?<=\s))[b-zB-HJ-Z](?=\s|$)")
"""A letter standing alone that may be a piece of a word ("U NAMA"), worth a look."""
CAMEL_RE = re.compile(r"\b([A-Z][a-z]{2,})([A-Z][a-z]{2,})\b")
"""Two capitalised words run together: "SecretaryGeneral"."""


@dataclass(frozen=True)
class Repair:
    """One repaired word: as printed (damaged) and as the archive shows and searches it;
    `start`, `end`: where the repaired word stands in the repaired text."""

    printed: str
    repaired: str
    start: int
    end: int


def repair(text: str, evidence: Evidence) -> str:
    """`text` with the line-end seams parsing marked decided, split words joined and run
    together capitalised words hyphenated, where the evidence vouches for it."""
    text = resolve_seams(text, evidence)
    text = join_splits(text, evidence)
    return CAMEL_RE.sub(lambda m: _camel(m, evidence), text)


def strip_marks(text: str) -> str:
    """The text as printed: without the seams parsing marked."""
    return text.replace(SEAM_HYPHEN, "").replace(SEAM, "")


# --- Split words -------------------------------------------------------------------------


def _piece_logp(piece: str, evidence: Evidence) -> float:
    """A piece's log-probability as a word of its own; a lower-case letter other than "a" is
    never one in the Council's text (item labels are in brackets)."""
    if len(piece) == 1 and piece.islower() and piece != "a":
        return UNKNOWN
    return evidence.logp(piece)


def _tail(token: str) -> str | None:
    """The letters that end `token`, if a word's continuation may follow them."""
    if token.isalpha():
        return token
    m = TAIL_RE.search(token)
    if m is None or (m.start() and token[m.start() - 1] not in OPENERS):
        return None
    return m.group(0)


def _head(token: str) -> str | None:
    """The letters that begin `token`, if they may continue a word ("ity", "ping-related"),
    not an elided word ("l’Accord")."""
    if token.isalpha():
        return token
    m = HEAD_RE.match(token)
    if m is None or token[m.end() : m.end() + 1] in ELISIONS:
        return None
    return m.group(0)


def _continues(first: str, piece: str) -> bool:
    """Whether `piece` may continue a word begun by `first`: in lower case, or both pieces of
    an acronym in capitals."""
    return piece[0].islower() or (first.isupper() and piece.isupper())


@dataclass(frozen=True)
class _Group:
    first: int
    last: int
    pieces: tuple[str, ...]
    gain: float


def _candidates(tokens: list[str], evidence: Evidence, *, border: float = 0.0) -> Iterator[_Group]:
    """Every run of neighbouring tokens whose pieces join into a known word, with its gain:
    how much likelier (log10) the joined reading is than the pieces apart, net of the damage
    prior. Runs gaining more than `border` are proposed. A run goes on past two pieces only
    through short ones ("servic e s", "a n d")."""
    known = KNOWN_ZIPF - 9
    logp = evidence.logp
    # The common case inline (tokens of letters only, two pieces): this runs on every
    # paragraph of every PDF text, in the parsing processes.
    heads = [token if token.isalpha() else _head(token) for token in tokens]
    last = len(tokens) - 1
    for i in range(last):
        head = heads[i + 1]
        left = tokens[i]
        if head is None or not left[-1:].isalpha():
            continue
        tail = left if left.isalpha() else _tail(left)
        if tail is None or not (head[0].islower() or (tail.isupper() and head.isupper())):
            continue
        pieces = [tail, head]
        j = i + 1
        while True:
            joined = "".join(pieces)
            found = logp(joined)
            if found >= known:
                apart = sum(_piece_logp(piece, evidence) for piece in pieces)
                gain = found + (len(pieces) - 1) * DAMAGE - apart
                if gain > border:
                    yield _Group(i, j, tuple(pieces), gain)
            # Go on only through a short piece that ends its token ("servic e s", "a n d").
            if len(head) > SHORT_PIECE or len(head) != len(tokens[j]) or j == last:
                break
            if len(pieces) == MAX_PIECES or len(joined) > MAX_JOINED:
                break
            j += 1
            head = heads[j]
            if head is None or not _continues(tail, head):
                break
            pieces.append(head)


def _best(groups: list[_Group], count: int) -> list[_Group]:
    """The non-overlapping groups with the largest total gain (a segmentation's Viterbi)."""
    starting: dict[int, list[_Group]] = {}
    for group in groups:
        starting.setdefault(group.first, []).append(group)
    best: list[tuple[float, list[_Group]]] = [(0.0, [])] * (count + 1)
    for i in range(count - 1, -1, -1):
        choice = best[i + 1]
        for group in starting.get(i, []):
            gain, chosen = best[group.last + 1]
            if gain + group.gain > choice[0]:
                choice = (gain + group.gain, [group, *chosen])
        best[i] = choice
    return best[0][1]


def _own_word(piece: str, evidence: Evidence) -> bool:
    """Whether a piece is a word the Council uses on its own ("a", "it", "take"), not only a
    word of English at large ("foo")."""
    if len(piece) == 1:
        return piece == "a"
    if zipf(evidence.english(piece)) < OWN_WORD_ZIPF:
        return False
    return not evidence.archive or evidence.held(piece) >= ARCHIVE_MIN


def _needs_context(group: _Group, evidence: Evidence) -> bool:
    """Whether the pieces alone cannot decide: the gain is slight ("re main" beside "road
    map", "per cent"), or a stray letter stands beside a word of its own ("a s", "it s",
    "take n", beside a list label "a n")."""
    if group.gain <= 0:
        return True
    return any(len(p) == 1 for p in group.pieces) and any(
        _own_word(p, evidence) for p in group.pieces
    )


def _fits(tokens: list[str], group: _Group, evidence: Evidence) -> bool:
    """Whether the archive agrees: it writes the joined word beside the word before or after
    it, and (for a slight gain) the pieces apart no more than once (here)."""
    joined = "".join(group.pieces)
    if group.gain <= 0 and (evidence.phrase(group.pieces) or 0) > 1:
        return False  # "road map" elsewhere too (a stray letter's damage recurs: no evidence)
    before = tokens[group.first - 1] if group.first else ""
    after = tokens[group.last + 1] if group.last + 1 < len(tokens) else ""
    pairs = []
    if before.isalpha() and tokens[group.first].isalpha():
        pairs.append((before, joined))
    if tokens[group.last].isalpha() and (head := HEAD_RE.match(after)):
        pairs.append((joined, head.group(0)))
    return any((evidence.phrase(pair) or 0) >= 1 for pair in pairs)


def _before_hyphen_ok(tokens: list[str], group: _Group, evidence: Evidence) -> bool:
    """A split just before a hyphen ("decisio n-making") is joined only from a piece that is
    no word of its own: "the re-establishment" is two words and a prefix's hyphen."""
    if not tokens[group.last][len(group.pieces[-1]) :].startswith("-"):
        return True
    return group.gain > 0 and not _own_word(group.pieces[0], evidence)


def join_splits(text: str, evidence: Evidence) -> str:
    """`text` with the words extraction split joined again (see the module's docstring)."""
    tokens = text.split(" ")
    groups = [
        group
        for group in _candidates(tokens, evidence, border=BORDER)
        if _before_hyphen_ok(tokens, group, evidence)
        and (not _needs_context(group, evidence) or _fits(tokens, group, evidence))
    ]
    chosen = _best([replace(g, gain=max(g.gain, 0.0) - BORDER) for g in groups], len(tokens))
    for group in reversed(chosen):
        tokens[group.first : group.last + 1] = ["".join(tokens[group.first : group.last + 1])]
    return " ".join(tokens)


def may_be_damaged(text: str, evidence: Evidence) -> bool:
    """Whether `text` may hold damage worth the archive's evidence: a seam parsing marked, a
    stray letter, capitalised words run together, a join the lexicon alone would make or
    nearly, or a piece the lexicon does not know before a continuation ("Ombud sperson",
    "subregio nal": a word only the archive may know, split; an acronym before a word is no
    piece)."""
    if SEAM in text or STRAY_LETTER_RE.search(text) or CAMEL_RE.search(text):
        return True
    tokens = text.split(" ")
    if any(True for _ in _candidates(tokens, evidence, border=BORDER)):
        return True
    lexicon = evidence.lexicon
    for left, right in pairwise(tokens):
        if not (left[-1:].isalpha() and right[:1].isalpha()):
            continue
        head = _head(right)
        tail = _tail(left)
        if not (head and tail and _continues(tail, head)):
            continue
        if head.lower() not in lexicon or (not tail.isupper() and tail.lower() not in lexicon):
            return True
    return False


# --- Hyphens lost at a line end ----------------------------------------------------------

SEAM_WORD_RE = re.compile(rf"([^\W\d_]*)[{SEAM}{SEAM_HYPHEN}]([^\W\d_]*)")


def resolve_seams(text: str, evidence: Evidence) -> str:
    """Each seam parsing marked made a hyphen or nothing: a hyphen where the archive writes
    the two words apart more often than run together, or (without such usage) where English
    does not know the run-together word; nothing where the archive or English writes it as
    one word ("peacebuilding", "landlocked")."""
    if SEAM not in text and SEAM_HYPHEN not in text:
        return text

    def decide(m: re.Match[str]) -> str:
        head, tail = m.group(1), m.group(2)
        if tail in CONJUNCTIONS:
            # "short-" ended the line before "and long-term": a suspended hyphen
            after = text[m.end() : m.end() + 60].split(" ", 2)
            return f"{head}- {tail}" if len(after) > 1 and "-" in after[1] else head + tail
        if SEAM_HYPHEN in m.group(0) or _hyphenated(head, tail, evidence):
            return f"{head}-{tail}"
        return head + tail

    return SEAM_WORD_RE.sub(decide, text)


def _hyphenated(head: str, tail: str, evidence: Evidence) -> bool:
    """Whether a seam was a compound's hyphen: the archive writes the two words apart more
    often than run together; else, if it never writes them run together either (a name the
    statement repeats is run together elsewhere), when English does not know the word."""
    glued = head + tail
    held = evidence.held(glued)
    apart = evidence.phrase((head, tail), at_most=held + 1) or 0
    if apart > held:
        return True
    if held:
        return False
    return zipf(evidence.english(glued)) < NEW_WORD_ZIPF


def _camel(m: re.Match[str], evidence: Evidence) -> str:
    """Two capitalised words run together, decided as a seam: hyphenated when both are
    words and the archive writes them apart more often, or English does not know the run
    ("SecretaryGeneral"; never "MacArthur")."""
    halves = (m.group(1), m.group(2))
    if all(zipf(evidence.logp(h)) >= OWN_WORD_ZIPF for h in halves) and _hyphenated(
        *halves, evidence
    ):
        return f"{halves[0]}-{halves[1]}"
    return m.group(0)


# --- What was repaired -------------------------------------------------------------------


def repairs_between(printed: str | None, text: str) -> list[Repair]:
    """The words repaired between the printed text and the repaired one (which differ only by
    spaces removed and hyphens added), each with where it stands in the repaired text; [] if
    nothing was repaired (`printed` is None) or the two are not forms of one text."""
    if printed is None:
        return []
    changed: list[int] = []  # positions in `text` next to which something changed
    origin: list[int] = []  # for each position in `text`, the position in `printed`
    i = j = 0
    while j < len(text):
        if i < len(printed) and printed[i] == text[j]:
            origin.append(i)
            i += 1
            j += 1
        elif i < len(printed) and printed[i] == " ":
            changed.append(j)
            i += 1
        elif text[j] in "- ":  # a hyphen put back ("post-conflict", "short- and")
            changed.append(j)
            origin.append(i)
            j += 1
        else:
            return []
    if i != len(printed):
        return []
    origin.append(i)
    out: list[Repair] = []
    for at in changed:
        start, end = _word_around(text, at)
        if out and out[-1].end >= start:  # the same word, or one a put-back space divides
            start = out.pop().start
        out.append(Repair(printed[origin[start] : origin[end]], text[start:end], start, end))
    return out


def _word_around(text: str, at: int) -> tuple[int, int]:
    """The word of `text` (letters and hyphens) that position `at` is in or next to; a space
    put back at `at` ("short- and") joins the words either side."""
    start = at
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "-"):
        start -= 1
    end = at + 1 if text[at : at + 1] == " " else at
    while end < len(text) and (text[end].isalpha() or text[end] == "-"):
        end += 1
    return start, end


# --- What still looks damaged (for the report) -------------------------------------------


def suspects(text: str, evidence: Evidence) -> list[str]:
    """Words of a (repaired) text that still look like damage, for a person to read: stray
    letters, pieces that would join into a known word but not surely enough ("be fore"), and
    lower-case words neither the lexicon nor the archive knows (a piece, or a rare word)."""
    found: list[str] = [m.group(0) for m in BARE_LETTER_RE.finditer(text)]
    tokens = text.split(" ")
    found += [" ".join(g.pieces) for g in _candidates(tokens, evidence, border=BORDER)]
    known = KNOWN_ZIPF - 9
    for m in WORD_RE.finditer(text):
        word = m.group(0)
        if word[0].islower() and evidence.logp(word) < known and evidence.held(word) < USAGE:
            found.append(word)
    return found
