"""What a document shows when opened: saved spans from before the grapheme rule still open."""

from __future__ import annotations

import orjson

from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.core.learning.suggestions import FROM_ANNOTATION, spans_to_show


def test_saved_spans_cutting_a_character_open_widened(store: Store):
    text = "the 🇺🇦 flag 👍🏽 flew over kyiv"
    doc_id, _ = store.documents.add_document(text)
    flag, thumb = text.index("🇺🇦"), text.index("👍🏽")
    # As an older version saved them (the store refuses such spans now): half a flag, and a
    # span ending between an emoji and its skin tone.
    old = [{"start": flag, "end": flag + 1, "label": "GPE"},
           {"start": text.index("flag"), "end": thumb + 1, "label": "ORG"},
           {"start": text.index("kyiv"), "end": len(text), "label": "GPE"}]
    store.conn.execute("INSERT INTO annotations (document_id, annotator, answer, spans, created, updated) "
                       "VALUES (?, 'alice', 'accept', ?, 1, 1)", (doc_id, orjson.dumps(old).decode()))
    spans, origin = spans_to_show(store, doc_id, "alice", None, None, text)
    assert origin == FROM_ANNOTATION
    assert spans == [Span(text.index("flag"), thumb + 2, "ORG"), Span(text.index("kyiv"), len(text), "GPE")]
    # Valid saved spans come back exactly as saved.
    good = [Span(text.index("kyiv"), len(text), "GPE")]
    store.annotations.save_annotation(doc_id, "bob", "accept", good)
    assert spans_to_show(store, doc_id, "bob", None, None, text) == (good, FROM_ANNOTATION)
