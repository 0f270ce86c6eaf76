"""Write synthetic statement files shaped like the real ones, for benchmarks.

The vocabulary and sentences come from `seeds/`: each synthetic paragraph opens like a Council
paragraph ("The Security Council ...") and strings together seed sentences, recombined clauses
and sentences reused from earlier synthetic statements (agreed language), so phrase frequencies
look like an archive's: a few phrases everywhere, most rare. Some files carry the real files'
quirks: PDF layout with a symbol line, form feeds, running headers, job numbers, barcodes and
page numbers; markdown headings; straight or curly quotes; page breaks inside a sentence.

Deterministic: the same --seed and --statements give byte-identical files.

    python bench/generate_corpus.py OUT_DIR --statements 1000 [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.parse.statement import decode, parse_statement  # noqa: E402

AGENDA_ITEMS = [
    "Threats to international peace and security",
    "Threats to international peace and security caused by terrorist acts",
    "The situation in the Middle East",
    "Maintenance of international peace and security",
    "Protection of civilians in armed conflict",
    "Children and armed conflict",
    "Women and peace and security",
    "Peace and security in Africa",
    "The situation in Afghanistan",
    "Non-proliferation of weapons of mass destruction",
    "Cooperation between the United Nations and regional and subregional organizations",
    "United Nations peacekeeping operations",
]
VERBS = [
    "reaffirms",
    "recalls",
    "stresses",
    "underlines",
    "welcomes",
    "expresses concern at",
    "calls upon all Member States to address",
    "emphasizes",
    "condemns in the strongest terms",
    "encourages",
    "requests the Secretary-General to report on",
    "recognizes",
    "notes with concern",
]


class Vocabulary:
    """Sentences, clauses and words harvested from the seed statements."""

    def __init__(self, seeds: Path) -> None:
        sentences: list[str] = []
        for path in sorted(seeds.glob("*.txt")):
            parsed = parse_statement(decode(path.read_bytes()))
            for p in parsed.paragraphs:
                sentences += [s.strip() for s in re.split(r"(?<=\.)\s+", p.plain) if s.strip()]
        self.sentences = sentences
        tails = []
        for s in sentences:
            m = re.match(r"The (?:Security )?Council (?:\w+ ){1,3}?(\w+s) (.+)", s)
            if m:
                tails.append(m.group(2).rstrip("."))
        self.tails = tails
        clauses = []
        for s in sentences:
            clauses += [c.strip() for c in s.rstrip(".").split(",") if len(c.split()) >= 3]
        self.clauses = clauses
        self.words = sorted({w for s in sentences for w in re.findall(r"[A-Za-z][a-z-]+", s)})


def paragraph(rng: random.Random, vocab: Vocabulary, agreed: list[str]) -> str:
    parts = []
    for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
        roll = rng.random()
        if roll < 0.25 and agreed:
            parts.append(rng.choice(agreed))
        elif roll < 0.5:
            parts.append(rng.choice(vocab.sentences))
        else:
            clauses = rng.sample(vocab.clauses, k=rng.randint(2, 4))
            extra = " ".join(rng.choice(vocab.words) for _ in range(rng.randint(0, 4)))
            body = ", ".join(clauses) + (f" {extra}" if extra else "")
            subject = "The Security Council" if rng.random() < 0.8 else "The Council"
            parts.append(f"{subject} {rng.choice(VERBS)} {body[0].lower()}{body[1:]}.")
    text = " ".join(parts)
    if not text.startswith("The "):
        text = f"The Security Council {rng.choice(VERBS)} that {text[0].lower()}{text[1:]}"
    if rng.random() < 0.05:
        agreed.append(parts[0])
    return text


def wrap(text: str, rng: random.Random, width: int = 80) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def statement_file(n: int, rng: random.Random, vocab: Vocabulary, agreed: list[str]) -> str:
    year = 1994 + n % 31
    date = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(360))
    number_in_year = n // 31 + 1
    symbol = f"S/PRST/{year}/{number_in_year}"
    meeting = 3000 + n
    day = f"{date.day} {date:%B %Y}"
    agenda = rng.choice(AGENDA_ITEMS)
    curly = rng.random() < 0.6
    oq, cq = ("“", "”") if curly else ('"', '"')
    paragraphs = [paragraph(rng, vocab, agreed) for _ in range(rng.choice(range(8, 23)))]
    intro = (
        f"At the {meeting}th meeting of the Security Council, held on {day}, in connection "
        f"with the Council’s consideration of the item entitled {oq}{agenda}{cq}, the President "
        "of the Security Council made the following statement on behalf of the Council:"
    )
    style = rng.random()
    if style < 0.6:  # PDF text, as pdftotext writes it
        job = f"{year % 100:02d}-{rng.randrange(10000, 99999)}"
        out = [symbol, "", "United Nations", "", "Security Council", "", "Distr.: General", day]
        out += ["Original: English", "", "Statement by the President of the Security Council"]
        out += wrap(intro, rng)
        body: list[str] = []
        for i, p in enumerate(paragraphs):
            text = oq + p + (cq if i == len(paragraphs) - 1 else "")
            body += wrap(text, rng)
        page = 45
        for start in range(0, len(body), page):
            out += body[start : start + page]
            if start + page < len(body):
                page_no = start // page + 1
                out += [f"{job} (E) {date:%d%m%y}", "", f"*{job.replace('-', '')}*", ""]
                out += [f"\f{symbol}", "", f"{page_no + 1}/{len(body) // page + 1}", ""]
        return "\n".join(out) + "\n"
    # markdown or plain text, one line per paragraph, blank lines between
    heading = "## " if style < 0.8 else ""
    out = ["", "", f"{heading}Security Council", "", "Distr.: General  ", day, ""]
    out += ["Original: English", "", "---" if heading else "", ""]
    out += [f"{'### ' if heading else ''}Statement by the President of the Security Council", ""]
    out += [intro, ""]
    for i, p in enumerate(paragraphs):
        text = oq + p + (cq if i == len(paragraphs) - 1 else "")
        if rng.random() < 0.05 and " against " in text:  # a page break inside a sentence
            text = text.replace(" against ", " against\n\n\n", 1)
        out += [text, ""]
    return "\n".join(out)


def generate(out: Path, statements: int, seed: int = 1, first: int = 0) -> int:
    """Write `statements` files into `out`, numbered from `first`; returns how many."""
    rng = random.Random(seed)
    vocab = Vocabulary(ROOT / "seeds")
    agreed: list[str] = []
    out.mkdir(parents=True, exist_ok=True)
    for n in range(first, first + statements):
        folder = out / f"{n // 1000:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"statement-{n:06d}.txt").write_text(
            statement_file(n, rng, vocab, agreed), encoding="utf-8"
        )
    return statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=0, help="number of the first statement")
    args = parser.parse_args()
    n = generate(args.out, args.statements, args.seed, args.first)
    print(f"wrote {n} statement files to {args.out}")


if __name__ == "__main__":
    main()
