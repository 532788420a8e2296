"""Counting words for messages: "1 document", "2 documents", never "1 documents"."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 document', '2 documents', '1,000 entries' (plural given for irregular nouns)."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
