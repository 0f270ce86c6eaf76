"""Word comparison of long paragraphs (the compare page): time per pair at growing lengths.

Two paragraphs of N words made of the real statements' words (the corpus when it is there, else
the seeds), the second a different arrangement of them, and the same pair with a few words
changed. Word by word the work grows with the product of the lengths; `compare_words` bounds it
(`app.language.diff.MAX_CELLS`) and says when it went sentence by sentence.

    python bench/bench_diff.py [--words 1000,5000,20000,150000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    from app.language.diff import compare_words
except ImportError:  # the code before issue 14 (run from its checkout for the "before" figures)
    from types import SimpleNamespace

    from app.language.diff import word_diff

    def compare_words(old: str, new: str) -> SimpleNamespace:  # type: ignore[misc]
        return SimpleNamespace(pieces=word_diff(old, new), exact=True)


CORPUS = ROOT.parent / "shared" / "corpus"


def vocabulary() -> list[str]:
    folder = CORPUS if CORPUS.is_dir() else ROOT / "seeds"
    words: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        words += path.read_text(encoding="utf-8", errors="replace").split()
    return words


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", default="1000,5000,20000,150000")
    args = parser.parse_args()
    source = vocabulary()
    rng = random.Random(14)
    print("| words a side | pair | seconds | word by word |")
    print("| ---: | --- | ---: | --- |")
    for n in (int(w) for w in args.words.split(",")):
        old = (source * (n // len(source) + 1))[:n]
        shuffled = old[:]
        rng.shuffle(shuffled)
        edited = [w if rng.random() > 0.02 else "changed" for w in old]
        for name, new in (("rearranged", shuffled), ("2% of words changed", edited)):
            started = time.perf_counter()
            comparison = compare_words(" ".join(old), " ".join(new))
            seconds = time.perf_counter() - started
            print(f"| {n:,} | {name} | {seconds:.3f} | {'yes' if comparison.exact else 'no'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
