"""OffsetMap: code points <-> Qt UTF-16 positions, checked against Python's own UTF-16
encoding and against a real QTextDocument."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.gui.editor.offsets import OffsetMap, utf16_len

SAMPLE = "👩‍👩‍👧 visited 𝔘𝔫𝔦𝔬𝔫 😀 in Paris"


def u16(text: str, cp: int) -> int:
    """Independent reference: UTF-16 units before code point `cp`."""
    return len(text[:cp].encode("utf-16-le")) // 2


def test_utf16_len_counts_surrogate_pairs():
    assert utf16_len("") == 0
    assert utf16_len("abc") == 3
    assert utf16_len("😀") == 2
    assert utf16_len(SAMPLE) == len(SAMPLE.encode("utf-16-le")) // 2


def test_fast_path_without_astral_characters():
    m = OffsetMap("plain text, é and ü are in the BMP")
    assert not m.has_astral
    assert [m.to_qt(i) for i in range(10)] == list(range(10))
    assert m.from_qt(7) == 7


def test_sample_positions_match_utf16_encoding():
    m = OffsetMap(SAMPLE)
    assert m.cp_length == len(SAMPLE)
    assert m.qt_length == utf16_len(SAMPLE)
    for cp in range(len(SAMPLE) + 1):
        assert m.to_qt(cp) == u16(SAMPLE, cp)
        assert m.from_qt(m.to_qt(cp)) == cp
    paris = SAMPLE.index("Paris")
    # 3 emoji in the family (the joiners are BMP), 5 fraktur letters and 😀: 9 astral chars.
    assert m.to_qt(paris) == paris + 9


def test_position_inside_a_surrogate_pair_rounds_to_character_start():
    text = "a😀b"
    m = OffsetMap(text)
    assert m.to_qt(1) == 1 and m.to_qt(2) == 3
    assert m.from_qt(2) == 1  # between the two surrogates of 😀
    assert m.from_qt(3) == 2
    assert m.range_from_qt(1, 2) == (1, 2)  # an end inside the pair covers the character


def test_out_of_range_positions_are_clamped():
    m = OffsetMap("x😀")
    assert m.to_qt(-5) == 0 and m.to_qt(99) == 3
    assert m.from_qt(-1) == 0 and m.from_qt(99) == 2


def _fold_breaks(text: str) -> str:
    return "".join("\n" if ch in "\r\n\u2028\u2029" else ch for ch in text)


ASTRAL = st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF)
ANY = st.one_of(ASTRAL, st.characters(blacklist_categories=("Cs",)), st.sampled_from(" \n\t"))
# For QTextDocument: no CR (CR LF folds into one position; the editor handles that itself).
NO_CR = st.one_of(ASTRAL, st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
                  st.sampled_from(" \n\t"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ANY, max_size=60))
def test_round_trip_for_random_text(text):
    m = OffsetMap(text)
    assert m.qt_length == utf16_len(text) == len(text.encode("utf-16-le", "surrogatepass")) // 2
    for cp in range(len(text) + 1):
        qt = m.to_qt(cp)
        assert qt == u16(text, cp)
        assert m.from_qt(qt) == cp
    for qt in range(m.qt_length + 1):
        cp = m.from_qt(qt)
        # Either an exact boundary, or the second half of a surrogate pair of char cp.
        assert m.to_qt(cp) == qt or (m.to_qt(cp) == qt - 1 and ord(text[cp]) > 0xFFFF)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=NO_CR, min_size=1, max_size=40), st.data())
def test_qt_document_agrees(qapp, text, data):
    """A QTextCursor placed with to_qt selects exactly the Python slice."""
    doc = QTextDocument()
    doc.setPlainText(text)
    m = OffsetMap(text)
    assert doc.characterCount() - 1 == m.qt_length
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    cursor = QTextCursor(doc)
    cursor.setPosition(m.to_qt(start))
    cursor.setPosition(m.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    # selectedText() shows every block break as U+2029; compare with that folded away.
    assert _fold_breaks(cursor.selectedText()) == _fold_breaks(text[start:end])
    assert m.range_from_qt(cursor.selectionStart(), cursor.selectionEnd()) == (start, end)
