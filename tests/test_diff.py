"""The word-level comparison marks exactly the words that differ, and escapes everything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.ingest.pipeline import ingest
from app.language import precedents
from app.language.diff import changed_words, compare_words, word_diff
from app.web.app import create_app
from tests.conftest import SEED_2012, SEED_2023, SEEDS_DIR

OLD, NEW = "S-PRST-2012-16", "S-PRST-2023-6"


def seed_paragraph(engine: Engine, statement_id: str, number: int) -> str:
    with Session(engine) as session:
        located = precedents.paragraph_at(session, statement_id=statement_id, number=number)
        assert located is not None
        return located.paragraph.plain


def test_the_seed_pair_marks_exactly_the_changed_words(seeded_db: object, engine: Engine) -> None:
    old = seed_paragraph(engine, OLD, 4)
    new = seed_paragraph(engine, NEW, 9)
    pieces = word_diff(old, new)
    assert changed_words(pieces, "insert") == [
        "expresses",
        "concern",
        "with",
        "development",
        "crime",
        "which",
        "are",
        "and",
        "decentralized",
    ]
    deleted = changed_words(pieces, "delete")
    assert deleted[:2] == ["reaffirms", "benefits"]
    assert deleted[-1] == "criminal"
    assert "globalized" in deleted
    kept = " ".join(p.text for p in pieces if p.op == "equal")
    assert "better equipped with new information and communication technologies" in kept
    assert kept.endswith("which in some cases may aggravate threats to international security.")


def test_pieces_rebuild_the_newer_text() -> None:
    old = "The Council notes, with concern, the rise of organized criminal groups."
    new = "The Council notes the rise of organized crime groups and networks."
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.op != "delete") == new
    assert changed_words(pieces, "delete") == ["with", "concern", "criminal"]
    assert changed_words(pieces, "insert") == ["crime", "and", "networks"]
    assert next(p.text for p in pieces if p.op == "delete") == ", with concern,"


def test_identical_texts_have_no_changes() -> None:
    text = "The Security Council reaffirms its primary responsibility."
    assert [p.op for p in word_diff(text, text)] == ["equal"]


def test_case_and_accents_alone_are_not_changes() -> None:
    pieces = word_diff("the UN Charter and Côte d'Ivoire", "the Un charter and Cote d'Ivoire")
    assert [p.op for p in pieces] == ["equal"]


def test_compare_page_shows_ins_and_del(client: TestClient) -> None:
    r = client.get(f"/statements/{NEW}/paragraphs/9/compare/{OLD}/4")
    assert r.status_code == 200
    assert "<del>criminal</del> <ins>crime</ins>" in r.text
    assert "more <ins>decentralized</ins> diversified" in r.text
    assert "<del>reaffirms</del> <ins>expresses concern with</ins>" in r.text
    # The older paragraph is the base whichever way round the URL names them.
    reverse = client.get(f"/statements/{OLD}/paragraphs/4/compare/{NEW}/9")
    assert "<del>criminal</del> <ins>crime</ins>" in reverse.text


def test_compare_page_of_merged_paragraph(client: TestClient) -> None:
    r = client.get(f"/statements/{NEW}/paragraphs/8/compare/{OLD}/6")
    assert r.status_code == 200
    assert "acknowledges that distinct strategies are required to address threats" in r.text
    assert f"/statements/{NEW}/paragraphs/8/compare/{OLD}/5" in r.text  # the other source


def test_compare_page_escapes_the_text(db_path: Path, engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "statements"
    folder.mkdir()
    for seed in (SEED_2012, SEED_2023, SEEDS_DIR / "metadata.csv"):
        shutil.copy(seed, folder / seed.name)
    hostile = folder / SEED_2023.name
    text = hostile.read_text(encoding="utf-8")
    hostile.write_text(
        text.replace("decentralized", "<script>alert('x')</script> decentralized"), encoding="utf-8"
    )
    ingest(engine, [folder])
    with TestClient(create_app(db_path)) as client:
        r = client.get(f"/statements/{NEW}/paragraphs/9/compare/{OLD}/4")
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert "<ins>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; decentralized</ins>" in r.text


def test_compare_with_a_missing_paragraph_is_a_404(client: TestClient) -> None:
    assert client.get(f"/statements/{NEW}/paragraphs/9/compare/{OLD}/99").status_code == 404
    assert client.get(f"/statements/{NEW}/paragraphs/9/compare/nope/4").status_code == 404
    assert client.get(f"/statements/{NEW}/paragraphs/x/compare/{OLD}/4").status_code == 422


def long_paragraph(words: int, seed: int) -> str:
    import random

    rng = random.Random(seed)
    vocabulary = ["the", "security", "council", "calls", "on", "all", "states", ",", "peace"]
    sentences, count = [], 0
    while count < words:
        length = rng.randint(8, 30)
        sentences.append(" ".join(rng.choice(vocabulary) for _ in range(length)) + ".")
        count += length
    return " ".join(sentences)


def test_long_paragraphs_are_compared_with_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Word by word is quadratic (20,000 words a side once took 6 s; 150,000 ran on after the
    client left): past MAX_CELLS the comparison goes sentence by sentence, then by wholes, and
    the matcher is never handed more than the budget."""
    import difflib

    from app.language import diff

    compared: list[int] = []
    real = difflib.SequenceMatcher

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, isjunk: object, a: list[object], b: list[object], **kw: object) -> None:
            compared.append(len(a) * len(b))
            super().__init__(isjunk, a, b, **kw)

    monkeypatch.setattr(diff.difflib, "SequenceMatcher", Counting)
    old = long_paragraph(150_000, seed=1)
    new = long_paragraph(150_000, seed=2)
    comparison = compare_words(old, new)
    assert sum(compared) <= diff.MAX_CELLS
    assert not comparison.exact
    pieces = comparison.pieces
    assert "".join(p.text for p in pieces if p.op != "delete") == new
    assert "".join(p.text for p in pieces if p.op != "insert").lower() == old.lower()


def test_a_long_pair_with_few_changes_is_still_exact_where_it_differs() -> None:
    old = long_paragraph(20_000, seed=3)
    new = old.replace("peace", "peaceful", 1)
    comparison = compare_words(old, new)
    assert changed_words(comparison.pieces, "insert") == ["peaceful"]
    assert changed_words(comparison.pieces, "delete") == ["peace"]
    assert comparison.exact  # the shared beginning and end are set aside first
