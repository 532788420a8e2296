"""Inside the document: propagated suggestions and "label all occurrences" (core/learning/propagate.py,
composed in core/suggestions.with_propagated)."""

from __future__ import annotations

from annotator.core.text.model import SOURCE_MODEL, SOURCE_PROPAGATED, Span
from annotator.core.learning.propagate import label_all, occurrences, propagated
from annotator.core.learning.suggestions import with_propagated

TEXT = "paris is big. Paris, parisian paris! new york and New York and york."


def at(word: str, nth: int = 0, text: str = TEXT) -> tuple[int, int]:
    """[start, end) of the nth occurrence of word in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def test_occurrences_are_whole_tokens_ignoring_case() -> None:
    assert occurrences(TEXT, *at("paris")) == [at("paris"), at("Paris"), at("paris", 2)]
    assert at("parisian")[0] not in [s for s, _ in occurrences(TEXT, *at("paris"))]
    assert occurrences(TEXT, *at("new york")) == [at("new york"), at("New York")]
    assert occurrences(TEXT, at("paris")[0], at("paris")[0] + 3) == []  # "par": not a token


def test_propagated_suggests_other_occurrences_without_touching_own_spans() -> None:
    own = [Span(*at("paris"), "GPE"), Span(*at("Paris"), "ORG")]
    got = propagated(TEXT, own)
    # The first labelled occurrence's label wins; the person's own second span is left alone.
    assert got == [Span(*at("paris", 2), "GPE", SOURCE_PROPAGATED)]
    assert all(s.source == SOURCE_PROPAGATED for s in got)


def test_longer_phrases_claim_their_occurrences_first() -> None:
    own = [Span(*at("york", 1), "PERSON"), Span(*at("new york"), "GPE")]
    got = propagated(TEXT, own)
    assert got == [Span(*at("New York"), "GPE", SOURCE_PROPAGATED)]  # not "York" inside it as PERSON
    assert propagated(TEXT, []) == []


def test_with_propagated_wins_over_model_suggestions_and_is_recomputed() -> None:
    model = Span(at("New York")[0], at("New York")[1] + 4, "ORG", SOURCE_MODEL)  # "New York and"
    other = Span(*at("york", 1), "GPE", SOURCE_MODEL)
    stale = Span(*at("Paris"), "GPE", SOURCE_PROPAGATED)  # from a span since removed
    mine = Span(*at("new york"), "GPE")
    got = with_propagated(TEXT, [mine, model, other, stale], ["GPE", "ORG"])
    assert got == [mine, Span(*at("New York"), "GPE", SOURCE_PROPAGATED), other]
    # A label the project lacks is never suggested.
    assert with_propagated(TEXT, [mine], ["ORG"]) == [mine]


def test_a_dismissed_occurrence_is_not_suggested_again() -> None:
    mine = Span(*at("paris"), "GPE")
    assert with_propagated(TEXT, [mine], ["GPE"], dismissed=[at("Paris")]) == [
        mine, Span(*at("paris", 2), "GPE", SOURCE_PROPAGATED)]
    # Dismissed means that occurrence only: a longer phrase over it is still suggested.
    assert propagated(TEXT, [Span(*at("new york"), "GPE")], dismissed=[at("York")]) == [
        Span(*at("New York"), "GPE", SOURCE_PROPAGATED)]


def test_a_limit_keeps_longer_phrases_then_the_first_occurrences() -> None:
    own = [Span(*at("paris"), "GPE"), Span(*at("new york"), "GPE")]
    assert propagated(TEXT, own, limit=2) == [Span(*at("Paris"), "GPE", SOURCE_PROPAGATED),
                                              Span(*at("New York"), "GPE", SOURCE_PROPAGATED)]
    assert propagated(TEXT, own, limit=0) == []


def test_label_all_occurrences() -> None:
    selected = Span(*at("paris"), "GPE", SOURCE_MODEL)
    own_other_label = Span(*at("Paris"), "ORG")
    suggestion = Span(*at("paris", 2), "PERSON", SOURCE_MODEL)
    result = label_all(TEXT, [selected, own_other_label, suggestion], selected, "LOC")
    assert result.spans == (Span(*at("paris"), "LOC"), Span(*at("Paris"), "LOC"), Span(*at("paris", 2), "LOC"))
    assert all(s.source is None for s in result.spans)
    assert (result.added, result.relabelled, result.skipped) == (2, 1, 0)


def test_label_all_leaves_occurrences_inside_the_persons_other_spans_alone() -> None:
    mine = Span(*at("New York"), "GPE")
    selected = Span(*at("york", 1), "PERSON")
    result = label_all(TEXT, [mine, selected], selected, "ORG")
    # "york" of the unlabelled "new york" is a whole-token occurrence; the one inside the
    # person's "New York" is left alone.
    york_in_new_york = (at("new york")[0] + 4, at("new york")[1])
    assert result.spans == (Span(*york_in_new_york, "ORG"), mine, Span(*at("york", 1), "ORG"))
    assert (result.added, result.relabelled, result.skipped) == (1, 1, 1)


def test_label_all_on_a_character_level_span_changes_only_it() -> None:
    part = Span(at("parisian")[0], at("parisian")[0] + 5, "GPE")  # "paris" inside "parisian"
    result = label_all(TEXT, [part], part, "LOC")
    assert result.spans == (Span(part.start, part.end, "LOC"),) and result.relabelled == 1
