"""Property-based round trips (hypothesis): random Unicode text with random valid spans through
import -> store -> every export -> import, and code-point <-> UTF-16 offsets through the real
SpanEditor widget."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.ops.exporting import export
from annotator.core.ops.importing import import_paths
from annotator.core.text.graphemes import snap_out
from annotator.core.text.model import Span
from annotator.core.text.spans import trim_span
from annotator.core.store import Store
from tests.reliability.formats import chunks, read_conll, read_json_lines, spans_of

LABELS = ["PERSON", "ORG", "<b>x</b>", "a'b\"c", "R&D"]

# Any code point a project admits (no lone surrogates, no NUL: core/text/admission.py); weight toward the troublesome ones.
_SPECIAL = st.sampled_from(list("\r\n\t \x01\x0b\x0c\x1c\x85\u00a0\u2028\u2029\u200b\u200d\u2060"
                                "\ufdd0\ufffc\u0301\u0308") + ["😀", "👩", "🇬", "𝐀", "习", "ש", "ع", "\U0010fffd"])
_CHAR = st.one_of(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), _SPECIAL, st.sampled_from(list("abc XYZ.")))


@st.composite
def documents(draw, min_size: int = 1, max_size: int = 60, alphabet=_CHAR):
    """(text, spans): spans sorted, non-overlapping, not starting or ending in whitespace nor
    inside a grapheme cluster."""
    chars = draw(st.lists(alphabet, min_size=min_size, max_size=max_size))
    text = "".join(chars)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    spans: list[Span] = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        a, b = snap_out(text, *trim_span(text, a, b))
        if a < b and trim_span(text, a, b) == (a, b) and (not spans or spans[-1].end <= a):
            spans.append(Span(a, b, draw(st.sampled_from(LABELS))))
    return text, tuple(spans)


_counter = itertools.count()


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    root = tmp_path_factory.mktemp("prop")
    a, b = Store(root / "a.db"), Store(root / "b.db")
    yield root, a, b
    a.close()
    b.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@pytest.mark.slow
@given(doc=documents())
def test_import_store_export_import_round_trip(stores, doc):
    text, spans = doc
    if not text.strip():
        return  # empty documents are skipped by design (tested elsewhere)
    root, first, second = stores
    who = f"p{next(_counter)}"
    src = root / f"{who}.jsonl"
    record = {"text": text, "spans": [s.to_dict() for s in spans], "answer": "accept", "_annotator_id": who}
    src.write_bytes((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    report = import_paths(first, [src])
    assert report.errors == [], [str(e) for e in report.errors]
    (stored_doc, ann), = list(first.annotations.iter_annotations(annotator=who))
    assert stored_doc.text == text and ann.spans == spans

    for fmt in ("jsonl", "doccano"):
        out = root / f"{who}.{fmt}.jsonl"
        export(first, fmt, out, annotator=who)
        (rec,) = read_json_lines(out)
        assert rec["text"] == text and spans_of(rec) == spans
        back = import_paths(second, [out], fmt=fmt)
        assert back.errors == [], [str(e) for e in back.errors]
        (doc2, ann2), = list(second.annotations.iter_annotations(annotator=who))
        assert doc2.text == text and ann2.spans == spans

    # Token formats keep the text's tokens and, for spans on token boundaries, the entities.
    from spacy.tokens import DocBin

    from annotator.core.text.tokens import blank_nlp

    nlp = blank_nlp("en")
    spacy_out, conll_out = root / f"{who}.spacy", root / f"{who}.conll"
    spacy_report = export(first, "spacy", spacy_out, annotator=who)
    export(first, "conll", conll_out, annotator=who)
    (sdoc,) = DocBin().from_disk(spacy_out).get_docs(nlp.vocab)
    assert sdoc.text == text
    ref = nlp.make_doc(text)
    aligned = [s for s in spans if ref.char_span(s.start, s.end) is not None]
    ents = {(e.start_char, e.end_char, e.label_) for e in sdoc.ents}
    assert {(s.start, s.end, s.label) for s in aligned} <= ents
    assert spacy_report.warning_count >= len(spans) - len(aligned)
    (conll_doc,) = read_conll(conll_out)
    tokens = [t.text for t in ref if not t.is_space]
    assert [t for t, _ in conll_doc] == tokens
    if all(" " not in s.label for s in spans):
        got = chunks(conll_doc)
        for span in aligned:
            if len(text[span.start:span.end].splitlines()) > 1:
                continue  # a sentence break inside: IOB2 writes it as two entities (with a warning)
            assert any(c.label == span.label and "".join(c.tokens) == "".join(text[span.start:span.end].split())
                       for c in got), (span, got)


# ---- offsets through the real widget ---------------------------------------------------

def _qt(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


# U+FEFF is left out: the widget drops it at the start of an inserted run (a known bug with
# its own xfail test in test_hostile_gui.py).
_WIDGET_CHAR = _CHAR.filter(lambda c: c != "\ufeff")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(doc=documents(min_size=1, max_size=40, alphabet=_WIDGET_CHAR), data=st.data())
def test_widget_offsets_round_trip(qtbot, doc, data):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QTextCursor

    from annotator.core.text.model import Label
    from annotator.gui.editor.span_editor import SpanEditor

    text, spans = doc
    editor = SpanEditor()
    qtbot.addWidget(editor)
    editor.set_labels([Label(name, "#cccccc", None, i) for i, name in enumerate(LABELS)])
    editor.set_document(text, spans)
    assert editor.spans() == list(spans)
    assert editor.text_edit().document().characterCount() - 1 == _qt(text, len(text))

    # A selection at code-point boundaries [a, b) in UTF-16 units gives the trimmed span [a, b),
    # widened to whole grapheme clusters (core/editing.selection_to_range).
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    want = trim_span(text, a, b)
    if want[0] < want[1]:
        want = snap_out(text, *want)
    editor.set_document(text, [])
    editor.set_active_label("ORG")
    view = editor.text_edit()
    cursor = QTextCursor(view.document())
    cursor.setPosition(_qt(text, a))
    cursor.setPosition(_qt(text, b), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (_qt(text, a), _qt(text, b))
    rect = view.cursorRect(cursor)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier,
                       QPoint(rect.left(), rect.center().y()))
    expected = [Span(want[0], want[1], "ORG")] if want[0] < want[1] else []
    assert editor.spans() == expected, (text, a, b)
