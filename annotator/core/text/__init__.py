"""Text and spans: the records passed everywhere (Span, Document), span checks, grapheme clusters,
tokens, span-list edits, label names and text -> spaCy Doc. Depends on nothing else of ours."""
