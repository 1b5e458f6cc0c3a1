"""The seed article ships with the project, unchanged."""

import hashlib
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_both_seed_files_are_present_and_utf8():
    original = SEEDS / "000_5b2a99fe7e84453b.txt"
    clean = SEEDS / "kennan-two-economies.txt"
    for path in (original, clean):
        assert path.stat().st_size > 1000
    text = clean.read_text(encoding="utf-8")
    assert "two diverging segments" in text
    assert "skilled labor migration" in text


def test_seed_files_are_byte_for_byte_the_ones_handed_over():
    # checksums of ../shared/seeds/ as handed to the project (2026-11-25): the seeds are never edited
    expected = {
        "000_5b2a99fe7e84453b.txt": "8c2c3d42ff48dfeef2126025f1fd4f0b",
        "kennan-two-economies.txt": "df5df4a341dd19da7b5f53dfa8c322a9",
    }
    for name, digest in expected.items():
        assert hashlib.md5((SEEDS / name).read_bytes()).hexdigest() == digest
