"""Patterns and term lists: what the team already knows, as suggestions (◆), with each
pattern's precision measured from the decisions made on its suggestions.

records   a pattern, its checks and its content key (Prodigy's two shapes)
files     pattern JSONL and term lists in, pattern JSONL out
matcher   PatternMatcher: the spans a text's patterns give (source "pattern")
manage    adding files to a project, exporting, the learned phrases as patterns
precision shown / kept / relabelled / removed per pattern, and which are flagged
ruler     the patterns as a spaCy entity_ruler in a trained pipeline (`train --with-patterns`)

This package imports nothing at import time, so the store can use its records.
"""
