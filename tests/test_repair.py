"""Repairs of extraction damage are made only when the archive's vocabulary vouches for them."""

from __future__ import annotations

from collections import Counter

import pytest

from app.repair import repair

VOCAB = Counter(
    {
        "international": 40,
        "internati": 1,
        "onal": 1,
        "security": 50,
        "sec": 1,
        "urity": 1,
        "in": 500,
        "formal": 30,
        "informal": 12,
        "secretarygeneral": 1,
        "the": 900,
    }
)


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("the internati onal community", "the international community"),
        ("Sec urity Council", "Security Council"),
        ("the SecretaryGeneral reports", "the Secretary-General reports"),
    ],
)
def test_vouched_repairs(damaged: str, repaired: str) -> None:
    assert repair(damaged, VOCAB) == (repaired, 1)


@pytest.mark.parametrize("text", ["in formal consultations", "the international community"])
def test_ordinary_words_are_left_alone(text: str) -> None:
    assert repair(text, VOCAB) == (text, 0)
