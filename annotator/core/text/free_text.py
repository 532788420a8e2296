"""Text people write for the team: notes on documents, the guidelines, label descriptions.

The one rule for all of them, wherever they come from (the window, the command line, a
teammate's file, the hub): any Unicode text, but not a lone surrogate nor a NUL character
(PostgreSQL's text holds neither), at most MAX_TEXT_BYTES of UTF-8 each. Anything else is
refused with one line saying why.
"""

from __future__ import annotations

from typing import Any

from annotator.core.errors import AnnotatorError

MAX_TEXT_BYTES = 100 * 1024  # 100 KB per note, guidelines text or label description


class TeamTextError(AnnotatorError, ValueError):
    """A note, guidelines text or label description that cannot be saved (one line)."""


def check_text(text: Any, what: str, *, empty: bool = True) -> str:
    """`text` if it can be saved as `what` ("the note", "the guidelines"...), else TeamTextError."""
    if not isinstance(text, str):
        raise TeamTextError(f"{what} must be text, not {type(text).__name__}")
    if "\x00" in text:
        raise TeamTextError(f"{what} contains a NUL character (at character {text.index(chr(0)) + 1:,}), "
                            "which is not text")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise TeamTextError(f"{what} is not valid Unicode (a lone surrogate at character {exc.start + 1:,})") from None
    if size > MAX_TEXT_BYTES:
        raise TeamTextError(f"{what} is {size:,} bytes of UTF-8; the limit is 100 KB ({MAX_TEXT_BYTES:,} bytes)")
    if not empty and not text.strip():
        raise TeamTextError(f"{what} is empty")
    return text
